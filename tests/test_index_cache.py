"""The search index cache: a reopened large library searches from the stored index, with
the same results; a changed, damaged or foreign entry is rebuilt, never trusted."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import mmap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from paperbrowse.core import cache, locations
from paperbrowse.core.cache import writes_deferred
from paperbrowse.core.library import load
from paperbrowse.core.search import build, index_cache
from paperbrowse.core.search import index as search

AS_OF = dt.date(2025, 11, 24)
QUERIES = (
    "graph",
    "graf neural",
    "author:smith",
    '"neural networks"',
    "year:2020 -graph",
    "",
    '"graph kernel"',  # found in "Graph kernels": inflections work from a stored index too
)


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(locations.CACHE_DIR_VARIABLE, str(folder))
    monkeypatch.setattr(index_cache, "MIN_PAPERS", 1)  # cache the small libraries made here
    return folder


def write_library(path: Path, extra: int = 0) -> Path:
    topics = ["Graph neural networks", "Neural machine translation", "Graph kernels", "Parsing"]
    records = [
        {
            "title": f"{topics[i % 4]} {i}",
            "authors": ["Ann Smith" if i % 3 else "Bo Li"],
            "year": 2015 + i % 8,
            "abstract": f"We study {topics[(i + 1) % 4].lower()} again.",
        }
        for i in range(40 + extra)
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    return path


def results(library_path: Path) -> dict[str, list[str]]:
    library = load(library_path, as_of=AS_OF)
    return {q: [p.id for p in library.find(q)] for q in QUERIES}


def forbid_building(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(fields: object) -> None:
        raise AssertionError("the index was built although the cache holds it")

    monkeypatch.setattr(search, "build_postings", refuse)


def test_a_reopened_library_searches_from_the_cache_with_the_same_results(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_library(tmp_path / "lib.jsonl")
    built = results(path)
    assert list(cache_dir.glob("index-*.pbindex"))
    forbid_building(monkeypatch)
    assert results(path) == built
    assert built["graph"] and built["author:smith"] and built['"neural networks"']
    assert built['"graph kernel"']


def _mapped(array: np.ndarray[Any, Any]) -> bool:
    """Whether the array's numbers are a mapped file's (``mmap``), not the process's own."""
    base = array.base
    while isinstance(base, np.ndarray):
        base = base.base
    if isinstance(base, memoryview):
        base = base.obj
    return isinstance(base, mmap.mmap)


def test_a_first_open_searches_from_its_entry_once_written(tmp_path: Path, cache_dir: Path) -> None:
    # The index built on a first open is swapped for its entry's mapped arrays once written:
    # the file cache holds them then, as on a reopen, with the same results.
    path = write_library(tmp_path / "lib.jsonl")
    with writes_deferred() as pending:
        library = load(path, as_of=AS_OF)
        built = {q: [p.id for p in library.find(q)] for q in QUERIES}
        fields = library.index.parts()[2].fields
        assert not any(_mapped(field.docs) for field in fields)
        pending.write()
    names = ("indptr", "docs", "sequence", "sequence_starts")
    assert all(_mapped(getattr(field, name)) for field in fields for name in names)
    assert {q: [p.id for p in library.find(q)] for q in QUERIES} == built
    assert built["graph"] and built['"graph kernel"']


def test_an_entry_replaced_meanwhile_is_not_swapped_in(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another paperbrowse may replace the entry between its writing and its reading back:
    # the arrays read must be the ones written (ids, vocabulary), or none is swapped.
    path = write_library(tmp_path / "lib.jsonl")
    # The same papers but two names, a letter each: every array of the same type and length.
    other = tmp_path / "other.jsonl"
    other.write_text(path.read_text().replace("Smith", "Smyth").replace('"Bo Li"', '"Bo Lu"'))
    load(other, as_of=AS_OF).find("graph")  # its entry written
    (foreign,) = cache_dir.glob("index-*.pbindex")
    read = index_cache.read_arrays
    monkeypatch.setattr(index_cache, "read_arrays", lambda _: read(foreign))
    with writes_deferred() as pending:
        library = load(path, as_of=AS_OF)
        built = {q: [p.id for p in library.find(q)] for q in QUERIES}
        pending.write()
    assert not any(_mapped(field.docs) for field in library.index.parts()[2].fields)
    assert {q: [p.id for p in library.find(q)] for q in QUERIES} == built


def test_a_changed_file_is_indexed_again_and_replaces_its_entry(
    tmp_path: Path, cache_dir: Path
) -> None:
    path = write_library(tmp_path / "lib.jsonl")
    first = results(path)
    write_library(path, extra=4)
    second = results(path)
    assert len(second[""]) == len(first[""]) + 4
    assert len(list(cache_dir.glob("index-*.pbindex"))) == 1  # one entry per library


def _rewrite_header(entry: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """The entry with its header changed and its arrays as they were."""
    stored = index_cache.read_arrays(entry)
    assert stored is not None
    header, arrays = stored
    header = dict(header)
    change(header)
    for name in ("arrays", "crc"):
        header.pop(name)
    copies = {name: np.array(array) for name, array in arrays.items()}
    del stored, arrays
    index_cache.write_arrays(entry, header, copies)


@pytest.mark.parametrize(
    "damage",
    ["truncated", "garbage", "empty", "flipped byte", "objects", "wrong papers", "longer"],
)
def test_a_damaged_or_foreign_entry_is_rebuilt(
    tmp_path: Path, cache_dir: Path, damage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_library(tmp_path / "lib.jsonl")
    expected = results(path)
    (entry,) = cache_dir.glob("index-*.pbindex")
    data = entry.read_bytes()
    if damage == "truncated":
        entry.write_bytes(data[:-100])
    elif damage == "garbage":
        entry.write_bytes(b"\x00not an index" * 100)
    elif damage == "empty":
        entry.write_bytes(b"")
    elif damage == "flipped byte":  # the arrays' checksum catches it
        entry.write_bytes(data[:-5] + bytes([data[-5] ^ 1]) + data[-4:])
    elif damage == "objects":  # a crafted header naming Python objects: never read
        end = 16 + int.from_bytes(data[8:16], "little")
        header = json.loads(data[16:end])
        header["arrays"][0][1] = "|O"
        head = json.dumps(header).encode()
        entry.write_bytes(data[:8] + len(head).to_bytes(8, "little") + head + data[end:])
    elif damage == "wrong papers":  # a valid entry, but for other papers in another order
        _rewrite_header(entry, lambda header: header.update(ids="0" * 40))
    else:
        entry.write_bytes(data + bytes(64))
    assert index_cache.read_arrays(entry) is None or damage == "wrong papers"
    # A rejected entry is rebuilt: the search builds the index again, with the same results.
    assert results(path) == expected
    assert index_cache.read_arrays(entry) is not None


def test_small_libraries_are_not_cached(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_cache, "MIN_PAPERS", 10_000)
    results(write_library(tmp_path / "lib.jsonl"))
    assert not list(cache_dir.glob("index-*.pbindex"))


def test_clearing_the_cache_removes_index_entries(tmp_path: Path, cache_dir: Path) -> None:
    results(write_library(tmp_path / "lib.jsonl"))
    assert cache.clear() >= 1
    assert not list(cache_dir.glob("index-*.pbindex"))


def _same_postings(first: build.Postings, second: build.Postings) -> bool:
    names = ("indptr", "docs", "sequence", "sequence_starts")
    return first.vocab == second.vocab and all(
        np.array_equal(getattr(a, name), getattr(b, name))
        and getattr(a, name).dtype == getattr(b, name).dtype
        for a, b in zip(first.fields, second.fields, strict=True)
        for name in names
    )


@pytest.mark.parametrize("block", [build.MERGE_BLOCK, 1, 2])
def test_postings_built_in_runs_and_merged_equal_one_build(
    block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (Small blocks: a large library's runs are merged a block of postings at a time.)
    monkeypatch.setattr(build, "MERGE_BLOCK", block)
    texts = [
        ["Graph neural networks", "", "Neural graphs", "Müller's parsing", "graph", "", "Zebra"],
        ["Ann Smith", "Bo Li", "", "Ann Smith, Bo Li", "", "", "Z. Zed"],
        ["We study graphs.", "", "Graphs again, and graphs.", "", "Parsing", "", ""],
    ]
    whole = build.build_postings(texts)
    for cuts in ([0, 3, 7], [0, 1, 2, 5, 7], [0, 0, 7], [0, 6, 6, 7]):
        runs = [
            build.build_postings([field[start:end] for field in texts])
            for start, end in itertools.pairwise(cuts)
        ]
        assert _same_postings(build.merge_postings(runs), whole), cuts
        assert runs == []  # taken in, so that their arrays are freed as they are merged


def test_a_large_library_is_indexed_on_every_core_with_the_same_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = load(write_library(tmp_path / "lib.jsonl", extra=300), as_of=AS_OF)
    monkeypatch.setattr(index_cache, "POOL_MIN_PAPERS", 1)
    monkeypatch.setattr(index_cache, "RUN_CHARS", 1000)  # several runs, merged
    shared = index_cache.build_index(library.papers)
    alone = search.SearchIndex(library.papers)
    assert _same_postings(shared.postings, alone.postings)
    for query in QUERIES:
        assert [p.id for p in shared.find(query)] == [p.id for p in alone.find(query)]


def test_chunks_indexed_in_threads_give_the_postings_of_one_thread(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Many small chunks, so that threads number words in whatever order they meet them.
    with (corpus / "acl-anthology-all-2021.jsonl").open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in itertools.islice(lines, 400)]
    texts = [
        [row.get("title") or "" for row in rows],
        [row.get("abstract") or "" for row in rows],
    ]
    monkeypatch.setattr(build, "CHUNK_BYTES", 2000)
    monkeypatch.setattr(build, "MAX_BUILD_THREADS", 1)
    one_thread = build.build_postings(texts)
    monkeypatch.setattr(build, "MAX_BUILD_THREADS", 4)
    monkeypatch.setattr(build, "_build_threads", lambda: 4)  # also on a one-core machine
    for _ in range(3):
        assert _same_postings(build.build_postings(texts), one_thread)
