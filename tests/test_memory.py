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
from typing import Any

import pytest

from paperbrowse.core import cache
from paperbrowse.core.formats import ImportResult, TextProgress, jsonl, pool, read_file
from paperbrowse.core.library import load

AS_OF = dt.date(2025, 11, 24)
PAPERS = 3_000
# Bytes a paper may hold beyond its text: 26 fields and where it was read.
MOST_PER_PAPER = 900


def small_papers(path: Path, **shared: object) -> Path:
    """Papers whose own text is a few short words, so what they cost is mostly their
    objects; ``shared``: fields with the same value in every paper."""
    with path.open("w", encoding="utf-8") as out:
        for number in range(PAPERS):
            row = {"id": f"p{number}", "title": f"T{number}", "year": 2000 + number % 20}
            out.write(json.dumps(row | shared) + "\n")
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
    assert held_per_paper(path) < MOST_PER_PAPER  # 2,900 before


def test_papers_opened_the_first_time_are_as_small(cache_dir: Path, tmp_path: Path) -> None:
    path = small_papers(tmp_path / "papers.jsonl")
    assert held_per_paper(path) < MOST_PER_PAPER  # 2,600 before: built by pydantic
    assert list(cache_dir.glob("*.pbcache"))


def test_a_venue_and_names_of_many_papers_are_held_once_when_reopened(
    cache_dir: Path, tmp_path: Path
) -> None:
    venue = "Proceedings of the " + "Long Conference Name " * 20
    path = small_papers(tmp_path / "papers.jsonl", venue=venue, authors=["Ann Lee", "Bo Li"])
    load(path, as_of=AS_OF)
    assert held_per_paper(path) < MOST_PER_PAPER  # 1,150 before: a copy of each per paper


def cache_entry(cache_dir: Path, tmp_path: Path) -> tuple[cache.FileKey, ImportResult, int]:
    path = small_papers(tmp_path / "papers.jsonl", abstract="words of an abstract " * 20)
    load(path, as_of=AS_OF)
    key = cache.FileKey.of(path)
    assert key is not None
    result = cache.load_entry(key, AS_OF)
    assert result is not None and len(result.papers) == PAPERS
    return key, result, key.cache_file().stat().st_size


def test_writing_the_cache_holds_no_copy_of_it(cache_dir: Path, tmp_path: Path) -> None:
    key, result, size = cache_entry(cache_dir, tmp_path)
    tracemalloc.start()
    try:
        cache.store_entry(key, AS_OF, result)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert key.cache_file().stat().st_size == size
    # The rows pickled are held (1.2 times the file): 2.8 times before, with the pickled
    # bytes and their copy joined to the header.
    assert peak < 1.6 * size


def test_reading_the_cache_holds_one_copy_of_it(cache_dir: Path, tmp_path: Path) -> None:
    key, _, size = cache_entry(cache_dir, tmp_path)
    tracemalloc.start()
    try:
        result = cache.load_entry(key, AS_OF)
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result is not None and len(result.papers) == PAPERS
    assert peak - held < 1.4 * size  # 1.9 times the file before: read whole, then copied


# --- a large JSON Lines file, read from its bytes ---------------------------------


@pytest.fixture
def acl_lines(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """3 MB of ACL JSON Lines with broken lines, and one character outside the BMP (an
    emoji: 4 bytes a character for a string holding it), read like a large file."""
    from test_parse_pool import acl_jsonl

    monkeypatch.setattr(jsonl, "POOL_MIN_CHARS", 1 << 20)
    monkeypatch.setattr(pool, "worker_count", lambda: 0)  # in this process: the same peak each run
    path = tmp_path / "acl.jsonl"
    emoji = '{"title": "Smiles \U0001f600 in text", "year": 2020}\n'
    path.write_text(emoji + acl_jsonl(corpus), encoding="utf-8")
    return path


def test_a_large_json_lines_file_read_from_its_bytes_gives_what_its_text_gives(
    acl_lines: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = []
    from_bytes = jsonl.read_large_jsonl

    def spy(path: Path, progress: TextProgress | None) -> ImportResult | None:
        taken.append(result := from_bytes(path, progress))
        return result

    monkeypatch.setattr(jsonl, "read_large_jsonl", spy)
    read = read_file(acl_lines, AS_OF)
    assert taken and taken[0] is not None  # the bytes were read in parts
    whole = jsonl.parse_jsonl(acl_lines.read_text(encoding="utf-8"), str(acl_lines))
    assert read.papers == whole.papers and len(read.papers) > 4000
    assert read.problems == whole.problems and len(read.problems) >= 6
    assert read.papers[0].title == "Smiles \U0001f600 in text"


def test_a_large_json_lines_file_with_one_wide_character_is_read_in_less_memory(
    acl_lines: Path,
) -> None:
    size = acl_lines.stat().st_size
    tracemalloc.start()
    try:
        result = read_file(acl_lines, AS_OF)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(result.papers) > 4000
    assert peak < 8.5 * size  # 10.2 times before: the whole text, 4 bytes a character


def test_a_large_json_lines_file_with_a_stray_byte_is_read_as_before(acl_lines: Path) -> None:
    data = acl_lines.read_bytes()
    middle = data.index(b"\n", len(data) // 2) + 1
    acl_lines.write_bytes(data[:middle] + b'{"title": "Caf\xe9", "year": 2001}\n' + data[middle:])
    result = read_file(acl_lines, AS_OF)
    assert any(paper.title == "Café" for paper in result.papers)
    assert "not valid UTF-8 (0xe9)" in result.problems[0].message


def test_the_papers_of_a_large_json_lines_file_are_compact_once_read(acl_lines: Path) -> None:
    size = acl_lines.stat().st_size
    tracemalloc.start()
    try:
        result = read_file(acl_lines, AS_OF)
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(result.papers) > 4000
    assert held < 3.5 * size  # 4.6 times before: each part's papers as pydantic built them


def test_the_collector_stays_off_from_the_first_file_to_the_merge(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from paperbrowse.core import merge

    first = small_papers(tmp_path / "a.jsonl")
    (tmp_path / "b").mkdir()
    second = small_papers(tmp_path / "b" / "b.jsonl")
    # Each pass of the collector scans every paper read so far: let back on between the
    # files and for the merge, it took 2.4 s of a million papers' reopen.
    enabled_when_merging: list[bool] = []
    merge_duplicates = merge.merge_duplicates

    def merge_noting_the_collector(papers: Any) -> Any:
        enabled_when_merging.append(gc.isenabled())
        return merge_duplicates(papers)

    monkeypatch.setattr(merge, "merge_duplicates", merge_noting_the_collector)
    library = load(first, second, as_of=AS_OF)
    assert len(library.sources) == 2 and len(library.papers) == PAPERS  # the same papers twice
    assert enabled_when_merging == [False, False, False]  # each file, then both
    assert gc.isenabled()
