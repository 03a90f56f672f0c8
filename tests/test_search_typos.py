"""Typo lookups find the same words whether or not the vocabulary is narrowed first to the
words whose characters could be within reach (``match.within_reach``)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import process
from rapidfuzz.distance import OSA
from test_search_corpus import acl  # noqa: F401  (the module's ACL library, a fixture)

from paperbrowse.core.library import Library
from paperbrowse.core.search import match
from paperbrowse.core.search.match import Vocabulary

# Letters that share a class (a and A, 0x61 and 0x41, are 32 apart), accents, a lone
# surrogate, a character past U+FFFF.
LETTERS = st.sampled_from(list("abcdeAB!é\u0101\udc80\u4e2d\U0001d465"))
WORDS = st.text(LETTERS, min_size=1, max_size=9)


def every_typo(vocabulary: Vocabulary, word: str, limit: int) -> set[tuple[int, int]]:
    """As ``Vocabulary.typos``, every word of the vocabulary compared."""
    return {
        (at, int(distance))
        for _, distance, at in process.extract(
            word, vocabulary.words, scorer=OSA.distance, score_cutoff=limit, limit=None
        )
        if distance and abs(len(vocabulary.words[at]) - len(word)) <= limit
    }


def every_typo_start(vocabulary: Vocabulary, word: str, limit: int) -> set[tuple[str, int]]:
    """As ``Vocabulary.typo_starts``, every start of every length compared."""
    found: dict[str, int] = {}
    for length in (len(word) - 1, len(word), len(word) + 1):
        if not 2 <= length <= 30:
            continue
        for start, distance, _ in process.extract(
            word,
            vocabulary.starts_of_length(length),
            scorer=OSA.distance,
            score_cutoff=limit,
            limit=None,
        ):
            if distance and not start.startswith(word) and distance < found.get(start, 99):
                found[start] = int(distance)
    return set(found.items())


@settings(max_examples=300)
@given(st.lists(WORDS, min_size=1, max_size=60, unique=True), WORDS, st.integers(1, 3))
def test_narrowing_first_finds_every_typo(words: list[str], word: str, limit: int) -> None:
    vocabulary = Vocabulary(sorted(words))
    assert set(vocabulary.typos(word, limit)) == every_typo(vocabulary, word, limit)
    assert set(vocabulary.typo_starts(word, limit)) == every_typo_start(vocabulary, word, limit)


def test_the_acl_vocabulary_gives_every_typo(acl: Library) -> None:  # noqa: F811
    vocabulary = acl.index.vocabulary
    for word in ["tranlsation", "nueral", "grpah", "langauge", "matthiess", "zhnag", "bert"]:
        for limit in (1, 2):
            assert set(vocabulary.typos(word, limit)) == every_typo(vocabulary, word, limit)
            starts = set(vocabulary.typo_starts(word, limit))
            assert starts == every_typo_start(vocabulary, word, limit)


def test_numpy_1_26_counts_the_bits_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    # (numpy 1.26, which pyproject.toml allows, has no bitwise_count: a table counts them)
    numbers = np.array([0, 1, 0xFFFF, 0x10000, 0xFFFFFFFF, 0x80000001, 12345678], np.uint32)
    expected = [bin(int(n)).count("1") for n in numbers]
    assert match._bits_set(numbers).tolist() == expected
    monkeypatch.delattr(np, "bitwise_count", raising=False)
    assert match._bits_set(numbers).tolist() == expected
