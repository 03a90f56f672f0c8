"""Text from files, names and typing is shown as typed on every screen, never read as markup.

A library whose titles, authors, categories, abstracts and file name hold Rich
markup, links, escape codes and a bell is opened, and every screen a user can
reach is visited: what shows must be the text itself (control characters
dropped), with no MarkupError on the way. The command line gets the same file.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from app_helpers import browser, screen_text, settle, wait_loaded, write_jsonl
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from paperbrowse.app.app import PaperBrowseApp

TITLE = "Graphs [bold red]x[/] and [link=file:///etc]click[/link] now\x1b[31m red\x07"
TITLE_SHOWN = "Graphs [bold red]x[/] and [link=file:///etc]click[/link] now red"
TITLE_START = "Graphs [bold red]x[/] and [link=file:///etc]click"  # what fits in a narrow dialog
AUTHOR = "Ann [bold]Bee[/]"
AUTHOR_2 = "Zed \x1b[31mRed\x07 [link=file:///etc]"
CATEGORY = "cs.[b]"
ABSTRACT = "Abstract with [italic]brackets[/italic], [$var] and [/] alone."
OTHER_TITLE = "Plain second paper"
# Brackets, a markup-looking tag and a link in the name of the file itself.
FILE_NAME = "[evil] lib [bold]b[\\bold] [link=https:x].jsonl"
BROKEN_LINE = "{broken [bold red]json[/] line"
SCREEN: dict[str, Any] = {"size": (200, 40), "notifications": True}  # toasts shown too


@pytest.fixture
def hostile_library(tmp_path: Path) -> Path:
    folder = tmp_path / "[lib]"
    folder.mkdir()
    return write_jsonl(
        folder / FILE_NAME,
        [
            {
                "title": TITLE,
                "authors": [AUTHOR, AUTHOR_2],
                "year": 2024,
                "category": CATEGORY,
                "abstract": ABSTRACT,
                "url": "https://example.org/x",
            },
            {"title": OTHER_TITLE, "authors": [AUTHOR], "year": 2020, "category": CATEGORY},
            BROKEN_LINE,
        ],
    )


def assert_literal(pilot: Pilot[Any], *texts: str) -> str:
    screen = screen_text(pilot)
    for text in texts:
        assert text in screen, f"{text!r} is not on the screen:\n{screen}"
    assert not any(char in screen for char in "\x1b\x07\x9b"), "a control character shows"
    return screen


async def test_list_detail_header_and_problems_show_text_as_typed(hostile_library: Path) -> None:
    async with PaperBrowseApp([hostile_library]).run_test(**SCREEN) as pilot:
        await wait_loaded(pilot)
        screen = assert_literal(
            pilot,
            TITLE_SHOWN,
            "Ann [bold]Bee[/], Zed Red [link=file:///etc]",
            ABSTRACT,
            FILE_NAME,  # header and "From" line
        )
        assert CATEGORY in screen.split("│")[0]  # the list row's category column
        await pilot.press("w")  # problems: the file name and its broken line
        await settle(pilot)
        assert_literal(pilot, FILE_NAME, ":3:")


async def test_marks_tags_and_notes_with_markup_stay_text(hostile_library: Path) -> None:
    async with PaperBrowseApp([hostile_library]).run_test(**SCREEN) as pilot:
        await wait_loaded(pilot)
        await pilot.press("escape")  # to the list
        await pilot.press("t")  # the tags screen names the paper
        await settle(pilot)
        assert_literal(pilot, f"Tags for {TITLE_START}")
        await pilot.press(*"[bold]t[/]", "enter")
        await settle(pilot)
        assert_literal(pilot, "Tags: [bold]t[/]", "[bold]t[/]")  # notification and detail
        await pilot.press("n")  # the note editor names the paper too
        await settle(pilot)
        assert_literal(pilot, f"Note on {TITLE_START}")
        await pilot.press(*"[red]my[/red] note [link=file:///etc]x", "escape")
        await settle(pilot)
        assert_literal(pilot, "[red]my[/red] note [link=file:///etc]x")


async def test_authors_stats_and_copy_show_text_as_typed(hostile_library: Path) -> None:
    async with PaperBrowseApp([hostile_library]).run_test(**SCREEN) as pilot:
        await wait_loaded(pilot)
        await pilot.press("escape", "a")  # the author picker
        await settle(pilot)
        assert_literal(pilot, f"Authors of {TITLE_START}", AUTHOR, "Zed Red [link=file:///etc]")
        await pilot.press("enter")  # Ann [bold]Bee[/]'s papers
        await settle(pilot)
        assert_literal(pilot, f"{AUTHOR}: 2 papers in this library", TITLE_SHOWN, OTHER_TITLE)
        await pilot.press("escape", "escape")
        await settle(pilot)
        await pilot.press("S")  # stats: categories and co-authors
        await settle(pilot)
        assert_literal(pilot, CATEGORY, AUTHOR, "Zed Red [link=file:///etc]")
        await pilot.press("escape", "y")  # copy: the notification quotes the title
        await settle(pilot)
        assert_literal(pilot, TITLE_SHOWN)
        assert any(TITLE_SHOWN in str(n.message) for n in pilot.app._notifications)


async def test_export_to_a_file_name_with_brackets(hostile_library: Path, tmp_path: Path) -> None:
    target = tmp_path / "out [bold]x[b] [link=y].bib"
    async with PaperBrowseApp([hostile_library]).run_test(**SCREEN) as pilot:
        await wait_loaded(pilot)
        await pilot.press("escape", "e")
        await settle(pilot)
        path_input = pilot.app.screen.query_one("#export-path", Input)
        path_input.value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert_literal(pilot, "Exported 2 papers to", f"{target.name}.")
        exported = target.read_text(encoding="utf-8")  # BibTeX, the dialog's first format
        assert TITLE_SHOWN in exported and AUTHOR in exported


QUERIES = ["[bold]", "[/]", "[link=file:///etc]x", "[", "\\[bold]", "title:[red]", "[b]t[/b"]


async def test_searches_that_look_like_markup_show_as_typed(hostile_library: Path) -> None:
    async with PaperBrowseApp([hostile_library]).run_test(size=(160, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash")
        for query in QUERIES:
            await pilot.press("ctrl+u", *query)
            await settle(pilot)
            assert pilot.app.is_running
            screen = assert_literal(pilot, query)
            if not browser(pilot).paper_list.results:
                assert f"No papers match “{query}”" in screen


async def test_palette_go_to_paper_shows_markup_titles_as_text(hostile_library: Path) -> None:
    async with PaperBrowseApp([hostile_library]).run_test(**SCREEN) as pilot:
        await wait_loaded(pilot)
        await pilot.press("ctrl+p", *"go to", "enter")
        await settle(pilot)
        await pilot.press(*"graphs bold red")
        await settle(pilot)  # the palette's search (a worker) has listed the paper
        assert_literal(pilot, TITLE_SHOWN, "Ann [bold]Bee[/], Zed Red [link=file:///etc]")


async def test_a_file_name_with_escape_codes_never_reaches_the_terminal(tmp_path: Path) -> None:
    # The core cleans what it reads from a file, but not the file's own name.
    library = write_jsonl(
        tmp_path / "evil\x1b[31mred\x07 \x1b]0;pwned\x07.jsonl",
        [{"title": "A paper", "year": 2020}, "{broken"],
    )
    async with PaperBrowseApp([library]).run_test(**SCREEN) as pilot:
        await wait_loaded(pilot)
        assert_literal(pilot, "evil[31mred ]0;pwned.jsonl")  # header and "From" line
        await pilot.press("w")
        await settle(pilot)
        assert_literal(pilot, "evil")


# --- the command line ---------------------------------------------------------------


def run_cli(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "paperbrowse", *arguments],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


@pytest.mark.parametrize(
    "arguments",
    [
        ["parse"],
        ["parse", "--json"],
        ["search", "-q", "graphs"],
        ["export", "--format", "markdown"],
        ["export", "--format", "bibtex"],
        ["export", "--format", "csv"],
    ],
    ids=lambda arguments: "-".join(a.strip("-") for a in arguments),
)
def test_command_line_output_has_no_control_codes(
    hostile_library: Path, arguments: list[str]
) -> None:
    command, *options = arguments
    if command == "search":  # search takes its query first
        options = [options[1]]
    result = run_cli(command, *options, str(hostile_library.parent))
    assert result.returncode in (0, 1), result.stderr
    for stream in (result.stdout, result.stderr):
        assert not any(char in stream for char in "\x1b\x07\x9b"), stream
    assert "line 3" in result.stderr or ":3:" in result.stderr  # the broken line is named
    if "markdown" in options:  # Markdown escapes brackets: the text reads the same
        assert "Graphs \\[bold red\\]x\\[/\\]" in result.stdout
    else:
        assert "[bold red]x[/]" in result.stdout


def test_command_line_names_a_file_with_escape_codes_safely(tmp_path: Path) -> None:
    write_jsonl(
        tmp_path / "evil\x1b]0;pwned\x07.jsonl", [{"title": "A paper", "year": 2020}, "{broken"]
    )
    result = run_cli("parse", str(tmp_path))
    assert "A paper" in result.stdout
    for stream in (result.stdout, result.stderr):
        assert not any(char in stream for char in "\x1b\x07\x9b"), stream


async def test_replacing_an_export_names_the_file_as_typed(
    hostile_library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "old [bold]x[b] [link=y].bib"
    target.write_text("keep me", encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # typed as a name: a long folder would wrap it on screen
    async with PaperBrowseApp([hostile_library]).run_test(**SCREEN) as pilot:
        await wait_loaded(pilot)
        await pilot.press("e")
        await settle(pilot)
        pilot.app.screen.query_one("#export-path", Input).value = target.name
        await pilot.press("enter")
        await settle(pilot)
        assert_literal(pilot, f"{target.name} already exists. Replace it?")


async def test_a_reload_of_a_changed_file_shows_its_new_text_as_typed(
    hostile_library: Path,
) -> None:
    async with PaperBrowseApp([hostile_library]).run_test(**SCREEN) as pilot:
        await wait_loaded(pilot)
        with hostile_library.open("a", encoding="utf-8") as file:
            file.write('{"title": "New [blink]one[/blink] \\u001b[5m", "year": 2030}\n')
        await pilot.press("ctrl+r")
        await wait_loaded(pilot)
        await settle(pilot)
        assert_literal(pilot, "New [blink]one[/blink]", "3 of 3 papers")


async def test_a_link_in_markup_in_an_abstract_is_text_and_its_url_ends_at_the_bracket(
    tmp_path: Path,
) -> None:
    # The abstract's "[link=…]y[/link]" became the link "https://evil.example/x]y[/link".
    abstract = "Read [link=https://evil.example/x]the code[/link] first."
    library = write_jsonl(
        tmp_path / "links.jsonl",
        [
            {"title": "Linked", "authors": ["Ann"], "year": 2024, "abstract": abstract},
        ],
    )
    async with PaperBrowseApp([library]).run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        linked = browser(pilot).detail.paper
        assert linked is not None and linked.links == ("https://evil.example/x",)
        shown = screen_text(pilot)
        assert "Link      https://evil.example/x " in shown + " "
        assert "]the code[/link]" not in shown.split("Link", 1)[1].splitlines()[0]
        assert abstract in shown  # the abstract itself as typed, markup and all


# --- bidirectional controls ----------------------------------------------------------

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def test_the_last_line_filter_drops_bidi_controls_and_keeps_joiners() -> None:
    from rich.segment import Segment
    from textual.color import Color

    from paperbrowse.app.terminal_text import StripControlCodes

    line = [Segment(f"to-read{BIDI}daer"), Segment("👩\u200d💻 ok")]
    cleaned = StripControlCodes().apply(line, Color(0, 0, 0))
    assert [segment.text for segment in cleaned] == ["to-readdaer", "👩\u200d💻 ok"]


async def test_a_tag_and_a_note_with_a_right_to_left_override_never_reach_the_terminal(
    seed_app: Any,
) -> None:
    # Pasted into the tags dialog and the note editor: U+202E would draw the rest of
    # the line backwards in a terminal that applies bidi.
    async with seed_app().run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("t")
        await pilot.pause()
        pilot.app.focused.post_message(events.Paste("evil\u202eli"))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.press("n")
        await pilot.pause()
        pilot.app.focused.post_message(events.Paste(f"note {BIDI}end"))
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        store, noted = browser(pilot).store, browser(pilot).detail.paper
        assert store is not None and noted is not None
        marks = store.marks(noted)
        assert marks.tags == ("evil\u202eli",) and "\u202e" in marks.note  # stored as typed
        screen = assert_literal(pilot, "Tags      evilli")
        assert not any(char in screen for char in BIDI)
        browser(pilot).detail.scroll_end(animate=False)  # the note is under the abstract
        await pilot.pause()
        screen = assert_literal(pilot, "note end")
        assert not any(char in screen for char in BIDI)


async def test_every_line_is_coloured_and_cleaned_after_a_theme_change(seed_app: Any) -> None:
    # The app runs Textual's colour filter and its own as one filter, remade when the
    # theme replaces Textual's: a line must still leave in the theme's true colours and
    # without control characters.
    from rich.segment import Segment
    from rich.style import Style
    from textual.app import App
    from textual.color import Color

    line = [Segment("red\x1b]0;title\x07 text", Style(color="red"))]
    reds = []
    async with seed_app().run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        for theme in ("textual-light", "nord"):
            pilot.app.theme = theme
            await pilot.pause()
            painted, textual_only = line, line
            for line_filter in pilot.app.get_line_filters():
                painted = line_filter.apply(painted, Color(0, 0, 0))
            for line_filter in App.get_line_filters(pilot.app):  # Textual's own, alone
                textual_only = line_filter.apply(textual_only, Color(0, 0, 0))
            assert "".join(segment.text for segment in painted) == "red]0;title text"
            assert painted[0].style == textual_only[0].style  # this theme's true colour
            reds.append(painted[0].style)
    assert reds[0] != reds[1]  # a light theme's red is not a dark one's
