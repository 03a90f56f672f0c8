"""The note editor: a TextArea in a modal, saved on every pause in typing and on close.

The text is never lost: when the store cannot save it, the editor stays open
and says so, and a second escape is needed to leave it unsaved. Each save
names the note the editor started from; when another window saved the note
meanwhile, the store merges both (core/note_merge), and the editor shows the
merged text and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Static, TextArea

from paperbrowse.app.actions import bindings
from paperbrowse.app.screens.base import LEFT_BEHIND, DismissOnce
from paperbrowse.core.marks.note_merge import OURS_MARKER, has_conflict_markers

if TYPE_CHECKING:
    from paperbrowse.core.marks.store import SavedNote
    from paperbrowse.core.models import Paper

PAUSE_SECONDS = 0.5  # a pause this long in typing saves the note
# Saves ``text`` (the editor started from ``opened``, the note as stored then);
# ``quiet`` skips the failure notification. What was stored, or None when not saved.
NoteSaver = Callable[[str, str, bool], "SavedNote | None"]
MERGED_MESSAGE = (
    "Another window saved this note while you were editing it; its changes are merged with yours."
)
CONFLICT_MESSAGE = (
    "Another window saved this note while you were editing it. Both versions are kept, "
    "between <<<<<<< and >>>>>>> lines: keep what you want and delete the rest."
)


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
        height: auto;  /* two lines in a narrow editor: "closes" was cut off at 50 columns */
        width: 1fr;
        color: $text-muted;
    }
    """
    left_behind = (*LEFT_BEHIND, TextArea.Changed)
    BINDINGS = bindings("note")  # from the registry (app/actions.py), rebindable

    def __init__(self, paper: Paper, note: str, save: NoteSaver) -> None:
        super().__init__()
        self.paper = paper
        self.saved_text = note  # the editor's text when last saved
        self.opened = note  # the note as stored at that save: what another window may change
        self.save = save
        self._timer: Timer | None = None
        self._failed = False  # the last save failed: later autosave failures stay quiet
        self._close_refused = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text.assemble("Note on ", (self.paper.title, "italic")), id="note-title")
            yield TextArea(self.saved_text, id="note-text", soft_wrap=True)
            closes = self.key_named("note_save_close", joined=" or ")
            yield Static(Text(f"Saved as you type · {closes} closes"), id="note-status")

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
        saved = self.save(text, self.opened, quiet and self._failed)
        if saved is None:
            self._failed = True
            twice = self.key_named("note_save_close")
            self._status(f"NOT SAVED: the note stays here; {twice} twice closes without saving")
            return False
        self._failed = False
        if saved.merged:
            self._show_merged(saved.marks.note)
        else:
            self.saved_text = text
            self.opened = text if text.strip() else ""  # blank text deleted the note
            self._status("Saved")
        return True

    def _show_merged(self, merged: str) -> None:
        """Show the note as stored after merging another window's save, and say so."""
        area = self.query_one(TextArea)
        row, column = moved_cursor(area.text, merged, area.cursor_location)
        self.saved_text = self.opened = merged
        area.load_text(merged)
        area.move_cursor((row, column))
        conflict = has_conflict_markers(merged)
        self.notify(
            CONFLICT_MESSAGE if conflict else MERGED_MESSAGE,
            title="Note merged",
            severity="warning" if conflict else "information",
            timeout=12,
            markup=False,
        )
        self._status(
            "Saved, merged with another window's note"
            + (": both versions kept between <<<<<<< and >>>>>>>" if conflict else "")
        )

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


def moved_cursor(before: str, after: str, location: tuple[int, int]) -> tuple[int, int]:
    """Where the cursor's line went when ``before`` became ``after`` (lines added around it).

    A line that is not in ``after`` any more sends the cursor to the first
    conflict marker, else to the end.
    """
    row, column = location
    old, new = before.split("\n"), after.split("\n")
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for start, moved_to, size in matcher.get_matching_blocks():
        if start <= row < start + size:
            return moved_to + row - start, column
    markers = [number for number, line in enumerate(new) if line.startswith(OURS_MARKER)]
    if markers:
        return markers[0], 0
    return len(new) - 1, len(new[-1])
