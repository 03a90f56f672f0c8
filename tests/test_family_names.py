"""Compound family names keep their boundary where the file gave it (BibTeX's ``Grenier
Ouimet, Antoine``, CSL's family and given, RIS's ``Family, Given``): in references, keys
and every export. A paper shows its authors as display strings (``Antoine Grenier
Ouimet``), which alone were split at the last word: ``Ouimet, A. G.``, ``ouimet2020...``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from paperbrowse.core.cite.references import references
from paperbrowse.core.cite.styles import load_style
from paperbrowse.core.citekeys import citation_keys
from paperbrowse.core.formats import read_file
from paperbrowse.core.formats.bibtex import parse_bibtex
from paperbrowse.core.formats.export import export_papers
from paperbrowse.core.library import load
from paperbrowse.core.lookup.client import look_up
from paperbrowse.core.models import Paper

TODAY = dt.date(2025, 11, 24)

COMPOUND_BIB = """
@article{one, title={Teleconsultation after the crisis}, journal={J}, year={2020},
  author={Grenier Ouimet, Antoine and Del Maestro, Adrian and Garc{\\'i}a M{\\'a}rquez, Gabriel}}
@article{two, title={Particles as before}, journal={J}, year={2021},
  author={van der Berg, Anne and Van de Cruys, Tim and Smith, Jr., John}}
@article{three, title={No family given}, journal={J}, year={2019}, author={Adrian Del Maestro}}
"""


def read(text: str, path: Path) -> list[Paper]:
    path.write_text(text, encoding="utf-8")
    return list(read_file(path, TODAY).papers)


def apa(papers: list[Paper]) -> str:
    return "\n".join(references(papers, load_style("apa")))


def without_keys(papers: list[Paper]) -> list[Paper]:
    return [paper.model_copy(update={"citekey": None}) for paper in papers]


def test_a_bibtex_family_name_is_cited_keyed_and_exported_whole(tmp_path: Path) -> None:
    papers = read(COMPOUND_BIB, tmp_path / "lib.bib")
    assert papers[0].authors[0] == "Antoine Grenier Ouimet"  # shown as before
    text = apa(papers)
    assert "Grenier Ouimet, A., Del Maestro, A., & García Márquez, G. (2020)" in text
    # Particles and suffixes as before; a name written in reading order is split as before.
    assert "van der Berg, A., Van de Cruys, T., & Smith, J., Jr. (2021)" in text
    assert "Maestro, A. D. (2019)" in text


def test_keys_take_the_whole_family_name() -> None:
    papers = without_keys(list(parse_bibtex(COMPOUND_BIB, "lib.bib").papers))
    keys = citation_keys(papers)
    assert keys[0] == "grenierouimet2020teleconsultation"
    assert keys[1:] == ["berg2021particles", "maestro2019no"]  # as before
    reordered = [papers[0].model_copy(update={"authors": papers[0].authors[2:]})]
    assert citation_keys(reordered) == ["garciamarquez2020teleconsultation"]


def test_a_bibtex_export_read_again_keeps_the_family_name() -> None:
    papers = list(parse_bibtex(COMPOUND_BIB, "lib.bib").papers)
    bibtex = export_papers(papers, "bibtex")
    assert "author = {Grenier Ouimet, Antoine and Del Maestro, Adrian and" in bibtex
    assert "author = {Adrian Del Maestro}" in bibtex  # (as written: BibTeX splits it as we do)
    again = list(parse_bibtex(bibtex, "again.bib").papers)
    assert [p.authors for p in again] == [p.authors for p in papers]
    assert apa(again) == apa(papers)
    assert "Grenier Ouimet, A., Del Maestro, A." in apa(again)


def test_ris_writes_and_reads_family_comma_given(tmp_path: Path) -> None:
    papers = list(parse_bibtex(COMPOUND_BIB, "lib.bib").papers)
    ris = export_papers(papers, "ris")
    assert "AU  - Grenier Ouimet, Antoine\n" in ris
    assert "AU  - Del Maestro, Adrian\n" in ris  # was "Maestro, Adrian Del"
    assert "AU  - García Márquez, Gabriel\n" in ris
    assert "AU  - van der Berg, Anne\n" in ris and "AU  - Smith, John, Jr.\n" in ris
    assert "AU  - Maestro, Adrian Del\n" in ris  # the one written in reading order
    again = read(ris, tmp_path / "again.ris")
    assert [p.authors for p in again] == [p.authors for p in papers]
    assert "Grenier Ouimet, A., Del Maestro, A., & García Márquez, G. (2020)" in apa(again)


def test_csl_json_keeps_family_and_given_through_a_round_trip(tmp_path: Path) -> None:
    items: list[dict[str, Any]] = [
        {
            "id": "x",
            "type": "article-journal",
            "title": "Teleconsultation",
            "author": [
                {"family": "Grenier Ouimet", "given": "Antoine"},
                {"family": "Berg", "given": "Anne", "non-dropping-particle": "van der"},
                {"family": "Beethoven", "given": "Ludwig", "dropping-particle": "van"},
            ],
            "editor": [{"family": "Del Maestro", "given": "Adrian"}],
            "issued": {"date-parts": [[2020]]},
        }
    ]
    papers = read(json.dumps(items), tmp_path / "lib.json")
    assert papers[0].authors == (
        "Antoine Grenier Ouimet",
        "Anne van der Berg",
        "Ludwig van Beethoven",
    )
    written = json.loads(export_papers(papers, "csl-json"))[0]
    assert written["author"][:2] == items[0]["author"][:2]
    assert written["editor"] == items[0]["editor"]
    assert "Grenier Ouimet, A., van der Berg, A., & van Beethoven, L. (2020)" in apa(papers)
    assert "author = {Grenier Ouimet, Antoine and" in export_papers(papers, "bibtex")
    assert "editor = {Del Maestro, Adrian}" in export_papers(papers, "bibtex")


def test_a_braced_family_name_in_reading_order_is_one_family_name() -> None:
    # BibTeX's other way to write it: the braces make "Grenier Ouimet" one last name.
    bib = "@article{b, title={T}, journal={J}, year={2020}, author={Antoine {Grenier Ouimet}}}"
    papers = list(parse_bibtex(bib, "b.bib").papers)
    assert papers[0].authors == ("Antoine Grenier Ouimet",)
    assert apa(papers).startswith("Grenier Ouimet, A. (2020)")


def test_crossrefs_family_name_is_cited_and_keyed(services: list[str]) -> None:
    paper = look_up("10.2196/22081")
    assert paper.authors[0] == "Antoine Grenier Ouimet"
    assert apa([paper]).startswith("Grenier Ouimet, A., ")
    assert citation_keys(without_keys([paper]))[0].startswith("grenierouimet2020")


def test_a_reopened_library_still_knows_the_family_names(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.bib"
    filler = "".join(
        f"@article{{f{n}, title={{Filler number {n}}}, author={{Doe, Jane}}, year={{2001}},"
        f" abstract={{{'word ' * 40}}}}}\n"
        for n in range(400)
    )
    path.write_text(COMPOUND_BIB + filler, encoding="utf-8")
    assert path.stat().st_size > 64 * 1024  # (cached: ``cache.MIN_BYTES``)
    load(path, as_of=TODAY)
    monkeypatch.setattr("paperbrowse.core.formats.read_file", _not_parsed)
    again = [p for p in load(path, as_of=TODAY).papers if p.title.startswith("Tele")]
    assert "Grenier Ouimet, A., Del Maestro, A." in apa(again)


def _not_parsed(*args: object) -> None:
    raise AssertionError("parsed again: the cache was not used")


def test_a_paper_read_twice_takes_the_family_name_either_copy_gave(tmp_path: Path) -> None:
    bib = tmp_path / "a.bib"  # in reading order: no family name given
    bib.write_text(
        "@article{a, title={Teleconsultation}, journal={J}, year={2020}, doi={10.2196/22081},"
        " author={Antoine Grenier Ouimet and Guy Pare}}\n",
        encoding="utf-8",
    )
    csl = [
        {
            "type": "article-journal",
            "title": "Teleconsultation",
            "DOI": "10.2196/22081",
            "author": [
                {"family": "Grenier Ouimet", "given": "Antoine"},
                {"family": "Pare", "given": "Guy"},
            ],
            "issued": {"date-parts": [[2020]]},
        }
    ]
    (tmp_path / "b.json").write_text(json.dumps(csl), encoding="utf-8")
    papers = list(load(bib, tmp_path / "b.json", as_of=TODAY).papers)
    assert len(papers) == 1 and len(papers[0].sources) == 2
    assert apa(papers).startswith("Grenier Ouimet, A., & Pare, G. (2020)")


def test_paper_has_at_most_29_fields() -> None:
    # CPython shares one table of attribute names among a class's instances (PEP 412's
    # key-sharing dicts, ``models._share_keys``, ``rows.construct``) only up to 29
    # attributes: a 30th field made every paper's __dict__ 1,584 bytes, not 296,
    # +157 MB at 100k papers. That is why the family names share ``Paper.name_forms``
    # with the names written whole: a new piece of a paper goes into an existing field.
    assert len(Paper.model_fields) <= 29


def test_name_forms_give_both_views(tmp_path: Path) -> None:
    text = """
@article{one, title={Both kinds}, journal={J}, year={2020},
  author={{Hugging Face} and Grenier Ouimet, Antoine}}
"""
    (paper,) = read(text, tmp_path / "both.bib")
    assert paper.literal_names == ("Hugging Face",)
    assert paper.family_names == (("Antoine Grenier Ouimet", "Grenier Ouimet"),)
    assert paper.family_of("Antoine Grenier Ouimet") == "Grenier Ouimet"
    assert paper.family_of("Hugging Face") is None


def test_a_merged_paper_keeps_both_copies_name_forms(tmp_path: Path) -> None:
    from paperbrowse.core.merge import combine

    (whole,) = read(
        "@article{a, title={Same}, journal={J}, year={2020}, author={{Hugging Face}}}",
        tmp_path / "a.bib",
    )
    (family,) = read(
        "@article{b, title={Same}, journal={J}, year={2020}, author={Grenier Ouimet, Antoine}}",
        tmp_path / "b.bib",
    )
    merged = combine(whole, family)
    assert merged.literal_names == ("Hugging Face",)
    assert merged.family_of("Antoine Grenier Ouimet") == "Grenier Ouimet"


NAMES_BIB = """
@inproceedings{cruys2021, title = {Names}, booktitle = {Proceedings of the Workshop on Things},
  year = {2021},
  author = {Van de Cruys, Tim and {Hugging Face} and Grenier Ouimet, Antoine and
            Del Maestro, Adrian and De Marneffe, Marie-Catherine and van der Berg, Anne}}
"""


def bibtex_family(written: str) -> str:
    """The family name (von and last parts) BibTeX and biber read in one exported name."""
    from bibtexparser.middlewares.names import parse_single_name_into_parts

    parts = parse_single_name_into_parts(written)
    return " ".join([*parts.von, *parts.last])


@pytest.mark.parametrize("form", ["bibtex", "biblatex"])
def test_a_family_name_starting_with_a_capital_particle_is_exported_family_first(
    form: str,
) -> None:
    # "Tim Van de Cruys" was written in reading order: to BibTeX given "Tim Van", von "de",
    # family "Cruys" (biber cited and sorted it "Cruys, T. V. d.").
    papers = list(parse_bibtex(NAMES_BIB, "names.bib").papers)
    exported = export_papers(papers, form)
    assert (
        "author = {Van de Cruys, Tim and {Hugging Face} and Grenier Ouimet, Antoine and "
        "Del Maestro, Adrian and De Marneffe, Marie-Catherine and Anne van der Berg}"
    ) in exported
    names = exported.split("author = {", 1)[1].split("},\n", 1)[0].split(" and ")
    families = [bibtex_family(name) for name in names if not name.startswith("{")]
    assert families == [
        "Van de Cruys",
        "Grenier Ouimet",
        "Del Maestro",
        "De Marneffe",
        "van der Berg",
    ]
    again = list(parse_bibtex(exported, "again.bib").papers)
    assert again[0].authors == papers[0].authors
    assert apa(again) == apa(papers)


def test_a_name_in_reading_order_bibtex_would_split_elsewhere_is_exported_family_first() -> None:
    # From a source that gives names in reading order only (Semantic Scholar, arXiv): cited
    # "Van de Cruys, T.", so exported as BibTeX reads it the same.
    paper = Paper(id="x", title="T", authors=("Tim Van de Cruys", "Anne Smith"))
    exported = export_papers([paper], "bibtex")
    assert "author = {Van de Cruys, Tim and Anne Smith}" in exported
    assert apa([paper]).startswith("Van de Cruys, T., & Smith, A.")


def test_a_ris_round_trip_keeps_a_name_written_whole(tmp_path: Path) -> None:
    # RIS writes a person "Family, Given"; a name without a comma is read whole (as Zotero
    # reads it), not as a Mr Face (APA printed "Face, H.").
    papers = list(parse_bibtex(NAMES_BIB, "names.bib").papers)
    ris = export_papers(papers, "ris")
    assert "AU  - Hugging Face\n" in ris and "AU  - Van de Cruys, Tim\n" in ris
    again = read(ris, tmp_path / "again.ris")
    assert again[0].authors == papers[0].authors
    assert again[0].literal_names == ("Hugging Face",)
    assert apa(again) == apa(papers)
    assert apa(again).startswith(
        "Van de Cruys, T., Hugging Face, Grenier Ouimet, A., Del Maestro, A., "
        "De Marneffe, M.-C., & van der Berg, A. (2021)"
    )
    assert "author = {Van de Cruys, Tim and {Hugging Face} and" in export_papers(again, "bibtex")


def test_a_ris_name_without_a_comma_is_one_name(tmp_path: Path) -> None:
    ris = (
        "TY  - JOUR\nTI  - Report\nAU  - World Health Organization\nAU  - Hugging Face\n"
        "A1  - Smith, John\nED  - Allen AI\nPY  - 2020\nER  - \n"
    )
    (paper,) = read(ris, tmp_path / "who.ris")
    assert paper.authors == ("World Health Organization", "Hugging Face")
    assert paper.literal_names == ("World Health Organization", "Hugging Face", "Allen AI")
    assert apa([paper]).startswith("World Health Organization, & Hugging Face. (2020)")
