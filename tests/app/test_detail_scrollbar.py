"""The detail pane's scroll bar, drawn as each paper's text needs: what the terminal is
sent shows the thumb of the paper shown, and no frame is painted only to draw it again."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import TerminalMirror, browser, settle, wait_loaded, write_jsonl
from textual.screen import Screen

from paperbrowse.app.app import PaperBrowseApp

WORDS = "Graph neural networks read molecules one bond at a time. "


@pytest.fixture
def uneven_library(tmp_path: Path) -> Path:
    """Papers whose texts fit the pane, overflow it a little, and overflow it a lot."""
    abstracts = [WORDS * 40, "Short.", WORDS * 12, WORDS * 3, WORDS * 80, "Also short."]
    return write_jsonl(
        tmp_path / "uneven.jsonl",
        [
            {"title": f"Paper {n}", "year": 2024 - n, "abstract": abstract}
            for n, abstract in enumerate(abstracts)
        ],
    )


async def test_the_terminal_shows_each_papers_scroll_bar(
    uneven_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with PaperBrowseApp([uneven_library]).run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        mirror = TerminalMirror(pilot.app)
        frames = []
        paint = Screen._compositor_refresh

        def counted(screen: Screen[None]) -> None:
            frames.append(screen)
            paint(screen)

        monkeypatch.setattr(Screen, "_compositor_refresh", counted)
        heights = set()
        for key in "jjjjjkkkkk":
            frames.clear()
            await pilot.press(key)
            await settle(pilot)
            await pilot.pause(0.2)  # the pane follows the cursor after a pause
            await settle(pilot)
            heights.add(browser(pilot).detail.virtual_size.height)
            assert mirror.differences(pilot) == [], key
            # One frame for the cursor's move, one for the pane's new text; before, the
            # scroll bar's own repaint came due after the pane's and took a third.
            assert len(frames) <= 2, (key, len(frames))
        assert len(heights) >= 3  # (the texts fit, overflow a little, a lot: three thumbs)
