"""Hyphens at a line's end in a PDF's text: a word broken there is joined, a compound kept.

PDFium marks every hyphen it finds at the end of a line with U+FFFE, with or without a
line end after it: ``repre\\ufffesentations`` (a word the typesetter broke) and
``document\\ufffelevel`` (a compound that happened to end the line) look the same.
Joining both would make "documentlevel", which no one searches for; keeping both would
leave "represen-tation", which a search for "representation" misses.

So each break is decided from the same document's own text, where it writes the
word elsewhere (never counting the breaks themselves):

1. the hyphenated form is written elsewhere (``document-level``, or as part of a
   longer compound: ``state-of`` in ``state-of-the-art``): the hyphen is kept;
2. else the joined word is written elsewhere (``representations``): joined;
3. else the break is inside a longer compound (``off-the\\ufffeshelf``,
   ``state\\ufffeof-the-art``): kept;
4. else the part after the break starts with a capital (``Hsu\\ufffeHan``,
   ``Sentence\\ufffeBERT``; a typesetter never breaks a lower-case word before a
   capital): kept;
5. else joined: most line-end hyphens break a word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

MARK = "\ufffe"  # PDFium's "hyphen at a line's end"
_BREAK = re.compile(r"(\w*)\ufffe(?:\r?\n)?(\w*)")
_WORD = re.compile(r"\w+")
_COMPOUND = re.compile(r"\w+(?:-\w+)+")


@dataclass(frozen=True)
class Usage:
    """How a document writes its words away from the line-end breaks (casefolded)."""

    words: frozenset[str]
    pairs: frozenset[str]  # adjacent parts of its hyphenated compounds: "state-of", "of-the"

    @classmethod
    def of(cls, text: str) -> Usage:
        unbroken = _BREAK.sub(" ", text).casefold()
        pairs = {
            f"{left}-{right}"
            for compound in _COMPOUND.findall(unbroken)
            for left, right in pairwise(compound.split("-"))
        }
        return cls(frozenset(_WORD.findall(unbroken)), frozenset(pairs))


def keeps_hyphen(before: str, after: str, usage: Usage, in_compound: bool = False) -> bool:
    """Whether ``before`` + a line-end hyphen + ``after`` is a compound (the rules above)."""
    if f"{before}-{after}".casefold() in usage.pairs:
        return True
    if (before + after).casefold() in usage.words:
        return False
    return in_compound or after[:1].isupper()


def mend_pages(pages: Sequence[str]) -> list[str]:
    """The pages of one document with each line-end hyphen joined or kept."""
    if not any(MARK in page for page in pages):
        return list(pages)
    usage = Usage.of("\n".join(pages))

    def mend(found: re.Match[str]) -> str:
        before, after = found.group(1), found.group(2)
        if not before or not after:
            return before + after
        page, start, end = found.string, found.start(), found.end()
        in_compound = page[start - 1 : start] == "-" or page[end : end + 1] == "-"
        hyphen = "-" if keeps_hyphen(before, after, usage, in_compound) else ""
        return before + hyphen + after

    return [_BREAK.sub(mend, page) for page in pages]
