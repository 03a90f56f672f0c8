"""``m``, more like this: the papers of the library most like the highlighted one, and why.

``show_related`` ranks them in a worker thread (``core.related``: a few ms, but
never on the UI thread; a ranking still running after ``SLOW`` seconds says so in a
toast) and opens ``RelatedScreen``: one row per paper, its year
and title, then why it was chosen ("shares: citation, embeddings · 2 authors").
Enter dismisses with that paper, which the browser then shows in its list.
Titles and reasons from files are ``Text``, never markup.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from paperbrowse.app.screens.author import _Picker
from paperbrowse.app.screens.base import call_from_thread_while_attached, withdraw_toasts
from paperbrowse.app.widgets.option_pages import PickerList

if TYPE_CHECKING:
    from textual.timer import Timer

    from paperbrowse.core.library import Library
    from paperbrowse.core.models import Paper
    from paperbrowse.core.related.rank import Related

SHOWN = 20  # related papers listed
# A few ms at 22k papers, but the first m just after a load shares the interpreter with
# the loader's work (typo lookups, citation keys, the caches written): 1.2 s measured
# then, 5 s on a busy machine. Past this the user is told it is being done.
SLOW = 0.4
FINDING = "Finding papers like this one…"


def show_related(
    screen: Screen[None], library: Library, paper: Paper, go_to: Callable[[Paper], None]
) -> None:
    """Rank the papers like ``paper`` off the UI thread, then list them; ``go_to`` gets the
    one chosen."""
    still = screen.set_timer(SLOW, partial(screen.notify, FINDING, timeout=30, markup=False))
    screen.run_worker(
        partial(_rank, screen, library, paper, partial(_done, screen, still, go_to)),
        thread=True,
        exclusive=True,
        group="related",
        description="related papers",  # not the default repr of a 100k-paper library
    )


def _rank(screen: Screen[None], library: Library, paper: Paper, done: Callable[..., None]) -> None:
    """In the worker's thread."""
    from paperbrowse.core.related.rank import related_papers

    try:
        found = related_papers(library.index, paper, SHOWN)
    except Exception as error:  # a bug must not end the app: say so, once
        message = f"Could not rank related papers ({type(error).__name__}: {error})."
        call_from_thread_while_attached(screen, done, None, [], message)
        return
    call_from_thread_while_attached(screen, done, paper, found, None)


def _done(
    screen: Screen[None],
    still: Timer,
    go_to: Callable[[Paper], None],
    paper: Paper | None,
    found: list[Related],
    error: str | None,
) -> None:
    """On the UI thread: the "finding" toast stopped or taken down, then the list or why not."""
    still.stop()
    withdraw_toasts(screen.app, {FINDING})
    if error is not None:
        screen.notify(error, severity="error", markup=False)
    elif paper is not None:
        _open(screen, paper, found, go_to)


def _open(
    screen: Screen[None], paper: Paper, found: list[Related], go_to: Callable[[Paper], None]
) -> None:
    if not screen.is_active:
        return  # another screen opened meanwhile (m then a, fast): the user moved on
    if not found:
        screen.notify("No other paper here shares its words, authors or venue.", timeout=3)
        return

    def chosen(choice: object) -> None:
        if choice is not None:
            go_to(choice)  # type: ignore[arg-type]  # the screen dismisses with a Paper

    screen.app.push_screen(RelatedScreen(paper, found), chosen)


class RelatedScreen(_Picker):
    """The papers most like one, best first, each with why."""

    def __init__(self, paper: Paper, found: list[Related]) -> None:
        super().__init__()
        self.paper = paper
        self.found = found

    def compose(self) -> ComposeResult:
        options = []
        for index, related in enumerate(self.found):
            other = related.paper
            year = f"{other.year}  " if other.year else "      "
            label = Text.assemble(
                (year, "dim"), other.title, "\n", ("      " + related.reasons(), "dim italic")
            )
            options.append(Option(label, id=str(index)))
        with Vertical():
            yield Static(
                Text.assemble("More like ", (self.paper.title, "italic")), classes="picker-title"
            )
            yield PickerList(*options, id="related-options")
            back = self.key_named("dialog_cancel")
            yield Static(Text(f"Enter goes to the paper; {back} goes back."), classes="picker-hint")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.found[int(event.option.id or 0)].paper)
