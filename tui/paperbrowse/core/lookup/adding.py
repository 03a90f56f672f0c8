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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
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


def add_paper(
    path: str | Path, paper: Paper, library: Sequence[Paper] = (), taken: Iterable[str] = ()
) -> Added:
    """Append ``paper`` to the file at ``path`` (created when missing). Raises CannotAdd
    (AlreadyThere when the file, or the ``library`` it belongs to, has the paper)."""
    outcome = add_papers(path, [paper], library, taken)
    if outcome.refused:
        raise outcome.refused[0][1]
    return outcome.added[0]


@dataclass
class Outcome:
    added: list[Added] = field(default_factory=list)
    refused: list[tuple[Paper, CannotAdd]] = field(default_factory=list)


def add_papers(
    path: str | Path,
    papers: Sequence[Paper],
    library: Sequence[Paper] = (),
    taken: Iterable[str] = (),
) -> Outcome:
    """Append the papers to the file at ``path`` in one write, so that its ``.bak`` is the
    file as it was before them all. A paper the file or ``library`` has already (or one
    given twice) is refused, and a key the file or ``taken`` (the library's keys) has is
    not given again. Raises CannotAdd when the file is unusable."""
    from paperbrowse.core.formats.export import ExportError, write_export

    named = Path(path).expanduser().absolute()  # (messages name it wherever they are read)
    fmt = ADDABLE.get(named.suffix.lower())
    if not str(path).strip():
        raise CannotAdd("give a file name to add to")
    if fmt is None:
        raise CannotAdd(f"{named}: papers are added to {ADDABLE_NAMES}")
    _check_writable(named)
    old = _old_text(named)
    if fmt == "csl-json":
        _in_array(old, "{}", named)  # a file that is no CSL-JSON list is refused first
    if fmt == "bibtex":
        _check_closed(old, named)
    in_file = _papers_in(named, fmt) if old.strip() else []
    outcome = Outcome()
    known = _Known(named, in_file, library, taken)
    for paper in papers:
        try:
            known.refuse_twice(paper)
        except AlreadyThere as error:
            outcome.refused.append((paper, error))
            continue
        key = known.new_key(paper)
        known.add(paper, key)
        outcome.added.append(Added(named, paper, key, None))
    if not outcome.added:
        return outcome
    entries = [_entry(added.paper, added.key, fmt) for added in outcome.added]
    for entry, added in zip(entries, outcome.added, strict=True):
        _check_reads_back(entry, fmt, added.paper)
    text = old
    for entry in entries:
        if "\r\n" in old:  # a Windows file stays one: no lines of the other kind in it
            entry = entry.replace("\n", "\r\n")
        text = _with_entry(text, entry, fmt, named)
    if _old_text(named) != old:  # written meanwhile (an editor, Zotero): never lost
        raise CannotAdd(f"{named}: changed while the paper was being added; nothing written")
    try:
        written = write_export(named, text, force=True)
    except ExportError as error:
        raise CannotAdd(str(error)) from None
    outcome.added = [
        Added(written.path, added.paper, added.key, written.backup) for added in outcome.added
    ]
    return outcome


def _check_writable(path: Path) -> None:
    """A file the user may not write is refused: replaced through its folder, it would
    lose its mode's meaning (and another user's file would become this user's)."""
    target = Path(os.path.realpath(path))
    if target.exists() and not os.access(target, os.W_OK):
        raise CannotAdd(f"{path}: read-only for you; nothing added")


class _Known:
    """The papers and keys a new paper must not repeat: the file's, the library's, and the
    ones added before it in the same write."""

    def __init__(
        self, path: Path, in_file: list[Paper], library: Sequence[Paper], taken: Iterable[str]
    ) -> None:
        self.path = path
        self.in_file = list(in_file)
        self.library = library
        self.keys = {key.lower() for key in (*_keys_of(in_file), *taken)}

    def refuse_twice(self, paper: Paper) -> None:
        other = _same_paper(paper, self.in_file)
        if other is not None:
            raise AlreadyThere(f"{self.path} has this paper already{_line(other)}: {other.title}")
        other = _same_paper(paper, self.library)
        if other is not None:
            where = other.source.file if other.source else "another file"
            raise AlreadyThere(
                f"the library has this paper already, in {where}{_line(other)}: {other.title}"
            )

    def new_key(self, paper: Paper) -> str:
        from paperbrowse.core.citekeys import citation_keys

        key = citation_keys([*self.in_file, paper])[-1]
        base, number = key, 0
        while key.lower() in self.keys:  # (a key of the library's other files, too)
            number += 1
            key = f"{base}{_suffix(number)}"
        return key

    def add(self, paper: Paper, key: str) -> None:
        self.in_file.append(paper.model_copy(update={"citekey": key}))
        self.keys.add(key.lower())


def _suffix(number: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa: Better BibTeX's suffixes."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _keys_of(papers: Sequence[Paper]) -> list[str]:
    from paperbrowse.core.citekeys import citation_keys

    return citation_keys(papers) if papers else []


def _same_paper(paper: Paper, papers: Sequence[Paper]) -> Paper | None:
    """The paper of ``papers`` with the same DOI, or the same title and year."""
    from paperbrowse.core.store import field_values

    if not papers:
        return None
    doi = bare_doi(paper.doi).lower() if paper.doi else None
    if doi:
        for index, other in enumerate(field_values(papers, "doi")):
            if other and bare_doi(other).lower() == doi:
                return papers[index]
    title = normalise_title(paper.title)
    years = field_values(papers, "year")
    for index, other in enumerate(field_values(papers, "title")):
        if years[index] == paper.year and normalise_title(other) == title:
            return papers[index]
    return None


def _line(paper: Paper) -> str:
    return f" (line {paper.source.line})" if paper.source and paper.source.line else ""


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


def _check_closed(text: str, path: Path) -> None:
    """Refuse a .bib whose last entry is left open: the new entry would be read as part of
    it, by BibTeX and by most readers. Braces outside entries (a stray ``}``, a comment's
    ``{``) are ignored, as BibTeX ignores all text between entries."""
    depth, start = 0, 0
    for match in _BIB_TOKEN.finditer(text):
        token = match.group()
        if depth == 0:
            if token.startswith("@"):
                depth, start = 1, match.start()
            continue
        depth += -1 if token == "}" else 1  # (an "@x{" inside an entry opens a brace too)
    if depth > 0:
        line = text.count("\n", 0, start) + 1
        raise CannotAdd(f"{path}: the entry at line {line} is never closed; fix it first")


_BIB_TOKEN = re.compile(r"@\s*\w+\s*\{|(?<!\\)[{}]")


def _papers_in(path: Path, fmt: str) -> list[Paper]:
    from paperbrowse.core.cache import read_cached

    try:
        return list(read_cached(path, dt.date.today()).papers)
    except FormatError as error:
        if not _NO_ENTRY[fmt].search(_old_text(path)):
            return []
        reason = error.message
        raise CannotAdd(f"{path}: cannot read its papers ({reason}); nothing added") from None


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


def addable_sources(sources: Sequence[str | Path]) -> list[Path]:
    """A library's files a paper can be added to (its folders' too): BibTeX first, then
    JSON Lines, CSL-JSON and RIS, each kind in the library's order."""
    from paperbrowse.core.library import expand_paths

    files, _ = expand_paths(sources)
    kinds = {path: ADDABLE.get(path.suffix.lower()) for path in files}
    usable = [
        path
        for path, kind in kinds.items()
        if kind and os.access(path, os.W_OK) and (kind != "csl-json" or _a_list(path))
    ]
    return sorted(usable, key=lambda path: _PREFERRED.index(ADDABLE[path.suffix.lower()]))


_PREFERRED = ("bibtex", "jsonl", "csl-json", "ris")


def _a_list(path: Path) -> bool:
    """Whether a .json file starts as a list does (a CSL-JSON file; not a paperbrowse JSON
    document or a Semantic Scholar answer)."""
    try:
        with path.open("rb") as stream:
            head = stream.read(4096)
    except OSError:
        return False
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"[")
