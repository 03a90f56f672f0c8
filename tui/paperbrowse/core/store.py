"""A library's papers kept compact: plain rows, a pydantic ``Paper`` made only when asked for.

A reopened library's papers come from the parse cache as rows (``core.rows``): tuples
of strings and numbers that unpickle in C. Building a ``Paper`` for each took most of a
reopen (0.55 of 0.8 s at 100k papers) and most of its memory, for papers nobody looks at.
``PaperStore`` keeps the rows and makes a paper the first time it is asked for, then keeps
it (the same object each time after). Whole-library scans that need a field or two (the
first listing, the search index's filters, citation keys, duplicate merging) read
``field_values`` instead, which never builds a paper.

Imports only ``core.models``, ``core.rows`` and ``core.spill``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from array import array
from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator, MutableSequence, Sequence
from functools import lru_cache
from operator import attrgetter, itemgetter
from typing import Any, cast, overload

from paperbrowse.core.models import Paper, joined_authors, normalise_title
from paperbrowse.core.rows import (
    ABSTRACT,
    PAPER_FIELDS,
    compact_papers,
    construct_is_faithful,
    paper_from_row,
    paper_row,
    shared_row,
    unpacked_text,
    unpacked_texts,
)
from paperbrowse.core.spill import (
    MAX_PLACES,
    Segment,
    SpilledLines,
    code,
    held_texts,
    packed,
    read_lines,
    spilled_lines,
)

Row = tuple[Any, ...]
Slot = Paper | Row

_PLACE = {name: place for place, name in enumerate(PAPER_FIELDS)}
# Fields a row holds in another form than the paper (a day number, (file, line) pairs):
# read through the papers, or through ``days_of``.
_ROW_FORM_DIFFERS = frozenset({"date", "source", "sources"})
_DATE = _PLACE["date"]


class PaperStore(MutableSequence[Paper]):
    """Papers, each kept as a row until it is first asked for."""

    def __init__(self, slots: Iterable[Slot] = (), segments: Iterable[Segment] = ()) -> None:
        self._slots: list[Slot] = list(slots)
        # The spill segments (``core.spill``) the rows' abstract codes read from, held while
        # this store lives: a store made of another's rows takes its segments along. Held
        # here only, a segment goes with the last store holding it, and its file's space
        # once the file has no segment left (a reload's replaced library frees its own).
        # Only ever added to: a store cut short or cleared keeps them all. (A store holding
        # some does not pickle: its codes mean nothing elsewhere, ``rows()`` has the text.)
        self.segments: tuple[Segment, ...] = tuple(segments)
        # Whether another store holds the same list of slots (``snapshot``): the first
        # change to either copies it, so neither sees the other's changes. A row made a
        # paper is no change: both then hold that paper.
        self._shared = False
        # Whether papers were replaced, removed, inserted or reordered since the store was
        # made: a saved index (``search.index_cache``) then no longer describes them, even
        # where the ids are the same. (Adding papers at the end changes the ids it checks.)
        self.edited = False
        self.changes = 0  # how many times the papers were changed or added to, ever
        # Each paper's title as duplicate merging compares it (``models.normalise_title``),
        # when known: kept in the parse cache, so that merging the files of a library on
        # every open does not work them out again (3 s at a million papers). Any change
        # to the papers but adding another store's with theirs forgets them.
        self._title_keys: list[str] | None = None
        # ... or, in their stead, where they were spilled (``spill_title_keys``), in order.
        self._keys_spilled: tuple[SpilledLines, ...] = ()
        self.ids_digest: str | None = None  # the saved index's check of the ids (index_cache)

    @property
    def title_keys(self) -> list[str] | None:
        """Each paper's title as duplicate merging compares it, when known (above): read
        back, as a new list, when spilled."""
        if self._keys_spilled:
            return [key for spilled in self._keys_spilled for key in read_lines(spilled)]
        return self._title_keys

    @title_keys.setter
    def title_keys(self, keys: list[str] | None) -> None:
        self._title_keys, self._keys_spilled = keys, ()

    def spill_title_keys(self, spilled: SpilledLines | None = None) -> None:
        """The title keys moved to a spill file (``core.spill``): a large library's first
        open keeps them only to merge its files and write its parse cache (130 MB at a
        million papers). ``spilled``: where they were written already."""
        keys = self._title_keys
        if spilled is None and keys:
            spilled = spilled_lines(keys)
        if spilled is not None:
            self._title_keys, self._keys_spilled = None, (spilled,)

    def __len__(self) -> int:
        return len(self._slots)

    @overload
    def __getitem__(self, index: int) -> Paper: ...
    @overload
    def __getitem__(self, index: slice) -> PaperStore: ...
    def __getitem__(self, index: int | slice) -> Paper | PaperStore:
        if isinstance(index, slice):
            return PaperStore(self._slots[index], self.segments)
        slot = self._slots[index]
        if type(slot) is tuple:
            slot = self._slots[index] = paper_from_row(slot, construct_is_faithful())
        return slot  # type: ignore[return-value]  # a tuple never gets here

    def __iter__(self) -> Iterator[Paper]:
        for index in range(len(self._slots)):
            yield self[index]

    @overload
    def __setitem__(self, index: int, value: Paper) -> None: ...
    @overload
    def __setitem__(self, index: slice, value: Iterable[Paper]) -> None: ...
    def __setitem__(self, index: int | slice, value: Paper | Iterable[Paper]) -> None:
        self._changing()
        self._slots[index] = value  # type: ignore[index, assignment]

    def __delitem__(self, index: int | slice) -> None:
        self._changing()
        del self._slots[index]

    def insert(self, index: int, value: Paper) -> None:
        self._changing()
        self._slots.insert(index, value)

    def clear(self) -> None:
        self._changing()
        self._slots = []

    def reverse(self) -> None:
        self._changing()
        self._slots.reverse()

    def sort(self, *, key: Callable[[Paper], Any] | None = None, reverse: bool = False) -> None:
        """Sorted in place, like a list's ``sort`` (every paper made, as the key reads them)."""
        papers: list[Slot] = list(self)
        papers.sort(key=key, reverse=reverse)  # type: ignore[arg-type]  # as a list's: needs a key
        self._changing()
        self._slots = papers

    def extend(self, values: Iterable[Paper]) -> None:
        """Papers added at the end; another store's rows stay rows (and its title keys
        are kept when both stores know theirs)."""
        if values is self:
            values = self.snapshot()
        self._own()
        self.changes += 1
        self.ids_digest = None
        if not isinstance(values, PaperStore):
            self._slots.extend(values)
            self.title_keys = None
            return
        if not values.slots() and self._slots:
            return  # (nothing added: this store's title keys still hold)
        self.hold(*values.segments)
        if not self._slots:
            self._title_keys = None if values._title_keys is None else list(values._title_keys)
            self._keys_spilled = values._keys_spilled
        elif self._title_keys is None and self._keys_spilled and values._keys_spilled:
            self._keys_spilled += values._keys_spilled  # (both spilled: none read back)
        elif self._title_keys is not None or self._keys_spilled:
            theirs = values.title_keys
            if theirs is None:
                self.title_keys = None
            else:
                if self._title_keys is None:  # spilled: read back, to extend
                    self.title_keys = self.title_keys
                # In place (this store's own list, ``_own``): a new list each time copied
                # the keys so far, 0.17 s for a file of 250k papers read in 250 parts.
                cast(list[str], self._title_keys).extend(theirs)
        self._slots.extend(values.slots())

    def hold(self, *segments: Segment) -> None:
        """Segments this store's rows read from, held from now on (each once)."""
        if segments:
            self.segments = tuple(dict.fromkeys((*self.segments, *segments)))

    def _own(self) -> None:
        """The slots and title keys this store's own to change (copied if shared with a
        snapshot)."""
        if self._shared:
            self._slots = list(self._slots)
            if self._title_keys is not None:  # (spilled ones are never changed in place)
                self._title_keys = list(self._title_keys)
            self._shared = False

    def _changing(self) -> None:
        self._own()
        self.edited = True
        self.changes += 1
        self.title_keys = self.ids_digest = None

    def snapshot(self) -> PaperStore:
        """The papers as they are now, unchanged by later changes to this store (nor this
        store by changes to it), without copying them: what the search index keeps, as it
        kept a list of its own before papers were stored as rows."""
        twin = PaperStore.__new__(PaperStore)
        twin.__dict__.update(self.__dict__)
        self._shared = twin._shared = True
        return twin

    copy = snapshot
    __copy__ = snapshot

    def __add__(self, other: Iterable[Paper]) -> PaperStore:
        joined = self.snapshot()
        joined.extend(other)
        return joined

    def __radd__(self, other: list[Paper]) -> list[Paper]:
        return [*other, *self]

    def __iadd__(self, other: Iterable[Paper]) -> PaperStore:
        self.extend(other)
        return self

    def __mul__(self, times: int) -> PaperStore:
        return PaperStore(self._slots * times, self.segments)

    __rmul__ = __mul__

    @property
    def built(self) -> int:
        """How many papers are held as objects (made from their rows, or given as papers)."""
        return sum(type(slot) is not tuple for slot in self._slots)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PaperStore | list | tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        return f"PaperStore({len(self)} papers, {self.built} made)"

    def slots(self) -> list[Slot]:
        """The rows and papers as held (for another store to take them as they are)."""
        return self._slots

    def rows(self, start: int, end: int) -> list[Row]:
        """Papers ``start`` to ``end`` as rows (for the parse cache), papers turned back, and
        spilled abstracts read back as UTF-8 (a spill's codes mean nothing to another
        process)."""
        rows = [
            slot if type(slot) is tuple else paper_row(slot)  # type: ignore[arg-type]
            for slot in self._slots[start:end]
        ]
        held = [row[ABSTRACT] for row in rows]
        if int not in map(type, held):  # (checked in C)
            return rows
        return [
            (*row[:ABSTRACT], text, *row[ABSTRACT + 1 :]) if type(as_held) is int else row
            for row, as_held, text in zip(rows, held, held_texts(held, in_order=True), strict=True)
        ]

    def values(self, name: str, as_held: bool = False) -> list[Any]:
        """Every paper's value of one field, in order, without building papers for rows;
        ``as_held``: a wide abstract as its row holds it, UTF-8 (``rows.packed_text``)."""
        if name in _ROW_FORM_DIFFERS or name not in _PLACE:
            return list(map(attrgetter(name), self))
        place = _PLACE[name]
        try:  # all rows (a reopened library, until papers are made): read in C, 5x faster
            found = list(map(itemgetter(place), cast(list[Row], self._slots)))
        except TypeError:  # a paper among them: it has no items
            found = [s[place] if type(s) is tuple else getattr(s, name) for s in self._slots]
        if place == ABSTRACT and not as_held:  # (a string, or UTF-8: ``rows.packed_text``)
            return unpacked_texts(found)
        return found

    def value(self, index: int, name: str) -> Any:
        """One paper's value of one field, without building the paper from its row."""
        slot = self._slots[index]
        if type(slot) is tuple and name in _PLACE and name not in _ROW_FORM_DIFFERS:
            return unpacked_text(slot[ABSTRACT]) if name == "abstract" else slot[_PLACE[name]]
        return getattr(self[index], name)

    def days(self) -> list[int]:
        """Every paper's day (``date.toordinal()``), -1 when undated."""
        try:  # all rows: their day numbers read in C
            days = list(map(itemgetter(_DATE), cast(list[Row], self._slots)))
            return [-1 if day is None else day for day in days] if None in days else days
        except TypeError:  # a paper among them
            pass
        days = []
        for slot in self._slots:
            if type(slot) is tuple:
                day = slot[_DATE]
                days.append(-1 if day is None else day)
            else:
                date = slot.date  # type: ignore[union-attr]
                days.append(date.toordinal() if date else -1)
        return days


def spilled_out(papers: PaperStore, segment: int) -> tuple[bytes, array[int]] | None:
    """The store's abstracts taken out of its rows, as one UTF-8 ``bytes`` and each one's
    end in it, each row given its abstract's code in ``segment`` instead (``core.spill``);
    None, the store unchanged, when it holds papers rather than rows only, or too many."""
    slots = papers.slots()
    if any(type(slot) is not tuple for slot in slots):
        return None
    places = [place for place, row in enumerate(slots) if row[ABSTRACT]]  # type: ignore[index]
    if len(places) >= MAX_PLACES:
        return None
    texts = []
    for number, place in enumerate(places):
        row = cast(Row, slots[place])
        texts.append(row[ABSTRACT])
        slots[place] = (*row[:ABSTRACT], code(segment, number), *row[ABSTRACT + 1 :])
    return packed(texts)


def stored_as_rows(papers: Iterable[Paper | Row]) -> PaperStore:
    """Papers just parsed (a part of a large file), as a store of rows at once: the papers'
    memory is then reused by the next part's, not left in holes among the rows kept (after
    a first open of 250k papers, 463 MB kept where turning them into rows once all were
    read kept 529, and a reopen keeps 381). A worker process
    sends such a store back as rows (a third of the cost of pickling papers), sharing
    each venue and author name among the rows, and no paper is made of them until one
    is asked for."""
    strings: dict[str, str] = {}
    return store_of_rows(
        [
            shared_row(row, strings) if type(row) is tuple else paper_row(row, strings)  # type: ignore[arg-type]
            for row in papers
        ]
    )


def store_of_rows(rows: list[Row]) -> PaperStore:
    """``stored_as_rows`` for rows whose text is shared already (``rows.row_of_values``)."""
    store = PaperStore(rows)
    # Duplicate merging's title keys, made with the rows, on every core: the parts' stores
    # joined keep them (``extend``), so the parent works out none (0.15 s at 100k papers).
    store.title_keys = list(map(normalise_title, store.values("title")))
    return store


def compact(papers: MutableSequence[Paper]) -> None:
    """A store's papers turned into rows, like the rest of it (a parse's papers: made
    again only when asked for); a list's rebuilt in less memory (``rows.compact_papers``)."""
    if not isinstance(papers, PaperStore):
        compact_papers(papers)
        return
    slots = papers.slots()
    for place, slot in enumerate(slots):
        if type(slot) is not tuple:
            slots[place] = paper_row(slot)  # type: ignore[arg-type]


def index_of_id(papers: Sequence[Paper], paper_id: str) -> int | None:
    """Where the paper with ``paper_id`` is among ``papers``, or None. A store's, an
    ordering's or a search's papers are found by their rows' ids (7.5 ms in a listing of
    100k): looking at each paper in turn made a paper of every row before it, kept made
    (clearing a search at 100k papers made 51k of them in 0.3 s, and the collector's full
    passes on the keys typed next took 35-100 ms, not 10). ``index_after`` needs no id."""
    ordering = _ordering(papers)
    if ordering is not None:
        return ordering.index_of_id(paper_id)
    places = _places(field_values(papers, "id"), paper_id)
    return places[0] if places else None


def index_after(old: Sequence[Paper], old_index: int, new: Sequence[Paper]) -> int | None:
    """Where the paper at ``old_index`` (a row of ``old``) is in ``new``, or None. When both
    order the same papers (the search index's results and listings do), by its place
    among them: no id is read (reading a million ids took 0.1-0.25 s, on every space typed
    at 1M papers). Else by its id (``index_of_id``): from the listing shown before the
    index was ready, or results made of other papers."""
    old_order, new_order = _ordering(old), _ordering(new)
    if old_order is not None and new_order is not None and old_order.papers is new_order.papers:
        return new_order.index_of_place(old_order.place(old_index))
    return index_of_id(new, old[old_index].id)


def _ordering(papers: Sequence[Paper]) -> Ordered | None:
    """The ordering ``papers`` are (or a search's results are made of), if any."""
    if isinstance(papers, Ordered):
        return papers
    inner = getattr(papers, "ordering", None)
    return inner if isinstance(inner, Ordered) else None


def _places(values: list[Any], value: Any) -> list[int]:
    """Every index of ``value`` in ``values`` (found in C: ids are mostly unique)."""
    places: list[int] = []
    with contextlib.suppress(ValueError):
        while True:
            places.append(values.index(value, places[-1] + 1 if places else 0))
    return places


def value_at(papers: Sequence[Paper], position: int, name: str) -> Any:
    """One paper's field, read from its row when ``papers`` is a store (no paper made)."""
    if isinstance(papers, PaperStore):
        return papers.value(position, name)
    return getattr(papers[position], name)


def field_values(papers: Sequence[Paper], name: str, as_held: bool = False) -> list[Any]:
    """Every paper's value of one field (or property), in order: from a store's rows when
    it has them, else read off the papers with a C-level getter. ``as_held``: a wide
    abstract as its row holds it, UTF-8 (``rows.packed_text``), not decoded."""
    if isinstance(papers, PaperStore | Ordered):
        return papers.values(name, as_held)
    return list(map(attrgetter(name), papers))


def days_of(papers: Sequence[Paper]) -> list[int]:
    """Every paper's day (``date.toordinal()``), -1 when undated."""
    if isinstance(papers, PaperStore | Ordered):
        return papers.days()
    return [d.toordinal() if d else -1 for d in map(attrgetter("date"), papers)]


def years_of(papers: Sequence[Paper]) -> list[int | None]:
    """Every paper's ``year``, None when undated."""
    if not isinstance(papers, PaperStore | Ordered):
        return list(map(attrgetter("year"), papers))
    year_of: dict[int, int | None] = {-1: None}  # a library has a few thousand distinct days
    return [
        year_of[day] if day in year_of else year_of.setdefault(day, dt.date.fromordinal(day).year)
        for day in papers.days()
    ]


def fields_of(papers: Sequence[Paper], names: tuple[str, ...]) -> list[Any]:
    """For each paper, an object with just these attributes (``year`` among them if asked),
    read a column at a time: a store's rows make no paper (for code that reads a few fields
    of every paper: made one by one, a 100k library's papers were kept made, 85 MB)."""
    columns = [years_of(papers) if name == "year" else field_values(papers, name) for name in names]
    return list(map(_fields_type(names), *columns))


@lru_cache(maxsize=8)
def _fields_type(names: tuple[str, ...]) -> Any:
    return namedtuple("PaperFields", names)  # (the names known at run time)


def authors_texts(papers: Sequence[Paper]) -> list[str]:
    """Every paper's ``authors_text()``, without building papers for a store's rows."""
    return list(map(joined_authors, field_values(papers, "authors"), field_values(papers, "et_al")))


class Ordered(Sequence[Paper]):
    """Papers in a given order (a list or numpy array of positions), without building a
    list of them: a search's or listing's results read only the papers they show."""

    def __init__(self, papers: Sequence[Paper], order: Sequence[int] | Any) -> None:
        self._papers = papers
        self._order = order

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, index: int) -> Paper: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Paper]: ...
    def __getitem__(self, index: int | slice) -> Paper | Sequence[Paper]:
        if isinstance(index, slice):
            return [self._papers[int(i)] for i in self._order[index]]
        return self._papers[int(self._order[index])]

    def positions(self) -> list[int]:
        order = self._order
        return order.tolist() if hasattr(order, "tolist") else list(order)

    @property
    def papers(self) -> Sequence[Paper]:
        """The papers this order picks from."""
        return self._papers

    def place(self, index: int) -> int:
        """The place among ``papers`` of this order's paper at ``index``."""
        return int(self._order[index])

    def index_of_place(self, place: int) -> int | None:
        """Where the paper at ``place`` among ``papers`` is in this order, or None."""
        order = self._order
        if hasattr(order, "nonzero"):  # a numpy array (imported by whoever made it)
            found = cast(Any, order == place).nonzero()[0]
            return int(found[0]) if len(found) else None
        try:
            return int(order.index(place))  # a list, tuple or range: no copy
        except ValueError:
            return None

    def index_of_id(self, paper_id: str) -> int | None:
        """Where the first paper with this id is in this order: its places among all the
        papers (read from their rows), then the first of them found in the order."""
        places = _places(field_values(self._papers, "id"), paper_id)
        found = [index for index in map(self.index_of_place, places) if index is not None]
        return min(found, default=None)

    def value(self, index: int, name: str) -> Any:
        return value_at(self._papers, int(self._order[index]), name)

    def values(self, name: str, as_held: bool = False) -> list[Any]:
        every = field_values(self._papers, name, as_held)
        return [every[i] for i in self.positions()]

    def days(self) -> list[int]:
        every = days_of(self._papers)
        return [every[i] for i in self.positions()]


def title_keys(papers: Sequence[Paper]) -> list[str]:
    """Each paper's title as merging compares it: a store's own when it knows them."""
    known = papers.title_keys if isinstance(papers, PaperStore) else None  # (read once: spilled)
    if known is not None:
        return known
    return list(map(normalise_title, field_values(papers, "title")))
