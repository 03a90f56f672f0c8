"""Review (review-b): failing tests for defects found in leftovers / bib-rows."""

from __future__ import annotations

import json
from pathlib import Path

from paperbrowse.core.formats.export import export_papers
from paperbrowse.core.models import Paper

OWN = "0123456789abcdef"


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_reading_list_abstract_links_a_sici_doi_whole() -> None:
    """The reading list's targets and references take a SICI DOI whole; its abstract too."""
    doi_url = "https://doi.org/10.1002/(SICI)1097-4571(199006)41:6<391::AID-ASI1>3.0.CO;2-9"
    paper = Paper(id=OWN, title="T", abstract=f"See {doi_url}.")
    text = export_papers([paper], "markdown", keys=["k"])
    assert "%3C391::AID-ASI1%3E3.0.CO;2-9>" in text, text


def test_reading_list_target_keeps_a_backslash() -> None:
    r"""CommonMark reads ``\%`` in a link target as an escaped ``%``: the backslash is lost."""
    from paperbrowse.core.text.clean import link_target

    assert "\\" not in link_target("https://example.com/a\\(b")
