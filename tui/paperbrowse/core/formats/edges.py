"""Citation edges as files give them: the works a paper cites, and the works citing it.

Semantic Scholar responses carry ``references`` and ``citations`` (lists of paper
records); CSL-JSON items may carry ``references`` (a list of CSL items, of
Crossref-style ``{"DOI": ..., "article-title": ..., "year": ...}`` objects, or of
text: a DOI, or the ``id`` of another item). Which paper of the library a work is,
if any, is worked out only when asked (``core.citations``): by DOI first, then by
title and year, then by key. So each work is kept on its paper (``Paper.cites``,
``Paper.cited_by``) as no more than what those matches need: three 8-byte digests,
of its DOI (``doi_key``), of its normalised title with its year, and of its key
(all zeros for what it lacks): 24 bytes a work, all of a paper's works in one
``bytes``. A paper citing 15 works holds 360 bytes, not 15 strings (a tenth of the
memory at 71k papers), and the parse cache stores it as it is.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from paperbrowse.core.models import DOI_PREFIX, normalise_title
from paperbrowse.core.text.clean import clean_line

DIGEST = 8  # bytes: two of a million works collide with a chance of one in 37 million
WORK = 3 * DIGEST  # bytes a cited or citing work takes
NOTHING = bytes(DIGEST)
# As BibTeX's ``doi`` is cleaned (formats.bibtex.clean_doi): the prefixes people paste.
_DOI = re.compile(r"^10\.\d{3,}/\S+$")

# Reads one entry of a list of references: its 24 bytes, or None when it names nothing
# (no DOI, title or key). Raises TypeError for an entry of the wrong type.
EntryReader = Callable[[object], "bytes | None"]


def doi_key(doi: str | None) -> str:
    """A DOI as works are matched by it: no URL prefix, lower case (DOIs are
    case-insensitive)."""
    if not doi:
        return ""
    return DOI_PREFIX.sub("", clean_line(doi)).strip().lower()


def looks_like_doi(text: str) -> bool:
    return bool(_DOI.match(doi_key(text)))


def digest(text: str) -> bytes:
    """Eight bytes standing for ``text`` (zeros for no text), the same in every process."""
    if not text:
        return NOTHING
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=DIGEST).digest()


def doi_digest(doi: str | None) -> bytes:
    return digest(doi_key(doi))


def title_digest(normalised_title: str, year: int | None) -> bytes:
    """A title (already ``normalise_title``d) in a year; without a year, the title alone."""
    if not normalised_title:
        return NOTHING
    return digest(f"{normalised_title}|{year if year is not None else ''}")


def key_digest(key: str | None) -> bytes:
    """A citation key or an item's id, in any case."""
    return digest(clean_line(key).casefold() if key else "")


def work(
    doi: str | None = None, title: str | None = None, year: int | None = None, key: str = ""
) -> bytes | None:
    """The 24 bytes of one cited or citing work, or None when nothing identifies it."""
    year = year if isinstance(year, int) and not isinstance(year, bool) else None
    found = doi_digest(doi) + title_digest(normalise_title(title or ""), year) + key_digest(key)
    return None if found == bytes(WORK) else found


def works(data: bytes) -> list[bytes]:
    """A paper's works, 24 bytes each (a torn end, which no reader writes, is dropped)."""
    return [data[start : start + WORK] for start in range(0, len(data) - WORK + 1, WORK)]


def joined(*parts: bytes) -> bytes:
    """The works of several copies of a paper, each once, in the order first seen."""
    return b"".join(dict.fromkeys(each for part in parts for each in works(part)))


def read_references(
    value: object, read_entry: EntryReader, field: str, text_allowed: bool = False
) -> tuple[bytes, str | None]:
    """The works of a ``references``-like field, each once, and a warning when the field
    (or some entry of it) is of the wrong type; the rest is kept.

    ``text_allowed``: a plain string is a note, not a list of works (CSL's own
    ``references`` variable is text), and is passed over without a warning.
    """
    if value is None or (text_allowed and isinstance(value, str)):
        return b"", None
    if not isinstance(value, list):
        return b"", f"{field} is {_kind(value)}, not a list; its citations are not read"
    found: list[bytes] = []
    unreadable = 0
    for entry in value:
        try:
            each = read_entry(entry)
        except (TypeError, ValueError, OverflowError, RecursionError):
            unreadable += 1
            continue
        if each is not None:
            found.append(each)
    problem = None
    if unreadable:
        what = "entry" if unreadable == 1 else "entries"
        problem = f"{unreadable} {field} {what} not readable (not an object or text); skipped"
    return b"".join(dict.fromkeys(found)), problem


def _kind(value: object) -> str:
    kinds = {dict: "an object", str: "text", bool: "true or false", int: "a number"}
    return kinds.get(type(value), "a number" if isinstance(value, float) else "not a list")
