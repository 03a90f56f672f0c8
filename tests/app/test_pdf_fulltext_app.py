"""Searching the PDFs' text in the browser: body matches listed below title matches,
``fulltext:`` with a phrase, the matching passage and its page in the detail pane."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from app_helpers import browser, screen_text, wait_loaded
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
    await pilot.app.workers.wait_for_complete()
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
        assert "using the following triplet margin loss function" in text


async def test_fulltext_filter_with_a_phrase_searches_only_bodies(tmp_path: Path) -> None:
    async with PaperBrowseApp([library(tmp_path)]).run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await search(pilot, 'fulltext:"triplet margin loss"')
        assert titles(pilot) == ["SPECTER: Document-level Representation Learning"]
        assert "p. 3" in screen_text(pilot)
        await search(pilot, 'fulltext:"loss margin triplet"')
        assert titles(pilot) == []
