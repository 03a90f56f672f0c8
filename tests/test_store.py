"""A reopened library keeps its papers as rows and makes a paper only when one is asked for."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from paperbrowse.core.library import load
from paperbrowse.core.merge import merge_duplicates
from paperbrowse.core.stats import papers_by_author
from paperbrowse.core.store import PaperStore, field_values

AS_OF = dt.date(2025, 11, 24)
PAPERS = 300


def library_file(folder: Path, papers: int = PAPERS) -> Path:
    """A BibTeX library large enough to be cached, with one paper listed twice."""
    entries = [
        f"@inproceedings{{k{i}, title={{Learning thing {i}}}, author={{Doe, Jane and Roe, R{i}}},"
        f" booktitle={{Proceedings of ACL}}, year={{{2000 + i % 20}}},"
        f" abstract={{{'An abstract about graphs. ' * 8}}}}}\n"
        for i in range(papers)
    ]
    entries.append(
        "@article{again, title={Learning thing 7}, author={Doe, Jane}, year=2007,"
        " doi={10.1/seven}}\n"
    )
    path = folder / "lib.bib"
    path.write_text("".join(entries))
    return path


def reopened(path: Path) -> PaperStore:
    load(path, as_of=AS_OF)  # parsed, then cached
    papers = load(path, as_of=AS_OF).papers
    assert isinstance(papers, PaperStore)
    return papers


def test_a_reopened_library_makes_papers_only_for_what_is_shown(
    cache_dir: Path, tmp_path: Path
) -> None:
    path = library_file(tmp_path)
    library = load(path, as_of=AS_OF)
    library = load(path, as_of=AS_OF)
    papers = library.papers
    assert isinstance(papers, PaperStore)
    shown = library.listing()
    hits = library.search("thing 12", limit=10)
    assert [hit.paper.title for hit in hits][:1] == ["Learning thing 12"]
    assert len(shown) == PAPERS and shown[0].year == 2019
    assert library.keys[papers[3].id] == "k3"
    assert library.find("year:2005 has:abstract")
    assert [p.title for p in papers_by_author(papers, "R12 Roe")] == ["Learning thing 12"]
    # Listing, indexing, ten hits, the keys, filters, an author's papers: a few dozen at most.
    assert papers.built < 40


def test_papers_made_from_rows_equal_the_parsed_ones_and_stay_the_same_objects(
    cache_dir: Path, tmp_path: Path
) -> None:
    path = library_file(tmp_path)
    parsed = load(path, as_of=AS_OF).papers
    papers = reopened(path)
    assert papers[5] is papers[5]
    assert list(papers) == list(parsed)
    assert papers == parsed
    for name in ("title", "authors", "venue", "date", "source", "abstract", "doi"):
        assert field_values(papers, name) == [getattr(p, name) for p in parsed]


def test_duplicates_across_files_merge_the_same_from_rows(cache_dir: Path, tmp_path: Path) -> None:
    first = library_file(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    second = library_file(other, papers=250)
    parsed = merge_duplicates([*load(first, as_of=AS_OF).papers, *load(second, as_of=AS_OF).papers])
    library = load(first, second, as_of=AS_OF)  # both reopened from the cache
    assert isinstance(library.papers, PaperStore)
    assert list(library.papers) == list(parsed)
    seven = next(p for p in library.papers if p.title == "Learning thing 7")
    assert seven.doi == "10.1/seven" and len(seven.sources) == 4  # twice in each file
