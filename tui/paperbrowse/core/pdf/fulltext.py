"""The text of PDFs, extracted once and cached per file, for searching their bodies.

Text comes from the ``worker`` process (pypdfium2), one string per page, cleaned by
``body_text.clean_pages``: PDFium marks a hyphen it found at a line's end with U+FFFE
(``tem\\ufffeporally``); ``hyphens`` joins a word broken there (``temporally``), so it
is found whole, and keeps the hyphen of a compound that ended the line
(``document-level``), judging by how the same document writes the word elsewhere. The
worker writes the cache entry itself, so the work of cleaning, tokenising and
compressing is done at its low priority, not in the app's process.

The cache is one file per PDF under ``locations.cache_dir()/fulltext``, holding the
text's ``BodyText`` (its words and its compressed pages) as they are kept in memory, so
a reopen reads them back without tokenising or compressing anything. It is named by a
hash of the resolved path, the size, the modification time and ``EXTRACT_VERSION``: an
edited or replaced PDF is extracted again, an unchanged one never. Reading an entry
refreshes its time; after a pass over a library's PDFs, entries neither read nor written
for ``locations.CACHE_MAX_AGE_DAYS`` (an edited PDF's old text, a deleted PDF's, an
older version's) are deleted, as the parse cache's are. What could not be
read (encrypted, broken) is cached too, so a reopen does not wait for it again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from paperbrowse.core import locations
from paperbrowse.core.pdf.body_text import BodyText, clean_pages, read_entry, write_entry
from paperbrowse.core.pdf.worker import PdfWorker

# Bump when the text made from a page, or the entry's layout, changes. 2: a compound at a
# line's end keeps its hyphen; 3: the entry holds the words and the compressed pages.
EXTRACT_VERSION = 3
# Not worth caching: the next open should try again.
_TRANSIENT = ("took longer than", "the PDF reader stopped")

Progress = Callable[[int, int], None]  # (done, total)


class FullText:
    """A PDF's text, one string per page, or why there is none.

    Kept as its ``BodyText`` (the compact form searched and cached) once that is made:
    ``pages`` are unpacked from it when asked for, so the texts of a thousand PDFs do
    not sit in memory twice.
    """

    __slots__ = ("_body", "_pages", "problem")

    def __init__(
        self,
        pages: Sequence[str] = (),
        problem: str | None = None,
        body: BodyText | None = None,
    ) -> None:
        self._pages = None if body is not None else tuple(pages)
        self._body = body
        self.problem = problem

    @property
    def pages(self) -> tuple[str, ...]:
        if self._pages is not None:
            return self._pages
        assert self._body is not None
        return self._body.pages()

    @property
    def page_count(self) -> int:
        return len(self._pages) if self._pages is not None else self.body.page_count

    @property
    def body(self) -> BodyText:
        if self._body is None:
            self._body = BodyText.of(self._pages or ())
            self._pages = None
        return self._body

    @property
    def text(self) -> str:
        return "\n\f".join(self.pages)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FullText):
            return NotImplemented
        return (self.pages, self.problem) == (other.pages, other.problem)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"FullText({len(self.pages)} pages, problem={self.problem!r})"


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
    return (folder or fulltext_dir()) / f"{name}.text"


def is_cached(path: Path, folder: Path | None = None) -> bool:
    """Whether ``path``'s text is in the cache as the file is now (nothing is read)."""
    entry = cache_path(path, folder)
    return entry is not None and entry.is_file()


def load_cached(entry: Path) -> FullText | None:
    """The text cached at ``entry``; None when absent or damaged (extracted again)."""
    found = read_entry(entry)
    if found is None:
        return None
    locations.keep_fresh(entry)  # still in use: not pruned
    body, problem = found
    return FullText(problem=problem, body=body)


def store_cached(entry: Path, text: FullText) -> bool:
    """Whether ``text`` was written to ``entry`` (whole, or not at all)."""
    return write_entry(entry, text.body, text.problem)


def extract(path: Path, worker: PdfWorker, folder: Path | None = None) -> FullText:
    """``path``'s text, from the cache when the file is unchanged, else from the worker
    (which writes the cache entry itself)."""
    entry = cache_path(path, folder)
    if entry is None:
        facts = worker.extract_text(path)
        return FullText(clean_pages(facts.texts), facts.problem)
    cached = load_cached(entry)
    if cached is not None:
        return cached
    facts = worker.extract_to_cache(path, entry)
    if facts.stored:
        cached = load_cached(entry)
        if cached is not None:
            return cached
    text = FullText(clean_pages(facts.texts), facts.problem)
    transient = facts.problem is not None and facts.problem.startswith(_TRANSIENT)
    if not facts.stored and not transient and facts.problem != "missing":
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
            return found
        found[path] = extract(path, worker, folder)
        if each is not None:
            each(path, found[path])
        if progress is not None:
            progress(done, len(wanted))
    # Each of these PDFs' entries was just read or written: what was not, for a while, is
    # of a PDF changed since (its old entry is never read again) or gone.
    locations.prune_stale(folder or fulltext_dir(), ("*.text",))
    return found
