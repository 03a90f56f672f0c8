"""Plurals and simple inflections (issue 13, relevance): "graphs" finds "Graph", the phrase
"knowledge graph" finds "Knowledge Graphs", and the form as typed still comes first."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers import paper
from hypothesis import given, settings
from hypothesis import strategies as st

from paperbrowse.core.search.index import SearchIndex
from paperbrowse.core.search.stems import inflected, stem


def titles(index: SearchIndex, query: str) -> list[str]:
    return [p.title for p in index.find(query)]


GRAPHS = SearchIndex(
    [
        paper("Knowledge Graphs for question answering", 2021),
        paper("Embedding a knowledge graph", 2019),
        paper("Graphs and trees", 2020),
        paper("A graph of words", 2018),
        paper("Paragraph segmentation", 2017),
        paper("Studies of parsing", 2016, abstract="We parsed every sentence."),
    ]
)


def test_a_plural_finds_the_singular_and_the_plural_comes_first() -> None:
    assert titles(GRAPHS, "graphs ") == [
        "Knowledge Graphs for question answering",  # as typed, newest first ...
        "Graphs and trees",
        "Embedding a knowledge graph",  # ... then the other form
        "A graph of words",
    ]


def test_the_singular_finds_the_plural_below_itself() -> None:
    found = titles(GRAPHS, "graph ")
    assert found[:4] == [
        "Embedding a knowledge graph",
        "A graph of words",
        "Knowledge Graphs for question answering",
        "Graphs and trees",
    ]


def test_a_quoted_phrase_finds_its_inflected_form_below_the_exact_one() -> None:
    assert titles(GRAPHS, '"knowledge graph"') == [
        "Embedding a knowledge graph",
        "Knowledge Graphs for question answering",
    ]
    assert titles(GRAPHS, '"knowledge graphs"') == [
        "Knowledge Graphs for question answering",
        "Embedding a knowledge graph",
    ]


def test_every_word_of_a_query_may_be_inflected() -> None:
    found = titles(GRAPHS, "knowledge graphs")
    assert found[0] == "Knowledge Graphs for question answering"
    assert "Embedding a knowledge graph" in found
    assert titles(GRAPHS, "study parse ") == ["Studies of parsing"]  # title and abstract


def test_prefix_search_while_typing_still_finds_every_form() -> None:
    found = titles(GRAPHS, "grap")
    assert {"Graphs and trees", "A graph of words", "Knowledge Graphs for question answering"} <= (
        set(found)
    )
    assert set(titles(GRAPHS, '"knowledge gra')) == {
        "Knowledge Graphs for question answering",
        "Embedding a knowledge graph",
    }


def test_an_exclusion_leaves_out_every_form() -> None:
    assert titles(GRAPHS, "knowledge -graphs") == []


def test_matched_forms_are_highlighted() -> None:
    results = GRAPHS.find("graphs ")
    spans = {results[i].title: results.hit(i).spans.get("title") for i in range(len(results))}
    assert spans["A graph of words"] == ((2, 7),)
    phrase = GRAPHS.find('"knowledge graph"')
    assert phrase.hit(1).spans["title"] == ((0, 16),)  # "Knowledge Graphs", as one phrase


def test_only_inflections_count_not_words_the_stemmer_merges() -> None:
    index = SearchIndex(
        [
            paper("Experience replay"),
            paper("Organization of the lexicon"),
            paper("The universe of discourse"),
            paper("Mapping words to vectors"),
        ]
    )
    assert stem("experiment") == stem("experience")  # Snowball merges them ...
    assert titles(index, "experiment ") == []  # ... a user would not
    assert titles(index, "organs ") == []  # (while "organ" starts "organization")
    assert titles(index, "university ") == []
    assert titles(index, "maps ") == ["Mapping words to vectors"]  # a doubled consonant


def test_author_names_are_not_inflected() -> None:
    index = SearchIndex([paper("Tagging", authors=("Ann Banks",)), paper("Bank loans")])
    assert titles(index, "bank ")[0] == "Bank loans"
    assert titles(index, '"ann bank"') == []


def test_the_command_line_finds_inflections(tmp_path: Path) -> None:
    library = tmp_path / "lib.jsonl"
    rows = [{"title": "Knowledge Graphs in practice", "year": 2020}, {"title": "Parsing"}]
    library.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "paperbrowse", "search", '"knowledge graph"', str(library)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Knowledge Graphs in practice" in result.stdout
    assert "1 matching paper" in result.stdout


# -- stemming never loses an exact match ---------------------------------------------------

BASES = ("graph", "stud", "pars", "map", "model", "box", "embed", "learn", "experi", "organ")
ENDINGS = ("", "s", "es", "e", "ed", "ing", "ings", "y", "ies", "ence", "ment", "ization", "ping")
WORDS = st.builds(lambda b, e: b + e, st.sampled_from(BASES), st.sampled_from(ENDINGS)) | st.text(
    "abegilmnoprsty", min_size=1, max_size=7
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(WORDS, min_size=1, max_size=5), min_size=1, max_size=12), WORDS)
def test_stemming_never_loses_an_exact_match(title_words: list[list[str]], query: str) -> None:
    papers = [paper(" ".join(words), id=f"p{n}") for n, words in enumerate(title_words)]
    found = [p.id for p in SearchIndex(papers).find(query + " ")]
    exact = [p.id for p in papers if query in p.title.split()]
    assert set(exact) <= set(found)
    # Every paper holding the word as typed ranks above every paper that does not.
    assert set(found[: len(exact)]) == set(exact)


def test_inflected_pairs() -> None:
    assert inflected("graph", "graphs") and inflected("studies", "study")
    assert inflected("mapping", "map") and inflected("parsed", "parsing")
    assert not inflected("experiment", "experience") and not inflected("organ", "organization")
