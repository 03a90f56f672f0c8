"""Search results and plain listings, without the search engine.

``Results`` is what a search returns and what the app's list shows. It lives
apart from ``core.search`` (numpy, rapidfuzz, the index) so that a library can
be listed, newest first, before its index exists: the app's first screen
needs only ``listing()``, and the engine loads while the user reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, overload

from paperbrowse.core.models import Paper
from paperbrowse.core.store import Ordered, days_of, field_values

if TYPE_CHECKING:
    from paperbrowse.core.search.query import Query
    from paperbrowse.core.search.spans import Span

SortOrder = Literal["newest", "oldest", "title", "relevance"]
SORT_ORDERS: tuple[SortOrder, ...] = ("newest", "oldest", "title", "relevance")


@dataclass(frozen=True)
class Hit:
    """One search result: the paper, its score, and the matched character spans per field.

    Span offsets index ``paper.title``, ``paper.authors_text()`` and ``paper.abstract``.
    ``spans`` is a dict of the fields with a match, filled lazily: each field's spans
    are worked out when first read, so a list row that shows the title never pays
    for the abstract.
    """

    paper: Paper
    score: float
    spans: dict[str, tuple[Span, ...]] = field(default_factory=dict)


SpansOf = Callable[[Paper], dict[str, tuple["Span", ...]]]


def _no_spans(paper: Paper) -> dict[str, tuple[Span, ...]]:
    return {}


def _plain_spans(query: str) -> SpansOf:
    from paperbrowse.core.search.match import Expansion
    from paperbrowse.core.search.query import parse
    from paperbrowse.core.search.spans import Highlighter

    return Highlighter(
        [(t, [Expansion(w) for w in t.words]) for t in parse(query).terms if not t.negated]
    ).spans


class Results(Sequence[Paper]):
    """The papers matching a query, in order; spans are computed per row on demand."""

    def __init__(
        self,
        query: str,
        papers: Sequence[Paper],
        scores: Sequence[float] | Any | None = None,  # Any: a numpy array from the index
        *,
        spans: SpansOf | None = None,
        notes: Sequence[str] = (),
        parsed: Query | None = None,
    ) -> None:
        self.query = query
        self.notes = tuple(notes)  # things the user may want to know: an ignored filter, ...
        if parsed is not None:
            self.__dict__["parsed"] = parsed
        self._papers = papers
        self._scores = scores
        self._spans = spans if spans is not None else _plain_spans(query)

    @cached_property
    def parsed(self) -> Query:
        from paperbrowse.core.search.query import parse

        return parse(self.query)

    def __len__(self) -> int:
        return len(self._papers)

    @overload
    def __getitem__(self, index: int) -> Paper: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Paper]: ...
    def __getitem__(self, index: int | slice) -> Paper | Sequence[Paper]:
        return self._papers[index]

    @property
    def ordering(self) -> Ordered | None:
        """The ordering these results are (of the search index's papers), if they are one."""
        return self._papers if isinstance(self._papers, Ordered) else None

    @property
    def spans_of(self) -> SpansOf:
        """How this search's spans are found for a paper (for results built from these)."""
        return self._spans

    @property
    def scores(self) -> Sequence[float] | Any | None:
        """Every result's score, in order (a numpy array from the index), or None."""
        return self._scores

    def score(self, index: int) -> float:
        return 0.0 if self._scores is None else float(self._scores[index])

    def hit(self, index: int) -> Hit:
        paper = self._papers[index]
        return Hit(paper, self.score(index), self._spans(paper))


def title_order(papers: Sequence[Paper]) -> list[int]:
    """Positions of the papers in title order (casefolded); equal titles keep their order.

    The one definition of the "title" sort: ``listing`` and ``SearchIndex`` both use it.
    Keys are read with C-level getters: Python key functions cost 0.2 s at 100k papers.
    """
    titles = list(map(str.casefold, field_values(papers, "title")))
    return sorted(range(len(papers)), key=titles.__getitem__)


NewestOrder = tuple[list[int], list[int]]  # ``newest_first_order``: positions, and days


def newest_first_order(papers: Sequence[Paper]) -> NewestOrder:
    """Positions of the papers newest first (same date: by title), undated ones last;
    and each paper's day (``date.toordinal()``, -1 when undated), by position.

    The one definition of the "newest" sort (``listing``, ``SearchIndex`` and an
    author's papers in ``stats`` use it); "oldest" is its dated part by day from the
    oldest, a day's papers still by title, undated papers still last.
    """
    by_title = title_order(papers)
    days = days_of(papers)
    # Stable, also when reversed: papers of the same date stay in title order.
    return sorted(by_title, key=days.__getitem__, reverse=True), days


def listing(
    papers: Sequence[Paper],
    sort: SortOrder = "newest",
    newest: tuple[Sequence[int], int] | None = None,
) -> Results:
    """Every paper in a browsing order, as the search index would list them for an
    empty query ("relevance" lists newest first), without building the index.

    The same orders as ``SearchIndex.find``, on a list rather than numpy arrays, so
    the first screen waits for no numpy; ``tests/test_listing.py`` keeps them equal.

    ``newest``: the positions newest first and how many are dated, when known already
    (the saved index holds them, ``index_cache.stored_order``).
    """
    if newest is None:
        positions, days = newest_first_order(papers)
        newest = positions, sum(1 for day in days if day >= 0)
    order: Sequence[int] = newest[0]
    if sort == "oldest":  # by day (a stable sort: a day's papers stay A to Z)
        dated = newest[1]
        days = days_of(papers)
        order = [*sorted(order[:dated], key=days.__getitem__), *order[dated:]]
    elif sort == "title":
        order = [order[i] for i in title_order(Ordered(papers, order))]
    return Results("", Ordered(papers, order), None, spans=_no_spans)
