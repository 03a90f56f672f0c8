"""The help screen: every key and the search syntax."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from paperbrowse.app.screens.base import DismissOnce

KEYS: list[tuple[str, str]] = [
    ("/", "focus the search bar; typing filters the list live"),
    ("enter (in bar)", "go to the list, first result selected"),
    ("escape (in bar)", "go to the list, query kept"),
    ("escape (in list)", "clear the query"),
    ("j / k / ↓ / ↑", "move down / up"),
    ("g / G / home / end", "first / last paper"),
    ("pageup / pagedown", "a page up / down"),
    ("tab", "switch between list and detail pane"),
    ("enter (on a paper)", "read it: focus the detail pane to scroll"),
    ("o", "open the paper's first link in the browser (http/https only)"),
    ("y", "copy title, authors and first link to the clipboard"),
    ("s", "sort: newest / oldest / title / relevance"),
    ("w", "show problems met while loading files"),
    ("ctrl+r", "reload the files (changed files also reload by themselves)"),
    ("?", "this help"),
    ("ctrl+p", "command palette: go to paper, themes, every action"),
    ("q / ctrl+q", "quit (q types into the search bar while it has focus)"),
    ("mouse", "click a row to select it, double-click to read; scroll both panes"),
]

# The search engine describes its own syntax (core.query.SYNTAX_HELP, pairs of
# example and meaning); without it, this is the syntax the team agreed on.
AGREED_SYNTAX: list[tuple[str, str]] = [
    ("graph neural", "papers with all these words, in any order; typos forgiven"),
    ('"exact phrase"', "the words next to each other"),
    ("-word", "leave out papers with this word"),
    ("author:wang", "an author's name contains wang"),
    ("year:2024  year:2022..2024", "a year, or a range of years"),
]

READING_KEYS: list[tuple[str, str]] = [
    ("b", "bookmark / unbookmark the paper (★ in the list)"),
    ("r", "mark the paper read / unread (✓)"),
    ("t", "edit the paper's tags (comma or space separated)"),
    ("n", "write a note on the paper (✎); saved as you type and on close"),
    ("a", "the paper's authors: pick one to list all their papers here"),
    ("S", "stats: papers per year, categories, venues, co-authors, reading progress; "
     "enter on a row filters the list"),
    ("space", "mark / unmark the paper for export and copy (● in the list)"),
    ("e", "export the marked papers, else the list as filtered: BibTeX, CSL-JSON, JSON, "
     "CSV, Markdown"),
    ("Y", "copy the BibTeX entry to the clipboard"),
    ("y / Y with marks", "copy the marked papers instead of the highlighted one"),
    ("ctrl+p Clear marks", "unmark every paper marked with space"),
]

MARKS_SYNTAX: list[tuple[str, str]] = [
    ("is:bookmarked", "papers you bookmarked (b)"),
    ("is:read  is:unread", "papers you marked read (r), or not"),
    ("has:note  has:tag", "papers with a note (n), with any tag (t)"),
    ("tag:NAME", "papers you tagged NAME; e.g. tag:to-read is:unread"),
]


def search_syntax() -> list[tuple[str, str]]:
    try:
        from paperbrowse.core.search.query import SYNTAX_HELP
    except ImportError:
        return AGREED_SYNTAX
    return list(SYNTAX_HELP)


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

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", show=True),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("paperbrowse help", style="bold"))
            yield Static(_table(KEYS, "Keys"))
            yield Static(_table(search_syntax(), "Search syntax (filters combine with words)"))
            yield Static(_table(READING_KEYS, "Reading, marks and export"))
            yield Static(_table(MARKS_SYNTAX, "Your marks in a search"))
            yield Static(Text("◆ in the list marks papers with released code.", style="dim"))
