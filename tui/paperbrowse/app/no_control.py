"""The last guard between text and the terminal: no control character is ever written.

The core strips escape codes from what it reads, but text reaches the screen by
other ways too: a file's name (``evil\\x1b]0;pwned\\x07.bib`` set the window
title from the header), a path in a message, a clipboard paste. Rich keeps ESC
in ``Text``; Textual writes segment text as it is. This line filter, run on
every line of every widget, drops C0 and C1 control characters from segment
text (never from Textual's own control segments). They take no cells, so
nothing moves.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

_CONTROL = dict.fromkeys([*range(0x00, 0x20), *range(0x7F, 0xA0)])


class StripControlCodes(LineFilter):
    """Drop control characters (ESC, BEL, CSI, tabs, newlines) from the text of every line."""

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
