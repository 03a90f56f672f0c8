"""The reopen cache: used when the file is unchanged, rebuilt when it is not or is damaged."""

from __future__ import annotations

import datetime as dt
import gc
import os
import pickle
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from paperbrowse.core import cache, locations, store
from paperbrowse.core.formats import ImportResult
from paperbrowse.core.library import load
from paperbrowse.core.rows import ABSTRACT

AS_OF = dt.date(2025, 11, 24)


@pytest.fixture
def library_file(tmp_path: Path) -> Path:
    path = tmp_path / "lib.bib"
    path.write_text(
        "@article{a, title={Caf{\\'e} Study}, author={Doe, Jane and others}, year=2020,"
        " month=jul, doi={10.1/a}, abstract={One.\n\nTwo.}}\n"
        "@article{b, title={Other}, year=2019}\n"
        "@misc{c, author={No Title}}\n"
        "@article{d, title={caf\\'e study}, year=2020, author={Doe, J.}, doi={10.1/A}}\n"  # into a
    )
    return path


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object) -> ImportResult:
        raise AssertionError("the file was parsed although the cache is fresh")

    monkeypatch.setattr("paperbrowse.core.formats.read_file", fail)


def test_a_reopen_comes_from_the_cache_and_equals_the_first_open(
    cache_dir: Path, library_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load(library_file, as_of=AS_OF)
    assert len(list(cache_dir.glob("*.pbcache"))) == 1
    no_parsing(monkeypatch)
    again = load(library_file, as_of=AS_OF)
    assert again.papers == first.papers
    assert again.problems == first.problems and len(again.problems) == 1  # warnings shown again
    assert again.papers[0].sources == first.papers[0].sources and len(first.papers[0].sources) == 2


def test_an_edited_file_is_parsed_again(cache_dir: Path, library_file: Path) -> None:
    load(library_file, as_of=AS_OF)
    library_file.write_text("@article{new, title={Edited}}\n")
    assert [p.title for p in load(library_file, as_of=AS_OF).papers] == ["Edited"]
    # Same size and content length but a new modification time: parsed again too.
    library_file.write_text("@article{new, title={Edites}}\n")
    stat = library_file.stat()
    os.utime(library_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert [p.title for p in load(library_file, as_of=AS_OF).papers] == ["Edites"]


def damage_truncate(data: bytes) -> bytes:
    return data[: len(data) // 2]


def damage_flip_byte(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


def damage_garbage(data: bytes) -> bytes:
    return b"not a cache file at all"


def damage_empty(data: bytes) -> bytes:
    return b""


MARKER = Path(os.environ.get("TMPDIR", "/tmp")) / "paperbrowse-cache-test-ran-code"


class _RunsCode:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (Path.touch, (str(MARKER),))  # what a crafted cache file could run


def damage_code(data: bytes) -> bytes:
    # A well-formed entry (right magic and checksum) whose pickle would run code when loaded.
    MARKER.unlink(missing_ok=True)
    payload = pickle.dumps({"version": cache.FORMAT_VERSION, "papers": _RunsCode()})
    return cache.MAGIC + zlib.crc32(payload).to_bytes(4, "big") + payload


def damage_wrong_shape(data: bytes) -> bytes:
    payload = pickle.dumps({"version": cache.FORMAT_VERSION, "papers": "nonsense"})
    return cache.MAGIC + zlib.crc32(payload).to_bytes(4, "big") + payload


@pytest.mark.parametrize(
    "damage",
    [
        damage_truncate,
        damage_flip_byte,
        damage_garbage,
        damage_empty,
        damage_code,
        damage_wrong_shape,
    ],
)
def test_a_damaged_cache_is_ignored_and_rebuilt(
    cache_dir: Path, library_file: Path, damage: object
) -> None:
    first = load(library_file, as_of=AS_OF)
    (entry,) = cache_dir.glob("*.pbcache")
    assert callable(damage)
    entry.write_bytes(damage(entry.read_bytes()))
    assert cache.load_entry(cache.FileKey.of(library_file), AS_OF) is None  # type: ignore[arg-type]
    assert not MARKER.exists()
    again = load(library_file, as_of=AS_OF)
    assert again.papers == first.papers and again.problems == first.problems
    assert cache.load_entry(cache.FileKey.of(library_file), AS_OF) is not None  # type: ignore[arg-type]


def test_an_entry_from_another_format_or_parser_version_is_not_used(
    cache_dir: Path, library_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(library_file, as_of=AS_OF)
    key = cache.FileKey.of(library_file)
    assert key is not None and cache.load_entry(key, AS_OF) is not None
    real_fingerprint = cache.parser_fingerprint
    monkeypatch.setattr(cache, "parser_fingerprint", lambda: "other parser code")
    assert cache.load_entry(key, AS_OF) is None
    monkeypatch.setattr(cache, "parser_fingerprint", real_fingerprint)
    assert cache.load_entry(key, AS_OF) is not None
    monkeypatch.setattr(cache, "FORMAT_VERSION", cache.FORMAT_VERSION + 1)
    assert cache.load_entry(key, AS_OF) is None


def test_a_profile_is_cached_per_reference_date(
    cache_dir: Path, seed_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_the_day = load(seed_path, as_of=AS_OF)
    key = cache.FileKey.of(seed_path)
    assert key is not None
    cached = cache.load_entry(key, AS_OF)
    assert cached is not None and cached.profile == on_the_day.profile
    assert cache.load_entry(key, AS_OF + dt.timedelta(days=400)) is None


def test_an_unwritable_cache_folder_is_no_error(
    tmp_path: Path, library_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(locations.CACHE_DIR_VARIABLE, str(blocker / "cache"))
    monkeypatch.setattr(cache, "MIN_BYTES", 0)
    library = load(library_file, as_of=AS_OF)
    assert [p.title for p in library.papers] == ["Café Study", "Other"]


def test_writes_leave_no_temporary_files_and_small_files_are_not_cached(
    tmp_path: Path, cache_dir: Path, library_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(library_file, as_of=AS_OF)
    assert [p.suffix for p in cache_dir.iterdir()] == [".pbcache"]
    monkeypatch.setattr(cache, "MIN_BYTES", 64 * 1024)
    other = tmp_path / "small.bib"
    other.write_text("@book{k, title={Small}}\n")
    load(other, as_of=AS_OF)
    assert len(list(cache_dir.iterdir())) == 1


def test_the_default_folder_is_the_platform_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(locations.CACHE_DIR_VARIABLE, raising=False)
    home = os.environ["XDG_CACHE_HOME"]  # set per test by conftest
    assert str(locations.cache_dir()).startswith(home)
    monkeypatch.setenv(locations.CACHE_DIR_VARIABLE, "~/elsewhere")
    assert locations.cache_dir() == Path("~/elsewhere").expanduser()


def test_the_large_acl_bib_reopens_from_the_cache(
    corpus: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one test on the 31 MB file: every entry read, then the same papers from the cache."""
    path = corpus / "acl-anthology-2016-2021.bib"
    first = load(path)
    # Every entry a paper: 16 share a title and year with another, under another key.
    assert len(first.papers) == 22_370 and first.problems == []
    no_parsing(monkeypatch)
    assert load(path).papers == first.papers


@pytest.mark.parametrize("fast", [True, False])
def test_cached_papers_behave_like_parsed_ones(
    cache_dir: Path, library_file: Path, monkeypatch: pytest.MonkeyPatch, fast: bool
) -> None:
    first = load(library_file, as_of=AS_OF).papers
    monkeypatch.setattr(store, "construct_is_faithful", lambda: fast)
    again = load(library_file, as_of=AS_OF).papers
    assert again == first and [hash(p) for p in again] == [hash(p) for p in first]
    assert [p.model_dump() for p in again] == [p.model_dump() for p in first]
    assert again[0].model_copy(update={"title": "New"}).title == "New"
    with pytest.raises(ValueError):  # still frozen
        again[0].title = "changed"


def test_deferred_writes_wait_for_write_and_then_serve_the_reopen(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paperbrowse.core.search import index_cache

    monkeypatch.setattr(index_cache, "MIN_PAPERS", 1)
    path = tmp_path / "many.bib"  # more papers than one batch of rows
    monkeypatch.setattr(cache, "BATCH", 3)
    path.write_text(
        "".join(f"@article{{k{i}, title={{Paper {i}}}, year=2020}}\n" for i in range(8))
    )
    with cache.writes_deferred() as pending:
        first = load(path, as_of=AS_OF)
        assert [p.title for p in first.find("paper 5")][:1] == ["Paper 5"]
        assert not list(cache_dir.glob("*"))  # searchable, nothing written yet
    assert not list(cache_dir.glob("*"))
    pending.write()
    assert {entry.suffix for entry in cache_dir.iterdir()} == {".pbcache", ".pbindex"}
    no_parsing(monkeypatch)
    again = load(path, as_of=AS_OF)
    assert again.papers == first.papers and len(again.papers) == 8


def test_deferred_writes_wait_for_the_pause_before_each_entry_and_batch_of_rows(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paperbrowse.core.search import index_cache

    monkeypatch.setattr(index_cache, "MIN_PAPERS", 1)
    monkeypatch.setattr(cache, "BATCH", 3)
    path = tmp_path / "many.bib"
    path.write_text(
        "".join(f"@article{{k{i}, title={{Paper {i}}}, year=2020}}\n" for i in range(8))
    )
    with cache.writes_deferred() as pending:
        load(path, as_of=AS_OF).index  # noqa: B018  # made: its entry waits too
    # The app's pause waits while keys are typed: the writes go on only between its waits.
    written_at_each_pause: list[list[str]] = []

    def pause() -> None:
        written_at_each_pause.append(sorted(entry.suffix for entry in cache_dir.glob("*")))

    pending.write(pause)
    # Before the parse entry, before each of its 3 batches of rows (8 rows: its file half
    # written), before the index entry.
    assert written_at_each_pause == [[], [".tmp"], [".tmp"], [".tmp"], [".pbcache"]]
    assert {entry.suffix for entry in cache_dir.iterdir()} == {".pbcache", ".pbindex"}


def held_abstracts(papers: object) -> list[object]:
    assert isinstance(papers, store.PaperStore)
    return store.field_values(papers, "abstract", as_held=True)


def test_a_large_entry_keeps_its_abstracts_in_its_file_even_once_cleared(
    cache_dir: Path, library_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large library's reopen reads its abstracts from the entry when shown, not all at
    once; the entry cleared or written again meanwhile, they still read as they were."""
    monkeypatch.setattr(cache, "ABSTRACTS_APART_BYTES", 0)
    first = load(library_file, as_of=AS_OF)
    again = load(library_file, as_of=AS_OF)
    held = held_abstracts(again.papers)
    assert type(held[0]) is int and held[1:] == [None]  # (the paper with an abstract)
    assert cache.clear() >= 1 and not list(cache_dir.glob("*.pbcache"))
    load(library_file, as_of=AS_OF)  # a new entry, in the same place
    assert again.papers[0].abstract == "One.\n\nTwo."
    assert again.papers == first.papers


def test_a_small_entry_holds_its_abstracts_and_keeps_no_file_open(
    cache_dir: Path, library_file: Path
) -> None:
    load(library_file, as_of=AS_OF)
    before = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    again = load(library_file, as_of=AS_OF)
    assert held_abstracts(again.papers)[0] == "One.\n\nTwo."
    if before is not None:
        assert len(os.listdir("/proc/self/fd")) == before


def test_a_reopened_librarys_repeated_text_is_one_string(cache_dir: Path, tmp_path: Path) -> None:
    """Venues, author names and the source file repeat across a library's papers: reopened,
    each is one string, as when parsed (a million papers' rows would hold copies)."""
    path = tmp_path / "many.bib"
    path.write_text(
        "".join(
            f"@inproceedings{{k{n}, title={{Paper {n}}}, author={{Doe, Jane and Roe, Rick}},"
            f" booktitle={{Proceedings of ACL}}, year={2000 + n % 20}}}\n"
            for n in range(3000)
        )
    )
    load(path, as_of=AS_OF)
    again = load(path, as_of=AS_OF).papers
    assert isinstance(again, store.PaperStore)
    rows = again.slots()
    assert len(rows) == 3000 and all(type(row) is tuple for row in rows)
    venues = {id(v) for v in store.field_values(again, "venue")}
    names = {id(name) for authors in store.field_values(again, "authors") for name in authors}
    assert len(venues) == 1 and len(names) == 2
    assert [p.title for p in again][:2] == ["Paper 0", "Paper 1"]


Rows = list[tuple[Any, ...]]


def _places_shifted(rows: Rows) -> Rows:
    """Each row naming the next abstract of its batch, the last none at all."""
    at = ABSTRACT
    return [(*r[:at], r[at] + 1, *r[at + 1 :]) if type(r[at]) is int else r for r in rows]


def _fields_short(rows: Rows) -> Rows:
    return [row[:-1] for row in rows]


@pytest.mark.parametrize("mangle", [_places_shifted, _fields_short])
def test_an_entry_whose_rows_do_not_fit_its_batches_is_not_used(
    cache_dir: Path,
    library_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    mangle: Callable[[Rows], Rows],
) -> None:
    """Written by other code (its checksum right): a row naming no abstract of its batch
    would show another paper's abstract, or none, later; rows of another shape would not
    line up in columns. The file is parsed again."""
    apart = cache._apart

    def mangled(rows: Rows) -> tuple[Rows, bytes, Any]:
        moved, blob, ends = apart(rows)
        return mangle(moved), blob, ends

    monkeypatch.setattr(cache, "ABSTRACTS_APART_BYTES", 0)  # (read when shown, not now)
    with monkeypatch.context() as patch:
        patch.setattr(cache, "_apart", mangled)
        first = load(library_file, as_of=AS_OF)
    key = cache.FileKey.of(library_file)
    assert key is not None and key.cache_file().is_file()
    assert cache.load_entry(key, AS_OF) is None
    assert load(library_file, as_of=AS_OF).papers == first.papers


def test_reopening_a_large_entry_again_opens_no_more_files(
    cache_dir: Path, library_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reload of an unchanged library reads its abstracts from the entry its last open
    kept open: one open file an entry, however many reloads (each opened one more)."""
    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("no /proc/self/fd here")
    monkeypatch.setattr(cache, "ABSTRACTS_APART_BYTES", 0)
    load(library_file, as_of=AS_OF)
    kept = [load(library_file, as_of=AS_OF)]
    opened = len(os.listdir("/proc/self/fd"))
    kept += [load(library_file, as_of=AS_OF) for _ in range(5)]
    assert len(os.listdir("/proc/self/fd")) == opened
    assert all(library.papers[0].abstract == "One.\n\nTwo." for library in kept)


def test_a_large_entry_is_closed_once_no_library_reads_from_it(
    cache_dir: Path, library_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reopened library reads its abstracts from its entry, kept open while a library
    (or another store of its rows) reads from it, and closed once none does: a reload of
    a changed file held the old entry open, and its space, until paperbrowse exited."""
    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("no /proc/self/fd here")
    monkeypatch.setattr(cache, "ABSTRACTS_APART_BYTES", 0)
    library_file.write_text(
        "@article{a, title={One}, year=2020, abstract={First.}}\n"
        "@article{b, title={Two}, year=2021, abstract={Second.}}\n"
    )
    load(library_file, as_of=AS_OF)
    gc.collect()
    key = cache.FileKey.of(library_file)
    assert key is not None

    def entry_open() -> int:
        fds = [f"/proc/self/fd/{fd}" for fd in os.listdir("/proc/self/fd")]
        return sum(os.path.realpath(fd) == str(key.cache_file().resolve()) for fd in fds)

    assert entry_open() == 0
    first, second = load(library_file, as_of=AS_OF), load(library_file, as_of=AS_OF)
    assert entry_open() == 1
    kept = first.papers[1:]
    del first, second
    gc.collect()
    assert entry_open() == 1
    assert kept[0].abstract == "Second."
    del kept
    gc.collect()
    assert entry_open() == 0
