"""RIS: real exports load, broken records are one warning each, and exports read back."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import rispy
from bibtexparser.entrypoint import parse_string
from helpers import paper as a_paper

from paperbrowse.cli import main
from paperbrowse.core.formats import read_file
from paperbrowse.core.formats.export import export_papers
from paperbrowse.core.formats.ris import parse_ris, ris_name
from paperbrowse.core.library import load

AS_OF = dt.date(2025, 11, 24)
EXPORTS = Path(__file__).parent / "data" / "ris" / "exports.ris"


def test_springer_scopus_endnote_and_web_of_science_exports_load() -> None:
    result = read_file(EXPORTS, AS_OF)
    assert result.problems == []
    trentini, sigfridsson, specter, parkes = result.papers
    assert trentini.authors == (
        "Filippo Trentini",
        "Piero Poletti",
        "Alessia Melegaro",
        "Stefano Merler",
    )
    assert (trentini.date, trentini.venue, trentini.doi, trentini.citekey) == (
        dt.date(2019, 5, 17),
        "BMC Medicine",
        "10.1186/s12916-019-1318-5",
        "Trentini2019",
    )
    assert sigfridsson.doi == "10.1002/(SICI)1096-987X(199803)19:4<377::AID-JCC1>3.0.CO;2-P"
    assert (sigfridsson.year, sigfridsson.entry_type) == (1998, "article")
    assert (sigfridsson.volume, sigfridsson.issue, sigfridsson.pages) == ("19", "4", "377–395")
    assert (trentini.volume, trentini.issue, trentini.pages) == ("17", "1", "86")
    assert specter.title.startswith("SPECTER: Document-level") and specter.date_precision == "month"
    assert specter.entry_type == "inproceedings" and specter.source and specter.source.line == 38
    assert parkes.title.endswith(
        "core light-harvesting complex (LHl) of photosynthetic bacteria and its subunit (B820)"
    )
    assert (parkes.year, parkes.authors[0]) == (2004, "PS Parkes-Loach")


def test_a_ris_file_is_known_by_its_content_too(tmp_path: Path) -> None:
    renamed = tmp_path / "export.txt"
    renamed.write_text(EXPORTS.read_text(encoding="utf-8"), encoding="utf-8")
    assert len(read_file(renamed, AS_OF).papers) == 4


def test_broken_records_are_one_warning_each_naming_the_line_and_the_rest_loads() -> None:
    good = EXPORTS.read_text(encoding="utf-8").split("\n\n")
    text = "\n".join(
        [
            "stray text before any record",  # line 1
            "TY  - JOUR",
            "AU  - Nobody, A.",
            "PY  - 2020",
            "ER  - ",  # lines 2-5: no title
            "TY  - JOUR",
            "TI  - Unfinished record",
            "PY  - 2021",  # lines 6-8: no ER
            good[0],
        ]
    )
    result = parse_ris(text, "broken.ris")
    assert [p.title for p in result.papers][-1].startswith("The introduction of")
    assert "Unfinished record" in [p.title for p in result.papers]
    messages = [str(problem) for problem in result.problems]
    assert messages == [
        "broken.ris:1: text outside any record (no TY line before it); skipped",
        "broken.ris:2: record: record has no title (TI or T1); skipped",
        "broken.ris:6: record has no ER line; read up to the next record",
    ]


def test_ris_export_reads_back_in_rispy(corpus: Path) -> None:
    papers = load(corpus / "bib" / "interpretable-ml-book_references.bib", as_of=AS_OF).papers
    back = rispy.loads(export_papers(papers, "ris"))
    assert len(back) == len(papers)
    for paper, entry in zip(papers, back, strict=True):
        assert entry["title"] == paper.title
        assert entry.get("year") == (str(paper.year) if paper.year else None)
        assert entry.get("doi") == paper.doi
        assert len(entry.get("authors", [])) == len(paper.authors)
        assert (entry.get("volume"), entry.get("number")) == (paper.volume, paper.issue)


def test_an_abstracts_paragraphs_go_through_ris_and_back(tmp_path: Path) -> None:
    """RIS export wrote an abstract on one line, its paragraphs joined: read back, they
    were one. A blank line between them, as BibTeX has, keeps them; rispy reads every
    word; a paragraph that would read as a tag (``ER  -`` would end the record) is joined
    to the one before, as all were."""
    abstract = (
        "First paragraph, 50% of it.\n\nSecond: {Transformers} and more.\n\n"
        "ER  - is no tag here.\n\nLast one."
    )
    original = a_paper("{Transformers} for Everyone", 2021, authors=("Ann Lee",), abstract=abstract)
    text = export_papers([original], "ris")
    (entry,) = rispy.loads(text)
    assert entry["title"] == "{Transformers} for Everyone"  # (the paper's own braces: text)
    assert entry["abstract"].split() == abstract.split()
    ris = tmp_path / "one.ris"
    ris.write_text(text, encoding="utf-8")
    back = read_file(ris, AS_OF)
    assert back.problems == []
    assert [p.abstract for p in back.papers] == [
        "First paragraph, 50% of it.\n\nSecond: {Transformers} and more. ER - is no tag here."
        "\n\nLast one."
    ]


def test_a_protected_word_of_a_bibtex_title_reaches_ris_without_its_braces(
    tmp_path: Path,
) -> None:
    bib = tmp_path / "t.bib"
    bib.write_text(
        "@article{k, title = {Attention for {Transformers}}, author = {Lee, Ann}, year = 2017,"
        "\n abstract = {One\n  line.\n\n  Two {Transformers}.}}\n",
        encoding="utf-8",
    )
    text = export_papers(read_file(bib, AS_OF).papers, "ris")
    (entry,) = rispy.loads(text)
    assert entry["title"] == "Attention for Transformers"
    ris = tmp_path / "t.ris"
    ris.write_text(text, encoding="utf-8")
    (back,) = read_file(ris, AS_OF).papers
    assert (back.title, back.abstract) == (
        "Attention for Transformers",
        "One line.\n\nTwo Transformers.",
    )


def test_biblatex_export_reads_back_in_bibtexparser(corpus: Path) -> None:
    papers = load(corpus / "bib" / "interpretable-ml-book_references.bib", as_of=AS_OF).papers
    library = parse_string(export_papers(papers, "biblatex"))
    assert len(library.entries) == len(papers) and not library.failed_blocks
    for paper, entry in zip(papers, library.entries, strict=True):
        assert ("journal" not in entry.fields_dict) and ("year" not in entry.fields_dict)
        date = entry.fields_dict.get("date")
        assert (date.value[:4] if date else None) == (str(paper.year) if paper.year else None)
        doi = entry.fields_dict.get("doi")
        assert (doi.value if doi else None) == paper.doi
        names = entry.fields_dict.get("author")
        assert len(names.value.split(" and ") if names else []) == len(paper.authors) + paper.et_al


def test_the_acl_json_lines_go_through_ris_and_back_with_nothing_lost(
    corpus: Path, tmp_path: Path
) -> None:
    papers = load(corpus / "acl-anthology-2016-2021.jsonl", as_of=AS_OF).papers
    ris = tmp_path / "acl.ris"
    ris.write_text(export_papers(papers, "ris"), encoding="utf-8")
    back = read_file(ris, AS_OF)
    assert back.problems == [] and len(back.papers) == len(papers) > 20_000
    # (Not the paper id: a JSON Lines paper's id is made before its DOI is known from its
    # URL, a RIS paper's from the DOI it holds.)
    fields = ("title", "date", "date_precision", "venue", "doi", "url", "citekey")
    for before, after in zip(papers, back.papers, strict=True):
        assert [getattr(after, f) for f in fields] == [getattr(before, f) for f in fields]
        # A name stored as "Laks Lakshmanan, V.S." is family-first already: RIS reads it so.
        assert after.authors == tuple(ris_name(name) for name in before.authors)
        assert after.entry_type == (before.entry_type or "misc")  # RIS's GEN
        assert after.abstract == before.abstract  # (its paragraphs too)


def test_export_and_cite_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "refs.md"
    assert (
        main(["export", str(EXPORTS), "-f", "bibliography", "--style", "ieee", "-o", str(out)]) == 0
    )
    text = out.read_text(encoding="utf-8")
    assert text.startswith("\\[1\\] F. Trentini, P. Poletti, A. Melegaro, and S. Merler,")
    assert "*BMC Medicine*" in text
    html = tmp_path / "refs.html"
    assert main(["export", str(EXPORTS), "-f", "bibliography", "-o", str(html)]) == 0
    assert '<div class="csl-entry">Cohan, A., Feldman, S.' in html.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["cite", str(EXPORTS), "-k", "Trentini2019", "--form", "pandoc"]) == 0
    assert capsys.readouterr().out == "[@Trentini2019]\n"
    assert main(["search", "key:sigfridsson1998", str(EXPORTS), "--json"]) == 0
    assert [hit["key"] for hit in json.loads(capsys.readouterr().out)] == [
        "sigfridsson1998comparison"
    ]
