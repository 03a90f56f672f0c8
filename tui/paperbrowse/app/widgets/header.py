"""The profile header: the researcher's name and figures, or what the library holds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from paperbrowse.core.text.counts import counted, plural

if TYPE_CHECKING:
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


class ProfileHeader(Static):
    """Shows ``header_text``; updated when a library has loaded."""

    DEFAULT_CSS = """
    ProfileHeader {
        height: 2;
        width: 1fr;
        padding: 0 1;
    }
    """

    def show(self, profile: Profile | None, papers: int, sources: list[str]) -> None:
        self.update(header_text(profile, papers, sources))
