"""The file a paper is added to: which files can take one, and the checks made before it
is written (what kind it is, that the user may write it, that its text is UTF-8 and its
last entry closed).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from paperbrowse.core.errors import PaperbrowseError

# The formats a paper can be added to, by the file's suffix (``formats.SUFFIXES``).
ADDABLE = {".bib": "bibtex", ".bibtex": "bibtex", ".ris": "ris", ".jsonl": "jsonl",
           ".ndjson": "jsonl", ".json": "csl-json"}  # fmt: skip
ADDABLE_NAMES = "a BibTeX (.bib), RIS (.ris), JSON Lines (.jsonl) or CSL-JSON (.json) file"
_PREFERRED = ("bibtex", "jsonl", "csl-json", "ris")  # the file the app offers first


class CannotAdd(PaperbrowseError):
    """The paper was not added; the message is one line for the user."""


@dataclass(frozen=True)
class Target:
    path: Path  # absolute, as the user named it (a symbolic link is written through)
    fmt: str  # one of ADDABLE's values
    text: str  # the file's text now ("" for a new file), its byte-order mark kept


def checked_target(path: str | Path) -> Target:
    """The file ``path`` names, checked before anything is looked up or written; raises
    CannotAdd with the reason."""
    if not str(path).strip():
        raise CannotAdd("give a file name to add to")
    try:
        named = Path(path).expanduser().absolute()  # (messages name it wherever read)
    except RuntimeError as error:  # "~nobody/x": no such user
        raise CannotAdd(f"{path}: {error}") from None
    fmt = ADDABLE.get(named.suffix.lower())
    if fmt is None:
        raise CannotAdd(f"{named}: papers are added to {ADDABLE_NAMES}")
    if not writable(Path(os.path.realpath(named))):
        # Replaced through its folder, it would lose its mode (another user's file would
        # become this user's): refused.
        raise CannotAdd(f"{named}: read-only for you; nothing added")
    text = current_text(named)
    if fmt == "csl-json":
        csl_items(text, named)
    _check_closed(text, fmt, named)
    return Target(named, fmt, text)


def writable(path: Path) -> bool:
    """Whether the user may write the file (a new one: yes). A file made read-only for
    everyone (``chmod a-w``) counts as read-only for root too, who may write anything."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return True  # a new file; its folder's rights are checked when it is written
    except OSError:
        return False  # not even looked at (a folder on the way that may not be entered)
    return os.access(path, os.W_OK) and bool(mode & 0o222)


def current_text(path: Path) -> str:
    """The file's text ("" when there is no file); raises CannotAdd when it is no file,
    cannot be read, or is not UTF-8 (written back, its other bytes would change)."""
    try:
        if not path.exists():
            return ""
        if not path.is_file():
            raise CannotAdd(f"{path}: not a file")
        data = path.read_bytes()
    except OSError as error:
        raise CannotAdd(f"{path}: cannot read it ({error.strerror or error})") from None
    try:
        return data.decode("utf-8")  # a byte-order mark kept as a character: written back
    except UnicodeDecodeError:
        raise CannotAdd(
            f"{path}: not UTF-8 text; papers are added to UTF-8 files only: convert it to UTF-8"
            " first (iconv -f windows-1252 -t utf-8 OLD > NEW, for a Windows file) or name"
            " another file"
        ) from None


def csl_items(text: str, path: Path) -> int:
    """How many items the CSL-JSON list ``text`` holds; raises CannotAdd if it is none."""
    body = text.strip().lstrip("\ufeff")
    if not body:
        return 0
    try:
        items = json.loads(body)
    except ValueError:
        items = None
    if not isinstance(items, list):
        raise CannotAdd(f"{path}: papers are added to a .json file holding a CSL-JSON list")
    return len(items)


def _check_closed(text: str, fmt: str, path: Path) -> None:
    """Refuse a file whose last entry is left open: the new one would be read as part of
    it. In BibTeX, braces outside entries (a stray ``}``, a comment's ``{``) are ignored,
    as BibTeX ignores all text between entries; in RIS, a record ends at ``ER  -``."""
    start = _open_bibtex_entry(text) if fmt == "bibtex" else None
    if fmt == "ris":
        records = list(_RIS_TAG.finditer(text))
        if records and records[-1].group(1) == "TY":
            start = records[-1].start()
    if start is not None:
        line = text.count("\n", 0, start) + 1
        raise CannotAdd(f"{path}: the entry at line {line} is never closed; fix it first")


def _open_bibtex_entry(text: str) -> int | None:
    depth, start = 0, 0
    for match in _BIB_TOKEN.finditer(text):
        token = match.group()
        if depth == 0:
            if token.startswith("@"):
                depth, start = 1, match.start()
            continue
        depth += -1 if token == "}" else 1  # (an "@x{" inside an entry opens a brace too)
    return start if depth > 0 else None


_BIB_TOKEN = re.compile(r"@\s*\w+\s*\{|(?<!\\)[{}]")
_RIS_TAG = re.compile(r"^(TY|ER)  -", re.MULTILINE)


def addable_sources(sources: Sequence[str | Path]) -> tuple[list[Path], str]:
    """A library's files a paper can be added to (its folders' too): BibTeX first, then
    JSON Lines, CSL-JSON and RIS, each kind in the library's order; and, when there are
    none, why ("" for a library of no file of the user's: the bundled profile)."""
    from paperbrowse.core.library import expand_paths

    files, _ = expand_paths(sources)
    kinds = {path: ADDABLE.get(path.suffix.lower()) for path in files}
    usable = [
        path
        for path, kind in kinds.items()
        if kind
        and writable(path)
        and os.access(path.parent, os.W_OK)  # (replaced through its folder, kept as .bak)
        and (kind != "csl-json" or _a_list(path))
    ]
    usable.sort(key=lambda path: _PREFERRED.index(ADDABLE[path.suffix.lower()]))
    if usable or not sources:
        return usable, ""
    if any(kind and not writable(path) for path, kind in kinds.items()):
        return usable, "the library's files are read-only for you"
    return usable, "the library has no .bib, .ris, .jsonl or CSL-JSON file you may write"


def _a_list(path: Path) -> bool:
    """Whether a .json file starts as a list does (a CSL-JSON file; not a paperbrowse JSON
    document or a Semantic Scholar answer)."""
    try:
        with path.open("rb") as stream:
            head = stream.read(4096)
    except OSError:
        return False
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"[")
