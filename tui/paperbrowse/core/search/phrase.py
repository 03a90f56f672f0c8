"""Exact phrases: papers whose word sequence holds the phrase's words side by side.

Punctuation between the words does not matter ("language, model" holds the
phrase "language model"), as in most search engines: the index keeps each
field's words in order (``FieldPostings.sequence``) and numpy scans them.

While a phrase is typed, only its last word changes; the places of its
finished words are remembered, so each keystroke only checks their neighbours.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

import numpy as np
import numpy.typing as npt

from paperbrowse.core.search.build import FieldPostings, Postings
from paperbrowse.core.search.match import (
    EXACT,
    POINTS,
    SHORT_PREFIX,
    Scores,
    Vocabulary,
    combine_fields,
    weighted,
)
from paperbrowse.core.search.query import FIELDS, Term

Docs = npt.NDArray[np.int32]
Positions = npt.NDArray[np.int64]
WordRange = tuple[int, int]
PLACES_KEPT = 16  # words whose places are remembered (8 bytes per occurrence)


class Phrases:
    """Phrase matching over one index, remembering where recent words occur."""

    def __init__(self, vocabulary: Vocabulary, postings: Postings) -> None:
        self.vocabulary = vocabulary
        self.postings = postings
        self._places: OrderedDict[tuple[int, int], Positions] = OrderedDict()
        self._lock = Lock()

    def points(self, term: Term, size: int) -> Scores:
        """Points per paper for a phrase: exact-word points of each field that holds it."""
        ranges = self._word_ranges(term)
        present = []
        short = term.typing and len(term.words) == 1 and len(term.words[0]) < SHORT_PREFIX
        for index, name in enumerate(FIELDS):
            if name not in term.fields or ranges is None or (short and name == "abstract"):
                continue  # (a phrase of one or two letters being typed: as for words)
            docs = self.docs(ranges, index, finished=len(ranges) - term.typing)
            if len(docs):
                points = np.zeros(size, np.uint8)
                points[docs] = POINTS[EXACT][index]
                present.append(points)
        return weighted(combine_fields(present, size))

    def _word_ranges(self, term: Term) -> list[WordRange] | None:
        """The vocabulary ids each word may be (the unfinished last word: a prefix range)."""
        ranges = []
        last = len(term.words) - 1
        for position, word in enumerate(term.words):
            if position == last and term.typing:
                first, end = self.vocabulary.prefix_range(word)
            else:
                word_id = self.vocabulary.id_of(word)
                if word_id is None:
                    return None
                first, end = word_id, word_id + 1
            if first >= end:
                return None
            ranges.append((first, end))
        return ranges

    def docs(self, ranges: list[WordRange], field: int, finished: int) -> Docs:
        """Papers (maybe repeated) holding words from ``ranges`` side by side in this field.

        ``ranges[:finished]`` are single words (the rest, a word being typed).
        """
        postings = self.postings.fields[field]
        if len(ranges) == 1:
            return postings.papers(*ranges[0])  # repeats are harmless to the caller
        # Anchor on the rarest finished word, then check its neighbours at the right offsets.
        anchor = min(range(finished), key=lambda i: postings.count(*ranges[i]))
        sequence, starts = postings.sequence, postings.sequence_starts
        places = self._word_places(field, ranges[anchor][0]) - anchor  # where the phrase starts
        places = places[(places >= 0) & (places + len(ranges) <= len(sequence))]
        for offset, (first, end) in enumerate(ranges):
            if offset == anchor or not len(places):
                continue
            words = sequence[places + offset]
            places = places[(words >= first) & (words < end)]
        docs = np.searchsorted(starts, places, side="right") - 1
        inside = places + len(ranges) <= starts[docs + 1]  # not running into the next paper
        return np.unique(docs[inside]).astype(np.int32)

    def _word_places(self, field: int, word: int) -> Positions:
        """Every place the word occurs in the field's sequence (remembered)."""
        key = (field, word)
        with self._lock:
            found = self._places.get(key)
            if found is not None:
                self._places.move_to_end(key)
                return found
        found = _places(self.postings.fields[field], word)
        with self._lock:
            self._places[key] = found
            while len(self._places) > PLACES_KEPT:
                self._places.popitem(last=False)
        return found


def _places(postings: FieldPostings, word: int) -> Positions:
    """Scan only the papers holding the word when they are few, else the whole field."""
    sequence, starts = postings.sequence, postings.sequence_starts
    docs = postings.papers(word, word + 1)  # distinct and ascending for a single word
    lengths = starts[docs + 1] - starts[docs]
    total = int(lengths.sum())
    if total * 4 > len(sequence):
        return np.flatnonzero(sequence == word)
    # The token places of those papers, one run per paper, without a Python loop.
    runs = np.repeat(starts[docs] - (np.cumsum(lengths) - lengths), lengths)
    within: Positions = runs + np.arange(total, dtype=np.int64)
    places: Positions = within[sequence[within] == word]
    return places
