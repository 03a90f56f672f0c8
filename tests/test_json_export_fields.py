"""paperbrowse's own JSON (the ``json`` export, ``parse --json``, what ``add`` writes to a
.jsonl) keeps what a paper's BibTeX or CSL-JSON export keeps: its editors, volume, issue and
pages, publisher and place, names written whole or with their family name given, the
title's protected words and its files. A paper exported to JSON and read back is cited
as before; files written before these keys still read as they did."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from helpers import one_line_texts, paper
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperbrowse.core.cite.references import references
from paperbrowse.core.cite.styles import load_style
from paperbrowse.core.formats import read_file
from paperbrowse.core.formats.bibtex import parse_bibtex
from paperbrowse.core.formats.export import export_papers
from paperbrowse.core.formats.jsonl import parse_json, parse_jsonl
from paperbrowse.core.formats.records import json_values, paper_from_json
from paperbrowse.core.models import Paper, SourceRef
from paperbrowse.core.rows import paper_from_row, row_of_values

AS_OF = dt.date(2025, 11, 24)

# What a paper carries that the BibTeX and CSL-JSON exports keep, beside its title, authors,
# date, venue and identifiers (which the JSON export always kept).
KEPT = (
    "title",
    "title_kept",
    "authors",
    "et_al",
    "editors",
    "name_forms",
    "volume",
    "issue",
    "pages",
    "publisher",
    "publisher_place",
    "venue",
    "entry_type",
    "date",
    "date_precision",
    "doi",
    "url",
    "abstract",
)

NAMES_BIB = r"""@inproceedings{cruys2020,
  title = {Probing Multilingual {BERT} in {New York}},
  author = {Van de Cruys, Tim and {Hugging Face} and Grenier Ouimet, Antoine},
  editor = {Dobnikar, Andrej and Lotri{\v c}, Uro{\v s}},
  booktitle = {Proceedings of Things},
  volume = {3},
  number = {2},
  pages = {21--30},
  publisher = {Springer},
  address = {Berlin, Heidelberg},
  year = {2020},
  file = {:pdf/cruys.pdf:PDF},
}

@book{edited2019,
  title = {Collected Works},
  editor = {von Neumann, John and L{\'o}pez de Prado, Marcos},
  publisher = {Example Press},
  year = {2019},
}
"""


def kept(p: Paper) -> dict[str, object]:
    return {name: getattr(p, name) for name in KEPT}


def json_copy(papers: list[Paper], tmp_path: Path) -> list[Paper]:
    """The papers exported to JSON in another folder and read back from there."""
    path = tmp_path / "elsewhere" / "copy.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(export_papers(papers, "json"), encoding="utf-8")
    result = read_file(path, AS_OF)
    assert result.problems == []
    return list(result.papers)


def apa(papers: list[Paper]) -> list[str]:
    style = load_style("apa")
    return [references([p], style)[0] for p in papers]


def names_papers(tmp_path: Path) -> list[Paper]:
    bib = tmp_path / "names.bib"
    bib.write_text(NAMES_BIB, encoding="utf-8")
    return list(read_file(bib, AS_OF).papers)


def test_a_paper_in_edited_proceedings_is_cited_the_same_from_its_json_copy(
    tmp_path: Path,
) -> None:
    # From the JSON copy APA printed "Van de Cruys, T., Face, H., & Ouimet, A. G. (2020).
    # ... Proceedings of Things.": the organisation split, family names lost, and the
    # editors, volume, pages and publisher gone.
    original = names_papers(tmp_path)
    again = json_copy(original, tmp_path)
    assert [kept(p) for p in again] == [kept(p) for p in original]
    assert apa(again) == apa(original)
    assert apa(again)[0] == (
        "Van de Cruys, T., Hugging Face, & Grenier Ouimet, A. (2020). Probing multilingual "
        "BERT in New York. In A. Dobnikar & U. Lotrič (Eds.), Proceedings of Things "
        "(Vol. 3, Issue 2, pp. 21–30). Springer."
    )


def test_an_edited_book_stays_edited_in_its_json_copy(tmp_path: Path) -> None:
    # It came back authored: "von Neumann, J., & de Prado, M. L. (2019)", RIS BOOK not EDBOOK.
    book = names_papers(tmp_path)[1]
    (again,) = json_copy([book], tmp_path)
    assert again.is_edited and again.editors == ("John von Neumann", "Marcos López de Prado")
    assert apa([again]) == [
        "von Neumann, J., & López de Prado, M. (Eds.). (2019). Collected works. Example Press."
    ]
    assert "TY  - EDBOOK\n" in export_papers([again], "ris")


def test_the_json_copy_keeps_the_files_found_from_anywhere(tmp_path: Path) -> None:
    original = names_papers(tmp_path)
    again = json_copy(original, tmp_path)
    assert again[0].files == (str(tmp_path / "pdf" / "cruys.pdf"),)
    assert again[1].files == ()


def test_the_json_export_writes_plain_keys() -> None:
    (record,) = json.loads(export_papers([PLAIN], "json"))["papers"]
    assert record["editors"] == ["Ann Editor", "Acme Labs"]
    assert record["literal_names"] == ["Acme Labs"]
    assert record["family_names"] == {"Antoine Grenier Ouimet": "Grenier Ouimet"}
    assert (record["volume"], record["issue"], record["pages"]) == ("3", "2", "21–30")
    assert (record["publisher"], record["publisher_place"]) == ("Springer", "Berlin")
    assert record["title_kept"] == [[0, 4]]
    assert record["files"] == ["/abs/a.pdf"]


PLAIN = paper(
    "BERT and more",
    2020,
    title_kept=((0, 4),),
    authors=("Antoine Grenier Ouimet",),
    editors=("Ann Editor", "Acme Labs"),
    name_forms=("Acme Labs", ("Antoine Grenier Ouimet", "Grenier Ouimet")),
    volume="3",
    issue="2",
    pages="21–30",
    publisher="Springer",
    publisher_place="Berlin",
    files=("/abs/a.pdf",),
)


def test_every_biblatex_example_reads_back_from_json_and_is_cited_the_same(
    corpus: Path, tmp_path: Path
) -> None:
    # biblatex's own examples: edited books and collections, organisations written whole,
    # volumes, numbers, pages, publishers and places.
    original = list(read_file(corpus / "bib" / "biblatex-examples.bib", AS_OF).papers)
    assert sum(p.is_edited for p in original) >= 3 and sum(bool(p.volume) for p in original) > 20
    again = json_copy(original, tmp_path)
    assert len(again) == len(original)
    for before, after in zip(original, again, strict=True):
        assert kept(after) == kept(before), before.citekey
        assert after.files == before.anchored_files(), before.citekey
    assert apa(again) == apa(original)


def test_json_lines_read_as_rows_give_the_same_paper(tmp_path: Path) -> None:
    # A large JSON Lines file is read without making each paper (``row_of_values``): the
    # new keys must come through that way as well.
    record = json.loads(export_papers([PLAIN], "json"))["papers"][0]
    source = SourceRef(file="x.jsonl", line=1)
    made = paper_from_json(record, source)
    row = row_of_values(json_values(record, ("x.jsonl", 1)))
    assert paper_from_row(row, fast=True) == made
    assert kept(made) == kept(PLAIN) and made.files == PLAIN.files


def test_a_record_without_the_new_keys_reads_as_before() -> None:
    old = {"title": "Old Paper", "authors": ["Ann Lee"], "year": 2019, "venue": "V"}
    made = paper_from_json(old, SourceRef(file="old.jsonl", line=1))
    assert (made.editors, made.name_forms, made.title_kept, made.files) == ((), (), (), ())
    assert (made.volume, made.issue, made.pages, made.publisher) == (None, None, None, None)
    row = row_of_values(json_values(old, ("old.jsonl", 1)))
    assert paper_from_row(row, fast=True) == made


def test_a_hand_written_record_with_editors_only_is_an_edited_book() -> None:
    record = {"title": "Collected", "editors": ["Jane Doe"], "year": 2019}
    made = paper_from_json(record, SourceRef(file="h.jsonl"))
    assert made.is_edited and made.authors == ("Jane Doe",)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("editors", 5),
        ("editors", [None, {"x": 1}, 3]),
        ("literal_names", "Acme"),
        ("literal_names", [1, None, ["a"]]),
        ("family_names", ["Ann Lee", "Lee"]),
        ("family_names", {"Ann Lee": 3, "": "x"}),
        ("title_kept", [[0, 99]]),
        ("title_kept", [[3, 1], "x", [True, 2]]),
        ("title_kept", 7),
        ("files", {"path": 3}),
        ("files", ["", "a\nb", 4]),
        ("volume", {"a": 1}),
        ("pages", [1, 2]),
    ],
)
def test_bad_values_in_the_new_keys_are_read_without_and_the_paper_kept(
    key: str, value: object
) -> None:
    # Beside it, a value that is fine (read since these keys are written) is kept.
    line = json.dumps({"title": "Title", "authors": ["Ann Lee"], "issue": "2", key: value})
    result = parse_jsonl(line + "\n", "bad.jsonl")
    (made,) = result.papers
    assert made.title == "Title" and made.authors == ("Ann Lee",) and made.issue == "2"
    assert made.title_kept == () and made.files == ()


_TEXT = one_line_texts(30)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    editors=st.lists(_TEXT, min_size=1, max_size=3, unique=True),
    literal=st.booleans(),
    place=st.lists(_TEXT, min_size=5, max_size=5),
)
def test_any_editors_and_place_read_back_from_json(
    editors: list[str], literal: bool, place: list[str]
) -> None:
    volume, issue, pages, publisher, publisher_place = place
    original = paper(
        "T",
        2020,
        authors=("Ann Lee",),
        editors=tuple(editors),
        name_forms=(editors[0],) if literal else (),
        volume=volume,
        issue=issue,
        pages=pages,
        publisher=publisher,
        publisher_place=publisher_place,
    )
    back = parse_json(export_papers([original], "json"), "x.json")
    assert back.problems == []
    assert [kept(p) for p in back.papers] == [kept(original)]


def test_the_bibtex_of_the_json_copy_is_the_bibtex_of_the_original(tmp_path: Path) -> None:
    original = names_papers(tmp_path)
    again = json_copy(original, tmp_path)
    keys = [p.citekey or "" for p in original]
    assert export_papers(again, "bibtex") == export_papers(original, "bibtex")
    assert [p.citekey for p in parse_bibtex(export_papers(again, "bibtex"), "b.bib").papers] == (
        keys
    )
