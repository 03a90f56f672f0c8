"""Several profiles in the app: the header sums them up, ``p`` opens the people screen,
every column sorts, and enter lists one researcher's papers with ``profile:"Name"``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from app_helpers import SEED, SEED_AS_OF, browser, screen_text, settle, wait_loaded, write_config
from textual.pilot import Pilot

from paperbrowse.app.app import PaperBrowseApp
from paperbrowse.app.header_text import people_text
from paperbrowse.app.screens.people import PeopleScreen
from paperbrowse.app.widgets.people_table import COLUMNS, PeopleHeadings, PeopleTable, cell_text

LAB = Path(__file__).resolve().parents[1] / "data" / "lab50"
SIZE = (120, 35)


def header_lines(pilot: Pilot[Any]) -> list[str]:
    return screen_text(pilot).splitlines()[:2]


def people_screen(pilot: Pilot[Any]) -> PeopleScreen:
    screen = pilot.app.screen
    assert isinstance(screen, PeopleScreen), screen
    return screen


async def open_people(pilot: Pilot[Any]) -> PeopleScreen:
    """The people screen, opened with p once the library has loaded."""
    await wait_loaded(pilot)
    await pilot.press("p")
    await settle(pilot)
    return people_screen(pilot)


def three(tmp_path: Path) -> list[Path]:
    """Three profiles: two who wrote together (from the lab), and the seed's Fali Wang."""
    from paperbrowse.core.library import load

    people = load(LAB).people
    first = people.researchers[0]
    partner = people.coauthors(first)[0][0]
    return [Path(first.files[0]), Path(partner.files[0]), SEED]


async def test_header_counts_and_names_every_researcher(tmp_path: Path) -> None:
    paths = three(tmp_path)
    app = PaperBrowseApp(paths, as_of=SEED_AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        library = browser(pilot).library
        assert library is not None
        title, names = header_lines(pilot)
        assert f"3 researchers · {len(library.papers)} papers" in title
        for profile in library.profiles:
            assert profile.name in names
        # Not the first profile's figures alone, as before several profiles were summed up.
        assert "h-index" not in title + names


async def test_the_header_fits_the_names_again_when_the_terminal_is_resized() -> None:
    app = PaperBrowseApp([LAB], as_of=SEED_AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        wide = header_lines(pilot)[1]
        await pilot.resize_terminal(60, 35)
        await settle(pilot)
        narrow = header_lines(pilot)[1].rstrip()
        assert narrow.endswith("more") and len(narrow) <= 60
        assert narrow.count(" · ") < wide.count(" · ")
        await pilot.resize_terminal(*SIZE)
        await settle(pilot)
        assert header_lines(pilot)[1] == wide


def test_names_that_do_not_fit_are_counted() -> None:
    names = [f"Researcher Number{n}" for n in range(30)]
    text = people_text(names, 500, 80).plain
    title, line = text.split("\n")
    assert title == "30 researchers · 500 papers"
    assert line.startswith("Researcher Number0 · Researcher Number1")
    assert line.endswith("more") and len(line) <= 80
    shown = line.count("Researcher")
    assert line.endswith(f"+{30 - shown} more")


async def test_people_screen_sorts_every_column_and_shows_coauthors() -> None:
    app = PaperBrowseApp([LAB], as_of=SEED_AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_people(pilot)
        table = screen.query_one(PeopleTable)
        assert len(table.rows) == 50
        names = [r.name.casefold() for r in screen.ordered()]
        assert names == sorted(names)
        # The highlighted researcher's co-authors among those opened, with shared papers.
        first = screen.highlighted
        assert first is not None
        partners = screen.people.coauthors(first)
        text = screen_text(pilot)
        if partners:
            other, shared = partners[0]
            assert f"{first.name} wrote with: {other.name} ({shared} shared paper" in text
        orders = {}
        for _ in range(7):  # s: the next column, each one sorting the rows
            await pilot.press("s")
            await settle(pilot)
            orders[screen.sort] = [r.name for r in table.rows]
        assert set(orders) == {
            "category",
            "h-index",
            "citations",
            "papers",
            "novelty",
            "ai-score",
            "library",
        }
        await pilot.click(PeopleHeadings, offset=(48, 0))  # the h-index heading sorts by it
        await settle(pilot)
        by_h = [r.h_index or 0 for r in screen.ordered()]
        assert screen.order_text() == "h-index, highest first"
        assert by_h == sorted(by_h, reverse=True)
        await pilot.press("r")
        await settle(pilot)
        assert [r.h_index or 0 for r in screen.ordered()] == sorted(by_h)
        assert "sorted by h-index, lowest first" in screen_text(pilot)


async def test_the_people_screen_opens_again_in_the_order_it_was_left_in() -> None:
    """An explorer sorted by a column, went back to the list, pressed p again and found
    the names A to Z: the order is kept while the window is open."""
    app = PaperBrowseApp([LAB], as_of=SEED_AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_people(pilot)
        await pilot.press("s", "s", "r")  # h-index, lowest first
        await settle(pilot)
        left = [r.name for r in screen.ordered()]
        assert screen.order_text() == "h-index, lowest first"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        again = people_screen(pilot)
        assert again is not screen and again.order_text() == "h-index, lowest first"
        assert [r.name for r in again.table.rows] == left


def shown_headings(pilot: Pilot[Any]) -> list[str]:
    """The column headings on the people screen, as the user reads them."""
    line = next(line for line in screen_text(pilot).splitlines() if line.startswith(" Res"))
    return [heading for heading in line.strip().split("  ") if heading]


@pytest.mark.parametrize("width", [60, 70, 80, 90])
async def test_every_figure_shown_is_whole_on_a_narrow_screen(width: int) -> None:
    """At 80 columns the table's rows were cut at the right, through the last column's
    figures: "In library" read 1 for 12, and nothing for 8 (an explorer's). A column that
    does not fit is left out whole, heading and figures, and the last one shown ends the
    row whole."""
    app = PaperBrowseApp([LAB], as_of=SEED_AS_OF)
    async with app.run_test(size=(width, 30)) as pilot:
        screen = await open_people(pilot)
        last = {heading: key for key, heading, _ in COLUMNS}[shown_headings(pilot)[-1]]
        rows = screen.table.rows
        for y, researcher in enumerate(rows[:10]):  # (the table scrolled to its top)
            line = screen.table.render_line(y).text.rstrip()
            assert line.endswith(" " + cell_text(researcher, last)), (line, researcher)


@pytest.mark.parametrize("width", [60, 70, 80])
async def test_names_are_read_whole_at_60_to_80_columns(width: int) -> None:
    """At 60-80 columns the names were cut first ("Ana…" for Anastasia Shimorina) while
    every figure kept its room: the name is what the user reads. Figures give way first,
    whole columns of them; the one sorted by stays."""
    app = PaperBrowseApp([LAB], as_of=SEED_AS_OF)
    async with app.run_test(size=(width, 30)) as pilot:
        screen = await open_people(pilot)
        assert shown_headings(pilot)[0] == "Researcher"
        names = [researcher.name for researcher in screen.table.rows[:10]]
        text = screen_text(pilot)
        assert all(f" {name}  " in text for name in names if len(name) <= 20), text
        await pilot.press(*"sssssss")  # sorted by the last column, "In library"
        await settle(pilot)
        assert screen.sort == "library"
        assert "In library" in shown_headings(pilot)


async def test_enter_puts_profile_in_the_search_bar_and_the_header_shows_them() -> None:
    app = PaperBrowseApp([LAB], as_of=SEED_AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("p")
        await settle(pilot)
        screen = people_screen(pilot)
        await pilot.press("down", "down")
        await settle(pilot)
        chosen = screen.highlighted
        assert chosen is not None
        await pilot.press("enter")
        await settle(pilot)
        view = browser(pilot)
        assert view.search_query == f'profile:"{chosen.name}"'
        assert view.search_bar.value == f'profile:"{chosen.name}"'  # visible, editable
        assert {p.id for p in view.paper_list.results} == set(chosen.owned)
        title, figures = header_lines(pilot)
        assert chosen.name in title and f"{chosen.h_index} h-index" in figures
        # Clearing the search brings back everyone.
        await pilot.press("escape")
        await settle(pilot)
        assert "50 researchers" in header_lines(pilot)[0]


async def test_p_with_a_bibtex_library_says_no_profiles_are_open(tmp_path: Path) -> None:
    bib = tmp_path / "lib.bib"
    bib.write_text("@article{a, title={A Title}, author={Ann Bee}, year={2020}}\n")
    app = PaperBrowseApp([bib], as_of=SEED_AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, PeopleScreen)
        messages = [n.message for n in pilot.app._notifications]
        assert any("No researcher profiles are open" in m for m in messages)


async def test_stats_leaves_every_opened_researcher_out_of_the_coauthors(tmp_path: Path) -> None:
    from paperbrowse.app.screens.stats import StatsScreen

    first, partner, _ = three(tmp_path)
    app = PaperBrowseApp([first, partner], as_of=SEED_AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        library = browser(pilot).library
        assert library is not None
        await pilot.press("S")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, StatsScreen) and screen.figures is not None
        coauthors = {count.label for count in screen.figures.coauthors}
        assert coauthors and not coauthors & {p.name for p in library.profiles}


async def test_headings_line_up_with_the_rows_on_a_narrow_screen() -> None:
    app = PaperBrowseApp([LAB], as_of=SEED_AS_OF)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("p")
        await settle(pilot)
        lines = screen_text(pilot).splitlines()
        headings = next(line for line in lines if line.startswith(" Researcher "))
        row = lines[lines.index(headings) + 1]
        assert row.index(" CL ") + 1 == headings.index("Category")
        # Figures end where their headings end.
        assert row.rstrip().endswith("12") and len(row.rstrip()) == len(headings.rstrip())


def test_names_from_files_are_text_never_markup() -> None:
    text = people_text(["A [bold red]x[/bold red] test", "Ann Bee"], 2, 80)
    assert "A [bold red]x[/bold red] test · Ann Bee" in text.plain
    assert not any("red" in str(span.style) for span in text.spans)


async def test_the_list_keys_as_rebound_move_the_people_table_too() -> None:
    """The table takes the paper list's keys from the registry: one keymap moves both."""
    write_config({"keymap": {"cursor_down": "ctrl+n"}})
    app = PaperBrowseApp([LAB], as_of=SEED_AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        table = (await open_people(pilot)).query_one(PeopleTable)
        await pilot.press("ctrl+n", "ctrl+n", "j")  # j is no longer cursor_down's
        await settle(pilot)
        assert table.cursor == 2


async def test_a_list_key_rebound_onto_a_people_screen_key_leaves_that_key_its_own() -> None:
    """The screen's s, r and q stay theirs when the keymap gives a list action one of them."""
    write_config({"keymap": {"toggle_read": "R", "cursor_down": "down,r"}})
    app = PaperBrowseApp([LAB], as_of=SEED_AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_people(pilot)
        table = screen.query_one(PeopleTable)
        reversed_before, chosen = screen.reverse, screen.highlighted
        await pilot.press("r")
        await settle(pilot)
        assert screen.reverse != reversed_before
        assert screen.highlighted == chosen  # the order turned round; the cursor stayed on them
        assert table.cursor == len(table.rows) - 1


async def test_a_table_message_left_queued_after_the_screen_is_dismissed_is_dropped() -> None:
    """A highlight still queued when the screen went found its co-authors pane gone."""
    app = PaperBrowseApp([LAB], as_of=SEED_AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_people(pilot)
        researcher = screen.highlighted
        await pilot.press("escape")
        await settle(pilot)
        assert not screen.is_attached
        await screen._on_message(PeopleTable.Highlighted(researcher))  # (raised NoMatches)


@pytest.mark.parametrize("width", [40, 50])
async def test_a_narrow_people_footer_drops_keys_whole(width: int) -> None:
    # At 50 columns the footer read "r R▏^p palette" (Reverse cut), at 40 "s▏^p palette".
    from textual.widgets._footer import FooterKey

    app = PaperBrowseApp([LAB], as_of=SEED_AS_OF)
    async with app.run_test(size=(width, 30)) as pilot:
        await open_people(pilot)
        footer = screen_text(pilot).splitlines()[-1]
        keys = pilot.app.screen.query(FooterKey)
        labels = {f"{key.key_display} {key.description}" for key in keys}
        shown = [label for label in footer.split("▏")[0].strip().split("  ") if label]
        assert shown and all(label in labels for label in shown), footer


@pytest.mark.parametrize("width", [60, 70, 80, 120])
async def test_the_title_line_gives_its_hints_whole_or_not_at_all(width: int) -> None:
    # At 70 columns the title read "sorted by Researcher, A to Z   enter lists their".
    from paperbrowse.app.screens.people import TITLE_HINTS

    app = PaperBrowseApp([LAB], as_of=SEED_AS_OF)
    async with app.run_test(size=(width, 30)) as pilot:
        await open_people(pilot)
        title = screen_text(pilot).splitlines()[0].strip()
        assert "sorted by Researcher, A to Z" in title
        hints = title.partition("A to Z")[2].strip()
        shown = [hint for hint in hints.split(" · ") if hint]
        assert all(hint in TITLE_HINTS for hint in shown), title
        if width >= 120:
            assert shown == list(TITLE_HINTS)
