"""Exact phrases: papers whose word sequence holds the phrase's words side by side.

Punctuation between the words does not matter ("language, model" holds the
phrase "language model"), as in most search engines: the index keeps each
field's words in order (``FieldPostings.sequence``) and numpy scans them.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from paperbrowse.core.query import FIELDS, Term
from paperbrowse.core.search_build import FieldPostings, Postings
from paperbrowse.core.search_match import (
    EXACT,
    POINTS,
    Scores,
    Vocabulary,
    combine_fields,
    weighted,
)

Docs = npt.NDArray[np.int32]
Positions = npt.NDArray[np.int64]


def phrase_points(term: Term, vocabulary: Vocabulary, postings: Postings, size: int) -> Scores:
    """Points per paper for a phrase: exact-word points of each field that holds it."""
    ranges = _word_ranges(term, vocabulary)
    present = []
    for index, name in enumerate(FIELDS):
        if name not in term.fields or ranges is None:
            continue
        docs = phrase_docs(ranges, postings.fields[index])
        if len(docs):
            points = np.zeros(size, np.uint8)
            points[docs] = POINTS[EXACT][index]
            present.append(points)
    return weighted(combine_fields(present, size))


def _word_ranges(term: Term, vocabulary: Vocabulary) -> list[tuple[int, int]] | None:
    """The vocabulary ids each phrase word may be (the unfinished last word: a prefix range)."""
    ranges = []
    last = len(term.words) - 1
    for position, word in enumerate(term.words):
        if position == last and term.typing:
            first, end = vocabulary.prefix_range(word)
        else:
            word_id = vocabulary.id_of(word)
            if word_id is None:
                return None
            first, end = word_id, word_id + 1
        if first >= end:
            return None
        ranges.append((first, end))
    return ranges


def phrase_docs(ranges: list[tuple[int, int]], postings: FieldPostings) -> Docs:
    """Papers holding words from ``ranges`` at consecutive places, in this field."""
    sequence, starts = postings.sequence, postings.sequence_starts
    # Anchor on the rarest word, then check its neighbours at the right offsets.
    anchor = min(range(len(ranges)), key=lambda i: postings.count(*ranges[i]))
    places = _places(sequence, *ranges[anchor], _candidate_tokens(ranges[anchor], postings))
    places = places - anchor  # where the phrase would start
    places = places[(places >= 0) & (places + len(ranges) <= len(sequence))]
    for offset, (first, end) in enumerate(ranges):
        if offset == anchor or not len(places):
            continue
        words = sequence[places + offset]
        places = places[(words >= first) & (words < end)]
    docs = np.searchsorted(starts, places, side="right") - 1
    inside = places + len(ranges) <= starts[docs + 1]  # not running into the next paper
    return np.unique(docs[inside]).astype(np.int32)


def _candidate_tokens(word_range: tuple[int, int], postings: FieldPostings) -> Positions | None:
    """Token places of the papers holding the anchor word, when far fewer than all tokens."""
    starts = postings.sequence_starts
    docs = np.unique(postings.papers(*word_range))
    lengths = starts[docs + 1] - starts[docs]
    total = int(lengths.sum())
    if total * 4 > len(postings.sequence):
        return None
    # Consecutive runs of positions, one run per paper, without a Python loop.
    run_starts = np.repeat(starts[docs] - (np.cumsum(lengths) - lengths), lengths)
    return run_starts + np.arange(total, dtype=np.int64)


def _places(
    sequence: npt.NDArray[np.int32], first: int, end: int, within: Positions | None
) -> Positions:
    if within is None:
        hits = sequence == first if end == first + 1 else (sequence >= first) & (sequence < end)
        return np.flatnonzero(hits)
    words = sequence[within]
    hits = words == first if end == first + 1 else (words >= first) & (words < end)
    return within[hits]
