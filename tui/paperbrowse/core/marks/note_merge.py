"""Merging two windows' edits of one note, line by line, without losing either.

A three-way merge (as ``diff3`` and git do it): each window's text is
compared with the text both started from. Lines only one side changed are
taken from that side; where both changed the same lines differently, both
versions are kept between git-style marker lines naming which is which::

    <<<<<<< one window, saved 2026-12-04 10:20:05 UTC
    what this window typed
    =======
    what another window had saved
    >>>>>>> another window, saved 2026-12-04 10:19:58 UTC

Two refinements keep marker lines from piling up when two windows go on
typing (markers are text too, and the next merge sees them):
- lines both sides added at one place, changing nothing else, are kept
  one after the other (theirs, then ours): both are additions, nothing to choose;
- when one side only added lines around lines the other side edited (as a
  window does that wrapped the other's text in markers), the edit goes inside.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

OURS_MARKER = "<<<<<<< "
DIVIDER = "======="
THEIRS_MARKER = ">>>>>>> "

Lines = Sequence[str]


@dataclass(frozen=True)
class Merged:
    text: str
    conflicts: int  # places both sides changed differently, now between marker lines


def merge_notes(base: str, ours: str, theirs: str, ours_label: str, theirs_label: str) -> Merged:
    """``ours`` and ``theirs`` were both edited from ``base``: one text holding both edits."""
    # split("\n") rather than splitlines(): a last line without a newline stays
    # equal to the same line followed by more lines.
    parts: list[str] = []
    conflicts = 0
    for base_part, our_part, their_part in _regions(
        base.split("\n"), ours.split("\n"), theirs.split("\n")
    ):
        resolved = _resolve(base_part, our_part, their_part)
        if resolved is None:
            conflicts += 1
            parts += [
                OURS_MARKER + ours_label,
                *our_part,
                DIVIDER,
                *their_part,
                THEIRS_MARKER + theirs_label,
            ]
        else:
            parts += resolved
    return Merged("\n".join(parts), conflicts)


def has_conflict_markers(text: str) -> bool:
    lines = text.split("\n")
    return any(line.startswith(OURS_MARKER) for line in lines) and any(
        line.startswith(THEIRS_MARKER) for line in lines
    )


def _resolve(base: Lines, ours: Lines, theirs: Lines) -> list[str] | None:
    """One region's merged lines, or None when both sides changed it differently."""
    if ours == theirs or theirs == base:
        return list(ours)
    if ours == base:
        return list(theirs)
    if not base:  # both only added lines here
        return [*theirs, *ours]
    inside = _wrap(base, ours, theirs)
    if inside is None:
        inside = _wrap(base, theirs, ours)
    return inside


def _wrap(base: Lines, edited: Lines, wrapping: Lines) -> list[str] | None:
    """``wrapping`` only added lines around ``base``: ``edited`` goes in its place."""
    size = len(base)
    for start in range(len(wrapping) - size + 1):
        if list(wrapping[start : start + size]) == list(base):
            return [*wrapping[:start], *edited, *wrapping[start + size :]]
    return None


def _regions(base: Lines, ours: Lines, theirs: Lines) -> list[tuple[Lines, Lines, Lines]]:
    """The three texts cut into aligned regions: (base, ours, theirs) for each.

    Regions where all three agree alternate with regions where one or both
    sides differ from the base (the sync-region walk of bzr's merge3).
    """
    regions: list[tuple[Lines, Lines, Lines]] = []
    at_base = at_ours = at_theirs = 0
    for base_start, base_end, ours_start, theirs_start in _sync_regions(base, ours, theirs):
        if (base_start, ours_start, theirs_start) != (at_base, at_ours, at_theirs):
            regions.append(
                (base[at_base:base_start], ours[at_ours:ours_start], theirs[at_theirs:theirs_start])
            )
        size = base_end - base_start
        if size:
            same = base[base_start:base_end]
            regions.append((same, same, same))
        at_base, at_ours, at_theirs = base_end, ours_start + size, theirs_start + size
    return regions


def _sync_regions(base: Lines, ours: Lines, theirs: Lines) -> list[tuple[int, int, int, int]]:
    """Runs of base lines that both sides kept: (base start, base end, ours start, theirs start).

    Ends with an empty run at the ends of all three, so the last region is closed.
    """
    ours_blocks = SequenceMatcher(None, base, ours, autojunk=False).get_matching_blocks()
    theirs_blocks = SequenceMatcher(None, base, theirs, autojunk=False).get_matching_blocks()
    runs: list[tuple[int, int, int, int]] = []
    i = j = 0
    while i < len(ours_blocks) and j < len(theirs_blocks):
        ours_base, ours_at, ours_size = ours_blocks[i]
        theirs_base, theirs_at, theirs_size = theirs_blocks[j]
        start = max(ours_base, theirs_base)
        end = min(ours_base + ours_size, theirs_base + theirs_size)
        if start < end:
            runs.append((start, end, ours_at + start - ours_base, theirs_at + start - theirs_base))
        if ours_base + ours_size < theirs_base + theirs_size:
            i += 1
        else:
            j += 1
    runs.append((len(base), len(base), len(ours), len(theirs)))
    return runs
