"""What a word is, for the index, the query and the highlighter alike.

A text is folded (NFKD, then casefolded) and each character is classed: letters
and digits are word characters, marks (accents, vowel signs) are dropped (so
``Müller`` reads ``muller``), anything else separates words. The index applies this rule
to whole chunks of text with numpy; queries and highlighted fields apply it
with the same character table in Python, so the three always agree.

Python's own regular expressions and ``str.translate`` cost 20-60 ns per
character here, far too slow for a 100k-paper library, hence the byte-level
tricks: ASCII text (most of any library) is lower-cased and split with
``bytes.translate``, which is a plain C table lookup.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from functools import cache

import numpy as np
import numpy.typing as npt

SEPARATOR, WORD_CHAR, MARK = 0, 1, 2
TABLE_SIZE = 0x30000  # the first three planes; rarer code points are classed one by one
DOC_BREAK = 10  # the byte between papers in an index chunk; texts themselves never hold it

_ASCII_WORD = re.compile(r"[A-Za-z0-9]+")
# Letters and digits, with combining accents inside a word (a decomposed "Mu\u0308ller").
_SPAN_WORD = re.compile(r"[^\W_](?:[^\W_]|[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff])*")


def _ascii_table() -> bytes:
    table = bytearray(range(256))
    for code in range(128):
        char = chr(code)
        if not char.isalnum():
            table[code] = 32  # every ASCII non-word byte, control bytes included, is a space
        elif "A" <= char <= "Z":
            table[code] = code + 32
    return bytes(table)


ASCII_TABLE = _ascii_table()
_CHUNK_TABLE = ASCII_TABLE[:DOC_BREAK] + bytes([DOC_BREAK]) + ASCII_TABLE[DOC_BREAK + 1 :]


def _classify(char: str) -> int:
    if char.isalnum():
        return WORD_CHAR
    if unicodedata.category(char)[0] == "M":
        return MARK  # an accent (or a vowel sign): dropped, the letters either side stay one word
    return SEPARATOR


@cache
def char_classes() -> npt.NDArray[np.uint8]:
    """The class of each code point below TABLE_SIZE (built once, about 50 ms)."""
    return np.frombuffer(bytes(_classify(chr(code)) for code in range(TABLE_SIZE)), np.uint8)


def char_class(char: str) -> int:
    code = ord(char)
    return int(char_classes()[code]) if code < TABLE_SIZE else _classify(char)


def casefold_decomposed(text: str) -> str:
    """Compatibility-decomposed and casefolded (accents still present as marks).

    Not ``models.fold``, which also drops the marks: the index classes them itself.
    """
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKD", text).casefold()


class _Folding(dict[int, str | None]):
    """For ``str.translate``: a character as the index reads it (``_classify``): a letter
    or digit kept, a mark dropped, anything else a space. Each is classed once, then read
    at C speed (a function called per character took 0.2 µs each)."""

    def __missing__(self, code: int) -> str | None:
        kind = _classify(chr(code))
        kept = chr(code) if kind == WORD_CHAR else None if kind == MARK else " "
        self[code] = kept
        return kept


_FOLDING = _Folding()


def folded(text: str) -> str:
    """``text`` as the index reads it, as text: decomposed and casefolded, marks dropped,
    and each character that is not a letter or digit a space."""
    return casefold_decomposed(text).translate(_FOLDING)


def index_bytes(text: str) -> bytes:
    """One text as the index reads it: its words in UTF-8, separated by bytes <= 32."""
    if text.isascii():
        return text.encode("ascii").translate(ASCII_TABLE)
    return folded(text).encode("utf-8")


def words(text: str) -> list[str]:
    """The words of a text, folded, in order."""
    return [word.decode("utf-8") for word in index_bytes(text).split()]


def chunk_bytes(texts: Sequence[str]) -> npt.NDArray[np.uint8]:
    """Many texts as the index reads them, as one byte array: a space, then the texts
    with DOC_BREAK between them, then a space.

    Same words as :func:`index_bytes` on each text, but folded, lower-cased and
    classed over the whole chunk at once (numpy for the non-ASCII characters)
    instead of text by text in Python.
    """
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:  # a text holding a newline: make it a space
        texts = [text.replace("\n", " ") for text in texts]
        joined = "\n".join(texts)
    if not joined.isascii():
        # Only the texts that need it are folded; ASCII ones are lower-cased by the table.
        folded = [text if text.isascii() else casefold_decomposed(text) for text in texts]
        joined = "\n".join(folded)
    encoded = joined.encode("utf-8", "replace")
    blob = b" " + encoded.translate(_CHUNK_TABLE) + b" "
    data = np.frombuffer(blob, np.uint8)
    high = data >= 0x80
    if not high.any():
        return data
    return _class_utf8(data, high)


def _class_utf8(data: npt.NDArray[np.uint8], high: npt.NDArray[np.bool_]) -> npt.NDArray[np.uint8]:
    """Decode the multi-byte characters, turn separators into spaces and drop marks."""
    lead = data >= 0xC0
    starts = np.flatnonzero(lead)
    last = len(data) - 1
    first = data[starts].astype(np.int64)
    follow = [data[np.minimum(starts + k, last)].astype(np.int64) & 0x3F for k in (1, 2, 3)]
    two = ((first & 0x1F) << 6) | follow[0]
    three = ((first & 0x0F) << 12) | (follow[0] << 6) | follow[1]
    four = ((first & 0x07) << 18) | (follow[0] << 12) | (follow[1] << 6) | follow[2]
    codes = np.where(first >= 0xF0, four, np.where(first >= 0xE0, three, two))
    table = char_classes()
    kinds = np.empty(len(codes), np.uint8)
    known = codes < TABLE_SIZE
    kinds[known] = table[codes[known]]
    for at in np.flatnonzero(~known).tolist():  # beyond the table: rare enough to ask one by one
        kinds[at] = _classify(chr(int(codes[at])))
    # Every byte of a character takes the class of its lead byte.
    byte_kinds = kinds[np.cumsum(lead[high]) - 1]
    out = data.copy()
    high_positions = np.flatnonzero(high)
    out[high_positions[byte_kinds == SEPARATOR]] = 32
    keep = np.ones(len(out), bool)
    keep[high_positions[byte_kinds == MARK]] = False
    return out[keep]


def word_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, folded word)`` for each word; offsets index ``text`` itself.

    Fast paths: ASCII text, and text whose other characters the regular
    expression splits as the index does (accented letters, CJK, quotes). Any
    other text (a ``½`` that folds to ``1⁄2``) is walked character by character.
    A character that folds into several words gives each of them its span.
    """
    if text.isascii():
        for match in _ASCII_WORD.finditer(text):
            yield match.start(), match.end(), match.group().lower()
        return
    if not all(map(_regex_agrees, {c for c in text if not c.isascii()})):
        yield from _spans_by_char(text)
        return
    end = 0
    for match in _SPAN_WORD.finditer(text):
        start = match.start()
        if start < end:
            continue  # already part of the word before
        # Marks that \w does not count still belong to the word.
        while start > end and char_class(text[start - 1]) == MARK:
            start -= 1
        end = match.end()
        while end < len(text) and char_class(text[end]) != SEPARATOR:
            end += 1
        yield from _folded_token(text, start, end)


@cache
def _regex_agrees(char: str) -> bool:
    """Whether ``char`` is in a word for the span regex exactly when the index says so."""
    kinds = {char_class(c) for c in casefold_decomposed(char)}
    if char.isalnum():
        return SEPARATOR not in kinds and WORD_CHAR in kinds
    if char_class(char) == MARK:
        return kinds <= {MARK}
    return kinds <= {SEPARATOR}


def _spans_by_char(text: str) -> Iterator[tuple[int, int, str]]:
    start, end = -1, -1
    pieces: list[str] = []
    for position, char in enumerate(text):
        for folded in casefold_decomposed(char):
            kind = char_class(folded)
            if kind == WORD_CHAR:
                if not pieces:
                    start = position
                pieces.append(folded)
                end = position + 1
            elif kind == SEPARATOR and pieces:
                yield start, end, "".join(pieces)
                pieces = []
            elif kind == MARK and pieces:
                end = position + 1
    if pieces:
        yield start, end, "".join(pieces)


def _folded_token(text: str, start: int, end: int) -> Iterator[tuple[int, int, str]]:
    token = text[start:end]
    if token.isascii():
        yield start, end, token.lower()
        return
    for word in words(token):
        yield start, end, word
