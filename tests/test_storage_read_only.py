"""A data folder on a read-only file system: said to be read-only (not damaged), marks shown."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from paperbrowse.core import storage_open
from paperbrowse.core.storage import ReadOnlyError, Store


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

    monkeypatch.setattr(storage_open.os, "statvfs", ReadOnlyMount)
    with Store.open(db) as store:
        assert store.problem == f"{db} is on a read-only file system; marks are shown but not saved"
        assert store.marks("paper").note == "kept"
