"""The note editor: a TextArea in a modal, saved on every pause in typing and on close.

The text is never lost: when the store cannot save it, the editor stays open
and says so, and a second escape is needed to leave it unsaved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Static, TextArea

from paperbrowse.app.screens.base import DismissOnce

if TYPE_CHECKING:
    from paperbrowse.core.models import Paper

PAUSE_SECONDS = 0.5  # a pause this long in typing saves the note
# Saves ``text`` for the paper; ``quiet`` skips the failure notification. True when saved.
NoteSaver = Callable[[str, bool], bool]


class NoteEditor(DismissOnce, ModalScreen[None]):
    DEFAULT_CSS = """
    NoteEditor {
        align: center middle;
    }
    NoteEditor > Vertical {
        width: 90%;
        height: 80%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    NoteEditor #note-title {
        text-style: bold;
        height: auto;
        width: 1fr;
    }
    NoteEditor TextArea {
        height: 1fr;
        width: 1fr;
    }
    NoteEditor #note-status {
        height: 1;
        width: 1fr;
        color: $text-muted;
    }
    """
    BINDINGS = [
        Binding("escape", "close", "Save and close", priority=True),
        Binding("ctrl+s", "close", "Save and close", priority=True),
    ]

    def __init__(self, paper: Paper, note: str, save: NoteSaver) -> None:
        super().__init__()
        self.paper = paper
        self.saved_text = note
        self.save = save
        self._timer: Timer | None = None
        self._failed = False  # the last save failed: later autosave failures stay quiet
        self._close_refused = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text.assemble("Note on ", (self.paper.title, "italic")), id="note-title")
            yield TextArea(self.saved_text, id="note-text", soft_wrap=True)
            yield Static("Saved as you type · escape or ctrl+s closes", id="note-status")

    AUTO_FOCUS = "TextArea"

    def on_mount(self) -> None:
        # A query, not query_one: an editor escaped before it was mounted has no widgets.
        for area in self.query(TextArea):
            area.move_cursor(area.document.end)

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    @on(TextArea.Changed)
    def _changed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(PAUSE_SECONDS, self._save_now)

    def _save_now(self, quiet: bool = True) -> bool:
        text = self.text
        if text == self.saved_text:
            return True
        if self.save(text, quiet and self._failed):
            self.saved_text = text
            self._failed = False
            self._status("Saved")
            return True
        self._failed = True
        self._status("NOT SAVED: the note stays here; escape twice closes without saving")
        return False

    def _status(self, message: str) -> None:
        self.query_one("#note-status", Static).update(Text(message))

    def flush(self) -> None:
        """Save now (the app is quitting); a failure was already shown in the status line."""
        if self._timer is not None:
            self._timer.stop()
        self._save_now(quiet=False)

    def action_close(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        if self._save_now(quiet=False) or self._close_refused:
            self.dismiss(None)
        else:
            self._close_refused = True  # the next escape leaves, knowingly unsaved
