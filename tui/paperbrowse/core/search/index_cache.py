"""The search index of a large library, kept on disk so a reopen searches at once.

Building the index costs about 2.5 s of CPU per 100k papers; mapping it back, a
few hundredths. An entry is one file in the cache folder beside the
parsed-library cache: a small JSON header, then the index's numpy arrays
uncompressed, each at an aligned offset, so a reopen maps the file
(``mmap``) and uses the arrays in place: nothing is unpickled, decompressed or
copied, and the pages are the system's file cache, shared and given back under
memory pressure, not the process's own memory. A first open, once it has written
its entry, swaps its own arrays for the entry's in the same way. The header names each array's
type (plain integers and bytes only: nothing that can run code), length and
place, and carries a CRC-32 of all of them, checked on every open.

An entry is keyed by the library's files (path, size, modification time), the
code that parses and indexes them, and the date used for relative dates; it
also records a digest of the papers' ids in order, checked on reading.
Anything that does not match (stale, damaged, truncated, from another
version) is rebuilt, never trusted. Small libraries build faster than they
read and are never cached.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import itertools
import json
import mmap
import os
import tempfile
import zlib
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import numpy as np

from paperbrowse.core.cache import (
    CORE,
    INDEX_PATTERN,
    FileKey,
    parser_fingerprint,
    source_hash,
    write_later,
)
from paperbrowse.core.formats.pool import run_parts
from paperbrowse.core.locations import cache_dir
from paperbrowse.core.memory import crc_of_mapped
from paperbrowse.core.models import Paper
from paperbrowse.core.search.build import (
    FieldPostings,
    Postings,
    Text,
    build_postings,
    merge_postings,
)
from paperbrowse.core.search.index import SearchIndex
from paperbrowse.core.search.results import NewestOrder
from paperbrowse.core.spill import HeldTexts, total_length
from paperbrowse.core.store import PaperStore, field_values

MIN_PAPERS = 10_000  # below this the index builds in well under a second
# Papers from which the postings are built on every core (``formats.pool``). Below this
# the worker's start (0.3-0.5 s, numpy's import included) and the merge (0.55 s at 100k
# papers, most of it matching the runs' vocabularies) cost about what the worker saves:
# at 100k papers, 2 cores and other work running, the build took as long or longer.
POOL_MIN_PAPERS = 300_000
# Text (characters) per run of papers built in one go, and at most this many runs: each
# run more adds to the merge (``build.merge_postings``).
RUN_CHARS = 24 << 20
MAX_RUNS = 4
FORMAT_VERSION = 2
# Any change under core/search/ (and to the parsers, through their fingerprint)
# makes saved indexes stale.
SEARCH_SOURCES = ("search",)
_FIELD_ARRAYS = ("indptr", "docs", "sequence", "sequence_starts")
MAGIC = b"PBINDEX\x02"
_LENGTH = 8  # bytes of the header's length, after the magic
MAX_HEADER = 1 << 20  # a header names a few dozen arrays: anything longer is damage
ALIGN = 64  # each array starts at a multiple of this, as numpy's own files do
# The only array types an entry may hold, in this machine's byte order.
DTYPES = {np.dtype(kind).str: np.dtype(kind) for kind in (np.int32, np.int64, np.uint8)}
Bytes = np.ndarray[Any, np.dtype[np.uint8]]


@lru_cache(maxsize=4)
def search_fingerprint(core: Path = CORE) -> str:
    """A hash of the search package's source and the parsers', for the index cache's names."""
    prefix = f"{FORMAT_VERSION}/{parser_fingerprint(core)}"
    return source_hash(SEARCH_SOURCES, prefix=prefix, core=core)


def entry_key(sources: Sequence[str], as_of: dt.date) -> tuple[Path, str] | None:
    """The cache file for these files (one per library: a new version replaces the old), and
    the key of their present version; None when one of them cannot be looked at."""
    name = hashlib.sha1()
    version = hashlib.sha1(f"{search_fingerprint()}/{as_of.isoformat()}".encode())
    for source in sources:
        key = FileKey.of(Path(source))
        if key is None:
            return None
        name.update(f"\0{key.path}".encode("utf-8", "surrogatepass"))
        version.update(f"\0{key.path}\0{key.size}\0{key.mtime_ns}".encode("utf-8", "surrogatepass"))
    return cache_dir() / INDEX_PATTERN.replace("*", name.hexdigest()[:24]), version.hexdigest()


def _ids_digest(papers: Sequence[Paper]) -> str:
    """A check that the saved index is of these papers, in this order (a store remembers it:
    the first listing and the index both ask, 0.1 s each at a million papers)."""
    if isinstance(papers, PaperStore) and papers.ids_digest is not None:
        return papers.ids_digest
    joined = "\0".join(field_values(papers, "id")).encode("utf-8", "surrogatepass")
    digest = hashlib.sha1(joined).hexdigest()
    if isinstance(papers, PaperStore):
        papers.ids_digest = digest
    return digest


def load_index(
    papers: Sequence[Paper],
    sources: Sequence[str],
    as_of: dt.date,
    newest: NewestOrder | None = None,
) -> SearchIndex:
    """The library's index: from the cache when it holds these papers' index, else built
    (and then cached, when the library is large enough to be worth it). ``newest``: the
    papers' ``newest_first_order``, when known already."""
    entry = entry_key(sources, as_of) if len(papers) >= MIN_PAPERS and sources else None
    if entry is None:
        return build_index(papers, newest)
    path, version = entry
    index = _read(path, version, papers)
    if index is None:
        index = build_index(papers, newest)
        write_later(lambda: _write(path, version, index, papers))
    return index


def stored_order(
    papers: Sequence[Paper], sources: Sequence[str], as_of: dt.date
) -> tuple[Sequence[int], int] | None:
    """The papers' positions newest first and how many are dated, as the saved index of
    these papers holds them (None without one): the first listing of a large library
    without sorting its papers in Python (1.5 s at a million; 0.05 s read from here)."""
    global _handed
    entry = entry_key(sources, as_of) if len(papers) >= MIN_PAPERS and sources else None
    checked = None if entry is None else _checked(entry[0], entry[1], papers)
    if entry is None or checked is None:
        return None
    _handed = (entry[0], checked)  # the index, made next, takes it: not read and summed twice
    order, days = checked[1]["order"], checked[1]["days"]
    return cast("Sequence[int]", order), int(np.count_nonzero(days >= 0))  # (an int32 array)


def build_index(papers: Sequence[Paper], newest: NewestOrder | None = None) -> SearchIndex:
    """``SearchIndex(papers)``, its postings built on every core when the library is large."""
    if len(papers) < POOL_MIN_PAPERS:
        return SearchIndex(papers, newest=newest)
    return SearchIndex(papers, build=postings_on_every_core, newest=newest)


def postings_on_every_core(fields: list[Sequence[Text]]) -> Postings:
    """``build_postings(fields)``, the papers cut into runs built in this process and in
    worker processes, then merged: the same postings. ``fields`` is emptied once the
    runs are built: the texts made for the index alone (the authors', 90 MB at a million
    papers) are freed before the merge, the peak of a large library's first open."""
    papers = len(fields[0]) if fields else 0
    characters = sum(map(total_length, fields))
    count = max(2, min(MAX_RUNS, characters // RUN_CHARS))
    cuts = [papers * number // count for number in range(count + 1)]
    # (A run sent to a worker takes its spilled abstracts' text: ``HeldTexts``.)
    runs: list[tuple[Any, ...]] = [
        ([HeldTexts(texts[start:end]) for texts in fields],)
        for start, end in itertools.pairwise(cuts)
    ]
    sizes = [end - start for start, end in itertools.pairwise(cuts)]  # (for progress only)
    built = run_parts(build_postings, runs, sizes)
    if built is None:  # no worker started: all of it here
        return build_postings(fields)
    fields.clear()
    return merge_postings(built)


# --- reading ------------------------------------------------------------------------


# An entry read and checked for a first listing (``stored_order``), until the index takes it.
_handed: tuple[Path, tuple[dict[str, Any], dict[str, np.ndarray[Any, Any]]]] | None = None


def _checked(
    path: Path, version: str, papers: Sequence[Paper]
) -> tuple[dict[str, Any], dict[str, np.ndarray[Any, Any]]] | None:
    """The entry's header and arrays when it is the index of these papers (its checksum
    right, made for this version of the files by this code, of these papers in this order,
    its order and days fitting them); None when it is missing, stale, damaged or foreign.
    An entry ``stored_order`` read is taken as it read it."""
    global _handed
    handed, _handed = _handed, None
    if isinstance(papers, PaperStore) and papers.edited:
        return None  # papers changed since they were read: the same ids may date differently
    stored = handed[1] if handed is not None and handed[0] == path else read_arrays(path)
    if stored is None:
        return None
    header, arrays = stored
    if header.get("version") != version or header.get("ids") != _ids_digest(papers):
        return None  # made for another version of the files, by other code, or other papers
    order, days = arrays.get("order"), arrays.get("days")
    if order is None or days is None or order.dtype != np.int32 or days.dtype != np.int32:
        return None
    if len(order) != len(papers) or len(days) != len(papers):
        return None
    if len(order) and not 0 <= int(order.min()) <= int(order.max()) < len(papers):
        return None
    return stored


def _read(path: Path, version: str, papers: Sequence[Paper]) -> SearchIndex | None:
    """The stored index, or None when the entry is missing, stale, damaged or foreign."""
    stored = _checked(path, version, papers)
    if stored is None:
        return None
    header, arrays = stored
    try:
        vocab_bytes = arrays["vocab"].tobytes()
        vocab = vocab_bytes.decode("utf-8", "surrogatepass").split("\0") if vocab_bytes else []
        count = header["field_count"]
        if not isinstance(count, int) or not 0 <= count <= 16:
            return None
        fields = tuple(
            FieldPostings(*(arrays[f"{number}_{name}"] for name in _FIELD_ARRAYS))
            for number in range(count)
        )
        index = SearchIndex.from_parts(
            papers, arrays["order"], arrays["days"], Postings(vocab, fields)
        )
    except (KeyError, ValueError, IndexError, TypeError, UnicodeDecodeError):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # in use: not pruned with the entries of forgotten libraries
    return index


def read_arrays(path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray[Any, Any]]] | None:
    """An entry's header and its arrays, mapped from the file (read-only), once its
    checksum is right; None for anything else."""
    try:
        with path.open("rb") as file:
            mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # missing, unreadable, or empty (nothing to map)
        return None
    try:
        return _arrays_in(mapped)
    except (ValueError, TypeError, KeyError, UnicodeDecodeError, OverflowError):
        return None


def _arrays_in(mapped: mmap.mmap) -> tuple[dict[str, Any], dict[str, np.ndarray[Any, Any]]] | None:
    start = len(MAGIC) + _LENGTH
    if len(mapped) < start or mapped[: len(MAGIC)] != MAGIC:
        return None
    length = int.from_bytes(mapped[len(MAGIC) : start], "little")
    if length > MAX_HEADER or start + length > len(mapped):
        return None
    header = json.loads(mapped[start : start + length].decode("utf-8"))
    if not isinstance(header, dict) or not isinstance(header.get("arrays"), list):
        return None
    data = _aligned(start + length)  # the arrays' offsets count from here
    places: list[tuple[str, np.dtype[Any], int, int]] = []
    end = 0
    for name, kind, count, offset in header["arrays"]:
        dtype = DTYPES[kind]  # KeyError for any other type: objects are never read
        if not isinstance(count, int) or not isinstance(offset, int) or count < 0:
            return None
        if offset != _aligned(end):
            return None
        places.append((str(name), dtype, count, data + offset))
        end = offset + count * dtype.itemsize
    if data + end != len(mapped):
        return None  # truncated, or more than the header says
    if crc_of_mapped(mapped, data, len(mapped)) != header.get("crc"):
        return None
    arrays = {
        name: np.frombuffer(mapped, dtype, count, offset) for name, dtype, count, offset in places
    }
    return header, arrays


def _aligned(offset: int) -> int:
    return -(-offset // ALIGN) * ALIGN


# --- writing ------------------------------------------------------------------------


def _write(path: Path, version: str, index: SearchIndex, papers: Sequence[Paper]) -> None:
    """Store the index; a cache that cannot be written is skipped (the next open rebuilds)."""
    order, days, postings = index.parts()
    vocab = "\0".join(postings.vocab).encode("utf-8", "surrogatepass")
    arrays: dict[str, np.ndarray[Any, Any]] = {
        "order": order,
        "days": days,
        "vocab": np.frombuffer(vocab, np.uint8),
    }
    for number, field in enumerate(postings.fields):
        for name in _FIELD_ARRAYS:
            arrays[f"{number}_{name}"] = getattr(field, name)
    header = {"version": version, "ids": _ids_digest(papers), "field_count": len(postings.fields)}
    try:
        write_arrays(path, header, arrays)
    except OSError:
        return
    del arrays
    _map_written(path, header, vocab, postings)


def _map_written(path: Path, header: dict[str, Any], vocab: bytes, postings: Postings) -> None:
    """The postings' arrays swapped for the same arrays mapped from the entry just written,
    as a reopen maps them: the system's file cache then holds them, given back under memory
    pressure, rather than this process's own memory: once its entries are written, a
    million papers' first open holds 1.65 GB rather than 2.16 (a reopen 1.55). Searches
    running meanwhile keep the arrays they read; both hold the same numbers. The entry read
    back must be the one written (another paperbrowse may have replaced it meanwhile): its
    checksum, version, papers' ids, vocabulary and every array's type and length are
    checked before any array is swapped."""
    stored = read_arrays(path)
    if stored is None:
        return
    written, arrays = stored
    try:
        if (
            written.get("version") != header["version"]
            or written.get("ids") != header["ids"]
            or written.get("field_count") != len(postings.fields)
            or arrays["vocab"].tobytes() != vocab
        ):
            return
        replacements = [
            {name: arrays[f"{number}_{name}"] for name in _FIELD_ARRAYS}
            for number in range(len(postings.fields))
        ]
    except KeyError:
        return
    pairs = list(zip(postings.fields, replacements, strict=True))
    if all(field.matches(replacement) for field, replacement in pairs):
        for field, replacement in pairs:
            field.hold_instead(replacement)


def write_arrays(
    path: Path, header: dict[str, Any], arrays: dict[str, np.ndarray[Any, Any]]
) -> None:
    """An entry of ``header`` and ``arrays`` (``read_arrays`` reads it), written to a
    temporary file renamed into place, so a crash never leaves half an entry."""
    pieces = list(_pieces(arrays))  # the data after the header: arrays and padding
    places = []
    offset = 0
    for name, array in arrays.items():
        offset = _aligned(offset)
        places.append([name, array.dtype.str, len(array), offset])
        offset += array.nbytes
    crc = 0
    for piece in pieces:
        crc = zlib.crc32(piece, crc)
    head = json.dumps({**header, "arrays": places, "crc": crc}).encode()
    start = len(MAGIC) + _LENGTH + len(head)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(MAGIC + len(head).to_bytes(_LENGTH, "little") + head)
            file.write(bytes(_aligned(start) - start))
            for piece in pieces:
                file.write(piece)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _pieces(arrays: dict[str, np.ndarray[Any, Any]]) -> Iterator[memoryview]:
    """Each array's bytes, after the zeros that align its start."""
    offset = 0
    for array in arrays.values():
        padding = _aligned(offset) - offset
        if padding:
            yield memoryview(bytes(padding))
        data = np.ascontiguousarray(array).view(np.uint8)
        yield data.data
        offset += padding + len(data)
