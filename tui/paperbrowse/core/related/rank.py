"""Papers like a given one, from the library's own text ("more like this").

The paper's most distinctive title and abstract words become a query, each
weighted as BM25 weighs it in the paper (how often the paper uses it, how rare
it is in the library); the library's papers are scored against that query with
BM25 over their titles and abstracts. The words the best matches share are then
added to the query at a lower weight (pseudo-relevance feedback), and the papers
scored again. The text score is divided by the paper's score against its own
words, so it reads as "how much of this paper's vocabulary the other one shares"
(0 to about 1), and then shared authors, the same venue and the same category add
to it. The weights were tuned against the check in tests/bench/eval_related.py.

Two passes keep it fast at 100k papers: the first scores every paper holding a
query word straight from the postings, as if each held it once; the best few
hundred, and the papers sharing an author, are then scored with their real word
counts (from the word sequences the index keeps for phrases).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from paperbrowse.core.models import Paper
from paperbrowse.core.related.stats import (
    K1,
    TEXT_FIELDS,
    TITLE,
    Floats,
    Int32s,
    TextStats,
    text_stats,
)
from paperbrowse.core.search.index import SearchIndex
from paperbrowse.core.search.tokens import words
from paperbrowse.core.stats import author_key
from paperbrowse.core.text.counts import counted


@dataclass(frozen=True)
class Weights:
    """How the ranking weighs its signals (the defaults are tuned on the ACL Anthology:
    see tests/bench/eval_related.py and the README's "Related papers")."""

    terms: int = 50  # distinctive words of the paper that make the query
    title: float = 1.0  # a word in a title counts this many times one in an abstract
    rerank: int = 300  # papers rescored with their real word counts
    boost: bool = True  # query words weighted by how distinctive they are in the paper
    author: float = 0.05  # added per shared author (the text score is about 0 to 1)
    max_authors: int = 3  # shared authors counted at most
    venue: float = 0.05  # added for the same venue
    category: float = 0.05  # added for the same category
    feedback: int = 10  # best-matching papers whose shared words are added to the query
    expand: int = 20  # words added from them
    feedback_boost: float = 0.5  # the weight of the strongest added word (the paper's: 1)
    common: float = 0.25  # words in more than this share of titles or abstracts are left out


DEFAULT = Weights()
REASON_WORDS = 3  # shared words named in a row's reasons
# A word is too common only when it is also in this many papers: in a small library
# (a profile, a reading list) the shares say little, and "citation" in 3 of 4 papers
# is still the reason they are alike.
COMMON_FROM = 20
# English function words, the stock words of abstracts and the pieces of web addresses
# ("github", "com"): never why two papers are alike. Large libraries drop most of them
# by their share of papers anyway (``Weights.common``); small ones need the list.
_FUNCTION_WORDS = """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers him his how however i if in into
    is it its itself just let may me might more most must my no nor not now of off on once
    only or other our ours out over own same she should so some such than that the their
    theirs them then there these they this those through thus to too under until up upon us
    very via was we were what when where whether which while who whom why will with within
    without would yet you your
    paper papers propose proposed proposes present presents presented show shows shown
    result results novel new using use used based approach work works
    http https www com org net edu io html github available
"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())


@dataclass(frozen=True)
class Related:
    """One paper like the one asked about, and why."""

    paper: Paper
    score: float
    words: tuple[str, ...]  # the query words it holds, the most telling first
    authors: tuple[str, ...]  # the authors it shares, as the asked-about paper names them
    same_venue: bool
    same_category: bool
    # Words it holds that the paper has not, from the papers most like it (the query's
    # feedback): named only when it shares none of the paper's own.
    via: tuple[str, ...] = ()

    def reasons(self, shown: int = REASON_WORDS) -> str:
        """ "shares: citation, embeddings, scientific · 2 authors · same venue"."""
        parts = []
        if words := _distinct(self.words, shown):
            parts.append("shares: " + ", ".join(words))
        elif via := _distinct(self.via, shown):
            parts.append("via similar papers: " + ", ".join(via))
        if self.authors:
            parts.append(counted(len(self.authors), "author"))
        if self.same_venue:
            parts.append("same venue")
        if self.same_category:
            parts.append("same category")
        return " · ".join(parts)

    def to_json_dict(self) -> dict[str, object]:
        return {
            "score": round(self.score, 4),
            "shared_words": list(self.words),
            "shared_authors": list(self.authors),
            "same_venue": self.same_venue,
            "same_category": self.same_category,
            "via_words": list(self.via),
            "reasons": self.reasons(),
        }


# A part's numeral ("Part II", "WNUT Task iii"): as telling in the ranking as any word, no
# reason to give a reader. (One letter, "v" or "x", may be a variable; "xl" a model.)
_PART_NUMERALS = frozenset(["ii", "iii", "iv", "vi", "vii", "viii", "ix", "xi", "xii"])


def _distinct(words: tuple[str, ...], count: int) -> list[str]:
    """The first ``count`` words, a plural left out after its singular ("hashtag, hashtags"),
    and numbers and parts' numerals left out ("2020", "iii")."""
    kept: list[str] = []
    for word in words:
        if len(kept) == count:
            break
        if word.isdigit() or word in _PART_NUMERALS:
            continue
        if not any(
            word in (other + "s", other + "es") or other in (word + "s", word + "es")
            for other in kept
        ):
            kept.append(word)
    return kept


@dataclass(frozen=True)
class _Query:
    """The paper's chosen words (sorted vocabulary ids) and, per text field, each word's
    BM25 weight before length normalisation: boost * field weight * idf * (k1 + 1)."""

    word_ids: Int32s
    field_weights: dict[int, Floats]
    own: npt.NDArray[np.bool_]  # the paper's own words; the others came from feedback

    def __len__(self) -> int:
        return len(self.word_ids)


def related_papers(
    index: SearchIndex, paper: Paper, limit: int = 20, weights: Weights = DEFAULT
) -> list[Related]:
    """The ``limit`` papers of the index most like ``paper``, best first.

    Empty when the paper is not in the index or shares nothing with any other.
    """
    stats = text_stats(index)
    own = stats.positions.get(paper.id)
    if not own:
        return []
    source = own[0]
    query = _query(stats, source, weights)
    shared_authors = _shared_authors(stats, paper)
    candidates = _first_pass(stats, query, weights)
    candidates = candidates[~np.isin(candidates, own)]
    if weights.feedback and len(candidates):
        first = _exact_scores(stats, query, candidates).sum(axis=1)
        best = candidates[np.argsort(-first, kind="stable")[: weights.feedback]]
        query = _expanded(stats, query, best, weights)
        candidates = _first_pass(stats, query, weights)
    candidates = np.union1d(candidates, np.fromiter(shared_authors, np.int32))
    candidates = candidates[~np.isin(candidates, own)]
    exact = _exact_scores(stats, query, np.append(candidates, source).astype(np.int32))
    text, self_score = exact[:-1], exact[-1]
    total = text.sum(axis=1) / max(float(self_score.sum()), 1e-9)
    ranked: list[tuple[float, int, int]] = []
    for row, position in enumerate(candidates.tolist()):
        venue, category = stats.value_of(position, "venue"), stats.value_of(position, "category")
        score = (
            float(total[row])
            + weights.author * min(len(shared_authors.get(position, ())), weights.max_authors)
            + weights.venue * (bool(paper.venue) and venue == paper.venue)
            + weights.category * (bool(paper.category) and category == paper.category)
        )
        if score > 0:
            ranked.append((-score, position, row))
    ranked.sort()  # ties: the newer paper (lower position) first
    found = []
    for negated, position, row in ranked[:limit]:  # the reasons, for the rows shown only
        other = stats.paper(position)
        found.append(
            Related(
                other,
                -negated,
                _telling(stats, query, text[row], query.own),
                shared_authors.get(position, ()),
                bool(paper.venue) and other.venue == paper.venue,
                bool(paper.category) and other.category == paper.category,
                _telling(stats, query, text[row], ~query.own),
            )
        )
    return found


@dataclass(frozen=True)
class _Weighed:
    """The words of some papers, each with its BM25 weight summed over those papers."""

    word_ids: Int32s  # sorted
    weight: Floats
    papers: npt.NDArray[np.int64]  # how many of the papers hold it
    elsewhere: npt.NDArray[np.int64]  # how many other papers hold it
    idfs: dict[int, Floats]


def _weigh(stats: TextStats, positions: Int32s, weights: Weights) -> _Weighed:
    """Each word of these papers weighted as BM25 weighs it within them (summed)."""
    texts = [stats.fields[field].words_of(p) for field in TEXT_FIELDS for p in positions.tolist()]
    word_ids = np.unique(np.concatenate(texts)).astype(np.int32) if texts else np.empty(0, np.int32)
    weight = np.zeros(len(word_ids))
    held = np.zeros((len(positions), len(word_ids)), bool)
    frequency = np.zeros(len(word_ids), np.int64)
    common = np.zeros(len(word_ids), bool)  # in a good share of the titles or abstracts
    idfs = {}
    for field in TEXT_FIELDS:
        figures = stats.fields[field]
        counts = figures.counts(positions, word_ids)
        idfs[field] = figures.idf(word_ids)
        in_field = figures.frequency(word_ids)
        frequency += in_field
        held |= counts > 0
        common |= in_field > max(weights.common * figures.papers, COMMON_FROM)
        saturated = counts * (K1 + 1) / (counts + figures.norms[positions][:, None])
        weight += (_field_weight(field, weights) * idfs[field] * saturated).sum(axis=0)
    # Nor does one letter (the "s" of "model's").
    vocabulary = stats.vocabulary.words
    telling = np.fromiter(
        (len(vocabulary[w]) > 1 and vocabulary[w] not in FUNCTION_WORDS for w in word_ids.tolist()),
        bool,
        len(word_ids),
    )
    weight[~telling | common] = 0
    papers = held.sum(axis=0)
    return _Weighed(word_ids, weight, papers, frequency - papers, idfs)


def _field_weight(field: int, weights: Weights) -> float:
    return weights.title if field == TITLE else 1.0


def _telling(
    stats: TextStats, query: _Query, points: Floats, among: npt.NDArray[np.bool_]
) -> tuple[str, ...]:
    """The query words (of those ``among``) that gave a paper points, the most first."""
    held = np.flatnonzero((points > 0) & among)
    telling = held[np.argsort(-points[held], kind="stable")]
    return tuple(stats.vocabulary.words[int(query.word_ids[k])] for k in telling)


def _query(stats: TextStats, source: int, weights: Weights) -> _Query:
    """The paper's most distinctive words, by BM25 weight within the paper itself."""
    weighed = _weigh(stats, np.array([source], np.int32), weights)
    selection = np.where(weighed.elsewhere > 0, weighed.weight, 0)  # else it finds nothing
    chosen = _best(selection, weights.terms)
    boost = selection[chosen] / selection[chosen].max() if len(chosen) else selection[chosen]
    if not weights.boost:
        boost = np.ones(len(chosen))
    return _made(weighed, chosen, boost, weights)


def _best(selection: Floats, count: int) -> npt.NDArray[np.intp]:
    """The places of the ``count`` highest positive weights, in ascending order."""
    chosen = np.argsort(-selection, kind="stable")[:count]
    return np.sort(chosen[selection[chosen] > 0])


def _made(
    weighed: _Weighed, chosen: npt.NDArray[np.intp], boost: Floats, weights: Weights
) -> _Query:
    field_weights = {
        field: boost * _field_weight(field, weights) * weighed.idfs[field][chosen] * (K1 + 1)
        for field in TEXT_FIELDS
    }
    return _Query(weighed.word_ids[chosen], field_weights, np.ones(len(chosen), bool))


def _expanded(stats: TextStats, query: _Query, feedback: Int32s, weights: Weights) -> _Query:
    """The query plus the words the best-matching papers share (pseudo-relevance feedback)."""
    weighed = _weigh(stats, feedback, weights)
    selection = np.where(weighed.papers >= 2, weighed.weight, 0)
    selection[np.isin(weighed.word_ids, query.word_ids)] = 0
    chosen = _best(selection, weights.expand)
    if not len(chosen):
        return query
    boost = weights.feedback_boost * selection[chosen] / selection[chosen].max()
    extra = _made(weighed, chosen, boost, weights)
    word_ids = np.concatenate((query.word_ids, extra.word_ids))
    order = np.argsort(word_ids, kind="stable")
    return _Query(
        word_ids[order],
        {
            field: np.concatenate((query.field_weights[field], extra.field_weights[field]))[order]
            for field in TEXT_FIELDS
        },
        np.concatenate((query.own, np.zeros(len(chosen), bool)))[order],
    )


def _first_pass(stats: TextStats, query: _Query, weights: Weights) -> Int32s:
    """The ``weights.rerank`` papers scoring best as if each held each of its words once."""
    docs: list[Int32s] = []
    points: list[Floats] = []
    for field in TEXT_FIELDS:
        figures = stats.fields[field]
        for k, word in enumerate(query.word_ids.tolist()):
            holding = figures.holding(word)
            docs.append(holding)
            points.append(query.field_weights[field][k] / (1 + figures.norms[holding]))
    if not docs:
        return np.empty(0, np.int32)
    scores = np.bincount(np.concatenate(docs), np.concatenate(points), minlength=len(stats))
    held = np.flatnonzero(scores > 0)
    if len(held) > weights.rerank:
        held = held[np.argpartition(-scores[held], weights.rerank)[: weights.rerank]]
    return held.astype(np.int32)


def _exact_scores(stats: TextStats, query: _Query, positions: Int32s) -> npt.NDArray[np.float64]:
    """BM25 of each paper against the query with its real word counts: (papers, words)."""
    scores = np.zeros((len(positions), len(query)))
    for field in TEXT_FIELDS:
        figures = stats.fields[field]
        counts = figures.counts(positions, query.word_ids)
        norms = figures.norms[positions][:, None]
        scores += query.field_weights[field] * counts / (counts + norms)
    return scores


def _shared_authors(stats: TextStats, paper: Paper) -> dict[int, tuple[str, ...]]:
    """The papers sharing an author with ``paper`` (by position), and which authors.

    The papers holding every word of a name in their author list are found in the
    index's postings, then checked name by name (``author_key``: accents, initials'
    dots and case do not matter), so "Wei Wang" is not found in "Wei Li, Yu Wang".
    """
    shared: dict[int, list[str]] = {}
    for name in dict.fromkeys(paper.authors):
        key = author_key(name)
        word_ids = [stats.vocabulary.id_of(word) for word in words(name)]
        if not key or not word_ids or None in word_ids:
            continue
        for position in stats.author_papers([w for w in word_ids if w is not None]).tolist():
            if stats.value_of(position, "id") != paper.id and any(
                author_key(a) == key for a in stats.value_of(position, "authors")
            ):
                shared.setdefault(position, []).append(name)
    return {position: tuple(names) for position, names in shared.items()}
