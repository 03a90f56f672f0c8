"""The browser screen: header, search bar, paper list and detail pane.

The screen owns the view state (query, sort, results) and pushes it down to
the widgets; searching runs in a thread worker so typing never waits for it,
and a result for an older query is dropped rather than shown.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, ProgressBar

from paperbrowse.app.widgets.detail import PaperDetail
from paperbrowse.app.widgets.header import ProfileHeader
from paperbrowse.app.widgets.paper_list import PaperList
from paperbrowse.app.widgets.search_bar import SearchBar
from paperbrowse.core.library import Library
from paperbrowse.core.models import Paper
from paperbrowse.core.search import SORT_ORDERS, Results, SortOrder

NARROW_WIDTH = 90
SHORT_HEIGHT = 16


def count_text(shown: int, total: int, sort: SortOrder, skipped: int) -> Text:
    text = Text.assemble((f"{shown:,}", "bold"), f" of {total:,} papers", (f" · {sort}", "dim"))
    if skipped:
        text.append(f" · ⚠ {skipped} problem{'s' if skipped != 1 else ''} (w)")
    return text


class BrowserScreen(Screen[None]):
    BINDINGS = [
        Binding("slash", "focus_search", "Search"),
        Binding("tab", "switch_pane", "Switch pane", show=False),
        Binding("s", "cycle_sort", "Sort"),
        Binding("o", "open_link", "Open link"),
        Binding("y", "copy", "Copy"),
        Binding("w", "show_problems", "Problems", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("q", "app.quit", "Quit"),
        Binding("escape", "escape", "Clear query", show=False),
    ]

    search_query: reactive[str] = reactive("", init=False)
    sort: reactive[SortOrder] = reactive[SortOrder]("newest", init=False)

    def __init__(self) -> None:
        super().__init__()
        self.library: Library | None = None
        self.results: Results | None = None
        self._browse_sort: SortOrder = "newest"
        self._generation = 0
        self._pending_paper: Paper | None = None

    def compose(self) -> ComposeResult:
        yield ProfileHeader(id="profile-header")
        yield SearchBar(id="search-bar")
        with Horizontal(id="panes"):
            with Vertical(id="list-pane"):
                yield ProgressBar(id="loading-bar", show_eta=False)
                yield PaperList(id="paper-list")
            yield PaperDetail(id="detail")
        yield Footer()

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
        self.paper_list.focus()
        self.detail.show(None, None)

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW_WIDTH, "narrow")
        self.set_class(self.size.height < SHORT_HEIGHT, "short")

    # --- loading ------------------------------------------------------------------

    def show_progress(self, done: int, total: int, file: str) -> None:
        bar = self.query_one("#loading-bar", ProgressBar)
        bar.update(total=total if total > 1 else None, progress=done)
        self.paper_list.show((), Text(f"Loading {file} …").plain)

    def set_library(self, library: Library) -> None:
        """Show a loaded library: header figures, then every paper newest first."""
        self.library = library
        self.query_one("#loading-bar", ProgressBar).display = False
        self.query_one(ProfileHeader).show(library.profile, len(library.papers), library.sources)
        self.run_search()

    # --- searching ----------------------------------------------------------------

    def run_search(self) -> None:
        if self.library is None:
            return
        self._generation += 1
        self._search(self.library, self.search_query, self.sort, self._generation)

    @work(thread=True, exclusive=True, group="search")
    def _search(self, library: Library, query: str, sort: SortOrder, generation: int) -> None:
        results = library.find(query, sort)
        self.app.call_from_thread(self._show_results, results, generation)

    def _show_results(self, results: Results, generation: int) -> None:
        if generation != self._generation or self.library is None:
            return  # a newer query was typed meanwhile
        keep = self.paper_list.paper if self.results is not None else None
        self.results = results
        query = results.query.strip()
        empty = f"No papers match “{query}”." if query else "This library holds no papers."
        self.paper_list.show(results, empty, keep=keep if not query else None)
        if self._pending_paper is not None:
            paper, self._pending_paper = self._pending_paper, None
            self._move_to(paper)
        skipped = len(self.library.problems)
        self.search_bar.set_count(
            count_text(len(results), len(self.library.papers), self.sort, skipped),
            warn=bool(skipped),
        )
        self._show_detail(self.paper_list.paper, self.paper_list.cursor)

    def _show_detail(self, paper: Paper | None, index: int) -> None:
        hit = None
        if paper is not None and self.results is not None and self.results.query.strip():
            hit = self.results.hit(index)
        self.detail.show(paper, hit)

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
        self.paper_list.focus()
        self.paper_list.cursor = 0

    @on(SearchBar.Dismissed)
    def _search_dismissed(self) -> None:
        self.paper_list.focus()

    @on(SearchBar.CountClicked)
    def _count_clicked(self) -> None:
        self.action_show_problems()

    @on(PaperList.Highlighted)
    def _highlighted(self, event: PaperList.Highlighted) -> None:
        self._show_detail(event.paper, event.index)

    @on(PaperList.Selected)
    def _selected(self) -> None:
        self.detail.focus()

    # --- actions --------------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.search_bar.focus_input()

    def action_switch_pane(self) -> None:
        if self.paper_list.has_focus:
            self.detail.focus()
        else:
            self.paper_list.focus()

    def action_escape(self) -> None:
        if self.detail.has_focus:
            self.paper_list.focus()
        elif self.search_query:
            self.search_bar.value = ""

    def action_cycle_sort(self) -> None:
        position = SORT_ORDERS.index(self.sort)
        self.sort = SORT_ORDERS[(position + 1) % len(SORT_ORDERS)]
        if self.sort != "relevance":
            self._browse_sort = self.sort
        self.notify(f"Sorted by {self.sort}", timeout=2)

    def action_open_link(self) -> None:
        paper = self.paper_list.paper
        link = paper.first_link if paper else None
        if not link or not link.lower().startswith(("http://", "https://")):
            self.notify("This paper has no web link to open.", severity="warning", timeout=3)
            return
        self.app.open_url(link)
        self.notify(f"Opening {link}", timeout=3, markup=False)

    def action_copy(self) -> None:
        paper = self.paper_list.paper
        if paper is None:
            return
        lines = [paper.title, paper.authors_text()]
        if paper.first_link:
            lines.append(paper.first_link)
        self.app.copy_to_clipboard("\n".join(line for line in lines if line))
        self.notify("Copied title, authors and link to the clipboard.", timeout=2)

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
                self.paper_list.focus()
                return True
        return False
