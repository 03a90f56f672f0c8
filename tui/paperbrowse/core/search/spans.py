"""Where a query matched in a paper's fields, as character spans for highlighting.

Computed per paper on demand (only the rows on screen), from the same
expansions the ranking used, so what is highlighted is what was matched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from paperbrowse.core.models import Paper
from paperbrowse.core.search.match import (
    INFLECTED,
    POINTS,
    SHORT_PREFIX,
    Expansion,
    inside_words,
)
from paperbrowse.core.search.query import FIELDS, Term
from paperbrowse.core.search.tokens import word_spans

Span = tuple[int, int]
Token = tuple[int, int, str]
TOKENISED_KEPT = 1024  # titles and author lists kept tokenised: a few screens' worth of keys
# Characters past which an author list is not kept tokenised: a big collaboration's 2,900
# names took 1 MB each so (a review's measure), and a row's excerpt reads only its start.
TOKENISED_LONGEST = 2000


def field_text(paper: Paper, name: str) -> str:
    """The text of a searchable field, as spans index it."""
    if name == "title":
        return paper.title
    if name == "authors":
        return paper.authors_text()
    return paper.abstract or ""


@dataclass(frozen=True)
class WordRule:
    """How one query word may match a token, in one field."""

    expansion: Expansion
    prefix: bool
    substring: bool
    inflected: frozenset[str] = frozenset()  # the word's other forms, in fields that match them

    def span(self, start: int, end: int, token: str) -> Span | None:
        word = self.expansion.word
        same_length = end - start == len(token)  # folding kept the length: offsets line up
        if token == word:
            return start, end
        if self.prefix and token.startswith(word):  # (before forms: "languag" of "language")
            return (start, start + len(word)) if same_length else (start, end)
        if token in self.inflected:
            return start, end
        if token in self.expansion.typo_words:
            return start, end
        if self.expansion.typo_starts and token.startswith(self.expansion.typo_starts):
            return start, end
        if self.substring:
            at = token.find(word, 1)
            if at > 0:
                return (start + at, start + at + len(word)) if same_length else (start, end)
        return None


class Highlighter:
    """The positive terms of a query with their expansions; spans per paper, on demand."""

    def __init__(self, terms: Sequence[tuple[Term, Sequence[Expansion]]]) -> None:
        self._rules: dict[str, list[tuple[bool, list[WordRule]]]] = {}
        for name in FIELDS:
            self._rules[name] = [
                (
                    term.phrase,
                    [
                        _rule(term, e, name, i == len(expansions) - 1)
                        for i, e in enumerate(expansions)
                    ],
                )
                for term, expansions in terms
                if name in term.fields
            ]

    def spans(self, paper: Paper) -> dict[str, tuple[Span, ...]]:
        """Matched spans by field; each field is worked out the first time it is asked for."""
        return SpanMap(lambda name, reach: self.field_spans(paper, name, reach))

    def field_spans(self, paper: Paper, name: str, reach: int | None = None) -> tuple[Span, ...]:
        """The field's spans; with ``reach``, only those starting less than ``reach``
        characters after its first match (the text after them is not read)."""
        rules = self._rules.get(name)
        if not rules:
            return ()
        text = field_text(paper, name)
        if not text:
            return ()
        short = name != "abstract" and len(text) <= TOKENISED_LONGEST
        words = iter(_short_field_words(text)) if short else word_spans(text)
        return _scan(words, rules, reach)


@lru_cache(maxsize=TOKENISED_KEPT)
def _short_field_words(text: str) -> tuple[Token, ...]:
    """A title's or author list's words, kept for the rows drawn on the next keys: each
    key typed draws mostly the papers the key before drew, and tokenising their titles
    again was half of working out a row's spans. (An abstract is read only as far as
    its first matches: never kept.)"""
    return tuple(word_spans(text))


class SpanMap(dict[str, tuple[Span, ...]]):
    """Spans per field, ``{"title": ((0, 5),), ...}``, holding only fields with a match.

    A real dict, filled lazily: ``get``, ``[]`` and ``in`` work out one field the
    first time it is asked for (a list row needs the title's spans, not the
    abstract's); anything that walks the whole dict works out every field first.
    """

    def __init__(self, compute: Callable[[str, int | None], tuple[Span, ...]]) -> None:
        super().__init__()
        self._compute = compute  # (a field's spans; all of them when the reach is None)
        self._done: set[str] = set()

    def leading(self, name: str, reach: int) -> tuple[Span, ...]:
        """The field's spans that start less than ``reach`` characters after its first
        match: a list row's excerpt needs these, not a whole abstract's."""
        if name in self._done:
            return _within_reach(self.get(name, ()), reach)
        return self._compute(name, reach)

    def _field(self, name: object) -> None:
        if isinstance(name, str) and name in FIELDS and name not in self._done:
            self._done.add(name)
            spans = self._compute(name, None)
            if spans:
                super().__setitem__(name, spans)

    def _all(self) -> None:
        for name in FIELDS:
            self._field(name)

    def __getitem__(self, name: str) -> tuple[Span, ...]:
        self._field(name)
        return super().__getitem__(name)

    def get(self, name: str, default: Any = None) -> Any:
        self._field(name)
        return super().get(name, default)

    def __contains__(self, name: object) -> bool:
        self._field(name)
        return super().__contains__(name)

    def __iter__(self) -> Iterator[str]:
        self._all()
        return super().__iter__()

    def __len__(self) -> int:
        self._all()
        return super().__len__()

    def keys(self) -> Any:
        self._all()
        return super().keys()

    def values(self) -> Any:
        self._all()
        return super().values()

    def items(self) -> Any:
        self._all()
        return super().items()

    def copy(self) -> dict[str, tuple[Span, ...]]:
        self._all()
        return dict(super().items())

    def __eq__(self, other: object) -> bool:
        self._all()
        return super().__eq__(other)

    __hash__ = None

    def __repr__(self) -> str:
        self._all()
        return super().__repr__()


def _rule(term: Term, expansion: Expansion, field: str, last: bool) -> WordRule:
    length = len(expansion.word)
    inflected = expansion.inflected_words if POINTS[INFLECTED][FIELDS.index(field)] else frozenset()
    if term.phrase:
        # Phrase words match as written or in another form, except the unfinished last
        # one, which may be a prefix too.
        plain = Expansion(expansion.word)
        return WordRule(plain, prefix=last and term.typing, substring=False, inflected=inflected)
    prefix = term.typing or length >= SHORT_PREFIX
    if length < SHORT_PREFIX and field == "abstract":
        prefix = False
    substring = length >= SHORT_PREFIX and inside_words(term.fields)
    return WordRule(expansion, prefix=prefix, substring=substring, inflected=inflected)


def _scan(
    words: Iterator[Token], rules: list[tuple[bool, list[WordRule]]], reach: int | None
) -> tuple[Span, ...]:
    """Each rule's spans, merged; with ``reach``, read token by token, the scan stops
    once past ``reach`` characters after the first span and beyond the end of every span
    found (a span starting at or before that end would be merged with them), and keeps
    the spans starting before the reach."""
    if reach is None:  # all of them, rule by rule (faster than token by token)
        tokens = list(words)
        found: list[Span] = []
        for phrase, word_rules in rules:
            if phrase:
                found.extend(_phrase_spans(tokens, word_rules))
            else:
                found.extend(_word_spans(tokens, word_rules[0]))
        return _merged(found)
    tokens = []
    widest = max(len(word_rules) for _, word_rules in rules)  # a phrase's words
    found = []
    limit: int | None = None  # the first span's start + reach
    furthest = 0  # where the spans found so far end
    at = 0
    while True:
        while len(tokens) < at + widest:  # read ahead as far as the longest phrase
            token = next(words, None)
            if token is None:
                break
            tokens.append(token)
        if at >= len(tokens):
            break
        start = tokens[at][0]
        if limit is not None and start >= limit and start > furthest:
            break
        before = len(found)
        for phrase, word_rules in rules:
            span = _phrase_at(tokens, at, word_rules) if phrase else word_rules[0].span(*tokens[at])
            if span is not None:
                found.append(span)
                furthest = max(furthest, span[1])
        if limit is None and len(found) > before:
            limit = min(span_start for span_start, _ in found) + reach
        at += 1
    merged = _merged(found)
    return tuple(span for span in merged if limit is None or span[0] < limit)


def _word_spans(tokens: list[Token], rule: WordRule) -> list[Span]:
    spans = []
    for start, end, token in tokens:
        span = rule.span(start, end, token)
        if span is not None:
            spans.append(span)
    return spans


def _phrase_spans(tokens: list[Token], rules: list[WordRule]) -> list[Span]:
    spans = []
    for first in range(len(tokens) - len(rules) + 1):
        span = _phrase_at(tokens, first, rules)
        if span is not None:
            spans.append(span)
    return spans


def _phrase_at(tokens: list[Token], first: int, rules: list[WordRule]) -> Span | None:
    """The phrase's span if its words match the tokens from ``first`` on."""
    size = len(rules)
    if first + size > len(tokens):
        return None
    if all(rules[k].span(*tokens[first + k]) for k in range(size)):
        return tokens[first][0], tokens[first + size - 1][1]
    return None


def leading(spans: Mapping[str, tuple[Span, ...]], name: str, reach: int) -> tuple[Span, ...]:
    """``SpanMap.leading`` for any spans by field (a plain dict too)."""
    if isinstance(spans, SpanMap):
        return spans.leading(name, reach)
    return _within_reach(spans.get(name, ()), reach)


def _within_reach(spans: tuple[Span, ...], reach: int) -> tuple[Span, ...]:
    return tuple(span for span in spans if span[0] < spans[0][0] + reach) if spans else ()


def _merged(spans: list[Span]) -> tuple[Span, ...]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)
