"""The filters one library's searches know beyond the built-in ones (``is:``, ``tag:``, ...).

Each ``Library`` (and each ``SearchIndex``) has its own ``FilterRegistry``, so two
libraries open in one process never answer each other's filters: the marks store
registers ``is:read`` on the library it marks. The handlers' contract is in
``filters``. No numpy here: a library holds its registry before its index exists.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass

from paperbrowse.core.models import Paper

PaperTest = Callable[[Paper], bool]
FilterHandler = Callable[[str], "Collection[str] | PaperTest | None"]


class NoPapers(frozenset[str]):
    """A handler's answer: no paper, and why (a note beside the search's results), where
    leaving the filter out would list every paper: ``cites:`` a paper the library lacks."""

    why: str

    def __new__(cls, why: str) -> NoPapers:
        answer = super().__new__(cls)
        answer.why = why
        return answer


@dataclass(frozen=True)
class FieldsTest:
    """A handler's answer: a test that reads only ``fields`` of a paper. It is handed, for
    each paper, an object with just those attributes, read a column at a time (a store's
    rows make no paper: ``is:read`` over 100k papers made every one, and kept them)."""

    fields: tuple[str, ...]
    test: PaperTest

    def __call__(self, paper: Paper) -> bool:
        return self.test(paper)


@dataclass(frozen=True)
class RegisteredFilter:
    key: str
    handler: FilterHandler
    help: str


class FilterRegistry:
    """Registered filters, the latest first (so it is asked before older ones for its key)."""

    def __init__(self) -> None:
        # A tuple, replaced whole: a search in a thread reads it while the UI registers.
        self._filters: tuple[RegisteredFilter, ...] = ()

    def register(self, key: str, handler: FilterHandler, help: str = "") -> Callable[[], None]:
        """Add a filter key (or more values for an existing key); returns its undo."""
        self._filters = (RegisteredFilter(key.lower(), handler, help), *self._filters)
        return lambda: self.unregister(handler)

    def unregister(self, handler: FilterHandler) -> None:
        self._filters = tuple(f for f in self._filters if f.handler is not handler)

    def keys(self) -> frozenset[str]:
        return frozenset(f.key for f in self._filters)

    def __iter__(self) -> Iterator[RegisteredFilter]:
        return iter(self._filters)
