"""Opening a PDF in the user's viewer: never through a shell, detached, output discarded."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

from paperbrowse.core.pdf.check import file_problem

VIEWER_VARIABLE = "PAPERBROWSE_PDF_VIEWER"
# A viewer that exits with an error this soon after it was started showed nothing, or gave
# up on the file: the app says so when it does. Later, the user closed it, whatever its
# status says. Viewers that fork (xdg-open, ``open``) exit 0 at once.
VIEWER_FAILURE_SECONDS = 30.0


class CannotOpen(Exception):
    """The file cannot be opened; the message is one line naming it and why."""


def viewer_command(
    path: Path,
    environment: Mapping[str, str] | None = None,
    platform: str = sys.platform,
    which: Callable[[str], str | None] = shutil.which,
) -> list[str] | None:
    """The command that opens ``path``: ``$PAPERBROWSE_PDF_VIEWER`` (split like a shell
    would, but never run by one) with the path as one more argument, else ``xdg-open``
    or ``open``; None where only ``os.startfile`` can (Windows)."""
    env = os.environ if environment is None else environment
    chosen = env.get(VIEWER_VARIABLE, "").strip()
    if chosen:
        try:
            words = shlex.split(chosen)
        except ValueError as error:
            raise CannotOpen(f"${VIEWER_VARIABLE} cannot be split into words ({error})") from None
        return [*words, str(path)]
    if platform == "darwin":
        return ["open", str(path)]
    if platform.startswith("win"):
        return None
    if which("xdg-open") is None:
        raise CannotOpen(f"no PDF viewer: set ${VIEWER_VARIABLE} or install xdg-open")
    return ["xdg-open", str(path)]


def open_pdf(
    path: Path,
    environment: Mapping[str, str] | None = None,
    on_exit: Callable[[subprocess.Popen[bytes]], None] | None = None,
) -> subprocess.Popen[bytes] | None:
    """Start a viewer on ``path`` and return it at once (None on Windows, where the system
    starts it); raises CannotOpen with one line. Its ``returncode`` is set once it has
    exited, and ``on_exit`` called with it then, in another thread: ``viewer_failure``
    says what that means to the user."""
    problem = file_problem(path)  # encrypted PDFs pass: the viewer asks for the password
    if problem is not None:
        raise CannotOpen(f"{path}: {problem}")
    command = viewer_command(path, environment)
    if command is None:
        startfile = getattr(os, "startfile", None)
        if startfile is None:
            raise CannotOpen("no PDF viewer on this system")
        startfile(str(path))  # pragma: no cover (Windows)
        return None
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
    except OSError as error:
        raise CannotOpen(f"cannot start {command[0]!r}: {error.strerror or error}") from None
    # Reaped when it exits, so a long session leaves no zombie per PDF opened.
    threading.Thread(
        target=_reaped, args=(process, on_exit), daemon=True, name="paperbrowse-viewer"
    ).start()
    return process


def _reaped(
    process: subprocess.Popen[bytes], on_exit: Callable[[subprocess.Popen[bytes]], None] | None
) -> None:
    process.wait()
    if on_exit is not None:
        on_exit(process)


def viewer_failure(process: subprocess.Popen[bytes]) -> str | None:
    """One line when the viewer has ended with an error (nothing was shown, most likely),
    else None: still running, or done with status 0 (xdg-open hands the file on and exits).
    The reaping thread of ``open_pdf`` sets ``returncode``: polling here would wait for
    the lock that thread holds."""
    status = process.returncode
    if status is None or status == 0:
        return None
    command = process.args
    first = command if isinstance(command, (str, bytes, os.PathLike)) else command[0]
    viewer = os.fsdecode(first)  # open_pdf's is a list of str: its first word
    if status < 0:
        return f"the PDF viewer ({viewer}) was ended by signal {-status}"
    return f"the PDF viewer ({viewer}) exited with status {status}"
