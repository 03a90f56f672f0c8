"""The command palette's "Screenshot": saved where a folder is or can be made, and said where."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from app_helpers import notified, settle, wait_for, wait_loaded
from textual.pilot import Pilot

from paperbrowse.app.app import PaperBrowseApp

AppFactory = Callable[[], PaperBrowseApp]
pytestmark = pytest.mark.usefixtures("notifications_kept")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh account's home: empty, no Downloads folder (and no user-dirs.dirs naming one:
    the tests' XDG_CONFIG_HOME is a folder of their own)."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.delenv("XDG_DOWNLOAD_DIR", raising=False)
    return folder


def said(pilot: Pilot[Any]) -> str:
    """Every notification the app gave, one a line."""
    assert isinstance(pilot.app, PaperBrowseApp)
    return notified(pilot.app)


async def screenshot_from_the_palette(pilot: Pilot[Any]) -> None:
    await pilot.press("ctrl+p", *"screenshot")
    await settle(pilot)
    await pilot.press("enter")
    await wait_for(pilot, lambda: "creenshot" in said(pilot))


async def test_a_screenshot_goes_to_a_downloads_folder_made_for_it(
    seed_app: AppFactory, home: Path
) -> None:
    async with seed_app().run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await screenshot_from_the_palette(pilot)
        saved = list((home / "Downloads").glob("*.svg"))
        assert len(saved) == 1, said(pilot)
        assert "<svg" in saved[0].read_text(encoding="utf-8")
        assert str(saved[0]) in said(pilot)


async def test_a_screenshot_goes_to_the_data_folder_when_downloads_cannot_be_made(
    seed_app: AppFactory, home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (home / "Downloads").write_text("a file where the folder would be", encoding="utf-8")
    monkeypatch.setenv("PAPERBROWSE_DATA_DIR", str(tmp_path / "data"))
    async with seed_app().run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await screenshot_from_the_palette(pilot)
        saved = list((tmp_path / "data" / "screenshots").glob("*.svg"))
        assert len(saved) == 1, said(pilot)
        assert str(saved[0]) in said(pilot)
    assert (home / "Downloads").read_text(encoding="utf-8") == "a file where the folder would be"


async def test_a_screenshot_that_cannot_be_saved_says_why_in_one_line(
    seed_app: AppFactory, home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (home / "Downloads").write_text("", encoding="utf-8")
    (tmp_path / "data").write_text("", encoding="utf-8")
    monkeypatch.setenv("PAPERBROWSE_DATA_DIR", str(tmp_path / "data"))
    async with seed_app().run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await screenshot_from_the_palette(pilot)
        assert any(
            "not saved" in line and str(home / "Downloads") in line
            for line in said(pilot).splitlines()
        ), said(pilot)
