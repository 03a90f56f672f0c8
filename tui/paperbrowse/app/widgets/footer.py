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

The pinned keys (Help, Quit) sit at the right edge beside the command palette's key,
in one group docked there as Textual docks the palette's key alone: the other keys
come first in order, so at 90 columns these two had been cut off the edge. The keys
that do not fit beside them are left out whole, the last first: clipped at the edge,
a key read "b B" at 80 columns, and "s" without its word at 50 (all are in the help and
the palette).
This too leans on Textual 8.2.8's internals: ``FooterKey`` (not exported, from
``textual.widgets._footer``), its ``action``, and the ``-command-palette`` class that
``Footer.compose`` gives the palette's key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import HorizontalGroup
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from paperbrowse.app.actions import PINNED_ACTIONS, REGISTRY_RANK

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.binding import ActiveBinding
    from textual.widget import Widget

# The footer's children docked at its right edge: the pinned group, else the palette's key.
DOCKED = ("-pinned", "-command-palette")


class KeyFooter(Footer):
    """A ``Footer`` that stays empty while ``held`` and merges rebuilds requested together,
    with the pinned keys (Help, Quit) always on it, at its right edge."""

    # Textual's own CSS docks the palette's key right; in the pinned group it is not
    # docked again (two widgets docked on one edge would be drawn over each other).
    DEFAULT_CSS = """
    KeyFooter .-pinned {
        dock: right;
        width: auto;
        height: 1;
        border-left: vkey $foreground 20%;
    }
    KeyFooter .-pinned FooterKey.-command-palette {
        dock: none;
    }
    """

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

    def compose(self) -> ComposeResult:
        """Textual's keys, with the pinned ones and the palette's moved to the right edge."""
        pinned: list[FooterKey] = []
        palette: FooterKey | None = None
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget.action in PINNED_ACTIONS:
                pinned.append(widget)
            elif isinstance(widget, FooterKey) and widget.has_class("-command-palette"):
                palette = widget
            else:
                yield widget
        if pinned:
            yield HorizontalGroup(*pinned, *([palette] if palette else []), classes="-pinned")
        elif palette is not None:  # (none pinned here, the search bar's keys: as Textual has it)
            yield palette

    async def recompose(self) -> None:
        self._rebuild_queued = False  # a change from now on needs a new rebuild
        await super().recompose()
        self.fit_keys()

    def on_resize(self) -> None:
        self.fit_keys()

    def fit_keys(self) -> None:
        """Show the keys in order while each fits whole beside the right edge's (docked)
        group; the rest are left out, never cut."""
        if not self.size.width:
            return  # not laid out yet: fitted on its first resize
        docked = [c for c in self.children if any(c.has_class(name) for name in DOCKED)]
        keys = [child for child in self.children if child not in docked]
        room = self.size.width - sum(self._width_of(child) for child in docked)
        for key in keys:
            width = self._width_of(key)
            key.display = width <= room
            room = room - width if key.display else 0  # (none after the first left out)

    def _width_of(self, widget: Widget) -> int:
        """The cells ``widget`` takes in the footer's row, shown or not (its own width:
        the keys' widths are ``auto``)."""
        content = widget.get_content_width(self.size, self.app.size)
        return content + widget.styles.gutter.width + widget.styles.margin.width


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
