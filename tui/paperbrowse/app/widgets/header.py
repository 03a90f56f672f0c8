"""The profile header: the researcher's name and figures, or what the library holds.

Several researchers' profiles open together are summed up ("3 researchers · 58
papers") and named, as many as the width holds; a search for ``profile:"Name"``
shows that researcher's own figures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.events import Resize
from textual.widgets import Static

from paperbrowse.app.header_text import HeaderRender, library_header

if TYPE_CHECKING:
    from paperbrowse.core.library import Library


class ProfileHeader(Static):
    """Shows ``header_text.library_header``'s text; updated when a library has loaded and
    when a search names one of its researchers."""

    DEFAULT_CSS = """
    ProfileHeader {
        height: 2;
        width: 1fr;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._render_for: HeaderRender = lambda width: Text()
        self._shown_at: int | None = None  # the text width it was last fitted to
        self.text_shown: Text | None = None

    def show_render(self, render: HeaderRender) -> None:
        """The text ``render`` gives at this width (made again when the width changes:
        several researchers' names, as many as fit)."""
        self._render_for = render
        self._shown_at = self._text_width()
        self.text_shown = render(self._shown_at)
        self.update(_first_line_cut(self.text_shown, self._shown_at))

    @property
    def render_shown(self) -> HeaderRender:
        """What makes the text shown at a width (``show_render``)."""
        return self._render_for

    def show_text(self, text: Text) -> None:
        """A text as it was shown before (a kept first screen's)."""
        self.show_render(lambda width: text)

    def _text_width(self) -> int:
        return max(self.size.width - 2, 20) if self.size.width else 78

    def on_resize(self, event: Resize) -> None:
        # Fitted again only once shown, to a new width: the launch's first frame was
        # followed by another of the whole screen, for the header's empty text.
        if self._shown_at is not None and self._text_width() != self._shown_at:
            self.show_render(self._render_for)


def _first_line_cut(text: Text, width: int) -> Text:
    """``text`` with its first line cut to ``width`` with an ellipsis: wrapped, a folder's
    long file names pushed the paper count off the header's two lines. (Only as drawn: the
    text kept for the next launch's first screen is the same at any width.)"""
    lines = text.split("\n")
    if not lines or lines[0].cell_len <= width:
        return text
    lines[0].truncate(width, overflow="ellipsis")
    return Text("\n").join(lines)


def show_library(header: ProfileHeader, library: Library, query: str = "") -> None:
    """Show the header for a library as searched (``header_text.library_header``)."""
    header.show_render(library_header(library, query))
