"""A paper with a 500 KB abstract: the cursor moves over it like any other, and the
whole abstract can still be read, by scrolling on or with end (issue 11)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from app_helpers import browser, screen_text, wait_loaded, write_jsonl
from textual.pilot import Pilot

from paperbrowse.app.app import PaperBrowseApp
from paperbrowse.app.widgets.detail import PaperDetail

SENTENCE = "Graph neural networks read molecules one bond at a time. "
HUGE = SENTENCE * (500_000 // len(SENTENCE)) + "Fin."


@pytest.fixture
def long_library(tmp_path: Path) -> Path:
    return write_jsonl(
        tmp_path / "long.jsonl",
        [
            {"title": "Newest, short", "year": 2024, "abstract": "Short."},
            {"title": "Middle, huge", "year": 2023, "abstract": "The first words. " + HUGE},
            {"title": "Oldest, short", "year": 2022, "abstract": "Also short."},
        ],
    )


def detail_shown(pilot: Pilot[Any]) -> str:
    return screen_text(pilot).split("│", 1)[-1]


async def test_the_cursor_moves_over_a_huge_abstract_and_end_reaches_its_last_words(
    long_library: Path,
) -> None:
    async with PaperBrowseApp([long_library]).run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        paper_list = browser(pilot).paper_list
        detail = pilot.app.query_one(PaperDetail)
        await pilot.press("j")
        await pilot.pause()
        assert paper_list.cursor == 1 and "The first words." in screen_text(pilot)
        # Only the start is laid out (a 500 KB abstract is ~9,000 lines here, and laying
        # them all out took most of a second per cursor move); the pane says there is more.
        assert detail.virtual_size.height < 500
        assert "more characters: scroll on, or press end" in str(
            detail.query_one("#detail-body").render()
        )
        await pilot.press("j")  # and off it, to the next paper
        await pilot.pause()
        assert paper_list.cursor == 2 and "Also short." in screen_text(pilot)
        await pilot.press("k", "enter")  # back, and into the detail pane
        await pilot.press("end")
        await pilot.pause()
        await pilot.pause()
        assert "a time. Fin." in screen_text(pilot)  # the last words, at the bottom
        assert detail.scroll_y == detail.max_scroll_y


async def test_end_lays_out_only_a_huge_abstract_s_end_and_reading_back_keeps_the_place(
    long_library: Path,
) -> None:
    """End laid out the whole abstract to show its last lines (4 s at 2.7 MB): now its end
    alone, and scrolling back lays out more before it without moving what is read."""
    async with PaperBrowseApp([long_library]).run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("j", "enter", "end")
        await pilot.pause()
        detail = pilot.app.query_one(PaperDetail)
        assert "a time. Fin." in screen_text(pilot) and detail.scroll_y == detail.max_scroll_y
        assert detail.virtual_size.height < 500  # (the whole: about 9,000 lines)
        before = str(detail.query_one("#detail-body").render())
        assert "characters before: scroll back, or press home" in before
        for _ in range(10):  # page back until more is laid out above (about 4 pages)
            height, from_end = detail.virtual_size.height, detail.max_scroll_y - detail.scroll_y
            await pilot.press("pageup")
            await pilot.pause()
            await pilot.pause()
            if detail.virtual_size.height > height:
                break
        assert detail.virtual_size.height > height
        # The page up moved the view one page back, not to the top of what was added.
        assert detail.max_scroll_y - detail.scroll_y == from_end + detail.size.height
        await pilot.press("home")
        await pilot.pause()
        assert "The first words." in screen_text(pilot) and detail.scroll_y == 0


async def test_scrolling_down_a_huge_abstract_reads_on_past_the_first_part(
    long_library: Path,
) -> None:
    async with PaperBrowseApp([long_library]).run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("j", "enter")
        detail = pilot.app.query_one(PaperDetail)
        first_height = detail.virtual_size.height
        for _ in range(5):  # a page is 24 lines here; the first part, 98
            await pilot.press("pagedown")
        await pilot.pause()
        assert detail.virtual_size.height > first_height  # more was laid out on the way
        assert detail.scroll_y > first_height  # and read past where the first part ended
        assert "molecules one bond" in detail_shown(pilot)


async def test_a_search_s_rows_do_not_read_the_abstracts_they_do_not_show(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows matched in their titles show the titles: working out where a word falls in
    each huge abstract as well cost milliseconds a row on every key (a whole SpanMap
    was asked whether it held any spans)."""
    from paperbrowse.app.widgets.paper_list import PaperList
    from paperbrowse.core.search.spans import SpanMap

    library = write_jsonl(
        tmp_path / "graphs.jsonl",
        [{"title": f"Graph paper {n}", "year": 2000 + n, "abstract": HUGE} for n in range(5)],
    )
    in_row: list[bool] = []
    every_field: list[bool] = []
    build_row, all_fields = PaperList._build_row, SpanMap._all

    def spied_row(self: PaperList, row: int, width: int) -> Any:
        in_row.append(True)
        try:
            return build_row(self, row, width)
        finally:
            in_row.pop()

    def spied_all(self: SpanMap) -> None:
        every_field.append(bool(in_row))
        all_fields(self)

    monkeypatch.setattr(PaperList, "_build_row", spied_row)
    monkeypatch.setattr(SpanMap, "_all", spied_all)
    async with PaperBrowseApp([library]).run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("/", *"graph")
        await pilot.pause()
        await pilot.pause()
        assert "Graph paper 4" in screen_text(pilot)
        assert not any(every_field)  # (the detail pane may ask for all: it shows them)


def test_the_from_line_breaks_a_long_path_after_a_folder_never_in_its_line_number() -> None:
    """Found by an explorer: a long path, folded at the pane's width, cut its line number
    in two ("…/references.bib:148", then "8")."""
    from paperbrowse.app.widgets.detail import detail_text
    from paperbrowse.core.models import Paper, SourceRef
    from paperbrowse.core.search.results import Hit

    folder = "/".join(f"folder{n}" for n in range(8))
    source = SourceRef(file=f"/data/{folder}/references.bib", line=1488)
    paper = Paper(id="p", title="T", source=source)
    for width in (30, 41, 50, 57, 80):
        lines = detail_text(Hit(paper, 1.0), width=width).plain.split("\n")
        start = next(i for i, line in enumerate(lines) if line.startswith("From "))
        shown = lines[start:]
        assert shown[-1].endswith("references.bib:1488"), (width, shown)
        assert all(len(line) <= width for line in shown), (width, shown)
        assert all(line.endswith("/") for line in shown[:-1]), (width, shown)


def test_an_abstract_without_spaces_has_an_end_to_lay_out_alone() -> None:
    from paperbrowse.app.widgets.detail import tail_start

    assert tail_start("字" * 2_700_000, 5_000) == 2_695_000  # (was 0: all of it)
    assert tail_start("word " * 3_000, 5_000) == 10_005  # at a word
    assert tail_start("word " * 1_500, 5_000) == 0  # about as long as the end: all of it


async def test_a_resize_at_a_huge_abstract_s_end_keeps_its_last_words_in_view(
    long_library: Path,
) -> None:
    """Found by an explorer: a resize moved the scroll, which read back more of the
    abstract, again and again (4 s at 2 MB), and left the view 200k characters back."""
    async with PaperBrowseApp([long_library]).run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("j", "enter", "end")
        await pilot.pause()
        detail = pilot.app.query_one(PaperDetail)
        laid_out = detail.abstract_from
        for size in ((60, 20), (120, 30)):
            await pilot.resize_terminal(*size)
            for _ in range(3):
                await pilot.pause()
            assert detail.abstract_from == laid_out  # nothing more laid out
            assert detail.scroll_y == detail.max_scroll_y
            assert "Fin." in screen_text(pilot)
