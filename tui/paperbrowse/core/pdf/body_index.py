"""The bodies of papers' PDFs, searchable apart from the main ``SearchIndex``.

Text arrives a PDF at a time from the background extraction; it is added here and
never makes the main index rebuild. A search asks ``matching`` for the ids whose
body holds every word (or the phrase), and ``passage`` for the lines around the first
match and their page, for the detail pane and ``paperbrowse search --json``.

Words are matched casefolded, at a word start, across any run of spaces and line
ends: a phrase split over two lines or two columns is still found. Hyphen-broken
words were already joined by ``fulltext.clean_pages``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from paperbrowse.core.pdf.fulltext import FullText
from paperbrowse.core.search.filter_registry import FilterRegistry

PASSAGE_CHARS = 90  # characters shown either side of a match
_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")
# Control characters (PDFium passes some of a font's odd codes through) are never
# shown to the terminal: each becomes a space.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Passage:
    """Where a body matched: the text around it, the matched spans in it, and its page."""

    text: str
    page: int  # 1-based
    spans: tuple[tuple[int, int], ...]


def words_of(query: str) -> list[str]:
    return _WORD.findall(query.casefold())


def _pattern(words: list[str], phrase: bool) -> re.Pattern[str] | list[re.Pattern[str]]:
    if phrase:
        return re.compile(r"\b" + r"\W+".join(map(re.escape, words)), re.IGNORECASE)
    return [re.compile(r"\b" + re.escape(word), re.IGNORECASE) for word in words]


class BodyIndex:
    """Each paper's PDF text by paper id, one string per page; thread-safe to add to."""

    def __init__(self) -> None:
        self._pages: dict[str, tuple[str, ...]] = {}
        self._lock = threading.Lock()
        self.version = 0  # bumped on each add, so a running search knows to refresh

    def add(self, paper_id: str, text: FullText) -> None:
        if not text.pages:
            return
        pages = tuple(_SPACES.sub(" ", _CONTROL.sub(" ", page)) for page in text.pages)
        with self._lock:
            old = self._pages.get(paper_id, ())
            self._pages = {**self._pages, paper_id: old + pages}
            self.version += 1

    def replace(self, paper_id: str, texts: Iterable[FullText]) -> None:
        """The paper's text anew, from all its PDFs (one was attached or detached)."""
        pages = tuple(_SPACES.sub(" ", _CONTROL.sub(" ", p)) for text in texts for p in text.pages)
        with self._lock:
            others = {i: kept for i, kept in self._pages.items() if i != paper_id}
            self._pages = {**others, paper_id: pages} if pages else others
            self.version += 1

    def __len__(self) -> int:
        return len(self._pages)

    def ids(self) -> frozenset[str]:
        """The papers with text."""
        return frozenset(self._pages)

    def text_chars(self) -> int:
        return sum(len(page) for pages in self._pages.values() for page in pages)

    def matching(
        self, query: str, phrase: bool = False, among: Iterable[str] | None = None
    ) -> set[str]:
        """Ids whose body holds every word of ``query`` (with ``phrase``: all, in order)."""
        words = words_of(query)
        if not words:
            return set()
        pages = self._pages
        ids = pages.keys() if among is None else [i for i in among if i in pages]
        return {i for i in ids if self._first(pages[i], words, phrase) is not None}

    def passage(self, paper_id: str, query: str, phrase: bool = False) -> Passage | None:
        words = words_of(query)
        pages = self._pages.get(paper_id)
        if not words or not pages:
            return None
        found = self._first(pages, words, phrase)
        if found is None:
            return None
        if not phrase and len(words) > 1:
            # The words side by side make the best passage, when they are anywhere.
            together = self._first(pages, words, True)
            found = together or found
        number, start, end = found
        page = pages[number]
        left, right = _whole_words(page, start, end)
        text = page[left:right]
        patterns = _pattern(words, phrase)
        spans = tuple(
            (m.start(), m.end())
            for p in (patterns if isinstance(patterns, list) else [patterns])
            for m in p.finditer(text)
        )
        prefix = "…" if left else ""
        shifted = tuple((a + len(prefix), b + len(prefix)) for a, b in sorted(spans))
        return Passage(prefix + text + ("…" if right < len(page) else ""), number + 1, shifted)

    @staticmethod
    def _first(
        pages: tuple[str, ...], words: list[str], phrase: bool
    ) -> tuple[int, int, int] | None:
        """(page, start, end) of the first match; every word must be somewhere in the body.

        A page is searched with the (case-blind, word-start) pattern only when it
        holds the words as plain text (``_written``): a word in no PDF, typed into the
        search bar, took 2.5 ms a paper with the pattern alone, 0.6 ms this way.
        """
        folded: dict[int, str] = {}

        def may_hold(number: int, wanted: list[str]) -> bool:
            return all(_written(word, pages[number], folded, number) for word in wanted)

        patterns = _pattern(words, phrase)
        if isinstance(patterns, re.Pattern):
            for number, page in enumerate(pages):
                m = patterns.search(page) if may_hold(number, words) else None
                if m:
                    return number, m.start(), m.end()
            return None
        first: tuple[int, int, int] | None = None
        for word, pattern in zip(words, patterns, strict=True):
            hit = next(
                (
                    (n, m.start(), m.end())
                    for n, page in enumerate(pages)
                    if may_hold(n, [word]) and (m := pattern.search(page))
                ),
                None,
            )
            if hit is None:
                return None
            first = first or hit
        return first


def _written(word: str, page: str, folded: dict[int, str], number: int) -> bool:
    """Whether ``word`` is in the page as plain text, in any case: as typed, Capitalised
    or in CAPITALS (a plain search, fast), else in a case-folded copy of the page (made
    once per page and search, in ``folded``)."""
    if word in page or word.capitalize() in page or word.upper() in page:
        return True
    if number not in folded:
        folded[number] = page.casefold()
    return word in folded[number]


def _whole_words(page: str, start: int, end: int) -> tuple[int, int]:
    """Where a passage around ``page[start:end]`` starts and ends: about
    ``PASSAGE_CHARS`` either side, at a space, so no word is shown cut ("…e query")."""
    left = max(0, start - PASSAGE_CHARS)
    right = min(len(page), end + PASSAGE_CHARS)
    if left > 0:
        space = page.find(" ", left, start)
        left = space + 1 if space >= 0 else left
    if right < len(page):
        space = page.rfind(" ", end, right)
        right = space if space >= 0 else right
    return left, right


def register_fulltext_filter(filters: FilterRegistry, body: BodyIndex) -> Callable[[], None]:
    """Make ``fulltext:WORD`` and ``fulltext:"a phrase"`` search only the PDFs' bodies,
    in the searches of the library these filters are of. Returns an undo."""

    def handler(value: str) -> frozenset[str]:
        return frozenset(body.matching(value, phrase=len(words_of(value)) > 1))

    return filters.register("fulltext", handler, 'fulltext:WORD, fulltext:"a phrase"')
