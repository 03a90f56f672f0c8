"""Noticing that a library's files changed on disk, cheaply: sizes and times, never contents."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

# (file, modification time in ns, size) per file; -1s for a file that cannot be looked at.
SourceState = frozenset[tuple[str, int, int]]


def source_state(paths: Iterable[str | Path]) -> SourceState:
    """What the files named (folders: the paper files in them) look like now.

    Two states differ when a file was written, replaced, deleted or added.
    """
    from paperbrowse.core.library import expand_paths

    files, _ = expand_paths(paths)
    state: set[tuple[str, int, int]] = set()
    for path in files:
        try:
            info = os.stat(path)
        except OSError:
            state.add((str(path), -1, -1))
        else:
            state.add((str(path), info.st_mtime_ns, info.st_size))
    return frozenset(state)


def changed_files(before: SourceState, after: SourceState) -> list[str]:
    """The names of the files that differ between two states, sorted."""
    return sorted({Path(file).name for file, _, _ in before ^ after})
