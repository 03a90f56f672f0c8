"""The search syntax as a user types it: words, phrases, exclusions, fields, filters."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from paperbrowse.core.search.query import Filter, Term, parse


def test_free_words_are_folded_and_the_last_is_being_typed() -> None:
    query = parse("Graph  Müller transfo")
    assert [t.words for t in query.terms] == [("graph",), ("muller",), ("transfo",)]
    assert [t.typing for t in query.terms] == [False, False, True]
    assert not any(t.required or t.negated for t in query.terms)


def test_a_trailing_space_finishes_the_last_word() -> None:
    assert not parse("graph ").terms[0].typing


def test_phrases_closed_and_still_open() -> None:
    closed = parse('"graph neural" networks').terms[0]
    assert closed == Term(("graph", "neural"), phrase=True, required=True)
    still_open = parse('"graph neu').terms[0]
    assert still_open.phrase and still_open.typing and still_open.words == ("graph", "neu")


def test_exclusions() -> None:
    query = parse('llm -survey -"small language"')
    assert [t.words for t in query.excluded] == [("survey",), ("small", "language")]
    assert query.excluded[1].phrase
    assert [t.words for t in query.free_words] == [("llm",)]


def test_a_lone_dash_and_inner_dashes() -> None:
    query = parse("self-training - t-sne")
    assert [t.words for t in query.terms] == [("self",), ("training",), ("t",), ("sne",)]
    assert not query.excluded


def test_field_terms_are_required_and_scoped() -> None:
    query = parse('author:wang title:"graph alignment" abstract:lora')
    author, title, abstract = query.terms
    assert author.fields == ("authors",) and author.required and author.words == ("wang",)
    assert title.fields == ("title",) and title.phrase and title.words == ("graph", "alignment")
    assert abstract.fields == ("abstract",) and abstract.typing


def test_filters_are_collected_with_their_values() -> None:
    query = parse("year:2022..2024 cat:CL -has:code graph")
    assert query.filters == (
        Filter("year", "2022..2024"),
        Filter("cat", "CL"),
        Filter("has", "code", negated=True),
    )
    assert [t.words for t in query.terms] == [("graph",)]


def test_a_filter_without_its_value_yet_is_ignored_quietly() -> None:
    query = parse("graph year:")
    assert query.filters == () and query.notes == ()
    assert [t.words for t in query.terms] == [("graph",)]


def test_unknown_keys_are_searched_as_words_with_a_note() -> None:
    query = parse("BERT: pre-training foo:bar")
    assert [t.words[0] for t in query.terms] == ["bert", "pre", "training", "foo", "bar"]
    assert query.notes == ("foo: is not a filter; searched as words",)
    assert parse("see https://github.com/x").notes == ()  # a link is no mistyped filter


def test_keys_registered_later_become_filters() -> None:
    assert parse("is:read", filter_keys={"is"}).filters == (Filter("is", "read"),)
    assert parse("is:read").filters == ()


def test_keys_are_case_insensitive() -> None:
    assert parse("YEAR:2024").filters == (Filter("year", "2024"),)
    assert parse("Author:Wang").terms[0].fields == ("authors",)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_parses(text: str) -> None:
    query = parse(text)
    for term in query.terms:
        assert term.words and all(term.words)
