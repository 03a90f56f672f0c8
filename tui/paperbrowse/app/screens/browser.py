"""The browser screen: header, search bar, paper list and detail pane.

The screen owns the view state (library, query, sort, results) and pushes it
down to the widgets. Loading and searching run in thread workers so the
screen is up at once and typing never waits; a result for an older query is
dropped rather than shown (the pattern of Textual's dictionary example).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import ProgressBar

from paperbrowse.app.actions import bindings
from paperbrowse.app.reading import ReadingActions
from paperbrowse.app.screens.base import SafeMouse, call_from_thread_while_attached
from paperbrowse.app.widgets.detail import PaperDetail
from paperbrowse.app.widgets.footer import KeyFooter
from paperbrowse.app.widgets.header import ProfileHeader
from paperbrowse.app.widgets.paper_list import CATEGORY_WIDTH, PaperList
from paperbrowse.app.widgets.search_bar import SearchBar
from paperbrowse.core.errors import FormatError
from paperbrowse.core.text.counts import counted, plural

# The core's library, models and search engine (pydantic, numpy) load in the
# loader thread, not before the first frame; here they are only types.
if TYPE_CHECKING:
    from paperbrowse.core.library import Library
    from paperbrowse.core.marks.store import Store
    from paperbrowse.core.models import Paper
    from paperbrowse.core.search.results import Results, SortOrder
    from paperbrowse.core.watch import SourceState

NARROW_WIDTH = 90  # below this many columns the panes stack
SHORT_HEIGHT = 16  # below this many rows the header is hidden
FILE_PROBLEMS_NOTIFIED = 5  # unreadable files notified one by one; past this, a count
PROGRESS_INTERVAL = 0.05  # seconds between progress updates from the loader
# A progress bar appears only for loads longer than this: its animation would
# otherwise take the interpreter from a short load (the seed loads in 0.1 s).
PROGRESS_DELAY = 0.4
WATCH_SECONDS = 2.0  # how often the library's files are checked for changes
WATCH_MAX_FILES = 2_000  # past this many files, only ctrl+r reloads (stat calls add up)


def category_width(papers: Sequence[Paper]) -> int:
    """The width of the category column: the longest code, capped."""
    return min(CATEGORY_WIDTH, max((cell_len(p.category or "") for p in papers), default=0))


def loading_text(done: int, total: int, file: str) -> str:
    """"Loading library.bib … 12.3 of 31.4 MB": the file, and how far, when the size is known."""
    text = f"Loading {Path(file).name} …" if file else "Loading …"
    if total > 1:
        text += f" {done / 1e6:,.1f} of {total / 1e6:,.1f} MB"
    return text


def indexing_text(papers: int) -> str:
    """What the list says while the search index is built."""
    return f"Building the search index for {counted(papers, 'paper')} …"


class BrowserScreen(SafeMouse, ReadingActions, Screen[None]):
    # Built from the registry (app/actions.py): ids are the action names, so a user's
    # keymap rebinds them. Priority bindings run as the app reads the key, before the
    # keys after it are handed to the focused widget: "/graph" typed in one burst (a fast
    # typist, a paste, tmux) lands whole in the bar, and "escape b" bookmarks. Without
    # this, the keys after a focus change went to the widget that had focus before.
    BINDINGS = bindings("browser")

    search_query: reactive[str] = reactive("", init=False)
    sort: reactive[SortOrder] = reactive("newest", init=False)
    # Pushed down to the search bar's count with data_bind.
    shown: reactive[int | None] = reactive(None)
    total: reactive[int] = reactive(0)
    problem_count: reactive[int] = reactive(0)
    marked: reactive[int] = reactive(0)  # papers marked with space

    class Progress(Message):
        """Posted from the loader thread: bytes read, bytes in all, the file being read."""

        def __init__(self, done: int, total: int, file: str) -> None:
            self.done, self.total, self.file = done, total, file
            super().__init__()

    class Indexing(Message):
        """Posted from the loader thread: the files are read, the search index is being built."""

        def __init__(self, papers: int) -> None:
            self.papers = papers
            super().__init__()

    class Loaded(Message):
        """Posted from the loader thread, after its last Progress (one queue keeps the order):
        the library and its papers listed in the screen's order; the index is not built yet."""

        def __init__(
            self, library: Library, listing: Results, paths: list[Path], watched: SourceState
        ) -> None:
            self.library = library
            self.listing = listing
            self.paths = paths  # as opened (the bundled profile when none were given)
            self.watched = watched  # the files as they were when read
            super().__init__()

    class IndexReady(Message):
        """Posted from the loader thread once the search index and the marks are ready."""

    class LoadFailed(Message):
        """Posted from the loader thread when nothing at all could be loaded."""

        def __init__(self, error: FormatError) -> None:
            self.error = error
            super().__init__()

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
        self.results: Results | None = None
        self._browse_sort: SortOrder = "newest"  # the order to return to when a query is cleared
        self._generation = 0  # bumped per search; stale results carry an older number
        # One search thread at a time: keystrokes meanwhile only mark the latest
        # query as pending, so a fast typist never has several stale scans
        # fighting the current one for the interpreter.
        self._searching = False
        self._search_pending = False
        self._index_building = False  # the loader builds the index after showing the papers
        self._loading = False  # a load or reload is running
        # The loader's thread is reading files or building the index (read by the app at
        # exit, which then does not wait for the thread).
        self.loading_files = False
        self._watch_paths: list[Path] = []
        self._watched: SourceState | None = None  # the library's files as last loaded
        self._changed: SourceState | None = None  # seen changed once; reloaded if it holds
        self._pending_paper: Paper | None = None
        self.store: Store | None = None  # the user's marks, opened with the library
        self.selection: dict[str, Paper] = {}  # marked with space, in the order marked

    def compose(self) -> ComposeResult:
        yield ProfileHeader(id="profile-header")
        yield SearchBar(id="search-bar").data_bind(
            BrowserScreen.shown,
            BrowserScreen.total,
            BrowserScreen.sort,
            problems=BrowserScreen.problem_count,
            marked=BrowserScreen.marked,
        )
        with Horizontal(id="panes"):
            with Vertical(id="list-pane"):
                yield ProgressBar(id="loading-bar", show_eta=False)
                yield PaperList(id="paper-list")
            yield PaperDetail(id="detail")
        # Empty until the papers show: its keys took the interpreter from the loader.
        yield KeyFooter(held=self.library is None)

    # --- widgets ------------------------------------------------------------

    @property
    def paper_list(self) -> PaperList:
        return self.query_one(PaperList)

    @property
    def detail(self) -> PaperDetail:
        return self.query_one(PaperDetail)

    @property
    def search_bar(self) -> SearchBar:
        return self.query_one(SearchBar)

    def on_mount(self) -> None:
        self.set_focus(self.paper_list)
        if self.library is not None:
            self.set_library(self.library)
        else:
            self._loading = True
            self._load()
            self.set_timer(PROGRESS_DELAY, self._show_loading_bar)
        self.set_interval(WATCH_SECONDS, self._check_sources)

    def on_unmount(self) -> None:
        self.stop_marks()

    def _show_loading_bar(self) -> None:
        if self.library is None:
            self.query_one("#loading-bar").add_class("-shown")

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW_WIDTH, "narrow")
        self.set_class(self.size.height < SHORT_HEIGHT, "short")

    # --- loading ------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", description="load library")
    def _load(self) -> None:
        # No updates before the bar shows: each redraws the screen, taking the
        # interpreter from a load that would be done before anyone saw them.
        last_update = time.monotonic() - PROGRESS_INTERVAL + PROGRESS_DELAY

        def progress(done: int, total: int, file: str) -> None:
            nonlocal last_update
            now = time.monotonic()
            if now - last_update >= PROGRESS_INTERVAL:
                last_update = now
                self.post_message(self.Progress(done, total, file))

        gc.disable()  # collector passes over 100k fresh objects cost seconds during a load
        self.loading_files = True
        try:
            from paperbrowse.core.library import bundled_profile, load
            from paperbrowse.core.watch import source_state

            paths = [Path(p) for p in self.paths] or [bundled_profile()]
            watched = source_state(paths)  # before reading: a change while reading is seen
            library = load(*paths, as_of=self.as_of, progress=progress)
            # The papers go on screen now, listed without the search engine (numpy,
            # rapidfuzz and the index load next): the first screen waits for none of it.
            sort = self.sort if self.sort != "relevance" else self._browse_sort
            self.post_message(self.Loaded(library, library.listing(sort), paths, watched))
            # Build (or read back) the index and its typo lookups here, off the UI
            # thread, so no keystroke pays for them (0.16 s at 22k papers).
            index = library.index
            index.vocabulary.warm_up()
            self.open_store()  # sqlite and the marks too
        except FormatError as error:
            self.post_message(self.LoadFailed(error))
            return
        except Exception as error:  # a bug in a reader: one clear line, not a traceback
            where = ", ".join(str(path) for path in self.paths) or "the bundled profile"
            message = f"could not be loaded ({type(error).__name__}: {error}); please report this"
            self.post_message(self.LoadFailed(FormatError(where, message)))
            return
        finally:
            gc.enable()
            self.loading_files = False
        # Long-lived papers never become garbage: freezing them keeps collector
        # pauses (0.2-1.3 s measured at 100k-1M objects) off the keystrokes.
        from paperbrowse.core.memory import freeze_heap

        freeze_heap()
        self.post_message(self.IndexReady())
        # Searching works now; what only filters and the title order need is made
        # meanwhile (0.6 s at 100k papers), rather than before the first search.
        with contextlib.suppress(Exception):  # optional: a search would build them itself
            index.warm_up()

    def on_browser_screen_load_failed(self, message: LoadFailed) -> None:
        self._loading = False
        if self.library is not None:  # a reload: keep what is shown
            self.notify(f"Reload failed; still showing the papers loaded before. {message.error}",
                        severity="error", timeout=10, markup=False)
            return
        self.app.load_error = message.error
        self.app.exit(2, return_code=2)

    def on_browser_screen_loaded(self, message: Loaded) -> None:
        reloaded = self.library is not None
        before = len(self.library.papers) if self.library is not None else 0
        self._index_building = True
        self._watch_paths, self._watched = message.paths, message.watched
        self.set_library(message.library, message.listing)
        if reloaded:
            change = len(message.library.papers) - before
            self.notify(f"Reloaded: {counted(len(message.library.papers), 'paper')} ({change:+,}).",
                        timeout=3)

    def on_browser_screen_index_ready(self) -> None:
        self._index_building = False
        self._loading = False
        self.start_marks()
        self.redraw_marks()
        if self._search_pending or self.search_query.strip():
            self._search_pending = False
            self.run_search()

    # --- reloading -----------------------------------------------------------------

    def action_reload(self) -> None:
        """Read the library's files again; what is shown stays until the new papers are in."""
        if self._loading:
            self.notify("Still loading; reload when it is done.", timeout=2)
            return
        self._loading = True
        self._changed = None
        gc.unfreeze()  # the old papers may be collected again once the new ones replace them
        self.notify("Reloading …", timeout=2)
        self._load()

    def _check_sources(self) -> None:
        """Reload when the library's files changed, once the change has held for a poll
        (a file being written is read when its writer is done)."""
        if self._loading or self._watched is None or len(self._watched) > WATCH_MAX_FILES:
            return
        from paperbrowse.core.watch import changed_files, source_state

        now = source_state(self._watch_paths)
        if now == self._watched:
            self._changed = None
        elif now != self._changed:
            self._changed = now  # changed since the last poll: wait for it to settle
        else:
            changed = changed_files(self._watched, now)
            self.notify(f"{', '.join(changed) or 'The library'} changed on disk; reloading.",
                        timeout=3, markup=False)
            self.action_reload()

    def on_browser_screen_progress(self, message: Progress) -> None:
        if self.library is not None:
            return
        bar = self.query_one("#loading-bar", ProgressBar)
        bar.update(total=message.total if message.total > 1 else None, progress=message.done)
        self.paper_list.show((), loading_text(message.done, message.total, message.file))

    def on_browser_screen_indexing(self, message: Indexing) -> None:
        if self.library is None:
            self.query_one("#loading-bar", ProgressBar).update(total=None)
            self.paper_list.show((), indexing_text(message.papers))

    def set_library(self, library: Library, listing: Results | None = None) -> None:
        """Show a loaded library: header figures, then every paper in order (``listing``,
        when the loader has sorted them already; else the first search lists them)."""
        self.library = library
        self.filter_marks_in(library)  # a reload's new library knows is:read too
        self.query_one("#loading-bar").remove_class("-shown")
        self.query_one(KeyFooter).release()
        self.query_one(ProfileHeader).show(library.profile, len(library.papers), library.sources)
        self.paper_list.category_width = category_width(library.papers)
        self.total = len(library.papers)
        self.problem_count = len(library.problems)
        self.refresh_bindings()  # the footer's "w Problems" appears only when there are some
        self.detail.placeholder = "No paper selected."
        self._notify_problems(library)
        if listing is not None and not self.search_query.strip():
            self._generation += 1
            self._show_results(listing, self._generation)
            return
        if not self._index_building:
            self.start_marks()  # before the first search: is:read etc. must be known
        self.run_search()

    def _notify_problems(self, library: Library) -> None:
        """A notification per file that could not be read; one for all record-level problems."""
        whole_files = [p for p in library.problems if p.line is None]
        records = [p for p in library.problems if p.line is not None]
        for problem in whole_files[:FILE_PROBLEMS_NOTIFIED]:
            self.notify(str(problem), severity="error", timeout=10, markup=False)
        hidden = len(whole_files) - FILE_PROBLEMS_NOTIFIED
        if hidden > 0:
            self.notify(f"… and {hidden} more {plural(hidden, 'file')} with problems.",
                        severity="error", timeout=10)
        if records:
            files = len({p.file for p in records})
            self.notify(
                f"{counted(len(records), 'record')} in {counted(files, 'file')} "
                "skipped or repaired; the rest loaded. "
                "Press w (or click the ⚠ count) to see which and why.",
                title="Problems while loading",
                severity="warning",
                timeout=10,
            )

    # --- searching ----------------------------------------------------------------

    def run_search(self) -> None:
        if self.library is None:
            return
        self._generation += 1
        if self._index_building and self.search_query.strip():
            # Typed before the index is ready: the search runs the moment it is. (On a
            # reload the previous results stay up meanwhile.)
            self._search_pending = True
            if self.results is None or not self.results.query.strip():
                self.shown = None
                self.paper_list.show((), indexing_text(self.total))
            return
        if self._searching:
            self._search_pending = True
            return
        self._searching = True
        self._search(self.search_query, self.sort, self._generation)

    def _search_finished(self) -> None:
        self._searching = False
        if self._search_pending:
            self._search_pending = False
            self.run_search()

    @work(thread=True, exclusive=True, group="search", description="search")
    def _search(self, query: str, sort: SortOrder, generation: int) -> None:
        # The description is fixed: by default Textual reprs the arguments,
        # which for a library argument took 0.7 s of the UI thread per keystroke.
        library = self.library
        if library is None:
            return
        # Each answer is dropped once the screen is gone (quitting): its list is gone too.
        try:
            if not query.strip() and not library.index_ready:
                results = library.listing(sort)  # the index is still being built
            else:
                results = library.find(query, sort)
        except Exception as error:  # a query the engine chokes on must not end the app
            call_from_thread_while_attached(self, self._search_failed, query, error, generation)
            return
        finally:
            call_from_thread_while_attached(self, self._search_finished)
        call_from_thread_while_attached(self, self._show_results, results, generation)

    def _search_failed(self, query: str, error: Exception, generation: int) -> None:
        if generation != self._generation:
            return
        self.results = None
        self.paper_list.show((), f"The search “{query}” failed ({type(error).__name__}).")
        self.shown = 0
        self.detail.hit = None
        self.notify(
            f"Search failed: {type(error).__name__}: {error}. Please report this query.",
            severity="error",
            markup=False,
        )

    def _show_results(self, results: Results, generation: int) -> None:
        if generation != self._generation or self.library is None:
            return  # a newer query was typed meanwhile
        # The highlighted paper stays highlighted when only the order changed, or
        # when the query was cleared; a new query starts at its best match.
        previous = self.results
        same_query = previous is not None and previous.query.strip() == results.query.strip()
        keep = self.paper_list.paper if previous is not None else None
        self.results = results
        query = results.query.strip()
        if query:
            empty = f"No papers match “{query}”. Esc clears the search; ? shows the syntax."
        else:
            empty = "This library holds no papers."
        self.paper_list.show(results, empty, keep=keep if same_query or not query else None,
                             row=self.paper_list.cursor if same_query else 0)
        if self._pending_paper is not None:
            paper, self._pending_paper = self._pending_paper, None
            self._move_to(paper)
        self.shown = len(results)
        self._show_detail(self.paper_list.paper, self.paper_list.cursor)
        self.refresh_bindings()  # open and copy are dimmed while no paper is shown

    def _show_detail(self, paper: Paper | None, index: int) -> None:
        results = self.results
        if paper is None:
            self.detail.hit = None
        elif (results is not None and results.query.strip() and index < len(results)
              and results[index].id == paper.id):
            self.detail.hit = results.hit(index)  # with where the query matched
        else:
            from paperbrowse.core.search.results import Hit  # loaded with the library by now

            self.detail.hit = Hit(paper, 0.0)

    def watch_search_query(self, old: str, new: str) -> None:
        if not old.strip() and new.strip() and self.sort != "relevance":
            self._browse_sort = self.sort
            self.sort = "relevance"  # while a query is typed, best matches first
        elif old.strip() and not new.strip() and self.sort == "relevance":
            self.sort = self._browse_sort
        self.run_search()

    def watch_sort(self) -> None:
        self.run_search()

    @on(SearchBar.Changed)
    def _query_changed(self, event: SearchBar.Changed) -> None:
        self.search_query = event.query

    @on(SearchBar.Submitted)
    def _query_submitted(self) -> None:
        self.set_focus(self.paper_list)
        self.paper_list.cursor = 0

    @on(SearchBar.Dismissed)
    def _search_dismissed(self) -> None:
        self.set_focus(self.paper_list)

    @on(SearchBar.CountClicked)
    def _count_clicked(self) -> None:
        self.action_show_problems()

    @on(PaperList.Highlighted)
    def _highlighted(self) -> None:
        # The list as it is now, not as the message saw it: results that came in
        # meanwhile (an empty search) made its paper and row stale.
        paper = self.paper_list.paper
        had_paper = self.detail.paper is not None
        self._show_detail(paper, self.paper_list.cursor)
        if had_paper != (paper is not None):
            self.refresh_bindings()

    @on(PaperList.Selected)
    def _selected(self) -> None:
        self.set_focus(self.detail)

    # --- actions --------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("focus_search", "leave_search", "submit_search"):
            # Only while they change focus: in the bar "/" is a character to type. The
            # screen's focus, not the Input's has_focus: that follows a turn later, when
            # the Input handles its Focus event, and a "/graph" Enter typed in one burst
            # found the bar not yet focused, so Enter and the keys after it stayed there.
            in_bar = self.focused is self.search_bar.input
            return in_bar if action != "focus_search" else not in_bar
        if action == "show_problems":
            return bool(self.problem_count)  # the footer shows the key only when useful
        if action in ("open_link", "copy", "copy_bibtex", "bookmark", "toggle_read",
                      "edit_tags", "edit_note", "author", "toggle_mark"):
            return True if self.detail.paper is not None else None  # None: shown dimmed
        return True

    def action_focus_search(self) -> None:
        # set_focus takes effect at once (Widget.focus waits a turn), so keys typed
        # right after the slash land in the bar.
        self.set_focus(self.search_bar.input)

    def action_leave_search(self) -> None:
        self.set_focus(self.paper_list)

    def action_submit_search(self) -> None:
        self.set_focus(self.paper_list)
        self.paper_list.cursor = 0

    def action_switch_pane(self) -> None:
        if self.paper_list.has_focus:
            self.set_focus(self.detail)
        else:
            self.set_focus(self.paper_list)

    def action_escape(self) -> None:
        if self.detail.has_focus:
            self.set_focus(self.paper_list)
        elif self.search_query:
            self.search_bar.value = ""

    def action_read(self) -> None:
        if self.detail.paper is not None:
            self.set_focus(self.detail)

    def action_clear_search(self) -> None:
        self.search_bar.value = ""
        self.set_focus(self.paper_list)

    def action_first_paper(self) -> None:
        self.paper_list.action_first()
        self.set_focus(self.paper_list)

    def action_last_paper(self) -> None:
        self.paper_list.action_last()
        self.set_focus(self.paper_list)

    def action_cycle_sort(self) -> None:
        from paperbrowse.core.search.results import SORT_ORDERS

        position = SORT_ORDERS.index(self.sort)
        self.sort = SORT_ORDERS[(position + 1) % len(SORT_ORDERS)]
        if self.sort != "relevance":
            self._browse_sort = self.sort
        self.notify(f"Sorted by {self.sort}", timeout=2)

    def action_open_link(self) -> None:
        paper = self.paper_list.paper
        link = paper.web_link if paper else None
        if link is None:  # file:, javascript:, a bare path...: never opened
            self.notify("This paper has no web link to open.", severity="warning", timeout=3)
            return
        self.app.open_url(link)
        self.notify(f"Opening {link}", timeout=3, markup=False)

    def action_help(self) -> None:
        from paperbrowse.app.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_show_problems(self) -> None:
        if self.library is None or not self.library.problems:
            self.notify("No problems: every file loaded cleanly.", timeout=2)
            return
        from paperbrowse.app.screens.problems import ProblemsScreen

        self.app.push_screen(ProblemsScreen(self.library.problems))

    def go_to_paper(self, paper: Paper) -> None:
        """Show one paper: clear the query if it hides the paper, then put the cursor on it."""
        if not self._move_to(paper) and self.search_query:
            self._pending_paper = paper
            self.search_bar.value = ""

    def _move_to(self, paper: Paper) -> bool:
        results = self.results or ()
        for index in range(len(results)):
            if results[index].id == paper.id:
                self.paper_list.cursor = index
                self.set_focus(self.paper_list)
                return True
        return False
