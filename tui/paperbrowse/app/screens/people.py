"""The people screen: one row per researcher of the profiles opened (``p``).

Columns: name, category, h-index, citations, papers in the profile, novelty, AI
score, papers in this library. Every column sorts: click its heading, or ``s`` for
the next column and ``r`` to turn the order round. Below the table, the highlighted
researcher's co-authors among the researchers opened, with their shared papers.
``enter`` closes the screen with ``profile:"Name"``, which the browser puts in its
search bar. The figures come from ``core.people``; names from files are ``Text``,
never markup. The table (``widgets.people_table``) draws only the rows on screen.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from paperbrowse.app.actions import bindings
from paperbrowse.app.screens.base import LEFT_BEHIND, DismissOnce
from paperbrowse.app.widgets.footer import KeyFooter
from paperbrowse.app.widgets.people_table import COLUMNS, PeopleHeadings, PeopleTable
from paperbrowse.core.text.counts import counted

if TYPE_CHECKING:
    from paperbrowse.core.people import People, Researcher, SortKey

COAUTHORS_SHOWN = 8
HEADINGS = {key: heading for key, heading, _ in COLUMNS}


def profile_query(name: str) -> str:
    """The search for a researcher's papers: ``profile:"Name"`` (a quote in a name dropped)."""
    return 'profile:"{}"'.format(name.replace('"', ""))


def coauthors_text(people: People, researcher: Researcher) -> Text:
    """Who among the researchers opened wrote with this one, and how many papers they share."""
    found = people.coauthors(researcher)
    text = Text.assemble((researcher.name, "bold"), " ")
    if not found:
        text.append("shares no paper with the other researchers opened.", style="dim")
        return text
    text.append("wrote with: ")
    parts = [
        Text.assemble(other.name, (f" ({counted(shared, 'shared paper')})", "dim"))
        for other, shared in found[:COAUTHORS_SHOWN]
    ]
    text.append_text(Text(" · ").join(parts))
    if len(found) > COAUTHORS_SHOWN:
        text.append(f" · and {len(found) - COAUTHORS_SHOWN} more", style="dim")
    return text


# The title line's hints after the order, the first kept longest as the width shrinks.
TITLE_HINTS = ("enter lists their papers", "s next column", "r reverse", "click a heading")
HINTS_GAP = "   "
HINT_BREAK = " · "


class PeopleScreen(DismissOnce, Screen[str | None]):
    DEFAULT_CSS = """
    PeopleScreen {
        layout: vertical;
    }
    PeopleScreen #people-title {
        height: 1;
        padding: 0 1;
    }
    PeopleScreen PeopleTable {
        height: 1fr;
    }
    PeopleScreen #people-coauthors {
        height: auto;
        max-height: 4;
        padding: 0 1;
        border-top: solid $accent;
    }
    """
    # The table's and headings' messages too: one still queued after a dismissal found
    # the co-authors pane gone (NoMatches).
    left_behind = (
        *LEFT_BEHIND,
        PeopleTable.Highlighted,
        PeopleTable.Selected,
        PeopleHeadings.Clicked,
    )
    # Priority: the table takes the paper list's keys, as a user's keymap rebinds them
    # ("cursor_down": "r" would otherwise take r from Reverse here).
    BINDINGS = bindings("people")  # from the registry (app/actions.py), rebindable
    AUTO_FOCUS = "PeopleTable"

    def __init__(self, people: People, sort: SortKey = "name", reverse: bool = False) -> None:
        super().__init__()
        self.people = people
        self.sort: SortKey = sort
        self.reverse = reverse

    def compose(self) -> ComposeResult:
        yield Static(id="people-title")
        yield PeopleHeadings()
        yield PeopleTable(id="people")
        yield Static(id="people-coauthors")
        yield KeyFooter()  # (its keys left out whole where they do not fit)

    def on_mount(self) -> None:
        self._fill()

    @property
    def table(self) -> PeopleTable:
        return self.query_one(PeopleTable)

    @property
    def highlighted(self) -> Researcher | None:
        return self.table.researcher

    def ordered(self) -> list[Researcher]:
        from paperbrowse.core.people import sorted_people

        return sorted_people(self.people.researchers, self.sort, self.reverse)

    def order_text(self) -> str:
        """ "h-index, highest first", "Researcher, A to Z": the order as a reader says it."""
        textual = self.sort in ("name", "category")
        ways = ("A to Z", "Z to A") if textual else ("highest first", "lowest first")
        return f"{HEADINGS[self.sort]}, {ways[self.reverse]}"

    def _fill(self, keep: Researcher | None = None) -> None:
        """Show the rows in the order chosen, the cursor kept on ``keep``."""
        rows = self.ordered()
        self.table.show(rows, keep, self.sort)
        self.query_one(PeopleHeadings).show_for(self.sort)
        self._title()

    def _title(self) -> None:
        """The count and the order, then as many hints as fit, each whole (cut, one read
        "enter lists their")."""
        title = self.query_one("#people-title", Static)
        lead = f"{counted(len(self.people.researchers), 'researcher')} · sorted by "
        lead += self.order_text()
        room = title.content_region.width - len(lead) - len(HINTS_GAP)
        hints: list[str] = []
        for hint in TITLE_HINTS:
            room -= len(hint) + (len(HINT_BREAK) if hints else 0)
            if room < 0:
                break
            hints.append(hint)
        hint_text = HINTS_GAP + HINT_BREAK.join(hints) if hints else ""
        title.update(Text.assemble((lead, "bold"), (hint_text, "dim")))

    def on_resize(self) -> None:
        self._title()

    @on(PeopleTable.Highlighted)
    def _highlighted(self, event: PeopleTable.Highlighted) -> None:
        researcher = event.researcher
        text = coauthors_text(self.people, researcher) if researcher is not None else Text()
        self.query_one("#people-coauthors", Static).update(text)

    @on(PeopleTable.Selected)
    def _chosen(self, event: PeopleTable.Selected) -> None:
        event.stop()
        self.dismiss(profile_query(event.researcher.name))

    @on(PeopleHeadings.Clicked)
    def _heading_clicked(self, event: PeopleHeadings.Clicked) -> None:
        if event.key == self.sort:
            self.action_reverse()
        else:
            self.sort_by(event.key)

    def sort_by(self, key: SortKey) -> None:
        self.sort, self.reverse = key, False
        self._fill(keep=self.highlighted)

    def action_next_sort(self) -> None:
        keys = [key for key, _, _ in COLUMNS]
        self.sort_by(keys[(keys.index(self.sort) + 1) % len(keys)])

    def action_reverse(self) -> None:
        self.reverse = not self.reverse
        self._fill(keep=self.highlighted)

    def action_close(self) -> None:
        self.dismiss(None)


def open_people(screen: Screen[None], chosen: Callable[[str | None], None]) -> None:
    """Push the people screen for the browser's library; ``chosen`` gets its query."""
    library = getattr(screen, "library", None)
    if library is None:
        from paperbrowse.app.screens.browser_parts.reading import STILL_LOADING

        screen.notify(STILL_LOADING, severity="warning", timeout=2)
        return
    if not library.profiles:
        screen.notify(
            "No researcher profiles are open: open profile files (or a folder of them).",
            severity="warning",
            timeout=3,
        )
        return
    # Opened again in the order it was left in, as a sorted table in any window is (an
    # explorer sorted by h-index, went back, and found names A to Z again).
    sort, reverse = _last_order.get(screen, ("name", False))
    people = PeopleScreen(library.people, sort, reverse)

    def closed(query: str | None) -> None:
        _last_order[screen] = (people.sort, people.reverse)
        chosen(query)

    screen.app.push_screen(people, closed)


# The order each browser screen's people screen was last left in.
_last_order: weakref.WeakKeyDictionary[Screen[None], tuple[SortKey, bool]] = (
    weakref.WeakKeyDictionary()
)
