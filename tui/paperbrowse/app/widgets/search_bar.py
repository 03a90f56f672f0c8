"""The search bar: an input with a result count, posting its own messages."""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Static


class SearchBar(Horizontal):
    """Typing filters the list live; enter and escape hand focus back to the list."""

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
        """The count (which may say records were skipped) was clicked."""

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="Search titles, authors, abstracts…  (try author:wang year:2024)",
            id="search-input",
            select_on_focus=False,
        )
        yield Static("", id="search-count")

    @property
    def input(self) -> Input:
        return self.query_one("#search-input", Input)

    @property
    def value(self) -> str:
        return self.input.value

    @value.setter
    def value(self, query: str) -> None:
        self.input.value = query

    def set_count(self, text: Text, warn: bool = False) -> None:
        count = self.query_one("#search-count", Static)
        count.update(text)
        count.set_class(warn, "-problems")

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

    def focus_input(self) -> None:
        self.input.focus()

    def on_click(self, event: events.Click) -> None:
        if event.widget is not None and event.widget.id == "search-count":
            event.stop()
            self.post_message(self.CountClicked())
