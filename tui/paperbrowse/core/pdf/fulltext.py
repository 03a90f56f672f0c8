"""The text of PDFs, extracted once and cached per file, for searching their bodies.

Text comes from the ``worker`` process (pypdfium2), one string per page. PDFium marks
a hyphen it found at a line's end with U+FFFE (``tem\\ufffeporally``); the parts are
joined (``temporally``), so a word broken across lines is found whole. Real hyphens
(``state-of-the-art``) are left alone.

The cache is one file per PDF under ``locations.cache_dir()/fulltext``, holding the
text's ``BodyText`` (its words and its compressed pages) as they are kept in memory, so
a reopen reads them back without tokenising or compressing anything: a line of JSON
(the problem, the page count, the characters, the lengths of the two parts), the
words, then the compressed pages. It is named by a hash of the resolved path, the
size, the modification time and ``EXTRACT_VERSION``: an edited or replaced PDF is
extracted again, an unchanged one never. What could not be read (encrypted, broken) is
cached too, so a reopen does not wait for it again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from paperbrowse.core import locations
from paperbrowse.core.pdf.body_text import BodyText, flat_page
from paperbrowse.core.pdf.worker import PdfWorker

EXTRACT_VERSION = 2  # bump when the text made from a page, or the entry's layout, changes
_MAGIC = b"paperbrowse-fulltext\n"
_SOFT_HYPHEN_BREAK = re.compile("\ufffe(?:\r?\n)?")
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


def clean_page(raw: str) -> str:
    """A page's text as PDFium gives it, hyphen-broken words joined, and each run of
    spaces and line ends one space (columns and lines read as running text)."""
    return flat_page(_SOFT_HYPHEN_BREAK.sub("", raw))


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


def load_cached(entry: Path) -> FullText | None:
    try:
        data = entry.read_bytes()
        if not data.startswith(_MAGIC):
            return None
        header_end = data.index(b"\n", len(_MAGIC)) + 1
        header = json.loads(data[len(_MAGIC) : header_end])
        words_end = header_end + int(header["words"])
        if len(data) != words_end + int(header["packed"]):
            return None  # cut short (a full disk): extracted again
        body = BodyText(
            data[header_end:words_end],
            data[words_end:],
            int(header["pages"]),
            int(header["chars"]),
        )
        problem = header.get("problem")
        return FullText(problem=None if problem is None else str(problem), body=body)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # absent or damaged: extracted again


def store_cached(entry: Path, text: FullText) -> bool:
    """Written under a temporary name and renamed: a crash never leaves half an entry.
    Whether it was written."""
    body = text.body
    header = {
        "problem": text.problem,
        "pages": body.page_count,
        "chars": body.chars,
        "words": len(body.words),
        "packed": len(body.packed),
    }
    partial = entry.with_name(f"{entry.name}.{os.getpid()}.partial")
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with open(partial, "wb") as stream:
            stream.write(_MAGIC + json.dumps(header).encode() + b"\n")
            stream.write(body.words)
            stream.write(body.packed)
        partial.replace(entry)
        return True
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink()
        return False


def extract(path: Path, worker: PdfWorker, folder: Path | None = None) -> FullText:
    """``path``'s text, from the cache when the file is unchanged, else from the worker
    (which writes the cache entry itself)."""
    entry = cache_path(path, folder)
    if entry is None:
        facts = worker.extract_text(path)
        return FullText(tuple(clean_page(page) for page in facts.texts), facts.problem)
    cached = load_cached(entry)
    if cached is not None:
        return cached
    facts = worker.extract_to_cache(path, entry)
    if facts.stored:
        cached = load_cached(entry)
        if cached is not None:
            return cached
    text = FullText(tuple(clean_page(page) for page in facts.texts), facts.problem)
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
            break
        found[path] = extract(path, worker, folder)
        if each is not None:
            each(path, found[path])
        if progress is not None:
            progress(done, len(wanted))
    return found
