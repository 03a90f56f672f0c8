"""A launch draws what the last launch on the same files showed first, then reads them.

The kept screen (``core.first_screen``) is only drawn: no paper in it can be acted on,
and the library read replaces it, keeping the row the cursor was moved to.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from app_helpers import (
    MARKUP_TITLE,
    browser,
    highlighted,
    notified,
    screen_text,
    wait_for,
    wait_loaded,
    write_jsonl,
)
from textual.pilot import Pilot

from paperbrowse.app.app import PaperBrowseApp
from paperbrowse.app.glyphs import kept_mark_column
from paperbrowse.app.header_text import text_kept
from paperbrowse.app.screens.browser_parts.loading import LibraryLoader
from paperbrowse.app.screens.problems import ProblemsScreen
from paperbrowse.core import first_screen

TITLES = ["Newest paper on graphs", "Middle paper on parsing", MARKUP_TITLE]


def _library(tmp_path: Path) -> Path:
    return write_jsonl(
        tmp_path / "library.jsonl",
        [
            {"title": title, "authors": [f"Author {n}"], "year": 2024 - n}
            for n, title in enumerate(TITLES)
        ],
    )


async def _launch_to_the_end(path: Path) -> None:
    """A launch that reads the library and finishes its background work (the keeping)."""
    app = PaperBrowseApp([path])
    async with app.run_test() as pilot:
        await wait_loaded(pilot)


def _loads_held(monkeypatch: pytest.MonkeyPatch) -> list[Callable[[], bool]]:
    """From now on, the loads the app starts are held: each starts when the test calls it."""
    held: list[Callable[[], bool]] = []
    start = LibraryLoader.start

    def hold(loader: LibraryLoader) -> bool:
        held.append(lambda: start(loader))
        return True

    monkeypatch.setattr(LibraryLoader, "start", hold)
    return held


@contextlib.asynccontextmanager
async def _launched_held(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[Pilot[Any], Callable[[], bool]]]:
    """The app launched on ``path`` with its load held (what was kept from the launch
    before shows meanwhile): its pilot, and the call that starts the load."""
    held = _loads_held(monkeypatch)
    app = PaperBrowseApp([path])
    async with app.run_test() as pilot:
        await pilot.pause()
        yield pilot, held[0]


async def test_the_last_launch_s_papers_are_drawn_before_the_library_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, notifications_kept: None
) -> None:
    monkeypatch.chdir(tmp_path)  # opened by its name: a long folder would cut it at 80 columns
    path = _library(tmp_path).relative_to(tmp_path)
    await _launch_to_the_end(path)
    async with _launched_held(path, monkeypatch) as (pilot, start_load):
        shown = screen_text(pilot)
        assert browser(pilot).library is None  # not read yet
        for title in TITLES:  # (the markup-like title as text, as the file has it)
            assert title in shown
        assert "3 papers" in shown
        assert "Library" in shown and "library.jsonl" in shown  # the header
        # Nothing in it is a paper: keys for a paper say it is still loading, and nothing
        # breaks. (They said nothing: in tmux, a test's keys at once were lost silently.)
        await pilot.press("j", "enter", "space", "b")
        await pilot.pause()
        assert isinstance(pilot.app, PaperBrowseApp)
        assert "still loading" in notified(pilot.app)
        assert browser(pilot).paper_list.paper is None
        assert browser(pilot).library is None
        start_load()
        await wait_loaded(pilot)
        # The library read replaced it; the cursor is still on the row it was moved to.
        assert highlighted(pilot).title == TITLES[1]
        assert browser(pilot).detail.paper is not None
        assert browser(pilot).marked == 0  # the space typed over a kept row marked nothing


async def test_a_file_changed_since_is_not_drawn_from_the_last_launch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _library(tmp_path)
    await _launch_to_the_end(path)
    with path.open("a", encoding="utf-8") as file:
        file.write('{"title": "Added since", "authors": ["New Author"], "year": 2025}\n')
    async with _launched_held(path, monkeypatch) as (pilot, start_load):
        shown = screen_text(pilot)
        assert TITLES[0] not in shown and "3 papers" not in shown
        start_load()
        await wait_loaded(pilot)
        assert "4 papers" in screen_text(pilot)


async def test_a_search_typed_over_the_kept_screen_is_run_once_the_library_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _library(tmp_path)
    await _launch_to_the_end(path)
    async with _launched_held(path, monkeypatch) as (pilot, start_load):
        await pilot.press("/", *"parsing")
        start_load()
        await wait_loaded(pilot)
        shown = screen_text(pilot)
        assert "1 of 3 papers" in shown
        assert highlighted(pilot).title == TITLES[1]


@pytest.mark.usefixtures("notifications_kept")
async def test_the_problems_key_over_a_kept_screen_says_they_show_once_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The kept screen counts the files' problems, so their key is offered before the
    # library is read: it said "No problems: every file loaded cleanly." then.
    path = _library(tmp_path)
    with path.open("a", encoding="utf-8") as file:
        file.write("{this line is not JSON\n")
    await _launch_to_the_end(path)
    async with _launched_held(path, monkeypatch) as (pilot, start_load):
        assert "1 problem" in screen_text(pilot)
        await pilot.press("w")
        await pilot.pause()
        app = pilot.app
        assert isinstance(app, PaperBrowseApp)
        assert "No problems" not in notified(app)
        assert "Still loading" in notified(app)
        start_load()
        await wait_loaded(pilot)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ProblemsScreen)  # once read


async def test_the_cursor_moved_past_the_rows_kept_stays_on_its_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the first rows are kept (the rest are blank till read): the cursor sent to the
    # last one went back to the top once the library was read.
    path = _library(tmp_path)
    await _launch_to_the_end(path)
    monkeypatch.setattr(first_screen, "ROWS_KEPT", 1)
    await _launch_to_the_end(path)  # (the rows kept anew: one)
    async with _launched_held(path, monkeypatch) as (pilot, start_load):
        assert TITLES[1] not in screen_text(pilot)
        await pilot.press("G")
        start_load()
        await wait_loaded(pilot)
        assert highlighted(pilot).title == TITLES[2]


async def test_a_search_typed_after_moving_over_the_kept_screen_starts_at_its_best_match(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _library(tmp_path)
    await _launch_to_the_end(path)
    async with _launched_held(path, monkeypatch) as (pilot, start_load):
        await pilot.press("j", "j", "/", *"paper")
        start_load()
        await wait_loaded(pilot)
        assert "2 of 3 papers" in screen_text(pilot)
        assert browser(pilot).paper_list.cursor == 0


async def test_a_sort_changed_over_the_kept_screen_clears_its_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The kept rows are in the order they were kept in: shown under "oldest" they lied.
    path = _library(tmp_path)
    await _launch_to_the_end(path)
    async with _launched_held(path, monkeypatch) as (pilot, start_load):
        await pilot.press("s")
        await pilot.pause()
        assert browser(pilot).sort == "oldest"
        assert TITLES[0] not in screen_text(pilot)
        start_load()
        await wait_loaded(pilot)
        assert highlighted(pilot).title == TITLES[2]  # the oldest first


async def test_a_search_typed_over_the_kept_screen_does_not_count_its_rows_as_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "3 of 3 papers · relevance" showed beside rows that were never searched.
    path = _library(tmp_path)
    await _launch_to_the_end(path)
    async with _launched_held(path, monkeypatch) as (pilot, start_load):
        await pilot.press("/", *"zzz")
        await pilot.pause()
        shown = screen_text(pilot)
        assert "3 of 3" not in shown and TITLES[0] not in shown
        start_load()
        await wait_loaded(pilot)
        assert "No papers match" in screen_text(pilot)


def test_a_kept_header_never_carries_a_link() -> None:
    # Textual writes a link's address into the terminal as it is: a damaged entry's
    # "link \x1b]2;x\x07" style would have reached it.
    text = text_kept(("Ann Author\n3 papers", [(0, 3, "bold"), (4, 10, "link \x1b]2;x\x07")]))
    assert text.plain == "Ann Author\n3 papers"
    assert [(span.start, span.end, str(span.style)) for span in text.spans] == [(0, 3, "bold")]


def _line_of(pilot: Pilot[Any], title: str) -> str:
    """The screen's line listing ``title``, up to the title's end (the list's side)."""
    line = next(line for line in screen_text(pilot).splitlines() if title in line)
    return line[: line.index(title) + len(title)]


async def _bookmark_first_row(path: Path) -> None:
    async with PaperBrowseApp([path]).run_test() as pilot:
        await wait_loaded(pilot)
        assert highlighted(pilot).title == TITLES[0]
        await pilot.press("b")
        await pilot.pause()
        assert "★" in _line_of(pilot, TITLES[0])


async def _kept_with_a_bookmark(tmp_path: Path) -> Path:
    """A library whose first paper is bookmarked, launched once more to its end, so that
    the screen kept for the next launch has the bookmark."""
    path = _library(tmp_path)
    await _bookmark_first_row(path)
    await _launch_to_the_end(path)
    return path


async def _kept_rows_stay_put(path: Path, monkeypatch: pytest.MonkeyPatch, marked: bool) -> None:
    """The next launch on ``path`` draws its kept rows with the first paper bookmarked or
    not (``marked``), and they stay where they are once the library read replaces them."""
    async with _launched_held(path, monkeypatch) as (pilot, start_load):
        assert browser(pilot).library is None
        assert ("★" in _line_of(pilot, TITLES[0])) is marked
        kept = _line_of(pilot, TITLES[1])
        assert "★" not in kept
        start_load()
        await wait_loaded(pilot)
        assert _line_of(pilot, TITLES[1]) == kept


async def test_the_kept_screen_draws_the_marks_where_the_library_read_draws_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Kept rows without the marks column moved four cells over once the marks came.
    path = await _kept_with_a_bookmark(tmp_path)
    await _kept_rows_stay_put(path, monkeypatch, marked=True)


async def test_the_marks_are_drawn_with_the_papers_first_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Drawn once the index was built (seconds at 100k papers), the marks column moved
    # every row four cells over, at every launch.
    path = _library(tmp_path)
    await _bookmark_first_row(path)
    monkeypatch.setattr(first_screen, "kept_first_screen", lambda *args: None)
    monkeypatch.setattr(LibraryLoader, "index_ready", lambda loader: None)  # never built
    async with PaperBrowseApp([path]).run_test() as pilot:
        await wait_for(
            pilot, lambda: browser(pilot).library is not None and TITLES[0] in screen_text(pilot)
        )
        assert "★" in _line_of(pilot, TITLES[0])


def test_kept_marks_draw_only_the_marks_glyphs_in_their_places() -> None:
    # A damaged entry's text, or a glyph out of its place, draws a blank.
    assert kept_mark_column(" ★✓ ").plain == " ★✓ "
    assert kept_mark_column("\x1b[2J").plain == "    "
    assert kept_mark_column("★✓").plain == "    "  # each a place early
    assert kept_mark_column("●★").plain == " ★  "  # (nothing is marked with space at launch)
    assert kept_mark_column("").plain == ""


async def _launch_pressing(path: Path, key: str) -> None:
    async with PaperBrowseApp([path]).run_test() as pilot:
        await wait_loaded(pilot)
        await pilot.press(key)
        await pilot.pause()


async def test_a_bookmark_made_in_the_last_session_is_drawn_in_the_kept_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The screen was kept with the marks the papers had when the library was read: the
    # launch after a bookmark drew the rows without it, then moved them over.
    path = _library(tmp_path)
    await _launch_to_the_end(path)  # kept: no marks column
    await _bookmark_first_row(path)  # the user bookmarks a paper, and quits
    await _kept_rows_stay_put(path, monkeypatch, marked=True)


async def test_a_bookmark_taken_off_in_the_last_session_is_gone_from_the_kept_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = await _kept_with_a_bookmark(tmp_path)
    await _launch_pressing(path, "b")  # the bookmark taken off again, the last mark
    await _kept_rows_stay_put(path, monkeypatch, marked=False)


async def test_a_key_for_a_paper_while_the_library_loads_says_it_is_still_loading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, notifications_kept: None
) -> None:
    # Nothing kept: the list says "Loading…", and b said nothing, c "No paper to cite."
    async with _launched_held(_library(tmp_path), monkeypatch) as (pilot, start_load):
        assert "Loading" in screen_text(pilot)
        await pilot.press("b", "c")
        await pilot.pause()
        assert isinstance(pilot.app, PaperBrowseApp)
        assert notified(pilot.app).count("still loading") == 2
        assert "No paper" not in notified(pilot.app)
        start_load()
        await wait_loaded(pilot)


def _bookmarked_elsewhere(title: str, bookmarked: bool) -> None:
    """The paper titled ``title`` bookmarked or not through another connection to the
    marks database, as another window (or a session on other files) would."""
    from paperbrowse.core.marks.store import open_store
    from paperbrowse.core.models import paper_id

    year = 2024 - TITLES.index(title)  # (as ``_library`` writes it)
    with open_store() as store:
        store.set_bookmarked(paper_id(title, year), bookmarked)


async def test_a_bookmark_taken_off_elsewhere_is_not_drawn_in_the_kept_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The kept rows drew the marks as the last session on these files ended: a bookmark
    # taken off since in another window (marks are per paper, shared by every library)
    # showed its ★ until the library was read.
    path = await _kept_with_a_bookmark(tmp_path)
    _bookmarked_elsewhere(TITLES[0], False)
    async with _launched_held(path, monkeypatch) as (pilot, start_load):
        assert browser(pilot).library is None
        assert TITLES[0] in screen_text(pilot) and "★" not in screen_text(pilot)
        start_load()
        await wait_loaded(pilot)
        assert "★" not in screen_text(pilot)


async def test_a_bookmark_made_elsewhere_is_drawn_in_the_kept_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Kept with the first paper bookmarked and the second not; the second bookmarked
    # since in another window: the kept rows' marks are read again from the database.
    path = await _kept_with_a_bookmark(tmp_path)
    _bookmarked_elsewhere(TITLES[1], True)
    async with _launched_held(path, monkeypatch) as (pilot, start_load):
        kept = [_line_of(pilot, title) for title in TITLES[:2]]
        assert all("★" in line for line in kept)
        start_load()
        await wait_loaded(pilot)
        assert [_line_of(pilot, title) for title in TITLES[:2]] == kept  # none moved


async def test_marks_changed_elsewhere_that_cannot_be_read_are_drawn_blank(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The database changed since and cannot be read before the first screen: the kept
    # rows draw no marks at all (their column kept, blank, so nothing moves) rather
    # than the second paper without the ★ it now has.
    from paperbrowse.core.marks import glance

    path = await _kept_with_a_bookmark(tmp_path)
    _bookmarked_elsewhere(TITLES[1], True)
    monkeypatch.setattr(glance, "glyph_marks", lambda: None)
    async with _launched_held(path, monkeypatch) as (pilot, start_load):
        kept = [_line_of(pilot, title) for title in TITLES[:2]]
        assert not any("★" in line for line in kept)
        start_load()
        await wait_loaded(pilot)
        read = [_line_of(pilot, title) for title in TITLES[:2]]
        assert all("★" in line for line in read)
        assert [len(line) for line in read] == [len(line) for line in kept]  # none moved


async def test_a_first_bookmark_made_elsewhere_is_drawn_in_the_kept_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Kept with no marks at all (no marks column); a paper bookmarked since with the
    # command line or another window: the kept rows were drawn without the column, and
    # every row moved over for it once the library was read.
    path = _library(tmp_path)
    await _launch_to_the_end(path)  # kept: no marks column
    _bookmarked_elsewhere(TITLES[0], True)
    await _kept_rows_stay_put(path, monkeypatch, marked=True)


async def test_the_last_bookmark_taken_off_elsewhere_takes_the_kept_rows_marks_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Kept with the only bookmark; taken off since elsewhere: the kept rows drew the
    # column blank, and every row moved back once the library was read without it.
    path = await _kept_with_a_bookmark(tmp_path)
    _bookmarked_elsewhere(TITLES[0], False)
    await _kept_rows_stay_put(path, monkeypatch, marked=False)


async def test_a_bookmark_made_elsewhere_while_the_app_is_open_is_kept_at_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The app looks for another window's marks every two seconds: one made just before
    # it quit was kept as not there yet (and would now be drawn blank, as unknown).
    path = _library(tmp_path)
    await _bookmark_first_row(path)  # (a marks column to keep)
    async with PaperBrowseApp([path]).run_test() as pilot:
        await wait_loaded(pilot)
        _bookmarked_elsewhere(TITLES[1], True)
    async with _launched_held(path, monkeypatch) as (pilot, _):
        assert "★" in _line_of(pilot, TITLES[0]) and "★" in _line_of(pilot, TITLES[1])


async def test_a_bookmark_made_elsewhere_as_the_app_quits_is_not_kept_as_not_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (Review.) At the end the marks are read, found current, then closed, and only then is
    # the database's state taken: another window's commit between the two was kept as
    # the state the marks were read from, and the next launch drew them as they no
    # longer were (the second paper without the ★ it has).
    from paperbrowse.app.screens.browser_parts.reading import ReadingController

    path = _library(tmp_path)
    await _bookmark_first_row(path)  # (a marks column to keep)
    stop_marks = ReadingController.stop_marks

    def committed_elsewhere_meanwhile(reading: ReadingController) -> None:
        _bookmarked_elsewhere(TITLES[1], True)
        stop_marks(reading)

    async with PaperBrowseApp([path]).run_test() as pilot:
        await wait_loaded(pilot)
        monkeypatch.setattr(ReadingController, "stop_marks", committed_elsewhere_meanwhile)
    monkeypatch.setattr(ReadingController, "stop_marks", stop_marks)
    async with _launched_held(path, monkeypatch) as (pilot, _):
        first, second = _line_of(pilot, TITLES[0]), _line_of(pilot, TITLES[1])
        # Either the marks as they are, or none drawn (unknown): never the second unmarked
        # beside the first marked.
        assert ("★" in first) == ("★" in second)


async def test_a_kept_header_naming_several_researchers_is_fitted_to_the_width(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Kept as the text fitted to the last launch's width: a launch in a narrower
    # terminal cut the names short ("…"), then named as many as fit, "+n more", once
    # the library was read; nor did a resize refit it until then.
    from app_helpers import SEED, SEED_AS_OF

    lab = Path(__file__).resolve().parents[1] / "data" / "lab50"
    paths = [*sorted(lab.glob("*.txt"))[:4], SEED]  # (files: a folder is never kept)

    def names_line(pilot: Pilot[Any]) -> str:
        return screen_text(pilot).splitlines()[1].rstrip()

    async with PaperBrowseApp(paths, as_of=SEED_AS_OF).run_test(size=(160, 35)) as pilot:
        await wait_loaded(pilot)
        assert "5 researchers" in screen_text(pilot)
    held = _loads_held(monkeypatch)
    async with PaperBrowseApp(paths, as_of=SEED_AS_OF).run_test(size=(60, 35)) as pilot:
        await pilot.pause()
        assert browser(pilot).library is None and "5 researchers" in screen_text(pilot)
        kept = names_line(pilot)
        assert kept.endswith("more") and "…" not in kept
        await pilot.resize_terminal(100, 35)
        await pilot.pause()
        wider = names_line(pilot)
        assert wider.count(" · ") > kept.count(" · ")
        held[0]()
        await wait_loaded(pilot)
        assert names_line(pilot) == wider  # as the library read draws it


@pytest.mark.parametrize("columns", [120, 80])
async def test_the_search_bar_keeps_its_width_from_loading_to_loaded(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    # Nothing kept: the count said "Loading…" (narrow), then "1,500 of 1,500 papers ·
    # newest", and the search input shrank by 25 columns once the papers came.
    with (corpus / "acl-anthology-2016-2021.jsonl").open(encoding="utf-8") as anthology:
        lines = [next(anthology) for _ in range(1500)]  # (real papers, 2 MB)
    path = tmp_path / "anthology.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    held = _loads_held(monkeypatch)
    async with PaperBrowseApp([path]).run_test(size=(columns, 35)) as pilot:
        await pilot.pause()
        assert "Loading" in screen_text(pilot)
        loading = browser(pilot).search_bar.input.region
        held[0]()
        await wait_loaded(pilot)
        assert "1,500 of 1,500 papers" in screen_text(pilot)
        assert browser(pilot).search_bar.input.region == loading
        assert loading.width >= 40  # (still room to type a query at 80 columns)
