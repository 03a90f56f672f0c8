"""Snapshots of the reading workflow's screens (update with ``pytest --snapshot-update``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app_helpers import SEED_AS_OF, wait_loaded
from textual.pilot import Pilot

from paperbrowse.app.app import PaperBrowseApp


def pressing(*keys: str) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_loaded(pilot)
        await pilot.press(*keys)
        pilot.app.clear_notifications()  # the pictures are of the screens, not the toasts
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


def test_stats_screen_80x24(snap_compare: Any, seed_relative: Path) -> None:
    # One paper read and bookmarked, so the progress line has figures.
    app = PaperBrowseApp([seed_relative], as_of=SEED_AS_OF)
    assert snap_compare(app, terminal_size=(80, 24), run_before=pressing("r", "b", "S"))


def test_marks_in_the_list(snap_compare: Any, seed_relative: Path) -> None:
    # Bookmarked, read, marked for export: one glyph column each, rows aligned.
    app = PaperBrowseApp([seed_relative], as_of=SEED_AS_OF)
    keys = ("b", "j", "r", "j", "space", "b", "r")
    assert snap_compare(app, terminal_size=(120, 35), run_before=pressing(*keys))
