"""The browser screen: header, search bar, paper list and detail pane.

The screen owns the view state (library, query, sort, results) and pushes it down to
the widgets. Its jobs are parts it owns (``browser_parts``): the loader reads the
library in a thread so the screen is up at once, the scheduler runs one search at a
time and drops results for older queries, and the reading controller keeps the marks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.screen import Screen

from paperbrowse.app.actions import bindings
from paperbrowse.app.first_screen_ahead import LAUNCH_ORDER
from paperbrowse.app.screens.base import SafeMouse, withdraw_toasts
from paperbrowse.app.screens.browser_parts import loading
from paperbrowse.app.screens.browser_parts.reading import ReadingController
from paperbrowse.app.screens.browser_parts.searching import SearchController
from paperbrowse.app.widgets.detail import PaperDetail
from paperbrowse.app.widgets.footer import KeyFooter, in_registry_order
from paperbrowse.app.widgets.header import ProfileHeader
from paperbrowse.app.widgets.header import show_library as show_header
from paperbrowse.app.widgets.paper_list import PaperList
from paperbrowse.app.widgets.search_bar import SearchBar

# The core's library, models and search engine (pydantic, numpy) load in the
# loader thread, not before the first frame; here they are only types.
if TYPE_CHECKING:
    from textual.binding import ActiveBinding

    from paperbrowse.app.first_screen_ahead import SecondProcess
    from paperbrowse.app.widgets.citation_links import CitationLinks
    from paperbrowse.core.library import Library
    from paperbrowse.core.lookup.adding import Added
    from paperbrowse.core.marks.store import Store
    from paperbrowse.core.models import Paper
    from paperbrowse.core.search.results import Results, SortOrder

NARROW_WIDTH = 90  # below this many columns the panes stack
SHORT_HEIGHT = 16  # below this many rows the header is hidden
WATCH_SECONDS = 2.0  # how often the library's files are checked for changes


def _by_reading(
    action: Callable[[ReadingController], None], needs_library: bool = True
) -> Callable[[BrowserScreen], None]:
    """A screen action done by its reading controller: bindings, the footer and the palette
    look actions up on the screen by name (``action_bookmark``), so the names stay here.
    One that ``needs_library`` says it is still loading over the rows a launch draws before
    it reads the library (``core.first_screen``), which are no papers to act on."""

    def delegated(screen: BrowserScreen) -> None:
        if needs_library and (screen.paper_list.kept or screen.library is None):
            screen.reading.say_still_loading()  # (not "No paper to cite.", nor nothing)
            return
        action(screen.reading)

    return delegated


class BrowserScreen(SafeMouse, Screen[None]):
    # Built from the registry (app/actions.py): ids are the action names, so a user's
    # keymap rebinds them. Priority bindings run as the app reads the key, before the
    # keys after it are handed to the focused widget: "/graph" typed in one burst (a fast
    # typist, a paste, tmux) lands whole in the bar, and "escape b" bookmarks. Without
    # this, the keys after a focus change went to the widget that had focus before.
    BINDINGS = bindings("browser")

    # ``var``, not ``reactive``: the screen draws nothing of its own, and a reactive
    # repaints the whole screen when set: every widget's lines re-rendered on each key,
    # about half of a keystroke's time at 22k papers (tests/bench/profile_keys.py).
    search_query: var[str] = var("", init=False)
    sort: var[SortOrder] = var(LAUNCH_ORDER, init=False)
    # Pushed down to the search bar's count with data_bind.
    shown: var[int | None] = var(None)
    total: var[int] = var(0)
    problem_count: var[int] = var(0, bindings=True)  # "w Problems" shows when > 0
    marked: var[int] = var(0)  # papers marked with space

    def __init__(
        self,
        paths: Sequence[str | Path] = (),
        *,
        library: Library | None = None,
        as_of: dt.date | None = None,
        pdf_dirs: Sequence[str | Path] = (),
        ahead: SecondProcess | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        self.reading = ReadingController(self, self, pdf_dirs)
        self.searching = SearchController(self, self)
        self.loader = loading.LibraryLoader(
            self, self, self.searching, self.reading, paths, as_of, ahead
        )
        # Taken down while a dialog is open, with the seconds each had left.
        self.config_warnings_covered: list[tuple[str, float]] = []

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

    @property
    def downloading(self) -> bool:
        """A ``D`` download is under way (the app does not wait for it at exit either)."""
        return bool(self.reading.downloading)

    def on_mount(self) -> None:
        # The panes laid out for the terminal's size from the first frame: kept rows were
        # drawn side by side at 80 columns, then stacked once the screen was resized.
        self.on_resize()
        self.set_focus(self.paper_list)
        self.search_bar.input.on_change = self.searching.typing
        if self.library is not None:
            self.set_library(self.library)
        elif self.loader.show_kept_screen():
            # The library is read once the kept screen is painted: the read's imports
            # (pydantic's among them) took the interpreter from the paint.
            self.call_after_refresh(self.loader.start)
            self.set_timer(loading.PROGRESS_DELAY, self.loader.show_bar)
            self.loader.let_go_of_ahead()
        else:
            # "Loading…" till the papers come (a kept screen shows its own count).
            self.search_bar.expected = self.loader.papers_expected()
            if not self.loader.wait_for_ahead():  # (else the first screen a second
                self.loader.start()  # process keeps, then the library read)
                self.set_timer(loading.PROGRESS_DELAY, self.loader.show_bar)
        self.set_interval(WATCH_SECONDS, self.loader.check_sources)

    def on_unmount(self) -> None:
        self.searching.frame_hold.release()  # the app's repaints must not stay held
        self.loader.keep_marks_as_now()  # (and closes the marks)

    def on_screen_suspend(self) -> None:
        self.loader.covered()  # a dialog opened over the browser: not under a toast
        # Nor under config.json's warnings (``PaperBrowseApp.config_warnings``): given
        # again once the dialog closes, having no list of their own as problems have.
        warnings = getattr(self.app, "config_warnings", ())
        self.config_warnings_covered = withdraw_toasts(self.app, warnings)

    def on_screen_resume(self) -> None:
        self.loader.say_problems()  # those met while a dialog was open
        covered, self.config_warnings_covered = self.config_warnings_covered, []
        for message, seconds_left in covered:  # for the time they had left, not anew
            self.notify(message, severity="warning", timeout=seconds_left, markup=False)

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW_WIDTH, "narrow")
        self.set_class(self.size.height < SHORT_HEIGHT, "short")

    # --- loading: the loader thread's messages, handled by the loader ----------------

    def on_loader_progress(self, message: loading.Progress) -> None:
        self.loader.progress(message)

    def on_loader_ahead_done(self) -> None:
        self.loader.ahead_done()
        self.set_timer(loading.PROGRESS_DELAY, self.loader.show_bar)

    def on_loader_load_failed(self, message: loading.LoadFailed) -> None:
        self.loader.failed(message)

    def on_loader_loaded(self, message: loading.Loaded) -> None:
        self.loader.loaded(message)

    def on_loader_index_ready(self) -> None:
        self.loader.index_ready()

    def on_loader_keys_ready(self) -> None:
        self.detail.redraw()  # its paper's key in this library, where the file's was shown

    def on_loader_citations_ready(self) -> None:
        self.detail.redraw()  # its "Cites" and "Cited by", for a library too big to wait

    def action_reload(self) -> None:
        self.loader.reload()

    def action_add_paper(self) -> None:
        from paperbrowse.app.screens.add_dialog import AddPaperDialog
        from paperbrowse.core.lookup.target import addable_sources

        papers = self.library.papers if self.library is not None else ()
        targets, why_none = addable_sources(self.loader.paths)
        self.app.push_screen(
            AddPaperDialog(targets, papers, self._library_keys, why_none),
            self._paper_added,
        )

    def _library_keys(self) -> Iterable[str]:
        """The library's citation keys, which a new paper's must not repeat (made here if
        not yet: called in the dialog's thread)."""
        return self.library.keys.values() if self.library is not None else ()

    def _paper_added(self, added: Added | None) -> None:
        from paperbrowse.app.screens.add_dialog import added_message

        if added is None:
            return
        written = added.path.resolve()
        # As opened: a file named that did not exist yet is watched, and read once made.
        opened = (Path(source).resolve() for source in self.loader.paths)
        if any(written == path or path in written.parents for path in opened):
            self.notify(added_message(added), timeout=6, markup=False)
            self.loader.reload(then_show=added.paper)  # the new paper, under the cursor
        else:
            self.notify(
                f"{added_message(added)} That file is not open here: "
                f"paperbrowse {added.path} shows it.",
                timeout=8,
                markup=False,
            )

    def set_library(self, library: Library, listing: Results | None = None) -> None:
        self.loader.show_library(library, listing)

    # --- searching: done by the search controller ---------------------------------

    @property
    def results(self) -> Results | None:
        return self.searching.results

    def run_search(self) -> None:
        self.searching.run()

    def watch_search_query(self, old: str, new: str) -> None:
        self.searching.query_changed(old, new)
        several = self.library is not None and len(self.library.profiles) > 1
        if several and "profile" in f"{old} {new}".casefold():
            # profile:"Name" typed, chosen or cleared: the header shows whom it names.
            assert self.library is not None
            show_header(self.query_one(ProfileHeader), self.library, new)

    def watch_sort(self) -> None:
        self.searching.run()

    @on(SearchBar.Changed)
    def _query_changed(self, event: SearchBar.Changed) -> None:
        self.search_query = event.query

    @on(PaperList.Highlighted)
    def _highlighted(self) -> None:
        # The list as it is now, not as the message saw it: results that came in
        # meanwhile (an empty search) made its paper and row stale.
        paper = self.paper_list.paper
        had_paper = self.detail.paper is not None
        self.searching.show_detail()
        if had_paper != (paper is not None):
            self.refresh_bindings()

    @on(PaperList.Selected)
    def _selected(self) -> None:
        self.set_focus(self.detail)

    # (By name, not ``@on``: CitationLinks is imported once a paper's links are shown.)
    def on_citation_links_jump(self, event: CitationLinks.Jump) -> None:
        self.go_to_paper(event.paper)

    def on_citation_links_search(self, event: CitationLinks.Search) -> None:
        self.reading.apply_filter(event.query)

    # --- actions --------------------------------------------------------------------

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Textual's, in the registry's order: the footer lists them in this order. The
        problems key is left out while there are none: the footer shows it only when
        useful, yet pressed it still says there are none (keys are dispatched by
        Textual without this list; a check_action of False would disable it too)."""
        active = in_registry_order(super().active_bindings)
        if self.problem_count:
            return active
        return {k: entry for k, entry in active.items() if entry.binding.action != "show_problems"}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("focus_search", "leave_search", "submit_search"):
            # Only while they change focus: in the bar "/" is a character to type. The
            # screen's focus, not the Input's has_focus: that follows a turn later, when
            # the Input handles its Focus event, and a "/graph" Enter typed in one burst
            # found the bar not yet focused, so Enter and the keys after it stayed there.
            in_bar = self.focused is self.search_bar.input
            return in_bar if action != "focus_search" else not in_bar
        # y, Y, O and A are not in this list: a disabled binding does nothing at all, and
        # with no paper listed they must say so, as c and C do (issue 15 QA); y and Y also
        # copy the marked papers when none is selected.
        if action in (
            "open_link",
            "bookmark",
            "toggle_read",
            "edit_tags",
            "edit_note",
            "author",
            "related",
            "toggle_mark",
        ):
            # None: shown dimmed. While the library loads (its kept rows, core.first_screen,
            # look like papers), a key for one says it is still loading, not nothing at all.
            shown = self.detail.paper is not None or self.library is None or self.paper_list.kept
            return True if shown else None
        return True

    def action_focus_search(self) -> None:
        # set_focus takes effect at once (Widget.focus waits a turn), so keys typed
        # right after the slash land in the bar.
        self.set_focus(self.search_bar.input)

    @on(SearchBar.Dismissed)
    def action_leave_search(self) -> None:
        self.searching.show_detail_now()
        self.set_focus(self.paper_list)

    @on(SearchBar.Submitted)
    def action_submit_search(self) -> None:
        self.searching.show_detail_now()
        self.set_focus(self.paper_list)
        self.paper_list.cursor = 0
        # The keys typed after Enter (j j space) are meant for the submitted query's
        # results: they wait while its search still runs (a big library, or one still
        # loading), or they moved over the previous query's list and were undone.
        hold_keys = getattr(self.app, "hold_keys", None)  # app/keys.py's KeysInOrder
        if hold_keys is not None:
            self.searching.when_settled(hold_keys())
        self.searching.when_settled(self.searching.say_notes)

    def action_switch_pane(self) -> None:
        """The list, the detail pane, then its citation links when it shows some."""
        self.searching.show_detail_now()
        links = self.detail.links_shown
        if self.paper_list.has_focus:
            self.set_focus(self.detail)
        elif self.detail.has_focus and links is not None:
            self.set_focus(links)
        else:
            self.set_focus(self.paper_list)

    def action_escape(self) -> None:
        if self.detail.has_focus_within:
            self.set_focus(self.paper_list)
        elif self.search_query:
            self.search_bar.value = ""

    def action_read(self) -> None:
        self.searching.show_detail_now()
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
        self.searching.cycle_sort()

    def action_help(self) -> None:
        from paperbrowse.app.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    @on(SearchBar.CountClicked)
    def action_show_problems(self) -> None:
        self.loader.show_problems()

    def action_people(self) -> None:
        """The researchers of the profiles opened; enter on one lists their papers."""
        from paperbrowse.app.screens.people import open_people

        open_people(self, self.reading.apply_filter)

    def go_to_paper(self, paper: Paper) -> None:
        self.searching.go_to_paper(paper)

    # The reading controller's actions, by the names the bindings and the palette call.
    action_bookmark = _by_reading(ReadingController.bookmark)
    action_toggle_read = _by_reading(ReadingController.toggle_read)
    action_edit_tags = _by_reading(ReadingController.edit_tags)
    action_edit_note = _by_reading(ReadingController.edit_note)
    action_toggle_mark = _by_reading(ReadingController.toggle_mark)
    action_clear_marks = _by_reading(ReadingController.clear_marks)
    action_open_link = _by_reading(ReadingController.open_link)
    action_copy = _by_reading(ReadingController.copy)
    action_copy_bibtex = _by_reading(ReadingController.copy_bibtex)
    action_cite = _by_reading(ReadingController.cite)
    action_cite_references = _by_reading(ReadingController.cite_references)
    action_choose_cite_form = _by_reading(ReadingController.choose_cite_form, needs_library=False)
    action_choose_csl_style = _by_reading(ReadingController.choose_csl_style, needs_library=False)
    action_export = _by_reading(ReadingController.export)
    action_stats = _by_reading(ReadingController.stats)
    action_author = _by_reading(ReadingController.author)
    action_related = _by_reading(ReadingController.related)
    action_open_pdf = _by_reading(ReadingController.open_pdf)
    action_attach_pdf = _by_reading(ReadingController.attach_pdf)
    action_fetch_pdf = _by_reading(ReadingController.fetch_pdf)
