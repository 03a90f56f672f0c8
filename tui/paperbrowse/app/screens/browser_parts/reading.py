"""The browser's reading workflow: marks kept in the store, the export selection, copying.

``ReadingController`` is owned by ``BrowserScreen`` (which holds the bindings and
delegates its ``action_*`` methods here). It owns the ``Store`` (core/marks/store.py),
the papers marked with space, and the actions that change them. Every write goes
through ``save_marks`` so a store that cannot be written says so once per attempt and
never takes the app down. The screens it opens are imported when first opened: the
first frame waits for none of them.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from rich.text import Text
from textual.app import App, SuspendNotSupported
from textual.screen import Screen

from paperbrowse.app import glyphs as look
from paperbrowse.app.actions import key_hint, keymap_of
from paperbrowse.app.screens.browser_parts.files import FilesController
from paperbrowse.app.screens.browser_parts.panes import BrowserPanes
from paperbrowse.core.errors import printable

if TYPE_CHECKING:
    import webbrowser

    from paperbrowse.core.formats import Tags
    from paperbrowse.core.library import Library
    from paperbrowse.core.marks.store import Marks, SavedNote, Store
    from paperbrowse.core.models import Paper
    from paperbrowse.core.search.results import Results

Saved = TypeVar("Saved")
REFERENCES_ANNOUNCED = 50  # from this many papers, C says it is formatting (a second or more)
BIBTEX_ANNOUNCED = 5000  # from this many papers, Y says it is writing (about a second)
# A copy larger than this is said to be at risk: tmux (and some terminals) drop an OSC 52
# sequence over about a megabyte without a word.
LARGE_COPY_BYTES = 1 << 20
SHOWN_CHARACTERS = 80  # of a copied citation or title, in the notification
STORE_POLL_SECONDS = 2.0  # how often another window's changes are looked for
MARKS_FILTER_KEYS = ("is:", "has:", "tag:")
STILL_LOADING = "The library is still loading."  # said by a key that needs its papers


def shortened(text: str) -> str:
    """A notification's part of a copied text: the start of it, when it is long."""
    return text if len(text) <= SHOWN_CHARACTERS else text[: SHOWN_CHARACTERS - 1] + "…"


def open_in_browser(link: str) -> bool:
    """Whether a web browser was started on ``link``. Textual's ``open_url`` drops what
    webbrowser answers: False when it finds none (no xdg-open, no $BROWSER, no display)."""
    import webbrowser

    try:
        return webbrowser.open(link)
    except (webbrowser.Error, OSError):  # a $BROWSER that cannot be run, say
        return False


# Browsers that draw in the terminal: the app steps aside while one runs (``o``).
TEXT_BROWSERS = frozenset(
    {"w3m", "lynx", "links", "links2", "elinks", "www-browser", "browsh", "carbonyl"}
)


def browser_in_the_terminal() -> webbrowser.GenericBrowser | None:
    """The web browser webbrowser would start, when it runs in this terminal and is waited
    for: a text browser (w3m, lynx: found where there is no display, as over SSH), or a
    command $BROWSER names, unknown to webbrowser, in a session with no display. None
    for a browser with a window of its own (such a command under a display: librewolf,
    an editor's helper script), or none found."""
    import webbrowser

    try:
        found = webbrowser.get()
    except webbrowser.Error:
        return None
    # (BackgroundBrowser, a subclass, is started and left running: a window of its own.)
    if type(found) is not webbrowser.GenericBrowser:
        return None
    if Path(found.name).name in TEXT_BROWSERS or not has_display():
        return found
    return None


def has_display() -> bool:
    """Whether programs may open windows: always on macOS and Windows; elsewhere, with an
    X or Wayland display (an SSH session has none)."""
    if sys.platform == "darwin" or sys.platform.startswith("win"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def cite_example(form: str) -> str:
    from paperbrowse.core.cite.forms import cite_keys

    return cite_keys(["a", "b"], form)


@dataclass(frozen=True)
class Rendered:
    """What the references (or BibTeX) worker made: the text and the style's name, or a
    problem."""

    text: str = ""
    style: str = ""
    problem: str | None = None


class BrowserView(BrowserPanes, Protocol):
    """What the controller reads and drives of the browser screen, besides being a Screen."""

    marked: int  # how many papers are marked with space (shown in the search bar)

    @property
    def library(self) -> Library | None: ...
    @property
    def results(self) -> Results | None: ...
    def run_search(self) -> None: ...
    def go_to_paper(self, paper: Paper) -> None: ...


class ReadingController:
    """Bookmarks, read status, tags, notes, the export selection, copying and the extra screens.

    ``screen`` and ``view`` are the same browser screen, seen as a Textual screen (to
    notify, poll and push screens) and as the browser (its widgets and results).
    """

    def __init__(
        self, screen: Screen[None], view: BrowserView, pdf_dirs: Sequence[str | Path] = ()
    ) -> None:
        self.screen = screen
        self.view = view
        # The papers' PDFs: the Files line, has:pdf, O and A (browser_parts/files.py).
        self.files = FilesController(
            screen, view, self.attached_files, pdf_dirs, any_attached=self.any_attached
        )
        self.store: Store | None = None  # the user's marks, opened with the library
        self.selection: dict[str, Paper] = {}  # marked with space, in the order marked
        self.started = False  # the marks are open and drawn: they may be changed
        self._store_error = "unknown error"  # why the store could not be opened
        self._undo_filters: Callable[[], None] | None = None
        # Bumped by every copy to the clipboard: a worker (Y, C) started before a later
        # copy would otherwise copy last and overwrite what the user copied after it.
        self.copies_started = 0
        # The files ``D`` is downloading to: a second ``D`` on the paper sends nothing.
        self.downloading: set[Path] = set()
        # Citing settings chosen while config.json cannot be written: used until the app
        # quits (``setting``), as the user was told (``keep_setting``).
        self.unsaved_settings: dict[str, str] = {}
        self.notify = screen.notify

    @property
    def app(self) -> App[object]:
        return self.screen.app

    def key_hint(self, action_id: str, text: str) -> str:
        """``text`` naming the action's key as the user's keymap has it ("" without one)."""
        return key_hint(action_id, keymap_of(self.app), text)

    # --- the store ------------------------------------------------------------------

    def open_store(self) -> None:
        """Open the marks database once (may run in the loader thread: no UI here)."""
        if self.store is not None:
            return
        from paperbrowse.core.marks.store import open_store

        try:
            self.store = open_store()
        except Exception as error:  # never expected: open_store reports bad files itself
            self.store = None
            self._store_error = f"{type(error).__name__}: {error}"

    def start_marks(self) -> None:
        """On the UI thread, once the library is shown: filters, drawing hooks, polling."""
        if self.started:
            return
        self.started = True
        self.open_store()
        store = self.store
        self.view.paper_list.marks_for = self._mark_column
        self.view.detail.extras_for = self._detail_extras
        if store is None:
            self.files.filter_in(self.view.library)  # has:pdf works without the database
            self.notify(
                "Bookmarks, tags and notes are off: the database could not be opened "
                f"({self._store_error}).",
                severity="error",
                timeout=15,
                markup=False,
            )
            return
        self.filter_marks_in(self.view.library)
        if store.problem or store.read_only:
            # The problem names the file and says that changes are not saved.
            self.notify(
                store.problem
                or f"{store.path}: the marks database is read-only; changes cannot be saved.",
                title="Read-only",
                severity="warning",
                timeout=15,
                markup=False,
            )
        self.screen.set_interval(STORE_POLL_SECONDS, self.poll_store)

    def filter_marks_in(self, library: Library | None) -> None:
        """Make is:read, tag: ... work in this library's searches, once the store is open
        (each library has its own filters: a reload brings a new one)."""
        if self._undo_filters is not None:
            self._undo_filters()
            self._undo_filters = None
        if self.store is not None and library is not None:
            self._undo_filters = self.store.register_search_filters(library.filters)
            self.store.library_has_id = library.has_paper_id
        # The PDF filters import the search engine (numpy): not before the first listing is
        # painted. Until start_marks no search runs, and start_marks filters them in.
        if self.started:
            self.files.filter_in(library)
        elif library is not None:
            self.files.report_folders(library)  # cheap, and the problems count shows at once

    def stop_marks(self) -> None:
        self.files.stop()
        if self._undo_filters is not None:
            self._undo_filters()
            self._undo_filters = None
        if self.store is not None:
            self.store.close()
            self.store = None

    def poll_store(self) -> None:
        if self.store is not None and self.store.refresh():
            self.redraw_marks()
            if any(key in self.view.search_query for key in MARKS_FILTER_KEYS):
                self.view.run_search()  # another window changed what is:read etc. match

    def marks_of(self, paper: Paper) -> Marks | None:
        return self.store.marks(paper) if self.store is not None else None

    def redraw_marks(self) -> None:
        self.view.paper_list.redraw_rows()
        self.view.detail.redraw()

    def draw_marks(self) -> None:
        """Draw the marks column from the papers' first listing, if the store is open (the
        loader opens it first), before the marks may be changed (``start_marks``): rows
        drawn without it moved four cells over when it came, at every launch."""
        if self.store is not None:
            self.view.paper_list.marks_for = self._mark_column

    def _shows_mark_column(self) -> bool:
        return self.store is not None and look.column_shown(self.store.all_marks().values())

    def _mark_column(self, paper: Paper) -> Text:
        if not self.selection and not self._shows_mark_column():
            return Text()
        return look.mark_column(self.marks_of(paper), paper.id in self.selection)

    def _detail_extras(self, paper: Paper) -> tuple[list[Text], list[Text]]:
        marks = self.marks_of(paper)
        selected = paper.id in self.selection
        rows = self.files.detail_rows(paper) + look.detail_rows(marks, selected)
        return rows, look.note_lines(marks, self.key_hint("edit_note", "{key}"))

    def any_attached(self) -> bool:
        """Whether any paper has a file attached (none without the marks database)."""
        if self.store is None:
            return False
        # (A tuple first: this is asked from a worker thread while a refresh may change them.)
        return any(marks.files for marks in tuple(self.store.all_marks().values()))

    def attached_files(self, paper: Paper) -> Sequence[str]:
        marks = self.marks_of(paper)
        return marks.files if marks is not None else ()

    # --- the paper's PDFs ----------------------------------------------------------------

    def open_pdf(self) -> None:
        paper = self._current("open the PDF of")
        if paper is not None:
            self.files.open_first(paper)

    def attach_pdf(self) -> None:
        paper = self._current("attach a PDF to")
        if paper is None or not self._marks_ready("attach a PDF"):
            return
        from paperbrowse.app.screens.attach import AttachScreen
        from paperbrowse.core.pdf.check import attachable
        from paperbrowse.core.pdf.locate import library_folder

        attached = tuple(self.attached_files(paper))

        def save(path: str | None) -> None:
            if path == "" and attached:  # an empty line: detach what was attached

                def detach_all(store: Store) -> Marks:
                    for old in attached[1:]:
                        store.detach_file(paper, old)
                    return store.detach_file(paper, attached[0])

                if self.save_marks(detach_all, "detach the PDF") is None:
                    return
                self.files.forget_found()
                self.files.read_text_again(paper)  # its text is no longer searched
                self.notify(f"Detached {len(attached)} PDF(s).", timeout=3)
                return
            if path and self._attach(paper, path):
                self.notify(f"Attached {path}", timeout=3, markup=False)

        # Start where the library is: its PDFs are usually beside it.
        start = library_folder(paper) or Path.cwd()
        self.app.push_screen(AttachScreen(paper.title, start, attachable, attached), save)

    def _attach(self, paper: Paper, path: str) -> bool:
        """Keep ``path`` with the paper's marks, found and searched from now on; whether
        it was kept (``save_marks`` said why not)."""
        saved = self.save_marks(lambda store: store.attach_file(paper, path), "attach the PDF")
        if saved is None:
            return False
        self.files.forget_found()
        self.files.read_text_again(paper)  # searched from now on, not after a reopen
        return True

    def fetch_pdf(self) -> None:
        """``D``: the paper's PDF downloaded in a thread (``core.pdf.fetch``: arXiv's, then
        the open-access copy Unpaywall knows of), saved in the user's PDF folder and
        attached as ``A`` attaches one."""
        paper = self._current("download the PDF of")
        if paper is None or not self._marks_ready("download a PDF"):
            return
        from paperbrowse.app.config import load_config
        from paperbrowse.core.pdf.fetch import next_step

        email = load_config().email  # read each time: the user may have just set it
        finder = self.files.finder
        step = next_step(paper, finder.files_of(paper), finder.folders, email)
        if step.has is not None:
            opens = self.key_hint("open_pdf", " ({key} opens it)")
            self.notify(f"This paper has a PDF already: {step.has}{opens}", timeout=5, markup=False)
            return
        if step.attach is not None:  # an earlier download the folders do not find, or a copy
            path, attached = self._attach_saved(paper, step.attach)
            if attached:
                self.notify(f"Attached {path} (already downloaded)", timeout=5, markup=False)
            return
        if step.why_not is not None:  # said alone: no "Downloading …" first
            self.notify(step.why_not, severity="warning", timeout=10, markup=False)
            return
        target = step.download_to
        assert target is not None  # (one of the step's fields is set)
        if target in self.downloading:
            self.notify(
                f"Already downloading the PDF of “{shortened(paper.title)}” …",
                timeout=3,
                markup=False,
            )
            return
        self.downloading.add(target)
        self.notify(f"Downloading the PDF of “{shortened(paper.title)}” …", timeout=3, markup=False)
        self.screen.run_worker(
            lambda: self._download(paper, target, email),
            thread=True,
            group="fetch-pdf",
            description="download a PDF",
        )

    def _attach_saved(self, paper: Paper, target: Path) -> tuple[str, bool]:
        """Attach the PDF where ``D`` saves the paper's: its path, kept whole (a PDF folder
        named relatively would find nothing once the app runs elsewhere), and whether it
        was attached (not: one line said why, here or by ``save_marks``)."""
        from paperbrowse.core.pdf.check import attachable

        path, problem = attachable(str(target))
        if problem is not None:
            self.notify(problem, severity="warning", timeout=10, markup=False)
            return path, False
        return path, self._attach(paper, path)

    def _download(self, paper: Paper, target: Path, email: str | None) -> None:
        """In a thread worker: the file written, or one line saying why there is none;
        nothing once the worker is cancelled (the app quits: the download stops at once,
        before the server's answer as during it, and nothing is written). The app's exit
        does not wait for this thread unless it is writing the file (``finished_saving``)."""
        from textual.worker import get_current_worker

        from paperbrowse.core.lookup.client import DownloadCancelled, LookupFailed
        from paperbrowse.core.pdf.fetch import fetch_pdf

        worker = get_current_worker()
        outcome: Path | str
        try:
            outcome = fetch_pdf(paper, target.parent, email, cancelled=lambda: worker.is_cancelled)
        except DownloadCancelled:
            return
        except LookupFailed as error:
            outcome = str(error)
        except Exception as error:  # a bug of ours: one line, never a traceback
            outcome = f"{type(error).__name__}: {error}; please report this"
        if not worker.is_cancelled:  # the window is closing
            self.app.call_from_thread(self._downloaded, paper, target, outcome)

    def _downloaded(self, paper: Paper, target: Path, outcome: Path | str) -> None:
        self.downloading.discard(target)
        if isinstance(outcome, str):
            self.notify(outcome, severity="warning", timeout=10, markup=False)
            return
        saved, _ = self._attach_saved(paper, outcome)  # (saved, attached or not)
        self.notify(f"PDF saved to {saved}", timeout=5, markup=False)

    def save_marks(
        self, change: Callable[[Store], Saved], what: str, quiet: bool = False
    ) -> Saved | None:
        """Run one change on the store; on failure one clear notification, and None."""
        from paperbrowse.core.marks.store import StorageError

        if not self._marks_ready(what):
            return None
        if self.store is None:
            self.notify(f"Cannot {what}: the marks database is not open.", severity="error")
            return None
        try:
            marks = change(self.store)
        except StorageError as error:
            if quiet:
                return None
            self.notify(f"Could not {what}: {error}", severity="error", timeout=10, markup=False)
            return None
        self.redraw_marks()
        if any(key in self.view.search_query for key in MARKS_FILTER_KEYS):
            self.view.run_search()  # "is:unread" and the like: the change may take the paper out
        return marks

    def _marks_ready(self, what: str) -> bool:
        """Whether the marks are open; while the loader still builds the index, says so."""
        if self.started:
            return True
        self.notify(
            f"Cannot {what} yet: still loading; try again in a moment.",
            severity="warning",
            timeout=3,
        )
        return False

    def _current(self, what: str) -> Paper | None:
        paper: Paper | None = self.view.paper_list.paper
        if paper is None:
            self.notify(f"No paper to {what}.", severity="warning", timeout=2)
        return paper

    # --- marks ------------------------------------------------------------------------

    def bookmark(self) -> None:
        paper = self._current("bookmark")
        if paper is None:
            return
        marks = self.save_marks(lambda store: store.toggle_bookmarked(paper), "save the bookmark")
        if marks is not None:
            self.notify("★ Bookmarked" if marks.bookmarked else "Bookmark removed", timeout=1.5)

    def toggle_read(self) -> None:
        paper = self._current("mark as read")
        if paper is None:
            return
        marks = self.save_marks(lambda store: store.toggle_read(paper), "save the read status")
        if marks is not None:
            self.notify("✓ Marked read" if marks.read else "Marked unread", timeout=1.5)

    def _fresh_marks(self, paper: Paper) -> Marks | None:
        """The paper's marks as stored now, for an editor to start from (not 2 s old)."""
        self.poll_store()
        return self.marks_of(paper)

    def edit_tags(self) -> None:
        paper = self._current("tag")
        # An editor opened before the marks are read would show none and save nothing.
        if paper is None or not self._marks_ready("edit tags"):
            return

        from paperbrowse.app.screens.tags import TagsScreen

        marks = self._fresh_marks(paper)
        known = [tag for tag, _ in self.store.tag_counts()] if self.store is not None else []
        opened = marks.tags if marks is not None else ()

        def save(text: str | None) -> None:
            if text is None:
                return
            from paperbrowse.core.marks.store import parse_tags, tag_changes
            from paperbrowse.core.models import fold

            # What the user added and removed, not the whole set: a tag another
            # window gave the paper while this dialog was open is kept.
            added, removed = tag_changes(opened, text)
            saved = self.save_marks(
                lambda store: store.change_tags(paper, add=added, remove=removed),
                "save the tags",
            )
            if saved is None:
                return
            shown = ", ".join(saved.tags) or "none"
            if {fold(tag) for tag in saved.tags} != {fold(tag) for tag in parse_tags(text)}:
                shown += " (another window changed them too)"
            self.notify(f"Tags: {shown}", timeout=3, markup=False)

        self.app.push_screen(TagsScreen(paper.title, ", ".join(opened), known), save)

    def edit_note(self) -> None:
        paper = self._current("write a note on")
        # Opened before the marks are read, the editor would show an empty note and
        # could save nothing: a quit or a kill then lost what was typed.
        if paper is None or not self._marks_ready("write a note"):
            return

        from paperbrowse.app.screens.note_editor import NoteEditor

        marks = self._fresh_marks(paper)

        def save(text: str, opened: str, quiet: bool) -> SavedNote | None:
            return self.save_marks(
                lambda store: store.save_edited_note(paper, text, opened), "save the note", quiet
            )

        note = marks.note if marks is not None else ""
        self.app.push_screen(NoteEditor(paper, note, save), lambda _: self.redraw_marks())

    # --- the export selection ----------------------------------------------------------

    def toggle_mark(self) -> None:
        paper = self.view.paper_list.paper
        if paper is None:
            return
        if paper.id in self.selection:
            del self.selection[paper.id]
        else:
            self.selection[paper.id] = paper
        self.view.marked = len(self.selection)
        self.redraw_marks()
        self.view.paper_list.cursor += 1  # as in file managers: space marks and moves on

    def clear_marks(self) -> None:
        self.selection.clear()
        self.view.marked = 0
        self.redraw_marks()

    def chosen_papers(self) -> list[Paper]:
        """What copy acts on: the marked papers if any, else the highlighted one."""
        if self.selection:
            return list(self.selection.values())
        paper = self.view.paper_list.paper
        return [paper] if paper is not None else []

    def export_papers_now(self) -> Sequence[Paper]:
        """What export acts on: the marked papers if any, else the list as filtered now (as
        it is: its papers are made when the export is written, not when the dialog opens,
        which made all 99k of a library listed whole, kept made, even when cancelled)."""
        if self.selection:
            return list(self.selection.values())
        return self.view.results or ()

    def open_link(self) -> None:
        paper = self.view.paper_list.paper
        link = paper.web_link if paper else None
        if paper is None or link is None:  # file:, javascript:, a bare path...: never opened
            self.notify("This paper has no web link to open.", severity="warning", timeout=3)
            return
        if self.app.is_web:  # served by textual-serve: the user's own browser opens it
            self.app.open_url(link)
            self.notify(f"Opening {printable(link)}", timeout=3, markup=False)
            return
        copies_it = paper.first_link == link  # what y copies: the link with title, authors

        app = self.app  # (taken here: the thread has none of the app's context)

        def work() -> None:
            in_the_terminal = browser_in_the_terminal()
            # Anything once the app has closed meanwhile: nobody is left to tell.
            with contextlib.suppress(Exception):
                if in_the_terminal and app.call_from_thread(stepped_aside, in_the_terminal):
                    return
                app.call_from_thread(said, open_in_browser(link))

        def stepped_aside(browser: webbrowser.GenericBrowser) -> bool:
            """Whether the browser ran with the terminal its own, the app waiting (its keys
            and drawing stopped) until it quit; False where the app cannot step aside (a
            driver that cannot suspend, as in tests): it is then started as any other."""
            try:
                with self.app.suspend():
                    exited_well = browser.open(link)
            except SuspendNotSupported:
                return False
            name, shown = printable(Path(browser.name).name), printable(link)
            if exited_well:  # (one that hands the link on and returns at once says nothing else)
                self.notify(f"Opened {shown} with {name}", timeout=3, markup=False)
            else:
                self.notify(
                    f"The browser {name} exited with an error on {shown}.",
                    severity="error",
                    timeout=10,
                    markup=False,
                )
            return True

        def said(opened: bool) -> None:
            if opened:
                self.notify(f"Opening {printable(link)}", timeout=3, markup=False)
                return
            copy = ""
            if copies_it:
                copy = self.key_hint("copy", "; {key} copies it with the title and authors")
            self.notify(
                f"Cannot open {printable(link)}: no web browser found (set $BROWSER or "
                f"install xdg-open){copy}.",
                severity="error",
                timeout=10,
                markup=False,
            )

        # In a thread of its own, a daemon: webbrowser waits for a browser $BROWSER names
        # (a text one, w3m, until it quits) when the app cannot step aside for it, and a
        # worker of the app's is waited for on quitting (the review: q took as long as
        # that browser ran). (Finding the browser may run xdg-settings: not on the UI thread.)
        threading.Thread(target=work, name="open link", daemon=True).start()

    def copy(self) -> None:
        papers = self.chosen_papers()
        if not papers:
            self.notify("No paper to copy.", severity="warning", timeout=2)
            return
        blocks = []
        for paper in papers:
            lines = [paper.title, paper.authors_text(), paper.first_link or ""]
            blocks.append("\n".join(line for line in lines if line))
        text = "\n\n".join(blocks)
        self._start_copy()
        self.app.copy_to_clipboard(text)
        self._copied(papers, "", text)

    def _start_copy(self) -> int:
        """Count a copy to the clipboard; what a worker started with this number copies
        is dropped once another copy has started (``_copy_is_latest``)."""
        self.copies_started += 1
        return self.copies_started

    def _copy_is_latest(self, copy_number: int) -> bool:
        return copy_number == self.copies_started

    def copy_bibtex(self) -> None:
        """Copy the chosen papers as BibTeX, written in a thread: thousands marked take a
        second or more, which froze the screen when written on the UI thread."""
        papers = self.chosen_papers()
        if not papers:
            self.notify("No paper to copy.", severity="warning", timeout=2)
            return
        if len(papers) >= BIBTEX_ANNOUNCED:
            self.notify(f"Writing BibTeX of {len(papers):,} papers …", timeout=2)
        tags = self.tags_now()  # as they are when Y is pressed
        files_of = self.files.finder.files_of

        def bibtex() -> Rendered:
            from paperbrowse.core.formats.export import export_papers

            # The library's keys, so the entries match what ``c`` cites; the tags as
            # keywords and the PDFs found (attached, named after the paper), as ``e``
            # writes them.
            keys = self.keys_of(papers)
            return Rendered(export_papers(papers, "bibtex", keys=keys, tags=tags, files=files_of))

        self._copy_made_in_thread(
            papers, bibtex, "BibTeX", lambda made: "BibTeX of ", "copy-bibtex", "write BibTeX"
        )

    def _copy_made_in_thread(
        self,
        papers: list[Paper],
        make: Callable[[], Rendered],
        what: str,
        said_of: Callable[[Rendered], str],
        group: str,
        description: str,
    ) -> None:
        """Copy what ``make`` makes of ``papers`` (``Y``'s BibTeX, ``C``'s references) in a
        thread worker, one of ``group`` at a time (a later one replaces it), unless another
        copy was made meanwhile (``_copy_is_latest``); a failure is one line naming
        ``what``, and ``said_of`` the copy is what ``_copied`` says it copied."""
        copy_number = self._start_copy()

        def work() -> None:
            from textual.worker import get_current_worker

            try:
                outcome = make()
            except Exception as error:  # a bug of ours (or citeproc-py's): one line
                outcome = Rendered(problem=f"{type(error).__name__}: {error}; please report this")
            if not get_current_worker().is_cancelled:  # a later one replaced this one
                self.app.call_from_thread(made, outcome)

        def made(outcome: Rendered) -> None:
            if not self._copy_is_latest(copy_number):  # the user copied something else since
                return
            if outcome.problem is not None:
                self.notify(
                    f"Cannot copy {what}: {outcome.problem}",
                    severity="error",
                    timeout=10,
                    markup=False,
                )
                return
            self.app.copy_to_clipboard(outcome.text)
            self._copied(papers, said_of(outcome), outcome.text)

        self.screen.run_worker(
            work, thread=True, exclusive=True, group=group, description=description
        )

    def keys_of(self, papers: list[Paper]) -> list[str]:
        """The papers' citation keys in the library (made in the loader's thread)."""
        library = self.view.library
        if library is None:
            from paperbrowse.core.citekeys import citation_keys

            return citation_keys(papers)
        return [library.key_of(paper) for paper in papers]

    # --- citing (core/cite) --------------------------------------------------------------

    def setting(self, name: str) -> str | None:
        """A citing setting ("cite_form", "csl_style") as chosen in this session when
        config.json could not keep it, else as config.json has it (read each time:
        another window may have chosen)."""
        from paperbrowse.app.config import load_config

        chosen: str | None = getattr(load_config(), name)
        return self.unsaved_settings.get(name, chosen)

    def keep_setting(self, what: str, name: str, value: str) -> None:
        """Save a setting chosen in the app; when config.json cannot keep it, use it until
        the app quits and say so in one line naming the file (the menu said "kept")."""
        from paperbrowse.app.config import not_kept, save_config

        why = save_config(**{name: value})
        if why is None:
            self.unsaved_settings.pop(name, None)
            return
        self.unsaved_settings[name] = value
        self.notify(not_kept(what, why), severity="warning", timeout=10, markup=False)

    def cite(self) -> None:
        """Copy ``\\citep{a,b}`` (or the form the user chose) for the chosen papers."""
        from paperbrowse.core.cite.forms import KEY_FORMS

        papers = self.chosen_papers()
        if not papers:
            self.notify("No paper to cite.", severity="warning", timeout=2)
            return
        keys = self.keys_of(papers)
        form = self.setting("cite_form")
        if form in KEY_FORMS:
            self._copy_citation(keys, form)
        else:  # the first time (or a form this version does not know): ask, once
            self.choose_cite_form(keys)

    def choose_cite_form(self, keys: list[str] | None = None) -> None:
        """The form menu; the choice is saved and, with ``keys``, copied at once."""
        from paperbrowse.app.screens.cite_form import CiteFormScreen

        def chosen(form: str | None) -> None:
            if form is None:
                return
            self.keep_setting("Citation form", "cite_form", form)
            if keys:
                self._copy_citation(keys, form)
            else:
                copies = self.key_hint("cite", "{key} now copies") or "The palette now copies"
                self.notify(f"{copies} citations as {cite_example(form)}.", timeout=3, markup=False)

        example = keys or self.keys_of(self.chosen_papers())
        self.app.push_screen(CiteFormScreen(example, self.setting("cite_form")), chosen)

    def choose_csl_style(self) -> None:
        """The style menu; the choice is saved in config.json for ``C``."""
        from paperbrowse.app.screens.cite_form import CslStyleScreen
        from paperbrowse.core.cite.styles import BUNDLED, DEFAULT_STYLE, StyleError, style_path

        def chosen(style: str | None) -> None:
            if style is None:
                return
            self.keep_setting("Citation style", "csl_style", style)
            name = BUNDLED.get(style, style)
            copies = (
                self.key_hint("cite_references", "{key} now copies") or "The palette now copies"
            )
            self.notify(f"{copies} references in {name}.", timeout=3, markup=False)

        current = self.setting("csl_style") or DEFAULT_STYLE
        try:  # an alias ("chicago") highlights its style
            bundled = style_path(current).stem
            current = bundled if bundled in BUNDLED and not current.endswith(".csl") else current
        except StyleError:  # a missing .csl file is still offered, to be kept or replaced
            pass
        self.app.push_screen(CslStyleScreen(current), chosen)

    def _copy_citation(self, keys: list[str], form: str) -> None:
        from paperbrowse.core.cite.forms import cite_keys

        text = cite_keys(keys, form)
        self._start_copy()
        self.app.copy_to_clipboard(text)
        self.notify(f"Copied {shortened(text)} to the clipboard.", timeout=3, markup=False)

    def cite_references(self) -> None:
        """Copy the chosen papers as references in the user's CSL style (APA by default).

        Rendered in a thread: citeproc-py and the style load the first time (a few
        tenths), then each paper takes about 6 ms, so a big selection takes seconds.
        """
        from paperbrowse.core.cite.styles import DEFAULT_STYLE

        papers = self.chosen_papers()
        if not papers:
            self.notify("No paper to cite.", severity="warning", timeout=2)
            return
        style = self.setting("csl_style") or DEFAULT_STYLE
        if len(papers) >= REFERENCES_ANNOUNCED:
            self.notify(f"Formatting {len(papers):,} references …", timeout=2)

        def references() -> Rendered:
            from paperbrowse.core.cite.references import references
            from paperbrowse.core.cite.styles import BUNDLED, StyleError, load_style

            try:
                loaded = load_style(style)
                text = "\n".join(references(papers, loaded, "text"))
            except StyleError as error:  # unknown name, missing or broken .csl: one line
                return Rendered(problem=f'{error} ("csl_style" in config.json)')
            return Rendered(text, BUNDLED.get(loaded.name, loaded.name))

        def said_of(made: Rendered) -> str:
            if len(papers) == 1:
                return f"the {made.style} reference of "
            return f"{made.style} references of "

        self._copy_made_in_thread(
            papers, references, "references", said_of, "cite", "format references"
        )

    def _copied(self, papers: list[Paper], what: str, text: str) -> None:
        """Say what was copied; of a copy over ``LARGE_COPY_BYTES``, that some terminals
        drop it (tmux and others refuse an OSC 52 sequence that long, silently) and how
        to write it to a file instead."""
        if len(papers) == 1:
            message = f"Copied {what}“{shortened(papers[0].title)}” to the clipboard."
        else:
            message = f"Copied {what}{len(papers):,} marked papers to the clipboard."
        size = len(text.encode("utf-8", "replace"))
        if size <= LARGE_COPY_BYTES:
            self.notify(message, timeout=2, markup=False)
            return
        message += f" At {size / (1 << 20):.1f} MB, some terminals (tmux among them) drop"
        message += " a copy this large"
        message += self.key_hint("export", ": {key} exports them to a file instead.") or "."
        self.notify(message, severity="warning", timeout=10, markup=False)

    def export(self) -> None:
        papers = self.export_papers_now()
        if not papers:
            self.notify("No papers to export.", severity="warning", timeout=3)
            return
        from paperbrowse.app.screens.export_dialog import ExportDialog
        from paperbrowse.core.cite.styles import DEFAULT_STYLE

        library = self.view.library
        profile = library.profile if library is not None else None
        source = "marked" if self.selection else "listed"
        key_of = library.key_of if library is not None else None
        # The tags as they are now, looked up in the export's thread, paper by paper; the
        # PDFs as the Files line finds them.
        dialog = ExportDialog(
            papers,
            profile,
            source,
            key_of,
            self.tags_now(),
            self.files.finder.files_of,
            style=self.setting("csl_style") or DEFAULT_STYLE,  # C's, as chosen
            papers_read_from=library.papers_read_from if library is not None else None,
        )
        self.app.push_screen(dialog)

    def tags_now(self) -> Tags:
        """Each paper's tags as the marks store holds them now, which exports and copies
        write as keywords (none without a store: the marks database could not open)."""
        return self.store.tags_as_of_now() if self.store is not None else None

    # --- other views -----------------------------------------------------------------

    def say_still_loading(self) -> None:
        self.notify(STILL_LOADING, severity="warning", timeout=2)

    def stats(self) -> None:
        if self.view.library is None:
            self.say_still_loading()
            return
        from paperbrowse.app.screens.stats import StatsScreen

        self.app.push_screen(StatsScreen(self.view.library, self.marks_of), self.apply_filter)

    def author(self) -> None:
        paper = self._current("list authors of")
        if paper is None or self.view.library is None:
            return
        if not paper.authors:
            self.notify("This paper lists no authors.", severity="warning", timeout=2)
            return
        from paperbrowse.app.screens.author import AuthorPicker

        self.app.push_screen(AuthorPicker(paper, self.view.library.papers), self._author_chosen)

    def related(self) -> None:
        """``m``: the papers most like this one (app/screens/related.py)."""
        paper = self._current("find papers like")
        library = self.view.library
        if paper is None or library is None:
            return
        if not library.index_ready:
            self.notify("Still indexing the library; try again in a moment.", timeout=3)
            return
        from paperbrowse.app.screens.related import show_related

        show_related(self.screen, library, paper, self.view.go_to_paper)

    def _author_chosen(self, choice: object) -> None:
        from paperbrowse.core.models import Paper

        if isinstance(choice, Paper):
            self.view.go_to_paper(choice)
        elif isinstance(choice, str):
            self.apply_filter(choice)

    def apply_filter(self, query: str | None) -> None:
        """Set the search query (from the stats or author screen) and show the list."""
        if query:
            self.view.search_bar.value = query
            self.app.set_focus(self.view.paper_list)
