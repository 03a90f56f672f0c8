"""Keys typed in one burst (a paste, a fast typist, tmux) land where the user meant.

Each burst is parsed and posted as a terminal hands it over: every key reaches the
app before the first is handled (``type_burst``). The same in a real terminal is
in test_browser_terminal.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from app_helpers import browser, type_burst, wait_for, wait_loaded
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from paperbrowse.app.app import PaperBrowseApp
from paperbrowse.app.screens.export_dialog import ExportDialog
from paperbrowse.app.screens.note_editor import NoteEditor
from paperbrowse.app.screens.tags import TagsScreen

AppFactory = Callable[[], PaperBrowseApp]
SIZE = (120, 35)
ENTER, ESCAPE, BACKSPACE, CTRL_A, CTRL_K = "\r", "\x1b", "\x7f", "\x01", "\x0b"


def marked_papers(pilot: Pilot[Any]) -> dict[int, Any]:
    """Papers (by position in the unfiltered list) that have any mark, with their marks."""
    screen = browser(pilot)
    assert screen.store is not None and screen.library is not None
    marks = {i: screen.store.marks(p) for i, p in enumerate(screen.library.listing("newest"))}
    return {i: m for i, m in marks.items() if not m.is_empty}


async def test_a_burst_of_searches_types_only_into_the_bar_and_marks_nothing(
    seed_app: AppFactory,
) -> None:
    # The burst of issue 11: the r of "graph" reached the list and marked a paper read.
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await type_burst(pilot, f"/graph{ENTER}jjj/zqzqzq{ESCAPE}" * 3)
        screen = browser(pilot)
        assert screen.search_bar.value == "graphzqzqzq" * 3
        assert screen.paper_list.has_focus
        assert marked_papers(pilot) == {}


async def test_keys_after_enter_act_on_the_results_of_the_query_submitted(
    seed_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Enter went to the list while the search for the last letters still ran: the j
    # keys moved over the previous query's results, and the late results put the
    # cursor back on the first row, so space marked row 1, 2 or 3 by chance.
    import time

    from paperbrowse.core.library import Library

    find = Library.find

    def slow_find(self: Library, *args: Any, **kwargs: Any) -> Any:
        time.sleep(0.05)  # a big library's search (in its thread)
        return find(self, *args, **kwargs)

    monkeypatch.setattr(Library, "find", slow_find)
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        screen = browser(pilot)
        assert screen.library is not None
        wanted = find(screen.library, "language models", "relevance")[2]
        await type_burst(pilot, f"/language models{ENTER}jj ")
        assert list(screen.reading.selection) == [wanted.id]


async def test_keys_typed_before_a_slash_still_reach_the_list(seed_app: AppFactory) -> None:
    # The j keys and the b went to the list, but found the bar focused by the time
    # they were handled, and were lost.
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await type_burst(pilot, "jjjb/x")
        assert list(marked_papers(pilot)) == [3]
        assert marked_papers(pilot)[3].bookmarked
        assert browser(pilot).search_bar.value == "x"
        assert isinstance(pilot.app.focused, Input)


async def test_a_backspace_typed_just_before_enter_edits_the_query(seed_app: AppFactory) -> None:
    # The backspace ran after the Enter had taken focus to the list: "grapxh".
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await type_burst(pilot, f"/grapx{BACKSPACE}h{ENTER}")
        assert browser(pilot).search_bar.value == "graph"
        assert browser(pilot).paper_list.has_focus


async def test_an_escape_typed_before_more_keys_is_the_escape_key(seed_app: AppFactory) -> None:
    # Textual read escape + "jb" in one read as a literal "^" or alt+j, and typed
    # the b into the bar.
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await type_burst(pilot, f"/{ESCAPE}jb")
        screen = browser(pilot)
        assert screen.search_bar.value == ""
        assert screen.paper_list.has_focus and screen.paper_list.cursor == 1
        assert list(marked_papers(pilot)) == [1]


async def test_tags_typed_in_a_burst_are_saved_and_the_next_key_goes_to_the_list(
    seed_app: AppFactory,
) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await type_burst(pilot, f"tfoo{ENTER}r")
        assert not isinstance(pilot.app.screen, TagsScreen)
        marks = marked_papers(pilot)
        assert list(marks) == [0]
        assert marks[0].tags == ("foo",) and marks[0].read


async def test_a_note_typed_in_a_burst_is_saved_and_the_next_keys_go_to_the_list(
    seed_app: AppFactory,
) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await type_burst(pilot, f"nhello{ESCAPE}rj")
        assert not isinstance(pilot.app.screen, NoteEditor)
        assert not pilot.app.query(TextArea)
        marks = marked_papers(pilot)
        assert list(marks) == [0]
        assert marks[0].note == "hello" and marks[0].read
        assert browser(pilot).paper_list.cursor == 1


async def test_an_export_name_typed_in_a_burst_is_the_name_written(
    seed_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ctrl+a and ctrl+k (Input's bindings) ran after the letters typed behind them:
    # the whole name was cleared and nothing exported.
    monkeypatch.chdir(tmp_path)
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await type_burst(pilot, f"e{CTRL_A}{CTRL_K}mine.bib{ENTER}")
        # The export runs in a thread; the dialog closes once it is written.
        await wait_for(pilot, lambda: not isinstance(pilot.app.screen, ExportDialog))
        assert (tmp_path / "mine.bib").read_text(encoding="utf-8").startswith("@")
        assert browser(pilot).paper_list.has_focus
