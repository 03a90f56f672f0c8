"""A library's first launch draws its first screen from a second process started with
the app, before the app has read the library itself (``app.first_screen_ahead``)."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from app_helpers import browser, screen_text, wait_loaded, write_jsonl
from textual.pilot import Pilot

from paperbrowse.app import first_screen_ahead
from paperbrowse.app.app import PaperBrowseApp
from paperbrowse.app.screens.browser_parts.loading import LibraryLoader
from paperbrowse.core.first_screen import kept_first_screen
from paperbrowse.core.library import load
from paperbrowse.core.locations import database_path
from paperbrowse.core.marks.schema import migrate
from paperbrowse.core.marks.store import open_store

TITLES = ["Newest paper on graphs", "Middle paper on parsing", "Oldest paper on tagging"]


def _library(tmp_path: Path) -> Path:
    return write_jsonl(
        tmp_path / "library.jsonl",
        [
            {"title": title, "authors": [f"Author {n}"], "year": 2024 - n}
            for n, title in enumerate(TITLES)
        ],
    )


def _kept_files() -> list[Path]:
    return sorted(Path(os.environ["XDG_CACHE_HOME"]).rglob("first-screen/*.json"))


@pytest.fixture(autouse=True)
def a_core_idle(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on an idle machine (the tests' own runs keep both cores busy)."""
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))


def _started(path: Path) -> first_screen_ahead.SecondProcess:
    process = first_screen_ahead.start([path], None)
    assert process is not None
    return process


async def _launch_to_the_end(path: Path) -> None:
    async with PaperBrowseApp([path]).run_test() as pilot:
        await wait_loaded(pilot)


async def test_the_second_process_keeps_the_screen_the_app_itself_keeps(tmp_path: Path) -> None:
    # One screen, made two ways (first_screen_of in either): byte for byte the same, the
    # marks' glyphs included.
    path = _library(tmp_path)
    middle = next(paper for paper in load(path).papers if paper.title == TITLES[1])
    with open_store() as store:
        store.set_bookmarked(middle, True)
    first_screen_ahead.keep_ahead([path], "")
    (kept,) = _kept_files()
    by_the_second_process = kept.read_bytes()
    assert [row[-1] for row in json.loads(by_the_second_process)["rows"]] == [
        "    ",
        " ★  ",
        "    ",
    ]
    kept.unlink()
    await _launch_to_the_end(path)
    assert kept.read_bytes() == by_the_second_process


async def test_a_first_launch_draws_what_the_second_process_kept_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _library(tmp_path)
    assert not _kept_files()  # (a first launch: nothing kept)
    loads: list[LibraryLoader] = []

    def start(loader: LibraryLoader) -> bool:
        loads.append(loader)  # (held: the app reads nothing)
        return True

    monkeypatch.setattr(LibraryLoader, "start", start)
    # Waited for however long it takes: on a machine busy with other tests it can take
    # longer than the app's wait, and the app then reads the library itself.
    monkeypatch.setattr(first_screen_ahead, "WAIT_SECONDS", 60.0)
    process = _started(path)
    try:
        app = PaperBrowseApp([path], first_screen_ahead=process)
        async with app.run_test() as pilot:
            await _until(pilot, lambda: bool(loads))  # the load starts once it is drawn
            shown = screen_text(pilot)
            assert browser(pilot).library is None  # not read by the app
            assert all(title in shown for title in TITLES)
            assert "3 papers" in shown
    finally:
        first_screen_ahead.reap(process)


async def test_a_second_process_that_keeps_nothing_leaves_the_app_to_read_the_library(
    tmp_path: Path,
) -> None:
    path = _library(tmp_path)
    process = first_screen_ahead.forked(lambda: False)  # (ends, keeping nothing)
    assert process is not None
    try:
        async with PaperBrowseApp([path], first_screen_ahead=process).run_test() as pilot:
            await wait_loaded(pilot)
            assert all(title in screen_text(pilot) for title in TITLES)
    finally:
        first_screen_ahead.reap(process)


def test_a_second_process_never_comes_back_nor_writes_on_the_terminal(
    capfd: pytest.CaptureFixture[str],
) -> None:
    # Forked, it runs the launch's own code: returned into it, it would run a second app
    # on the same terminal; its output would be drawn over the app's.
    def noisy_and_failing() -> bool:
        print("from the second process")
        os.write(2, b"and on its error output")
        raise RuntimeError("whatever goes wrong in it")

    process = first_screen_ahead.forked(noisy_and_failing)
    assert process is not None  # (the test goes on only here, in the first process)
    first_screen_ahead.reap(process)
    assert process.returncode == 1
    assert capfd.readouterr() == ("", "")


def test_no_second_process_once_a_thread_runs(tmp_path: Path) -> None:
    # A fork copies only the thread that forks: a lock another held is never let go.
    let_go = threading.Event()
    thread = threading.Thread(target=let_go.wait)
    thread.start()
    try:
        assert first_screen_ahead.start([_library(tmp_path)], None) is None
    finally:
        let_go.set()
        thread.join()


def test_no_second_process_when_one_would_do_no_good(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _library(tmp_path)
    first_screen_ahead.keep_ahead([path], "")
    assert kept_first_screen([path], "newest") is not None
    assert first_screen_ahead.start([path], None) is None  # kept already
    assert first_screen_ahead.start([tmp_path], None) is None  # a folder
    big = write_jsonl(tmp_path / "big.jsonl", ["{}"] * (first_screen_ahead.MOST_BYTES // 2))
    assert first_screen_ahead.start([big], None) is None  # read faster by the app itself
    other = write_jsonl(tmp_path / "other.jsonl", [{"title": "T", "year": 2020}])
    monkeypatch.setattr(first_screen_ahead, "_cpus", lambda: 1)  # (the load idle)
    assert first_screen_ahead.start([other], None) is None  # it would take the app's core
    monkeypatch.setattr(first_screen_ahead, "_cpus", lambda: 2)
    monkeypatch.setattr(os, "getloadavg", lambda: (2.3, 1.0, 1.0))
    assert first_screen_ahead.start([other], None) is None  # no core idle on a busy machine


def test_a_second_process_beside_one_busy_core(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Forked, it gave the first rows sooner even beside a process keeping a core busy.
    monkeypatch.setattr(first_screen_ahead, "_cpus", lambda: 2)
    monkeypatch.setattr(os, "getloadavg", lambda: (1.5, 1.2, 1.0))
    process = _started(_library(tmp_path))
    first_screen_ahead.reap(process)
    assert process.returncode == 0


def test_the_second_process_only_reads_the_marks_database(tmp_path: Path) -> None:
    # Opened for writing, it switched an older database to WAL, migrated it and left a
    # .v2.bak beside it: the app's job, with the user's consent to its own version.
    path = _library(tmp_path)
    database = database_path()
    database.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(database, isolation_level=None)
    migrate(connection, target=2)
    connection.close()
    before = database.read_bytes()
    first_screen_ahead.keep_ahead([path], "")
    assert _kept_files()
    assert database.read_bytes() == before
    assert sorted(p.name for p in database.parent.iterdir()) == [database.name]


def test_a_second_process_is_not_left_a_zombie(tmp_path: Path) -> None:
    process = _started(_library(tmp_path))
    first_screen_ahead.wait(process)
    first_screen_ahead.reap(process)
    assert process.returncode == 0  # (collected: no zombie left for the session)
    assert process.output.closed


def test_a_path_that_is_not_utf_8_is_kept_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    # Written as UTF-8, its JSON raised: a .tmp was left at each launch and nothing kept.
    path = _library(tmp_path)
    odd = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9.jsonl"))
    path.rename(odd)
    first_screen_ahead.keep_ahead([odd], "")
    assert kept_first_screen([odd], "newest") is not None
    assert not list(Path(os.environ["XDG_CACHE_HOME"]).rglob("*.tmp"))


async def test_a_first_launch_of_several_researchers_draws_their_screen_kept_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Their names, which the header fits to the app's width, are kept as names by the
    second process (which does not know that width) and fitted when drawn: the header is
    the one the app draws once it has read the profiles itself. Their first launch was
    left to the app's own read."""
    lab = Path(__file__).resolve().parents[1] / "data" / "lab50"
    profiles = sorted(lab.glob("*.txt"))[:3]
    loads: list[LibraryLoader] = []

    def start(loader: LibraryLoader) -> bool:
        loads.append(loader)  # (held: the app reads nothing)
        return True

    with monkeypatch.context() as held:
        held.setattr(LibraryLoader, "start", start)
        held.setattr(first_screen_ahead, "WAIT_SECONDS", 60.0)  # (as above)
        process = first_screen_ahead.start(profiles, None)
        assert process is not None
        try:
            app = PaperBrowseApp(profiles, first_screen_ahead=process)
            async with app.run_test(size=(100, 30)) as pilot:
                await _until(pilot, lambda: bool(loads))  # the load starts once it is drawn
                assert browser(pilot).library is None  # not read by the app
                kept = screen_text(pilot).splitlines()[:2]
        finally:
            first_screen_ahead.reap(process)
    for path in _kept_files():
        path.unlink()  # (the app then reads the profiles itself)
    async with PaperBrowseApp(profiles).run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        read = screen_text(pilot).splitlines()[:2]
    assert kept == read
    first_name = profiles[0].read_text(encoding="utf-8").split("\n", 1)[0]
    assert first_name in "\n".join(kept)


async def _until(pilot: Pilot[Any], done: Any, rounds: int = 500) -> None:
    for _ in range(rounds):
        if done():
            return
        await pilot.pause(0.01)
    raise AssertionError("never happened")


async def test_a_second_process_done_before_the_app_is_reaped_during_the_session(
    tmp_path: Path,
) -> None:
    # Its screen drawn as kept at once, the process was waited for by nobody: a zombie
    # for the whole session.
    path = _library(tmp_path)
    process = _started(path)
    process.output.read()  # (done: its screen is kept)
    async with PaperBrowseApp([path], first_screen_ahead=process).run_test() as pilot:
        await _until(pilot, lambda: process.returncode is not None)
        assert process.output.closed
