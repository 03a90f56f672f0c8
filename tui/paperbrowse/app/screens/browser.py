"""The browser screen: header, search bar, paper list and detail pane.

The screen owns the view state (library, query, sort, results) and pushes it down to
the widgets. Its jobs are parts it owns (``browser_parts``): the loader reads the
library in a thread so the screen is up at once, the scheduler runs one search at a
time and drops results for older queries, and the reading controller keeps the marks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import ProgressBar

from paperbrowse.app.screens.base import SafeMouse, call_from_thread_while_attached
from paperbrowse.app.screens.browser_parts import loading
from paperbrowse.app.screens.browser_parts.loading import LibraryLoader, loading_text
from paperbrowse.app.screens.browser_parts.reading import ReadingController
from paperbrowse.app.screens.browser_parts.search_scheduler import SearchScheduler
from paperbrowse.app.screens.help import HelpScreen
from paperbrowse.app.screens.problems import ProblemsScreen
from paperbrowse.app.widgets.detail import PaperDetail
from paperbrowse.app.widgets.footer import KeyFooter
from paperbrowse.app.widgets.header import ProfileHeader
from paperbrowse.app.widgets.paper_list import CATEGORY_WIDTH, PaperList
from paperbrowse.app.widgets.search_bar import SearchBar
from paperbrowse.core.text.counts import counted

# The core's library, models and search engine (pydantic, numpy) load in the
# loader thread, not before the first frame; here they are only types.
if TYPE_CHECKING:
    from paperbrowse.core.errors import FormatError
    from paperbrowse.core.library import Library
    from paperbrowse.core.marks.store import Store
    from paperbrowse.core.models import Paper
    from paperbrowse.core.search.results import Results, SortOrder

NARROW_WIDTH = 90  # below this many columns the panes stack
SHORT_HEIGHT = 16  # below this many rows the header is hidden
WATCH_SECONDS = 2.0  # how often the library's files are checked for changes


class KeepsLoadError(Protocol):
    """The app, where a load that found nothing leaves its error for the command line."""

    load_error: FormatError | None


def category_width(papers: Sequence[Paper]) -> int:
    """The width of the category column: the longest code, capped."""
    return min(CATEGORY_WIDTH, max((cell_len(p.category or "") for p in papers), default=0))


class BrowserScreen(SafeMouse, Screen[None]):
    BINDINGS = [
        # Priority bindings run as the app reads the key, before the keys after it are
        # handed to the focused widget: "/graph" typed in one burst (a fast typist, a
        # paste, tmux) lands whole in the bar, and "escape b" bookmarks. Without this,
        # the keys after a focus change went to the widget that had focus before.
        Binding("slash", "focus_search", "Search", priority=True),
        Binding("escape", "leave_search", "Back to list", priority=True),
        Binding("enter", "submit_search", show=False, priority=True),
        Binding("tab", "switch_pane", "Switch pane", show=False),
        Binding("s", "cycle_sort", "Sort"),
        Binding("o", "open_link", "Open link"),
        Binding("y", "copy", "Copy"),
        Binding("Y", "copy_bibtex", "BibTeX", show=False),
        Binding("space", "toggle_mark", "Mark", show=False),
        Binding("b", "bookmark", "Bookmark"),
        Binding("r", "toggle_read", "Read/unread", show=False),
        Binding("t", "edit_tags", "Tags", show=False),
        Binding("n", "edit_note", "Note", show=False),
        Binding("a", "author", "Authors", show=False),
        Binding("e", "export", "Export"),
        Binding("S", "stats", "Stats"),
        Binding("w", "show_problems", "Problems"),
        Binding("ctrl+r", "reload", "Reload", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("q", "app.quit", "Quit"),
        Binding("escape", "escape", "Clear query", show=False),
    ]

    search_query: reactive[str] = reactive("", init=False)
    sort: reactive[SortOrder] = reactive("newest", init=False)
    # Pushed down to the search bar's count with data_bind.
    shown: reactive[int | None] = reactive(None)
    total: reactive[int] = reactive(0)
    problem_count: reactive[int] = reactive(0)
    marked: reactive[int] = reactive(0)  # papers marked with space

    def __init__(
        self,
        paths: Sequence[str | Path] = (),
        *,
        library: Library | None = None,
        as_of: dt.date | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        self.results: Results | None = None
        self._browse_sort: SortOrder = "newest"  # the order to return to when a query is cleared
        self._pending_paper: Paper | None = None  # moved to once the cleared query is listed
        self.reading = ReadingController(self, self)
        self.searches: SearchScheduler[SortOrder] = SearchScheduler(self._search)
        self.loader = LibraryLoader(self, paths, as_of, self._listing_order,
                                    self.reading.open_store)

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

    @property
    def paper_list(self) -> PaperList:
        return self.query_one(PaperList)

    @property
    def detail(self) -> PaperDetail:
        return self.query_one(PaperDetail)

    @property
    def search_bar(self) -> SearchBar:
        return self.query_one(SearchBar)

    @property
    def store(self) -> Store | None:
        return self.reading.store

    @property
    def loading_files(self) -> bool:
        """The loader's thread is reading files (the app does not wait for it at exit)."""
        return self.loader.reading_files

    def on_mount(self) -> None:
        self.set_focus(self.paper_list)
        if self.library is not None:
            self.set_library(self.library)
        else:
            self.loader.start()
            self.set_timer(loading.PROGRESS_DELAY, self._show_loading_bar)
        self.set_interval(WATCH_SECONDS, self._check_sources)

    def on_unmount(self) -> None:
        self.reading.stop_marks()

    def _show_loading_bar(self) -> None:
        if self.library is None:
            self.query_one("#loading-bar").add_class("-shown")

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW_WIDTH, "narrow")
        self.set_class(self.size.height < SHORT_HEIGHT, "short")

    # --- loading: the loader thread's messages ------------------------------------

    def _listing_order(self) -> SortOrder:
        return self.sort if self.sort != "relevance" else self._browse_sort

    def on_loader_progress(self, message: loading.Progress) -> None:
        if self.library is None:
            bar = self.query_one("#loading-bar", ProgressBar)
            bar.update(total=message.total if message.total > 1 else None, progress=message.done)
            self.paper_list.show((), loading_text(message.done, message.total, message.file))

    def on_loader_load_failed(self, message: loading.LoadFailed) -> None:
        self.loader.loading = False
        if self.library is not None:  # a reload: keep what is shown
            self.notify(f"Reload failed; still showing the papers loaded before. {message.error}",
                        severity="error", timeout=10, markup=False)
            return
        cast(KeepsLoadError, self.app).load_error = message.error
        self.app.exit(2, return_code=2)

    def on_loader_loaded(self, message: loading.Loaded) -> None:
        before = len(self.library.papers) if self.library is not None else None
        self.searches.hold()  # the index is built next: queries wait for it
        self.loader.watcher.watch(message.paths, message.watched)
        self.set_library(message.library, message.listing)
        if before is not None:
            papers = len(message.library.papers)
            self.notify(f"Reloaded: {counted(papers, 'paper')} ({papers - before:+,}).", timeout=3)

    def on_loader_index_ready(self) -> None:
        self.loader.loading = False
        self.reading.start_marks()
        self.reading.redraw_marks()
        if self.searches.release() or self.search_query.strip():
            self.run_search()

    def action_reload(self) -> None:
        """Read the library's files again; what is shown stays until the new papers are in."""
        if self.loader.reload():
            self.notify("Reloading …", timeout=2)
        else:
            self.notify("Still loading; reload when it is done.", timeout=2)

    def _check_sources(self) -> None:
        """Reload when the library's files changed and the change has settled."""
        changed = None if self.loader.loading else self.loader.watcher.settled_change()
        if changed is not None:
            self.notify(f"{', '.join(changed) or 'The library'} changed on disk; reloading.",
                        timeout=3, markup=False)
            self.action_reload()

    def set_library(self, library: Library, listing: Results | None = None) -> None:
        """Show a loaded library: header figures, then every paper in order (``listing``,
        when the loader has sorted them already; else the first search lists them)."""
        self.library = library
        self.query_one("#loading-bar").remove_class("-shown")
        self.query_one(KeyFooter).release()
        self.query_one(ProfileHeader).show(library.profile, len(library.papers), library.sources)
        self.paper_list.category_width = category_width(library.papers)
        self.total = len(library.papers)
        self.problem_count = len(library.problems)
        self.refresh_bindings()  # the footer's "w Problems" appears only when there are some
        self.detail.placeholder = "No paper selected."
        loading.notify_problems(self, library)
        if listing is not None and not self.search_query.strip():
            self._show_results(listing, self.searches.new_generation())
            return
        if not self.searches.held:
            self.reading.start_marks()  # before the first search: is:read etc. must be known
        self.run_search()
    # --- searching ----------------------------------------------------------------

    def run_search(self) -> None:
        if self.library is None:
            return
        held = self.searches.request(self.search_query, self.sort) == "held"
        # Typed before the index is ready: the search runs the moment it is. (On a
        # reload the previous results stay up meanwhile.)
        if held and (self.results is None or not self.results.query.strip()):
            self.shown = None
            self.paper_list.show((), loading.indexing_text(self.total))

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
            call_from_thread_while_attached(self, self.searches.finished)
        call_from_thread_while_attached(self, self._show_results, results, generation)

    def _search_failed(self, query: str, error: Exception, generation: int) -> None:
        if not self.searches.is_current(generation):
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
        if not self.searches.is_current(generation) or self.library is None:
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
        self.app.push_screen(HelpScreen())

    def action_show_problems(self) -> None:
        if self.library is None or not self.library.problems:
            self.notify("No problems: every file loaded cleanly.", timeout=2)
            return
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

    # --- the reading controller's actions, by the names the bindings and palette use ---

    def action_bookmark(self) -> None:
        self.reading.bookmark()

    def action_toggle_read(self) -> None:
        self.reading.toggle_read()

    def action_edit_tags(self) -> None:
        self.reading.edit_tags()

    def action_edit_note(self) -> None:
        self.reading.edit_note()

    def action_toggle_mark(self) -> None:
        self.reading.toggle_mark()

    def action_clear_marks(self) -> None:
        self.reading.clear_marks()

    def action_copy(self) -> None:
        self.reading.copy()

    def action_copy_bibtex(self) -> None:
        self.reading.copy_bibtex()

    def action_export(self) -> None:
        self.reading.export()

    def action_stats(self) -> None:
        self.reading.stats()

    def action_author(self) -> None:
        self.reading.author()
