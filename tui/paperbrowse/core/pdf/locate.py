"""Which files on disk belong to a paper.

In order, each once:

1. the paths its library gives (``Paper.files``), relative ones against the library's
   folder; Mendeley's ``home/u/x.pdf`` (its leading ``/`` dropped) is tried as
   ``/home/u/x.pdf`` when the relative reading does not exist;
2. paths the user attached in the app (kept in the marks database);
3. PDFs found by convention in the library's folder, the user's PDF folders and
   ``pdfs/`` in the data folder (where ``D`` saves them when the user names no folder),
   named after the citation key, the DOI (``/`` replaced by ``_`` or ``-``; the name ``D``
   saves it as, ``pdf_stem``) or the arXiv id (``2004.07180.pdf``, ``2004.07180v2.pdf``).
   Each folder is listed once (not recursively) and remembered, so finding files for 20k
   papers is dictionary look-ups.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paperbrowse.core.errors import Problem
from paperbrowse.core.locations import pdf_dir
from paperbrowse.core.models import Paper, bare_doi, fold, foreign_absolute
from paperbrowse.core.pdf.check import file_problem, is_pdf_name
from paperbrowse.core.search.filter_registry import NoPapers
from paperbrowse.core.store import field_values

if TYPE_CHECKING:
    from paperbrowse.core.search.filter_registry import FilterRegistry

_VERSION = re.compile(r"v\d+$")
_ARXIV = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf)/|10\.48550/arxiv\.|arxiv:\s*)"
    r"([0-9]{4}\.[0-9]{4,5}|[a-z][a-z.\-]*/[0-9]{7})",
    re.I,
)
MAX_FOLDER_ENTRIES = 200_000
HAS_PDF_SECONDS = 5.0  # how long has:pdf's answer for a whole library is reused
# Why has:pdf and fulltext: find nothing in a library without a PDF, then how to add one
# (the app names its attach key between them; the command line, the app).
NO_PDF = "no paper here has a PDF"
PDF_FOLDERS = 'or name a folder of PDFs with --pdf-dir DIR or "pdf_folders" in config.json'


_TITLE_WORD = re.compile(r"[^\W_]+")


def resolve_written(written: str, base: Path | None) -> Path:
    """A path as a library wrote it, made absolute (``~`` expanded); a Windows path from
    another machine (``foreign_absolute``) is kept as written, never joined to ``base``."""
    path = Path(os.path.expanduser(written))
    if path.is_absolute() or base is None or foreign_absolute(written):
        return path
    relative = base / path
    if not relative.exists() and Path("/", path).exists():
        return Path("/", path)  # Mendeley drops the leading slash
    return relative


def library_folder(paper: Paper) -> Path | None:
    """The folder of the file the paper was read from."""
    return None if paper.source is None else _folder_of(paper.source.file)


@lru_cache(maxsize=256)
def _folder_of(file: str) -> Path:
    return Path(file).expanduser().resolve().parent


def arxiv_id(paper: Paper) -> str | None:
    """The paper's arXiv id, from its DOI, a link or its venue (``2004.07180``;
    ``hep-th/9901001``): Google Scholar's BibTeX names a preprint only in its journal,
    ``arXiv preprint arXiv:1702.08608``."""
    for text in (paper.doi, paper.url, *paper.links, paper.venue):
        found = arxiv_id_in(text)
        if found:
            return found
    return None


def arxiv_id_in(text: str | None) -> str | None:
    """The arXiv id written in ``text`` (an arXiv DOI, an arXiv address, ``arXiv:ID``)."""
    found = _ARXIV.search(text or "")
    return found.group(1) if found else None


# What a file name may not hold on Windows (and "/" nowhere): a DOI may hold any of it
# (an old Wiley DOI: "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O").
# Two DOIs that differ only there ("10.1/a:b", "10.1/a_b") get one name, as "/" and "_"
# always did: the second paper is then said to have the first's PDF.
_UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


def pdf_stem(identifier: str) -> str:
    """The name, without ``.pdf``, that a PDF is saved as (``D``, ``paperbrowse fetch``)
    and found by, for a DOI or an arXiv id: what no system refuses in a file name, each
    such character ``_`` (Windows also refuses a name ending in a dot or a space)."""
    return _UNSAFE_IN_NAMES.sub("_", identifier).rstrip(". ")


def convention_names(paper: Paper, key: str | None) -> list[str]:
    """The file stems (folded) a PDF of this paper may have by convention: the name ``D``
    saves it as (``pdf_stem``), and the DOI's as other tools write them. A DOI written
    as a link (OpenAlex's ``https://doi.org/10...``) is named by the DOI in it."""
    names = []
    if key:
        names.append(key)
    doi = bare_doi(paper.doi) if paper.doi else None
    if doi:
        names += [pdf_stem(doi), doi.replace("/", "_"), doi.replace("/", "-")]
    found = arxiv_id(paper)
    if found:  # (an arXiv id's only character a name refuses is "/": ``pdf_stem`` is all)
        names.append(pdf_stem(found))
    return list(dict.fromkeys(name.casefold() for name in names if name))


class FolderIndex:
    """The PDFs directly in some folders, by folded stem (a version suffix dropped too).

    Each folder is listed on first use and remembered; thread-safe.
    """

    def __init__(self) -> None:
        self._folders: dict[Path, dict[str, Path]] = {}
        self._lock = threading.Lock()

    def find(self, names: Iterable[str], folders: Iterable[Path]) -> list[Path]:
        found: list[Path] = []
        wanted = list(names)
        for folder in folders:
            listing = self._listing(folder)
            found += [listing[name] for name in wanted if name in listing]
        return found

    def holds_pdfs(self, folder: Path) -> bool:
        """Whether the folder holds any PDF directly."""
        return bool(self._listing(folder))

    def forget(self) -> None:
        with self._lock:
            self._folders.clear()

    def _listing(self, folder: Path) -> dict[str, Path]:
        with self._lock:
            known = self._folders.get(folder)
            if known is None:
                known = self._folders[folder] = _pdfs_in(folder)
            return known


def _pdfs_in(folder: Path) -> dict[str, Path]:
    listing: dict[str, Path] = {}
    try:
        with os.scandir(folder) as entries:
            for count, entry in enumerate(entries):
                if count >= MAX_FOLDER_ENTRIES:
                    break
                if is_pdf_name(entry.name):
                    stem = entry.name[:-4].casefold()
                    path = Path(entry.path)
                    listing.setdefault(stem, path)
                    listing.setdefault(_VERSION.sub("", stem), path)
    except OSError:
        pass  # a folder that is gone or unreadable simply holds nothing
    return listing


def paper_files(
    paper: Paper,
    *,
    key: str | None = None,
    attached: Sequence[str] = (),
    folders: Sequence[Path] = (),
    index: FolderIndex | None = None,
) -> list[Path]:
    """Every file of ``paper``: written in its library, attached, then by name in the
    library's folder and the PDF folders: by convention, and a written file that is not
    where it was written (another machine's path, a library moved) by its own name."""
    base = library_folder(paper)
    written = [resolve_written(path, base) for path in paper.files]
    mine = [Path(os.path.expanduser(path)) for path in attached]
    search_in = ([base] if base is not None else []) + list(folders)
    names = convention_names(paper, key) + _names_of_missing(paper, written)
    by_name = (index or FolderIndex()).find(names, search_in)
    return list(dict.fromkeys(written + mine + by_name))


# A word of the title this long, found in a missing file's name, makes the name the paper's
# own: Mendeley's "Joachims - 1999 - Making large-Scale SVM Learning Practical.pdf" is;
# "fulltext.pdf" or "main.pdf", which many papers' files may be named, is not.
TITLE_WORD_IN_NAME = 5


def _names_of_missing(paper: Paper, resolved: Sequence[Path]) -> list[str]:
    """The folded stems of the PDFs written whose path holds nothing (``C:\\Users\\...``
    from Mendeley on Windows, or a folder since moved), to be looked for by name: those
    holding a word of the paper's title (``TITLE_WORD_IN_NAME``), never one so general
    that another paper's file could be named so too."""
    names = []
    for written, path in zip(paper.files, resolved, strict=True):
        name = written.replace("\\", "/").rsplit("/", 1)[-1]  # (a Windows path's name too)
        if is_pdf_name(name) and _names_its_paper(name, paper.title) and not path.exists():
            names.append(name[:-4].casefold())
    return names


def _names_its_paper(name: str, title: str) -> bool:
    folded = fold(name)
    words = _TITLE_WORD.findall(fold(title))
    return any(word in folded for word in words if len(word) >= TITLE_WORD_IN_NAME)


def first_pdf(files: Iterable[Path]) -> Path | None:
    """The file ``O`` opens: the first that is a readable PDF on disk; failing that the
    first named ``.pdf`` (so the error names it), else the first file.

    A Zotero ``file`` field often lists a stale path before the good one: the stale
    one must not hide the PDF listed after it.
    """
    listed = list(files)
    readable = next((path for path in listed if file_problem(path) is None), None)
    if readable is not None:
        return readable
    return next((path for path in listed if is_pdf_name(path)), listed[0] if listed else None)


def pdf_on_disk(files: Iterable[Path]) -> Path | None:
    """The first of a paper's files that is named ``.pdf``, on disk and readable as one:
    a paper that has one is not downloaded again (``D``, ``paperbrowse fetch``)."""
    return next((f for f in files if is_pdf_name(f) and file_problem(f) is None), None)


# A missing first PDF folder is where downloads go all the same: the first one makes it.
MISSING_FIRST_FOLDER = "PDF folder missing; made by the first download"
MISSING_FOLDER = "PDF folder missing; ignored"


def folder_problems(folders: Iterable[str | Path]) -> list[Problem]:
    """One problem for each PDF folder that is missing or not a folder (the rest still count)."""
    problems = []
    for place, folder in enumerate(folders):
        path = Path(os.path.expanduser(str(folder)))
        try:
            if not path.exists():
                missing = MISSING_FIRST_FOLDER if place == 0 else MISSING_FOLDER
                problems.append(Problem(str(path), None, missing))
            elif not path.is_dir():
                problems.append(Problem(str(path), None, "a file, not a PDF folder; ignored"))
        except (OSError, ValueError) as error:
            problems.append(Problem(str(path), None, f"PDF folder cannot be read ({error})"))
    return problems


class PdfFinder:
    """A paper's files for one window or command: its library's paths, the user's
    attachments (``attached``) and the PDFs named by convention in ``folders``."""

    def __init__(
        self,
        folders: Sequence[str | Path] = (),
        attached: Callable[[Paper], Sequence[str]] = lambda paper: (),
        key_of: Callable[[Paper], str | None] = lambda paper: paper.citekey,
    ) -> None:
        self.folders = [Path(os.path.expanduser(str(folder))) for folder in folders]
        # Looked in too, never said to be missing: where ``D`` saves a PDF when the user
        # names no folder (a paper's PDF is found there even with its attachment gone).
        self.searched = list(dict.fromkeys([*self.folders, pdf_dir()]))
        self.attached = attached
        self.key_of = key_of
        self.index = FolderIndex()
        self._forgotten_at = time.monotonic()
        # The last answers of ``ids_with_pdf`` and ``any_with_pdf``: when, for which papers,
        # and the answer.
        self._with_pdf: tuple[float, Sequence[Paper], frozenset[str]] | None = None
        self._any_pdf: tuple[float, Sequence[Paper], bool] | None = None

    def forget(self) -> None:
        """Look at the disk again: folders listed anew, ``has:pdf`` answered anew."""
        self.index.forget()
        self._forgotten_at = time.monotonic()

    def files_of(self, paper: Paper) -> list[Path]:
        return paper_files(
            paper,
            key=self.key_of(paper),
            attached=self.attached(paper),
            folders=self.searched,
            index=self.index,
        )

    def worth_looking(
        self, papers: Sequence[Paper], sources: Iterable[str], any_attached: bool
    ) -> Sequence[Paper]:
        """The papers that may have a file: all of them when the user attached any or a
        folder they are looked for in (their library's, the PDF folders, ``pdfs/``) holds a PDF;
        else only those their library lists files for, read from their fields without
        making a paper of each (a library of 100k papers and no PDFs, the common case)."""
        folders = [*(_folder_of(source) for source in sources), *self.searched]
        if any_attached or any(self.index.holds_pdfs(folder) for folder in folders):
            return papers
        files = field_values(papers, "files")
        return [papers[place] for place, listed in enumerate(files) if listed]

    def has_pdf(self, paper: Paper) -> bool:
        """Whether a file of the paper's named ``.pdf`` is on disk and one (its header): a
        saved web page under that name is not, as its Files line and ``D`` say."""
        return pdf_on_disk(self.files_of(paper)) is not None

    def _fresh(
        self, answer: tuple[float, Sequence[Paper], Any], papers: object, lasting: bool = False
    ) -> bool:
        """Whether a remembered answer is about these papers and may still be used: looked
        for since the disk was last looked at anew, and, unless ``lasting``, less than
        ``HAS_PDF_SECONDS`` ago."""
        return (
            answer[1] is papers
            and answer[0] > self._forgotten_at
            and (lasting or time.monotonic() - answer[0] < HAS_PDF_SECONDS)
        )

    def ids_with_pdf(
        self,
        papers: Sequence[Paper],
        looked_at: Callable[[], Sequence[Paper]] | None = None,
    ) -> frozenset[str]:
        """The ids of the ``papers`` with a PDF on disk, remembered (``_fresh``): a query
        typed key by key with ``has:pdf`` in it looks at the disk once, not once a key
        (0.2 s for 22k papers). ``looked_at``, when given, tells which of them may have a
        file at all (``worth_looking``): the others are not made papers of to be looked at."""
        if self._with_pdf is not None and self._fresh(self._with_pdf, papers):
            return self._with_pdf[2]
        now = time.monotonic()  # (before looking: a ``forget`` meanwhile makes it stale)
        candidates = looked_at() if looked_at is not None else papers
        found = frozenset(paper.id for paper in candidates if self.has_pdf(paper))
        self._with_pdf = (now, papers, found)
        return found

    def any_with_pdf(
        self,
        papers: Sequence[Paper],
        looked_at: Callable[[], Sequence[Paper]] | None = None,
    ) -> bool:
        """Whether any of the ``papers`` has a PDF on disk (``looked_at`` as for
        ``ids_with_pdf``, whose answer is used while fresh): looked for up to the first,
        and remembered till the disk is looked at anew (``forget``: a PDF attached, the
        library read again). A library with PDFs finds one at once; one without looks at
        every paper whose fields list files: 2 s at 100k papers whose files are missing,
        paid every five seconds by ``fulltext:`` typed slowly while it expired as has:pdf's."""
        if self._with_pdf is not None and self._fresh(self._with_pdf, papers):
            return bool(self._with_pdf[2])
        if self._any_pdf is not None and self._fresh(self._any_pdf, papers, lasting=True):
            return self._any_pdf[2]
        now = time.monotonic()
        candidates = looked_at() if looked_at is not None else papers
        found = any(self.has_pdf(paper) for paper in candidates)
        self._any_pdf = (now, papers, found)
        return found

    def register_search_filters(
        self,
        filters: FilterRegistry,
        papers: Sequence[Paper] | None = None,
        looked_at: Callable[[], Sequence[Paper]] | None = None,
        why_none: Callable[[], str] | None = None,
    ) -> Callable[[], None]:
        """Make ``has:pdf`` work in the searches of the library these filters are of;
        other ``has:`` values fall through to the next handler. Returns an undo.

        Given the library's ``papers``, the answer is ``ids_with_pdf`` (``looked_at`` as
        there); and when none of them has a PDF, ``why_none``'s note beside the empty
        list (``NoPapers``): why, and how to give the library some.
        """
        self._with_pdf = self._any_pdf = None  # (filtered again: the disk looked at anew)

        def handler(value: str) -> Callable[[Paper], bool] | frozenset[str] | None:
            if value.strip().lower() != "pdf":
                return None
            if papers is None:
                return self.has_pdf
            found = self.ids_with_pdf(papers, looked_at)
            return NoPapers(why_none()) if why_none is not None and not found else found

        return filters.register("has", handler, "has:pdf")
