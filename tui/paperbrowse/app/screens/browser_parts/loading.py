"""The library read off the UI thread, its progress, and reloads when its files change.

The loader's thread posts messages to the screen (one queue keeps their order):
``Progress`` while files are read, ``Loaded`` with the papers listed (the index is
built next), then ``IndexReady`` once the search index and the marks are ready; or
``LoadFailed``. Textual delivers them to the screen (``on_loader_loaded`` and so on),
which hands them back to its ``LibraryLoader``: it draws the bar, shows the library,
and knows whether a load runs and what the files looked like when read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen

from paperbrowse.app import first_screen_ahead
from paperbrowse.app.actions import key_hint, keymap_of
from paperbrowse.app.first_screen_ahead import first_rows, first_screen_of
from paperbrowse.app.glyphs import glyphs_to_keep, kept_glyphs_now
from paperbrowse.app.header_text import PeopleHeader, text_kept
from paperbrowse.app.screens.base import withdraw_toasts
from paperbrowse.app.screens.browser_parts.links import links_shown
from paperbrowse.app.screens.browser_parts.panes import BrowserPanes
from paperbrowse.app.screens.browser_parts.reading import ReadingController
from paperbrowse.app.screens.browser_parts.searching import SearchController
from paperbrowse.app.screens.browser_parts.watching import SourceWatcher
from paperbrowse.app.widgets.footer import KeyFooter
from paperbrowse.app.widgets.header import ProfileHeader
from paperbrowse.app.widgets.header import show_library as show_header
from paperbrowse.app.widgets.row_segments import CATEGORY_WIDTH, category_width
from paperbrowse.core.errors import FormatError
from paperbrowse.core.memory import freeze_heap, gc_paused, resume_after_launch, thaw_heap
from paperbrowse.core.text.counts import counted, plural

# The core's library and search engine (pydantic, numpy) load in the loader thread,
# not before the first frame; here they are only types.
if TYPE_CHECKING:
    from rich.text import Text
    from textual.app import App
    from textual.widgets import ProgressBar

    from paperbrowse.app.first_screen_ahead import SecondProcess
    from paperbrowse.app.header_text import HeaderRender
    from paperbrowse.core.first_screen import FirstScreen
    from paperbrowse.core.library import Library
    from paperbrowse.core.marks.store import Store
    from paperbrowse.core.models import Paper
    from paperbrowse.core.search.results import Results, SortOrder
    from paperbrowse.core.watch import SourceState

PROGRESS_INTERVAL = 0.05  # seconds between progress updates from the loader
# A progress bar appears only for loads longer than this: its animation would
# otherwise take the interpreter from a short load (the seed loads in 0.1 s).
PROGRESS_DELAY = 0.4
# A library handed in already loaded (not by the loader) has its keys made when a detail is
# first drawn, up to this many papers (about 10 ms); a bigger one shows the source's keys.
KEYS_MADE_WHEN_SHOWN = 5_000
# A file's bytes per paper, to guess how many papers it holds before it is read: from
# 290 (BibTeX without abstracts) to 2,700 (Semantic Scholar's JSON) in the corpus, most
# near 400-1,400. Only the count's number of digits is wanted (``papers_expected``):
# this gets it right for 10 of its 13 files, and one digit off for the rest.
BYTES_PER_PAPER = 700
FILE_PROBLEMS_NOTIFIED = 5  # unreadable files notified one by one; past this, a count
# The loader's work after the listing (index, marks, keys) waits for the listing to be
# painted, at most this long: run meanwhile, it took the interpreter from the first paint.
FIRST_PAINT_WAIT = 1.0


def loading_text(done: int, total: int, file: str) -> str:
    """ "Loading library.bib … 12.3 of 31.4 MB": the file, and how far, when the size is known."""
    text = f"Loading {Path(file).name} …" if file else "Loading …"
    if total > 1:
        text += f" {done / 1e6:,.1f} of {total / 1e6:,.1f} MB"
    return text


class Progress(Message, namespace="loader"):
    """Bytes read, bytes in all, the file being read."""

    def __init__(self, done: int, total: int, file: str) -> None:
        self.done, self.total, self.file = done, total, file
        super().__init__()


class Loaded(Message, namespace="loader"):
    """After the last Progress: the library and its papers listed in the screen's order;
    the index is not built yet."""

    def __init__(
        self,
        library: Library,
        listing: Results,
        order: SortOrder,
        paths: list[Path],
        watched: SourceState,
        read_as: list[list[Any]] | None,
    ) -> None:
        self.library = library
        self.listing = listing
        self.order = order  # the listing's
        self.paths = paths  # as opened (the bundled profile when none were given)
        self.watched = watched  # the files as they were when read
        self.read_as = read_as  # the same, as a kept first screen records them
        super().__init__()


class IndexReady(Message, namespace="loader"):
    """The search index and the marks are ready."""


class KeysReady(Message, namespace="loader"):
    """The library's citation keys are made: the detail pane can show its paper's."""


class CitationsReady(Message, namespace="loader"):
    """The library's citations are resolved: the detail pane can list them."""


class AheadDone(Message, namespace="loader"):
    """The second process keeping the first screen is done, or was waited for enough."""


class LoadFailed(Message, namespace="loader"):
    """Nothing at all could be loaded."""

    def __init__(self, error: FormatError) -> None:
        self.error = error
        super().__init__()


class LoaderView(BrowserPanes, Protocol):
    """What the loader reads and drives of the browser screen, besides being a Screen."""

    library: Library | None
    total: int  # papers in the library, and problems met reading it (the bar's figures)
    problem_count: int
    shown: int | None  # papers listed (None: none yet)

    def run_search(self) -> None: ...


class KeepsLoadError(Protocol):
    """The app, where a load that found nothing leaves its error for the command line."""

    load_error: FormatError | None


class LibraryLoader:
    """Loads and reloads the library in a thread worker of ``screen``, and shows how far.

    ``screen`` and ``view`` are the same browser screen, seen as a Textual screen (to
    run the worker, notify and draw the bar) and as the browser (to show the library).
    The search scheduler holds queries while the index is built; the reading
    controller opens the marks in the loader's thread and draws them once ready.
    """

    def __init__(
        self,
        screen: Screen[None],
        view: LoaderView,
        searching: SearchController,
        reading: ReadingController,
        paths: Sequence[str | Path],
        as_of: dt.date | None,
        ahead: SecondProcess | None = None,
    ) -> None:
        self.screen, self.view = screen, view
        self.searching, self.reading = searching, reading
        self.paths = list(paths)
        self.as_of = as_of
        self.loading = False  # a load or reload is running
        # The thread is reading files or building the index (read by the app at exit,
        # which then does not wait for the thread).
        self.reading_files = False
        self.bar: ProgressBar | None = None  # a first load's, once it has taken PROGRESS_DELAY
        self.reloaded = ""  # what to say of a reload, once its papers show
        self.then_show: Paper | None = None  # the paper a reload's cursor goes to
        self.pending_show: Paper | None = None  # the same, for the load after the one running
        self.watcher = SourceWatcher()
        # Set once the papers a load sent are on screen (a new event for each load).
        self.listing_painted = threading.Event()
        # Held to thaw the heap for a reload, and to freeze it at the end of a load's
        # background work: a load that a reload followed must not freeze what it thawed.
        self.freezing = threading.Lock()
        # The problems last said: a reload that finds the same ones says nothing again.
        self.problems_said: frozenset[str] = frozenset()
        # Their toasts, and whether they wait to be given: they are given while the browser
        # is on top, and taken down when a dialog opens over it (the toast covered the
        # dialog's hint and buttons; ``w`` and the ⚠ count still give the problems).
        self.problem_notices: list[Notice] = []
        self.notices_held = False
        # What a load's first screen is made of, to keep for the next launch once the
        # library is searchable (``core.first_screen``): the header shown and what made
        # it, the category column's width, the load (its listing, order and files as
        # read); tagged with the load's ``listing_painted``.
        self.to_keep: tuple[threading.Event, Text, HeaderRender, int, Loaded] | None = None
        # The second process keeping the first screen while the app started, if one was
        # (``first_screen_ahead``): the first screen waits for it a little.
        self.ahead = ahead
        # The first screen this app last kept, its papers, and what it is kept under: its
        # marks are kept again as they are at the end (``keep_marks_as_now``).
        self.kept: tuple[FirstScreen, list[Paper], tuple[list[Path], str, Any]] | None = None

    def files(self) -> list[Path]:
        """The files opened: those named, or the bundled profile."""
        from paperbrowse.core.locations import bundled_profile

        return [Path(p) for p in self.paths] or [bundled_profile()]

    def _as_of(self) -> str:
        return self.as_of.isoformat() if self.as_of else ""

    def papers_expected(self) -> int:
        """About how many papers the files hold, from their size (``BYTES_PER_PAPER``),
        for the search bar to keep its count's room while they load; 0 when not known
        (a folder, a file that cannot be read)."""
        from paperbrowse.core.first_screen import file_state

        try:
            state = file_state(self.files())
        except FormatError:
            return 0
        if state is None:
            return 0
        return max(1, sum(int(size) for _, size, _ in state) // BYTES_PER_PAPER)

    def show_kept_screen(self) -> bool:
        """Draw what the last launch on the same, unchanged files showed first, if it was
        kept; the library read (``start``) then replaces it. False when none is kept."""
        from paperbrowse.core.first_screen import kept_first_screen

        try:
            files = self.files()
        except FormatError:
            return False  # (the load says why)
        order = self.searching.listing_order()
        kept = kept_first_screen(files, order, self._as_of(), kept_glyphs_now)
        if kept is None:
            return False
        view = self.view
        view.paper_list.category_width = min(kept.category_width, CATEGORY_WIDTH)
        view.paper_list.show_kept(kept.rows)
        header = self.screen.query_one(ProfileHeader)
        if kept.people is not None:  # (names as many as fit this width, as loaded)
            header.show_render(PeopleHeader(*kept.people))
        elif kept.header is not None:
            header.show_text(text_kept(kept.header))
        view.total = view.shown = kept.total
        view.problem_count = kept.problems
        return True

    def wait_for_ahead(self) -> bool:
        """If a second process is keeping the first screen (``first_screen_ahead``), wait
        for it in a thread, then draw what it kept and read the library (``ahead_done``);
        False when there is none to wait for."""
        return self._watch_ahead(waited_for=True)

    def let_go_of_ahead(self) -> None:
        """A screen kept already drawn: the second process, if one was started, is only
        reaped once it ends (it was left a zombie for the whole session)."""
        self._watch_ahead(waited_for=False)

    def _watch_ahead(self, waited_for: bool) -> bool:
        """In a thread of its own (not a worker: the app's exit never waits for it), the
        second process is waited for (``AheadDone``) if ``waited_for``, then reaped; False
        when none was started, or it was watched already (once, at the launch)."""
        ahead, self.ahead = self.ahead, None
        if ahead is None:
            return False

        def watch() -> None:
            if waited_for:
                first_screen_ahead.wait(ahead)
                self.screen.post_message(AheadDone())
            first_screen_ahead.reap(ahead)

        threading.Thread(target=watch, name="first-screen-ahead", daemon=True).start()
        return True

    def ahead_done(self) -> None:
        """The second process is done or was waited for long enough: its screen, if it
        kept one, is drawn; the library is read either way."""
        if self.show_kept_screen():
            self.screen.call_after_refresh(self.start)  # (as after any kept screen)
        else:
            self.start()

    def start(self) -> bool:
        """Start a load; False (and nothing started) while one runs."""
        if self.loading:
            return False
        self.loading = True
        # A paper added while the last load ran is in this one: shown once it is read.
        self.then_show, self.pending_show = self.pending_show or self.then_show, None
        self.listing_painted = threading.Event()
        self.screen.run_worker(
            self._load, thread=True, exclusive=True, group="load", description="load library"
        )
        return True

    def reload(self, then_show: Paper | None = None) -> None:
        """Read the library's files again; what is shown stays until the new papers are in
        (then the cursor goes to ``then_show``, a paper just added, if one is given)."""
        if self.loading:
            if then_show is None:
                self.screen.notify("Still loading; reload when it is done.", timeout=2)
            else:  # the load running may have read the file before the paper was written:
                self.pending_show = then_show  # the reload its change brings shows it
            return
        self.then_show = then_show
        self.watcher.changed = None
        with self.freezing:
            thaw_heap()  # the old papers may be collected again once the new ones replace them
            self.start()
        self.screen.notify("Reloading …", timeout=2)

    def check_sources(self) -> None:
        """Reload when the library's files changed and the change has settled."""
        changed = None if self.loading else self.watcher.settled_change()
        if changed is not None:
            self.screen.notify(
                f"{', '.join(changed) or 'The library'} changed on disk; reloading.",
                timeout=3,
                markup=False,
            )
            self.reload()

    # --- on the UI thread: the thread's messages, handled for the screen --------------

    def show_bar(self) -> ProgressBar | None:
        """Once the load has taken PROGRESS_DELAY, or sends its progress: the bar shows,
        above the list. (Mounted only then: its four widgets took 4 ms from each launch.)"""
        if self.view.library is None and self.bar is None:
            from textual.widgets import ProgressBar

            self.bar = ProgressBar(id="loading-bar", show_eta=False)
            self.screen.query_one("#list-pane").mount(self.bar, before=self.view.paper_list)
        return self.bar

    def progress(self, message: Progress) -> None:
        bar = self.show_bar()  # (the progress may come before the timer's call)
        if bar is not None:
            bar.update(total=message.total if message.total > 1 else None, progress=message.done)
            if not self.view.paper_list.kept:  # (a kept first screen stays till replaced)
                text = loading_text(message.done, message.total, message.file)
                self.view.paper_list.show((), text)

    def failed(self, message: LoadFailed) -> None:
        self.loading = False
        self.then_show = None  # (never shown by a later, unrelated reload)
        if self.view.library is not None:  # a reload: keep what is shown
            self.screen.notify(
                f"Reload failed; still showing the papers loaded before. {message.error}",
                severity="error",
                timeout=10,
                markup=False,
            )
            return
        cast(KeepsLoadError, self.screen.app).load_error = message.error
        self.screen.app.exit(2, return_code=2)

    def loaded(self, message: Loaded) -> None:
        before = self.view.library
        self.searching.scheduler.hold()  # the index is built next: queries wait for it
        self.watcher.watch(message.paths, message.watched)
        self.show_library(message.library, message.listing)
        self.screen.call_after_refresh(self.listing_painted.set)
        self._to_keep(message)
        if before is not None:
            papers = len(message.library.papers)
            change = papers - len(before.papers)
            self.reloaded = f"Reloaded: {counted(papers, 'paper')} ({change:+,})."
            if not self.view.search_query.strip():  # (else the new papers show once searched)
                self._say_reloaded()
                self._show_added()

    def _to_keep(self, message: Loaded) -> None:
        """What this load lists first, to keep for the next launch (made and written by the
        loader's thread once the library is searchable). Not while a search is shown: the
        header may then show one researcher of several."""
        shown = self.screen.query_one(ProfileHeader)
        header = shown.text_shown
        if self.view.search_query.strip() or header is None:
            self.to_keep = None
            return
        column = self.view.paper_list.category_width
        self.to_keep = (self.listing_painted, header, shown.render_shown, column, message)

    def _keep_first_screen(self, this_load: threading.Event) -> None:
        """In the loader's thread: keep this load's first screen (``to_keep``) with its
        first rows, unless a later load has begun or the files changed since they were read."""
        from paperbrowse.core.first_screen import keep_first_screen, marks_state

        to_keep = self.to_keep
        if to_keep is None or to_keep[0] is not this_load:
            return
        _, header, header_render, category_column, loaded = to_keep
        if self.to_keep is to_keep:  # (its listing is let go of; a later load's stays)
            self.to_keep = None
        papers = first_rows(loaded.listing)
        problems = len(loaded.library.problems)
        # The marks as the store last read them, kept with the database's state if that
        # is still what they were read from: another window's commit since (seen only at
        # the next poll) would have them drawn at the next launch as they no longer are.
        marks_as: list[Any] | None = marks_state()
        store = self.reading.store
        if store is not None and not store.is_current():
            marks_as = None
        marks = glyphs_to_keep(store)
        screen = first_screen_of(
            papers, len(loaded.listing), problems, category_column, header, marks, header_render
        )
        keep_first_screen(
            loaded.paths, loaded.order, screen, loaded.read_as, self._as_of(), marks_as
        )
        self.kept = (screen, papers, (loaded.paths, loaded.order, loaded.read_as))

    def keep_marks_as_now(self) -> None:
        """At the end: the first screen kept with the marks its papers have now, and the
        marks closed (``ReadingController.stop_marks``). (Kept with those they had when
        the library was read, the next launch drew a bookmark made meanwhile only once it
        had read the library, and the rows moved over for it.) They are kept with the
        database's state once closed (the last connection closed folds its log into the
        database file, a change the next launch would take for another window's), if the
        database, read afresh after that, gives the papers the same marks: another window
        may have committed between the read and the close."""
        from paperbrowse.core.first_screen import KeptRows, keep_first_screen, marks_state

        kept, started = self.kept, self.reading.started
        try:
            if kept is not None and started and self.reading.store is not None:
                self.reading.store.refresh()  # another window's marks since the last poll
            glyphs = self._kept_glyphs(self.reading.store)
        finally:
            self.reading.stop_marks()
        if kept is None or not started:
            return
        screen, _, (paths, order, read_as) = kept
        rows = [
            row._replace(marks=marks) for row, marks in zip(screen.rows.kept, glyphs, strict=True)
        ]
        now = screen._replace(rows=KeptRows(rows, screen.total))
        marks_as: list[Any] | None = marks_state()  # (before the fresh read: a commit
        if self._kept_glyphs_afresh() != glyphs:  # after it draws none next time)
            marks_as = None
        keep_first_screen(paths, order, now, read_as, self._as_of(), marks_as)

    def _kept_glyphs(self, store: Store | None) -> list[str]:
        """The glyphs ``store`` gives the kept screen's papers, in its rows' order."""
        if self.kept is None:
            return []
        marks = glyphs_to_keep(store)
        return [marks(paper) for paper in self.kept[1]]

    def _kept_glyphs_afresh(self) -> list[str] | None:
        """The same, from the database opened anew (read only); None when it cannot be."""
        from paperbrowse.core.marks.store import open_store

        try:
            store = open_store(create=False, read_only=True)
        except Exception:
            return None
        try:
            return self._kept_glyphs(store)
        finally:
            with contextlib.suppress(Exception):
                store.close()

    def _say_reloaded(self) -> None:
        if self.reloaded:
            self.screen.notify(self.reloaded, timeout=3)
            self.reloaded = ""

    def index_ready(self) -> None:
        self.loading = False
        self.reading.start_marks()
        self.reading.redraw_marks()
        if self.searching.scheduler.release() or self.view.search_query.strip():
            self.view.run_search()
        # A search's results were the old library's till its index was built, and searched
        # (3 s at 100k papers): "Reloaded" said before, of a list still showing the old ones.
        self._say_reloaded()
        # Likewise the paper just added: looked for in the new library's results, not the
        # old one's (where it is not, and the query would be cleared as hiding it).
        self.searching.when_settled(self._show_added)

    def _show_added(self) -> None:
        """The cursor to the paper just added (``reload(then_show=...)``), once listed; a
        library without it (read before it was written) leaves the query as it is."""
        from paperbrowse.core.store import field_values

        library = self.view.library
        if self.then_show is not None and library is not None:
            paper, self.then_show = self.then_show, None
            if paper.id in field_values(library.papers, "id"):
                self.searching.go_to_paper(paper)

    def show_problems(self) -> None:
        library = self.view.library
        if library is None:  # (a kept first screen counts the problems its files had)
            self.screen.notify("Still loading; the problems show once it is done.", timeout=2)
            return
        if not library.problems:
            files = counted(len(library.sources), "file")
            self.screen.notify(f"No problems: every record of {files} read.", timeout=3)
            return
        from paperbrowse.app.screens.problems import ProblemsScreen

        self.screen.app.push_screen(ProblemsScreen(library.problems))

    def show_library(self, library: Library, listing: Results | None = None) -> None:
        """Show a loaded library: header figures, then every paper in order (``listing``,
        when the loader has sorted them already; else the first search lists them)."""
        self.view.library = library
        self.reading.filter_marks_in(library)  # a reload's new library knows is:read too
        self.reading.draw_marks()
        if self.bar is not None:  # (only a first load shows it)
            self.bar.remove()
            self.bar = None
        self.screen.query_one(KeyFooter).release()
        show_header(self.screen.query_one(ProfileHeader), library, self.view.search_query)
        self.view.paper_list.category_width = category_width(library.papers)
        self.view.total = len(library.papers)
        self.view.problem_count = len(library.problems)
        self.screen.refresh_bindings()  # the footer's "w Problems" shows only when there are some
        self.view.detail.placeholder = "No paper selected."
        self.view.detail.key_for = key_shown(library)
        self.view.detail.links_for = links_shown(library)
        problems = frozenset(map(str, library.problems))
        if problems != self.problems_said:  # (each automatic reload said them again)
            self.problem_notices = problem_notices(library, keymap_of(self.screen.app))
            self.notices_held = True
            self.say_problems()
        self.problems_said = problems
        if listing is not None and not self.view.search_query.strip():
            self.searching.show_listing(listing)
            return
        if not self.searching.scheduler.held:
            self.reading.start_marks()  # before the first search: is:read etc. must be known
        self.view.run_search()

    def say_problems(self) -> None:
        """Give the problems' toasts held, if the browser is on top (else once it is)."""
        if not self.notices_held or not self.screen.is_active:
            return
        self.notices_held = False
        for notice in self.problem_notices:
            self.screen.notify(
                notice.message,
                title=notice.title,
                severity=notice.severity,
                timeout=10,
                markup=False,
            )

    def covered(self) -> None:
        """A screen opened over the browser: the problems' toasts are taken down."""
        withdraw_notices(self.screen.app, self.problem_notices)

    # --- in the loader's thread -----------------------------------------------------

    def _load(self) -> None:
        # No updates before the bar shows: each redraws the screen, taking the
        # interpreter from a load that would be done before anyone saw them.
        last_update = time.monotonic() - PROGRESS_INTERVAL + PROGRESS_DELAY
        post = self.screen.post_message
        this_load = self.listing_painted  # (each load has its own)

        def progress(done: int, total: int, file: str) -> None:
            nonlocal last_update
            now = time.monotonic()
            if now - last_update >= PROGRESS_INTERVAL:
                last_update = now
                post(Progress(done, total, file))

        from paperbrowse.core.cache import writes_deferred

        resume_after_launch()  # (the collector off since the launch: ``core.memory``)
        self.reading_files = True
        try:
            # Caches are written once the library is searchable, not before (below).
            with gc_paused(), writes_deferred() as cache_writes:
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
        # pauses (0.2-1.3 s measured at 100k-1M objects) off the keystrokes. (After a
        # reload, the first freeze collects the library replaced: ``memory.freeze_heap``.)
        freeze_heap()
        post(IndexReady())
        # Searching works now. Next, before a keystroke or a detail would ask for them:
        # the typo lookups (0.2 s at 100k papers) and the table of character classes
        # that highlights read (20-50 ms, else paid by the first key with a non-ASCII
        # row); the citation keys (0.15 s; the detail shows the file's own key until
        # then); the caches for the next open (0.5 s); who cites whom (one pass over the
        # papers when their files carry no citations; 1.3 s for a million citations at
        # 71k papers), then what only filters and the title order need (0.6 s at 100k).
        # Each waits while keys are being typed (``wait_while_typing``): they come first.
        pause = self.searching.wait_while_typing
        with contextlib.suppress(Exception):  # optional: asking would build them itself
            with gc_paused():
                pause()
                library.index.warm_up_typing()
                pause()
                _ = library.keys
            post(KeysReady())
            cache_writes.write(pause)  # the parsed files and the index, for a fast reopen
            self._keep_first_screen(this_load)  # the next launch's
            pause()
            if library.carries_citations and library.citations.edge_count:
                post(CitationsReady())
            pause()
            library.index.warm_up()
        # What was made since the heap was frozen lives as long as the library too (the
        # typo lookups hold 370k word starts at 22k papers): frozen as well, a full pass of
        # the collector, which about one keystroke in twenty sets off, takes 0.1 ms instead
        # of 5-10 ms (measured at 22k and 100k papers). Not once a reload has begun.
        with self.freezing:
            if this_load is self.listing_painted:
                freeze_heap()

    def _read_and_index(self, progress: Callable[[int, int, str], None]) -> Library:
        from paperbrowse.core.first_screen import file_state
        from paperbrowse.core.library import load
        from paperbrowse.core.watch import source_state

        paths = self.files()
        watched = source_state(paths)  # before reading: a change while reading is seen
        read_as = file_state(paths)  # (the same, as the first screen kept is keyed)
        library = load(*paths, as_of=self.as_of, progress=progress)
        # The papers go on screen now, listed without the search engine (numpy,
        # rapidfuzz and the index load next): the first screen waits for none of it.
        order = self.searching.listing_order()
        listing = library.listing(order)
        self.reading.open_store()  # its marks are drawn with the papers (a few ms)
        painted = self.listing_painted
        self.screen.post_message(Loaded(library, listing, order, paths, watched, read_as))
        # The first screen needs none of what follows: it is made once the papers are
        # painted, not meanwhile (the GIL shared with this thread slowed the paint).
        painted.wait(FIRST_PAINT_WAIT)
        # Build (or read back) the index here, off the UI thread.
        library.index  # noqa: B018 - a cached property, made here
        return library


def key_shown(library: Library) -> Callable[[Paper], str | None]:
    """The detail pane's key of a paper: the library's, once the loader has made them all;
    until then the source's own key (making all of them would stall the UI)."""
    from paperbrowse.core.citekeys import own_key

    def key(paper: Paper) -> str | None:
        if library.keys_ready or len(library.papers) <= KEYS_MADE_WHEN_SHOWN:
            return library.keys.get(paper.id)
        return own_key(paper)

    return key


@dataclass(frozen=True)
class Notice:
    """A notification to give: its text (never markup: a file name, a key may be "["),
    title and severity."""

    message: str
    title: str = ""
    severity: SeverityLevel = "error"


def problem_notices(library: Library, keymap: Mapping[str, str]) -> list[Notice]:
    """A notice for each of the first few problems naming no line (a file that could
    not be read, mostly); then one for all of them, counted as ``w`` lists them."""
    problems = library.problems
    unlined = [p for p in problems if p.line is None]
    said = unlined[:FILE_PROBLEMS_NOTIFIED]
    notices = [Notice(str(problem)) for problem in said]
    # (Files, not problems: a file's records can each have one naming no line.)
    hidden = len({p.file for p in unlined[FILE_PROBLEMS_NOTIFIED:]} - {p.file for p in said})
    if hidden > 0:
        notices.append(Notice(f"… and {hidden} more {plural(hidden, 'file')} with problems."))
    if len(problems) > len(said):
        # The counts ``w`` and the search bar's ⚠ give: a file not read at all may name a
        # line (JSON that is not JSON), and a record skipped may name none.
        files = len({p.file for p in problems})
        press = key_hint("show_problems", keymap, "Press {key} (or click the ⚠ count)")
        notices.append(
            Notice(
                f"{counted(len(problems), 'problem')} in {counted(files, 'file')}: records "
                "skipped or repaired, or files not read; the rest loaded. "
                f"{press or 'Click the ⚠ count'} to see which and why.",
                title="Problems while loading",
                severity="warning",
            )
        )
    return notices


def withdraw_notices(app: App[Any], notices: Sequence[Notice]) -> None:
    """Take down the toasts of ``notices`` still shown."""
    withdraw_toasts(app, {notice.message for notice in notices})
