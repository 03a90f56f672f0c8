"""The people screen's table: a virtual list of researchers, one aligned row each.

Textual's DataTable measures every cell of every row it is given (4,000 cells, about
0.2 s, for 500 researchers; again at each sort); this ScrollView, like the paper
list, draws only the rows on screen from strings made once per order.
``PeopleHeadings`` is the line of column headings above it: a click on one asks
for that column's order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from paperbrowse.app.actions import bindings
from paperbrowse.app.widgets.paper_list import align_right, colours_are_scarce
from paperbrowse.app.widgets.row_segments import fit_plain

if TYPE_CHECKING:
    from paperbrowse.core.people import Researcher, SortKey

# (sort key, heading, width); the name takes the room left, up to NAME_WIDTH
# (``shown_columns``: a narrow table leaves figures out).
COLUMNS: tuple[tuple[SortKey, str, int], ...] = (
    ("name", "Researcher", 0),
    ("category", "Category", 8),
    ("h-index", "h-index", 7),
    ("citations", "Citations", 9),
    ("papers", "Papers", 6),
    ("novelty", "Novelty", 7),
    ("ai-score", "AI score", 8),
    ("library", "In library", 10),
)
GAP = 2  # cells between columns
NAME_WIDTH = 32
MISSING = "—"


def cell_text(researcher: Researcher, key: SortKey) -> str:
    """A cell as shown: figures with thousands separators, a missing one as a dash."""
    value = researcher.figure(key)
    if value is None:
        return MISSING
    if isinstance(value, str):
        return value
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return number + ("%" if key == "novelty" else "")


# The cells a name keeps before any figure is shown (most full names fit: "Anastasia
# Shimorina" is 19): the name is what is read, and at 60-80 columns it had been cut to
# "Ana…" for every figure to keep its room.
NAME_READABLE = 20


def shown_columns(total: int, sort: SortKey = "name") -> list[tuple[int, int]]:
    """The columns shown at a table ``total`` cells wide, as (index in COLUMNS, width), in
    COLUMNS' order: the name, then the figures that fit beside NAME_READABLE cells of it,
    whole or not at all (a cut figure read 1 for 12), the column sorted by first; the name
    then takes the room left, up to NAME_WIDTH."""
    room = total - min(NAME_READABLE, total) - 1
    figures = sorted(range(1, len(COLUMNS)), key=lambda index: COLUMNS[index][0] != sort)
    shown: list[int] = []
    for index in figures:
        needed = COLUMNS[index][2] + GAP
        if needed <= room:
            shown.append(index)
            room -= needed
    used = sum(COLUMNS[index][2] + GAP for index in shown)
    name = max(1, min(NAME_WIDTH, total - used - 1))
    return [(0, name)] + [(index, COLUMNS[index][2]) for index in sorted(shown)]


def line_of(cells: Sequence[str], columns: Sequence[tuple[int, int]]) -> str:
    """One row of ``columns`` (``shown_columns``) of a row's ``cells`` (one a column of
    COLUMNS): the name left-aligned (cut with "…"), the category left, figures right."""
    parts = [
        fit_plain(cells[index], width, pad=True) if index < 2 else align_right(cells[index], width)
        for index, width in columns
    ]
    return (" " * GAP).join(parts)


class PeopleHeadings(Static):
    """The column headings; a click on one posts ``Clicked`` with its sort key."""

    DEFAULT_CSS = """
    PeopleHeadings {
        height: 1;
        text-style: bold;
        padding: 0 0 0 1;
    }
    """

    class Clicked(Message):
        def __init__(self, key: SortKey) -> None:
            self.key = key
            super().__init__()

    sort: SortKey = "name"  # the column sorted by, shown whatever the width (``show_for``)

    def _columns(self) -> list[tuple[int, int]]:
        """The table's columns below, at the width of its rows: this line's, less the
        table's scroll bar (``size`` is inside the padding, which both have)."""
        return shown_columns(self.size.width - 1, self.sort)

    def show_for(self, sort: SortKey) -> None:
        """The headings of the columns shown when sorted by ``sort``."""
        self.sort = sort
        self._draw()

    def on_resize(self, event: events.Resize) -> None:
        self._draw()

    def _draw(self) -> None:
        if self.size.width:
            self.update(Text(line_of([h for _, h, _ in COLUMNS], self._columns())))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        x = event.x - 1  # the padding
        for index, width in self._columns():
            if x < width + GAP:
                self.post_message(self.Clicked(COLUMNS[index][0]))
                return
            x -= width + GAP


class PeopleTable(ScrollView, can_focus=True):
    """One row a researcher; ``enter`` (or a second click) chooses the highlighted one."""

    DEFAULT_CSS = """
    PeopleTable {
        background: $surface;
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
        padding: 0 0 0 1;
    }
    PeopleTable > .people-table--cursor {
        background: $accent 60%;
        color: $text;
        text-style: bold;
    }
    PeopleTable.-plain-cursor > .people-table--cursor {
        background: $surface;
        color: $text;
        text-style: bold reverse;
    }
    PeopleTable > .people-table--missing {
        color: $text-muted;
    }
    """
    COMPONENT_CLASSES = {"people-table--cursor", "people-table--missing"}
    # The paper list's keys (app/actions.py): a user's keymap moves this cursor too.
    BINDINGS = bindings("list", labels={"select": "Their papers", "first": "First", "last": "Last"})

    cursor: reactive[int] = reactive(0, always_update=True)

    class Highlighted(Message):
        def __init__(self, researcher: Researcher | None) -> None:
            self.researcher = researcher
            super().__init__()

    class Selected(Message):
        def __init__(self, researcher: Researcher) -> None:
            self.researcher = researcher
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[Researcher] = []
        self._cells: list[list[str]] = []
        self.sort: SortKey = "name"  # their order's column, shown whatever the width

    def on_mount(self) -> None:
        self.set_class(colours_are_scarce(self.app), "-plain-cursor")

    def show(
        self, rows: list[Researcher], keep: Researcher | None = None, sort: SortKey = "name"
    ) -> None:
        """Show researchers in this order (``sort``'s), the cursor on ``keep`` (else the
        first)."""
        self.rows = rows
        self.sort = sort
        self._cells = [[cell_text(r, key) for key, _, _ in COLUMNS] for r in rows]
        self.virtual_size = Size(self.size.width, len(rows))
        self.cursor = rows.index(keep) if keep is not None and keep in rows else 0
        self.refresh()

    @property
    def researcher(self) -> Researcher | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.rows) - 1)) if self.rows else 0

    def watch_cursor(self) -> None:
        if self.rows:
            self.scroll_to_region(
                Region(0, self.cursor, 1, 1), animate=False, force=True, immediate=True
            )
        self.refresh()
        self.post_message(self.Highlighted(self.researcher))

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self.rows) - 1

    def action_page_down(self) -> None:
        self.cursor += max(1, self.scrollable_content_region.height - 1)

    def action_page_up(self) -> None:
        self.cursor -= max(1, self.scrollable_content_region.height - 1)

    def action_select(self) -> None:
        researcher = self.researcher
        if researcher is not None:
            self.post_message(self.Selected(researcher))

    def on_click(self, event: events.Click) -> None:
        row = event.y + int(self.scroll_offset.y)
        if not 0 <= row < len(self.rows):
            return
        event.stop()
        if row == self.cursor and event.chain >= 2:
            self.action_select()
        self.cursor = row
        self.focus()

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.rows))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        row = y + int(self.scroll_offset.y)
        base = self.rich_style
        if row >= len(self.rows):
            return Strip.blank(width, base)
        text = Text(line_of(self._cells[row], shown_columns(width, self.sort)), no_wrap=True)
        text.highlight_words([MISSING], self.get_component_rich_style("people-table--missing"))
        text.truncate(width, pad=True)
        segments = list(text.render(self.app.console))
        if row == self.cursor:
            cursor = self.get_component_rich_style("people-table--cursor")
            segments = list(Segment.apply_style(segments, post_style=cursor))
        return Strip(segments, width).apply_style(base)
