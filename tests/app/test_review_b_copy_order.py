"""Review (review-b): a slow Y must not overwrite a later copy."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from app_helpers import settle, wait_loaded, write_jsonl

from paperbrowse.app.app import PaperBrowseApp

SIZE = (120, 35)
PAPERS = [
    {"title": "Catastrophic forgetting in language models", "authors": ["Lei Wang"], "year": 2024},
    {"title": "Attention is not explanation", "authors": ["Sarthak Jain"], "year": 2019},
]


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "papers.jsonl", PAPERS)


async def test_a_slow_capital_y_does_not_overwrite_a_later_y(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Y with thousands marked takes a second; the user presses y (title and authors) in
    the meantime: the clipboard must end with what was copied last."""
    from paperbrowse.core.formats import export as module

    original = module.export_papers
    started = threading.Event()

    def slow(*args: Any, **kwargs: Any) -> str:
        started.set()
        time.sleep(0.5)  # thousands of papers
        return original(*args, **kwargs)

    monkeypatch.setattr(module, "export_papers", slow)
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        copied: list[str] = []
        pilot.app.copy_to_clipboard = copied.append  # type: ignore[method-assign,assignment]
        await pilot.press("Y")
        for _ in range(100):
            if started.is_set():
                break
            await pilot.pause(0.01)
        await pilot.press("y")  # copy title, authors, link: done at once
        await settle(pilot)
        assert not copied[-1].startswith("@"), f"y's copy was overwritten by the older Y: {copied!r}"


async def test_quitting_while_capital_y_writes(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Quit (q) while the BibTeX is still being written: the app exits, no error."""
    from paperbrowse.core.formats import export as module

    original = module.export_papers
    started = threading.Event()
    finished = threading.Event()

    def slow(*args: Any, **kwargs: Any) -> str:
        started.set()
        time.sleep(0.5)
        try:
            return original(*args, **kwargs)
        finally:
            finished.set()

    monkeypatch.setattr(module, "export_papers", slow)
    app = PaperBrowseApp([library])
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        copied: list[str] = []
        pilot.app.copy_to_clipboard = copied.append  # type: ignore[method-assign,assignment]
        await pilot.press("Y")
        for _ in range(100):
            if started.is_set():
                break
            await pilot.pause(0.01)
        await pilot.press("q")
        await pilot.pause(0.1)
    assert finished.wait(2)
    print("return code", app.return_code, "copied", copied)
