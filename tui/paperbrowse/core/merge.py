"""One paper seen twice (the same DOI, or the same title and year) becomes one paper.

The first copy keeps its id and its text; fields it lacks are taken from the
later copies, the citations of all copies are kept, and every place the paper
was read is listed in ``sources``.
Two copies with different DOIs, or whose first authors' surnames differ, are
different papers however alike their titles ("Introduction", 2019); such papers, kept
apart, get ids of their own (``_distinct_ids``). ``read_merged`` reads a file so, for the
parse cache.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import itertools
import operator
import os
from collections import Counter
from collections.abc import MutableSequence, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from paperbrowse.core.errors import Problem
from paperbrowse.core.formats.edges import joined
from paperbrowse.core.models import (
    Paper,
    SourceRef,
    compatible,
    first_surname,
    normalise_title,
    paper_id,
)
from paperbrowse.core.rows import paper_row
from paperbrowse.core.store import PaperStore, field_values, title_keys, value_at, years_of

if TYPE_CHECKING:
    from paperbrowse.core.formats import ImportResult, TextProgress

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
    # (whose names they are, of either copy's; kept's first: ``Paper.family_of`` reads the
    # first family name given a name)
    forms = tuple(dict.fromkeys(kept.name_forms + other.name_forms))
    if forms != kept.name_forms:
        update["name_forms"] = forms
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
    return other.anchored_files()


def merge_duplicates(papers: Sequence[Paper]) -> MutableSequence[Paper]:
    """The papers with duplicates merged into their first copy, in first-seen order.

    Read from the papers' fields (``core.store.field_values``): of a store's rows, only the
    copies merged become papers; the others stay rows, and a store comes back. Only the
    papers sharing a DOI or a title and year with another are looked at one by one: the
    rest (nearly all) can neither find a copy nor be found."""
    dois = field_values(papers, "doi")
    titles = title_keys(papers)
    years = years_of(papers)
    looked_at = _sharing(dois, titles, years)
    firsts, combined = _merged(papers, looked_at, dois, titles, years)
    untitled = [
        position
        for position in itertools.compress(range(len(titles)), map(operator.not_, titles))
        if not dois[position]
    ]
    given_twice = _ids_given_twice(field_values(papers, "id"), looked_at)
    _distinct_ids(papers, sorted({*firsts, *untitled, *given_twice}), combined)
    dropped = set(looked_at).difference(firsts)
    _front_matter_ids(papers, titles, dois, combined, dropped)
    kept = list(itertools.filterfalse(dropped.__contains__, range(len(papers))))
    merged = _chosen(papers, kept, combined)
    if isinstance(merged, PaperStore):  # a merged paper keeps its first copy's title
        merged.title_keys = [titles[position] for position in kept]
    return merged


def _sharing(dois: list[str | None], titles: list[str], years: list[int | None]) -> list[int]:
    """The positions, in order, of the papers whose DOI (in any case), or title and year,
    another paper has too: the only ones that may merge."""
    pairs = list(zip(titles, years, strict=True))
    twice = {pair for pair, count in Counter(pairs).items() if count > 1 and pair[0]}
    sharing = set(itertools.compress(range(len(pairs)), map(twice.__contains__, pairs)))
    with_doi = [(position, doi.lower()) for position, doi in enumerate(dois) if doi]
    doi_twice = {doi for doi, count in Counter(doi for _, doi in with_doi).items() if count > 1}
    sharing.update(position for position, doi in with_doi if doi in doi_twice)
    return sorted(sharing)


def _merged(
    papers: Sequence[Paper],
    positions: list[int],
    dois: list[str | None],
    titles: list[str],
    years: list[int | None],
) -> tuple[list[int], dict[int, Paper]]:
    """Of these papers, in order: the positions of first copies, and the papers made of
    several copies, by their first copy's position."""
    firsts: list[int] = []  # each merged paper's first copy, by its number here
    combined: dict[int, Paper] = {}
    by_doi: dict[str, int] = {}
    by_title: dict[tuple[str, int | None], int] = {}
    entries: list[set[Entry]] = []  # each merged paper's copies' (file, citation key)
    by_entry: dict[tuple[Entry, tuple[str, int | None]], int] = {}  # ... with title and year

    def identity(number: int) -> tuple[str | None, str | None]:
        first = firsts[number]
        if first in combined:
            return combined[first].doi, first_surname(combined[first].authors)
        return dois[first], first_surname(papers[first].authors)

    for position in positions:
        raw_doi = dois[position]
        doi = raw_doi.lower() if raw_doi else None
        title = (titles[position], years[position])
        entry = _entry(papers, position)
        index = by_doi.get(doi) if doi else None
        if index is None and title[0]:
            index = by_title.get(title)
            if index is not None and entry is not None and another_entry(entries[index], entry):
                index = by_entry.get((entry, title))  # (the same entry written twice, if any)
        if index is not None and not compatible(
            identity(index), (raw_doi, first_surname(papers[position].authors))
        ):
            index = None
        if index is None:
            index = len(firsts)
            firsts.append(position)
            entries.append(set())
        else:
            first = firsts[index]
            combined[first] = combine(combined.get(first) or papers[first], papers[position])
        if entry is not None:
            entries[index].add(entry)
            by_entry.setdefault((entry, title), index)
        if doi:
            by_doi.setdefault(doi, index)
        if title[0]:
            by_title.setdefault(title, index)
    return firsts, combined


Entry = tuple[str, str]  # a copy's file and citation key


def _entry(papers: Sequence[Paper], position: int) -> Entry | None:
    """The file a paper was read from and the citation key it has there, when it has one."""
    key = value_at(papers, position, "citekey")
    source = value_at(papers, position, "source") if key else None
    return (source.file, key) if source is not None else None


def another_entry(entries: set[Entry], entry: Entry) -> bool:
    """Whether ``entry`` is one of the same file as a paper's copies, under another citation
    key: a file's own two entries, which one title and year do not make one paper (the
    ACL Anthology's W19-3653 and W19-4824, two workshops, a DOI on one alone; a journal's and its
    conference's version; a year's "Advertisements"): merged, one key was lost (``key:``,
    ``cite -k``) and the two venues and DOIs mixed. Two with one key are one paper
    written twice; one DOI, one paper, whatever the keys."""
    file, key = entry
    return any(other_file == file and other_key != key for other_file, other_key in entries)


def _distinct_ids(
    papers: Sequence[Paper], positions: list[int], combined: dict[int, Paper]
) -> None:
    """An id of its own for each paper kept apart from another with the same id.

    Ids come from the DOI, else the title and year (``models.paper_id``). So two papers
    kept apart had one id: the same DOI on papers by different authors (a file's mistake:
    the ACL Anthology's W18-6482 carries W18-6481's), or two "Introduction"s of 2019; and
    an id a file gives (JSON Lines may) can be on two lines of different papers. Their
    marks, notes and tags were then both papers'. One keeps the id, and what was marked on
    it, whatever the order of the lines or the files (``_claim``); the others get an id
    made from their title and first author too, the same on every open. ``positions``, in
    order: the papers that can share an id, those kept among the papers sharing a DOI, or
    a title and year, those with neither a DOI nor a title, and those whose id another
    has. ``combined`` takes the renamed papers.
    """
    sharing: dict[str, list[int]] = {}
    for position in positions:
        sharing.setdefault(value_at(papers, position, "id"), []).append(position)
    taken = set(sharing)
    for shared_id, group in sharing.items():
        if len(group) == 1:
            continue
        members = [(combined.get(position) or papers[position], position) for position in group]
        members.sort(key=lambda member: _claim(member[0], shared_id))
        for paper, position in members[1:]:
            own_id = _own_id(paper, taken)
            combined[position] = paper.model_copy(update={"id": own_id})
            taken.add(own_id)


# Titles that say nothing of which paper they are (a proceedings' front matter, a journal's
# notes), as ``normalise_title`` gives them.
FRONT_MATTER_TITLES = frozenset(
    [
        "preface",
        "foreword",
        "introduction",
        "editorial",
        "guest editorial",
        "editorial note",
        "editors note",
        "letter from the editor",
        "from the editor",
        "keynote",
        "keynote address",
        "keynote talk",
        "invited talk",
        "front matter",
        "frontmatter",
        "back matter",
        "author index",
        "index",
        "table of contents",
        "contents",
        "erratum",
        "errata",
        "corrigendum",
        "acknowledgments",
        "acknowledgements",
        "advertisements",
        "panel discussion",
        "book review",
        "book reviews",
        "obituary",
        "welcome",
        "welcome message",
        "program committee",
        "organizing committee",
        "committees",
        "conference program",
        "proceedings",
        "abstracts",
        "reviewers",
    ]
)


# And numbered, as a proceedings numbers its keynotes: "keynote 2".
_FRONT_MATTER = FRONT_MATTER_TITLES | {
    f"{title} {number}" for title in FRONT_MATTER_TITLES for number in range(1, 21)
}


def _front_matter_ids(
    papers: Sequence[Paper],
    titles: list[str],
    dois: list[str | None],
    combined: dict[int, Paper],
    dropped: set[int],
) -> None:
    """An id from its title, year, first author or editor and venue for each paper with no
    DOI whose title is front matter's (``FRONT_MATTER_TITLES``): from its title and year
    alone, every library's "Preface" was one paper to the marks, bookmarks and tags of
    one shown on all. Its citation key too: a file's two "Advertisements" of one year and
    journal are two. The same on every open (``combined`` takes the renamed papers; those
    ``dropped``, merged into another, are left alone)."""
    given: set[str] = set()
    # (The titles looked at in C: 0.05 s for a million, measured here.)
    fronts = itertools.compress(range(len(titles)), map(_FRONT_MATTER.__contains__, titles))
    for position in fronts:
        if dois[position] or position in dropped:  # (a copy merged: its first is renamed)
            continue
        title = titles[position]
        paper = combined.get(position) or papers[position]
        people = first_surname(paper.authors or paper.editors) or ""
        venue = normalise_title(paper.venue or "")
        key = f"front:{title}|{paper.year or ''}|{people}|{venue}|{paper.citekey or ''}"
        own = _unused_id(key, given)  # (a library's own twins, alike in all of it)
        given.add(own)
        if paper.id != own:
            combined[position] = paper.model_copy(update={"id": own})


def _claim(paper: Paper, shared_id: str) -> tuple[bool, str, str, str, str]:
    """How strong a paper's claim to an id it shares is, strongest first: the paper whose
    own id (from its DOI, else its title and year) it is, else the smallest own id. Never
    which came first: reordering a file, or opening another before it, moved the id, and
    the marks kept under it, to the other paper. (Last, the citation key: a file's two
    entries of one title, year and first author differ in nothing else.)"""
    own = paper_id(paper.title, paper.year, paper.doi)
    return own != shared_id, own, _identity(paper), paper.doi or "", paper.citekey or ""


def _identity(paper: Paper) -> str:
    """What tells apart papers kept apart though they had one id (``_own_id`` hashes it)."""
    surname = first_surname(paper.authors) or ""
    return f"{paper.id}|{normalise_title(paper.title)}|{surname}|{paper.year}"


def _ids_given_twice(ids: list[str], looked_at: list[int]) -> list[int]:
    """The positions, not among ``looked_at`` (those sharing a DOI or a title and year,
    whose ids are seen to already), of the papers whose id another paper has: an id a
    file gave to two papers."""
    counts = Counter(ids)
    if len(counts) == len(ids):
        return []
    shared = {paper_id for paper_id, count in counts.items() if count > 1}
    looked = set(looked_at)
    return [
        position
        for position, paper_id in enumerate(ids)
        if paper_id in shared and position not in looked
    ]


def _own_id(paper: Paper, taken: set[str]) -> str:
    """An id for a paper whose own another paper has: from its id, title, first author and
    year, not one of ``taken``."""
    return _unused_id(_identity(paper), taken)


def _unused_id(key: str, taken: set[str]) -> str:
    """An id made from ``key``, the same every time, that is not one of ``taken``."""
    for attempt in itertools.count():
        candidate = hashlib.sha1(f"{key}|{attempt}".encode()).hexdigest()[:16]
        if candidate not in taken:
            return candidate
    raise AssertionError("unreachable")


def read_merged(path: Path, as_of: dt.date, progress: TextProgress | None) -> ImportResult:
    """A file read with its duplicates merged and its papers' ids made distinct: what the
    parse cache keeps (here, so that the cache's fingerprint of the readers covers it)."""
    from paperbrowse.core.formats import read_file

    result = read_file(path, as_of, progress)
    merged = merge_duplicates(result.papers)
    # Kept when papers were merged, or given ids of their own (``_distinct_ids``); a store
    # always (its title keys, for the cache; a store is not walked paper by paper).
    if (
        isinstance(merged, PaperStore)
        or len(merged) != len(result.papers)
        or any(map(operator.is_not, merged, result.papers))
    ):
        result.papers = merged
        if result.profile is not None:
            result.profile = result.profile.model_copy(update={"papers": tuple(merged)})
        said_as_one(result.problems, merged, str(path))
    return result


def said_as_one(problems: list[Problem], merged: Sequence[Paper], file: str) -> None:
    """Say of two entries with one citation key that were merged, being one paper, so:
    "both entries kept" had a user look for the second in vain (a Mendeley export holds
    the same entry twice, under one key, 25 times)."""
    from paperbrowse.core.formats.bibtex import KEY_USED_TWICE

    twins = {
        number: match
        for number, problem in enumerate(problems)
        if problem.file == file and (match := KEY_USED_TWICE.fullmatch(problem.message))
    }
    if not twins:
        return
    one_paper: dict[int, set[int]] = {}  # a line of a merged paper's entry -> all its lines
    for sources in field_values(merged, "sources"):
        lines = {source.line for source in sources if source.file == file and source.line}
        for line in lines if len(lines) > 1 else ():
            one_paper[line] = lines
    for number, match in twins.items():
        problem = problems[number]
        if int(match.group(2)) in one_paper.get(problem.line or 0, ()):
            message = f"citation key {match.group(1)} also used on line {match.group(2)}, "
            problems[number] = Problem(
                file, problem.line, message + "for the same paper; read as one"
            )


def copy_of(paper: Paper, papers: Sequence[Paper], years_apart: int = 0) -> int | None:
    """Where in ``papers`` a copy of ``paper`` is, by the rule merging follows (the same
    DOI; or the same title and year, the DOIs and first authors not saying otherwise).
    ``years_apart``: a year this far off still matches (a preprint and its publication)."""
    doi = paper.doi.lower() if paper.doi else None
    dois = field_values(papers, "doi")
    if doi:
        found = next((at for at, other in enumerate(dois) if other and other.lower() == doi), None)
        if found is not None:
            return found
    title, year = normalise_title(paper.title), paper.year
    mine = (_journal_doi(doi, years_apart), first_surname(paper.authors))
    for at, (key, other_year) in enumerate(zip(title_keys(papers), years_of(papers), strict=True)):
        if key == title and title and _near(other_year, year, years_apart):
            first_author = first_surname(value_at(papers, at, "authors"))
            if compatible(mine, (_journal_doi(dois[at], years_apart), first_author)):
                return at
    return None


def _journal_doi(doi: str | None, years_apart: int) -> str | None:
    """A DOI that says which paper this is, when a preprint may meet its journal version:
    arXiv's own (10.48550/...) names the preprint, and says nothing against the journal's."""
    if years_apart and doi and doi.lower().startswith("10.48550/"):
        return None
    return doi


def _near(one: int | None, other: int | None, apart: int) -> bool:
    if one is None or other is None:
        return one == other
    return abs(one - other) <= apart


def _chosen(
    papers: Sequence[Paper], kept: list[int], combined: dict[int, Paper]
) -> MutableSequence[Paper]:
    """The papers kept, a merged one in its first copy's place (by position)."""
    if not isinstance(papers, PaperStore):
        chosen = list(map(papers.__getitem__, kept))
        for position, paper in combined.items():
            chosen[bisect.bisect_left(kept, position)] = paper
        return chosen
    slots = list(map(papers.slots().__getitem__, kept))
    for position, paper in combined.items():  # a store's papers stay rows
        slots[bisect.bisect_left(kept, position)] = paper_row(paper)
    return PaperStore(slots, papers.segments)
