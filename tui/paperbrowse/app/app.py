"""The paperbrowse Textual app: loads a library off the UI thread and shows the browser."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Sequence
from pathlib import Path

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from paperbrowse.app.commands import PaperCommands
from paperbrowse.app.config import load_config, save_config
from paperbrowse.app.screens.browser import BrowserScreen
from paperbrowse.core.errors import FormatError
from paperbrowse.core.library import Library, load


class PaperBrowseApp(App[int]):
    """Open ``paths`` (or a ready ``library``) in the browser screen."""

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
        self.library = library
        self.load_error: FormatError | None = None
        self._theme_loaded = False

    def get_default_screen(self) -> Screen[None]:
        return BrowserScreen()

    @property
    def browser(self) -> BrowserScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, BrowserScreen)
        return screen

    def on_mount(self) -> None:
        theme = load_config().get("theme")
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme
        self._theme_loaded = True
        if self.library is not None:
            self.browser.set_library(self.library)
        else:
            self._load()

    def watch_theme(self, theme: str) -> None:
        if self._theme_loaded:
            save_config(theme=theme)

    @work(thread=True, exclusive=True, group="load")
    def _load(self) -> None:
        def progress(done: int, total: int, file: str) -> None:
            self.call_from_thread(self.browser.show_progress, done, total, file)

        gc.disable()  # collector passes over 100k fresh objects cost seconds during a load
        try:
            library = load(*self.paths, as_of=self.as_of, progress=progress)
            library.index  # noqa: B018 - build the search index here, off the UI thread
        except FormatError as error:
            self.load_error = error
            self.call_from_thread(self.exit, 2)
            return
        finally:
            gc.enable()
        # Long-lived papers never become garbage: freezing them keeps collector
        # pauses (0.2-1.3 s measured at 100k-1M objects) off the keystrokes.
        gc.collect()
        gc.freeze()
        self.call_from_thread(self._loaded, library)

    def _loaded(self, library: Library) -> None:
        self.library = library
        self.browser.set_library(library)
        problems = len(library.problems)
        if problems:
            self.notify(
                f"{problems} problem{'s' if problems != 1 else ''} while loading; "
                "the rest loaded. Press w to see them.",
                severity="warning",
                timeout=8,
                markup=False,
            )
