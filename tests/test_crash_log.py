"""crash.log keeps every crash, newest last, each with its time, within a size cap."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from paperbrowse.core import crash_log
from paperbrowse.core.crash_log import record_crash

WHEN = dt.datetime(2026, 12, 7, 23, 45, 12, tzinfo=dt.UTC)


def crash_in_the_app(app: Any, error: Exception) -> None:
    """What happens when a bug stops the app: Textual calls ``_fatal_error`` in its
    ``except``."""
    try:
        raise error
    except Exception:
        app._fatal_error()


def test_a_second_crash_keeps_the_first_one_s_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The second crash overwrote the log: the first traceback, maybe the one reported
    # as the cause, was gone.
    from paperbrowse.app.app import PaperBrowseApp

    monkeypatch.setenv("PAPERBROWSE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(PaperBrowseApp, "_close_messages_no_wait", lambda self: None)
    for planted in ("first planted bug", "second planted bug"):
        app = PaperBrowseApp([])
        crash_in_the_app(app, RuntimeError(planted))
    assert app.crash_log == tmp_path / "cache" / "crash.log"
    log = app.crash_log.read_text(encoding="utf-8")
    assert log.count("Traceback (most recent call last)") == 2
    assert log.index("first planted bug") < log.index("second planted bug")
    assert log.count(" UTC, paperbrowse ") == 2  # each crash's time stamp


def test_each_crash_starts_with_its_time_and_version(tmp_path: Path) -> None:
    log = record_crash("Traceback (most recent call last):\nValueError: x\n", tmp_path, WHEN)
    assert log == tmp_path / "crash.log"
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("=== 2026-12-07 23:45:12 UTC, paperbrowse ")
    assert lines[1:] == ["Traceback (most recent call last):", "ValueError: x"]


def test_past_the_cap_the_oldest_crashes_go_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(crash_log, "MAX_BYTES", 1_000)
    for number in range(10):
        record_crash(f"crash {number}\n" + "x" * 200 + "\n", tmp_path, WHEN)
    log = (tmp_path / "crash.log").read_text(encoding="utf-8")
    assert len(log.encode()) <= 1_000
    assert "crash 9" in log and "crash 8" in log and "crash 0" not in log
    assert log.startswith("=== ")  # whole crashes kept, not one cut in two


def test_one_crash_longer_than_the_cap_keeps_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(crash_log, "MAX_BYTES", 1_000)
    record_crash("earlier\n", tmp_path, WHEN)
    record_crash("frames\n" * 500 + "RecursionError: the cause\n", tmp_path, WHEN)
    log = (tmp_path / "crash.log").read_text(encoding="utf-8")
    assert len(log.encode()) <= 1_000
    assert log.endswith("RecursionError: the cause\n") and "earlier" not in log


def test_a_crash_after_the_app_s_own_files_changed_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A running app imports some modules when first used; upgraded meanwhile (pip in
    # another terminal), it loaded a newer module that did not fit and stopped with
    # "an internal error ... Please report it": a restart was all it needed.
    import os

    from paperbrowse.app.app import PaperBrowseApp

    package = tmp_path / "package"
    package.mkdir()
    (package / "export_dialog.py").write_text("", encoding="utf-8")
    monkeypatch.setattr(crash_log, "PACKAGE_FOLDER", package)
    monkeypatch.setenv("PAPERBROWSE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(PaperBrowseApp, "_close_messages_no_wait", lambda self: None)
    app = PaperBrowseApp([])
    crash_in_the_app(app, ImportError("cannot import name 'full_name'"))
    assert not app.files_changed, "nothing had changed"
    later = app.started_at + 60
    os.utime(package / "export_dialog.py", (later, later))
    app = PaperBrowseApp([])
    app.started_at = later - 30
    crash_in_the_app(app, ImportError("cannot import name 'full_name'"))
    assert app.files_changed
