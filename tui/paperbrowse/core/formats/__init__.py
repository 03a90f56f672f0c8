"""Every file format paperbrowse reads or writes.

Readers turn one file's text into papers (and perhaps a profile): ``profile``
(publication profiles), ``bibtex`` with ``bibvalues``, ``jsonl`` (JSON Lines and
``.json`` files), ``jsondoc`` (which kind a JSON document is), ``records`` (one
JSON record), ``csljson``, ``s2`` (Semantic Scholar), ``ris`` (read and written
with rispy); ``jsontools`` is the JSON
toolkit they share; ``languages`` reads the languages and biblatex's localisation
keys (``countryfr``, ``langgerman``) BibTeX and CSL-JSON name; ``pool`` reads a
large file's parts in worker processes, which send their papers back as plain rows
(``core.rows``, ``core.store``).
Writers: ``export`` (every export format, written atomically) and ``bibtex_write``.

``read_file`` picks the reader by extension, then by content, so a
mis-named file still opens. Each reader has the signature of ``Importer``.

May import ``paperbrowse.core.text``, ``models``, ``errors``, ``files``,
``categories``, ``rows`` and ``store`` (papers as rows), ``citekeys`` (the keys the
writers put in) and ``backups`` (which files' ``.bak`` this run kept); never the search,
the marks store or the caches (the parse cache imports this package, and its
fingerprint covers all of it).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, MutableSequence, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from paperbrowse.core.errors import FormatError, Problem
from paperbrowse.core.files import read_text
from paperbrowse.core.models import Paper, Profile


@dataclass
class ImportResult:
    """What one file gave: its papers, its profile if it is one, and the problems met."""

    # A list as parsed; a ``core.store.PaperStore`` of rows when read from the cache.
    papers: MutableSequence[Paper] = field(default_factory=list)
    profile: Profile | None = None
    problems: list[Problem] = field(default_factory=list)


# Progress within one file: (characters read, characters in all).
TextProgress = Callable[[int, int], None]
# Each paper's own tags (the marks store's), which the exports write as keywords.
Tags = Callable[[Paper], Sequence[str]] | None
Importer = Callable[[str, str, dt.date, TextProgress | None], ImportResult]


def _profile(text: str, file: str, as_of: dt.date, progress: TextProgress | None) -> ImportResult:
    from paperbrowse.core.formats.profile import parse_profile_text

    result = parse_profile_text(text, file, as_of)
    return ImportResult(list(result.profile.papers), result.profile, result.problems)


def _jsonl(text: str, file: str, as_of: dt.date, progress: TextProgress | None) -> ImportResult:
    from paperbrowse.core.formats.jsonl import parse_jsonl

    return parse_jsonl(text, file, progress=progress)


def _json(text: str, file: str, as_of: dt.date, progress: TextProgress | None) -> ImportResult:
    from paperbrowse.core.formats.jsonl import parse_json

    return parse_json(text, file)


def _bibtex(text: str, file: str, as_of: dt.date, progress: TextProgress | None) -> ImportResult:
    from paperbrowse.core.formats.bibtex import parse_bibtex

    return parse_bibtex(text, file, progress)


def _ris(text: str, file: str, as_of: dt.date, progress: TextProgress | None) -> ImportResult:
    from paperbrowse.core.formats.ris import parse_ris

    return parse_ris(text, file, progress)


# Warnings listed per file: a million broken lines are not a million messages.
MAX_PROBLEMS = 100

# Suffix -> importer name. Folders are read for these suffixes.
SUFFIXES: dict[str, str] = {
    ".txt": "profile",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".bib": "bibtex",
    ".bibtex": "bibtex",
    ".json": "json",
    ".ris": "ris",
}
IMPORTERS: dict[str, Importer] = {
    "profile": _profile,
    "jsonl": _jsonl,
    "json": _json,
    "bibtex": _bibtex,
    "ris": _ris,
}
KNOWN_FORMATS = (
    "BibTeX (.bib), CSL-JSON or paperbrowse JSON (.json), JSON Lines (.jsonl), "
    "RIS (.ris) and researcher profiles (.txt)"
)
_FORMAT_NAMES = {
    "profile": "a researcher profile",
    "jsonl": "JSON Lines",
    "json": "JSON",
    "bibtex": "BibTeX",
    "ris": "RIS",
}
_BIBTEX_ENTRY = re.compile(r"^[ \t]*@[A-Za-z]+[ \t]*[{(]", re.MULTILINE)


def sniff(text: str) -> str | None:
    """The importer name that the content suggests, or None."""
    head = text.lstrip("\ufeff \t\r\n")[:2000]
    if head.startswith(("{", "[")):
        return "json"  # a whole document, or JSON Lines when it is not one
    if _BIBTEX_ENTRY.search(text, 0, 65536):
        return "bibtex"
    from paperbrowse.core.formats.ris import looks_like_ris

    if looks_like_ris(text):
        return "ris"
    from paperbrowse.core.formats.profile import looks_like_profile

    if looks_like_profile(text):
        return "profile"
    return None


def importer_for(path: Path, text: str) -> str | None:
    """The importer by extension, by content when the extension says nothing (or .txt)."""
    name = SUFFIXES.get(path.suffix.lower())
    if name == "profile":
        from paperbrowse.core.formats.profile import looks_like_profile

        return name if looks_like_profile(text) else sniff(text) or name
    return name or sniff(text)


def read_file(path: Path, as_of: dt.date, progress: TextProgress | None = None) -> ImportResult:
    """Import one file. Raises FormatError when nothing in it can be used, or when reading
    it ran out of memory or nesting: then the other files still load."""
    try:
        return _read_file(path, as_of, progress)
    except (MemoryError, RecursionError) as error:
        raise out_of_bounds(str(path), error) from None


def out_of_bounds(file: str, error: MemoryError | RecursionError) -> FormatError:
    """The FormatError for a file whose reading ran out of memory or of nesting depth."""
    if isinstance(error, RecursionError):
        return FormatError(file, "nested too deeply to read; skipped")
    return FormatError(file, "ran out of memory reading it; skipped")


def _read_file(path: Path, as_of: dt.date, progress: TextProgress | None) -> ImportResult:
    result = _read_large(path, progress)
    if result is not None:
        return _checked(result, path, "jsonl")
    with _bibtex_workers_ahead(path):
        text, problems = read_text(path)
        if not text or text.isspace():  # (not strip(): that copies a whole large file)
            raise FormatError(str(path), "empty file; no papers in it")
        name = importer_for(path, text)
        if name is None:
            raise FormatError(str(path), f"unknown format; paperbrowse reads {KNOWN_FORMATS}")
        result = IMPORTERS[name](text, str(path), as_of, progress)
    result.problems[:0] = problems
    return _checked(result, path, name)


def _read_large(path: Path, progress: TextProgress | None) -> ImportResult | None:
    """A large JSON Lines file read from its bytes, a part at a time, never as one string
    (``jsonl.read_large_jsonl``); None for any other file."""
    if SUFFIXES.get(path.suffix.lower()) != "jsonl":
        return None
    from paperbrowse.core.formats.jsonl import read_large_jsonl

    return read_large_jsonl(path, progress)


def _bibtex_workers_ahead(path: Path) -> contextlib.AbstractContextManager[object]:
    """For a large .bib, its parse workers started while it is read (``bibtex``)."""
    if SUFFIXES.get(path.suffix.lower()) != "bibtex":
        return contextlib.nullcontext()
    from paperbrowse.core.formats.bibtex import workers_ahead_for

    return workers_ahead_for(path)


def _checked(result: ImportResult, path: Path, name: str) -> ImportResult:
    """The result, or a FormatError when the file gave nothing; its problems capped."""
    if not result.papers and not result.problems and result.profile is None:
        raise FormatError(str(path), f"no papers found (read as {_FORMAT_NAMES[name]})")
    if len(result.problems) > MAX_PROBLEMS:
        hidden = len(result.problems) - MAX_PROBLEMS + 1
        result.problems[MAX_PROBLEMS - 1 :] = [
            Problem(str(path), None, f"{hidden:,} more problems in this file not listed")
        ]
    return result
