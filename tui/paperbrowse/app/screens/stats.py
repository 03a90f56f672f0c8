"""The stats screen: papers per year as bars, categories, venues, co-authors, reading progress.

Figures come from core/stats.py. Each row is an option of an OptionList, so
choosing a year, a category, a venue or a co-author closes the screen with a
search query (``year:2024``, ``cat:CL``, ``author:"Ann Bee"``) that the
browser then shows. Names and venues from files are ``Text``, never markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from paperbrowse.app.actions import bindings
from paperbrowse.app.screens.base import DismissOnce, call_from_thread_while_attached
from paperbrowse.app.widgets.footer import KeyFooter
from paperbrowse.app.widgets.option_pages import PickerList

if TYPE_CHECKING:
    from paperbrowse.core.library import Library
    from paperbrowse.core.marks.store import Marks
    from paperbrowse.core.models import Paper
    from paperbrowse.core.stats import Count, LibraryStats, ReadingProgress

BAR_WIDTH = 24  # cells of the longest bar
SMALL_BAR_WIDTH = 8  # in the narrower lists beside the years (fits 80 columns)
ROWS_SHOWN = 10  # categories, venues and co-authors listed


def bar(count: int, most: int, width: int = BAR_WIDTH) -> str:
    """A bar of eighth-blocks, so small differences still show; a non-zero count gets a sliver."""
    if most <= 0 or count <= 0:
        return ""
    eighths = max(1, round(count / most * width * 8))
    return "█" * (eighths // 8) + ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")[eighths % 8]


def progress_text(progress: ReadingProgress) -> Text:
    done = progress.fraction_read
    filled = round(done * 30)
    text = Text.assemble(
        ("Reading progress  ", "bold"),
        ("█" * filled, "green"),
        ("░" * (30 - filled), "dim"),
        f"  {progress.read:,} of {progress.total:,} read ({done:.0%})",
    )
    text.append(
        f"\n★ {progress.bookmarked:,} bookmarked ({progress.bookmarked_unread:,} unread)"
        f" · ✎ {progress.noted:,} with notes · {progress.tagged:,} tagged",
        style="dim",
    )
    return text


# Empty years in a row from which they are one line ("1843–1930 0 no papers"): a library whose
# oldest paper is from 1842 listed 87 empty years before its next, and its newest far below.
EMPTY_YEARS_FOLDED = 3
WITHOUT_YEAR = "-has:year"  # the query the years' "none" row lists its papers with


def year_options(
    years: Sequence[tuple[int, int]], undated: int, room: int | None = None
) -> list[Option]:
    """The rows of the years' chart; ``room``: the cells a row has, which the longest bar
    fits into (cut, every bar looked as long at 60 columns)."""
    most = max((count for _, count in years), default=0)
    digits = len(f"{max(most, undated):,}")
    width = len(str(max((year for year, _ in years), default=0)))
    bar_width = BAR_WIDTH if room is None else max(4, min(BAR_WIDTH, room - width - digits - 2))
    options = []
    for first, last, count in _folded_years(years):
        if first != last:  # a run of empty years: said, not picked (it lists nothing)
            label = Text(f"{first}–{last} {0:>{digits}} no papers", style="dim")
            options.append(Option(label, disabled=True))
            continue
        # The count before the bar, so a narrow screen cuts the bar, never the figure.
        row = Text.assemble(
            (f"{first:>{width}} ", "bold"),
            f"{count:>{digits},} ",
            (bar(count, most, bar_width), "cyan"),
        )
        options.append(Option(row, id=f"year:{first}"))
    if undated:  # picked as any year is: the papers without one
        label = Text(f"none {undated:>{digits},} without a year", style="dim")
        options.append(Option(label, id=WITHOUT_YEAR))
    return options


def _folded_years(years: Sequence[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """(first, last, papers) rows: each year alone, but EMPTY_YEARS_FOLDED or more empty
    years in a row as one (first < last, no papers)."""
    rows: list[tuple[int, int, int]] = []
    run: list[int] = []  # the empty years met since the last year with papers

    def close_run() -> None:
        if len(run) >= EMPTY_YEARS_FOLDED:
            rows.append((run[0], run[-1], 0))
        else:
            rows.extend((year, year, 0) for year in run)
        run.clear()

    for year, count in years:
        if count:
            close_run()
            rows.append((year, year, count))
        else:
            run.append(year)
    close_run()
    return rows


def quoted(value: str) -> str:
    """A filter value as the search syntax reads it: quoted when it holds spaces."""
    clean = value.replace('"', "")
    return f'"{clean}"' if any(ch.isspace() for ch in clean) else clean


def short_label(label: str) -> str:
    """A venue without the "Proceedings of the" that begins most of them (shown, not searched)."""
    short = _PROCEEDINGS.sub("", label)
    return short[:1].upper() + short[1:] if short else label


def count_options(counts: Sequence[Count], key: str, without: int = 0) -> list[Option]:
    """A chart's rows, most papers first; then, given ``without`` (the venues'), a row for
    the papers without one, picked as the others are."""
    most = max((count.count for count in counts), default=0)
    digits = len(f"{max(most, without):,}")
    options = []
    for count in counts:
        # The label goes last, so a long venue or name uses all the room there is.
        bars = f"{bar(count.count, most, SMALL_BAR_WIDTH):<{SMALL_BAR_WIDTH}}"
        row = Text.assemble(
            f"{count.count:>{digits},} ",
            (bars, "cyan"),
            " ",
            short_label(count.label) if key == "venue" else count.label,
            no_wrap=True,
            overflow="ellipsis",
        )
        value = count.label if key in ("author", "venue") else count.key
        options.append(Option(row, id=f"{key}:{quoted(value)}"))
    if without:
        row = Text(f"none {without:>{digits},} without a {key}", style="dim", no_wrap=True)
        options.append(Option(row, id=f"-has:{key}"))
    if not options:
        options.append(Option(Text("none", style="dim"), disabled=True))
    return options


_PROCEEDINGS = re.compile(r"^proceedings\s+of\s+(the\s+)?", re.IGNORECASE)
SECTIONS = (("cat", "Categories"), ("author", "Top co-authors"), ("venue", "Venues"))


class StatsScreen(DismissOnce, Screen[str | None]):
    """Dismissed with a search query when a row is chosen, else None (escape)."""

    DEFAULT_CSS = """
    StatsScreen {
        layout: vertical;
    }
    StatsScreen #stats-progress {
        height: 2;
        width: 1fr;
        padding: 0 1;
        background: $panel;
    }
    StatsScreen #stats-columns {
        height: 1fr;
        width: 1fr;
    }
    StatsScreen #stats-years {
        width: 1fr;
        height: 1fr;
    }
    StatsScreen #stats-right {
        width: 1fr;
        height: 1fr;
    }
    StatsScreen OptionList {
        height: auto;
        max-height: 100%;
        width: 1fr;
        border: round $panel-lighten-2;
        border-title-color: $text;
        border-title-style: bold;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    /* (light themes: the panel lightened is the background's own colour) */
    StatsScreen OptionList:light {
        border: round $panel-darken-3;
    }
    StatsScreen OptionList:focus {
        border: round $accent;
    }
    StatsScreen #stats-years OptionList {
        height: 1fr;
    }
    """
    BINDINGS = bindings("stats")  # from the registry (app/actions.py), rebindable

    def __init__(self, library: Library, marks: Callable[[Paper], Marks | None]) -> None:
        super().__init__()
        self.library = library
        self.marks = marks
        self.figures: LibraryStats | None = None  # counted in a thread (0.7 s at 22k papers)

    def _figures(self) -> LibraryStats:
        from paperbrowse.core.marks.store import Marks
        from paperbrowse.core.stats import library_stats

        def lookup(paper: Paper) -> Marks:
            found = self.marks(paper)
            return found if found is not None else Marks(paper.id)

        owners = self._owners()
        return library_stats(self.library.papers, lookup, owners=owners, limit=ROWS_SHOWN)

    def _owners(self) -> list[str]:
        """Every researcher opened, not only the first: their own names are no co-authors."""
        return [profile.name for profile in self.library.profiles if profile.name]

    def compose(self) -> ComposeResult:
        yield Static(Text("Counting…", style="dim"), id="stats-progress")
        with Horizontal(id="stats-columns"):
            with Vertical(id="stats-years"):
                years = PickerList(id="years")
                years.border_title = "Papers per year"
                yield years
            # Not focusable itself: tab goes straight from chart to chart.
            with VerticalScroll(id="stats-right", can_focus=False):
                for key, title in SECTIONS:
                    options = PickerList(id=f"{key}-list")
                    # Co-authors of the researchers opened; a library's are its authors.
                    mine = key != "author" or bool(self._owners())
                    options.border_title = title if mine else "Top authors"
                    yield options
        yield KeyFooter()  # (its keys left out whole where they do not fit)

    AUTO_FOCUS = "#years"

    def on_mount(self) -> None:
        for options in self.query(PickerList):
            options.hold_moves()  # (keys typed before the figures are in: made once they are)
        self._count()

    @work(thread=True, exclusive=True, description="count library stats")
    def _count(self) -> None:
        figures = self._figures()
        # Not shown if the screen was closed meanwhile: its lists are gone.
        call_from_thread_while_attached(self, self._show, figures)

    def _show(self, figures: LibraryStats) -> None:
        self.figures = figures
        self.query_one("#stats-progress", Static).update(progress_text(figures.progress))
        filled = {
            "years": self._year_rows(figures),
            "cat-list": count_options(figures.categories, "cat"),
            "author-list": count_options(figures.coauthors, "author"),
            "venue-list": count_options(figures.venues, "venue", figures.without_venue),
        }
        for list_id, options in filled.items():
            option_list = self.query_one(f"#{list_id}", PickerList)
            option_list.add_options(options)
            option_list.highlighted = 0  # enter chooses the first row at once
        for option_list in self.query(PickerList):
            option_list.release_moves()

    def _year_rows(self, figures: LibraryStats) -> list[Option]:
        room = self.query_one("#years", PickerList).scrollable_content_region.width
        return year_options(figures.years, figures.undated, room or None)

    def on_resize(self) -> None:
        self.call_after_refresh(self._refit_years)  # (once the lists have their new size)

    def _refit_years(self) -> None:
        """The bars made again for the chart's new width, the row picked kept."""
        if self.figures is None:
            return
        years = self.query_one("#years", PickerList)
        picked = years.highlighted
        years.clear_options()
        years.add_options(self._year_rows(self.figures))
        years.highlighted = picked

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)
