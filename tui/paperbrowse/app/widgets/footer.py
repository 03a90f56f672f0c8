"""Textual's footer, built once the papers are on screen, then once per burst of changes.

Textual's ``Footer`` rebuilds all its keys on every binding change, and at
start-up (screen mounted, focus set, app focused, papers shown) several come
within a few frames: five rebuilds took about 0.15 s of the interpreter while
the loader thread was reading the library. Held until the screen releases it,
and with the rebuilds asked for while one is pending merged into it, the
footer is built once before the first papers show.

Private Textual API, knowingly (checked against textual 8.2.8): ``Footer`` has no
public way to defer or merge its rebuilds. It subscribes ``bindings_changed``
(undocumented) to the screen's ``bindings_updated_signal`` in ``on_mount`` and builds
nothing until its private ``_bindings_ready`` reactive is set; both are used here.
The public alternative, mounting a plain ``Footer`` only at ``release``, keeps the
first-frame saving but not the merging of later bursts (a reload, a theme change).
The keys it shows come from the registry (app/actions.py) with the user's keymap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen
from textual.widgets import Footer

from paperbrowse.app.actions import REGISTRY_RANK

if TYPE_CHECKING:
    from textual.binding import ActiveBinding


class KeyFooter(Footer):
    """A ``Footer`` that stays empty while ``held`` and merges rebuilds requested together."""

    def __init__(self, *, held: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self._held = held
        self._rebuild_queued = False

    def release(self) -> None:
        """Show the keys (once; later calls do nothing)."""
        if self._held:
            self._held = False
            self._bindings_ready = True
            # Via our own queue: the rebuild must run in the footer's context (its keys
            # bind to its reactives), not in the caller's.
            self.call_later(self._queue_rebuild)

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if self._held or not screen.app.app_focus or screen is not self.screen:
            return
        self._queue_rebuild()

    def _queue_rebuild(self) -> None:
        if self.is_attached and not self._rebuild_queued:
            self._rebuild_queued = True
            self.call_after_refresh(self.recompose)  # bound: Textual runs it in our context

    async def recompose(self) -> None:
        self._rebuild_queued = False  # a change from now on needs a new rebuild
        await super().recompose()


def in_registry_order(active: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    """A screen's active bindings, each namespace's in the registry's order.

    Textual 8.2.8's ``BindingsMap.apply_keymap`` deletes a rebound binding's keys and
    adds its new ones at the end, so ``Screen.active_bindings``, which the footer
    lists in order, had every rebound key after all the others. Namespaces (the
    focused widget, then the screen, then the app) keep their order; bindings not in
    the registry (the app's) keep theirs. No upstream issue found about the order.
    """
    namespaces: dict[object, int] = {}
    for entry in active.values():
        namespaces.setdefault(entry.node, len(namespaces))

    def place(item: tuple[int, tuple[str, ActiveBinding]]) -> tuple[int, int, int]:
        position, (_, entry) = item
        rank = REGISTRY_RANK.get(entry.binding.id or "", len(REGISTRY_RANK))
        return namespaces[entry.node], rank, position

    return dict(item for _, item in sorted(enumerate(active.items()), key=place))
