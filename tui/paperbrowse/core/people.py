"""The researchers of a library opened from several profiles, and who wrote with whom.

Each profile file is one researcher's page; two files for the same person (the
same name, as ``stats.author_key`` compares names) are one researcher, with a
warning. A paper found in two profiles is one paper (``core.merge``) with both
owners: its ``sources`` name both files. A researcher's papers *in this library*
are those their profiles hold and those listing them as an author (a profile's
own list is often cut with "et al."); two researchers wrote together on the
papers they share.

``profile:NAME`` keeps the papers of the profiles whose owner's name matches,
forgiving as ``author:`` is: accents and case ignored, a word may be the start
of a name's word, and long words may hold typos. No Textual here: the people
screen and ``paperbrowse people`` both show ``People``.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from paperbrowse.core.errors import Problem
from paperbrowse.core.merge import seen_in
from paperbrowse.core.models import Paper, Profile
from paperbrowse.core.stats import author_key

_T = TypeVar("_T")
UNKNOWN = "Unknown researcher"  # the name the profile reader gives a header without one

SortKey = Literal[
    "name", "category", "h-index", "citations", "papers", "novelty", "ai-score", "library"
]
SORT_KEYS: tuple[SortKey, ...] = (
    "name",
    "category",
    "h-index",
    "citations",
    "papers",
    "novelty",
    "ai-score",
    "library",
)
# The figures a header should give, by the attribute holding each.
_FIGURES = {
    "h_index": "h-index",
    "citations": "citations",
    "paper_count": "papers",
    "novelty": "novelty",
    "ai_score": "AI score",
}


@dataclass(frozen=True)
class Researcher:
    """One person: their first profile's header, and their papers here by id."""

    profile: Profile
    files: tuple[str, ...]
    owned: frozenset[str]  # the papers their profiles hold
    in_library: frozenset[str]  # those, and the library's papers listing them as an author
    profile_papers: int  # records in their profiles (a paper in two of their files once)

    @property
    def name(self) -> str:
        return self.profile.name

    @property
    def category(self) -> str | None:
        return self.profile.primary_category

    @property
    def h_index(self) -> int | None:
        return self.profile.h_index

    @property
    def citations(self) -> int | None:
        return self.profile.citations

    @property
    def novelty(self) -> float | None:
        return self.profile.novelty

    @property
    def ai_score(self) -> float | None:
        return self.profile.ai_score

    def figure(self, key: SortKey) -> str | float | None:
        """The value a column shows and sorts by."""
        values: dict[SortKey, Callable[[], str | float | None]] = {
            "name": lambda: self.name,
            "category": lambda: self.category,
            "h-index": lambda: self.h_index,
            "citations": lambda: self.citations,
            "papers": lambda: self.profile_papers,
            "novelty": lambda: self.novelty,
            "ai-score": lambda: self.ai_score,
            "library": lambda: len(self.in_library),
        }
        return values[key]()

    def to_json_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "category": self.category,
            "category_name": self.profile.primary_category_name,
            "h_index": self.h_index,
            "citations": self.citations,
            "papers": self.profile_papers,
            "papers_in_header": self.profile.paper_count,
            "novelty": self.novelty,
            "ai_score": self.ai_score,
            "papers_in_library": len(self.in_library),
            "files": list(self.files),
        }


@dataclass(frozen=True)
class People:
    """The researchers, who wrote with whom, and what was wrong with their profiles."""

    researchers: tuple[Researcher, ...] = ()
    # Shared papers by pair of positions in ``researchers`` (the lower position first).
    shared: dict[tuple[int, int], int] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()

    def __len__(self) -> int:
        return len(self.researchers)

    def coauthors(self, researcher: Researcher) -> list[tuple[Researcher, int]]:
        """The other researchers they wrote with, most shared papers first."""
        me = self.researchers.index(researcher)
        found = []
        for (first, second), count in self.shared.items():
            if me in (first, second):
                found.append((self.researchers[second if first == me else first], count))
        return sorted(found, key=lambda pair: (-pair[1], pair[0].name.casefold()))

    def matching(self, value: str) -> list[Researcher]:
        """The researchers whose name matches ``profile:value`` (see the module's doc)."""
        return matching_names(value, self.researchers, lambda r: r.name)

    def papers_of(self, value: str) -> set[str]:
        """``profile:value``: the ids of the papers in the matching researchers' profiles."""
        return {paper_id for r in self.matching(value) for paper_id in r.owned}


def people_of(profiles: Sequence[Profile], papers: Sequence[Paper]) -> People:
    """The researchers behind ``profiles``, with their papers among ``papers`` (the library's,
    duplicates merged)."""
    groups, problems = _group(profiles)
    by_file = {file: number for number, (_, files) in enumerate(groups) for file in files}
    by_name = {_key(group[0]): number for number, (group, _) in enumerate(groups)}
    owned: list[set[str]] = [set() for _ in groups]
    listed: list[set[str]] = [set() for _ in groups]
    shared: Counter[tuple[int, int]] = Counter()
    for paper in papers:
        owners = {by_file[ref.file] for ref in seen_in(paper) if ref.file in by_file}
        named = {by_name[key] for key in map(author_key, paper.authors) if key in by_name}
        for number in owners:
            owned[number].add(paper.id)
        for number in owners | named:
            listed[number].add(paper.id)
        if len(owners | named) > 1:
            shared.update(itertools.combinations(sorted(owners | named), 2))
    researchers = tuple(
        Researcher(
            profile=group[0],
            files=files,
            owned=frozenset(owned[number]),
            in_library=frozenset(listed[number]),
            profile_papers=len({p.id for profile in group for p in profile.papers}),
        )
        for number, (group, files) in enumerate(groups)
    )
    problems.extend(_missing_figures(researchers))
    return People(researchers, dict(shared), tuple(problems))


def _key(profile: Profile) -> str:
    """Who a profile is of: the name, as authors are compared; a page with no name is its file's."""
    if profile.name == UNKNOWN or not author_key(profile.name):
        return f"file:{profile.source}"
    return author_key(profile.name)


def _group(
    profiles: Sequence[Profile],
) -> tuple[list[tuple[list[Profile], tuple[str, ...]]], list[Problem]]:
    """Profiles grouped by person, in the order first seen; a second file for one
    person is a problem (its papers still count, its header figures do not)."""
    groups: dict[str, list[Profile]] = {}
    problems: list[Problem] = []
    for profile in profiles:
        group = groups.setdefault(_key(profile), [])
        if group:
            problems.append(
                Problem(
                    profile.source or "?",
                    None,
                    f"a second profile of {profile.name!r} (the first is {group[0].source}); "
                    "its papers are added to theirs, its header figures are not used",
                )
            )
        group.append(profile)
    return [
        (group, tuple(dict.fromkeys(p.source for p in group if p.source)))
        for group in groups.values()
    ], problems


def _missing_figures(researchers: Iterable[Researcher]) -> Iterable[Problem]:
    """One line per profile whose header lacks figures its kind of file gives: the table
    shows — for them (and for those it never gives, unsaid)."""
    for researcher in researchers:
        profile = researcher.profile
        given = profile.figures_given
        missing = [
            name
            for attribute, name in _FIGURES.items()
            if getattr(profile, attribute) is None and (given is None or attribute in given)
        ]
        if missing:
            what = "figure" if len(missing) == 1 else "figures"
            yield Problem(
                profile.source or "?",
                None,
                f"the header of {profile.name!r} has no {', '.join(missing)} {what}; "
                "shown as — and sorted last",
            )


def sorted_people(
    researchers: Iterable[Researcher], by: SortKey = "name", reverse: bool = False
) -> list[Researcher]:
    """Researchers in a column's order: names and categories A to Z, figures highest first
    (``reverse`` turns either round); a missing figure is last either way."""
    textual = by in ("name", "category")

    def order(researcher: Researcher) -> tuple[bool, float | str, str]:
        value = researcher.figure(by)
        name = researcher.name.casefold()
        if value is None:
            return (True, 0, name)
        if isinstance(value, str):
            return (False, value.casefold(), name)
        return (False, value if reverse else -value, name)

    ranked = sorted(researchers, key=order)
    if textual and reverse:
        present = [r for r in ranked if r.figure(by) is not None]
        return present[::-1] + [r for r in ranked if r.figure(by) is None]
    return ranked


def matching_names(value: str, items: Iterable[_T], name_of: Callable[[_T], str]) -> list[_T]:
    """The items whose name holds every word of ``value``: whole, as a word's start, or
    within the typos ``author:`` forgives (``core.search.match.max_typos``)."""
    from rapidfuzz.distance import OSA

    from paperbrowse.core.search.match import max_typos
    from paperbrowse.core.search.tokens import words

    wanted = words(value)
    if not wanted:
        return []
    found = []
    for item in items:
        name_words = words(name_of(item))

        def holds(word: str, name_words: list[str] = name_words) -> bool:
            typos = max_typos(len(word))
            return any(
                name.startswith(word)
                or (typos and OSA.distance(word, name, score_cutoff=typos) <= typos)
                for name in name_words
            )

        if all(map(holds, wanted)):
            found.append(item)
    return found


def distinct_profiles(profiles: Iterable[Profile]) -> list[Profile]:
    """One profile per researcher (their first file's), in the order opened."""
    first: dict[str, Profile] = {}
    for profile in profiles:
        first.setdefault(_key(profile), profile)
    return list(first.values())


def profiles_named(query: str, profiles: Sequence[Profile]) -> list[Profile] | None:
    """The researchers a query's ``profile:`` filters keep (each filter narrows), or None
    when it has none: the header then shows them rather than everyone."""
    from paperbrowse.core.search.query import parse

    wanted = [f.value for f in parse(query, {"profile"}).filters if not f.negated]
    if not wanted:
        return None
    kept = list(profiles)
    for value in wanted:
        kept = matching_names(value, kept, lambda profile: profile.name)
    return kept
