"""The search index of a large library, kept on disk so a reopen searches at once.

Building the index costs about 3 s per 100k papers; reading it back, a few
tenths. An entry is the index's numpy arrays in an ``.npz`` file (read with
``allow_pickle=False``: plain numbers and bytes, nothing that can run code) in
the cache folder beside the parsed-library cache. It is keyed by the library's
files (path, size, modification time), the code that parses and indexes them,
and the date used for relative dates; it also records a digest of the papers'
ids in order, checked on reading. Anything that does not match is rebuilt.
Small libraries build faster than they read and are never cached.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import tempfile
import zipfile
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from paperbrowse.core.cache import (
    CORE,
    INDEX_PATTERN,
    FileKey,
    parser_fingerprint,
    source_hash,
)
from paperbrowse.core.locations import cache_dir
from paperbrowse.core.models import Paper
from paperbrowse.core.search.build import FieldPostings, Postings
from paperbrowse.core.search.index import SearchIndex

MIN_PAPERS = 10_000  # below this the index builds in well under a second
FORMAT_VERSION = 1
# Any change under core/search/ (and to the parsers, through their fingerprint)
# makes saved indexes stale.
SEARCH_SOURCES = ("search",)
_FIELD_ARRAYS = ("indptr", "docs", "sequence", "sequence_starts")
Bytes = np.ndarray[Any, np.dtype[np.uint8]]


@lru_cache(maxsize=4)
def search_fingerprint(core: Path = CORE) -> str:
    """A hash of the search package's source and the parsers', for the index cache's names."""
    prefix = f"{FORMAT_VERSION}/{parser_fingerprint(core)}"
    return source_hash(SEARCH_SOURCES, prefix=prefix, core=core)


def entry_key(sources: Sequence[str], as_of: dt.date) -> tuple[Path, Bytes] | None:
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
    return cache_dir() / INDEX_PATTERN.replace("*", name.hexdigest()[:24]), _bytes(version.digest())


def _bytes(data: bytes) -> Bytes:
    return np.frombuffer(data, np.uint8)


def _ids_digest(papers: Sequence[Paper]) -> Bytes:
    joined = "\0".join(paper.id for paper in papers).encode("utf-8", "surrogatepass")
    return _bytes(hashlib.sha1(joined).digest())


def load_index(papers: Sequence[Paper], sources: Sequence[str], as_of: dt.date) -> SearchIndex:
    """The library's index: from the cache when it holds these papers' index, else built
    (and then cached, when the library is large enough to be worth it)."""
    entry = entry_key(sources, as_of) if len(papers) >= MIN_PAPERS and sources else None
    if entry is None:
        return SearchIndex(papers)
    path, version = entry
    index = _read(path, version, papers)
    if index is None:
        index = SearchIndex(papers)
        _write(path, version, index, papers)
    return index


def _read(path: Path, version: Bytes, papers: Sequence[Paper]) -> SearchIndex | None:
    try:
        with np.load(path, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError):
        return None  # missing, damaged or from something else: rebuilt
    try:
        if not np.array_equal(arrays["version"], version):
            return None  # made for another version of the files, or by other code
        if not np.array_equal(arrays["ids"], _ids_digest(papers)):
            return None
        vocab_bytes = arrays["vocab"].tobytes()
        vocab = vocab_bytes.decode("utf-8", "surrogatepass").split("\0") if vocab_bytes else []
        fields = tuple(
            FieldPostings(*(arrays[f"{number}_{name}"] for name in _FIELD_ARRAYS))
            for number in range(int(arrays["field_count"][0]))
        )
        order = arrays["order"]
        if len(order) != len(papers) or (len(order) and int(order.max()) >= len(papers)):
            return None
        index = SearchIndex.from_parts(papers, order, arrays["days"], Postings(vocab, fields))
    except (KeyError, ValueError, IndexError, TypeError, UnicodeDecodeError):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # in use: not pruned with the entries of forgotten libraries
    return index


def _write(path: Path, version: Bytes, index: SearchIndex, papers: Sequence[Paper]) -> None:
    """Store the index; a cache that cannot be written is skipped (the next open rebuilds)."""
    order, days, postings = index.parts()
    arrays: dict[str, Any] = {
        "version": version,
        "ids": _ids_digest(papers),
        "order": order,
        "days": days,
        "vocab": np.frombuffer(
            "\0".join(postings.vocab).encode("utf-8", "surrogatepass"), np.uint8
        ),
        "field_count": np.array([len(postings.fields)], np.int32),
    }
    for number, field in enumerate(postings.fields):
        for name in _FIELD_ARRAYS:
            arrays[f"{number}_{name}"] = getattr(field, name)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                np.savez(file, **arrays)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        return
