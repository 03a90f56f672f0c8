"""What BM25 needs, read from the search index itself: no second index is built.

The index keeps, per field, which papers hold each word (``indptr``, ``docs``)
and every paper's words in order (``sequence``, ``sequence_starts``). From those
come everything Okapi BM25 asks for: a word's document frequency is the length
of its postings, a paper's length is its number of words, and how often a paper
uses a word is a count over its word sequence. ``TextStats`` derives the few
per-paper arrays once per index (a few ms at 100k papers) and keeps them as long
as the index lives.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from functools import cached_property
from threading import Lock
from typing import Any

import numpy as np
import numpy.typing as npt

from paperbrowse.core.models import Paper
from paperbrowse.core.search.build import FieldPostings
from paperbrowse.core.search.index import SearchIndex
from paperbrowse.core.search.query import FIELDS
from paperbrowse.core.store import Ordered

Floats = npt.NDArray[np.float64]
Int32s = npt.NDArray[np.int32]
Int64s = npt.NDArray[np.int64]

K1 = 1.2  # how fast repeating a word stops adding to its weight (the usual BM25 value)
B = 0.75  # how much a long text is discounted (the usual BM25 value)
TITLE, AUTHORS, ABSTRACT = (FIELDS.index(name) for name in ("title", "authors", "abstract"))
TEXT_FIELDS = (TITLE, ABSTRACT)


@dataclass(frozen=True)
class FieldStats:
    """BM25's figures for one field (title or abstract) of every paper."""

    postings: FieldPostings
    lengths: Int64s  # words per paper
    papers: int  # papers with this field not empty: the N of the idf
    # BM25's length normalisation per paper, k1 * (1 - b + b * length / mean length).
    norms: Floats

    @classmethod
    def of(cls, postings: FieldPostings) -> FieldStats:
        lengths = np.diff(postings.sequence_starts)
        present = lengths > 0
        papers = int(np.count_nonzero(present))
        mean = float(lengths[present].mean()) if papers else 1.0
        norms = K1 * (1 - B + B * lengths / mean)
        return cls(postings, lengths, papers, norms)

    def frequency(self, words: Int32s) -> Int64s:
        """Document frequency: how many papers hold each word in this field."""
        indptr = self.postings.indptr
        return indptr[words + 1] - indptr[words]

    def idf(self, words: Int32s) -> Floats:
        """BM25's inverse document frequency (Lucene's form, never negative)."""
        df = self.frequency(words).astype(np.float64)
        return np.log1p((self.papers - df + 0.5) / (df + 0.5))

    def holding(self, word: int) -> Int32s:
        """The papers (index positions, ascending) holding a word in this field."""
        return self.postings.docs[self.postings.indptr[word] : self.postings.indptr[word + 1]]

    def words_of(self, position: int) -> Int32s:
        """A paper's words in this field, in order, as vocabulary ids."""
        starts = self.postings.sequence_starts
        return self.postings.sequence[starts[position] : starts[position + 1]]

    def counts(self, positions: Int32s, words: Int32s) -> npt.NDArray[np.int32]:
        """How often each paper uses each word: a (papers, words) matrix.

        ``words`` must be sorted. One pass over the papers' word sequences with numpy,
        however many papers: each token is looked up among the words by bisection.
        """
        starts = self.postings.sequence_starts[positions]
        sizes = self.postings.sequence_starts[positions + 1] - starts
        total = int(sizes.sum())
        if not total or not len(words):
            return np.zeros((len(positions), len(words)), np.int32)
        row = np.repeat(np.arange(len(positions)), sizes)
        offsets = np.arange(total) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        tokens = self.postings.sequence[np.repeat(starts, sizes) + offsets]
        place = np.minimum(np.searchsorted(words, tokens), len(words) - 1)
        found = words[place] == tokens
        cells = row[found] * len(words) + place[found]
        counts = np.bincount(cells, minlength=len(positions) * len(words))
        return counts.astype(np.int32).reshape(len(positions), len(words))


class TextStats:
    """The BM25 figures of one index's titles and abstracts, and where each paper sits in it."""

    def __init__(self, index: SearchIndex) -> None:
        # (Not the index itself: ``_STATS`` keeps these while the index lives, and a value
        # holding its weak key kept every library's index, and its papers, until exit.)
        self.vocabulary = index.vocabulary
        order, _, postings = index.parts()
        self.order = order  # index position -> place in index.papers
        self.fields = {field: FieldStats.of(postings.fields[field]) for field in TEXT_FIELDS}
        self.authors = postings.fields[AUTHORS]
        # The papers by index position: a field read from a store's row, no paper made
        # (of a library kept as rows only the papers listed are made, not every one the
        # ranking looks at, such as all those an author shares).
        self._in_order = Ordered(index.papers, order)

    def __len__(self) -> int:
        return len(self.order)

    def paper(self, position: int) -> Paper:
        return self._in_order[position]

    def value_of(self, position: int, field: str) -> Any:
        """One paper's field, read without making the paper."""
        return self._in_order.value(position, field)

    @cached_property
    def positions(self) -> dict[str, list[int]]:
        """Each paper id's index positions (a merged library has one; a raw list may repeat)."""
        found: dict[str, list[int]] = {}
        for position, paper_id in enumerate(self._in_order.values("id")):
            found.setdefault(paper_id, []).append(position)
        return found

    def author_papers(self, word_ids: list[int]) -> Int32s:
        """Papers whose author list holds every one of these words (ascending positions)."""
        found: Int32s | None = None
        for word in word_ids:
            papers = self.authors.docs[self.authors.indptr[word] : self.authors.indptr[word + 1]]
            found = papers if found is None else np.intersect1d(found, papers, assume_unique=True)
            if not len(found):
                break
        return found if found is not None else np.empty(0, np.int32)


_STATS: weakref.WeakKeyDictionary[SearchIndex, TextStats] = weakref.WeakKeyDictionary()
_STATS_LOCK = Lock()


def text_stats(index: SearchIndex) -> TextStats:
    """The index's ``TextStats``: made once, dropped with the index (a reload makes anew)."""
    with _STATS_LOCK:
        stats = _STATS.get(index)
        if stats is None:
            stats = _STATS[index] = TextStats(index)
        return stats
