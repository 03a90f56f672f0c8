"""The header's text, without Textual: the researcher's name and figures, several
researchers named as the width holds, or what the library holds; and that text as plain
values for a kept first screen (``core.first_screen``).

Rich only (no Textual): ``app.first_screen_ahead`` makes a header in a process that
never loads Textual. ``widgets.header`` shows these texts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.errors import StyleSyntaxError
from rich.style import Style
from rich.text import Span, Text

from paperbrowse.core.text.counts import counted, plural

if TYPE_CHECKING:
    from paperbrowse.core.library import Library
    from paperbrowse.core.models import Profile

HeaderRender = Callable[[int], Text]  # the header's text at a width (of text, in cells)


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


class PeopleHeader:
    """Several researchers' header (``people_text``) as a ``HeaderRender``: its names and
    papers are what a kept first screen keeps, to fit them again to its launch's width."""

    def __init__(self, names: list[str], papers: int) -> None:
        self.names = names
        self.papers = papers

    def __call__(self, width: int) -> Text:
        return people_text(self.names, self.papers, width)


def library_header(library: Library, query: str = "") -> HeaderRender:
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
    papers, sources = len(library.papers), library.sources
    if len(chosen) <= 1:
        profile = chosen[0] if chosen else None
        return lambda width: header_text(profile, papers, sources)
    if named is not None:
        papers = len({paper.id for profile in chosen for paper in profile.papers})
    return PeopleHeader([profile.name for profile in chosen], papers)


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
