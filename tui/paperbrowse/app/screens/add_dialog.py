"""The add dialog (``+``): a DOI or arXiv id looked up, a title searched, or a BibTeX
entry pasted read, shown, then added to a file.

Enter looks the identifier up (``core.lookup``: Crossref or arXiv, in a thread); text that
is no identifier is searched on Crossref as a title, and the works it finds are offered to
pick one from. The paper found is shown, and a second Enter adds it to the file named
below, one of the library's own files when it has one (``target.addable_sources``). The
file is written atomically and kept as ``NAME.bak`` by the session's first change to it
(``core.lookup.adding``, ``core.backups``). Dismissed with what was added, or None.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from paperbrowse.app.actions import bindings
from paperbrowse.app.screens.base import DismissOnce
from paperbrowse.core.backups import kept_note

if TYPE_CHECKING:
    from paperbrowse.core.lookup.adding import Added
    from paperbrowse.core.lookup.client import Work
    from paperbrowse.core.models import Paper


def paper_lines(paper: Paper, kind: str | None = None) -> Text:
    """What the dialog shows of a paper found: title, authors, year and venue (and the
    kind of work a title search said it is, unless a paper), DOI."""
    shown = Text(paper.title, style="bold")
    authors = ", ".join(paper.authors[:6]) + (" et al." if len(paper.authors) > 6 else "")
    parts = (str(paper.year or ""), paper.venue or "", kind or "")
    details = " · ".join(part for part in parts if part)
    for line in (authors, details, f"DOI {paper.doi}" if paper.doi else ""):
        if line:
            shown.append("\n" + line)
    return shown


def candidate_lines(work: Work) -> Text:
    """A work a title search offers: its title, then its first author, year and venue, and
    its kind unless it is a paper (a "reference entry", a "book chapter", a "peer review")."""
    paper = work.paper
    shown = Text(paper.title, style="bold")
    details = [
        paper.authors[0] if paper.authors else "",
        str(paper.year or ""),
        paper.venue or "",
        work.kind or "",
    ]
    if any(details):
        shown.append("\n" + " · ".join(part for part in details if part), style="dim")
    return shown


def what_to_type() -> Text:
    """The hint of what the dialog takes, shown while nothing is found."""
    from paperbrowse.core.lookup.identifiers import WHAT_TO_TYPE

    return Text(
        f"Type {WHAT_TO_TYPE}, or a title to search Crossref for; or paste a BibTeX entry.",
        style="dim",
    )


class PastedLinesInput(Input):
    """The dialog's text, which takes a paste of several lines as one line: Textual's
    Input keeps a paste's first line only, and a DOI or a title copied from a PDF wraps
    (``https://doi.org/10.2196/`` then ``22081`` was looked up as its first half)."""

    def _on_paste(self, event: events.Paste) -> None:
        from paperbrowse.core.lookup.identifiers import pasted_on_one_line

        event.stop()
        event.prevent_default()  # (Input's own handler, which keeps the first line, not run)
        joined = pasted_on_one_line(event.text)
        if not joined:
            return
        if self.selection.is_empty:
            self.insert_text_at_cursor(joined)
        else:
            self.replace(joined, *self.selection)


class AddPaperDialog(DismissOnce, ModalScreen["Added | None"]):
    """Look a paper up, then add it to a file; dismissed with what was added, or None."""

    DEFAULT_CSS = """
    AddPaperDialog {
        align: center middle;
    }
    AddPaperDialog > Vertical {
        width: 80;
        max-width: 95%;
        height: auto;
        max-height: 100%;
        overflow-y: auto;  /* a small terminal scrolls the dialog rather than cut it */
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    AddPaperDialog Static, AddPaperDialog Input {
        width: 1fr;
    }
    AddPaperDialog #add-title {
        text-style: bold;
    }
    AddPaperDialog #add-found {
        margin: 1 0;
        height: auto;
        max-height: 8;
    }
    AddPaperDialog #add-candidates {
        height: auto;
        max-height: 12;
        display: none;
    }
    AddPaperDialog Horizontal {
        height: auto;
        align: right middle;
    }
    """
    BINDINGS = bindings("dialog")  # from the registry (app/actions.py), rebindable
    # Focused in on_mount instead, without Textual's scroll to it: at 50x15 that scroll
    # (a focused widget centred, when the dialog overflows) opened the dialog a line down,
    # its title hidden, though the field was in view at the top.
    AUTO_FOCUS = ""

    def __init__(
        self,
        targets: list[Path],
        library: Sequence[Paper] = (),
        taken: Callable[[], Iterable[str]] = tuple,
        why_none: str = "",
    ) -> None:
        super().__init__()
        self.why_none = why_none  # why no file of the library is offered (read-only...)
        self.targets = targets  # the library's files a paper can be added to
        self.library = library  # its papers: one of them is not added again
        self.taken = taken  # its citation keys (made in the worker if need be), not given again
        self.found: tuple[str, Paper] | None = None  # what was typed, and its paper
        # A title search's works offered to pick from, each with its copy in the library.
        self.candidates: list[tuple[Work, Paper | None]] = []
        self._busy = False  # a look-up or an addition is running
        self._adding = False  # the file is being written: escape waits for it

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Add a paper"), id="add-title")
            yield PastedLinesInput(
                id="add-id",
                placeholder="DOI or arXiv id, a link to one, a title, or a BibTeX entry",
            )
            yield OptionList(id="add-candidates")
            yield Static(what_to_type(), id="add-found")
            target = str(self.targets[0]) if self.targets else ""
            offered = f"Add to the file ({self.why_none}: name one)" if self.why_none else ""
            yield Static(Text(offered or "Add to the file", style="dim"))
            yield Input(target, id="add-to", placeholder=".bib, .ris, .jsonl or .json file")
            yield Static(self._hint(), id="add-status")
            with Horizontal():
                yield Button("Look up", variant="primary", id="add-go")
                yield Button("Cancel", id="add-cancel")

    def on_mount(self) -> None:
        for field in self.query("#add-id"):  # (none once escaped before it mounted)
            self.set_focus(field, scroll_visible=False)

    def _hint(self) -> Text:
        cancel = self.key_named("dialog_cancel")
        if self.found is None and self._typed_entry():
            return Text(
                f"Enter reads the entry (no network needed); {cancel} cancels.", style="dim"
            )
        if self.found is None:
            return Text(f"Enter looks it up (needs the network); {cancel} cancels.", style="dim")
        return Text(f"Enter adds it to the file; {cancel} cancels.", style="dim")

    def _status(self, text: str, style: str = "dim") -> None:
        self.query_one("#add-status", Static).update(Text(text, style=style))

    def _typed_entry(self) -> bool:
        """Whether a BibTeX entry was typed or pasted (read here, nothing looked up)."""
        fields = self.query("#add-id")  # (none yet while composing)
        return bool(fields) and self.typed.startswith("@")

    @property
    def typed(self) -> str:
        return self.query_one("#add-id", Input).value.strip()

    @on(Input.Changed, "#add-id")
    def _id_changed(self) -> None:
        self._offer([])  # (works found for what was typed before)
        if self.found is not None and self.found[0] != self.typed:
            self.found = None  # another id: looked up again before anything is added
            self._show_found(None)
            self._status(self._hint().plain)
        elif self.found is None:  # (a pasted entry needs no network: the hint says so)
            self._status(self._hint().plain)

    @on(Input.Submitted)
    @on(Button.Pressed, "#add-go")
    def _go(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        if self._busy:
            return
        if not self.typed:
            self._status("Type a DOI, an arXiv id or a title first.", "bold")
            return
        if self.found is not None and self.found[0] == self.typed:
            self._add(self.found[1])
            return
        offered = self.query_one("#add-candidates", OptionList)
        if self.candidates and offered.highlighted is not None:
            self._pick(offered.highlighted)
            return
        from paperbrowse.core.lookup.identifiers import meant_as_identifier, read_identifier
        from paperbrowse.core.lookup.pasted import is_bibtex_entry

        self._busy = True
        self._show_found(None)
        if is_bibtex_entry(self.typed):  # read as it is (``look_up``), nothing asked
            self._status("Reading the BibTeX entry…", "bold")
            self._look_up(self.typed)
        # (a mistyped id is looked up, and told why it is none, not searched as a title)
        elif read_identifier(self.typed) is not None or meant_as_identifier(self.typed):
            self._status(f"Looking up {self.typed}…", "bold")
            self._look_up(self.typed)
        else:
            self._status(f"Searching Crossref for “{self.typed}”…", "bold")
            self._search(self.typed)

    def _show_found(self, paper: Paper | None, kind: str | None = None) -> None:
        """The paper found, or (None) the hint of what to type, and the button's word."""
        shown = paper_lines(paper, kind) if paper else what_to_type()
        self.query_one("#add-found", Static).update(shown)
        self.query_one("#add-go", Button).label = "Add" if paper else "Look up"

    @on(Button.Pressed, "#add-cancel")
    def action_cancel(self) -> None:
        if self._adding:  # (closed now, what became of the file would go unsaid)
            self._status("The file is being written; a moment.", "bold")
            return
        self.dismiss(None)

    @work(thread=True, exclusive=True, group="add-paper", description="look a paper up")
    def _look_up(self, typed: str) -> None:
        from paperbrowse.core.lookup.client import look_up
        from paperbrowse.core.lookup.known import copy_in

        def paper_and_copy(cancelled: Callable[[], bool]) -> tuple[Paper, Paper | None]:
            paper = look_up(typed, cancelled=cancelled, email=_email())
            return paper, copy_in(paper, self.library)

        answer = _asked(paper_and_copy)
        if answer is not None:
            found, copy = answer if isinstance(answer, tuple) else (answer, None)
            self.app.call_from_thread(self._looked_up, typed, found, copy)

    @work(thread=True, exclusive=True, group="add-paper", description="search a title")
    def _search(self, typed: str) -> None:
        from paperbrowse.core.lookup.client import search_crossref
        from paperbrowse.core.lookup.known import copy_in

        def works_and_copies(cancelled: Callable[[], bool]) -> list[tuple[Work, Paper | None]]:
            # (each work's copy in the library looked for here: a scan of every paper)
            found = search_crossref(typed, cancelled=cancelled, email=_email())
            return [(work, copy_in(work.paper, self.library)) for work in found]

        answer = _asked(works_and_copies)
        if answer is not None:
            self.app.call_from_thread(self._searched, typed, answer)

    def _still_wanted(self, typed: str) -> bool:
        """Whether an answer for ``typed`` is still wanted, the asking over: the dialog is
        open and shows that text (edited meanwhile, it shows the hint again)."""
        self._busy = False
        if not self.is_attached:
            return False
        if typed != self.typed:  # edited meanwhile: this answer is not for what is shown
            self._status(self._hint().plain)
            return False
        return True

    def _searched(self, typed: str, found: list[tuple[Work, Paper | None]] | str) -> None:
        if not self._still_wanted(typed):
            return
        if isinstance(found, str):
            self._status(found, "bold red")
        elif not found:
            self._status(f"Crossref finds no paper for “{typed}”.", "bold")
        else:
            self._offer(found)
            self._status("↑ ↓ and Enter pick the paper meant (or edit the text, and Enter).")

    def _offer(self, works: list[tuple[Work, Paper | None]]) -> None:
        """The works of a title search to pick from, each with its copy in the library if
        it has one (none: the list hidden)."""
        self.candidates = works
        offered = self.query_one("#add-candidates", OptionList)
        offered.clear_options()
        offered.add_options(Option(candidate_lines(work)) for work, _ in works)
        offered.display = bool(works)
        if works:  # (the focus stays in the text, as in fzf: ↑ ↓ move the highlight)
            offered.highlighted = 0

    def on_key(self, event: events.Key) -> None:
        """↑ ↓ in the text move the highlight of the works offered (the text takes no
        up or down of its own)."""
        offered = self.query_one("#add-candidates", OptionList)
        if event.key in ("up", "down") and self.candidates and not offered.has_focus:
            event.stop()
            event.prevent_default()
            if event.key == "up":
                offered.action_cursor_up()
            else:
                offered.action_cursor_down()

    @on(OptionList.OptionSelected, "#add-candidates")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        """A work of the search picked: shown as a looked-up paper is, for Enter to add."""
        event.stop()
        self._pick(event.option_index)

    def _pick(self, index: int) -> None:
        work, copy = self.candidates[index]
        self._offer([])
        self.query_one("#add-id", Input).focus()
        self._looked_up(self.typed, work.paper, copy, work.kind)

    def _looked_up(
        self,
        typed: str,
        found: Paper | str,
        copy: Paper | None = None,
        kind: str | None = None,
    ) -> None:
        if not self._still_wanted(typed):
            return
        if isinstance(found, str):
            self._status(found, "bold red")
            return
        self.found = (typed, found)
        self._show_found(found, kind)  # (a "reference entry" picked is still said to be one)
        if copy is not None:  # said now, not after a second Enter
            where = f": {copy.source}" if copy.source else ""
            self._status(f"The library has this paper already{where}.", "bold")
        else:
            self._status(self._hint().plain)

    def _add(self, paper: Paper) -> None:
        name = self.query_one("#add-to", Input).value.strip()
        if not name:
            self._status("Name a .bib, .ris, .jsonl or .json file to add it to.", "bold")
            self.query_one("#add-to", Input).focus()
            return
        try:
            path = Path(name).expanduser()
        except RuntimeError as error:  # "~nobody/x": no such user
            self._status(f"Cannot add to that name: {error}.", "bold red")
            return
        self._busy = self._adding = True
        self._status(f"Adding it to {path}…", "bold")
        self._write(path, paper)

    @work(thread=True, exclusive=True, group="add-paper", description="add a paper to a file")
    def _write(self, path: Path, paper: Paper) -> None:
        from paperbrowse.core.lookup.adding import AlreadyThere, CannotAdd, add_paper

        try:
            added: Added | str = add_paper(path, paper, self.library, self.taken())
        except (CannotAdd, AlreadyThere) as error:
            added = str(error)
        except Exception as error:  # a bug: one line, never a traceback
            added = f"{type(error).__name__}: {error}; please report this"
        self.app.call_from_thread(self._written, added)

    def _written(self, added: Added | str) -> None:
        self._busy = self._adding = False
        if isinstance(added, str):
            if self.is_attached:
                self._status(added, "bold red")
            else:  # escaped meanwhile: what became of the file is still told
                self.app.notify(added, severity="error", timeout=8, markup=False)
            return
        if not self.is_attached:  # escaped meanwhile: the file was written all the same
            self.app.notify(added_message(added), timeout=6, markup=False)
            return
        self.dismiss(added)


Answer = TypeVar("Answer")


def _asked(ask: Callable[[Callable[[], bool]], Answer]) -> Answer | str | None:
    """In a worker: what ``ask`` answers, given the worker's ``cancelled``; the one line
    of why there is no answer; None once the worker is cancelled (the dialog closed, or
    the app quitting: a lookup stops waiting at once, for arXiv's turn, up to 3 s, or a
    slow service, up to 15 s, which held a quit), with nobody left to tell."""
    from paperbrowse.core.lookup.client import LookupFailed

    worker = get_current_worker()
    answer: Answer | str
    try:
        answer = ask(lambda: worker.is_cancelled)
    except LookupFailed as error:
        answer = str(error)
    except Exception as error:  # a bug in a reader: one line, never a traceback
        answer = f"{type(error).__name__}: {error}; please report this"
    return None if worker.is_cancelled else answer


def _email() -> str | None:
    """The user's email for Crossref's polite pool, read at each lookup: the user may
    have just set it."""
    from paperbrowse.app.config import load_config

    return load_config().email


def added_message(added: Added) -> str:
    kept = f" {kept_note(added.backup)}" if added.backup else ""
    return f"Added “{added.paper.title}” ({added.key}) to {added.path}.{kept}"
