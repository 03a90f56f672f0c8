"""The detail pane: everything about the highlighted paper, matches highlighted."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from paperbrowse.core.models import Paper
from paperbrowse.core.search import Hit

MATCH = Style(bold=True, underline=True, color="yellow")
LABEL = Style(dim=True)


def _highlighted(text: str, spans: tuple[tuple[int, int], ...], style: Style | str = "") -> Text:
    result = Text(text, style=style)
    for start, end in spans:
        result.stylize(MATCH, start, end)
    return result


def _row(label: str, value: Text | str) -> Text:
    return Text.assemble((f"{label:<10}", LABEL), value)


def detail_text(paper: Paper, hit: Hit | None) -> Text:
    """The paper as the detail pane shows it; text from files is never markup."""
    spans = hit.spans if hit else {}
    lines: list[Text] = [
        _highlighted(paper.title, spans.get("title", ()), "bold"),
        Text(),
        _row("Authors", _highlighted(paper.authors_text() or "—", spans.get("authors", ()))),
    ]
    date = paper.date_text() or "—"
    if paper.year_inferred:
        date += " (year inferred)"
    lines.append(_row("Date", date))
    if paper.category:
        name = paper.category_name
        lines.append(_row("Category", paper.category + (f" · {name}" if name else "")))
    if paper.venue:
        lines.append(_row("Venue", paper.venue))
    lines.append(_row("Code", "yes, code released" if paper.has_code else "not mentioned"))
    if paper.doi:
        lines.append(_row("DOI", paper.doi))
    links = [link for link in (paper.url, *paper.links) if link]
    for index, link in enumerate(dict.fromkeys(links)):
        lines.append(_row("Link" if index == 0 else "", Text(link, style="underline")))
    lines.append(Text())
    if paper.abstract:
        lines.append(_highlighted(paper.abstract, spans.get("abstract", ())))
    else:
        lines.append(Text("No abstract.", style="dim italic"))
    if paper.source is not None:
        lines.extend([Text(), Text(f"From {paper.source}", style="dim")])
    return Text("\n").join(lines)


class PaperDetail(VerticalScroll):
    """Scrollable details of ``paper``; the watcher redraws when it or its hit changes."""

    DEFAULT_CSS = """
    PaperDetail {
        padding: 0 1;
    }
    PaperDetail > #detail-body {
        width: 1fr;
    }
    """

    paper: reactive[Paper | None] = reactive(None)
    hit: reactive[Hit | None] = reactive(None)

    def compose(self) -> ComposeResult:
        yield Static(Text("Loading…", style="dim"), id="detail-body")

    def show(self, paper: Paper | None, hit: Hit | None) -> None:
        self.hit = hit
        self.paper = paper

    def watch_paper(self, old: Paper | None, new: Paper | None) -> None:
        if old is None or new is None or old.id != new.id:
            self.scroll_home(animate=False)
        self._redraw()

    def watch_hit(self) -> None:
        self._redraw()

    def _redraw(self) -> None:
        if not self.is_mounted:
            return
        body = self.query_one("#detail-body", Static)
        if self.paper is None:
            body.update(Text("No paper selected.", style="dim"))
        else:
            body.update(detail_text(self.paper, self.hit))
