"""Every key flow of the browser, driven with Textual's Pilot on the seed profile."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from app_helpers import browser, browser_opening, loaded_library, screen_text, settle, wait_loaded
from textual import events
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import Input, Static
from textual.widgets._footer import FooterKey

from paperbrowse.app.app import PaperBrowseApp
from paperbrowse.app.screens.browser import BrowserScreen
from paperbrowse.app.screens.help import HelpScreen
from paperbrowse.app.widgets.detail import PaperDetail
from paperbrowse.app.widgets.paper_list import PaperList

AppFactory = Callable[[], PaperBrowseApp]
SIZE = (120, 35)


def titles(pilot: Pilot[Any]) -> list[str]:
    return [paper.title for paper in browser(pilot).paper_list.results]


def count(pilot: Pilot[Any]) -> str:
    return str(pilot.app.query_one("#search-count").render())


async def type_query(pilot: Pilot[Any], text: str) -> None:
    await pilot.press("slash", *text)
    await settle(pilot)


async def test_first_screen_shows_profile_count_and_newest_paper(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        header = str(pilot.app.query_one("#profile-header").render())
        for expected in (
            "Fali Wang",
            "CL · Computation and Language",
            "25 h-index",
            "546 citations",
            "15 papers",
            "45% novelty",
            "56 AI score",
        ):
            assert expected in header
        assert "15 of 15 papers" in count(pilot)
        screen = browser(pilot)
        assert screen.paper_list.has_focus
        assert screen.paper_list.cursor == 0
        # Newest first; the detail pane shows the highlighted paper.
        dates = [p.date for p in screen.paper_list.results if p.date]
        assert dates == sorted(dates, reverse=True)
        assert screen.detail.paper == screen.paper_list.results[0]


async def test_typing_filters_live_and_counts(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await type_query(pilot, "unlearning")
        assert isinstance(pilot.app.focused, Input)
        found = titles(pilot)
        assert found[0] == "Catastrophic Failure of LLM Unlearning via Quantization"
        assert len(found) < 15
        assert f"{len(found)} of 15 papers" in count(pilot)
        assert "relevance" in count(pilot)  # a typed query ranks by relevance


async def test_no_match_says_so_in_the_list(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await type_query(pilot, "zzzqqqxxx")
        paper_list = browser(pilot).paper_list
        assert len(paper_list.results) == 0
        assert "No papers match “zzzqqqxxx”" in paper_list.empty_message
        assert "No papers match" in paper_list.render_line(0).text
        assert "0 of 15 papers" in count(pilot)
        assert browser(pilot).detail.paper is None
        # The query's notes say why nothing matched, where there are some.
        await pilot.press("escape", "escape")
        await type_query(pilot, "has:wings zzzqqqxxx")
        assert "has:wings: not a value this filter knows; ignored." in paper_list.empty_message


async def test_a_filter_ignored_is_said_once_the_query_is_entered(seed_app: AppFactory) -> None:
    # Said only in an empty list, a filter that did nothing went unseen when others
    # matched (an explorer: "has:foo graph" listed what "graph" does, with no word).
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)

        def said() -> list[str]:
            return [str(n.message) for n in pilot.app._notifications]

        await type_query(pilot, "has:wings llm")
        assert len(browser(pilot).paper_list.results) > 0
        assert not said()  # (typing: "has:c" on the way to "has:code" is no value either)
        await pilot.press("enter")
        await settle(pilot)
        assert said() == ["has:wings: not a value this filter knows; ignored."]


async def test_a_filter_ignored_is_said_once_typing_pauses(
    seed_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An explorer typed ``is:marked``, waited and took the list of every paper for the
    filter's: nothing said it was ignored until Enter. Said once the query stays as it is
    for a while (a second; half of one here), once; a value on its way to a known one is said
    nothing."""
    from paperbrowse.app.screens.browser_parts import searching

    monkeypatch.setattr(searching, "NOTES_PAUSE", 0.5)
    NOTES_PAUSE = searching.NOTES_PAUSE
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)

        def said() -> list[str]:
            return [str(n.message) for n in pilot.app._notifications]

        await type_query(pilot, "has:c")
        await pilot.press(*"ode")  # (within the pause: has:c is said nothing)
        await settle(pilot)
        assert browser(pilot).search_query == "has:code"
        await pilot.pause(NOTES_PAUSE + 0.3)
        assert not said()
        await pilot.press("escape", "escape")
        await type_query(pilot, "is:marked")
        assert len(browser(pilot).paper_list.results) == 15
        await pilot.pause(NOTES_PAUSE + 0.3)
        assert said() == ["is:marked: not a value this filter knows; ignored."]
        await pilot.press(*" graph")  # the query edited elsewhere: not said again
        await settle(pilot)
        await pilot.pause(NOTES_PAUSE + 0.3)
        await pilot.press("enter")  # (nor at Enter)
        await settle(pilot)
        assert len(said()) == 1


async def test_enter_in_bar_goes_to_list_with_first_result(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("j", "j", "j")
        await type_query(pilot, "llm")
        await pilot.press("enter")
        screen = browser(pilot)
        assert screen.paper_list.has_focus
        assert screen.paper_list.cursor == 0
        assert screen.search_bar.value == "llm"


async def test_escape_in_bar_keeps_query_and_escape_in_list_clears_it(
    seed_app: AppFactory,
) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await type_query(pilot, "survey")
        await pilot.press("escape")
        await settle(pilot)
        screen = browser(pilot)
        assert screen.paper_list.has_focus
        assert screen.search_bar.value == "survey"
        assert len(screen.paper_list.results) < 15
        await pilot.press("escape")
        await settle(pilot)
        assert screen.search_bar.value == ""
        assert "15 of 15 papers" in count(pilot)
        assert "newest" in count(pilot)  # back to the order used before the query


async def test_movement_keys(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=(120, 20)) as pilot:
        await wait_loaded(pilot)
        paper_list = browser(pilot).paper_list
        moves = [
            ("j", 1),
            ("down", 2),
            ("k", 1),
            ("up", 0),
            ("up", 0),
            ("G", 14),
            ("g", 0),
            ("end", 14),
            ("home", 0),
            ("pagedown", None),
            ("pageup", 0),
        ]
        for key, expected in moves:
            await pilot.press(key)
            if expected is None:  # a page: more than one row, less than the whole list
                assert 1 < paper_list.cursor < 14
            else:
                assert paper_list.cursor == expected, key
            assert browser(pilot).detail.paper == paper_list.results[paper_list.cursor]


async def test_cursor_stays_visible_in_a_long_scroll(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=(120, 14)) as pilot:
        await wait_loaded(pilot)
        paper_list = browser(pilot).paper_list
        await pilot.press("G")
        await pilot.pause()
        top = int(paper_list.scroll_offset.y)
        assert top > 0
        assert top <= paper_list.cursor < top + paper_list.scrollable_content_region.height


async def test_tab_enter_and_escape_move_between_panes(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        screen = browser(pilot)
        await pilot.press("tab")
        assert screen.detail.has_focus
        await pilot.press("tab")
        assert screen.paper_list.has_focus
        await pilot.press("j", "enter")
        assert screen.detail.has_focus
        assert screen.detail.paper == screen.paper_list.results[1]
        await pilot.press("escape")
        assert screen.paper_list.has_focus


async def test_detail_pane_scrolls_a_long_abstract(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=(100, 16)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("enter")
        detail = pilot.app.query_one(PaperDetail)
        assert detail.max_scroll_y > 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert detail.scroll_y > 0


async def test_s_cycles_sort_orders(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        newest = titles(pilot)
        seen = []
        for _ in range(4):
            await pilot.press("s")
            await settle(pilot)
            seen.append(browser(pilot).sort)
            assert browser(pilot).sort in count(pilot)
        assert seen == ["oldest", "title", "relevance", "newest"]
        await pilot.press("s")
        await settle(pilot)
        oldest = titles(pilot)
        assert oldest[0] == newest[-1]
        await pilot.press("s")
        await settle(pilot)
        assert titles(pilot) == sorted(titles(pilot), key=str.casefold)


async def test_sort_keeps_the_highlighted_paper(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("j", "j", "j")
        paper = browser(pilot).paper_list.paper
        await pilot.press("s")
        await settle(pilot)
        assert browser(pilot).paper_list.paper == paper
        assert browser(pilot).detail.paper == paper


async def test_o_opens_only_web_links(seed_app: AppFactory, monkeypatch: Any) -> None:
    app = seed_app()
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", browser_opening(opened))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await type_query(pilot, "unlearning")
        await pilot.press("enter", "o")
        await settle(pilot)
        assert opened == ["https://github.com/zzwjames/FailureLLMUnlearning"]


async def test_y_copies_title_authors_and_link(seed_app: AppFactory, monkeypatch: Any) -> None:
    app = seed_app()
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await type_query(pilot, "unlearning")
        await pilot.press("enter", "y")
        assert copied == [
            "Catastrophic Failure of LLM Unlearning via Quantization\n"
            "Zhiwei Zhang, Fali Wang, Xiaomin Li et al.\n"
            "https://github.com/zzwjames/FailureLLMUnlearning"
        ]


async def test_question_mark_opens_help_with_keys_and_syntax(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)
        text = screen_text(pilot)
        for key in ("pageup", "ctrl+p", "escape in the list"):
            assert key in text
        # The search syntax follows the browsing keys; the marks' syntax ends the help.
        pane = pilot.app.screen.query_one(VerticalScroll)
        pane.scroll_to_widget(pane.query(Static)[2], animate=False, top=True)
        await pilot.pause()
        text = screen_text(pilot)
        for syntax in ("author:", "year:2022..2024"):
            assert syntax in text
        pane.scroll_end(animate=False)
        await pilot.pause()
        assert "is:bookmarked" in screen_text(pilot)
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, BrowserScreen)


async def test_q_types_into_the_bar_but_quits_from_the_list(seed_app: AppFactory) -> None:
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await type_query(pilot, "q")
        assert browser(pilot).search_bar.value == "q"
        assert app.is_running
        await pilot.press("escape", "q")
        await pilot.pause()
        assert not app.is_running


async def test_ctrl_q_quits_even_from_the_bar(seed_app: AppFactory) -> None:
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", "ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_click_selects_a_row_and_double_click_reads_it(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        screen = browser(pilot)
        await pilot.press("tab")  # focus elsewhere first: a click must bring it back
        assert await pilot.click(PaperList, offset=(5, 4))
        assert screen.paper_list.cursor == 4
        assert screen.paper_list.has_focus
        assert screen.detail.paper == screen.paper_list.results[4]
        assert await pilot.click(PaperList, offset=(5, 4), times=2)
        assert screen.detail.has_focus


async def test_mouse_wheel_scrolls_the_list(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=(120, 12)) as pilot:
        await wait_loaded(pilot)
        paper_list = browser(pilot).paper_list
        assert paper_list.max_scroll_y > 0
        for _ in range(3):
            paper_list.post_message(
                events.MouseScrollDown(paper_list, 2, 2, 0, 1, 0, False, False, False)
            )
        await settle(pilot)  # the wheel's messages handled (a wheel scrolls without animating)
        assert paper_list.scroll_y > 0


async def test_palette_go_to_paper_fuzzy_over_titles(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        # The palette searches in a worker: settle() waits for it and the list it fills.
        await pilot.press(*"go to paper")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(*"bradly terry reward")  # a typo: "bradly"
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = browser(pilot)
        assert pilot.app.screen is screen
        assert screen.paper_list.paper is not None
        assert screen.paper_list.paper.title.startswith("Bradley-Terry and Multi-Objective")


async def test_palette_runs_actions(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"sort: next")
        await settle(pilot)  # the palette's search (a worker) has listed the command
        await pilot.press("enter")
        await settle(pilot)
        assert browser(pilot).sort == "oldest"


async def test_go_to_paper_hidden_by_the_query_clears_it(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        screen = browser(pilot)
        everything = list(screen.paper_list.results)
        await type_query(pilot, "unlearning")
        target = next(p for p in everything if p not in screen.paper_list.results)
        screen.go_to_paper(target)
        await settle(pilot)
        await settle(pilot)
        assert screen.search_bar.value == ""
        assert screen.paper_list.paper == target


async def test_a_query_typed_while_loading_applies_once_loaded(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"unlearning")  # no waiting for the library
        await wait_loaded(pilot)
        await settle(pilot)
        assert browser(pilot).search_bar.value == "unlearning"
        assert titles(pilot)[0] == "Catastrophic Failure of LLM Unlearning via Quantization"
        assert "relevance" in count(pilot)


async def test_sorting_a_query_keeps_the_highlighted_paper(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await type_query(pilot, "language")
        await pilot.press("enter", "j", "j")
        paper = browser(pilot).paper_list.paper
        await pilot.press("s")
        await settle(pilot)
        assert browser(pilot).sort == "newest"
        assert browser(pilot).paper_list.paper == paper


async def test_palette_offers_every_browser_action(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("ctrl+p", *"last paper")
        await settle(pilot)  # the palette's search (a worker) has listed the command
        await pilot.press("enter")
        await settle(pilot)  # the palette runs the command on a later turn (call_later)
        assert browser(pilot).paper_list.cursor == 14


async def test_a_search_of_an_order_or_library_not_timed_yet_runs_off_the_ui_thread(
    seed_app: AppFactory, monkeypatch: Any
) -> None:
    # Quick searches run on the UI thread, judged by the last one's time. A new order (the
    # titles' at a million papers: 0.8 s to work out the first time) or a reloaded library
    # is not judged by it: such a search ran on the UI thread and froze it (a review).
    import threading

    from paperbrowse.core.library import Library

    find = Library.find
    ran_on: list[tuple[str, str, bool]] = []

    def recorded_find(self: Library, query: str, sort: Any = "relevance") -> Any:
        ran_on.append((query, sort, threading.current_thread() is threading.main_thread()))
        return find(self, query, sort)

    monkeypatch.setattr(Library, "find", recorded_find)
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"graph")
        await settle(pilot)
        assert ran_on[-1] == ("graph", "relevance", True)  # quick: on the UI thread
        await pilot.press("escape", "s")  # to the list, then the next order
        await settle(pilot)
        query, sort, on_ui_thread = ran_on[-1]
        assert sort != "relevance" and not on_ui_thread
        ran_on.clear()
        await pilot.press("ctrl+r")  # reload: a new library, its index not searched yet
        await wait_loaded(pilot)
        await settle(pilot)
        assert ran_on and not ran_on[0][2]


async def test_a_reloaded_library_is_let_go(seed_app: AppFactory) -> None:
    # The search kept the library it last searched, to judge where the next search runs:
    # a reload then kept the old library's papers and index alive beside the new ones.
    import gc
    import weakref

    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"graph")
        await settle(pilot)
        old = weakref.ref(loaded_library(pilot))
        await pilot.press("ctrl+r")
        await wait_loaded(pilot)
        await settle(pilot)
        assert loaded_library(pilot) is not old()
        gc.collect()
        assert old() is None


async def test_fast_typing_runs_one_search_at_a_time_and_ends_on_the_last_query(
    seed_app: AppFactory, monkeypatch: Any
) -> None:
    import threading
    import time

    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        library = loaded_library(pilot)
        real_find = library.find
        running, most, queries = 0, 0, []
        lock = threading.Lock()

        def slow_find(query: str, sort: Any = "relevance") -> Any:
            nonlocal running, most
            with lock:
                running += 1
                most = max(most, running)
                queries.append(query)
            time.sleep(0.3)  # a slow engine: keystrokes arrive while it works
            with lock:
                running -= 1
            return real_find(query, sort)

        monkeypatch.setattr(library, "find", slow_find)
        await pilot.press("slash", *"unlearning")
        for _ in range(100):
            await pilot.pause(0.05)
            if not browser(pilot).searching.scheduler.running:
                break
        await settle(pilot)
        assert most == 1
        assert queries[-1] == "unlearning"
        assert len(queries) < len("unlearning")  # keystrokes during a search were coalesced
        assert titles(pilot)[0] == "Catastrophic Failure of LLM Unlearning via Quantization"


def footer_key_dimmed(pilot: Pilot[Any], action: str) -> bool:
    (key,) = [key for key in pilot.app.query(FooterKey) if key.action == action]
    return key.has_class("-disabled")


async def test_footer_dims_paper_keys_while_no_paper_is_shown(seed_app: AppFactory) -> None:
    # The footer is rebuilt only when a paper comes or goes, not on every search: it must
    # still follow when the list empties under the cursor, with no change of focus.
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("b")  # bookmark the first paper
        await type_query(pilot, "is:bookmarked")
        await pilot.press("escape")  # to the list, query kept: the list's keys in the footer
        await settle(pilot)
        assert count(pilot).startswith("1 of")
        assert not footer_key_dimmed(pilot, "open_link")
        await pilot.press("b")  # unbookmarked: the paper leaves the list
        await settle(pilot)
        assert count(pilot).startswith("0 of")
        assert footer_key_dimmed(pilot, "open_link")


@pytest.mark.parametrize("width", [80, 90])
async def test_help_and_quit_stay_on_a_narrow_footer(seed_app: AppFactory, width: int) -> None:
    # The footer lists the list's and the screen's keys first: at 90 columns and less,
    # "? Help" and "q Quit", the two keys a newcomer needs most, were cut off its right edge.
    async with seed_app().run_test(size=(width, 30)) as pilot:
        await wait_loaded(pilot)
        footer = screen_text(pilot).splitlines()[-1]
        assert "? Help" in footer and "q Quit" in footer, footer
        assert footer.index("q Quit") < footer.index("^p palette"), footer
        assert footer.lstrip().startswith("⏎ Read  / Search"), footer  # the rest still leads
        (help_key,) = [key for key in pilot.app.query(FooterKey) if key.action == "help"]
        await pilot.click(help_key)  # the key pinned there is clicked as any footer key
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)


@pytest.mark.parametrize(("width", "focus"), [(80, ""), (60, ""), (50, ""), (80, "slash")])
async def test_a_narrow_footer_drops_keys_whole_never_cuts_a_label(
    seed_app: AppFactory, width: int, focus: str
) -> None:
    # At 80 columns the footer read "b B▏ ? Help" (Bookmark cut at its first letter), at
    # 50 "s ▏ ? Help" (Sort's key without its word): a key that does not fit goes whole.
    async with seed_app().run_test(size=(width, 30)) as pilot:
        await wait_loaded(pilot)
        if focus:
            await pilot.press(focus)  # the search bar's own keys
            await settle(pilot)
        footer = screen_text(pilot).splitlines()[-1]
        labels = {f"{key.key_display} {key.description}" for key in pilot.app.query(FooterKey)}
        left = footer.split("▏")[0].strip()
        shown = [label for label in left.split("  ") if label]
        assert shown and all(label in labels for label in shown), footer
        assert shown[0] in ("⏎ Read", "esc Back to list"), footer  # the first keys still lead


async def test_the_footer_of_the_search_bar_has_no_empty_box(seed_app: AppFactory) -> None:
    """The search bar hides Help and Quit (it takes q as text): their group, left with the
    palette's key alone, drew an empty box, "▏▏^p palette" (an explorer's)."""
    async with seed_app().run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash")
        await settle(pilot)
        footer = screen_text(pilot).splitlines()[-1]
        assert footer.rstrip().endswith("^p palette") and "▏▏" not in footer, footer
        assert "Back to list" in footer and "q Quit" not in footer, footer


async def test_a_rows_cells_of_one_style_are_sent_as_one_run() -> None:
    # Each run of cells costs the terminal its colour codes (some 40 bytes in truecolor):
    # a row of a search's results was nearly eight runs where six would do, and a key's
    # frame at 100k papers 12.9 KB where 10.6 do.
    async with PaperBrowseApp().run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        await type_query(pilot, "graph")
        paper_list = browser(pilot).paper_list
        assert len(paper_list.results) > 1
        for y in range(len(paper_list.results)):
            styles = [segment.style for segment in paper_list.render_line(y)]
            assert all(a != b for a, b in zip(styles, styles[1:], strict=False)), y
