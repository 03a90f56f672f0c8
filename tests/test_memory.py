"""A large library fits in memory: papers cost a few hundred bytes each beyond their text.

Measured with tracemalloc (Python's own allocations, the same on every run), never
with timings. The bounds are loose: each is a third or less of what a paper cost
before (about 2,600 bytes beside its text).
"""

from __future__ import annotations

import datetime as dt
import json
import tracemalloc
from pathlib import Path

import pytest

from paperbrowse.core import cache, locations
from paperbrowse.core.library import load

AS_OF = dt.date(2025, 11, 24)
PAPERS = 3_000
# Bytes a paper may hold beyond its text: 26 fields and where it was read.
MOST_PER_PAPER = 900


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(locations.CACHE_DIR_VARIABLE, str(folder))
    monkeypatch.setattr(cache, "MIN_BYTES", 0)  # cache even the small file made here
    return folder


def small_papers(path: Path) -> Path:
    """Papers whose text is a few short words, so what they cost is mostly their objects."""
    with path.open("w", encoding="utf-8") as out:
        for number in range(PAPERS):
            row = {"id": f"p{number}", "title": f"T{number}", "year": 2000 + number % 20}
            out.write(json.dumps(row) + "\n")
    return path


def held_per_paper(path: Path) -> float:
    tracemalloc.start()
    try:
        library = load(path, as_of=AS_OF)
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(library.papers) == PAPERS
    return held / PAPERS


def test_papers_reopened_from_the_cache_are_small(cache_dir: Path, tmp_path: Path) -> None:
    path = small_papers(tmp_path / "papers.jsonl")
    load(path, as_of=AS_OF)  # parsed and cached
    assert list(cache_dir.glob("*.pbcache"))
    assert held_per_paper(path) < MOST_PER_PAPER
