"""Figures about a library for the stats screen: pure functions, no UI.

Papers per year (every year in the span, empty ones included, so a bar chart
shows gaps; the screen folds long runs of them), categories, venues, the most
frequent co-authors, and reading progress from the user's marks. Each count carries
a ``key`` that the screen can turn into a filter (a year, a category code, an
author's name).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias, cast

from paperbrowse.core.categories import category_name
from paperbrowse.core.models import Paper, fold
from paperbrowse.core.search.results import newest_first_order
from paperbrowse.core.store import field_values, fields_of
from paperbrowse.core.text.clean import clean_line

if TYPE_CHECKING:
    # For types only: the header imports this module (through core.people) on the way to
    # the first screen, which must not wait for the marks store and sqlite3 (~15 ms).
    from paperbrowse.core.marks.store import Marks

_NAME_PUNCTUATION = re.compile(r"[\s.]+")


def author_key(name: str) -> str:
    """A name reduced for comparing: ``"J.  Müller"`` and ``"j muller"`` are one person."""
    return _NAME_PUNCTUATION.sub(" ", fold(name)).strip()


@dataclass(frozen=True)
class Count:
    """One bar or row: what is counted, how many, and the value to filter the list by."""

    label: str
    count: int
    key: str


@dataclass(frozen=True)
class ReadingProgress:
    """How far the user is through the loaded papers (marks of other papers are not counted)."""

    total: int
    read: int
    bookmarked: int
    noted: int
    tagged: int
    bookmarked_unread: int

    @property
    def unread(self) -> int:
        return self.total - self.read

    @property
    def fraction_read(self) -> float:
        return self.read / self.total if self.total else 0.0


@dataclass(frozen=True)
class LibraryStats:
    """Everything the stats screen shows, computed in one pass over the library."""

    years: list[tuple[int, int]]
    undated: int
    categories: list[Count]
    venues: list[Count]
    without_venue: int
    coauthors: list[Count]
    progress: ReadingProgress


def papers_per_year(papers: Iterable[Paper]) -> list[tuple[int, int]]:
    """``(year, papers)`` for every year from the first to the last, zeros included."""
    counts = Counter(paper.year for paper in papers if paper.year is not None)
    if not counts:
        return []
    years = [year for year in counts if year is not None]
    return [(year, counts.get(year, 0)) for year in range(min(years), max(years) + 1)]


def undated_count(papers: Iterable[Paper]) -> int:
    return sum(1 for paper in papers if paper.year is None)


def without_venue_count(papers: Iterable[Paper]) -> int:
    """Papers with no venue (or one of spaces alone), which ``venues`` leaves out."""
    return sum(1 for paper in papers if not (paper.venue and paper.venue.strip()))


def categories(papers: Iterable[Paper], limit: int | None = None) -> list[Count]:
    """Subject categories, most papers first; labels add the full name (``CL · Computation…``)."""
    counts = Counter(paper.category for paper in papers if paper.category)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    result = []
    for code, count in ranked:
        name = category_name(code)
        result.append(Count(f"{code} · {name}" if name else code, count, code))
    return result


def venues(papers: Iterable[Paper], limit: int | None = 10) -> list[Count]:
    """Venues, most papers first; spellings differing only in case or spacing count as one.

    The label is the spelling used most often; the key is the folded form.
    """
    return _ranked(
        (clean_line(paper.venue) for paper in papers if paper.venue and paper.venue.strip()),
        key=lambda venue: fold(venue),
        limit=limit,
    )


def coauthors(
    papers: Iterable[Paper], limit: int | None = 10, exclude: Iterable[str] = ()
) -> list[Count]:
    """The authors on most papers, leaving out ``exclude`` (the profile's own researcher).

    Names are matched ignoring case, accents, dots and spacing; the label is
    the spelling used most often, and the key too (to search by).
    """
    # Each name's key worked out once: a library names the same authors again and again
    # (415k names, each keyed three times, were 0.9 of the 1.9 s at 100k papers).
    keys: dict[str, str] = {}

    def key(name: str) -> str:
        found = keys.get(name)
        if found is None:
            found = keys[name] = author_key(name)
        return found

    left_out = {author_key(name) for name in exclude}
    names = (
        clean_line(author)
        for paper in papers
        for author in _unique_authors(paper, key)
        if key(author) not in left_out
    )
    ranked = _ranked(names, key=key, limit=limit)
    return [Count(count.label, count.count, count.label) for count in ranked]


MarksSource: TypeAlias = "Mapping[str, Marks] | Callable[[Paper], Marks]"


def reading_progress(papers: Iterable[Paper], marks: MarksSource) -> ReadingProgress:
    """Read, bookmarked, noted and tagged papers among ``papers`` (each paper counted once).

    ``marks`` is a mapping by paper id, or ``store.marks`` (which also finds
    marks a paper got under another id, before it had a DOI).
    """
    lookup = marks if callable(marks) else lambda paper: marks.get(paper.id)
    total = read = bookmarked = noted = tagged = bookmarked_unread = 0
    seen: set[str] = set()
    for paper in papers:
        if paper.id in seen:
            continue
        seen.add(paper.id)
        total += 1
        mark = lookup(paper)
        if mark is None:
            continue
        read += mark.read
        bookmarked += mark.bookmarked
        noted += mark.has_note
        tagged += bool(mark.tags)
        bookmarked_unread += mark.bookmarked and not mark.read
    return ReadingProgress(total, read, bookmarked, noted, tagged, bookmarked_unread)


def author_places(papers: Sequence[Paper], names: Iterable[str]) -> dict[str, list[int]]:
    """The places of the papers listing each of ``names``, by its ``author_key`` (the
    matching of ``coauthors``). Only the rows whose authors hold a name's last word, a
    plain ``in`` on their text, have their names reduced: reducing every name took 0.4 s
    at 100k papers, each time the authors dialog opened."""
    found: dict[str, list[int]] = {author_key(name): [] for name in names}
    last_words = tuple({key.rsplit(" ", 1)[-1] for key in found if key})
    for place, authors in enumerate(field_values(papers, "authors")):
        if not authors:
            continue
        text = fold(" ".join(authors))
        if any(word in text for word in last_words):
            for key in {author_key(author) for author in authors}:
                if key in found:
                    found[key].append(place)
    return found


def papers_by_author(papers: Sequence[Paper], name: str) -> list[Paper]:
    """Every paper listing the author (same matching as ``coauthors``), newest first,
    in the order of the library's own "newest" sort (read from a store's rows: only the
    author's papers are made)."""
    found = [papers[place] for place in author_places(papers, [name])[author_key(name)]]
    order, _ = newest_first_order(found)
    return [found[i] for i in order]


def papers_in_year(papers: Iterable[Paper], year: int) -> list[Paper]:
    return [paper for paper in papers if paper.year == year]


# What the figures read of a paper, a marks look-up (``Store.marks``) included.
_FIELDS_READ = ("id", "doi", "title", "year", "category", "venue", "authors")


def library_stats(
    papers: Sequence[Paper],
    marks: MarksSource,
    owners: Iterable[str] = (),
    limit: int = 10,
) -> LibraryStats:
    """All the figures for the stats screen; ``owners`` are left out of the co-authors."""
    # (Each function reads only these fields of a paper; made one by one, a 100k library's
    # papers took most of the 2.4 s the stats screen took to fill, each kept made after.)
    fields = cast(list[Paper], fields_of(papers, _FIELDS_READ))
    return LibraryStats(
        years=papers_per_year(fields),
        undated=undated_count(fields),
        categories=categories(fields, limit),
        venues=venues(fields, limit),
        without_venue=without_venue_count(fields),
        coauthors=coauthors(fields, limit, exclude=owners),
        progress=reading_progress(fields, marks),
    )


def _unique_authors(paper: Paper, key_of: Callable[[str], str] = author_key) -> list[str]:
    # A name listed twice on one paper (a parsing slip) still counts once.
    seen: set[str] = set()
    kept = []
    for author in paper.authors:
        key = key_of(author)
        if key and key not in seen:
            seen.add(key)
            kept.append(author)
    return kept


def _ranked(values: Iterable[str], key: Callable[[str], str], limit: int | None) -> list[Count]:
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for value in values:
        group = key(value)
        counts[group] += 1
        spelling = spellings.get(group)
        if spelling is None:  # (not setdefault: a Counter made for every value cost 0.3 s)
            spelling = spellings[group] = Counter()
        spelling[value] += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [Count(_most_common(spellings[group]), count, group) for group, count in ranked]


def _most_common(spellings: Counter[str]) -> str:
    # Ties go to the alphabetically first spelling, so the result never depends on order.
    return min(spellings.items(), key=lambda item: (-item[1], item[0]))[0]
