"""The help screen: every key (as the user's keymap has them) and the search syntax."""

from __future__ import annotations

from collections.abc import Mapping

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from paperbrowse.app.actions import (
    ACTIONS,
    BY_ID,
    FIXED_KEYS,
    NAVIGATION,
    OTHER_SCREENS,
    READING,
    bindings,
    described,
    keymap_of,
    shown_keys,
)
from paperbrowse.app.screens.base import DismissOnce
from paperbrowse.core.search.query import SYNTAX_HELP

EXTRA_KEYS: list[tuple[str, str]] = [
    *FIXED_KEYS,
    ("mouse", "click a row to select it, double-click to read; scroll both panes"),
]


def marks_syntax(keymap: Mapping[str, str]) -> list[tuple[str, str]]:
    """The marks filters, each with the key that sets the mark."""

    def key(action_id: str) -> str:
        return shown_keys(BY_ID[action_id], keymap)

    return [
        ("is:bookmarked", f"papers you bookmarked ({key('bookmark')})"),
        ("is:read  is:unread", f"papers you marked read ({key('toggle_read')}), or not"),
        (
            "has:note  has:tag",
            f"papers with a note ({key('edit_note')}), with any tag ({key('edit_tags')})",
        ),
        ("tag:NAME", "papers you tagged NAME; e.g. tag:to-read is:unread"),
    ]


def key_table(group: str, keymap: Mapping[str, str]) -> list[tuple[str, str]]:
    """The keys of one help section, as rebound by the user's keymap."""
    actions = [action for action in ACTIONS if action.group == group]
    return [(shown_keys(action, keymap), described(action, keymap)) for action in actions]


def _table(rows: list[tuple[str, str]], heading: str) -> Table:
    table = Table(title=heading, title_justify="left", show_header=False, box=None, expand=True)
    # Ratios rather than a no-wrap key column: at 40 columns both sides must wrap.
    table.add_column(style="bold", ratio=1, min_width=8, max_width=28)
    table.add_column(ratio=3)
    for key, text in rows:
        table.add_row(Text(key), Text(text))
    return table


class HelpScreen(DismissOnce, ModalScreen[None]):
    """Lists every key and the search syntax; any of escape, q or ? closes it."""

    BINDINGS = bindings("help")  # from the registry (app/actions.py), rebindable

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("paperbrowse help", style="bold"))
            keymap = keymap_of(self.app)
            yield Static(_table(key_table(NAVIGATION, keymap) + EXTRA_KEYS, NAVIGATION))
            yield Static(_table(list(SYNTAX_HELP), "Search syntax (filters combine with words)"))
            yield Static(_table(key_table(READING, keymap), READING))
            yield Static(_table(marks_syntax(keymap), "Your marks in a search"))
            yield Static(Text("◆ in the list marks papers with released code.", style="dim"))
            yield Static(_table(key_table(OTHER_SCREENS, keymap), OTHER_SCREENS))
