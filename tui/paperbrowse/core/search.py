"""Search over a library: ranked, typo-tolerant, with matched spans for highlighting.

PLACEHOLDER implementation (a plain scan); the indexed engine replaces the
internals of SearchIndex while keeping this API:

- ``SearchIndex(papers)``: build once per library.
- ``index.find(query, sort) -> Results``: every matching paper, ranked.
- ``Results``: a sequence of papers (``len``, ``[i]``) plus ``hit(i)`` with
  score and spans, computed lazily so a 100k-row result costs little.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, overload

from paperbrowse.core.models import Paper, fold

SortOrder = Literal["newest", "oldest", "title", "relevance"]
SORT_ORDERS: tuple[SortOrder, ...] = ("newest", "oldest", "title", "relevance")
FIELDS = ("title", "authors", "abstract")
Span = tuple[int, int]


@dataclass(frozen=True)
class Hit:
    """One search result: the paper, its score, and the matched character spans per field.

    Span offsets index ``paper.title``, ``paper.authors_text()`` and ``paper.abstract``.
    """

    paper: Paper
    score: float
    spans: dict[str, tuple[Span, ...]] = field(default_factory=dict)


def field_text(paper: Paper, name: str) -> str:
    """The text of a searchable field, as spans index it."""
    if name == "title":
        return paper.title
    if name == "authors":
        return paper.authors_text()
    return paper.abstract or ""


def _terms(query: str) -> list[str]:
    return [t for t in re.split(r"\s+", fold(query)) if t]


def _spans(text: str, terms: list[str]) -> tuple[Span, ...]:
    folded = fold(text)
    if len(folded) != len(text):
        return ()
    spans: list[Span] = []
    for term in terms:
        for match in re.finditer(re.escape(term), folded):
            spans.append((match.start(), match.end()))
    return tuple(sorted(spans))


class Results(Sequence[Paper]):
    """The papers matching a query, in order; spans are computed per row on demand."""

    def __init__(self, query: str, papers: list[Paper], scores: list[float]) -> None:
        self.query = query
        self._papers = papers
        self._scores = scores
        self._terms = _terms(query)

    def __len__(self) -> int:
        return len(self._papers)

    @overload
    def __getitem__(self, index: int) -> Paper: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Paper]: ...
    def __getitem__(self, index: int | slice) -> Paper | Sequence[Paper]:
        return self._papers[index]

    def hit(self, index: int) -> Hit:
        paper = self._papers[index]
        spans = {name: _spans(field_text(paper, name), self._terms) for name in FIELDS}
        return Hit(paper, self._scores[index], {k: v for k, v in spans.items() if v})


def sort_papers(papers: Sequence[Paper], sort: SortOrder) -> list[Paper]:
    if sort == "title":
        return sorted(papers, key=lambda p: fold(p.title))
    oldest = sorted(papers, key=lambda p: (p.date is None, p.date or 0, fold(p.title)))
    if sort == "oldest":
        return oldest
    dated = [p for p in oldest if p.date is not None][::-1]
    return dated + [p for p in oldest if p.date is None]


class SearchIndex:
    def __init__(self, papers: Sequence[Paper]) -> None:
        self.papers = list(papers)
        self._texts = [fold(" ".join(field_text(p, f) for f in FIELDS)) for p in self.papers]

    def find(self, query: str, sort: SortOrder = "relevance") -> Results:
        terms = _terms(query)
        if not terms:
            order = sort if sort != "relevance" else "newest"
            papers = sort_papers(self.papers, order)
            return Results(query, papers, [0.0] * len(papers))
        matched = [
            p for p, text in zip(self.papers, self._texts, strict=True)
            if all(term in text for term in terms)
        ]
        if sort != "relevance":
            matched = sort_papers(matched, sort)
        return Results(query, matched, [1.0] * len(matched))
