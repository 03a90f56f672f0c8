"""The search index cache: a reopened large library searches from the stored index, with
the same results; a changed, damaged or foreign entry is rebuilt, never trusted."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from paperbrowse.core import cache, locations
from paperbrowse.core.library import load
from paperbrowse.core.search import index as search
from paperbrowse.core.search import index_cache

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
    assert list(cache_dir.glob("index-*.npz"))
    forbid_building(monkeypatch)
    assert results(path) == built
    assert built["graph"] and built["author:smith"] and built['"neural networks"']
    assert built['"graph kernel"']


def test_a_changed_file_is_indexed_again_and_replaces_its_entry(
    tmp_path: Path, cache_dir: Path
) -> None:
    path = write_library(tmp_path / "lib.jsonl")
    first = results(path)
    write_library(path, extra=4)
    second = results(path)
    assert len(second[""]) == len(first[""]) + 4
    assert len(list(cache_dir.glob("index-*.npz"))) == 1  # one entry per library


@pytest.mark.parametrize("damage", ["truncated", "garbage", "pickled", "wrong papers"])
def test_a_damaged_or_foreign_entry_is_rebuilt(
    tmp_path: Path, cache_dir: Path, damage: str
) -> None:
    path = write_library(tmp_path / "lib.jsonl")
    expected = results(path)
    (entry,) = cache_dir.glob("index-*.npz")
    if damage == "truncated":
        entry.write_bytes(entry.read_bytes()[:1000])
    elif damage == "garbage":
        entry.write_bytes(b"\x00not a zip file" * 100)
    elif damage == "pickled":  # a crafted entry holding objects: never unpickled
        with entry.open("wb") as file:
            np.savez(file, ids=np.array([object()], dtype=object))
    else:  # a valid entry, but for other papers in another order
        with np.load(entry) as stored:
            arrays = {name: stored[name] for name in stored.files}
        arrays["ids"] = np.zeros_like(arrays["ids"])
        with entry.open("wb") as file:
            np.savez(file, **arrays)
    assert results(path) == expected


def test_small_libraries_are_not_cached(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_cache, "MIN_PAPERS", 10_000)
    results(write_library(tmp_path / "lib.jsonl"))
    assert not list(cache_dir.glob("index-*.npz"))


def test_clearing_the_cache_removes_index_entries(tmp_path: Path, cache_dir: Path) -> None:
    results(write_library(tmp_path / "lib.jsonl"))
    assert cache.clear() >= 1
    assert not list(cache_dir.glob("index-*.npz"))
