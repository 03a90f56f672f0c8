"""The project's own errors and warnings about input files.

Every message names the file and, where known, the line, so a user can find
the problem: ``library.bib:120: entry has no title; skipped``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass


def where(file: str, line: int | None) -> str:
    """``file:line``, or just ``file`` when the line is unknown."""
    return f"{file}:{line}" if line else file


def printable(text: str) -> str:
    """One line with no terminal control: control characters (in a file's name, say) escaped."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in text)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong in an input file that did not stop the rest from loading."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return printable(f"{where(self.file, self.line)}: {self.message}")


class PaperbrowseError(Exception):
    """Base of every error paperbrowse raises on purpose (never a bug)."""


class FormatError(PaperbrowseError):
    """A file could not be read at all: missing, unreadable, or not a known format."""

    def __init__(self, file: str, message: str, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.message = message
        super().__init__(printable(f"{where(file, line)}: {message}"))


def silence_library_log(name: str) -> None:
    """Keep a library's log records from reaching the user's terminal.

    bibtexparser and pylatexenc log odd input as warnings; paperbrowse reports
    problems as its own one-line messages instead.
    """
    log = logging.getLogger(name)
    log.addHandler(logging.NullHandler())
    log.propagate = False
