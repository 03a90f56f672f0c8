"""What a paper added must not repeat: a paper the file or the library has (by the rule
duplicates are merged by, ``merge.copy_of``, or the same arXiv id), and a citation key
either has.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from paperbrowse.core.errors import PaperbrowseError
from paperbrowse.core.lookup.identifiers import ARXIV_ID, canonical_arxiv_id
from paperbrowse.core.models import Paper


class AlreadyThere(PaperbrowseError):
    """The file, or the library, has this paper already."""


# arXiv's id in a link, its own DOI, or the venue a look-up gives (``arxiv.py``).
_ARXIV_ID = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf|html)/|10\.48550/arxiv\.|arxiv preprint arxiv:)" + ARXIV_ID,
    re.IGNORECASE,
)


def arxiv_id(paper: Paper) -> str | None:
    """The paper's arXiv id, as its link, DOI or venue give it (``astro-ph/0601001``)."""
    for text in (paper.url, paper.doi, paper.venue, *paper.links):
        found = _ARXIV_ID.search(text or "")
        if found:
            return canonical_arxiv_id(found.group(1)).lower()
    return None


class Known:
    """The papers and keys of the file and the library, and of the papers added so far in
    one write."""

    def __init__(
        self, path: Path, in_file: list[Paper], library: Sequence[Paper], taken: Iterable[str]
    ) -> None:
        from paperbrowse.core.citekeys import citation_keys

        self.path = path
        self.in_file = list(in_file)
        self.library = library
        keys = citation_keys(in_file) if in_file else []
        self.keys = {key.casefold() for key in (*keys, *taken)}  # (as BibTeX compares)

    def refuse_twice(self, paper: Paper) -> None:
        """Raises AlreadyThere, naming where the paper is."""
        other = copy_in(paper, self.in_file)
        if other is not None:
            raise AlreadyThere(f"{self.path} has this paper already{_line(other)}: {other.title}")
        other = copy_in(paper, self.library)
        if other is not None:
            where = other.source.file if other.source else "another file"
            raise AlreadyThere(
                f"The library has this paper already, in {where}{_line(other)}: {other.title}"
            )

    def new_key(self, paper: Paper) -> str:
        """The paper's own key (a pasted BibTeX entry's: the one the user cites it by), else
        Better BibTeX's (``base_key``), then ``a``, ``b``... while it is taken."""
        from paperbrowse.core.citekeys import base_key, key_suffix

        base = key = paper.citekey or base_key(paper.model_copy(update={"citekey": None}))
        number = 0
        while key.casefold() in self.keys:
            key = f"{base}{key_suffix(number)}"
            number += 1
        return key

    def add(self, paper: Paper, key: str) -> None:
        self.in_file.append(paper.model_copy(update={"citekey": key}))
        self.keys.add(key.casefold())


def copy_in(paper: Paper, papers: Sequence[Paper]) -> Paper | None:
    """The paper of ``papers`` that ``paper`` is a copy of, if one is (the app also says
    so as soon as a paper is looked up)."""
    from paperbrowse.core.merge import copy_of
    from paperbrowse.core.store import field_values

    if not papers:
        return None
    wanted = arxiv_id(paper)
    # A preprint and its journal version are a year apart as often as not (as Zotero's
    # duplicate check allows).
    at = copy_of(paper, papers, years_apart=1 if wanted else 0)
    if at is None and wanted:
        # A preprint's entry may carry a later version's year and no DOI: its id says,
        # in its link, its venue (Google Scholar's) or arXiv's DOI.
        number = wanted.rsplit("/", 1)[-1]
        for name in ("url", "venue", "doi"):
            at = next(
                (
                    position
                    for position, text in enumerate(field_values(papers, name))
                    if text and number in text and arxiv_id(papers[position]) == wanted
                ),
                None,
            )
            if at is not None:
                break
    return papers[at] if at is not None else None


def _line(paper: Paper) -> str:
    return f" (line {paper.source.line})" if paper.source and paper.source.line else ""
