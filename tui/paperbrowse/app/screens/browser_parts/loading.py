"""The library read off the UI thread, its progress, and reloads when its files change.

The loader's thread posts messages to the screen (one queue keeps their order):
``Progress`` while files are read, ``Loaded`` with the papers listed (the index is
built next), then ``IndexReady`` once the search index and the marks are ready; or ``LoadFailed``.
The screen handles them (``on_loader_loaded`` and so on); this module holds what the
load is doing and what the files looked like when read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message
from textual.screen import Screen

from paperbrowse.core.errors import FormatError
from paperbrowse.core.memory import freeze_heap, gc_paused
from paperbrowse.core.text.counts import counted, plural

# The core's library and search engine (pydantic, numpy) load in the loader thread,
# not before the first frame; here they are only types.
if TYPE_CHECKING:
    from paperbrowse.core.library import Library
    from paperbrowse.core.search.results import Results, SortOrder
    from paperbrowse.core.watch import SourceState

PROGRESS_INTERVAL = 0.05  # seconds between progress updates from the loader
# A progress bar appears only for loads longer than this: its animation would
# otherwise take the interpreter from a short load (the seed loads in 0.1 s).
PROGRESS_DELAY = 0.4
FILE_PROBLEMS_NOTIFIED = 5  # unreadable files notified one by one; past this, a count
WATCH_MAX_FILES = 2_000  # past this many files, only ctrl+r reloads (stat calls add up)


def loading_text(done: int, total: int, file: str) -> str:
    """"Loading library.bib … 12.3 of 31.4 MB": the file, and how far, when the size is known."""
    text = f"Loading {Path(file).name} …" if file else "Loading …"
    if total > 1:
        text += f" {done / 1e6:,.1f} of {total / 1e6:,.1f} MB"
    return text


def indexing_text(papers: int) -> str:
    """What the list says while the search index is built."""
    return f"Building the search index for {counted(papers, 'paper')} …"


class Progress(Message, namespace="loader"):
    """Bytes read, bytes in all, the file being read."""

    def __init__(self, done: int, total: int, file: str) -> None:
        self.done, self.total, self.file = done, total, file
        super().__init__()


class Loaded(Message, namespace="loader"):
    """After the last Progress: the library and its papers listed in the screen's order;
    the index is not built yet."""

    def __init__(
        self, library: Library, listing: Results, paths: list[Path], watched: SourceState
    ) -> None:
        self.library = library
        self.listing = listing
        self.paths = paths  # as opened (the bundled profile when none were given)
        self.watched = watched  # the files as they were when read
        super().__init__()


class IndexReady(Message, namespace="loader"):
    """The search index and the marks are ready."""


class LoadFailed(Message, namespace="loader"):
    """Nothing at all could be loaded."""

    def __init__(self, error: FormatError) -> None:
        self.error = error
        super().__init__()


class SourceWatcher:
    """The library's files as last loaded, and whether a change to them has settled."""

    def __init__(self) -> None:
        self.paths: list[Path] = []
        self.loaded: SourceState | None = None  # the files as they were when last read
        self.changed: SourceState | None = None  # seen changed once; reloaded if it holds

    def watch(self, paths: list[Path], state: SourceState) -> None:
        self.paths, self.loaded, self.changed = paths, state, None

    def settled_change(self) -> list[str] | None:
        """The files changed since loaded, once the change has held for a poll (a file
        being written is read when its writer is done); None while there is none."""
        if self.loaded is None or len(self.loaded) > WATCH_MAX_FILES:
            return None
        from paperbrowse.core.watch import changed_files, source_state

        now = source_state(self.paths)
        if now == self.loaded:
            self.changed = None
        elif now != self.changed:
            self.changed = now  # changed since the last poll: wait for it to settle
        else:
            self.changed = None
            return changed_files(self.loaded, now)
        return None


class LibraryLoader:
    """Loads and reloads the library in a thread worker of ``screen``, posting to it."""

    def __init__(
        self,
        screen: Screen[None],
        paths: Sequence[str | Path],
        as_of: dt.date | None,
        listing_order: Callable[[], SortOrder],
        open_store: Callable[[], None],
    ) -> None:
        self.screen = screen
        self.paths = list(paths)
        self.as_of = as_of
        self.listing_order = listing_order  # read in the thread, once the papers are in
        self.open_store = open_store  # sqlite and the marks, opened in the thread too
        self.loading = False  # a load or reload is running
        # The thread is reading files or building the index (read by the app at exit,
        # which then does not wait for the thread).
        self.reading_files = False
        self.watcher = SourceWatcher()

    def start(self) -> bool:
        """Start a load; False (and nothing started) while one runs."""
        if self.loading:
            return False
        self.loading = True
        self.screen.run_worker(
            self._load, thread=True, exclusive=True, group="load", description="load library"
        )
        return True

    def reload(self) -> bool:
        """Read the files again; False while a load runs."""
        if self.loading:
            return False
        self.watcher.changed = None
        gc.unfreeze()  # the old papers may be collected again once the new ones replace them
        return self.start()

    def _load(self) -> None:
        # No updates before the bar shows: each redraws the screen, taking the
        # interpreter from a load that would be done before anyone saw them.
        last_update = time.monotonic() - PROGRESS_INTERVAL + PROGRESS_DELAY
        post = self.screen.post_message

        def progress(done: int, total: int, file: str) -> None:
            nonlocal last_update
            now = time.monotonic()
            if now - last_update >= PROGRESS_INTERVAL:
                last_update = now
                post(Progress(done, total, file))

        self.reading_files = True
        try:
            with gc_paused():  # collector passes over 100k fresh objects cost seconds
                library = self._read_and_index(progress)
        except FormatError as error:
            post(LoadFailed(error))
            return
        except Exception as error:  # a bug in a reader: one clear line, not a traceback
            where = ", ".join(str(path) for path in self.paths) or "the bundled profile"
            message = f"could not be loaded ({type(error).__name__}: {error}); please report this"
            post(LoadFailed(FormatError(where, message)))
            return
        finally:
            self.reading_files = False
        # Long-lived papers never become garbage: freezing them keeps collector
        # pauses (0.2-1.3 s measured at 100k-1M objects) off the keystrokes.
        freeze_heap()
        post(IndexReady())
        # Searching works now; what only filters and the title order need is made
        # meanwhile (0.6 s at 100k papers), rather than before the first search.
        with contextlib.suppress(Exception):  # optional: a search would build them itself
            library.index.warm_up()

    def _read_and_index(self, progress: Callable[[int, int, str], None]) -> Library:
        from paperbrowse.core.library import bundled_profile, load
        from paperbrowse.core.watch import source_state

        paths = [Path(p) for p in self.paths] or [bundled_profile()]
        watched = source_state(paths)  # before reading: a change while reading is seen
        library = load(*paths, as_of=self.as_of, progress=progress)
        # The papers go on screen now, listed without the search engine (numpy,
        # rapidfuzz and the index load next): the first screen waits for none of it.
        listing = library.listing(self.listing_order())
        self.screen.post_message(Loaded(library, listing, paths, watched))
        # Build (or read back) the index and its typo lookups here, off the UI
        # thread, so no keystroke pays for them (0.16 s at 22k papers).
        library.index.vocabulary.warm_up()
        self.open_store()
        return library


def notify_problems(screen: Screen[None], library: Library) -> None:
    """A notification per file that could not be read; one for all record-level problems."""
    whole_files = [p for p in library.problems if p.line is None]
    records = [p for p in library.problems if p.line is not None]
    for problem in whole_files[:FILE_PROBLEMS_NOTIFIED]:
        screen.notify(str(problem), severity="error", timeout=10, markup=False)
    hidden = len(whole_files) - FILE_PROBLEMS_NOTIFIED
    if hidden > 0:
        screen.notify(f"… and {hidden} more {plural(hidden, 'file')} with problems.",
                      severity="error", timeout=10)
    if records:
        files = len({p.file for p in records})
        screen.notify(
            f"{counted(len(records), 'record')} in {counted(files, 'file')} "
            "skipped or repaired; the rest loaded. "
            "Press w (or click the ⚠ count) to see which and why.",
            title="Problems while loading",
            severity="warning",
            timeout=10,
        )
