"""The browser's searches: run one at a time, their results shown in the list.

``SearchController`` is owned by ``BrowserScreen``. The ``SearchScheduler`` decides
which query runs next and which results are still wanted; this side runs the searches
(in thread workers, or on the UI thread when they are known to be quick: ``FAST_SEARCH``),
shows what they found (or why they failed), keeps the order to return to when a query is
cleared, and moves the cursor to a paper asked for.
"""

from __future__ import annotations

import statistics
import time
import weakref
from collections import deque
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Protocol

from textual.screen import Screen

from paperbrowse.app.actions import key_hint, keymap_of
from paperbrowse.app.first_screen_ahead import LAUNCH_ORDER
from paperbrowse.app.screens.base import call_from_thread_while_attached
from paperbrowse.app.screens.browser_parts.frame_hold import FrameHold
from paperbrowse.app.screens.browser_parts.panes import BrowserPanes
from paperbrowse.app.screens.browser_parts.search_scheduler import SearchScheduler
from paperbrowse.core.text.counts import counted

if TYPE_CHECKING:
    from textual.timer import Timer

    from paperbrowse.core.library import Library
    from paperbrowse.core.models import Paper
    from paperbrowse.core.search.results import Hit, Results, SortOrder


# Seconds without new results for a typed query before the detail pane shows its top
# hit. Drawing the pane was most of a keystroke's frame (some 70 of its 107 changed
# lines, its layouts, 2 ms of spans before the frame; profile_keys.py at 22k papers),
# for a paper that the next key replaces: while keys come faster than this, only the
# list and the count follow each key, and the pane follows when typing pauses.
DETAIL_PAUSE = 0.1
# A typist's rhythm: the pause waits half again their usual gap between keys, when that is
# FAST_TYPIST_GAP at most. At 0.1 s the pane was drawn between any two keys a person types (a
# fast typist's come 0.1-0.15 s apart), and a key that came while it was drawn (about 10 ms)
# waited for it: at a key every 120 ms, p99 of 100k papers' keys 73 ms against 35 at p50
# (bench_keys.py --pace 120). A slower typist's next key comes after the pane is drawn.
RHYTHM_GAPS = 4  # the latest gaps between keys, of which the median is the rhythm
FAST_TYPIST_GAP = 0.2  # seconds: a slower rhythm leaves the pause at DETAIL_PAUSE
RHYTHM_FACTOR = 1.5
NOTES_SHOWN = 2  # a query's notes said in an empty list (why nothing matched)
# Seconds a query with notes (a filter's value it does not know, ignored) stays unchanged
# before they are said: ``has:c`` on the way to ``has:code`` is said nothing.
NOTES_PAUSE = 1.0
TYPING_QUIET = 0.3  # seconds without a key before background work goes on (``wait_while_typing``)
TYPING_WAIT_MAX = 5.0  # seconds background work waits for typing to pause, at most each time
# Seconds under which the last search ran for the next to run on the UI thread, after the
# key's own handling. Handing a search to a thread and its results back took 0.7 ms of a
# key's 16 at 100k papers (bench_keys.py, alternated), more than the search itself (about
# 0.5 ms at the median). The last search's time counts only for the same library in the
# same order (a new order may have to be worked out first: the titles' at a million
# papers took 0.8 s; a reloaded library's index has its lookups still to make). A slower
# search goes to a thread, and so does the one after it. And only up to INLINE_PAPERS: past
# that, a search the last one said nothing about takes longer (at a million papers a word's
# first letter 5-20 ms, a first query of two words 140 ms), and on the UI thread the letter
# would not be echoed at the frame hold's deadline (25 ms) meanwhile.
FAST_SEARCH = 0.004
INLINE_PAPERS = 250_000


def indexing_text(papers: int) -> str:
    """What the list says while the search index is built."""
    return f"Building the search index for {counted(papers, 'paper')} …"


class SearchView(BrowserPanes, Protocol):
    """What the controller reads and drives of the browser screen, besides being a Screen."""

    sort: SortOrder  # setting it searches again (the screen watches it)
    shown: int | None  # papers listed, for the search bar's count; None while unknown

    @property
    def library(self) -> Library | None: ...
    @property
    def total(self) -> int: ...


class SearchController:
    """The query's results, searched off the UI thread and shown when still wanted.

    ``screen`` and ``view`` are the same browser screen, seen as a Textual screen (to
    run workers and notify) and as the browser (its widgets and query).
    """

    def __init__(self, screen: Screen[None], view: SearchView) -> None:
        self.screen = screen
        self.view = view
        self.scheduler: SearchScheduler[SortOrder] = SearchScheduler(self._start)
        # The letter typed and its results painted in one frame (frame_hold.py).
        self.frame_hold = FrameHold(screen)
        self.results: Results | None = None
        self.browse_sort: SortOrder = LAUNCH_ORDER  # the order to return to when a query is cleared
        self._pending_paper: Paper | None = None  # moved to once the cleared query is listed
        self._paper_shown: bool | None = None  # as the footer last showed it (None: not yet)
        # What the detail pane shows: (results, row, paper id) when it was last set.
        self._detail_shown_for: tuple[Results | None, int, str | None] | None = None
        # Shows the top hit in the detail pane once typing pauses (None: nothing waits).
        self._detail_timer: Timer | None = None
        self._detail_deferred_for: tuple[Results | None, int] | None = None
        # Says the notes of the results shown once typing pauses (None: nothing waits),
        # and the notes said for the queries since one had none: each is said once while
        # the query keeps it (at the pause or Enter, and after an edit elsewhere in it).
        self._notes_timer: Timer | None = None
        self._notes_said: set[str] = set()
        # Called once the query in the bar has its results listed (or has failed).
        self._on_settled: list[Callable[[], object]] = []
        self.last_typed = 0.0  # when the query last changed (``clock``)
        self.clock: Callable[[], float] = time.monotonic
        self._key_gaps: deque[float] = deque(maxlen=RHYTHM_GAPS)  # seconds, latest last
        # The last search of the index: its library, order and seconds (None: none yet).
        # The library by a weak reference: a reloaded library's papers are not kept alive.
        self._last_search: tuple[weakref.ref[Library], SortOrder, float] | None = None

    def wait_while_typing(self) -> None:
        """In a worker thread: return once no key has changed the query for TYPING_QUIET
        seconds (or after TYPING_WAIT_MAX, so that the work waiting is never put off for
        good). Background work after the index (the typo lookups, the citation keys, the
        cache writes) shares the interpreter with the keys' searches and paints: at 100k
        papers the first keys typed meanwhile took 100-220 ms where they take 27."""
        deadline = time.monotonic() + TYPING_WAIT_MAX  # (real time: a test's clock may stand)
        while (quiet := self.clock() - self.last_typed) < TYPING_QUIET:
            if time.monotonic() >= deadline:
                return
            time.sleep(TYPING_QUIET - quiet)

    def run(self) -> None:
        """Search the query and order as they are now (once a library is there)."""
        if self.view.library is None:
            if self.view.paper_list.kept:  # a kept first screen's rows were not kept for
                self.view.shown = None  # this query or order: none shown till searched
                self.view.paper_list.show((), "Loading…")
            return
        held = self.scheduler.request(self.view.search_query, self.view.sort) == "held"
        if not held:
            self.frame_hold.hold()  # released when the results are shown
        # Typed before the index is ready: the search runs the moment it is. (On a
        # reload the previous results stay up meanwhile.)
        if held and (self.results is None or not self.results.query.strip()):
            self.view.shown = None
            self.view.paper_list.show((), indexing_text(self.view.total))

    def typing(self) -> None:
        """The query is changing (a key, in the key's own turn): the screen's next frame
        waits for its results, when a search is to run for it."""
        now = self.clock()
        self._key_gaps.append(now - self.last_typed)
        self.last_typed = now
        if self.view.library is not None and not self.scheduler.held:
            self.frame_hold.hold()

    def say_notes(self) -> None:
        """The notes of the query shown (a filter's value it does not know, ignored), when
        it found papers: an empty list says them itself. Said once a query is submitted or
        typing pauses (``_say_notes_when_typing_pauses``), each once while the query keeps it."""
        results = self.results
        if results is None or not len(results) or not results.notes:
            return
        new = [note for note in results.notes[:NOTES_SHOWN] if note not in self._notes_said]
        self._notes_said = set(results.notes)  # (a note no longer in the query: said again)
        if new:
            self.screen.notify(f"{'; '.join(new)}.", severity="warning", timeout=6, markup=False)

    def _say_notes_when_typing_pauses(self, results: Results) -> None:
        """Say the notes of ``results`` if they are still shown NOTES_PAUSE seconds from now:
        a filter typed and left as it is (``is:marked``) is not taken as working."""
        if self._notes_timer is not None:
            self._notes_timer.stop()
        self._notes_timer = None
        if not results.notes:  # a query without them: a note is new again once it comes back
            self._notes_said.clear()
        if results.notes and len(results) and results.query.strip():

            def say_if_still_shown() -> None:
                if self.results is results:
                    self.say_notes()

            self._notes_timer = self.screen.set_timer(NOTES_PAUSE, say_if_still_shown)

    def when_settled(self, callback: Callable[[], object]) -> None:
        """Call ``callback`` once the list shows the results of the query in the bar:
        now if it does, else when they are shown (or the search failed)."""
        self._on_settled.append(callback)
        self._call_if_settled()

    def _call_if_settled(self) -> None:
        scheduler = self.view.library is not None and self.scheduler
        if not self._on_settled or not scheduler or scheduler.running or scheduler.pending:
            return  # still loading, or a search for a newer query is to come
        shown = self.results.query.strip() if self.results is not None else None
        if shown != self.view.search_query.strip() and shown is not None:
            return  # the loader's listing, the query still to be searched
        callbacks, self._on_settled = self._on_settled, []
        for callback in callbacks:
            callback()

    def _start(self, query: str, sort: SortOrder, generation: int) -> None:
        library = self.view.library
        if library is not None and self._known_to_be_quick(library, sort):
            self.screen.call_next(self._search_here, library, query, sort, generation)
            return
        # The description is fixed: by default Textual reprs the arguments,
        # which for a library argument took 0.7 s of the UI thread per keystroke.
        self.screen.run_worker(
            partial(self._search_in_thread, query, sort, generation),
            thread=True,
            exclusive=True,
            group="search",
            description="search",
        )

    def _known_to_be_quick(self, library: Library, sort: SortOrder) -> bool:
        """Whether the last search (of this library's index, in this order) was quick."""
        last = self._last_search
        return (
            last is not None
            and last[0]() is library
            and last[1] == sort
            and last[2] < FAST_SEARCH
            and library.index_ready
            and len(library.papers) <= INLINE_PAPERS
        )

    def _search_here(self, library: Library, query: str, sort: SortOrder, generation: int) -> None:
        """On the UI thread, once the key that asked for it is handled."""
        self._answered(*self._searched(library, query, sort), query, generation)

    def _search_in_thread(self, query: str, sort: SortOrder, generation: int) -> None:
        """In the worker's thread."""
        library = self.view.library
        if library is None:
            return
        # Each answer is dropped once the screen is gone (quitting): its list is gone too.
        # One hand-off to the UI thread, not two: each waits for the event loop.
        screen = self.screen
        try:
            answer = self._searched(library, query, sort)
        except BaseException:
            call_from_thread_while_attached(screen, self.scheduler.finished)
            raise
        call_from_thread_while_attached(screen, self._answered, *answer, query, generation)

    def _searched(
        self, library: Library, query: str, sort: SortOrder
    ) -> tuple[Results | None, Exception | None]:
        """The query's results, or the error the engine raised (a query it chokes on must
        not end the app); how long a search of the index took is kept for where the next
        one runs (``_known_to_be_quick``)."""
        if not query.strip() and not library.index_ready:
            return library.listing(sort), None  # the index is still being built
        started = time.perf_counter()
        try:
            return library.find(query, sort), None
        except Exception as error:
            return None, error
        finally:
            self._last_search = (weakref.ref(library), sort, time.perf_counter() - started)

    def _answered(
        self, results: Results | None, error: Exception | None, query: str, generation: int
    ) -> None:
        """On the UI thread: the search ended; the next one starts, and this one's results
        (or its error) are shown if still wanted."""
        self.scheduler.finished()
        if error is not None:
            self._failed(query, error, generation)
        elif results is not None:
            self.show(results, generation)

    def _failed(self, query: str, error: Exception, generation: int) -> None:
        if not self.scheduler.is_current(generation):
            return
        self.frame_hold.release()
        self.results = None
        self.view.paper_list.show((), f"The search “{query}” failed ({type(error).__name__}).")
        self.view.shown = 0
        self.view.detail.hit = None
        self.screen.notify(
            f"Search failed: {type(error).__name__}: {error}. Please report this query.",
            severity="error",
            markup=False,
        )
        self._call_if_settled()

    def show_listing(self, listing: Results) -> None:
        """Show papers listed without a search (the loader's first listing)."""
        self.show(listing, self.scheduler.new_generation())

    def show(self, results: Results, generation: int) -> None:
        if not self.scheduler.is_current(generation) or self.view.library is None:
            return  # a newer query was typed meanwhile
        try:
            self._show(results)
        finally:
            self.frame_hold.release()  # the letter typed and these results, in one frame

    def _show(self, results: Results) -> None:
        paper_list = self.view.paper_list
        # The highlighted paper stays highlighted when only the order changed, or
        # when the query was cleared; a new query starts at its best match.
        previous = self.results
        same_query = previous is not None and previous.query.strip() == results.query.strip()
        self.results = results
        query = results.query.strip()
        if query:
            # The query's notes say why, where they can (an ID no paper has, a filter's
            # value it does not know); a list of papers found needs none.
            why = "".join(f" {note}." for note in results.notes[:NOTES_SHOWN])
            keymap = keymap_of(self.screen.app)
            hints = "; ".join(
                hint
                for hint in (
                    key_hint("escape", keymap, "{key} clears the search"),
                    key_hint("help", keymap, "{key} shows the syntax"),
                )
                if hint
            )
            empty = f"No papers match “{query}”.{why}"
            if hints:
                empty += f" {hints[:1].upper()}{hints[1:]}."
        else:
            empty = "This library holds no papers."
        # The library listed over a kept first screen, in the same order: the cursor stays
        # on the row it was moved to.
        listed_over_kept = paper_list.kept and not query
        paper_list.show(
            results,
            empty,
            keep=previous is not None and (same_query or not query),
            row=paper_list.cursor if same_query or listed_over_kept else 0,
        )
        if self._pending_paper is not None:
            paper, self._pending_paper = self._pending_paper, None
            self._move_to(paper)
        self.view.shown = len(results)
        # A paper for a paper: whether one is shown at all (the footer's dimmed keys, an
        # empty pane) follows the key at once.
        papers = paper_list.paper is not None and self.view.detail.paper is not None
        if previous is not None and not same_query and papers:
            self._show_detail_when_typing_pauses()
        else:
            self.show_detail()
        self._refresh_bindings_if_paper_came_or_went()
        self._say_notes_when_typing_pauses(results)
        self._call_if_settled()

    def _refresh_bindings_if_paper_came_or_went(self) -> None:
        """Open, copy and the marks are dimmed in the footer while no paper is shown.

        Only when that changes: the footer's rebuild costs about 7 ms and six layouts,
        and on every keystroke it was the largest part of the app's own time (issue 13).
        """
        paper_shown = self.view.paper_list.paper is not None
        if paper_shown != self._paper_shown:
            self._paper_shown = paper_shown
            self.screen.refresh_bindings()

    @property
    def detail_pending(self) -> bool:
        """Whether the detail pane waits for typing to pause before it shows the top hit."""
        return self._detail_timer is not None

    @property
    def detail_pause(self) -> float:
        """Seconds after the latest results before the pane shows the top hit:
        ``DETAIL_PAUSE``, or half again the typist's rhythm (the median of their latest
        gaps between keys) when that is ``FAST_TYPIST_GAP`` or quicker."""
        if len(self._key_gaps) < RHYTHM_GAPS:
            return DETAIL_PAUSE
        rhythm = statistics.median(self._key_gaps)
        if rhythm > FAST_TYPIST_GAP:
            return DETAIL_PAUSE
        return max(DETAIL_PAUSE, RHYTHM_FACTOR * rhythm)

    def _show_detail_when_typing_pauses(self) -> None:
        """The new query's top hit in the detail pane ``detail_pause`` seconds after the
        latest results, unless the cursor is moved meanwhile (then at once)."""
        if self._detail_timer is not None:
            self._detail_timer.stop()
        self._detail_deferred_for = (self.results, self.view.paper_list.cursor)
        self._detail_timer = self.screen.set_timer(
            self.detail_pause, self._typing_paused, name="detail after typing"
        )

    def _typing_paused(self) -> None:
        self._detail_timer = None  # its own timer: not stopped from inside its callback
        self.show_detail()

    def show_detail_now(self) -> None:
        """Show the top hit now if the pane waits for typing to pause (the user left the
        search bar: what comes next is about the highlighted paper)."""
        if self._detail_timer is not None:
            self._detail_timer.stop()
            self._detail_timer = None
            self.show_detail()

    def show_detail(self) -> None:
        """The highlighted paper in the detail pane, with where the query matched."""
        paper, index = self.view.paper_list.paper, self.view.paper_list.cursor
        results = self.results
        if self._detail_timer is not None:
            deferred = self._detail_deferred_for
            if deferred is not None and deferred[0] is results and deferred[1] == index:
                return  # the list's Highlighted for the results shown: still typing
            self._detail_timer.stop()  # the cursor moved: the pane follows it now
            self._detail_timer = None
        # Called twice per keystroke (by ``show`` and by the list's Highlighted message):
        # the second time the same results, row and paper need no new spans (about 5 ms)
        # and no second render of the pane. ``results`` is held, so ``is`` stays exact.
        shown_for = (results, index, paper.id if paper is not None else None)
        last = self._detail_shown_for
        if last is not None and last[0] is results and last[1:] == shown_for[1:]:
            return
        self._detail_shown_for = shown_for
        hit: Hit | None
        if paper is None:
            hit = None
        elif (
            results is not None
            and results.query.strip()
            and index < len(results)
            and results[index].id == paper.id
        ):
            hit = results.hit(index)  # with where the query matched
        else:
            from paperbrowse.core.search.results import Hit  # loaded with the library by now

            hit = Hit(paper, 0.0)
        detail = self.view.detail
        if hit is not None and hit == detail.hit:
            # An equal hit is no change to the reactive, but another query may match
            # the paper's PDF elsewhere: the pane's passage row is drawn anew.
            detail.redraw()
        else:
            detail.hit = hit

    def query_changed(self, old: str, new: str) -> None:
        """While a query is typed, best matches first; cleared, the order from before."""
        view = self.view
        if not old.strip() and new.strip() and view.sort != "relevance":
            self.browse_sort = view.sort
            view.sort = "relevance"
        elif old.strip() and not new.strip() and view.sort == "relevance":
            view.sort = self.browse_sort
        self.run()

    def listing_order(self) -> SortOrder:
        """The order papers are listed in without a query."""
        return self.view.sort if self.view.sort != "relevance" else self.browse_sort

    def cycle_sort(self) -> None:
        from paperbrowse.core.search.results import SORT_ORDERS

        view = self.view
        view.sort = SORT_ORDERS[(SORT_ORDERS.index(view.sort) + 1) % len(SORT_ORDERS)]
        if view.sort != "relevance":
            self.browse_sort = view.sort
        self.screen.notify(f"Sorted by {view.sort}", timeout=2)

    def go_to_paper(self, paper: Paper) -> None:
        """Show one paper: clear the query if it hides the paper, then put the cursor on it."""
        if not self._move_to(paper) and self.view.search_query:
            self._pending_paper = paper
            query = self.view.search_query
            self.view.search_bar.value = ""
            # (Said: the query typed is gone, and it may have been long.)
            self.screen.notify(f"Search cleared: {query} hid that paper", timeout=4, markup=False)

    def _move_to(self, paper: Paper) -> bool:
        from paperbrowse.core.store import index_of_id  # loaded with the library by now

        index = None if self.results is None else index_of_id(self.results, paper.id)
        if index is None:
            return False
        self.view.paper_list.cursor = index
        self.screen.set_focus(self.view.paper_list)
        return True
