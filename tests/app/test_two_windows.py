"""Two paperbrowse windows on one data folder (two real terminals): neither overwrites the other.

Each window is the installed ``paperbrowse`` in its own tmux server, both on
this test's data folder. Skipped where tmux or the command is missing.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_helpers import SEED
from test_browser_terminal import TMUX, Terminal, pytestmark  # noqa: F401 - skips without tmux

from paperbrowse.core.marks.store import open_store


@pytest.fixture
def windows(tmp_path: Path) -> Iterator[tuple[Terminal, Terminal]]:
    pair = []
    for name in ("a", "b"):
        socket = f"paperbrowse-two-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        window = Terminal(socket, tmp_path / f"status-{name}")
        window.start(["--as-of", "2025-11-24", str(SEED)], size=(110, 30))
        pair.append(window)
    try:
        for window in pair:
            window.wait_text("15 of 15 papers")
        yield pair[0], pair[1]
    finally:
        for window in pair:
            subprocess.run([str(TMUX), "-L", window.socket, "kill-server"], capture_output=True)


def quit_both(a: Terminal, b: Terminal) -> None:
    for window in (a, b):
        window.keys("C-q")
        assert window.exit_status() == 0


def test_two_windows_editing_one_note_keep_both_texts(windows: tuple[Terminal, Terminal]) -> None:
    a, b = windows
    for window in (a, b):  # both open the note editor on the first paper
        window.open_editor("n", "Saved as you type")
    b.keys("written in window B", literal=True)
    b.wait_text("written in window B")
    b.keys("Escape")  # saves and closes
    # Closed: its title gone. (Its status line's "Saved as you type" also goes when a
    # save fails, "NOT SAVED" in its place: this waited past such a failure once in CI.)
    b.wait_for(lambda screen: "Note on " not in screen, "B's editor closed")
    a.keys("written in window A", literal=True)
    a.wait_text("merged with another window's note")
    a.keys("Escape")  # saves and closes
    # Closed, as B's above. (This waited for "written in window B", which A's editor
    # shows once merged: the wait ended at once, before the escape was handled, and
    # ctrl+q sent at once after an escape can be read as alt+ctrl+q. The pane shows the
    # note below the abstract, off this screen; the store's note is checked below.)
    a.wait_for(lambda screen: "Note on " not in screen, "A's editor closed")
    quit_both(a, b)
    with open_store() as store:
        [note] = [marks.note for marks in store.all_marks().values()]
    assert note.count("<<<<<<<") == 1
    assert "\nwritten in window A\n=======\nwritten in window B\n>>>>>>> " in note


def test_two_windows_tagging_one_paper_keep_each_others_tags(
    windows: tuple[Terminal, Terminal],
) -> None:
    a, b = windows
    a.open_editor("t", "Tags for")
    b.open_editor("t", "Tags for")
    b.keys("from-b", literal=True)
    b.keys("Enter")
    b.wait_text("Tags: from-b")
    a.keys("from-a", literal=True)  # A's dialog opened before B's tag existed
    a.keys("Enter")
    a.wait_text("from-b, from-a")  # the detail pane's tags row (and the notification)
    quit_both(a, b)
    with open_store() as store:
        [tags] = [marks.tags for marks in store.all_marks().values()]
    assert tags == ("from-b", "from-a")
