"""Several processes on one marks database: writing at once, and being killed mid-write."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from paperbrowse.core.marks.store import Store

# A writer process: marks papers and prints a line after each committed change.
WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from paperbrowse.core.marks.store import Store

    db, name, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    store = Store.open(db)
    assert store.problem is None, store.problem
    print("ready", flush=True)
    while not db.with_name("go").exists():  # start together, so the writes overlap
        time.sleep(0.001)
    for number in range(count):
        store.set_bookmarked(f"{name}-{number}", True)
        store.add_tags("shared", [f"{name}{number}"])
        store.save_note("shared-note", f"{name} {number}")
        print(number, flush=True)
    """
)

# Types a note for ever, a keystroke at a time, saving after each one.
TYPIST = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from paperbrowse.core.marks.store import Store

    store = Store.open(Path(sys.argv[1]))
    text = ""
    for number in range(10**9):
        text += "abcdefghij"[number % 10]
        store.save_note("typed", text)
        store.set_read(f"paper-{number}", True)
        print(len(text), flush=True)
    """
)


def start(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "marks.sqlite3"
    Store.open(db).close()  # both start on an existing database
    count = 150
    writers = [start(WRITER, str(db), name, str(count)) for name in ("left", "right")]
    for writer in writers:
        assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
    (tmp_path / "go").touch()
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        assert out.split()[-1] == str(count - 1)
    with Store.open(db) as store:
        marks = store.all_marks()
        for name in ("left", "right"):
            assert all(marks[f"{name}-{n}"].bookmarked for n in range(count))
        # Both processes added tags to one paper: every one of them is there.
        expected = {f"{name}{n}" for name in ("left", "right") for n in range(count)}
        assert set(marks["shared"].tags) == expected
        assert marks["shared-note"].note in (f"left {count - 1}", f"right {count - 1}")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_process_killed_while_saving_keeps_every_committed_change(tmp_path: Path) -> None:
    db = tmp_path / "marks.sqlite3"
    typist = start(TYPIST, str(db))
    assert typist.stdout is not None
    confirmed = 0
    for line in typist.stdout:
        confirmed = int(line)
        if confirmed >= 300:
            break
    os.kill(typist.pid, signal.SIGKILL)
    typist.wait(timeout=30)
    assert typist.returncode == -signal.SIGKILL
    # The process died with its write-ahead log open; the next opener recovers it.
    with Store.open(db) as store:
        assert store.problem is None and not store.read_only
        note = store.marks("typed").note
        # Everything it confirmed is there; at most the save in flight is extra.
        assert len(note) in (confirmed, confirmed + 1)
        assert note == ("abcdefghij" * 100)[: len(note)]
        read = [pid for pid, marks in store.all_marks().items() if marks.read]
        assert len(read) >= confirmed
        assert all(store.marks(f"paper-{n}").read for n in range(confirmed))


OPENER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from paperbrowse.core.marks.store import Store

    store = Store.open(Path(sys.argv[1]))
    print(store.problem or "ok")
    store.set_bookmarked(sys.argv[2], True)
    """
)


def test_two_processes_opening_an_old_file_at_once_migrate_it_once(tmp_path: Path) -> None:
    from test_storage import GRAPHS, make_version_1

    db = tmp_path / "marks.sqlite3"
    make_version_1(db)
    openers = [start(OPENER, str(db), name) for name in ("one", "two", "three")]
    for opener in openers:
        out, err = opener.communicate(timeout=60)
        assert opener.returncode == 0, err
        assert out.strip() == "ok"
    with Store.open(db) as store:
        assert store.marks(GRAPHS.id).note == "old note"
        assert all(store.marks(name).bookmarked for name in ("one", "two", "three"))
    assert sorted(p.name for p in tmp_path.iterdir() if ".bak" in p.name) == [
        "marks.sqlite3.v1.bak"
    ]


# A window in its own process, driven line by line: each command is one JSON list,
# each answer one JSON object, as an editor in that window would do it.
WINDOW = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from paperbrowse.core.marks.store import Store, tag_changes

    store = Store.open(Path(sys.argv[1]))
    print(json.dumps({"problem": store.problem}), flush=True)
    for line in sys.stdin:
        command, paper, *rest = json.loads(line)
        store.refresh()
        if command == "open":  # what an editor shows when it opens
            marks = store.marks(paper)
            answer = {"tags": list(marks.tags), "note": marks.note}
        elif command == "tags":  # the user typed rest[1] in a dialog that opened with rest[0]
            added, removed = tag_changes(rest[0], rest[1])
            answer = {"tags": list(store.change_tags(paper, add=added, remove=removed).tags)}
        else:  # "note": the editor holds rest[0] and opened with rest[1]
            saved = store.save_edited_note(paper, rest[0], rest[1])
            answer = {"note": saved.marks.note, "merged": saved.merged}
        print(json.dumps(answer), flush=True)
    """
)


class Window:
    """One paperbrowse window in its own process, on the shared data folder."""

    def __init__(self, db: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", WINDOW, str(db)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.ask() == {"problem": None}

    def ask(self, *command: object) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        if command:
            self.process.stdin.write(json.dumps(command) + "\n")
            self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, self.process.stderr.read() if self.process.stderr else ""
        answer: dict[str, Any] = json.loads(line)
        return answer

    def close(self) -> None:
        _, err = self.process.communicate(timeout=30)
        assert self.process.returncode == 0, err


@pytest.fixture
def windows(tmp_path: Path) -> Iterator[tuple[Window, Window]]:
    db = tmp_path / "marks.sqlite3"
    Store.open(db).close()
    pair = (Window(db), Window(db))
    yield pair
    for window in pair:
        window.close()


def test_tags_from_two_windows_are_changes_not_replacements(
    windows: tuple[Window, Window],
) -> None:
    a, b = windows
    a.ask("tags", "p", "", "x")
    opened = ", ".join(a.ask("open", "p")["tags"])  # A's dialog opens on "x"
    assert opened == "x"
    assert b.ask("tags", "p", "x", "x y")["tags"] == ["x", "y"]  # B adds y
    assert a.ask("tags", "p", opened, "x, z")["tags"] == ["x", "y", "z"]
    assert a.ask("tags", "p", "x, z", "z")["tags"] == ["y", "z"]  # A removes x; y stays
    assert b.ask("open", "p")["tags"] == ["y", "z"]


def test_notes_from_two_windows_keep_both_texts(windows: tuple[Window, Window]) -> None:
    a, b = windows
    a.ask("note", "p", "start", "")
    opened = a.ask("open", "p")["note"]
    assert b.ask("open", "p")["note"] == opened == "start"  # both editors open on it
    assert b.ask("note", "p", "B wrote this", opened) == {"note": "B wrote this", "merged": False}
    saved = a.ask("note", "p", "A wrote this", opened)  # B's save is not overwritten
    assert saved["merged"]
    merged = saved["note"]
    assert merged.startswith("<<<<<<< one window, saved ")
    assert "\nA wrote this\n=======\nB wrote this\n>>>>>>> another window, saved " in merged
    # A's next autosaves start from the merged text: no second conflict block.
    again = a.ask("note", "p", merged + "\nand more", merged)
    assert again == {"note": merged + "\nand more", "merged": False}
    # B, still showing its own text, saves again: merged into its half, not nested.
    later = b.ask("note", "p", "B wrote this, and more", "B wrote this")
    assert later["merged"] and later["note"].count("<<<<<<<") == 1
    assert "\nB wrote this, and more\n>>>>>>> " in later["note"]
    assert later["note"].endswith("\nand more")
    assert a.ask("open", "p")["note"] == later["note"]


# An editor typing a line at a time and saving after each, as the note editor does:
# it starts from what it last saved, and takes up the merged text when told.
EDITOR = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from paperbrowse.core.marks.store import Store

    db, name, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    store = Store.open(db)
    print("ready", flush=True)
    while not db.with_name("go").exists():
        time.sleep(0.001)
    opened = text = store.marks("shared").note
    for number in range(count):
        text += f"\\n{name} line {number}"
        saved = store.save_edited_note("shared", text, opened)
        opened = text = saved.marks.note
        time.sleep(0.003)  # a typist's pause, so the two interleave
    print("done", flush=True)
    """
)


def test_two_editors_typing_into_one_note_at_once_lose_no_line(tmp_path: Path) -> None:
    db = tmp_path / "marks.sqlite3"
    with Store.open(db) as store:
        store.save_note("shared", "the note")
    count = 40
    editors = [start(EDITOR, str(db), name, str(count)) for name in ("left", "right")]
    for editor in editors:
        assert editor.stdout is not None and editor.stdout.readline() == "ready\n"
    (tmp_path / "go").touch()
    for editor in editors:
        out, err = editor.communicate(timeout=120)
        assert editor.returncode == 0 and out == "done\n", err
    with Store.open(db) as store:
        lines = store.marks("shared").note.split("\n")
    typed = [f"{name} line {number}" for name in ("left", "right") for number in range(count)]
    assert sorted(lines) == sorted(["the note", *typed])  # each line once, none lost
