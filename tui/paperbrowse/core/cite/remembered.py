"""The last big selections' references, for the same selection copied or exported again.

Exporting a reference list twice (``e``, then again in HTML; ``C`` after ``e``) renders
nothing the second time. A selection is the same when it holds the same paper objects in
the same order: papers are frozen, so the same objects have the same text, and a reload
makes new ones. The style is the same when its file and its modification time are.
The lists hold their papers, so only the last few are kept.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence

from paperbrowse.core.cite.styles import Style
from paperbrowse.core.models import Paper

# Papers below which a list is not kept: a few hundred references render in well under a
# second, and each kept list holds its papers alive.
REMEMBER_MIN_PAPERS = 200
KEPT_LISTS = 2

_Key = tuple[str, int, str, int]
_lists: OrderedDict[_Key, tuple[tuple[Paper, ...], tuple[str, ...]]] = OrderedDict()
_lock = threading.Lock()  # the app renders in worker threads


def _key(papers: Sequence[Paper], style: Style, form: str) -> _Key | None:
    if len(papers) < REMEMBER_MIN_PAPERS or not style.path:
        return None
    try:
        modified = os.stat(style.path).st_mtime_ns
    except OSError:
        return None
    return style.path, modified, form, len(papers)


def remembered(papers: Sequence[Paper], style: Style, form: str) -> list[str] | None:
    """The references rendered last time for these very papers, style and form, or None."""
    key = _key(papers, style, form)
    if key is None:
        return None
    with _lock:
        found = _lists.get(key)
        if found is None:
            return None
        kept_papers, entries = found
        if not all(kept is paper for kept, paper in zip(kept_papers, papers, strict=True)):
            return None
        _lists.move_to_end(key)
        return list(entries)


def remember(papers: Sequence[Paper], style: Style, form: str, entries: Sequence[str]) -> None:
    key = _key(papers, style, form)
    if key is None:
        return
    with _lock:
        _lists[key] = (tuple(papers), tuple(entries))
        _lists.move_to_end(key)
        while len(_lists) > KEPT_LISTS:
            _lists.popitem(last=False)


def forget() -> None:
    """Keep no list (for benchmarks that time rendering)."""
    with _lock:
        _lists.clear()
