"""A small library's first screen, made in a second process while Textual loads.

A launch whose first screen was kept draws it at once (``core.first_screen``). A launch
without one, a library's first or the first after its files changed, read the library
before it could list a paper: pydantic's import, the readers', the parse, 100-130 ms of
the one core the app's interpreter runs on, while the second core sat idle (issue 13:
1.8-1.9x a bare Textual app's launch, where a kept screen gives 1.3x). So ``paperbrowse``
calls ``start`` before it imports Textual (150 ms): it forks a second process, which
reads the library and keeps its first screen as the app's loader would
(``first_screen_of``, which the loader uses too). Forked, not a new interpreter: one
started afresh took 50-60 ms more to get as far (Python's own start and the imports the
launch has made already), and the app waited for it. Once its first frame is drawn the
app waits for it (``wait``, in a thread), draws what it kept, and then reads the library
itself, as after any kept screen.

Not started without room for it (one CPU, or the load average leaves no core any time
to spare: the second process would take the app's), off POSIX, once a thread runs (a
fork copies only the thread that forks, so a lock another held would never be let go),
for files over ``MOST_BYTES`` (the app reads big files on both cores), for a folder, or
when a screen is kept already. (Several researchers' names, which the header fits to
the app's width, are kept as names and fitted when drawn: ``PeopleHeader``.) The second
process writes only the kept screen and, as any read of a file of 64 KB or more does,
the parsed files' cache, each whole or not at all (it reads the marks database
read-only); whatever goes wrong in it, the app reads the library as before.

Imports: the core, rich and ``app`` modules without Textual (``header_text``,
``glyphs``, ``widgets.row_segments``), never Textual: the second process runs this module,
forked before Textual's import.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

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

    from paperbrowse.app.header_text import HeaderRender
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
DONE = b"kept"  # what the second process writes once the screen is kept
# The width the header is made at here, before the app knows its own: one researcher's
# header does not depend on it, and several researchers' names are fitted again when drawn.
HEADER_WIDTH = 80


class SecondProcess:
    """A forked second process (``start``): its ``output``, a pipe it writes ``DONE`` on
    once the screen is kept, and its exit status once collected (``poll``, ``reap``)."""

    def __init__(self, pid: int, output: BinaryIO) -> None:
        self.pid = pid
        self.output = output
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """Its exit status, collected if it has ended (else None: still running)."""
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # (collected by someone else)
                self.returncode = -1
            else:
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode


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
    header_render: HeaderRender | None = None,
) -> FirstScreen:
    """What a launch on these files shows first, to keep (``core.first_screen``): the
    listing's first ``papers`` (``first_rows``) of ``total``, each with its ``marks``
    glyphs; the ``header`` shown, and several researchers' names if ``header_render``,
    what made it, names them (``PeopleHeader``)."""
    from paperbrowse.app.header_text import PeopleHeader, kept_text

    rows = [ListedRow.of(paper, marks(paper)) for paper in papers]
    people = None
    if isinstance(header_render, PeopleHeader):
        people = (list(header_render.names), header_render.papers)
    return FirstScreen(KeptRows(rows, total), problems, category_column, kept_text(header), people)


def start(paths: Sequence[Path], as_of: dt.date | None) -> SecondProcess | None:
    """Keep the first screen of the library at ``paths`` (the bundled profile if none) in
    a second process, unless it is not worth it (above); None when none was started."""
    if os.name != "posix" or threading.active_count() > 1 or not _a_core_idle():
        return None
    files = list(paths) or [bundled_profile()]
    state = file_state(files)
    if state is None or sum(size for _, size, _ in state) > MOST_BYTES:
        return None
    day = as_of.isoformat() if as_of else ""
    if kept_first_screen(files, LAUNCH_ORDER, day) is not None:
        return None
    return forked(lambda: keep_ahead(files, day))


def forked(work: Callable[[], bool]) -> SecondProcess | None:
    """A second process doing ``work`` (it says ``DONE`` when that returns True, then
    ends); None when the fork failed. It never returns here, whatever ``work`` does, and
    never touches the terminal."""
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # (the second process)
        status = 1
        try:
            os.close(read_end)
            _away_from_the_terminal()
            if work():
                os.write(write_end, DONE)
                status = 0
        finally:
            os._exit(status)  # (no cleanup of the app's: it is the app's)
    os.close(write_end)
    return SecondProcess(pid, os.fdopen(read_end, "rb", buffering=0))


def _away_from_the_terminal() -> None:
    """Its input and output to /dev/null, as files and as Python's ``sys`` streams (which
    may not write to the files, as under pytest): the app owns the terminal."""
    import sys

    nowhere = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(nowhere, fd)
    os.close(nowhere)
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (until its _exit)


def wait(process: SecondProcess) -> None:
    """Wait, up to ``WAIT_SECONDS``, for the second process to be done with the screen (it
    says so on its output just before it ends), or to end."""
    import select

    select.select([process.output], [], [], WAIT_SECONDS)


def reap(process: SecondProcess) -> None:
    """Once it has ended (it was left a zombie for the app's whole session): its exit
    status collected and its output closed; left to end on its own after
    ``REAP_SECONDS``."""
    ends_by = time.monotonic() + REAP_SECONDS
    while process.poll() is None and time.monotonic() < ends_by:
        time.sleep(0.01)
    process.output.close()


def _a_core_idle() -> bool:
    """Whether there is room for the second process: two cores or more, and the load
    average leaves some of one idle. Forked, it paid off even beside one process that
    kept a core busy (the first rows 341 -> 303 ms, median of 5 launches, the library read
    0.1 s later); beside three, the rows came no sooner and the library read 0.2 s later.
    (Started as a new interpreter, at stop 36, it was kept to a machine with a core idle.)"""
    cpus = _cpus()
    return cpus >= 2 and os.getloadavg()[0] < cpus


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # (not on macOS)
        return os.cpu_count() or 1


# --- in the second process ------------------------------------------------------------


def keep_ahead(paths: list[Path], as_of: str) -> bool:
    """Read the library and keep its first screen, as the app's loader would; True
    (``forked`` says DONE on it: work that keeps nothing, as in the tests, says False)."""
    from paperbrowse.app.glyphs import glyphs_to_keep
    from paperbrowse.app.header_text import library_header
    from paperbrowse.app.widgets.row_segments import category_width
    from paperbrowse.core.library import load
    from paperbrowse.core.marks.store import open_store

    read_as = file_state(paths)  # (before reading: a change meanwhile is not kept)
    library = load(*paths, as_of=dt.date.fromisoformat(as_of) if as_of else None)
    listing = library.listing(LAUNCH_ORDER)
    marks_as = marks_state()  # (before the marks are read: a commit meanwhile draws none)
    header = library_header(library)
    screen = first_screen_of(
        first_rows(listing),
        len(listing),
        len(library.problems),
        category_width(library.papers),
        header(HEADER_WIDTH),  # (several researchers' names are fitted again when drawn)
        # Read only: the app makes the marks database, migrates it and takes its lock;
        # this process never does (and an empty store comes of none at all).
        glyphs_to_keep(open_store(create=False, read_only=True)),
        header,
    )
    keep_first_screen(paths, LAUNCH_ORDER, screen, read_as, as_of, marks_as)
    return True
