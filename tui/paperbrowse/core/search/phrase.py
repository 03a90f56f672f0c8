"""Exact phrases: papers whose word sequence holds the phrase's words side by side.

Punctuation between the words does not matter ("language, model" holds the
phrase "language model"), as in most search engines: the index keeps each
field's words in order (``FieldPostings.sequence``) and numpy scans them.
Nor do inflections: "knowledge graph" is found in "Knowledge Graphs", ranked
below the phrase as typed.

While a phrase is typed, only its last word changes; the places of its
finished words are remembered, so each keystroke only checks their neighbours.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

import numpy as np
import numpy.typing as npt

from paperbrowse.core.search.build import FieldPostings, Postings
from paperbrowse.core.search.match import (
    EXACT,
    INFLECTED,
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
Mask = npt.NDArray[np.bool_]
WordRange = tuple[int, int]
PLACES_KEPT = 16  # words (with their forms) whose places are remembered (8 bytes each)


@dataclass(frozen=True)
class PhraseWord:
    """The vocabulary ids one word of a phrase may be, as id ranges."""

    exact: tuple[WordRange, ...]  # the word as typed (an unfinished last word: the words it starts)
    inflected: tuple[WordRange, ...] = ()  # its other forms ("graphs" for "graph")

    @property
    def ranges(self) -> tuple[WordRange, ...]:
        return self.exact + self.inflected


def _holds(words: Positions | npt.NDArray[np.int32], ranges: tuple[WordRange, ...]) -> Mask:
    held = np.zeros(len(words), bool)
    for first, end in ranges:
        held |= (words >= first) & (words < end)
    return held


class Phrases:
    """Phrase matching over one index, remembering where recent words occur."""

    def __init__(self, vocabulary: Vocabulary, postings: Postings) -> None:
        self.vocabulary = vocabulary
        self.postings = postings
        self._places: OrderedDict[tuple[int, tuple[int, ...]], Positions] = OrderedDict()
        self._lock = Lock()

    def points(self, term: Term, size: int) -> Scores:
        """Points per paper for a phrase, per field that holds it: exact-word points where
        it is there as typed, inflected-word points where some word is another form
        ("knowledge graphs" for "knowledge graph"; never in author names)."""
        phrase = self._phrase_words(term)
        present = []
        short = term.typing and len(term.words) == 1 and len(term.words[0]) < SHORT_PREFIX
        for index, name in enumerate(FIELDS):
            if name not in term.fields or phrase is None or (short and name == "abstract"):
                continue  # (a phrase of one or two letters being typed: as for words)
            inflected = POINTS[INFLECTED][index] > 0
            words = phrase if inflected else [PhraseWord(w.exact) for w in phrase]
            if not all(w.ranges for w in words):
                continue
            exact, other = self.docs_by_form(words, index, finished=len(words) - term.typing)
            if len(exact) or len(other):
                points = np.zeros(size, np.uint8)
                points[other] = POINTS[INFLECTED][index]
                points[exact] = POINTS[EXACT][index]
                present.append(points)
        return weighted(combine_fields(present, size))

    def _phrase_words(self, term: Term) -> list[PhraseWord] | None:
        """What each word may be (the unfinished last word: a prefix range too);
        None when some word is nowhere in the library, in any form."""
        phrase = []
        last = len(term.words) - 1
        for position, word in enumerate(term.words):
            if position == last and term.typing:
                first, end = self.vocabulary.prefix_range(word)
            else:
                word_id = self.vocabulary.id_of(word)
                first, end = (word_id, word_id + 1) if word_id is not None else (0, 0)
            exact = ((first, end),) if first < end else ()
            inflected = tuple((i, i + 1) for i in self.vocabulary.forms(word))
            if not exact and not inflected:
                return None
            phrase.append(PhraseWord(exact, inflected))
        return phrase

    def docs(self, ranges: list[WordRange], field: int, finished: int) -> Docs:
        """Papers (maybe repeated) holding words from ``ranges`` side by side in this field.

        ``ranges[:finished]`` are single words (the rest, a word being typed).
        """
        exact, _ = self.docs_by_form([PhraseWord((r,)) for r in ranges], field, finished)
        return exact

    def docs_by_form(
        self, phrase: list[PhraseWord], field: int, finished: int
    ) -> tuple[Docs, Docs]:
        """Papers (maybe repeated) holding the phrase in this field with every word as typed,
        and those holding it only with some word in another form.

        ``phrase[:finished]`` are whole words, each a few single ids (the rest, a word
        being typed, whose exact range is the words it starts).
        """
        postings = self.postings.fields[field]
        if len(phrase) == 1:
            word = phrase[0]
            as_written = [postings.papers(*r) for r in word.exact]
            other_forms = [postings.papers(*r) for r in word.inflected]
            return _joined(as_written), _joined(other_forms)  # repeats are harmless
        # Anchor on the rarest finished word, then check its neighbours at the right offsets.
        anchor = min(
            range(finished), key=lambda i: sum(postings.count(*r) for r in phrase[i].ranges)
        )
        sequence, starts = postings.sequence, postings.sequence_starts
        # Where the phrase starts, if it does.
        forms = tuple(first for first, _ in phrase[anchor].ranges)  # single ids: a whole word
        places = self._word_places(field, forms) - np.int64(anchor)
        places = places[(places >= 0) & (places + len(phrase) <= len(sequence))]
        for offset, word in enumerate(phrase):
            if offset == anchor or not len(places):
                continue
            places = places[_holds(sequence[places + offset], word.ranges)]
        docs = np.searchsorted(starts, places, side="right") - 1
        inside = places + len(phrase) <= starts[docs + 1]  # not running into the next paper
        places, docs = places[inside], docs[inside]
        as_typed = np.ones(len(places), bool)
        for offset, word in enumerate(phrase):
            if word.inflected:
                as_typed &= _holds(sequence[places + offset], word.exact)
        exact = np.unique(docs[as_typed]).astype(np.int32)
        return exact, np.unique(docs[~as_typed]).astype(np.int32)

    def _word_places(self, field: int, words: tuple[int, ...]) -> Positions:
        """Every place any of the words (a word and its other forms) occurs in the field's
        sequence (remembered)."""
        key = (field, words)
        with self._lock:
            found = self._places.get(key)
            if found is not None:
                self._places.move_to_end(key)
                return found
        found = _places(self.postings.fields[field], words)
        with self._lock:
            self._places[key] = found
            while len(self._places) > PLACES_KEPT:
                self._places.popitem(last=False)
        return found


def _joined(parts: list[Docs]) -> Docs:
    return np.concatenate(parts) if parts else np.empty(0, np.int32)


def _any_of(values: npt.NDArray[np.int32], words: tuple[int, ...]) -> Mask:
    """Which values are one of the words, in one pass over ``values`` for two or more.

    A word's forms lie close together in the sorted vocabulary ("model" ... "modelling"),
    so their id span holds few other words: a range test, then a check of what it kept.
    """
    if len(words) == 1:
        same: Mask = values == words[0]
        return same
    held: Mask = (values >= min(words)) & (values <= max(words))
    inside = np.flatnonzero(held)
    held[inside] = np.isin(values[inside], words)
    return held


def _places(postings: FieldPostings, words: tuple[int, ...]) -> Positions:
    """Scan only the papers holding the words when they are few, else the whole field."""
    sequence, starts = postings.sequence, postings.sequence_starts
    if len(words) == 1:
        docs = postings.papers(words[0], words[0] + 1)  # distinct and ascending for one word
    else:
        docs = np.unique(np.concatenate([postings.papers(w, w + 1) for w in words]))
    lengths = starts[docs + 1] - starts[docs]
    total = int(lengths.sum())
    if total * 4 > len(sequence):
        return np.flatnonzero(_any_of(sequence, words))
    # The token places of those papers, one run per paper, without a Python loop.
    runs = np.repeat(starts[docs] - (np.cumsum(lengths) - lengths), lengths)
    within: Positions = runs + np.arange(total, dtype=np.int64)
    places: Positions = within[_any_of(sequence[within], words)]
    return places
