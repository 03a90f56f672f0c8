"""The app's ``+``: a paper looked up by DOI or arXiv id (recorded Crossref and arXiv
responses, replayed by the ``services`` fixture) and added to the library's file."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
from app_helpers import highlighted, notified, screen_text, wait_for, wait_loaded
from textual import events
from textual.widgets import Button, Input, Static

from paperbrowse.app.app import PaperBrowseApp
from paperbrowse.app.screens.add_dialog import AddPaperDialog
from paperbrowse.core.formats import read_file

pytestmark = pytest.mark.usefixtures("services", "notifications_kept")

JMIR = "10.2196/22081"
JMIR_START = "Investigating Patients’ Intention to Continue Using Teleconsultation"
OLD = "@article{doe2020,\n  title = {An Old Paper},\n  author = {Doe, Jane},\n  year = {2020},\n}\n"


def bib_library(folder: Path) -> Path:
    """A library of one paper, in a .bib of the user's."""
    library = folder / "library.bib"
    library.write_text(OLD, encoding="utf-8")
    return library


def titles(app: PaperBrowseApp) -> list[str]:
    results = app.browser.results
    assert results is not None
    return [results[i].title for i in range(len(results))]


def status(app: PaperBrowseApp) -> str:
    """The dialog's status line, whole (the screen wraps a long one)."""
    assert isinstance(app.screen, AddPaperDialog), app.screen
    return str(app.screen.query_one("#add-status", Static).content)


def adding(app: PaperBrowseApp) -> bool:
    return isinstance(app.screen, AddPaperDialog) and "Adding" in status(app)


async def looked_up(pilot: Any, typed: str) -> None:
    """``+``, the identifier typed, and Enter: until the dialog shows what it found."""
    await pilot.press("plus")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, AddPaperDialog))
    await pilot.press(*typed, "enter")
    await wait_for(pilot, lambda: "Looking up" not in screen_text(pilot))


async def test_a_doi_is_looked_up_shown_and_added_to_the_librarys_bib(tmp_path: Path) -> None:
    library = bib_library(tmp_path)
    app = PaperBrowseApp([library])
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        await looked_up(pilot, JMIR)
        shown = screen_text(pilot)
        assert JMIR_START in shown and "Antoine Grenier Ouimet" in shown
        assert "2020 · Journal of Medical Internet Research" in shown
        assert str(library) in shown  # the file it goes to: the library's own
        assert library.read_text(encoding="utf-8") == OLD  # nothing written yet
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(titles(app)) == 2)
        assert highlighted(pilot).title.startswith(JMIR_START)  # the cursor on it
        assert f"(grenierouimet2020investigating) to {library}." in notified(app)
        assert "Reloaded: 2 papers (+1)." in notified(app)
    assert (tmp_path / "library.bib.bak").read_text(encoding="utf-8") == OLD
    assert [paper.doi for paper in read_file(library, dt.date.today()).papers] == [
        None,
        JMIR,
    ]


async def test_two_papers_added_in_one_session_keep_the_file_as_it_was_before_both(
    tmp_path: Path,
) -> None:
    library = bib_library(tmp_path)
    backup = tmp_path / "library.bib.bak"
    app = PaperBrowseApp([library])
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        await looked_up(pilot, JMIR)
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(titles(app)) == 2)
        await looked_up(pilot, "1605.08386")
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(titles(app)) == 3)
        assert backup.read_text(encoding="utf-8") == OLD  # not the file between the two
        assert (
            f"(stanley2016heat) to {library}. The file as it was before this session's "
            f"first change to it is kept as {backup}."
        ) in notified(app)
    assert len(read_file(library, dt.date.today()).papers) == 3


async def test_a_library_without_a_file_of_its_own_asks_where(
    seed_app: Any, tmp_path: Path
) -> None:
    app = seed_app()  # the bundled profile: nothing of the user's to add to
    target = tmp_path / "mine.bib"
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        await looked_up(pilot, "arXiv:1605.08386")
        assert "Heat-bath random walks with Markov bases" in screen_text(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Name a .bib" in status(app))
        await pilot.press(*str(target), "enter")  # typed in the file's field, focused
        await wait_for(pilot, lambda: not isinstance(app.screen, AddPaperDialog))
        assert "That file is not open here" in notified(app)
    assert [paper.title for paper in read_file(target, dt.date.today()).papers] == [
        "Heat-bath random walks with Markov bases"
    ]


async def test_what_cannot_be_found_is_said_in_the_dialog_and_nothing_written(
    tmp_path: Path,
) -> None:
    library = bib_library(tmp_path)
    app = PaperBrowseApp([library])
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        await looked_up(pilot, "10.1371/notarealdoi")
        assert status(app).startswith("10.1371/notarealdoi: not found at 127.0.0.1:")
        await pilot.press("enter")  # still nothing to add: looked up again, not added
        await wait_for(pilot, lambda: "Looking up" not in screen_text(pilot))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, AddPaperDialog))
        assert titles(app) == ["An Old Paper"]
    assert library.read_text(encoding="utf-8") == OLD
    assert not (tmp_path / "library.bib.bak").exists()


async def test_a_paper_the_file_has_is_not_added_again(tmp_path: Path) -> None:
    library = bib_library(tmp_path)
    app = PaperBrowseApp([library])
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        for _ in range(2):
            await looked_up(pilot, JMIR)
            await pilot.press("enter")
            await wait_for(pilot, lambda: not adding(app))
        # Said in the dialog, still open: another id may follow.
        assert "library.bib has this paper already (line 7): Investigating" in status(app)
        await pilot.press("escape")
    assert library.read_text(encoding="utf-8").count("@article{grenierouimet") == 1


async def test_escape_while_the_file_is_written_waits_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Closed then, the paper was written all the same, and nothing said it (an explorer)."""
    from paperbrowse.core.lookup import adding

    library = bib_library(tmp_path)
    writing = threading.Event()
    add_paper = adding.add_paper

    def slow_add(*args: Any) -> Any:
        writing.wait(5)  # a large file's papers read first
        return add_paper(*args)

    monkeypatch.setattr(adding, "add_paper", slow_add)
    app = PaperBrowseApp([library])
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        await looked_up(pilot, JMIR)
        await pilot.press("enter", "escape")
        assert status(app) == "The file is being written; a moment."
        writing.set()
        await wait_for(pilot, lambda: len(titles(app)) == 2)
        assert "(grenierouimet2020investigating) to" in notified(app)


async def test_a_failed_look_up_clears_the_paper_shown_before(tmp_path: Path) -> None:
    library = bib_library(tmp_path)
    app = PaperBrowseApp([library])
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        await looked_up(pilot, "1605.08386")
        assert "Heat-bath random walks" in screen_text(pilot)
        await pilot.press("backspace", "7", "enter")  # 1605.08387: not recorded, "none"
        await wait_for(pilot, lambda: "Looking up" not in status(app))
        assert "arXiv has no paper 1605.08387" in status(app)
        assert "Heat-bath random walks" not in screen_text(pilot)
        await pilot.press("enter")  # nothing to add: looked up again, never added
        await wait_for(pilot, lambda: "Looking up" not in status(app))
    assert library.read_text(encoding="utf-8") == OLD


async def test_a_folder_library_adds_to_its_bib_and_never_twice(tmp_path: Path) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    from paperbrowse.core.lookup.adding import add_paper
    from paperbrowse.core.lookup.client import look_up

    add_paper(folder / "a.ris", look_up(JMIR))  # the library has it, in its RIS file
    (folder / "b.bib").write_text(OLD, encoding="utf-8")
    app = PaperBrowseApp([folder])
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        await looked_up(pilot, f"https://doi.org/{JMIR}")
        # its BibTeX file, offered first (the field, which a long folder's name overflows)
        assert app.screen.query_one("#add-to", Input).value == str(folder / "b.bib")
        await pilot.press("enter")
        await wait_for(pilot, lambda: not adding(app))
        assert status(app).startswith("The library has this paper already, in ")
        assert "a.ris" in status(app)
    assert (folder / "b.bib").read_text(encoding="utf-8") == OLD


async def test_a_paper_added_under_a_query_it_matches_keeps_the_query(tmp_path: Path) -> None:
    """The query was cleared as "hiding" the new paper: it was looked for in the old
    library's results (an explorer)."""
    library = bib_library(tmp_path)
    app = PaperBrowseApp([library])
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"teleconsultation", "enter")
        await wait_for(pilot, lambda: titles(app) == [])
        await looked_up(pilot, JMIR)
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(titles(app)) == 1)
        assert app.browser.search_bar.value == "teleconsultation"
        assert highlighted(pilot).title.startswith(JMIR_START)
        assert "hid that paper" not in notified(app)


async def test_a_paper_the_library_has_is_said_as_soon_as_it_is_found(tmp_path: Path) -> None:
    library = bib_library(tmp_path)
    app = PaperBrowseApp([library])
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        await looked_up(pilot, "10.2196/22081")
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(titles(app)) == 2)
        await looked_up(pilot, "https://dl.acm.org/doi/10.2196/22081")  # a publisher's link
        assert status(app) == f"The library has this paper already: {library}:7."


async def test_a_file_named_that_is_not_there_yet_takes_the_paper(tmp_path: Path) -> None:
    """Opened as `paperbrowse a.bib new.bib` with new.bib missing: made by the first paper
    added, read by the reload, the cursor on it (it was said "not open here")."""
    library = bib_library(tmp_path)
    new = tmp_path / "new.bib"
    app = PaperBrowseApp([library, new])
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        await looked_up(pilot, JMIR)
        field = app.screen.query_one("#add-to", Input)
        field.value = str(new)
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(titles(app)) == 2)
        assert highlighted(pilot).title.startswith(JMIR_START)
        assert "not open here" not in notified(app)


async def test_a_read_only_library_says_why_no_file_is_offered(tmp_path: Path) -> None:
    library = bib_library(tmp_path)
    library.chmod(0o444)
    app = PaperBrowseApp([library])
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        await looked_up(pilot, JMIR)
        assert "the library's files are read-only for you: name one" in screen_text(pilot)
        assert app.screen.query_one("#add-to", Input).value == ""


async def test_a_paper_added_while_a_load_runs_is_shown_by_the_load_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The load running had read the file before the paper was written: it must neither
    take the paper to show (and clear the query as "hiding" it) nor lose it; the reload
    the file's change brings shows it (a review)."""
    from paperbrowse.app.screens import browser
    from paperbrowse.core import library as library_module

    monkeypatch.setattr(browser, "WATCH_SECONDS", 0.05)
    library = bib_library(tmp_path)
    held = threading.Event()
    read_old = threading.Event()
    load = library_module.load

    def slow_load(*args: Any, **kwargs: Any) -> Any:
        loaded = load(*args, **kwargs)
        if not held.is_set():  # the reload below: read, then held until the paper is added
            read_old.set()
            held.wait(5)
        return loaded

    app = PaperBrowseApp([library])
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"teleconsultation", "enter")
        await wait_for(pilot, lambda: titles(app) == [])
        monkeypatch.setattr(library_module, "load", slow_load)
        await pilot.press("ctrl+r")
        # (Polled without waiting for the workers: the reload's is held on purpose.)
        await wait_for(pilot, read_old.is_set, workers=False)
        await pilot.press("plus")
        await wait_for(pilot, lambda: isinstance(app.screen, AddPaperDialog), workers=False)
        await pilot.press(*JMIR, "enter")
        await wait_for(
            pilot,
            lambda: "Add" in str(app.screen.query_one("#add-go", Button).label),
            workers=False,
        )
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, AddPaperDialog), workers=False)
        assert not held.is_set() and app.browser.loader.loading  # added while it ran
        held.set()
        await wait_for(pilot, lambda: len(titles(app)) == 1)
        assert app.browser.search_bar.value == "teleconsultation"
        assert highlighted(pilot).title.startswith(JMIR_START)
        assert "hid that paper" not in notified(app)


async def test_a_failed_reload_forgets_the_paper_it_was_to_show(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kept, the next reload the user asks for (or a file's change) moved the cursor to it
    long after (a review)."""
    from paperbrowse.core import library as library_module
    from paperbrowse.core.errors import FormatError

    library = bib_library(tmp_path)
    load = library_module.load

    def failing_load(*args: Any, **kwargs: Any) -> Any:
        raise FormatError(str(library), "cannot be read just now")

    app = PaperBrowseApp([library])
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        monkeypatch.setattr(library_module, "load", failing_load)
        await looked_up(pilot, JMIR)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Reload failed" in notified(app))
        monkeypatch.setattr(library_module, "load", load)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: len(titles(app)) == 2)
        await wait_for(pilot, lambda: "Reloaded: 2 papers (+1)." in notified(app))
        assert highlighted(pilot).title == "An Old Paper"  # where the cursor was


async def test_a_title_is_searched_and_the_work_picked_is_added(tmp_path: Path) -> None:
    """Text that is no DOI nor arXiv id is searched on Crossref as a title (its recorded
    answer: two works); the one picked is shown as a looked-up paper is, and Enter adds
    it. A title used to be refused: "neither a DOI nor an arXiv id"."""
    library = bib_library(tmp_path)
    app = PaperBrowseApp([library])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("plus")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, AddPaperDialog))
        await pilot.press(*"ecology", "enter")
        await wait_for(pilot, lambda: "pick the paper meant" in status(app))
        shown = screen_text(pilot)
        assert "Communicating Ecology" in shown and "Chemical Ecology" in shown
        # Both are Oxford Bibliographies entries, not papers: each says so.
        assert shown.count("· reference entry") == 2
        assert library.read_text(encoding="utf-8") == OLD  # nothing written yet
        # The text keeps the focus: edited, the works go, and Enter searches it anew.
        await pilot.press("backspace")
        assert "Chemical Ecology" not in screen_text(pilot)
        await pilot.press("y", "enter")
        await wait_for(pilot, lambda: "pick the paper meant" in status(app))
        await pilot.press("down", "enter")  # the second: Chemical Ecology
        await wait_for(pilot, lambda: "Enter adds it" in status(app))
        assert "Communicating Ecology" not in screen_text(pilot)  # (the list is gone)
        assert "· reference entry" in screen_text(pilot)  # the work picked is still one
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(titles(app)) == 2)
    added = read_file(library, dt.date.today()).papers[1]
    assert (added.title, added.doi) == ("Chemical Ecology", "10.1093/obo/9780199830060-0023")


@pytest.mark.parametrize("typed", ["10.1234", "arxiv:2004.071", "https://example.org/paper/7"])
async def test_a_mistyped_identifier_says_why_and_is_not_searched_as_a_title(
    tmp_path: Path, services: list[str], typed: str
) -> None:
    """Searched as a title, a mistyped DOI or arXiv id (or a site's link) found unrelated
    works a user might add: it is told what it is not, and nothing is asked."""
    app = PaperBrowseApp([bib_library(tmp_path)])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot)
        await looked_up(pilot, typed)
        await wait_for(pilot, lambda: "neither a DOI nor an arXiv id" in status(app))
    assert services == []


@pytest.mark.parametrize(
    ("pasted", "joined"),
    [
        ("https://doi.org/10.2196/\n22081", "https://doi.org/10.2196/22081"),
        ("10.2196/\n22081\n", "10.2196/22081"),
    ],
)
async def test_a_doi_pasted_on_two_lines_is_pasted_whole_and_looked_up(
    tmp_path: Path, pasted: str, joined: str
) -> None:
    """A DOI copied from a PDF comes wrapped: only its first line used to be kept, and
    Enter said it was neither a DOI nor an arXiv id."""
    app = PaperBrowseApp([bib_library(tmp_path)])
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("plus")
        await wait_for(pilot, lambda: isinstance(app.screen, AddPaperDialog))
        field = app.screen.query_one("#add-id", Input)
        field.post_message(events.Paste(pasted))
        await pilot.pause()
        assert field.value == joined
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Looking up" not in status(app))
        assert JMIR_START in screen_text(pilot)


async def test_a_title_pasted_on_two_lines_is_one_line_its_words_spaced(
    tmp_path: Path,
) -> None:
    app = PaperBrowseApp([bib_library(tmp_path)])
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("plus")
        await wait_for(pilot, lambda: isinstance(app.screen, AddPaperDialog))
        field = app.screen.query_one("#add-id", Input)
        field.insert_text_at_cursor("Chemical ")
        field.post_message(events.Paste("Ecology of\nInsects"))
        await pilot.pause()
        assert field.value == "Chemical Ecology of Insects"


async def test_a_pasted_bibtex_entry_is_shown_and_added_as_it_is(
    tmp_path: Path, services: list[str]
) -> None:
    """It used to be searched on Crossref as a title; a ``%`` comment after a value, joined
    into the one line, took the author after it along."""
    library = bib_library(tmp_path)
    app = PaperBrowseApp([library])
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("plus")
        await wait_for(pilot, lambda: isinstance(app.screen, AddPaperDialog))
        app.screen.query_one("#add-id", Input).post_message(
            events.Paste(
                "@inproceedings{cohan2020,\n  title={SPECTER: Document-level\n"
                "  Representation Learning}, % from Google Scholar\n  author={Cohan, Arman},\n"
                "  year={2020}}\n"
            )
        )
        await pilot.pause()
        # Read here: no network asked for (the hint said "Enter looks it up (needs the
        # network)").
        assert "Enter reads the entry (no network needed)" in status(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Enter adds it" in status(app))
        assert "SPECTER: Document-level Representation Learning" in screen_text(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(titles(app)) == 2)
        assert f"(cohan2020) to {library}." in notified(app)
    assert services == []  # nothing asked of Crossref
    assert (tmp_path / "library.bib.bak").read_text(encoding="utf-8") == OLD
    added = read_file(library, dt.date.today()).papers[1]
    assert (added.citekey, added.title, added.authors) == (
        "cohan2020",
        "SPECTER: Document-level Representation Learning",
        ("Arman Cohan",),
    )


async def test_the_dialog_opens_at_its_top_in_a_small_terminal(tmp_path: Path) -> None:
    # At 50x15 it opened scrolled down a line: its title hidden till scrolled up.
    app = PaperBrowseApp([bib_library(tmp_path)])
    async with app.run_test(size=(50, 15)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("plus")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, AddPaperDialog))
        await pilot.pause()
        assert "Add a paper" in screen_text(pilot)
        assert pilot.app.focused is pilot.app.screen.query_one("#add-id", Input)
