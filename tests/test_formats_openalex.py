"""OpenAlex works in: one work, a page of the API, and JSON Lines of works (a snapshot or an
export), read from responses recorded from the API (``tests/data/openalex/SOURCES.md``)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from paperbrowse.core.formats import read_file
from paperbrowse.core.library import load
from paperbrowse.core.models import Paper

DATA = Path(__file__).resolve().parent / "data" / "openalex"
WORK = DATA / "W2787899882.json"  # GET /works/https://doi.org/10.3390/publications6020015
PAGE = DATA / "works-sample-1.json"  # GET /works?sample=1
AS_OF = dt.date(2026, 12, 1)

# The recorded work's abstract, as its abstract_inverted_index places the words.
SCOAP3_ABSTRACT_START = (
    "Gigantic particle accelerators, incredibly complex detectors, an antimatter factory and"
    " the discovery of the Higgs boson\u2014this is part of what makes CERN famous. Only a few"
    " know that CERN also hosts the world largest Open Access initiative: SCOAP3."
)
SCOAP3_ABSTRACT_END = (
    "This article describes the economic principles of SCOAP3, the collaborative approach of"
    " the partnership, and finally summarizes financial results after four years of"
    " successful operation."
)


def recorded_work() -> dict[str, Any]:
    work: dict[str, Any] = json.loads(WORK.read_text("utf-8"))
    return work


def page_work() -> dict[str, Any]:
    work: dict[str, Any] = json.loads(PAGE.read_text("utf-8"))["results"][0]
    return work


def jsonl_of(path: Path, works: list[object]) -> Path:
    """Works one a line, as an OpenAlex snapshot (or an export of the API's results) holds
    them."""
    path.write_text("".join(json.dumps(work) + "\n" for work in works), "utf-8")
    return path


def assert_is_the_scoap3_paper(paper: Paper) -> None:
    assert paper.title == (
        "Converting the Literature of a Scientific Field to Open Access through Global"
        " Collaboration: The Experience of SCOAP3 in Particle Physics"
    )
    assert paper.authors == ("Alexander Kohls", "S. Mele")
    assert (paper.year, paper.date, paper.date_precision) == (2018, dt.date(2018, 4, 9), "day")
    assert paper.venue == "Publications"
    assert paper.doi == "10.3390/publications6020015"  # as the .bib reader stores a DOI
    assert paper.abstract is not None
    assert paper.abstract.startswith(SCOAP3_ABSTRACT_START)
    assert paper.abstract.endswith(SCOAP3_ABSTRACT_END)
    assert (paper.volume, paper.issue, paper.pages) == ("6", "2", "15")
    assert paper.entry_type == "article"
    assert paper.citekey is None  # the OpenAlex id is no citation key


@pytest.mark.parametrize("form", ["work.json", "works.jsonl"])
def test_a_recorded_work_loads_with_authors_year_venue_doi_and_abstract(
    form: str, tmp_path: Path
) -> None:
    """A work was read as a CSL item (it says "type"): no authors, no year, no venue, no
    DOI, no abstract, and "https://openalex.org/W2787899882" for its citation key."""
    path = WORK if form == "work.json" else jsonl_of(tmp_path / form, [recorded_work()])
    library = load(path, as_of=AS_OF)
    assert library.problems == []
    (paper,) = library.papers
    assert_is_the_scoap3_paper(paper)
    assert "openalex" not in library.key_of(paper).lower()
    assert library.key_of(paper).startswith("kohls2018")


def test_a_recorded_page_of_works_loads(tmp_path: Path) -> None:
    """A page of the API ({"meta": ..., "results": [...]}) was "this JSON holds no papers"."""
    result = read_file(PAGE, AS_OF)
    assert result.problems == []
    (paper,) = result.papers
    assert paper.title == (
        "Depression and Anxiety Among Afro-Caribbean General Practice Attenders in Britain"
    )
    assert paper.authors == ("Keith Lloyd",)
    assert paper.date == dt.date(1993, 3, 1)
    assert paper.venue == "International Journal of Social Psychiatry"
    assert paper.doi == "10.1177/002076409303900101"
    assert paper.abstract is not None
    assert paper.abstract.startswith(
        "Schizophrenia is diagnosed more frequently among Afro-Caribbeans in Britain than"
        " among white British controls."
    )
    assert paper.abstract.endswith(
        "Possible explanations for these apparently contradictory findings are discussed."
    )


BIB_OF_THE_WORK = """@article{kohls2018scoap3,
  title = {Converting the Literature of a Scientific Field to Open Access through Global
           Collaboration: The Experience of {SCOAP3} in Particle Physics},
  author = {Kohls, Alexander and Mele, Salvatore},
  journal = {Publications},
  volume = {6},
  number = {2},
  pages = {15},
  year = {2018},
  doi = {10.3390/publications6020015},
}
"""


def test_the_same_paper_in_a_bib_file_and_in_openalex_works_is_one_paper(tmp_path: Path) -> None:
    """Papers are merged by DOI: OpenAlex's "https://doi.org/10..." and the .bib file's bare
    DOI made two papers of one."""
    bib = tmp_path / "mine.bib"
    bib.write_text(BIB_OF_THE_WORK, "utf-8")
    works = jsonl_of(tmp_path / "openalex.jsonl", [recorded_work(), page_work()])
    library = load(bib, works, as_of=AS_OF)
    assert library.problems == []
    assert len(library.papers) == 2
    merged = next(p for p in library.papers if p.doi == "10.3390/publications6020015")
    assert {source.file for source in merged.sources} == {str(bib), str(works)}
    assert merged.citekey == "kohls2018scoap3"
    assert merged.abstract is not None and merged.abstract.startswith(SCOAP3_ABSTRACT_START)
    # one id, whichever file is opened first: the marks kept by it are found either way
    reopened = load(works, bib, as_of=AS_OF)
    assert {p.id for p in reopened.papers} == {p.id for p in library.papers}


def test_damaged_works_are_said_of_by_line_and_the_others_load(tmp_path: Path) -> None:
    no_title = {**recorded_work(), "title": None, "display_name": None}
    bad_authorships = {**recorded_work(), "authorships": "Alexander Kohls"}
    broken_index = {**page_work(), "abstract_inverted_index": {"Schizophrenia": "0"}}
    bad_year = {**page_work(), "publication_date": None, "publication_year": "soon"}
    path = jsonl_of(
        tmp_path / "works.jsonl",
        [no_title, bad_authorships, broken_index, [], bad_year, recorded_work()],
    )
    result = read_file(path, AS_OF)
    assert [str(problem).split("works.jsonl:")[1] for problem in result.problems] == [
        "1: record has no title; skipped",
        "2: authorships is not a list; read without authors",
        "3: abstract_inverted_index is not an index of words; read without it",
        "4: not a JSON object; skipped",
        "5: publication year 'soon' is not a year; read without one",
    ]
    kept = result.papers
    assert [p.source.line for p in kept if p.source] == [2, 3, 5, 6]
    assert kept[0].authors == () and kept[0].doi == "10.3390/publications6020015"
    assert kept[1].abstract is None and kept[1].authors == ("Keith Lloyd",)
    assert kept[2].date is None and kept[2].venue == "International Journal of Social Psychiatry"
    assert_is_the_scoap3_paper(kept[3])


def test_a_damaged_work_in_a_page_is_said_of_and_the_others_load(tmp_path: Path) -> None:
    page = json.loads(PAGE.read_text("utf-8"))
    page["results"] = [{**recorded_work(), "authorships": {"author": None}}, *page["results"]]
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page), "utf-8")
    result = read_file(path, AS_OF)
    assert [str(problem) for problem in result.problems] == [
        f"{path}: paper 1: authorships is not a list; read without authors"
    ]
    assert [p.authors for p in result.papers] == [(), ("Keith Lloyd",)]


def test_a_titles_inline_html_is_read_as_its_words_and_a_partial_date_as_a_date() -> None:
    """Found by a review: OpenAlex keeps the inline HTML its titles had from Crossref, shown
    and searched as markup; a ``publication_date`` of a year alone, with no year beside
    it, was read undated and said to be no year."""
    from paperbrowse.core.formats.openalex import openalex_values

    notes: list[str] = []
    values = openalex_values(
        {
            "title": "Growth of <i>E. coli</i> at 37&#x00B0;C &amp; CO<sub>2</sub>",
            "publication_date": "2020",
            "authorships": [],
        },
        ("works.jsonl", 1),
        notes,
    )
    assert values["title"] == "Growth of E. coli at 37°C & CO2"
    assert (values["date"], values["date_precision"], notes) == (dt.date(2020, 1, 1), "year", [])
