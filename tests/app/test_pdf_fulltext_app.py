"""Searching the PDFs' text in the browser: body matches listed below title matches,
``fulltext:`` with a phrase, the matching passage and its page in the detail pane."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from app_helpers import browser, screen_text, settle, wait_loaded
from textual.pilot import Pilot

from paperbrowse.app.app import PaperBrowseApp

ROOT = Path(__file__).resolve().parents[2]
SPECTER = ROOT.parent / "shared" / "corpus" / "pdf" / "acl-2020.acl-main.207.pdf"

pytestmark = pytest.mark.skipif(not SPECTER.is_file(), reason="no shared PDF corpus")


def library(folder: Path) -> Path:
    """SPECTER with its PDF (its title says nothing of triplets), and a paper titled so."""
    (folder / "papers").mkdir()
    shutil.copy(SPECTER, folder / "papers" / "specter.pdf")
    bib = folder / "lib.bib"
    bib.write_text(
        "@inproceedings{cohan2020, title={SPECTER: Document-level Representation Learning},"
        " year={2020}, file={:papers/specter.pdf:PDF}}\n"
        "@article{schroff2015, title={A Triplet Margin Loss for Faces}, year={2015}}\n"
        "@article{other2018, title={Unrelated Work}, year={2018}}\n",
        encoding="utf-8",
    )
    return bib


def titles(pilot: Pilot[Any]) -> list[str]:
    results = browser(pilot).paper_list.results
    return [results[i].title for i in range(len(results))]


async def search(pilot: Pilot[Any], query: str) -> None:
    await pilot.press("slash", "ctrl+u", *query, "enter")
    await settle(pilot)
    await pilot.pause()


async def test_body_matches_rank_below_titles_and_show_passage_and_page(tmp_path: Path) -> None:
    async with PaperBrowseApp([library(tmp_path)]).run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)  # the extraction thread is one of the workers waited for
        await search(pilot, "triplet margin loss")
        assert titles(pilot) == [
            "A Triplet Margin Loss for Faces",
            "SPECTER: Document-level Representation Learning",
        ]
        await pilot.press("down")
        await pilot.pause()
        text = screen_text(pilot)
        assert "p. 3" in text
        # The passage as the pane shows it, whichever word its lines wrap at.
        shown = " ".join(str(browser(pilot).detail.query_one("#detail-body").render()).split())
        assert "using the following triplet margin loss function" in shown


async def test_fulltext_filter_with_a_phrase_searches_only_bodies(tmp_path: Path) -> None:
    async with PaperBrowseApp([library(tmp_path)]).run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await search(pilot, 'fulltext:"triplet margin loss"')
        assert titles(pilot) == ["SPECTER: Document-level Representation Learning"]
        assert "p. 3" in screen_text(pilot)
        await search(pilot, 'fulltext:"loss margin triplet"')
        assert titles(pilot) == []


# --- the progress count in the search bar (QA bug 12) ---------------------------------------

SMALL_PDFS = ("pysample-minimal-document.pdf", "pysample-crazyones-pdfa.pdf")


def many_pdfs(folder: Path, count: int) -> Path:
    """``count`` papers, each with its own copy of a small PDF."""
    (folder / "papers").mkdir()
    entries = []
    for number in range(count):
        name = f"p{number}.pdf"
        shutil.copy(SPECTER.parent / SMALL_PDFS[number % 2], folder / "papers" / name)
        entries.append(
            f"@article{{p{number}, title={{Paper {number}}}, year={{2020}},"
            f" file={{:papers/{name}:PDF}}}}\n"
        )
    bib = folder / "lib.bib"
    bib.write_text("".join(entries), encoding="utf-8")
    return bib


def busy_seen(pilot: Pilot[Any]) -> list[str]:
    """Every text the search bar's background-work note takes from now on."""
    seen: list[str] = []
    bar = browser(pilot).search_bar
    bar.watch(bar, "busy", lambda value: seen.append(value), init=False)
    return seen


def counts(seen: list[str]) -> list[int]:
    """The N of each "full text: N of M PDFs" shown."""
    return [int(note.split()[2].replace(",", "")) for note in seen if " of " in note]


async def test_a_reopen_with_every_pdf_cached_says_so_and_counts_nothing(tmp_path: Path) -> None:
    bib = many_pdfs(tmp_path, 4)
    async with PaperBrowseApp([bib]).run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)  # the first open extracts and caches the four
    async with PaperBrowseApp([bib]).run_test(size=(130, 40)) as pilot:
        seen = busy_seen(pilot)
        await wait_loaded(pilot)
    assert counts(seen) == []  # no "1 of 4", "2 of 4"... for text already there
    assert "full text: 4 PDFs, all cached" in seen
    assert "full text: 4 PDFs from the cache" in seen


async def test_the_count_never_goes_back_over_a_reload(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paperbrowse.core.pdf.worker import PdfFacts, PdfWorker

    bib = many_pdfs(tmp_path, 6)
    read_text = PdfWorker.extract_to_cache

    def slowly(self: PdfWorker, path: Path, entry: Path) -> PdfFacts:
        time.sleep(0.3)  # a slow machine: the reload comes while the pass is under way
        return read_text(self, path, entry)

    monkeypatch.setattr(PdfWorker, "extract_to_cache", slowly)
    async with PaperBrowseApp([bib]).run_test(size=(130, 40)) as pilot:
        seen = busy_seen(pilot)
        for _ in range(600):
            await pilot.pause(0.05)
            if any(count >= 2 for count in counts(seen)):
                break
        await pilot.press("ctrl+r")
        await wait_loaded(pilot)
    shown = counts(seen)
    assert max(shown) == 6 and shown == sorted(shown), seen
    assert seen[-1] == "full text: 6 PDFs read"


# --- the search bar's width (QA bug 13) -------------------------------------------------------


def count_rows(pilot: Pilot[Any]) -> list[str]:
    """The rows of the search bar's count that hold text, as the screen shows them."""
    count = pilot.app.query_one("#search-count").region
    lines = screen_text(pilot).splitlines()[count.y : count.bottom]
    return [
        line[count.x : count.right].strip() for line in lines if line[count.x : count.right].strip()
    ]


async def test_the_count_never_wraps_nor_squeezes_the_search_input(tmp_path: Path) -> None:
    from paperbrowse.app.screens.browser_parts.files import fulltext_finished, fulltext_progress

    async with PaperBrowseApp([library(tmp_path)]).run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        await search(pilot, "triplet margin loss")
        bar = browser(pilot).search_bar
        bar.problems, bar.marked = 3, 2
        for note in (fulltext_progress(312, 1040), fulltext_finished(1040, 12, from_cache=True)):
            bar.show_busy(*note)
            for width in (60, 80, 100, 120):
                await pilot.resize_terminal(width, 30)
                await pilot.pause()
                rows = count_rows(pilot)
                assert len(rows) == 1, (width, rows)  # one line, never wrapped
                assert "2 of 3" in rows[0] or "2/3" in rows[0]
                # the note, in short where narrow, cut with "…" where that is too long
                assert "PDFs" in rows[0] or rows[0].endswith("…"), (width, rows)
                # the input keeps 40 cells, or half the bar where that is less
                assert bar.input.region.width >= min(width // 2, 40)
                assert "triplet margin loss" in screen_text(pilot)
