"""A looked-up paper appended to one of the user's files, never damaging it.

The file's text is kept as it is, byte for byte, with the new entry after it (in a
CSL-JSON array, before its closing bracket). The whole is written to a temporary file
and renamed into place (``formats.export.write_export``), the old file kept as
``NAME.bak``. Before writing: the entry is read back on its own to be sure it reads as
the paper, and a paper already in the file (the same DOI, or the same title and year) is
refused, naming where it is.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from paperbrowse.core.errors import FormatError, PaperbrowseError
from paperbrowse.core.models import Paper, bare_doi, normalise_title

# The formats a paper can be added to, by the file's suffix (``formats.SUFFIXES``).
ADDABLE = {".bib": "bibtex", ".bibtex": "bibtex", ".ris": "ris", ".jsonl": "jsonl",
           ".ndjson": "jsonl", ".json": "csl-json"}  # fmt: skip
ADDABLE_NAMES = "a BibTeX (.bib), RIS (.ris), JSON Lines (.jsonl) or CSL-JSON (.json) file"


class CannotAdd(PaperbrowseError):
    """The paper was not added; the message is one line for the user."""


class AlreadyThere(CannotAdd):
    """The file has this paper already."""


@dataclass(frozen=True)
class Added:
    path: Path  # the file written (a symbolic link's target)
    paper: Paper
    key: str  # the citation key the paper was written with
    backup: Path | None  # the file as it was, or None when the file is new


def addable(path: Path) -> bool:
    return path.suffix.lower() in ADDABLE


def add_paper(path: str | Path, paper: Paper) -> Added:
    """Append ``paper`` to the file at ``path`` (created when missing). Raises CannotAdd."""
    from paperbrowse.core.formats.export import ExportError, write_export

    named = Path(path).expanduser()
    fmt = ADDABLE.get(named.suffix.lower())
    if fmt is None:
        raise CannotAdd(f"{named}: papers are added to {ADDABLE_NAMES}")
    old = _old_text(named)
    if fmt == "csl-json":
        _in_array(old, "{}", named)  # a file that is no CSL-JSON list is refused first
    if fmt == "bibtex" and not _braces_close(old):
        # An entry left open would swallow the new one, in BibTeX and in most readers.
        raise CannotAdd(f"{named}: its braces do not balance (an entry left open?); fix that first")
    papers = _papers_in(named, fmt) if old.strip() else []
    _refuse_twice(named, paper, papers)
    key = _new_key(paper, papers)
    entry = _entry(paper, key, fmt)
    _check_reads_back(entry, fmt, paper)
    if "\r\n" in old:  # a Windows file stays one: no lines of the other kind in it
        entry = entry.replace("\n", "\r\n")
    text = _with_entry(old, entry, fmt, named)
    if _old_text(named) != old:  # written meanwhile (an editor, Zotero): never lost
        raise CannotAdd(f"{named}: changed while the paper was being added; nothing written")
    try:
        written = write_export(named, text, force=True)
    except ExportError as error:
        raise CannotAdd(str(error)) from None
    return Added(written.path, paper, key, written.backup)


def _old_text(path: Path) -> str:
    if not path.exists():
        return ""
    if not path.is_file():
        raise CannotAdd(f"{path}: not a file")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CannotAdd(f"{path}: cannot read it ({error.strerror or error})") from None
    try:
        return data.decode("utf-8")  # a byte-order mark kept as a character: written back
    except UnicodeDecodeError:
        # Written back, its other bytes would change: refused rather than re-encoded.
        raise CannotAdd(f"{path}: not UTF-8 text; papers are added to UTF-8 files only") from None


# A file with no entry yet (comments, an empty list) is read as having no papers.
_NO_ENTRY = {
    "bibtex": re.compile(r"^\s*@(?!comment\b|preamble\b|string\b)\w+", re.I | re.M),
    "ris": re.compile(r"^TY  -", re.M),
    "jsonl": re.compile(r"\S"),
    "csl-json": re.compile(r"\{"),
}


def _braces_close(text: str) -> bool:
    """Whether every ``{`` in the text is closed by its end (``\\{`` and ``\\}`` aside)."""
    depth = 0
    for match in _BRACE.finditer(text):
        depth += 1 if match.group() == "{" else -1
        if depth < 0:
            return False
    return depth == 0


_BRACE = re.compile(r"(?<!\\)[{}]")


def _papers_in(path: Path, fmt: str) -> list[Paper]:
    from paperbrowse.core.cache import read_cached

    try:
        return list(read_cached(path, dt.date.today()).papers)
    except FormatError as error:
        if not _NO_ENTRY[fmt].search(_old_text(path)):
            return []
        reason = error.message
        raise CannotAdd(f"{path}: cannot read its papers ({reason}); nothing added") from None


def _refuse_twice(path: Path, paper: Paper, papers: list[Paper]) -> None:
    doi = bare_doi(paper.doi).lower() if paper.doi else None
    title = normalise_title(paper.title)
    for other in papers:
        same_doi = doi is not None and other.doi is not None and bare_doi(other.doi).lower() == doi
        same_title = normalise_title(other.title) == title and other.year == paper.year
        if same_doi or same_title:
            where = f" (line {other.source.line})" if other.source and other.source.line else ""
            raise AlreadyThere(f"{path} has this paper already{where}: {other.title}")


def _new_key(paper: Paper, papers: list[Paper]) -> str:
    from paperbrowse.core.citekeys import citation_keys

    return citation_keys([*papers, paper])[-1]


def _entry(paper: Paper, key: str, fmt: str) -> str:
    if fmt == "bibtex":
        from paperbrowse.core.formats.bibtex_write import bibtex_entry

        return bibtex_entry(paper, key)
    if fmt == "ris":
        from paperbrowse.core.formats.ris import ris_document

        return ris_document([paper], [key])
    if fmt == "jsonl":
        return json.dumps(paper.to_json_dict() | {"citekey": key}, ensure_ascii=False) + "\n"
    from paperbrowse.core.formats.csljson import csl_item

    return json.dumps(csl_item(paper, key), ensure_ascii=False, indent=2)


def _with_entry(old: str, entry: str, fmt: str, path: Path) -> str:
    if fmt == "csl-json":
        return _in_array(old, entry, path)
    newline = "\r\n" if "\r\n" in old else "\n"
    if not old.strip("\ufeff"):
        return old + entry.rstrip("\r\n") + newline
    gap = "" if old.endswith("\n") else newline
    if fmt != "jsonl":
        gap += newline  # a blank line between entries, as the writers put them
    return old + gap + entry.rstrip("\r\n") + newline


def _in_array(old: str, item: str, path: Path) -> str:
    """The CSL-JSON array ``old`` with ``item`` last, the rest of the text unchanged."""
    body = old.strip().lstrip("\ufeff")
    newline = "\r\n" if "\r\n" in old else "\n"
    indented = newline.join("  " + line for line in item.splitlines())
    if not body:
        return old.rstrip() + "[" + newline + indented + newline + "]" + newline
    try:
        items = json.loads(body)
    except ValueError:
        items = None
    if not isinstance(items, list):
        raise CannotAdd(f"{path}: papers are added to a .json file holding a CSL-JSON list")
    end = old.rindex("]")
    head = old[:end].rstrip()
    comma = "," if items else ""
    return head + comma + newline + indented + newline + old[end:]


def _check_reads_back(entry: str, fmt: str, paper: Paper) -> None:
    """The entry, read alone by paperbrowse's own reader, must give the paper's title."""
    from paperbrowse.core.formats import IMPORTERS

    reader = {"csl-json": "json"}.get(fmt, fmt)
    text = f"[{entry}]" if fmt == "csl-json" else entry
    try:
        read = IMPORTERS[reader](text, "(new entry)", dt.date.today(), None).papers
    except FormatError:
        read = []
    if len(read) != 1 or normalise_title(read[0].title) != normalise_title(paper.title):
        raise CannotAdd(f"the entry for {paper.title!r} does not read back; nothing written")


def addable_sources(sources: list[str]) -> list[Path]:
    """A library's files a paper can be added to (its folders' too), in its order."""
    from paperbrowse.core.library import expand_paths

    files, _ = expand_paths(sources)
    return [path for path in files if addable(path) and os.access(path, os.W_OK)]
