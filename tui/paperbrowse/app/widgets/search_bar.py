"""The search bar: an input with a result count, posting its own messages."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import var
from textual.widgets import Input

from paperbrowse.app.actions import key_hint, keymap_of
from paperbrowse.app.widgets.sizing import Label, SearchInput
from paperbrowse.core.text.counts import counted

PLACEHOLDER = "Search titles, authors, abstracts…"
# The input keeps this many cells, or half the bar where it is narrower than twice that;
# the count may have the rest.
INPUT_MIN_WIDTH = 40
COUNT_PADDING = 2  # the count's cells of padding (CSS below)
# How far the count is shortened, in order, until it fits beside the input: the
# background note's short form, no sort, short marks and problems, "7/15" papers.
SHORTER = ("busy", "sort", "marks", "papers")


def count_text(
    shown: int | None,
    total: int,
    sort: str,
    problems: int,
    marked: int = 0,
    busy: str = "",
    busy_short: str = "",
    room: int | None = None,
    problems_key: str = "w",
) -> Text:
    """ "7 of 15 papers · newest", with the papers marked with space, files' problems and
    what is being done in the background (``busy``: "full text: 3 of 40 PDFs", or its
    ``busy_short`` form), the problems with the key that lists them (``problems_key``).
    With ``room``, the longest form within that many cells; what still does not fit is
    cut with "…" by the count's CSS, never wrapped."""
    text = Text()
    for shortened in range(len(SHORTER) + 1):
        text = _count_form(
            shown,
            total,
            sort,
            problems,
            marked,
            busy,
            busy_short,
            set(SHORTER[:shortened]),
            problems_key,
        )
        if room is None or text.cell_len <= room:
            break
    return text


def _count_form(
    shown: int | None,
    total: int,
    sort: str,
    problems: int,
    marked: int,
    busy: str,
    busy_short: str,
    short: set[str],
    problems_key: str,
) -> Text:
    if shown is None:
        text = Text("Loading…", style="dim")
    elif "papers" in short:
        text = Text.assemble((f"{shown:,}", "bold"), f"/{total:,}")
    else:
        text = Text.assemble((f"{shown:,}", "bold"), f" of {counted(total, 'paper')}")
    if shown is not None and "sort" not in short:
        text.append(f" · {sort}", style="dim")
    brief = "marks" in short
    if marked:
        text.append(f"  ● {marked:,}{'' if brief else ' marked'}", style="bold magenta")
    if problems:
        said = f"{problems:,}" if brief else counted(problems, "problem")
        text.append(f"  ⚠ {said}{f' ({problems_key})' if problems_key else ''}")
    note = busy_short if "busy" in short and busy_short else busy
    if note:
        text.append(f"  {note}", style="dim")
    return text


class SearchBar(Horizontal):
    """Typing filters the list live; enter and escape hand focus back to the list.

    The count on the right shows ``shown``, ``total``, ``sort`` and ``problems``,
    which the screen pushes down with ``data_bind``.
    """

    DEFAULT_CSS = """
    SearchBar {
        height: 3;
        width: 1fr;
    }
    SearchBar > Input {
        width: 1fr;
    }
    SearchBar > #search-count {
        width: auto;
        max-width: 50%;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        height: 3;
        content-align: right middle;
        padding: 0 1;
        color: $text-muted;
    }
    SearchBar > #search-count.-problems {
        color: $text-warning;
    }
    """
    BINDINGS = [Binding("escape", "dismiss", "Back to list", show=True)]

    # ``var``: the bar draws nothing itself (its count is a Static the watchers update);
    # a ``reactive`` would repaint the whole bar on every keystroke.
    shown: var[int | None] = var(None)
    total: var[int] = var(0)
    sort: var[str] = var("newest")
    problems: var[int] = var(0)
    marked: var[int] = var(0)
    busy: var[str] = var("")  # background work, e.g. "full text: 3 of 40 PDFs"
    busy_short: var[str] = var("")  # the same where the bar is narrow: "3/40 PDFs"
    # While nothing is shown yet ("Loading…"): the papers the load is expected to list
    # (``loading.papers_expected``), whose count's room is kept from the first frame.
    expected: var[int] = var(0)
    _count_width = -1  # cells of the count as last shown
    _count_max = -1  # cells the count may take at the bar's width
    _count_reserve = 0  # cells the count keeps for its widest query form
    _count_reserve_for: tuple[object, ...] = ()  # what shaped it: the fields, loading or not
    _count_fields: tuple[object, ...] = ()  # what the count showed besides the number

    class Changed(Message):
        """The query text changed (on every keystroke)."""

        def __init__(self, query: str) -> None:
            self.query = query
            super().__init__()

    class Submitted(Message):
        """Enter: go to the list, first result selected."""

        def __init__(self, query: str) -> None:
            self.query = query
            super().__init__()

    class Dismissed(Message):
        """Escape: go to the list, query kept."""

    class CountClicked(Message):
        """The count (which may say files had problems) was clicked."""

    def compose(self) -> ComposeResult:
        search_input = SearchInput(
            placeholder=self.placeholder(), id="search-input", select_on_focus=False
        )
        search_input.full_placeholder = search_input.placeholder
        search_input.short_placeholder = PLACEHOLDER
        yield search_input
        yield Label(id="search-count")

    def on_mount(self) -> None:
        self._show_count()

    def placeholder(self) -> str:
        return PLACEHOLDER + key_hint("help", keymap_of(self.app), "  ({key} for syntax)")

    def show_key_hints(self) -> None:
        """The keymap was applied: the placeholder names its help key (once composed)."""
        for search_input in self.query(SearchInput):
            search_input.full_placeholder = self.placeholder()
            search_input.fit_placeholder()

    @property
    def input(self) -> SearchInput:
        return self.query_one("#search-input", SearchInput)

    @property
    def value(self) -> str:
        return self.input.value

    @value.setter
    def value(self, query: str) -> None:
        self.input.value = query

    # The four count reactives share one redraw.
    def watch_shown(self) -> None:
        self._show_count()

    def watch_total(self) -> None:
        self._show_count()

    def watch_sort(self) -> None:
        self._show_count()

    def watch_problems(self) -> None:
        self._show_count()

    def watch_marked(self) -> None:
        self._show_count()

    def watch_busy(self) -> None:
        self._show_count()

    def watch_busy_short(self) -> None:
        self._show_count()

    def watch_expected(self) -> None:
        self._show_count()

    def on_resize(self) -> None:
        self._show_count()  # more or less room: a longer or shorter count

    def show_busy(self, note: str, short: str = "") -> None:
        """Say what is being done in the background (``short`` where the bar is narrow)."""
        self.busy_short = short
        self.busy = note

    def _count_room(self) -> int | None:
        """Cells of text the count may take, or None before the bar is laid out. (Before
        the bar has its width, the screen's: a kept first screen's count, drawn before the
        first layout, was cut at 80 columns, then shortened.)"""
        width = self.size.width or self.screen.size.width
        if not width:
            return None
        room = max(width // 2, width - INPUT_MIN_WIDTH)
        if room != self._count_max:  # the CSS's 50% till the bar's width is known
            self._count_max = room
            self.query_one("#search-count").styles.max_width = room
        return max(1, room - COUNT_PADDING)

    def _show_count(self) -> None:
        if not self.is_mounted:
            return
        count = self.query_one("#search-count", Label)
        room = self._count_room()
        # All that shapes the count but the number shown, in count_text's order.
        fields = (
            self.total,
            self.sort,
            self.problems,
            self.marked,
            self.busy,
            self.busy_short,
            room,
            # Looked up only while there are problems: the count follows every keystroke.
            key_hint("show_problems", keymap_of(self.app), "{key}") if self.problems else "",
        )
        text = count_text(self.shown, *fields)
        reserve = self._reserve(count, fields)
        # The count is as wide as its text: a new layout only when the width changes
        # ("812 of" -> "790 of" needs none), not on every keystroke. While only the number
        # of papers shown changes (a query typed), a narrower count keeps the cells it has,
        # its text aligned right in them (the CSS): "1,204 of" -> "87 of" is no layout of
        # the screen (half the keys of a typed query asked for one, about 13 ms each at
        # 22k papers, issue 13), and the input's edge does not jump as the count shrinks.
        width = max(text.cell_len, reserve)
        keeps_cells = (
            fields == self._count_fields
            and self.shown is not None
            and width <= count.content_size.width
        )
        count.update(text, layout=width != self._count_width and not keeps_cells)
        if not keeps_cells:
            self._count_width = width
        self._count_fields = fields
        count.set_class(bool(self.problems), "-problems")

    def _reserve(self, count: Label, fields: tuple[Any, ...]) -> int:
        """The cells the count keeps (its min-width), worked out again only when what
        shapes it changes, not on every keystroke (``_query_count_cells``)."""
        reserve_for = (fields, self.shown is None, self.expected)
        if reserve_for != self._count_reserve_for:
            self._count_reserve_for = reserve_for
            reserve = self._query_count_cells(fields)
            if reserve != self._count_reserve:
                self._count_reserve = reserve
                count.styles.min_width = reserve + COUNT_PADDING if reserve else None
        return self._count_reserve

    def _query_count_cells(self, fields: tuple[Any, ...]) -> int:
        """Cells of the widest count a query shows (all papers found, "· relevance"): the
        count keeps as many from the start, so a query's first letter lays nothing out anew.
        (It did, as "· newest" became "· relevance": the keys that started a query took
        13–21 ms of layout more than the rest, issue 13.)"""
        total, _sort, *rest = fields
        if self.shown is None:
            # "Loading…": the room of the count the load is expected to end with, so the
            # input keeps its width when the papers come (it lost 25 columns as "Loading…"
            # became "22,362 of 22,362 papers · newest"). None expected: laid out once
            # loaded. (Problems found, unknown till then, still widen it.)
            total = self.expected
            if not total:
                return 0
        return count_text(total, total, "relevance", *rest).cell_len

    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(event.value))

    @on(Input.Submitted, "#search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted(event.value))

    def action_dismiss(self) -> None:
        self.post_message(self.Dismissed())

    def on_click(self, event: events.Click) -> None:
        if event.widget is not None and event.widget.id == "search-count":
            event.stop()
            self.post_message(self.CountClicked())
