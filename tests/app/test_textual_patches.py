"""A timer whose delay has already run out neither hangs the app nor is lost, and a
signal ends the app even when Textual's shutdown hangs.

Textual 8.2.8 loops forever on a negative interval, and a toast made just after its
notification expired asks for one (``app/textual_patches.py``). The app then sat at 100% CPU,
deaf to SIGTERM. Each case runs in its own process with a deadline, since a hang would
hang pytest too.
"""

from __future__ import annotations

import gc
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from app_helpers import wait_loaded, write_jsonl
from textual.strip import Strip

from paperbrowse.app.app import PaperBrowseApp

SCRIPT = textwrap.dedent("""
    import asyncio, sys
    import paperbrowse.app.app  # noqa: F401  (the app's guard, as the app has it)
    from textual.app import App

    fired = []

    class Late(App):
        def on_mount(self):
            self.set_timer(float(sys.argv[1]), lambda: fired.append(True))
            self.set_timer(0.5, self.exit)

    asyncio.run(Late().run_async(headless=True))
    print("fired" if fired else "not fired")
""")


@pytest.mark.parametrize("delay", ["-0.000087", "0", "-5"])
def test_a_timer_already_due_fires_and_the_app_still_exits(delay: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, delay], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "fired"


HUNG_SHUTDOWN = textwrap.dedent("""
    import os, signal, sys, threading, time
    from textual.app import App
    from paperbrowse.app.app import PaperBrowseApp

    async def hung(self, *args, **kwargs):
        time.sleep(600)  # as when a write to a closed terminal never returns

    App._shutdown = hung
    app = PaperBrowseApp([sys.argv[1]])
    # The signal once the app runs: the loop's handler is in place by then.
    threading.Timer(2.0, os.kill, args=(os.getpid(), signal.SIGHUP)).start()
    app.run(headless=True)
""")


def test_a_signal_ends_the_app_even_when_its_shutdown_hangs() -> None:
    from paperbrowse.app.app import SHUTDOWN_GRACE
    from paperbrowse.core.locations import bundled_profile

    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", HUNG_SHUTDOWN, str(bundled_profile())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 128 + signal.SIGHUP, done.stderr[-2000:]
    assert time.monotonic() - started < 2.0 + SHUTDOWN_GRACE + 10


async def test_a_click_on_an_option_that_is_gone_is_ignored() -> None:
    """The list shrank between the paint and the click: Textual raised IndexError and the
    app stopped (``soak_keys.py`` at 100k papers); now the click does nothing."""
    from types import SimpleNamespace

    from rich.style import Style
    from textual.app import App, ComposeResult
    from textual.widgets import OptionList

    import paperbrowse.app.app  # noqa: F401  (the app's guard, as the app has it)

    class Options(App[None]):
        def compose(self) -> ComposeResult:
            yield OptionList("one", "two", "three")

    app = Options()
    async with app.run_test() as pilot:
        options = app.query_one(OptionList)
        options.highlighted = 1
        stale = SimpleNamespace(style=Style(meta={"option": 5}))
        await options._on_click(stale)  # type: ignore[arg-type]
        await pilot.pause()
        assert options.highlighted == 1
        await options._on_click(SimpleNamespace(style=Style(meta={"option": 2})))  # type: ignore[arg-type]
        await pilot.pause()
        assert options.highlighted == 2  # a click on an option still there still selects it


JOINED = "\u200d\u200d😀"  # two joiners with nothing to join, then an emoji


@pytest.mark.parametrize("size", [(33, 12), (43, 15), (61, 20)])
async def test_a_paper_full_of_empty_joiners_is_shown_at_any_width(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    """Rich 15 raised IndexError cutting such text at an odd width: in the detail pane's
    title, authors and abstract, and behind the help screen (found by a helper in tmux,
    each time with a crash.log)."""
    library = write_jsonl(
        tmp_path / "joined.jsonl",
        [
            {
                "id": "j",
                "title": JOINED * 15,
                "authors": [JOINED * 15],
                "abstract": JOINED * 100,
                "year": 2020,
            }
        ],
    )
    async with PaperBrowseApp([library]).run_test(size=size) as pilot:
        await wait_loaded(pilot)
        await pilot.resize_terminal(size[0] - 1, size[1])
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert pilot.app.is_running and pilot.app.return_code is None


async def test_dim_text_in_the_terminals_own_colours_does_not_stop_the_app(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With TEXTUAL_FILTERS=dim, Textual blended each dim colour with its background as
    RGB; the ansi-dark theme's colours have none, and the first dim line raised TypeError."""
    import textual.constants

    from paperbrowse.core.locations import bundled_profile

    monkeypatch.setattr(textual.constants, "FILTERS", "dim")
    app = PaperBrowseApp([bundled_profile()])
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        for theme in ("ansi-dark", "textual-dark"):
            app.theme = theme
            await pilot.pause()
            await pilot.press("slash", "g")  # dim hints and a new frame
            await pilot.pause(0.1)
            assert app.is_running and app.return_code is None and app.crash is None


async def test_lines_drawn_while_typing_are_freed_without_the_collector(tmp_path: Path) -> None:
    """Each frame cuts every line at its own end, and Textual 8.2.8's strip kept itself in
    its cache: a cycle, freed only by the collector's full passes (10-30 ms each at 100k
    papers, about one key in twenty)."""
    library = write_jsonl(
        tmp_path / "graphs.jsonl",
        [{"title": f"Paper {n} on graphs", "year": 2000 + n} for n in range(40)],
    )
    async with PaperBrowseApp([library]).run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash")
        gc.collect()
        gc.set_debug(gc.DEBUG_SAVEALL)  # (what the collector would free, kept to be seen)
        try:
            for key in "graphs":
                await pilot.press(key)
                await pilot.pause()
            gc.collect()
            strips_left = [thing for thing in gc.garbage if isinstance(thing, Strip)]
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
        assert strips_left == []
