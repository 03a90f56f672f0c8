"""Several processes on one marks database: writing at once, and being killed mid-write."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from paperbrowse.core.storage import Store

# A writer process: marks papers and prints a line after each committed change.
WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from paperbrowse.core.storage import Store

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
    from paperbrowse.core.storage import Store

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
    from paperbrowse.core.storage import Store

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
