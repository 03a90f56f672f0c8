"""The first screen a library's last open showed, kept so the next launch draws it at once.

Reading even the 15-paper bundled profile needs pydantic and the readers: 80-100 ms of
imports and parsing before its first paper could be listed, half the launch beyond a bare
Textual app's (issue 13). What those papers look like in the list is the same from launch
to launch while the files are, so the rows the list showed first (title, year, category,
code, the user's marks), the paper count, the problems' count and the header's text are kept in
the cache folder, one small JSON file per library, and drawn before the library is read.
The library read replaces them a fraction of a second later.

A kept screen is only ever drawn: no paper is highlighted in it, nothing is done with its
rows, and the library read always replaces it. So a kept screen is used only when every
file's path, size and modification time are as they were (a folder is never kept: a file
inside it changes without its folder's time), and one that is damaged, from another
version or unreadable is ignored; at worst a stale one is shown for that fraction of a
second. It imports nothing the first screen does not: no pydantic, no readers.
"""

from __future__ import annotations

import contextlib
import json
import os
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, overload

from paperbrowse.core.locations import cache_dir, database_path, keep_fresh, prune_stale

if TYPE_CHECKING:
    from paperbrowse.core.models import Paper

VERSION = 3  # bump when the file's layout changes
ROWS_KEPT = 300  # as many rows as a tall terminal shows
# Bounds a count read back must keep (more papers than any library holds, wider than
# any category code): a damaged entry's huge list took seconds to lay out.
MOST_PAPERS = 100_000_000
WIDEST_CATEGORY = 64
WIDEST_MARKS = 8  # cells of a row's marks column (four glyphs)
FOLDER = "first-screen"
Span = tuple[int, int, str]  # a header text's styled range: start, end, a Rich style
# Each kept row's marks as the marks database holds them now, given the rows' paper ids
# (None: cannot be told). The app's (``glyphs.kept_glyphs_now``): the glyphs are its.
MarksNow = Callable[[list[str]], list[str] | None]


class ListedRow(NamedTuple):
    """What the paper list draws of a paper without a search, as plain values (a search's
    hints read the authors and the abstract: a kept screen has no search). Tuples, not
    dataclasses: a dataclass took a millisecond of the launch to make."""

    id: str
    title: str
    year: int | None
    category: str | None
    has_code: bool
    # The user's marks drawn before the title, as plain glyphs ("" with no marks column):
    # without them the rows moved over when the marks came, after the library was read.
    marks: str = ""

    @classmethod
    def of(cls, paper: Paper, marks: str = "") -> ListedRow:
        return cls(paper.id, paper.title, paper.year, paper.category, paper.has_code, marks)

    def marks_unknown(self) -> ListedRow:
        """The row with its marks column drawn blank, as wide as kept (a row kept without
        the column stays without it)."""
        return self._replace(marks=" " * len(self.marks))


def _row(values: Any) -> ListedRow:
    """A row read back, its values checked (a damaged entry must not reach the drawing)."""
    id_, title, year, category, has_code, marks = values
    if not (
        isinstance(id_, str)
        and isinstance(title, str)
        and (year is None or type(year) is int)
        and (category is None or isinstance(category, str))
        and isinstance(has_code, bool)
        and isinstance(marks, str)
        and len(marks) <= WIDEST_MARKS
    ):
        raise ValueError("a row's values are not what was kept")
    return ListedRow(id_, title, year, category, has_code, marks)


def _span(values: Any, length: int) -> Span:
    start, end, style = values
    if not (type(start) is int and type(end) is int and isinstance(style, str)):
        raise ValueError("a header span is not what was kept")
    if not 0 <= start <= end <= length:  # (Rich looped for ever on a negative one)
        raise ValueError("a header span is outside its text")
    return start, end, style


def _people(values: Any) -> tuple[list[str], int] | None:
    """Several researchers' names and papers read back (absent from an entry kept before
    they were: its header is drawn as kept)."""
    if values is None:
        return None
    names, papers = values
    if not (isinstance(names, list) and all(isinstance(name, str) for name in names)):
        raise ValueError("the researchers' names are not what was kept")
    return names, _count(papers, MOST_PAPERS)


def _count(value: Any, most: int) -> int:
    """A count read back: a whole number from 0 to ``most`` (JSON also reads 1e999, -3)."""
    if type(value) is not int or not 0 <= value <= most:
        raise ValueError("a count is not what was kept")
    return value


BLANK_ROW = ListedRow("", "", None, None, False)


class KeptRows(Sequence[ListedRow]):
    """The rows kept, as long as the library is (``total``): the list's scrollbar is the
    library's; a row past those kept is blank until the library is read."""

    def __init__(self, kept: Sequence[ListedRow], length: int) -> None:
        self.kept = kept  # the library's first rows
        self.length = max(length, len(kept))  # the library's papers

    def __len__(self) -> int:
        return self.length

    @overload
    def __getitem__(self, index: int) -> ListedRow: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[ListedRow]: ...
    def __getitem__(self, index: int | slice) -> ListedRow | Sequence[ListedRow]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.length))]
        if not -self.length <= index < self.length:
            raise IndexError(index)
        index %= self.length
        return self.kept[index] if index < len(self.kept) else BLANK_ROW

    def __iter__(self) -> Iterator[ListedRow]:
        return (self[index] for index in range(self.length))


class FirstScreen(NamedTuple):
    """What a launch draws before its library is read."""

    rows: KeptRows
    problems: int  # the files' problems, for the count ("w Problems")
    category_width: int  # the list's category column, as wide as for the whole library
    header: tuple[str, list[Span]] | None  # the header's text and its styles, if one showed
    # Several researchers' names and papers, for the header to name as many as fit the
    # width it is drawn at (its text is fitted to the width it was kept at); else None.
    people: tuple[list[str], int] | None = None

    @property
    def total(self) -> int:
        return self.rows.length


def file_state(paths: Sequence[Path]) -> list[list[Any]] | None:
    """Each file's resolved path, size and modification time (ns); None when a path is a
    folder or cannot be read. Taken before the files are read, it is what a screen made
    from them is kept under (``keep_first_screen``)."""
    state = []
    for path in paths:
        try:
            resolved = path.resolve()
            stat = resolved.stat()
        except (OSError, RuntimeError):
            return None
        if not resolved.is_file():
            return None
        state.append([str(resolved), stat.st_size, stat.st_mtime_ns])
    return state


# The write-ahead log's header: its checkpoint count and salts, new each time the log
# starts over. (A commit then overwrites the log's first frames: the file is no longer,
# and within one tick of a coarse file clock, no newer either.)
LOG_HEADER = slice(12, 24)


def marks_state() -> list[Any]:
    """The marks database as it is now, cheaply: its file's size and modification time
    (ns), and its write-ahead log's (WAL mode: every commit goes there first, and the
    last connection closed folds it into the file) with the log's header. An empty or
    absent log is none: every connection opened makes an empty one. A database not
    there, or not readable, is so recorded (None): if it is still so, nothing changed.

    Taken before the marks are read and kept with the rows (``keep_first_screen``): a
    commit between the two makes the next launch draw no marks, never stale ones."""
    database = database_path()
    return [_file_mark(database), _log_mark(database.with_name(database.name + "-wal"))]


def _file_mark(path: Path) -> list[int] | None:
    try:
        stat = path.stat()
    except (OSError, ValueError):
        return None
    return [stat.st_size, stat.st_mtime_ns]


def _log_mark(path: Path) -> list[Any] | None:
    try:
        with open(path, "rb") as log:
            stat = os.fstat(log.fileno())
            if stat.st_size == 0:
                return None
            return [stat.st_size, stat.st_mtime_ns, log.read(32)[LOG_HEADER].hex()]
    except (OSError, ValueError):
        return None


def _key(paths: Sequence[Path], order: str, as_of: str) -> list[Any]:
    """What a kept screen is for: the files as named, the listing's order, the profiles'
    date (as JSON reads it back)."""
    return [[os.path.abspath(path) for path in paths], order, as_of]


def _entry(key: list[Any]) -> Path:
    """The file a library's kept screen is in: named by its key, not by the files' state,
    so a changed file's entry is replaced rather than left beside it. (A checksum, not a
    cryptographic hash: hashlib took 2 ms from the launch. Two keys with one name take
    turns, each read finding the other's key: a miss, never another library's screen.)"""
    digest = zlib.crc32(json.dumps(key).encode())
    return cache_dir() / FOLDER / f"{digest:08x}.json"


def kept_first_screen(
    paths: Sequence[Path], order: str, as_of: str = "", marks_now: MarksNow | None = None
) -> FirstScreen | None:
    """The screen kept for these files in this order, if they are unchanged since; else
    None. Its rows' marks are as kept while the marks database is as it was then, else
    as ``marks_now`` reads them, else blank."""
    state = file_state(paths)
    if state is None:
        return None
    key = _key(paths, order, as_of)
    entry = _entry(key)
    try:
        if not entry.is_file():  # (none kept; and a pipe put there would block the launch)
            return None
        with open(entry, encoding="utf-8") as file:
            kept = json.load(file)
        if kept.get("version") != VERSION or kept.get("key") != key or kept.get("state") != state:
            return None
        keep_fresh(entry)  # (used: not pruned as stale, though unchanged and not rewritten)
        rows = [_row(row) for row in kept["rows"]]
        marks_as = kept["marks_state"]  # (None: not known when the marks were read)
        if marks_as is None or marks_as != marks_state():
            rows = _marks_as_now(rows, marks_now)  # changed since: not drawn as kept
        header = kept["header"]
        if header is not None:
            text = header[0]
            if not isinstance(text, str):
                return None
            header = (text, [_span(span, len(text)) for span in header[1]])
        return FirstScreen(
            KeptRows(rows, _count(kept["total"], MOST_PAPERS)),
            _count(kept["problems"], MOST_PAPERS),
            _count(kept["category_width"], WIDEST_CATEGORY),
            header,
            _people(kept.get("people")),
        )
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None  # none kept yet, or damaged: the library is read as without it


def _marks_as_now(rows: list[ListedRow], marks_now: MarksNow | None) -> list[ListedRow]:
    """The rows with their marks as the database holds them now, or drawn blank (their
    column as wide as kept) when that cannot be told. (Drawn blank always, the first
    mark made elsewhere, or the last one taken off, had every row move over once the
    library was read: the column came, or went.)"""
    glyphs = marks_now([row.id for row in rows]) if marks_now is not None else None
    if glyphs is None or len(glyphs) != len(rows):
        return [row.marks_unknown() for row in rows]
    return [row._replace(marks=marks) for row, marks in zip(rows, glyphs, strict=True)]


def keep_first_screen(
    paths: Sequence[Path],
    order: str,
    screen: FirstScreen,
    read_as: list[list[Any]] | None,
    as_of: str = "",
    marks_as: list[Any] | None = None,
) -> None:
    """Keep ``screen`` for the next launch on these files, if they are still as they were
    before they were read (``read_as``, from ``file_state``): a file changed meanwhile is
    kept from its next read. Its rows' marks are drawn while the marks database is as it
    was when they were read (``marks_as``, from ``marks_state``; None when that is not
    known: they are drawn blank). Written whole or not at all; an unwritable cache folder
    keeps nothing."""
    state = file_state(paths)
    if state is None or state != read_as:
        return
    key = _key(paths, order, as_of)
    entry = _entry(key)
    kept = {
        "version": VERSION,
        "key": key,
        "state": state,
        "total": screen.total,
        "problems": screen.problems,
        "category_width": screen.category_width,
        "rows": [list(row) for row in screen.rows.kept[:ROWS_KEPT]],
        "header": screen.header,
        "people": screen.people,
        "marks_state": marks_as,
    }
    # ASCII: a path that is not UTF-8 (its bytes as surrogates) can still be written, and
    # is read back the same. (Written as UTF-8 it raised, left a .tmp, kept nothing.)
    text = json.dumps(kept)
    with contextlib.suppress(OSError):
        if entry.read_text(encoding="utf-8") == text:
            return  # as kept already: nothing written on an unchanged library's launches
    import tempfile  # (not before a launch's first screen: 2 ms)

    with contextlib.suppress(OSError):
        entry.parent.mkdir(parents=True, exist_ok=True)
        prune_stale(entry.parent, ("*.json", "*.tmp"))  # (a .tmp: a write cut short)
        handle, temporary = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text)
            os.replace(temporary, entry)
        except (OSError, ValueError):
            with contextlib.suppress(OSError):
                os.unlink(temporary)
