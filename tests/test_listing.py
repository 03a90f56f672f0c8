"""Listing papers without the search index gives the index's own browsing orders."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from paperbrowse.core.library import Library, load
from paperbrowse.core.models import Paper
from paperbrowse.core.search.results import SORT_ORDERS, listing
from paperbrowse.core.watch import changed_files, source_state

CORPUS_JSONL = Path(__file__).resolve().parents[2] / "shared" / "corpus" / (
    "acl-anthology-2016-2021.jsonl"
)


def make(title: str, date: dt.date | None) -> Paper:
    return Paper(id=title, title=title, date=date)


def ids(papers: object) -> list[str]:
    return [p.id for p in papers]  # type: ignore[attr-defined]


@pytest.mark.parametrize("sort", SORT_ORDERS)
def test_listing_matches_the_index_on_hand_made_papers(sort: str) -> None:
    papers = [
        make("b same day", dt.date(2020, 1, 1)), make("Undated z", None),
        make("A same day", dt.date(2020, 1, 1)), make("old", dt.date(1999, 5, 1)),
        make("undated a", None), make("new", dt.date(2024, 2, 2)),
    ]
    library = Library(papers=papers)
    listed = ids(library.listing(sort))  # type: ignore[arg-type]
    assert not library.index_ready
    assert listed == ids(library.index.find("", sort))  # type: ignore[arg-type]


def test_newest_first_puts_undated_papers_last_and_ties_by_title() -> None:
    papers = [make("b", dt.date(2020, 1, 1)), make("x", None), make("A", dt.date(2020, 1, 1)),
              make("new", dt.date(2024, 1, 1))]
    assert ids(listing(papers, "newest")) == ["new", "A", "b", "x"]
    assert ids(listing(papers, "oldest")) == ["b", "A", "new", "x"]


@pytest.mark.skipif(not CORPUS_JSONL.exists(), reason="../shared/corpus is not beside the repo")
def test_listing_matches_the_index_on_the_acl_corpus() -> None:
    library = load(CORPUS_JSONL)
    listed = {sort: ids(library.listing(sort)) for sort in SORT_ORDERS}  # type: ignore[arg-type]
    for sort in SORT_ORDERS:
        assert listed[sort] == ids(library.index.find("", sort)), sort  # type: ignore[arg-type]


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
