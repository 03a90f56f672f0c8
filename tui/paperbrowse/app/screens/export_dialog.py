"""The export dialog: a format, a file name, and a confirmation before replacing a file.

Exports what the browser hands it (the marked papers, else the list as
filtered) with core/formats/export.py; the file is written atomically there, a replaced
file is kept as ``NAME.bak`` by the session's first change to it (``core.backups``), and
devices, pipes and sockets are refused.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

from paperbrowse.app.actions import bindings
from paperbrowse.app.screens.base import DismissOnce
from paperbrowse.app.widgets.option_pages import PagingSelect
from paperbrowse.core.backups import backup_name, kept_note
from paperbrowse.core.formats.export import BIBLIOGRAPHY, WRITTEN_AS
from paperbrowse.core.text.counts import counted, plural

if TYPE_CHECKING:
    from paperbrowse.core.formats.export import Files, Written
    from paperbrowse.core.models import Paper, Profile

FORMAT_NAMES = {
    "bibtex": "BibTeX (.bib)",
    "biblatex": "BibLaTeX (.bib)",
    "csl-json": "CSL-JSON (.json, Zotero/pandoc)",
    "json": "paperbrowse JSON (.json)",
    "csv": "CSV (.csv)",
    "ris": "RIS (.ris, EndNote/Mendeley)",
    "markdown": "Markdown reading list (.md)",
    BIBLIOGRAPHY: "Reference list (.md, in the citation style)",
}


def reference_list_name(style: str) -> str:
    """The reference list's entry in the format list, naming the style it is written in."""
    from paperbrowse.core.cite.styles import style_title

    return f"Reference list (.md, {style_title(style)})"


def full_name(path: Path) -> str:
    """Where a file is, as the user finds it from anywhere: absolute, the home folder as
    ``~`` (a name typed or offered is relative to the folder the app was started in)."""
    absolute = Path(os.path.abspath(path))
    try:
        home = Path.home()
        if home == Path(home.anchor):  # a home of "/" (a service's): every path is in it
            return str(absolute)
        return str(Path("~") / absolute.relative_to(home))
    except (ValueError, RuntimeError):  # elsewhere, or no home folder known
        return str(absolute)


def suggested_name(fmt: str) -> str:
    """A new file in the working folder, papers.bib, references.md ..., named in full
    (``full_name``): a bare "papers.bib" did not say which folder it would go to."""
    from paperbrowse.core.formats.export import suggested_path

    if fmt == BIBLIOGRAPHY:
        found = suggested_path("markdown", Path.cwd(), stem="references")
    else:
        found = suggested_path(fmt, Path.cwd())
    return full_name(found)


def _named_for_another(path: Path, fmt: str) -> str | None:
    """The format ``path``'s name says it holds, when ``fmt`` is not one written under it
    (BibLaTeX is a .bib too; a reference list a .md or an .html); None for other names."""
    formats = WRITTEN_AS.get(path.suffix.lower())
    return None if formats is None or fmt in formats else formats[0]


def _short(fmt: str) -> str:
    """A format's name without what its menu entry adds: "RIS", "BibTeX"."""
    return FORMAT_NAMES[fmt].split(" (")[0]


def chosen_style() -> str:
    """The user's CSL style as config.json has it: APA unless "csl_style" names another."""
    from paperbrowse.app.config import load_config
    from paperbrowse.core.cite.styles import DEFAULT_STYLE

    return load_config().csl_style or DEFAULT_STYLE


def reference_list(papers: Sequence[Paper], path: Path, style_name: str) -> str:
    """The papers as a reference list in the user's CSL style (``C``'s), HTML for an
    .html name, else Markdown, as ``paperbrowse export -f bibliography`` writes it."""
    from paperbrowse.core.cite.references import bibliography_document
    from paperbrowse.core.cite.styles import StyleError, load_style
    from paperbrowse.core.formats.export import ExportError

    html = path.suffix.lower() in (".html", ".htm")
    try:
        style = load_style(style_name)
        return bibliography_document(papers, style, "html" if html else "markdown")
    except StyleError as error:  # unknown name, missing or broken .csl: one line
        raise ExportError(f'{error} ("csl_style" in config.json)') from error


class ConfirmScreen(DismissOnce, ModalScreen[bool]):
    """Yes or no (y / n, enter / escape)."""

    DEFAULT_CSS = """
    ConfirmScreen {
        align: center middle;
    }
    ConfirmScreen > Vertical {
        width: 64;
        max-width: 95%;
        height: auto;
        border: thick $warning;
        background: $surface;
        padding: 0 1;
    }
    ConfirmScreen Static {
        width: 1fr;
    }
    ConfirmScreen Horizontal {
        height: auto;
        align: right middle;
    }
    """
    BINDINGS = bindings("confirm")  # from the registry (app/actions.py), rebindable
    AUTO_FOCUS = "#no"

    def __init__(self, question: str, yes: str = "Replace") -> None:
        super().__init__()
        self.question = question
        self.yes = yes  # the button's word

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question))
            with Horizontal():
                yes, no = self.key_named("confirm_yes"), self.key_named("confirm_no")
                yield Button(Text(f"{self.yes} ({yes})"), variant="warning", id="yes")
                yield Button(Text(f"Cancel ({no})"), id="no")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ExportDialog(DismissOnce, ModalScreen[Path | None]):
    """Dismissed with the path written, or None when cancelled or failed."""

    DEFAULT_CSS = """
    ExportDialog {
        align: center middle;
    }
    ExportDialog > Vertical {
        width: 72;
        max-width: 95%;
        height: auto;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    ExportDialog Static, ExportDialog Select, ExportDialog Input {
        width: 1fr;
    }
    ExportDialog #export-title {
        text-style: bold;
    }
    /* The format menu opens over its own box and is no taller than the dialog below it
       (the box, the file name, the status and the buttons: 10 rows): Textual's menu,
       opened under the box and 12 rows high, ran over the dialog's bottom border. */
    ExportDialog #export-format > SelectOverlay {
        offset-y: -3;
        max-height: 10;
    }
    ExportDialog Horizontal {
        height: auto;
        align: right middle;
    }
    """
    BINDINGS = bindings("dialog")  # from the registry (app/actions.py), rebindable
    AUTO_FOCUS = "#export-path"

    def __init__(
        self,
        papers: Sequence[Paper],
        profile: Profile | None,
        source: str = "listed",
        key_of: Callable[[Paper], str] | None = None,
        tags_of: Callable[[Paper], Sequence[str]] | None = None,
        files_of: Files = None,
        style: str | None = None,
        papers_read_from: Callable[[Path], int | None] | None = None,
    ) -> None:
        super().__init__()
        self.papers = papers  # (the list shown never changes: a new search makes new results)
        # The library's citation keys (``Library.key_of``), so a paper exported alone keeps
        # the key c cites and the detail pane shows; without it, keys made for these papers.
        self.key_of = key_of
        self.tags_of = tags_of  # each paper's tags (the marks store's): exported as keywords
        # Each paper's files as found (its library's, attached, named after it): its PDFs.
        self.files_of = files_of
        # The CSL style of the reference list (``C``'s, as chosen this session); None:
        # config.json's.
        self.style = style
        # How many papers the open library read from a file, None for none of its files:
        # replacing one is asked about as that (``Library.papers_read_from``).
        self.papers_read_from = papers_read_from
        self.profile = profile
        self.source = source
        self._suggested: str | None = None
        self._busy = False  # an export is running

    def _ready(self) -> Text:
        return Text(f"Enter exports; {self.key_named('dialog_cancel')} cancels.", style="dim")

    def compose(self) -> ComposeResult:
        from paperbrowse.core.formats.export import FORMATS

        # Offered here rather than in on_mount: a dialog escaped before it was mounted
        # has no widgets left to query by then.
        self._suggested = suggested_name("bibtex")
        if self.style is None:
            self.style = chosen_style()
        names = FORMAT_NAMES | {BIBLIOGRAPHY: reference_list_name(self.style)}
        count = len(self.papers)
        what = f"{count:,} {self.source} {plural(count, 'paper')}"
        with Vertical():
            yield Static(Text(f"Export {what}"), id="export-title")
            yield PagingSelect(
                [(names.get(fmt, fmt), fmt) for fmt in (*FORMATS, BIBLIOGRAPHY)],
                value="bibtex",
                allow_blank=False,
                id="export-format",
            )
            yield Input(self._suggested, id="export-path", placeholder="file name")
            yield Static(self._ready(), id="export-status")
            with Horizontal():
                yield Button("Export", variant="primary", id="export-go")
                yield Button("Cancel", id="export-cancel")

    def _suggest(self, fmt: str) -> None:
        path_input = self.query_one("#export-path", Input)
        # Follow the format only while the name is still the one we offered.
        if not path_input.value or (self._suggested and path_input.value == self._suggested):
            self._suggested = suggested_name(fmt)
            path_input.value = self._suggested

    @on(Select.Changed, "#export-format")
    def _format_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self._suggest(event.value)

    @property
    def fmt(self) -> str:
        value = self.query_one("#export-format", Select).value
        return value if isinstance(value, str) else "bibtex"

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-go")
    def _go(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        name = self.query_one("#export-path", Input).value.strip()
        if not name:
            self.notify("Type a file name to export to.", severity="warning", timeout=3)
            return
        try:
            path = Path(name).expanduser()
        except RuntimeError as error:  # "~nobody/x": no such user
            self._bad_name(str(error))
            return
        self.export(path, force=False)

    def _bad_name(self, reason: str) -> None:
        self.notify(
            f"Cannot export to that name: {reason}.", severity="error", timeout=6, markup=False
        )

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def export(self, path: Path, force: bool, name_checked: bool = False) -> None:
        if self._busy:
            return
        try:
            exists = path.is_file()
        except (OSError, ValueError) as error:  # a name too long, a NUL byte (found by soak_keys)
            reason = error.strerror if isinstance(error, OSError) else None
            self._bad_name(reason or str(error))
            return
        other = None if name_checked else _named_for_another(path, self.fmt)
        if other is not None:  # RIS into papers.bib: asked, as a replace is, before writing
            self._ask_about_the_name(path, other, exists)
            return
        if not force and exists:
            self._ask_to_replace(path)  # before, not after, seconds of exporting
            return
        self._busy = True
        self.query_one("#export-status", Static).update(Text("Exporting…", style="bold"))
        self._export(path, force, self.fmt, self.style or chosen_style())

    @work(thread=True, exclusive=True, group="export", description="export papers")
    def _export(self, path: Path, force: bool, fmt: str, style: str) -> None:
        # In a thread: 22k papers take 2 s as BibTeX, a frozen screen otherwise.
        from paperbrowse.core.formats.export import (
            ExportError,
            export_papers,
            write_export,
        )

        try:
            keys = [self.key_of(paper) for paper in self.papers] if self.key_of else None
            if fmt == BIBLIOGRAPHY:
                text = reference_list(self.papers, path, style)
            else:
                from paperbrowse.core.citations import cites_among

                text = export_papers(
                    self.papers, fmt, self.profile, keys, self.tags_of, self.files_of, cites_among
                )
            written: Written | Exception = write_export(path, text, force=force)
        except (ExportError, OSError) as error:  # ExportExists too: _finished asks to replace
            written = error
        except Exception as error:  # a bug in a writer: one clear line, not a traceback
            written = ExportError(f"{type(error).__name__}: {error}; please report this")
        self.app.call_from_thread(self._finished, path, written)

    def _ask_about_the_name(self, path: Path, named: str, exists: bool) -> None:
        """One question for a format written under another's name, and for the file it
        would replace, if there is one (not two in a row)."""
        question = f"{path} is named as {_short(named)}. Write {_short(self.fmt)} into it?"
        if exists:
            held = self._held_in(path)
            if held is not None:
                question += f" It is a file of the open library, holding {held}."
            question += f" It exists and will be replaced. {kept_note(backup_name(path))}"

        def answered(yes: bool | None) -> None:
            if yes:
                self.export(path, force=exists, name_checked=True)

        self.app.push_screen(ConfirmScreen(question, yes="Write"), answered)

    def _ask_to_replace(self, path: Path) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.export(path, force=True, name_checked=True)

        question = f"{path} already exists. Replace it? {kept_note(backup_name(path))}"
        held = self._held_in(path)
        if held is not None:  # the library's own .bib, typed or offered: more than a file
            written = counted(len(self.papers), f"{self.source} paper")
            question = (
                f"{path} is a file of the open library: it holds {held}, and {written} "
                f"will be written in their place. Replace it? {kept_note(backup_name(path))}"
            )
        elif path.is_symlink():
            target = Path(os.path.realpath(path))  # never raises, even on a loop
            question = (
                f"{path} is a link to {target}, which exists. Replace {target}? "
                f"{kept_note(backup_name(target))}"
            )
        self.app.push_screen(ConfirmScreen(question), answered)

    def _held_in(self, path: Path) -> str | None:
        """``3 papers``: how many the open library read from the file, None for a file
        not the library's."""
        held = self.papers_read_from(path) if self.papers_read_from else None
        return None if held is None else counted(held, "paper")

    def _finished(self, path: Path, written: Written | Exception) -> None:
        from paperbrowse.core.formats.export import ExportExists

        self._busy = False
        # Escaped while exporting: the dialog is gone, but what became of the file is told.
        shown = self.is_attached
        if shown:
            self.query_one("#export-status", Static).update(self._ready())
        if isinstance(written, ExportExists) and shown:  # made meanwhile
            self._ask_to_replace(path)
            return
        if isinstance(written, Exception):
            self.notify(f"Export failed: {written}", severity="error", timeout=10, markup=False)
            return
        count = len(self.papers)
        through = f" (through {full_name(written.link)})" if written.link else ""
        kept = f" {kept_note(written.backup)}" if written.backup else ""
        self.app.notify(
            f"Exported {counted(count, 'paper')} to {full_name(written.path)}{through}.{kept}",
            timeout=5,
            markup=False,
        )
        self.dismiss(written.path)
