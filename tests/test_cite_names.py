"""References and exports keep a name's particle and suffix, and reference lists come out
in the order their style prescribes (QA's names.bib and lib.bib findings)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from paperbrowse.core.cite.references import references
from paperbrowse.core.cite.styles import load_style
from paperbrowse.core.formats import read_file
from paperbrowse.core.formats.bibtex import parse_bibtex
from paperbrowse.core.formats.csljson import name_to_csl
from paperbrowse.core.formats.export import export_papers
from paperbrowse.core.models import Paper

NAMES_BIB = """
@article{a1, title={One}, author={van der Berg, Anne}, journal={J}, year={2020}, pages={1--20}}
@article{a2, title={Two}, author={Smith, Jr., John}, journal={J}, year={2020}, pages={100--120}}
@article{a3, title={Three}, author={Ludwig van Beethoven and de la Fontaine, Jean},
  journal={J}, year={2020}, pages={95--105}}
"""


def names_papers() -> list[Paper]:
    return list(parse_bibtex(NAMES_BIB, "names.bib").papers)


def cited(style: str) -> str:
    return "\n".join(references(names_papers(), load_style(style)))


def test_apa_keeps_particles_with_the_family_name_and_the_suffix_last() -> None:
    text = cited("apa")
    assert "van der Berg, A. (2020)" in text
    assert "Smith, J., Jr. (2020)" in text
    assert "van Beethoven, L., & de la Fontaine, J. (2020)" in text
    assert " . " not in text and "Jr., J." not in text


def test_ieee_and_chicago_print_particles_as_their_styles_say() -> None:
    ieee = cited("ieee")
    assert "A. van der Berg," in ieee
    assert "J. Smith Jr.," in ieee
    # Chicago demotes the particle in the inverted first name ("Berg, Anne van der").
    assert "Berg, Anne van der." in cited("chicago")


def test_csl_json_export_keeps_the_name_parts() -> None:
    items = json.loads(export_papers(names_papers(), "csl-json"))
    authors = [name for item in items for name in item["author"]]
    assert {"family": "Berg", "given": "Anne", "non-dropping-particle": "van der"} in authors
    assert {"family": "Smith", "given": "John", "suffix": "Jr."} in authors
    assert {"family": "Fontaine", "given": "Jean", "non-dropping-particle": "de la"} in authors


def test_ris_and_bibtex_exports_write_the_suffix_where_their_readers_expect_it() -> None:
    ris = export_papers(names_papers(), "ris")
    assert "AU  - Smith, John, Jr.\n" in ris
    assert "AU  - van der Berg, Anne\n" in ris
    bibtex = export_papers(names_papers(), "bibtex")
    assert "author = {Smith, Jr., John}" in bibtex
    # BibTeX reads it back as the same person.
    assert parse_bibtex(bibtex, "x.bib").papers[1].authors == ("John Smith Jr.",)


def test_organisations_are_exported_whole_as_they_are_cited(tmp_path: Path) -> None:
    # CSL-JSON's literal names came out as people ("Team, Gemini"; BibTeX's "Team, G.").
    items = [
        {
            "type": "report",
            "title": "Gemini",
            "author": [
                {"literal": "Gemini Team"},
                {"literal": "Google DeepMind"},
                {"family": "Lee", "given": "Ann"},
            ],
            "issued": {"date-parts": [[2023]]},
        },
        {"type": "report", "title": "Acme", "author": [{"literal": "The ACME Consortium"}]},
    ]
    path = tmp_path / "org.json"
    path.write_text(json.dumps(items))
    papers = list(read_file(path, dt.date(2025, 1, 1)).papers)
    csl = json.loads(export_papers(papers, "csl-json"))
    assert csl[0]["author"] == [
        {"literal": "Gemini Team"},
        {"literal": "Google DeepMind"},
        {"family": "Lee", "given": "Ann"},
    ]
    bibtex = export_papers(papers, "bibtex")
    assert "author = {{Gemini Team} and {Google DeepMind} and Ann Lee}" in bibtex
    assert [p.authors for p in parse_bibtex(bibtex, "x.bib").papers] == [p.authors for p in papers]
    ris = export_papers(papers, "ris")
    assert "AU  - The ACME Consortium\n" in ris and "AU  - Lee, Ann\n" in ris
    # A person whose surname holds such a word is split as a person.
    assert name_to_csl("Juan Soler-Company") == {"family": "Soler-Company", "given": "Juan"}
    assert "Gemini Team, Google DeepMind, & Lee, A. (2023)" in "\n".join(
        references(papers, load_style("apa"))
    )


def test_a_name_its_file_wrote_whole_stays_whole_in_every_export(tmp_path: Path) -> None:
    # No word of "Hugging Face" or "Allen AI" says organisation: BibTeX's braces, and CSL's
    # literal, do. They were exported as "Face, Hugging" (RIS, CSL) and unbraced (BibTeX,
    # read back as a person), and cited as "Face, H.".
    bib = (
        "@misc{hf, title={Transformers}, year={2020},\n"
        "  author={{Hugging Face} and Wolf, Thomas and {\\'E}mile Zola},\n"
        "  editor={{Allen AI} and Lee, Ann}}\n"
    )
    papers = list(parse_bibtex(bib, "hf.bib").papers)
    assert papers[0].authors == ("Hugging Face", "Thomas Wolf", "Émile Zola")
    bibtex = export_papers(papers, "bibtex")
    assert "author = {{Hugging Face} and Thomas Wolf and Émile Zola}" in bibtex
    assert "editor = {{Allen AI} and Ann Lee}" in bibtex
    again = list(parse_bibtex(bibtex, "again.bib").papers)
    assert again[0].literal_names == ("Hugging Face", "Allen AI")
    ris = export_papers(papers, "ris")
    assert "AU  - Hugging Face\n" in ris and "AU  - Wolf, Thomas\n" in ris
    assert "AU  - Zola, Émile\n" in ris
    csl = json.loads(export_papers(papers, "csl-json"))
    assert csl[0]["author"][0] == {"literal": "Hugging Face"}
    assert csl[0]["editor"] == [{"literal": "Allen AI"}, {"family": "Lee", "given": "Ann"}]
    path = tmp_path / "hf.json"
    path.write_text(json.dumps(csl))
    from_csl = list(read_file(path, dt.date(2025, 1, 1)).papers)
    assert "author = {{Hugging Face} and Thomas Wolf" in export_papers(from_csl, "bibtex")
    apa = "\n".join(references(papers, load_style("apa")))
    assert apa.startswith("Hugging Face, Wolf, T., & Zola, É. (2020)")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("danah boyd", {"family": "boyd", "given": "danah"}),  # all lower case: not a particle
        ("Marten van Schijndel", {"family": "Schijndel", "given": "Marten"}),
        ("Plato", {"literal": "Plato"}),
        ("Smith, Jr.", {"literal": "Smith, Jr."}),
    ],
)
def test_display_names_split_into_csl_parts(name: str, expected: dict[str, str]) -> None:
    from paperbrowse.core.formats.names import name_parts

    assert expected.items() <= name_parts(name).items()


# --- order ---------------------------------------------------------------------------


def two_papers() -> list[Paper]:
    bib = """
@article{mueller, title={Zeta}, author={M{\\"u}ller, J{\\"o}rg}, journal={J}, year={2021}}
@inproceedings{cohan, title={Alpha}, author={Cohan, Arman}, booktitle={Proc}, year={2020}}
"""
    return list(parse_bibtex(bib, "lib.bib").papers)


@pytest.mark.parametrize("style", ["apa", "modern-language-association", "chicago-author-date"])
def test_styles_with_a_sort_list_references_alphabetically(style: str) -> None:
    first, second = references(two_papers(), load_style(style))
    assert first.startswith("Cohan") and second.startswith("Müller")


def test_numbered_styles_keep_the_order_cited_unless_the_style_sorts() -> None:
    ieee = references(two_papers(), load_style("ieee"))
    assert ieee[0].startswith("[1] J. Müller") and ieee[1].startswith("[2] A. Cohan")
    # ACM's bibliography sorts by author and numbers the sorted list.
    acm = references(two_papers(), load_style("acm"))
    assert acm[0].startswith("[1] Arman Cohan") and acm[1].startswith("[2] Jörg Müller")


def test_accented_initials_sort_with_their_letter() -> None:
    bib = """
@article{b, title={B}, author={Zhang, Wei}, journal={J}, year={2020}}
@article{a, title={A}, author={{\\O}stergaard, S{\\o}ren}, journal={J}, year={2020}}
@article{c, title={C}, author={Berg, Anne}, journal={J}, year={2020}}
"""
    entries = references(parse_bibtex(bib, "x.bib").papers, load_style("apa"))
    assert [entry.split(",")[0] for entry in entries] == ["Berg", "Østergaard", "Zhang"]


def test_a_given_name_without_a_capital_is_kept_whole_with_no_stray_period() -> None:
    from helpers import paper

    entry = references(
        [paper("X", 2020, authors=("[i]Mal[/i] Lory", "Jean-Paul Sartre"))], load_style("apa")
    )[0]
    assert entry.startswith("Lory, [i]Mal[/i], & Sartre, J.-P. (2020)")


# --- fields ----------------------------------------------------------------------------

POETICS = """@book{aristotle:poetics, author = {Aristotle}, title = {Poetics}, date = 1968,
  editor = {Lucas, D. W.}, publisher = {Clarendon Press}, location = {Oxford}}
"""


def test_a_book_s_publisher_is_its_publisher_not_a_container(tmp_path: Path) -> None:
    book = parse_bibtex(POETICS, "biblatex-examples.bib").papers
    # APA 7 §10.2, an authored book with an editor: "Title (E. Editor, Ed.). Publisher."
    assert references(book, load_style("apa")) == [
        "Aristotle. (1968). Poetics (D. W. Lucas, Ed.). Clarendon Press."
    ]
    items = json.loads(export_papers(book, "csl-json"))
    assert items[0]["publisher"] == "Clarendon Press" and "container-title" not in items[0]
    assert "PB  - Clarendon Press" in export_papers(book, "ris")
    # Both read back with the publisher as the venue.
    for fmt, suffix in (("csl-json", ".json"), ("ris", ".ris")):
        path = tmp_path / f"out{suffix}"
        path.write_text(export_papers(book, fmt), encoding="utf-8")
        (again,) = read_file(path, dt.date(2025, 1, 1)).papers
        assert again.venue == "Clarendon Press"


def test_page_ranges_are_shortened_only_as_the_style_says() -> None:
    bib = """
@article{a, title={A}, author={Ann Aa}, journal={J}, year={2020}, pages={1--20}}
@article{b, title={B}, author={Bo Bb}, journal={J}, year={2020}, pages={100--120}}
@article{c, title={C}, author={Cy Cc}, journal={J}, year={2020}, pages={321--28}}
"""
    papers = parse_bibtex(bib, "x.bib").papers
    mla = references(papers, load_style("mla"))
    assert [entry.rsplit("pp. ", 1)[1] for entry in mla] == ["1–20.", "100–20.", "321–28."]
    apa = references(papers, load_style("apa"))  # "expanded"
    assert [entry.rsplit(", ", 1)[1] for entry in apa] == ["1–20.", "100–120.", "321–328."]


PROTECTED = r"""@article{k, title={Travel in {New York} and {M}{\"u}ller's Problem with {BERT}},
  author={Ann Lee}, journal={J}, year=2020}
"""


def test_sentence_case_keeps_what_bibtex_braces_protect() -> None:
    (protected,) = parse_bibtex(PROTECTED, "case.bib").papers
    (entry,) = references([protected], load_style("apa"))
    assert "Travel in New York and Müller's problem with BERT." in entry


def test_a_title_written_over_two_lines_keeps_its_protection() -> None:
    """Most titles in a real .bib wrap (biblatex-examples.bib): the protected words past the
    line end were lower-cased by APA, and lost from the BibTeX written back."""
    wrapped = (
        "@article{aksin, title = {Effect of immobilization on catalytic characteristics of\n"
        "      saturated {Pd-N}-heterocyclic carbenes in {Mizoroki-Heck}\n"
        '      reactions}, author={Aks{\\i}n, {\\"O}zge}, journal={J}, year=2006}\n'
    )
    (paper,) = parse_bibtex(wrapped, "wrapped.bib").papers
    (entry,) = references([paper], load_style("apa"))
    assert "saturated Pd-N-heterocyclic carbenes in Mizoroki-Heck reactions." in entry
    assert "{Pd-N}-heterocyclic carbenes in {Mizoroki-Heck} reactions}" in export_papers(
        [paper], "bibtex"
    )


def test_exports_keep_the_protection() -> None:
    papers = parse_bibtex(PROTECTED, "case.bib").papers
    bibtex = export_papers(papers, "bibtex")
    assert "title = {Travel in {New York} and {M}üller's Problem with {BERT}}" in bibtex
    assert parse_bibtex(bibtex, "again.bib").papers[0].title_kept == papers[0].title_kept
    (item,) = json.loads(export_papers(papers, "csl-json"))
    assert (
        '<span class="nocase">New York</span> and <span class="nocase">M</span>üller'
        in (item["title"])
    )


def test_braces_that_are_not_protection_protect_nothing() -> None:
    from paperbrowse.core.formats.bibvalues import kept_case_spans, tex_to_text

    for raw in (r"\emph{Deep} Learning", r"{\"U}ber Alles", r"Unbalanced } brace {", "Plain"):
        assert kept_case_spans(raw, tex_to_text(raw)[0]) == (), raw


def test_a_json_lines_title_is_printed_as_written_not_as_latex(tmp_path: Path) -> None:
    library = tmp_path / "esc.jsonl"
    record = {"title": r"Using ~tilde {braces} back\slash $x$", "authors": ["Ann Lee"]}
    library.write_text(json.dumps(record | {"year": 2020}) + "\n", encoding="utf-8")
    (plain,) = read_file(library, dt.date(2025, 1, 1)).papers
    (entry,) = references([plain], load_style("ieee"))
    assert r"Using ~tilde {braces} back\slash $x$" in entry


def test_a_title_with_every_capital_double_braced_is_sentence_cased() -> None:
    # As Zotero exports titles: the braces say nothing about which words are names.
    zotero = parse_bibtex(
        r"""@article{r, title = {"{{Why Should I Trust You}}?": {{Explaining}} the
        {{Predictions}} of {{Any Classifier}}}, author={Ann Lee}, journal={J}, year=2016}""",
        "zotero.bib",
    ).papers
    assert (
        "“Why should I trust you?”: Explaining the predictions of any classifier."
        in (references(zotero, load_style("apa"))[0])
    )


def test_csl_json_nocase_reads_back_as_kept_case(tmp_path: Path) -> None:
    papers = parse_bibtex(PROTECTED, "case.bib").papers
    path = tmp_path / "out.json"
    path.write_text(export_papers(papers, "csl-json"), encoding="utf-8")
    (again,) = read_file(path, dt.date(2025, 1, 1)).papers
    assert again.title == papers[0].title and again.title_kept == papers[0].title_kept
    assert "New York and Müller's problem" in references([again], load_style("apa"))[0]


# --- a particle written with a capital ---------------------------------------------------

# The same paper twice: BibTeX family name first, as Dutch names are written there
# ("Van der Berg"), and a JSON Lines file in reading order ("Anne van der Berg"). Which
# spelling the library keeps depends on the order the files are opened in.
VAN_DER_BERG_BIB = """@article{vdb, title={Particles},
  author={Van der Berg, Anne and Tim Van de Cruys}, journal={J}, year={2020}, doi={10.1/vdb}}
"""
VAN_DER_BERG_JSONL = {
    "title": "Particles",
    "authors": ["Anne van der Berg", "Tim Van de Cruys"],
    "year": 2020,
    "doi": "10.1/vdb",
    "venue": "J",
}


@pytest.mark.parametrize("bib_first", [True, False])
def test_a_capitalised_particle_stays_with_the_family_name_whatever_the_order(
    tmp_path: Path, bib_first: bool
) -> None:
    from paperbrowse.core.library import load

    bib, jsonl = tmp_path / "a.bib", tmp_path / "b.jsonl"
    bib.write_text(VAN_DER_BERG_BIB, encoding="utf-8")
    jsonl.write_text(json.dumps(VAN_DER_BERG_JSONL) + "\n", encoding="utf-8")
    (paper,) = load(*((bib, jsonl) if bib_first else (jsonl, bib))).papers
    apa = references([paper], load_style("apa"))[0]
    ieee = references([paper], load_style("ieee"))[0]
    # Never "der Berg, A. V." (the particle's V taken for an initial) nor "de Cruys, T. V.".
    assert apa.startswith(("Van der Berg, A., & Van de Cruys, T.", "van der Berg, A., & Van"))
    assert "A. V." not in ieee and "T. V." not in ieee
    assert ieee.startswith(("[1] A. Van der Berg and T. Van de Cruys,", "[1] A. van der Berg and"))


@pytest.mark.parametrize(
    ("name", "given", "particle"),
    [
        ("Anne Van der Berg", "Anne", "Van der"),
        ("Tim Van de Cruys", "Tim", "Van de"),
        ("Jean De la Fontaine", "Jean", "De la"),
        ("Maria De Los Angeles de la Cruz", "Maria De Los Angeles", "de la"),
    ],
)
def test_a_capitalised_particle_is_part_of_the_particle(
    name: str, given: str, particle: str
) -> None:
    from paperbrowse.core.formats.names import name_parts

    parts = name_parts(name)
    assert (parts["given"], parts["non-dropping-particle"]) == (given, particle)
