"""Where a query matched in a paper's fields, as character spans for highlighting.

Computed per paper on demand (only the rows on screen), from the same
expansions the ranking used, so what is highlighted is what was matched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from paperbrowse.core.models import Paper
from paperbrowse.core.search.match import INFLECTED, POINTS, SHORT_PREFIX, Expansion
from paperbrowse.core.search.query import FIELDS, Term
from paperbrowse.core.search.tokens import word_spans

Span = tuple[int, int]
Token = tuple[int, int, str]


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
        return SpanMap(lambda name: self.field_spans(paper, name))

    def field_spans(self, paper: Paper, name: str) -> tuple[Span, ...]:
        rules = self._rules.get(name)
        if not rules:
            return ()
        text = field_text(paper, name)
        if not text:
            return ()
        tokens = list(word_spans(text))
        spans: list[Span] = []
        for phrase, word_rules in rules:
            if phrase:
                spans.extend(_phrase_spans(tokens, word_rules))
            else:
                spans.extend(_word_spans(tokens, word_rules[0]))
        return _merged(spans)


class SpanMap(dict[str, tuple[Span, ...]]):
    """Spans per field, ``{"title": ((0, 5),), ...}``, holding only fields with a match.

    A real dict, filled lazily: ``get``, ``[]`` and ``in`` work out one field the
    first time it is asked for (a list row needs the title's spans, not the
    abstract's); anything that walks the whole dict works out every field first.
    """

    def __init__(self, compute: Callable[[str], tuple[Span, ...]]) -> None:
        super().__init__()
        self._compute = compute
        self._done: set[str] = set()

    def _field(self, name: object) -> None:
        if isinstance(name, str) and name in FIELDS and name not in self._done:
            self._done.add(name)
            spans = self._compute(name)
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
    return WordRule(expansion, prefix=prefix, substring=length >= SHORT_PREFIX, inflected=inflected)


def _word_spans(tokens: list[Token], rule: WordRule) -> list[Span]:
    spans = []
    for start, end, token in tokens:
        span = rule.span(start, end, token)
        if span is not None:
            spans.append(span)
    return spans


def _phrase_spans(tokens: list[Token], rules: list[WordRule]) -> list[Span]:
    spans = []
    size = len(rules)
    for first in range(len(tokens) - size + 1):
        if all(rules[k].span(*tokens[first + k]) for k in range(size)):
            spans.append((tokens[first][0], tokens[first + size - 1][1]))
    return spans


def _merged(spans: list[Span]) -> tuple[Span, ...]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)
