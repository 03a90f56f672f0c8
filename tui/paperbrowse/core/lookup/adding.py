"""Looked-up papers appended to one of the user's files, never damaging it.

The file's text is kept as it is, byte for byte (its line endings and byte-order mark
too), with the new entries after it (in a CSL-JSON list, before its closing bracket).
The whole is written to a temporary file and renamed into place
(``formats.export.write_export``), the old file kept as ``NAME.bak`` by the run's first
write to it (``core.backups``: a second add in one app session leaves that backup alone);
several papers are one write, so the backup is the file as it was before them all. Before
writing, each entry is read back on its own to be sure it reads as its paper; a paper the
file or the library has already is refused, naming where it is (``known``); and the file
must not have changed since it was read, up to the moment it is replaced.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from paperbrowse.core.errors import FormatError
from paperbrowse.core.lookup.known import AlreadyThere, Known
from paperbrowse.core.lookup.target import (
    CannotAdd,
    Target,
    checked_target,
    csl_items,
    current_text,
)
from paperbrowse.core.models import Paper, normalise_title

if TYPE_CHECKING:
    from paperbrowse.core.formats.export import Written

__all__ = ["Added", "AlreadyThere", "CannotAdd", "Outcome", "add_paper", "add_papers"]


@dataclass(frozen=True)
class Added:
    path: Path  # the file written (a symbolic link's target)
    paper: Paper
    key: str  # the citation key the paper was written with
    backup: Path | None  # the file as it was, or None when the file is new


@dataclass
class Outcome:
    added: list[Added] = field(default_factory=list)
    refused: list[tuple[Paper, AlreadyThere]] = field(default_factory=list)


def add_paper(
    path: str | Path, paper: Paper, library: Sequence[Paper] = (), taken: Iterable[str] = ()
) -> Added:
    """Append ``paper`` to the file at ``path`` (made when missing). Raises CannotAdd, or
    AlreadyThere when the file or the ``library`` it belongs to has the paper."""
    outcome = add_papers(path, [paper], library, taken)
    if outcome.refused:
        raise outcome.refused[0][1]
    return outcome.added[0]


def add_papers(
    path: str | Path | Target,
    papers: Sequence[Paper],
    library: Sequence[Paper] = (),
    taken: Iterable[str] = (),
) -> Outcome:
    """Append the papers to the file in one write. A paper the file or ``library`` has
    already (or one given twice) is refused, and a key the file or ``taken`` (the
    library's keys) has is not given again. Raises CannotAdd when the file is unusable."""
    target = path if isinstance(path, Target) else checked_target(path)
    known = Known(target.path, _papers_in(target), library, taken)
    outcome = Outcome()
    for paper in papers:
        try:
            known.refuse_twice(paper)
        except AlreadyThere as error:
            outcome.refused.append((paper, error))
            continue
        key = known.new_key(paper)
        known.add(paper, key)
        outcome.added.append(Added(target.path, paper, key, None))
    if outcome.added:
        written = _write(target, [(added.paper, added.key) for added in outcome.added])
        outcome.added = [
            Added(written.path, added.paper, added.key, written.backup) for added in outcome.added
        ]
    return outcome


def _write(target: Target, keyed: list[tuple[Paper, str]]) -> Written:
    from paperbrowse.core.formats.export import ExportError, write_export

    entries = [_entry(paper, key, target.fmt) for paper, key in keyed]
    for entry, (paper, _) in zip(entries, keyed, strict=True):
        _check_reads_back(entry, target.fmt, paper)
    text = _with_entries(target, entries)

    def unchanged() -> None:  # (just before the rename: an editor's save is never lost)
        if current_text(target.path) != target.text:
            raise CannotAdd(f"{target.path}: changed while adding; nothing written")

    try:
        return write_export(target.path, text, force=True, before_replacing=unchanged)
    except ExportError as error:
        raise CannotAdd(str(error)) from None


def _papers_in(target: Target) -> list[Paper]:
    from paperbrowse.core.cache import read_cached

    if not target.text.strip("\ufeff \t\r\n"):
        return []
    try:
        return list(read_cached(target.path, dt.date.today()).papers)
    except FormatError as error:
        if not _ANY_ENTRY[target.fmt](target.text):
            return []  # comments only, an empty list: no papers yet
        raise CannotAdd(
            f"{target.path}: cannot read its papers ({error.message}); nothing added"
        ) from None


# Whether a file that read as no papers has entries all the same (then it is refused).
_ANY_ENTRY = {
    "bibtex": lambda text: any(
        line.lstrip().startswith("@")
        and not line.lstrip()[1:].lower().startswith(("comment", "preamble", "string"))
        for line in text.splitlines()
    ),
    "ris": lambda text: "TY  -" in text,
    "jsonl": lambda text: bool(text.strip("\ufeff \t\r\n")),
    "csl-json": lambda text: "{" in text,
}


def _entry(paper: Paper, key: str, fmt: str) -> str:
    if fmt == "bibtex":
        from paperbrowse.core.formats.bibtex_write import bibtex_entry

        return bibtex_entry(paper, key)
    if fmt == "ris":
        from paperbrowse.core.formats.ris import ris_document

        return ris_document([paper], [key])
    if fmt == "jsonl":
        from paperbrowse.core.formats.export import json_record

        return json.dumps(json_record(paper, key), ensure_ascii=False)
    from paperbrowse.core.formats.csljson import csl_item

    return json.dumps(csl_item(paper, key), ensure_ascii=False, indent=2)


def _with_entries(target: Target, entries: list[str]) -> str:
    old = target.text
    newline = "\r\n" if "\r\n" in old else "\n"  # a Windows file stays one
    entries = [entry.strip("\r\n").replace("\n", newline) for entry in entries]
    if target.fmt == "csl-json":
        return _in_list(target, entries, newline)
    text = old
    for entry in entries:
        if text.strip("\ufeff \t\r\n"):
            gap = "" if text.endswith("\n") else newline
            if target.fmt != "jsonl":
                gap += newline  # a blank line between entries, as the writers put them
            text += gap
        text += entry + newline
    return text


def _in_list(target: Target, items: list[str], newline: str) -> str:
    """The CSL-JSON list with the items last, the rest of its text unchanged."""
    old = target.text
    indented = [newline.join("  " + line for line in item.split(newline)) for item in items]
    joined = ("," + newline).join(indented)
    if not old.strip("\ufeff \t\r\n"):
        return old.rstrip() + "[" + newline + joined + newline + "]" + newline
    end = old.rindex("]")
    comma = "," if csl_items(old, target.path) else ""
    return old[:end].rstrip() + comma + newline + joined + newline + old[end:]


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
