"""Virtual sizes that change without laying out the whole screen again.

In Textual 8.2.8 ``Widget.virtual_size`` is a reactive with ``layout=True``: every change
lays out the whole screen and then repaints most of it. Three of those came with every
keystroke (profile_keys.py counts them):

- ``Input`` sets its virtual size to the width of its text on every change of value,
  although its own size stays put (it only scrolls);
- the paper list sets its virtual size to the number of results, which only moves its
  scrollbar;
- a layout itself sets the virtual size of each widget it resized, and being a change
  with ``layout=True`` that asks for a second layout, which finds nothing left to move
  (the detail pane and its text, whenever a new paper's text is longer or shorter).

Here ``virtual_size`` is redeclared without ``layout`` and without ``repaint``: set by a
layout, the layout has repainted what moved; set by our scroll views, they repaint
what changed themselves (the list its rows, the input its text). A scroll view (our list, the
search input) then updates its scrollbars itself, as the layout would have done
(``Widget._scroll_update``, private, checked against 8.2.8), and leaves a scrollbar
alone when its thumb is drawn the same for the new number of lines. A scrollbar
appearing or going lays the screen out, through ``show_vertical_scrollbar``: the list's and
the detail pane's are always shown (``overflow-y: scroll``; an empty track when all fits),
which spared the layout on one key in twelve at 100k papers (``profile_keys.py``). Searched the
upstream issues for a report of the layout per keystroke or of the second layout and
found none; the nearest are Textualize/textual#4403 (typing in an inline app's Input
laggy, fixed in 0.56.3) and #5065 (typing into an Input under Pilot slow, open).
"""

from __future__ import annotations

from collections.abc import Callable
from math import ceil
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.segment import Segment
from textual.geometry import Size
from textual.reactive import Reactive
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.widget import Widget
from textual.widgets import Input, Static

if TYPE_CHECKING:
    _WidgetBase = Widget
else:
    _WidgetBase = object


class NoRelayout(_WidgetBase):
    """A widget whose virtual size, set by a layout, asks for no second layout.
    A mixin, put first (a plain class at run time, so CSS still comes from the widget)."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False, repaint=False)


class BarsDrawnByLayout(NoRelayout):
    """A scrolling container whose scrollbars, moved by a layout, are drawn by that
    layout's frame alone. A mixin, put first.

    A layout that changes the container's virtual size (the detail pane, when a paper's
    text is longer or shorter than the last one's) repaints the container's whole
    region, its scrollbars in it. But the layout also asks each scrollbar to repaint
    itself (``Widget._scroll_update``, private, checked against 8.2.8), and that request
    came due after the layout's frame: a second frame redrew the scrollbar and the
    pane's edge, about 2 ms of each new paper's 10-14 (Pilot, the ACL papers).
    """

    _sized_by_layout = False

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        self._sized_by_layout = layout
        try:
            return super()._size_updated(size, virtual_size, container_size, layout)
        finally:
            self._sized_by_layout = False

    def _scroll_update(self, virtual_size: Size) -> None:
        super()._scroll_update(virtual_size)
        if self._sized_by_layout:
            # The layout's frame repaints the container's region, the bars in it, as its
            # geometry changed. The bars' own regions are made dirty too, so that they are
            # repainted even where the layout found the geometry unchanged (a map made
            # after a scroll, before the new size).
            dirty = self.screen._compositor._dirty_regions
            for bar in (self._vertical_scrollbar, self._horizontal_scrollbar):
                if bar is not None and (region := bar.region):  # (none: not on the screen)
                    dirty.add(region)
                    bar._repaint_required = False


class ScrollsWithoutLayout(NoRelayout):
    """A scroll view (it draws its own lines) whose virtual size, set by itself, moves its
    scrollbars without a layout of the screen. A mixin, put first."""

    def watch_virtual_size(self, old: Size, size: Size) -> None:
        if not self.is_mounted:
            return
        bar = self._vertical_scrollbar
        if bar is not None and self._same_thumb(bar, old, size):
            # 812 results or 790: the thumb is drawn alike (a cell at the top), and
            # redrawing the scrollbar was a screen-high column of lines per keystroke.
            bar.set_reactive(ScrollBar.window_virtual_size, size.height)
            self.scroll_y = self.validate_scroll_y(self.scroll_y)
            return
        self._scroll_update(size)

    def _same_thumb(self, bar: ScrollBar, old: Size, new: Size) -> bool:
        """Whether the vertical scrollbar, shown for ``old`` and still shown for ``new``
        (only the number of lines changed), is drawn the same for both."""
        if old.width != new.width or not self.show_vertical_scrollbar:
            return False
        if self.show_horizontal_scrollbar or bar.window_virtual_size != old.height:
            return False
        height = self.container_size.height
        fits = (old.height <= height, new.height <= height)
        if self.styles.overflow_y != "scroll":
            if any(fits):
                return False  # the scrollbar may come or go: Textual's own update
        elif all(fits):
            return True  # (ours stays: an empty track for both)
        return _bar_lines(bar, old.height) == _bar_lines(bar, new.height)

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # Textual's ScrollView (8.2.8) compares the virtual size a layout hands it (its
        # region's) with its own (its lines): they differ in every layout, so each layout
        # refreshed its scrollbars once more (a frame of their own after the layout's).
        # Its scrollbars follow its virtual size already (above): only a new size counts.
        if size == self._size and container_size == self._container_size:
            return False
        return super()._size_updated(size, virtual_size, container_size, layout)


def _bar_lines(bar: ScrollBar, virtual_height: int) -> list[Segment]:
    """A vertical scrollbar's cells for ``virtual_height`` lines, drawn as
    ``ScrollBar._render_bar`` draws them (8.2.8), colours left out (they do not change
    with the number of lines)."""
    window = bar.window_size if bar.window_size < virtual_height else 0
    drawn = ScrollBarRender.render_bar(
        size=bar.size.height,
        virtual_size=ceil(virtual_height),
        window_size=ceil(window),
        position=bar.position,
        vertical=True,
    )
    return list(drawn.segments)


class SearchInput(ScrollsWithoutLayout, Input):
    """Textual's ``Input``, typed into without a layout of the screen per key.

    ``on_change`` is called as the value changes, in the same turn as the key that changed
    it: before the screen can paint (the ``Changed`` message reaches the screen a few
    message hops later, and the screen may paint in between).
    """

    on_change: Callable[[], object] | None = None
    # The placeholder with its hint ("  (? for syntax)"), shown whole where it fits, else
    # the short one, without the hint (cut by the input, it ended in a stray bracket at
    # 80 columns).
    full_placeholder = ""
    short_placeholder = ""

    def watch_value(self) -> None:
        if self.on_change is not None:
            self.on_change()

    def fit_placeholder(self) -> None:
        full = self.full_placeholder or self.placeholder
        width = self.content_size.width
        fits = not width or cell_len(full) < width
        shown = full if fits or not self.short_placeholder else self.short_placeholder
        if shown != self.placeholder:
            self.placeholder = shown

    def on_resize(self) -> None:
        self.fit_placeholder()


class Label(NoRelayout, Static):
    """A ``Static`` whose new size, once laid out, asks for no second layout."""
