"""One frame per keystroke: the screen waits for the search's results before it paints.

Without this a key took two frames: the letter echoed in the search bar at once, and
the results a few milliseconds later, when the search thread answered. Textual paints
at most one frame per 1/60 s (``TEXTUAL_FPS``), so the second frame waited for the
next tick, up to 17 ms after the first, and each frame repainted most of the screen
(about 8 ms of CPU at 15 papers, profile_keys.py): a key's time went to painting the
letter on its own. Held here, the letter and its results are painted together as soon
as the results are in; a search slower than ``HOLD_SECONDS`` lets the letter be
painted on its own at that deadline, and its results follow when they come.

The hold is Textual's ``App.batch_update`` (repaints suspended while it is open),
entered here and left when the results are shown, on the deadline, or when the screen
goes, whichever comes first. On leaving it, the refreshes the widgets asked for are
handed to the screen at once (``Widget._check_refresh``, private, checked against
8.2.8): each widget otherwise hands its own over when its message queue next idles,
and the screen painted the first to arrive (the letter) in a frame of its own and the
list, the count, the detail pane and the scrollbars in the next.

And the frame is painted as soon as the screen has taken those refreshes in, not at
the screen's next tick. Textual (8.2.8) paints from a timer that runs at ``TEXTUAL_FPS``
on a fixed grid (``Screen._update_timer``, every 1/60 s from its start): resumed when
the screen goes idle, it fires at once only if a whole period passed since the last
frame, else at the next grid point. With a frame every key, the key's frame waited
there 0–17 ms (8–10 ms on average; tmux traces here): the bare Textual app of
bench_keys.py takes its 17–20 ms from it, its letter painted at once (4 ms) and its
count in the next frame, a period later. Painted here, the frame is the one the timer
would have painted, only sooner: no frame more, the same CPU. Searched the upstream
issues for the frame timer's latency and found no report of it.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from textual.widget import Widget

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.timer import Timer

HOLD_SECONDS = 0.025  # longest a typed letter waits for its results before it is painted


class FrameHold:
    """The screen's repaints held back while a search the user is waiting for runs."""

    def __init__(self, screen: Screen[None]) -> None:
        self._screen = screen
        self._batch: AbstractContextManager[None] | None = None
        self._deadline: Timer | None = None

    @property
    def holding(self) -> bool:
        return self._batch is not None

    def hold(self) -> None:
        """Paint nothing until ``release`` or the deadline (a hold already open keeps its
        deadline: a fast typist's letters are painted at least that often)."""
        if self._batch is not None or not self._screen.is_attached:
            return
        batch = self._screen.app.batch_update()
        batch.__enter__()
        self._batch = batch
        self._deadline = self._screen.set_timer(HOLD_SECONDS, self._expired, name="frame hold")

    def _expired(self) -> None:
        self._deadline = None  # its own timer: not stopped from inside its callback
        self.release()

    def release(self) -> None:
        """Paint what changed meanwhile (nothing happens if nothing is held)."""
        batch, self._batch = self._batch, None
        if batch is None:
            return
        if self._deadline is not None:
            self._deadline.stop()
            self._deadline = None
        batch.__exit__(None, None, None)
        if self._screen.is_attached:
            hand_over_refreshes(self._screen)
            # After the refreshes just handed over (messages to the screen, in order).
            self._screen.call_later(paint_now, self._screen)


def paint_now(screen: Screen[None]) -> None:
    """Lay out and paint what changed on ``screen`` now, as its update timer would at its
    next tick (``Screen._on_timer_update``, private, checked against 8.2.8; it pauses
    the timer, so the tick that follows finds nothing left to paint)."""
    if screen.is_attached and screen.is_current and not screen.app._batch_count:
        screen._on_timer_update()


def hand_over_refreshes(screen: Screen[None]) -> None:
    """Every refresh the screen's widgets (and their scrollbars) asked for, handed to the
    screen now, so that one frame paints them all."""
    for widget in screen.walk_children(Widget):
        _hand_over(widget)
        for chrome in (widget._vertical_scrollbar, widget._horizontal_scrollbar):
            if chrome is not None:
                _hand_over(chrome)


def _hand_over(widget: Widget) -> None:
    if widget._repaint_required or widget._layout_required or widget._scroll_required:
        widget._check_refresh()
