"""The detail pane: everything about the highlighted paper, matches highlighted."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.visual import Visual, visualize
from textual.widget import Widget

from paperbrowse.app.widgets.sizing import BarsDrawnByLayout, NoRelayout

if TYPE_CHECKING:
    from rich.console import Console

    from paperbrowse.app.widgets.citation_links import CitationLinks, LinkSection
    from paperbrowse.core.models import Paper, SourceRef
    from paperbrowse.core.search.index import Hit, Span

MATCH_STYLE = "bold underline yellow"
LABEL_STYLE = "dim"
LABEL_WIDTH = 10
MIN_VALUE_WIDTH = 12  # cells: narrower, a value under its label reads better than a sliver
# Characters of an abstract laid out when its paper is highlighted. Laying out all
# of a 500 KB abstract took 0.75 s on every cursor move onto it; the rest shows
# as the reader scrolls towards it (or presses end).
ABSTRACT_SHOWN = 5_000


def highlighted(text: str, spans: tuple[Span, ...], style: str = "") -> Text:
    """``text`` as plain data (never markup), with the matched spans styled."""
    result = Text(text, style=style)
    for start, end in spans:
        result.stylize(MATCH_STYLE, start, end)
    return result


def abstract_text(
    abstract: str, spans: tuple[Span, ...], limit: int | None = None, start: int = 0
) -> Text:
    """The abstract, matches highlighted; past ``limit`` characters cut at a word, with a
    line saying how much more there is. From ``start`` (``tail_start``), after a line
    saying how much comes before."""
    if start:
        text = Text(f"{start:,} characters before: scroll back, or press home … ", "dim italic")
        moved = tuple((max(a - start, 0), b - start) for a, b in spans if b > start)
        return text.append_text(highlighted(abstract[start:], moved))
    if limit is None or len(abstract) <= limit:
        return highlighted(abstract, spans)
    cut = abstract.rfind(" ", limit // 2, limit)
    cut = cut if cut > 0 else limit
    text = highlighted(abstract[:cut], spans)
    text.append(
        f" … {len(abstract) - cut:,} more characters: scroll on, or press end", style="dim italic"
    )
    return text


def tail_start(abstract: str, shown: int) -> int:
    """Where the abstract's last ``shown`` characters or so start, at a word if one starts
    near there (text without spaces, Chinese say, is cut anywhere); 0: all of it."""
    start = max(len(abstract) - shown, 0)
    space = abstract.find(" ", start, start + 200)
    start = space + 1 if space >= 0 else start
    return start if start > shown else 0  # (what is before is about as long: all of it)


def _row(label: str, value: Text | str) -> Text:
    return Text.assemble((f"{label:<{LABEL_WIDTH}}", LABEL_STYLE), value)


def hanging(row: Text, width: int | None, console: Console | None) -> Text:
    """A label row (``LABEL_WIDTH`` cells of label, then the value) laid out in ``width``
    cells, a value that wraps going on under itself rather than under the label.

    The pane's text is one widget, which wraps every line at column 0: so the
    row is wrapped here, at the width it is drawn in (the pane lays it out again
    when that changes), and Textual finds nothing left to wrap.
    """
    if width is None or console is None or row.cell_len <= width:
        return row
    if width < LABEL_WIDTH + MIN_VALUE_WIDTH:
        return row  # too narrow for a column of values: wrapped as plain text
    label, value = row[:LABEL_WIDTH], row[LABEL_WIDTH:]
    lines = value.wrap(console, width - LABEL_WIDTH)
    indent = Text(" " * LABEL_WIDTH)
    return Text("\n").join(
        Text.assemble(label if number == 0 else indent, line) for number, line in enumerate(lines)
    )


def _date(paper: Paper) -> Text:
    date = Text(paper.date_text() or "unknown")
    if paper.year_inferred:
        date.append("  (year inferred: the source gave no year)", style="italic dim")
    return date


def short_path(file: str) -> str:
    """A file as a user would type it: relative to the working folder, or from ``~``."""
    path = Path(file)
    for base, prefix in ((Path.cwd(), ""), (Path.home(), "~/")):
        try:
            return prefix + str(path.relative_to(base))
        except ValueError:
            continue
    return file


def _links(paper: Paper) -> list[str]:
    from paperbrowse.core.models import doi_link  # (loaded with the papers by now)

    from_doi = doi_link(paper.doi) if paper.doi else None
    candidates = (paper.url, from_doi, *paper.links)
    return list(dict.fromkeys(link for link in candidates if link))


def detail_text(
    hit: Hit,
    rows: Sequence[Text] = (),
    tail: Sequence[Text] = (),
    abstract_limit: int | None = None,
    key: str | None = None,
    width: int | None = None,
    console: Console | None = None,
    abstract_from: int = 0,
) -> Text:
    """The paper as the detail pane shows it: fields from files are Text, never markup.

    ``rows`` (the user's marks) go after the paper's own fields, ``tail`` (the
    note) after the abstract, of which ``abstract_limit`` characters are shown (from
    ``abstract_from``: its end, laid out alone);
    ``key`` is its citation key, what ``c`` cites. Given the ``width`` it is drawn
    in, label rows that wrap hang under their value.
    """
    paper, spans = hit.paper, hit.spans
    lines: list[Text] = [
        highlighted(paper.title, spans.get("title", ()), "bold"),
        Text(),
        _row(
            "Editors" if paper.is_edited else "Authors",
            highlighted(paper.authors_text() or "unknown", spans.get("authors", ())),
        ),
        _row("Date", _date(paper)),
    ]
    if paper.category:
        category = Text(paper.category, style="bold")
        if paper.category_name:
            category.append(f" · {paper.category_name}")
        lines.append(_row("Category", category))
    if paper.venue:
        lines.append(_row("Venue", paper.venue))
    if key:
        lines.append(_row("Key", key))
    code = Text("◆ code released", style="green") if paper.has_code else Text("not mentioned")
    lines.append(_row("Code", code))
    if paper.doi:
        lines.append(_row("DOI", paper.doi))
    for index, link in enumerate(_links(paper)):
        lines.append(_row("Link" if index == 0 else "", Text(link, style="underline")))
    lines.extend(rows)
    labelled = len(lines)
    lines[2:labelled] = [hanging(row, width, console) for row in lines[2:labelled]]
    lines.append(Text())
    if paper.abstract:
        shown = spans.get("abstract", ())
        lines.append(abstract_text(paper.abstract, shown, abstract_limit, abstract_from))
    else:
        lines.append(Text("No abstract.", style="dim italic"))
    lines.extend(tail)
    # (``merge.seen_in``, not imported: the first screen is drawn before the library's
    # modules load)
    seen = paper.sources or ((paper.source,) if paper.source is not None else ())
    places = [_place(source) for source in seen]
    if places:  # every file a merged paper was read from (an explorer saw one of two)
        where = ", ".join(places)
        lines.extend([Text(), Text(broken_at_folders(f"From {where}", width), style="dim")])
    return Text("\n").join(lines)


def _place(source: SourceRef) -> str:
    where = short_path(source.file)
    return where if source.line is None else f"{where}:{source.line}"


def broken_at_folders(path: str, width: int | None) -> str:
    """``path`` broken into lines of ``width`` after a ``/``, where it does not fit: folded
    anywhere, a long path cut its line number in two (``references.bib:148``, ``8``).
    A file's name longer than the width is still folded where it must be."""
    if width is None or width <= 0 or cell_len(path) <= width:
        return path
    lines = [""]
    for piece in re.split(r"(?<=/)", path):
        if lines[-1] and cell_len(lines[-1] + piece) > width:
            lines.append(piece)
        else:
            lines[-1] += piece
    return "\n".join(lines)


class DetailBody(NoRelayout, Widget):
    """The paper's text in the detail pane, drawn again when its width changes (the
    terminal is resized; the pane's scroll bar is always there): its label rows are
    wrapped for one width.

    Its lines are wrapped once for each text and width, and both measure and draw it. A
    ``Static`` wrapped its text twice on each new paper, once (without its highlights) to
    measure its height, once to draw it: a third of a long abstract's time. The lines
    are Textual's own for the text (``Visual.to_strips``), so a mouse selection and its
    copy work as they did.
    """

    DEFAULT_CSS = """
    DetailBody {
        height: auto;
    }
    """

    laid_out_width = 0

    def __init__(self, content: Text, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown = content  # as ``show`` last showed it
        self._lines: list[Strip] = []
        self._lines_for: tuple[object, ...] | None = None  # (text, width, style, selection)

    def render(self) -> Text:
        """The text shown (a mouse selection's copy is read from it)."""
        return self._shown

    def lines(self, width: int) -> list[Strip]:
        """The text wrapped to ``width`` cells, one strip per line."""
        drawn_for = (self._shown, width, self.visual_style, self.text_selection)
        if self._lines_for != drawn_for:
            self._lines_for = drawn_for
            visual = visualize(self, self._shown, markup=False)
            self._lines = Visual.to_strips(self, visual, width, None, self.visual_style)
        return self._lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width)) if width else 0

    def render_line(self, y: int) -> Strip:
        lines = self.lines(self.size.width)
        if y < len(lines):
            return lines[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)

    def on_resize(self) -> None:
        detail = self.parent
        if self.size.width != self.laid_out_width and isinstance(detail, PaperDetail):
            detail.redraw()

    def show(self, content: Text) -> None:
        """Show ``content``; the screen is laid out again only if its height changed: on
        a keystroke the highlighted paper is often the one shown before, its text as
        many lines high, and when its highlights did not change either, nothing needs
        drawing again."""
        if content == self._shown:
            return
        self._shown = content
        width, height = self.size  # (as laid out: the text before needs no new wrap)
        if not width or len(self.lines(width)) != height:
            self.refresh(layout=True)
        else:
            self.refresh()


class PaperDetail(BarsDrawnByLayout, VerticalScroll, can_focus=True):
    """Scrollable details of the highlighted paper.

    ``hit`` (the paper with its matched spans) is a reactive: whoever owns the
    selection sets it, and the watcher redraws.
    """

    DEFAULT_CSS = """
    PaperDetail {
        padding: 0 1;
        overflow-y: scroll;
    }
    PaperDetail > #detail-body {
        width: 1fr;
    }
    """

    # repaint=False: the pane draws nothing itself (only its padding), its body does.
    hit: reactive[Hit | None] = reactive(None, init=False, repaint=False)
    placeholder: reactive[str] = reactive("Loading…", init=False, repaint=False)

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        # Set by the screen: (rows, tail) of the user's marks for a paper.
        self.extras_for: Callable[[Paper], tuple[list[Text], list[Text]]] | None = None
        self.abstract_limit: int | None = ABSTRACT_SHOWN  # None: the whole abstract
        # Where the abstract shown starts: 0, or past a huge one's start once end was
        # pressed (laying out 2.7 MB to show its last lines took 4 s).
        self.abstract_from = 0
        self._reading_back = False  # more of the abstract's end laid out, not yet shown
        self._at_end = False  # end was pressed, and the pane not scrolled back since
        # Set by the screen: the paper's citation key, when known.
        self.key_for: Callable[[Paper], str | None] = lambda paper: None
        # Set by the screen: the papers citing and cited by a paper, in this library.
        self.links_for: Callable[[Paper], Sequence[LinkSection]] = lambda paper: ()
        self._links: CitationLinks | None = None  # (``links``: mounted once needed)

    @property
    def abstract_cut(self) -> bool:
        """Whether part of the abstract is not laid out yet."""
        abstract = self.paper.abstract if self.paper is not None else None
        return (
            bool(abstract)
            and self.abstract_limit is not None
            and (len(abstract or "") > self.abstract_limit)
        )

    def compose(self) -> ComposeResult:
        yield DetailBody(Text(self.placeholder, style="dim"), id="detail-body")

    @property
    def links(self) -> CitationLinks:
        """The "Cites" and "Cited by" titles under the text (hidden when there are none).
        Mounted when first asked for: most libraries cite nothing, and laying it out took
        5 ms from every launch (its CSS, an OptionList's, parsed and applied)."""
        if self._links is None:
            from paperbrowse.app.widgets.citation_links import CitationLinks

            self._links = CitationLinks(id="citation-links")
            self.mount(self._links)
        return self._links

    @property
    def links_shown(self) -> CitationLinks | None:
        """The citation links, when the pane shows some."""
        return self._links if self._links is not None and self._links.display else None

    def _show_links(self, sections: Sequence[LinkSection]) -> None:
        if self._links is not None or any(section.papers for section in sections):
            self.links.show(sections)

    @property
    def paper(self) -> Paper | None:
        return self.hit.paper if self.hit is not None else None

    def watch_hit(self, old: Hit | None, new: Hit | None) -> None:
        if old is None or new is None or old.paper.id != new.paper.id:
            self.scroll_home(animate=False)  # a new paper starts at its title
            self.abstract_limit, self.abstract_from = ABSTRACT_SHOWN, 0
            self._at_end = False
        self._redraw()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        # Within a screen of the end of what is laid out: lay out four times as much.
        if self.abstract_cut and new_value >= self.max_scroll_y - self.size.height:
            assert self.abstract_limit is not None
            self.abstract_limit *= 4
            self._redraw()

    # An abstract's end is read back from the keys and the wheel that scroll back, not from
    # any change of ``scroll_y``: a resize moved it too, and read back 200k characters of
    # a 2 MB abstract in 4 s, the view far from where it was.
    def action_scroll_up(self) -> None:
        super().action_scroll_up()
        self._scrolled_back()

    def action_page_up(self) -> None:
        super().action_page_up()
        self._scrolled_back()

    def on_mouse_scroll_up(self) -> None:
        self._scrolled_back()

    def _scrolled_back(self) -> None:
        self._at_end = False
        self.call_after_refresh(self._read_back_near_the_top)

    def _read_back_near_the_top(self) -> None:
        near = self.scroll_target_y <= self.size.height  # (where a page up's scroll goes)
        if self.abstract_from and not self._reading_back and near:
            self._read_back()

    def _read_back(self) -> None:
        """Near the top of an abstract's end: four times as much before it laid out, the
        lines read staying where they are on the screen."""
        abstract = self.paper.abstract if self.paper is not None else None
        if not abstract:
            return
        self._reading_back = True
        # A page up's scroll, animated, would go on from where it was, above what is added.
        self.app.animator.force_stop_animation(self, "scroll_y")
        shown = len(abstract) - self.abstract_from
        self.abstract_from = tail_start(abstract, 4 * shown)
        height, y = self.virtual_size.height, self.scroll_y
        self._redraw()

        def keep_place() -> None:
            self._reading_back = False
            self.scroll_to(y=y + self.virtual_size.height - height, animate=False)
            self._fill_screen()

        self.call_after_refresh(keep_place)

    def action_scroll_end(self) -> None:
        abstract = self.paper.abstract if self.paper is not None else None
        self._at_end = True
        if self.abstract_cut and abstract:  # asked for the end: its last part, alone
            self.abstract_limit = None
            self.abstract_from = tail_start(abstract, ABSTRACT_SHOWN)
            self._redraw()
            self.call_after_refresh(self._fill_screen)
        super().action_scroll_end()

    def _fill_screen(self) -> None:
        """An end shorter than the pane, which no scroll back could reach past: more of
        what is before it laid out, till it fills the pane."""
        if self.abstract_from and not self._reading_back and self.max_scroll_y <= 0:
            self._read_back()

    def action_scroll_home(self) -> None:
        self._at_end = False
        if self.abstract_from:  # back to the start: its first part
            self.abstract_limit, self.abstract_from = ABSTRACT_SHOWN, 0
            self._redraw()
        super().action_scroll_home()

    def watch_placeholder(self) -> None:
        self._redraw()

    def redraw(self) -> None:
        """Draw again (the user's marks for the paper changed, or the pane's width): a
        pane scrolled to its end stays at its end."""
        self._redraw()
        if self._at_end:
            self.call_after_refresh(lambda: self.scroll_end(animate=False))

    def _redraw(self) -> None:
        body = self.query_one("#detail-body", DetailBody)
        if self.hit is None:
            body.show(Text(self.placeholder, style="dim"))
            self._show_links(())
            return
        rows, tail = self.extras_for(self.hit.paper) if self.extras_for is not None else ([], [])
        key = self.key_for(self.hit.paper)
        width = body.size.width or None  # None before the first layout: drawn again then
        body.laid_out_width = body.size.width
        text = detail_text(
            self.hit,
            rows,
            tail,
            self.abstract_limit,
            key,
            width,
            self.app.console,
            self.abstract_from,
        )
        body.show(text)
        self._show_links(self.links_for(self.hit.paper))
