"""A PDF's text in the compact form the body index keeps and the cache stores.

Two parts, made once when the text is extracted and read back as they are on a reopen
(no tokenising or compressing then):

- ``words``: the distinct words of the text, casefolded, sorted, one a line between
  newlines, as UTF-8. A search looks for ``\\nPREFIX`` in it: the same "a word
  starting with" match as a ``\\bPREFIX`` regex on the text, at a fraction of the cost
  (the regexes over 1,000 PDFs' text took seconds a key).
- ``packed``: the pages (control characters and runs of spaces and line ends as one
  space) joined by form feeds, zlib-compressed: about a third of the text's size,
  unpacked only for a paper's passage and for a phrase's candidates.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")
# Control characters (PDFium passes some of a font's odd codes through) are never
# shown to the terminal: each becomes a space.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_PAGE_BREAK = "\f"  # never inside a page: runs of spaces (form feeds too) are one space
_LEVEL = 6  # zlib: a third of the text's size; 2 ms for a 13-page paper


def flat_page(page: str) -> str:
    return _SPACES.sub(" ", _CONTROL.sub(" ", page))


@dataclass(frozen=True)
class BodyText:
    words: bytes
    packed: bytes
    page_count: int
    chars: int  # characters of text in the pages

    @classmethod
    def of(cls, pages: Iterable[str]) -> BodyText:
        flat = [flat_page(page) for page in pages]
        joined = _PAGE_BREAK.join(flat)
        words = sorted(set(_WORD.findall(joined.casefold())))
        return cls(
            ("\n" + "\n".join(words) + "\n").encode("utf-8", "surrogatepass"),
            zlib.compress(joined.encode("utf-8", "surrogatepass"), _LEVEL),
            len(flat),
            sum(len(page) for page in flat),
        )

    def pages(self) -> tuple[str, ...]:
        if self.page_count <= 0:
            return ()
        try:
            joined = zlib.decompress(self.packed).decode("utf-8", "surrogatepass")
        except (zlib.error, UnicodeDecodeError):
            return ()  # a damaged cache entry: its words are still searched
        return tuple(joined.split(_PAGE_BREAK))

    def has_word_starting(self, prefix: str) -> bool:
        """Whether a word of the text starts with ``prefix`` (casefolded, one word)."""
        return b"\n" + prefix.encode("utf-8", "surrogatepass") in self.words

    def size(self) -> int:
        """Bytes it keeps in memory (its two parts)."""
        return len(self.words) + len(self.packed)
