"""Snapshots of the screens a user meets first (update with ``pytest --snapshot-update``).

The seed is opened by a path relative to the checkout and dated with
``as_of``, so the pictures do not depend on where or when the tests run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app_helpers import SEED_AS_OF, wait_loaded
from textual.pilot import Pilot

from paperbrowse.app.app import PaperBrowseApp


def seed_app(seed: Path) -> PaperBrowseApp:
    return PaperBrowseApp([seed], as_of=SEED_AS_OF)


def typing(*keys: str) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_loaded(pilot)
        await pilot.press(*keys)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


def test_first_screen(snap_compare: Any, seed_relative: Path) -> None:
    assert snap_compare(seed_app(seed_relative), terminal_size=(120, 35), run_before=typing())


def test_search_with_highlights(snap_compare: Any, seed_relative: Path) -> None:
    # "llm" matches titles (highlighted in the rows) and, for some rows, only abstracts
    # (the row then shows the matching words); enter hands the list the first result.
    keys = ("slash", *"llm", "enter")
    assert snap_compare(seed_app(seed_relative), terminal_size=(120, 35), run_before=typing(*keys))


def test_help_screen(snap_compare: Any, seed_relative: Path) -> None:
    keys = ("question_mark",)
    assert snap_compare(seed_app(seed_relative), terminal_size=(120, 35), run_before=typing(*keys))


def test_empty_result(snap_compare: Any, seed_relative: Path) -> None:
    keys = ("slash", *"zzyzx qwfpgj", "escape")
    assert snap_compare(seed_app(seed_relative), terminal_size=(120, 35), run_before=typing(*keys))


def test_narrow_layout(snap_compare: Any, seed_relative: Path) -> None:
    assert snap_compare(seed_app(seed_relative), terminal_size=(80, 30), run_before=typing("j"))


def test_tiny_terminal(snap_compare: Any, seed_relative: Path) -> None:
    assert snap_compare(seed_app(seed_relative), terminal_size=(40, 12), run_before=typing())
