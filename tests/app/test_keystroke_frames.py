"""A letter typed in the search bar is painted with its own results, in one frame."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from app_helpers import browser, screen_text, settle, wait_for, wait_loaded
from textual.pilot import Pilot
from textual.screen import Screen

from paperbrowse.app.app import PaperBrowseApp
from paperbrowse.app.screens.browser_parts import frame_hold, searching
from paperbrowse.core.library import Library, load
from paperbrowse.core.locations import bundled_profile

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


async def frames_typing(
    monkeypatch: pytest.MonkeyPatch,
    library: Library,
    letters: str,
    before: Callable[[Pilot[Any]], None] = lambda pilot: None,
) -> list[tuple[str, int]]:
    """The frames painted while ``letters`` are typed into the search bar, one by one
    (``before``: done once the bar has focus). A slow machine must not let a letter go
    ahead on its own (that is the deadline's job, for searches slower than a frame): here
    every search is waited for."""
    monkeypatch.setattr(frame_hold, "HOLD_SECONDS", 30.0)
    async with PaperBrowseApp(library=library).run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash")
        await settle(pilot)
        before(pilot)
        frames = painted_frames(monkeypatch, pilot)
        for letter in letters:
            await pilot.press(letter)
            await settle(pilot)
    return frames


async def test_each_letter_is_painted_with_its_own_result_count(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    library = load(bundled_profile())
    frames = await frames_typing(monkeypatch, library, "graph")
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


async def test_the_keys_frame_is_painted_without_waiting_for_the_next_tick(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Textual paints from a timer on a fixed grid (1/60 s): a frame asked for within a
    # period of the last one waited for the grid. Here the period is a minute: each
    # letter's results must still be painted, the moment they are shown.
    def minute_frames(pilot: Pilot[Any]) -> None:
        timer = browser(pilot)._update_timer
        monkeypatch.setattr(timer, "_interval", 60.0)  # read when its loop next starts
        timer.stop()
        timer._start()

    library = load(bundled_profile())
    frames = await frames_typing(monkeypatch, library, "me", before=minute_frames)
    assert ("m", len(library.find("m"))) in frames
    assert ("me", len(library.find("me"))) in frames


async def test_the_input_keeps_its_width_while_the_count_shrinks() -> None:
    # "10 of 15 papers" then "2 of 15 papers": the count keeps its cells (right-aligned
    # in them) rather than laying the screen out again, and the input does not move.
    library = load(bundled_profile())
    async with PaperBrowseApp(library=library).run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", "m")
        await settle(pilot)
        bar = browser(pilot).search_bar
        width = bar.input.size.width
        await pilot.press("e")
        await settle(pilot)
        assert len(library.find("me")) == 2
        assert "2 of 15 papers · relevance" in screen_text(pilot)
        assert bar.input.size.width == width


async def test_a_query_started_and_cleared_keeps_the_inputs_width() -> None:
    # "15 of 15 papers · newest" becomes "10 of 15 papers · relevance" at a query's first
    # letter, and back once it is cleared: the count has the cells of its widest query
    # form from the start, so the input's edge stays put (and the screen is not laid out
    # again for the first letter, issue 13).
    library = load(bundled_profile())
    async with PaperBrowseApp(library=library).run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash")
        await settle(pilot)
        bar = browser(pilot).search_bar
        width = bar.input.size.width
        assert "15 of 15 papers · newest" in screen_text(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert "10 of 15 papers · relevance" in screen_text(pilot)
        assert bar.input.size.width == width
        await pilot.press("backspace")
        await settle(pilot)
        assert "15 of 15 papers · newest" in screen_text(pilot)
        assert bar.input.size.width == width


def shows_matches(screen: Any) -> bool:
    """The detail pane shows the top hit with where the query matched it."""
    results, hit = screen.searching.results, screen.detail.hit
    if results is None or hit is None:
        return False
    spans = dict(results.hit(0).spans)  # a SpanMap: worked out as it is read
    return bool(spans) and dict(hit.spans) == spans


async def test_the_detail_pane_shows_the_top_hit_once_typing_pauses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # While keys come, the list and the count follow each one and the detail pane keeps
    # the paper it showed (drawing it was most of a key's frame); it follows the top hit
    # once typing pauses, or at once when the cursor moves or the search bar is left.
    monkeypatch.setattr(searching, "DETAIL_PAUSE", 30.0)
    library = load(bundled_profile())
    first = library.find("")[0]
    async with PaperBrowseApp(library=library).run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        screen = browser(pilot)
        assert screen.detail.paper == first
        await pilot.press("slash", *"transl")
        await settle(pilot)
        top = screen.paper_list.paper
        assert top is not None and top != first
        assert screen.detail.paper == first  # still typing, as far as the pane knows
        await pilot.press("enter")  # to the list: the pane shows the top hit now
        await settle(pilot)
        assert screen.detail.paper == top
        assert shows_matches(screen)

        monkeypatch.setattr(searching, "DETAIL_PAUSE", 0.05)
        screen.search_bar.value = "tran"  # as typed: the input's value changes
        await settle(pilot)
        top = screen.paper_list.paper
        await wait_for(pilot, lambda: not screen.searching.detail_pending)  # typing paused
        assert screen.detail.paper == top
        assert shows_matches(screen)


async def test_the_detail_pane_follows_the_cursor_at_once_while_typing_paused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(searching, "DETAIL_PAUSE", 30.0)
    library = load(bundled_profile())
    async with PaperBrowseApp(library=library).run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        screen = browser(pilot)
        await pilot.press("slash", *"tra", "escape", "down")
        await settle(pilot)
        assert screen.paper_list.cursor == 1
        assert screen.detail.paper == screen.paper_list.paper


async def typed_in_rhythm(pilot: Pilot[Any], letters: str, gap: float) -> None:
    """``letters`` typed as keys ``gap`` seconds apart, as the search's clock tells it."""
    searching_now = browser(pilot).searching
    now = [1000.0]
    searching_now.clock = lambda: now[0]
    for letter in letters:
        now[0] += gap
        await pilot.press(letter)
    await settle(pilot)


@pytest.mark.parametrize(("gap", "waits"), [(0.12, True), (0.3, False)])
async def test_the_detail_pane_waits_for_a_pause_in_a_fast_typists_rhythm(
    monkeypatch: pytest.MonkeyPatch, gap: float, waits: bool
) -> None:
    # Keys 0.12 s apart: at 0.1 s the pane would be drawn between every two of them (and
    # the next key would wait for it); it waits half again their gap. Keys 0.3 s apart
    # leave time to draw it between them: it follows at 0.1 s. (The factor is made large
    # here, 2.4 s for 0.12 s, so that a wait is told from 0.1 s on a busy machine.)
    monkeypatch.setattr(searching, "RHYTHM_FACTOR", 20.0)
    library = load(bundled_profile())
    async with PaperBrowseApp(library=library).run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        screen = browser(pilot)
        before = screen.detail.paper
        await pilot.press("slash")
        await typed_in_rhythm(pilot, "transl", gap)
        top = screen.paper_list.paper
        assert top is not None and top != before
        if waits:
            await pilot.pause(0.5)
            assert screen.searching.detail_pending and screen.detail.paper == before
        await wait_for(pilot, lambda: not screen.searching.detail_pending)  # and then it follows
        assert screen.detail.paper == top
