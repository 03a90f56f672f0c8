"""A search that finds nothing because the library has nothing its filter could find:
no PDF for ``has:pdf`` and ``fulltext:``, no citation for ``cites:`` and ``citedby:``.
The list's empty message says so and what to do, instead of only "No papers match"
(Pilot, small libraries of our own)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app_helpers import browser, notified, settle, wait_loaded, write_config, write_jsonl
from textual.pilot import Pilot

from paperbrowse.app.app import PaperBrowseApp

SIZE = (120, 35)
NO_PDF = "no paper here has a PDF"
NO_CITATIONS = "no file of this library records citations"


async def empty_message(pilot: Pilot[Any], query: str) -> str:
    """The list's message after typing ``query`` in a cleared search bar."""
    await pilot.press("slash", "ctrl+u", *query)
    await settle(pilot)
    paper_list = browser(pilot).paper_list
    assert len(paper_list.results) == 0, query
    return paper_list.empty_message


def plain_library(folder: Path) -> Path:
    """Two papers, no file attached or found for either, no citations."""
    return write_jsonl(
        folder / "plain.jsonl",
        [
            {"title": "Graph networks for molecules", "authors": ["Ann Bee"], "year": 2022},
            {"title": "Parsing with transformers", "authors": ["Carla Dee"], "year": 2023},
        ],
    )


async def test_pdf_filters_say_the_library_has_no_pdf_and_how_to_add_one(
    tmp_path: Path,
) -> None:
    async with PaperBrowseApp([plain_library(tmp_path)]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        for query in ("has:pdf", "fulltext:graph", 'fulltext:"graph networks"'):
            message = await empty_message(pilot, query)
            assert f"{query}: {NO_PDF}; attach one to a paper with A" in message
            assert "--pdf-dir DIR" in message
            assert '"pdf_folders" in config.json' in message
            assert message.startswith(f"No papers match “{query}”.")


async def test_the_pdf_note_names_the_attach_key_of_the_users_keymap(tmp_path: Path) -> None:
    write_config({"keymap": {"attach_pdf": "ctrl+t"}})
    async with PaperBrowseApp([plain_library(tmp_path)]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        message = await empty_message(pilot, "has:pdf")
        assert "attach one to a paper with ctrl+t" in message
        assert "with A" not in message


async def test_citation_filters_say_the_library_records_no_citations(tmp_path: Path) -> None:
    async with PaperBrowseApp([plain_library(tmp_path)]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        # A paper the library holds (its key), and one it lacks: the library is the reason.
        for query in ("citedby:graph", "cites:graph", "cites:bee2022graph"):
            message = await empty_message(pilot, query)
            assert f"{query}: {NO_CITATIONS}" in message
            assert "Semantic Scholar API JSON" in message
            assert "CSL-JSON" in message
            assert "no paper here has that id" not in message


def cited_library(folder: Path) -> Path:
    """CSL-JSON: "survey" cites "elmo"; "alone" cites nothing and nothing cites it; the
    PDF of "survey" is by its key beside the library (any file named .pdf is a PDF here)."""
    kind = {"type": "article-journal"}
    items = [
        {**kind, "id": "survey", "title": "A survey of embeddings", "references": ["elmo"]},
        {**kind, "id": "elmo", "title": "Deep contextualized word representations"},
        {**kind, "id": "alone", "title": "A paper nobody here cites"},
    ]
    path = folder / "library.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    (folder / "survey.pdf").write_bytes(b"%PDF-1.4\n% a PDF's header, no more\n")
    return path


async def test_a_library_with_pdfs_and_citations_keeps_the_generic_message(
    tmp_path: Path,
) -> None:
    async with PaperBrowseApp([cited_library(tmp_path)]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert len(browser(pilot).paper_list.results) == 3
        for query in ("has:pdf elmo", "fulltext:zzzqqq", "citedby:alone", "cites:alone"):
            message = await empty_message(pilot, query)
            assert message.startswith(f"No papers match “{query}”. Escape clears"), message
        # An ID no paper has is still said, as before.
        message = await empty_message(pilot, "cites:nobody")
        assert "cites:nobody: no paper here has that id, DOI or key." in message


async def test_opening_a_missing_pdf_names_the_attach_key_of_the_users_keymap(
    tmp_path: Path, notifications_kept: None
) -> None:
    # It said "attach one with A" whatever key attaching had.
    write_config({"keymap": {"attach_pdf": "ctrl+t"}})
    app = PaperBrowseApp([plain_library(tmp_path)])
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("O")
        await settle(pilot)
        assert "This paper has no PDF: attach one with ctrl+t" in notified(app)
