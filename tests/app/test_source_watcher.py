"""The watch on a library's files, polled by hand: no app, no timer."""

from __future__ import annotations

import os
from pathlib import Path

from paperbrowse.app.screens.browser_parts.watching import SourceWatcher
from paperbrowse.core.watch import source_state


def test_a_change_is_reported_once_it_has_held_for_a_poll(tmp_path: Path) -> None:
    library = tmp_path / "library.bib"
    library.write_text("@misc{a, title={A}}\n", encoding="utf-8")
    watcher = SourceWatcher()
    watcher.watch([library], source_state([library]))
    assert watcher.settled_change() is None  # unchanged
    library.write_text("@misc{a, title={A}}\n@misc{b, title={B}}\n", encoding="utf-8")
    os.utime(library, (1, 1))  # a distinct time even on a coarse clock
    assert watcher.settled_change() is None  # maybe still being written: wait a poll
    assert watcher.settled_change() == ["library.bib"]


def test_a_file_still_being_written_waits(tmp_path: Path) -> None:
    library = tmp_path / "library.bib"
    library.write_text("@misc{a, title={A}}\n", encoding="utf-8")
    watcher = SourceWatcher()
    watcher.watch([library], source_state([library]))
    for size in range(2, 5):  # grows between every poll
        library.write_text("x" * size, encoding="utf-8")
        assert watcher.settled_change() is None
