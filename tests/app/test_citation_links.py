"""The detail pane's citations inside the library (issue 16, item 3): the "Cites" and "Cited
by" headings with the titles of those papers, reached with tab, enter jumping to one in
the main list; nothing at all for a paper without citations (Pilot, a small CSL-JSON
library of our own)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from app_helpers import browser, highlighted, screen_text, wait_loaded
from textual.pilot import Pilot

from paperbrowse.app.app import PaperBrowseApp
from paperbrowse.app.widgets.citation_links import SHOWN, CitationLinks

SIZE = (120, 40)
CITES = "Cites (in this library)"
CITED_BY = "Cited by (in this library)"


def item(key: str, title: str, year: int, references: list[str] | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": key,
        "type": "article-journal",
        "title": title,
        "issued": {"date-parts": [[year]]},
    }
    if references is not None:
        found["references"] = references
    return found


# "survey" cites two papers; "elmo" is cited by it and cites nothing; "alone" has none.
# "big" cites more papers than the pane lists.
MANY = [item(f"m{n}", f"Many cited paper {n}", 2000 + n) for n in range(SHOWN + 2)]
ITEMS = [
    item("survey", "A survey of contextual embeddings", 2021, ["elmo", "10.1000/bert"]),
    item("elmo", "Deep contextualized word representations", 2018),
    {**item("bert", "BERT pre-training", 2019), "DOI": "10.1000/BERT"},
    item("alone", "A paper nobody here cites", 2015),
    item("big", "A paper citing many", 2022, [m["id"] for m in MANY]),
    *MANY,
]


@pytest.fixture
def library(tmp_path: Path) -> Path:
    path = tmp_path / "library.json"
    path.write_text(json.dumps(ITEMS), encoding="utf-8")
    return path


async def go_to(pilot: Pilot[Any], title: str) -> None:
    results = browser(pilot).paper_list.results
    browser(pilot).paper_list.cursor = next(
        i for i in range(len(results)) if results[i].title == title
    )
    await pilot.pause()


def links(pilot: Pilot[Any]) -> CitationLinks:
    return browser(pilot).detail.links


def focused(pilot: Pilot[Any]) -> object:
    return pilot.app.focused


async def test_the_detail_pane_lists_what_the_paper_cites_and_what_cites_it(
    library: Path,
) -> None:
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await go_to(pilot, "A survey of contextual embeddings")
        text = screen_text(pilot)
        assert CITES in text
        assert "Deep contextualized word representations  2018" in text
        assert "BERT pre-training  2019" in text
        assert CITED_BY not in text  # nothing here cites the survey: no empty heading

        await go_to(pilot, "Deep contextualized word representations")
        text = screen_text(pilot)
        assert CITED_BY in text and CITES not in text
        assert "A survey of contextual embeddings  2021" in text


async def test_a_paper_without_citations_shows_no_heading(library: Path) -> None:
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await go_to(pilot, "A survey of contextual embeddings")
        assert links(pilot).display
        await go_to(pilot, "A paper nobody here cites")
        text = screen_text(pilot)
        assert CITES not in text and CITED_BY not in text
        assert not links(pilot).display
        # tab goes from the detail pane back to the list, not to the hidden links.
        await pilot.press("enter", "tab")
        assert focused(pilot) is browser(pilot).paper_list


async def test_tab_reaches_the_titles_and_enter_jumps_to_one_in_the_list(library: Path) -> None:
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        browser(pilot).search_bar.value = "survey"  # the jump must clear a query hiding it
        await wait_loaded(pilot)
        await go_to(pilot, "A survey of contextual embeddings")

        await pilot.press("enter", "tab")  # the detail pane, then its citations
        assert focused(pilot) is links(pilot)
        await pilot.press("down", "enter")  # newest first: BERT (2019), then ELMo (2018)
        await wait_loaded(pilot)

        assert highlighted(pilot).title == "Deep contextualized word representations"
        assert focused(pilot) is browser(pilot).paper_list
        assert browser(pilot).search_query == ""
        assert "A survey of contextual embeddings  2021" in screen_text(pilot)  # its Cited by


async def test_escape_from_the_titles_goes_back_to_the_list(library: Path) -> None:
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await go_to(pilot, "A survey of contextual embeddings")
        await pilot.press("tab", "tab")
        assert focused(pilot) is links(pilot)
        await pilot.press("escape")
        assert focused(pilot) is browser(pilot).paper_list
        assert highlighted(pilot).title == "A survey of contextual embeddings"


async def test_a_long_section_ends_in_a_search_for_all_of_it(library: Path) -> None:
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await go_to(pilot, "A paper citing many")
        assert "… 2 more: search citedby:big" in screen_text(pilot)
        await pilot.press("tab", "tab", "end", "enter")
        await wait_loaded(pilot)
        assert browser(pilot).search_query == "citedby:big"
        assert browser(pilot).shown == SHOWN + 2


async def test_a_redraw_of_the_detail_keeps_the_highlighted_title(library: Path) -> None:
    # The marks redraw the detail pane every few seconds (another window's changes):
    # that must not move the highlight from under the user.
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await go_to(pilot, "A survey of contextual embeddings")
        await pilot.press("tab", "tab", "down")
        chosen = links(pilot).highlighted
        assert chosen is not None and chosen > 1
        browser(pilot).detail.redraw()
        await pilot.pause()
        assert links(pilot).highlighted == chosen


async def test_a_big_library_lists_them_once_the_loader_has_resolved_them(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Past RESOLVED_WHEN_SHOWN papers the pane does not stop to resolve the citations: the
    # loader does, after the index, and the pane shows them then without a key pressed.
    from paperbrowse.app.screens.browser_parts import links as links_module

    monkeypatch.setattr(links_module, "RESOLVED_WHEN_SHOWN", 0)
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.pause()
        assert highlighted(pilot).title == "A paper citing many"  # the newest: listed first
        assert CITES in screen_text(pilot)


async def test_the_highlighted_title_stays_in_view_in_a_short_terminal(library: Path) -> None:
    async with PaperBrowseApp([library]).run_test(size=(100, 18)) as pilot:
        await wait_loaded(pilot)
        await go_to(pilot, "A paper citing many")
        await pilot.press("tab", "tab")
        assert f"Many cited paper {SHOWN + 1}  {2000 + SHOWN + 1}" in screen_text(pilot)
        await pilot.press("end")
        assert "… 2 more: search citedby:big" in screen_text(pilot)
        await pilot.press("home")
        assert f"Many cited paper {SHOWN + 1}  {2000 + SHOWN + 1}" in screen_text(pilot)
        # The pane scrolled back up by the mouse wheel: the next key brings the title back.
        browser(pilot).detail.scroll_home(animate=False)
        await pilot.pause()
        assert f"Many cited paper {SHOWN}  {2000 + SHOWN}" not in screen_text(pilot)
        await pilot.press("down")
        assert f"Many cited paper {SHOWN}  {2000 + SHOWN}" in screen_text(pilot)
