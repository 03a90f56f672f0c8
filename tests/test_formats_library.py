"""Opening a mix of files and folders as one library: encodings, folders, duplicates merged."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from helpers import paper

from paperbrowse.core.errors import FormatError
from paperbrowse.core.library import load
from paperbrowse.core.merge import merge_duplicates, seen_in
from paperbrowse.core.models import SourceRef, paper_id

AS_OF = dt.date(2025, 11, 24)


def test_windows_1252_bib_is_read_with_a_warning_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "old.bib"
    path.write_bytes(
        "@article{k,\n  title = {Caf\u00e9 na\u00efve \u2019quotes\u2019},\n"
        "  author = {M\u00fcller, J\u00f6rg}\n}\n".encode("cp1252")
    )
    library = load(path)
    assert library.papers[0].title == "Café naïve ’quotes’"
    assert library.papers[0].authors == ("Jörg Müller",)
    assert [str(p) for p in library.problems] == [
        f"{path}:2: not valid UTF-8 (byte 0xe9); read as windows-1252"
    ]


def test_declared_latin1_encoding_is_honoured(tmp_path: Path) -> None:
    path = tmp_path / "declared.bib"
    text = "% Encoding: ISO-8859-1\n@book{k, title={\u00c5ngstr\u00f6m}}\n"
    path.write_bytes(text.encode("latin-1"))
    library = load(path)
    assert library.papers[0].title == "Ångström"
    assert "read as iso-8859-1" in str(library.problems[0])


def test_utf8_with_a_bom_needs_no_warning(tmp_path: Path) -> None:
    path = tmp_path / "bom.bib"
    path.write_bytes("\ufeff@book{k, title={Sm\u00f8rrebr\u00f8d}}\n".encode())
    library = load(path)
    assert library.papers[0].title == "Smørrebrød" and library.problems == []


def test_folders_are_read_recursively_for_every_known_format(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "a" / "one.bib").write_text("@book{one, title={From BibTeX}}\n")
    (tmp_path / "a" / "b" / "two.json").write_text(
        json.dumps([{"id": "two", "type": "book", "title": "From CSL"}])
    )
    (tmp_path / "three.jsonl").write_text(json.dumps({"title": "From JSON Lines"}) + "\n")
    (tmp_path / "skip.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / ".hidden" / "four.bib").write_text("@book{four, title={Hidden}}\n")
    library = load(tmp_path)
    assert sorted(p.title for p in library.papers) == ["From BibTeX", "From CSL", "From JSON Lines"]
    assert len(library.sources) == 3


def test_a_bad_file_beside_good_ones_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    good = tmp_path / "good.bib"
    good.write_text("@book{k, title={Fine}}\n")
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json")
    library = load(good, bad, tmp_path / "missing.bib")
    assert [p.title for p in library.papers] == ["Fine"]
    assert [str(p) for p in library.problems] == [
        f"{bad}:1: not valid JSON (Expecting property name enclosed in double quotes)",
        f"{tmp_path / 'missing.bib'}: no such file",
    ]
    with pytest.raises(FormatError):
        load(bad)


def test_the_same_paper_in_two_files_is_merged_with_both_sources(tmp_path: Path) -> None:
    bib = tmp_path / "mine.bib"
    bib.write_text(
        "@inproceedings{smith20, title={Deep {Learning} for Cats}, author={Smith, Ann},"
        " year=2020, doi={10.1/CATS}}\n"
        "@article{other, title={Something Else}, author={Roe, R.}, year=2020}\n"
    )
    csl = tmp_path / "zotero.json"
    csl.write_text(
        json.dumps(
            [
                {
                    "id": "z1",
                    "type": "paper-conference",
                    "title": "Deep learning for cats",
                    "author": [{"family": "Smith", "given": "A."}],
                    "issued": {"date-parts": [[2020, 6]]},
                    "abstract": "Cats, learned deeply.",
                },
                {"id": "z2", "type": "article-journal", "title": "Unrelated", "DOI": "10.1/cats"},
            ]
        )
    )
    library = load(bib, csl)
    titles = [p.title for p in library.papers]
    assert titles == ["Deep Learning for Cats", "Something Else"]  # DOI match merges z2 too
    merged = library.papers[0]
    assert merged.abstract == "Cats, learned deeply."  # filled in from the second copy
    assert merged.citekey == "smith20" and merged.id == paper_id("x", None, "10.1/CATS")
    assert [str(s) for s in seen_in(merged)] == [f"{bib}:1", str(csl)]


def test_same_title_but_different_doi_or_author_stays_apart() -> None:
    papers = [
        paper("Introduction", 2020, doi="10.1/a", authors=("Ann Smith",)),
        paper("Introduction", 2020, doi="10.1/b", authors=("Ann Smith",)),
        paper("Editorial", 2020, authors=("Ann Smith",)),
        paper("Editorial", 2020, authors=("Bob Jones",)),
        paper("Editorial", 2020, authors=("A. Smith",), source=SourceRef(file="x.bib", line=9)),
        paper("Editorial", 2021),
    ]
    merged = merge_duplicates(papers)
    assert len(merged) == 5
    assert merged[2].sources == (SourceRef(file="x.bib", line=9),)


def test_within_one_file_duplicates_are_merged(corpus: Path) -> None:
    library = load(corpus / "bib" / "pmlr-v75_locatelli18_mendeley-library.bib")
    merged = [p for p in library.papers if len(p.sources) > 1]
    assert len(library.papers) < 786 and merged
    sources = [source for p in merged for source in p.sources]
    assert all(s.file.endswith("mendeley-library.bib") and s.line for s in sources)


def test_progress_counts_bytes_across_files(tmp_path: Path) -> None:
    small = tmp_path / "a.bib"
    small.write_text("@book{a, title={A}}\n")
    big = tmp_path / "b.bib"
    big.write_text("".join(f"@book{{b{i}, title={{Book {i}}}}}\n" for i in range(3000)))
    seen: list[tuple[int, int, str]] = []
    load(small, big, progress=lambda done, total, name: seen.append((done, total, name)))
    total = small.stat().st_size + big.stat().st_size
    assert all(t == total for _, t, _ in seen)
    assert [d for d, _, _ in seen] == sorted(d for d, _, _ in seen)
    assert seen[0] == (0, total, str(small)) and seen[-1][0] == total
    assert {name for _, _, name in seen} == {str(small), str(big)}


def test_one_key_on_two_entries_of_one_paper_is_said_to_be_read_as_one(tmp_path: Path) -> None:
    """A Mendeley export holds the same entry twice under one key (25 times in a real one):
    merged, they are one paper, which the warning said were "both entries kept". Two
    different papers under one key are still both kept, and said so."""
    bib = tmp_path / "dup.bib"
    bib.write_text(
        "@article{dup, title={First Paper}, year={2001}}\n"
        "@article{dup, title={Second Paper}, year={2002}}\n"
        "@article{same, title={Same Paper}, year={2003}}\n"
        "@article{same, title={Same Paper}, year={2003}}\n",
        encoding="utf-8",
    )
    library = load(bib)
    assert sorted(p.title for p in library.papers) == ["First Paper", "Same Paper", "Second Paper"]
    assert [str(problem) for problem in library.problems] == [
        f"{bib}:2: citation key 'dup' also used on line 1; both entries kept",
        f"{bib}:4: citation key 'same' also used on line 3, for the same paper; read as one",
    ]


def test_papers_read_from_a_file_by_any_of_its_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The export dialog asks about replacing the library's own file by it: how many papers
    # the file holds, whether typed relative, absolute or through a link.
    (tmp_path / "a.bib").write_text(
        "@article{x, title={X}, year={2020}}\n@article{y, title={Y}, year={2021}}\n"
    )
    (tmp_path / "b.bib").write_text("@article{x, title={X}, year={2020}}\n")  # x again
    (tmp_path / "link.bib").symlink_to(tmp_path / "a.bib")
    monkeypatch.chdir(tmp_path)
    library = load(tmp_path)
    assert library.papers_read_from("a.bib") == 2
    assert library.papers_read_from(tmp_path / "link.bib") == 2
    assert library.papers_read_from(tmp_path / "b.bib") == 1  # x, read in both
    assert library.papers_read_from(tmp_path / "other.bib") is None
