"""The search bar: an input with a result count, posting its own messages."""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import var
from textual.widgets import Input

from paperbrowse.app.widgets.sizing import Label, SearchInput
from paperbrowse.core.text.counts import counted

PLACEHOLDER = "Search titles, authors, abstracts…  (? for syntax)"


def count_text(
    shown: int | None, total: int, sort: str, problems: int, marked: int = 0, busy: str = ""
) -> Text:
    """ "7 of 15 papers · newest", with the papers marked with space, files' problems and
    what is being done in the background (``busy``: "full text: 3 of 40 PDFs")."""
    if shown is None:
        text = Text("Loading…", style="dim")
    else:
        text = Text.assemble(
            (f"{shown:,}", "bold"), f" of {counted(total, 'paper')}", (f" · {sort}", "dim")
        )
    if marked:
        text.append(f"  ● {marked:,} marked", style="bold magenta")
    if problems:
        text.append(f"  ⚠ {counted(problems, 'problem')} (w)")
    if busy:
        text.append(f"  {busy}", style="dim")
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
    _count_width = -1  # cells of the count as last shown

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
        yield SearchInput(placeholder=PLACEHOLDER, id="search-input", select_on_focus=False)
        yield Label(id="search-count")

    def on_mount(self) -> None:
        self._show_count()

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

    def _show_count(self) -> None:
        if not self.is_mounted:
            return
        count = self.query_one("#search-count", Label)
        text = count_text(self.shown, self.total, self.sort, self.problems, self.marked, self.busy)
        # The count is as wide as its text: a new layout only when the width changes
        # ("812 of" -> "790 of" needs none), not on every keystroke.
        width = text.cell_len
        count.update(text, layout=width != self._count_width)
        self._count_width = width
        count.set_class(bool(self.problems), "-problems")

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
