"""A library: the papers from one or more files, searchable; and ``load`` to open one."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Collection, Iterable, MutableSequence, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING

from paperbrowse.core.errors import FormatError, Problem
from paperbrowse.core.files import walk
from paperbrowse.core.formats import SUFFIXES, TextProgress, out_of_bounds
from paperbrowse.core.models import Paper, Profile, SourceRef
from paperbrowse.core.search.filter_registry import FilterRegistry, NoPapers
from paperbrowse.core.search.results import (
    Hit,
    NewestOrder,
    Results,
    SortOrder,
    listing,
    newest_first_order,
)
from paperbrowse.core.store import PaperStore, field_values

# The search engine (numpy, rapidfuzz) loads when a library is first searched:
# listing papers needs none of it, so the app shows them while it loads.
if TYPE_CHECKING:
    from paperbrowse.core.citations import CitationGraph
    from paperbrowse.core.people import People
    from paperbrowse.core.search.index import SearchIndex

# Progress callbacks get (bytes read, bytes in all, current file), across all files.
Progress = Callable[[int, int, str], None]

KNOWN_SUFFIXES = frozenset(SUFFIXES)
# From this many papers, the first listing takes its order from the saved index when there
# is one: sorting in Python costs 0.1 s at 100k papers and 1.5 s at a million.
STORED_ORDER_FROM = 50_000
# Why ``cites:`` and ``citedby:`` find nothing in a library whose files carry no citations,
# and which files do (``formats.edges``).
NO_CITATIONS = (
    "no file of this library records citations; "
    "Semantic Scholar API JSON and CSL-JSON with references do"
)


@dataclass
class Library:
    """Papers from any number of sources, with the problems met loading them."""

    # Kept compact: a paper read from the cache is made when first asked for (``core.store``).
    papers: MutableSequence[Paper] = field(default_factory=PaperStore)
    profiles: list[Profile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    as_of: dt.date | None = None  # the day relative dates were read against
    # Filters this library's searches know beyond the built-in ones (``is:read`` from
    # the marks store); another library in the process has its own.
    filters: FilterRegistry = field(default_factory=FilterRegistry, repr=False, compare=False)
    # Hits found outside the index, added below its own (the PDFs' bodies, ``core.pdf``):
    # each gets the library and the index's results and returns them, perhaps longer.
    more_hits: list[Callable[[Library, Results], Results]] = field(
        default_factory=list, repr=False, compare=False
    )
    # The papers newest first, as the first listing sorted them, for the index built next
    # (which sorts them the same way: 0.1 s at 100k papers, 1.5 s at a million), with the
    # store and its count of changes then: the index takes it only for papers unchanged.
    _newest: tuple[PaperStore, int, NewestOrder] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    # The papers' ids, made on the first ``has_paper_id``, for the papers and count then.
    _ids: tuple[object, int, frozenset[str]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def has_paper_id(self, paper_id: str) -> bool:
        """Whether one of the library's papers has this id (the marks store asks before it
        takes a row found by another id for a paper's: ``Store.library_has_id``)."""
        papers = self.papers
        if self._ids is None or self._ids[0] is not papers or self._ids[1] != len(papers):
            self._ids = (papers, len(papers), frozenset(field_values(papers, "id")))
        return paper_id in self._ids[2]

    @property
    def profile(self) -> Profile | None:
        """The profile to show in the header: the first one loaded, if any."""
        return self.profiles[0] if self.profiles else None

    @cached_property
    def index(self) -> SearchIndex:
        """The search index, made on first use: about 3 s per 100k papers, or read back
        from the cache in a few tenths when this library was indexed before."""
        from paperbrowse.core.search.index_cache import load_index

        newest, self._newest = self._newest, None
        if newest is not None and (newest[0] is not self.papers or newest[1] != newest[0].changes):
            newest = None
        index = load_index(
            self.papers,
            self.sources,
            self.as_of or dt.date.today(),
            None if newest is None else newest[2],
        )
        self._newest = None  # (one a listing on another thread made meanwhile, too)
        # The registry itself, not a copy: a filter registered while the index was being
        # built (the app registers the marks' from the UI thread) is never lost.
        index.filters = self.filters
        self.filters.register("key", self._papers_with_key, "key:wang2024catastrophic")
        if self.profiles:
            self.filters.register("profile", self._papers_of_profile, 'profile:"Fali Wang"')
        self.filters.register("cites", self._papers_citing, "cites:ID (id, DOI or key)")
        self.filters.register("citedby", self._papers_cited_by, "citedby:ID (id, DOI or key)")
        return index

    @cached_property
    def people(self) -> People:
        """The researchers of the profiles opened, with their papers here (``core.people``)."""
        from paperbrowse.core.people import people_of

        return people_of(self.profiles, self.papers)

    def _papers_of_profile(self, value: str) -> set[str]:
        """``profile:`` — the papers in the profiles of the researchers so named."""
        return self.people.papers_of(value)

    @cached_property
    def citations(self) -> CitationGraph:
        """Which papers of this library cite which, resolved on first use (nothing is
        built for a library whose files carry no citations)."""
        from paperbrowse.core.citations import CitationGraph

        return CitationGraph(self.papers)

    @cached_property
    def carries_citations(self) -> bool:
        """Whether any paper's file gave citations: one pass, without loading numpy and
        the citation graph's code (about 80 ms before the first paint otherwise)."""
        return any(field_values(self.papers, "cites")) or any(field_values(self.papers, "cited_by"))

    @property
    def citations_ready(self) -> bool:
        """Whether the citations are resolved, so asking will not stop to resolve them."""
        return "citations" in self.__dict__

    def paper_named(self, wanted: str) -> Paper | None:
        """The paper with this id, DOI or citation key, if the library holds it."""
        from paperbrowse.core.citations import find_paper

        return find_paper(self.papers, self.keys, wanted)

    def _papers_citing(self, value: str) -> Collection[str] | None:
        """``cites:ID`` — the papers citing paper ID (``_linked``)."""
        return self._linked(value, lambda paper: self.citations.cited_by(paper))

    def _papers_cited_by(self, value: str) -> Collection[str] | None:
        """``citedby:ID`` — the papers paper ID cites (``_linked``)."""
        return self._linked(value, lambda paper: self.citations.cites(paper))

    def _linked(
        self, value: str, links: Callable[[Paper], Iterable[Paper]]
    ) -> Collection[str] | None:
        """The ids of the papers linked to paper ``value``; none when no paper has that id,
        DOI or key (a key mistyped listed the whole library, and exported or cited it all),
        or when no file of the library records citations, with a note why; None, the
        filter left out with a note, while no ID is typed yet."""
        if not value.strip():
            return None
        if not self.carries_citations:  # (no ID could help: the library is the reason)
            return NoPapers(NO_CITATIONS)
        paper = self.paper_named(value)
        if paper is None:
            return NoPapers("no paper here has that id, DOI or key")
        return {linked.id for linked in links(paper)}

    @cached_property
    def keys(self) -> dict[str, str]:
        """Each paper's citation key, by paper id: unique in this library, and the same
        whatever order its files were opened in (``core.citekeys``)."""
        from paperbrowse.core.citekeys import citation_keys

        return dict(zip(field_values(self.papers, "id"), citation_keys(self.papers), strict=True))

    @property
    def keys_ready(self) -> bool:
        """Whether the keys are made, so asking for one will not stop to make them all."""
        return "keys" in self.__dict__

    def papers_read_from(self, path: str | Path) -> int | None:
        """How many of its papers were read from the file ``path`` (the same file by any
        name: relative, through a link), or None when it is none of the library's files:
        writing over one is asked about as that (the export dialog)."""
        target = os.path.realpath(os.path.expanduser(path))
        if not any(os.path.realpath(source) == target for source in self.sources):
            return None
        same: dict[str, bool] = {}  # each file name the papers give, looked at once

        def is_target(ref: SourceRef | None) -> bool:
            if ref is None:
                return False
            if ref.file not in same:
                same[ref.file] = os.path.realpath(ref.file) == target
            return same[ref.file]

        everywhere = field_values(self.papers, "sources")  # (a paper read more than once)
        first = field_values(self.papers, "source")
        pairs = zip(first, everywhere, strict=True)
        return sum(any(map(is_target, more or (ref,))) for ref, more in pairs)

    def key_of(self, paper: Paper) -> str:
        """A paper's key in this library (a paper from elsewhere gets its own alone)."""
        from paperbrowse.core.citekeys import citation_keys

        return self.keys.get(paper.id) or citation_keys([paper])[0]

    def with_keys(self, wanted: Iterable[str]) -> tuple[list[Paper], list[str]]:
        """The papers with these keys (case-insensitive), in the order asked; and the keys
        that no paper has. A key its file gave a paper names it too: a .tex may cite the
        file's ``O'D08`` (which LaTeX cannot take) or Semantic Scholar's ``Gödel1931ÜberFU``,
        whose keys in the library are ``odonnell2008topics`` and ``Godel1931UberFU``
        (``core.citekeys``); so do an id and a DOI, as ``paper_named`` finds them."""
        from paperbrowse.core.formats.edges import doi_key, looks_like_doi

        ids = field_values(self.papers, "id")
        by_key = {key.casefold(): paper_id for paper_id, key in self.keys.items()}
        for paper_id, own in zip(ids, field_values(self.papers, "citekey"), strict=True):
            if own:
                by_key.setdefault(own.casefold(), paper_id)
        by_id = {paper_id: place for place, paper_id in enumerate(ids)}
        by_doi: dict[str, int] | None = None  # made once a DOI is asked for
        found: list[Paper] = []
        missing: list[str] = []
        for key in wanted:
            typed = key.strip()
            # In ``find_paper``'s order: an id, then a DOI, then a key.
            place = by_id.get(typed)
            if place is None and looks_like_doi(typed):
                if by_doi is None:
                    dois = field_values(self.papers, "doi")
                    by_doi = {}
                    for at, doi in enumerate(dois):
                        if doi:
                            by_doi.setdefault(doi_key(doi), at)  # (the first, as it finds)
                place = by_doi.get(doi_key(typed))
            if place is None and typed.casefold() in by_key:
                place = by_id[by_key[typed.casefold()]]
            if place is None:
                missing.append(key)
            else:
                found.append(self.papers[place])
        return found, missing

    def _papers_with_key(self, value: str) -> set[str]:
        """``key:`` — the papers whose key is the value, or starts with it (while typing);
        typed with accents, as its file gave it (``Gödel1931``), too."""
        from paperbrowse.core.citekeys import ascii_key

        wanted = ascii_key(value.strip()).casefold()
        return {
            paper_id for paper_id, key in self.keys.items() if key.casefold().startswith(wanted)
        }

    @property
    def index_ready(self) -> bool:
        """Whether the index is built, so searching will not stop to build it."""
        return "index" in self.__dict__

    def listing(self, sort: SortOrder = "newest") -> Results:
        """Every paper in a browsing order: from the index once built, else sorted here."""
        if self.index_ready:
            return self.index.find("", sort)
        stored = self._stored_order()
        if stored is None:
            positions, days = newest_first_order(self.papers)
            if isinstance(self.papers, PaperStore):  # (a list's changes cannot be told)
                self._newest = (self.papers, self.papers.changes, (positions, days))
            stored = positions, sum(1 for day in days if day >= 0)
        return listing(self.papers, sort, stored)

    def _stored_order(self) -> tuple[Sequence[int], int] | None:
        """The newest-first order the saved index holds, for a large library that has one
        (reading it imports numpy, which only such a library's first listing may wait for)."""
        if len(self.papers) < STORED_ORDER_FROM or not self.sources:
            return None
        from paperbrowse.core.search.index_cache import stored_order

        return stored_order(self.papers, self.sources, self.as_of or dt.date.today())

    def find(self, query: str, sort: SortOrder = "relevance") -> Results:
        """Every paper matching the query, ranked (or in the given order)."""
        results = self.index.find(query, sort)
        for add in tuple(self.more_hits):
            results = add(self, results)
        return results

    def search(
        self, query: str, limit: int | None = 50, sort: SortOrder = "relevance"
    ) -> list[Hit]:
        """The best ``limit`` hits for a query; an empty query lists papers in sort order."""
        results = self.find(query, sort)
        count = len(results) if limit is None else min(limit, len(results))
        return [results.hit(i) for i in range(count)]


def load_file(
    path: Path, as_of: dt.date | None = None, progress: TextProgress | None = None
) -> Library:
    """One file into a library. Raises FormatError when nothing in it can be used.

    Large files go through the cache (``core.cache``); duplicates within the
    file are merged before it is cached.
    """
    from paperbrowse.core.cache import read_cached
    from paperbrowse.core.merge import read_merged

    result = read_cached(path, as_of or dt.date.today(), progress, reader=read_merged)
    return Library(
        papers=result.papers,
        profiles=[result.profile] if result.profile else [],
        problems=result.problems,
        sources=[str(path)],
    )


def expand_paths(paths: Iterable[str | Path]) -> tuple[list[Path], list[Problem]]:
    """Files named, with folders read recursively for known formats."""
    files: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        try:
            path = Path(raw).expanduser()
        except RuntimeError:  # "~name/..." for a user that does not exist: a plain name then
            path = Path(raw)
        if "\x00" in str(path):  # no system call takes it; each would raise ValueError
            problems.append(Problem(str(path), None, "not a file name (holds a NUL character)"))
            continue
        if path.is_dir():
            found, walk_problems = walk(path, KNOWN_SUFFIXES)
            problems.extend(walk_problems)
            if not found:
                problems.append(Problem(str(path), None, "folder holds no paper files"))
            files.extend(found)
        else:
            files.append(path)
    return files, problems


def load(
    *paths: str | Path,
    as_of: dt.date | None = None,
    progress: Progress | None = None,
) -> Library:
    """Open files and folders as one library; bad files become problems, not crashes.

    Raises FormatError only when nothing at all could be loaded.
    """
    from paperbrowse.core.memory import gc_paused

    # The collector stays off from the first file to the merge: let back on between files,
    # it scanned every paper read so far, again and again (2.4 s of a million papers'
    # 7.6 s reopen, in four files).
    with gc_paused():
        return _load(paths, as_of, progress)


def _load(
    paths: tuple[str | Path, ...], as_of: dt.date | None, progress: Progress | None
) -> Library:
    files, problems = expand_paths(paths)
    library = Library(problems=problems, as_of=as_of or dt.date.today())
    errors: list[FormatError] = []
    sizes = [_size(path) for path in files]
    total = sum(sizes)
    for path, size, done in zip(files, sizes, accumulate([0, *sizes]), strict=False):
        if progress:
            progress(done, total, str(path))
        try:
            part = _load_one(path, as_of, _within(progress, done, size, total, str(path)))
        except FormatError as error:
            errors.append(error)
            library.problems.append(Problem(error.file, error.line, error.message))
            continue
        library.papers.extend(part.papers)
        library.profiles.extend(part.profiles)
        library.problems.extend(part.problems)
        library.sources.extend(part.sources)
    if not library.sources:
        if errors:
            raise (
                errors[0]
                if len(errors) == 1
                else FormatError(
                    ", ".join(e.file for e in errors), "; ".join(str(e) for e in errors)
                )
            )
        raise FormatError(", ".join(str(p) for p in paths) or "(nothing)", "no paper files found")
    if len(library.sources) > 1:
        from paperbrowse.core.merge import merge_duplicates

        library.papers = merge_duplicates(library.papers)
    if isinstance(library.papers, PaperStore):
        library.papers.title_keys = None  # merged: no longer needed
    if len(library.profiles) > 1:
        # Several researchers: a second file for one of them, or a header missing figures
        # the people table compares, is a line among the load's problems.
        library.problems.extend(library.people.problems)
    return library


def _load_one(path: Path, as_of: dt.date | None, progress: TextProgress | None) -> Library:
    """``load_file``, with running out of memory or nesting (merging, caching) an error for
    this file alone."""
    try:
        return load_file(path, as_of, progress)
    except (MemoryError, RecursionError) as error:
        raise out_of_bounds(str(path), error) from None


def _size(path: Path) -> int:
    try:
        return max(path.stat().st_size, 1)
    except OSError:
        return 1


def _within(
    progress: Progress | None, done: int, size: int, total: int, name: str
) -> TextProgress | None:
    """Progress inside one file, reported as bytes across the whole load."""
    if progress is None:
        return None

    def report(read: int, whole: int) -> None:
        progress(done + size * read // max(whole, 1), total, name)

    return report
