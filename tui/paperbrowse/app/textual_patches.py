"""Three Textual 8.2.8 faults and one of Rich 15.0.0 that hung or crashed the app, guarded
where they start, and one of Textual's that slowed keystrokes.

All are private API, checked against the versions pyproject.toml pins. No upstream issue
was found for any. ``guard_textual`` puts the guards on, once, before the first timer or
widget is made.

**Timers with no time left.** ``Timer._run`` loops forever on a negative interval,
never yielding to the event loop. With ``skip`` on (the default) it works out a negative
count of missed ticks and goes round again. The app then hangs at 100% CPU, and because
the event loop never runs, it cannot even handle SIGTERM. A zero interval raises
ZeroDivisionError in the same place instead. Textual's own toasts can trigger this:
``ToastRack`` checks that a notification has not expired and then makes its ``Toast``,
which reads ``time_left`` as its timeout. If the interpreter is busy between those two
steps (a loader thread, keys coming in fast), that timeout is a few microseconds below
zero. ``soak_keys.py`` found an app spinning on an interval of -87 µs, its terminal
gone. Such a timer now gets ``LATE_INTERVAL``: a late toast shows for a moment and
goes, as it would have a moment earlier. Positive intervals are left alone
(``TEXTUAL_FPS=240`` paints every 4 ms).

**A click on an option that is gone.** ``OptionList._on_click`` indexes its options
with the number the click's screen position carried. If the list shrank between the
paint and the click (a palette refilled, a list replaced as the mouse comes down), that
raised IndexError and the app stopped: ``soak_keys.py`` at 100k papers, 1.5 minutes in.
Such a click is now ignored, as a click on nothing is.

**Text cut inside a run of zero-width joiners.** Rich cuts a string to a number of
cells (``cells.set_cell_size``, which Textual's wrapping, cropping and padding all call)
by guessing where the cut falls among its graphemes and walking from there. A joiner
with nothing to join makes a grapheme of no width, and the walk then runs off the end:
``"\u200d\u200d😀"`` twice, cut at 3 cells, raises IndexError (at 1 cell, the guess
divides by zero). A paper with such a title crashed the app in the detail pane at odd
widths, behind any dialog, and in the people screen (a helper found four ways in, each
with a crash.log). Such a cut is now made by walking the graphemes from the start; every
other cut is Rich's own.

**Dim text in a terminal's own colours.** With ``TEXTUAL_FILTERS=dim`` (for terminals
that draw no dim text), Textual blends a dim colour towards its background
(``filter.dim_color``), reading both as RGB. A theme in the terminal's ANSI colours
(``ansi-dark``, chosen from the palette) has none: the unpacking raised TypeError on the
first dim line, and the app stopped (a helper's review). Such a colour is now left as it
is: the text is not dimmed, where it cannot be blended.

**Strips that keep themselves.** A ``Strip`` remembers what it was cut into
(``divide``) and what it was cropped to (``crop_extend``). Cut at its own end, or cropped
to its whole length, the answer is the strip itself, kept in its own cache: a reference
cycle, so the strip, its eight caches and its segments outlive it until the collector
finds them. Each frame the compositor cuts every line so, and the 100k-paper typing of
``profile_keys.py`` left 160k such objects for the collector, 2-7k at each of its full
passes (10-30 ms each, about one key in twenty). The strip itself is now returned
without being kept, and freed when it is no longer drawn.
"""

from __future__ import annotations

from typing import Any

from paperbrowse.core.patching import Method, install_once

LATE_INTERVAL = 0.01  # seconds: long enough that its one tick is not skipped as missed


def guard_textual() -> None:
    """The guards, each put on once per process (``core.patching.install_once``)."""
    guard_timers()
    guard_option_clicks()
    guard_rich_cuts()
    guard_ansi_dimming()
    strips_without_self_references()


def guard_timers() -> None:
    """Give every Textual timer made with no time left ``LATE_INTERVAL``."""
    from textual.timer import Timer

    install_once(Timer, "__init__", _late_timers_due_soon)


def _late_timers_due_soon(original: Method) -> Method:
    def __init__(self: Any, event_target: Any, interval: float, **options: Any) -> None:
        original(self, event_target, interval if interval > 0 else LATE_INTERVAL, **options)

    return __init__


def guard_option_clicks() -> None:
    """Make ``OptionList`` ignore a click on an option number it no longer has."""
    from textual.widgets import OptionList

    install_once(OptionList, "_on_click", _clicks_on_gone_options_ignored)


def _clicks_on_gone_options_ignored(original: Method) -> Method:
    async def _on_click(self: Any, event: Any) -> None:
        clicked = event.style.meta.get("option")
        if clicked is not None and not 0 <= clicked < self.option_count:
            return  # painted before the list changed: nothing there now
        await original(self, event)

    return _on_click


def guard_rich_cuts() -> None:
    """Make Rich's cut of a string at a cell (``rich.cells._split_text``, looked up by
    ``set_cell_size`` and ``split_text`` when called) survive graphemes of no width."""
    import rich.cells

    install_once(rich.cells, "_split_text", _cuts_past_empty_graphemes)


def _cuts_past_empty_graphemes(original: Method) -> Method:
    def _split_text(text: str, cell_position: int, unicode_version: str = "auto") -> Any:
        try:
            return original(text, cell_position, unicode_version)
        except (IndexError, ZeroDivisionError):
            return _split_walked(text, cell_position, unicode_version)

    return _split_text


def _split_walked(text: str, cell_position: int, unicode_version: str) -> tuple[str, str]:
    """``text`` split at ``cell_position`` cells, its graphemes walked from the start; a wide
    grapheme the cut falls inside becomes a space on each side, as Rich makes it."""
    from rich.cells import split_graphemes

    if cell_position <= 0:
        return "", text
    spans, _ = split_graphemes(text, unicode_version)
    taken = 0
    for start, end, cells in spans:
        if taken + cells > cell_position:
            if taken == cell_position:
                return text[:start], text[start:]
            return text[:start] + " ", " " + text[end:]
        taken += cells
    return text, ""


def guard_ansi_dimming() -> None:
    """Make Textual's dimming of a colour (``textual.filter.dim_color``, looked up when
    called) leave a colour without RGB (the terminal's own) as it is."""
    import textual.filter

    install_once(textual.filter, "dim_color", _ansi_colours_left_undimmed)


def _ansi_colours_left_undimmed(original: Method) -> Method:
    def dim_color(background: Any, color: Any, *factor: float) -> Any:
        if background is None or color is None or None in (background.triplet, color.triplet):
            return color
        return original(background, color, *factor)

    return dim_color


def strips_without_self_references() -> None:
    """Make ``Strip.divide`` and ``Strip.crop_extend`` return the strip itself, when that
    is the answer, without keeping it in its own cache."""
    from textual.strip import Strip

    install_once(Strip, "divide", _divided_at_own_end_not_kept)
    install_once(Strip, "crop_extend", _cropped_whole_not_kept)


def _divided_at_own_end_not_kept(original: Method) -> Method:
    def divide(self: Any, cuts: Any) -> Any:
        cuts = [cut for cut in cuts if cut <= self.cell_length]  # (as Textual's own)
        if cuts == [self.cell_length]:
            return [self]
        return original(self, cuts)

    return divide


def _cropped_whole_not_kept(original: Method) -> Method:
    def crop_extend(self: Any, start: int, end: int, style: Any) -> Any:
        if start <= 0 and end == self.cell_length:
            return self
        return original(self, start, end, style)

    return crop_extend
