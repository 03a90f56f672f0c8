"""One paper seen twice (the same DOI, or the same title and year) becomes one paper.

The first copy keeps its id and its text; fields it lacks are taken from the
later copies, the citations of all copies are kept, and every place the paper
was read is listed in ``sources``.
Two copies with different DOIs, or whose first authors' surnames differ, are
different papers however alike their titles ("Introduction", 2019).
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from paperbrowse.core.formats.edges import joined
from paperbrowse.core.models import Paper, SourceRef, fold, normalise_title

_FILLABLE = (
    "abstract",
    "venue",
    "doi",
    "url",
    "volume",
    "issue",
    "pages",
    "editors",
    "publisher",
    "publisher_place",
    "citekey",
    "entry_type",
    "category",
)


def _surname(paper: Paper) -> str | None:
    if not paper.authors:
        return None
    words = paper.authors[0].split()
    return fold(words[-1]).strip(".") if words else None


def _compatible(kept: Paper, other: Paper) -> bool:
    if kept.doi and other.doi and kept.doi.lower() != other.doi.lower():
        return False
    first, second = _surname(kept), _surname(other)
    return first is None or second is None or first == second


def seen_in(paper: Paper) -> tuple[SourceRef, ...]:
    """Every place the paper was read."""
    if paper.sources:
        return paper.sources
    return (paper.source,) if paper.source else ()


def combine(kept: Paper, other: Paper) -> Paper:
    """``kept`` with the gaps filled from ``other`` and both sources listed."""
    update: dict[str, object] = {
        name: getattr(other, name)
        for name in _FILLABLE
        if not getattr(kept, name) and getattr(other, name)
    }
    if not kept.authors and other.authors:
        update["authors"], update["et_al"] = other.authors, other.et_al
    if kept.date is None and other.date is not None:
        update["date"], update["date_precision"] = other.date, other.date_precision
    links = tuple(dict.fromkeys(kept.links + other.links))
    if links != kept.links:
        update["links"] = links
    files = tuple(dict.fromkeys(kept.files + _anchored_files(other, kept)))
    if files != kept.files:
        update["files"] = files
    if other.has_code and not kept.has_code:
        update["has_code"] = True
    for edges in ("cites", "cited_by"):  # what either copy cites, or is cited by
        if getattr(other, edges):
            update[edges] = joined(getattr(kept, edges), getattr(other, edges))
    update["sources"] = tuple(dict.fromkeys(seen_in(kept) + seen_in(other)))
    return kept.model_copy(update=update)


def _anchored_files(other: Paper, kept: Paper) -> tuple[str, ...]:
    """``other``'s files, those relative to its own library's folder made absolute when
    ``kept`` was read from another folder (relative paths are resolved against the
    first source's folder, ``core.pdf.locate``)."""
    if other.source is None or not other.files:
        return other.files
    folder = os.path.dirname(other.source.file)
    if kept.source is not None and os.path.dirname(kept.source.file) == folder:
        return other.files
    return tuple(
        path if os.path.isabs(os.path.expanduser(path)) else os.path.join(folder, path)
        for path in other.files
    )


def merge_duplicates(papers: Iterable[Paper]) -> list[Paper]:
    """The papers with duplicates merged into their first copy, in first-seen order."""
    merged: list[Paper] = []
    by_doi: dict[str, int] = {}
    by_title: dict[tuple[str, int | None], int] = {}
    for paper in papers:
        doi = paper.doi.lower() if paper.doi else None
        title = (normalise_title(paper.title), paper.year)
        index = by_doi.get(doi) if doi else None
        if index is None and title[0]:
            index = by_title.get(title)
        if index is not None and not _compatible(merged[index], paper):
            index = None
        if index is None:
            index = len(merged)
            merged.append(paper)
        else:
            merged[index] = combine(merged[index], paper)
        if doi:
            by_doi.setdefault(doi, index)
        if title[0]:
            by_title.setdefault(title, index)
    return merged
