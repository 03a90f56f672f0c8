"""The last step between text and the terminal: nothing is written that a terminal may misread.

Two line filters, run on every line of every widget after Textual's own (as one,
``TerminalText``; the app hands Textual all of them as one ``InTurn``):

* ``StripControlCodes``: the core strips escape codes from what it reads, but
  text reaches the screen by other ways too: a file's name
  (``evil\\x1b]0;pwned\\x07.bib`` set the window title from the header), a path in
  a message, a clipboard paste, a tag or a note. Rich keeps ESC in ``Text`` and
  Textual writes segment text as it is, so C0 and C1 control characters and the
  bidirectional controls are dropped here (never from Textual's own control
  segments). They take no cells, so nothing moves.

* ``StableEmojiWidths``: Rich 15 measures an emoji sequence as one grapheme
  (``❤️`` and ``1️⃣`` two cells, ``👍🏽`` two), but many terminals (tmux 3.3,
  older VTE and xterm) count its code points one by one (``❤️`` one cell, ``👍🏽``
  four). The rest of that screen line then shifts: the pane border and the
  detail pane beside a list row came out a cell off. Such a sequence is drawn as
  its first character padded to the width Rich gave it (``❤`` and a space), a
  width every terminal agrees on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.cells import cell_len, split_graphemes
from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

# Bidirectional controls: embeddings, overrides and isolates (U+202A-202E,
# U+2066-2069) and the marks (U+200E/200F, U+061C). U+202E ("right-to-left
# override") in a tag or a note drew the rest of the screen line backwards in
# terminals that apply bidi. The core strips them from files; what a user types
# (tags, notes, a search) reaches the screen without the core, so they go here.
_BIDI = [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]
_CONTROL = dict.fromkeys([*range(0x00, 0x20), *range(0x7F, 0xA0), *_BIDI])

# Code points that make terminals disagree on a sequence's width: zero width
# joiner, variation selector 16 (emoji presentation), combining keycap, and the
# skin tone modifiers.
_SEQUENCE_MARK = re.compile("[\u200d\ufe0f\u20e3\U0001f3fb-\U0001f3ff]")


class StripControlCodes(LineFilter):
    """Drop control characters (ESC, BEL, CSI, tabs, newlines, bidi overrides) from every line."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if all(segment.control or segment.text.isprintable() for segment in segments):
            return segments  # nearly every line: printable text and spaces only
        cleaned = []
        for segment in segments:
            text, style, control = segment
            if not control and not text.isprintable():
                text = text.translate(_CONTROL)
                if not text:
                    continue
            cleaned.append(Segment(text, style, control))
        return cleaned


def stable_width(text: str) -> str:
    """``text`` with each emoji sequence as its first character padded to the sequence's width."""
    spans, _ = split_graphemes(text)
    parts = []
    for start, end, width in spans:
        grapheme = text[start:end]
        mark = _SEQUENCE_MARK.search(grapheme)
        # A joiner after a narrow letter is a script's (Devanagari क्‍ष), not an emoji's: kept.
        if mark is not None and (mark.group() != "\u200d" or cell_len(grapheme[0]) == 2):
            base = grapheme[: mark.start()]
            if base and cell_len(base) <= width:
                grapheme = base + " " * (width - cell_len(base))
        parts.append(grapheme)
    return "".join(parts)


class StableEmojiWidths(LineFilter):
    """Emoji sequences drawn as one character and spaces, the width Rich measured."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        search = _SEQUENCE_MARK.search
        if not any(search(segment.text) for segment in segments if not segment.control):
            return segments
        return [
            segment
            if segment.control or not search(segment.text)
            else Segment(stable_width(segment.text), segment.style, segment.control)
            for segment in segments
        ]


class InTurn(LineFilter):
    """Several line filters run one after another as one filter. Textual passes every line
    it paints through each filter in turn, making a new ``Strip`` (with its caches) for each
    and looking each up in the line's cache of filtered copies: about 490 lookups a
    keystroke at 100k papers. With Textual's colour filter and ``TerminalText`` as one, a
    key's frame took 0.2-0.4 ms less (``profile_keys.py``). Made anew whenever the
    filters change (a new theme replaces Textual's colour filter): a line's cache of
    filtered copies is keyed by the filter."""

    def __init__(self, filters: Sequence[LineFilter]) -> None:
        super().__init__()
        self.filters = tuple(filters)

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        for line_filter in self.filters:
            segments = line_filter.apply(segments, background)
        return segments


class TerminalText(InTurn):
    """Both filters above as one (``InTurn``)."""

    def __init__(self) -> None:
        super().__init__((StripControlCodes(), StableEmojiWidths()))
