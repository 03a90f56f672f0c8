"""Searching by your own marks: is:bookmarked, is:read, is:unread, has:note, has:tag, tag:NAME."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from paperbrowse.core.library import Library, load
from paperbrowse.core.marks.store import Store

SEED_AS_OF = dt.date(2025, 11, 24)


@pytest.fixture
def library(seed_path: Path) -> Library:
    return load(seed_path, as_of=SEED_AS_OF)


@pytest.fixture
def store(tmp_path: Path, library: Library) -> Iterator[Store]:
    with Store.open(tmp_path / "marks.sqlite3") as opened:
        undo = opened.register_search_filters(library.filters)
        try:
            yield opened
        finally:
            undo()


def titles(library: Library, query: str) -> set[str]:
    return {paper.title for paper in library.find(query)}


def test_filters_combine_with_words_and_each_other(library: Library, store: Store) -> None:
    unlearning = next(p for p in library.papers if "Unlearning via Quantization" in p.title)
    survey = next(p for p in library.papers if p.title.startswith("A Survey on Collaborating"))
    store.set_bookmarked(unlearning, True)
    store.set_bookmarked(survey, True)
    store.set_read(survey, True)
    store.save_note(unlearning, "quantization restores forgotten knowledge")
    store.set_tags(survey, "Survey, to-cite")

    assert titles(library, "is:bookmarked") == {unlearning.title, survey.title}
    assert titles(library, "is:read") == {survey.title}
    assert len(library.find("is:unread")) == len(library.papers) - 1
    assert titles(library, "is:bookmarked is:unread") == {unlearning.title}
    assert titles(library, "is:bookmarked -is:read") == {unlearning.title}
    assert titles(library, "has:note") == {unlearning.title}
    assert titles(library, "has:tag") == {survey.title}
    assert titles(library, "tag:survey") == {survey.title}
    assert titles(library, "tag:TO-CITE is:read") == {survey.title}
    assert titles(library, "is:bookmarked unlearning") == {unlearning.title}
    assert titles(library, "tag:nothing") == set()


def test_built_in_has_values_still_work(library: Library, store: Store) -> None:
    with_code = {p.title for p in library.papers if p.has_code}
    assert with_code and titles(library, "has:code") == with_code
    assert titles(library, "has:code has:note") == set()


def test_filters_follow_another_window_after_refresh(
    library: Library, store: Store, tmp_path: Path
) -> None:
    paper = library.papers[4]
    with Store.open(tmp_path / "marks.sqlite3") as other_window:
        other_window.set_read(paper, True)
    assert titles(library, "is:read") == set()
    assert store.refresh()
    assert titles(library, "is:read") == {paper.title}


def test_undo_removes_the_filters(library: Library, tmp_path: Path) -> None:
    with Store.open(tmp_path / "marks.sqlite3") as store:
        store.set_bookmarked(library.papers[0], True)
        undo = store.register_search_filters(library.filters)
        assert len(library.find("is:bookmarked")) == 1
        undo()
        results = library.find("is:bookmarked")
        assert "is: is not a filter; searched as words" in results.notes


def test_two_libraries_in_one_process_answer_only_their_own_marks_filters(
    library: Library, seed_path: Path, tmp_path: Path
) -> None:
    # Two windows' worth in one process (a script, or tests): each library searches
    # with the marks of the store registered on it, and a library with none has no is:.
    other, unmarked = load(seed_path, as_of=SEED_AS_OF), load(seed_path, as_of=SEED_AS_OF)
    first, second = library.papers[0], library.papers[1]
    with Store.open(tmp_path / "one.sqlite3") as one, Store.open(tmp_path / "two.sqlite3") as two:
        one.set_bookmarked(first, True)
        two.set_bookmarked(second, True)
        undo_one = one.register_search_filters(library.filters)
        undo_two = two.register_search_filters(other.filters)
        try:
            assert titles(library, "is:bookmarked") == {first.title}
            assert titles(other, "is:bookmarked") == {second.title}
            assert "is: is not a filter; searched as words" in unmarked.find("is:read").notes
        finally:
            undo_one()
            undo_two()
