"""Layout at small terminals (Pilot, on the seed profile): dialogs keep their hints and
buttons on the screen, a list in a dialog shrinks rather than push them off."""

from __future__ import annotations

from typing import Any

import pytest
from app_helpers import SEED, SEED_AS_OF, screen_text, settle, wait_loaded
from rich.text import Text
from textual.pilot import Pilot
from textual.widget import Widget

from paperbrowse.app.app import PaperBrowseApp

SMALL = (50, 15)


def read_whole(pilot: Pilot[Any], widget: Widget) -> bool:
    """Whether ``widget`` is drawn whole (not cut by its dialog's edge nor the terminal's)
    with its text's last word in it (not wrapped onto a line it has no room for)."""
    geometry = pilot.app.screen.find_widget(widget)
    region = geometry.region
    if not region.height or geometry.visible_region != region:
        return False
    shown = widget.render()
    last_word = (shown.plain if isinstance(shown, Text) else str(shown)).split()[-1]
    rows = screen_text(pilot).splitlines()[region.y : region.bottom]
    return any(last_word in row[region.x : region.right] for row in rows)


@pytest.mark.parametrize(
    ("key", "hint"),
    [
        ("c", "#cite-form-hint"),  # how c cites, asked the first time
        ("m", ".picker-hint"),  # more like this: a long list of papers
        ("a", ".picker-hint"),  # the paper's authors
        ("n", "#note-status"),  # the note editor
        ("e", "#export-status"),
        ("t", "#tags-hint"),
    ],
)
async def test_a_dialog_at_50x15_keeps_its_hint_on_the_screen(key: str, hint: str) -> None:
    app = PaperBrowseApp([SEED], as_of=SEED_AS_OF)
    async with app.run_test(size=SMALL) as pilot:
        await wait_loaded(pilot)
        await pilot.press(key)
        await settle(pilot)
        await pilot.pause()
        shown = pilot.app.screen.query_one(hint)
        assert read_whole(pilot, shown), f"{key}: {hint} is cut"
