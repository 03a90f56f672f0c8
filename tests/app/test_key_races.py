"""Each crash that key mashing found, replayed: keys written in one burst, as tmux does.

``send_keys`` writes its keys the way a terminal does, so the keys after the first
reach a screen that is still being built or already closing.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import pytest
from app_helpers import browser, loaded_library, send_keys, settle, wait_loaded
from textual.app import App, ComposeResult
from textual.command import CommandList
from textual.pilot import Pilot
from textual.widgets import Select
from textual.widgets._toast import Toast

from paperbrowse.app.app import PaperBrowseApp
from paperbrowse.app.commands import PaperCommandPalette
from paperbrowse.app.screens.author import AuthorPapers, AuthorPicker
from paperbrowse.app.screens.browser import BrowserScreen
from paperbrowse.app.screens.export_dialog import ExportDialog
from paperbrowse.app.widgets.option_pages import PagingOptionList
from paperbrowse.app.widgets.paper_list import PaperList
from paperbrowse.core.library import Library

AppFactory = Callable[[], PaperBrowseApp]
SIZE = (100, 30)
CTRL_P, PAGE_UP, PAGE_DOWN, ENTER, UP = "\x10", "\x1b[5~", "\x1b[6~", "\r", "\x1b[A"
QUIET_POLLS = 20  # 10 ms each: no search thread finding nor answering for this long


def click(x: int, y: int) -> str:
    """A left click at the 0-based cell (x, y), as a terminal reports it (SGR)."""
    return f"\x1b[<0;{x + 1};{y + 1}M\x1b[<0;{x + 1};{y + 1}m"


def still_running(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert app._exception is None, repr(app._exception)
    assert app.return_code is None and app.is_running


async def test_page_up_right_after_ctrl_p_pages_the_palette(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await send_keys(pilot, CTRL_P + PAGE_UP)  # Textual's list: KeyError, 3 of 3
        still_running(pilot)
        assert isinstance(pilot.app.screen, PaperCommandPalette)
        assert pilot.app.screen.query_one(CommandList).highlighted == 0


async def test_page_keys_work_in_an_option_list_filled_before_its_layout() -> None:
    class OneList(App[None]):
        def compose(self) -> ComposeResult:
            yield PagingOptionList()

    async with OneList().run_test() as pilot:
        options = pilot.app.query_one(PagingOptionList)
        options.add_options(["first", "second", "third"])
        options.highlighted = 0
        # No layout since: the list had no height when filled. Textual's own list
        # looked the row up in a line map still empty and raised KeyError.
        # (Textual 8.2.8 leaves its page actions unannotated: hence the ignores.)
        options.action_page_down()  # type: ignore[no-untyped-call]
        assert options.highlighted == 2
        options.action_page_up()  # type: ignore[no-untyped-call]
        assert options.highlighted == 0
        await pilot.pause()  # and once laid out, as Textual pages
        options.action_page_down()  # type: ignore[no-untyped-call]
        assert options.highlighted == 2


async def test_page_down_as_the_export_format_menu_opens(
    seed_app: AppFactory, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await send_keys(pilot, "e")
        dialog = pilot.app.screen
        assert isinstance(dialog, ExportDialog)
        menu = dialog.query_one(Select)
        menu.focus()
        await pilot.pause()
        await send_keys(pilot, UP)  # the menu opens and takes the focus
        # PageDown before the menu is drawn: Textual's menu raised KeyError.
        await send_keys(pilot, PAGE_DOWN)
        still_running(pilot)
        assert menu.expanded
        assert pilot.app.focused is not None
        assert pilot.app.focused.highlighted == len(menu._options) - 1  # type: ignore[attr-defined]


async def test_two_enters_on_a_stats_row_close_it_once(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await send_keys(pilot, "S")
        # The second enter dismissed the screen below too: ScreenStackError.
        await send_keys(pilot, ENTER + ENTER)
        still_running(pilot)
        assert isinstance(pilot.app.screen, BrowserScreen)
        assert browser(pilot).search_query.startswith("year:")  # the first row's filter


async def test_two_enters_on_an_authors_paper_go_to_it_once(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await send_keys(pilot, "a")
        assert isinstance(pilot.app.screen, AuthorPicker)
        await send_keys(pilot, ENTER)
        papers = pilot.app.screen
        assert isinstance(papers, AuthorPapers)
        # The paper was sent back twice: InvalidStateError, then a ScreenStackError.
        await send_keys(pilot, ENTER + ENTER)
        still_running(pilot)
        assert isinstance(pilot.app.screen, BrowserScreen)
        assert browser(pilot).paper_list.paper == papers.found[0]


async def test_a_double_click_beside_the_palette_and_typing_after_it(
    seed_app: AppFactory,
) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await send_keys(pilot, CTRL_P)
        assert isinstance(pilot.app.screen, PaperCommandPalette)
        # Two clicks outside close it twice; the letters still queued for its input then
        # searched a palette whose list was gone (NoMatches 'CommandList').
        # (Letters no list key is bound to: once the palette is gone, keys go to the list.)
        outside = click(1, SIZE[1] - 1)
        await send_keys(pilot, outside + outside + "zvxz")
        still_running(pilot)
        assert isinstance(pilot.app.screen, BrowserScreen)


async def test_a_picker_closed_before_it_was_mounted(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        screen = browser(pilot)
        paper = screen.paper_list.paper
        assert paper is not None
        picker = AuthorPicker(paper, loaded_library(pilot).papers)
        # Pushed and escaped in the same turn, as with "a" and escape in one read:
        # its on_mount then looked for a list already gone (NoMatches 'OptionList').
        pilot.app.push_screen(picker)
        picker.action_cancel()
        await settle(pilot)
        still_running(pilot)
        assert pilot.app.screen is screen


async def test_a_search_answer_during_quit_is_dropped(
    seed_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Quitting takes the list away while a search runs; the screen's unmount then waits
    # for the search threads to answer and go quiet, so the answers always come late.
    # (Typing "g" queues a second search behind the first: the sort turns to relevance.)
    unmounted: list[PaperList] = []
    monkeypatch.setattr(PaperList, "on_unmount", lambda self: unmounted.append(self), raising=False)
    busy = {"finding": 0, "answering": 0, "found": 0}
    find = Library.find

    def find_during_quit(self: Library, query: str, *args: Any, **kwargs: Any) -> Any:
        busy["finding"] += 1
        try:
            for _ in range(500):  # until the list has left the screen (at most 5 s)
                if not query.strip() or (unmounted and unmounted[0].parent is None):
                    break
                time.sleep(0.01)
            return find(self, query, *args, **kwargs)
        finally:
            busy["finding"] -= 1
            busy["found"] += 1

    stop_marks = BrowserScreen.on_unmount

    async def unmount_once_searches_are_quiet(self: BrowserScreen) -> None:
        quiet = 0
        for _ in range(300):
            quiet = quiet + 1 if not busy["finding"] and not busy["answering"] else 0
            if busy["found"] and quiet > QUIET_POLLS:
                break
            await asyncio.sleep(0.01)
        stop_marks(self)

    app = seed_app()
    call_from_thread = app.call_from_thread

    def answer(callback: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        busy["answering"] += 1
        try:
            return call_from_thread(callback, *args, **kwargs)
        finally:
            busy["answering"] -= 1

    monkeypatch.setattr(Library, "find", find_during_quit)
    monkeypatch.setattr(BrowserScreen, "on_unmount", unmount_once_searches_are_quiet)
    monkeypatch.setattr(app, "call_from_thread", answer)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", "g", "ctrl+q")
    # Before: NoMatches 'PaperList' from an answer, and "internal error" on the way out.
    assert app._exception is None, repr(app._exception)
    assert unmounted


async def test_a_cursor_move_overtaken_by_an_empty_result(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        screen = browser(pilot)
        await send_keys(pilot, "/unlearning")
        paper = screen.paper_list.paper
        assert paper is not None
        await send_keys(pilot, "zzqzz")
        assert screen.shown == 0
        # "j" moved the cursor just before this empty answer came in; its message was
        # handled after, with a row the results no longer have (IndexError in hit(0)).
        screen.paper_list.post_message(PaperList.Highlighted(paper, 0))
        await settle(pilot)
        still_running(pilot)
        assert screen.detail.paper is None


async def test_an_export_name_too_long_is_refused_with_a_message(
    seed_app: AppFactory, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    async with seed_app().run_test(size=SIZE, notifications=True) as pilot:
        await wait_loaded(pilot)
        await send_keys(pilot, "e")
        assert isinstance(pilot.app.screen, ExportDialog)
        # 300 characters typed after the file name, then enter (found by soak_keys.py):
        # looking the name up raised OSError "File name too long".
        await send_keys(pilot, "x" * 300 + ENTER)
        still_running(pilot)
        assert isinstance(pilot.app.screen, ExportDialog)  # still there to fix the name
        messages = [str(note.message) for note in pilot.app._notifications]
        assert any("File name too long" in message for message in messages), messages
        assert not list(tmp_path.iterdir())


async def test_a_click_on_a_notification_as_it_goes(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE, notifications=True) as pilot:
        await wait_loaded(pilot)
        pilot.app.notify("A notification about to time out", timeout=30)
        await pilot.pause()
        toast = pilot.app.screen.query(Toast).first()
        x, y = toast.region.x + 2, toast.region.y + 1
        await toast.remove()  # timed out, and the screen not yet drawn again
        # Textual looked the press up in the last frame's map and found the toast
        # without a parent: AttributeError (found by soak_keys.py).
        await send_keys(pilot, click(x, y))
        still_running(pilot)


async def test_the_palette_reopened_while_it_closes(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await send_keys(pilot, CTRL_P)
        closing = pilot.app.screen
        assert isinstance(closing, PaperCommandPalette)
        closing.dismiss()  # as its escape does; it is removed a moment later
        # ctrl+p meanwhile opened a second palette with the first one's id, still
        # taken: DuplicateIds (found by soak_keys.py).
        await send_keys(pilot, CTRL_P)
        still_running(pilot)
        assert isinstance(pilot.app.screen, PaperCommandPalette)
        assert pilot.app.screen is not closing
