"""A large file's parts parsed on every core, their abstracts spilled to a file (``core.spill``).

Whoever parses a part (this process or a worker) takes its abstracts out of its rows,
as one UTF-8 ``bytes``, and gives each row a code instead (``store.spilled_out``); this
process writes those bytes to its spill file as each part comes in (``run_parts``'s
``receive``). A worker's abstracts thus never become strings here, and this process's
own are freed part by part: a million papers' first open holds none of their 460 MB.

Files under ``SPILL_MIN_CHARS`` keep their abstracts in memory, as do parses on one
core and a parse whose spill file cannot be made or written.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from typing import Any

from paperbrowse.core.formats.pool import Progress, run_parts
from paperbrowse.core.rows import ABSTRACT, packed_text
from paperbrowse.core.spill import (
    MAX_PLACES,
    PLACE_BITS,
    SpilledLines,
    SpillFile,
    joined_lines,
    keep,
    new_segments,
    open_spill,
    span,
)
from paperbrowse.core.store import PaperStore, spilled_out

# Smaller files keep their abstracts in memory: the ACL Anthology's .bib (31 MB, 22k papers)
# holds 13 MB of them, and its first open is timed to the tenth of a second.
SPILL_MIN_CHARS = 48 << 20


def run_parts_spilling(
    work: Callable[..., Any],
    parts: list[tuple[Any, ...]],
    sizes: Sequence[int],
    progress: Progress | None,
) -> list[Any] | None:
    """``run_parts(work, parts, sizes, progress)``, each part's abstracts spilled when the
    parts are large enough and a spill file can be made. ``work``'s outcome gives its papers
    as ``spillable`` (a store of rows, or None)."""
    spill = open_spill() if sum(sizes) >= SPILL_MIN_CHARS else None
    if spill is None:
        return run_parts(work, parts, sizes, progress)
    # In place: ``run_parts`` empties the list it is given as parts are done.
    parts[:] = [
        (work, segment, *part)
        for segment, part in zip(new_segments(len(parts)), parts, strict=True)
    ]
    done = run_parts(spilled_part, parts, sizes, progress, lambda reply: _kept(spill, reply))
    if done is None:  # no worker started, nothing done: the parts as they were, for the caller
        parts[:] = [part[2:] for part in parts]
    return done


def spilled_part(work: Callable[..., Any], segment: int, *arguments: Any) -> tuple[Any, ...]:
    """``work(*arguments)`` with its papers' abstracts taken out, and their title keys
    after them (wherever it runs): ``(outcome, segment, blob, ends, keys)``, ``keys`` the
    number of title keys at the end of ``blob`` (``spill.joined_lines``), if any."""
    outcome = work(*arguments)
    papers = getattr(outcome, "spillable", None)
    taken = spilled_out(papers, segment) if isinstance(papers, PaperStore) else None
    if taken is None or not isinstance(papers, PaperStore):
        return outcome, segment, b"", None, 0
    blob, ends = taken
    keys = papers.title_keys
    joined = None if keys is None else joined_lines(keys)
    if keys is None or joined is None:
        return outcome, segment, blob, ends, 0
    papers.title_keys = None
    return outcome, segment, blob + joined, ends, len(keys)


def _kept(spill: SpillFile, reply: tuple[Any, int, bytes, array[int] | None, int]) -> Any:
    """A part's outcome, its abstracts and title keys written to the spill file (in this
    process)."""
    outcome, segment, blob, ends, keys = reply
    if ends is None:
        return outcome
    papers: PaperStore = outcome.spillable
    try:
        kept = keep(spill, segment, blob, ends)
    except OSError:  # a full disk, say: the abstracts and keys stay in memory
        _put_back(papers, segment, blob, ends, keys)
        return outcome
    papers.hold(kept)
    start = kept.start
    if keys:
        after = ends[-1] if ends else 0
        papers.spill_title_keys(SpilledLines(spill, start + after, start + len(blob), keys))
    return outcome


def _put_back(papers: PaperStore, segment: int, blob: bytes, ends: array[int], keys: int) -> None:
    """The abstracts of ``segment`` put back into its rows, as they held them before, and
    its title keys."""
    slots = papers.slots()
    for place, row in enumerate(slots):
        held = row[ABSTRACT]  # type: ignore[index]
        if type(held) is int and held >> PLACE_BITS == segment:
            begin, end = span(ends, held & (MAX_PLACES - 1))
            text = blob[begin:end].decode("utf-8", "surrogatepass")
            slots[place] = (*row[:ABSTRACT], packed_text(text), *row[ABSTRACT + 1 :])  # type: ignore[index]
    if keys:
        after = ends[-1] if ends else 0
        papers.title_keys = blob[after:].decode("utf-8", "surrogatepass").split("\n")
