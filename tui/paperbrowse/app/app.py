"""The paperbrowse Textual app: the browser screen, the palette, the saved theme."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import ThemeProvider

from paperbrowse.app.commands import PaperCommandPalette, PaperCommands
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
        self.crash: str | None = None  # a bug that stopped the app, in one line
        self.crash_log: Path | None = None  # where its traceback was written
        self._theme_restored = False
        self._text_filters = [StripControlCodes(), StableEmojiWidths()]

    def _fatal_error(self) -> None:
        # A bug, not bad input (that never gets here): Textual would print a long
        # traceback with locals over the user's shell. Write it to a file instead and
        # let the command line say one line. (`textual run --dev` keeps Textual's.)
        if "debug" in self.features:
            super()._fatal_error()
            return
        import sys
        import traceback

        error = sys.exc_info()[1]
        self.crash = f"{type(error).__name__}: {error}" if error else "unknown error"
        try:
            from paperbrowse.core.cache import cache_dir

            log = cache_dir() / "crash.log"
            log.parent.mkdir(parents=True, exist_ok=True)
            log.write_text("".join(traceback.format_exc()), encoding="utf-8")
            self.crash_log = log
        except Exception:  # no log then; the one line still says what broke
            self.crash_log = None
        self._close_messages_no_wait()

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

    # Every palette is ours (see PaperCommandPalette): the main one, and the theme picker
    # that Textual's "Change theme" command opens.
    def action_command_palette(self) -> None:
        # Without Textual's fixed id "--command-palette": ctrl+p while the last palette
        # was still being removed opened one with its id, and DuplicateIds ended the app
        # (found by soak_keys.py; no Textual issue found for it).
        if self.use_command_palette and not PaperCommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(PaperCommandPalette())

    def search_themes(self) -> None:
        self.push_screen(
            PaperCommandPalette(providers=[ThemeProvider], placeholder="Search for themes…")
        )

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
