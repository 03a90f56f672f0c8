"""Filters typed oddly (issue 11): no query raises, and a repeated filter costs one.

``year:²⁰²⁰`` raised ValueError (``str.isdigit`` accepts superscripts that
``int`` refuses); ``is:read is:read ...`` evaluated the filter once per copy.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import paper
from hypothesis import given, settings
from hypothesis import strategies as st

from paperbrowse.core.models import Paper
from paperbrowse.core.search.filters import year_bounds
from paperbrowse.core.search.index import SearchIndex
from paperbrowse.core.search.query import BUILTIN_FILTER_KEYS, Filter, parse

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_0ff2dc3448c84053.txt"


PAPERS = [
    paper(f"Paper {number} on graphs", 2018 + number % 5, id=f"p{number}") for number in range(40)
]
INDEX = SearchIndex(PAPERS)


def ids(query: str) -> list[str]:
    return [paper.id for paper in INDEX.find(query)]


# -- year: with digits int() refuses ----------------------------------------------------


@pytest.mark.parametrize(
    "value", ["²⁰²⁰", "₂₀₂₀", "２０２０", "𝟚𝟘𝟚𝟘", "²⁰¹⁹..²⁰²⁰", ">²⁰¹⁹", "𐩀𐩁", "⑴"]
)
def test_year_with_other_digits_never_raises(value: str) -> None:
    year_bounds(value)
    INDEX.find(f"year:{value}")
    INDEX.find(f"graph -year:{value}")


def test_superscript_year_reads_as_the_year_the_index_folds_it_to() -> None:
    assert ids("year:²⁰²⁰") == ids("year:2020") != []
    assert ids("year:²⁰¹⁹..²⁰²⁰") == ids("year:2019..2020")


def test_digits_with_no_number_value_are_not_a_year() -> None:
    assert year_bounds("𐩀𐩁") is None  # Kharoshthi digits: isdigit() but not decimal
    results = INDEX.find("year:𐩀𐩁")
    assert len(results) == len(PAPERS)
    assert any("not a value this filter knows" in note for note in results.notes)


def test_search_command_says_no_papers_match_for_a_superscript_year() -> None:
    """The user's view: the seed has no paper from 2020, so nothing matches; no traceback."""
    result = subprocess.run(
        [sys.executable, "-m", "paperbrowse", "search", "year:²⁰²⁰", str(SEED)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "no papers match 'year:²⁰²⁰'\n"


FILTER_KEYS = sorted(BUILTIN_FILTER_KEYS | {"is", "tag"})


# Numbers of every kind (digits, superscripts, fractions, numerals) and range signs.
NUMBERISH = st.text(
    st.characters(categories=("Nd", "No", "Nl")) | st.sampled_from(".<>=-–"), max_size=10
)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(FILTER_KEYS),
    st.text(max_size=12) | NUMBERISH,
    st.booleans(),
    st.text(max_size=20),
)
def test_any_filter_value_never_raises(key: str, value: str, negated: bool, rest: str) -> None:
    query = f"{'-' if negated else ''}{key}:{value} {rest}"
    parse(query)
    INDEX.find(query)


# -- repeated filters ---------------------------------------------------------------------


@pytest.fixture
def counted() -> Iterator[list[str]]:
    """A registered ``is:even`` filter whose predicate records each paper it tests."""
    calls: list[str] = []

    def even(paper: Paper) -> bool:
        calls.append(paper.id)
        return int(paper.id[1:]) % 2 == 0

    def handler(value: str) -> object:
        return even if value == "even" else None

    undo = INDEX.register_filter("is", handler)  # type: ignore[arg-type]
    yield calls
    undo()


def test_repeated_filters_are_merged_when_parsed() -> None:
    query = parse("is:read graph is:read tag:x is:read -is:read tag:x", {"is", "tag"})
    assert query.filters == (
        Filter("is", "read"),
        Filter("tag", "x"),
        Filter("is", "read", negated=True),
    )


def test_a_repeated_filter_gives_what_it_gives_once(counted: list[str]) -> None:
    once = ids("graph is:even")
    assert once and len(once) == len(PAPERS) // 2
    assert ids("graph is:even is:even is:even") == once
    assert ids("is:even graph year:2020 is:even") == ids("year:2020 is:even graph")


def test_a_repeated_filter_tests_each_paper_once(counted: list[str]) -> None:
    INDEX.find("is:even " * 10 + "graph")
    assert sorted(counted) == sorted(paper.id for paper in PAPERS)
    counted.clear()
    INDEX.find("is:even -is:even is:even")
    assert sorted(counted) == sorted(paper.id for paper in PAPERS)
