"""JSON in: CSL-JSON (Zotero, pandoc), paperbrowse's own JSON, JSON Lines, Semantic Scholar."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperbrowse.core.errors import FormatError
from paperbrowse.core.formats import read_file
from paperbrowse.core.models import paper_id

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2025, 11, 24)


def write(path: Path, content: object) -> Path:
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    return path


def test_zotero_csl_json_sample() -> None:
    result = read_file(ROOT / "data" / "sample-zotero.json", AS_OF)
    assert result.problems == []
    first, second = result.papers
    assert first.title == "Attention is All you Need"
    assert first.authors == ("Ashish Vaswani", "Noam Shazeer", "Google Brain")
    assert (first.date, first.date_precision) == (dt.date(2017, 12, 1), "month")
    assert first.venue == "Advances in Neural Information Processing Systems"
    assert (first.citekey, first.entry_type) == ("vaswani2017attention", "inproceedings")
    assert second.title == "On Symphony No. 5"  # CSL's <i> markup dropped
    assert second.authors == ("Ludwig van Beethoven",)
    assert second.date == dt.date(1808, 12, 22) and second.doi == "10.1234/example.5"
    assert second.id == paper_id("On Symphony No. 5", 1808, "10.1234/example.5")
    assert second.venue == "Allgemeine musikalische Zeitung"


ZOTERO_ITEM = {
    "id": "http://zotero.org/users/1/items/QWER5678",
    "citation-key": "smith2020cats",
    "title": "Deep Learning for Cats",
    "container-title": "Journal of Feline Computing",
    "author": [{"family": "Smith", "given": "Jane"}, {"family": "Doe", "given": "John"}],
    "issued": {"date-parts": [[2020, 5]]},
    "DOI": "10.1234/cats.2020",
}


@pytest.mark.parametrize(
    "item",
    [ZOTERO_ITEM, {key: ZOTERO_ITEM[key] for key in ("title", "author")}],
    ids=["zotero-item", "title-and-author-objects-only"],
)
@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_csl_items_without_a_type_keep_authors_and_date(
    item: dict[str, object], suffix: str, tmp_path: Path
) -> None:
    """CSL requires "type", but hand-made files and some tools leave it out: such an item
    was read as paperbrowse's own JSON, losing its authors, date, venue and DOI."""
    content = json.dumps([item]) if suffix == ".json" else json.dumps(item) + "\n"
    result = read_file(write(tmp_path / f"lib{suffix}", content), AS_OF)
    paper = result.papers[0]
    assert result.problems == []
    assert paper.authors == ("Jane Smith", "John Doe")
    if "issued" in item:
        assert (paper.date, paper.date_precision) == (dt.date(2020, 5, 1), "month")
        assert (paper.venue, paper.doi) == ("Journal of Feline Computing", "10.1234/cats.2020")
        assert paper.citekey == "smith2020cats"


def test_csl_items_without_a_title_are_warnings(tmp_path: Path) -> None:
    items = [{"id": "a", "type": "book", "title": "Kept"}, {"id": "b", "type": "book"}, 7]
    result = read_file(write(tmp_path / "lib.json", items), AS_OF)
    assert [p.title for p in result.papers] == ["Kept"]
    assert [str(p) for p in result.problems] == [
        f"{tmp_path / 'lib.json'}: item 2 (b): item has no title; skipped",
        f"{tmp_path / 'lib.json'}: item 3 is not an object; skipped",
    ]


def test_parse_json_output_reads_back_with_its_profile(seed_path: Path, tmp_path: Path) -> None:
    output = subprocess.run(
        [
            sys.executable,
            "-m",
            "paperbrowse",
            "parse",
            str(seed_path),
            "--json",
            "--as-of",
            "2025-11-24",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    original = read_file(seed_path, AS_OF)
    result = read_file(write(tmp_path / "profile.json", output), AS_OF)
    assert result.profile is not None and original.profile is not None
    assert result.profile.name == "Fali Wang"
    for field in ("h_index", "citations", "paper_count", "primary_category", "novelty"):
        assert getattr(result.profile, field) == getattr(original.profile, field)
    assert [p.id for p in result.papers] == [p.id for p in original.papers]
    assert [p.title for p in result.papers] == [p.title for p in original.papers]
    assert [p.date for p in result.papers] == [p.date for p in original.papers]


def test_json_lines_saved_as_json_and_a_document_saved_as_jsonl(tmp_path: Path) -> None:
    lines = "\n".join(json.dumps({"title": f"Paper {i}", "year": 2000 + i}) for i in range(3))
    as_json = read_file(write(tmp_path / "lines.json", lines), AS_OF)
    assert [p.title for p in as_json.papers] == ["Paper 0", "Paper 1", "Paper 2"]
    assert as_json.papers[0].source and as_json.papers[0].source.line == 1
    document = json.dumps({"papers": [{"title": "Pretty"}]}, indent=2)
    assert [p.title for p in read_file(write(tmp_path / "doc.jsonl", document), AS_OF).papers] == [
        "Pretty"
    ]


def test_bad_json_lines_are_skipped_by_line(tmp_path: Path) -> None:
    text = '{"title": "One"}\nnot json\n{"no": "title"}\n[1]\n{"title": "Two"}\n'
    result = read_file(write(tmp_path / "lib.jsonl", text), AS_OF)
    assert [p.title for p in result.papers] == ["One", "Two"]
    assert [str(p).split("lib.jsonl:")[1] for p in result.problems] == [
        "2: not valid JSON (Expecting value); skipped",
        "3: record has no title; skipped",
        "4: not a JSON object; skipped",
    ]


def test_an_id_given_twice_keeps_both_papers_apart_and_says_where(tmp_path: Path) -> None:
    """Two lines with one id (ours, or a foreign one, which is the citation key): both
    papers stay, each with its own id and key, and one line says which lines share it, as
    the BibTeX reader says of a citation key used twice."""
    from paperbrowse.core.library import load

    mine = "0123456789abcdef"
    records = [
        {"id": mine, "title": "Cats and their ways", "authors": ["Ann Lee"], "year": 2020},
        {"id": mine, "title": "Dogs and theirs", "authors": ["Bo Chen"], "year": 2021},
        {"id": "2020.acl-main.1", "title": "Parsing", "authors": ["Cy Dee"], "year": 2020},
        {"id": "2020.ACL-main.1", "title": "Tagging", "authors": ["Di Eve"], "year": 2020},
    ]
    path = write(tmp_path / "lib.jsonl", "\n".join(json.dumps(r) for r in records) + "\n")
    library = load(path)
    cats, dogs, parsing, tagging = library.papers
    assert [p.title for p in library.papers] == [r["title"] for r in records]
    # the paper with the smallest own id keeps it, and what was marked on it
    assert cats.id == mine and paper_id(cats.title, 2020) < paper_id(dogs.title, 2021)
    assert len({p.id for p in library.papers}) == 4
    assert dogs.id == load(path).papers[1].id  # the same on every open
    assert library.key_of(cats).startswith("lee2020") and library.key_of(dogs).startswith("chen")
    assert library.key_of(parsing) != library.key_of(tagging)
    assert [str(problem) for problem in library.problems] == [
        f"{path}:2: id '{mine}' also used on line 1; both papers kept",
        f"{path}:4: id '2020.ACL-main.1' also used on line 3; both papers kept",
    ]


def jsonl_of(path: Path, records: list[dict[str, object]]) -> Path:
    return write(path, "".join(json.dumps(record) + "\n" for record in records))


def test_a_line_given_twice_is_one_paper_and_no_warning(tmp_path: Path) -> None:
    """A line given twice (a file appended to twice) is merged into one paper: no warning
    saying both papers were kept."""
    from paperbrowse.core.library import load

    record = {"id": "0123456789abcdef", "title": "Paper One", "year": 2020}
    library = load(jsonl_of(tmp_path / "a.jsonl", [record, record]))
    assert len(library.papers) == 1 and library.papers[0].id == record["id"]
    assert [str(problem) for problem in library.problems] == []


def test_a_citation_key_is_not_taken_for_our_id_in_other_case(tmp_path: Path) -> None:
    """Our ids are lower-case hex, kept (and marked) as they are: an upper-case id is a
    citation key, another id, and no warning says it was used twice."""
    from paperbrowse.core.library import load

    records = [
        {"id": "0123456789abcdef", "title": "Paper One", "year": 2020},
        {"id": "0123456789ABCDEF", "title": "Paper Two", "year": 2021},
    ]
    library = load(jsonl_of(tmp_path / "a.jsonl", records))
    assert [p.id for p in library.papers][0] == "0123456789abcdef"
    assert library.papers[1].citekey == "0123456789ABCDEF"
    assert [str(problem) for problem in library.problems] == []


def ids_by_title(path: Path, records: list[dict[str, object]]) -> dict[str, str]:
    from paperbrowse.core.library import load

    return {paper.title: paper.id for paper in load(jsonl_of(path, records)).papers}


def test_which_paper_keeps_a_shared_id_does_not_depend_on_line_order(tmp_path: Path) -> None:
    """Marks are kept by id: reordering the file must not move them to the other paper.
    The paper whose own id (of its DOI, else title and year) it is keeps it, else the one
    whose own id is smallest."""
    mine = "0123456789abcdef"
    one = {"id": mine, "title": "Paper One", "year": 2020}
    two = {"id": mine, "title": "Paper Two", "year": 2021}
    in_order = ids_by_title(tmp_path / "a.jsonl", [one, two])
    assert in_order == ids_by_title(tmp_path / "b.jsonl", [two, one])
    smallest = min(("Paper One", 2020), ("Paper Two", 2021), key=lambda ty: paper_id(*ty))
    assert in_order[smallest[0]] == mine and len(set(in_order.values())) == 2

    twos = paper_id("Paper Two", 2021)  # given to both: Paper Two's own, which it keeps
    one, two = {**one, "id": twos}, {**two, "id": twos}
    for records in ([one, two], [two, one]):
        ids = ids_by_title(tmp_path / "c.jsonl", records)
        assert ids["Paper Two"] == twos and ids["Paper One"] != twos


def test_broken_json_document_is_one_error(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match=r"lib\.json:3: not valid JSON"):
        read_file(write(tmp_path / "lib.json", '[\n  {"title": "x"},\n  oops\n]'), AS_OF)
    with pytest.raises(FormatError, match="holds no papers"):
        read_file(write(tmp_path / "n.json", "42"), AS_OF)


def test_acl_jsonl_ids_become_citation_keys(corpus: Path, tmp_path: Path) -> None:
    with (corpus / "acl-anthology-2016-2021.jsonl").open(encoding="utf-8") as handle:
        head = "".join(next(handle) for _ in range(50))
    result = read_file(write(tmp_path / "acl-head.jsonl", head), AS_OF)
    first = result.papers[0]
    assert len(result.papers) == 50 and result.problems == []
    assert first.citekey == "2016.amta-researchers.1"
    assert first.id == paper_id(first.title, first.year, first.doi)
    assert first.authors == ("Rajen Chatterjee", "Mihael Arcan", "Matteo Negri", "Marco Turchi")


def test_semantic_scholar_paper_with_references_and_citations(corpus: Path) -> None:
    result = read_file(corpus / "json" / "s2_Paper.json", AS_OF)
    assert len(result.papers) == 1 + 14 + 1000 and result.problems == []
    turing = result.papers[0]
    assert turing.title == "Computing Machinery and Intelligence"
    assert turing.authors == ("A. Turing",) and turing.doi == "10.1093/MIND/LIX.236.433"
    assert turing.date == dt.date(1950, 10, 1) and turing.venue
    assert turing.citekey == "Turing1950ComputingMA" and turing.entry_type == "article"


def test_semantic_scholar_author_is_a_profile(corpus: Path) -> None:
    result = read_file(corpus / "json" / "s2_Author.json", AS_OF)
    assert result.profile is not None
    assert (result.profile.name, result.profile.h_index, result.profile.citations) == (
        "A. Turing",
        23,
        12415,
    )
    assert len(result.papers) == 60 and result.profile.papers == tuple(result.papers)


@pytest.mark.parametrize(
    ("name", "content", "title"),
    [
        ("refs.txt", "@article{k, title={BibTeX in a txt file}}\n", "BibTeX in a txt file"),
        ("library", '[{"id": "x", "type": "book", "title": "CSL no suffix"}]', "CSL no suffix"),
        ("export.dat", '{"title": "JSON Lines"}\n{"title": "b"}\n', "JSON Lines"),
        ("zotero.bib", '[{"type": "book", "title": "JSON named .bib"}]', None),
    ],
)
def test_format_detected_by_content(tmp_path: Path, name: str, content: str, title: str) -> None:
    path = write(tmp_path / name, content)
    if title is None:  # the extension wins: a .bib is BibTeX, and this one holds none
        assert read_file(path, AS_OF).papers == []
        return
    assert read_file(path, AS_OF).papers[0].title == title


def test_unknown_format_says_what_is_read(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match=r"unknown format; paperbrowse reads BibTeX \(\.bib\)"):
        read_file(write(tmp_path / "notes.dat", "just some words\n"), AS_OF)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "title",
                    "author",
                    "authors",
                    "type",
                    "issued",
                    "papers",
                    "date",
                    "year",
                    "id",
                    "paperId",
                    "authorId",
                    "name",
                    "DOI",
                    "data",
                    "abstract",
                    "date-parts",
                    "family",
                    "links",
                    "citations",
                ]
            ),
            inner,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(document=_JSON)
def test_no_json_makes_the_readers_crash(document: object) -> None:
    from paperbrowse.core.formats.jsondoc import parse_document

    try:
        result = parse_document(document, "fuzz.json")
    except FormatError:
        return
    assert all(paper.title for paper in result.papers)


def test_json_lines_report_progress_while_reading(tmp_path: Path) -> None:
    from paperbrowse.core.formats.jsonl import PROGRESS_LINES
    from paperbrowse.core.library import load

    path = tmp_path / "many.jsonl"
    count = PROGRESS_LINES * 3 + 5
    path.write_text("".join(f'{{"title": "Paper {i}"}}\n' for i in range(count)))
    heard: list[tuple[int, int, str]] = []
    library = load(path, progress=lambda done, total, name: heard.append((done, total, name)))
    assert len(library.papers) == count
    total = path.stat().st_size
    inside = [done for done, whole, _ in heard if 0 < done < whole]
    assert len(inside) >= 3  # the bar moves during the file, not only at its ends
    assert inside == sorted(inside) and all(whole == total for _, whole, _ in heard)


def test_a_year_or_names_read_without_say_so_and_the_paper_stays(tmp_path: Path) -> None:
    # A year that is no year, or an author that is not a list, was dropped without a word.
    lines = [
        {"title": "Good", "year": 2020},
        {"title": "Bad year", "year": "abc"},
        {"title": "Bad date", "date": "soon"},
        {"title": "No year", "year": ""},
    ]
    jsonl = write(tmp_path / "lib.jsonl", "\n".join(json.dumps(line) for line in lines) + "\n")
    result = read_file(jsonl, AS_OF)
    assert [p.title for p in result.papers] == ["Good", "Bad year", "Bad date", "No year"]
    assert [p.date for p in result.papers][1:] == [None, None, None]
    assert [str(p).split("lib.jsonl:")[1] for p in result.problems] == [
        '2: year "abc" is not a year; read without one',
        '3: date "soon" is not a date; read without one',
    ]
    csl = write(
        tmp_path / "items.json",
        [
            {"type": "book", "title": "Named wrongly", "author": "oops"},
            {"type": "book", "title": "Named", "author": [{"family": "Lee", "given": "Ann"}]},
        ],
    )
    result = read_file(csl, AS_OF)
    assert [p.authors for p in result.papers] == [(), ("Ann Lee",)]
    assert [str(p).split("items.json")[1] for p in result.problems] == [
        ": item 1: author is not a list of names; read without it"
    ]


@pytest.mark.parametrize(
    "written",
    ["https://doi.org/10.1000/XYZ5", "http://dx.doi.org/10.1000/XYZ5", "doi:10.1000/XYZ5"],
)
def test_a_doi_written_as_a_link_is_linked_and_cited_once(written: str, tmp_path: Path) -> None:
    """OpenAlex writes every DOI as a link: the paper's link was https://doi.org/ twice over
    (opened by o, printed by cite). The DOI is stored bare, as the BibTeX reader stores it:
    the same paper in a .bib file was another paper (merging is by DOI)."""
    from paperbrowse.core.cite.references import references
    from paperbrowse.core.cite.styles import load_style
    from paperbrowse.core.library import load

    jsonl = tmp_path / "openalex.jsonl"
    jsonl.write_text(json.dumps({"title": "T", "year": 2020, "doi": written}) + "\n")
    (paper,) = read_file(jsonl, dt.date(2026, 1, 1)).papers
    assert paper.doi == "10.1000/XYZ5" and paper.id == paper_id("T", 2020, "10.1000/XYZ5")
    bib = tmp_path / "mine.bib"
    bib.write_text("@article{t2020, title = {T}, year = {2020}, doi = {10.1000/XYZ5}}\n")
    (merged,) = load(bib, jsonl, as_of=dt.date(2026, 1, 1)).papers
    assert {source.file for source in merged.sources} == {str(bib), str(jsonl)}
    assert paper.web_link == paper.first_link == "https://doi.org/10.1000/XYZ5"
    cited = references([paper], load_style("apa"))
    assert "https://doi.org/10.1000/XYZ5" in str(cited) and "doi.org/http" not in str(cited)
