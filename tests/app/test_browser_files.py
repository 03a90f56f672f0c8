"""Text from files stays text, bad files are reported, layouts fit, the theme is kept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from app_helpers import (
    MARKUP_TITLE,
    SEED,
    SEED_AS_OF,
    browser,
    browser_opening,
    screen_text,
    settle,
    wait_for,
    wait_loaded,
    write_jsonl,
)
from rich.segment import Segment
from textual.color import Color
from textual.pilot import Pilot

from paperbrowse.app.app import PaperBrowseApp
from paperbrowse.app.screens.problems import ProblemsScreen
from paperbrowse.core.locations import config_file


def notifications(pilot: Pilot[Any]) -> list[str]:
    return [str(n.message) for n in pilot.app._notifications]


async def test_markup_in_titles_authors_and_abstracts_shows_as_typed(
    tricky_library: Path,
) -> None:
    async with PaperBrowseApp([tricky_library]).run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        text = screen_text(pilot)
        assert MARKUP_TITLE in text  # in the detail pane, whole
        assert "A [bold red]x[/bold red]" in text.split("│")[0]  # and in the list row
        assert "Ann [link=https://evil.example]Bee[/link]" in text
        assert "[italic]brackets[/italic] and [$var] too" in text
        # Searching highlights inside such a title without eating the brackets.
        await pilot.press("slash", *"red")
        await settle(pilot)
        await pilot.pause()
        assert MARKUP_TITLE in screen_text(pilot)


async def test_terminal_escape_codes_never_reach_the_screen(tricky_library: Path) -> None:
    async with PaperBrowseApp([tricky_library]).run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("G")  # the paper whose fields held escape codes
        await pilot.pause()
        text = screen_text(pilot)
        assert "Graph networks" in text and "molecules" in text and "Fox" in text
        assert not any(char in text for char in "\x1b\x07\x9b")


async def test_palette_shows_markup_titles_as_text(tricky_library: Path) -> None:
    async with PaperBrowseApp([tricky_library]).run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("ctrl+p", *"bold red test")
        await settle(pilot)  # the palette's search (a worker) has listed the paper
        assert MARKUP_TITLE in screen_text(pilot)


async def test_a_broken_record_is_reported_and_the_rest_loads(tricky_library: Path) -> None:
    async with PaperBrowseApp([tricky_library]).run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        assert len(browser(pilot).paper_list.results) == 3
        assert any("1 problem in 1 file: records skipped" in note for note in notifications(pilot))
        assert "1 problem (w)" in str(pilot.app.query_one("#search-count").render())
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ProblemsScreen)
        assert f"{tricky_library}:3:" in screen_text(pilot)
        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, ProblemsScreen)


async def test_clicking_the_problem_count_opens_the_problems(tricky_library: Path) -> None:
    async with PaperBrowseApp([tricky_library]).run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        assert await pilot.click("#search-count")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ProblemsScreen)


async def test_a_missing_file_beside_a_good_one_is_a_notification(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.bib"
    async with PaperBrowseApp([SEED, missing], as_of=SEED_AS_OF).run_test() as pilot:
        await wait_loaded(pilot)
        assert len(browser(pilot).paper_list.results) == 15
        assert any(str(missing) in note for note in notifications(pilot))


async def test_no_problems_hides_the_problems_key(seed_app: Any) -> None:
    async with seed_app().run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        footer = screen_text(pilot).splitlines()[-1]
        assert "Problems" not in footer
        assert "Search" in footer and "Sort" in footer and "Quit" in footer


async def test_the_problems_key_with_no_problems_says_so(seed_app: Any) -> None:
    # Its key is left out of the footer then, but pressed it did nothing at all.
    async with seed_app().run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("w")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, ProblemsScreen)
        assert "No problems: every record of 1 file read." in notifications(pilot)


async def test_a_web_link_opens_and_other_schemes_never_do(
    tricky_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = PaperBrowseApp([tricky_library])
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", browser_opening(opened))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("o")  # the newest paper: an https link
        await wait_for(pilot, lambda: opened)
        await pilot.press("j", "o")  # a javascript: link
        await settle(pilot)
        assert opened == ["https://example.org/markup"]
        assert any("Opening https://example.org/markup" in n for n in notifications(pilot))
        assert any("no web link" in note for note in notifications(pilot))


async def test_o_with_no_browser_says_the_link_was_not_opened_and_names_it(
    tricky_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No xdg-open and no browser webbrowser knows of: webbrowser.open says False.
    monkeypatch.setattr("webbrowser.open", lambda url, **_: False)
    async with PaperBrowseApp([tricky_library]).run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("o")
        await wait_for(pilot, lambda: any("Cannot open" in n for n in notifications(pilot)))
        (said,) = [n for n in notifications(pilot) if "example.org" in n]
        assert said.startswith("Cannot open https://example.org/markup: no web browser")
        assert "y copies it" in said and "\n" not in said  # the key that copies the link
        assert not any(n.startswith("Opening") for n in notifications(pilot))


async def test_quitting_does_not_wait_for_a_browser_o_started(
    tricky_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The review: with a text browser in $BROWSER (w3m), webbrowser.open returns only
    # once it quits, and q waited for it, the app's thread worker being waited for.
    import threading

    started, browser_closed, returned = threading.Event(), threading.Event(), threading.Event()

    def browser_running(url: str, **_: object) -> bool:
        started.set()
        browser_closed.wait(5)  # (the user quits the browser, at the latest)
        returned.set()
        return True

    monkeypatch.setattr("webbrowser.open", browser_running)
    try:
        app = PaperBrowseApp([tricky_library])
        async with app.run_test(size=(120, 30)) as pilot:
            await wait_loaded(pilot)
            await pilot.press("o")
            await wait_for(pilot, started.is_set)
            await pilot.press("q")
            await wait_for(pilot, lambda: app.return_code is not None)
        assert not returned.is_set()  # the app ended while the browser still ran
    finally:
        browser_closed.set()


async def test_when_nothing_loads_the_app_exits_with_status_2(tmp_path: Path) -> None:
    garbage = write_jsonl(tmp_path / "garbage.jsonl", ["not json", "{nor this"])
    app = PaperBrowseApp([garbage])
    async with app.run_test() as pilot:
        for _ in range(100):
            if app.return_code is not None:
                break
            await pilot.pause(0.05)
    assert app.return_code == 2
    assert app.return_value == 2
    assert app.load_error is not None
    assert str(garbage) in str(app.load_error)


@pytest.mark.parametrize("size", [(89, 30), (60, 20)])
async def test_narrow_terminals_stack_the_panes(seed_app: Any, size: tuple[int, int]) -> None:
    async with seed_app().run_test(size=size) as pilot:
        await wait_loaded(pilot)
        paper_list = browser(pilot).paper_list.region
        detail = browser(pilot).detail.region
        assert detail.y >= paper_list.bottom  # below, not beside
        assert detail.width >= size[0] - 2


async def test_wide_terminals_put_the_panes_side_by_side(seed_app: Any) -> None:
    async with seed_app().run_test(size=(90, 30)) as pilot:
        await wait_loaded(pilot)
        assert browser(pilot).detail.region.x >= browser(pilot).paper_list.region.right


async def test_a_40_by_12_terminal_still_works(seed_app: Any) -> None:
    async with seed_app().run_test(size=(40, 12)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("j", "slash", *"llm", "enter", "G", "tab", "question_mark")
        await pilot.pause()
        await pilot.press("escape")
        text = screen_text(pilot)
        assert "llm" in text
        assert browser(pilot).paper_list.region.height >= 2
        await pilot.resize_terminal(120, 35)
        await pilot.pause()
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        assert pilot.app.is_running


async def test_theme_choice_persists_across_runs(seed_app: Any) -> None:
    async with seed_app().run_test() as pilot:
        await wait_loaded(pilot)
        assert pilot.app.theme != "nord"
        pilot.app.theme = "nord"
        await pilot.pause()
    assert json.loads(config_file().read_text(encoding="utf-8"))["theme"] == "nord"
    async with seed_app().run_test() as pilot:
        await wait_loaded(pilot)
        assert pilot.app.theme == "nord"


async def test_a_damaged_config_file_gives_the_default_theme(seed_app: Any) -> None:
    config_file().parent.mkdir(parents=True, exist_ok=True)
    config_file().write_text("{not json", encoding="utf-8")
    async with seed_app().run_test() as pilot:
        await wait_loaded(pilot)
        assert pilot.app.theme == "textual-dark"


def test_config_dir_can_be_overridden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERBROWSE_CONFIG_DIR", str(tmp_path / "cfg"))
    assert config_file() == tmp_path / "cfg" / "config.json"


def test_missing_paths_exit_2_with_one_line_and_no_app(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from paperbrowse.cli import main

    assert main([str(tmp_path / "nowhere.bib")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [f"paperbrowse: error: {tmp_path / 'nowhere.bib'}: no such file or folder"]


@pytest.mark.parametrize(("typed", "meant"), [("serach", "search"), ("Cite", "cite")])
def test_a_mistyped_subcommand_is_named_not_taken_for_missing_files(
    typed: str, meant: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from paperbrowse.cli import main

    assert main([typed, "bandit"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"paperbrowse: error: {typed}: no such file, folder or subcommand;"
        f" did you mean `paperbrowse {meant}`?"
    ]
    # a file's name like a subcommand's is a missing file, as before
    assert main(["notes.bib"]) == 2
    assert capsys.readouterr().err == "paperbrowse: error: notes.bib: no such file or folder\n"


async def test_rows_take_the_new_theme_colours(seed_app: Any) -> None:
    async with seed_app().run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        paper_list = browser(pilot).paper_list

        def code_mark_style() -> Any:  # the green ◆ of the third row, a paper with code
            return next(s.style for s in paper_list.render_line(2) if s.text == "◆")

        before = code_mark_style()
        pilot.app.theme = "solarized-light"
        await pilot.pause()
        assert code_mark_style() != before


# The list's faintest visible divider before a light theme had one: rose-pine's, 1.87
# (the default textual-dark's is 2.27). Light themes' were 1.04-1.26: a stripe a shade
# off the background, which a user does not see as a line between the panes.
VISIBLE_DIVIDER_CONTRAST = 1.5


def relative_luminance(color: Color) -> float:
    """WCAG's relative luminance: 0 for black, 1 for white."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = color.rgb
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast_ratio(one: Color, other: Color) -> float:
    """WCAG's contrast ratio: 1 for the same colour, 21 for black on white."""
    darker, lighter = sorted((relative_luminance(one), relative_luminance(other)))
    return (lighter + 0.05) / (darker + 0.05)


def divider_cells(pilot: Pilot[Any]) -> list[Segment]:
    """The cells of the line between the list and the detail pane, as drawn.

    Wide terminals draw it down the list pane's right edge, narrow ones (stacked
    panes) along its bottom edge.
    """
    pane = browser(pilot).query_one("#list-pane").region
    strips = pilot.app.screen._compositor.render_strips()
    if pane.right < pilot.app.size.width:  # side by side
        rows = range(pane.y, pane.bottom)
        cells = [strips[y].crop(pane.right - 1, pane.right) for y in rows]
    else:
        cells = [strips[pane.bottom - 1].crop(x, x + 1) for x in range(pane.x, pane.right)]
    return [segment for strip in cells for segment in strip]


@pytest.mark.parametrize("size", [(120, 30), (80, 30)], ids=["side-by-side", "stacked"])
async def test_the_line_between_the_panes_shows_in_every_theme(
    seed_app: Any, size: tuple[int, int]
) -> None:
    faint: dict[str, float] = {}
    async with seed_app().run_test(size=size) as pilot:
        await wait_loaded(pilot)
        for theme in sorted(pilot.app.available_themes):
            pilot.app.theme = theme
            await pilot.pause()
            for cell in divider_cells(pilot):
                assert cell.text in "│─", (theme, cell.text)  # a line is drawn
                assert cell.style is not None and cell.style.color is not None, theme
                assert cell.style.bgcolor is not None, theme
                if cell.style.color.is_default:
                    # The ANSI themes: the terminal's own text colour, which it makes
                    # readable on its own background.
                    assert cell.style.bgcolor.is_default, theme
                    continue
                line = Color.from_rich_color(cell.style.color)
                background = Color.from_rich_color(cell.style.bgcolor)
                ratio = contrast_ratio(line, background)
                if ratio < VISIBLE_DIVIDER_CONTRAST:
                    faint[theme] = round(ratio, 2)
    assert faint == {}


async def test_a_search_that_fails_says_so_and_the_app_goes_on(
    seed_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with seed_app().run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        library = browser(pilot).library

        def broken_find(query: str, sort: str = "relevance") -> Any:
            raise ValueError("engine bug")

        monkeypatch.setattr(library, "find", broken_find)
        await pilot.press("slash", *"boom")
        await settle(pilot)
        await pilot.pause()
        assert pilot.app.is_running
        assert "The search “boom” failed" in screen_text(pilot)
        assert any("engine bug" in note for note in notifications(pilot))


async def test_a_reader_bug_exits_2_with_a_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import paperbrowse.core.library as core_library

    def broken_load(*paths: Any, **options: Any) -> Any:
        raise RuntimeError("reader bug")

    monkeypatch.setattr(core_library, "load", broken_load)
    app = PaperBrowseApp([SEED])
    async with app.run_test() as pilot:
        for _ in range(100):
            if app.return_code is not None:
                break
            await pilot.pause(0.05)
    assert app.return_code == 2
    assert "RuntimeError: reader bug" in str(app.load_error)


async def test_o_skips_a_non_web_url_for_the_papers_web_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = write_jsonl(
        tmp_path / "links.jsonl",
        [
            {
                "title": "Links of every kind",
                "year": 2020,
                "url": "file:///etc/passwd",
                "doi": "10.1000/xyz",
            }
        ],
    )
    app = PaperBrowseApp([library])
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", browser_opening(opened))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert opened == ["https://doi.org/10.1000/xyz"]


async def test_the_problems_notified_are_counted_as_w_lists_them(tmp_path: Path) -> None:
    """A folder of files with problems (found by an explorer): the summary said "5 records
    in 5 files" where w listed 12 problems in 10 files, counting files not read at all that
    name a line as records, and records naming no line as files."""
    write_jsonl(tmp_path / "good.jsonl", [{"title": "Kept", "year": 2020}])
    (tmp_path / "arr.json").write_text("[1, 2, 3]")  # three records, no line named
    (tmp_path / "badjson.json").write_text('{"title": "x"')  # not JSON: line 1
    for number in range(7):  # files that cannot be read at all
        (tmp_path / f"empty{number}.bib").write_text("@article{")
    async with PaperBrowseApp([tmp_path]).run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        library = browser(pilot).library
        assert library is not None and len(library.papers) == 1
        problems, files = len(library.problems), len({p.file for p in library.problems})
        notes = notifications(pilot)
        assert any(f"{problems} problems in {files} files:" in note for note in notes), notes
        unlined = [p for p in library.problems if p.line is None]
        said = [note for note in notes if any(note == str(p) for p in unlined)]
        hidden = {p.file for p in unlined} - {p.file for p in unlined[: len(said)]}
        if hidden:
            assert any(f"… and {len(hidden)} more file" in note for note in notes), notes


async def test_the_stats_lists_borders_show_in_every_theme(seed_app: Any) -> None:
    """``S``: the lists without the focus are drawn in a round border of the panel's
    colour lightened, the background's own on a light theme (as the panes' line was)."""
    from textual.widgets import OptionList

    from paperbrowse.app.screens.stats import StatsScreen

    faint: dict[str, float] = {}
    async with seed_app().run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, StatsScreen))
        for theme in sorted(pilot.app.available_themes):
            if theme.startswith("ansi"):
                continue  # (the terminal's own colours)
            pilot.app.theme = theme
            await pilot.pause()
            lists = list(pilot.app.screen.query(OptionList))
            unfocused = [widget for widget in lists if not widget.has_focus]
            (focused,) = set(lists) - set(unfocused)  # (years, categories, authors, venues)
            assert focused.styles.border_left != unfocused[0].styles.border_left, theme
            for widget in unfocused:
                _, line = widget.styles.border_left
                background, _ = widget.background_colors
                ratio = contrast_ratio(line, background)
                if ratio < VISIBLE_DIVIDER_CONTRAST:
                    faint[theme] = round(ratio, 2)
    assert faint == {}


async def test_a_merged_paper_names_every_file_it_was_read_from(tmp_path: Path) -> None:
    """The same paper in a JSON Lines file and a .bib is one paper; its detail pane named
    the first file alone (an explorer's: "From works.jsonl:2")."""
    jsonl = tmp_path / "works.jsonl"
    jsonl.write_text(
        json.dumps({"title": "Shared Paper", "year": 2020, "doi": "10.1000/shared"}) + "\n",
        encoding="utf-8",
    )
    bib = tmp_path / "same.bib"
    bib.write_text(
        "@article{shared, title={Shared Paper}, year={2020}, doi={10.1000/shared}}\n",
        encoding="utf-8",
    )
    app = PaperBrowseApp([str(jsonl), str(bib)])
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        assert len(browser(pilot).paper_list.results) == 1
        shown = str(browser(pilot).detail.query_one("#detail-body").render())
        assert "works.jsonl:1, " in shown and "same.bib:1" in shown, shown


async def test_a_folder_of_long_file_names_keeps_the_paper_count_in_the_header(
    tmp_path: Path,
) -> None:
    # At 80 columns the files' names wrapped onto the header's second line, which holds
    # the paper count, and it was gone.
    folder = tmp_path / "a-folder-with-a-rather-long-name"
    folder.mkdir()
    for number in range(3):
        write_jsonl(
            folder / f"exported-library-number-{number}.jsonl",
            [{"title": f"Paper {number}", "year": 2020}],
        )
    async with PaperBrowseApp([folder]).run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        lines = screen_text(pilot).splitlines()
        assert lines[0].startswith(" Library  ") and lines[0].rstrip().endswith("…")
        assert lines[1].strip() == "3 papers"


async def test_the_search_hint_is_left_out_where_it_would_be_cut(seed_app: Any) -> None:
    # At 80 columns the placeholder was cut to "…abstracts…  (  ": a stray bracket.
    async with seed_app().run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        bar_line = next(line for line in screen_text(pilot).splitlines() if "Search" in line)
        assert "Search titles, authors, abstracts…" in bar_line and "(" not in bar_line
        await pilot.resize_terminal(140, 30)
        await settle(pilot)
        bar_line = next(line for line in screen_text(pilot).splitlines() if "Search" in line)
        assert "Search titles, authors, abstracts…  (? for syntax)" in bar_line


@pytest.mark.parametrize(
    ("browser", "display", "in_the_terminal"),
    [
        ("w3m", ":0", True),  # a text browser, whatever the session
        ("lynx", None, True),
        ("librewolf", ":0", False),  # unknown to webbrowser, with a window of its own
        ("librewolf", None, True),  # no display (SSH): it can only be the terminal's
    ],
)
def test_o_steps_aside_only_for_a_browser_that_runs_in_the_terminal(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    browser: str,
    display: str | None,
    in_the_terminal: bool,
) -> None:
    """The review: any command $BROWSER named that webbrowser did not know was taken for a
    text browser, and the app stepped aside until a window browser quit."""
    import sys
    import webbrowser

    from paperbrowse.app.screens.browser_parts.reading import browser_in_the_terminal

    if sys.platform == "darwin" or sys.platform.startswith("win"):
        pytest.skip("a desktop always has a display")
    command = tmp_path / browser
    command.write_text("#!/bin/sh\n", encoding="utf-8")
    command.chmod(0o755)
    monkeypatch.setenv("BROWSER", str(command))
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    if display is None:
        monkeypatch.delenv("DISPLAY", raising=False)
    else:
        monkeypatch.setenv("DISPLAY", display)
    monkeypatch.setattr(webbrowser, "_browsers", {})  # found again, with this environment
    monkeypatch.setattr(webbrowser, "_tryorder", None)
    found = browser_in_the_terminal()
    assert (found is not None) == in_the_terminal
