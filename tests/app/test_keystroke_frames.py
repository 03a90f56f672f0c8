"""A letter typed in the search bar is painted with its own results, in one frame."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from app_helpers import browser, screen_text, settle, wait_loaded
from textual.pilot import Pilot
from textual.screen import Screen

from paperbrowse.app.app import PaperBrowseApp
from paperbrowse.app.screens.browser_parts import frame_hold
from paperbrowse.core.library import bundled_profile, load

COUNT = re.compile(r"([\d,]+) of [\d,]+ papers?")


def painted_frames(monkeypatch: pytest.MonkeyPatch, pilot: Pilot[Any]) -> list[tuple[str, int]]:
    """(query in the bar, count beside it) as each frame from now on paints them."""
    frames: list[tuple[str, int]] = []
    paint = Screen._compositor_refresh

    def recording(screen: Screen[Any]) -> None:
        bar = browser(pilot).search_bar
        count = COUNT.search(str(bar.query_one("#search-count").render()))
        if count is not None:
            frames.append((bar.value, int(count.group(1).replace(",", ""))))
        paint(screen)

    monkeypatch.setattr(Screen, "_compositor_refresh", recording)
    return frames


async def test_each_letter_is_painted_with_its_own_result_count(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A slow machine must not let the letter go ahead on its own (that is the deadline's
    # job, for searches slower than a frame): here every search is waited for.
    monkeypatch.setattr(frame_hold, "HOLD_SECONDS", 30.0)
    library = load(bundled_profile())
    async with PaperBrowseApp(library=library).run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash")
        await settle(pilot)
        frames = painted_frames(monkeypatch, pilot)
        for letter in "graph":
            await pilot.press(letter)
            await settle(pilot)
    typed = [(query, count) for query, count in frames if query]
    assert {query for query, _ in typed} == {"g", "gr", "gra", "grap", "graph"}
    # Before, the letter was painted at once beside the previous query's count, and the
    # new count a frame later: "gr" with the count of "g".
    assert [(q, c) for q, c in typed if c != len(library.find(q))] == []


async def test_a_query_longer_than_the_bar_scrolls_to_its_last_letter(tmp_path: Path) -> None:
    library = load(bundled_profile())
    query = "graph " * 25  # 150 characters: wider than the bar
    async with PaperBrowseApp(library=library).run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *[("space" if c == " " else c) for c in query], "x", "y", "z")
        await settle(pilot)
        bar = browser(pilot).search_bar
        assert bar.value == query + "xyz"
        assert bar.input.scroll_x > 0
        assert "graph xyz" in screen_text(pilot)


async def test_list_rows_fit_the_new_width_after_a_resize() -> None:
    # The list works out its width once per paint: a narrower terminal must not leave
    # its rows drawn at the old width, their year cut off at the pane's edge.
    library = load(bundled_profile())
    async with PaperBrowseApp(library=library).run_test(size=(160, 35)) as pilot:
        await wait_loaded(pilot)
        await pilot.resize_terminal(100, 35)
        await settle(pilot)
        papers = browser(pilot).paper_list.results
        lines = screen_text(pilot).splitlines()
        for paper in list(papers)[:5]:
            row = next(line for line in lines if paper.title[:20] in line)
            assert f" {paper.year} " in row, row
