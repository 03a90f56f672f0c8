"""Any terminal: wide characters line up, resizing never errors, 16 colours and NO_COLOR read.

The list rows are checked as drawn (``render_line``), measured in terminal
cells with Rich's ``cell_len``, the way a terminal places them.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from app_helpers import browser, screen_text, settle, wait_loaded, write_jsonl
from rich.cells import cell_len
from textual.pilot import Pilot

from paperbrowse.app.app import PaperBrowseApp

# Titles whose characters are two cells wide, zero cells wide, or several code
# points a cell: each must keep the category and year columns where they belong.
WIDE_TITLES = [
    "深層学習による論文推薦システムの研究と評価についての長いタイトルです",
    "a深層学習による論文推薦システムの研究と評価についての長いタイトルです",  # odd offset
    "한국어 자연어 처리를 위한 대규모 언어 모델의 평가와 분석에 관한 연구 논문",
    "Emoji 🎉🚀 in a title 🧪🔬🧬 with family 👨‍👩‍👧 and heart ❤️ and more 🎉🎉🎉🎉🎉",
    "Combining marks q\u0307\u0323 and Zalgo a\u0300\u0301\u0302\u0303 on every x\u0308 letter",
    "ＦＵＬＬ　ＷＩＤＴＨ　ＬＡＴＩＮ　ＬＥＴＴＥＲＳ　ＩＮ　Ａ　ＶＥＲＹ　ＬＯＮＧ　ＴＩＴＬＥ",
    "Short 短",
    "Plain ASCII title for comparison",
]
WIDE_CATEGORIES = ["cs.CL", "数学.AG", "cs.LG", "物理", "q-bio", "cs.AI", "cs", "math.AG"]
WIDE_AUTHORS = [["山田 太郎", "李 小龍"], ["김민수"], ["José Nuñez"], ["Zoë 🎉 Emoji"]]


@pytest.fixture
def wide_library(tmp_path: Path) -> Path:
    records: list[dict[str, Any] | str] = [
        {
            "title": title,
            "authors": WIDE_AUTHORS[index % len(WIDE_AUTHORS)],
            "year": 2000 + index,
            "category": WIDE_CATEGORIES[index],
            "abstract": "宇宙 abstract text " * 5,
        }
        for index, title in enumerate(WIDE_TITLES)
    ]
    return write_jsonl(tmp_path / "wide.jsonl", records)


def list_rows(pilot: Pilot[Any]) -> list[str]:
    """The paper list's rows as the terminal gets them (one string per row with a paper)."""
    paper_list = browser(pilot).paper_list
    shown = min(len(paper_list.results), paper_list.scrollable_content_region.height)
    return ["".join(s.text for s in paper_list.render_line(y)) for y in range(shown)]


def assert_columns_line_up(pilot: Pilot[Any]) -> None:
    paper_list = browser(pilot).paper_list
    width = paper_list.scrollable_content_region.width
    rows = list_rows(pilot)
    assert rows, "no rows drawn"
    year_cells = set()
    category_cells = set()
    for row, text in enumerate(rows):
        paper = paper_list.results[row + int(paper_list.scroll_offset.y)]
        assert cell_len(text) == width, f"row {row}: {cell_len(text)} cells, not {width}: {text!r}"
        year = f" {paper.year} "
        assert text.endswith(year), f"row {row} does not end with its year: {text!r}"
        year_cells.add(cell_len(text) - cell_len(year))
        category = text[: -len(year)].rsplit(" ", 1)[1] if paper.category else ""
        if category:  # right-aligned in a column no wider than the widest category
            category_cells.add(cell_len(text[: -len(year) - len(category)]))
        # Whatever of the title shows is the title's own start: no half characters.
        shown = text[2:].split(" · ")[0].split("…")[0]
        if "…" in text and paper.title.startswith(shown[:4]):
            assert paper.title.startswith(shown), f"row {row} garbles the title: {shown!r}"
    assert len(year_cells) == 1, f"the year column moves between rows: {rows}"
    width = paper_list.category_width
    assert all(start >= min(year_cells) - width for start in category_cells), rows


@pytest.mark.parametrize("size", [(120, 30), (97, 30), (60, 20), (41, 12)])
async def test_wide_characters_keep_the_columns_aligned(
    wide_library: Path, size: tuple[int, int]
) -> None:
    async with PaperBrowseApp([wide_library]).run_test(size=size) as pilot:
        await wait_loaded(pilot)
        assert_columns_line_up(pilot)
        # The cursor row is drawn with another style, never another width.
        await pilot.press("j", "j", "j")
        await pilot.pause()
        assert_columns_line_up(pilot)


async def test_a_category_of_wide_characters_keeps_its_column(wide_library: Path) -> None:
    async with PaperBrowseApp([wide_library]).run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        rows = list_rows(pilot)
        papers = browser(pilot).paper_list.results
        by_title = {paper.title: rows[index] for index, paper in enumerate(papers[: len(rows)])}
        # 数学.AG is seven cells: the column shows the part that fits, whole characters only.
        row = by_title[WIDE_TITLES[1]]
        assert "数学" in row and "\ufffd" not in row
        assert_columns_line_up(pilot)


async def test_a_search_hint_in_wide_text_keeps_the_columns(wide_library: Path) -> None:
    async with PaperBrowseApp([wide_library]).run_test(size=(90, 30)) as pilot:
        await wait_loaded(pilot)
        for query in ("山田", "タイトル", "宇宙", "x"):
            await pilot.press("slash", "ctrl+u", *query)  # ctrl+u: the input starts empty
            await settle(pilot)
            await pilot.pause()
            if browser(pilot).paper_list.results:
                assert_columns_line_up(pilot)


async def test_a_match_beyond_the_visible_part_of_a_wide_title_is_hinted(
    tmp_path: Path,
) -> None:
    # The match starts at character 26 but cell 52: past the room a 70-cell list has.
    title = "深層学習による論文推薦システムの研究と評価についての長い題名と結論 Zebrafish"
    library = write_jsonl(tmp_path / "hint.jsonl", [{"title": title, "year": 2024}])
    async with PaperBrowseApp([library]).run_test(size=(150, 20)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"zebrafish")
        await settle(pilot)
        await pilot.pause()
        paper_list = browser(pilot).paper_list
        assert paper_list.scrollable_content_region.width < cell_len(title) + 10
        (row,) = list_rows(pilot)
        assert "Zebrafish" in row, f"the match is not on screen: {row!r}"


# --- resizing -------------------------------------------------------------------

SIZES = [(120, 35), (40, 12), (200, 60), (20, 6), (89, 30), (41, 13), (1, 1), (80, 24)]


def big_library(tmp_path: Path, count: int = 3000) -> Path:
    records: list[dict[str, Any] | str] = [
        {
            "title": f"Paper {index} on {'graphs' if index % 3 else '図形'} and learning",
            "authors": [f"Author {index % 97}", "山田 太郎"],
            "year": 1990 + index % 35,
            "category": ("cs.LG", "math.AG", "物理")[index % 3],
            "abstract": f"Abstract {index} about molecules and networks.",
        }
        for index in range(count)
    ]
    return write_jsonl(tmp_path / "big.jsonl", records)


async def test_resizing_while_the_library_loads_never_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import paperbrowse.core.library as core_library

    real_load = core_library.load
    gate = threading.Event()

    def held_load(*paths: Any, **options: Any) -> Any:
        gate.wait(30)  # the screen stays in its loading state until the test has resized
        return real_load(*paths, **options)

    monkeypatch.setattr(core_library, "load", held_load)
    library = big_library(tmp_path)
    async with PaperBrowseApp([library]).run_test(size=(120, 35)) as pilot:
        for width, height in SIZES * 2:
            await pilot.resize_terminal(width, height)
            await pilot.pause()
        assert browser(pilot).results is None  # all of that while loading
        gate.set()
        for width, height in SIZES:  # and while the rows arrive
            await pilot.resize_terminal(width, height)
        await wait_loaded(pilot)
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert "3,000 of 3,000 papers" in screen_text(pilot)
        assert_columns_line_up(pilot)


async def test_resizing_while_typing_a_search_never_errors(tmp_path: Path) -> None:
    async with PaperBrowseApp([big_library(tmp_path)]).run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash")
        for key, (width, height) in zip("図形 graphs", SIZES * 2, strict=False):
            await pilot.press("space" if key == " " else key)
            await pilot.resize_terminal(width, height)
        await pilot.app.workers.wait_for_complete()
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        await pilot.pause()
        assert pilot.app.is_running
        assert browser(pilot).search_bar.value == "図形 graphs"
        # 図形 is in every third title and "graphs" in the others: both words in none.
        assert "0 of 3,000 papers" in screen_text(pilot)
        await pilot.press("ctrl+u", *"図形")
        await settle(pilot)
        await pilot.pause()
        assert "1,000 of 3,000 papers" in screen_text(pilot)
        assert_columns_line_up(pilot)


async def test_40_by_12_shows_rows_details_and_the_search_without_a_mouse(
    tmp_path: Path,
) -> None:
    async with PaperBrowseApp([big_library(tmp_path, 50)]).run_test(size=(40, 12)) as pilot:
        await wait_loaded(pilot)
        text = screen_text(pilot)
        assert "Paper 34 on graphs" in text  # a row (newest first)
        assert "50 of 50" in text  # the count
        await pilot.press("slash", *"molecules", "enter", "j")
        await settle(pilot)
        await pilot.pause()
        assert browser(pilot).paper_list.has_focus
        assert browser(pilot).paper_list.cursor == 1
        await pilot.press("tab")  # the detail pane, by keyboard
        await pilot.pause()
        assert browser(pilot).detail.has_focus
        assert_columns_line_up(pilot)


# --- NO_COLOR and 16 colours ---------------------------------------------------------


def cursor_row_style(pilot: Pilot[Any]) -> Any:
    paper_list = browser(pilot).paper_list
    row = paper_list.cursor - int(paper_list.scroll_offset.y)
    return next(s.style for s in paper_list.render_line(row) if s.text.strip())


@pytest.mark.parametrize(
    "environment",
    [{"NO_COLOR": "1"}, {"TERM": "xterm", "COLORTERM": ""}, {"TERM": "linux", "COLORTERM": ""}],
)
async def test_without_colours_the_cursor_row_is_in_reverse_video(
    wide_library: Path, monkeypatch: pytest.MonkeyPatch, environment: dict[str, str]
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    async with PaperBrowseApp([wide_library]).run_test(size=(100, 20)) as pilot:
        await wait_loaded(pilot)
        assert cursor_row_style(pilot).reverse  # the search bar has focus
        await pilot.press("escape", "j")  # and with the list focused
        await pilot.pause()
        assert browser(pilot).paper_list.has_focus
        assert cursor_row_style(pilot).reverse
        assert_columns_line_up(pilot)


async def test_a_true_colour_terminal_keeps_the_tinted_cursor(wide_library: Path) -> None:
    async with PaperBrowseApp([wide_library]).run_test(size=(100, 20)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("escape", "j")
        await pilot.pause()
        style = cursor_row_style(pilot)
        assert not style.reverse and style.bgcolor is not None


# --- the same in a real terminal (tmux) ---------------------------------------------

TMUX = shutil.which("tmux")
PAPERBROWSE = shutil.which("paperbrowse", path=str(Path(sys.executable).parent))
needs_tmux = pytest.mark.skipif(
    TMUX is None or PAPERBROWSE is None, reason="needs tmux and an installed paperbrowse"
)
SGR = re.compile(r"\x1b\[([0-9;]*)m")


def sgr_runs(line: str) -> list[tuple[str, str, str, frozenset[str]]]:
    """A captured line as (text, foreground, background, attributes) runs."""
    fg, bg, attrs = "default", "default", frozenset[str]()
    runs = []
    position = 0
    for match in [*SGR.finditer(line), None]:
        end = match.start() if match else len(line)
        if end > position:
            runs.append((line[position:end], fg, bg, attrs))
        if match is None:
            break
        position = match.end()
        codes = [int(code or 0) for code in match.group(1).split(";")]
        while codes:
            code = codes.pop(0)
            if code == 0:
                fg, bg, attrs = "default", "default", frozenset()
            elif code == 7:
                attrs |= {"reverse"}
            elif code == 1:
                attrs |= {"bold"}
            elif code in (38, 48):  # 38;5;N or 38;2;R;G;B
                kind = codes.pop(0)
                value = (
                    f"5;{codes.pop(0)}"
                    if kind == 5
                    else "2;" + ";".join(str(codes.pop(0)) for _ in range(3))
                )
                fg, bg = (value, bg) if code == 38 else (fg, value)
            elif code in (39, 49):
                fg, bg = ("default", bg) if code == 39 else (fg, "default")
            elif 30 <= code <= 37 or 90 <= code <= 97:
                fg = str(code)
            elif 40 <= code <= 47 or 100 <= code <= 107:
                bg = str(code)
    return runs


def reversed_text(line: str, text: str) -> bool:
    """Whether ``text`` shows in reverse video on this captured line."""
    return any("reverse" in attrs and text in run for run, *_, attrs in sgr_runs(line))


def is_grey(colour: str) -> bool:
    from rich.color import Color

    if colour == "default":
        return True
    if colour.startswith("2;"):
        red, green, blue = (int(part) for part in colour[2:].split(";"))
    elif colour.startswith("5;"):
        red, green, blue = Color.from_ansi(int(colour[2:])).get_truecolor()
    else:  # one of the 16: 30-37/90-97 foreground, 40-47/100-107 background
        number = int(colour) % 10 + (8 if int(colour) >= 90 else 0)
        red, green, blue = Color.from_ansi(number).get_truecolor()
    return red == green == blue


def run_in_tmux(
    environment: dict[str, str], library: Path, ready: str, move_down: bool = True
) -> list[str]:
    """Start the app in tmux with ``environment``; once ``ready`` shows, capture the screen.

    Without ``move_down``, ``ready`` is the screen the test reads: the detail pane fills
    a frame after the count and the rows (``core.first_screen``), so a test that reads
    the pane waits for the pane's own text. With ``move_down``, the list moves to its
    second row (WIDE_TITLES[6]) first, and the capture waits for that row to show in
    reverse video.
    """
    assert TMUX is not None and PAPERBROWSE is not None
    socket = f"paperbrowse-terminals-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    settings = [f"{name}={value}" for name, value in environment.items()]
    command = shlex.join(["env", "-u", "COLORTERM", *settings, PAPERBROWSE, str(library)])

    def tmux(*args: str) -> str:
        return subprocess.run(
            [str(TMUX), "-L", socket, *args], capture_output=True, text=True, check=True
        ).stdout

    try:
        tmux("new-session", "-d", "-s", "t", "-x", "110", "-y", "24", f"{command}; sleep 60")
        deadline = time.monotonic() + 15
        while ready not in tmux("capture-pane", "-p", "-t", "t"):
            assert time.monotonic() < deadline, tmux("capture-pane", "-p", "-t", "t")
            time.sleep(0.05)
        if not move_down:
            return tmux("capture-pane", "-p", "-t", "t").splitlines()
        tmux("send-keys", "-t", "t", "j")
        deadline = time.monotonic() + 15
        while True:
            lines = tmux("capture-pane", "-p", "-e", "-t", "t").splitlines()
            if any(reversed_text(line, WIDE_TITLES[6]) for line in lines):
                return lines
            assert time.monotonic() < deadline, "\n".join(lines)
            time.sleep(0.05)
    finally:
        subprocess.run([str(TMUX), "-L", socket, "kill-server"], capture_output=True)


@needs_tmux
def test_no_color_in_a_real_terminal_is_grey_with_a_reverse_cursor(wide_library: Path) -> None:
    environment = {"NO_COLOR": "1", "TERM": "xterm-256color"}
    lines = run_in_tmux(environment, wide_library, "of 8 papers")
    runs = [run for line in lines for run in sgr_runs(line)]
    colours = {colour for _, fg, bg, _ in runs for colour in (fg, bg)}
    assert all(is_grey(colour) for colour in colours), sorted(colours)
    # Only the cursor row is reversed (the cursor moved there with j).
    assert [reversed_text(line, "20") for line in lines[5:13]] == [False, True] + [False] * 6


@needs_tmux
def test_16_colours_in_a_real_terminal_keep_text_readable(wide_library: Path) -> None:
    lines = run_in_tmux({"TERM": "xterm"}, wide_library, "of 8 papers")
    runs = [run for line in lines for run in sgr_runs(line)]
    colours = {colour for _, fg, bg, _ in runs for colour in (fg, bg)}
    assert not any(colour.startswith(("5;", "2;")) for colour in colours), sorted(colours)
    for text, fg, bg, _ in runs:
        if any(char.isalnum() for char in text) and fg != "default" and bg != "default":
            # Never a colour on itself: 37 on 47, 97 on 107 and so on.
            assert int(fg) % 10 != int(bg) % 10 or (int(fg) >= 90) != (int(bg) >= 100), text
    # Only the cursor row is reversed (the cursor moved there with j).
    assert [reversed_text(line, "20") for line in lines[5:13]] == [False, True] + [False] * 6


# Emoji sequences Rich measures as one grapheme and tmux 3.3 code point by code point.
EMOJI_TITLES = [
    "Heart ❤️ title",
    "Family 👨‍👩‍👧 title",
    "Thumbs 👍🏽 title",
    "Keycap 1️⃣ title",
    "Coder 👩🏽‍💻 title",
    "Plain title",
]


@pytest.fixture
def emoji_library(tmp_path: Path) -> Path:
    records: list[dict[str, Any] | str] = [
        {"title": title, "authors": ["A B"], "year": 2020 - index, "abstract": "Lorem ipsum."}
        for index, title in enumerate(EMOJI_TITLES)
    ]
    return write_jsonl(tmp_path / "emoji.jsonl", records)


async def test_emoji_sequences_are_drawn_in_the_width_rich_measured(emoji_library: Path) -> None:
    async with PaperBrowseApp([emoji_library]).run_test(size=(100, 20)) as pilot:
        await wait_loaded(pilot)
        lines = screen_text(pilot).splitlines()
        rows = lines[5 : 5 + len(EMOJI_TITLES)]
        assert [row.index("│") for row in rows] == [rows[-1].index("│")] * len(rows) or all(
            cell_len(row[: row.index("│")]) == cell_len(rows[-1][: rows[-1].index("│")])
            for row in rows
        )
        # As drawn: the first character of each sequence, padded to two cells.
        assert "Heart ❤  title" in rows[0] and "Keycap 1  title" in rows[3]
        assert "Family 👨 title" in rows[1] and "Thumbs 👍 title" in rows[2]
        assert not any(char in "\n".join(lines) for char in "\u200d\ufe0f\u20e3")
        # The paper itself keeps its title as written.
        assert browser(pilot).paper_list.results[0].title == EMOJI_TITLES[0]


@needs_tmux
def test_emoji_rows_keep_the_pane_border_in_a_real_terminal(emoji_library: Path) -> None:
    # (Ready once the detail pane shows the paper: the count shows first, with the rows
    # a launch draws before it reads the library, core.first_screen.)
    lines = run_in_tmux({"TERM": "xterm-256color"}, emoji_library, "Lorem ipsum", move_down=False)
    rows = lines[5:16]
    assert all("│" in row for row in rows), "\n".join(lines)  # no border overwritten
    for detail in ("│ Heart ❤  title", "│ Authors   A B", "│ Date      2020", "│ Lorem ipsum."):
        assert any(detail in row for row in rows), "\n".join(lines)


@needs_tmux
def test_an_exported_columns_does_not_pin_the_screen_size(emoji_library: Path) -> None:
    # shutil.get_terminal_size() prefers COLUMNS to the terminal: at 80 the panes would
    # stack; the terminal is 110 columns, so they stand side by side.
    environment = {"COLUMNS": "80", "LINES": "20", "TERM": "xterm-256color"}
    # (Ready once the detail pane shows the paper, as above: the whole screen is drawn.)
    lines = run_in_tmux(environment, emoji_library, "Lorem ipsum", move_down=False)
    assert len(lines) == 24
    assert all("│" in row for row in lines[5:11]), "\n".join(lines)


def test_the_category_column_is_wide_enough_for_wide_codes() -> None:
    from paperbrowse.app.widgets.row_segments import category_width
    from paperbrowse.core.models import Paper

    papers = [Paper(id="a", title="A", category="物理"), Paper(id="b", title="B", category="CL")]
    assert category_width(papers) == 4  # cells: 物理 shows whole, not cut to 物


@pytest.mark.parametrize("key", ["a", "m"])
async def test_a_picker_in_a_terminal_a_few_columns_wide_never_errors(key: str) -> None:
    """The authors (a) and related papers (m) dialogs, opened in a terminal 8 columns wide or
    squeezed to it once open: their lists were given no width to wrap in, and the app
    stopped (ValueError, IndexError in Textual's drawing)."""
    async with PaperBrowseApp().run_test(size=(8, 20)) as pilot:
        await wait_loaded(pilot)
        await pilot.press(key)
        await settle(pilot)  # (m ranks the related papers in a worker, then opens)
        await pilot.pause()  # (and a pause draws the screen)
        assert len(pilot.app.screen_stack) == 2  # the dialog is open, and drawn
        await pilot.press("escape")
        await settle(pilot)
        await pilot.pause()
        await pilot.resize_terminal(120, 30)
        await pilot.press(key)
        await settle(pilot)
        await pilot.pause()
        for width in (9, 8, 5, 3, 1, 40):
            await pilot.resize_terminal(width, 20)
            await pilot.pause(0.05)
        assert len(pilot.app.screen_stack) == 2
        assert pilot.app.return_code is None
