"""crash.log: the traceback of each bug that stopped the app, oldest first.

A crash is added to the end under a line with its time and the version
(``=== 2026-12-07 23:45:12 UTC, paperbrowse 0.1.0 ===``): a second crash used to
overwrite the first, which may have been the one a user reports. Past
``MAX_BYTES`` the oldest crashes are dropped whole; a single crash longer than
that keeps its end, where Python names the error.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from pathlib import Path

from paperbrowse import __version__

NAME = "crash.log"
# paperbrowse's own modules: changed after a crashed app started, it was upgraded under it.
PACKAGE_FOLDER = Path(__file__).resolve().parents[1]
# Some dozens of tracebacks (one is 2-20 KB): enough to tell a repeated bug from a new
# one, small enough to attach to a report.
MAX_BYTES = 512 * 1024
_HEADER = "=== "


def record_crash(traceback: str, folder: Path, now: dt.datetime | None = None) -> Path:
    """Add ``traceback`` to the crash log in ``folder`` (made if need be); the log's path.
    Raises OSError when it cannot be written."""
    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    entry = f"{_HEADER}{when:%Y-%m-%d %H:%M:%S} UTC, paperbrowse {__version__} ===\n"
    entry += traceback if traceback.endswith("\n") else traceback + "\n"
    log = folder / NAME
    folder.mkdir(parents=True, exist_ok=True)
    try:
        before = log.stat().st_size
    except FileNotFoundError:
        before = 0
    if before + len(entry.encode("utf-8")) <= MAX_BYTES:
        with log.open("a", encoding="utf-8") as file:
            file.write(entry)
        return log
    earlier = log.read_text(encoding="utf-8", errors="replace") if before else ""
    _replace(log, _within_cap(earlier, entry))
    return log


def _within_cap(earlier: str, entry: str) -> str:
    """The newest crashes that fit in ``MAX_BYTES`` with ``entry`` last, each whole; or
    the end of ``entry`` alone when it does not fit by itself."""
    room = MAX_BYTES - len(entry.encode("utf-8"))
    if room < 0:
        return entry.encode("utf-8")[-MAX_BYTES:].decode("utf-8", errors="ignore")
    kept = earlier.encode("utf-8")[-room:].decode("utf-8", errors="ignore") if room else ""
    if not kept.startswith(_HEADER):  # the oldest crash kept was cut: dropped whole
        start = kept.find("\n" + _HEADER)
        kept = kept[start + 1 :] if start >= 0 else ""
    return kept + entry


def _replace(log: Path, text: str) -> None:
    """Write ``text`` as the log at once: a crash while writing leaves the old one."""
    handle, temporary = tempfile.mkstemp(prefix=f".{NAME}.", dir=log.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, log)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def files_changed_since(started: float) -> bool:
    """Whether any of paperbrowse's modules was written after ``started`` (a time as
    ``time.time`` gives it): an app upgraded while it ran imports, when a module is first
    used, a newer one that may not fit the older ones it has loaded."""
    try:
        # The later of the two times: an installer linking files from its cache (uv) keeps
        # their older mtime, but a new link is a change of the file's inode (ctime).
        return any(
            max(found.st_mtime, found.st_ctime) > started
            for found in map(Path.stat, PACKAGE_FOLDER.rglob("*.py"))
        )
    except OSError:  # a module removed meanwhile: changed too
        return True
