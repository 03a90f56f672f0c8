"""Duplicate merging looks one by one only at papers that share a key, with the outcome of
looking at every paper in turn (the reference below is the loop it replaced)."""

from __future__ import annotations

from collections.abc import Sequence

from helpers import paper
from hypothesis import given, settings
from hypothesis import strategies as st

from paperbrowse.core.merge import _compatible, _surname, combine, merge_duplicates
from paperbrowse.core.models import Paper, SourceRef, normalise_title
from paperbrowse.core.rows import paper_row
from paperbrowse.core.store import PaperStore


def merged_one_by_one(papers: Sequence[Paper]) -> list[Paper]:
    merged: list[Paper] = []
    by_doi: dict[str, int] = {}
    by_title: dict[tuple[str, int | None], int] = {}
    for each in papers:
        doi = each.doi.lower() if each.doi else None
        title = (normalise_title(each.title), each.year)
        index = by_doi.get(doi) if doi else None
        if index is None and title[0]:
            index = by_title.get(title)
        kept = merged[index] if index is not None else None
        if kept is not None and not _compatible(
            (kept.doi, _surname(kept.authors)), (each.doi, _surname(each.authors))
        ):
            index = None
        if index is None:
            index = len(merged)
            merged.append(each)
        else:
            merged[index] = combine(merged[index], each)
        if doi:
            by_doi.setdefault(doi, index)
        if title[0]:
            by_title.setdefault(title, index)
    return merged


papers_alike = st.lists(
    st.builds(
        lambda title, year, doi, author, line, abstract: paper(
            title,
            year,
            doi=doi,
            authors=(author,) if author else (),
            abstract=abstract,
            source=SourceRef(file="lib.bib", line=line),
        ),
        st.sampled_from(["Graphs", "graphs!", "Trees", "", "Ünïcode", "unicode"]),
        st.sampled_from([None, 2020, 2021]),
        st.sampled_from([None, "10.1/A", "10.1/a", "10.2/b"]),
        st.sampled_from([None, "Ann Lee", "Bo Lee", "Cy Ng"]),
        st.integers(1, 9),
        st.sampled_from([None, "An abstract."]),
    ),
    max_size=14,
)


@settings(max_examples=300, deadline=None)
@given(papers_alike)
def test_merging_only_the_papers_sharing_a_key_merges_as_one_by_one(papers: list[Paper]) -> None:
    expected = merged_one_by_one(papers)
    assert merge_duplicates(papers) == expected
    as_rows = PaperStore(paper_row(each) for each in papers)
    assert list(merge_duplicates(as_rows)) == expected
