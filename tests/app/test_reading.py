"""The reading workflow in the app: marks that persist, notes, tags, the export selection,
export, copying BibTeX, the stats screen and the author view (Pilot on the seed profile)."""

from __future__ import annotations

import csv
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from app_helpers import (
    browser,
    highlighted,
    loaded_library,
    screen_text,
    settle,
    wait_for,
    wait_loaded,
)
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, TextArea

from paperbrowse.app.app import PaperBrowseApp
from paperbrowse.app.screens.author import AuthorPapers, AuthorPicker
from paperbrowse.app.screens.export_dialog import ConfirmScreen, ExportDialog
from paperbrowse.app.screens.note_editor import NoteEditor
from paperbrowse.app.screens.stats import StatsScreen
from paperbrowse.app.screens.tags import TagsScreen
from paperbrowse.core.marks.store import open_store

AppFactory = Callable[[], PaperBrowseApp]
SIZE = (120, 35)


def notifications(pilot: Pilot[Any]) -> list[Any]:
    return list(pilot.app._notifications)


def in_another_window(change: str) -> None:
    """Run ``change`` on ``store``, the marks database, in a process of its own."""
    script = f"from paperbrowse.core.marks.store import open_store\nstore = open_store()\n{change}"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def first_row(pilot: Pilot[Any]) -> str:
    """The first list row as drawn (marks column, code mark, title)."""
    return screen_text(pilot).splitlines()[5]


async def test_bookmark_and_read_persist_across_a_restart(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        paper = highlighted(pilot)
        assert "★" not in first_row(pilot)
        await pilot.press("b", "r")
        await pilot.pause()
        assert "★" in first_row(pilot) and "✓" in first_row(pilot)
        assert "bookmarked" in str(browser(pilot).detail.query_one("#detail-body").render())
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert highlighted(pilot).id == paper.id
        assert "★" in first_row(pilot) and "✓" in first_row(pilot)
        await pilot.press("b")  # toggles back
        await pilot.pause()
        assert "★" not in first_row(pilot)
    with open_store() as store:
        assert not store.marks(paper).bookmarked and store.marks(paper).read


async def test_an_attachment_or_tag_alone_adds_no_blank_mark_column(
    seed_app: AppFactory, tmp_path: Path
) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        before = first_row(pilot)
        reading = browser(pilot).reading
        assert reading.store is not None
        reading.store.attach_file(highlighted(pilot), str(tmp_path / "paper.pdf"))
        reading.store.set_tags(highlighted(pilot), ["later"])
        reading.redraw_marks()
        await pilot.pause()
        assert first_row(pilot) == before  # no glyph to show: the title keeps its room
        await pilot.press("b")
        await pilot.pause()
        assert "★" in first_row(pilot)


async def test_marks_filters_work_in_the_search_bar(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("b", "j", "j", "b")
        await settle(pilot)
        await pilot.press("slash", *"is:bookmarked")
        await settle(pilot)
        assert len(browser(pilot).paper_list.results) == 2
        assert "2 of 15 papers" in str(pilot.app.query_one("#search-count").render())


async def test_marking_read_under_is_unread_takes_the_paper_out_and_keeps_the_row(
    seed_app: AppFactory,
) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"is:unread", "enter", "j")
        await settle(pilot)
        results = browser(pilot).results
        assert results is not None
        second, third = results[1], results[2]
        assert highlighted(pilot).id == second.id
        await pilot.press("r")  # read: it no longer matches is:unread
        await settle(pilot)
        assert "14 of 15 papers" in str(pilot.app.query_one("#search-count").render())
        results = browser(pilot).results
        assert results is not None
        assert second.id not in [p.id for p in results]
        assert highlighted(pilot).id == third.id  # the next paper, on the same row


async def test_note_is_saved_on_close_and_shown(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        paper = highlighted(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(pilot.app.screen, NoteEditor)
        await pilot.press(*"Read [bold]this[/bold]", "enter", *"twice")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, NoteEditor)
        assert "✎" in first_row(pilot)
        detail = str(browser(pilot).detail.query_one("#detail-body").render())
        assert "Read [bold]this[/bold]" in detail  # the user's text, never markup
    with open_store() as store:
        assert store.marks(paper).note == "Read [bold]this[/bold]\ntwice"


async def test_note_is_saved_on_a_pause_in_typing(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        paper = highlighted(pilot)
        await pilot.press("n", *"draft")

        def stored() -> str:
            with open_store() as store:
                return store.marks(paper).note

        # Saved by the editor's timer, once typing has paused (note_editor.PAUSE_SECONDS).
        await wait_for(pilot, lambda: stored() == "draft")
        assert isinstance(pilot.app.screen, NoteEditor)  # the editor is still open


async def test_a_note_that_cannot_be_saved_keeps_the_editor_open(
    seed_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paperbrowse.core.marks.store import StorageError, Store

    def fail(self: Store, paper: object, text: str, opened: str) -> None:
        raise StorageError("disk full (test)")

    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        monkeypatch.setattr(Store, "save_edited_note", fail)
        await pilot.press("n", *"precious")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, NoteEditor)  # not lost
        assert pilot.app.screen.query_one(TextArea).text == "precious"
        assert "NOT SAVED" in screen_text(pilot)
        await pilot.press("escape")  # the second escape leaves knowingly
        await pilot.pause()
        assert not isinstance(pilot.app.screen, NoteEditor)


async def test_tags_dialog_is_prefilled_and_saves(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        paper = highlighted(pilot)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(pilot.app.screen, TagsScreen)
        await pilot.press(*"ml, to-read survey", "enter")
        await pilot.pause()
        with open_store() as store:
            assert store.marks(paper).tags == ("ml", "to-read", "survey")
        assert "to-read" in str(browser(pilot).detail.query_one("#detail-body").render())
        await pilot.press("t")
        await pilot.pause()
        # Opened with a separator after the tags and the cursor past it: what is typed adds
        # a tag. The tags opened selected, so the first key typed replaced them all.
        assert pilot.app.screen.query_one(Input).value == "ml, to-read, survey, "
        await pilot.press(*"later", "enter")
        await pilot.pause()
        with open_store() as store:
            assert store.marks(paper).tags == ("ml", "to-read", "survey", "later")
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("escape")  # cancel keeps the tags
        with open_store() as store:
            assert store.marks(paper).tags == ("ml", "to-read", "survey", "later")
        await pilot.press("slash", *"tag:survey")
        await settle(pilot)
        assert [p.id for p in browser(pilot).paper_list.results] == [paper.id]


async def test_space_marks_papers_and_the_count_says_how_many(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("space", "space", "space")
        await pilot.pause()
        assert "3 marked" in str(pilot.app.query_one("#search-count").render())
        assert browser(pilot).paper_list.cursor == 3  # space moves on
        assert first_row(pilot).startswith("●")
        await pilot.press("k", "space")  # unmark the third
        await pilot.pause()
        assert "2 marked" in str(pilot.app.query_one("#search-count").render())


async def test_capital_y_copies_bibtex_of_the_marked_papers(
    seed_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        copied: list[str] = []
        monkeypatch.setattr(pilot.app, "copy_to_clipboard", copied.append)
        await pilot.press("Y")
        await settle(pilot)  # written in a thread
        assert copied[-1].count("@") == 1 and "title" in copied[-1]
        await pilot.press("space", "space", "Y")
        await settle(pilot)
        assert copied[-1].count("\n@") + copied[-1].startswith("@") == 2
        await pilot.press("y")
        titles = [p.title for p in browser(pilot).paper_list.results[:2]]
        assert all(title in copied[-1] for title in titles)


async def test_export_writes_a_file_and_asks_before_replacing(
    seed_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ExportDialog)
        # Offered where it will be written, whatever folder the app was started in.
        assert pilot.app.screen.query_one(Input).value == str(tmp_path / "papers.bib")
        await pilot.press("enter")
        await settle(pilot)
        written = (tmp_path / "papers.bib").read_text(encoding="utf-8")
        assert written.count("\n@") + written.startswith("@") == 15
        # The same name again: a question, and "n" leaves the file alone.
        (tmp_path / "papers.bib").write_text("keep me", encoding="utf-8")
        await pilot.press("space", "e")
        await pilot.pause()
        path_input = pilot.app.screen.query_one(Input)
        path_input.value = "papers.bib"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert (tmp_path / "papers.bib").read_text(encoding="utf-8") == "keep me"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("y")  # replace: now only the one marked paper
        await settle(pilot)
        written = (tmp_path / "papers.bib").read_text(encoding="utf-8")
        assert written.count("\n@") + written.startswith("@") == 1
        assert not isinstance(pilot.app.screen, ExportDialog)


async def test_export_asks_before_writing_one_format_under_anothers_name(
    seed_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RIS chosen and "papers.bib" typed: written without a word, a .bib that holds RIS
    (an explorer's). Now asked first; "n" writes nothing, "y" writes the RIS."""
    from textual.widgets import Select

    monkeypatch.chdir(tmp_path)
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("e")
        await pilot.pause()
        pilot.app.screen.query_one(Select).value = "ris"
        await pilot.pause()
        pilot.app.screen.query_one(Input).value = "papers.bib"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmScreen)
        assert pilot.app.screen.question == "papers.bib is named as BibTeX. Write RIS into it?"
        await pilot.press("n")
        await settle(pilot)
        assert not (tmp_path / "papers.bib").exists()
        await pilot.press("enter", "y")
        await settle(pilot)
        assert (tmp_path / "papers.bib").read_text(encoding="utf-8").startswith("TY  - ")
        # A file of that name there: one question for both, not two in a row.
        await pilot.press("e")
        await pilot.pause()
        pilot.app.screen.query_one(Select).value = "bibtex"
        await pilot.pause()
        pilot.app.screen.query_one(Input).value = "library.jsonl"
        (tmp_path / "library.jsonl").write_text("{}\n", encoding="utf-8")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmScreen)
        assert pilot.app.screen.question.startswith(
            "library.jsonl is named as paperbrowse JSON. Write BibTeX into it? It exists and "
            "will be replaced. The file as it was before"
        )
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, ConfirmScreen)
        assert (tmp_path / "library.jsonl").read_text(encoding="utf-8").startswith("@")
        assert (tmp_path / "library.jsonl.bak").read_text(encoding="utf-8") == "{}\n"


async def test_export_to_a_folder_that_cannot_be_written_says_so(
    seed_app: AppFactory, tmp_path: Path
) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("e")
        await pilot.pause()
        pilot.app.screen.query_one(Input).value = str(tmp_path / "missing" / "out.bib")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ExportDialog)  # still open, to fix the name
        assert any("Export failed" in n.message for n in notifications(pilot))


async def test_export_to_a_named_pipe_is_refused_without_asking(
    seed_app: AppFactory, tmp_path: Path
) -> None:
    import os
    import stat

    pipe = tmp_path / "pipe.bib"
    os.mkfifo(pipe)
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("e")
        await pilot.pause()
        pilot.app.screen.query_one(Input).value = str(pipe)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ExportDialog)  # no "replace it?": never
        messages = [n.message for n in notifications(pilot)]
        assert f"Export failed: {pipe}: is a named pipe; export writes only to files" in messages
    assert stat.S_ISFIFO(pipe.lstat().st_mode)


async def test_export_through_a_link_replaces_its_target_and_keeps_a_backup(
    seed_app: AppFactory, tmp_path: Path
) -> None:
    target = tmp_path / "target.bib"
    target.write_text("my own bibliography", encoding="utf-8")
    link = tmp_path / "link.bib"
    link.symlink_to(target)
    kept = f"The file as it was before this session's first change to it is kept as {target}.bak."
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        for _ in range(2):  # the second export leaves the session's backup alone
            await pilot.press("e")
            await pilot.pause()
            pilot.app.screen.query_one(Input).value = str(link)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(pilot.app.screen, ConfirmScreen)
            assert f"Replace {target}? {kept}" in str(pilot.app.screen.question)
            await pilot.press("y")
            await settle(pilot)
            messages = [n.message for n in notifications(pilot)]
            assert f"Exported 15 papers to {target} (through {link}). {kept}" in messages
    assert link.is_symlink() and target.read_text(encoding="utf-8").startswith("@")
    assert (tmp_path / "target.bib.bak").read_text(encoding="utf-8") == "my own bibliography"


async def test_stats_screen_year_selection_filters_the_list(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("r", "S")
        await settle(pilot)
        assert isinstance(pilot.app.screen, StatsScreen)
        text = screen_text(pilot)
        assert "1 of 15 read" in text and "2024" in text and "Zhiwei Zhang" in text
        await pilot.press("enter")  # the first year: 2024
        await settle(pilot)
        assert not isinstance(pilot.app.screen, StatsScreen)
        assert browser(pilot).search_query == "year:2024"
        years = {p.year for p in browser(pilot).paper_list.results}
        assert years == {2024}


async def test_stats_none_rows_list_the_papers_without_a_year_or_a_venue(
    tmp_path: Path,
) -> None:
    """The "none" rows (papers without a year, without a venue) were shown but could not be
    picked, as every other row can: enter now lists those papers."""
    from app_helpers import write_jsonl

    library = write_jsonl(
        tmp_path / "gaps.jsonl",
        [
            {"title": "Dated, at a venue", "year": 2021, "venue": "ACL"},
            {"title": "Dated, nowhere", "year": 2022},
            {"title": "Undated, at a venue", "venue": "EMNLP"},
            {"title": "Undated, nowhere"},
        ],
    )
    expected = {
        "#years": ("-has:year", {"Undated, at a venue", "Undated, nowhere"}),
        "#venue-list": ("-has:venue", {"Dated, nowhere", "Undated, nowhere"}),
    }
    for chart, (query, titles) in expected.items():
        async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
            await wait_loaded(pilot)
            await pilot.press("S")
            await settle(pilot)
            options = pilot.app.screen.query_one(chart, OptionList)
            options.focus()
            await pilot.press("end")  # the "none" row comes last
            await settle(pilot)
            last = options.get_option_at_index(options.option_count - 1)
            assert str(last.prompt).startswith("none 2 without a"), str(last.prompt)
            await pilot.press("enter")
            await settle(pilot)
            assert not isinstance(pilot.app.screen, StatsScreen), chart
            assert browser(pilot).search_query == query
            assert {p.title for p in browser(pilot).paper_list.results} == titles


async def test_stats_say_authors_of_a_library_and_co_authors_of_a_profile(
    seed_app: AppFactory, tmp_path: Path
) -> None:
    # A .bib or JSON Lines library's most frequent authors were headed "Top co-authors":
    # of no one, no researcher being open.
    from app_helpers import write_jsonl

    library = write_jsonl(tmp_path / "l.jsonl", [{"title": "T", "authors": ["Ann Bee"]}])
    for app, heading in (
        (PaperBrowseApp([library]), "Top authors"),
        (seed_app(), "Top co-authors"),
    ):
        async with app.run_test(size=SIZE) as pilot:
            await wait_loaded(pilot)
            await pilot.press("S")
            await settle(pilot)
            assert pilot.app.screen.query_one("#author-list", OptionList).border_title == heading


async def test_stats_years_fold_long_runs_of_empty_years(corpus: Path) -> None:
    """Semantic Scholar's real paper file spans 1842-2024 with most years empty: each was a
    row of its own (183, nearly all 0), its recent years far below. A run of empty years is
    now one row, which says so and is not picked."""
    app = PaperBrowseApp([str(corpus / "json" / "s2_Paper.json")])
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("S")
        await settle(pilot)
        years = pilot.app.screen.query_one("#years", OptionList)
        rows = [str(years.get_option_at_index(i).prompt) for i in range(years.option_count)]
        assert rows[0].startswith("1842 ") and rows[1].startswith("1843–")
        assert rows[1].endswith("no papers") and years.get_option_at_index(1).disabled
        assert len(rows) < 80
        assert rows[-1].startswith("none ")  # its undated papers, below the newest year
        await pilot.press("end", "up", "enter")
        await settle(pilot)
        assert browser(pilot).search_query == "year:2024"


async def test_stats_bars_fit_a_narrow_screen_and_a_resize(tmp_path: Path) -> None:
    """An explorer at 60x20: the three busiest years' bars were cut to one length, though
    their counts differ. The longest bar fits the chart, and fits it again once resized."""
    from app_helpers import write_jsonl

    counts = {2019: 40, 2020: 20, 2021: 10}
    library = write_jsonl(
        tmp_path / "years.jsonl",
        [
            {"title": f"Paper {year} {n}", "year": year}
            for year, count in counts.items()
            for n in range(count)
        ],
    )
    async with PaperBrowseApp([library]).run_test(size=(60, 20)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("S")
        for size in ((60, 20), (44, 20), (120, 30)):
            await pilot.resize_terminal(*size)
            await settle(pilot)
            lines = {year: _row_of(pilot, str(year)) for year in counts}
            bars = {year: line.count("█") for year, line in lines.items()}
            assert bars[2019] > bars[2020] > bars[2021] > 0, (size, lines)
        assert pilot.app.screen.query_one("#years", OptionList).highlighted == 0


def _row_of(pilot: Pilot[Any], year: str) -> str:
    """The years chart's row for ``year``, as on screen, inside the chart's border."""
    for line in screen_text(pilot).splitlines():
        inside = line.split("│")[1] if line.count("│") >= 2 else ""
        if inside.strip().startswith(year + " "):
            return inside
    raise AssertionError(f"no row for {year}:\n{screen_text(pilot)}")


async def test_keys_typed_while_the_stats_are_counted_are_carried_out_once_they_are(
    seed_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by an explorer: S, then down and enter at once, on a large library (counted
    for 1-3 s): the keys acted on the still empty lists and were lost. They are kept, in
    order, and carried out once the figures are in."""
    counted = threading.Event()
    figures = StatsScreen._figures

    def slow(screen: StatsScreen) -> Any:
        counted.wait(10)
        return figures(screen)

    monkeypatch.setattr(StatsScreen, "_figures", slow)
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("S")
        # (Not the workers: the count is held until the keys are in.)
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, StatsScreen), workers=False)
        await pilot.press("down", "enter")  # the second year, 2025, while still counting
        await pilot.pause(0.2)
        assert isinstance(pilot.app.screen, StatsScreen)
        counted.set()
        await settle(pilot)
        assert not isinstance(pilot.app.screen, StatsScreen)
        assert browser(pilot).search_query == "year:2025"


async def test_stats_coauthor_selection_filters_the_list(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("S")
        await settle(pilot)
        pilot.app.screen.query_one("#author-list", OptionList).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert browser(pilot).search_query == 'author:"Zhiwei Zhang"'
        results = browser(pilot).paper_list.results
        assert len(results) == 5
        assert all("Zhiwei Zhang" in p.authors for p in results)


async def test_author_view_lists_their_papers_and_goes_to_one(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(pilot.app.screen, AuthorPicker)
        first_author = highlighted(pilot).authors[0]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, AuthorPapers)
        found = pilot.app.screen.found
        assert found and all(first_author in p.authors for p in found)
        await pilot.press("down", "enter")
        await settle(pilot)
        target = found[1] if len(found) > 1 else found[0]
        assert highlighted(pilot).id == target.id


async def test_palette_opens_the_stats_screen(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("ctrl+p", *"stats")
        await settle(pilot)  # the palette's search (a worker) has listed the command
        await pilot.press("enter")
        await settle(pilot)  # the palette runs the command on a later turn (call_later)
        assert isinstance(pilot.app.screen, StatsScreen)


async def test_no_mark_column_until_something_is_marked(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        title = highlighted(pilot).title
        assert first_row(pilot)[2:].startswith(title[:20])  # code mark, space, title
        await pilot.press("b")
        await pilot.pause()
        assert first_row(pilot).startswith(" ★   ")


def test_loading_text_says_how_far_in_megabytes() -> None:
    from paperbrowse.app.screens.browser_parts.loading import loading_text

    assert loading_text(7_400_000, 31_400_000, "/x/lib.bib") == "Loading lib.bib … 7.4 of 31.4 MB"
    assert loading_text(0, 0, "/x/lib.bib") == "Loading lib.bib …"  # size unknown: no figures


async def test_a_slow_first_load_shows_how_far_it_is_then_only_the_papers(
    seed_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bar is mounted once a load has taken PROGRESS_DELAY, and taken away with it."""
    import paperbrowse.core.library as library_module
    from paperbrowse.app.screens.browser_parts import loading

    go_on = threading.Event()
    real_load = library_module.load

    def slow_load(*paths: Any, progress: Any = None, **options: Any) -> Any:
        progress(1_000_000, 4_000_000, "/x/lib.bib")
        go_on.wait(10)
        return real_load(*paths, progress=progress, **options)

    monkeypatch.setattr(loading, "PROGRESS_DELAY", 0.0)
    monkeypatch.setattr(library_module, "load", slow_load)
    async with seed_app().run_test(size=SIZE) as pilot:
        # The bar shows once the loader's progress is handled (the load is held: not the
        # workers).
        await wait_for(pilot, lambda: "25%" in screen_text(pilot), workers=False)
        assert "Loading lib.bib … 1.0 of 4.0 MB" in screen_text(pilot)
        assert "25%" in screen_text(pilot)
        go_on.set()
        await wait_loaded(pilot)
        assert "%" not in screen_text(pilot).splitlines()[4]  # the list's first row
        assert not pilot.app.screen.query("#loading-bar")
        assert first_row(pilot).strip()


async def test_a_damaged_database_opens_read_only_and_says_so(seed_app: AppFactory) -> None:
    from paperbrowse.core import locations as paths

    database = paths.database_path()
    database.parent.mkdir(parents=True, exist_ok=True)
    database.write_bytes(b"this is not a database" * 100)
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        messages = [n.message for n in notifications(pilot)]
        assert any(str(database) in message for message in messages), messages
        await pilot.press("b")  # refused with a message, not a crash
        await pilot.pause()
        assert any("Could not save the bookmark" in n.message for n in notifications(pilot))
        assert "★" not in first_row(pilot)
    assert database.read_bytes() == b"this is not a database" * 100  # never overwritten


async def test_quitting_with_the_note_editor_open_saves_the_last_keystrokes(
    seed_app: AppFactory,
) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        paper = highlighted(pilot)
        await pilot.press("n", *"last words", "ctrl+q")  # no pause: the timer never fired
        await pilot.pause()
    with open_store() as store:
        assert store.marks(paper).note == "last words"


async def test_tags_input_completes_tags_in_use(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("t", *"reinforcement", "enter", "j", "t", *"ml, rei")
        await settle(pilot)  # the input's suggester runs in a worker
        await pilot.press("right", "enter")  # → takes the suggestion
        await pilot.pause()
        with open_store() as store:
            paper = highlighted(pilot)
            assert store.marks(paper).tags == ("ml", "reinforcement")


def test_venue_labels_drop_proceedings_of_the() -> None:
    from paperbrowse.app.screens.stats import short_label

    assert short_label("Proceedings of the 2021 Conference on EMNLP") == "2021 Conference on EMNLP"
    assert short_label("proceedings of ACL") == "ACL"
    assert short_label("Findings of ACL") == "Findings of ACL"


async def test_export_name_follows_the_format(
    seed_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.widgets import Select

    monkeypatch.chdir(tmp_path)
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"year:2024", "enter")
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        pilot.app.screen.query_one(Select).value = "csv"
        await pilot.pause()
        assert pilot.app.screen.query_one(Input).value == str(tmp_path / "papers.csv")
        await pilot.press("enter")
        await settle(pilot)
        with (tmp_path / "papers.csv").open(encoding="utf-8", newline="") as file:
            rows = list(csv.reader(file))
        assert len(rows) == 1 + 6  # a header and the six papers of 2024 listed


async def test_changes_from_another_window_appear_on_the_next_poll(seed_app: AppFactory) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"is:bookmarked", "enter")
        await settle(pilot)
        assert len(browser(pilot).paper_list.results) == 0
        paper = loaded_library(pilot).papers[3]
        with open_store() as other_window:
            other_window.toggle_bookmarked(paper)
        browser(pilot).reading.poll_store()  # what the 2-second timer calls
        await settle(pilot)
        assert [p.id for p in browser(pilot).paper_list.results] == [paper.id]
        assert "★" in first_row(pilot)


async def test_a_note_another_window_saved_meanwhile_is_kept_beside_yours_and_you_are_told(
    seed_app: AppFactory,
) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        paper = highlighted(pilot)
        await pilot.press("n")
        await pilot.pause()
        in_another_window(f"store.save_note({paper.id!r}, 'written in the other window')")
        await pilot.press(*"written here")
        editor = pilot.app.screen
        assert isinstance(editor, NoteEditor)
        # The autosave (once typing pauses: note_editor.PAUSE_SECONDS) meets the other
        # window's note, and the editor shows both.
        await wait_for(pilot, lambda: "=======" in editor.query_one(TextArea).text)
        shown = editor.query_one(TextArea).text
        assert "\nwritten here\n=======\nwritten in the other window\n>>>>>>> " in shown
        assert shown.startswith("<<<<<<< one window, saved ")
        assert any("Another window saved this note" in n.message for n in notifications(pilot))
        # Typing on from the merged text saves it as it is: no second conflict block.
        await pilot.press(*" and more")

        def stored() -> str:
            with open_store() as store:
                return store.marks(paper).note

        await wait_for(pilot, lambda: "written here and more" in stored())  # the autosave
        assert stored().count("<<<<<<<") == 1
        await pilot.press("escape")
        await pilot.pause()
        detail = str(browser(pilot).detail.query_one("#detail-body").render())
        assert "written in the other window" in detail and "written here and more" in detail


async def test_tags_added_in_another_window_while_the_dialog_is_open_are_kept(
    seed_app: AppFactory,
) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        paper = highlighted(pilot)
        await pilot.press("t", *"x", "enter", "t")
        await pilot.pause()
        assert pilot.app.screen.query_one(Input).value == "x, "
        in_another_window(f"store.add_tags({paper.id!r}, 'y')")
        await pilot.press(*"z", "enter")
        await pilot.pause()
        with open_store() as store:
            assert store.marks(paper).tags == ("x", "y", "z")
        assert any(
            n.message == "Tags: x, y, z (another window changed them too)"
            for n in notifications(pilot)
        )
        # Removing in a dialog that has not seen the other window's tag keeps it.
        await pilot.press("t")
        await pilot.pause()
        in_another_window(f"store.add_tags({paper.id!r}, 'w')")
        pilot.app.screen.query_one(Input).value = "y"  # x and z deleted
        await pilot.press("enter")
        await pilot.pause()
        with open_store() as store:
            assert store.marks(paper).tags == ("y", "w")


async def test_a_read_only_file_system_is_named_as_such_not_as_damage(
    seed_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paperbrowse.core import locations as paths
    from paperbrowse.core.marks import opening as storage_open

    # The real mount is tested in test_storage_read_only.py; here, what the user reads.
    monkeypatch.setattr(storage_open, "on_read_only_file_system", lambda path: True)
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        messages = [n.message for n in notifications(pilot)]
        expected = (
            f"{paths.database_path()} is on a read-only file system; marks are shown but not saved"
        )
        assert messages == [expected]


@pytest.mark.parametrize(("key", "editor"), [("n", NoteEditor), ("t", TagsScreen)])
async def test_editors_wait_for_the_marks_instead_of_taking_text_they_cannot_save(
    seed_app: AppFactory, monkeypatch: pytest.MonkeyPatch, key: str, editor: type
) -> None:
    """Papers show before the loader has read the marks. A note editor opened then showed
    an empty note and refused every save, so a quit or a kill lost what was typed."""
    from paperbrowse.app.screens.browser import BrowserScreen

    # The loader never reports the index and the marks ready: the papers stay listed.
    monkeypatch.setattr(BrowserScreen, "on_loader_index_ready", lambda self: None)
    async with seed_app().run_test(size=SIZE) as pilot:
        for _ in range(100):
            await settle(pilot)
            if browser(pilot).paper_list.paper is not None:
                break
        await pilot.press(key)
        await pilot.pause()
        assert not any(isinstance(screen, editor) for screen in pilot.app.screen_stack)
        assert any("still loading" in str(n.message) for n in notifications(pilot))


async def test_a_page_down_kept_while_a_list_waits_moves_a_page_once_it_is_filled() -> None:
    """Found by a review: kept moves made before the list was laid out made a page down a
    move to the last option."""
    from textual.app import App, ComposeResult

    from paperbrowse.app.widgets.option_pages import PickerList

    class OneList(App[None]):
        def compose(self) -> ComposeResult:
            yield PickerList()

    highlighted = []
    for kept in (True, False):
        async with OneList().run_test(size=(60, 30)) as pilot:
            options = pilot.app.query_one(PickerList)
            options.focus()
            if kept:
                options.hold_moves()
                await pilot.press("pagedown")
            options.add_options([f"option {n}" for n in range(60)])
            options.highlighted = 0
            if kept:
                options.release_moves()
            else:
                await pilot.pause()
                await pilot.press("pagedown")
            await pilot.pause()
            highlighted.append(options.highlighted)
    assert highlighted[0] == highlighted[1] < 59
