"""The tags dialog: one Input, prefilled with the paper's tags, comma or space separated,
ready for another."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Static

from paperbrowse.app.actions import bindings
from paperbrowse.app.screens.base import DismissOnce

KNOWN_TAGS_SHOWN = 12  # tags in use offered as a reminder under the input


class TagSuggester(Suggester):
    """Completes the tag being typed (the last one) from the tags already in use."""

    def __init__(self, known: Sequence[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.known = list(known)

    async def get_suggestion(self, value: str) -> str | None:
        start = max(value.rfind(","), value.rfind(" ")) + 1
        typed = value[start:].casefold()
        if not typed:
            return None
        for tag in self.known:
            if tag.casefold().startswith(typed) and tag.casefold() != typed:
                return value[:start] + tag
        return None


class TagsScreen(DismissOnce, ModalScreen[str | None]):
    """Dismissed with the typed text (enter) or None (escape)."""

    DEFAULT_CSS = """
    TagsScreen {
        align: center middle;
    }
    TagsScreen > Vertical {
        width: 70;
        max-width: 95%;
        height: auto;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    TagsScreen Static {
        width: 1fr;
    }
    TagsScreen #tags-title {
        text-style: bold;
    }
    TagsScreen #tags-hint {
        color: $text-muted;
    }
    """
    BINDINGS = bindings("dialog")  # from the registry (app/actions.py), rebindable
    AUTO_FOCUS = "#tags-input"  # (a query in on_mount failed once the dialog was escaped)

    def __init__(self, title: str, tags: str, known: Sequence[str] = ()) -> None:
        super().__init__()
        self.paper_title = title
        self.tags = tags
        self.known = list(known)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text.assemble("Tags for ", (self.paper_title, "italic")), id="tags-title")
            # Opened with a separator after the tags, the cursor past it and nothing
            # selected: what is typed adds a tag (selected, the first key replaced them all).
            yield Input(
                f"{self.tags}, " if self.tags else "",
                placeholder="e.g. to-read, survey",
                id="tags-input",
                suggester=TagSuggester(self.known),
                select_on_focus=False,
            )
            cancel = self.key_named("dialog_cancel")
            hint = Text(f"Comma or space separated; → completes; enter saves, {cancel} cancels.")
            if self.known:
                hint.append("\nIn use: " + ", ".join(self.known[:KNOWN_TAGS_SHOWN]))
            yield Static(hint, id="tags-hint")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
