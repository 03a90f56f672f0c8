"""The first screen kept for the next launch (``core.first_screen``): used only while the
files are unchanged, and never trusted when damaged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from paperbrowse.core import first_screen
from paperbrowse.core.first_screen import (
    FirstScreen,
    KeptRows,
    ListedRow,
    file_state,
    keep_first_screen,
    kept_first_screen,
    marks_state,
)

ROWS = [
    ListedRow("a1", "A title", 2024, "CL", True, " ★✓ "),
    ListedRow("b2", "Another [bold]title[/bold]", None, None, False),
]
HEADER = ("Library  library.bib\n2 papers", [(0, 7, "bold"), (9, 20, "dim")])


def _screen(total: int = 2) -> FirstScreen:
    return FirstScreen(KeptRows(ROWS, total), problems=1, category_width=2, header=HEADER)


def _keep(path: Path, screen: FirstScreen, order: str = "newest") -> None:
    """Keep ``screen`` for ``path`` as read now, with the marks as the database is now."""
    keep_first_screen([path], order, screen, read_as=file_state([path]), marks_as=marks_state())


@pytest.fixture
def library(tmp_path: Path) -> Path:
    path = tmp_path / "library.bib"
    path.write_text("@article{a, title={A title}}\n", encoding="utf-8")
    return path


def test_a_kept_screen_comes_back_as_kept_for_the_same_files_and_order(library: Path) -> None:
    _keep(library, _screen())
    kept = kept_first_screen([library], "newest")
    assert kept is not None
    assert list(kept.rows) == ROWS
    assert (kept.total, kept.problems, kept.category_width) == (2, 1, 2)
    assert kept.header == HEADER
    assert kept_first_screen([library], "title") is None  # another order lists otherwise
    assert kept_first_screen([library], "newest", as_of="2025-01-01") is None


def test_a_file_changed_since_has_no_kept_screen(library: Path) -> None:
    _keep(library, _screen())
    with library.open("a", encoding="utf-8") as file:
        file.write("@article{b, title={B}}\n")
    assert kept_first_screen([library], "newest") is None


def test_a_file_changed_while_it_was_read_is_not_kept(library: Path) -> None:
    # What was read is older than the file: kept under the file's new state, the next
    # launch drew the old papers as the new file's.
    read_as = file_state([library])
    with library.open("a", encoding="utf-8") as file:
        file.write("@article{b, title={B}}\n")
    keep_first_screen([library], "newest", _screen(), read_as=read_as)
    assert kept_first_screen([library], "newest") is None


def test_a_file_touched_since_has_no_kept_screen(library: Path) -> None:
    _keep(library, _screen())
    stat = library.stat()
    os.utime(library, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert kept_first_screen([library], "newest") is None


def test_a_folder_is_never_kept(tmp_path: Path) -> None:
    # A file inside a folder changes without the folder's time changing.
    _keep(tmp_path, _screen())
    assert kept_first_screen([tmp_path], "newest") is None
    assert not list(tmp_path.rglob("*.json"))


@pytest.mark.parametrize(
    "damage",
    [
        lambda kept: "{not json",
        lambda kept: json.dumps({**kept, "version": 0}),
        lambda kept: json.dumps({**kept, "rows": [["a1", 5, 2024, None, False, ""]]}),
        lambda kept: json.dumps({**kept, "rows": [["a1", "t", "2024", None, False, ""]]}),
        lambda kept: json.dumps({**kept, "rows": [["a1", "t", 2024, None, 1, ""]]}),
        lambda kept: json.dumps({**kept, "rows": [["a1", "t", 2024, None, False, 7]]}),
        lambda kept: json.dumps({**kept, "rows": [["a1", "t", 2024, None, False, "★" * 99]]}),
        lambda kept: json.dumps({**kept, "rows": [["too", "short"]]}),
        lambda kept: json.dumps({**kept, "rows": [["a1", "t", 2024, None, False]]}),  # v1's
        lambda kept: json.dumps({**kept, "header": [7, []]}),
        lambda kept: json.dumps({**kept, "header": ["text", [[0, "1", "bold"]]]}),
        lambda kept: json.dumps({**kept, "total": "many"}),
        # Rich looped for ever on a negative span; JSON reads Infinity, 1e999 and -3.
        lambda kept: json.dumps({**kept, "header": ["text", [[-5, 3, "bold"]]]}),
        lambda kept: json.dumps({**kept, "header": ["text", [[0, 99, "bold"]]]}),
        lambda kept: json.dumps({**kept, "header": ["text", [[3, 1, "bold"]]]}),
        lambda kept: json.dumps(kept).replace('"total": 2', '"total": Infinity'),
        lambda kept: json.dumps(kept).replace('"total": 2', '"total": 1e999'),
        lambda kept: json.dumps({**kept, "total": 10**15}),
        lambda kept: json.dumps({**kept, "total": 2.0}),
        lambda kept: json.dumps({**kept, "problems": -3}),
        lambda kept: json.dumps({**kept, "category_width": 10**6}),
        lambda kept: json.dumps([1, 2]),
        # Several researchers' names (for the header) that are not names, or a bad count.
        lambda kept: json.dumps({**kept, "people": [[1, 2], 3]}),
        lambda kept: json.dumps({**kept, "people": [["Ann"], -1]}),
        lambda kept: json.dumps({**kept, "people": "Ann"}),
    ],
)
def test_a_damaged_kept_screen_is_ignored(library: Path, damage: object) -> None:
    _keep(library, _screen())
    (entry,) = Path(os.environ["XDG_CACHE_HOME"]).rglob("first-screen/*.json")
    kept = json.loads(entry.read_text(encoding="utf-8"))
    entry.write_text(damage(kept), encoding="utf-8")  # type: ignore[operator]
    assert kept_first_screen([library], "newest") is None


def test_an_unwritable_cache_folder_keeps_nothing_and_says_nothing(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("PAPERBROWSE_CACHE_DIR", str(blocked))
    _keep(library, _screen())  # no error
    assert kept_first_screen([library], "newest") is None


def test_only_the_first_rows_are_kept_but_the_list_is_as_long_as_the_library(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(first_screen, "ROWS_KEPT", 1)
    _keep(library, _screen(total=50_000))
    kept = kept_first_screen([library], "newest")
    assert kept is not None
    assert len(kept.rows) == 50_000  # the scrollbar is the library's
    assert kept.rows[0] == ROWS[0]
    assert kept.rows[1].title == "" and kept.rows[-1].title == ""  # not kept: blank
    with pytest.raises(IndexError):
        kept.rows[50_000]


def test_reading_a_kept_screen_imports_neither_pydantic_nor_a_reader() -> None:
    script = (
        "import sys\nimport paperbrowse.core.first_screen\nprint(' '.join(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    loaded = set(result.stdout.split())
    assert "paperbrowse.core.first_screen" in loaded
    assert not {"pydantic", "paperbrowse.core.models", "paperbrowse.core.formats"} & loaded
    assert "sqlite3" not in loaded  # (the marks kept are not read from their database: 8 ms)


def test_a_pipe_in_place_of_a_kept_screen_does_not_block_the_launch(library: Path) -> None:
    _keep(library, _screen())
    (entry,) = Path(os.environ["XDG_CACHE_HOME"]).rglob("first-screen/*.json")
    entry.unlink()
    os.mkfifo(entry)  # (opened for reading, it waits for a writer)
    found: list[object] = []
    # In a thread of its own: a launch blocked on the pipe fails the test, not the run.
    reader = threading.Thread(
        target=lambda: found.append(kept_first_screen([library], "newest")), daemon=True
    )
    reader.start()
    reader.join(timeout=5)
    assert found == [None]


def _in_another_process(code: str) -> str:
    """What ``code`` prints, run on the marks database by another process (another
    window's, or a session on other files)."""
    script = "from paperbrowse.core.marks.store import open_store\n" + code
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


BOOKMARK_ELSEWHERE = "with open_store() as store:\n    store.set_bookmarked('a1', {})\n"


def _kept_marks(library: Path) -> list[str]:
    kept = kept_first_screen([library], "newest")
    assert kept is not None
    return [row.marks for row in kept.rows]


def test_marks_changed_in_another_process_since_are_drawn_blank_as_wide(library: Path) -> None:
    # Marks are per paper, shared by every library: changed in another window or in a
    # session on other files, the kept rows drew them as they were.
    _in_another_process(BOOKMARK_ELSEWHERE.format(True))
    _keep(library, _screen())
    assert _kept_marks(library) == [" ★✓ ", ""]
    _in_another_process(BOOKMARK_ELSEWHERE.format(False))
    assert _kept_marks(library) == ["    ", ""]  # (a row with no column still has none)


def test_a_commit_while_another_connection_is_open_changes_the_marks_state(
    library: Path,
) -> None:
    # In WAL mode a commit goes to the log, not the database file: with this process's
    # connection open (as a window's is), the file itself does not change.
    from paperbrowse.core.marks.store import open_store

    _in_another_process(BOOKMARK_ELSEWHERE.format(True))
    with open_store() as store:
        _keep(library, _screen())
        _in_another_process(BOOKMARK_ELSEWHERE.format(False))
        assert store.is_current() is False
        assert _kept_marks(library) == ["    ", ""]


def test_opening_and_closing_the_marks_without_a_change_keeps_the_marks_drawn(
    library: Path,
) -> None:
    # Every connection opened makes an empty log beside the database (a read-only one
    # leaves it there): the next launch's marks must still be drawn after either.
    from paperbrowse.core.marks.store import open_store

    _in_another_process(BOOKMARK_ELSEWHERE.format(True))
    _keep(library, _screen())
    with open_store() as store:
        assert store.is_current()
        assert _kept_marks(library) == [" ★✓ ", ""]
    _in_another_process("open_store(create=False, read_only=True).all_marks()\n")
    assert _kept_marks(library) == [" ★✓ ", ""]


def test_a_killed_session_s_marks_are_drawn_while_its_log_is_as_it_left_it(
    library: Path,
) -> None:
    # A session killed leaves its commits in the log, never folded into the database:
    # its state as kept is the state the next launch finds.
    printed = _in_another_process(
        "import json, os\n"
        "from paperbrowse.core.first_screen import marks_state\n"
        "store = open_store()\n"
        "store.set_bookmarked('a1', True)\n"
        "print(json.dumps(marks_state()), flush=True)\n"
        "os._exit(0)\n"  # (killed: nothing closed)
    )
    assert json.loads(printed) == marks_state()
    keep_first_screen(
        [library], "newest", _screen(), file_state([library]), "", json.loads(printed)
    )
    assert _kept_marks(library) == [" ★✓ ", ""]


def test_a_screen_kept_without_its_marks_state_draws_its_marks_blank(library: Path) -> None:
    # (Not known: a commit came while the marks were read.)
    keep_first_screen([library], "newest", _screen(), file_state([library]), marks_as=None)
    assert _kept_marks(library) == ["    ", ""]


def test_the_marks_column_is_read_from_the_database_only_for_glyphs(tmp_path: Path) -> None:
    # (core.marks.glance, read for kept rows whose marks changed since they were kept.)
    from paperbrowse.core.marks.glance import glyph_marks
    from paperbrowse.core.marks.store import open_store

    database = tmp_path / "marks.sqlite"
    assert glyph_marks(database) == {}  # none yet: no marks, and no file made
    assert not database.exists()
    with open_store(database) as store:
        store.set_bookmarked("a1", True)
        store.save_note("b2", "  \n ")  # (blank: no note)
        store.save_note("c3", "a note")
        store.set_tags("d4", "only-a-tag")  # (a tag shows no glyph)
    assert glyph_marks(database) == {"a1": (True, False, False), "c3": (False, False, True)}
    database.write_bytes(b"not a database at all" * 100)
    assert glyph_marks(database) is None  # cannot be told: drawn blank


def test_kept_rows_whose_marks_cannot_be_read_now_are_drawn_blank(tmp_path: Path) -> None:
    path = tmp_path / "library.bib"
    path.write_text("@misc{a, title={A}}\n", encoding="utf-8")
    keep_first_screen([path], "newest", _screen(), read_as=file_state([path]), marks_as=None)
    kept = kept_first_screen([path], "newest", marks_now=lambda ids: None)
    assert kept is not None and [row.marks for row in kept.rows.kept] == ["    ", ""]
    kept = kept_first_screen([path], "newest", marks_now=lambda ids: [" ★  " for _ in ids])
    assert kept is not None and [row.marks for row in kept.rows.kept] == [" ★  ", " ★  "]
