"""A small library's first screen, made in a second process while Textual loads.

A launch whose first screen was kept draws it at once (``core.first_screen``). A launch
without one, a library's first or the first after its files changed, read the library
before it could list a paper: pydantic's import, the readers', the parse, 100-130 ms of
the one core the app's interpreter runs on, while the second core sat idle (issue 13:
1.8-1.9x a bare Textual app's launch, where a kept screen gives 1.3x). So ``paperbrowse``
calls ``start`` before it imports Textual (150 ms): it runs this module in a second
Python process, which reads the library and keeps its first screen as the app's loader
would (``first_screen_of``, which the loader uses too). Once its first frame is drawn the
app waits for it (``wait``, in a thread), draws what it kept, and then reads the library
itself, as after any kept screen.

Not started without a core to spare (one CPU, or the load average leaves none idle: the
second process would take the app's), off POSIX, for files over ``MOST_BYTES`` (the app
reads big files on both cores), for a folder, when a screen is kept already, or for
several researchers' profiles (their header is fitted to the width). The second process
writes nothing but the kept screen (it reads the marks database read-only), and whatever
goes wrong in it, the app reads the library as before.

Imports: the core, rich and ``app`` modules without Textual (``header_text``,
``glyphs``, ``widgets.row_segments``), never Textual: the second process runs this module.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

# Only what ``start`` needs: it runs before the launch imports anything else, and the
# sooner the second process starts, the sooner it is done.
from paperbrowse.core.first_screen import (
    ROWS_KEPT,
    FirstScreen,
    KeptRows,
    ListedRow,
    file_state,
    keep_first_screen,
    kept_first_screen,
    marks_state,
)
from paperbrowse.core.locations import bundled_profile

if TYPE_CHECKING:
    from rich.text import Text

    from paperbrowse.core.models import Paper
    from paperbrowse.core.search.results import SortOrder

LAUNCH_ORDER: SortOrder = "newest"  # the order a launch lists papers in
# Bytes of files read ahead at most: the bundled profile is 30 KB, and 1 MB (some 700
# BibTeX entries) is read in about 0.1 s.
MOST_BYTES = 1_000_000
# How long the app waits for the second process before it reads the library itself. It
# waits beside its first frame, not before it: the second process, started before
# Textual's import, is usually done by then (it does what the app's own read would, on
# the other core); on a busy machine it takes longer, as the app's read would.
WAIT_SECONDS = 0.4
REAP_SECONDS = 30.0  # a second process still running after this is left to end on its own
DONE = "kept"  # what the second process writes once the screen is kept


def first_rows(listing: Sequence[Paper]) -> list[Paper]:
    """The papers a listing shows first: those a kept first screen keeps."""
    return [listing[i] for i in range(min(len(listing), ROWS_KEPT))]


def first_screen_of(
    papers: Sequence[Paper],
    total: int,
    problems: int,
    category_column: int,
    header: Text,
    marks: Callable[[Paper], str],
) -> FirstScreen:
    """What a launch on these files shows first, to keep (``core.first_screen``): the
    listing's first ``papers`` (``first_rows``) of ``total``, each with its ``marks``
    glyphs."""
    from paperbrowse.app.header_text import kept_text

    rows = [ListedRow.of(paper, marks(paper)) for paper in papers]
    return FirstScreen(KeptRows(rows, total), problems, category_column, kept_text(header))


def start(paths: Sequence[Path], as_of: dt.date | None) -> subprocess.Popen[bytes] | None:
    """Keep the first screen of the library at ``paths`` (the bundled profile if none) in
    a second process, unless it is not worth it (above); None when none was started."""
    if os.name != "posix" or not _a_core_idle():  # (waited for with select() on a pipe)
        return None
    files = list(paths) or [bundled_profile()]
    state = file_state(files)
    if state is None or sum(size for _, size, _ in state) > MOST_BYTES:
        return None
    day = as_of.isoformat() if as_of else ""
    if kept_first_screen(files, LAUNCH_ORDER, day) is not None:
        return None
    command = [sys.executable, "-m", __name__, day, *map(str, files)]
    try:
        return subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
    except OSError:
        return None


def wait(process: subprocess.Popen[bytes]) -> None:
    """Wait, up to ``WAIT_SECONDS``, for the second process to be done with the screen (it
    says so on its output, before its interpreter's shutdown, 10-60 ms more), or to end."""
    import select

    if process.stdout is not None:
        select.select([process.stdout], [], [], WAIT_SECONDS)


def reap(process: subprocess.Popen[bytes]) -> None:
    """Once it has ended (it was left a zombie for the app's whole session): its exit
    status collected and its output closed."""
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(REAP_SECONDS)
    if process.stdout is not None:
        process.stdout.close()


def _a_core_idle() -> bool:
    """Whether a core is free for the second process: two or more, and the load average
    leaves one idle. (On a busy machine the second process took the app's core: the first
    rows came 0.1 s later, and the library read 0.3 s later.)"""
    cpus = _cpus()
    return cpus >= 2 and os.getloadavg()[0] <= cpus - 1


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # (not on macOS)
        return os.cpu_count() or 1


# --- in the second process ------------------------------------------------------------


def keep_ahead(paths: list[Path], as_of: str) -> None:
    """Read the library and keep its first screen, as the app's loader would."""
    from paperbrowse.app.glyphs import glyphs_to_keep
    from paperbrowse.app.header_text import library_header
    from paperbrowse.app.widgets.row_segments import category_width
    from paperbrowse.core.library import load
    from paperbrowse.core.marks.store import open_store

    read_as = file_state(paths)  # (before reading: a change meanwhile is not kept)
    library = load(*paths, as_of=dt.date.fromisoformat(as_of) if as_of else None)
    if len(library.profiles) > 1:
        return  # (several researchers: their names are fitted to the app's width)
    listing = library.listing(LAUNCH_ORDER)
    marks_as = marks_state()  # (before the marks are read: a commit meanwhile draws none)
    screen = first_screen_of(
        first_rows(listing),
        len(listing),
        len(library.problems),
        category_width(library.papers),
        library_header(library)(0),
        # Read only: the app makes the marks database, migrates it and takes its lock;
        # this process never does (and an empty store comes of none at all).
        glyphs_to_keep(open_store(create=False, read_only=True)),
    )
    keep_first_screen(paths, LAUNCH_ORDER, screen, read_as, as_of, marks_as)


def main(arguments: list[str]) -> int:
    as_of, *names = arguments
    try:
        keep_ahead([Path(name) for name in names], as_of)
    except Exception:  # nothing is kept: the app reads the library as before
        return 1
    print(DONE, flush=True)  # (the app waiting reads the screen now)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
