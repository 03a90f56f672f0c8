"""A large file's abstracts spilled to a file while it is parsed (core.spill,
core.formats.spilling): the same papers, the same search, the same cache entry, with the
abstracts out of memory; and where no file can be written, the abstracts in memory."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_parse_pool import FORMATS, as_workers_send, assert_same, single_process

from paperbrowse.core import cache, spill
from paperbrowse.core.formats import ImportResult, bibtex, jsonl, pool, spilling
from paperbrowse.core.library import Library, load
from paperbrowse.core.merge import merge_duplicates
from paperbrowse.core.models import normalise_title
from paperbrowse.core.related.rank import related_papers
from paperbrowse.core.search import index_cache
from paperbrowse.core.search.build import build_postings
from paperbrowse.core.store import PaperStore, field_values


@pytest.fixture
def spilled(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Files of 1 MB and more are read in parts, their abstracts spilled, in this folder."""
    for module in (jsonl, bibtex):
        monkeypatch.setattr(module, "POOL_MIN_CHARS", 1 << 20)
    monkeypatch.setattr(spilling, "SPILL_MIN_CHARS", 0)
    folder = tmp_path / "cache"
    monkeypatch.setenv("PAPERBROWSE_CACHE_DIR", str(folder))
    return folder


def files_open_in(folder: Path) -> int:
    """This process's files open in ``folder``: a spill file has no name, but its folder."""
    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("needs /proc")
    opened = 0
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # (the listing's own descriptor, gone by now)
            opened += os.readlink(f"/proc/self/fd/{fd}").startswith(f"{folder}{os.sep}")
    return opened


def held_abstracts(result: ImportResult) -> list[Any]:
    return field_values(result.papers, "abstract", as_held=True)


def codes(result: ImportResult) -> int:
    return sum(type(held) is int for held in held_abstracts(result))


@pytest.mark.parametrize("name", FORMATS)
def test_spilled_abstracts_read_back_as_parsed(
    name: str, corpus: Path, monkeypatch: pytest.MonkeyPatch, spilled: Path
) -> None:
    """Every part as a worker sends it back: each abstract is out of its row, and the
    papers, warnings and lines are those of one process keeping them in memory."""
    make, parse = FORMATS[name]
    text = make(corpus)
    single = single_process(parse, monkeypatch, text)
    assert codes(single) == 0
    monkeypatch.setattr(spilling, "run_parts", as_workers_send)
    parted = parse(text)
    with_abstract = sum(bool(p.abstract) for p in single.papers)
    assert with_abstract > 1000
    # (A paper given an id of its own, the sample's id given twice, is made whole again
    # to be renamed, its abstract with it: at most one per such warning.)
    renamed = sum("also used on line" in problem.message for problem in parted.problems)
    assert with_abstract - renamed <= codes(parted) <= with_abstract
    assert_same(parted, single)


@pytest.mark.parametrize("name", FORMATS)
def test_a_real_pool_spills_and_gives_the_single_process_result(
    name: str, corpus: Path, monkeypatch: pytest.MonkeyPatch, spilled: Path
) -> None:
    make, parse = FORMATS[name]
    text = make(corpus)
    monkeypatch.setattr(pool, "worker_count", lambda: 1)
    parted = parse(text)
    assert codes(parted) > 1000
    assert_same(parted, single_process(parse, monkeypatch, text))


def test_a_spill_file_that_cannot_be_written_keeps_the_abstracts_in_memory(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, spilled: Path
) -> None:
    """A full disk, say: the parse still gives every abstract, held in its row."""
    make, parse = FORMATS["jsonl"]
    text = make(corpus)

    def full(file: spill.SpillFile, blob: bytes) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(spill.SpillFile, "append", full)
    monkeypatch.setattr(spilling, "run_parts", as_workers_send)
    parted = parse(text)
    assert codes(parted) == 0
    assert_same(parted, single_process(parse, monkeypatch, text))


def test_no_spill_where_the_cache_folder_cannot_be_made(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, spilled: Path, tmp_path: Path
) -> None:
    (tmp_path / "a file").write_text("")
    monkeypatch.setenv("PAPERBROWSE_CACHE_DIR", str(tmp_path / "a file" / "cache"))
    make, parse = FORMATS["jsonl"]
    monkeypatch.setattr(spilling, "run_parts", as_workers_send)
    parted = parse(make(corpus))
    assert codes(parted) == 0 and len(parted.papers) > 2000


def test_abstract_words_are_found_and_the_cache_entry_holds_the_text(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, spilled: Path, tmp_path: Path
) -> None:
    """Search finds a paper by a word of its abstract alone, before and after a reopen from
    the parse cache, whose entry holds the abstracts themselves (a code means nothing to
    another process)."""
    make, _ = FORMATS["jsonl"]
    path = tmp_path / "acl.jsonl"
    path.write_text(make(corpus), encoding="utf-8")
    monkeypatch.setattr(pool, "worker_count", lambda: 1)
    monkeypatch.setattr(cache, "MIN_BYTES", 0)
    first = load(path)
    assert codes(ImportResult(first.papers)) > 1000
    paper = next(p for p in first.papers if p.abstract and "annotator" in p.abstract.lower())
    assert "annotator" not in paper.title.lower()
    query = f"annotator {paper.title.split()[0]}"
    assert paper.id in [hit.paper.id for hit in first.search(query)]

    reopened = load(path)  # from the entry just written
    assert codes(ImportResult(reopened.papers)) == 0
    assert [p.model_dump() for p in reopened.papers] == [p.model_dump() for p in first.papers]
    assert paper.id in [hit.paper.id for hit in reopened.search(query)]


def test_a_worker_building_index_runs_reads_the_spilled_text(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, spilled: Path
) -> None:
    """The index's runs sent to a worker carry their abstracts' text: the postings are those
    of the same texts held in memory."""
    make, parse = FORMATS["jsonl"]
    monkeypatch.setattr(spilling, "run_parts", as_workers_send)
    parted = parse(make(corpus))
    held = held_abstracts(parted)
    titles = field_values(parted.papers, "title")
    texts = [p.abstract or "" for p in parted.papers]
    monkeypatch.setattr(index_cache, "run_parts", as_workers_send)
    merged = index_cache.postings_on_every_core(
        [list(titles), [abstract or "" for abstract in held]]
    )
    whole = build_postings([list(titles), texts])
    assert merged.vocab == whole.vocab
    for got, expected in zip(merged.fields, whole.fields, strict=True):
        assert got.indptr.tolist() == expected.indptr.tolist()
        assert got.docs.tolist() == expected.docs.tolist()
        assert got.sequence.tolist() == expected.sequence.tolist()


def test_a_reload_after_the_spill_is_read_keeps_every_abstract(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, spilled: Path, tmp_path: Path
) -> None:
    """Two parses of one file spill to their own segments: the first's papers still read
    theirs after the second (a watched file reloaded while the old list is shown)."""
    make, parse = FORMATS["bibtex"]
    text = make(corpus)
    monkeypatch.setattr(spilling, "run_parts", as_workers_send)
    first, second = parse(text), parse(text)
    first_codes = {held for held in held_abstracts(first) if type(held) is int}
    assert len(first_codes) > 1000
    assert first_codes.isdisjoint(held_abstracts(second))
    assert [p.abstract for p in first.papers] == [p.abstract for p in second.papers]
    assert os.listdir(spilled) == []  # the spill files have no names: nothing left behind


def test_title_keys_are_spilled_with_each_part_and_read_back_whole(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, spilled: Path
) -> None:
    """A spilled parse keeps no title key in memory, and gives those merging works out
    from the titles; a store joined from two keeps both files' in order, unread."""
    make, parse = FORMATS["jsonl"]
    monkeypatch.setattr(spilling, "run_parts", as_workers_send)
    first, second = parse(make(corpus)), parse(make(corpus))
    for result in (first, second):
        assert isinstance(result.papers, PaperStore)
        assert result.papers._title_keys is None and len(result.papers._keys_spilled) > 2
        assert result.papers.title_keys == list(
            map(normalise_title, [p.title for p in result.papers])
        )
    assert isinstance(first.papers, PaperStore) and isinstance(second.papers, PaperStore)
    first_keys, second_keys = first.papers.title_keys, second.papers.title_keys
    assert first_keys is not None and second_keys is not None
    joined = PaperStore()
    joined.extend(first.papers)
    joined.extend(second.papers)
    assert joined._title_keys is None  # (nothing read back yet)
    assert joined.title_keys == first_keys + second_keys
    in_memory = PaperStore()
    in_memory.extend(single_process(parse, monkeypatch, make(corpus)).papers)
    in_memory.title_keys = list(map(normalise_title, [p.title for p in in_memory]))
    in_memory.extend(first.papers)  # one in memory, one spilled: read back, then joined
    assert in_memory.title_keys == first_keys * 2


def test_the_cache_entry_of_a_spilled_parse_holds_its_title_keys(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, spilled: Path, tmp_path: Path
) -> None:
    make, _ = FORMATS["bibtex"]
    path = tmp_path / "acl.bib"
    path.write_text(make(corpus), encoding="utf-8")
    monkeypatch.setattr(pool, "worker_count", lambda: 1)
    monkeypatch.setattr(cache, "MIN_BYTES", 0)
    monkeypatch.setattr(cache, "SPILL_KEYS_MIN_BYTES", 0)
    today = dt.date(2026, 12, 6)
    parsed = cache.read_cached(path, today)
    assert isinstance(parsed.papers, PaperStore) and parsed.papers._keys_spilled
    key = cache.FileKey.of(path)
    assert key is not None
    entry = cache.load_entry(key, today)
    assert entry is not None and isinstance(entry.papers, PaperStore)
    assert entry.papers.title_keys == list(map(normalise_title, [p.title for p in entry.papers]))
    assert [p.model_dump() for p in entry.papers] == [p.model_dump() for p in parsed.papers]


def test_a_parse_thrown_away_leaves_no_spilled_abstracts_behind(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, spilled: Path
) -> None:
    """A .bib whose parts turn out to be linked (a crossref to a later part) is read again
    in one process: what its parts spilled goes with them (its file closed, its space
    freed), and the papers keep their abstracts in memory."""
    make, parse = FORMATS["bibtex"]
    text = (
        "@misc{child, title = {Child}, crossref = {parent}}\n"
        + make(corpus)
        + "@proceedings{parent, title = {The Book}, year = 2020}\n"
    )
    monkeypatch.setattr(spilling, "run_parts", as_workers_send)
    before = set(spill._segments)
    result = parse(text)
    assert set(spill._segments) == before
    assert files_open_in(spilled) == 0
    assert codes(result) == 0 and sum(bool(p.abstract) for p in result.papers) > 1000


def joined(store: PaperStore) -> PaperStore:
    joined = PaperStore()
    joined.extend(store)
    return joined


MADE_OF: dict[str, Callable[[PaperStore], Any]] = {
    "slice": lambda store: store[100:],
    "snapshot": PaperStore.snapshot,  # (the index's)
    "joined": joined,
    "merged": lambda store: merge_duplicates(store * 2),
}


@pytest.mark.parametrize("made_of", MADE_OF)
def test_a_store_let_go_of_frees_its_spill_file_and_stores_made_of_it_still_read(
    made_of: str, corpus: Path, monkeypatch: pytest.MonkeyPatch, spilled: Path
) -> None:
    """A spilled parse's file stays open while a store of its rows lives, the store it was
    parsed into or one made of it; once none does, the file is closed and its space
    freed (a library replaced by a reload held its spill file until paperbrowse exited)."""
    make, parse = FORMATS["jsonl"]
    monkeypatch.setattr(spilling, "run_parts", as_workers_send)
    before = set(spill._segments)  # (other tests' stores may still be held)
    result = parse(make(corpus))
    store = result.papers
    assert isinstance(store, PaperStore) and codes(result) > 1000
    kept = MADE_OF[made_of](store)
    expected = field_values(kept, "abstract")
    assert sum(map(bool, expected)) > 1000
    del result, store
    assert files_open_in(spilled) == 1
    assert field_values(kept, "abstract") == expected
    del kept
    assert files_open_in(spilled) == 0
    assert set(spill._segments) <= before


def test_related_papers_leave_a_library_let_go_of_free_to_go(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, spilled: Path
) -> None:
    """Asking for a paper's related papers (``m`` in the app) kept its library's index,
    papers and spill file until exit, past every reload: its figures, kept while the
    index lives, held the index."""
    make, parse = FORMATS["jsonl"]
    monkeypatch.setattr(spilling, "run_parts", as_workers_send)
    library = Library(papers=parse(make(corpus)).papers)
    assert related_papers(library.index, library.papers[5], 5)
    assert files_open_in(spilled) == 1
    del library
    gc.collect()
    assert files_open_in(spilled) == 0
