"""Memory handling for large libraries: the garbage collector kept off the hot paths, and
the pages of mapped cache files not kept counted against the process.

Building a library makes hundreds of thousands of objects that live as long as
the app. A collection pass over them finds nothing and costs seconds while
they are made (``gc_paused``) and 0.2-1.3 s on a keystroke afterwards
(``freeze_heap`` takes them out of future passes).
"""

from __future__ import annotations

import contextlib
import gc
import mmap
import zlib
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No collector passes while a large library is built: they cost seconds, find nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# Set by ``pause_from_launch``: the collector is off until ``resume_after_launch``.
_paused_from_launch = False


def pause_from_launch() -> None:
    """The collector off from the app's launch until the code that reads a library is
    imported (``resume_after_launch``).

    A launch imports Textual, pydantic and the app, and draws its first screen: objects
    that nearly all live as long as the app. Passes over them found next to nothing and
    took 35-38 ms of the bundled profile's 0.35 s launch, one full pass 17-19 ms of it
    (measured; the bare Textual app's took 10 ms)."""
    global _paused_from_launch
    if gc.isenabled():
        gc.disable()
        _paused_from_launch = True


def resume_after_launch(freeze: bool = True) -> None:
    """The collector on again after ``pause_from_launch``; ``freeze``: what the launch made
    frozen first, so that its passes look at newer objects only. (Before a library is
    read: reading one relies on cheap passes over the newest objects, ``collect_young``.)"""
    global _paused_from_launch
    if _paused_from_launch:
        _paused_from_launch = False
        if freeze:
            gc.freeze()
        gc.enable()


# Full passes of the collector, once the heap is frozen: one per this many passes over
# the middle generation (CPython's default is 10; Python 3.14's collector ignores it).
# Typing keeps some 30k of Textual's objects alive in its line caches, which each full
# pass scans (7-20 ms on 2 cores at 100k papers): with the default, about one key in
# twenty paid for one (``profile_keys.py``); with this, one in two hundred.
FULL_PASS_EVERY = 100

# Set by ``thaw_heap``: the next freeze collects first. A reload thaws the heap, and the
# library it replaces is garbage held in reference cycles (its filters hold its methods),
# which nothing would collect once frozen again: 3 reloads kept 3 libraries.
_thawed = False


def freeze_heap() -> None:
    """Exempt everything alive from future collections; and give the memory freed while
    building back to the system. After ``thaw_heap``, one full pass first.

    With a few hundred thousand objects alive, a full collection pauses for 0.2-1.3 s and
    lands on whatever keystroke triggers it; the library's objects live as long as the
    app, so there is nothing to gain from scanning them again. (No collection first: it
    would cost 0.2 s at 100k papers to find next to nothing.) Later full passes are made
    rarer (``FULL_PASS_EVERY``). glibc keeps the index
    build's freed temporaries (about 180 MB at 100k papers) unless asked to trim.
    """
    global _thawed
    if _thawed:
        _thawed = False
        gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_PASS_EVERY)
    give_back_freed()


def give_back_freed() -> None:
    """Return to the system the memory freed in this process that glibc keeps for reuse.

    A large parse frees as much as it keeps (its text, the workers' replies, the rows
    cached): glibc holds on to it, fragmented, and the index built next takes fresh
    memory beside it (peak 540 MB at 100k papers first opened, 430 MB with this).
    """
    import ctypes  # here, not at the top: the app imports this module before its first screen

    # Not glibc: nothing to call, and that allocator returns memory by itself.
    with contextlib.suppress(AttributeError, OSError):
        ctypes.CDLL(None).malloc_trim(0)


def thaw_heap() -> None:
    """Undo ``freeze_heap`` before a reload: the old library's objects may then be
    collected once the new ones replace them (at the next ``freeze_heap``)."""
    global _thawed
    gc.unfreeze()
    _thawed = True


def collect_young() -> None:
    """One pass over the youngest generation only: objects made since the last pass.

    For code that leaves short reference cycles behind while the collector is paused
    (``gc_paused``); it costs microseconds, where a full pass costs seconds.
    """
    gc.collect(0)


# Bytes of a mapped file read (checksummed, unpickled) between giving its pages back.
MAPPED_STEP = 16 << 20


def crc_of_mapped(mapped: mmap.mmap, start: int, end: int) -> int:
    """The CRC-32 of ``mapped[start:end]``, its pages given back as it goes
    (``let_go_of_mapped``): a checksum of a 500 MB index entry would otherwise leave
    all of it counted in this process's resident memory until the mapping is closed."""
    crc = 0
    with memoryview(mapped) as view:
        for step in range(start, end, MAPPED_STEP):
            crc = zlib.crc32(view[step : min(end, step + MAPPED_STEP)], crc)
            let_go_of_mapped(mapped, step, min(end, step + MAPPED_STEP))
    return crc


def let_go_of_mapped(mapped: mmap.mmap, start: int, end: int) -> None:
    """Tell the system this process is done, for now, with the mapped file's pages from
    ``start`` to ``end``. They stay in the page cache (free to be dropped under memory
    pressure, unlike the process's own memory) and come back, without reading the disk,
    when touched again; meanwhile they are not part of this process's resident set.

    Pages read through a mapping stay counted in the reader's resident memory while it
    stays mapped: the saved index of a million papers added 550 MB to the reopen's peak
    this way, most of it pages only the checksum ever read."""
    advice = getattr(mmap, "MADV_DONTNEED", None)
    first = start - start % mmap.PAGESIZE  # (the advice takes whole pages)
    if advice is None or end <= first:
        return
    with contextlib.suppress(OSError, ValueError):
        mapped.madvise(advice, first, end - first)
