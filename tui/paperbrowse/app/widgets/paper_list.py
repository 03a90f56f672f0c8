"""The paper list: a virtual list that draws only the rows on screen.

Textual's list widgets build a widget or a line per row up front (14 s or
more to the first frame at 100k rows, measured here); this ScrollView renders
each visible row in ``render_line`` from the current ``Results``, so its cost
does not grow with the library.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple, Self, cast

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from paperbrowse.app.actions import bindings
from paperbrowse.app.glyphs import kept_mark_column
from paperbrowse.app.widgets.row_segments import cells, crop, fit, styled, width_of
from paperbrowse.app.widgets.sizing import ScrollsWithoutLayout

if TYPE_CHECKING:
    from textual.app import App

    from paperbrowse.core.first_screen import ListedRow
    from paperbrowse.core.models import Paper
    from paperbrowse.core.search.index import Span

CODE_MARK = "◆"
HINT_BEFORE = 10  # characters shown before the match in a row hint (the rest follows it)
HINT_LENGTH = 60  # characters of author or abstract text shown at most in a row hint
NO_SPANS: dict[str, tuple[Span, ...]] = {}  # a row's spans when no search is shown (never filled)


def _word_start(text: str, match_start: int) -> int:
    """Where an excerpt before a match should begin: a word start at most HINT_BEFORE back."""
    start = max(0, match_start - HINT_BEFORE)
    space = text.find(" ", start, match_start)
    return space + 1 if start and space != -1 else start


def align_right(value: str, width: int) -> str:
    """``value`` right-aligned in ``width`` terminal cells (cut to whole characters)."""
    value = set_cell_size(value, width).rstrip() if width_of(value) > width else value
    return " " * (width - width_of(value)) + value


class RowStyle(NamedTuple):
    """The styles of a row's parts, resolved from the list's component classes."""

    code: Style
    meta: Style
    match: Style
    hint: Style  # an excerpt's text: the meta colour without its background
    hint_match: Style
    dim: Style


def colours_are_scarce(app: App[object]) -> bool:
    """NO_COLOR is set, or the terminal has 16 colours or none (``TERM=xterm``, ``TERM=linux``).

    Textual turns the screen grey for NO_COLOR and maps every colour to the nearest
    of the 16 on such terminals: backgrounds that differ by a shade then look alike.
    """
    return bool(app.no_color) or app.console.color_system in (None, "standard", "windows")


class PaperList(ScrollsWithoutLayout, ScrollView, can_focus=True):
    """One row a paper: a code mark, the title with matches highlighted, category, year."""

    DEFAULT_CSS = """
    PaperList {
        background: $surface;
        overflow-y: scroll;
        overflow-x: hidden;
        scrollbar-background: $surface;
        scrollbar-background-hover: $surface;
        scrollbar-background-active: $surface;
    }
    PaperList > .paper-list--cursor {
        background: $boost;
        color: $text;
        text-style: bold;
    }
    PaperList:focus > .paper-list--cursor {
        background: $accent 60%;
        color: $text;
        text-style: bold;
    }
    /* NO_COLOR or 16 colours: a background tint may vanish or turn to white on
       yellow, so the cursor row is drawn in reverse video. */
    PaperList.-plain-cursor > .paper-list--cursor,
    PaperList.-plain-cursor:focus > .paper-list--cursor {
        background: $surface;
        color: $text;
        text-style: bold reverse;
    }
    PaperList > .paper-list--match {
        color: $text-warning;
        text-style: bold underline;
    }
    PaperList > .paper-list--meta {
        color: $text-muted;
    }
    PaperList > .paper-list--code {
        color: $text-success;
    }
    PaperList > .paper-list--empty {
        color: $text-muted;
        text-style: italic;
    }
    """
    COMPONENT_CLASSES = {
        "paper-list--cursor",
        "paper-list--match",
        "paper-list--meta",
        "paper-list--code",
        "paper-list--empty",
    }
    BINDINGS = bindings("list")  # from the registry (app/actions.py), rebindable

    cursor: reactive[int] = reactive(0, always_update=True)

    class Highlighted(Message):
        """The cursor moved to a paper (or to no paper: an empty list)."""

        def __init__(self, paper: Paper | None, index: int) -> None:
            self.paper = paper
            self.index = index
            super().__init__()

    class Selected(Message):
        """The user chose a paper: enter, or a click on the row already highlighted."""

        def __init__(self, paper: Paper, index: int) -> None:
            self.paper = paper
            self.index = index
            super().__init__()

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.results: Sequence[Paper] = ()
        # The rows shown are those kept from the last launch (``show_kept``), not papers.
        self.kept = False
        self.empty_message = "Loading…"
        self.category_width = 0  # set per library: the widest code shown, at most CATEGORY_WIDTH
        # Each row as drawn for a width, over the list's style (the cursor's is applied
        # per paint): a row is built once per search.
        self._row_cache: dict[tuple[int, int, Style], Strip] = {}
        # The list's own style and its content width, for its size, worked out once per
        # paint rather than per row: ``rich_style`` walks the ancestors' styles each time
        # it is read (0.6 ms of a keystroke's 29 rows). Reset with every refresh, as
        # Textual resets its own style caches, and worked out again for a new size.
        self._paint_style: tuple[Size, Style, int] | None = None
        self._style: RowStyle | None = None  # the rows' own styles, for the theme
        # Set by the screen: the user's marks for a row (one-cell glyphs), or None for none.
        self.marks_for: Callable[[Paper], Text] | None = None

    def on_mount(self) -> None:
        self.set_class(colours_are_scarce(self.app), "-plain-cursor")

    # --- data ---------------------------------------------------------------

    def show(
        self,
        results: Sequence[Paper],
        empty_message: str,
        keep: bool = False,
        row: int = 0,
    ) -> None:
        """Show new results, the cursor on the highlighted paper if ``keep`` and it is among
        them, else on ``row`` (the paper that took the place of one that left the results)."""
        keep = keep and not self.kept  # (kept rows are not papers to find again)
        self.kept = False
        index = max(0, min(row, len(results) - 1))
        if keep and 0 <= self.cursor < len(self.results):
            # Imported here: the first screen shows a listing, with nothing to keep.
            from paperbrowse.core.store import index_after

            found = index_after(self.results, self.cursor, results)  # no paper made
            index = index if found is None else found
        self.results = results
        self.empty_message = empty_message
        self._row_cache.clear()
        self.virtual_size = Size(self.size.width, len(results))
        self.scroll_to(y=0, animate=False)
        self.cursor = index
        self.refresh()

    def show_kept(self, rows: Sequence[ListedRow]) -> None:
        """The rows the last launch on the same files showed first (``core.first_screen``),
        drawn until the library is read. Only drawn: none is a paper to show or act on."""
        self.show(cast("Sequence[Paper]", rows), "")
        self.kept = True

    @property
    def paper(self) -> Paper | None:
        """The highlighted paper (none among kept rows)."""
        if 0 <= self.cursor < len(self.results) and not self.kept:
            return self.results[self.cursor]
        return None

    # --- cursor ---------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.results) - 1)) if self.results else 0

    def watch_cursor(self, value: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.Highlighted(self.paper, value))

    def _scroll_cursor_into_view(self) -> None:
        if self.results:
            self.scroll_to_region(
                Region(0, self.cursor, 1, 1), animate=False, force=True, immediate=True
            )

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self.results) - 1

    def action_page_down(self) -> None:
        self.cursor += max(1, self.scrollable_content_region.height - 1)

    def action_page_up(self) -> None:
        self.cursor -= max(1, self.scrollable_content_region.height - 1)

    def action_select(self) -> None:
        paper = self.paper
        if paper is not None:
            self.post_message(self.Selected(paper, self.cursor))

    def on_click(self, event: events.Click) -> None:
        row = event.y + int(self.scroll_offset.y)
        if not 0 <= row < len(self.results):
            return
        event.stop()
        if row == self.cursor and event.chain >= 2:
            self.action_select()
        self.cursor = row
        self.focus()

    # --- drawing ----------------------------------------------------------------

    def redraw_rows(self) -> None:
        """Draw every row again (the user's marks changed)."""
        self._row_cache.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        # Cached rows hold resolved colours: a new theme must redraw them.
        self._row_cache.clear()
        self._style = None
        super().notify_style_update()

    def refresh(self, *regions: Region, **kwargs: bool) -> Self:
        self._paint_style = None
        return super().refresh(*regions, **kwargs)

    def on_resize(self, event: events.Resize) -> None:
        self._row_cache.clear()
        self.virtual_size = Size(event.size.width, len(self.results))
        self._scroll_cursor_into_view()

    def render_line(self, y: int) -> Strip:
        if self._paint_style is None or self._paint_style[0] != self.size:
            width = self.scrollable_content_region.width
            self._paint_style = (self.size, self.rich_style, width)
        _, base, width = self._paint_style
        row = y + int(self.scroll_offset.y)
        if not self.results:
            lines = self._empty_lines(width)
            if y < len(lines):
                return Strip(lines[y].render(self.app.console), width).apply_style(base)
            return Strip.blank(width, base)
        if row >= len(self.results):
            return Strip.blank(width, base)
        strip = self._row_strip(row, width, base)
        if row != self.cursor:
            return strip
        # The cursor's style over the row's (Rich adds styles in that order).
        cursor = self.get_component_rich_style("paper-list--cursor")
        return Strip(Segment.simplify(Segment.apply_style(strip, None, cursor)), width)

    def _empty_lines(self, width: int) -> list[Text]:
        """The empty message word-wrapped to the width, one Text per screen line."""
        style = self.get_component_rich_style("paper-list--empty")
        text = Text(self.empty_message, style=style)
        lines = list(text.wrap(self.app.console, max(1, width - 2)))
        for line in lines:
            line.pad_left(1)
            line.truncate(width, pad=True)
        return lines

    def _row_strip(self, row: int, width: int, base: Style) -> Strip:
        """The row drawn over the list's own style, built once per search (and width)."""
        key = (row, width, base)
        cached = self._row_cache.get(key)
        if cached is not None:
            return cached
        if len(self._row_cache) > 512:
            self._row_cache.clear()
        # Neighbours of one style as one segment: each costs the terminal its colour codes.
        segments = Segment.apply_style(self._build_row(row, width), base)
        strip = Strip(Segment.simplify(segments), width)
        self._row_cache[key] = strip
        return strip

    def _build_row(self, row: int, width: int) -> list[Segment]:
        paper = self.results[row]
        style = self._row_style()
        code = Segment(CODE_MARK if paper.has_code else " ", style.code)
        category = align_right(paper.category or "", self.category_width)
        category_column = f" {category}" if self.category_width else ""
        meta = Segment(f"{category_column} {paper.year or '':>4} ", style.meta)
        if self.kept:  # (a kept screen's rows are its own: core.first_screen)
            marks: Text | None = kept_mark_column(cast("ListedRow", paper).marks)
        else:
            marks = self.marks_for(paper) if self.marks_for is not None else None
        # (Assembled: a Text's own style is in the segments only as a span.)
        mark_segments = list(Text.assemble(marks).render(self.app.console)) if marks else []
        room = max(1, width - 2 - width_of(meta.text) - cells(mark_segments))
        spans = self._spans(row)
        title_spans = spans.get("title", ())
        title = styled(paper.title, None, title_spans, style.match)
        # A listing has no hint to show: looking for one imported the search's modules on
        # the first screen (numpy's 0.1 s among them). (Not ``if spans``: a search's spans
        # are worked out field by field, and asking whether there are any works out all.)
        searched = spans is not NO_SPANS
        if searched and (not title_spans or width_of(paper.title[: title_spans[0][1]]) >= room):
            # No match in the title, or none in the part that fits: say where it matched.
            hint = self._match_hint(paper, spans, style, in_title=bool(title_spans))
            if hint:
                # The title gives way to the hint, so the row shows why it matched.
                hint = fit(hint, max(0, room - min(cells(title), room // 2)))
                title = fit(title, max(1, room - cells(hint))) + hint
        line = [*mark_segments, code, Segment(" "), *fit(title, room, pad=True), meta]
        return crop(line, width, pad=True)

    def _match_hint(
        self,
        paper: Paper,
        spans: dict[str, tuple[Span, ...]],
        style: RowStyle,
        in_title: bool = False,
    ) -> list[Segment]:
        """A short excerpt around the first match, for rows whose title shows none."""
        # Imported here: the search's modules (numpy, the models) are not the first screen's.
        from paperbrowse.core.search.spans import leading

        fields = [("authors", paper.authors_text()), ("abstract", paper.abstract)]
        if in_title:  # the match is in the part of a long title cut off
            fields.insert(0, ("title", paper.title))
        for field, text in fields:
            # Only the spans the excerpt can show: the rest of an abstract is not read.
            field_spans = leading(spans, field, HINT_LENGTH) if text else ()
            if text and field_spans:
                start = _word_start(text, field_spans[0][0])
                end = min(len(text), start + HINT_LENGTH)
                shown = [
                    (span_start - start, span_end - start)
                    for span_start, span_end in field_spans
                    if span_start >= start and span_end <= end
                ]
                prefix = " · by " if field == "authors" else " · "
                return [
                    Segment(prefix + ("…" if start else ""), style.dim),
                    *styled(text[start:end], style.hint, shown, style.hint_match),
                ]
        return []

    def _row_style(self) -> RowStyle:
        # Worked out once per theme (notify_style_update resets it), not per row.
        if self._style is None:
            match = self.get_component_rich_style("paper-list--match", partial=True)
            hint = self.get_component_rich_style("paper-list--meta", partial=True)
            self._style = RowStyle(
                code=self.get_component_rich_style("paper-list--code"),
                meta=self.get_component_rich_style("paper-list--meta"),
                match=match,
                hint=hint,
                hint_match=hint + match,
                dim=Style(dim=True),
            )
        return self._style

    def _spans(self, row: int) -> dict[str, tuple[Span, ...]]:
        # Hits are computed only for rows drawn: Results.hit is lazy on purpose.
        hit = getattr(self.results, "hit", None)  # a plain sequence while loading
        if hit is not None and getattr(self.results, "query", "").strip():
            spans: dict[str, tuple[Span, ...]] = hit(row).spans
            return spans
        return NO_SPANS
