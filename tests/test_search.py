"""Search as a user sees it: what comes first, what is found, what is left out.

Ranking rules are checked on small libraries made for each rule, then on the
bundled profile (typo'd titles, authors, abstract-only words, filters, phrases,
exclusions). The ACL corpus has its own module (test_search_corpus.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers import paper
from hypothesis import example, given, settings
from hypothesis import strategies as st

from paperbrowse.core.library import Library, load
from paperbrowse.core.models import Paper
from paperbrowse.core.search.index import SearchIndex, SortOrder, field_text
from paperbrowse.core.search.spans import leading

AS_OF = dt.date(2025, 11, 24)


def titles(index: SearchIndex, query: str, sort: SortOrder = "relevance") -> list[str]:
    return [p.title for p in index.find(query, sort)]


@pytest.fixture(scope="module")
def seed() -> Library:
    return load(
        Path(__file__).resolve().parents[1] / "seeds" / "000_0ff2dc3448c84053.txt", as_of=AS_OF
    )


def first(library: Library, query: str) -> str:
    hits = library.search(query, limit=1)
    assert hits, f"nothing found for {query!r}"
    return hits[0].paper.title


# -- ranking rules, each on a library made for it ----------------------------------------


def test_whole_word_then_prefix_then_substring() -> None:
    index = SearchIndex(
        [
            paper("Paragraph segmentation"),
            paper("Graphs everywhere"),
            paper("Graph models"),
        ]
    )
    assert titles(index, "graph ") == [
        "Graph models",
        "Graphs everywhere",
        "Paragraph segmentation",
    ]


def test_title_then_authors_then_abstract() -> None:
    index = SearchIndex(
        [
            paper("Parsing", abstract="As Goldberg showed, parsing is hard."),
            paper("Tagging", authors=("Yoav Goldberg",)),
            paper("Goldberg's lemma"),
        ]
    )
    assert titles(index, "goldberg") == ["Goldberg's lemma", "Tagging", "Parsing"]


def test_papers_with_every_word_come_before_papers_with_some() -> None:
    index = SearchIndex(
        [
            paper("Graph neural networks for tagging"),  # three of the four words, all in the title
            paper("Tagging", abstract="graph neural networks improve parsing accuracy"),
            paper("Unrelated work on translation"),
        ]
    )
    assert titles(index, "graph neural networks parsing") == [
        "Tagging",
        "Graph neural networks for tagging",
    ]


def test_some_words_only_when_no_paper_has_them_all() -> None:
    index = SearchIndex([paper("Graph parsing"), paper("Neural tagging")])
    results = index.find("graph tagging")
    assert sorted(p.title for p in results) == ["Graph parsing", "Neural tagging"]
    assert results.notes  # says why papers without every word are shown


def test_word_order_does_not_matter() -> None:
    index = SearchIndex([paper("Neural graph networks"), paper("Networks of graphs")])
    assert titles(index, "networks neural graph")[0] == titles(index, "graph neural networks")[0]


def test_typos_are_forgiven_more_in_long_words() -> None:
    index = SearchIndex(
        [
            paper("Deep reinforcement learning"),
            paper("Transformer models"),
            paper("Machine unlearning"),
            paper("Graph models"),
        ]
    )
    assert titles(index, "reinforcment") == ["Deep reinforcement learning"]
    assert titles(index, "transfomer") == ["Transformer models"]
    assert titles(index, "unlerning") == ["Machine unlearning"]
    assert titles(index, "grpah") == ["Graph models"]  # a swap is one typo
    assert titles(index, "reinfrocmnet") == ["Deep reinforcement learning"]  # three in a long word
    assert titles(index, "gaph modls") == ["Graph models"]


def test_short_words_are_not_guessed() -> None:
    index = SearchIndex([paper("Best practices"), paper("BERT models")])
    assert titles(index, "bert ") == ["BERT models"]


def test_the_last_word_matches_as_a_prefix_while_typed() -> None:
    index = SearchIndex([paper("Quantization of LLMs"), paper("Question answering")])
    assert titles(index, "qu") == ["Quantization of LLMs", "Question answering"] or titles(
        index, "qu"
    ) == ["Question answering", "Quantization of LLMs"]
    assert titles(index, "quan") == ["Quantization of LLMs"]
    assert titles(index, "qu ") == []  # a finished two-letter word is a word, not a prefix


def test_a_typo_in_the_word_being_typed() -> None:
    index = SearchIndex([paper("Quantization of LLMs"), paper("Question answering")])
    assert titles(index, "quantis") == ["Quantization of LLMs"]
    assert titles(index, "qaunti") == ["Quantization of LLMs"]


def test_accents_fold_both_ways() -> None:
    index = SearchIndex([paper("Parsing", authors=("Thomas Müller",)), paper("Café culture")])
    assert titles(index, "muller") == ["Parsing"]
    assert titles(index, "Müller") == ["Parsing"]
    assert titles(index, "cafe") == ["Café culture"]
    assert index.find("muller").hit(0).spans == {"authors": ((7, 13),)}


def test_author_finds_a_name_from_the_start_of_its_parts_never_inside_one() -> None:
    """``author:wang`` is an author named Wang, or with a name part starting so (Wangsa),
    as with ``profile:`` and as fzf's and Zotero's users expect; "Hwang" and "Yiwang" hold
    the letters but are other people. A plain word still matches inside names."""
    index = SearchIndex(
        [
            paper("By Wei Wang", authors=("Wei Wang",)),
            paper("By Wang Wei", authors=("Wang Wei",)),
            paper("By Wangsa", authors=("Wangsa Putra",)),
            paper("By Hwang", authors=("Seung-won Hwang",)),
            paper("By Yiwang", authors=("Yiwang Chen",)),
        ]
    )
    wangs = ["By Wei Wang", "By Wang Wei", "By Wangsa"]
    for query in ("author:wang", "author:wang ", "au:Wang"):
        assert sorted(titles(index, query)) == sorted(wangs), query
    assert titles(index, "author:wang ")[-1] == "By Wangsa"  # the whole name first
    assert titles(index, "author:wang -year:2031.. ") == titles(index, "author:wang ")
    assert titles(index, "-author:wang ") == ["By Hwang", "By Yiwang"]
    assert sorted(titles(index, "wang ")) == sorted([*wangs, "By Hwang", "By Yiwang"])


def test_author_highlights_the_name_it_matched_not_one_holding_the_letters() -> None:
    index = SearchIndex([paper("Joint work", authors=("Seung-won Hwang", "Wei Wang"))])
    # "Seung-won Hwang, Wei Wang": the span is Wang (21-25), not the "wang" of Hwang.
    assert index.find("author:wang").hit(0).spans == {"authors": ((21, 25),)}
    assert index.find("wang").hit(0).spans["authors"] == ((11, 15), (21, 25))


def test_author_names_start_the_way_they_are_typed() -> None:
    names = ["Li", "Lin", "Liang", "Ali", "Colin", "Berlin", "Klinger", "Müller"]
    names += ["Benzmüller", "Keng-hao", "Zhao", "Wang Wei", "Wei Wang", "Smith", "Goldsmith"]
    index = SearchIndex([paper(name, authors=(f"Ann {name}",)) for name in names])
    wanted = {
        "author:li": ["Li", "Liang", "Lin"],  # typing: the names starting so
        "author:li ": ["Li"],  # a finished two-letter word is the name
        "author:lin ": ["Lin"],  # not Colin, Berlin, Klinger
        "author:muller": ["Müller"],  # accents folded; not Benzmüller
        "author:müller ": ["Müller"],
        "author:hao": ["Keng-hao"],  # each part of a hyphenated name; not Zhao
        "author:keng-hao": ["Keng-hao"],
        'author:"wang wei"': ["Wang Wei"],  # the words in this order
        "author:smith ": ["Smith"],  # not Goldsmith
    }
    assert {query: sorted(titles(index, query)) for query in wanted} == wanted


def test_spans_index_the_original_text() -> None:
    lee = paper("Large Language Models", authors=("Ann Lee",), abstract="We study language.")
    index = SearchIndex([lee])
    hit = index.find("languag").hit(0)
    assert hit.spans["title"] == ((6, 13),)  # the typed prefix of "Language"
    assert hit.spans["abstract"] == ((9, 16),)
    assert "authors" not in hit.spans
    phrase = index.find('"large language"').hit(0)
    assert phrase.spans == {"title": ((0, 14),)}


# -- the bundled profile -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("catastrophic failure unlerning quantisation", "Catastrophic Failure of LLM Unlearning"),
        ("bradly terry reward modelling", "Bradley-Terry and Multi-Objective Reward Modeling"),
        ("membership inferance atacks", "Image Corruption-Inspired Membership Inference Attacks"),
        (
            "colaborating small and large langauge models",
            "A Survey on Collaborating Small and Large",
        ),
        ("distribution consistensy self-training sparse", "Distribution Consistency based Self-"),
        ("unlerning", "Catastrophic Failure of LLM Unlearning"),
        ("lora fusoin cloud edge", "Can LoRA Fusion Support Cross-Domain Tasks"),
        ("agenttts", "AgentTTS: Large Language Model Agent"),
    ],
)
def test_typod_titles_come_first(seed: Library, query: str, title: str) -> None:
    assert first(seed, query).startswith(title)


def test_author_names(seed: Library) -> None:
    by_zhiwei = {p.title for p in seed.papers if "Zhiwei Zhang" in p.authors}
    hits = seed.search("zhiwei zhang", limit=None)
    assert {h.paper.title for h in hits[: len(by_zhiwei)]} == by_zhiwei
    assert [h.paper.title for h in seed.search("author:luo")] == [
        "Enhance Graph Alignment for Large Language Models"
    ]


def test_words_only_in_abstracts(seed: Library) -> None:
    assert [h.paper.title[:20] for h in seed.search("webqsp")] == ["Diagnosing and Addre"]
    assert first(seed, "VLAA-Thinking").startswith("SFT or RL?")


def test_title_matches_before_abstract_matches(seed: Library) -> None:
    hits = seed.search("graph ", limit=None)
    in_title = ["graph" in h.paper.title.lower() for h in hits]
    assert in_title == sorted(in_title, reverse=True)
    assert in_title.count(False) >= 1


def test_filters(seed: Library) -> None:
    def by(test: object) -> set[str]:
        return {p.title for p in seed.papers if test(p)}  # type: ignore[operator]

    def found(query: str) -> set[str]:
        return {p.title for p in seed.find(query)}

    assert found("year:2024") == by(lambda p: p.year == 2024)
    assert found("year:2024..2025") == by(lambda p: p.year in (2024, 2025))
    assert found("year:..2024") == by(lambda p: p.year <= 2024)
    assert found("cat:CL") == found("cat:cs.CL") == by(lambda p: p.category == "CL")
    assert found("cat:computation") == by(lambda p: p.category == "CL")
    assert found("has:code") == by(lambda p: p.has_code)
    assert found("-has:code") == by(lambda p: not p.has_code)
    assert found("cat:LG graph") == by(lambda p: p.category == "LG" and "Graph" in p.title)


def test_has_year_and_has_venue_keep_the_papers_with_one() -> None:
    # What the stats screen's "none" rows list: -has:year, -has:venue.
    from helpers import paper

    from paperbrowse.core.library import Library

    library = Library(
        papers=[
            paper("Dated at a venue", 2021, venue="ACL"),
            paper("Dated nowhere", 2022, venue="  "),
            paper("Undated at a venue", venue="EMNLP"),
            paper("Undated nowhere"),
        ]
    )

    def found(query: str) -> set[str]:
        return {p.title for p in library.find(query)}

    assert found("-has:year") == {"Undated at a venue", "Undated nowhere"}
    assert found("has:venue") == {"Dated at a venue", "Undated at a venue"}
    assert found("-has:venue") == {"Dated nowhere", "Undated nowhere"}


@pytest.mark.parametrize("query", ["year:..2021", "year:<2022", "year:<=2021", "-year:2022.."])
def test_a_year_range_open_below_keeps_no_undated_paper(query: str) -> None:
    # year:..1960 on the 71k ACL papers (none before 1969) listed the 6,067 with no year.
    from helpers import paper

    from paperbrowse.core.library import Library

    library = Library(papers=[paper("Dated", 2021), paper("Later", 2022), paper("Undated")])
    found = {p.title for p in library.find(query)}
    assert found == ({"Dated", "Undated"} if query.startswith("-") else {"Dated"})


def test_phrases(seed: Library) -> None:
    hits = seed.search('"graph self-training"')
    assert [h.paper.title[:6] for h in hits] == ["HC-GST", "Distri"]  # title, then abstract
    assert seed.search('"training self graph"') == []
    assert seed.search('"small language mod') != []  # an unfinished phrase


def test_exclusions(seed: Library) -> None:
    found = seed.find("language models -survey")
    assert found and all(
        "survey" not in field_text(p, f).lower()
        for p in found
        for f in ("title", "authors", "abstract")
    )
    without_graph = seed.find("-graph")
    assert without_graph and all(
        "graph" not in (p.title + (p.abstract or "")).lower() for p in without_graph
    )


def test_empty_query_lists_every_paper_in_the_sort_order(seed: Library) -> None:
    newest = seed.find("")
    assert len(newest) == 15
    dates = [p.date for p in newest]
    assert dates == sorted(dates, reverse=True)  # type: ignore[type-var]
    assert list(seed.find("", "relevance")) == list(newest)
    oldest = [p.date for p in seed.find("", "oldest")]
    assert oldest == sorted(oldest)  # type: ignore[type-var]
    by_title = [p.title.lower() for p in seed.find("", "title")]
    assert by_title == sorted(by_title)


def test_a_query_in_another_sort_order_keeps_the_same_papers(seed: Library) -> None:
    ranked = seed.find("graph")
    by_title = seed.find("graph", "title")
    assert sorted(p.title for p in ranked) == [p.title for p in by_title]


def test_unknown_filters_are_harmless(seed: Library) -> None:
    results = seed.find("foo:bar graph")
    assert results.notes and len(results) == 0 or all(results)
    has_nonsense = seed.find("has:nonsense graph")
    assert len(has_nonsense) == len(seed.find("graph"))
    assert "has:nonsense" in has_nonsense.notes[0]


def test_registered_filters_join_the_syntax(seed: Library) -> None:
    bookmarked = {seed.papers[0].id, seed.papers[3].id}

    def reading(value: str) -> object:
        if value == "bookmarked":
            return bookmarked
        if value == "long":
            return lambda p: len(p.title) > 80
        return None

    undo = seed.filters.register("is", reading, "is:bookmarked")  # type: ignore[arg-type]
    try:
        assert {p.id for p in seed.find("is:bookmarked")} == bookmarked
        everyone = {p.id for p in seed.papers}
        assert {p.id for p in seed.find("-is:bookmarked")} == everyone - bookmarked
        long = {p.title for p in seed.find("is:long")}
        assert long == {p.title for p in seed.papers if len(p.title) > 80}
        assert seed.find("is:whatever").notes
    finally:
        undo()
    assert seed.find("is:bookmarked").notes  # searched as words again, with a note


def test_hits_carry_scores_best_first(seed: Library) -> None:
    hits = seed.search("graph", limit=5)
    assert len(hits) == 5
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)


# -- robustness --------------------------------------------------------------------------


def test_searches_from_several_threads_agree_with_one_at_a_time(seed: Library) -> None:
    """The app searches off the UI thread and may start a new search before the last ends."""
    from concurrent.futures import ThreadPoolExecutor

    queries = [
        "gra",
        "graph",
        "graph sel",
        '"large lang',
        "-graph llm",
        "year:2024 surv",
        "zhang unlerning",
        "cat:CL has:code",
        "transfomer",
        "author:wang graph",
    ] * 5
    index = SearchIndex(seed.papers)
    index.warm_up()  # what the app may do after loading: the same answers, sooner
    alone = [[p.id for p in SearchIndex(seed.papers).find(q)] for q in queries]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda q: [p.id for p in index.find(q)], queries))
    assert together == alone


def test_a_pasted_paragraph_is_searched_by_its_first_words(seed: Library) -> None:
    abstract = seed.papers[1].abstract or ""
    results = seed.find(abstract)
    assert results[0].id == seed.papers[1].id
    assert "only the first 32 words of the query are searched" in results.notes


def test_an_empty_library() -> None:
    index = SearchIndex([])
    assert len(index.find("")) == 0 and len(index.find("graph year:2020 -x")) == 0


def test_papers_without_text() -> None:
    index = SearchIndex([Paper(id="a", title=""), paper("Graph")])
    assert titles(index, "graph") == ["Graph"]
    assert len(index.find("")) == 2


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_any_query_returns(text: str) -> None:
    index = _SMALL_INDEX
    results = index.find(text)
    for i in range(min(3, len(results))):
        hit = results.hit(i)
        for name, spans in hit.spans.items():
            size = len(field_text(hit.paper, name))
            assert all(0 <= start < end <= size for start, end in spans)
    for sort in ("newest", "oldest", "title"):
        assert len(index.find(text, sort)) == len(results)


_SMALL_INDEX = SearchIndex(
    [
        paper(
            "Graph neural networks",
            authors=("Thomas Müller", "Zoë Wang"),
            abstract="We study “graphs” — a lot.",
            date=dt.date(2020, 1, 1),
            category="CL",
            has_code=True,
        ),
        paper(
            "日本語の処理",
            authors=("山田 太郎",),
            abstract="テキスト処理",
            date=dt.date(2021, 5, 1),
        ),
        paper(
            "Straße ﬁnding: ½ of it", authors=("İlker Öztürk",), abstract="Ǆemal's ℌilbert spaces"
        ),
    ]
)


# "¼½" folds into two words whose spans touch (merged into one).
_WORDS = ["graph", "graphs", "neural", "net", "networks", "grpah", "of", "the", "læring", "研究"]
_WORDS += ["¼½", "1", "2"]


@settings(max_examples=150, deadline=None)
@given(
    abstract=st.lists(st.sampled_from(_WORDS), min_size=1, max_size=80).map(" ".join),
    query=st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3).map(" ".join),
    phrase=st.booleans(),
    reach=st.integers(1, 120),
)
# Overlapping phrase matches merge into one span reaching past the cut.
@example(abstract="graph graph graph", query="graph graph", phrase=True, reach=1)
@example(abstract="¼½", query="1 2", phrase=False, reach=1)
def test_a_rows_excerpt_spans_are_the_abstracts_first_ones(
    abstract: str, query: str, phrase: bool, reach: int
) -> None:
    """A list row asks for the spans near the abstract's first match only (the rest of
    the abstract is not read): they are the whole abstract's, cut after ``reach``."""
    index = SearchIndex([paper("Untitled", abstract=abstract)])
    results = index.find(f'"{query}"' if phrase else query)
    if not len(results):
        return
    full = results.hit(0).spans.get("abstract", ())
    near = tuple(span for span in full if span[0] < full[0][0] + reach) if full else ()
    assert leading(results.hit(0).spans, "abstract", reach) == near


WORDS = st.text(alphabet="abcn", min_size=1, max_size=7)


@settings(max_examples=150, deadline=None)
@given(
    titles_words=st.lists(st.lists(WORDS, min_size=1, max_size=4), min_size=1, max_size=12),
    typed=st.text(alphabet="abcn", min_size=3, max_size=8),
    cap=st.sampled_from([2, 3, 2000]),
)
def test_a_word_typed_letter_by_letter_finds_what_it_finds_typed_at_once(
    titles_words: list[list[str]], typed: str, cap: int
) -> None:
    """Words holding the typed word inside them are looked for among those that held it one
    letter shorter; at the cap of places kept, anew. Either way: the same papers."""
    from paperbrowse.core.search import match

    papers = [paper(" ".join(words)) for words in titles_words]
    typing = SearchIndex(papers)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(match, "SUBSTRING_CAP", cap)
        for length in range(1, len(typed) + 1):
            prefix = typed[:length]
            assert titles(typing, prefix) == titles(SearchIndex(papers), prefix), prefix


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(WORDS, min_size=1, max_size=40, unique=True),
    typed=st.text(alphabet="abcn", min_size=1, max_size=8),
    cap=st.sampled_from([1, 2, 3, 2000]),
)
def test_the_words_holding_a_word_typed_letter_by_letter_are_those_found_at_once(
    words: list[str], typed: str, cap: int
) -> None:
    from paperbrowse.core.search import match

    vocabulary = match.Vocabulary(sorted(words))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(match, "SUBSTRING_CAP", cap)
        for length in range(1, len(typed) + 1):
            prefix = typed[:length]
            fresh = match.Vocabulary(sorted(words)).containing(prefix)
            assert vocabulary.containing(prefix) == fresh, prefix
