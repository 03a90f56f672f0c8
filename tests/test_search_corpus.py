"""Search over the real ACL Anthology (22,370 papers): known items, authors, filters, phrases.

The index is built once for the module (about 2 s).
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperbrowse.core.library import Library, load
from paperbrowse.core.models import Paper
from paperbrowse.core.search.index import FIELDS, field_text
from paperbrowse.core.search.tokens import casefold_decomposed

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
JSONL = CORPUS / "acl-anthology-2016-2021.jsonl"


@pytest.fixture(scope="module")
def acl() -> Library:
    if not JSONL.is_file():
        pytest.skip("../shared/corpus is not beside this checkout")
    library = load(JSONL)
    library.index  # noqa: B018 - built once for the module
    return library


def top(library: Library, query: str, count: int = 3) -> list[str]:
    return [h.paper.title for h in library.search(query, limit=count)]


@pytest.mark.parametrize(
    ("query", "title"),
    [
        (
            "porous latice transformer encoder chinese ner",
            "Porous Lattice Transformer Encoder for Chinese NER",
        ),
        (
            "discern discourse-aware entailment reasoning netwrok",
            "Discern: Discourse-Aware Entailment Reasoning Network for Conversational Machine Reading",  # noqa: E501
        ),
        (
            "clasification of moral foundations microblog",
            "Classification of Moral Foundations in Microblog Political Discourse",
        ),
        ("somm into the model", "Somm: Into the Model"),
        (
            "influence of down-sampling strategies svd embeding stability",
            "The Influence of Down-Sampling Strategies on SVD Word Embedding Stability",
        ),
        ("sketch fill persona grounded chitchat", "Sketch-Fill-A-R: A Persona-Grounded Chit-Chat"),
    ],
)
def test_known_items_with_typos(acl: Library, query: str, title: str) -> None:
    assert any(t.startswith(title) for t in top(acl, query)), top(acl, query)


def test_known_item_recall_on_random_titles(acl: Library) -> None:
    """Like the benchmark's recall figure, on 60 titles with one or two typos each."""
    rng = random.Random(11)
    found = 0
    items = 0
    while items < 60:
        paper = rng.choice(acl.papers)
        words = paper.title.split()
        long_words = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
        if len(words) < 3 or not long_words:
            continue
        for _ in range(rng.choice((1, 2))):
            i = rng.choice(long_words)
            at = rng.randrange(1, len(words[i]) - 1)
            words[i] = words[i][:at] + words[i][at + 1] + words[i][at] + words[i][at + 2 :]
        items += 1
        found += paper.id in [h.paper.id for h in acl.search(" ".join(words), limit=3)]
    assert found >= 57  # 95%


def test_author_search(acl: Library) -> None:
    hits = acl.search("yoav goldberg", limit=20)
    assert all("Yoav Goldberg" in h.paper.authors for h in hits)
    assert all("Goldberg" in h.paper.authors_text() for h in acl.search("author:goldbreg"))


def test_author_wang_is_the_wangs_not_the_hwangs(acl: Library) -> None:
    """Every paper with an author whose name has a part starting "wang", and no other:
    Seung-won Hwang's and Jena D. Hwang's papers were listed among them."""
    from paperbrowse.core.search.tokens import words

    def by_a_wang(paper: Paper) -> bool:
        return any(w.startswith("wang") for a in paper.authors for w in words(a))

    for query in ("author:wang", "author:Wang "):
        assert found(acl, query) == brute(acl, by_a_wang), query
    assert found(acl, "wang ") > brute(acl, by_a_wang)  # a plain word: inside names too


def test_popular_words_rank_titles_first(acl: Library) -> None:
    assert all("bert" in t.lower() for t in top(acl, "bert", 20))


def brute(library: Library, test: object) -> set[str]:
    return {p.id for p in library.papers if test(p)}  # type: ignore[operator]


def found(library: Library, query: str) -> set[str]:
    return {p.id for p in library.find(query)}


def test_filters_match_a_plain_scan(acl: Library) -> None:
    assert found(acl, "year:2018") == brute(acl, lambda p: p.year == 2018)
    assert found(acl, "year:2017..2019") == brute(acl, lambda p: 2017 <= (p.year or 0) <= 2019)
    emnlp = found(acl, "venue:emnlp")
    assert emnlp == brute(acl, lambda p: "emnlp" in (p.venue or "").lower())
    assert emnlp


def words_of(paper: Paper) -> str:
    fields = ("title", "authors", "abstract")
    return " ".join(casefold_decomposed(field_text(paper, f)) for f in fields)


def scan(library: Library, exact: str, inflected: str) -> set[str]:
    """Papers holding ``exact`` in any field, or ``inflected`` in titles and abstracts
    (other forms of the words count there, never in author names)."""
    as_written, forms = re.compile(exact), re.compile(inflected)
    return {
        p.id
        for p in library.papers
        if any(as_written.search(casefold_decomposed(field_text(p, f))) for f in FIELDS)
        or any(forms.search(casefold_decomposed(field_text(p, f))) for f in ("title", "abstract"))
    }


def test_phrases_match_a_plain_scan(acl: Library) -> None:
    forms = r"\bmachin(?:e|es|ed|ing)\W+translations?\b"
    expected = scan(acl, r"\bmachine\W+translation\b", forms)
    assert expected > scan(acl, r"\bmachine\W+translation\b", "^$")  # forms add papers
    assert found(acl, '"machine translation"') == expected
    reverse = scan(acl, r"\btranslation\W+machine\b", r"\btranslations?\W+machin(?:e|es|ed|ing)\b")
    assert found(acl, '"translation machine"') == reverse
    assert len(reverse) < len(expected)


def test_exclusions_match_a_plain_scan(acl: Library) -> None:
    neural = re.compile(r"\bneural")
    results = found(acl, "translation -neural")
    assert results and all(not neural.search(words_of(p)) for p in acl.papers if p.id in results)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_any_query_returns(acl: Library, text: str) -> None:
    results = acl.find(text)
    if len(results):
        results.hit(0).spans.items()
