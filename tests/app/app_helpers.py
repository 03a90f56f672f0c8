"""Helpers shared by the app tests (imported as a plain module: tests/ has no packages)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

# The seed and its date, from tests/helpers.py, for the app tests that import them from here.
from helpers import ROOT as ROOT
from helpers import SEED as SEED
from helpers import SEED_AS_OF as SEED_AS_OF
from textual._xterm_parser import XTermParser
from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed

from paperbrowse.app.app import PaperBrowseApp
from paperbrowse.app.config import config_path
from paperbrowse.app.screens.browser import BrowserScreen
from paperbrowse.core.library import Library
from paperbrowse.core.models import Paper

SETTLE_ROUNDS = 2000  # at most, waiting for messages and workers after a burst
QUIET_ROUNDS = 2  # a message can post another: quiet twice in a row is settled

# A title that would turn red and bold if it were ever read as Rich markup.
MARKUP_TITLE = "A [bold red]x[/bold red] test"


def browser(pilot: Pilot[Any]) -> BrowserScreen:
    """The browser screen of the paperbrowse app a test drives (a Pilot only knows its App)."""
    app = pilot.app
    assert isinstance(app, PaperBrowseApp), app
    return app.browser


def loaded_library(pilot: Pilot[Any]) -> Library:
    """The library the browser shows (the test fails if none is loaded yet)."""
    loaded = browser(pilot).library
    assert loaded is not None, "no library loaded"
    return loaded


def highlighted(pilot: Pilot[Any]) -> Paper:
    """The paper under the list's cursor (the test fails if there is none)."""
    paper = browser(pilot).paper_list.paper
    assert paper is not None, "no paper is highlighted"
    return paper


async def wait_loaded(pilot: Pilot[Any]) -> None:
    """Let the loader and the first search finish and the screen settle."""
    app = pilot.app
    for _ in range(200):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if browser(pilot).results is not None and not app.workers:
            return
    raise AssertionError("the library never finished loading")


def write_jsonl(path: Path, records: Sequence[dict[str, Any] | str]) -> Path:
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

    # Not textual's XTermParser: the name the app swaps its own parser in under (app/keys.py).
    parser = linux_driver.XTermParser()  # type: ignore[attr-defined]
    keys = [*parser.feed(text), *parser.feed("")]  # the end of input ends a lone escape
    app = pilot.app
    assert app._driver is not None
    for key in keys:
        app._driver.send_message(key)
    for _ in range(1000):
        await pilot.pause(0.01)
        if not keys_waiting(app) and not app.workers:  # and the searches they started
            await pilot.pause()
            return
    raise AssertionError("the burst's keys were never all handled")


def keys_waiting(app: Any) -> bool:
    """Keys of a burst the app holds back until the one before them is handled (app/keys.py)."""
    in_flight = getattr(app, "_key_in_flight", None)
    return bool(getattr(app, "_waiting_keys", None)) or in_flight is not None


async def send_keys(pilot: Pilot[Any], data: str) -> None:
    """Write ``data`` as a terminal would, in one read (keys, pastes, mouse), then settle.

    The bytes go through Textual's own input parser and every event is queued at once,
    as when tmux or a fast typist writes several keys together; ``pilot.press`` instead
    waits after each key, which hides the races between a key and a screen being built.
    """
    app = pilot.app
    parser = XTermParser()
    for event in [*parser.feed(data), *parser.feed("")]:  # "" ends a lone escape
        # As the driver's input thread does, but queued now (its thread-safe hand-over
        # would land after the settling below has begun).
        event.set_sender(app)
        app.post_message(event)
    await settle(pilot)


def still_alive(app: Any) -> bool:
    """No exception ended the app, and it has not exited."""
    return app._exception is None and app.return_code is None and app.is_running


async def settle(pilot: Pilot[Any]) -> None:
    """Until no message waits in any queue and no worker runs, twice in a row: a message
    can set off another, and each search result can start the next search.

    Not pilot.pause(): it waits for the process to idle, and worker threads (stats,
    the search index) keep it busy for up to a second each time.
    """
    app = pilot.app
    quiet_rounds = 0
    for _ in range(SETTLE_ROUNDS):
        if not still_alive(app):
            return
        await pilot._wait_for_screen()
        busy = [worker for worker in app.workers if not worker.is_finished]
        for worker in busy:
            with contextlib.suppress(WorkerCancelled, WorkerFailed):  # a newer one replaced it
                await worker.wait()
        nodes = [app, *app.screen.walk_children(with_self=True)]
        waiting = keys_waiting(app) or any(not node._message_queue.empty() for node in nodes)
        quiet_rounds = 0 if busy or waiting else quiet_rounds + 1
        if quiet_rounds == QUIET_ROUNDS:
            return


def write_config(data: object) -> None:
    """The app's config.json (in the test's own data folder), as ``data`` in JSON."""
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text(json.dumps(data), encoding="utf-8")


def notified(app: PaperBrowseApp) -> str:
    """What the app has notified (the ``notifications_kept`` fixture keeps it)."""
    return "\n".join(app.__dict__.get("given", []))


WAIT_POLLS = 300  # 50 ms each: 15 s, as long as a screen is waited for in tmux (a loaded CI)


async def wait_for(
    pilot: Pilot[Any],
    condition: Callable[[], object],
    polls: int = WAIT_POLLS,
    workers: bool = True,
) -> None:
    """Until ``condition()`` holds (15 s at most, then the test fails), the workers done
    first each time; with ``workers=False`` without waiting for them (a worker the test
    holds up on purpose, a slow download, would hold the wait up too)."""
    for _ in range(polls):
        await pilot.pause(0.05)
        if workers:
            await pilot.app.workers.wait_for_complete()
        if condition():
            return
    raise AssertionError("the condition never held")


class TerminalMirror:
    """The cells a terminal shows, built from the frames the app paints (its compositor's
    updates, as ``App._display`` hands them to the terminal: only what changed), so a
    test can check that no change was left out of them. Headless, Pilot's app writes
    nothing, but each frame still reaches ``_display``. It starts from the screen as it
    is drawn when made."""

    def __init__(self, app: Any) -> None:
        self.cells = [
            [(char, style) for text, style, _ in strip for char in text]
            for strip in app.screen._compositor.render_strips()
        ]
        display = app._display

        def mirrored(screen: Any, update: Any) -> None:
            if update is not None and not app._batch_count:  # (else not written: _display)
                self._apply(app, update)
            display(screen, update)

        app._display = mirrored

    def _apply(self, app: Any, update: Any) -> None:
        from rich.segment import ControlType

        x = y = 0
        for segment in update.__rich_console__(app.console, app.console.options):
            if segment.control:
                for control in segment.control:
                    if control[0] == ControlType.CURSOR_MOVE_TO:
                        x, y = control[1], control[2]
            elif segment.text == "\n":
                x, y = 0, y + 1
            else:
                for offset, char in enumerate(segment.text):  # (one cell a character here)
                    self.cells[y][x + offset] = (char, segment.style)
                x += len(segment.text)

    def differences(self, pilot: Pilot[Any]) -> list[str]:
        """Where the terminal's cells differ from the screen as it is now, drawn anew
        (every widget's lines rendered again, not read from its cache)."""
        from textual.widget import Widget

        screen = pilot.app.screen
        for widget in [screen, *screen.walk_children(Widget)]:
            for part in (widget, widget._vertical_scrollbar, widget._horizontal_scrollbar):
                if part is not None:
                    part._set_dirty()  # (its lines and styles' caches; no repaint asked for)
        found: list[str] = []
        for y, strip in enumerate(pilot.app.screen._compositor.render_strips()):
            cells = [(char, style) for text, style, _ in strip for char in text]
            found.extend(
                f"({x}, {y}) shows {shown!r}, is {now!r}"
                for x, (shown, now) in enumerate(zip(self.cells[y], cells, strict=True))
                if shown != now
            )
        return found


def browser_opening(opened: list[str]) -> Callable[..., bool]:
    """A ``webbrowser.open`` that keeps the link it is given and says a browser started."""

    def open_link(url: str, *args: object, **kwargs: object) -> bool:
        opened.append(url)
        return True

    return open_link
