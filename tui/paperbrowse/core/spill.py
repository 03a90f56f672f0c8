"""Abstracts of a large library kept in a file rather than in memory, read back when asked for.

A large library's abstracts are half of its papers' memory (460 of 1,400 bytes a paper
at 100k) and are read for a few papers at a time: the paper shown, an export. When a
large file is parsed in parts (``formats.pool``), each part's abstracts go, as UTF-8, to
a spill file of this process's, and its rows hold a *code* for each instead: an int
naming the part (a *segment*) and the abstract's place in it. The parse's workers send a
part's abstracts as one ``bytes`` (no string made of them here), and this process writes
it to the file as it comes in. A row's abstract is thus ``None``, a string, UTF-8 bytes
(``rows.packed_text``) or such an int, and ``rows.unpacked_text`` reads all four.

Codes mean something in this process only: rows leaving it (the parse cache, the index's
worker processes) carry their text again (``held_texts``). A large parse cache entry keeps
its abstracts apart from its rows, and its reopened rows hold codes for them too, read
from the entry's file, kept open (``kept_at``). A parse's title keys, kept only for merging
and for its cache entry, can be spilled as lines (``spilled_lines``).

A segment stays readable while a store holding its codes lives (``PaperStore.segments``:
stores made from another's rows take its segments along). Once none does (a library
replaced by a reload, say), the segment is forgotten, and its spill file closed, its
space freed, once it has no segment left.

The spill file has no name (``tempfile.TemporaryFile``): it goes when it is closed or when
this process ends, whatever way it ends. It is made in the cache folder, never in
``/tmp``, which may be memory itself. Where no file can be made there, or the system has
no ``os.pread``, the abstracts stay in memory, as for a small library.

Imports only ``core.locations``.
"""

from __future__ import annotations

import itertools
import os
import tempfile
import threading
import weakref
from array import array
from collections.abc import Sequence
from typing import IO, Any, NamedTuple

from paperbrowse.core.locations import cache_dir

# A code is (segment << PLACE_BITS) | place: a part is about a megabyte of text, so far
# fewer papers than this (a part holding more keeps its abstracts in memory).
PLACE_BITS = 20
MAX_PLACES = 1 << PLACE_BITS
_PLACE_MASK = MAX_PLACES - 1

_segment_numbers = itertools.count(1)  # codes start past 1 << PLACE_BITS: never a small int
_numbering = threading.Lock()


def span(ends: array[int], place: int) -> tuple[int, int]:
    """Where the text at ``place`` starts and ends, given each text's end (``packed``)."""
    return (ends[place - 1] if place else 0), ends[place]


class SpillFile:
    """A file of abstracts, written a segment at a time and read back by offset (or a
    parse cache entry, only read: ``kept_at``)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream  # kept open: the file goes when it is closed (or the process ends)
        self.fd = stream.fileno()
        self._size = 0
        self._lock = threading.Lock()

    def append(self, blob: bytes) -> int:
        """Write ``blob`` at the file's end; where it starts."""
        with self._lock:
            start = self._size
            self._size += len(blob)
        written = 0
        while written < len(blob):  # (the write may be cut short by a signal)
            written += os.pwrite(self.fd, memoryview(blob)[written:], start + written)
        return start

    def read(self, start: int, end: int) -> bytes:
        return os.pread(self.fd, end - start, start)


class Segment:
    """One part's abstracts in a spill file: where they start, and each one's end. Held by
    the stores whose rows hold its codes (``PaperStore.segments``), and only by them."""

    __slots__ = ("__weakref__", "ends", "fd", "file", "number", "start")

    def __init__(self, file: SpillFile, number: int, start: int, ends: array[int]) -> None:
        self.file = file
        self.fd = file.fd  # (read straight, for ``held_texts``)
        self.number = number  # (its registration's key: ``_registered``)
        self.start = start
        self.ends = ends  # relative to ``start``

    def __deepcopy__(self, memo: dict[int, Any]) -> Segment:
        return self  # (never changed: a copied store reads from the same one)

    def __reduce__(self) -> Any:
        raise TypeError(
            "spilled abstracts' codes mean nothing to another process: pickle the store's "
            "rows() (their text read back), not the store"
        )

    @property
    def size(self) -> int:
        """The bytes of all the segment's abstracts."""
        return self.ends[-1] if self.ends else 0

    def whole(self) -> bytes:
        """All the segment's abstracts' UTF-8, one after another."""
        return self.file.read(self.start, self.start + self.size)

    def bounds(self, place: int) -> tuple[int, int]:
        begin, end = span(self.ends, place)
        return self.start + begin, self.start + end


# Each segment by its number, while a store holds it: a weak reference, dropped from here
# once the segment is gone (``_gone``). A lookup is a dict's and a call, in C.
_segments: dict[int, weakref.ref[Segment]] = {}


def _gone(number: int, reference: weakref.ref[Segment]) -> None:
    """No store holds segment ``number`` any more: its codes are read nowhere now. (No lock
    taken: this may run wherever the last store went, inside ``_registered`` too.)"""
    if _segments.get(number) is reference:
        _segments.pop(number, None)


def _registered(segment: Segment) -> Segment:
    """``segment`` readable by its number from here on; or, when a segment of that number is
    already (a part kept twice), that one."""
    with _numbering:
        held = _alive(segment.number)
        if held is not None:
            return held
        number = segment.number
        _segments[number] = weakref.ref(segment, lambda reference: _gone(number, reference))
        return segment


def _alive(number: int) -> Segment | None:
    """Segment ``number``, if a store still holds it."""
    found = _segments.get(number)
    return None if found is None else found()


def _segment(number: int) -> Segment:
    held = _alive(number)
    if held is None:  # (none of that number, or gone, its weak reference not yet dropped)
        raise KeyError(number)
    return held


def new_segments(count: int) -> range:
    """``count`` segment numbers no other part of this process has."""
    with _numbering:
        first = next(_segment_numbers)
        for _ in range(count - 1):
            next(_segment_numbers)
    return range(first, first + count)


def code(segment: int, place: int) -> int:
    return (segment << PLACE_BITS) | place


def packed(texts: Sequence[str | bytes]) -> tuple[bytes, array[int]]:
    """Texts (strings, or UTF-8 already) as one UTF-8 ``bytes``, and each one's end in it
    (lone surrogates, from JSON escapes, kept as ``rows.packed_text`` keeps them)."""
    pieces = [
        text if type(text) is bytes else text.encode("utf-8", "surrogatepass")  # type: ignore[union-attr]
        for text in texts
    ]
    ends = array("Q", itertools.accumulate(map(len, pieces)))
    return b"".join(pieces), ends


def open_spill() -> SpillFile | None:
    """A new spill file in the cache folder; None where none can be made (or read by
    offset): the abstracts then stay in memory."""
    if not hasattr(os, "pread") or not hasattr(os, "pwrite"):
        return None
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return SpillFile(tempfile.TemporaryFile(dir=folder, prefix=".spill-"))
    except OSError:
        return None


def keep(file: SpillFile, number: int, blob: bytes, ends: array[int]) -> Segment:
    """A part's abstracts written to ``file`` as segment ``number``, whose codes read from
    here on, while the segment is held (the store of the part's rows must hold it:
    ``PaperStore.hold``). A segment kept twice (a part redone after its worker was late)
    keeps the first."""
    with _numbering:
        held = _alive(number)
    if held is not None:  # (its bytes not written again)
        return held
    return _registered(Segment(file, number, file.append(blob), ends))


def kept_at(file: SpillFile, number: int, start: int, ends: array[int]) -> Segment:
    """Abstracts already in ``file`` (a parse cache entry's), from ``start``: their codes
    in segment ``number`` read from here on, while it is held (as ``keep``'s)."""
    return _registered(Segment(file, number, start, ends))


def spilled_bytes(value: int) -> bytes:
    """The UTF-8 of the abstract a code names."""
    segment = _segment(value >> PLACE_BITS)
    start, end = segment.bounds(value & _PLACE_MASK)
    return segment.file.read(start, end)


def spilled_text(value: int) -> str:
    return spilled_bytes(value).decode("utf-8", "surrogatepass")


def held_texts(values: Sequence[Any], in_order: bool = False) -> list[Any]:
    """The values with each code replaced by its abstract's UTF-8, strings and bytes kept as
    they are. ``in_order``: the codes come as the file holds them (a store's rows, for its
    cache entry), and each segment is read whole, once; else each abstract is read alone
    (one ``pread``, the file in the system's cache), as the index reads them, newest first.
    (Spelled out: a million papers' index reads a million codes.)"""
    found: list[Any] = []
    append = found.append
    segments, pread = _segments, os.pread
    whole_number, whole = -1, b""  # (``in_order``) the segment read whole, and its bytes
    for value in values:
        if type(value) is not int:
            append(value)
            continue
        number, place = value >> PLACE_BITS, value & _PLACE_MASK
        segment = segments[number]()
        if segment is None:
            raise KeyError(number)
        begin, end = span(segment.ends, place)
        if not in_order:
            append(pread(segment.fd, end - begin, segment.start + begin))
            continue
        if number != whole_number:
            whole_number, whole = number, segment.whole()
        append(whole[begin:end])
    return found


class HeldTexts(list[Any]):
    """A field's texts as held, which pickle with their codes' abstracts read (for a worker
    process, which cannot read this one's spill file)."""

    def __reduce__(self) -> tuple[type[list[Any]], tuple[list[Any]]]:
        return list, (held_texts(self),)


def held_length(value: int) -> int:
    """The length of the UTF-8 of the abstract a code names."""
    start, end = _segment(value >> PLACE_BITS).bounds(value & _PLACE_MASK)
    return end - start


def total_length(values: Sequence[Any]) -> int:
    """The summed length of texts as held: a string's characters, UTF-8's bytes; for codes,
    their segments' bytes, each counted once (exact when every abstract of a segment is
    there, as in a library's index: it sizes the index's runs)."""
    try:
        return sum(map(len, values))  # (no code among them: in C)
    except TypeError:
        pass
    numbers = {value >> PLACE_BITS for value in values if type(value) is int}
    texts = sum(len(value) for value in values if type(value) is not int)
    return texts + sum(_segment(number).size for number in numbers)


class SpilledLines(NamedTuple):
    """Lines of text (a parse's title keys, kept for its cache entry) in a spill file."""

    file: SpillFile
    start: int
    end: int
    lines: int


def joined_lines(lines: list[str]) -> bytes | None:
    """``lines`` as one UTF-8 ``bytes``, for ``read_lines``; None when one holds a line end."""
    joined = "\n".join(lines)
    if not lines or joined.count("\n") != len(lines) - 1:
        return None
    return joined.encode("utf-8", "surrogatepass")


def spilled_lines(lines: list[str]) -> SpilledLines | None:
    """``lines`` (none holding a line end) written to a new spill file; None when one
    holds one, or no file can be made or written: they then stay where they are."""
    blob = joined_lines(lines)
    file = None if blob is None else open_spill()
    if blob is None or file is None:
        return None
    try:
        start = file.append(blob)
    except OSError:
        return None
    return SpilledLines(file, start, start + len(blob), len(lines))


def read_lines(spilled: SpilledLines) -> list[str]:
    """The lines ``spilled_lines`` wrote, as they were."""
    text = spilled.file.read(spilled.start, spilled.end).decode("utf-8", "surrogatepass")
    return text.split("\n")
