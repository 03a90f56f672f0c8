"""The ranking's order: the papers with the most points first, ties newest first, whichever
sort puts them there (a 16-bit radix sort when every total fits, 64-bit keys otherwise)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_search_corpus import acl  # noqa: F401  (the module's ACL library, a fixture)

from paperbrowse.core.library import Library
from paperbrowse.core.search import index


@given(
    st.integers(0, 2**32 - 1),
    st.integers(0, 1000),
    st.sampled_from([3, 200, 0xFFFF, 70_000]),  # (few values: many ties; past 16 bits)
)
def test_both_sorts_give_one_order(seed: int, matches: int, most: int) -> None:
    rng = np.random.default_rng(seed)
    totals = rng.integers(0, most, size=1000, endpoint=True).astype(np.int32)
    matching = np.sort(rng.choice(1000, matches, replace=False)).astype(np.int32)
    order, scores = index._by_points(matching, totals)
    expected = sorted(matching.tolist(), key=lambda doc: (-int(totals[doc]), doc))
    assert order.tolist() == expected
    assert scores.tolist() == [float(totals[doc]) for doc in expected]


QUERIES = ["a", "p", "ma", "neural machine translation", "bert", "wang", "graph neural"]


def test_the_library_ranks_alike_with_the_64_bit_keys(
    acl: Library,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    radix = {query: [paper.id for paper in acl.find(query)] for query in QUERIES}
    monkeypatch.setattr(index, "SHORT_TOTALS", -1)  # no total fits: the 64-bit keys
    assert {query: [paper.id for paper in acl.find(query)] for query in QUERIES} == radix
