"""``m`` in the app: the papers most like the highlighted one, why, and enter to go there."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from app_helpers import (
    browser,
    highlighted,
    screen_text,
    send_keys,
    settle,
    wait_for,
    wait_loaded,
    write_jsonl,
)
from textual.pilot import Pilot
from textual.widgets import OptionList

from paperbrowse.app.app import PaperBrowseApp
from paperbrowse.app.screens.author import AuthorPicker
from paperbrowse.app.screens.related import RelatedScreen

SIZE = (120, 35)
FINDING = "Finding papers like this one…"
SPECTER = "SPECTER: document-level representation learning using citation-informed transformers"
NEAR = "Citation-informed transformers for scientific document embeddings"
PAPERS: list[dict[str, Any]] = [
    {
        "title": SPECTER,
        "authors": ["Arman Cohan", "Sergey Feldman"],
        "year": 2020,
        "venue": "ACL 2020",
        "abstract": "Scientific document embeddings from a transformer pretrained on the "
        "citation graph, for citation recommendation.",
    },
    {
        "title": NEAR,
        "authors": ["Arman Cohan", "Sergey Feldman"],
        "year": 2021,
        "venue": "ACL 2020",
        "abstract": "A transformer pretrained on the citation graph gives scientific "
        "document embeddings.",
    },
    {
        "title": "Speech recognition for low-resource languages",
        "authors": ["Dana Eve"],
        "year": 2019,
        "abstract": "Acoustic models for languages with little transcribed audio.",
    },
    {
        "title": "Sentiment of tweets about football matches",
        "authors": ["Femi Gold"],
        "year": 2018,
        "abstract": "A lexicon for the sentiment of football fans on Twitter.",
    },
]


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "papers.jsonl", PAPERS)


async def open_related_of_specter(pilot: Pilot[Any]) -> RelatedScreen:
    """Search SPECTER (so the list hides the paper like it), then press m."""
    await wait_loaded(pilot)
    await pilot.press("slash", *"specter", "enter")
    await settle(pilot)
    assert highlighted(pilot).title == SPECTER
    await pilot.press("m")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, RelatedScreen)
    return screen


async def test_m_lists_the_paper_like_it_with_why_and_enter_goes_there(library: Path) -> None:
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        screen = await open_related_of_specter(pilot)
        assert screen.found[0].paper.title == NEAR
        shown = screen_text(pilot)
        assert "More like SPECTER" in shown
        assert NEAR in shown and "2 authors · same venue" in shown and "shares: " in shown
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is browser(pilot)
        # The query hid it: cleared (and said so), and the cursor is on the paper chosen.
        assert highlighted(pilot).title == NEAR
        assert browser(pilot).search_query == ""
        assert "Search cleared: specter hid that paper" in [
            str(n.message) for n in pilot.app._notifications
        ]


async def test_escape_goes_back_to_the_same_paper(library: Path) -> None:
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await open_related_of_specter(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is browser(pilot)
        assert highlighted(pilot).title == SPECTER
        assert browser(pilot).search_query == "specter"


async def test_a_paper_like_no_other_says_so(tmp_path: Path) -> None:
    alone = write_jsonl(tmp_path / "alone.jsonl", [{"title": "Zyxwv qwerty", "year": 2020}])
    async with PaperBrowseApp([alone]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert pilot.app.screen is browser(pilot)
        messages = [n.message for n in pilot.app._notifications]
        assert "No other paper here shares its words, authors or venue." in messages


async def test_titles_authors_and_reasons_show_as_typed_never_as_markup(tmp_path: Path) -> None:
    title = "Graphs [bold red]x[/] and [link=file:///etc]click[/link] now\x1b[31m red\x07"
    other = "Plain [italic]graphs[/italic] paper"
    hostile = write_jsonl(
        tmp_path / "hostile.jsonl",
        [
            {"title": title, "authors": ["Ann [bold]Bee[/]"], "year": 2024},
            {"title": other, "authors": ["Ann [bold]Bee[/]"], "year": 2020},
        ],
    )
    async with PaperBrowseApp([hostile]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(pilot.app.screen, RelatedScreen)
        shown = screen_text(pilot)
        assert "More like Graphs [bold red]x[/] and [link=file:///etc]click" in shown
        assert other in shown and "shares: graphs · 1 author" in shown
        assert not any(char in shown for char in "\x1b\x07\x9b")


async def test_a_screen_opened_before_the_list_is_ranked_stays_on_top(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paperbrowse.core.related import rank

    ranked = rank.related_papers

    def slowly(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.3)  # a big library on a busy machine
        return ranked(*args, **kwargs)

    monkeypatch.setattr(rank, "related_papers", slowly)
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await send_keys(pilot, "ma")  # the author picker opens while the list is ranked
        assert isinstance(pilot.app.screen, AuthorPicker)
        assert not any(isinstance(s, RelatedScreen) for s in pilot.app.screen_stack)


async def test_a_slow_ranking_says_it_is_finding_them_till_the_list_opens(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first m at 22k papers, just after the load (the loader still writing its caches
    # on a busy machine), took 5 s with no sign of anything being done.
    from paperbrowse.core.related import rank

    ranked, go_on = rank.related_papers, threading.Event()

    def held(*args: Any, **kwargs: Any) -> Any:
        go_on.wait(10)
        return ranked(*args, **kwargs)

    def notes() -> list[str]:
        return [str(n.message) for n in pilot.app._notifications]

    monkeypatch.setattr(rank, "related_papers", held)
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("m")
        await wait_for(pilot, lambda: FINDING in notes(), workers=False)
        assert not isinstance(pilot.app.screen, RelatedScreen)
        go_on.set()
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, RelatedScreen))
        assert FINDING not in notes()  # taken down once the list shows


async def test_a_quick_ranking_says_nothing_but_its_list(library: Path) -> None:
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, RelatedScreen))
        await pilot.pause(0.5)
        assert FINDING not in [str(n.message) for n in pilot.app._notifications]


async def test_j_and_k_move_in_the_pickers_as_in_the_list(library: Path) -> None:
    # Every list of papers moves with j and k; the pickers' lists did not (only the arrows).
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"specter", "enter")
        await settle(pilot)
        await pilot.press("a")  # the highlighted paper's authors: Arman Cohan, Sergey Feldman
        await settle(pilot)
        assert isinstance(pilot.app.screen, AuthorPicker)
        options = pilot.app.screen.query_one("#author-options", OptionList)
        assert options.highlighted == 0
        await pilot.press("j")
        assert options.highlighted == 1
        await pilot.press("k")
        assert options.highlighted == 0
        await pilot.press("G")
        assert options.highlighted == options.option_count - 1
        await pilot.press("g")
        assert options.highlighted == 0
