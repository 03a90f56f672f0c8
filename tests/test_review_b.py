"""Review (review-b): failing tests for defects found in leftovers / bib-rows."""

from __future__ import annotations

import json
from pathlib import Path

from paperbrowse.core.formats.export import export_papers
from paperbrowse.core.library import load
from paperbrowse.core.models import Paper

OWN = "0123456789abcdef"


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_an_id_on_two_lines_of_one_paper_does_not_say_both_papers_kept(tmp_path: Path) -> None:
    """A line given twice (a file appended to twice) is merged into one paper: the warning
    must not say both were kept."""
    record = {"id": OWN, "title": "Paper One", "year": 2020}
    library = load(_write(tmp_path / "a.jsonl", [record, record]))
    assert len(library.papers) == 1
    assert not any("both papers kept" in p.message for p in library.problems), [
        p.message for p in library.problems
    ]


def test_which_paper_keeps_a_shared_id_does_not_depend_on_line_order(tmp_path: Path) -> None:
    """Marks are kept by id: reordering the file must not move them to the other paper."""
    one = {"id": OWN, "title": "Paper One", "year": 2020}
    two = {"id": OWN, "title": "Paper Two", "year": 2021}
    first = load(_write(tmp_path / "a.jsonl", [one, two]))
    second = load(_write(tmp_path / "b.jsonl", [two, one]))
    ids_first = {p.title: p.id for p in first.papers}
    ids_second = {p.title: p.id for p in second.papers}
    assert ids_first == ids_second


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
