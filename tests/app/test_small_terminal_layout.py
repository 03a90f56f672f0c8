"""Layout at small terminals (Pilot): dialogs keep their hints and buttons on the screen
(a list in a dialog shrinks rather than push them off), and no toast covers them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from app_helpers import (
    SEED,
    SEED_AS_OF,
    browser,
    screen_text,
    settle,
    wait_loaded,
    write_config,
)
from rich.text import Text
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets._select import SelectOverlay
from textual.widgets._toast import Toast

from paperbrowse.app.app import PaperBrowseApp
from paperbrowse.app.screens.cite_form import CiteFormScreen
from paperbrowse.app.screens.export_dialog import ExportDialog
from paperbrowse.app.screens.help import HelpScreen

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


def bib_with_a_key_twice(path: Path, key: str) -> Path:
    """A .bib whose two entries share ``key``: a problem the loader says in a toast."""
    entries = [
        f"@article{{{key},\n  title = {{{title}}},\n  author = {{Ann Bee}},\n  year = {{2020}}\n}}"
        for title in ("Graph networks for molecules", "Attention for graphs")
    ]
    path.write_text("\n\n".join(entries) + "\n", encoding="utf-8")
    return path


def problem_toasts(pilot: Pilot[Any]) -> list[Toast]:
    """The warnings and errors toasted on the screen on top (not "Reloading …")."""
    toasts = pilot.app.screen.query(Toast)
    return [toast for toast in toasts if toast.has_class("-warning") or toast.has_class("-error")]


async def cite_menu_opened_over_a_toast(pilot: Pilot[Any], toast_text: str) -> None:
    """Once loaded, a warning toast says ``toast_text``; the cite menu opened over it is
    under no toast, and the text is nowhere on the screen (nor behind the dialog)."""
    await wait_loaded(pilot)
    await pilot.pause()
    assert problem_toasts(pilot), f"{toast_text!r} was not said at all"
    await pilot.press("c")
    await settle(pilot)
    await pilot.pause()
    assert isinstance(pilot.app.screen, CiteFormScreen)
    assert not problem_toasts(pilot)
    assert toast_text not in screen_text(pilot)


@pytest.mark.parametrize("size", [SMALL, (120, 35)])
async def test_a_dialog_opened_after_start_is_not_under_the_problems_toast(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    # At 120x35 the toast stayed in sight beside the dialog: taken from the app's list,
    # it was still drawn by the browser's screen, seen behind the dialog.
    library = bib_with_a_key_twice(tmp_path / "twice.bib", "bee2020")
    app = PaperBrowseApp([library])
    async with app.run_test(size=size, notifications=True) as pilot:
        await cite_menu_opened_over_a_toast(pilot, "Problems while loading")


@pytest.mark.parametrize("size", [SMALL, (120, 35)])
async def test_a_config_warning_is_not_over_a_dialog_and_is_said_again_once_it_closes(
    size: tuple[int, int],
) -> None:
    # A config.json warning toasted at start-up covered the cite menu opened within its
    # ten seconds, as the problems' toast did.
    write_config({"keymap": {"no_such_action": "z"}})
    app = PaperBrowseApp([SEED], as_of=SEED_AS_OF)
    async with app.run_test(size=size, notifications=True) as pilot:
        await cite_menu_opened_over_a_toast(pilot, "no_such_action")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.pause()
        assert not isinstance(pilot.app.screen, CiteFormScreen)
        assert any("no_such_action" in str(toast.render()) for toast in problem_toasts(pilot))
        # For the time it had left: given ten seconds anew, dialogs opened and closed in
        # turn kept it up for ever.
        given = [n for n in pilot.app._notifications if "no_such_action" in n.message]
        assert given and all(n.timeout < 10 for n in given)


async def test_problems_met_while_a_dialog_is_open_are_said_once_it_closes(
    tmp_path: Path,
) -> None:
    library = tmp_path / "library.bib"
    bib_with_a_key_twice(library, "bee2020")
    app = PaperBrowseApp([library])
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await wait_loaded(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        bib_with_a_key_twice(library, "bee2021")  # other problems: said again
        browser(pilot).action_reload()
        await wait_loaded(pilot)
        await settle(pilot)
        assert isinstance(pilot.app.screen, HelpScreen)
        assert not problem_toasts(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.pause()
        assert problem_toasts(pilot)


@pytest.mark.parametrize("size", [(120, 35), (80, 24), SMALL])
async def test_the_export_format_menu_opens_inside_its_dialog(size: tuple[int, int]) -> None:
    app = PaperBrowseApp([SEED], as_of=SEED_AS_OF)
    async with app.run_test(size=size) as pilot:
        await wait_loaded(pilot)
        await pilot.press("e", "shift+tab", "enter")  # to the format, and open its menu
        await settle(pilot)
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, ExportDialog)
        menu = dialog.query_one(SelectOverlay)
        assert menu.display and menu.region.height > 2, "the menu did not open"
        inside = dialog.query_one("ExportDialog > Vertical").region.shrink((1, 1, 1, 1))
        assert inside.contains_region(menu.region), (menu.region, inside)
