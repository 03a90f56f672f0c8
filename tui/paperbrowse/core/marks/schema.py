"""The marks database's tables, and the migrations that bring an older file up to date.

The schema version lives in ``PRAGMA user_version``. ``MIGRATIONS[n]`` takes
a database from version ``n`` to ``n + 1``; a file is migrated one step at a
time inside a single transaction, so a crash mid-way leaves the old version
intact. Never edit a released migration: add a new one and bump
``SCHEMA_VERSION``.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

SCHEMA_VERSION = 3

MIGRATIONS: dict[int, tuple[str, ...]] = {
    # 0 -> 1: the first layout. ``papers`` holds the marks plus a little
    # denormalised information (title, year) so a note whose paper is no
    # longer in any loaded file can still be shown with its title.
    0: (
        """CREATE TABLE papers (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL DEFAULT '',
            year INTEGER,
            bookmarked INTEGER NOT NULL DEFAULT 0,
            read INTEGER NOT NULL DEFAULT 0,
            updated TEXT NOT NULL
        )""",
        """CREATE TABLE tags (
            paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            tag TEXT NOT NULL,
            PRIMARY KEY (paper_id, tag)
        )""",
        """CREATE TABLE notes (
            paper_id TEXT PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
            body TEXT NOT NULL,
            updated TEXT NOT NULL
        )""",
    ),
    # 1 -> 2: when a paper was bookmarked and read (for reading progress over
    # time), its DOI (to match a note again after a title is edited), and an
    # index for ``tag:NAME`` look-ups. Old marks get their last-change time.
    1: (
        "ALTER TABLE papers ADD COLUMN doi TEXT",
        "ALTER TABLE papers ADD COLUMN bookmarked_at TEXT",
        "ALTER TABLE papers ADD COLUMN read_at TEXT",
        "UPDATE papers SET bookmarked_at = updated WHERE bookmarked",
        "UPDATE papers SET read_at = updated WHERE read",
        "CREATE INDEX tags_by_name ON tags (tag COLLATE NOCASE)",
    ),
    # 2 -> 3: files (PDFs) the user attached to a paper in the app (``A``), so a
    # paper's PDF is found without editing the user's library.
    2: (
        """CREATE TABLE files (
            paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            added TEXT NOT NULL,
            PRIMARY KEY (paper_id, path)
        )""",
    ),
}

# The columns each table has at SCHEMA_VERSION: what a salvage copies.
COLUMNS: dict[str, tuple[str, ...]] = {
    "papers": (
        "id",
        "title",
        "year",
        "bookmarked",
        "read",
        "updated",
        "doi",
        "bookmarked_at",
        "read_at",
    ),
    "tags": ("paper_id", "tag"),
    "notes": ("paper_id", "body", "updated"),
    "files": ("paper_id", "path", "added"),
}


class NotOurDatabase(Exception):
    """The file is an SQLite database, but not one paperbrowse made."""


def user_version(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def table_names(connection: sqlite3.Connection) -> set[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {str(name) for (name,) in rows}


def migrate(connection: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Bring the database to ``target`` in one transaction; returns the version it had.

    The version is read again under the write lock, so two processes opening
    an old file at once migrate it once. The connection must be in
    autocommit mode (``isolation_level=None``).
    """
    connection.execute("BEGIN IMMEDIATE")
    try:
        found = user_version(connection)
        if found == 0 and table_names(connection):
            raise NotOurDatabase("it holds tables but no paperbrowse schema version")
        for version in range(found, target):
            for statement in MIGRATIONS[version]:
                connection.execute(statement)
        if found < target:
            # PRAGMA takes no parameters; target is an int we own.
            connection.execute(f"PRAGMA user_version = {int(target)}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return found


def backup_before_migrating(connection: sqlite3.Connection, path: Path, version: int) -> None:
    """Copy a file with user data aside before changing its layout (once per old version)."""
    copy = path.with_name(f"{path.name}.v{version}.bak")
    if copy.exists():
        return
    # Written under another name first, so a crash never leaves a half copy
    # that would stop the next attempt.
    # The process id keeps two processes migrating at once out of each other's way.
    partial = copy.with_name(f"{copy.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    target = sqlite3.connect(partial)
    try:
        connection.backup(target)
    finally:
        target.close()
    if copy.exists():
        partial.unlink()
    else:
        partial.replace(copy)
