"""Helpers shared by the app tests (imported as a plain module: tests/ has no packages)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_0ff2dc3448c84053.txt"
SEED_AS_OF = dt.date(2025, 11, 24)  # as in tests/conftest.py: "DCApr 9" is 2025-04-09

# A title that would turn red and bold if it were ever read as Rich markup.
MARKUP_TITLE = "A [bold red]x[/bold red] test"


async def wait_loaded(pilot: Pilot[Any]) -> None:
    """Let the loader and the first search finish and the screen settle."""
    app = pilot.app
    for _ in range(200):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if app.browser.results is not None and not app.workers:
            return
    raise AssertionError("the library never finished loading")


def write_jsonl(path: Path, records: list[dict[str, Any] | str]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def screen_text(pilot: Pilot[Any]) -> str:
    """The characters on the current screen, as a user reads them (no styles)."""
    strips = pilot.app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


async def type_burst(pilot: Pilot[Any], text: str) -> None:
    """Type ``text`` as a terminal hands over a burst (a paste, a fast typist, tmux send-keys).

    The text is parsed as one read by the parser the app's terminal driver uses, and
    every key is posted before the app has handled the first, as the driver does;
    then the app is left to handle them all. (``pilot.press`` waits after each key.)
    """
    from textual.drivers import linux_driver

    parser = linux_driver.XTermParser()
    keys = [*parser.feed(text), *parser.feed("")]  # the end of input ends a lone escape
    app = pilot.app
    assert app._driver is not None
    for key in keys:
        app._driver.send_message(key)
    for _ in range(1000):
        await pilot.pause(0.01)
        keys_done = not getattr(app, "_waiting_keys", None) and not getattr(
            app, "_key_in_flight", None
        )
        if keys_done and not app.workers:  # and the searches they started
            await pilot.pause()
            return
    raise AssertionError("the burst's keys were never all handled")
