"""References for a big selection rendered on every core, in the same order and words.

citeproc-py renders each reference from that paper's data alone, with two exceptions:
the order of a sorted style (APA, Chicago, MLA, ACL, Harvard, ACM), which needs every
paper's sort keys, and a numbered style's number (IEEE, Nature, ACM), which is the
paper's place in that order. So the items are cut into parts; each part is rendered in
a worker process (``formats.pool``: this process works from the front, the workers from
the back) with its first sort key, numbered on from where the part starts; the later
keys are worked out here for the few papers that tie on the keys before them
(``speedups.tied_columns``), and the keys put the references in citeproc-py's order,
compared as citeproc-py compares them (``speedups.sorted_order``).

A style that both sorts and numbers (ACM) would need its order before any reference is
rendered; it is rendered in this process, as are selections too small to be worth
starting a worker (0.3-0.5 s each), a style without a file, and any citeproc-py but
the one whose comparison ``speedups`` copies.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from paperbrowse.core.cite.speedups import (
    descending,
    sorted_order,
    tied_columns,
    written_for_this_citeproc,
)
from paperbrowse.core.cite.styles import Style
from paperbrowse.core.formats.pool import run_parts

# Papers below which references are rendered in this process: at about 1,000 papers a
# second on a core, a worker starting in 0.3-0.5 s helps only beyond that.
POOL_MIN_PAPERS = 2000
# Papers per part: small enough that this process and the workers finish together.
PART_PAPERS = 500

PartWork = Callable[..., tuple[list[str], list[Any]]]
TiedValues = Callable[[list[dict[str, Any]], int], list[Any]]


def _sort_of(style: Style) -> Any:
    """The ``cs:sort`` of the style's bibliography, or None."""
    bibliography = style.csl.root.bibliography
    return bibliography.find("cs:sort", bibliography.nsmap)


def _numbered(style: Style) -> bool:
    """Whether the style prints (or sorts by) a reference's number anywhere."""
    return bool(style.csl.root.xpath("//@*[. = 'citation-number']"))


def sort_values(style: Style, items: list[Any], index: int) -> list[Any]:
    """Sort key ``index``'s values for citeproc-py's items, as its ``cs:sort`` works them
    out."""
    sort = _sort_of(style)
    layout = style.csl.root.bibliography.layout
    return list(sort.findall("cs:key", sort.nsmap)[index].sort_keys(items, layout))


def entries_on_cores(
    items: list[dict[str, Any]],
    style: Style,
    form: str,
    work: PartWork,
    tied: TiedValues,
    finish: tuple[Any, ...] = (),
) -> list[str] | None:
    """citeproc-py's references of the CSL items in the style's order, rendered by
    ``work`` (``references.entries_part``, given ``finish`` too: what it needs to finish
    each reference there) in parts on every core, with their first sort key;
    ``tied(items, key index)`` works out a later key here, for the items that tie on
    the keys before it. None when they are better rendered in this process (see above)
    or no worker starts."""
    if len(items) < POOL_MIN_PAPERS or not style.path or not written_for_this_citeproc():
        return None
    sort = _sort_of(style)
    if sort is not None and _numbered(style):
        return None
    parts: list[tuple[Any, ...]] = [
        (style.path, form, items[first : first + PART_PAPERS], first, sort is not None, *finish)
        for first in range(0, len(items), PART_PAPERS)
    ]
    sizes = [len(part[2]) for part in parts]
    done = run_parts(work, parts, sizes)
    if done is None:
        return None
    entries = [entry for part_entries, _ in done for entry in part_entries]
    if sort is None:
        return entries
    flags = descending(sort)
    first = [value for _, part_first in done for value in part_first]

    def values(index: int, numbers: list[int]) -> list[Any]:
        if index == 0:
            return [first[number] for number in numbers]
        return tied([items[number] for number in numbers], index)

    columns = tied_columns(len(flags), len(entries), values)
    return [entries[number] for number in sorted_order(len(entries), columns, flags)]
