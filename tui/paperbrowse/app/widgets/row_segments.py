"""A list row's pieces as Rich segments, cut and padded to terminal cells.

The paper list draws 29 rows or so on every keystroke. Building each as a Rich
``Text`` (assembled, stylized, truncated, then rendered back to segments) took
50–200 µs a row at 22k papers (issue 13); these functions build the segments
directly and lay them out as ``Text`` would: a cut ends in "…" styled as the
first character it cut off, a wide character is never cut in two, and control
codes Rich strips from a ``Text`` are stripped here too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from rich.cells import cell_len, set_cell_size
from rich.control import strip_control_codes
from rich.segment import Segment
from rich.style import Style

if TYPE_CHECKING:
    from paperbrowse.core.models import Paper

Span = tuple[int, int]
TEXTS_KEPT = 2048  # texts past ASCII measured and cut, kept: the rows of the keys to come


def styled(
    text: str, style: Style | None, spans: Sequence[Span] = (), over: Style | None = None
) -> list[Segment]:
    """``text`` in ``style``, its ``spans`` (sorted, apart) in ``over``; control codes stripped."""
    text = strip_control_codes(text)
    if not spans:
        return [Segment(text, style)] if text else []
    pieces: list[Segment] = []
    at, size = 0, len(text)
    for start, end in spans:
        start, end = max(start, at), min(end, size)
        if start >= end:
            continue
        if start > at:
            pieces.append(Segment(text[at:start], style))
        pieces.append(Segment(text[start:end], over))
        at = end
    if at < size:
        pieces.append(Segment(text[at:], style))
    return pieces


def cells(segments: Iterable[Segment]) -> int:
    """Terminal cells the segments take (each measured alone, as Textual's strips do)."""
    return sum([width_of(segment.text) for segment in segments])


def width_of(text: str) -> int:
    """Terminal cells ``text`` takes: its length when it is printable ASCII (most titles
    and names), checked in C; else as Rich measures it, kept for the next keys' rows.
    (Rich measures a title with a dash or a curly quote character by character, 10-20
    µs, and a row asked about 30 times: a tenth of drawing it.)"""
    if text.isascii():
        return len(text) if text.isprintable() else cell_len(text)
    return _measured(text)


@lru_cache(maxsize=TEXTS_KEPT)
def _measured(text: str) -> int:
    return cell_len(text)


@lru_cache(maxsize=TEXTS_KEPT)
def _cut(text: str, width: int) -> str:
    """``set_cell_size`` (its cut of a text past ASCII walks it grapheme by grapheme:
    the same titles are cut on every key)."""
    return set_cell_size(text, width)


def fit(segments: list[Segment], width: int, pad: bool = False) -> list[Segment]:
    """The segments in at most ``width`` cells, cut with "…" after the last whole character.

    The "…" takes the style of the first character cut off, as Rich's does; with
    ``pad``, spaces (unstyled) fill the row to ``width``.
    """
    taken = cells(segments)
    if taken > width:
        plain = "".join([segment.text for segment in segments])
        cut = _cut(plain, max(0, width - 1))
        # A character cut in two comes back as a space after what fits: drop it.
        keep = len(cut) if plain.startswith(cut) else len(cut) - 1
        segments, style = _first_chars(segments, keep)
        segments.append(Segment("…", style))
        taken = cells(segments)
    if pad and taken < width:
        segments = [*segments, Segment(" " * (width - taken))]
    return segments


def fit_plain(text: str, width: int, pad: bool = False) -> str:
    """``text`` (no styles) in at most ``width`` cells, as ``fit`` cuts and pads it."""
    return "".join(segment.text for segment in fit(styled(text, None), width, pad))


def crop(segments: list[Segment], width: int, pad: bool = False) -> list[Segment]:
    """The segments cut to ``width`` cells (no "…"), as ``Text.truncate`` crops."""
    taken = cells(segments)
    if taken > width:
        plain = "".join([segment.text for segment in segments])
        cut = _cut(plain, width)
        if plain.startswith(cut):
            return _first_chars(segments, len(cut))[0]
        # A wide character cut in two became a space, in that character's style.
        kept, style = _first_chars(segments, len(cut) - 1)
        return [*kept, Segment(" ", style)]
    if pad and taken < width:
        return [*segments, Segment(" " * (width - taken))]
    return segments


def _first_chars(segments: list[Segment], count: int) -> tuple[list[Segment], Style | None]:
    """The segments' first ``count`` characters, and the style of the character after them."""
    kept: list[Segment] = []
    for segment in segments:
        text = segment.text
        if count < len(text):
            if count:
                kept.append(Segment(text[:count], segment.style))
            return kept, segment.style
        kept.append(segment)
        count -= len(text)
    return kept, None


CATEGORY_WIDTH = 6  # at most this much of a category code is shown


def category_width(papers: Sequence[Paper]) -> int:
    """The width of the list's category column: the longest code, capped."""
    from paperbrowse.core.store import field_values  # (loaded with the library by now)

    categories = set(field_values(papers, "category"))  # a store's rows stay rows
    return min(CATEGORY_WIDTH, max((cell_len(code or "") for code in categories), default=0))
