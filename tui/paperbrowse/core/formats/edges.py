"""Citation edges as files give them: the works a paper cites, and the works citing it.

Semantic Scholar responses carry ``references`` and ``citations`` (lists of paper
records); CSL-JSON items may carry ``references`` (a list of CSL items, of
Crossref-style ``{"DOI": ..., "article-title": ..., "year": ...}`` objects, or of
text: a DOI, or the ``id`` of another item). Each cited or citing work becomes one
compact reference string on the paper (``Paper.cites``, ``Paper.cited_by``): what
can identify it (DOI, title and year, the key) and nothing else. Which paper of
the library it is, if any, is worked out only when asked (``core.citations``), by
DOI first, then by title and year.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from paperbrowse.core.models import normalise_title
from paperbrowse.core.text.clean import clean_line

SEPARATOR = "\x1f"  # a control character: cleaned text never holds one
# As BibTeX's ``doi`` is cleaned (formats.bibtex.clean_doi): the prefixes people paste.
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_DOI = re.compile(r"^10\.\d{3,}/\S+$")

# Reads one entry of a list of references: its reference string, or None when it names
# nothing (no DOI, title or key). Raises TypeError for an entry of the wrong type.
EntryReader = Callable[[object], "str | None"]


@dataclass(frozen=True)
class Reference:
    """What identifies a cited or citing work: any of these may be empty."""

    doi: str  # lower case, no ``https://doi.org/``
    title: str  # normalised (``models.normalise_title``)
    year: int | None
    key: str  # an item's ``id`` or citation key, as written


def doi_key(doi: str | None) -> str:
    """A DOI as references are matched by it: no URL prefix, lower case (DOIs are
    case-insensitive)."""
    if not doi:
        return ""
    return _DOI_PREFIX.sub("", clean_line(doi)).strip().lower()


def looks_like_doi(text: str) -> bool:
    return bool(_DOI.match(doi_key(text)))


def reference(
    doi: str | None = None, title: str | None = None, year: int | None = None, key: str = ""
) -> str | None:
    """The compact string for one work, or None when nothing identifies it."""
    parts = (doi_key(doi), normalise_title(title or ""), clean_line(key))
    if not any(parts):
        return None
    doi_part, title_part, key_part = (part.replace(SEPARATOR, " ") for part in parts)
    year_part = str(year) if isinstance(year, int) and not isinstance(year, bool) else ""
    return SEPARATOR.join((doi_part, title_part, year_part, key_part))


def decode(text: str) -> Reference:
    """A reference string back into its parts (a damaged one names nothing)."""
    parts = [*text.split(SEPARATOR), "", "", "", ""][:4]
    year = int(parts[2]) if parts[2].isdecimal() and len(parts[2]) <= 4 else None
    return Reference(parts[0], parts[1], year, parts[3])


def read_references(
    value: object, read_entry: EntryReader, field: str, text_allowed: bool = False
) -> tuple[tuple[str, ...], str | None]:
    """The reference strings of a ``references``-like field, each once, and a warning
    when the field (or some entry of it) is of the wrong type; the rest is kept.

    ``text_allowed``: a plain string is a note, not a list of works (CSL's own
    ``references`` variable is text), and is passed over without a warning.
    """
    if value is None or (text_allowed and isinstance(value, str)):
        return (), None
    if not isinstance(value, list):
        return (), f"{field} is {_kind(value)}, not a list; its citations are not read"
    found: list[str] = []
    unreadable = 0
    for entry in value:
        try:
            text = read_entry(entry)
        except (TypeError, ValueError, OverflowError, RecursionError):
            unreadable += 1
            continue
        if text is not None:
            found.append(text)
    problem = None
    if unreadable:
        what = "entry" if unreadable == 1 else "entries"
        problem = f"{unreadable} {field} {what} not readable (not an object or text); skipped"
    return tuple(dict.fromkeys(found)), problem


def _kind(value: object) -> str:
    kinds = {dict: "an object", str: "text", bool: "true or false", int: "a number"}
    return kinds.get(type(value), "a number" if isinstance(value, float) else "not a list")
