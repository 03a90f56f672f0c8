"""Opening the marks database safely: check first, never overwrite what cannot be read.

A file is inspected through a read-only connection before anything may write
to it. When it is damaged, not ours, written by a newer paperbrowse, locked
or not writable, whatever rows can still be read are copied into an
in-memory database and the store runs read-only, with a one-line problem
naming the file. The file itself is left exactly as it was. A file on a
read-only file system is said to be just that, not damaged.

A command that only reads (``write=False``) gets a read-only connection: it
never takes the write lock, so it answers at once while a window is saving.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from paperbrowse.core.marks.schema import (
    COLUMNS,
    SCHEMA_VERSION,
    NotOurDatabase,
    backup_before_migrating,
    migrate,
    table_names,
    user_version,
)

# How long a write waits for another process's transaction before giving up.
BUSY_TIMEOUT_SECONDS = 5.0


@dataclass
class Opened:
    """A connection ready for the store, and whether (and why) it may not write."""

    connection: sqlite3.Connection
    read_only: bool
    problem: str | None = None


def connect(target: str) -> sqlite3.Connection:
    """A connection in autocommit mode: every transaction is begun explicitly.

    ``check_same_thread`` is off because the app may save from a worker
    thread; the store serialises access with its own lock.
    """
    connection = sqlite3.connect(
        target,
        uri=True,
        timeout=BUSY_TIMEOUT_SECONDS,
        isolation_level=None,
        check_same_thread=False,
    )
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


def file_uri(path: Path, mode: str) -> str:
    # as_uri() percent-encodes, so a path with spaces, ``?`` or ``#`` is safe.
    return f"{path.absolute().as_uri()}?mode={mode}"


def memory_database() -> sqlite3.Connection:
    """An empty in-memory database with the current tables."""
    connection = connect(":memory:")
    migrate(connection)
    return connection


def open_database(path: Path, create: bool, write: bool = True) -> Opened:
    """The database at ``path``, migrated and writable if it is sound; read-only otherwise.

    With ``write=False`` it is opened for reading only (nothing created,
    migrated or locked).
    """
    if not write:
        return open_for_reading(path)
    refusal = write_refusal(path)
    if refusal:
        return not_writable(path, refusal)
    if not path.exists():
        if not create:
            # Nothing stored yet, and the caller only reads: create nothing.
            return Opened(memory_database(), read_only=True)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            return unusable(path, f"its folder cannot be created ({error.strerror or error})")
    elif not path.is_file():
        return unusable(path, "is not a file")
    else:
        reason = inspect(path)
        if reason:
            return salvage(path, reason)
    try:
        connection = connect(file_uri(path, "rwc"))
    except sqlite3.Error as error:
        return salvage(path, f"cannot be opened for writing ({error})")
    try:
        prepare(connection, path)
    except NotOurDatabase as error:
        connection.close()
        return salvage(path, f"is not a paperbrowse database ({error})")
    except (sqlite3.Error, OSError) as error:
        connection.close()
        return salvage(path, f"could not be prepared for writing ({error})")
    return Opened(connection, read_only=False)


def open_for_reading(path: Path) -> Opened:
    """The database through a read-only connection, for a command that only reads.

    A file in an older layout cannot be migrated without writing: its rows
    are read into memory instead, with no problem to report.
    """
    if not path.exists():
        return Opened(memory_database(), read_only=True)  # nothing stored yet: create nothing
    if not path.is_file():
        return unusable(path, "is not a file")
    try:
        connection = connect(file_uri(path, "ro"))
    except sqlite3.Error as error:
        return salvage(path, unreadable_reason(path, error))  # as good as it gets
    reason = check(connection, path)
    if reason is None and user_version(connection) < SCHEMA_VERSION:
        memory = memory_database()
        copy_rows(connection, memory)
        connection.close()
        return Opened(memory, read_only=True)
    if reason is None:
        return Opened(connection, read_only=True)
    connection.close()
    opened = salvage(path, reason)
    if reason == write_refusal(path) and not path.with_name(path.name + "-wal").exists():
        # Only its side files could not be made, and no write-ahead log was left
        # beside it: read as a whole, so a reader has nothing to warn about.
        opened.problem = None
    return opened


def inspect(path: Path) -> str | None:
    """Why the existing file must not be written to, or None when it is sound.

    Only a read-only connection touches it here.
    """
    try:
        connection = connect(file_uri(path, "ro"))
    except sqlite3.Error as error:
        return unreadable_reason(path, error)
    try:
        return check(connection, path)
    finally:
        connection.close()


def check(connection: sqlite3.Connection, path: Path) -> str | None:
    """Why the open file cannot be used as it is, or None when it is sound and ours."""
    try:
        version = user_version(connection)
        verdict = [str(row[0]) for row in connection.execute("PRAGMA quick_check")]
        foreign = version == 0 and bool(table_names(connection))
    except sqlite3.DatabaseError as error:
        return unreadable_reason(path, error)
    if verdict != ["ok"]:
        return f"is damaged ({verdict[0]})"
    if foreign:
        return "is not a paperbrowse database (it holds tables but no paperbrowse schema version)"
    if version > SCHEMA_VERSION:
        return (
            f"was written by a newer paperbrowse (schema {version}; this one knows "
            f"{SCHEMA_VERSION})"
        )
    return None


def unreadable_reason(path: Path, error: sqlite3.Error) -> str:
    """What a read failing with ``error`` means: locked, not writable here, or damaged.

    A database in WAL mode cannot be opened, even to read, where its side
    files cannot be made: that is a read-only place, not a damaged file.
    """
    if "locked" in str(error) or "busy" in str(error):
        return "is locked by another program"
    refusal = write_refusal(path)
    if isinstance(error, sqlite3.OperationalError) and refusal:
        return refusal
    return f"is damaged or not a database ({error})"


def write_refusal(path: Path) -> str | None:
    """Why the system will not let us write the database at ``path``; None when it will.

    SQLite writes side files (``-wal``, ``-shm``) beside the database, so the
    folder must be writable too. Root may write anything but a read-only mount.
    """
    if on_read_only_file_system(path):
        return "is on a read-only file system"
    if path.exists() and not os.access(path, os.W_OK):
        return "is a file you may not write to"
    folder = next((place for place in path.parents if place.exists()), None)
    if folder is not None and not os.access(folder, os.W_OK):
        return "is in a folder you may not write to"
    return None


def on_read_only_file_system(path: Path) -> bool:
    """Whether the file, or the nearest folder above it that exists, is on a read-only mount."""
    for place in (path, *path.parents):
        try:
            return bool(os.statvfs(place).f_flag & os.ST_RDONLY)
        except FileNotFoundError:
            continue
        except (OSError, AttributeError):  # no statvfs (Windows), or no permission to look
            return False
    return False


def not_writable(path: Path, refusal: str) -> Opened:
    """The marks where they may not be written, shown as they are; nothing is saved."""
    message = f"{path} {refusal}; marks are shown but not saved"
    if path.is_file():
        return salvage(path, refusal, message)
    return Opened(memory_database(), read_only=True, problem=message)


def prepare(connection: sqlite3.Connection, path: Path) -> None:
    """Settings for safe concurrent writing, then the schema brought up to date."""
    # WAL: readers never block the writer, and a killed process leaves every
    # committed transaction in the file. FULL: a commit survives power loss too.
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    version = user_version(connection)
    if 0 < version < SCHEMA_VERSION:
        backup_before_migrating(connection, path, version)
    migrate(connection)


def unusable(path: Path, reason: str) -> Opened:
    return Opened(memory_database(), read_only=True, problem=read_only_message(path, reason))


def read_only_message(path: Path, reason: str) -> str:
    return f"{path}: {reason}; marks are read-only and changes will not be saved"


def salvage(path: Path, reason: str, message: str | None = None) -> Opened:
    """Whatever rows can be read from ``path``, in memory; the file is left untouched.

    ``message`` replaces the usual problem (which says what was saved of a bad file).
    """
    memory = memory_database()
    source = None
    # ``immutable`` reads even where no lock or side file can be made, at the
    # cost of ignoring a write-ahead log: only the second choice.
    for uri in (file_uri(path, "ro"), file_uri(path, "ro") + "&immutable=1"):
        try:
            source = connect(uri)
            source.execute("SELECT count(*) FROM sqlite_master").fetchone()
            break
        except sqlite3.Error:
            if source is not None:
                source.close()
            source = None
    copied = 0
    if source is not None:
        copied = copy_rows(source, memory)
        source.close()
    if message is None:
        message = read_only_message(path, reason)
        if copied:
            noun = "paper" if copied == 1 else "papers"
            message += f" (showing the {copied} marked {noun} that could be read)"
    return Opened(memory, read_only=True, problem=message)


# How far past an unreadable row to look for the next readable one.
MAX_ROWID_GAP = 20_000


def readable_rows(
    source: sqlite3.Connection, table: str, names: str
) -> Iterator[tuple[object, ...]]:
    """Every row of ``table`` that can be read, in rowid order, skipping damaged pages.

    A plain scan stops at the first broken page; here the scan resumes after
    it, found by looking rows up one rowid at a time (a look-up goes down the
    tree and so steps around a broken leaf).
    """
    after: int | None = None
    while True:
        query = f"SELECT rowid, {names} FROM {table}"
        arguments: tuple[int, ...] = ()
        if after is not None:
            query += " WHERE rowid > ?"
            arguments = (after,)
        try:
            for row in source.execute(query + " ORDER BY rowid", arguments):
                after = int(row[0])
                yield tuple(row[1:])
            return
        except sqlite3.Error:
            resume = next_readable_rowid(source, table, after)
            if resume is None:
                return
            after = resume - 1


def next_readable_rowid(source: sqlite3.Connection, table: str, after: int | None) -> int | None:
    start = 1 if after is None else after + 1
    for rowid in range(start + 1, start + MAX_ROWID_GAP):
        try:
            found = source.execute(f"SELECT rowid FROM {table} WHERE rowid = ?", (rowid,))
            if found.fetchone() is not None:
                return rowid
        except sqlite3.Error:
            continue
    return None


def copy_rows(source: sqlite3.Connection, target: sqlite3.Connection) -> int:
    """Copy the known columns of every readable row; returns how many papers came across."""
    try:
        present = table_names(source)
    except sqlite3.Error:
        return 0
    for table, known in COLUMNS.items():
        if table not in present:
            continue
        try:
            columns = [
                str(row[1])
                for row in source.execute(f"PRAGMA table_info({table})")
                if str(row[1]) in known
            ]
        except sqlite3.Error:
            continue
        if not columns:
            continue
        names = ", ".join(columns)
        marks = ", ".join("?" * len(columns))
        insert = f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({marks})"
        for row in readable_rows(source, table, names):
            try:
                target.execute(insert, row)
            except sqlite3.Error:
                continue
    return int(target.execute("SELECT count(*) FROM papers").fetchone()[0])
