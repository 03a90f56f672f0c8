"""The marks filters of a search: ``is:bookmarked``, ``is:read``, ``is:unread``,
``has:note``, ``has:tag`` and ``tag:NAME`` (case- and accent-blind).

Each filter is a test on one paper's marks, usable with any source of marks: the
store's (``Store.predicate``, which the search registers) or ``paperbrowse notes``.
Imports only ``paperbrowse.core.models``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from paperbrowse.core.models import fold


class MarksLike(Protocol):
    """What a filter reads of one paper's marks (``store.Marks`` has it all)."""

    @property
    def bookmarked(self) -> bool: ...
    @property
    def read(self) -> bool: ...
    @property
    def tags(self) -> tuple[str, ...]: ...
    @property
    def has_note(self) -> bool: ...
    def has_tag(self, tag: str) -> bool: ...


MarksTest = Callable[[MarksLike], bool]

_IS_FILTERS: dict[str, MarksTest] = {
    "bookmarked": lambda m: m.bookmarked,
    "read": lambda m: m.read,
    "unread": lambda m: not m.read,
}
_HAS_FILTERS: dict[str, MarksTest] = {
    "note": lambda m: m.has_note,
    "tag": lambda m: bool(m.tags),
    "tags": lambda m: bool(m.tags),
}
FILTER_NAMES = (
    "is:bookmarked",
    "is:read",
    "is:unread",
    "has:note",
    "has:tag",
    "tag:NAME",
)


def marks_test(key: str, value: str) -> MarksTest | None:
    """The test on a paper's marks for the filter ``key:value``; None when it is not ours."""
    key, wanted = fold(key), fold(value)
    if key == "is":
        return _IS_FILTERS.get(wanted)
    if key == "has":
        return _HAS_FILTERS.get(wanted)
    if key == "tag" and wanted:
        return lambda marks: marks.has_tag(wanted)
    return None
