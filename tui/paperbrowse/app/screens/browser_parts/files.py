"""The papers' own files in the browser: the detail pane's Files line, ``has:pdf``, ``O``,
and their text extracted in the background (``core.pdf.fulltext``) into a body index
(``core.pdf.body_index``) searched below the main index's matches, with the matching
passage and its page in the detail pane.

``FilesController`` is owned by the reading controller. It finds a paper's files with
``core.pdf.locate`` (the library's fields, the user's attachments, PDFs named by
convention in config.json's ``"pdf_folders"`` and ``--pdf-dir``), and learns each
file's size and page count in a thread that asks a ``core.pdf.worker`` process: the
UI thread never opens a PDF. The most recently shown file is looked at first.
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from rich.text import Text
from textual.screen import Screen

from paperbrowse.app.actions import BY_ID, key_hint, keymap_of
from paperbrowse.core.errors import printable
from paperbrowse.core.text.counts import counted

if TYPE_CHECKING:
    import subprocess

    from paperbrowse.app.widgets.detail import PaperDetail
    from paperbrowse.app.widgets.search_bar import SearchBar
    from paperbrowse.core.library import Library
    from paperbrowse.core.models import Paper
    from paperbrowse.core.pdf.body_index import BodyIndex
    from paperbrowse.core.pdf.fulltext import FullText
    from paperbrowse.core.pdf.locate import PdfFinder
    from paperbrowse.core.pdf.worker import PdfFacts, PdfWorker
    from paperbrowse.core.search.results import Results

LABEL_WIDTH = 10  # as the detail pane's own labels
FILES_SHOWN = 5  # rows of files at most; then "and N more"
FULLTEXT_NICE = 10  # the extracting process yields the CPU to the app
FULLTEXT_DONE_SECONDS = 6.0  # how long "full text: 40 PDFs read" stays in the search bar
# A search that looks in bodies is run again as text arrives, at most this often.
FULLTEXT_REFRESH_SECONDS = 1.0
# The extraction tells the UI thread how far it got at most this often: a call per PDF
# (a thousand cached ones are read in a second or two) made every key wait behind them.
FULLTEXT_PROGRESS_SECONDS = 0.25


class FilesView(Protocol):
    @property
    def detail(self) -> PaperDetail: ...
    @property
    def library(self) -> Library | None: ...
    @property
    def search_bar(self) -> SearchBar: ...
    @property
    def results(self) -> Results | None: ...
    @property
    def search_query(self) -> str: ...
    def run_search(self) -> None: ...


@dataclass(frozen=True)
class FileFacts:
    """A file's size (None when it cannot be stat'ed) and what the PDF reader said."""

    size: int | None
    pdf: PdfFacts | None  # None for a file not named .pdf: it is not read


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{size:,} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size:,} bytes"  # pragma: no cover


def describe(path: Path, facts: FileFacts | None) -> Text:
    """One file as the Files line shows it: ``x.pdf · 13 pages · 683.2 KB``."""
    text = Text(printable(path.name), style="bold")  # an ESC in a name is shown, never sent
    if facts is None:
        text.append(" · checking…", style="dim")
        return text
    problem = facts.pdf.problem if facts.pdf is not None else None
    if problem == "missing" or facts.size is None:
        text.append(f" · {problem or 'missing'}", style="red")
        text.append(f"  ({printable(str(path))})", style="dim")
        return text
    if facts.pdf is not None and facts.pdf.pages is not None:
        pages = facts.pdf.pages
        text.append(f" · {pages:,} page{'s' if pages != 1 else ''}")
    if facts.size > 0 or not problem:  # "empty (0 bytes)" says the size already
        text.append(f" · {human_size(facts.size)}")
    if problem:
        text.append(f" · {problem}", style="yellow")
    return text


Note = tuple[str, str]  # what the search bar says of the PDFs' text: in full, and short


def fulltext_progress(done: int, total: int) -> Note:
    return f"full text: {done:,} of {total:,} PDFs", f"{done:,}/{total:,} PDFs"


def fulltext_started(cached: int, total: int) -> Note:
    """The search bar as a pass starts: what the cache holds is done already."""
    if cached == total:
        return f"full text: {counted(total, 'PDF')}, all cached", f"{counted(total, 'PDF')} cached"
    return fulltext_progress(cached, total)


def fulltext_finished(read: int, skipped: int, from_cache: bool) -> Note:
    searchable = counted(read - skipped, "PDF")
    how = "from the cache" if from_cache else "read"
    note = f"full text: {searchable} {how}"
    if skipped:
        note += f", {skipped:,} not searchable (see Files)"
    short = f"{read - skipped:,} of {read:,} PDFs" if skipped else searchable
    return note, f"{short} searchable"


class _Progress:
    """The extraction's progress (and whether text arrived since) passed on at most every
    ``FULLTEXT_PROGRESS_SECONDS``, and always at the last PDF: a call to the UI thread per
    PDF competed with the keys typed meanwhile."""

    def __init__(self, post: Callable[[int, int, bool], None]) -> None:
        self.post = post
        self.arrived = False
        self.last = float("-inf")

    def progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < FULLTEXT_PROGRESS_SECONDS:
            return
        self.last = now
        arrived, self.arrived = self.arrived, False
        self.post(done, total, arrived)


class FilesController:
    def __init__(
        self,
        screen: Screen[None],
        view: FilesView,
        attached: Callable[[Paper], Sequence[str]],
        pdf_dirs: Sequence[str | Path] = (),
        any_attached: Callable[[], bool] = lambda: True,
    ) -> None:
        self.screen = screen
        self.view = view
        self.attached = attached
        self.any_attached = any_attached  # whether the user attached a file to any paper
        self.pdf_dirs = list(pdf_dirs)
        self._finder: PdfFinder | None = None
        # Each file's facts, with what its stat said then (``_signature``).
        self._facts: dict[Path, tuple[Signature, FileFacts]] = {}
        self._wanted: list[Path] = []  # files to look at, the latest wanted last
        self._lock = threading.Lock()
        self._looking = False
        self._stopped = False
        self._worker: PdfWorker | None = None
        self._undo_filter: Callable[[], None] | None = None
        self._fulltext_worker: PdfWorker | None = None
        self._reread_worker: PdfWorker | None = None  # for a PDF attached or detached
        self._fulltext_round = 0  # a reload starts a new round; the old one stops
        self._fulltext_library: Library | None = None  # the library whose PDFs are read
        self._filtered: Library | None = None  # the library has:pdf and bodies are in
        self.body: BodyIndex | None = None  # the PDFs' text of the library shown
        self._undo_body: Callable[[], None] | None = None
        self._body_searched = 0  # the body's version the shown search last saw
        self._refresh_due = False

    # --- finding ---------------------------------------------------------------------

    @property
    def finder(self) -> PdfFinder:
        if self._finder is None:
            from paperbrowse.app.config import load_config
            from paperbrowse.core.pdf.locate import PdfFinder

            folders = [*load_config().pdf_folders, *self.pdf_dirs]
            self._finder = PdfFinder(folders, self.attached, self._key_of)
        return self._finder

    def _key_of(self, paper: Paper) -> str | None:
        library = self.view.library
        return library.key_of(paper) if library is not None else paper.citekey

    def filter_in(self, library: Library | None) -> None:
        """``has:pdf`` and the PDFs' text in this library's searches (a reload brings a
        new library), whose PDFs' text is read in one pass per library: filtered in
        again, a library keeps the text read so far and its pass is not started over
        (a second pass made the progress count go back).
        """
        self._undo_filters()
        if library is None:
            return
        from paperbrowse.core.pdf.body_index import BodyIndex
        from paperbrowse.core.pdf.body_search import attach_bodies

        if library is not self._filtered or self.body is None:
            self._filtered = library
            self.forget_found()
            self.body = BodyIndex()
        self.report_folders(library)

        def looked_at() -> Sequence[Paper]:
            return self.finder.worth_looking(library.papers, library.sources, self.any_attached())

        def why_no_text() -> str | None:
            """The note of a library without PDFs, for ``fulltext:`` (none where it has some)."""
            has_some = self.finder.any_with_pdf(library.papers, looked_at)
            return None if has_some else self.no_pdf_note()

        self._undo_filter = self.finder.register_search_filters(
            library.filters, library.papers, looked_at, self.no_pdf_note
        )
        self._undo_body = attach_bodies(library, self.body, why_no_text)
        if library is not self._fulltext_library:
            self.start_fulltext(library)

    def no_pdf_note(self) -> str:
        """Why ``has:pdf`` and ``fulltext:`` find nothing in a library without a PDF, and
        the ways to give it some: the attach key as the user's keymap has it (its palette
        title when it has none), the options that name PDF folders."""
        from paperbrowse.core.pdf.locate import NO_PDF, PDF_FOLDERS  # (not on the launch's path)

        return f"{NO_PDF}; {self.attach_how('attach one to a paper')}, {PDF_FOLDERS}"

    def attach_how(self, what: str = "attach one") -> str:
        """``what`` with the key the user's keymap gives for attaching a PDF, or with the
        palette's command when the keymap gives none."""
        attach = BY_ID["attach_pdf"]
        keymap = keymap_of(self.screen.app)
        by_key = key_hint(attach.id, keymap, f"{what} with {{key}}")
        return by_key or f"{what} with “{attach.title}” in the palette"

    def report_folders(self, library: Library) -> None:
        """A missing ``--pdf-dir`` or ``pdf_folders`` entry: a line in the problems list (``w``)."""
        from paperbrowse.core.pdf.locate import folder_problems

        for problem in folder_problems(self.finder.folders):
            if problem not in library.problems:  # the same library filtered again
                library.problems.append(problem)

    def _undo_filters(self) -> None:
        for undo in (self._undo_filter, self._undo_body):
            if undo is not None:
                undo()
        self._undo_filter = self._undo_body = None

    def forget_found(self) -> None:
        """Look at the folders and files again (a file was attached, the library reloaded)."""
        self.finder.forget()
        with self._lock:
            self._facts.clear()

    # --- the Files line ------------------------------------------------------------------

    def detail_rows(self, paper: Paper) -> list[Text]:
        files = self.finder.files_of(paper)
        rows = []
        for number, path in enumerate(files[:FILES_SHOWN]):
            with self._lock:
                known = self._facts.get(path)
            # Looked at again when the file changed since (deleted, replaced): one stat.
            facts = known[1] if known is not None and known[0] == _signature(path) else None
            if facts is None:
                self._want(path)
            label = "Files" if number == 0 else ""
            rows.append(Text.assemble((f"{label:<{LABEL_WIDTH}}", "dim"), describe(path, facts)))
        if len(files) > FILES_SHOWN:
            rows.append(
                Text(f"{'':<{LABEL_WIDTH}}and {len(files) - FILES_SHOWN} more", style="dim")
            )
        passage = self.passage_row(paper)
        if passage is not None:
            rows.append(passage)
        return rows

    def passage_row(self, paper: Paper) -> Text | None:
        """Where the search matched the paper's PDF: ``p. 3  …the passage…``, the words
        highlighted. The PDF's text is data: never read as markup."""
        from paperbrowse.core.pdf.body_search import passage_for

        results = self.view.results
        if self.body is None or results is None or not results.query.strip():
            return None
        passage = passage_for(self.body, paper.id, results)
        if passage is None:
            return None
        text = Text(passage.text, style="italic")
        for start, end in passage.spans:
            text.stylize("bold reverse", start, end)
        return Text.assemble((f"{f'p. {passage.page}':<{LABEL_WIDTH}}", "dim"), text)

    def _want(self, path: Path) -> None:
        with self._lock:
            if path in self._wanted:
                self._wanted.remove(path)
            self._wanted.append(path)
            if self._looking or self._stopped:
                return
            self._looking = True
        self.screen.run_worker(
            self._look_at_wanted, thread=True, group="pdf-files", exit_on_error=False
        )

    def _look_at_wanted(self) -> None:
        """In a thread: each wanted file's size and page count, newest wish first."""
        while True:
            with self._lock:
                if not self._wanted or self._stopped:
                    self._looking = False
                    return
                path = self._wanted.pop()
            looked = self._look_at(path)
            try:
                self.screen.app.call_from_thread(self._learned, path, looked)
            except RuntimeError:  # the app is closing
                return

    def _look_at(self, path: Path) -> tuple[Signature, FileFacts]:
        """The file's facts, and its signature from the same stat (``_signature``)."""
        from paperbrowse.core.pdf.check import file_problem, is_pdf_name
        from paperbrowse.core.pdf.worker import PdfFacts, PdfWorker

        try:
            info = os.stat(path)
        except (OSError, ValueError):
            return None, FileFacts(None, PdfFacts(problem="missing"))
        signature = _signature_of(info)
        size: int | None = info.st_size
        if not stat.S_ISREG(info.st_mode):  # a folder's own size said nothing ("pdf · 4.0 KB")
            return signature, FileFacts(0, PdfFacts(problem=file_problem(path)))
        if not is_pdf_name(path):
            return signature, FileFacts(size, None)
        if self._worker is None:
            self._worker = PdfWorker()
        return signature, FileFacts(size, self._worker.count_pages(path))

    def _learned(self, path: Path, facts: tuple[Signature, FileFacts]) -> None:
        with self._lock:
            self._facts[path] = facts
        paper = self.view.detail.paper
        if paper is not None and path in self.finder.files_of(paper):
            self.view.detail.redraw()

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            self._wanted.clear()
        self._undo_filters()
        self._fulltext_round += 1
        for worker in (self._worker, self._fulltext_worker, self._reread_worker):
            if worker is not None:
                worker.close()  # ends the reader process now, not at exit

    # --- full text, in the background ---------------------------------------------------

    def start_fulltext(self, library: Library) -> None:
        """Extract (or find cached) the text of every PDF of the library, in a thread."""
        self._fulltext_round += 1
        self._fulltext_library = library
        round_ = self._fulltext_round
        self.screen.run_worker(
            lambda: self._extract_all(library, round_),
            thread=True,
            group="pdf-fulltext",
            exit_on_error=False,
        )

    def _extract_all(self, library: Library, round_: int) -> None:
        from paperbrowse.core.pdf.body_search import pdf_owners

        def stopped() -> bool:
            return self._stopped or round_ != self._fulltext_round

        papers = self.finder.worth_looking(library.papers, library.sources, self.any_attached())
        owners = pdf_owners(papers, self.finder.files_of)  # a PDF may be several papers'
        paths = list(owners)
        if not paths or stopped():
            return
        # Only now: a library without PDFs (most, and the bundled profile) never loads them.
        from paperbrowse.core.pdf.fulltext import extract_all, is_cached
        from paperbrowse.core.pdf.worker import PdfWorker

        body = self.body
        # The cached text is read first and counted as done from the start: the count
        # only moves forward, from where a pass before a reload left it.
        in_cache = {path: is_cached(path) for path in paths}
        cached = [path for path in paths if in_cache[path]]
        fresh = [path for path in paths if not in_cache[path]]
        self._post(self._fulltext_busy, round_, fulltext_started(len(cached), len(paths)))

        def told_ui(done: int, total: int, arrived: bool) -> None:
            counting = done > len(cached)  # each extracted PDF, not each read from the cache
            self._post(self._fulltext_progress, round_, done, total, counting, arrived)

        told = _Progress(told_ui)

        def read(path: Path, text: FullText) -> None:
            if body is None or stopped():
                return
            for paper_id in owners[path]:
                body.add(paper_id, text)
            if text.page_count:
                told.arrived = True

        worker = self._fulltext_worker = PdfWorker(nice=FULLTEXT_NICE)
        try:
            texts = extract_all(cached + fresh, worker, told.progress, stopped=stopped, each=read)
        finally:
            worker.close()
        if not stopped():
            skipped = sum(1 for text in texts.values() if text.problem)
            note = fulltext_finished(len(texts), skipped, from_cache=not fresh)
            self._post(self._fulltext_done, round_, note)

    def read_text_again(self, paper: Paper) -> None:
        """A PDF was attached or detached: the paper's text read anew from its PDFs (from
        the cache, else extracted), in a thread, and the search run again."""
        body = self.body
        if body is None or self._stopped:
            return
        files = self.finder.files_of(paper)
        self.screen.run_worker(
            lambda: self._read_again(paper.id, files, body),
            thread=True,
            group="pdf-fulltext",
            exit_on_error=False,
        )

    def _read_again(self, paper_id: str, files: list[Path], body: BodyIndex) -> None:
        from paperbrowse.core.pdf.check import is_pdf_name
        from paperbrowse.core.pdf.fulltext import extract
        from paperbrowse.core.pdf.worker import PdfWorker

        pdfs = [path for path in files if is_pdf_name(path) and path.is_file()]
        worker = self._reread_worker = PdfWorker(nice=FULLTEXT_NICE)
        try:
            texts = [extract(path, worker) for path in pdfs if not self._stopped]
        finally:
            worker.close()
        if not self._stopped:
            body.replace(paper_id, texts)
            self._post(self._text_arrived)

    def _fulltext_progress(
        self, round_: int, done: int, total: int, counting: bool, arrived: bool
    ) -> None:
        if counting:
            self._fulltext_busy(round_, fulltext_progress(done, total))
        if arrived:
            self._text_arrived()

    def _text_arrived(self) -> None:
        """More text: a search that looks in bodies runs again (once a second at most);
        the list keeps its cursor, as for any rerun of the same query."""
        if self._refresh_due:
            return
        self._refresh_due = True
        self.screen.set_timer(FULLTEXT_REFRESH_SECONDS, self._refresh_search)

    def _refresh_search(self) -> None:
        body = self.body
        if body is not None and time.monotonic() - body.searched_at < FULLTEXT_REFRESH_SECONDS:
            # The user is typing: each key's search sees the text read so far, and a
            # rerun between keys would only compete with them. Once they pause, it runs.
            self.screen.set_timer(FULLTEXT_REFRESH_SECONDS, self._refresh_search)
            return
        self._refresh_due = False
        if body is None or body.version == self._body_searched:
            return
        self._body_searched = body.version
        if self.view.search_query.strip():
            self.view.run_search()
        else:
            self.view.detail.redraw()

    def _post(self, callback: Callable[..., None], *arguments: object) -> None:
        with contextlib.suppress(RuntimeError):  # the app is closing
            self.screen.app.call_from_thread(callback, *arguments)

    def _fulltext_busy(self, round_: int, note: Note) -> None:
        if round_ == self._fulltext_round and not self._stopped:  # not a pass that was stopped
            self.view.search_bar.show_busy(*note)

    def _fulltext_done(self, round_: int, note: Note) -> None:
        self._fulltext_busy(round_, note)
        self.screen.set_timer(FULLTEXT_DONE_SECONDS, lambda: self._fulltext_clear(note))

    def _fulltext_clear(self, note: Note) -> None:
        if self.view.search_bar.busy == note[0]:  # not a newer pass's progress
            self.view.search_bar.show_busy("")

    # --- opening and attaching -------------------------------------------------------------

    def open_first(self, paper: Paper) -> None:
        from paperbrowse.core.pdf.locate import first_pdf
        from paperbrowse.core.pdf.viewer import CannotOpen, open_pdf

        target = first_pdf(self.finder.files_of(paper))
        if target is None:
            self.screen.notify(
                f"This paper has no PDF: {self.attach_how()}, or put KEY.pdf beside the library.",
                severity="warning",
                timeout=4,
            )
            return
        try:
            open_pdf(target, on_exit=self._viewer_exited_said(target))
        except CannotOpen as error:
            self.screen.notify(
                f"Cannot open the PDF: {printable(str(error))}",
                severity="error",
                timeout=8,
                markup=False,
            )
            return
        self.screen.notify(f"Opening {printable(target.name)}", timeout=3, markup=False)

    def _viewer_exited_said(self, target: Path) -> Callable[[subprocess.Popen[bytes]], None]:
        """What the viewer's reaping thread calls when it exits: "Opening" was said, so an
        error soon after (``VIEWER_FAILURE_SECONDS``) is said too; nothing opened."""
        from paperbrowse.core.pdf.viewer import VIEWER_FAILURE_SECONDS, viewer_failure

        started = time.monotonic()

        def exited(viewer: subprocess.Popen[bytes]) -> None:
            failure = viewer_failure(viewer)
            if failure is None or time.monotonic() - started > VIEWER_FAILURE_SECONDS:
                return
            with contextlib.suppress(RuntimeError):  # the app has closed meanwhile
                self.screen.app.call_from_thread(
                    self.screen.notify,
                    f"Cannot open {printable(target.name)}: {printable(failure)}",
                    severity="error",
                    timeout=8,
                    markup=False,
                )

        return exited


Signature = tuple[int, int] | None  # a file's modification time and size; None: no file


def _signature(path: Path) -> Signature:
    """What tells a file's facts are still its own: its modification time and size (as
    ``FilesController._look_at`` takes them)."""
    try:
        return _signature_of(os.stat(path))
    except (OSError, ValueError):
        return None


def _signature_of(info: os.stat_result) -> tuple[int, int]:
    return info.st_mtime_ns, info.st_size
