"""Keys defined once (app/actions.py) and rebound from config.json's "keymap"."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from app_helpers import browser, screen_text, settle, type_burst, wait_loaded, write_config
from rich.console import Console
from textual.command import DiscoveryHit
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from paperbrowse.app.actions import ACTIONS, BY_ID, ON_THE_BROWSER, described
from paperbrowse.app.app import PaperBrowseApp
from paperbrowse.app.commands import PaperCommands
from paperbrowse.app.config import config_path, load_config, save_config
from paperbrowse.app.screens.browser import BrowserScreen
from paperbrowse.app.screens.help import HelpScreen

AppFactory = Callable[[], PaperBrowseApp]
SIZE = (120, 35)


def bookmarked(pilot: Pilot[Any]) -> bool:
    screen: BrowserScreen = browser(pilot)
    paper = screen.paper_list.paper
    assert paper is not None
    marks = screen.reading.marks_of(paper)
    return bool(marks and marks.bookmarked)


def help_text(pilot: Pilot[Any]) -> str:
    """The whole help, scrolled or not, as plain text with single spaces."""
    console = Console(width=300, file=io.StringIO(), record=True)
    for static in pilot.app.screen.query(Static):
        console.print(static.content)
    return " ".join(console.export_text().split())


def notifications(pilot: Pilot[Any]) -> list[str]:
    return [notification.message for notification in pilot.app._notifications]


def keymap_warnings(pilot: Pilot[Any]) -> list[str]:
    """The notifications about the user's keymap (an entry left out, and why)."""
    return [line for line in notifications(pilot) if "keymap" in line]


async def test_a_rebound_key_bookmarks_and_the_old_key_no_longer_does(
    seed_app: AppFactory,
) -> None:
    write_config({"keymap": {"bookmark": "x"}})
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("b")
        await pilot.pause()
        assert not bookmarked(pilot)
        await pilot.press("x")
        await pilot.pause()
        assert bookmarked(pilot)


async def test_a_key_written_shift_letter_fires_on_the_capital(seed_app: AppFactory) -> None:
    write_config({"keymap": {"bookmark": "shift+x", "toggle_read": "F5"}})
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert not keymap_warnings(pilot)
        await pilot.press("X")
        await pilot.pause()
        assert bookmarked(pilot)


async def test_list_keys_are_rebindable_too(seed_app: AppFactory) -> None:
    write_config({"keymap": {"cursor_down": "down,j,ctrl+n"}})
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("ctrl+n", "j", "down")
        await pilot.pause()
        assert browser(pilot).paper_list.cursor == 3


async def test_the_list_s_keys_moved_elsewhere_leave_the_pickers_their_arrows_and_j_k(
    seed_app: AppFactory,
) -> None:
    # The pickers' lists keep their own keys: a keymap for the paper list is not theirs.
    write_config({"keymap": {"cursor_down": "ctrl+n"}})
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("a")  # the highlighted paper's authors
        await pilot.pause()
        options = pilot.app.screen.query_one(OptionList)
        await pilot.press("down")
        assert options.highlighted == 1
        await pilot.press("k", "j")
        assert options.highlighted == 1


async def test_a_bad_entry_is_one_notification_and_the_rest_applies(
    seed_app: AppFactory,
) -> None:
    write_config({"keymap": {"no_such_action": "z", "edit_tags": "j", "bookmark": "x"}})
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        lines = keymap_warnings(pilot)
        assert len(lines) == 2, lines
        assert "'no_such_action': no such action" in lines[0]
        assert "'edit_tags': j is already the key of 'cursor_down'" in lines[1]
        await pilot.press("j")  # still moves down: the clashing entry was left out
        await pilot.pause()
        assert browser(pilot).paper_list.cursor == 1
        await pilot.press("x")
        await pilot.pause()
        assert bookmarked(pilot)


async def test_rebinding_one_of_two_actions_on_escape_keeps_the_other(
    seed_app: AppFactory,
) -> None:
    write_config({"keymap": {"escape": "ctrl+l"}})
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await type_burst(pilot, "/graph")
        # Escape in the bar is still leave_search, the priority binding that keeps the
        # keys typed after it in order (Textual's keymap had dropped it with "escape").
        assert pilot.app.screen.active_bindings["escape"].binding.action == "leave_search"
        await pilot.press("escape")
        screen: BrowserScreen = browser(pilot)
        assert screen.search_bar.value == "graph"
        assert screen.paper_list.has_focus
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert screen.search_bar.value == ""


async def test_help_and_footer_show_the_keys_in_effect(seed_app: AppFactory) -> None:
    write_config({"keymap": {"bookmark": "x", "reload": "f5"}})
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert "x Bookmark" in screen_text(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)
        text = help_text(pilot)
        assert "f5" in text and "ctrl+r" not in text
        assert "papers you bookmarked (x)" in text


async def test_a_rebound_key_keeps_its_place_in_the_footer(seed_app: AppFactory) -> None:
    write_config({"keymap": {"bookmark": "x", "open_link": "ctrl+o"}})
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        footer = screen_text(pilot).splitlines()[-1]
        words = ["Sort", "^o Open link", "Copy", "x Bookmark", "Export", "Help", "Quit"]
        assert all(word in footer for word in words), footer
        assert sorted(words, key=footer.index) == words, footer  # the registry's order


async def test_a_damaged_config_is_one_line_and_the_app_runs(seed_app: AppFactory) -> None:
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text('{"keymap": {"bookmark": ', encoding="utf-8")
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert any("not valid JSON" in line for line in notifications(pilot))
        pilot.app.theme = "nord"  # a save would lose what the user wrote: none is made
        await pilot.pause()
        (said,) = [line for line in notifications(pilot) if "not kept" in line]
        assert said.startswith("The theme used until paperbrowse quits, not kept: ")
        assert str(config_path()) in said and "not valid JSON" in said
        await pilot.press("b")
        await pilot.pause()
        assert bookmarked(pilot)
    assert config_path().read_text(encoding="utf-8") == '{"keymap": {"bookmark": '


@pytest.mark.parametrize("keymap", [["x"], {"bookmark": 7}, {"bookmark": ""}])
async def test_keymaps_of_the_wrong_shape_never_crash(seed_app: AppFactory, keymap: Any) -> None:
    write_config({"keymap": keymap})
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert len(keymap_warnings(pilot)) == 1
        await pilot.press("b")
        await pilot.pause()
        assert bookmarked(pilot)


async def test_every_action_is_in_the_palette_and_the_help(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        provider = PaperCommands(pilot.app.screen, None)
        offered = {
            hit.text: hit.help async for hit in provider.discover() if isinstance(hit, DiscoveryHit)
        }
        await pilot.press("question_mark")
        await pilot.pause()
        shown = help_text(pilot)
        for action in ACTIONS:
            # (The other screens' and dialogs' keys act there alone: not in the palette.)
            assert (action.title in offered) == (action.owner in ON_THE_BROWSER), action.id
            assert described(action, {}) in shown, action.id
        assert "(ctrl+r)" in (offered["Reload"] or "")


async def palette_help_shown(pilot: Pilot[Any], name: str) -> str:
    """The palette's screen once ``name`` is typed into it, as text with single spaces."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*name)
    await settle(pilot)  # the palette's search (a worker) has listed the command
    shown = " ".join(screen_text(pilot).split())
    await pilot.press("escape")
    await pilot.pause()
    return shown


async def test_the_palette_names_the_keys_the_keymap_gives(seed_app: AppFactory) -> None:
    # "Citation form" said "Choose the form c copies citations in" with cite on ctrl+y.
    write_config({"keymap": {"cite": "ctrl+y", "bookmark": "x"}})
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert not keymap_warnings(pilot)
        shown = await palette_help_shown(pilot, "Citation form")
        assert "Choose the form ctrl+y copies citations in" in shown, shown
        assert "form c copies" not in shown, shown
        shown = await palette_help_shown(pilot, "Bookmark")
        assert "Bookmark / unbookmark the paper (★ in the list) (x)" in shown, shown
        assert "(b)" not in shown, shown


def test_a_description_names_another_action_s_key_as_rebound_or_none() -> None:
    choose_form = BY_ID["choose_cite_form"]
    rebound = described(choose_form, {"cite": "ctrl+y"})
    assert rebound == "choose the form ctrl+y copies citations in"
    # An action without a key is named by its palette title, never by a key it lacks.
    by_palette = replace(choose_form, description="as {key:choose_cite_form} sets it")
    assert described(by_palette, {}) == 'as "Citation form" sets it'


async def test_the_palette_finds_an_action_by_its_other_names(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        provider = PaperCommands(pilot.app.screen, None)
        found = [str(hit.text) async for hit in provider.search("Unmark")]
        assert "Clear marks" in found, found


def test_saving_says_why_a_setting_was_not_kept() -> None:
    assert save_config(theme="nord") is None  # no file yet: made
    config_path().write_text("[1]", encoding="utf-8")
    assert save_config(theme="gruvbox") == f"{config_path()} is not a JSON object"
    config_path().write_text("{", encoding="utf-8")
    why = save_config(theme="gruvbox")
    assert why is not None and why.startswith(f"{config_path()} is not valid JSON (")
    assert config_path().read_text(encoding="utf-8") == "{"  # never written over


def test_saving_keeps_settings_this_version_does_not_know() -> None:
    write_config({"theme": "nord", "keymap": {"bookmark": "x"}, "future": [1, 2]})
    save_config(theme="gruvbox")
    saved = json.loads(config_path().read_text(encoding="utf-8"))
    assert saved == {"theme": "gruvbox", "keymap": {"bookmark": "x"}, "future": [1, 2]}
    assert load_config().keymap == {"bookmark": "x"}


async def test_the_keys_of_other_screens_and_dialogs_are_rebindable(seed_app: AppFactory) -> None:
    write_config({"keymap": {"help_close": "escape,x", "dialog_cancel": "ctrl+g"}})
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert not keymap_warnings(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)
        await pilot.press("q")  # no longer the help's: the keymap gave it escape and x
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(pilot.app.screen, BrowserScreen)
        await pilot.press("t")  # the tags dialog
        await pilot.pause()
        assert not isinstance(pilot.app.screen, BrowserScreen)
        hint = pilot.app.screen.query_one("#tags-hint", Static)
        assert "enter saves, ctrl+g cancels" in str(hint.content)  # the hint names it
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(pilot.app.screen, BrowserScreen)


def test_a_key_clashes_only_with_the_keys_of_its_own_screen() -> None:
    from paperbrowse.app.actions import resolve_keymap

    # o opens a link in the browser; the people list has no o: sorting people by it is fine.
    assert resolve_keymap({"people_sort": "o"}, "config.json") == ({"people_sort": "o"}, [])
    # j moves down the people list (its rows move as the paper list's do): taken there.
    kept, problems = resolve_keymap({"people_sort": "j"}, "config.json")
    assert kept == {} and "j is already the key of 'cursor_down'" in problems[0]
    # escape closes every dialog; the help's own keys are its alone.
    assert resolve_keymap({"help_close": "escape,s"}, "config.json")[1] == []


@pytest.mark.parametrize(
    ("entry", "why"),
    [
        ({"note_save_close": "x"}, "types or moves in the text"),  # typed into the note
        ({"dialog_cancel": "q"}, "types or moves in the text"),  # typed into the tags
        ({"dialog_cancel": "space"}, "types or moves in the text"),
        ({"help_close": "down"}, "the screen itself uses"),  # the help scrolls on it
        ({"stats_close": "enter"}, "the screen itself uses"),  # a chart's row takes it
        ({"dialog_cancel": "1"}, "the screen itself uses"),  # the cite menu's first style
        ({"confirm_yes": "enter"}, "the screen itself uses"),  # the focused button's
        ({"author_show_in_list": "j"}, "the screen itself uses"),  # its list moves on j
        ({"stats_close": "k"}, "the screen itself uses"),
    ],
)
def test_a_key_a_screen_s_own_widgets_take_is_refused(entry: dict[str, str], why: str) -> None:
    """Textual leaves a focused text field, list or button its keys before it applies the
    keymap: given to an action there, the key would be typed, or the action never run."""
    from paperbrowse.app.actions import resolve_keymap

    kept, problems = resolve_keymap(entry, "config.json")
    assert kept == {} and len(problems) == 1 and why in problems[0], problems


def test_keys_kept_from_text_fields_rebind_their_dialogs() -> None:
    from paperbrowse.app.actions import resolve_keymap

    wanted = {"note_save_close": "escape,ctrl+s,f2", "dialog_cancel": "escape,alt+c"}
    assert resolve_keymap(wanted, "config.json") == (wanted, [])


async def test_the_cite_menus_name_the_browser_s_cite_keys_in_effect(seed_app: AppFactory) -> None:
    from paperbrowse.app.screens.cite_form import CiteFormScreen, CslStyleScreen

    write_config({"keymap": {"cite": "ctrl+y", "cite_references": "ctrl+o,R"}})
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert not keymap_warnings(pilot)
        for menu, title in (
            (CiteFormScreen(["wang2025"]), "How should ctrl+y copy citations?"),
            (CslStyleScreen(), "Which style should ctrl+o copy references in?"),
        ):
            await pilot.app.push_screen(menu)
            await pilot.pause()
            shown = pilot.app.screen.query_one(".choice-title", Static)
            assert str(shown.render()) == title
            await pilot.press("escape")
            await pilot.pause()


async def test_the_browser_s_hints_name_the_keys_in_effect(tmp_path: Path) -> None:
    # The search bar said "? for syntax" and a query without hits "Esc clears the search;
    # ? shows the syntax." with help on f1 (a tester): the footer and the help had f1.
    from app_helpers import settle, write_jsonl

    write_config(
        {
            "keymap": {
                "help": "f1",
                "escape": "ctrl+x",
                "show_problems": "f2",
                "edit_note": "ctrl+e",
                "cite": "ctrl+y",
            }
        }
    )
    library = write_jsonl(
        tmp_path / "one.jsonl", [{"title": "The only paper", "year": 2024}, "{not json"]
    )
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert not keymap_warnings(pilot)
        # (Read now: the problems' toast is taken down once a dialog opens.)
        assert any(
            line.endswith("Press f2 (or click the ⚠ count) to see which and why.")
            for line in notifications(pilot)
        )
        screen = browser(pilot)
        placeholder = screen.search_bar.input.placeholder
        assert placeholder.endswith("(f1 for syntax)") and "?" not in placeholder
        assert "⚠ 1 problem (f2)" in str(screen.query_one("#search-count").render())
        await pilot.press("slash", *"zzqx", "enter")
        await settle(pilot)
        assert screen.paper_list.empty_message.endswith(
            "Ctrl+x clears the search; f1 shows the syntax."
        )
        await pilot.press("ctrl+x", "ctrl+e", *"mine", "escape")  # a note, saved
        await settle(pilot)
        assert "✎ Note (ctrl+e to edit)" in screen_text(pilot)
        screen.action_choose_cite_form()
        await pilot.pause()
        await pilot.press("4")  # pandoc
        await pilot.pause()
        assert "ctrl+y now copies citations as [@a; @b]." in notifications(pilot)
