"""The paperbrowse Textual app: the browser screen, the palette, the saved theme."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import signal
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import ThemeProvider

from paperbrowse.app.actions import pinned, resolve_keymap
from paperbrowse.app.config import config_path, load_config, not_kept, save_config
from paperbrowse.app.keys import KeysInOrder, use_escape_burst_parser
from paperbrowse.app.screens.browser import BrowserScreen
from paperbrowse.app.terminal_text import InTurn, TerminalText
from paperbrowse.app.textual_patches import guard_textual
from paperbrowse.app.widgets.search_bar import SearchBar
from paperbrowse.core.locations import screenshot_dirs

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.filter import LineFilter

    from paperbrowse.app.first_screen_ahead import SecondProcess
    from paperbrowse.core.errors import FormatError
    from paperbrowse.core.library import Library

guard_textual()  # before any timer or widget is made (app/textual_patches.py)

# Signals that end the app as a quit does (the open note saved, the terminal given back),
# with the status a shell gives a process they kill: 128 + the signal's number (143, 129).
TERMINATING_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)
# Seconds the orderly exit after such a signal may take before the process ends anyway:
# after SIGHUP the terminal may be gone, and Textual's shutdown then waited forever on a
# write to it (``soak_keys.py`` found apps left running after their tmux server was
# killed: the main thread blocked in ``WriterThread.write``, disabling mouse reporting).
SHUTDOWN_GRACE = 3.0
# Seconds a quit waits for a download being written to its file (100 MB at most, synced).
SAVE_GRACE = 10.0


def paper_commands() -> type[Provider]:
    """The palette's commands (Textual calls this when the palette opens: the palette and
    its lists are imported then, not before the first screen)."""
    from paperbrowse.app.commands import PaperCommands

    return PaperCommands


class PaperBrowseApp(KeysInOrder, App[int]):
    """Open ``paths`` (loaded off the UI thread), or a ready ``library``, in the browser.

    When nothing at all loads, the app exits with status 2 and ``load_error``
    says why, for the command line to print.
    """

    CSS_PATH = "paperbrowse.tcss"
    TITLE = "paperbrowse"
    COMMANDS = App.COMMANDS | {paper_commands}
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False, priority=True)]

    def __init__(
        self,
        paths: Sequence[str | Path] = (),
        *,
        library: Library | None = None,
        as_of: dt.date | None = None,
        pdf_dirs: Sequence[str | Path] = (),
        first_screen_ahead: SecondProcess | None = None,
    ) -> None:
        super().__init__()
        self.paths = list(paths)
        # A second process keeping the library's first screen meanwhile, if the command
        # line started one (``app.first_screen_ahead``).
        self.first_screen_ahead = first_screen_ahead
        self.pdf_dirs = list(pdf_dirs)  # --pdf-dir: PDF folders besides config.json's
        self.as_of = as_of
        self.initial_library = library
        self.load_error: FormatError | None = None
        self.crash: str | None = None  # a bug that stopped the app, in one line
        self.crash_log: Path | None = None  # where its traceback was written
        # When the app started, and whether its own files changed after (an upgrade while
        # it ran: a restart mends the crash that follows, ``core.crash_log``).
        self.started_at = time.time()
        self.files_changed = False
        self._theme_restored = False
        self._text_filter = TerminalText()
        self._filters_in_turn = InTurn(())
        self._caught_signals: list[int] = []
        self.terminated_by: int | None = None  # the signal that ended the app, if one did
        self._default_screen: BrowserScreen | None = None
        # The user's keymap as applied (action id -> keys); the help and palette show it.
        self.keymap_in_effect: dict[str, str] = {}
        # config.json's warnings, toasted at start-up: a dialog opened over the browser
        # takes them down, and its closing gives them again (``BrowserScreen``).
        self.config_warnings: list[str] = []
        use_escape_burst_parser(self)  # "Esc /graph" typed in one burst is escape, then /graph

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
            from paperbrowse.core.crash_log import files_changed_since, record_crash
            from paperbrowse.core.locations import cache_dir

            self.files_changed = files_changed_since(self.started_at)
            # Added to the crashes before, with its time (core.crash_log).
            self.crash_log = record_crash(traceback.format_exc(), cache_dir())
        except Exception:  # no log then; the one line still says what broke
            self.crash_log = None
        self._close_messages_no_wait()

    def get_line_filters(self) -> Sequence[LineFilter]:
        # Last, after Textual's colour filters: no control character reaches the
        # terminal, and no emoji sequence it would measure otherwise than Rich. All of
        # them as one filter (``InTurn``), the same object while they stay the same.
        filters = (*super().get_line_filters(), *self._text_filter.filters)
        if self._filters_in_turn.filters != filters:
            self._filters_in_turn = InTurn(filters)
        return [self._filters_in_turn]

    def get_default_screen(self) -> Screen[None]:
        self._default_screen = BrowserScreen(
            self.paths,
            library=self.initial_library,
            as_of=self.as_of,
            pdf_dirs=self.pdf_dirs,
            ahead=self.first_screen_ahead,
        )
        return self._default_screen

    @property
    def browser(self) -> BrowserScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, BrowserScreen)
        return screen

    def on_load(self) -> None:
        # Load comes before Textual's driver takes the terminal, so from the first
        # frame on, a kill or a closed terminal window ends the app the orderly way.
        loop = asyncio.get_running_loop()
        for signum in TERMINATING_SIGNALS:
            try:
                loop.add_signal_handler(signum, self._terminated_by, signum)
            except (NotImplementedError, RuntimeError, ValueError):  # not the main thread
                break
            self._caught_signals.append(signum)

    def on_unmount(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in self._caught_signals:
            loop.remove_signal_handler(signum)
        self._caught_signals.clear()

    def _terminated_by(self, signum: int) -> None:
        """SIGTERM or SIGHUP: save the open note now, then leave as a quit does.

        Leaving through ``exit`` lets Textual's driver give the terminal back (main
        screen, mouse reporting off, cursor shown); the status is a killed process's.
        Textual 8.2.8 installs no handler for either signal, so by default they killed
        the process mid-frame (no upstream issue found on Textual's tracker). If that
        exit has not ended the process after ``SHUTDOWN_GRACE`` seconds, it ends anyway.
        """
        self.terminated_by = signum
        try:
            self._save_open_notes()
        finally:  # whatever the save did, the app still leaves
            watchdog = threading.Timer(SHUTDOWN_GRACE, os._exit, args=(128 + signum,))
            watchdog.daemon = True
            watchdog.start()
            self.exit(return_code=128 + signum)

    async def run_async(self, *args: Any, **kwargs: Any) -> int | None:
        result = await super().run_async(*args, **kwargs)
        status = self._status_to_leave_now(result)
        if status is not None:
            self._let_a_download_finish_its_file()
            # The note is saved and the terminal is back. asyncio.run would now wait for
            # the loader's thread (10-11 s while it reads a 31 MB file, measured, after a
            # kill or a ctrl+q alike); a process told to stop does not linger. What the
            # loader writes is renamed into place whole, so cutting it short leaves
            # nothing half-written.
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(Exception):
                    stream.flush()
            os._exit(status)
        return result

    def _let_a_download_finish_its_file(self) -> None:
        """A download being written (its last byte came before the quit) is given its
        name or removed before the process ends: never a temporary file left behind."""
        screen = self._default_screen
        if screen is not None and screen.downloading:
            from paperbrowse.core.pdf.fetch import finished_saving

            finished_saving(SAVE_GRACE)

    def _status_to_leave_now(self, result: int | None) -> int | None:
        """The exit status, when the process should end without waiting for the loader's
        thread or a download's."""
        if self.terminated_by is not None:
            return 128 + self.terminated_by
        if self.crash is not None or self.load_error is not None:
            return None  # the command line has a line to print first
        # A download is told to stop and hangs up its connections (core.lookup.client),
        # but one still connecting has no connection to hang up, and would hold the exit
        # until the connect timeout. It writes nothing before its last byte has come, and
        # one writing its file is waited for (_let_a_download_finish_its_file).
        screen = self._default_screen
        if screen is not None and (screen.loading_files or screen.downloading):
            return result if isinstance(result, int) else self.return_code or 0
        return None

    def _save_open_notes(self) -> None:
        # An open note editor saves what was typed since its last pause.
        for screen in self.screen_stack:
            flush = getattr(screen, "flush", None)
            if callable(flush):
                flush()

    def on_mount(self) -> None:
        config = load_config()
        if config.problem is not None:
            self.warn_of_config(config.problem)
        if config.theme is not None and config.theme in self.available_themes:
            self.theme = config.theme
        self._theme_restored = True
        self.apply_keymap(config.keymap)

    def apply_keymap(self, raw: Mapping[str, object]) -> None:
        """Rebind keys as the user's config asks: one notification per entry left out."""
        keymap, problems = resolve_keymap(raw, str(config_path()))
        self.keymap_in_effect = keymap
        self.set_keymap(pinned(keymap))
        # The search bar may be composed already, with the registry's keys in its hint.
        for screen in self.screen_stack[:1]:
            for bar in screen.query(SearchBar):
                bar.show_key_hints()
        for problem in problems:
            self.warn_of_config(problem)

    def warn_of_config(self, message: str) -> None:
        """A warning about config.json, toasted (and kept, see ``config_warnings``)."""
        self.config_warnings.append(message)
        self.notify(message, severity="warning", timeout=10, markup=False)

    # Every palette is ours (see PaperCommandPalette): the main one, and the theme picker
    # that Textual's "Change theme" command opens.
    def action_command_palette(self) -> None:
        # Without Textual's fixed id "--command-palette": ctrl+p while the last palette
        # was still being removed opened one with its id, and DuplicateIds ended the app
        # (found by soak_keys.py; no Textual issue found for it).
        from paperbrowse.app.commands import PaperCommandPalette

        if self.use_command_palette and not PaperCommandPalette.is_open(self):
            self.push_screen(PaperCommandPalette())

    def search_themes(self) -> None:
        from paperbrowse.app.commands import PaperCommandPalette

        self.push_screen(
            PaperCommandPalette(providers=[ThemeProvider], placeholder="Search for themes…")
        )

    def deliver_screenshot(
        self,
        filename: str | None = None,
        path: str | None = None,
        time_format: str | None = None,
    ) -> str | None:
        """Save a screenshot (the palette's "Screenshot") and say where, or why not.

        Textual 8.2.8 writes it into platformdirs' Downloads folder and, when that folder
        does not exist (a fresh server account), notifies only "Failed to save
        screenshot". Here the folder is made if missing, the data folder is the fallback,
        and the notification names the file saved, or says in one line why none was.
        Served in a browser (textual-serve), Textual's download is kept.
        """
        if self.is_web:
            return super().deliver_screenshot(filename, path, time_format)
        folders = [Path(path).expanduser().absolute()] if path else screenshot_dirs()
        problems: list[str] = []
        for folder in folders:
            try:
                folder.mkdir(parents=True, exist_ok=True)
                saved = self.save_screenshot(filename, str(folder), time_format)
            except OSError as error:
                problems.append(f"{folder}: {error.strerror or error}")
                continue
            self.notify(f"Saved to {saved}", title="Screenshot", markup=False)
            return None
        self.notify(
            f"Screenshot not saved: {'; '.join(problems)}",
            title="Screenshot",
            severity="error",
            markup=False,
        )
        return None

    async def action_quit(self) -> None:
        self._save_open_notes()
        await super().action_quit()

    def watch_theme(self, theme: str) -> None:
        if self._theme_restored:  # not the default, nor the saved one being restored
            why = save_config(theme=theme)
            if why is not None:
                self.notify(not_kept("The theme", why), severity="warning", markup=False)
