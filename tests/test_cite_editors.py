"""A paper in a book or proceedings keeps the book's editors, publisher and place: read
from BibTeX, CSL-JSON and RIS, printed in references, and written to every export that has
a place for them (so they read back the same)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from paperbrowse.core.cite.references import references
from paperbrowse.core.cite.styles import load_style
from paperbrowse.core.formats import read_file
from paperbrowse.core.formats.bibtex import parse_bibtex
from paperbrowse.core.formats.export import export_papers
from paperbrowse.core.models import Paper

# As interpretable-ml-book_references.bib has it (../shared/corpus), LaTeX and all.
IN_PROCEEDINGS = r"""@inproceedings{strumbelj2011general,
  address = {Berlin, Heidelberg},
  title = {A General Method for Visualizing and Explaining Black-Box Regression Models},
  booktitle = {Adaptive and Natural Computing Algorithms},
  publisher = {Springer},
  author = {{\v S}trumbelj, Erik and Kononenko, Igor},
  editor = {Dobnikar, Andrej and Lotri{\v c}, Uro{\v s} and {\v S}ter, Branko},
  year = {2011},
  pages = {21--30},
}
"""
EDITORS = ("Andrej Dobnikar", "Uroš Lotrič", "Branko Šter")


def in_proceedings() -> Paper:
    (paper,) = parse_bibtex(IN_PROCEEDINGS, "ml.bib").papers
    return paper


def test_bibtex_gives_the_editors_publisher_and_place_apart_from_the_authors() -> None:
    paper = in_proceedings()
    assert paper.authors == ("Erik Štrumbelj", "Igor Kononenko")
    assert paper.editors == EDITORS
    assert (paper.venue, paper.publisher, paper.publisher_place) == (
        "Adaptive and Natural Computing Algorithms",
        "Springer",
        "Berlin, Heidelberg",
    )


def test_an_edited_book_without_authors_keeps_its_editors_as_its_authors() -> None:
    (book,) = parse_bibtex("@book{b, title={B}, editor={Lucas, D. W.}, year=1968}", "b.bib").papers
    assert book.authors == ("D. W. Lucas",) == book.editors and book.is_edited


def test_an_edited_book_is_exported_and_cited_with_its_editors_as_editors(
    tmp_path: Path,
) -> None:
    # Its editors were written as its authors everywhere, and cited as "Doe, J. (2019)";
    # once editors, APA printed them twice ("(J. Doe, Ed.)" after the title), as CSL's
    # substitute rule forbids, and Chicago as "J. Doe" (citeproc-py's own name form).
    bib = (
        "@collection{c, editor={Doe, Jane}, title={The Collected Works}, "
        "publisher={Example Press}, year={2019}}"
    )
    (book,) = parse_bibtex(bib, "c.bib").papers
    for fmt in ("bibtex", "biblatex"):
        text = export_papers([book], fmt)
        assert "editor = {Jane Doe}" in text and "author" not in text
        assert "publisher = {Example Press}" in text and "howpublished" not in text
        (again,) = parse_bibtex(text, "again.bib").papers
        assert again.is_edited
    path = tmp_path / "c.json"
    path.write_text(export_papers([book], "csl-json"), encoding="utf-8")
    assert '"author"' not in path.read_text(encoding="utf-8")
    (again,) = read_file(path, dt.date(2025, 1, 1)).papers
    assert again.is_edited
    path = tmp_path / "c.ris"
    path.write_text(export_papers([book], "ris"), encoding="utf-8")
    assert "TY  - EDBOOK\n" in path.read_text(encoding="utf-8")  # (whose AU are its editors)
    (again,) = read_file(path, dt.date(2025, 1, 1)).papers
    assert again.is_edited and again.publisher == "Example Press"
    cited = {name: references([book], load_style(name))[0] for name in ("apa", "chicago", "mla")}
    assert cited["apa"] == "Doe, J. (Ed.). (2019). The collected works. Example Press."
    assert cited["chicago"] == "Doe, Jane, ed. 2019. The Collected Works. Example Press."
    assert cited["mla"] == "Doe, Jane, editor. The Collected Works. Example Press, 2019."


@pytest.mark.parametrize(("fmt", "suffix"), [("csl-json", ".json"), ("ris", ".ris")])
def test_csl_json_and_ris_exports_read_back_with_the_editors(
    tmp_path: Path, fmt: str, suffix: str
) -> None:
    path = tmp_path / f"out{suffix}"
    path.write_text(export_papers([in_proceedings()], fmt), encoding="utf-8")
    (again,) = read_file(path, dt.date(2025, 1, 1)).papers
    assert again.editors == EDITORS
    assert (again.publisher, again.publisher_place) == ("Springer", "Berlin, Heidelberg")


@pytest.mark.parametrize(("fmt", "place_field"), [("bibtex", "address"), ("biblatex", "location")])
def test_bibtex_and_biblatex_exports_write_the_editors_and_read_back(
    fmt: str, place_field: str
) -> None:
    text = export_papers([in_proceedings()], fmt)
    assert "editor = {Andrej Dobnikar and Uroš Lotrič and Branko Šter}" in text
    assert f"{place_field} = {{Berlin, Heidelberg}}" in text
    (again,) = parse_bibtex(text, "again.bib").papers
    assert again.editors == EDITORS and again.publisher == "Springer"


def test_a_book_s_publisher_is_written_once() -> None:
    (book,) = parse_bibtex("@book{b, title={B}, author={Ann Lee}, publisher={P}}", "b.bib").papers
    assert export_papers([book], "bibtex").count("publisher =") == 1
    assert export_papers([book], "ris").count("PB  - ") == 1


def test_apa_names_the_editors_of_the_proceedings_with_a_capital_eds() -> None:
    # APA 7 §10.3: "In A. Editor & B. Editor (Eds.), Book (pp. 21–30). Publisher."
    (entry,) = references([in_proceedings()], load_style("apa"))
    assert "In A. Dobnikar, U. Lotrič, & B. Šter (Eds.), Adaptive and Natural" in entry
    assert entry.endswith("Computing Algorithms (pp. 21–30). Springer.")


def test_ieee_prints_no_publisher_for_a_paper_in_proceedings_without_editors() -> None:
    """IEEE's guide: "in Proc. IOOC-ECOC, 1985, pp. 585–590"; with editors, the paper is in
    a book and the book's place and publisher are printed ("Berlin, Heidelberg: Springer")."""
    paper = in_proceedings()
    (plain,) = references([paper.model_copy(update={"editors": ()})], load_style("ieee"))
    assert "Springer" not in plain and "Berlin" not in plain
    (edited,) = references([paper], load_style("ieee"))
    assert "Eds., Berlin, Heidelberg: Springer, 2011, pp. 21–30." in edited


def test_a_paper_read_twice_keeps_the_editors_the_other_copy_gives(tmp_path: Path) -> None:
    from paperbrowse.core.library import load

    bare = tmp_path / "a.bib"
    bare.write_text(
        "@inproceedings{s, title={A General Method for Visualizing and Explaining Black-Box "
        "Regression Models}, author={Erik Štrumbelj}, booktitle={Adaptive and Natural Computing "
        "Algorithms}, year=2011}\n",
        encoding="utf-8",
    )
    full = tmp_path / "b.bib"
    full.write_text(IN_PROCEEDINGS, encoding="utf-8")
    (paper,) = load(bare, full).papers
    assert paper.editors == EDITORS and paper.publisher == "Springer"


def test_a_collection_with_an_author_keeps_its_author_through_ris(tmp_path: Path) -> None:
    bib = "@collection{a, title={T}, author={Roe, Rich}, editor={Doe, Jane}, year=2020}"
    (paper,) = parse_bibtex(bib, "a.bib").papers
    path = tmp_path / "a.ris"
    path.write_text(export_papers([paper], "ris"), encoding="utf-8")
    (again,) = read_file(path, dt.date(2025, 1, 1)).papers
    assert again.authors == ("Rich Roe",) and not again.is_edited


SORTED = """
@book{e1, title={Aaa Works}, editor={Doe, Jane and Roe, Rich}, year=2019, publisher={Pub}}
@book{e3, title={Bbb Works}, editor={Adams, Zed}, year=2019, publisher={Pub}}
@book{b2, title={Ccc Book}, author={Young, Amy}, year=2019, publisher={Pub}}
"""


@pytest.mark.parametrize("style", ["acl", "chicago", "mla", "apa", "harvard"])
def test_edited_books_sort_by_their_editors_family_names(style: str) -> None:
    # (ACL sorted "Zed Adams, editor" after "Amy Young": by the given name.)
    papers = list(parse_bibtex(SORTED, "s.bib").papers)
    listed = references(papers, load_style(style))
    assert ["Adams" in r for r in listed] == [True, False, False], listed
    assert "Young" in listed[2]


def test_a_style_that_names_no_editor_for_a_book_names_them_as_its_authors() -> None:
    papers = list(parse_bibtex(SORTED, "s.bib").papers)
    listed = "\n".join(references(papers, load_style("nature")))
    assert "Adams, Z. Bbb Works" in listed and "Doe, J. & Roe, R. Aaa Works" in listed
