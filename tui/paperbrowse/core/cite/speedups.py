"""citeproc-py made faster without changing a character of its output.

citeproc-py 0.11.1 walks a style's XML tree for every reference and asks the tree the
same questions again and again: which macro has this name (an XPath query), does this
group call a variable (a walk of the whole subtree), which term is "et al." in this
locale (another query). A parsed style never changes, so each answer is remembered
the first time. Its bibliography also keeps its keys in a list (``key in keys`` and
``keys.index(key)`` for every item: quadratic in the number of papers); ``KeyList``
below keeps them in a dict as well.

Every cache holds the lxml elements it is keyed by, so an element's Python proxy (and
its ``id``) stays the same for as long as its answer is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

_PATCHED: list[str] = []


def _remembered(original: Callable[..., Any], cache: dict[Any, Any]) -> Callable[..., Any]:
    """``original(self, *args)`` answered once per element and arguments."""

    def method(self: Any, *args: Any) -> Any:
        key = (self, *args)
        try:
            return cache[key]
        except KeyError:
            found = cache[key] = original(self, *args)
            return found

    method.remembered = True  # type: ignore[attr-defined]
    return method


def speed_up() -> None:
    """Patch citeproc-py's element classes, once per process."""
    if _PATCHED:
        return
    from citeproc import model

    # Static per element: its root, a subtree's variables, macro, XPath and locale lookups.
    model.CitationStylesElement.get_root = _remembered(model.CitationStylesElement.get_root, {})
    model.CitationStylesElement.get_locale_option = _remembered(
        model.CitationStylesElement.get_locale_option, {}
    )
    model.Parent.calls_variable = _remembered(model.Parent.calls_variable, {})
    model.Text.calls_variable = _remembered(model.Text.calls_variable, {})
    model.CitationStylesElement.xpath_search = _remembered(
        model.CitationStylesElement.xpath_search, {}
    )
    model.CitationStylesElement.get_macro = _remembered(model.CitationStylesElement.get_macro, {})
    from citeproc import CitationStylesBibliography
    from citeproc.source import CitationItem

    CitationItem.reference = property(_reference)
    _keys_in_a_dict(CitationStylesBibliography)
    _PATCHED.append("citeproc")


def _reference(item: Any) -> Any:
    """The item's CSL data, looked up in the bibliography's source once."""
    try:
        return item.__dict__["_reference"]
    except KeyError:
        found = item.citation.bibliography.source[item.key]
        object.__setattr__(item, "_reference", found)
        return found


def _keys_in_a_dict(bibliography_class: Any) -> None:
    """A bibliography's ``keys`` a ``KeyList`` from the start and after sorting."""
    original_init, original_sort = bibliography_class.__init__, bibliography_class.sort

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        self.keys = KeyList(self.keys)

    def sort(self: Any) -> None:
        original_sort(self)
        self.keys = KeyList(self.keys)

    bibliography_class.__init__, bibliography_class.sort = __init__, sort


class KeyList(list[str]):
    """The bibliography's keys in order, with ``index`` and ``in`` answered by a dict
    (``register`` asks ``key in keys`` and numbering ``keys.index(key)`` for every item)."""

    def __init__(self, keys: Sequence[str] = ()) -> None:
        super().__init__(keys)
        self._position = {key: number for number, key in enumerate(keys)}

    def append(self, key: str) -> None:
        self._position.setdefault(key, len(self))
        super().append(key)

    def index(self, key: str, *args: Any) -> int:
        return self._position[key]

    def __contains__(self, key: object) -> bool:
        return key in self._position
