"""Fixtures for the app tests: apps on the seed profile and on small hand-made libraries."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from app_helpers import MARKUP_TITLE, ROOT, SEED, SEED_AS_OF, write_jsonl

from paperbrowse.app.app import PaperBrowseApp


@pytest.fixture(autouse=True)
def _true_colour_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Apps under test see a true-colour terminal, whatever TERM the test run has.

    The list draws its cursor in reverse video on 16-colour and NO_COLOR terminals;
    without this, snapshots would depend on the TERM of the shell (or CI) running them.
    """
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture(autouse=True)
def _no_web_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    """``o`` (a test's, or the key fuzz's) never starts a web browser: it is told one ran.
    A test about ``o`` replaces this with its own."""
    monkeypatch.setattr("webbrowser.open", lambda url, *args, **kwargs: True)


@pytest.fixture
def seed_app() -> Callable[[], PaperBrowseApp]:
    """A factory: the app on the bundled seed profile, dates fixed with ``as_of``."""
    return lambda: PaperBrowseApp([SEED], as_of=SEED_AS_OF)


@pytest.fixture
def seed_relative(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The seed as a path relative to the checkout, so screens do not show where it lives."""
    monkeypatch.chdir(ROOT)
    yield SEED.relative_to(ROOT)


@pytest.fixture
def tricky_library(tmp_path: Path) -> Path:
    """Papers with markup-like text and links of every kind, and one broken line."""
    return write_jsonl(
        tmp_path / "tricky.jsonl",
        [
            {
                "title": MARKUP_TITLE,
                "authors": ["Ann [link=https://evil.example]Bee[/link]"],
                "year": 2024,
                "month": 3,
                "abstract": "Abstract with [italic]brackets[/italic] and [$var] too.",
                "url": "https://example.org/markup",
            },
            {
                "title": "A paper whose only link is not a web link",
                "authors": ["Carla Dee"],
                "year": 2023,
                "url": "javascript:alert(1)",
            },
            "{this line is not JSON",
            {
                "title": "Graph networks\x1b[31m for\x07 molecules\x1b]0;pwned\x07",
                "authors": ["Eve\x1b[2J Fox"],
                "year": 2022,
                "abstract": "Escape codes \x1b[5mblink\x1b[0m never reach the terminal.",
            },
        ],
    )


@pytest.fixture
def notifications_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every notification an app gives is kept for ``app_helpers.notified``, shown or
    expired already (each expires after 2-10 s: on a busy machine a test's waits outlasted
    the 3 s of "Reloaded", read from the app's live list, and the test failed three times
    in CI)."""
    notify = PaperBrowseApp.notify

    def keeping(self: PaperBrowseApp, message: Any, *args: Any, **kwargs: Any) -> None:
        self.__dict__.setdefault("given", []).append(str(message))
        notify(self, message, *args, **kwargs)

    monkeypatch.setattr(PaperBrowseApp, "notify", keeping)
