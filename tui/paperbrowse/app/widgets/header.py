"""The profile header: the researcher's name and figures, or what the library holds.

Several researchers' profiles open together are summed up ("3 researchers · 58
papers") and named, as many as the width holds; a search for ``profile:"Name"``
shows that researcher's own figures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.errors import StyleSyntaxError
from rich.style import Style
from rich.text import Span, Text
from textual.events import Resize
from textual.widgets import Static

from paperbrowse.core.text.counts import counted, plural

if TYPE_CHECKING:
    from paperbrowse.core.library import Library
    from paperbrowse.core.models import Profile


def _figure(value: float | None, label: str, suffix: str = "") -> Text | None:
    if value is None:
        return None
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return Text.assemble((number + suffix, "bold"), f" {label}")


def header_text(profile: Profile | None, papers: int, sources: list[str]) -> Text:
    """Two lines: who (or which files), then the figures. All file text stays plain text."""
    if profile is None:
        names = ", ".join(sources[:3]) + (" …" if len(sources) > 3 else "")
        title = Text.assemble(("Library", "bold"), "  ", (names or "no files", "dim"))
        return Text.assemble(title, "\n", (counted(papers, "paper"), "bold"))
    title = Text(profile.name, style="bold")
    if profile.primary_category:
        title.append(f"  {profile.primary_category}", style="bold")
        if profile.primary_category_name:
            title.append(f" · {profile.primary_category_name}", style="dim")
    parts = [
        _figure(profile.h_index, "h-index"),
        _figure(profile.citations, plural(profile.citations or 0, "citation")),
        _figure(profile.paper_count, plural(profile.paper_count or 0, "paper")),
        _figure(profile.novelty, "novelty", "%"),
        _figure(profile.ai_score, "AI score"),
    ]
    figures = Text(" · ", style="dim").join(p for p in parts if p is not None)
    return Text.assemble(title, "\n", figures)


def people_text(names: Sequence[str], papers: int, width: int) -> Text:
    """Two lines: how many researchers and papers, then their names, as many as fit."""
    title = Text.assemble(
        (counted(len(names), "researcher"), "bold"), " · ", (counted(papers, "paper"), "bold")
    )
    shown: list[str] = []
    used = 0
    for number, name in enumerate(names):
        left = len(names) - number - 1
        more = f" +{left} more" if left else ""
        cost = cell_len(name) + (3 if shown else 0)
        if used + cost + cell_len(more) > width and shown:
            break
        shown.append(name)
        used += cost
    rest = len(names) - len(shown)
    line = Text(" · ").join(Text(name) for name in shown)
    if rest:
        line.append(f" +{rest} more", style="dim")
    line.truncate(max(width, 1), overflow="ellipsis")
    return Text.assemble(title, "\n", line)


class ProfileHeader(Static):
    """Shows ``header_text`` or ``people_text``; updated when a library has loaded and when
    a search names one of its researchers."""

    DEFAULT_CSS = """
    ProfileHeader {
        height: 2;
        width: 1fr;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._render_for: Callable[[int], Text] = lambda width: Text()
        self._shown_at: int | None = None  # the text width it was last fitted to
        self.text_shown: Text | None = None

    def show(self, profile: Profile | None, papers: int, sources: list[str]) -> None:
        self._show(lambda width: header_text(profile, papers, sources))

    def show_people(self, names: Sequence[str], papers: int) -> None:
        """Several researchers: their count and names (re-fitted when the width changes)."""
        self._show(lambda width: people_text(names, papers, width))

    def show_text(self, text: Text) -> None:
        """A text as it was shown before (a kept first screen's)."""
        self._show(lambda width: text)

    def _show(self, render: Callable[[int], Text]) -> None:
        self._render_for = render
        self._shown_at = self._text_width()
        self.text_shown = render(self._shown_at)
        self.update(self.text_shown)

    def _text_width(self) -> int:
        return max(self.size.width - 2, 20) if self.size.width else 78

    def on_resize(self, event: Resize) -> None:
        # Fitted again only once shown, to a new width: the launch's first frame was
        # followed by another of the whole screen, for the header's empty text.
        if self._shown_at is not None and self._text_width() != self._shown_at:
            self._show(self._render_for)


def show_library(header: ProfileHeader, library: Library, query: str = "") -> None:
    """The header for a library as searched: one researcher's figures, several researchers
    named, or the files. A query's ``profile:`` filters pick whom it shows."""
    everyone = list(library.profiles)
    named = None
    # core.people (and what it imports) only for several profiles: one researcher's or
    # none is the first screen's usual case, which need not wait for it.
    if len(everyone) > 1:
        from paperbrowse.core.people import distinct_profiles, profiles_named

        everyone = distinct_profiles(everyone)
        named = profiles_named(query, everyone) if len(everyone) > 1 else None
    chosen = named if named else everyone
    if len(chosen) == 1:
        header.show(chosen[0], len(library.papers), library.sources)
    elif not chosen:
        header.show(None, len(library.papers), library.sources)
    else:
        papers = (
            len(library.papers)
            if named is None
            else len({paper.id for profile in chosen for paper in profile.papers})
        )
        header.show_people([profile.name for profile in chosen], papers)


def kept_text(text: Text) -> tuple[str, list[tuple[int, int, str]]]:
    """A header's text as plain values, for ``core.first_screen`` to keep."""
    spans = [(span.start, span.end, str(span.style)) for span in text.spans]
    if text.style:
        spans.insert(0, (0, len(text.plain), str(text.style)))
    return text.plain, spans


def text_kept(kept: tuple[str, list[tuple[int, int, str]]]) -> Text:
    """``kept_text`` back as a Text; a style that does not parse, or links, is left out."""
    plain, spans = kept
    text = Text(plain)
    for start, end, style in spans:
        try:
            parsed = Style.parse(style)
        except StyleSyntaxError:
            continue
        if parsed.link is None:  # (a link's address is written out as it is: never one)
            text.spans.append(Span(start, end, parsed))
    return text
