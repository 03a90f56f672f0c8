"""The library's files watched for changes: a change is reloaded once it has settled.

Plain Python: the screen polls ``settled_change`` on a timer and reloads when it
answers. A file being written is read when its writer is done, not half-written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from paperbrowse.core.watch import SourceState

WATCH_MAX_FILES = 2_000  # past this many files, only ctrl+r reloads (stat calls add up)


class SourceWatcher:
    """The library's files as last loaded, and whether a change to them has settled."""

    def __init__(self) -> None:
        self.paths: list[Path] = []
        self.loaded: SourceState | None = None  # the files as they were when last read
        self.changed: SourceState | None = None  # seen changed once; reloaded if it holds

    def watch(self, paths: list[Path], state: SourceState) -> None:
        self.paths, self.loaded, self.changed = paths, state, None

    def settled_change(self) -> list[str] | None:
        """The files changed since loaded, once the change has held for a poll (a file
        being written is read when its writer is done); None while there is none."""
        if self.loaded is None or len(self.loaded) > WATCH_MAX_FILES:
            return None
        from paperbrowse.core.watch import changed_files, source_state

        now = source_state(self.paths)
        if now == self.loaded:
            self.changed = None
        elif now != self.changed:
            self.changed = now  # changed since the last poll: wait for it to settle
        else:
            self.changed = None
            return changed_files(self.loaded, now)
        return None
