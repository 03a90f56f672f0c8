"""Search over a library: ranked, typo-tolerant, with matched spans for highlighting.

- ``SearchIndex(papers)``: build once per library (about 2 s per 100k papers).
- ``index.find(query, sort) -> Results``: every matching paper, ranked.
- ``Results``: a sequence of papers (``len``, ``[i]``) plus ``hit(i)`` with
  score and spans, computed lazily so a 100k-row result costs little.

How a query runs (see ``query`` for the syntax): each word is expanded over
the sorted vocabulary (exact, other forms, prefix, typos, substrings; ``match``),
giving points per paper as a numpy array; the arrays are summed with the
number of query words each paper holds weighing most; filters and exclusions
are boolean masks. One sort of the matching papers gives the ranking, and the
top few hundred are reranked by how closely the query reads like their title.
Word results are cached, so typing one more letter recomputes only the last
word.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from functools import cached_property
from threading import Lock

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from paperbrowse.core.memory import freeze_heap, gc_paused
from paperbrowse.core.models import Paper
from paperbrowse.core.search.build import Postings, Text, build_postings
from paperbrowse.core.search.filter_registry import FilterHandler, FilterRegistry, NoPapers
from paperbrowse.core.search.filters import Columns, Mask, builtin_mask, handler_mask
from paperbrowse.core.search.match import (
    MAX_WORD_POINTS,
    SHORT_PREFIX,
    Expansion,
    Scores,
    Vocabulary,
    inside_words,
    word_points,
)
from paperbrowse.core.search.phrase import Phrases
from paperbrowse.core.search.query import BUILTIN_FILTER_KEYS, FIELDS, Filter, Query, Term, parse
from paperbrowse.core.search.results import (
    SORT_ORDERS,
    Hit,
    NewestOrder,
    Results,
    SortOrder,
    newest_first_order,
    title_order,
)
from paperbrowse.core.search.spans import Highlighter, Span, field_text
from paperbrowse.core.search.tokens import char_classes, words
from paperbrowse.core.store import Ordered, PaperStore, authors_texts, field_values

__all__ = [
    "FIELDS",
    "SORT_ORDERS",
    "Hit",
    "Results",
    "SearchIndex",
    "SortOrder",
    "Span",
    "field_text",
]

Order = npt.NDArray[np.int32]

RERANK = 200  # the top papers of a several-word query reordered by how it reads as their title
CACHE_SIZE = 64  # query words remembered, each one byte per paper
# Titles' words as reranking reads them, remembered: each key of a query reranks much the
# same top papers, whose titles took 1.2 ms a key to split into words again at 1M papers.
TITLE_WORDS_KEPT = 4 * RERANK
# Totals up to this are ranked by a stable sort of 16-bit keys (numpy's radix sort, linear):
# sorting 64-bit (points, paper) keys took 3.5 ms for a first letter's 85k matches at 100k
# papers, most of that keystroke's search, against 0.6 ms; at a million, 60 against 34 ms.
SHORT_TOTALS = 0xFFFF
MAX_TERMS = 32  # a pasted paragraph: its first words are plenty to find the paper
FREEZE_FROM = 10_000  # papers; below this the garbage collector's pauses are too short to see


def _held(papers: Sequence[Paper]) -> Sequence[Paper]:
    """The library's papers as the index keeps them, unchanged by later changes to the
    library's: a store's snapshot (its rows are made papers only when a result shows them),
    anything else as a list of its own."""
    return papers.snapshot() if isinstance(papers, PaperStore) else list(papers)


class SearchIndex:
    """The papers of a library, indexed for ranked search.

    ``SearchIndex(papers)`` builds it; ``parts()`` and ``from_parts()`` take it
    apart into numpy arrays and back, for ``index_cache`` to keep on disk.
    """

    def __init__(
        self,
        papers: Sequence[Paper],
        *,
        freeze_gc: bool = True,
        build: Callable[[list[Sequence[Text]]], Postings] | None = None,
        newest: NewestOrder | None = None,
    ) -> None:
        """``build``: what makes the postings of the fields' texts (``build_postings``;
        ``index_cache`` passes one that shares the work with another process). ``newest``:
        ``newest_first_order(papers)``, when the caller has it already."""
        with gc_paused():  # a collection mid-build would scan every paper for nothing
            self.papers = _held(papers)
            positions, days = newest or newest_first_order(self.papers)
            order = np.array(positions, np.int32)
            docs = Ordered(self.papers, order)
            postings = (build or build_postings)(
                [
                    field_values(docs, "title"),
                    authors_texts(docs),
                    # (held as the rows hold them: wide ones as UTF-8, decoded a chunk at a time)
                    [abstract or "" for abstract in field_values(docs, "abstract", as_held=True)],
                ]
            )
            self._assemble(docs, order, np.array([days[i] for i in positions], np.int32), postings)
        if freeze_gc and self._size >= FREEZE_FROM:
            freeze_heap()

    @classmethod
    def from_parts(
        cls,
        papers: Sequence[Paper],
        order: Order,
        days: Order,
        postings: Postings,
        *,
        freeze_gc: bool = True,
    ) -> SearchIndex:
        """The index ``parts()`` gave, for the same papers in the same order."""
        index = cls.__new__(cls)
        with gc_paused():
            index.papers = _held(papers)
            index._assemble(Ordered(index.papers, order), order, days, postings)
        if freeze_gc and index._size >= FREEZE_FROM:
            freeze_heap()
        return index

    def parts(self) -> tuple[Order, Order, Postings]:
        """The papers' positions newest first, their days (-1: undated), the postings."""
        return self._order, self._days, self.postings

    def _assemble(self, docs: Ordered, order: Order, days: Order, postings: Postings) -> None:
        self._docs = docs
        self._order = order
        self._days = days
        self._dated = int(np.count_nonzero(days >= 0))
        self._size = len(docs)
        self.columns = Columns(docs, days)
        self.postings = postings
        self.vocabulary = Vocabulary(postings.vocab)
        self.phrases = Phrases(self.vocabulary, postings)
        # Its own, or its library's (``Library.index`` shares the library's registry).
        self.filters = FilterRegistry()
        self._lock = Lock()
        self._terms: OrderedDict[tuple[object, ...], tuple[Scores, tuple[Expansion, ...]]] = (
            OrderedDict()
        )
        self._builtin: dict[tuple[str, str], Mask | None] = {}
        self._title_words: dict[int, str] = {}  # paper -> its title's words (reranking)

    def __len__(self) -> int:
        return self._size

    def warm_up(self) -> None:
        """Build now what searches would otherwise build on first use (optional).

        Typo lookups, filter columns and the title order are made lazily, each
        costing a few ms per 100k papers (0.1-0.5 s at a million) on the first
        keystroke that needs it. Call this off the UI thread after building the
        index to keep even those keystrokes fast.
        """
        self.vocabulary.stems.warm_up()  # first: the word being typed needs it at once
        self.warm_up_typing()
        self.columns.warm_up()
        self._title_rank  # noqa: B018 - a cached property, built here

    def warm_up_typing(self) -> None:
        """Build what the first keys of a search need: the typo lookups, and the table
        of character classes that highlighting a non-ASCII title reads (20-50 ms, once)."""
        self.vocabulary.warm_up()
        char_classes()

    # -- filters -----------------------------------------------------------------------

    def register_filter(
        self, key: str, handler: FilterHandler, help: str = ""
    ) -> Callable[[], None]:
        """Add a filter for this index only (see ``filters`` for the handler's contract);
        returns its undo."""
        return self.filters.register(key, handler, help)

    def filter_keys(self) -> frozenset[str]:
        return BUILTIN_FILTER_KEYS | self.filters.keys()

    def _filter_mask(self, wanted: Filter, notes: list[str]) -> Mask | None:
        for registered in self.filters:
            if registered.key != wanted.key:
                continue
            try:
                answer = registered.handler(wanted.value)
            except Exception as error:  # a plug-in's bug must not break searching
                notes.append(f"{wanted}: the filter failed ({error}); ignored")
                return None
            # Why no paper matches; not for a filter negated, whose search lists the papers
            # found without it ("-has:pdf" said to attach a PDF, as a warning).
            if isinstance(answer, NoPapers) and not wanted.negated:
                notes.append(f"{wanted}: {answer.why}")
            if answer is not None:
                return handler_mask(answer, self._docs, self._positions)
        key = (wanted.key, wanted.value)
        if key not in self._builtin:
            self._builtin[key] = builtin_mask(self.columns, wanted.key, wanted.value)
        mask = self._builtin[key]
        if mask is None:
            notes.append(f"{wanted}: not a value this filter knows; ignored")
        return mask

    @cached_property
    def _positions(self) -> dict[str, list[int]]:
        positions: dict[str, list[int]] = {}
        for position, paper_id in enumerate(field_values(self._docs, "id")):
            positions.setdefault(paper_id, []).append(position)
        return positions

    def _allowed(self, query: Query, notes: list[str]) -> Mask | None:
        """Papers that pass every filter and hold no excluded word; None when all do."""
        allowed: Mask | None = None
        # "is:read -is:read" asks the handler once: a filter's cost does not grow with
        # how often its key and value appear (parse already merged exact repeats).
        masks: dict[tuple[str, str], Mask | None] = {}
        for wanted in query.filters:
            same = (wanted.key, wanted.value)
            if same not in masks:
                masks[same] = self._filter_mask(wanted, notes)
            mask = masks[same]
            if mask is None:
                continue
            mask = ~mask if wanted.negated else mask
            allowed = mask.copy() if allowed is None else allowed & mask
        for term in query.excluded:
            holding = self._term(term)[0] > 0
            allowed = ~holding if allowed is None else allowed & ~holding
        return allowed

    def with_more(self, results: Results, paper_ids: Iterable[str], score: float) -> Results:
        """``results`` (this index's: ``find`` gives them) and, after them, the papers with
        these ids that are not among them, in the library's order, each scored ``score``;
        read from the rows, no paper made."""
        ordering = results.ordering
        if ordering is None or ordering.papers is not self._docs:
            raise ValueError("results of another index")
        order = ordering.positions()
        shown = set(order)
        positions = self._positions
        extra = sorted(
            (
                place
                for paper_id in set(paper_ids)
                if not shown.intersection(places := positions.get(paper_id, ()))
                for place in places
            ),
            key=self._docs.place,  # the library's order
        )
        if not extra:
            return results
        scores = np.full(len(order) + len(extra), score, np.float64)
        if results.scores is not None:
            scores[: len(order)] = results.scores
        return Results(
            results.query,
            Ordered(self._docs, np.array(order + extra, np.int32)),
            scores,
            spans=results.spans_of,
            notes=results.notes,
            parsed=results.parsed,
        )

    def ids_passing(
        self,
        query: Query | None = None,
        holding: Sequence[Term] = (),
        among: Iterable[str] | None = None,
    ) -> frozenset[str] | None:
        """Ids of the papers (of ``among``, when given) that pass ``query``'s filters and
        exclusions and hold every term of ``holding``; None when that is every paper. For
        hits found elsewhere (the PDFs' text) that must obey the rest of the query."""
        allowed = self._allowed(query, []) if query is not None else None
        for term in holding:
            held = self._term(term)[0] > 0
            allowed = held if allowed is None else allowed & held
        if allowed is None:
            return None if among is None else frozenset(among)
        if among is None:
            ids = field_values(self._docs, "id")
            return frozenset(ids[doc] for doc in np.flatnonzero(allowed).tolist())
        positions = self._positions
        return frozenset(
            paper_id
            for paper_id in among
            if any(allowed[doc] for doc in positions.get(paper_id, ()))
        )

    # -- terms -------------------------------------------------------------------------

    def _term(self, term: Term) -> tuple[Scores, tuple[Expansion, ...]]:
        """Points per paper for a term, and what its words expanded to (cached)."""
        key = (term.words, term.fields, term.phrase, term.typing, term.negated)
        with self._lock:
            found = self._terms.get(key)
            if found is not None:
                self._terms.move_to_end(key)
                return found
        if term.phrase:
            expansions = tuple(self.vocabulary.as_written(w) for w in term.words)
            points = self.phrases.points(term, self._size)
        elif term.negated:
            # An exclusion drops the word, its other forms ("-graphs": "graph" too) and
            # words it starts, never its look-alikes.
            word = term.words[0]
            written = self.vocabulary.as_written(word)
            prefix = self.vocabulary.prefix_range(word) if len(word) >= SHORT_PREFIX else None
            expansions = (replace(written, prefix=prefix),)
            points = word_points(expansions[0], self.postings, term.fields, self._size)
        else:
            inside = inside_words(term.fields)  # not in names alone: author:wang is no Hwang
            expansions = (self.vocabulary.expand(term.words[0], typing=term.typing, inside=inside),)
            points = word_points(expansions[0], self.postings, term.fields, self._size)
        with self._lock:
            self._terms[key] = (points, expansions)
            while len(self._terms) > CACHE_SIZE:
                self._terms.popitem(last=False)
        return points, expansions

    # -- orders ------------------------------------------------------------------------

    @cached_property
    def _title_rank(self) -> npt.NDArray[np.int32]:
        order = title_order(self._docs)
        rank = np.empty(self._size, np.int32)
        rank[order] = np.arange(self._size, dtype=np.int32)
        return rank

    def _in_order(self, docs: Order, sort: SortOrder) -> Order:
        """Papers (ascending internal numbers, i.e. newest first) in a listing order:
        the orders of ``results.listing``, on arrays."""
        if sort == "oldest":  # by day, a day's papers by title as in the newest order
            dated = docs < self._dated
            dated_docs = docs[dated]
            by_day = np.lexsort((dated_docs, self._days[dated_docs]))
            return np.concatenate((dated_docs[by_day], docs[~dated]))
        if sort == "title":
            return docs[np.argsort(self._title_rank[docs], kind="stable")]
        return docs

    # -- searching ---------------------------------------------------------------------

    def find(self, query: str, sort: SortOrder = "relevance") -> Results:
        """Every paper matching the query, best first (or in the given order)."""
        parsed = parse(query, self.filter_keys())
        notes = list(parsed.notes)
        allowed = self._allowed(parsed, notes)
        positive = parsed.free_words + parsed.required
        if len(positive) > MAX_TERMS:
            notes.append(f"only the first {MAX_TERMS} words of the query are searched")
            positive = positive[:MAX_TERMS]
        if not positive:
            docs = np.arange(self._size, dtype=np.int32)
            if allowed is not None:
                docs = docs[allowed]
            order = self._in_order(docs, "newest" if sort == "relevance" else sort)
            return Results(
                query,
                Ordered(self._docs, order),
                None,
                spans=Highlighter(()).spans,
                notes=notes,
                parsed=parsed,
            )
        terms = [(term, *self._term(term)) for term in positive]
        total, coverage, keep = self._combine(terms, allowed, notes)
        docs = np.flatnonzero(keep).astype(np.int32)
        if sort == "relevance":
            order, scores = self._ranked(docs, total, coverage, parsed)
        else:
            order = self._in_order(docs, sort)
            scores = total[order].astype(np.float64)
        highlighter = Highlighter([(term, expansions) for term, _, expansions in terms])
        return Results(
            query,
            Ordered(self._docs, order),
            scores,
            spans=highlighter.spans,
            notes=notes,
            parsed=parsed,
        )

    def _combine(
        self,
        terms: list[tuple[Term, Scores, tuple[Expansion, ...]]],
        allowed: Mask | None,
        notes: list[str],
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.uint8], Mask]:
        """Total points, free words held, and which papers match at all."""
        if len(terms) == 1 and not terms[0][0].required:
            return self._one_word(terms[0][1], allowed)
        total = np.zeros(self._size, np.int32)
        keep = np.ones(self._size, bool) if allowed is None else allowed.copy()
        coverage = np.zeros(self._size, np.uint8)
        free = 0
        for term, points, _ in terms:
            total += points
            if term.required:
                keep &= points > 0
            else:
                coverage += points > 0
                free += 1
        if free:
            # Every word, except one in four of a long query (a word nobody would find).
            need = free - free // 4
            chosen = keep & (coverage >= need)
            while need > 1 and not chosen.any():
                need -= 1
                chosen = keep & (coverage >= need)
                if chosen.any():
                    notes.append("no paper holds every word; showing papers with most of them")
            keep = chosen
            total += coverage.astype(np.int32) * np.int32(MAX_WORD_POINTS * free + 1)
        return total, coverage, keep

    def _one_word(
        self, points: Scores, allowed: Mask | None
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.uint8], Mask]:
        """``_combine`` of a query of one free word (most keys typed): the papers holding
        it, each with its points plus the bonus for holding the query's one word. The same
        totals for those papers in three passes over the library rather than ten (each a
        fraction of a millisecond at a million papers); the others' totals are never read."""
        held = points > 0
        keep = held if allowed is None else held & allowed
        total = points.astype(np.int32)
        total += np.int32(MAX_WORD_POINTS + 1)
        return total, held.view(np.uint8), keep

    def _ranked(
        self,
        docs: Order,
        total: npt.NDArray[np.int32],
        coverage: npt.NDArray[np.uint8],
        query: Query,
    ) -> tuple[Order, npt.NDArray[np.float64]]:
        """Matching papers by points (ties: newest first), the top reranked against titles."""
        order, scores = _by_points(docs, total)
        typed_words = [w for t in (query.free_words + query.required)[:MAX_TERMS] for w in t.words]
        top = min(RERANK, len(order))
        if top > 1 and len(typed_words) > 1:
            typed = " ".join(typed_words)
            bonus = [self._title_bonus(typed, int(d)) for d in order[:top]]
            scores[:top] += bonus
            regroup = sorted(range(top), key=lambda i: (-int(coverage[order[i]]), -scores[i], i))
            order[:top] = order[:top][regroup]
            scores[:top] = scores[:top][regroup]
        return order, scores

    def _title_bonus(self, typed: str, doc: int) -> float:
        """Up to 35 points for a title that reads like the query (known-item search)."""
        title = self._title_words.get(doc)
        if title is None:
            if len(self._title_words) >= TITLE_WORDS_KEPT:
                self._title_words.clear()  # (another query's papers, most likely)
            title = self._title_words[doc] = " ".join(words(self._docs.value(doc, "title")))
        return 0.25 * fuzz.ratio(typed, title) + 0.1 * fuzz.partial_ratio(typed, title)


def _by_points(docs: Order, total: npt.NDArray[np.int32]) -> tuple[Order, npt.NDArray[np.float64]]:
    """``docs`` (ascending: newest first) by their ``total`` points, most first, ties in
    their own order; and each one's points."""
    points = total[docs]
    if len(points) and int(points.min()) >= 0 and int(points.max()) <= SHORT_TOTALS:
        fewest_first = np.uint16(SHORT_TOTALS) - points.astype(np.uint16)
        by_points = np.argsort(fewest_first, kind="stable")  # (ties keep the docs' order)
        return docs[by_points], points[by_points].astype(np.float64)
    keys = (np.int64(1 << 30) - points.astype(np.int64)) << np.int64(32)
    keys |= docs.astype(np.int64)
    keys.sort()
    order = (keys & np.int64(0xFFFFFFFF)).astype(np.int32)
    # Each paper's total, back from its key: reading ``total`` at the papers in rank
    # order jumped about the library's array (1-2 ms for a short prefix at 1M papers).
    keys >>= np.int64(32)
    np.subtract(np.int64(1 << 30), keys, out=keys)
    return order, keys.astype(np.float64)
