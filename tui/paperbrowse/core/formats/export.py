"""Exporting papers: BibTeX, BibLaTeX, CSL-JSON, paperbrowse JSON, CSV, RIS and a Markdown
reading list. (A reference list in a CSL style is ``core.cite``'s.)

The calls the CLI and the app share:

- ``export_papers(papers, fmt, profile=None, keys=None, tags=None, files=None) -> str``:
  the text of an export (``tags``: each paper's own tags, from the marks store; ``files``:
  each paper's files as found on disk);
- ``write_export(path, text, force=False) -> Written``: write it atomically (a
  temporary file in the same folder, renamed into place); an existing file is
  never replaced unless ``force`` (``ExportExists`` lets the app ask first), and
  then kept as ``NAME.bak`` by the run's first write to it (``core.backups``); only
  regular files are written (through a symbolic link, to its target), never a
  device, pipe or socket;
- ``citekeys(papers)``: unique, stable citation keys, the same in every format;
- ``suggested_path(fmt, folder)``: a new file name to offer (``papers.bib``).
"""

from __future__ import annotations

import csv
import datetime as dt
import errno
import io
import json
import os
import re
import secrets
import shutil
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paperbrowse.core.backups import backup_name, kept_this_run, remember_kept, remember_written
from paperbrowse.core.citekeys import citation_keys
from paperbrowse.core.errors import PaperbrowseError
from paperbrowse.core.formats import Tags, bibtex_write
from paperbrowse.core.models import Paper, Profile, doi_link, foreign_absolute
from paperbrowse.core.text.clean import link_target, markdown_escaped, markdown_linked
from paperbrowse.core.text.counts import counted
from paperbrowse.core.writing import link_new, new_temporary, write_synced

FORMATS = ("bibtex", "biblatex", "csl-json", "json", "csv", "markdown", "ris")
EXTENSIONS = {
    "bibtex": ".bib",
    "biblatex": ".bib",
    "csl-json": ".json",
    "json": ".json",
    "csv": ".csv",
    "markdown": ".md",
    "ris": ".ris",
}
BIBLIOGRAPHY = "bibliography"  # a reference list in a CSL style (``core.cite``), Markdown or HTML
# What a file's name says it holds: the formats written under it (the export dialog asks
# before writing any other), the first the one the name implies (``format_for_path``).
WRITTEN_AS = {
    ".bib": ("bibtex", "biblatex"),
    ".bibtex": ("bibtex", "biblatex"),
    ".ris": ("ris",),
    ".csv": ("csv",),
    ".md": ("markdown", BIBLIOGRAPHY),
    ".markdown": ("markdown", BIBLIOGRAPHY),
    ".json": ("json", "csl-json"),
    ".jsonl": ("json",),
    ".html": (BIBLIOGRAPHY,),
    ".htm": (BIBLIOGRAPHY,),
}
# Names that imply no format: JSON or CSL-JSON; JSON Lines, which no export writes.
_IMPLY_NONE = (".json", ".jsonl")


class ExportError(PaperbrowseError):
    """An export that could not be written; the message is one line for the user."""


class ExportExists(ExportError):
    """The target file exists and overwriting was not asked for."""


def format_for_path(path: str | Path) -> str | None:
    """The format a file name implies (``.bib``, ``.csv``, ``.md``, ``.html`` a reference
    list); None for ``.json`` and names that imply none."""
    suffix = Path(path).suffix.lower()
    formats = WRITTEN_AS.get(suffix)
    return None if formats is None or suffix in _IMPLY_NONE else formats[0]


def suggested_path(fmt: str, folder: str | Path = ".", stem: str = "papers") -> Path:
    """A file name for a new export that does not exist yet: ``papers.bib``, ``papers-2.bib``..."""
    suffix = EXTENSIONS.get(fmt, ".txt")
    base = Path(folder).expanduser()
    candidate = base / f"{stem}{suffix}"
    number = 2
    while candidate.exists():
        candidate = base / f"{stem}-{number}{suffix}"
        number += 1
    return candidate


# --- citation keys ---------------------------------------------------------------------

# The library's keys (``core.citekeys``): the same in every format and in ``paperbrowse cite``.
citekeys = citation_keys


# --- formats -----------------------------------------------------------------------------


def _bibtex(
    papers: Sequence[Paper], keys: list[str], profile: Profile | None, tags: Tags = None
) -> str:
    return bibtex_write.bibtex_document(list(papers), keys, tags)


def _biblatex(
    papers: Sequence[Paper], keys: list[str], profile: Profile | None, tags: Tags = None
) -> str:
    return bibtex_write.biblatex_document(list(papers), keys, tags)


def _ris(
    papers: Sequence[Paper], keys: list[str], profile: Profile | None, tags: Tags = None
) -> str:
    from paperbrowse.core.formats.ris import ris_document

    return ris_document(papers, keys, tags)


def _csl_json(
    papers: Sequence[Paper],
    keys: list[str],
    profile: Profile | None,
    tags: Tags = None,
    cites: Cites = None,
) -> str:
    from paperbrowse.core.formats.csljson import csl_item, csl_reference

    key_of = {paper.id: key for paper, key in zip(papers, keys, strict=True)}
    items = []
    for paper, key in zip(papers, keys, strict=True):
        item = csl_item(paper, key, tags(paper) if tags else ())
        cited = cites(paper) if cites is not None else ()
        if cited:  # only a paper that cites others: no empty lists
            # In ``custom``: CSL's own ``references`` is a string (the schema's).
            works = [csl_reference(work, key_of[work.id]) for work in cited]
            item.setdefault("custom", {})["references"] = works
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def _json(
    papers: Sequence[Paper], keys: list[str], profile: Profile | None, tags: Tags = None
) -> str:
    """Like ``parse --json``: the profile's header (if any), then the papers."""
    header = profile.to_json_dict() if profile else {}
    header["papers"] = [json_record(paper, key) for paper, key in zip(papers, keys, strict=True)]
    return json.dumps(header, ensure_ascii=False, indent=2) + "\n"


def json_record(paper: Paper, key: str) -> dict[str, Any]:
    """One paper as the JSON export and JSON Lines hold it (``parse --json``'s keys)."""
    return paper.to_json_dict() | {"citekey": key}


CSV_COLUMNS = (
    "citekey",
    "title",
    "authors",
    "year",
    "date",
    "venue",
    "doi",
    "url",
    "category",
    "entry_type",
    "abstract",
    "id",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    # A spreadsheet runs a cell starting with "=" as a formula; a leading
    # apostrophe keeps such text (from a file anyone could write) inert.
    return "'" + value if value.startswith(_FORMULA_START) else value


def _csv(
    papers: Sequence[Paper], keys: list[str], profile: Profile | None, tags: Tags = None
) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for paper, key in zip(papers, keys, strict=True):
        row = {
            "citekey": key,
            "title": paper.title,
            "authors": "; ".join(paper.authors) + ("; et al." if paper.et_al else ""),
            "year": str(paper.year or ""),
            "date": paper.date_text(),
            "venue": paper.venue or "",
            "doi": paper.doi or "",
            "url": paper.url or "",
            "category": paper.category or "",
            "entry_type": paper.entry_type or "",
            "abstract": paper.abstract or "",
            "id": paper.id,
        }
        writer.writerow([_cell(row[column]) for column in CSV_COLUMNS])
    return out.getvalue()


def _web_link(paper: Paper) -> str | None:
    """The paper's own web address (URL or DOI); never a ``javascript:`` or ``file:`` one."""
    link = paper.url or (doi_link(paper.doi) if paper.doi else None)
    if not link or not re.match(r"https?://", link, re.I):
        return None
    return link_target(link)


def _markdown(
    papers: Sequence[Paper], keys: list[str], profile: Profile | None, tags: Tags = None
) -> str:
    heading = f"Reading list: {markdown_escaped(profile.name)}" if profile else "Reading list"
    count = counted(len(papers), "paper")
    lines = [f"# {heading}", "", f"{count}, exported {dt.date.today().isoformat()}.", ""]
    for number, (paper, key) in enumerate(zip(papers, keys, strict=True), start=1):
        link = _web_link(paper)
        title = markdown_escaped(paper.title)
        if link:
            title = f"[{title}]({link})"
        date = f" ({paper.date_text()})" if paper.date else ""
        lines.append(f"{number}. **{title}**{date}  ")  # two spaces: a line break
        details = [
            markdown_escaped(paper.authors_text()),
            f"*{markdown_escaped(paper.venue)}*" if paper.venue else "",
            f"`{key}`",
        ]
        lines.append("   " + " · ".join(d for d in details if d))
        if paper.abstract:
            lines.append("")
            for paragraph in paper.abstract.split("\n\n"):
                lines.append(f"   > {markdown_linked(paragraph)}")
                lines.append("   >")
            lines.pop()
        lines.append("")
    return "\n".join(lines)


Writer = Callable[[Sequence[Paper], list[str], Profile | None, Tags], str]
_WRITERS: dict[str, Writer] = {
    "bibtex": _bibtex,
    "biblatex": _biblatex,
    "csl-json": _csl_json,
    "json": _json,
    "csv": _csv,
    "markdown": _markdown,
    "ris": _ris,
}


# The formats that write a paper's files: BibTeX's and BibLaTeX's ``file``, JSON's ``files``,
# RIS's ``L1``, CSL-JSON's ``custom.files``.
WRITES_FILES = frozenset({"bibtex", "biblatex", "json", "ris", "csl-json"})
Files = Callable[[Paper], Sequence[str | Path]] | None
# What a paper cites among the papers exported, and what tells that of some papers
# (``citations.cites_among``: the citations are another package's, above this one).
Cites = Callable[[Paper], Sequence[Paper]] | None
Citations = Callable[[Sequence[Paper]], Callable[[Paper], Sequence[Paper]]] | None


def export_papers(
    papers: Sequence[Paper],
    fmt: str,
    profile: Profile | None = None,
    keys: Sequence[str] | None = None,
    tags: Tags = None,
    files: Files = None,
    citations: Citations = None,
) -> str:
    """The papers in one of ``FORMATS``; ``profile`` heads the JSON and Markdown exports.

    ``keys`` are the papers' keys in their library (``Library.keys``), so a paper keeps its
    key when only some papers are exported; without them, keys are made for these papers.
    ``tags`` gives each paper's tags (the marks store's): BibTeX's and BibLaTeX's
    ``keywords``, RIS's ``KW``, CSL-JSON's ``keyword``, as Zotero writes them.
    ``files`` gives each paper's files as the app finds them (``PdfFinder.files_of``:
    its library's, those attached with ``A``, the PDFs named after it beside the library
    and in the PDF folders), written where a format keeps files (``WRITES_FILES``);
    without it, the library's own. ``citations`` tells what each paper cites among those
    exported (``citations.cites_among``): CSL-JSON writes it (the edges are kept as
    digests, ``formats.edges``: a cited work not exported has nothing left to write)."""
    writer = _WRITERS.get(fmt)
    if writer is None:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if files is not None and fmt in WRITES_FILES:
        papers = [with_files(paper, files(paper)) for paper in papers]
    keys = list(keys) if keys is not None else citekeys(papers)
    if fmt == "csl-json":  # (the one format with a place for citations)
        return _csl_json(papers, keys, profile, tags, citations and citations(papers))
    return writer(papers, keys, profile, tags)


def with_files(paper: Paper, found: Sequence[str | Path]) -> Paper:
    """The paper with ``found`` as its files, each absolute (a Windows path from another
    machine as written): the export finds them wherever it goes."""
    paths = tuple(
        str(path) if foreign_absolute(str(path)) else os.path.abspath(path) for path in found
    )
    return paper if paths == paper.files else paper.model_copy(update={"files": paths})


# --- writing files ---------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    """Where an export went."""

    path: Path  # the regular file that now holds the export
    link: Path | None = None  # the symbolic link the user named, when ``path`` is its target
    backup: Path | None = None  # the replaced file's old content, kept beside it


def write_export(
    path: str | Path,
    text: str,
    force: bool = False,
    before_replacing: Callable[[], None] | None = None,
) -> Written:
    """Write ``text`` to ``path`` atomically; raises ExportExists or ExportError (one line).

    Only a regular file or a new name is ever written: a folder, device, named pipe
    or socket is refused, ``force`` or not. A symbolic link is written through, to
    its target (a dangling link's target is created). A file replaced with
    ``force`` is kept as ``NAME.bak`` beside it, by this run's first write to it only
    (``core.backups``): later ones leave that backup alone. ``before_replacing`` is
    called once the new text is on disk, just before it takes the file's place:
    raising, it stops the write (adding a paper checks that nobody changed the file
    meanwhile).
    """
    if not str(path).strip():
        raise ExportError("give a file name to export to")
    named = Path(path).expanduser()
    target, link = _follow_link(named)
    exists = _check_target(named, target, link, force)
    temporary = _write_temporary(target, text.encode("utf-8"))
    try:
        if before_replacing is not None:
            before_replacing()
        backup = _move_into_place(temporary, target, exists)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return Written(target, link, backup)


def _follow_link(named: Path) -> tuple[Path, Path | None]:
    """The file a name stands for: itself, or the end of its chain of symbolic links."""
    if not named.is_symlink():
        return named, None
    target = Path(os.path.realpath(named))
    if target.is_symlink():  # realpath stops where links go round in a circle
        raise ExportError(f"{named}: symbolic link loop; give another file name")
    return target, named


def _kind(mode: int) -> str:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _check_target(named: Path, target: Path, link: Path | None, force: bool) -> bool:
    """Whether the target exists (a regular file); raises when it must not be written."""
    try:
        mode = os.stat(target).st_mode
    except OSError:  # a new file, or a folder that is not there: the write says which
        return False
    if stat.S_ISDIR(mode):
        raise ExportError(f"{named}: is a folder; give a file name")
    if not stat.S_ISREG(mode):
        # --force or not: replacing /dev/full or a FIFO with a text file is never meant.
        raise ExportError(f"{target}: is {_kind(mode)}; export writes only to files")
    if not force:
        raise _exists(named, target, link)
    return True


def _exists(named: Path, target: Path, link: Path | None) -> ExportExists:
    through = f" (a link to {target})" if link else ""
    return ExportExists(f"{named}: already exists{through}; use --force to overwrite it")


def _folder_error(folder: Path, error: OSError) -> ExportError:
    reasons = {
        errno.ENOENT: "no such folder",
        errno.ENOTDIR: "not a folder",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EROFS: "read-only file system",
        errno.ENOSPC: "no space left on the disk",
    }
    reason = reasons.get(error.errno or 0, error.strerror or str(error))
    return ExportError(f"{folder}: cannot write here ({reason})")


def _write_temporary(target: Path, data: bytes) -> Path:
    folder = target.parent
    try:
        # 0o666 less the umask, as for any new file; an overwritten file keeps its mode.
        handle, temporary = new_temporary(target)
    except OSError as error:
        raise _folder_error(folder, error) from None
    try:
        write_synced(handle, data)
        if target.exists():
            os.chmod(temporary, target.stat().st_mode & 0o7777)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise _folder_error(folder, error) from None
    return temporary


def _move_into_place(temporary: Path, target: Path, exists: bool) -> Path | None:
    """Rename the finished file onto the target; returns the backup of a replaced file."""
    try:
        if exists:
            backup = _keep_backup(target)
            os.replace(temporary, target)
            remember_written(target)
            return backup
        try:
            link_new(temporary, target)  # never over a file that appeared meanwhile
        except FileExistsError:
            raise _exists(target, target, None) from None
        remember_written(target)
        return None
    except ExportError:
        raise
    except OSError as error:
        raise _folder_error(target.parent, error) from None


def _keep_backup(target: Path) -> Path:
    """Keep the file about to be replaced as ``NAME.bak``, once per run (``core.backups``):
    a backup this run kept is left alone while the file is as this run wrote it, so it
    holds the file as it was before the run's first write to it; a backup from an earlier
    run, or of a file changed since this run wrote it, is replaced."""
    backup = backup_name(target)
    if kept_this_run(target):
        return backup
    staging = target.with_name(f".{target.name}.{secrets.token_hex(4)}.bak")
    try:
        try:
            os.link(target, staging)  # the old content under a second name, nothing copied
        except OSError:  # a file system without hard links
            shutil.copy2(target, staging)
        os.replace(staging, backup)
    except OSError as error:
        staging.unlink(missing_ok=True)
        reason = error.strerror or str(error)
        raise ExportError(
            f"{target}: not replaced: cannot keep the old file as {backup} ({reason})"
        ) from None
    remember_kept(target)
    return backup
