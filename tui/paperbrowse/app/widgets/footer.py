"""Textual's footer, redrawn once per burst of binding changes.

Textual's ``Footer`` rebuilds all its keys on every binding change, and at
start-up (screen mounted, focus set, app focused, papers shown) several come
within a few frames: five rebuilds took about 0.15 s of the interpreter while
the loader thread was reading the library. One rebuild per burst shows the
same keys.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """A ``Footer`` whose rebuilds requested while one is pending are merged into it."""

    _rebuild_queued = False

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_queued:
            self._rebuild_queued = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_queued = False  # a change from now on needs a new rebuild
        await self.recompose()
