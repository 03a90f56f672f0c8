"""Bookmarks, read status, tags and notes that are never lost.

One SQLite database in the user's data folder (see ``locations``), keyed by the
stable paper id (``Paper.id``: from the DOI, else the normalised title and
year), so marks survive re-parsing, a moved file or an edited library. Each
paper's row also keeps its title and year, so a note whose paper is in no
loaded file can still be listed.

Every change is one committed transaction (WAL, synchronous=FULL); writes
take the lock up front (``BEGIN IMMEDIATE``) and wait for another process
rather than fail, so two windows can write at once. An editor saves what
the user changed (tags added and removed; a note merged with what another
window saved meanwhile), never a stale whole over a newer one. Each store
keeps all marks in memory for fast look-ups while drawing a list;
``refresh()`` re-reads them when another process has committed something.

Use::

    store = open_store()            # the user's database (or PAPERBROWSE_DATA_DIR)
    if store.problem:               # damaged / newer / unwritable: read-only
        warn(store.problem)
    store.toggle_bookmarked(paper)  # -> Marks, as now stored
    store.save_edited_note(paper, text, opened)  # merged with another window's save
    store.change_tags(paper, add=["ml"], remove=["old"])  # keeps another window's tags
    store.marks(paper).read         # a Paper also finds marks made before it had a DOI
    store.refresh()                 # poll: True when another window changed something
    store.predicate("is", "unread") # a Paper -> bool test for the search's filters
    undo = store.register_search_filters(library.filters)  # is:read ... in that library
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import TYPE_CHECKING

from paperbrowse.core import locations, models
from paperbrowse.core.errors import PaperbrowseError
from paperbrowse.core.marks.filters import marks_test
from paperbrowse.core.marks.note_merge import Merged, merge_notes
from paperbrowse.core.marks.opening import open_database
from paperbrowse.core.models import Paper, fold
from paperbrowse.core.search.filter_registry import FieldsTest

if TYPE_CHECKING:
    from paperbrowse.core.search.filter_registry import FilterRegistry

Clock = Callable[[], dt.datetime]
PaperRef = Paper | str
PaperPredicate = Callable[[Paper], bool]


class StorageError(PaperbrowseError):
    """A change could not be saved; the message names the database file."""


class ReadOnlyError(StorageError):
    """The store is read-only (the file is damaged, newer or not writable)."""


@dataclass(frozen=True)
class Marks:
    """What the user has recorded about one paper. A paper with no marks gets all defaults."""

    paper_id: str
    title: str = ""
    year: int | None = None
    doi: str | None = None
    bookmarked: bool = False
    read: bool = False
    tags: tuple[str, ...] = ()
    note: str = ""
    note_updated: dt.datetime | None = None
    bookmarked_at: dt.datetime | None = None
    read_at: dt.datetime | None = None
    files: tuple[str, ...] = ()  # paths attached in the app, oldest first

    @property
    def has_note(self) -> bool:
        return bool(self.note.strip())

    @property
    def is_empty(self) -> bool:
        return not (self.bookmarked or self.read or self.tags or self.has_note or self.files)

    def has_tag(self, tag: str) -> bool:
        wanted = fold(tag)
        return any(fold(own) == wanted for own in self.tags)


_NO_MARKS = Marks("")

_TAG_SEPARATORS = re.compile(r"[,\s]+")
_TAG_JUNK = re.compile(r"[\x00-\x1f\x7f-\x9f\"]")


def parse_tags(text: str) -> tuple[str, ...]:
    """Tags typed by a user (``"ml, to-read  survey"``): split, cleaned, each once.

    Tags never hold spaces or commas, so ``tag:NAME`` in a search can name
    any of them; duplicates differing only in case are kept once (the first).
    """
    return unique_tags(_TAG_SEPARATORS.split(text))


def unique_tags(tags: Iterable[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    kept: list[str] = []
    for raw in tags:
        for tag in _TAG_SEPARATORS.split(_TAG_JUNK.sub("", raw)):
            key = fold(tag)
            if tag and key not in seen:
                seen.add(key)
                kept.append(tag)
    return tuple(kept)


def tag_changes(
    before: Iterable[str] | str, after: Iterable[str] | str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What a user did in a tags editor that opened with ``before``: (added, removed).

    A tag whose case changed (``ml`` to ``ML``) is removed and added again.
    """
    old = parse_tags(before) if isinstance(before, str) else unique_tags(before)
    new = parse_tags(after) if isinstance(after, str) else unique_tags(after)
    return tuple(t for t in new if t not in old), tuple(t for t in old if t not in new)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _time(text: object) -> dt.datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


_SELECT_PAPERS = """
    SELECT p.id, p.title, p.year, p.doi, p.bookmarked, p.read, p.bookmarked_at, p.read_at,
           n.body, n.updated
    FROM papers AS p LEFT JOIN notes AS n ON n.paper_id = p.id
"""


@dataclass(frozen=True)
class SavedNote:
    """What ``save_edited_note`` stored."""

    marks: Marks  # as stored now: ``marks.note`` is what the editor should show
    merged: bool = False  # another window had changed the note: its text is merged in
    conflicts: int = 0  # places both changed, kept twice between marker lines


def _write_note(db: sqlite3.Connection, paper_id: str, text: str, now: str) -> None:
    if text.strip():
        db.execute(
            "INSERT INTO notes (paper_id, body, updated) VALUES (?, ?, ?)"
            " ON CONFLICT (paper_id) DO UPDATE SET body = excluded.body,"
            " updated = excluded.updated",
            (paper_id, text, now),
        )
    else:
        db.execute("DELETE FROM notes WHERE paper_id = ?", (paper_id,))


def _label_time(stored: object) -> str:
    """A stored time as a conflict marker names it: ``2026-12-04 10:19:58 UTC``."""
    when = _time(stored)
    if when is None:
        return "at an unknown time"
    return when.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _marks_from_row(
    row: tuple[object, ...], tags: tuple[str, ...], files: tuple[str, ...] = ()
) -> Marks:
    paper_id, title, year, doi, bookmarked, read, bookmarked_at, read_at, body, updated = row
    return Marks(
        paper_id=str(paper_id),
        title=str(title or ""),
        year=year if isinstance(year, int) else None,
        doi=doi if isinstance(doi, str) else None,
        bookmarked=bool(bookmarked),
        read=bool(read),
        tags=tags,
        note=str(body or ""),
        note_updated=_time(updated),
        bookmarked_at=_time(bookmarked_at),
        read_at=_time(read_at),
        files=files,
    )


def _is_busy(error: sqlite3.Error) -> bool:
    """Another connection holds a lock past the busy timeout: try again later, not damage."""
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class Store:
    """The marks database, open. Thread-safe; one per window (or process) is enough."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        path: Path,
        *,
        read_only: bool = False,
        problem: str | None = None,
        clock: Clock = _utc_now,
    ) -> None:
        self.path = path
        self.read_only = read_only
        self.problem = problem
        self.clock = clock
        self._connection = connection
        self._lock = threading.RLock()
        self._marks: dict[str, Marks] = {}
        # Aliases, so a paper keeps its marks when it gains or loses a DOI, or its DOI is
        # read without the link it was marked with (each changes its id): stored rows by
        # the other id their paper may have now (``_aliases_of``), and each DOI paper's
        # id without its DOI, computed once.
        self._aliases: dict[str, str] = {}
        self._any_without_doi = False
        self._title_ids: dict[str, str] = {}
        # Whether a paper of the library open has an id (``Library.has_paper_id``): a row
        # found by another id is not a paper's own when it is another open paper's.
        self.library_has_id: Callable[[str], bool] = _no_library
        self._data_version = -1
        self._reload()

    # --- opening and closing -------------------------------------------------

    @classmethod
    def open(
        cls,
        path: Path | None = None,
        *,
        create: bool = True,
        read_only: bool = False,
        clock: Clock = _utc_now,
    ) -> Store:
        """Open (or create) the database; never raises for a bad file.

        A damaged, foreign, newer or unwritable file opens read-only, with what
        could be read, and ``problem`` says why and where the file is. With
        ``create=False`` a missing file gives an empty read-only store and no
        file is made. ``read_only=True`` is for commands that only read: a
        read-only connection, which never waits for a window that is saving
        and never creates, migrates or locks the file.
        """
        where = path if path is not None else locations.database_path()
        opened = open_database(where, create and not read_only, write=not read_only)
        return cls(
            opened.connection,
            where,
            read_only=opened.read_only,
            problem=opened.problem,
            clock=clock,
        )

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # --- reading ---------------------------------------------------------------

    def marks(self, paper: PaperRef) -> Marks:
        """The marks for a paper (all defaults when it has none); a dict look-up or two.

        Given a Paper, marks stored while it had (or lacked) a DOI are found too.
        """
        if isinstance(paper, str):
            found = self._marks.get(paper)
            return found if found is not None else Marks(paper)
        stored = self._stored_id(paper)
        return self._marks[stored] if stored is not None else Marks(paper.id)

    def all_marks(self) -> Mapping[str, Marks]:
        """Every paper with any mark, by id (a read-only view, current as of the last refresh)."""
        return MappingProxyType(self._marks)

    def tag_counts(self) -> list[tuple[str, int]]:
        """Every tag in use and on how many papers, most used first (for completion)."""
        counts: dict[str, tuple[str, int]] = {}
        for marks in self._marks.values():
            for tag in marks.tags:
                shown, count = counts.get(fold(tag), (tag, 0))
                counts[fold(tag)] = (shown, count + 1)
        return sorted(counts.values(), key=lambda item: (-item[1], fold(item[0])))

    def refresh(self) -> bool:
        """Re-read everything if another connection committed since; True when it did.

        Cheap when nothing changed (one PRAGMA), so a window can poll it.
        """
        with self._lock:
            try:
                version = self._read_data_version()
            except sqlite3.Error:
                return False
            if version == self._data_version:
                return False
            self._reload()
            return True

    def is_current(self) -> bool:
        """Whether the marks read are still the database's: no other connection has
        committed since (one PRAGMA; nothing is read again, unlike ``refresh``)."""
        with self._lock:
            try:
                return self._read_data_version() == self._data_version
            except sqlite3.Error:
                return False

    # --- changing ------------------------------------------------------------------

    def set_bookmarked(self, paper: PaperRef, bookmarked: bool) -> Marks:
        now = self._now()
        return self._change(
            paper,
            lambda db, pid: db.execute(
                "UPDATE papers SET bookmarked = ?, bookmarked_at = ? WHERE id = ?",
                (int(bookmarked), now if bookmarked else None, pid),
            ),
        )

    def toggle_bookmarked(self, paper: PaperRef) -> Marks:
        """Flip the bookmark as stored now (another window may have changed it)."""
        now = self._now()
        return self._change(
            paper,
            lambda db, pid: db.execute(
                "UPDATE papers SET bookmarked = NOT bookmarked,"
                " bookmarked_at = CASE WHEN bookmarked THEN NULL ELSE ? END WHERE id = ?",
                (now, pid),
            ),
        )

    def set_read(self, paper: PaperRef, read: bool) -> Marks:
        now = self._now()
        return self._change(
            paper,
            lambda db, pid: db.execute(
                "UPDATE papers SET read = ?, read_at = ? WHERE id = ?",
                (int(read), now if read else None, pid),
            ),
        )

    def toggle_read(self, paper: PaperRef) -> Marks:
        """Flip read / unread as stored now."""
        now = self._now()
        return self._change(
            paper,
            lambda db, pid: db.execute(
                "UPDATE papers SET read = NOT read,"
                " read_at = CASE WHEN read THEN NULL ELSE ? END WHERE id = ?",
                (now, pid),
            ),
        )

    def set_tags(self, paper: PaperRef, tags: Iterable[str] | str) -> Marks:
        """Replace the paper's tags (a string is split as a user typed it)."""
        wanted = parse_tags(tags) if isinstance(tags, str) else unique_tags(tags)

        def replace_tags(db: sqlite3.Connection, pid: str) -> None:
            db.execute("DELETE FROM tags WHERE paper_id = ?", (pid,))
            db.executemany(
                "INSERT INTO tags (paper_id, tag) VALUES (?, ?)", [(pid, t) for t in wanted]
            )

        return self._change(paper, replace_tags)

    def add_tags(self, paper: PaperRef, tags: Iterable[str] | str) -> Marks:
        """Add tags, keeping those already there (and those another window added)."""
        return self.change_tags(paper, add=tags)

    def remove_tags(self, paper: PaperRef, tags: Iterable[str] | str) -> Marks:
        return self.change_tags(paper, remove=tags)

    def change_tags(
        self, paper: PaperRef, add: Iterable[str] | str = (), remove: Iterable[str] | str = ()
    ) -> Marks:
        """Remove, then add tags, in one transaction; tags neither names are kept.

        What a tags editor saves (see ``tag_changes``): a tag another window
        gave the paper meanwhile is kept, and one it removed stays removed,
        where storing the editor's whole set would undo the other window's change.
        """
        new = parse_tags(add) if isinstance(add, str) else unique_tags(add)
        gone = {fold(t) for t in (parse_tags(remove) if isinstance(remove, str) else remove)}

        def apply(db: sqlite3.Connection, pid: str) -> None:
            found = db.execute("SELECT tag FROM tags WHERE paper_id = ?", (pid,))
            rows = [str(tag) for (tag,) in found]
            db.executemany(
                "DELETE FROM tags WHERE paper_id = ? AND tag = ?",
                [(pid, t) for t in rows if fold(t) in gone],
            )
            have = {fold(t) for t in rows if fold(t) not in gone}
            db.executemany(
                "INSERT OR IGNORE INTO tags (paper_id, tag) VALUES (?, ?)",
                [(pid, t) for t in new if fold(t) not in have],
            )

        return self._change(paper, apply)

    def save_note(self, paper: PaperRef, text: str) -> Marks:
        """Store the note's text (empty or blank text deletes it), whatever is stored now.

        Returns at once, without touching the file, when the text is what this
        store last saw, so a script can call it freely. Two callers saving one
        note: the last save wins; an editor uses ``save_edited_note`` instead.
        """
        current = self.marks(paper)
        if text == current.note or (not text.strip() and not current.note):
            return current
        now = self._now()
        return self._change(paper, lambda db, pid: _write_note(db, pid, text, now))

    def save_edited_note(self, paper: PaperRef, text: str, opened: str) -> SavedNote:
        """Store what an editor holds, unless another window changed the note meanwhile.

        ``opened`` is the note as the editor last had it from the store (when
        it opened, or its last save). The stored note is compared with it
        inside the write transaction, so no other process can save in
        between. When they differ, the edits are merged (core/note_merge):
        nothing either window typed is lost, and where both changed the same
        lines both versions are kept between marker lines. The editor then
        shows ``marks.note`` and, from then on, passes that as ``opened``.
        """
        if text == opened:
            return SavedNote(self.marks(paper))
        now = self._now()
        merged: list[Merged] = []

        def write_unless_changed(db: sqlite3.Connection, pid: str) -> None:
            row = db.execute(
                "SELECT body, updated FROM notes WHERE paper_id = ?", (pid,)
            ).fetchone()
            stored = str(row[0]) if row else ""
            body = text
            if stored not in (opened, text):
                theirs = f"saved {_label_time(row[1])}" if row else "deleted the note"
                merged.append(
                    merge_notes(
                        opened,
                        text,
                        stored,
                        f"one window, saved {_label_time(now)}",
                        f"another window, {theirs}",
                    )
                )
                body = merged[0].text
            _write_note(db, pid, body, now)

        marks = self._change(paper, write_unless_changed)
        if not merged:
            return SavedNote(marks)
        return SavedNote(marks, merged=True, conflicts=merged[0].conflicts)

    def attach_file(self, paper: PaperRef, path: str) -> Marks:
        """Link a file (a PDF) to a paper; the library itself is never edited."""
        now = self._now()
        return self._change(
            paper,
            lambda db, pid: db.execute(
                "INSERT OR IGNORE INTO files (paper_id, path, added) VALUES (?, ?, ?)",
                (pid, path, now),
            ),
        )

    def detach_file(self, paper: PaperRef, path: str) -> Marks:
        return self._change(
            paper,
            lambda db, pid: db.execute(
                "DELETE FROM files WHERE paper_id = ? AND path = ?", (pid, path)
            ),
        )

    def forget(self, paper: PaperRef) -> Marks:
        """Remove every mark of a paper (its note too)."""
        return self._change(
            paper, lambda db, pid: db.execute("DELETE FROM papers WHERE id = ?", (pid,))
        )

    # --- search filters ----------------------------------------------------------

    def predicate(self, key: str, value: str) -> PaperPredicate | None:
        """A test for the search filter ``key:value``, or None when it is not a marks filter.

        Known: ``is:bookmarked``, ``is:read``, ``is:unread``, ``has:note``,
        ``has:tag`` (any tag) and ``tag:NAME`` (case- and accent-blind). The
        test reads the marks when called, so it follows ``refresh()``.
        """
        test = marks_test(key, value)
        if test is None:
            return None

        def check(paper: Paper) -> bool:
            # No Marks object is made for unmarked papers: a filter may test 100k of them.
            stored = self._stored_id(paper)
            return test(self._marks[stored] if stored is not None else _NO_MARKS)

        # (All ``_stored_id`` reads of a paper: a store's rows then make no paper.)
        return FieldsTest(("id", "doi", "title", "year"), check)

    def register_search_filters(self, filters: FilterRegistry) -> Callable[[], None]:
        """Make ``is:``, ``has:note``, ``has:tag``, ``tag:`` work in the searches of the
        library (or index) whose ``filters`` these are, and no other; returns an undo.

        Other ``has:`` values (``has:code``) fall through to the built-in filter. The
        handlers give predicates rather than id sets so a paper whose id changed with
        a DOI still matches, and they read the marks at each search, so they follow
        ``refresh()``.
        """

        def handler(key: str) -> Callable[[str], PaperPredicate | None]:
            return lambda value: self.predicate(key, value)

        undos = [
            filters.register("is", handler("is"), "is:bookmarked, is:read, is:unread"),
            filters.register("has", handler("has"), "has:note, has:tag"),
            filters.register("tag", handler("tag"), "tag:NAME (a tag you gave)"),
        ]

        def undo() -> None:
            for one in undos:
                one()

        return undo

    # --- internals -------------------------------------------------------------------

    def _now(self) -> str:
        return self.clock().astimezone(dt.UTC).isoformat(timespec="seconds")

    def _read_data_version(self) -> int:
        return int(self._connection.execute("PRAGMA data_version").fetchone()[0])

    def _reload(self) -> None:
        with self._lock:
            try:
                version = self._read_data_version()
                tags = self._tags_by_paper()
                files = self._files_by_paper()
                rows = self._connection.execute(_SELECT_PAPERS).fetchall()
            except sqlite3.Error as error:
                if _is_busy(error):
                    # Another window holds the file for a moment: keep what we had and
                    # read again at the next refresh (the version is still the old one).
                    return
                # The file went bad under us: keep what we had, say so, and stop writing.
                self._fail_read_only(f"cannot be read any more ({error})")
                return
            self._data_version = version
            self._marks = {
                str(row[0]): _marks_from_row(
                    row, tags.get(str(row[0]), ()), files.get(str(row[0]), ())
                )
                for row in rows
            }
            self._aliases = {
                alias: pid for pid, marks in self._marks.items() for alias in _aliases_of(marks)
            }
            self._any_without_doi = any(not marks.doi for marks in self._marks.values())

    def _stored_id(self, paper: Paper) -> str | None:
        """The id the paper's marks are stored under, if it has any (``stored_id``)."""
        return stored_id(
            paper,
            self._marks,
            self._aliases,
            self._any_without_doi,
            self._title_ids,
            self.library_has_id,
        )

    def tags_as_of_now(self) -> Callable[[Paper], tuple[str, ...]]:
        """Each paper's tags as the store holds them now, found as ``marks`` finds a paper's
        marks, for a thread that reads them while the store changes (an export's keywords):
        the tagged papers' marks copied, and no paper made before it is asked about (the
        export dialog made every paper listed, on the UI thread, to look its tags up)."""
        with self._lock:
            tagged = {pid: marks for pid, marks in self._marks.items() if marks.tags}
            aliases = {alias: pid for alias, pid in self._aliases.items() if pid in tagged}
        if not tagged:
            return lambda paper: ()
        any_without_doi = any(not marks.doi for marks in tagged.values())
        title_ids: dict[str, str] = {}
        library_has_id = self.library_has_id

        def tags_of(paper: Paper) -> tuple[str, ...]:
            stored = stored_id(paper, tagged, aliases, any_without_doi, title_ids, library_has_id)
            return tagged[stored].tags if stored is not None else ()

        return tags_of

    def _tags_by_paper(self, paper_id: str | None = None) -> dict[str, tuple[str, ...]]:
        query = "SELECT paper_id, tag FROM tags"
        arguments: tuple[str, ...] = ()
        if paper_id is not None:
            query += " WHERE paper_id = ?"
            arguments = (paper_id,)
        grouped: dict[str, list[str]] = {}
        for pid, tag in self._connection.execute(query + " ORDER BY rowid", arguments):
            grouped.setdefault(str(pid), []).append(str(tag))
        return {pid: tuple(tags) for pid, tags in grouped.items()}

    def _files_by_paper(self, paper_id: str | None = None) -> dict[str, tuple[str, ...]]:
        query = "SELECT paper_id, path FROM files"
        arguments: tuple[str, ...] = ()
        if paper_id is not None:
            query += " WHERE paper_id = ?"
            arguments = (paper_id,)
        grouped: dict[str, list[str]] = {}
        for pid, path in self._connection.execute(query + " ORDER BY rowid", arguments):
            grouped.setdefault(str(pid), []).append(str(path))
        return {pid: tuple(paths) for pid, paths in grouped.items()}

    def _fail_read_only(self, reason: str) -> None:
        self.read_only = True
        self.problem = f"{self.path}: {reason}; marks are read-only and changes will not be saved"

    def _change(
        self, paper: PaperRef, change: Callable[[sqlite3.Connection, str], object]
    ) -> Marks:
        """Run ``change`` for one paper in one committed transaction; returns the stored marks."""
        if self.read_only:
            raise ReadOnlyError(self.problem or f"{self.path}: marks are read-only")
        pid = paper if isinstance(paper, str) else paper.id
        with self._lock:
            alias = None if isinstance(paper, str) else self._stored_id(paper)
            # A paper that gained a DOI moves its marks to the DOI's id; a copy
            # without the DOI writes to the DOI's row, which keeps its DOI.
            move = alias is not None and alias != pid and isinstance(paper, Paper) and paper.doi
            if alias is not None and not move:
                pid = alias
            rekeyed = False
            db = self._connection
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    if move and alias is not None:
                        rekeyed = self._rekey(alias, pid)
                    self._upsert_paper(paper, pid)
                    change(db, pid)
                    self._drop_if_empty(pid)
                    marks = self._read_one(pid)
                    db.execute("COMMIT")
                except BaseException:
                    if db.in_transaction:
                        db.execute("ROLLBACK")
                    raise
            except sqlite3.Error as error:
                raise StorageError(f"{self.path}: could not save ({error})") from error
            if rekeyed:
                self._reload()
            else:
                self._remember(marks)
            return marks

    def _remember(self, marks: Marks) -> None:
        """Put a paper's marks, as just stored, in the in-memory copy and its alias index."""
        if marks.is_empty:
            self._marks.pop(marks.paper_id, None)
            return
        self._marks[marks.paper_id] = marks
        self._aliases.update(dict.fromkeys(_aliases_of(marks), marks.paper_id))
        if not marks.doi:
            self._any_without_doi = True

    def _rekey(self, old: str, new: str) -> bool:
        """Move a paper's marks to its new id (it gained or lost a DOI), inside a transaction."""
        db = self._connection
        if db.execute("SELECT 1 FROM papers WHERE id = ?", (new,)).fetchone():
            return False  # marks already under the new id: leave both rows as they are
        # Children and parent are moved one after the other; the check waits for COMMIT.
        db.execute("PRAGMA defer_foreign_keys = ON")
        moved = db.execute("UPDATE papers SET id = ? WHERE id = ?", (new, old)).rowcount
        db.execute("UPDATE tags SET paper_id = ? WHERE paper_id = ?", (new, old))
        db.execute("UPDATE notes SET paper_id = ? WHERE paper_id = ?", (new, old))
        db.execute("UPDATE files SET paper_id = ? WHERE paper_id = ?", (new, old))
        return moved > 0

    def _upsert_paper(self, paper: PaperRef, stored_id: str) -> None:
        """Make sure the paper has a row, with the title and year as the library has them now.

        A DOI once known is kept even when this copy of the paper lacks it.
        """
        now = self._now()
        if isinstance(paper, str):
            self._connection.execute(
                "INSERT OR IGNORE INTO papers (id, updated) VALUES (?, ?)", (stored_id, now)
            )
            return
        self._connection.execute(
            "INSERT INTO papers (id, title, year, doi, updated) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET title = excluded.title, year = excluded.year,"
            " doi = COALESCE(excluded.doi, papers.doi), updated = excluded.updated",
            (stored_id, paper.title, paper.year, paper.doi, now),
        )

    def _drop_if_empty(self, paper_id: str) -> None:
        # A paper whose last mark was cleared leaves no row behind.
        self._connection.execute(
            "DELETE FROM papers WHERE id = ? AND NOT bookmarked AND NOT read"
            " AND NOT EXISTS (SELECT 1 FROM tags WHERE paper_id = papers.id)"
            " AND NOT EXISTS (SELECT 1 FROM notes WHERE paper_id = papers.id)"
            " AND NOT EXISTS (SELECT 1 FROM files WHERE paper_id = papers.id)",
            (paper_id,),
        )

    def _read_one(self, paper_id: str) -> Marks:
        row = self._connection.execute(_SELECT_PAPERS + " WHERE p.id = ?", (paper_id,)).fetchone()
        if row is None:
            return Marks(paper_id)
        tags = self._tags_by_paper(paper_id).get(paper_id, ())
        return _marks_from_row(row, tags, self._files_by_paper(paper_id).get(paper_id, ()))


def _no_library(paper_id: str) -> bool:
    return False


def open_store(path: Path | None = None, *, create: bool = True, read_only: bool = False) -> Store:
    """The user's marks database (``locations.database_path()`` unless ``path`` is given)."""
    return Store.open(path, create=create, read_only=read_only)


def _aliases_of(marks: Marks) -> list[str]:
    """The other ids the paper of a row with a DOI may have now: its id without the DOI (a
    copy without one); its id from the DOI, for a row keyed by its title (a paper merged
    from a copy without a DOI and one with it keeps the first's id: exported, it is read
    back with its DOI); and, for a DOI stored as a link (``https://doi.org/10.1/x``, as
    OpenAlex writes them and older readers kept them), its id from the bare DOI, which
    the readers now store."""
    if not (marks.doi and marks.title):
        return []
    aliases = [models.paper_id(marks.title, marks.year)]
    for doi in dict.fromkeys((marks.doi, models.bare_doi(marks.doi))):
        aliases.append(models.paper_id(marks.title, marks.year, doi))
    return [alias for alias in aliases if alias != marks.paper_id]


def stored_id(
    paper: Paper,
    marks: Mapping[str, Marks],
    aliases: Mapping[str, str],
    any_without_doi: bool,
    title_ids: dict[str, str],
    library_has_id: Callable[[str], bool] = _no_library,
) -> str | None:
    """The id the paper's ``marks`` are stored under, if it has any.

    Its own id; else the row whose paper has its id now (``aliases``: the row of the same
    title and year that has a DOI, for a paper without one; the row marked with the DOI
    as a link, for a paper whose DOI is read bare); else, for a paper with a DOI, the id
    it had without one (the row was marked from a copy without a DOI). (``title_ids``:
    those worked out, kept.) Never a row whose id is another paper's of the open library
    (``library_has_id``): a file's two entries of one title, one with a DOI, are two
    papers (``core.merge``), and the one with the DOI took the other's marks for its own.
    """
    if paper.id in marks:
        return paper.id
    alias = aliases.get(paper.id)
    if alias is not None and alias in marks and not library_has_id(alias):
        return alias
    if not paper.doi or not any_without_doi:
        return None
    title_id = title_ids.get(paper.id)
    if title_id is None:
        title_id = title_ids[paper.id] = models.paper_id(paper.title, paper.year)
    found = marks.get(title_id)
    if found is None or found.doi or library_has_id(title_id):
        return None
    return title_id
