"""Duplicate merging looks one by one only at papers that share a key, with the outcome of
looking at every paper in turn (the reference below is the loop it replaced)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from helpers import paper
from hypothesis import given, settings
from hypothesis import strategies as st

from paperbrowse.core.merge import _own_id, combine, merge_duplicates
from paperbrowse.core.models import (
    Paper,
    SourceRef,
    compatible,
    first_surname,
    normalise_title,
    paper_id,
)
from paperbrowse.core.rows import paper_row
from paperbrowse.core.store import PaperStore


def merged_one_by_one(papers: Sequence[Paper]) -> list[Paper]:
    merged: list[Paper] = []
    keys: list[set[tuple[str, str]]] = []  # each merged paper's copies' (file, key)
    copies_of: list[set[tuple[tuple[str, str], tuple[str, int | None]]]] = []  # ... and titles
    by_doi: dict[str, int] = {}
    by_title: dict[tuple[str, int | None], int] = {}
    for each in papers:
        doi = each.doi.lower() if each.doi else None
        title = (normalise_title(each.title), each.year)
        entry = (each.source.file, each.citekey) if each.citekey and each.source else None
        index = by_doi.get(doi) if doi else None
        if index is None and title[0]:
            index = by_title.get(title)
            if (
                index is not None
                and entry is not None
                and any(file == entry[0] and key != entry[1] for file, key in keys[index])
            ):  # a file's two entries under two keys, one title: two papers (written twice: one)
                index = next(
                    (at for at, copies in enumerate(copies_of) if (entry, title) in copies), None
                )
        kept = merged[index] if index is not None else None
        if kept is not None and not compatible(
            (kept.doi, first_surname(kept.authors)), (each.doi, first_surname(each.authors))
        ):
            index = None
        if index is None:
            index = len(merged)
            merged.append(each)
            keys.append(set())
            copies_of.append(set())
        else:
            merged[index] = combine(merged[index], each)
        if entry is not None:
            keys[index].add(entry)
            copies_of[index].add((entry, title))
        if doi:
            by_doi.setdefault(doi, index)
        if title[0]:
            by_title.setdefault(title, index)
    # Papers kept apart with one id: the one whose own id it is keeps it, else the one
    # with the smallest own id (then its title, first author, DOI); the others are renamed.
    sharing: dict[str, list[int]] = {}
    for index, kept in enumerate(merged):
        sharing.setdefault(kept.id, []).append(index)
    taken = set(sharing)
    for shared_id, group in sharing.items():

        def claim(index: int, shared_id: str = shared_id) -> tuple[bool, str, str, str, str]:
            kept = merged[index]
            own = paper_id(kept.title, kept.year, kept.doi)
            surname = first_surname(kept.authors) or ""
            identity = f"{kept.id}|{normalise_title(kept.title)}|{surname}|{kept.year}"
            return own != shared_id, own, identity, kept.doi or "", kept.citekey or ""

        for index in sorted(group, key=claim)[1:]:
            merged[index] = merged[index].model_copy(update={"id": _own_id(merged[index], taken)})
            taken.add(merged[index].id)
    return merged


papers_alike = st.lists(
    st.builds(
        lambda title, year, doi, author, line, abstract, key, file: paper(
            title,
            year,
            doi=doi,
            authors=(author,) if author else (),
            abstract=abstract,
            citekey=key,
            source=SourceRef(file=file, line=line),
        ),
        st.sampled_from(["Graphs", "graphs!", "Trees", "", "Ünïcode", "unicode"]),
        st.sampled_from([None, 2020, 2021]),
        st.sampled_from([None, "10.1/A", "10.1/a", "10.2/b"]),
        st.sampled_from([None, "Ann Lee", "Bo Lee", "Cy Ng"]),
        st.integers(1, 9),
        st.sampled_from([None, "An abstract."]),
        st.sampled_from([None, "k1", "k2"]),
        st.sampled_from(["lib.bib", "other.bib"]),
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


def normalised_by_definition(title: str) -> str:
    """``normalise_title`` as first written: the definition every saved paper id rests on."""
    import re
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", title)
    folded = (
        title.lower()
        if title.isascii()
        else "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    )
    return re.sub(r"[\W_]+", " ", folded).strip()


@settings(max_examples=400)
@given(st.text(alphabet=st.characters(max_codepoint=127)) | st.text())
def test_title_keys_match_their_definition_so_saved_ids_still_match(title: str) -> None:
    # Ids without a DOI hash the normalised title; bookmarks, notes and tags are keyed by
    # them, so a faster normalisation must give every title the key it always had.
    assert normalise_title(title) == normalised_by_definition(title)


def test_a_known_paper_keeps_its_id() -> None:
    from paperbrowse.core.models import paper_id

    # Worked out by the first release's code: a user's marks on this paper are under it.
    assert normalise_title("  BERT: Pre-training_of  Deep Bidirectional Transformers ") == (
        "bert pre training of deep bidirectional transformers"
    )
    assert normalise_title("Über die Möglichkeit—eine Studie") == "uber die moglichkeit eine studie"
    assert paper_id("Über die Möglichkeit", 2020) == "af2053ed7194ce00"
    assert paper_id("A Survey: of_NLP!", 2019) == "118caa165e2f62fa"


def test_papers_kept_apart_that_share_a_doi_get_ids_of_their_own() -> None:
    # The ACL Anthology's W18-6482 carries W18-6481's DOI: two papers, by different authors,
    # that were given one id, so a mark or a note on one showed on both.
    from paperbrowse.core.models import paper_id

    first = paper(
        "Accurate semantic textual similarity",
        2018,
        doi="10.18653/v1/W18-6481",
        authors=("Chi-kiu Lo",),
    )
    second = paper(
        "Alibaba Submission to the WMT18", 2018, doi="10.18653/v1/W18-6481", authors=("Yu Lu",)
    )
    intro = [paper("Graph networks", 2019, authors=(name,)) for name in ("Ann Lee", "Bo Ng")]
    for papers in (
        [first, second, *intro],
        PaperStore(paper_row(p) for p in (first, second, *intro)),
    ):
        merged = list(merge_duplicates(papers))
        assert [p.title for p in merged] == [p.title for p in (first, second, *intro)]
        assert len({p.id for p in merged}) == 4
        assert merged[0].id == first.id == paper_id(first.title, 2018, first.doi)
        assert merged[2].id == intro[0].id  # the first keeps its id, and its marks
        assert [p.id for p in merge_duplicates([first, second, *intro])] == [p.id for p in merged]


@pytest.mark.parametrize("suffix", [".bib", ".json", ".jsonl"])
def test_a_file_of_papers_kept_apart_gives_each_its_own_id(tmp_path: Path, suffix: str) -> None:
    # Through load: a file that merges nothing kept its papers as read, shared ids included.
    from paperbrowse.core.library import load

    people = ("Lee, Ann", "Ng, Bo")
    path = tmp_path / f"lib{suffix}"
    if suffix == ".bib":
        path.write_text(
            "".join(
                f"@article{{k{n}, title={{Introduction}}, author={{{who}}}, year={{2019}}}}\n"
                for n, who in enumerate(people)
            )
        )
    else:
        records = [
            {"title": "Introduction", "authors": [who], "year": 2019}
            if suffix == ".jsonl"
            else {
                "type": "article-journal",
                "title": "Introduction",
                "author": [{"family": who.split(", ")[0], "given": who.split(", ")[1]}],
                "issued": {"date-parts": [[2019]]},
            }
            for who in people
        ]
        text = (
            "\n".join(json.dumps(r) for r in records) if suffix == ".jsonl" else json.dumps(records)
        )
        path.write_text(text)
    ids = [p.id for p in load(path).papers]
    assert len(ids) == 2 and len(set(ids)) == 2
    assert ids == [p.id for p in load(path).papers]  # the same on every open


def test_a_file_s_two_entries_under_two_keys_stay_two_papers(tmp_path: Path) -> None:
    """The ACL Anthology's W19-3653 (Widening NLP) and W19-4824 (BlackboxNLP): one title,
    year and first author, two workshops, a DOI on one alone. Merged, W19-4824 was found by no
    ``key:`` and its DOI was shown beside the other's venue; one entry under one key
    written twice is still one paper, and so is the same paper in another file."""
    from paperbrowse.core.library import load

    entry = (
        "@inproceedings{{{key}, title = {{Adversarial Attack on Sentiment Classification}},"
        " author = {{Tsai, Yi-Ting}}, year = {{2019}}, booktitle = {{{venue}}}{doi}}}\n"
    )
    library = tmp_path / "acl.bib"
    library.write_text(
        entry.format(key="W19-3653", venue="Workshop on Widening NLP", doi="")
        + entry.format(key="W19-4824", venue="BlackboxNLP", doi=", doi = {10.18653/v1/W19-4824}")
        + entry.format(key="W19-4824", venue="BlackboxNLP", doi=""),  # written twice
        encoding="utf-8",
    )
    other = tmp_path / "mine.bib"
    other.write_text(entry.format(key="tsai2019", venue="BlackboxNLP", doi=""), encoding="utf-8")
    papers = load(library, other).papers
    assert [(p.citekey, p.venue, p.doi) for p in papers] == [
        ("W19-3653", "Workshop on Widening NLP", None),
        ("W19-4824", "BlackboxNLP", "10.18653/v1/W19-4824"),
    ]
    assert len({p.id for p in papers}) == 2
    assert len(papers[0].sources) == 2  # (mine.bib's copy merged into the first)


def test_a_file_s_two_like_entries_keep_their_ids_whichever_comes_first(tmp_path: Path) -> None:
    """Two "Advertisements" of one year, no author: which keeps the shared id (and the
    marks under it) is the entries' own, not their order in the file."""
    from paperbrowse.core.library import load

    entry = "@article{{{key}, title = {{Advertisements}}, journal = {{CL}}, year = {{1990}}}}\n"
    ids = {}
    for order in (("J90-1001", "J90-1002"), ("J90-1002", "J90-1001")):
        path = tmp_path / f"{order[0]}.bib"
        path.write_text("".join(entry.format(key=key) for key in order), encoding="utf-8")
        papers = load(path).papers
        ids[order] = {p.citekey: p.id for p in papers}
        assert len(set(ids[order].values())) == 2
    assert ids[("J90-1001", "J90-1002")] == ids[("J90-1002", "J90-1001")]


def test_a_preface_in_one_library_is_not_another_library_s_preface(tmp_path: Path) -> None:
    # A "Preface" with no DOI (and often no year) had its id from the title alone: marked
    # in a FAT* .bib, the ACL Anthology's "Preface" by another editor showed its bookmark
    # and tags. A front matter's title says nothing of which paper it is.
    from paperbrowse.core.library import load

    fat, acl = tmp_path / "fat.bib", tmp_path / "acl.bib"
    fat.write_text("@proceedings{f, title={Preface}, editor={Friedler, Sorelle}}\n")
    acl.write_text(
        "@inproceedings{a, title={Preface}, author={Rosner, Mike}, booktitle={ACL 2001}}\n"
        "@inproceedings{k, title={Keynote 2}, author={Rosner, Mike}}\n"
        "@inproceedings{t, title={Graph Networks}, author={Rosner, Mike}, year={2001}}\n"
    )
    (fat_preface,) = load(fat).papers
    acl_preface, keynote, graphs = load(acl).papers
    assert fat_preface.id != acl_preface.id
    assert acl_preface.id == load(acl).papers[0].id  # the same on every open
    assert keynote.id != paper_id("Keynote 2", None)
    assert graphs.id == paper_id("Graph Networks", 2001)  # a real title's id as before
