"""Textual's timers made safe from a delay that has already run out.

Textual 8.2.8's ``Timer._run`` loops forever, never yielding to the event loop, when its
interval is negative: with ``skip`` on (the default) it works out a negative count of
missed ticks and goes round again. The app then hangs at 100% CPU, and since the event
loop never runs, it cannot even handle SIGTERM. A zero interval raises
ZeroDivisionError in the same place instead.

Textual's own toasts can trigger this. ``ToastRack`` checks that a notification has not
expired and then makes its ``Toast``, which reads ``time_left`` as its timeout. If the
interpreter is busy between those two steps (a loader thread, keys coming in fast),
that timeout is a few microseconds below zero. ``soak_keys.py`` found an app spinning on
an interval of -87 µs, its terminal gone. No upstream issue was found.

Here a timer asked for with no time left (an interval of zero or less) gets
``LATE_INTERVAL`` instead: a late toast shows for a moment and goes, as it would have a
moment earlier. Positive intervals are left alone (``TEXTUAL_FPS=240`` paints every
4 ms). This is private Textual API (``Timer.__init__``), checked against textual 8.2.8,
which pyproject.toml pins.
"""

from __future__ import annotations

from typing import Any

LATE_INTERVAL = 0.01  # seconds: long enough that its one tick is not skipped as missed


def guard_timers() -> None:
    """Give every Textual timer made with no time left ``LATE_INTERVAL`` (once per process)."""
    from textual.timer import Timer

    original = Timer.__init__
    if getattr(original, "clamps_interval", False):
        return

    def __init__(self: Timer, event_target: Any, interval: float, **options: Any) -> None:
        original(self, event_target, interval if interval > 0 else LATE_INTERVAL, **options)

    __init__.clamps_interval = True  # type: ignore[attr-defined]  # (the guard's own mark)
    Timer.__init__ = __init__  # type: ignore[method-assign]
