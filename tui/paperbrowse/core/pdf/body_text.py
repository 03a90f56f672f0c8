"""A PDF's text in the compact form the body index keeps and the cache stores.

Two parts, made once when the text is extracted and read back as they are on a reopen
(no tokenising or compressing then):

- ``words``: the distinct words of the text, folded as the search index folds a title's
  (``search.tokens``: ``Jürgen`` is ``jurgen``, an Arabic word has no vowel signs),
  sorted, one a line between newlines, as UTF-8. A search looks for ``\\nPREFIX`` in it:
  a "word starting with" match, at a fraction of a regex's cost on the text (the
  regexes over 1,000 PDFs' text took seconds a key).
- ``packed``: the pages (control characters and runs of spaces and line ends as one
  space) joined by form feeds, zlib-compressed: about a third of the text's size,
  unpacked only for a paper's passage and for a phrase's candidates.

A cache entry (``read_entry``, ``write_entry``) is the two parts as they are, after a
line of JSON (why there is no text, the page count, the characters, the two parts'
lengths): a reopen reads them back without tokenising or compressing anything.

PDFium marks a hyphen it found at a line's end with U+FFFE (``tem\\ufffeporally``):
``clean_pages`` joins a word broken there (``temporally``), so it is found whole, and
keeps the hyphen of a compound that ended the line (``document-level``), judging by how
the same document writes the word elsewhere (``hyphens``). Other hyphens
(``state-of-the-art``) are left alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from paperbrowse.core.pdf.hyphens import mend_pages

_SPACES = re.compile(r"\s+")
# Control characters (PDFium passes some of a font's odd codes through) are never
# shown to the terminal: each becomes a space.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_PAGE_BREAK = "\f"  # never inside a page: runs of spaces (form feeds too) are one space
_LEVEL = 6  # zlib: a third of the text's size; 2 ms for a 13-page paper
# Version 3: right-to-left words in both orders too (version 2's were folded as the index
# folds them, version 1's only casefolded: older entries are extracted anew).
_MAGIC = b"paperbrowse-fulltext 3\n"


def folded_words(text: str) -> bytes:
    """The distinct words of ``text``, folded, sorted, one a line between newlines."""
    # (Imported here: the PDF worker process imports this module for every PDF's text,
    # and numpy, which the index's character table needs, only once it has one.)
    from paperbrowse.core.search.tokens import index_bytes

    words = set(index_bytes(text).split())
    words.update([_reversed(word) for word in words if _RIGHT_TO_LEFT.search(word)])
    return b"\n" + b"\n".join(sorted(words)) + b"\n"


# Hebrew and Arabic letters (U+0590-U+06FF: UTF-8 D6 90 to DB BF). PDFium gives some
# PDFs' right-to-left words in the order they are drawn ("يبيبَح" for "حَبيبي") and
# others' as written, and nothing in the text tells which: such a word is kept in both
# orders, so the word as a user types it finds the paper either way (no passage is shown
# for a reversed one: the pages are kept as the PDF gives them).
_RIGHT_TO_LEFT = re.compile(b"\xd6[\x90-\xbf]|[\xd7-\xdb]")


def _reversed(word: bytes) -> bytes:
    return word.decode("utf-8", "surrogatepass")[::-1].encode("utf-8", "surrogatepass")


def flat_page(page: str) -> str:
    return _SPACES.sub(" ", _CONTROL.sub(" ", page))


def clean_pages(raw: Sequence[str]) -> tuple[str, ...]:
    """A document's pages as PDFium gives them: line-end hyphens mended (``hyphens``),
    and each run of spaces and line ends one space (columns and lines read as running
    text)."""
    return tuple(flat_page(page) for page in mend_pages(raw))


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
        return cls(
            folded_words(joined),
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
        """Whether a word of the text starts with ``prefix`` (one word, folded)."""
        return b"\n" + prefix.encode("utf-8", "surrogatepass") in self.words

    def size(self) -> int:
        """Bytes it keeps in memory (its two parts)."""
        return len(self.words) + len(self.packed)


def read_entry(entry: Path) -> tuple[BodyText, str | None] | None:
    """The text and its problem cached at ``entry``; None when absent or damaged."""
    try:
        data = entry.read_bytes()
        if not data.startswith(_MAGIC):
            return None
        header_end = data.index(b"\n", len(_MAGIC)) + 1
        header = json.loads(data[len(_MAGIC) : header_end])
        words_end = header_end + int(header["words"])
        if len(data) != words_end + int(header["packed"]):
            return None  # cut short (a full disk)
        body = BodyText(
            data[header_end:words_end], data[words_end:], int(header["pages"]), int(header["chars"])
        )
        problem = header.get("problem")
        return body, None if problem is None else str(problem)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_entry(entry: Path, body: BodyText, problem: str | None) -> bool:
    """Written under a temporary name and renamed: a crash never leaves half an entry.
    Whether it was written."""
    header = {
        "problem": problem,
        "pages": body.page_count,
        "chars": body.chars,
        "words": len(body.words),
        "packed": len(body.packed),
    }
    partial = entry.with_name(f"{entry.name}.{os.getpid()}.partial")
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with open(partial, "wb") as stream:
            stream.write(_MAGIC + json.dumps(header).encode() + b"\n")
            stream.write(body.words)
            stream.write(body.packed)
        partial.replace(entry)
        return True
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink()
        return False
