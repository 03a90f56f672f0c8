"""The paperbrowse Textual app: the browser screen, the palette, the saved theme."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from paperbrowse.app.commands import PaperCommands
from paperbrowse.app.config import load_config, save_config
from paperbrowse.app.screens.browser import BrowserScreen
from paperbrowse.app.terminal_text import StableEmojiWidths, StripControlCodes

if TYPE_CHECKING:
    from textual.filter import LineFilter

    from paperbrowse.core.errors import FormatError
    from paperbrowse.core.library import Library


class PaperBrowseApp(App[int]):
    """Open ``paths`` (loaded off the UI thread), or a ready ``library``, in the browser.

    When nothing at all loads, the app exits with status 2 and ``load_error``
    says why, for the command line to print.
    """

    CSS_PATH = "paperbrowse.tcss"
    TITLE = "paperbrowse"
    COMMANDS = App.COMMANDS | {PaperCommands}
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False, priority=True)]

    def __init__(
        self,
        paths: Sequence[str | Path] = (),
        *,
        library: Library | None = None,
        as_of: dt.date | None = None,
    ) -> None:
        super().__init__()
        self.paths = list(paths)
        self.as_of = as_of
        self.initial_library = library
        self.load_error: FormatError | None = None
        self._theme_restored = False
        self._text_filters = [StripControlCodes(), StableEmojiWidths()]

    def get_line_filters(self) -> Sequence[LineFilter]:
        # Last, after Textual's colour filters: no control character reaches the
        # terminal, and no emoji sequence it would measure otherwise than Rich.
        return [*super().get_line_filters(), *self._text_filters]

    def get_default_screen(self) -> Screen[None]:
        return BrowserScreen(self.paths, library=self.initial_library, as_of=self.as_of)

    @property
    def browser(self) -> BrowserScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, BrowserScreen)
        return screen

    def on_mount(self) -> None:
        theme = load_config().get("theme")
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme
        self._theme_restored = True

    async def action_quit(self) -> None:
        # An open note editor first saves what was typed since its last pause.
        for screen in self.screen_stack:
            flush = getattr(screen, "flush", None)
            if callable(flush):
                flush()
        await super().action_quit()

    def watch_theme(self, theme: str) -> None:
        if self._theme_restored:  # not the default, nor the saved one being restored
            save_config(theme=theme)
