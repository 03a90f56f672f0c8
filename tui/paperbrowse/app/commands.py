"""Command palette: "Go to paper…" over titles, and every action of the browser."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from paperbrowse.app.screens.browser import BrowserScreen

# (palette name, help text, action name on the browser screen)
ACTIONS: list[tuple[str, str, str]] = [
    ("Search", "Focus the search bar (/)", "focus_search"),
    ("Sort: next order", "Newest, oldest, title, relevance (s)", "cycle_sort"),
    ("Open link", "Open the paper's first link in the browser (o)", "open_link"),
    ("Copy paper", "Copy title, authors and link to the clipboard (y)", "copy"),
    ("Show problems", "Warnings met while loading files (w)", "show_problems"),
    ("Help", "Every key and the search syntax (?)", "help"),
    ("Switch pane", "Between the list and the detail pane (tab)", "switch_pane"),
]
GO_TO_LIMIT = 20


class PaperCommands(Provider):
    """Actions of the browser, and "Go to paper" through the library's own search."""

    def _browser(self) -> BrowserScreen | None:
        from paperbrowse.app.screens.browser import BrowserScreen

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, BrowserScreen):
                return screen
        return None

    def _actions(self, browser: BrowserScreen) -> list[tuple[str, str, Callable[[], object]]]:
        return [
            (name, help_text, getattr(browser, f"action_{action}"))
            for name, help_text, action in ACTIONS
        ]

    async def discover(self) -> Hits:
        browser = self._browser()
        if browser is None:
            return
        for name, help_text, callback in self._actions(browser):
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        browser = self._browser()
        if browser is None:
            return
        matcher = self.matcher(query)
        for name, help_text, callback in self._actions(browser):
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
        library = browser.library
        if library is None or not query.strip():
            return
        results = await asyncio.to_thread(library.find, query)
        for index in range(min(GO_TO_LIMIT, len(results))):
            paper = results[index]
            label = Text.assemble(("Go to paper: ", "dim"), paper.title)
            yield Hit(
                0.5 - index / 100,
                label,
                partial(browser.go_to_paper, paper),
                text=f"Go to paper: {paper.title}",
                help=paper.authors_text(),
            )
