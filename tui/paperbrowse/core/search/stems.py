"""Plurals and simple inflections: which words of the vocabulary are forms of a query word.

Snowball's English stemmer (PyStemmer) says which words share a stem: "graph" and
"graphs", "study" and "studies", "parse", "parsed" and "parsing". The index itself
is not stemmed: its vocabulary keeps every form as written, so an exact form can
still rank above another form of the same word, and prefixes and typos work on
the words a user sees. Instead the vocabulary's words are sorted by stem once (4
bytes a word: their ids in stem order, the stems themselves are recomputed while
bisecting), and a query word's forms are looked up there.

Snowball also merges words that are not forms of each other ("experiment" and
"experience" are both "experi", "organ" and "organization" both "organ"). So a
word sharing the stem counts only when the two differ by an inflection: what
follows their common start is an ending such as -s, -es, -ed or -ing (with a
doubled consonant, as in "mapping").
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Sequence
from functools import cached_property

import numpy as np
import numpy.typing as npt
import Stemmer

LANGUAGE = "english"
# What may follow the shared start of two forms of one word (study/studies/studied/
# studying, parse/parsed/parsing, encoding/encodings, graph/graphs, box/boxes).
INFLECTIONS = frozenset({"", "s", "es", "e", "ed", "d", "ing", "ings", "y", "ies", "ied", "ying"})
VOWELS = frozenset("aeiou")
MIN_LENGTH = 3  # shorter query words are too ambiguous to look for other forms of
STEM_CHUNK = 4_000  # words stemmed in one call: about 5 ms

_local = threading.local()  # a PyStemmer stemmer must not be shared between threads


def stem(word: str) -> str:
    """The Snowball English stem of a folded word."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer(LANGUAGE)
    result: str = stemmer.stemWord(word)
    return result


def stems(words: Sequence[str]) -> list[str]:
    """The stems of many words, a few thousand at a time: PyStemmer holds the interpreter
    for a whole call (120 ms for a 100k-word vocabulary, made in the background while
    keys are typed, whose searches and paints waited that long)."""
    stem("")  # makes this thread's stemmer
    stem_words = _local.stemmer.stemWords
    result: list[str] = []
    for start in range(0, len(words), STEM_CHUNK):
        result.extend(stem_words(words[start : start + STEM_CHUNK]))
    return result


def _ending(word: str, shared: int) -> str:
    """What follows the first ``shared`` letters, less a consonant doubled before an ending."""
    tail = word[shared:]
    if shared and tail[:1] == word[shared - 1] and tail[:1] not in VOWELS and tail[1:]:
        return tail[1:]  # "mapping" after "map": "ing"
    return tail


def inflected(word: str, other: str) -> bool:
    """Whether two words (already known to share a stem) differ only by an inflection."""
    shared = 0
    for a, b in zip(word, other, strict=False):
        if a != b:
            break
        shared += 1
    return _ending(word, shared) in INFLECTIONS and _ending(other, shared) in INFLECTIONS


class StemOrder:
    """The vocabulary's word ids sorted by stem, to find a word's other forms by bisection."""

    def __init__(self, words: list[str]) -> None:
        self.words = words

    @cached_property
    def _order(self) -> npt.NDArray[np.int32]:
        """Built on first use or in ``warm_up`` (about 0.15 s for 100k words)."""
        keys = stems(self.words)
        return np.array(sorted(range(len(keys)), key=keys.__getitem__), np.int32)

    def warm_up(self) -> None:
        self._order  # noqa: B018 - a cached property, built here

    def forms(self, word: str) -> list[int]:
        """Ids of the vocabulary's other inflections of ``word`` (not ``word`` itself)."""
        if len(word) < MIN_LENGTH:
            return []
        order = self._order
        wanted = stem(word)

        def key(at: np.int32) -> str:
            return stem(self.words[at])

        first = bisect.bisect_left(order, wanted, key=key)
        end = bisect.bisect_right(order, wanted, lo=first, key=key)
        return sorted(
            i
            for i in order[first:end].tolist()
            if self.words[i] != word and inflected(word, self.words[i])
        )
