"""The detail pane's citations inside the library: what the paper cites, what cites it.

Under the paper's text, for a paper with citation edges among the library's
papers (``core.citations``): a "Cites (in this library)" and a "Cited by (in this
library)" heading, each over the titles of those papers. ``tab`` from the detail
pane reaches them, up and down move between titles, ``enter`` (or a click) jumps
to that paper in the main list. A section longer than ``SHOWN`` lists its newest
papers and a last row that searches for all of them (``cites:KEY``). A paper
without edges shows nothing: the widget is hidden.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.geometry import Region
from textual.message import Message
from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from paperbrowse.app.widgets.option_pages import PagingOptionList

if TYPE_CHECKING:
    from paperbrowse.core.models import Paper

SHOWN = 10  # papers listed per section; the rest are one search away


@dataclass(frozen=True)
class LinkSection:
    """One heading, its papers (newest first), and the search that lists them all."""

    heading: str
    papers: Sequence[Paper]
    query: str


def entry_text(paper: Paper) -> Text:
    """A title as data (never markup), with its year."""
    text = Text(paper.title)
    if paper.year:
        text.append(f"  {paper.year}", style="dim")
    return text


class CitationLinks(PagingOptionList):
    """The papers citing and cited by the detail pane's paper; enter jumps to one."""

    DEFAULT_CSS = """
    CitationLinks {
        height: auto;
        width: 1fr;
        border: none;
        padding: 0;
        margin: 1 0 0 0;
        background: transparent;
        display: none;
        &:focus {
            border: none;
            background-tint: initial;
        }
        & > .option-list--option-disabled {
            color: $text;
        }
    }
    """

    class Jump(Message):
        """Show this paper in the main list."""

        def __init__(self, paper: Paper) -> None:
            self.paper = paper
            super().__init__()

    class Search(Message):
        """List every paper of a section: this query in the search bar."""

        def __init__(self, query: str) -> None:
            self.query = query
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._targets: list[Paper | str | None] = []  # per option: where enter goes
        self._shown: tuple[object, ...] = ()

    def show(self, sections: Sequence[LinkSection]) -> None:
        """List these sections (those without papers are left out); hidden when none has any.

        The same sections again change nothing: the marks' redraws every few seconds
        must not move the highlight from under the user.
        """
        shown = tuple((s.heading, tuple(p.id for p in s.papers), s.query) for s in sections)
        if shown == self._shown:
            return
        self._shown = shown
        options: list[Option] = []
        self._targets = []
        for section in (s for s in sections if s.papers):
            if options:
                self._add(options, Option(Text(), disabled=True), None)
            self._add(options, Option(Text(section.heading, style="bold"), disabled=True), None)
            for paper in section.papers[:SHOWN]:
                self._add(options, Option(entry_text(paper)), paper)
            hidden = len(section.papers) - SHOWN
            if hidden > 0:
                more = Text(f"… {hidden:,} more: search {section.query}", style="italic")
                self._add(options, Option(more), section.query)
        if not options and self.has_focus and isinstance(self.parent, Widget):
            self.screen.set_focus(self.parent)  # hidden: the detail pane keeps the focus
        self.clear_options()
        self.add_options(options)
        self.display = bool(options)
        if options:
            self.action_first()  # the first title, past the heading

    def _add(self, options: list[Option], option: Option, target: Paper | str | None) -> None:
        options.append(option)
        self._targets.append(target)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        target = self._targets[event.option_index]
        if isinstance(target, str):
            self.post_message(self.Search(target))
        elif target is not None:
            self.post_message(self.Jump(target))

    def scroll_to_highlight(self, top: bool = False) -> None:
        """Keep the highlighted title in view when the detail pane around the list was
        scrolled away from it (the mouse wheel). Textual's OptionList scrolls only itself
        (its ``max-height: 100%`` came from Textualize/textual#4021, a list taller than
        its container not following the keys), never the container it sits in; the line
        above the title is kept in view too: it may be its heading."""
        super().scroll_to_highlight(top)
        highlighted, parent = self.highlighted, self.parent
        if highlighted is None or not isinstance(parent, Widget) or not self.is_mounted:
            return
        line = self._index_to_line.get(highlighted)
        if line is None:  # not laid out yet: focusing the list brings it into view
            return
        above = min(line, 1)
        region = Region(
            0,
            self.virtual_region.y + line - above - round(self.scroll_y),
            self.virtual_region.width,
            self._heights[highlighted] + above,
        )
        parent.scroll_to_region(region, animate=False, immediate=True)
