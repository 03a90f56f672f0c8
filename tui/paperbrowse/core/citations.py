"""Citations inside the library: which of its papers cite which.

Papers carry the works their files say they cite and are cited by (``Paper.cites``,
``Paper.cited_by``: 24 bytes a work, digests of its DOI, title and year, and key;
``formats.edges``). ``CitationGraph`` resolves them against the library's own papers
once, when first asked: a work is the paper with its DOI, else the one paper with its
title and year (normalised as duplicates are merged; for a work without a year, the
one paper with that title), else the paper whose citation key or id it names. A title
shared by two papers names neither, and a title match whose DOI differs from the
work's is another work, as ``merge`` would not merge them. Works the library does not
hold (most of them), a paper citing itself and the same edge given twice are dropped;
cycles (two papers citing each other) are kept as they are: nothing here follows edges
further than one step.

It is all done with sorted numpy arrays (1.2 s for a million works at 71k papers,
``tests/bench/bench_citations.py``), and what is kept is two arrays of positions in
the library's papers, citing and cited, sorted both ways (16 bytes an edge), and from
the first question on, each paper id's position (15 MB in all for 700k edges among
71k papers). A library whose files carry no citations builds nothing and costs one
pass over its papers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from paperbrowse.core.formats.edges import (
    DIGEST,
    WORK,
    doi_digest,
    doi_key,
    key_digest,
    looks_like_doi,
    title_digest,
)
from paperbrowse.core.models import Paper
from paperbrowse.core.store import field_values, title_keys, years_of

Positions = npt.NDArray[np.int32]
Digests = npt.NDArray[np.uint64]
_NONE = -1  # no paper (or, in a table, more than one: a work naming it names neither)


@dataclass(frozen=True)
class _Table:
    """Digests of the library's papers, sorted, each with the position of its paper."""

    digests: Digests
    positions: Positions

    @classmethod
    def of(cls, digests: Digests, positions: Positions, shared_is_none: bool) -> _Table:
        """``shared_is_none``: a digest two papers have stands for neither (a title);
        else the first paper keeps it (a DOI, a key)."""
        present = digests != 0
        order = np.argsort(digests[present], kind="stable")  # equal ones: first paper first
        ordered, at = digests[present][order], positions[present][order]
        starts = np.flatnonzero(_run_starts(ordered))
        found = at[starts]
        if shared_is_none:
            found[np.diff(np.append(starts, len(ordered))) > 1] = _NONE
        return cls(ordered[starts], found.astype(np.int32))

    def find(self, wanted: Digests) -> Positions:
        """The position for each wanted digest, or ``_NONE``."""
        if not len(self.digests):
            return np.full(len(wanted), _NONE, np.int32)
        at = np.minimum(np.searchsorted(self.digests, wanted), len(self.digests) - 1)
        hit = (self.digests[at] == wanted) & (wanted != 0)
        return np.where(hit, self.positions[at], _NONE).astype(np.int32)


class _Library:
    """The digests of the library's own papers, as works name them: each kind made only
    when some work still unmatched names a paper that way (most works give no key)."""

    def __init__(self, papers: Sequence[Paper]) -> None:
        self.papers = papers
        self.everyone = np.arange(len(papers), dtype=np.int32)

    @cached_property
    def dois(self) -> Digests:
        return _digests(b"".join(map(doi_digest, field_values(self.papers, "doi"))))

    @cached_property
    def by_doi(self) -> _Table:
        return _Table.of(self.dois, self.everyone, shared_is_none=False)

    @cached_property
    def _titles(self) -> tuple[_Table, _Table]:
        dated, undated = [], []
        # Read as columns: a library kept as rows makes no paper (``core.store``), and the
        # titles' keys are the store's own when its parse made them (``store.title_keys``).
        titles = title_keys(self.papers)
        for title, year in zip(titles, years_of(self.papers), strict=True):
            dated.append(title_digest(title, year))
            undated.append(title_digest(title, None))
        return (
            _Table.of(_digests(b"".join(dated)), self.everyone, shared_is_none=True),
            _Table.of(_digests(b"".join(undated)), self.everyone, shared_is_none=True),
        )

    @cached_property
    def by_key(self) -> _Table:
        keys, positions = [], []
        pairs = zip(
            field_values(self.papers, "citekey"), field_values(self.papers, "id"), strict=True
        )
        for position, pair in enumerate(pairs):
            for key in dict.fromkeys(k.casefold() for k in pair if k):
                keys.append(key_digest(key))
                positions.append(position)
        return _Table.of(_digests(b"".join(keys)), np.array(positions, np.int32), False)

    def match(self, works: Digests) -> Positions:
        """The paper each work (a row: DOI, title and year, key) names, or ``_NONE``."""
        doi, title, key = works[:, 0], works[:, 1], works[:, 2]
        found = np.full(len(works), _NONE, np.int32)
        if doi.any():
            found = self.by_doi.find(doi)
        open_title = (found == _NONE) & (title != 0)
        if open_title.any():
            by_title = self._by_title(title[open_title], doi[open_title])
            found[open_title] = by_title
        open_key = (found == _NONE) & (key != 0)
        if open_key.any():
            found[open_key] = self.by_key.find(key[open_key])
        return found

    def _by_title(self, title: Digests, doi: Digests) -> Positions:
        dated, undated = self._titles
        found = dated.find(title)
        found = np.where(found == _NONE, undated.find(title), found)
        their_doi = self.dois[np.maximum(found, 0)]  # another DOI: another work
        found[(found != _NONE) & (doi != 0) & (their_doi != 0) & (their_doi != doi)] = _NONE
        return found


def _run_starts(ordered: npt.NDArray[np.generic]) -> npt.NDArray[np.bool_]:
    """Where each run of equal values starts in a sorted array."""
    return np.concatenate(([True], ordered[1:] != ordered[:-1]))[: len(ordered)]


def _digests(data: bytes) -> Digests:
    """The 8-byte digests in ``data``, in order, as numbers."""
    return np.frombuffer(data[: len(data) - len(data) % DIGEST], dtype="<u8")


def _works(papers: Sequence[Paper], field: str) -> tuple[Positions, Digests]:
    """Every work the papers name in one field, with the position of the paper naming it."""
    owners: list[int] = []
    counts: list[int] = []
    data: list[bytes] = []
    # (A store's values read from its rows: no paper made.)
    for position, value in enumerate(field_values(papers, field)):
        if value:
            owners.append(position)
            counts.append(len(value) // WORK)
            data.append(value[: counts[-1] * WORK])  # a torn end, which no reader writes
    at = np.repeat(np.array(owners, np.int32), counts)
    return at, _digests(b"".join(data)).reshape(-1, 3)


def _resolve(papers: Sequence[Paper]) -> tuple[Positions, Positions]:
    """(citing, cited) positions of every edge among the papers, each edge once."""
    if not any(field_values(papers, "cites")) and not any(field_values(papers, "cited_by")):
        return np.zeros(0, np.int32), np.zeros(0, np.int32)
    library = _Library(papers)
    citing, cited_works = _works(papers, "cites")
    cited, citing_works = _works(papers, "cited_by")
    sources = np.concatenate([citing, library.match(citing_works)])
    targets = np.concatenate([library.match(cited_works), cited])
    kept = (sources != _NONE) & (targets != _NONE) & (sources != targets)
    pairs = np.sort(sources[kept].astype(np.int64) << 32 | targets[kept].astype(np.int64))
    pairs = pairs[_run_starts(pairs)]  # each edge once
    return (pairs >> 32).astype(np.int32), (pairs & 0xFFFFFFFF).astype(np.int32)


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


def find_paper(papers: Sequence[Paper], keys: Mapping[str, str], wanted: str) -> Paper | None:
    """The paper ``wanted`` names: its id, its DOI (``https://doi.org/...`` too) or its
    citation key in the library (``keys``: by paper id), or the key its file gave it;
    keys and DOIs in any case. Read from the papers' fields (``store.field_values``): of
    a library kept as rows, only the paper found is made (naming one of 100k reopened
    papers made every one of them: 632 ms, now 32)."""
    wanted = wanted.strip()
    if not wanted:
        return None
    folded = wanted.casefold()
    doi = doi_key(wanted) if looks_like_doi(wanted) else ""
    ids = field_values(papers, "id")
    # An id first, then a DOI, then a key: a key that happens to be another paper's id
    # names that paper, whatever order the papers come in.
    if wanted in ids:
        return papers[ids.index(wanted)]
    if doi:
        for place, value in enumerate(field_values(papers, "doi")):
            if value and doi_key(value) == doi:
                return papers[place]
    for place, id_ in enumerate(ids):
        if keys.get(id_, "").casefold() == folded:
            return papers[place]
    for place, key in enumerate(field_values(papers, "citekey")):
        if (key or "").casefold() == folded:
            return papers[place]
    return None


def cites_among(papers: Sequence[Paper]) -> Callable[[Paper], list[Paper]]:
    """What each of ``papers`` cites among them (an export's edges: CSL-JSON writes them,
    ``formats.export``); none when no paper records a citation."""
    if not any(paper.cites or paper.cited_by for paper in papers):
        return lambda paper: []
    return CitationGraph(papers).cites
