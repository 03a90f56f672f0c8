"""Filters: the ``key:value`` terms that keep or drop papers without ranking them.

Built in: ``year:``, ``cat:``, ``has:``, ``venue:``, evaluated over per-paper
columns with numpy. Others are registered on one library (or one ``SearchIndex``),
without touching the search code; they never reach another library's searches:

    def reading_state(value: str):
        if value == "bookmarked":
            return storage.bookmarked_ids()      # a set of paper ids
        if value == "read":
            return lambda paper: storage.is_read(paper.id)   # or a predicate
        return None                               # a value this handler does not know

    undo = library.filters.register("is", reading_state, "is:bookmarked, is:read, is:unread")

A handler gets the value (as typed, stripped) and returns a collection of paper
ids, a predicate on a paper, or None when it does not know the value; then the
next handler for that key is asked (so ``has:note`` can join the built-in
``has:``). A value that names nothing the handler could find (``cites:`` a paper
the library lacks) is ``filter_registry.NoPapers(why)``: no paper, and a note why,
where None would leave the filter out and list every paper. Handlers are asked on
every search, so user data that changes is always current; returning ids is much
faster than a predicate on a big library. The registry itself is
``filter_registry.FilterRegistry``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Sequence
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from paperbrowse.core.categories import CATEGORY_NAMES
from paperbrowse.core.models import Paper
from paperbrowse.core.search.filter_registry import FieldsTest, PaperTest
from paperbrowse.core.search.tokens import casefold_decomposed, words
from paperbrowse.core.store import field_values, fields_of

Mask = npt.NDArray[np.bool_]


class Columns:
    """The per-paper values the built-in filters read, in index order.

    Each is built when a filter first needs it, from ``core.store.field_values`` (no
    papers made for a store's rows; a Python loop over papers costs about 0.5 s per
    column at a million papers).
    """

    def __init__(self, papers: Sequence[Paper], days: npt.NDArray[np.int32]) -> None:
        self.papers = papers
        self.size = len(papers)
        self.days = days  # date.toordinal(), -1 for undated papers

    def warm_up(self) -> None:
        for name in (
            "year",
            "has_code",
            "has_abstract",
            "has_doi",
            "has_link",
            "_categories",
            "_venues",
        ):
            getattr(self, name)

    def _values(self, name: str) -> list[Any]:
        return field_values(self.papers, name)  # a store's rows stay rows

    def _flags(self, name: str) -> Mask:
        # As held: whether there is one is all a flag asks, and a wide abstract, held as
        # UTF-8 (``rows.packed_text``), is never empty bytes; decoded, all of them were
        # held at once (hundreds of MB at a million papers).
        values = field_values(self.papers, name, as_held=True)
        return np.fromiter(map(bool, values), bool, self.size)

    @cached_property
    def year(self) -> npt.NDArray[np.int32]:
        """The year of each paper, 0 if undated."""
        # Ordinal 719163 is 1970-01-01, numpy's day 0.
        dates = (self.days.astype(np.int64) - 719163).astype("datetime64[D]")
        years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
        return np.where(self.days >= 0, years, 0).astype(np.int32)

    @cached_property
    def has_code(self) -> Mask:
        return self._flags("has_code")

    @cached_property
    def has_abstract(self) -> Mask:
        return self._flags("abstract")

    @cached_property
    def has_doi(self) -> Mask:
        return self._flags("doi")

    @cached_property
    def has_year(self) -> Mask:
        return self.year > 0

    @cached_property
    def has_venue(self) -> Mask:
        """A venue of more than spaces (the stats count the others as without one)."""
        return _where(*self._venues, lambda venue: bool(venue.strip()))

    @cached_property
    def has_link(self) -> Mask:
        """What ``Paper.first_link`` would find: a URL, a DOI, or a link in the abstract."""
        return self._flags("url") | self.has_doi | self._flags("links")

    @cached_property
    def _categories(self) -> tuple[list[str], npt.NDArray[np.int32]]:
        return _codes(list(self._values("category")))

    @cached_property
    def _venues(self) -> tuple[list[str], npt.NDArray[np.int32]]:
        return _codes(list(self._values("venue")))

    def categories(self, test: Callable[[str], bool]) -> Mask:
        return _where(*self._categories, test)

    @cached_property
    def _venue_words(self) -> list[tuple[str, ...]]:
        """Each distinct venue's words, folded (a venue filter reads them on every key)."""
        return [tuple(words(venue)) for venue in self._venues[0]]

    def venues_named(self, value: str) -> Mask:
        """``venue:VALUE``: the venues whose words start with its words, in any order; but
        a venue named in full is that venue alone (the stats screen's rows filter so: the
        2021 EMNLP proceedings, 847 papers, listed 895 with its demos' and tutorials')."""
        wanted = tuple(words(value))
        if not wanted:
            return np.zeros(len(self._venues[1]), bool)
        named = self._venue_words
        if wanted in named:
            hits = [venue == wanted for venue in named]
        else:
            hits = [all(any(v.startswith(w) for v in venue) for w in wanted) for venue in named]
        return np.array(hits or [False], bool)[self._venues[1]]


def _codes(values: list[str | None]) -> tuple[list[str], npt.NDArray[np.int32]]:
    """Distinct values ("" for none) and, per paper, the number of its value, so that a
    filter tests each distinct value once."""
    distinct = list(dict.fromkeys(values))
    numbers = {value: number for number, value in enumerate(distinct)}
    codes = np.fromiter(map(numbers.__getitem__, values), np.int32, len(values))
    return [value or "" for value in distinct], codes


def _where(distinct: list[str], codes: npt.NDArray[np.int32], test: Callable[[str], bool]) -> Mask:
    hits = np.array([bool(v) and test(v) for v in distinct] or [False], bool)
    return hits[codes] if len(codes) else np.zeros(0, bool)


_YEAR_RANGE = re.compile(r"^(\d{0,4})\s*(?:\.\.|-|–)\s*(\d{0,4})$")
_YEAR_COMPARE = re.compile(r"^(>=|<=|>|<)\s*(\d{4})$")


def year_bounds(value: str) -> tuple[int, int] | None:
    """Inclusive year bounds for ``2024``, ``2022..2024``, ``2022..``, ``..2020``, ``>2020``.

    A number still being typed (``20``, ``202``) is the range of years it starts.
    Digits are read as the search index reads words (compatibility forms:
    ``²⁰²⁰`` and ``２０２０`` are 2020); anything else that is no year is None.
    """
    value = unicodedata.normalize("NFKC", value).strip()
    # isdecimal, not isdigit: isdigit also passes digits int() refuses (issue 11).
    if value.isdecimal() and len(value) <= 4:
        missing = 4 - len(value)
        low = int(value) * 10**missing
        return low, low + 10**missing - 1
    match = _YEAR_RANGE.match(value)
    if match:
        low_text, high_text = match.groups()
        low = int(low_text) if len(low_text) == 4 else 1  # (0 is an undated paper's year)
        high = int(high_text) if len(high_text) == 4 else 9999
        return (low, high) if low <= high else (high, low)
    match = _YEAR_COMPARE.match(value)
    if match:
        sign, number = match.group(1), int(match.group(2))
        return {
            ">": (number + 1, 9999),
            ">=": (number, 9999),
            "<": (1, number - 1),
            "<=": (1, number),
        }[sign]
    return None


def _category_test(value: str) -> Callable[[str], bool]:
    """``cat:CL`` (or ``cs.CL``) is that class; otherwise the start of a code or of its name."""
    wanted = casefold_decomposed(value).strip()
    wanted_short = wanted.rsplit(".", 1)[-1]  # "cs.CL" asks for CL
    wanted_words = words(value)
    is_code = wanted_short.upper() in CATEGORY_NAMES

    def test(code: str) -> bool:
        short = code.rsplit(".", 1)[-1].lower()
        if casefold_decomposed(code) == wanted or short == wanted_short:
            return True
        if is_code:
            return False
        if short.startswith(wanted_short):
            return True  # "cat:c" while typing "cat:CL"
        name_words = words(CATEGORY_NAMES.get(short.upper(), ""))
        return bool(wanted_words) and all(
            any(n.startswith(w) for n in name_words) for w in wanted_words
        )

    return test


HAS_VALUES = ("code", "abstract", "doi", "link", "year", "venue")


def builtin_mask(columns: Columns, key: str, value: str) -> Mask | None:
    """The papers a built-in filter keeps, or None if it does not understand the value."""
    if key == "year":
        bounds = year_bounds(value)
        if bounds is None:
            return None
        return (columns.year >= bounds[0]) & (columns.year <= bounds[1])
    if key in ("cat", "category"):
        return columns.categories(_category_test(value))
    if key == "venue":
        return columns.venues_named(value)
    if key == "has":
        wanted = casefold_decomposed(value).strip()
        if wanted in ("link", "links", "url"):
            return columns.has_link
        if wanted in HAS_VALUES:
            return getattr(columns, f"has_{wanted}")  # type: ignore[no-any-return]
        return None
    return None


def handler_mask(
    result: Collection[str] | PaperTest, papers: Sequence[Paper], positions: dict[str, list[int]]
) -> Mask:
    """A registered handler's answer (ids or a predicate) as a mask over the index's papers."""
    mask = np.zeros(len(papers), bool)
    if isinstance(result, FieldsTest):
        mask[:] = [bool(result(fields)) for fields in fields_of(papers, result.fields)]
        return mask
    if callable(result):
        mask[:] = [bool(result(paper)) for paper in papers]
        return mask
    mask[[p for paper_id in result for p in positions.get(paper_id, ())]] = True
    return mask
