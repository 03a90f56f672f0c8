"""Citations inside the library (issue 16, item 3): edges read from Semantic Scholar JSON
and CSL-JSON, matched to the library's papers by DOI then by title and year, the
``cites:`` and ``citedby:`` filters, the parse cache and duplicate merging, hostile input."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from paperbrowse.core.cache import FileKey, load_entry
from paperbrowse.core.library import Library, load
from paperbrowse.core.models import Paper
from paperbrowse.core.rows import paper_row
from paperbrowse.core.store import PaperStore

TURING = "Computing Machinery and Intelligence"


def write_json(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def titled(library: Library, title: str) -> Paper:
    return next(paper for paper in library.papers if paper.title == title)


def titles(papers: Sequence[Paper]) -> set[str]:
    return {paper.title for paper in papers}


def found(library: Library, query: str) -> set[str]:
    results = library.find(query)
    return {results[index].title for index in range(len(results))}


def problems(library: Library) -> list[str]:
    return [str(problem) for problem in library.problems]


# --- Semantic Scholar: the real sample -------------------------------------------------


@pytest.fixture
def s2_library(corpus: Path) -> Library:
    return load(corpus / "json" / "s2_Paper.json")


def test_the_real_s2_paper_cites_its_14_references_and_is_cited_by_its_1000_citations(
    s2_library: Library, corpus: Path
) -> None:
    document = json.loads((corpus / "json" / "s2_Paper.json").read_text(encoding="utf-8"))
    turing = titled(s2_library, TURING)
    graph = s2_library.citations

    cited = graph.cites(turing)
    citing = graph.cited_by(turing)

    assert titles(cited) == {record["title"] for record in document["references"]}
    assert len(citing) == 1000 == len(document["citations"])
    assert "Calculating Instruments and Machines" in titles(cited)
    # Both ways: a citing paper lists Turing among what it cites.
    first_citing = citing[0]
    assert graph.cites(first_citing) == [turing]
    assert graph.cited_by(cited[0]) == [turing]
    # Newest first.
    years = [paper.year or 0 for paper in citing]
    assert years == sorted(years, reverse=True)
    assert not s2_library.problems


def test_cites_and_citedby_filters_by_key_doi_and_id(s2_library: Library) -> None:
    turing = titled(s2_library, TURING)
    key = s2_library.keys[turing.id]
    references = titles(s2_library.citations.cites(turing))

    assert len(s2_library.find(f"cites:{key}")) == 1000
    assert found(s2_library, f"citedby:{turing.doi}") == references
    assert found(s2_library, f"citedby:https://doi.org/{turing.doi}") == references
    assert found(s2_library, f"citedby:{turing.id}") == references
    assert found(s2_library, f"citedby:{key.upper()}") == references
    # The filters combine with words and with each other.
    assert found(s2_library, f"citedby:{key} recursive") == {
        "General Recursive Functions of Natural Numbers."
    }
    assert found(s2_library, f"cites:{key} -cites:{key}") == set()


def test_a_paper_without_edges_finds_nothing_and_an_unknown_id_says_so(
    s2_library: Library,
) -> None:
    reference = titled(s2_library, "Calculating Instruments and Machines")
    key = s2_library.keys[reference.id]
    assert found(s2_library, f"citedby:{key}") == set()  # it cites nothing here

    results = s2_library.find("cites:no-such-paper")
    assert any("cites:no-such-paper: no paper here" in note for note in results.notes)
    assert len(results) == 0  # a mistyped ID listed, exported and cited the whole library
    assert len(s2_library.find("citedby:no-such-paper")) == 0


def test_a_negated_citation_filter_lists_the_papers_without_a_note(tmp_path: Path) -> None:
    # "-cites:x" in a library that records no citations lists every paper: a note that
    # no file records citations (shown as a warning) told a working search it had failed.
    path = tmp_path / "plain.jsonl"
    path.write_text(json.dumps({"title": "A paper", "year": 2020}) + "\n", encoding="utf-8")
    library = load(path)
    assert library.find("cites:x").notes and len(library.find("cites:x")) == 0
    results = library.find("-cites:x")
    assert len(results) == 1
    assert not results.notes


# --- CSL-JSON -----------------------------------------------------------------------

CSL_ITEMS: list[dict[str, Any]] = [
    {
        "id": "survey",
        "type": "article-journal",
        "title": "A survey of everything",
        "issued": {"date-parts": [[2022]]},
        "DOI": "10.1000/survey",
        "references": [
            "https://doi.org/10.1000/BERT",  # a DOI, written as a link, other case
            "elmo2018",  # the id of another item
            {"title": "Attention Is All You Need!", "issued": {"date-parts": [[2017]]}},
            {"DOI": "10.9999/not-in-this-library", "article-title": "Elsewhere", "year": 2001},
        ],
    },
    {
        "id": "bert",
        "type": "article-journal",
        "title": "BERT: pre-training of deep bidirectional transformers",
        "issued": {"date-parts": [[2019]]},
        "DOI": "10.1000/bert",
        "references": [{"title": "attention is all you need", "issued": "2017"}],
    },
    {
        "id": "elmo2018",
        "type": "paper-conference",
        "title": "Deep contextualized word representations",
        "issued": {"date-parts": [[2018]]},
    },
    {
        "id": "transformer",
        "type": "paper-conference",
        "title": "Attention is all you need",
        "issued": {"date-parts": [[2017]]},
    },
]


@pytest.fixture
def csl_library(tmp_path: Path) -> Library:
    return load(write_json(tmp_path / "library.json", CSL_ITEMS))


def test_csl_references_match_by_doi_by_id_and_by_title_and_year(csl_library: Library) -> None:
    survey = titled(csl_library, "A survey of everything")
    assert titles(csl_library.citations.cites(survey)) == {
        "BERT: pre-training of deep bidirectional transformers",
        "Deep contextualized word representations",
        "Attention is all you need",
    }
    transformer = titled(csl_library, "Attention is all you need")
    assert titles(csl_library.citations.cited_by(transformer)) == {
        "A survey of everything",
        "BERT: pre-training of deep bidirectional transformers",
    }
    assert found(csl_library, "cites:transformer") == {
        "A survey of everything",
        "BERT: pre-training of deep bidirectional transformers",
    }
    assert not csl_library.problems


def test_a_title_matches_only_in_its_year_and_never_against_another_doi(tmp_path: Path) -> None:
    items = [
        {
            "id": "citing",
            "type": "article",
            "title": "Citing paper",
            "issued": {"date-parts": [[2020]]},
            "references": [
                {"title": "Graph networks", "issued": {"date-parts": [[2015]]}},  # wrong year
                {"title": "Word vectors", "DOI": "10.1/other-edition", "issued": "2013"},
                {"title": "Introduction", "issued": "2019"},  # two papers have this title
            ],
        },
        {"id": "g", "type": "article", "title": "Graph networks", "issued": "2016"},
        {"id": "w", "type": "article", "title": "Word vectors", "issued": "2013", "DOI": "10.1/w"},
        {
            "id": "i1",
            "type": "article",
            "title": "Introduction",
            "issued": "2019",
            "author": [{"family": "Smith"}],
        },
        {
            "id": "i2",
            "type": "article",
            "title": "Introduction",
            "issued": "2019",
            "author": [{"family": "Other"}],
        },
    ]
    library = load(write_json(tmp_path / "library.json", items))
    assert len(library.papers) == 5  # the two introductions are not merged: other authors
    assert library.citations.cites(titled(library, "Citing paper")) == []


def test_a_reference_without_year_matches_the_one_paper_of_that_title(tmp_path: Path) -> None:
    items = [
        {"id": "a", "type": "article", "title": "Citing", "references": [{"title": "Cited."}]},
        {"id": "b", "type": "article", "title": "Cited", "issued": "2010"},
    ]
    library = load(write_json(tmp_path / "library.json", items))
    assert titles(library.citations.cites(titled(library, "Citing"))) == {"Cited"}


# --- hostile input --------------------------------------------------------------------


def test_edges_to_nowhere_self_citations_and_cycles(tmp_path: Path) -> None:
    items = [
        {
            "id": "a",
            "type": "article",
            "title": "Paper A",
            # B twice over (by id and by DOI), itself, works not here, an empty object.
            "references": ["b", "a", "nowhere", "10.5555/nowhere", "10.5555/B", {"note": "-"}],
        },
        {"id": "b", "type": "article", "title": "Paper B", "DOI": "10.5555/b", "references": ["a"]},
    ]
    library = load(write_json(tmp_path / "library.json", items))
    a, b = titled(library, "Paper A"), titled(library, "Paper B")
    graph = library.citations

    assert graph.cites(a) == [b]  # once, not itself, nothing for the missing ones
    assert graph.cites(b) == [a]  # the cycle is kept as it is
    assert graph.cited_by(a) == [b]
    assert graph.edge_count == 2
    assert found(library, "cites:a") == {"Paper B"}
    assert not library.problems


def test_a_references_field_of_the_wrong_type_is_one_line_and_the_rest_loads(
    tmp_path: Path,
) -> None:
    items = [
        {"id": "a", "type": "article", "title": "Numbered", "references": 42},
        {"id": "b", "type": "article", "title": "Listed", "references": ["c", 3.5, [1], None]},
        {"id": "c", "type": "article", "title": "Cited", "references": "see the appendix"},
        {"id": "d", "type": "article", "title": "Object", "references": {"DOI": "10.1/x"}},
    ]
    library = load(write_json(tmp_path / "library.json", items))

    assert len(library.papers) == 4
    lines = problems(library)
    assert len(lines) == 3, lines
    assert "item 1 (a): references is a number, not a list" in lines[0]
    assert "item 2 (b): 3 references entries not readable" in lines[1]
    assert "item 4 (d): references is an object, not a list" in lines[2]
    # CSL's own "references" variable is a note (text): read as no citations, no warning.
    assert titles(library.citations.cites(titled(library, "Listed"))) == {"Cited"}


def test_s2_references_of_the_wrong_type_are_one_line(tmp_path: Path) -> None:
    document = {
        "paperId": "p1",
        "title": "An S2 paper",
        "year": 2020,
        "references": "not a list",
        "citations": [{"citingPaper": {"paperId": "p2", "title": "A citing paper"}}, 7],
    }
    library = load(write_json(tmp_path / "s2.json", document))

    assert titles(library.papers) == {"An S2 paper", "A citing paper"}
    lines = problems(library)
    assert any("An S2 paper: references is text, not a list" in line for line in lines), lines
    assert any("An S2 paper: 1 citations entry not readable" in line for line in lines), lines
    paper = titled(library, "An S2 paper")
    assert titles(library.citations.cited_by(paper)) == {"A citing paper"}


# --- the parse cache and merging -----------------------------------------------------


def test_edges_survive_the_parse_cache(tmp_path: Path) -> None:
    padding = [
        {"id": f"pad{n}", "type": "article", "title": f"Padding paper {n}", "abstract": "x" * 200}
        for n in range(400)  # over the cache's 64 KiB: the file is cached
    ]
    path = write_json(tmp_path / "library.json", CSL_ITEMS + padding)
    first = load(path)
    key = FileKey.of(path)
    assert key is not None and first.as_of is not None
    assert load_entry(key, first.as_of) is not None

    again = load(path)  # read back from the cache
    survey = titled(again, "A survey of everything")
    assert survey.cites == titled(first, "A survey of everything").cites
    assert len(again.citations.cites(survey)) == 3


def test_a_paper_read_twice_keeps_the_citations_of_both_copies(tmp_path: Path) -> None:
    cited = [
        {"id": "x", "type": "article", "title": "Cited X", "issued": "2001"},
        {"id": "y", "type": "article", "title": "Cited Y", "issued": "2002"},
    ]
    first = [{"type": "article", "title": "Same paper", "DOI": "10.1/same", "references": ["x"]}]
    second = [
        {"type": "article", "title": "Same paper", "DOI": "10.1/SAME", "references": ["y"]},
        {
            "type": "article",
            "title": "Later paper",
            "issued": "2020",
            "references": [{"DOI": "10.1/same"}],
        },
    ]
    library = load(
        write_json(tmp_path / "cited.json", cited),
        write_json(tmp_path / "one.json", first),
        write_json(tmp_path / "two.json", second),
    )
    same = [paper for paper in library.papers if paper.title == "Same paper"]
    assert len(same) == 1
    graph = library.citations
    assert titles(graph.cites(same[0])) == {"Cited X", "Cited Y"}
    assert titles(graph.cited_by(same[0])) == {"Later paper"}


def test_a_library_without_citations_builds_no_graph(tmp_path: Path) -> None:
    items = [{"id": "a", "type": "article", "title": "Alone"}]
    library = load(write_json(tmp_path / "library.json", items))
    graph = library.citations
    assert graph.edge_count == 0
    assert graph.cites(library.papers[0]) == [] == graph.cited_by(library.papers[0])
    assert found(library, "cites:a") == set()


def test_csl_records_in_json_lines_carry_citations_and_their_line(tmp_path: Path) -> None:
    lines = [
        {"id": "a", "type": "article", "title": "Line one", "references": ["b"]},
        {"id": "b", "type": "article", "title": "Line two", "references": {"DOI": "10.1/x"}},
    ]
    path = tmp_path / "library.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    library = load(path)

    assert titles(library.citations.cites(titled(library, "Line one"))) == {"Line two"}
    assert problems(library) == [
        f"{path}:2: references is an object, not a list; its citations are not read"
    ]


def test_resolving_citations_makes_no_paper(corpus: Path) -> None:
    """Who cites whom is read from the rows' citation fields: resolving them made every
    paper of the library (pydantic), and the store kept them all made."""
    rows = PaperStore(map(paper_row, load(corpus / "json" / "s2_Paper.json").papers))
    library = Library(papers=rows)
    assert library.citations.edge_count > 1000
    assert isinstance(library.papers, PaperStore) and library.papers.built == 0
