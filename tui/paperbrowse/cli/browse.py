"""``paperbrowse [PATH...]``: open the browser (the bundled profile when no path is given)."""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from paperbrowse.cli.common import EXIT_OK, EXIT_UNUSABLE, fail

if TYPE_CHECKING:
    from paperbrowse.app.first_screen_ahead import SecondProcess

NEEDS_A_TERMINAL = "paperbrowse needs a terminal; `paperbrowse search` and `parse` work in scripts"


def run(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths]
    missing = [p for p in paths if not p.exists()]
    if paths and len(missing) == len(paths):
        return fail(_subcommand_meant(args.paths[0]) or _none_found(missing))
    if not _in_a_terminal():
        print(NEEDS_A_TERMINAL, file=sys.stderr)
        return EXIT_UNUSABLE

    # No collector passes while the app is imported and drawn: what the launch makes
    # lives as long as the app (``core.memory``; the loader turns it back on).
    from paperbrowse.core.memory import pause_from_launch, resume_after_launch

    pause_from_launch()
    try:
        return _run_app(args, paths)
    finally:  # (on, whatever the app did: an app run in a test's process leaves it as found)
        resume_after_launch(freeze=False)


def _none_found(missing: list[Path]) -> str:
    return "; ".join(f"{p}: no such file or folder" for p in missing)


def _subcommand_meant(word: str) -> str | None:
    """A hint when the first word, no file, is a subcommand's name mistyped (``serach``):
    the user meant a command, not files, and a list of missing files would mislead."""
    from paperbrowse.cli import SUBCOMMANDS

    if "." in word or os.sep in word or "/" in word:  # a file's name (notes.bib), not a word
        return None
    close = difflib.get_close_matches(word.lower(), SUBCOMMANDS, n=1, cutoff=0.7)
    if not close:
        return None
    return f"{word}: no such file, folder or subcommand; did you mean `paperbrowse {close[0]}`?"


def _run_app(args: argparse.Namespace, paths: list[Path]) -> int:
    # A small library's first screen is kept by a second process meanwhile, unless one
    # is kept already: started before Textual's import, it is usually done by the first
    # screen (``app.first_screen_ahead``).
    from paperbrowse.app.first_screen_ahead import start

    ahead = start(paths, args.as_of)
    try:
        return _run_app_beside(args, paths, ahead)
    finally:
        if ahead is not None:  # (reaped if done; a process still running ends on its own)
            ahead.poll()
            ahead.output.close()


def _run_app_beside(
    args: argparse.Namespace, paths: list[Path], ahead: SecondProcess | None
) -> int:
    # The app loads the files (or, with no paths, the bundled profile) in a thread
    # after its first frame, so nothing else of the core is imported here.
    from paperbrowse.app.app import PaperBrowseApp

    # Textual measures the terminal with shutil.get_terminal_size(), which believes
    # COLUMNS and LINES when they are set: an exported COLUMNS=80 (readline sets it
    # in Python tools) drew a 110-column terminal 80 wide and ignored every resize.
    for name in ("COLUMNS", "LINES"):
        os.environ.pop(name, None)

    app = PaperBrowseApp(
        paths,
        as_of=args.as_of,
        pdf_dirs=getattr(args, "pdf_dir", []),
        first_screen_ahead=ahead,
    )
    try:
        code = app.run()
    except Exception:
        # A bug in the screen's layout raised again while Textual shut the app down; the
        # first time was logged (the crash branch below names the log). Any other error
        # goes to the command line's one line.
        if app.crash is None:
            raise
        code = None
    if app.load_error is not None:
        return fail(str(app.load_error))
    if app.crash is not None:
        where = f"; details in {app.crash_log}" if app.crash_log else ""
        from paperbrowse.core.errors import printable

        if app.files_changed:  # upgraded while it ran: not a bug to report
            said = "paperbrowse's files changed while it ran (an upgrade?): start it again"
            fail(printable(f"{said} ({app.crash}){where}."))
        else:
            said = f"an internal error stopped the app ({app.crash}){where}. Please report it."
            fail(printable(said))
        return app.return_code or 1
    if app.return_code:  # Textual met an error it has already reported
        return app.return_code
    return code if isinstance(code, int) else EXIT_OK


def _in_a_terminal() -> bool:
    """Whether keys come from a terminal and the screen can be drawn on one.

    Textual reads keys from stdin and draws on stderr. Without a terminal on stdin
    it waited for keys forever (``</dev/null``) or drew a screen no key reached
    (``echo | paperbrowse``); with stderr redirected its escape codes went into the
    file; with stdout redirected a script expected output the app never gives.
    """
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        try:
            if stream is None or not stream.isatty():
                return False
        except (OSError, ValueError):  # closed
            return False
    return True
