"""The text of PDFs, extracted once and cached per file, for searching their bodies.

Text comes from the ``worker`` process (pypdfium2), one string per page. PDFium marks
a hyphen it found at a line's end with U+FFFE (``tem\\ufffeporally``); ``hyphens``
joins a word broken there (``temporally``), so it is found whole, and keeps the hyphen
of a compound that ended the line (``document-level``), judging by how the same
document writes the word elsewhere. Other hyphens (``state-of-the-art``) are left alone.

The cache is one gzipped JSON file per PDF under ``locations.cache_dir()/fulltext``,
named by a hash of the resolved path, the size, the modification time and
``EXTRACT_VERSION``: an edited or replaced PDF is extracted again, an unchanged one
never. What could not be read (encrypted, broken) is cached too, so a reopen does
not wait for it again.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from paperbrowse.core import locations
from paperbrowse.core.pdf.hyphens import mend_pages
from paperbrowse.core.pdf.worker import PdfWorker

# Bump when the text made from a page changes. 2: a compound at a line's end keeps its hyphen.
EXTRACT_VERSION = 2
_LINE_ENDS = re.compile("\r\n?")
# Not worth caching: the next open should try again.
_TRANSIENT = ("took longer than", "the PDF reader stopped")

Progress = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True)
class FullText:
    """A PDF's text, one string per page, or why there is none."""

    pages: tuple[str, ...] = ()
    problem: str | None = None

    @property
    def text(self) -> str:
        return "\n\f".join(self.pages)


def clean_pages(raw: Sequence[str]) -> tuple[str, ...]:
    """A document's pages as PDFium gives them, line-end hyphens mended, line ends ``\\n``."""
    return tuple(_LINE_ENDS.sub("\n", page) for page in mend_pages(raw))


def fulltext_dir() -> Path:
    return locations.cache_dir() / "fulltext"


def cache_path(path: Path, folder: Path | None = None) -> Path | None:
    """Where ``path``'s text is cached; None when the file cannot be stat'ed."""
    try:
        resolved = path.resolve()
        info = resolved.stat()
    except OSError:
        return None
    key = f"{EXTRACT_VERSION}\0{resolved}\0{info.st_size}\0{info.st_mtime_ns}"
    name = hashlib.sha1(key.encode("utf-8", "surrogateescape")).hexdigest()
    return (folder or fulltext_dir()) / f"{name}.json.gz"


def is_cached(path: Path, folder: Path | None = None) -> bool:
    """Whether ``path``'s text is in the cache as the file is now (nothing is read)."""
    entry = cache_path(path, folder)
    return entry is not None and entry.is_file()


def load_cached(entry: Path) -> FullText | None:
    try:
        with gzip.open(entry, "rt", encoding="utf-8") as stream:
            data = json.load(stream)
        return FullText(tuple(str(page) for page in data["pages"]), data.get("problem"))
    except (OSError, ValueError, KeyError, TypeError, EOFError):
        return None  # absent or damaged: extracted again


def store_cached(entry: Path, text: FullText) -> None:
    """Written under a temporary name and renamed: a crash never leaves half an entry."""
    partial = entry.with_name(f"{entry.name}.{os.getpid()}.partial")
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(partial, "wt", encoding="utf-8", compresslevel=5) as stream:
            json.dump({"pages": list(text.pages), "problem": text.problem}, stream)
        partial.replace(entry)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink()


def extract(path: Path, worker: PdfWorker, folder: Path | None = None) -> FullText:
    """``path``'s text, from the cache when the file is unchanged, else from the worker."""
    entry = cache_path(path, folder)
    if entry is not None:
        cached = load_cached(entry)
        if cached is not None:
            return cached
    facts = worker.extract_text(path)
    text = FullText(clean_pages(facts.texts), facts.problem)
    transient = facts.problem is not None and facts.problem.startswith(_TRANSIENT)
    if entry is not None and not transient and facts.problem != "missing":
        store_cached(entry, text)
    return text


def extract_all(
    paths: Iterable[Path],
    worker: PdfWorker,
    progress: Progress | None = None,
    folder: Path | None = None,
    stopped: Callable[[], bool] = lambda: False,
    each: Callable[[Path, FullText], None] | None = None,
) -> dict[Path, FullText]:
    """Every PDF's text (for a thread in the background); ``each(path, text)`` and
    ``progress(done, total)`` after each, and ``stopped()`` asked before each so the
    caller can end it early."""
    wanted = list(dict.fromkeys(paths))
    found: dict[Path, FullText] = {}
    for done, path in enumerate(wanted, 1):
        if stopped():
            break
        found[path] = extract(path, worker, folder)
        if each is not None:
            each(path, found[path])
        if progress is not None:
            progress(done, len(wanted))
    return found
