"""Related papers (``m``, ``paperbrowse related``): what ranks first, and the reasons given."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import paper

from paperbrowse.core.library import Library
from paperbrowse.core.models import Paper
from paperbrowse.core.related.rank import Related, related_papers
from paperbrowse.core.related.stats import ABSTRACT, TITLE, text_stats
from paperbrowse.core.search.index import SearchIndex
from paperbrowse.core.search.tokens import words

SPECTER = paper(
    "SPECTER: document-level representation learning using citation-informed transformers",
    id="specter",
    authors=("Arman Cohan", "Sergey Feldman", "Iz Beltagy"),
    venue="ACL 2020",
    doi="10.18653/v1/2020.acl-main.207",
    abstract="Scientific document embeddings from a transformer pretrained on the citation "
    "graph: papers that cite each other get close embeddings, which helps citation "
    "prediction and recommendation of scientific papers.",
)
# The same work again (a workshop version): same authors, same venue, the same words.
NEAR_DUPLICATE = paper(
    "Citation-informed transformers for scientific document embeddings",
    id="near",
    authors=("Arman Cohan", "Sergey Feldman"),
    venue="ACL 2020",
    abstract="We pretrain a transformer on the citation graph so that scientific papers "
    "citing each other get close document embeddings, for citation recommendation.",
)
SAME_TOPIC = paper(
    "Recommending citations for scientific papers with graph embeddings",
    id="topic",
    authors=("Chandra Bhagavatula",),
    venue="NAACL 2018",
    abstract="Citation recommendation: given a draft, suggest scientific papers to cite, "
    "using embeddings of the citation graph.",
)
# Cohan and Feldman's words, but not Cohan nor Feldman: no shared author.
NAME_MIX = paper(
    "Morphological analysis of Turkish verbs",
    id="mix",
    authors=("Arman Feldman", "Sergey Cohan"),
    venue="EACL 2021",
    abstract="A finite-state analyser of Turkish verb morphology, evaluated on a treebank.",
)
UNRELATED = [
    paper(
        "Speech recognition for low-resource languages",
        id="speech",
        authors=("Dana Eve",),
        abstract="Acoustic models for languages with little transcribed audio.",
    ),
    paper(
        "Sentiment of tweets about football matches",
        id="tweets",
        authors=("Femi Gold",),
        abstract="A lexicon for the sentiment of football fans on Twitter during matches.",
    ),
    paper(
        "Machine translation of legal contracts",
        id="legal",
        authors=("Hana Ito",),
        venue="ACL 2020",
        abstract="Terminology constraints keep legal terms consistent in translated contracts.",
    ),
    paper(
        "Dependency parsing of historical German",
        id="german",
        authors=("Jan Kos",),
        abstract="A treebank of early modern German and parsers trained on it.",
    ),
]
PAPERS = [SPECTER, NEAR_DUPLICATE, SAME_TOPIC, NAME_MIX, *UNRELATED]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(PAPERS)


def ranked_ids(index: SearchIndex, of: Paper = SPECTER) -> list[str]:
    return [related.paper.id for related in related_papers(index, of)]


def test_the_near_duplicate_then_the_same_topic_rank_above_unrelated_papers(
    index: SearchIndex,
) -> None:
    ranked = ranked_ids(index)
    assert ranked[:2] == ["near", "topic"]
    for other in ("speech", "tweets", "german", "mix"):
        assert other not in ranked or ranked.index(other) > 1


def test_the_paper_itself_is_never_in_its_list(index: SearchIndex) -> None:
    assert "specter" not in ranked_ids(index)


def test_reasons_name_the_shared_words_authors_and_venue(index: SearchIndex) -> None:
    near = related_papers(index, SPECTER)[0]
    assert near.authors == ("Arman Cohan", "Sergey Feldman")
    assert near.same_venue and not near.same_category
    reasons = near.reasons()
    assert reasons.startswith("shares: ") and reasons.endswith(" · 2 authors · same venue")
    shown = reasons.removeprefix("shares: ").split(" · ")[0].split(", ")
    assert len(shown) == 3
    # The words both use, never a generic one ("for", "each", "other").
    assert set(shown) <= {
        "citation",
        "informed",
        "embeddings",
        "scientific",
        "transformers",
        "transformer",
        "document",
        "pretrained",
        "graph",
    }


def test_reasons_text_from_its_parts() -> None:
    related = Related(
        SPECTER, 1.0, ("citation", "embeddings", "scientific", "graph"), (), False, True
    )
    assert related.reasons() == "shares: citation, embeddings, scientific · same category"
    plurals = Related(
        SPECTER, 1.0, ("hashtag", "hashtags", "boxes", "box", "user"), (), False, False
    )
    assert plurals.reasons() == "shares: hashtag, boxes, user"  # one of each word
    one_author = Related(SPECTER, 1.0, (), ("Arman Cohan",), True, False)
    assert one_author.reasons() == "1 author · same venue"
    # A number or a part's numeral is no reason two papers are alike ("shares: 2020,
    # describe, iii", "shares: part, ii": the explorer); the words after them are named.
    numbered = Related(
        SPECTER, 1.0, ("2020", "iii", "describe", "ii", "wnut", "xl"), (), False, False
    )
    assert numbered.reasons() == "shares: describe, wnut, xl"


def test_authors_are_matched_by_name_not_by_the_words_of_names(index: SearchIndex) -> None:
    # "Arman Feldman, Sergey Cohan" holds every word of "Arman Cohan" but is someone else.
    mix = [r for r in related_papers(index, SPECTER, limit=50) if r.paper.id == "mix"]
    assert not mix or not mix[0].authors


def test_the_same_author_spelt_with_accents_and_capitals_is_shared() -> None:
    accented = paper(
        "Turkish verb morphology with finite-state transducers",
        id="accented",
        authors=("SERGEY FÉLDMAN",),
    )
    index = SearchIndex([*PAPERS, accented])
    found = {r.paper.id: r for r in related_papers(index, SPECTER, limit=50)}
    assert found["accented"].authors == ("Sergey Feldman",)
    assert found["accented"].reasons() == "1 author"


def test_reasons_name_only_words_the_paper_itself_has(index: SearchIndex) -> None:
    own = set(words(SPECTER.title)) | set(words(SPECTER.abstract or ""))
    for related in related_papers(index, SPECTER, limit=50):
        assert set(related.words) <= own, related.reasons()


def test_a_paper_sharing_nothing_has_an_empty_list(index: SearchIndex) -> None:
    alone = paper("Zyxwv qwerty", id="alone")
    assert related_papers(SearchIndex([*PAPERS, alone]), alone) == []


def test_a_paper_from_elsewhere_has_an_empty_list(index: SearchIndex) -> None:
    assert related_papers(index, paper("Citation embeddings", id="elsewhere")) == []


def test_word_counts_read_from_the_index_are_the_papers_own(index: SearchIndex) -> None:
    stats = text_stats(index)
    position = stats.positions["specter"][0]
    vocabulary = stats.vocabulary.words
    for field, text in ((TITLE, SPECTER.title), (ABSTRACT, SPECTER.abstract or "")):
        figures = stats.fields[field]
        wanted = sorted({vocabulary.index(w) for w in ("citation", "scientific", "papers")})
        counts = figures.counts(np.array([position], np.int32), np.array(wanted, np.int32))[0]
        expected = [words(text).count(vocabulary[w]) for w in wanted]
        assert counts.tolist() == expected
        assert int(figures.lengths[position]) == len(words(text))


def test_find_paper_by_id_doi_or_citation_key() -> None:
    library = Library(papers=list(PAPERS))
    assert library.paper_named("specter") is SPECTER
    assert library.paper_named("https://doi.org/10.18653/V1/2020.ACL-MAIN.207") is SPECTER
    assert library.paper_named("doi:10.18653/v1/2020.acl-main.207") is SPECTER
    key = library.keys["topic"]
    assert library.paper_named(key.upper()) is SAME_TOPIC
    assert library.paper_named("nosuch") is None
    assert library.paper_named("  ") is None


def test_words_found_through_the_closest_papers_are_not_called_shared() -> None:
    # The two papers most like this one both say "bibliometrics", which it never does:
    # the query takes that word on, and finds a third paper by it alone.
    source = paper("Citation embeddings", id="source", abstract="Embeddings of citations.")
    first = paper("Citation embeddings for bibliometrics", id="first")
    second = paper("Bibliometrics with citation embeddings", id="second")
    third = paper("Bibliometrics of venues", id="third")
    unrelated = [paper(f"Speech recognition of dialect {n}", id=f"speech{n}") for n in range(4)]
    index = SearchIndex([source, first, second, third, *unrelated])
    found = {r.paper.id: r for r in related_papers(index, source)}
    assert set(found["first"].words) == {"citation", "embeddings"}
    assert found["third"].words == ()
    assert found["third"].via == ("bibliometrics",)
    assert found["third"].reasons() == "via similar papers: bibliometrics"
