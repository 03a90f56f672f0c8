"""Key mashing on every screen never ends the app, and the browser still works afterwards.

Hypothesis draws bursts of keys, typed text, pastes and mouse clicks (tests/app/key_mash.py,
never a quit key). Each burst goes through Textual's own terminal input parser and is
posted at once, as when tmux or a fast typist writes several keys in one read: the
races between a key and a screen still being built only show that way. One app serves
all the examples of a test (a new one only after a crash), so 200 examples stay quick.
"""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from app_helpers import (
    SEED,
    SEED_AS_OF,
    send_keys,
    settle,
    still_alive,
    wait_loaded,
    write_jsonl,
)
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from key_mash import ALL_KEYS, TEXT_CHARACTERS, Token, click, key, paste, raw, text
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.screen import Screen

from paperbrowse.app import app as app_module
from paperbrowse.app.app import PaperBrowseApp
from paperbrowse.app.screens.author import AuthorPapers, AuthorPicker
from paperbrowse.app.screens.browser import BrowserScreen
from paperbrowse.app.screens.export_dialog import ExportDialog
from paperbrowse.app.screens.help import HelpScreen
from paperbrowse.app.screens.note_editor import NoteEditor
from paperbrowse.app.screens.problems import ProblemsScreen
from paperbrowse.app.screens.stats import StatsScreen
from paperbrowse.app.screens.tags import TagsScreen

SIZE = (100, 30)
ESCAPES_TO_BROWSER = 8  # a failed note save asks for two; the palette, help and dialogs one
ESCAPE = raw("\x1b")


class MashedApp(PaperBrowseApp):
    """The app, except that quitting (a click on the footer's Quit, the palette's Quit command)
    keeps it running: the fuzz never types a quit key, but it clicks and types at random."""

    CSS_PATH = str(Path(app_module.__file__).with_name("paperbrowse.tcss"))  # else beside this file

    async def action_quit(self) -> None:
        for screen in self.screen_stack:
            flush = getattr(screen, "flush", None)
            if callable(flush):
                flush()


class Masher:
    """One running app for many examples; a new one after a crash."""

    def __init__(self, make_app: Callable[[], PaperBrowseApp]) -> None:
        self.make_app = make_app
        self.stack: contextlib.AsyncExitStack | None = None
        self.app: PaperBrowseApp
        self.pilot: Pilot[Any]

    async def start(self) -> None:
        self.stack = contextlib.AsyncExitStack()
        self.app = self.make_app()
        self.pilot = await self.stack.enter_async_context(self.app.run_test(size=SIZE))
        await wait_loaded(self.pilot)

    async def stop(self) -> None:
        if self.stack is not None:
            with contextlib.suppress(Exception):  # the crash itself was reported already
                await self.stack.aclose()
            self.stack = None

    @property
    def alive(self) -> bool:
        return still_alive(self.app)

    def crash_report(self) -> str:
        error = self.app._exception
        if error is None:
            return f"the app exited (return code {self.app.return_code})"
        cause = getattr(error, "error", None)  # a WorkerFailed carries the worker's error
        errors = [cause, error] if isinstance(cause, BaseException) else [error]
        return "\n".join("".join(traceback.format_exception(e)) for e in errors)

    async def send(self, burst: list[Token]) -> None:
        await send_keys(self.pilot, "".join(token.data for token in burst))

    async def to_browser(self) -> None:
        """Escape back to the browser, as a user would; pop what escape does not close."""
        for _ in range(ESCAPES_TO_BROWSER):
            if not self.alive:
                return
            browser = self.app.browser
            if (
                len(self.app.screen_stack) == 1
                and not browser.search_bar.value
                # (an empty search bar keeps the focus till escape: "/" typed there is text)
                and not browser.search_bar.input.has_focus
            ):
                return
            await self.send([ESCAPE])
        while len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        await settle(self.pilot)

    async def assert_browser_works(self) -> None:
        """After the mashing: a query typed in one burst finds its papers; escape clears it."""
        await self.to_browser()
        browser = self.app.browser
        assert isinstance(self.app.screen, BrowserScreen)
        await self.send([raw("/unlearning")])
        await self.send([raw("\r")])
        assert browser.paper_list.has_focus
        assert browser.results is not None and browser.results.query == "unlearning"
        assert browser.paper_list.paper is not None
        assert "Unlearning" in browser.paper_list.paper.title
        await self.send([ESCAPE])
        assert browser.search_bar.value == ""
        assert browser.shown == browser.total
        assert self.alive, self.crash_report()

    async def open(self, opener: tuple[str, ...]) -> None:
        await self.to_browser()
        self.app.browser.set_focus(self.app.browser.paper_list)
        for data in opener:
            await self.send([raw(data)])


@pytest.fixture
async def masher(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Masher]:
    """The seed profile plus a file with a broken line (so "w" has problems to show)."""
    monkeypatch.chdir(tmp_path)  # exports and screenshots land here
    broken = write_jsonl(
        tmp_path / "broken.jsonl",
        [
            {
                "title": "A [bold]markup[/bold] title",
                "authors": ["Ann Bee", "Carla Dee"],
                "year": 2024,
                "abstract": "Text with [link=http://x]y[/link] in it.",
            },
            "{not json",
        ],
    )
    runner = Masher(lambda: MashedApp([SEED, broken], as_of=SEED_AS_OF))
    await runner.start()
    yield runner
    try:
        if runner.alive:  # (a crash has failed the test already)
            await runner.assert_browser_works()
    finally:
        await runner.stop()


tokens = st.one_of(
    st.sampled_from(ALL_KEYS).map(lambda pair: key(*pair)),
    st.text(TEXT_CHARACTERS, min_size=1, max_size=6).map(text),
    st.text(TEXT_CHARACTERS + "\n", min_size=1, max_size=30).map(paste),
    st.builds(
        click,
        st.integers(0, SIZE[0] - 1),
        st.integers(0, SIZE[1] - 1),
        st.sampled_from((0, 0, 2, 64, 65)),
        st.sampled_from((1, 2)),
    ),
)
bursts = st.lists(st.lists(tokens, min_size=1, max_size=8), min_size=1, max_size=6)


# (name, what a terminal sends to open the screen, one write each, the screen, examples):
# 200 examples in all, more where more can go wrong.
SCREENS: list[tuple[str, tuple[str, ...], type[Screen[Any]], int]] = [
    ("browser", (), BrowserScreen, 40),
    ("palette", ("\x10",), CommandPalette, 30),
    ("help", ("?",), HelpScreen, 10),
    ("authors", ("a",), AuthorPicker, 20),
    ("author-papers", ("a", "\r"), AuthorPapers, 15),
    ("tags", ("t",), TagsScreen, 15),
    ("note", ("n",), NoteEditor, 15),
    ("export", ("e",), ExportDialog, 20),
    ("stats", ("S",), StatsScreen, 20),
    ("problems", ("w",), ProblemsScreen, 15),
]


async def mash(masher: Masher, name: str, keys: list[list[Token]]) -> None:
    _, opener, screen, _ = next(entry for entry in SCREENS if entry[0] == name)
    if not masher.alive:  # an earlier example crashed it: start afresh
        await masher.stop()
        await masher.start()
    if not isinstance(masher.app.screen, screen):  # else mash on from where the last one left
        await masher.open(opener)
        shown = masher.app.screen
        assert isinstance(shown, screen), f"{opener} opened {shown} (focus {masher.app.focused})"
    for burst in keys:
        await masher.send(burst)
        if not masher.alive:
            break
    assert masher.alive, f"{masher.crash_report()}\nafter the bursts {keys}"


def fuzz_test(name: str) -> Any:
    examples = next(entry[3] for entry in SCREENS if entry[0] == name)

    @settings(
        max_examples=examples,
        deadline=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking takes minutes
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(keys=bursts)
    async def test(masher: Masher, keys: list[list[Token]]) -> None:
        await mash(masher, name, keys)

    return test


test_mash_browser = fuzz_test("browser")
test_mash_palette = fuzz_test("palette")
test_mash_help = fuzz_test("help")
test_mash_author_picker = fuzz_test("authors")
test_mash_author_papers = fuzz_test("author-papers")
test_mash_tags = fuzz_test("tags")
test_mash_note_editor = fuzz_test("note")
test_mash_export = fuzz_test("export")
test_mash_stats = fuzz_test("stats")
test_mash_problems = fuzz_test("problems")
