"""Citations inside the library: which of its papers cite which.

Papers carry the references their files gave (``Paper.cites``, ``Paper.cited_by``:
reference strings, ``formats.edges``). ``CitationGraph`` resolves them against the
library's own papers once, when first asked: a reference is the paper with its DOI,
else the one paper with its title and year (normalised as duplicates are merged;
without a year, the one paper with that title), else the paper whose citation key
or id it names. A title match whose DOI differs from the reference's is another
work and is not taken, as ``merge`` would not merge them. References to works the
library does not hold (most of them), a paper citing itself and the same edge
given twice are dropped; cycles (two papers citing each other) are kept as they
are: nothing here follows edges further than one step.

Kept are two arrays of positions in the library's papers, citing and cited
(16 bytes an edge, both ways); a library whose files carry no citations builds
nothing and costs one pass over its papers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from paperbrowse.core.formats.edges import decode, doi_key, looks_like_doi
from paperbrowse.core.models import Paper, normalise_title

Positions = npt.NDArray[np.int32]
Key = TypeVar("Key")
_AMBIGUOUS = -1  # two papers answer to this title: a reference to it names neither


class _Matcher:
    """Finds the library paper a reference string names (each string worked out once)."""

    def __init__(self, papers: Sequence[Paper]) -> None:
        self.by_doi: dict[str, int] = {}
        self.by_title: dict[tuple[str, int | None], int] = {}
        self.by_title_alone: dict[str, int] = {}
        self.by_key: dict[str, int] = {}
        self.dois = [doi_key(paper.doi) for paper in papers]
        for position, paper in enumerate(papers):
            if self.dois[position]:
                self.by_doi.setdefault(self.dois[position], position)
            title = normalise_title(paper.title)
            if title:
                _add(self.by_title, (title, paper.year), position)
                _add(self.by_title_alone, title, position)
            for key in (paper.citekey, paper.id):
                if key:
                    self.by_key.setdefault(key.casefold(), position)
        self.found: dict[str, int | None] = {}

    def __call__(self, text: str) -> int | None:
        if text not in self.found:
            self.found[text] = self._match(text)
        return self.found[text]

    def _match(self, text: str) -> int | None:
        wanted = decode(text)
        if wanted.doi and wanted.doi in self.by_doi:
            return self.by_doi[wanted.doi]
        if wanted.title:
            position = (
                self.by_title.get((wanted.title, wanted.year))
                if wanted.year is not None
                else self.by_title_alone.get(wanted.title)
            )
            if position is not None and position != _AMBIGUOUS:
                other_doi = self.dois[position]
                if not (wanted.doi and other_doi and other_doi != wanted.doi):
                    return position
        if wanted.key:
            return self.by_key.get(wanted.key.casefold())
        return None


def _add(index: dict[Key, int], key: Key, position: int) -> None:
    index[key] = position if index.get(key, position) == position else _AMBIGUOUS


def _resolve(papers: Sequence[Paper]) -> tuple[Positions, Positions]:
    """(citing, cited) positions of every edge among the papers, each edge once."""
    if not any(paper.cites or paper.cited_by for paper in papers):
        return np.zeros(0, np.int32), np.zeros(0, np.int32)
    match = _Matcher(papers)
    edges: set[tuple[int, int]] = set()
    for position, paper in enumerate(papers):
        for text in paper.cites:
            cited = match(text)
            if cited is not None and cited != position:
                edges.add((position, cited))
        for text in paper.cited_by:
            citing = match(text)
            if citing is not None and citing != position:
                edges.add((citing, position))
    pairs = np.array(sorted(edges), np.int32).reshape(-1, 2)
    return pairs[:, 0].copy(), pairs[:, 1].copy()


@dataclass(frozen=True)
class _Direction:
    """Edges sorted by one end (``start``), with the other end beside each (``end``)."""

    start: Positions
    end: Positions

    @classmethod
    def sorted_by(cls, start: Positions, end: Positions) -> _Direction:
        order = np.argsort(start, kind="stable")
        return cls(start[order], end[order])

    def ends(self, position: int) -> Positions:
        low, high = np.searchsorted(self.start, [position, position + 1])
        return self.end[low:high]


class CitationGraph:
    """Who cites whom among one library's papers."""

    def __init__(self, papers: Sequence[Paper]) -> None:
        self.papers = papers
        citing, cited = _resolve(papers)
        self._outgoing = _Direction.sorted_by(citing, cited)
        self._incoming = _Direction.sorted_by(cited, citing)
        self._positions: dict[str, int] | None = None

    @property
    def edge_count(self) -> int:
        return len(self._outgoing.start)

    def cites(self, paper: Paper) -> list[Paper]:
        """The library's papers this paper cites, newest first."""
        return self._papers_at(self._outgoing, paper)

    def cited_by(self, paper: Paper) -> list[Paper]:
        """The library's papers citing this one, newest first."""
        return self._papers_at(self._incoming, paper)

    def _papers_at(self, direction: _Direction, paper: Paper) -> list[Paper]:
        if not self.edge_count:
            return []
        position = self._position_of(paper)
        if position is None:
            return []
        found = [self.papers[int(other)] for other in direction.ends(position)]
        return sorted(found, key=_newest_first)

    def _position_of(self, paper: Paper) -> int | None:
        if self._positions is None:  # built once, and only for a library with citations
            positions: dict[str, int] = {}
            for position, each in enumerate(self.papers):
                positions.setdefault(each.id, position)
            self._positions = positions
        return self._positions.get(paper.id)


def _newest_first(paper: Paper) -> tuple[int, str]:
    return -(paper.date.toordinal() if paper.date else 0), paper.title.casefold()


def find_paper(papers: Iterable[Paper], keys: Mapping[str, str], wanted: str) -> Paper | None:
    """The paper ``wanted`` names: its id, its DOI (``https://doi.org/...`` too) or its
    citation key in the library (``keys``: by paper id), or the key its file gave it;
    keys and DOIs in any case."""
    wanted = wanted.strip()
    if not wanted:
        return None
    folded = wanted.casefold()
    doi = doi_key(wanted) if looks_like_doi(wanted) else ""
    for paper in papers:
        if (
            paper.id == wanted
            or (doi and doi_key(paper.doi) == doi)
            or keys.get(paper.id, "").casefold() == folded
            or (paper.citekey or "").casefold() == folded
        ):
            return paper
    return None
