"""The bodies of papers' PDFs, searchable apart from the main ``SearchIndex``.

Text arrives a PDF at a time from the background extraction; it is added here and
never makes the main index rebuild. A search asks ``matching`` for the ids whose
body holds every word (or the phrase), and ``passage`` for the lines around the first
match and their page, for the detail pane and ``paperbrowse search --json``.

Each body is kept as its ``BodyText``: its distinct words, and its pages compressed.
Words are matched folded as the index folds a title's (``jurgen`` and ``jürgen`` find
"Jürgen"), at a word start (``lang`` finds "language"), in the words; a phrase's
candidates (every word there) are then unpacked and the phrase looked for word after word
(``search.tokens.word_spans``), across any spaces, line ends and punctuation: a phrase
split over two lines or two columns is still found. Hyphen-broken words were already
joined by ``body_text.clean_pages``.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from paperbrowse.core.pdf.body_text import BodyText
from paperbrowse.core.pdf.fulltext import FullText
from paperbrowse.core.search.filter_registry import FilterRegistry, NoPapers
from paperbrowse.core.search.tokens import folded, word_spans, words

PASSAGE_CHARS = 90  # characters shown either side of a match
RECENT_WORDS = 32  # words whose matching bodies are kept, to narrow the next key's search


@dataclass(frozen=True)
class Passage:
    """Where a body matched: the text around it, the matched spans in it, and its page."""

    text: str
    page: int  # 1-based
    spans: tuple[tuple[int, int], ...]


def words_of(query: str) -> list[str]:
    """The query's words, folded as the bodies' words are."""
    return words(query)


Span = tuple[int, int]


def _hits(page: str, wanted: list[str], phrase: bool) -> Iterator[Span]:
    """Where ``page`` matches, in order. Each word matches a word of the page it starts
    (both folded); with ``phrase``, the words one after another as one span, each but the
    last whole (``margin loss`` finds "margin losses", not "marginal loss")."""
    found = list(word_spans(page))
    if not phrase:
        for start, end, word in found:
            if any(map(word.startswith, wanted)):
                yield start, end
        return
    *whole, last = wanted
    size = len(wanted)
    for place in range(len(found) - size + 1):
        run = found[place : place + size]
        if [w for _, _, w in run[:-1]] == whole and run[-1][2].startswith(last):
            yield run[0][0], run[-1][1]


def holds_phrase(pages: tuple[str, ...], wanted: list[str]) -> bool:
    """Whether the pages hold the phrase, as ``_hits`` finds it. A page that, folded as the
    index folds it (``tokens.folded``), is ASCII (most, of papers in English: ligatures,
    accents and curly quotes fold) is read by one regular expression, at C's speed; others
    word by word (76 ms for a 520 KB text without the phrase, a candidate of every key
    typed, where a regex took 8 ms)."""
    pattern = _phrase_pattern(wanted)
    for page in pages:
        text = folded(page)
        if text.isascii():
            if pattern.search(text):
                return True
        elif next(_hits(page, wanted, True), None) is not None:
            return True
    return False


def _phrase_pattern(wanted: list[str]) -> re.Pattern[str]:
    *whole, last = map(re.escape, wanted)
    between = "[^a-z0-9]+"
    return re.compile("(?<![a-z0-9])" + "".join(w + between for w in whole) + last)


def _first_hit(pages: tuple[str, ...], wanted: list[str], phrase: bool) -> tuple[int, Span] | None:
    """The first page matching, and where."""
    for number, page in enumerate(pages):
        hit = next(_hits(page, wanted, phrase), None)
        if hit is not None:
            return number, hit
    return None


class BodyIndex:
    """Each paper's PDF text by paper id; thread-safe to add to while searched."""

    def __init__(self) -> None:
        self._texts: dict[str, BodyText] = {}
        self._lock = threading.Lock()
        self.version = 0  # bumped on each add, so a running search knows to refresh
        self._replaced = 0  # bodies replaced (a paper's second PDF), not just added
        self.searched_at = float("-inf")  # time.monotonic() of the last search of the bodies
        # word -> (replacements then, bodies then, the ids with a word starting so).
        # Typing "trans" after "tran" looks only in the bodies "tran" was found in, and
        # in those added since (bodies are only appended, in order, unless replaced).
        self._recent: dict[str, tuple[int, int, frozenset[str]]] = {}

    def add(self, paper_id: str, text: FullText) -> None:
        body = text.body
        if body.page_count <= 0:
            return
        with self._lock:
            old = self._texts.get(paper_id)
            if old is not None:  # a paper's second PDF: both searched as one
                body = BodyText.of(old.pages() + body.pages())
                self._replaced += 1
            # A new dict, not an update: a search in another thread reads the old one.
            self._texts = {**self._texts, paper_id: body}
            self.version += 1

    def replace(self, paper_id: str, texts: Iterable[FullText]) -> None:
        """The paper's text anew, from all its PDFs (one was attached or detached)."""
        pages = tuple(page for text in texts for page in text.body.pages())
        with self._lock:
            others = {i: kept for i, kept in self._texts.items() if i != paper_id}
            self._texts = {**others, paper_id: BodyText.of(pages)} if pages else others
            self._replaced += 1  # what was found for a word before may be gone
            self.version += 1

    def __len__(self) -> int:
        return len(self._texts)

    def ids(self) -> frozenset[str]:
        """The papers with text."""
        return frozenset(self._texts)

    def text_chars(self) -> int:
        return sum(body.chars for body in self._texts.values())

    def size(self) -> int:
        """Bytes the bodies keep (their words and compressed pages)."""
        return sum(body.size() for body in self._texts.values())

    def matching(
        self, query: str, phrase: bool = False, among: Iterable[str] | None = None
    ) -> set[str]:
        """Ids whose body holds every word of ``query`` (with ``phrase``: all, in order)."""
        words = words_of(query)
        if not words:
            return set()
        self.searched_at = time.monotonic()
        with self._lock:
            texts, replaced = self._texts, self._replaced
        found = set(self._holding(words[0], texts, replaced))
        for word in words[1:]:
            found &= self._holding(word, texts, replaced)
        if among is not None:
            found.intersection_update(among)
        if phrase and len(words) > 1:
            found = {i for i in found if holds_phrase(texts[i].pages(), words)}
        return found

    def _holding(self, word: str, texts: dict[str, BodyText], replaced: int) -> frozenset[str]:
        """Ids whose body has a word starting with ``word``, looked for only among those
        found for its longest prefix looked for already, and those added since."""
        recent = list(self._recent.items())  # one step under the GIL: other threads add
        narrowest: tuple[str, int, frozenset[str]] | None = None
        for known, (replaced_then, count, ids) in recent:
            fits = replaced_then == replaced and count <= len(texts) and word.startswith(known)
            if fits and (narrowest is None or len(known) > len(narrowest[0])):
                narrowest = (known, count, ids)
        pool: Iterable[str] = texts.keys()
        if narrowest is not None:
            _, count, ids = narrowest
            pool = itertools.chain(ids, itertools.islice(texts, count, None))
        found = frozenset(i for i in pool if texts[i].has_word_starting(word))
        self._recent[word] = (replaced, len(texts), found)
        while len(self._recent) > RECENT_WORDS:
            with contextlib.suppress(KeyError, StopIteration, RuntimeError):
                del self._recent[next(iter(self._recent))]
        return found

    def passage(self, paper_id: str, query: str, phrase: bool = False) -> Passage | None:
        words = words_of(query)
        body = self._texts.get(paper_id)
        pages = body.pages() if body is not None else ()
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
        prefix = "…" if left else ""
        shifted = tuple((a + len(prefix), b + len(prefix)) for a, b in _hits(text, words, phrase))
        return Passage(prefix + text + ("…" if right < len(page) else ""), number + 1, shifted)

    @staticmethod
    def _first(
        pages: tuple[str, ...], words: list[str], phrase: bool
    ) -> tuple[int, int, int] | None:
        """(page, start, end) of the first match; every word must be somewhere in the body."""
        if phrase:
            hit = _first_hit(pages, words, True)
            return None if hit is None else (hit[0], *hit[1])
        first: tuple[int, int, int] | None = None
        for word in words:
            hit = _first_hit(pages, [word], False)
            if hit is None:
                return None
            first = first or (hit[0], *hit[1])
        return first


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


def register_fulltext_filter(
    filters: FilterRegistry,
    body: BodyIndex,
    why_none: Callable[[], str | None] = lambda: None,
) -> Callable[[], None]:
    """Make ``fulltext:WORD`` and ``fulltext:"a phrase"`` search only the PDFs' bodies,
    in the searches of the library these filters are of. Returns an undo.

    While no body has text, ``why_none`` is asked whether the library has PDFs at all:
    its note, when it has none, is said beside the empty list (``NoPapers``)."""

    def handler(value: str) -> frozenset[str]:
        found = frozenset(body.matching(value, phrase=len(words_of(value)) > 1))
        if found or len(body):
            return found
        why = why_none()  # (PDFs not read yet, or none at all: asked only then)
        return found if why is None else NoPapers(why)

    return filters.register("fulltext", handler, 'fulltext:WORD, fulltext:"a phrase"')
