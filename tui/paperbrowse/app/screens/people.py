"""The people screen: one row per researcher of the profiles opened (``p``).

Columns: name, category, h-index, citations, papers in the profile, novelty, AI
score, papers in this library. Every column sorts: click its heading, or ``s`` for
the next column and ``r`` to turn the order round. Below the table, the highlighted
researcher's co-authors among the researchers opened, with their shared papers.
``enter`` closes the screen with ``profile:"Name"``, which the browser puts in its
search bar. The figures come from ``core.people``; names from files are ``Text``,
never markup. A ``DataTable`` draws only the rows on screen, so 500 researchers
open as fast as five.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from paperbrowse.app.screens.base import DismissOnce
from paperbrowse.core.text.counts import counted

if TYPE_CHECKING:
    from paperbrowse.core.people import People, Researcher, SortKey

# (sort key, heading, width); the name takes what is left.
COLUMNS: tuple[tuple[SortKey, str], ...] = (
    ("name", "Researcher"),
    ("category", "Category"),
    ("h-index", "h-index"),
    ("citations", "Citations"),
    ("papers", "Papers"),
    ("novelty", "Novelty"),
    ("ai-score", "AI score"),
    ("library", "In library"),
)
NAME_WIDTH = 28
COAUTHORS_SHOWN = 8


def profile_query(name: str) -> str:
    """The search for a researcher's papers: ``profile:"Name"`` (a quote in a name dropped)."""
    return 'profile:"{}"'.format(name.replace('"', ""))


def cell(researcher: Researcher, key: SortKey) -> Text:
    """One cell: figures right-aligned, a missing one as a dim dash."""
    value = researcher.figure(key)
    if value is None:
        return Text("—", style="dim", justify="right" if key not in ("name", "category") else "left")
    if isinstance(value, str):
        return Text(value)  # a name from a file: text, never markup
    suffix = "%" if key == "novelty" else ""
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return Text(number + suffix, justify="right")


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


class PeopleScreen(DismissOnce, Screen[str | None]):
    DEFAULT_CSS = """
    PeopleScreen {
        layout: vertical;
    }
    PeopleScreen #people-title {
        height: 1;
        padding: 0 1;
        text-style: bold;
    }
    PeopleScreen DataTable {
        height: 1fr;
    }
    PeopleScreen #people-coauthors {
        height: auto;
        max-height: 4;
        padding: 0 1;
        border-top: solid $accent;
    }
    """
    BINDINGS = [
        Binding("escape,q", "close", "Back"),
        Binding("s", "next_sort", "Sort", show=True),
        Binding("r", "reverse", "Reverse", show=True),
    ]
    AUTO_FOCUS = "DataTable"

    def __init__(self, people: People) -> None:
        super().__init__()
        self.people = people
        self.sort: SortKey = "name"
        self.reverse = False
        self._shown: list[Researcher] = []  # the rows in the order shown

    def compose(self) -> ComposeResult:
        yield Static(id="people-title")
        table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True, id="people")
        for key, heading in COLUMNS:
            width = NAME_WIDTH if key == "name" else None
            table.add_column(heading, key=key, width=width)
        yield table
        yield Static(id="people-coauthors")
        yield Footer()

    def on_mount(self) -> None:
        self._fill()

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one(DataTable)

    def ordered(self) -> list[Researcher]:
        from paperbrowse.core.people import sorted_people

        return sorted_people(self.people.researchers, self.sort, self.reverse)

    def _fill(self, keep: Researcher | None = None) -> None:
        """(Re)fill the rows in the order chosen, the cursor kept on ``keep``."""
        table = self.table
        table.clear()
        rows = self.ordered()
        table.add_rows(
            ([cell(r, key) for key, _ in COLUMNS] for r in rows),
        )
        self._shown = rows
        if keep is not None and keep in rows:
            table.move_cursor(row=rows.index(keep), animate=False)
        self.query_one("#people-title", Static).update(
            Text.assemble(
                f"{counted(len(rows), 'researcher')} · sorted by {self.order_text()}",
                ("   enter lists their papers · s next column · r reverse · click a heading", "dim"),
            )
        )
        self._show_coauthors()

    def order_text(self) -> str:
        """ "h-index, highest first", "Researcher, A to Z": the order as a reader says it."""
        textual = self.sort in ("name", "category")
        ways = ("A to Z", "Z to A") if textual else ("highest first", "lowest first")
        return f"{dict(COLUMNS)[self.sort]}, {ways[self.reverse]}"

    @property
    def highlighted(self) -> Researcher | None:
        row = self.table.cursor_row
        return self._shown[row] if 0 <= row < len(self._shown) else None

    def _show_coauthors(self) -> None:
        researcher = self.highlighted
        text = coauthors_text(self.people, researcher) if researcher is not None else Text()
        self.query_one("#people-coauthors", Static).update(text)

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_coauthors()

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        researcher = self.highlighted
        if researcher is not None:
            self.dismiss(profile_query(researcher.name))

    @on(DataTable.HeaderSelected)
    def _heading_clicked(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        key = event.column_key.value
        if key == self.sort:
            self.action_reverse()
        else:
            self.sort_by(next(k for k, _ in COLUMNS if k == key))

    def sort_by(self, key: SortKey) -> None:
        self.sort, self.reverse = key, False
        self._fill(keep=self.highlighted)

    def action_next_sort(self) -> None:
        keys = [key for key, _ in COLUMNS]
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
        screen.notify("The library is still loading.", severity="warning", timeout=2)
        return
    if not library.profiles:
        screen.notify(
            "No researcher profiles are open: open profile files (or a folder of them).",
            severity="warning",
            timeout=3,
        )
        return
    screen.app.push_screen(PeopleScreen(library.people), chosen)
