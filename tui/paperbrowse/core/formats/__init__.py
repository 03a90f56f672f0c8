"""Importers: each turns one file's text into papers (and perhaps a profile).

``read_file`` picks the importer by extension, then by content, so a
mis-named file still opens. Each importer has the signature of ``Importer``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from paperbrowse.core.errors import FormatError, Problem
from paperbrowse.core.files import read_text
from paperbrowse.core.models import Paper, Profile


@dataclass
class ImportResult:
    """What one file gave: its papers, its profile if it is one, and the problems met."""

    papers: list[Paper] = field(default_factory=list)
    profile: Profile | None = None
    problems: list[Problem] = field(default_factory=list)


Importer = Callable[[str, str, dt.date], ImportResult]


def _profile(text: str, file: str, as_of: dt.date) -> ImportResult:
    from paperbrowse.core.profile import parse_profile_text

    result = parse_profile_text(text, file, as_of)
    return ImportResult(list(result.profile.papers), result.profile, result.problems)


def _jsonl(text: str, file: str, as_of: dt.date) -> ImportResult:
    from paperbrowse.core.formats.jsonl import parse_jsonl

    return parse_jsonl(text, file)


# Suffix -> importer name. Folders are read for these suffixes.
SUFFIXES: dict[str, str] = {
    ".txt": "profile",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
IMPORTERS: dict[str, Importer] = {
    "profile": _profile,
    "jsonl": _jsonl,
}


def sniff(text: str) -> str | None:
    """The importer name that the content suggests, or None."""
    head = text.lstrip("\ufeff \t\r\n")[:2000]
    if head.startswith("{") and "\n{" in text[:200000]:
        return "jsonl"
    if head.startswith("{"):
        return "jsonl"
    from paperbrowse.core.profile import looks_like_profile

    if looks_like_profile(text):
        return "profile"
    return None


def read_file(path: Path, as_of: dt.date) -> ImportResult:
    """Import one file. Raises FormatError when nothing in it can be used."""
    text, problems = read_text(path)
    name = SUFFIXES.get(path.suffix.lower()) or sniff(text)
    if name is None:
        raise FormatError(
            str(path),
            "unknown format; paperbrowse reads profiles (.txt) and JSON Lines (.jsonl)",
        )
    result = IMPORTERS[name](text, str(path), as_of)
    result.problems[:0] = problems
    return result
