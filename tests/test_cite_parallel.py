"""A big selection's references, rendered in parts on every core (core/cite/parallel.py),
are the list one process renders: the same words, the style's order, numbered in order;
and the sort that renders later keys only for tied papers orders them as citeproc-py does."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

from paperbrowse.core.cite import parallel
from paperbrowse.core.cite.references import references
from paperbrowse.core.cite.styles import BUNDLED, bundled_path, load_style
from paperbrowse.core.formats.pool import run_parts
from paperbrowse.core.library import load
from paperbrowse.core.models import Paper, paper_id

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"  # as conftest's corpus


def paper(title: str, authors: tuple[str, ...], year: int | None) -> Paper:
    return Paper(
        id=paper_id(title, year, None),
        title=title,
        authors=authors,
        date=dt.date(year, 1, 1) if year else None,
        date_precision="year",
        entry_type="inproceedings",
        venue="Proceedings of the Workshop",
    )


# Papers that tie on their first sort key (the same authors), so later keys order them.
TIED = [
    paper("Zebra crossings", ("Ann Smith",), 2020),
    paper("Apples and pears", ("Ann Smith",), 2020),
    paper("Middle ground", ("Ann Smith",), 2018),
    paper("Undated work", ("Ann Smith",), None),
    paper("Another author", ("Bob Jones",), 2019),
    paper("Second of two", ("Ann Smith", "Bob Jones"), 2021),
    paper("First of two", ("Ann Smith", "Bob Jones"), 2021),
]


@pytest.fixture(scope="module")
def selection(tmp_path_factory: pytest.TempPathFactory) -> list[Paper]:
    """Sixty real ACL papers spread over the file, and papers that tie on their authors."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside this checkout")
    with (CORPUS / "acl-anthology-2016-2021.jsonl").open(encoding="utf-8") as lines:
        wanted = [line for number, line in enumerate(lines) if number % 373 == 0]
    folder = tmp_path_factory.mktemp("selection")
    (folder / "selection.jsonl").write_text("".join(wanted), encoding="utf-8")
    return [*load(folder / "selection.jsonl").papers, *TIED]


def in_one_process(papers: list[Paper], name: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setattr(parallel, "POOL_MIN_PAPERS", len(papers) + 1)
    return references(papers, load_style(name))


def test_parts_put_together_are_the_list_one_process_renders(
    selection: list[Paper], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parts of 9 papers (done here in turn, as workers would), every style: sorted
    styles in their order across parts, numbered ones counting on from part to part."""
    done: list[int] = []

    def run_here(work: Any, parts: list[tuple[Any, ...]], sizes: list[int]) -> list[Any]:
        done.append(len(parts))
        return [work(*part) for part in parts]

    for name in BUNDLED:
        expected = in_one_process(selection, name, monkeypatch)
        monkeypatch.setattr(parallel, "POOL_MIN_PAPERS", 10)
        monkeypatch.setattr(parallel, "PART_PAPERS", 9)
        monkeypatch.setattr(parallel, "run_parts", run_here)
        assert references(selection, load_style(name)) == expected, name
        monkeypatch.undo()
    # ACM both sorts and numbers: its order is needed before rendering, so one process.
    assert len(done) == len(BUNDLED) - 1
    assert all(count == -(-len(selection) // 9) for count in done)


def test_a_worker_process_renders_the_same_list(
    selection: list[Paper], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = in_one_process(selection, "apa", monkeypatch)
    pooled: list[bool] = []
    original = run_parts

    def watched(*args: Any) -> Any:
        result = original(*args)
        pooled.append(result is not None)
        return result

    monkeypatch.setattr(parallel, "POOL_MIN_PAPERS", 10)
    monkeypatch.setattr(parallel, "PART_PAPERS", 5)
    monkeypatch.setattr(parallel, "run_parts", watched)
    assert references(selection, load_style("apa")) == expected
    if pooled == [False]:
        pytest.skip("no worker process could start here (one core)")
    assert pooled == [True]


def test_papers_tied_on_their_authors_are_ordered_by_year_then_title() -> None:
    """APA: by authors, then undated first, then year, then title."""
    entries = references(TIED, load_style("apa"))
    assert [entry.split(" Proceedings")[0] for entry in entries] == [
        "Jones, B. (2019). Another author.",
        "Smith, A. (n.d.). Undated work.",
        "Smith, A. (2018). Middle ground.",
        "Smith, A. (2020). Apples and pears.",
        "Smith, A. (2020). Zebra crossings.",
        "Smith, A., & Jones, B. (2021). First of two.",
        "Smith, A., & Jones, B. (2021). Second of two.",
    ]


def test_the_same_big_selection_again_is_not_rendered_again(
    selection: list[Paper], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``e`` twice on 220 papers: the second list is the first, rendered once; other
    paper objects (a reload), another form or a changed style file render afresh."""
    from paperbrowse.core.cite import references as module

    rendered: list[int] = []
    original = module._references

    def counted(papers: Any, style: Any, form: str) -> list[str]:
        rendered.append(len(papers))
        return original(papers, style, form)

    monkeypatch.setattr(module, "_references", counted)
    papers = (selection * 4)[:220]
    style_file = tmp_path / "mine.csl"
    style_file.write_bytes(bundled_path("apa").read_bytes())
    first = references(papers, load_style("ieee"))
    assert references(papers, load_style("ieee")) == first
    assert rendered == [220]
    references([paper.model_copy() for paper in papers], load_style("ieee"))
    references(papers, load_style("ieee"), "html")
    mine = references(papers, load_style(str(style_file)))
    style_file.write_bytes(style_file.read_bytes() + b"\n")
    modified = style_file.stat().st_mtime_ns + 2_000_000_000  # whatever the clock's grain
    os.utime(style_file, ns=(modified, modified))
    assert references(papers, load_style(str(style_file))) == mine
    assert rendered == [220] * 5
