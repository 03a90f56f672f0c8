"""Page up and page down in an option list that has not been laid out yet.

Textual's ``OptionList._move_page`` (8.2.8) looks the highlighted option up in
its line map, which stays empty until the list has a size: options added while
it has none (the palette's list and a Select's menu are filled while hidden;
ours are filled in compose or from a worker) are mapped only at the next
layout. A page key in between raised ``KeyError`` (the palette: ctrl+p then
PageUp at once, 3 of 3). Upstream: Textualize/textual#5794 ("Options added to an
empty (or cleared) OptionList after mount are not displayed": ``_update_lines``
returns early while the list has no height), open; kagan-sh/kagan-legacy#31 met
the same KeyError in a Select's menu.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual._widget_navigation import Direction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList, Select
from textual.widgets._select import SelectCurrent, SelectOverlay

if TYPE_CHECKING:
    _OptionListBase = OptionList
else:
    _OptionListBase = object


def laid_out(options: OptionList) -> bool:
    """Whether paging can work: the highlighted option has its place in the lines."""
    highlighted = options.highlighted
    return highlighted is None or highlighted in options._index_to_line


def page_before_layout(options: OptionList, direction: Direction) -> None:
    """What a page key does before layout: to the first or the last option, as it points."""
    if direction < 0:
        options.action_first()
    else:
        options.action_last()


class SafePaging(_OptionListBase):
    """Page keys that work from the moment the list is filled. A mixin, put first
    (a plain class at run time, so the list's CSS still comes from the class after it)."""

    def _move_page(self, direction: Direction) -> None:
        if laid_out(self):
            super()._move_page(direction)
        else:
            page_before_layout(self, direction)


class PagingOptionList(SafePaging, OptionList):
    """The OptionList of our screens."""


class PickerList(PagingOptionList):
    """The list of a picker or a screen of its own (authors, related papers, statistics):
    ``j``, ``k``, ``g`` and ``G`` move in it as in the list of papers.

    Fixed keys beside the arrows, as an OptionList's own are (``WIDGET_KEYS`` in
    app/actions.py keeps a keymap from giving them to the screen's actions): not the paper
    list's rebindable ones, which a keymap moving that list elsewhere would take from here,
    arrows included. (Not on the browser's citation links: a keymap may give these keys
    to the browser's actions.)"""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "first", "First", show=False),
        Binding("G", "last", "Last", show=False),
    ]

    # The moves and the choice asked for while the options are on their way (``hold_moves``).
    _held: list[str] | None = None

    def hold_moves(self) -> None:
        """Until ``release_moves``, keys that move in the list or choose from it are kept, in
        order: its options are on their way (the statistics, counted for 1 s at 100k papers,
        lost the keys typed meanwhile, which acted on empty lists)."""
        self._held = []

    def release_moves(self) -> None:
        """The options are in: the moves kept are made, and the choice, in order, once the
        list is laid out (a page down made before was a move to the last option)."""
        held, self._held = self._held or [], None
        if held:
            self.call_after_refresh(self._make, held)

    def _make(self, actions: list[str]) -> None:
        for action in actions:
            getattr(self, f"action_{action}")()

    def _kept(self, action: str) -> bool:
        if self._held is None:
            return False
        self._held.append(action)
        return True

    def action_cursor_down(self) -> None:
        if not self._kept("cursor_down"):
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if not self._kept("cursor_up"):
            super().action_cursor_up()

    def action_first(self) -> None:
        if not self._kept("first"):
            super().action_first()

    def action_last(self) -> None:
        if not self._kept("last"):
            super().action_last()

    def action_page_down(self) -> None:
        if not self._kept("page_down"):
            super().action_page_down()  # type: ignore[no-untyped-call]  # (Textual's, untyped)

    def action_page_up(self) -> None:
        if not self._kept("page_up"):
            super().action_page_up()  # type: ignore[no-untyped-call]  # (Textual's, untyped)

    def action_select(self) -> None:
        if not self._kept("select"):
            super().action_select()


class PagingSelectOverlay(SafePaging, SelectOverlay):
    """A Select's menu."""


class PagingSelect(Select[str]):
    """A Select whose menu pages safely (the export dialog's format)."""

    def compose(self) -> ComposeResult:
        # As Select.compose (8.2.8), with the menu swapped.
        yield SelectCurrent(self.prompt)
        yield PagingSelectOverlay(type_to_search=self._type_to_search).data_bind(
            compact=Select.compact
        )
