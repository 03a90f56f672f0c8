"""A data folder on a read-only file system: said to be read-only (not damaged), marks shown."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from paperbrowse.core.marks.store import ReadOnlyError, Store


def mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@pytest.fixture
def read_only_mount(tmp_path: Path) -> Iterator[tuple[Path, Callable[[], None]]]:
    """A tmpfs of our own, and a function that remounts it read-only."""
    folder = tmp_path / "mnt"
    folder.mkdir()
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("mounting a read-only file system needs root")
    if not mount("-t", "tmpfs", "-o", "size=8m", "tmpfs", str(folder)):
        pytest.skip("this machine does not let us mount a tmpfs (no CAP_SYS_ADMIN?)")

    def make_read_only() -> None:
        if not mount("-o", "remount,ro", str(folder)):
            pytest.skip("cannot remount our tmpfs read-only")

    try:
        yield folder, make_read_only
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def test_marks_on_a_read_only_file_system_are_shown_and_said_read_only(
    read_only_mount: tuple[Path, Callable[[], None]],
) -> None:
    folder, make_read_only = read_only_mount
    db = folder / "data" / "marks.sqlite3"
    with Store.open(db) as store:
        store.save_note("paper", "kept")
        store.set_bookmarked("paper", True)
    make_read_only()
    with Store.open(db) as store:
        assert store.problem == f"{db} is on a read-only file system; marks are shown but not saved"
        assert store.read_only
        assert store.marks("paper").note == "kept" and store.marks("paper").bookmarked
        with pytest.raises(ReadOnlyError, match="read-only file system"):
            store.set_read("paper", True)
    # A command that only reads has nothing to warn about.
    with Store.open(db, read_only=True) as reader:
        assert reader.problem is None and reader.marks("paper").note == "kept"


def test_a_new_data_folder_on_a_read_only_file_system_is_said_read_only(
    read_only_mount: tuple[Path, Callable[[], None]],
) -> None:
    folder, make_read_only = read_only_mount
    (folder / "data").mkdir()
    make_read_only()
    for db in (folder / "data" / "marks.sqlite3", folder / "new" / "marks.sqlite3"):
        with Store.open(db) as store:
            assert store.problem == (
                f"{db} is on a read-only file system; marks are shown but not saved"
            )
        assert not db.exists()


def test_a_read_only_mount_is_told_apart_from_damage_where_mounting_is_not_possible(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What statvfs says of a read-only mount, for machines where the test above skips.
    db = tmp_path / "data" / "marks.sqlite3"
    with Store.open(db) as store:
        store.save_note("paper", "kept")
    real = os.statvfs

    class ReadOnlyMount:
        def __init__(self, place: Path) -> None:
            self.f_flag = real(place).f_flag | os.ST_RDONLY

    monkeypatch.setattr("paperbrowse.core.marks.opening.os.statvfs", ReadOnlyMount)
    with Store.open(db) as store:
        assert store.problem == f"{db} is on a read-only file system; marks are shown but not saved"
        assert store.marks("paper").note == "kept"


def as_a_normal_user(action: Callable[[], list[str | None]]) -> list[str | None]:
    """``action()`` run without root's power to write anywhere (in a child, as nobody)."""
    if os.geteuid() != 0:
        return action()
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through the pipe
        try:
            os.setgid(65534)
            os.setuid(65534)
            answer = json.dumps(action())
        except BaseException as error:
            answer = json.dumps([f"child failed: {error!r}"])
        os.write(write_end, answer.encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        answer = pipe.read()
    os.waitpid(child, 0)
    result: list[str | None] = json.loads(answer)
    return result


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder anyone may enter (pytest's own are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="paperbrowse-"))
    folder.chmod(0o755)
    yield folder
    for place in (folder, *folder.rglob("*")):
        place.chmod(0o755)
    shutil.rmtree(folder)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to drop root")
def test_a_folder_the_user_may_not_write_is_said_read_only_not_damaged(
    shared_folder: Path,
) -> None:
    db = shared_folder / "data" / "marks.sqlite3"
    with Store.open(db) as store:
        store.save_note("paper", "kept")
    db.chmod(0o666)  # the file may be written; its folder, where SQLite's side files go, not
    db.parent.chmod(0o555)

    def open_it() -> list[str | None]:
        with Store.open(db) as store, Store.open(db, read_only=True) as reader:
            return [store.problem, store.marks("paper").note, reader.problem]

    assert as_a_normal_user(open_it) == [
        f"{db} is in a folder you may not write to; marks are shown but not saved",
        "kept",
        None,
    ]
