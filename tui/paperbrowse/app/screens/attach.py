"""The attach dialog: one Input for a PDF's path, completed from the file system."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Static

from paperbrowse.app.actions import bindings
from paperbrowse.app.screens.base import DismissOnce
from paperbrowse.core.errors import printable

MAX_ENTRIES_LOOKED_AT = 5_000  # a huge folder completes from its first entries only


def complete_path(typed: str) -> str | None:
    """``typed`` completed to the first folder or ``.pdf`` file it starts (folders get a
    ``/``), or None. ``~`` is kept as typed."""
    if not typed:
        return None
    expanded = os.path.expanduser(typed)
    folder, start = os.path.split(expanded)
    candidates: list[tuple[bool, str]] = []
    try:
        with os.scandir(folder or ".") as entries:
            for count, entry in enumerate(entries):
                if count >= MAX_ENTRIES_LOOKED_AT:
                    break
                if not entry.name.startswith(start) or entry.name == start:
                    continue
                if start == "" and entry.name.startswith("."):
                    continue  # hidden files only when a "." is typed
                is_folder = entry.is_dir()
                if is_folder or entry.name.lower().endswith(".pdf"):
                    candidates.append((not is_folder, entry.name + ("/" if is_folder else "")))
    except OSError:
        return None
    if not candidates:
        return None
    _, name = min(candidates, key=lambda item: (item[1].lower(), item[0]))
    return typed + name[len(start) :]


class PathSuggester(Suggester):
    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return complete_path(value)


class AttachScreen(DismissOnce, ModalScreen[str | None]):
    """Dismissed with the path to keep (enter) or None (escape). A path ``check`` refuses
    leaves the dialog open with the reason shown, so the user can fix what was typed."""

    DEFAULT_CSS = """
    AttachScreen {
        align: center middle;
    }
    AttachScreen > Vertical {
        width: 90;
        max-width: 95%;
        height: auto;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    AttachScreen Static {
        width: 1fr;
    }
    AttachScreen #attach-title {
        text-style: bold;
    }
    AttachScreen #attach-hint {
        color: $text-muted;
    }
    """
    BINDINGS = bindings("dialog")  # from the registry (app/actions.py), rebindable
    AUTO_FOCUS = "#attach-input"

    def __init__(
        self,
        title: str,
        start: Path,
        check: Callable[[str], tuple[str, str | None]],
        attached: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self.attached = tuple(attached)  # an empty line then detaches these: "" is returned
        self.paper_title = title
        self.start = start
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                Text.assemble("Attach a PDF to ", (self.paper_title, "italic")), id="attach-title"
            )
            # Not selected on focus: the first key typed goes after the folder, not over it.
            yield Input(
                str(self.start).rstrip(os.sep) + os.sep,
                placeholder="path to a PDF",
                id="attach-input",
                suggester=PathSuggester(),
                select_on_focus=False,
            )
            yield Static("", id="attach-error", markup=False)
            if self.attached:
                names = ", ".join(printable(path) for path in self.attached)
                yield Static(
                    Text(
                        f"Attached now: {names}. Clear the line (ctrl+u) and press enter to detach."
                    ),
                    id="attach-detach",
                )
            yield Static(
                Text(
                    f"→ completes; enter attaches, {self.key_named('dialog_cancel')} cancels. "
                    "The link is kept with your marks: the library file is not changed."
                ),
                id="attach-hint",
            )

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            self.dismiss("" if self.attached else None)
            return
        path, problem = self.check(event.value)
        if problem is not None:
            self.query_one("#attach-error", Static).update(Text(problem, style="red"))
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
