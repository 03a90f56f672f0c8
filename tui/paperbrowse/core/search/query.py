"""The search syntax: free words, ``"exact phrases"``, ``-exclusions`` and ``key:value`` terms.

Parsing is purely syntactic and never fails: any string is a query. Field keys
(``title:``, ``author:``, ``abstract:``) restrict words to one field; every
other known key is a filter, evaluated by the search index (built-in ones and
any registered later, see ``filters``). An unknown ``key:value`` is
searched as plain words, with a note saying so, so that a colon in a title
("BERT: pre-training ...") or a typo in a key never hides results.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field

from paperbrowse.core.search.tokens import words

FIELDS = ("title", "authors", "abstract")
FIELD_KEYS = {
    "title": "title",
    "ti": "title",
    "author": "authors",
    "authors": "authors",
    "au": "authors",
    "abstract": "abstract",
    "abs": "abstract",
}
BUILTIN_FILTER_KEYS = frozenset({"year", "cat", "category", "has", "venue"})

# One line per construct, for the help screen and the README.
SYNTAX_HELP: tuple[tuple[str, str], ...] = (
    ("graph neural", "papers with every word (typos forgiven), best matches first"),
    ('"exact phrase"', "these words, adjacent and in this order"),
    ("-word", 'leave out papers with this word (or -"a phrase")'),
    ("author:wang", "words in one field: author:, title:, abstract:"),
    ("year:2024", "published in 2024; year:2022..2024, year:2022.., year:..2020"),
    ("cat:CL", "arXiv category (code or name)"),
    ("has:code", "has:code, has:abstract, has:doi, has:link, has:pdf, has:year, has:venue"),
    ("venue:emnlp", "venue name contains these words"),
    ("key:wang2024", "citation key is this, or starts with it"),
    ("profile:wang", "papers in that researcher's profile, when profiles are open"),
    ("cites:ID", "papers citing paper ID (its id, DOI or key), in this library"),
    ("citedby:ID", "papers that paper ID cites, in this library"),
    ("fulltext:word", 'the word, or fulltext:"a phrase", in the paper\'s PDF'),
)


@dataclass(frozen=True)
class Term:
    """Words to look for: one word, or a phrase when ``phrase`` is true."""

    words: tuple[str, ...]
    fields: tuple[str, ...] = FIELDS
    phrase: bool = False
    typing: bool = False  # the last word may be unfinished: it also matches as a prefix
    negated: bool = False
    required: bool = False  # phrases and field terms must match; free words rank by coverage


@dataclass(frozen=True)
class Filter:
    key: str
    value: str
    negated: bool = False

    def __str__(self) -> str:
        value = f'"{self.value}"' if " " in self.value else self.value
        return f"{'-' if self.negated else ''}{self.key}:{value}"


@dataclass(frozen=True)
class Query:
    text: str
    terms: tuple[Term, ...] = ()
    filters: tuple[Filter, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def free_words(self) -> tuple[Term, ...]:
        """Positive single words not tied to a field: they rank by how many a paper holds."""
        return tuple(t for t in self.terms if not t.negated and not t.required)

    @property
    def required(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if not t.negated and t.required)

    @property
    def excluded(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.negated)

    @property
    def is_empty(self) -> bool:
        return not self.terms and not self.filters


@dataclass(frozen=True)
class _Token:
    text: str
    quoted: bool = False
    closed: bool = True  # a quoted token whose closing quote has been typed
    negated: bool = False
    key: str | None = None


def _tokens(text: str) -> Iterator[_Token]:
    """Split the raw query into tokens, honouring quotes (an unclosed quote runs to the end)."""
    position, size = 0, len(text)
    while position < size:
        if text[position].isspace():
            position += 1
            continue
        negated = text[position] == "-"
        if negated:
            position += 1
            if position >= size or text[position].isspace():
                continue  # a lone "-" means nothing
        key = None
        end = position
        while end < size and not text[end].isspace() and text[end] != '"':
            end += 1
        head = text[position:end]
        if ":" in head and head.split(":", 1)[0].isalpha():
            key, rest = head.split(":", 1)
            if rest or end >= size or text[end] != '"':
                yield _Token(rest, negated=negated, key=key.lower())
                position = end
                continue
            position = end  # key:"quoted value" follows
        elif head:
            yield _Token(head, negated=negated)
            position = end
            continue
        if position < size and text[position] == '"':
            close = text.find('"', position + 1)
            closed = close >= 0
            stop = close if closed else size
            yield _Token(text[position + 1 : stop], True, closed, negated, key)
            position = stop + 1
        elif key is not None:
            yield _Token("", negated=negated, key=key)


def parse(text: str, filter_keys: Collection[str] = BUILTIN_FILTER_KEYS) -> Query:
    """A query string as terms and filters. Never raises."""
    terms: list[Term] = []
    filters: list[Filter] = []
    notes: list[str] = []
    tokens = list(_tokens(text))
    for index, token in enumerate(tokens):
        last = index == len(tokens) - 1
        # The last word is still being typed unless a space or closing quote follows it.
        typing = last and not text[-1:].isspace() and (not token.quoted or not token.closed)
        if token.key is not None and token.key not in FIELD_KEYS:
            if token.key in filter_keys:
                value = token.text.strip()
                if value:
                    filters.append(Filter(token.key, value, token.negated))
                continue
            if token.text and not token.text.startswith("/"):  # "https://..." is no typo
                notes.append(f"{token.key}: is not a filter; searched as words")
            token = _Token(f"{token.key} {token.text}", token.quoted, token.closed, token.negated)
        term = _term(token, typing)
        if term is not None:
            terms.append(term)
    # A filter typed twice keeps the same papers as once: keep one (the first), so it
    # is evaluated once and noted once, however often it is repeated.
    unique_filters = tuple(dict.fromkeys(filters))
    return Query(text, tuple(_split_free(terms)), unique_filters, tuple(dict.fromkeys(notes)))


def _term(token: _Token, typing: bool) -> Term | None:
    found = tuple(words(token.text))
    if not found:
        return None
    fields = (FIELD_KEYS[token.key],) if token.key is not None else FIELDS
    scoped = token.key is not None
    phrase = len(found) > 1 and (token.quoted or scoped or token.negated)
    return Term(
        words=found,
        fields=fields,
        phrase=phrase or token.quoted,
        typing=typing,
        negated=token.negated,
        required=scoped or token.quoted,
    )


def _split_free(terms: list[Term]) -> Iterator[Term]:
    """A free token holding several words ("self-supervised") gives one free term per word."""
    for term in terms:
        if term.phrase or len(term.words) == 1:
            yield term
            continue
        last = len(term.words) - 1
        for position, word in enumerate(term.words):
            yield Term((word,), term.fields, typing=term.typing and position == last)
