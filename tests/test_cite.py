"""Citing: keys for every paper, key forms for LaTeX and pandoc, references in CSL styles."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from paperbrowse.cli import main
from paperbrowse.core.cite.forms import cite_keys
from paperbrowse.core.cite.polish import sentence_case
from paperbrowse.core.cite.references import references
from paperbrowse.core.cite.styles import BUNDLED, StyleError, bundled_path, load_style
from paperbrowse.core.citekeys import citation_keys, generated_key
from paperbrowse.core.formats.bibtex import parse_bibtex
from paperbrowse.core.library import load
from paperbrowse.core.models import Paper, paper_id


def paper(
    title: str, authors: tuple[str, ...] = (), year: int | None = 2024, **fields: Any
) -> Paper:
    date = dt.date(year, 1, 1) if year else None
    fields.setdefault("entry_type", "article")
    return Paper(
        id=paper_id(title, year, fields.get("doi")),
        title=title,
        authors=authors,
        date=date,
        date_precision="year",
        **fields,
    )


# --- keys ------------------------------------------------------------------------------------


def test_a_paper_without_a_key_gets_better_bibtex_s_shape() -> None:
    assert (
        generated_key(paper("Catastrophic Forgetting in Neural Networks", ("Wei Wang",)))
        == "wang2024catastrophic"
    )
    # ASCII-folded family name, "Family, Given" order, skip words, suffixes and no year.
    assert generated_key(paper("On the Müller Effect", ("Jörg Müller",))) == "muller2024muller"
    assert (
        generated_key(paper("A Study", ("Müller-Lüdenscheidt, Ö.",), None))
        == "mullerludenscheidtstudy"
    )
    assert generated_key(paper("The Dream", ("Martin Luther King Jr.",), 1963)) == "king1963dream"


def test_keys_are_the_source_s_unique_and_the_same_in_any_order() -> None:
    papers = [
        paper("Deep Learning", ("Ann Smith",), citekey="smith2024deep"),
        paper("Deep learning, again", ("Ann Smith",)),
        paper("Deep Sea", ("Bob Smith",), doi="10.1/sea"),
        paper("Other", ("X Y",), citekey="has space"),  # unusable in \cite: generated instead
    ]
    keys = citation_keys(papers)
    assert keys[0] == "smith2024deep" and keys[3] == "y2024other"
    assert sorted(keys[1:3]) == ["smith2024deepa", "smith2024deepb"]
    assert citation_keys(papers[::-1]) == keys[::-1]


def test_library_keys_do_not_depend_on_the_order_files_are_opened(tmp_path: Path) -> None:
    one, two = tmp_path / "one.bib", tmp_path / "two.bib"
    one.write_text("@article{a1, title={Deep Learning}, author={Smith, Ann}, year=2024}\n")
    two.write_text(
        "@article{b1, title={Deep Thoughts}, author={Smith, Ann}, year=2024}\n"
        "@article{b2, title={Deep Sea}, author={Smith, Bob}, year=2024}\n"
    )
    for text in (one, two):
        text.write_text(text.read_text().replace("a1", "").replace("b1", "").replace("b2", ""))
    forwards, backwards = load(one, two), load(two, one)
    assert forwards.keys == backwards.keys
    assert sorted(forwards.keys.values()) == ["smith2024deep", "smith2024deepa", "smith2024deepb"]


def test_key_filter_and_search_json_carry_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{vaswani2017attention, title={Attention Is All You Need},"
        " author={Vaswani, Ashish}, year=2017}\n"
        "@article{other, title={Attention Again}, author={Doe, Jo}, year=2019}\n"
    )
    assert main(["search", "key:vaswani", str(bib), "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert [(hit["key"], hit["title"]) for hit in hits] == [
        ("vaswani2017attention", "Attention Is All You Need")
    ]


def test_a_source_key_with_accents_is_ascii_folded() -> None:
    # Semantic Scholar's keys ("Gödel1931ÜberFU") were kept as they were: pdfLaTeX and
    # BibTeX cannot cite them.
    papers = [
        paper("Über formal", ("K. Gödel",), 1931, citekey="Gödel1931ÜberFU"),
        paper("To be", ("H. Sætra",), 2022, citekey="Sætra2022ToET"),
        paper("A title", ("J. Hagen-Zanker",), 2023, citekey="Hagen‐Zanker2023ATT"),
        paper("Same", ("B. Müller",), 2023, citekey="Müller2023X"),
        paper("Same again", ("B. Muller",), 2023, citekey="Muller2023X"),
        paper("Kanji", ("Taro Yamada",), 2020, citekey="日本"),
        paper("Deep", ("Li Wei",), 2020, citekey="李2020深度"),  # (not "2020": a review's)
    ]
    assert citation_keys(papers) == [
        "Godel1931UberFU",
        "Saetra2022ToET",
        "Hagen-Zanker2023ATT",
        "Muller2023Xa",  # the paper whose own key it is as written keeps it
        "Muller2023X",
        "yamada2020kanji",  # nothing left once folded: generated
        "wei2020deep",  # characters with no ASCII form: generated, never cut to what is left
    ]


def test_semantic_scholar_keys_are_ascii_in_exports_and_found_by_the_original(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s2 = str(corpus / "json" / "s2_Paper.json")
    assert main(["export", s2, "-f", "bibtex"]) == 0
    bibtex = capsys.readouterr().out
    entry_keys = [
        line.split("{", 1)[1].rstrip(",") for line in bibtex.splitlines() if line[:1] == "@"
    ]
    assert len(entry_keys) == 1015 and all(key.isascii() for key in entry_keys)
    assert "@misc{Godel1931UberFU," in bibtex and "@misc{Peter1937GeneralRF," in bibtex
    assert "@article{Goncalves2024LadyLO," in bibtex
    # A .tex citing the key the file gave still finds the paper, cited by the key exported.
    for asked in ("Gödel1931ÜberFU", "Godel1931UberFU"):
        assert main(["cite", s2, "--key", asked, "--form", "latex"]) == 0
        assert capsys.readouterr().out == "\\cite{Godel1931UberFU}\n"
    assert main(["search", "key:Gödel1931", s2, "--json"]) == 0
    assert [hit["key"] for hit in json.loads(capsys.readouterr().out)] == ["Godel1931UberFU"]


# --- forms -----------------------------------------------------------------------------------


def test_key_forms() -> None:
    keys = ["a", "b"]
    assert [
        cite_keys(keys, form)
        for form in ("latex", "natbib-p", "natbib-t", "pandoc", "pandoc-t", "keys")
    ] == ["\\cite{a,b}", "\\citep{a,b}", "\\citet{a,b}", "[@a; @b]", "@a; @b", "a, b"]


# --- styles ----------------------------------------------------------------------------------


def test_the_eight_styles_ship_with_their_licence() -> None:
    for name in BUNDLED:
        assert bundled_path(name).read_bytes().startswith(b"<?xml")
        load_style(name)
    licence = (bundled_path("apa").parent / "LICENSE").read_text()
    assert "Attribution-ShareAlike 3.0" in licence


def test_unknown_and_broken_styles_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{k, title={T}, author={Doe, Jo}, year=2019}\n")
    assert main(["cite", str(bib), "--style", "vancouver"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "apa, ieee, chicago-author-date" in error
    broken = tmp_path / "mine.csl"
    broken.write_text("<style><info>")
    with pytest.raises(StyleError, match="mine.csl: not a usable CSL style"):
        load_style(str(broken))
    assert main(["cite", str(bib), "--style", str(broken)]) == 2
    assert "mine.csl" in capsys.readouterr().err


# Well-formed CSL that citeproc-py reads, and fails on only when it renders: a macro the
# style does not define, a number option that is not one.
_HEAD = (
    '<?xml version="1.0"?><style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" '
    'version="1.0"><info><title>Mine</title></info><citation><layout><text variable="title"/>'
    "</layout></citation>"
)
FAILING_STYLES = {
    "macro": _HEAD + '<bibliography><layout><text macro="none"/></layout></bibliography></style>',
    "option": _HEAD + '<bibliography><layout><names variable="author"><name et-al-min="x"/>'
    "</names></layout></bibliography></style>",
}


@pytest.mark.parametrize("fault", list(FAILING_STYLES))
@pytest.mark.parametrize("command", [["cite"], ["export", "-f", "bibliography"]])
def test_a_style_that_fails_when_rendering_is_one_line_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fault: str, command: list[str]
) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{k, title={T}, author={Doe, Jo}, year=2019}\n")
    own = tmp_path / "mine.csl"
    own.write_text(FAILING_STYLES[fault])
    assert main([*command, str(bib), "--style", str(own)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and f"{own}: not a usable CSL style (" in error
    assert "internal error" not in error
    folder = tmp_path / "styles.csl"
    folder.mkdir()
    assert main([*command, str(bib), "--style", str(folder)]) == 2
    assert "styles.csl: a folder, not a style file" in capsys.readouterr().err


def test_a_style_given_as_a_file_that_is_no_style_says_what_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{k, title={T}, author={Doe, Jo}, year=2019}\n")
    (tmp_path / "styles").mkdir()
    for given, says in ((bib, "refs.bib: not a .csl file"), (tmp_path / "styles", ": a folder")):
        assert main(["cite", str(bib), "--style", str(given)]) == 2
        error = capsys.readouterr().err
        assert error.count("\n") == 1 and says in error and "unknown style" not in error


def test_a_users_own_csl_file_is_used(tmp_path: Path) -> None:
    own = tmp_path / "my-ieee.csl"
    own.write_bytes(bundled_path("ieee").read_bytes())
    text = references([paper("Title", ("Ann Smith",))], load_style(str(own)))
    assert text == ["[1] A. Smith, “Title,” 2024."]


# --- what citeproc-py's plain output lacks (styles/SOURCES.md) -------------------------------

SPECTER = paper(
    "SPECTER: Document-level Representation Learning using Citation-informed Transformers",
    ("Arman Cohan", "Sergey Feldman", "Iz Beltagy", "Doug Downey", "Daniel Weld"),
    2020,
    entry_type="inproceedings",
    doi="10.18653/v1/2020.acl-main.207",
    venue="Proceedings of the 58th Annual Meeting of the Association for Computational Linguistics",
)


def test_the_citation_number_is_set_apart_from_the_text() -> None:
    assert references([SPECTER], load_style("ieee"))[0].startswith("[1] A. Cohan,")
    assert references([SPECTER], load_style("acm"))[0].startswith("[1] Arman Cohan,")


def test_commas_and_periods_go_inside_closing_quotes_in_american_styles() -> None:
    ieee = references([SPECTER], load_style("ieee"))[0]
    assert "Transformers,” in" in ieee and "”," not in ieee
    nature = load_style("nature")  # en-GB: left as it is
    assert not nature.punctuation_in_quote


def test_apa_titles_are_in_sentence_case_acronyms_kept() -> None:
    apa = references([SPECTER], load_style("apa"))[0]
    assert (
        "SPECTER: Document-level representation learning using citation-informed transformers."
    ) in apa
    assert (
        sentence_case("GloVe: Global Vectors for Word Representation")
        == "GloVe: Global vectors for word representation"
    )
    chicago = references([SPECTER], load_style("chicago"))[0]
    assert "Representation Learning" in chicago  # other styles keep (or make) title case


def test_a_quote_inside_a_quoted_title_is_single() -> None:
    why = paper(
        '"Why Should I Trust You?": Explaining the Predictions of Any Classifier',
        ("Marco Tulio Ribeiro",),
        2016,
    )
    assert "“‘Why Should I Trust You?’: Explaining" in references([why], load_style("ieee"))[0]
    assert references([why], load_style("apa"))[0].count("“Why should I trust you?”:") == 1


def test_chicago_and_mla_keep_given_names_whole() -> None:
    assert references([SPECTER], load_style("chicago"))[0].startswith(
        "Cohan, Arman, Sergey Feldman, Iz Beltagy, Doug Downey, and Daniel Weld. 2020."
    )
    assert references([SPECTER], load_style("mla"))[0].startswith("Cohan, Arman, et al.")


def test_a_missing_field_leaves_no_stray_punctuation() -> None:
    acm = references([SPECTER], load_style("acm"))[0]
    assert ". ." not in acm and acm.endswith("https://doi.org/10.18653/v1/2020.acl-main.207")


def test_without_authors_the_title_is_printed_once() -> None:
    anonymous = paper("Annual Report on Things", (), 2020, venue="Journal of Tests")
    for name in ("apa", "chicago", "mla"):
        reference = references([anonymous], load_style(name))[0]
        assert reference.lower().count("report on things") == 1, reference


# --- awkward papers --------------------------------------------------------------------------

AWKWARD = [
    paper("No Authors Here", (), venue="Journal of Tests"),
    paper("No Year Here", ("Ann Smith",), None, venue="Journal of Tests"),
    paper("One Author", ("Jörg Müller",), venue="Journal of Tests"),
    paper(
        "Many Authors", tuple(f"Given{i} Family{i}" for i in range(25)), venue="Journal of Tests"
    ),
    paper("A Report", ("World Health Organization",), venue="Journal of Tests"),
    # LaTeX, as a BibTeX file gives it (converted when read: only BibTeX's fields are LaTeX).
    *parse_bibtex(
        r"""@article{k, title={Caf{\'e} \& Bar {BERT}}, author={J{\"u}rgen M{\"u}ller},
        journal={Proc.\ of {ACL}}, year=2024}""",
        "awkward.bib",
    ).papers,
]


@pytest.mark.parametrize("name", list(BUNDLED))
def test_awkward_papers_render_clean_in_every_style(name: str) -> None:
    entries = references(AWKWARD, load_style(name))
    assert len(entries) == len(AWKWARD)
    for entry in entries:
        assert not any(mark in entry for mark in ("\\", "{", "}", ". .", ", ,", "()", "..")), entry
    text = "\n".join(entries)
    assert "Jürgen" in text or "J. Müller" in text or "Müller, J." in text
    assert "Café & Bar BERT" in text or "Café & bar BERT" in text
    assert "World Health Organization" in text and "Organization, W." not in text


def test_apa_lists_nineteen_authors_then_the_last() -> None:
    many = references([AWKWARD[3]], load_style("apa"))[0]
    assert "Family18, G., … Family24, G. (2024)." in many and "Family19" not in many


def test_markdown_keeps_italics_and_html_is_escaped() -> None:
    markdown = references([SPECTER], load_style("apa"), "markdown")[0]
    assert "*Proceedings of the 58th Annual Meeting" in markdown
    assert "<https://doi.org/10.18653/v1/2020.acl-main.207>" in markdown
    html = references(
        [paper("Rock & Roll <3", ("Ann Smith",), venue="J")], load_style("apa"), "html"
    )[0]
    assert "Rock &amp; roll &lt;3" in html and "<i>J</i>" in html


SICI = "10.1002/(SICI)1097-4571(199006)41:6<391::AID-ASI1>3.0.CO;2-9"


@pytest.mark.parametrize("style", ["apa", "chicago"])
def test_a_markdown_reference_links_to_the_whole_address(style: str) -> None:
    """A DOI with angle brackets (SICI) or a link with parentheses, as a Markdown renderer
    follows it: the whole address, not what came before its first ``<`` or last ``)``."""
    from helpers import markdown_links

    sici = paper("Hypertext and the reader", ("Ann Lee",), 1990, venue="JASIS", doi=SICI)
    wiki = paper("Trees", ("Bo Ng",), 2020, url="https://en.wikipedia.org/wiki/Tree_(graph)")
    for cited, address in [
        (sici, f"https://doi.org/{SICI}"),
        (wiki, "https://en.wikipedia.org/wiki/Tree_(graph)"),
    ]:
        markdown = references([cited], load_style(style), "markdown")[0]
        assert markdown_links(markdown) == [address], markdown
        assert "<391" not in markdown.replace("\\<391", "")  # no bare "<": it opens HTML


def test_a_paper_with_no_type_is_typed_by_its_venue_not_as_a_preprint() -> None:
    untyped = SPECTER.model_copy(update={"entry_type": None})  # as JSON Lines give it
    chicago = references([untyped], load_style("chicago"))[0]
    assert "Preprint" not in chicago and "Proceedings of the 58th" in chicago
    journal = paper("Title", ("Ann Smith",), venue="Journal of Tests", entry_type=None)
    assert "Preprint" not in references([journal], load_style("nature"))[0]


def test_a_style_name_no_path_can_have_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{k, title={T}, author={Doe, Jo}, year=2019}\n")
    for style in ("x" * 300, "x" * 300 + ".csl"):  # (OSError: file name too long)
        assert main(["cite", str(bib), "--style", style]) == 2
        error = capsys.readouterr().err
        assert error.count("\n") == 1 and "internal error" not in error


def test_a_key_the_library_changed_still_names_its_paper(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A real file's keys ``O'D08`` (an apostrophe LaTeX cannot take) become
    ``odonnell2008topics``: ``cite --key "O'D08"``, the key a user's .tex has, said "no
    paper has the key" and cited nothing. Both keys name the paper now."""
    bib = str(corpus / "bib" / "pmlr-v75_klivans18_odonnell-bib.bib")
    for key in ("O'D08", "odonnell2008topics"):
        # (1: the file's own warnings; 2 was "no papers to cite")
        assert main(["cite", bib, "--key", key, "--form", "keys"]) == 1
        out, err = capsys.readouterr()
        assert out == "odonnell2008topics\n"
        assert "no paper has the key" not in err


def test_keys_asked_for_name_papers_by_key_file_key_id_or_doi(tmp_path: Path) -> None:
    """``cite --key`` and ``export --key`` take what a user has at hand: the library's key,
    the key the file wrote (which the library changed), the paper's id or its DOI."""
    bib = tmp_path / "lib.bib"
    bib.write_text(
        "@article{O'D08, title={Some Topics}, author={O'Donnell, Ryan}, year={2008},"
        " doi={10.1145/1374376.1374458}}\n"
        "@article{plain2020, title={Plain}, author={Doe, Jane}, year={2020}}\n",
        encoding="utf-8",
    )
    library = load(bib)
    topics = next(p for p in library.papers if p.title == "Some Topics")
    asked = ["odonnell2008topics", "o'd08", topics.id, "https://doi.org/10.1145/1374376.1374458"]
    found, missing = library.with_keys([*asked, "PLAIN2020", "nobody2020"])
    assert [p.title for p in found] == ["Some Topics"] * 4 + ["Plain"]
    assert missing == ["nobody2020"]


# A journal's name as its source writes it: title-cased already (APA, MLA and Chicago set it
# in title case), or in sentence case, which those styles title-case.
JOURNALS = [
    "npj Digital Medicine",
    "Zeitschrift für Naturforschung A",
    "Actes de la Conférence sur le Traitement Automatique des Langues Naturelles",
    "Advances in neural information processing systems",
    # One word of more than three letters in lower case: no title case of its own.
    "Quarterly journal of the Royal Meteorological Society",
    # Nor a small word in lower case after a colon, where title case capitalises one.
    "Proceedings of TextGraphs-11: the Workshop on Graph-Based Methods",
]


@pytest.mark.parametrize("style", ["apa", "mla", "chicago"])
def test_a_journal_name_written_in_title_case_is_not_recapitalised(style: str) -> None:
    # citeproc-py's title case capitalised every lowercase word of CSL 1.0.1's short list of
    # exceptions: "Npj Digital Medicine", "Zeitschrift Für Naturforschung A", "Research
    # Through Design"; "De La Conférence").
    papers = [
        paper(f"Paper {number}", ("Ann Lee",), venue=venue, volume="3")
        for number, venue in enumerate(JOURNALS)
    ]
    text = "\n".join(references(papers, load_style(style)))
    for kept in JOURNALS[:3]:
        assert kept in text
    assert "Advances in Neural Information Processing Systems" in text
    assert "Quarterly Journal of the Royal Meteorological Society" in text
    assert "TextGraphs-11: The Workshop" in text
