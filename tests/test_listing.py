"""Listing papers without the search index gives the index's own browsing orders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from helpers import paper

from paperbrowse.core import library as library_module
from paperbrowse.core import locations
from paperbrowse.core.cache import writes_deferred
from paperbrowse.core.library import Library, load
from paperbrowse.core.models import Paper
from paperbrowse.core.search import index_cache
from paperbrowse.core.search.results import SORT_ORDERS, SortOrder, listing
from paperbrowse.core.store import PaperStore
from paperbrowse.core.watch import changed_files, source_state

CORPUS_JSONL = (
    Path(__file__).resolve().parents[2] / "shared" / "corpus" / ("acl-anthology-2016-2021.jsonl")
)


def ids(papers: Iterable[Paper]) -> list[str]:
    return [p.id for p in papers]


def titles(papers: Iterable[Paper]) -> list[str]:
    return [p.title for p in papers]


@pytest.mark.parametrize("sort", SORT_ORDERS)
def test_listing_matches_the_index_on_hand_made_papers(sort: SortOrder) -> None:
    papers = [
        paper("b same day", date=dt.date(2020, 1, 1)),
        paper("Undated z"),
        paper("A same day", date=dt.date(2020, 1, 1)),
        paper("old", date=dt.date(1999, 5, 1)),
        paper("undated a"),
        paper("new", date=dt.date(2024, 2, 2)),
    ]
    library = Library(papers=papers)
    listed = titles(library.listing(sort))
    assert not library.index_ready
    assert listed == titles(library.index.find("", sort))


@pytest.mark.parametrize("change", ["added", "replaced"])
def test_the_index_built_after_a_listing_sorts_papers_changed_since(change: str) -> None:
    """The index takes the order the first listing sorted, but not once the papers changed:
    a stale order would leave a paper added out of its results, or list a paper replaced
    (and filter it) by the date of the one it replaced."""
    papers = [paper("old", date=dt.date(1999, 5, 1)), paper("new", date=dt.date(2024, 2, 2))]
    library = Library(papers=PaperStore(papers))
    assert titles(library.listing("newest")) == ["new", "old"]
    if change == "added":
        library.papers.append(paper("newer", date=dt.date(2025, 3, 3)))
    else:
        library.papers[0] = paper("newer", date=dt.date(2025, 3, 3))  # in "old"'s place
    expected = ["newer", "new", "old"] if change == "added" else ["newer", "new"]
    assert titles(library.index.find("", "newest")) == expected
    assert titles(library.index.find("newer")) == ["newer"]
    assert titles(library.index.find("year:2025")) == ["newer"]


def test_the_index_built_after_a_listing_lists_as_one_built_without() -> None:
    papers = load(CORPUS_JSONL).papers[:3000]
    listed_first = Library(papers=papers)
    listed_first.listing("newest")
    for sort in SORT_ORDERS:
        assert ids(listed_first.index.find("", sort)) == ids(Library(papers=papers).listing(sort))
    assert ids(listed_first.index.find("parsing")) == ids(Library(papers=papers).find("parsing"))


def test_newest_first_puts_undated_papers_last_and_ties_by_title() -> None:
    papers = [
        paper("b", date=dt.date(2020, 1, 1)),
        paper("x"),
        paper("A", date=dt.date(2020, 1, 1)),
        paper("new", date=dt.date(2024, 1, 1)),
    ]
    assert titles(listing(papers, "newest")) == ["new", "A", "b", "x"]
    # Oldest first, a day's papers still A to Z (they were Z to A: the newest order reversed).
    assert titles(listing(papers, "oldest")) == ["A", "b", "new", "x"]
    assert titles(Library(papers=papers).index.find("", "oldest")) == ["A", "b", "new", "x"]


@pytest.mark.skipif(not CORPUS_JSONL.exists(), reason="../shared/corpus is not beside the repo")
def test_listing_matches_the_index_on_the_acl_corpus() -> None:
    library = load(CORPUS_JSONL)
    listed = {sort: ids(library.listing(sort)) for sort in SORT_ORDERS}
    for sort in SORT_ORDERS:
        assert listed[sort] == ids(library.index.find("", sort)), sort


@pytest.mark.skipif(not CORPUS_JSONL.exists(), reason="../shared/corpus is not beside the repo")
def test_a_reopened_large_library_lists_in_the_saved_index_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(locations.CACHE_DIR_VARIABLE, str(tmp_path / "cache"))
    monkeypatch.setattr(library_module, "STORED_ORDER_FROM", 1)
    with writes_deferred() as pending:
        first = load(CORPUS_JSONL)
        expected = {sort: ids(first.index.find("", sort)) for sort in SORT_ORDERS}
    pending.write()
    again = load(CORPUS_JSONL)
    reads: list[Path] = []
    read_arrays = index_cache.read_arrays

    def counted_read(path: Path) -> Any:
        reads.append(path)
        return read_arrays(path)

    monkeypatch.setattr(index_cache, "read_arrays", counted_read)
    assert again._stored_order() is not None  # read from the saved index, not sorted here
    for sort in SORT_ORDERS:
        assert ids(again.listing(sort)) == expected[sort], sort
    assert not again.index_ready
    assert ids(again.index.find("", "newest")) == expected["newest"]
    assert len(reads) == 1  # read and checksummed once, for the listings and the index


def test_a_written_deleted_or_added_file_changes_the_source_state(tmp_path: Path) -> None:
    first = tmp_path / "a.jsonl"
    first.write_text('{"title": "A"}\n')
    before = source_state([tmp_path])
    assert source_state([tmp_path]) == before  # nothing happened
    (tmp_path / "notes.txt.bak").write_text("not a paper file")
    assert source_state([tmp_path]) == before  # not a file the library reads
    first.write_text('{"title": "A"}\n{"title": "B"}\n')
    written = source_state([tmp_path])
    assert changed_files(before, written) == ["a.jsonl"]
    (tmp_path / "b.bib").write_text("")
    assert changed_files(written, source_state([tmp_path])) == ["b.bib"]
    first.unlink()
    assert "a.jsonl" in changed_files(written, source_state([tmp_path]))
