"""The marks the list's marks column shows, read straight from the database, for a kept
first screen (``core.first_screen``) whose marks changed since it was kept.

A Store would do, but it imports the models (pydantic) and reads every tag, file and
date: this is one query, on a read-only connection that never creates, migrates or
locks the file, and imports only sqlite3 (paid only when the marks did change since
the last launch: another window's or the command line's).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from paperbrowse.core import locations
from paperbrowse.core.marks.opening import file_uri

# Before the first frame: a window holding the file (a rollback journal's write) makes
# this give up and draw the marks blank, not hold the launch for the store's 5 s.
BUSY_TIMEOUT_SECONDS = 0.05

# The papers with a bookmark, read status or note: those with a glyph in the column.
_SELECT_SHOWN = """
    SELECT p.id, p.bookmarked, p.read, n.body
    FROM papers AS p LEFT JOIN notes AS n ON n.paper_id = p.id
    WHERE p.bookmarked OR p.read OR n.body IS NOT NULL
"""

GlyphMarks = tuple[bool, bool, bool]  # bookmarked, read, has a note


def glyph_marks(path: Path | None = None) -> dict[str, GlyphMarks] | None:
    """Each paper with a mark the column shows, by its stored id (as ``Store.marks``
    finds a paper under its own id; not the alias a paper has after gaining a DOI); {}
    with no database yet; None when it cannot be read (locked past the timeout, damaged,
    another layout)."""
    where = path if path is not None else locations.database_path()
    if not where.exists():
        return {}  # (nothing stored yet: no marks, as an empty store)
    try:
        connection = sqlite3.connect(file_uri(where, "ro"), uri=True, timeout=BUSY_TIMEOUT_SECONDS)
    except sqlite3.Error:
        return None
    try:
        rows = connection.execute(_SELECT_SHOWN).fetchall()
    except sqlite3.Error:
        return None
    finally:
        connection.close()
    shown = {
        str(paper_id): (bool(bookmarked), bool(read), bool(str(body or "").strip()))
        for paper_id, bookmarked, read, body in rows
    }
    return {paper_id: marks for paper_id, marks in shown.items() if any(marks)}
