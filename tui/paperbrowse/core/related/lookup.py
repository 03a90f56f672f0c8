"""One paper of a library named as a user would name it: its id, its DOI or its citation key."""

from __future__ import annotations

from typing import TYPE_CHECKING

from paperbrowse.core.formats.bibtex import clean_doi

if TYPE_CHECKING:
    from paperbrowse.core.library import Library
    from paperbrowse.core.models import Paper


def find_paper(library: Library, name: str) -> Paper | None:
    """The paper whose id, DOI (bare, ``doi:`` or ``https://doi.org/...``; any case) or
    citation key in this library is ``name``; None when no paper has it."""
    wanted = name.strip()
    if not wanted:
        return None
    for paper in library.papers:
        if paper.id == wanted:
            return paper
    doi = (clean_doi(wanted) or "").casefold()
    if doi:
        for paper in library.papers:
            if paper.doi and paper.doi.casefold() == doi:
                return paper
    found, _ = library.with_keys([wanted])
    return found[0] if found else None
