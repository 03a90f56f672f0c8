"""Which of the user's files this run of paperbrowse has already kept a backup of.

A file paperbrowse replaces (a paper added, an export over it) is kept first as
``NAME.bak``, once per run, as Emacs keeps its single backup: within one app session or
one command, the first write keeps the file as it was, and later writes leave that
``NAME.bak`` alone, so it still holds the file as it was before this run changed it (two
papers added one after the other no longer leave only the state between them). A
``NAME.bak`` the user deleted meanwhile is made again by the next write: a file is never
replaced without one. A new run (a new process; ``new_run`` for tests and for each
command) starts afresh.

Files are known by their resolved path, so one file named two ways (relatively, through
a folder's link) is one file. The state lives in this process only, on purpose: another
run's first write is the start of another session.
"""

from __future__ import annotations

import os
from pathlib import Path

# The resolved paths of the files whose backup this run has kept.
_backed_up: set[Path] = set()


def backup_name(target: Path) -> Path:
    """Where a file's backup is kept: ``NAME.bak`` beside it."""
    return target.with_name(f"{target.name}.bak")


def kept_note(backup: Path) -> str:
    """What the app tells of a file's backup (a sentence): true of the first write and of
    every later one."""
    return f"The file as it was before this session's first change to it is kept as {backup}."


def kept_this_run(target: Path) -> bool:
    """Whether the file's ``NAME.bak`` is the one this run kept, still there to be left alone."""
    return _resolved(target) in _backed_up and os.path.isfile(backup_name(target))


def remember_kept(target: Path) -> None:
    """The file's backup has just been kept: later writes in this run leave it alone."""
    _backed_up.add(_resolved(target))


def new_run() -> None:
    """Forget every backup kept: the next write to any file keeps a new one."""
    _backed_up.clear()


def _resolved(target: Path) -> Path:
    return Path(os.path.realpath(target))
