"""The author view: pick one of the paper's authors, then see all their papers in the library.

``AuthorPicker`` lists the highlighted paper's authors with how many papers
each has here; choosing one shows ``AuthorPapers`` (from
``stats.papers_by_author``). That screen dismisses with a Paper (go to it) or
with a query (``author:"Name"``: show them all in the list). Names and titles
from files are ``Text``, never markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from paperbrowse.app.actions import bindings
from paperbrowse.app.screens.base import DismissOnce
from paperbrowse.app.widgets.option_pages import PickerList
from paperbrowse.core.text.counts import counted

if TYPE_CHECKING:
    from paperbrowse.core.models import Paper


def author_query(name: str) -> str:
    return 'author:"{}"'.format(name.replace('"', ""))


class _Picker(DismissOnce, ModalScreen[object]):
    DEFAULT_CSS = """
    _Picker {
        align: center middle;
    }
    _Picker > Vertical {
        width: 90;
        max-width: 95%;
        height: auto;
        max-height: 90%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    _Picker Static {
        width: 1fr;
        height: auto;
    }
    /* The title and the hint docked, the list between them given what room is left (the
       dialog's 90%): a list of 20 rows pushed the hint off the dialog at 50x15. */
    _Picker .picker-title {
        dock: top;
        text-style: bold;
    }
    _Picker .picker-hint {
        dock: bottom;
        color: $text-muted;
    }
    _Picker OptionList {
        height: auto;
        max-height: 100%;
        width: 1fr;
        /* Given no width to wrap its options in (a terminal under ten columns), the list
           stopped the app in Textual's drawing; a narrower one shows its left part. */
        min-width: 8;
    }
    """
    BINDINGS = bindings("dialog")  # from the registry (app/actions.py), rebindable
    # Not a query in on_mount: a picker escaped before it was mounted has no list by then.
    AUTO_FOCUS = "OptionList"

    def action_cancel(self) -> None:
        self.dismiss(None)


class AuthorPicker(_Picker):
    """The paper's authors, each with their paper count here."""

    def __init__(self, paper: Paper, papers: Sequence[Paper]) -> None:
        super().__init__()
        self.paper = paper
        self.papers = papers
        self.authors = list(dict.fromkeys(paper.authors))

    def compose(self) -> ComposeResult:
        from paperbrowse.core.stats import author_key, author_places

        places = author_places(self.papers, self.authors)  # (no paper made of a row)
        options = []
        for index, name in enumerate(self.authors):
            count = len(places[author_key(name)])
            label = Text.assemble(name, (f"  {counted(count, 'paper')}", "dim"))
            options.append(Option(label, id=str(index)))
        with Vertical():
            yield Static(
                Text.assemble("Authors of ", (self.paper.title, "italic")), classes="picker-title"
            )
            yield PickerList(*options, id="author-options")
            back = self.key_named("dialog_cancel")
            yield Static(
                Text(f"Enter lists the author's papers; {back} goes back."), classes="picker-hint"
            )

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        name = self.authors[int(event.option.id or 0)]

        def chosen(choice: object) -> None:
            if choice is not None:  # escape there comes back to this list
                self.dismiss(choice)

        self.app.push_screen(AuthorPapers(name, self.papers), chosen)


class AuthorPapers(_Picker):
    """Every paper by one author in the library, newest first."""

    BINDINGS = [*bindings("dialog"), *bindings("author")]  # (app/actions.py), rebindable

    def __init__(self, name: str, papers: Sequence[Paper]) -> None:
        super().__init__()
        self.name_shown = name
        from paperbrowse.core.stats import papers_by_author

        self.found = papers_by_author(papers, name)

    def compose(self) -> ComposeResult:
        options = []
        for index, paper in enumerate(self.found):
            year = f"{paper.year}  " if paper.year else "      "
            options.append(Option(Text.assemble((year, "dim"), paper.title), id=str(index)))
        count = len(self.found)
        with Vertical():
            yield Static(
                Text.assemble(
                    (self.name_shown, "bold"), f": {counted(count, 'paper')} in this library"
                ),
                classes="picker-title",
            )
            yield PickerList(*options, id="author-papers")
            show, back = self.key_named("author_show_in_list"), self.key_named("dialog_cancel")
            yield Static(
                Text(
                    f"Enter goes to the paper; {show} shows them all in the list; {back} goes back."
                ),
                classes="picker-hint",
            )

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.found[int(event.option.id or 0)])

    def action_filter(self) -> None:
        self.dismiss(author_query(self.name_shown))
