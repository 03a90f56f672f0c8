"""biblatex's entry types (``@mvbook``, ``@collection``, ``@manual``, ``@patent``,
``@periodical`` ...) typed in CSL as pandoc's biblatex reader types them, and their
publisher kept as a publisher in references and exports (biblatex-examples.bib of the
corpus, and a real author's ``@misc`` with a publisher)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paperbrowse.core.cite.references import references
from paperbrowse.core.cite.styles import BUNDLED, load_style
from paperbrowse.core.formats.bibtex import parse_bibtex
from paperbrowse.core.formats.export import export_papers
from paperbrowse.core.library import load
from paperbrowse.core.models import Paper


def examples(corpus: Path, tmp_path: Path) -> list[Paper]:
    copy = tmp_path / "biblatex-examples.bib"
    copy.write_bytes((corpus / "bib" / "biblatex-examples.bib").read_bytes())
    return list(load(copy).papers)


def by_key(papers: list[Paper], *keys: str) -> list[Paper]:
    found = {paper.citekey: paper for paper in papers}
    return [found[key] for key in keys]


def test_biblatex_types_are_their_csl_types_with_the_publisher_as_publisher(
    corpus: Path, tmp_path: Path
) -> None:
    # They were all CSL "article" (a preprint to Harvard), the publisher as its journal.
    papers = by_key(
        examples(corpus, tmp_path),
        "knuth:ct",  # @mvbook
        "britannica",  # @collection
        "jaffe",  # @collection
        "cms",  # @manual
        "almendro",  # @patent
        "jcg",  # @periodical
    )
    items = json.loads(export_papers(papers, "csl-json"))
    assert [item["type"] for item in items] == [
        "book",
        "book",
        "book",
        "book",
        "patent",
        "article-journal",
    ]
    assert items[0]["publisher"] == "Addison-Wesley" and "container-title" not in items[0]
    assert items[3]["publisher"] == "University of Chicago Press"


@pytest.mark.parametrize("style", sorted(BUNDLED))
def test_no_biblatex_book_is_cited_as_a_preprint_or_in_its_publisher(
    corpus: Path, tmp_path: Path, style: str
) -> None:
    text = "\n".join(references(examples(corpus, tmp_path), load_style(style)))
    assert "Preprint" not in text
    assert "In Addison-Wesley" not in text and "(Ed.), Cambridge University Press" not in text


def test_the_rhetoric_an_mvbook_is_cited_as_an_edited_book() -> None:
    bib = """@mvbook{aristotle:rhetoric, author = {Aristotle},
      title = {The Rhetoric of {Aristotle}}, date = 1877, editor = {Cope, Edward Meredith},
      publisher = {Cambridge University Press}}"""
    cited = references(parse_bibtex(bib, "x.bib").papers, load_style("apa"))
    assert cited == [
        "Aristotle. (1877). The rhetoric of Aristotle (E. M. Cope, Ed.). "
        "Cambridge University Press."
    ]


def test_a_patent_s_number_is_its_patent_number(tmp_path: Path) -> None:
    bib = """@patent{sorace, author = {Sorace, Ronald E.}, title = {High-Speed Digital-to-{RF}
      Converter}, number = 5668842, date = {1997-09-16}}"""
    patents = parse_bibtex(bib, "x.bib").papers
    assert references(patents, load_style("apa")) == [
        "Sorace, R. E. (1997). High-speed digital-to-RF converter (Patent No. 5668842)."
    ]
    csl = tmp_path / "patent.json"
    csl.write_text(export_papers(patents, "csl-json"), encoding="utf-8")
    (item,) = json.loads(csl.read_text(encoding="utf-8"))
    assert (item["type"], item["number"]) == ("patent", "5668842") and "issue" not in item
    (again,) = load(csl).papers
    assert (again.entry_type, again.issue) == ("patent", "5668842")


MISC_WITH_PUBLISHER = """@misc{hastie2009elements,
  title={The elements of statistical learning: data mining, inference, and prediction},
  author={Hastie, Trevor},
  year={2009},
  publisher={Springer}
}
@mvbook{knuth:ct, author = {Knuth, Donald E.}, title = {Computers \\& Typesetting},
  date = 1984, publisher = {Addison-Wesley}, location = {Reading, Mass.}}
"""


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_a_publisher_read_back_from_bibtex_is_still_the_publisher(fmt: str) -> None:
    # Written as howpublished, the publisher of a @misc or an @mvbook came back as no one's.
    original = parse_bibtex(MISC_WITH_PUBLISHER, "references.bib").papers
    text = export_papers(original, fmt)
    assert "howpublished" not in text
    back = parse_bibtex(text, "back.bib").papers
    assert [paper.publisher for paper in back] == ["Springer", "Addison-Wesley"]
    assert [paper.venue for paper in back] == ["Springer", "Addison-Wesley"]


def test_an_ieee_patent_ends_with_its_period() -> None:
    # The bundled IEEE style left the period off a patent's reference (its guide ends
    # every reference with one: "U.S. Patent 3 624 125, Jul. 16, 1990.").
    bib = """@patent{sorace, author = {Sorace, Ronald E.}, title = {High-Speed Digital-to-{RF}
      Converter}, number = 5668842, date = {1997-09-16}}"""
    patents = parse_bibtex(bib, "x.bib").papers
    assert references(patents, load_style("ieee")) == [
        "[1] R. E. Sorace, “High-Speed Digital-to-RF Converter,” 5668842, Sep. 16, 1997."
    ]


BOOKS_IN_LANGUAGES = """@book{en, author = {Doe, Jane}, title = {The history of modern art},
  publisher = {Penguin}, year = 2010, langid = {english}}
@book{none, author = {Doe, Jane}, title = {The history of modern art},
  publisher = {Penguin}, year = 2011}
@book{de, author = {Müller, Hans}, title = {Die Geschichte der modernen Kunst},
  publisher = {Suhrkamp}, year = 2012, langid = {ngerman}}
@book{fr, author = {Dupont, Pierre}, title = {Histoire de l'art moderne},
  publisher = {Gallimard}, year = 2013, language = {langfrench}}
"""


def test_title_case_is_only_for_english_titles() -> None:
    # CSL title-cases only English items (and those that name no language: the style's
    # own, English): Nature printed "Die Geschichte Der Modernen Kunst".
    papers = parse_bibtex(BOOKS_IN_LANGUAGES, "x.bib").papers
    assert references(papers, load_style("nature")) == [
        "1. Doe, J. The History of Modern Art. (Penguin, 2010).",
        "2. Doe, J. The History of Modern Art. (Penguin, 2011).",
        "3. Müller, H. Die Geschichte der modernen Kunst. (Suhrkamp, 2012).",
        "4. Dupont, P. Histoire de l'art moderne. (Gallimard, 2013).",
    ]
    mla = references(papers, load_style("mla"))
    assert "Dupont, Pierre. Histoire de l'art moderne. Gallimard, 2013." in mla
    # APA's sentence case would lower a German title's nouns: "Die geschichte der modernen kunst".
    assert "Müller, H. (2012). Die Geschichte der modernen Kunst. Suhrkamp." in references(
        papers, load_style("apa")
    )


def test_a_csl_item_in_german_keeps_its_title_s_case(tmp_path: Path) -> None:
    csl = tmp_path / "de.json"
    csl.write_text(
        json.dumps(
            [
                {
                    "id": "de",
                    "type": "book",
                    "language": "de-DE",
                    "publisher": "Suhrkamp",
                    "title": "Die Geschichte der modernen Kunst",
                    "issued": {"date-parts": [[2012]]},
                    "author": [{"family": "Müller", "given": "Hans"}],
                },
                {
                    "id": "en",
                    "type": "book",
                    "language": "en-US",
                    "publisher": "Penguin",
                    "title": "The history of modern art",
                    "issued": {"date-parts": [[2010]]},
                    "author": [{"family": "Doe", "given": "Jane"}],
                },
            ]
        ),
        encoding="utf-8",
    )
    assert references(list(load(csl).papers), load_style("nature")) == [
        "1. Müller, H. Die Geschichte der modernen Kunst. (Suhrkamp, 2012).",
        "2. Doe, J. The History of Modern Art. (Penguin, 2010).",
    ]


def test_a_periodical_issue_is_cited_by_its_issue_title_in_its_journal() -> None:
    # biblatex's @periodical: the journal's title in ``title``, the issue's own in
    # ``issuetitle`` (the biblatex manual; pandoc's reader makes it the item's title and the
    # journal its container). The issue title was not read at all.
    bib = """@periodical{jcg, title = {Computers and Graphics}, year = 2011,
      issuetitle = {Semantic {3D} Media and Content}, volume = 35, number = 4}"""
    (issue,) = parse_bibtex(bib, "x.bib").papers
    assert (issue.title, issue.venue) == ("Semantic 3D Media and Content", "Computers and Graphics")
    assert references([issue], load_style("apa")) == [
        "Semantic 3D media and content. (2011). Computers and Graphics, 35(4)."
    ]


def test_biblatex_country_keys_are_printed_as_the_countries() -> None:
    # MLA printed a patent's biblatex location as written: "countryfr".
    bib = """@patent{almendro, author = {Almendro, Jos{\\'e} L.},
      title = {Elektromagnetisches Signalhorn}, number = {EU-29702195U}, date = 1998,
      location = {countryfr and countryuk and countryde}}
    @patent{one, author = {Doe, Jane}, title = {A widget}, number = 1, date = 1999,
      location = {countryfr}}
    @patent{unknown, author = {Roe, Rick}, title = {A gadget}, number = 2, date = 2000,
      location = {countryxx}}
    @patent{place, author = {Poe, Pat}, title = {A gizmo}, number = 3, date = 2001,
      location = {countryus and langley}}"""
    assert references(parse_bibtex(bib, "x.bib").papers, load_style("mla")) == [
        "Almendro, José L. Elektromagnetisches Signalhorn. EU-29702195U, "
        "France, United Kingdom and Germany, 1998.",
        "Doe, Jane. A Widget. no. 1, France, 1999.",
        # A place written in lower case that is no key of biblatex's stays (was dropped).
        "Poe, Pat. A Gizmo. no. 3, United States of America and langley, 2001.",
        "Roe, Rick. A Gadget. no. 2, 2000.",
    ]


@pytest.mark.parametrize(
    "language",
    ["eng", "en_GB", "English", "en-US", "USenglish", "{en}", "British English", "und", "mul"],
)
def test_an_english_title_named_by_any_common_code_is_still_cased_by_the_style(
    language: str,
) -> None:
    # Mendeley writes "language = {eng}" (ISO 639-2): read as another language, the title
    # kept its case as written and APA no longer put it in sentence case.
    bib = f"""@article{{k, author = {{Doe, Jane}}, title = {{Deep Learning For Graphs}},
      journal = {{Journal}}, year = 2020, language = {{{language}}}}}"""
    [reference] = references(parse_bibtex(bib, "x.bib").papers, load_style("apa"))
    assert "Deep learning for graphs." in reference
