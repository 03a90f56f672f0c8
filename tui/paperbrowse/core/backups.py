"""Which of the user's files this run of paperbrowse has already kept a backup of.

A file paperbrowse replaces (a paper added, an export over it) is kept first as
``NAME.bak``, once per run, as Emacs keeps its single backup: within one app session or
one command, the first write keeps the file as it was, and later writes leave that
``NAME.bak`` alone, so it still holds the file as it was before this run changed it (two
papers added one after the other no longer leave only the state between them). A
``NAME.bak`` the user deleted meanwhile is made again by the next write: a file is never
replaced without one. So is one whose file was changed since this run last wrote it (an
edit in an editor between two exports): the backup then holds that change, not the file
as it was before the run, which would lose it. A new run (a new process; ``new_run`` for
tests and for each command) starts afresh.

Files are known by their resolved path, so one file named two ways (relatively, through
a folder's link) is one file. The state lives in this process only, on purpose: another
run's first write is the start of another session.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

FileState = tuple[int, int, int]  # size, modification time (ns), inode


@dataclass
class _Record:
    """What this run did to one file."""

    written_as: FileState | None = None  # the file as this run last wrote it
    kept: bool = False  # this run kept its NAME.bak
    before_run: bool = False  # that NAME.bak is the file as it was before this run


# By resolved path, the files this run wrote or kept a backup of.
_records: dict[Path, _Record] = {}


def backup_name(target: Path) -> Path:
    """Where a file's backup is kept: ``NAME.bak`` beside it."""
    return target.with_name(f"{target.name}.bak")


def kept_note(backup: Path) -> str:
    """What the app tells of a file's backup ``NAME.bak`` (a sentence): the file as it was
    before this session changed it, or, when this session made it again (the file made
    by this session, the backup deleted, the file changed elsewhere since this session
    wrote it), as it was before this change. Asked before a write too: then of the backup
    that write will keep."""
    target = backup.with_name(backup.name.removesuffix(".bak"))
    if predates_run(target):
        return f"The file as it was before this session's first change to it is kept as {backup}."
    return f"The file as it was before this change is kept as {backup}."


def kept_this_run(target: Path) -> bool:
    """Whether the file's ``NAME.bak`` is one this run kept, still there, and the file is
    as this run last wrote it: the backup is to be left alone."""
    record = _records.get(_resolved(target))
    return (
        record is not None
        and record.kept
        and record.written_as is not None
        and record.written_as == _state(target)
        and os.path.isfile(backup_name(target))
    )


def predates_run(target: Path) -> bool:
    """Whether the file's backup (kept, or to be kept by its next write) holds the file as
    it was before this run changed it."""
    record = _records.get(_resolved(target))
    if kept_this_run(target):
        return record is not None and record.before_run
    return record is None or record.written_as is None  # (a file this run never wrote)


def remember_kept(target: Path) -> None:
    """The file's backup has just been kept (before it is written): later writes in this
    run leave it alone while the file stays as this run writes it."""
    before_run = predates_run(target)
    record = _records.setdefault(_resolved(target), _Record())
    record.kept, record.before_run = True, before_run


def remember_written(target: Path) -> None:
    """The file has just been written by this run: as it is now."""
    _records.setdefault(_resolved(target), _Record()).written_as = _state(target)


def new_run() -> None:
    """Forget every backup kept: the next write to any file keeps a new one."""
    _records.clear()


def _resolved(target: Path) -> Path:
    return Path(os.path.realpath(target))


def _state(target: Path) -> FileState | None:
    try:
        stat = os.stat(target)
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns, stat.st_ino
