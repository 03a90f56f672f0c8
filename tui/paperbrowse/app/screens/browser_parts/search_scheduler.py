"""Which search runs next, and whether the results that come back are still wanted.

Plain Python, no Textual: the browser screen starts the searches in thread workers and
tells the scheduler when each ends. One search runs at a time; a query typed meanwhile
waits as the pending one, and only the latest waits, so a fast typist never has several
stale scans fighting the current one for the interpreter. Every request bumps the
generation, and results or errors carrying an older one are refused: a result for an
older query is dropped rather than shown (the pattern of Textual's dictionary example).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, Literal, TypeVar

Order = TypeVar("Order")  # the sort order a search is run with (the core's SortOrder)
Requested = Literal["started", "queued", "held"]


class SearchScheduler(Generic[Order]):
    """One search at a time, the latest query next, stale results refused.

    ``start(query, order, generation)`` begins a search (in a thread); its owner calls
    ``finished()`` when that search ends, however it ends, and ``is_current(generation)``
    before showing what it found.
    """

    def __init__(self, start: Callable[[str, Order, int], object]) -> None:
        self._start = start
        self.generation = 0  # bumped per request; stale results carry an older number
        self.running = False  # a search thread is under way
        self.pending: tuple[str, Order] | None = None  # the latest query not searched yet
        # While the search index is being built, queries wait for it (an empty query does
        # not: the papers are listed without the index).
        self.held = False

    def request(self, query: str, order: Order) -> Requested:
        """Search ``query`` now if nothing runs, else as soon as the running search ends."""
        self.generation += 1
        if self.held and query.strip():
            self.pending = (query, order)
            return "held"
        if self.running:
            self.pending = (query, order)
            return "queued"
        self.running = True
        self.pending = None  # the latest query is the one starting: nothing older waits
        self._start(query, order, self.generation)
        return "started"

    def finished(self) -> None:
        """The running search ended (results, error or nothing): the pending one starts."""
        self.running = False
        if self.pending is not None:
            query, order = self.pending
            self.pending = None
            self.request(query, order)

    def hold(self) -> None:
        """Queries wait from now on (the index is being built)."""
        self.held = True

    def release(self) -> bool:
        """Queries run again; whether one was waiting (it is dropped: the caller searches
        the query as it is now)."""
        self.held = False
        waited = self.pending is not None
        self.pending = None
        return waited

    def new_generation(self) -> int:
        """A generation for results made without a search (the loader's first listing):
        what the running search finds is then stale."""
        self.generation += 1
        return self.generation

    def is_current(self, generation: int) -> bool:
        """Whether results (or an error) of ``generation`` answer the latest request."""
        return generation == self.generation
