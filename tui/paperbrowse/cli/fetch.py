"""``paperbrowse fetch [PATH...] (--key K ... | --query Q [--max N]) [--pdf-dir DIR]``: ``D``
from a shell.

Each paper picked (``--key``: its citation key, DOI or id, repeatable or comma-separated;
``--query``: the papers matching a search) gets its PDF as the app's ``D`` gets it
(``core.pdf.fetch``: arXiv's for an arXiv id, then the open-access copy Unpaywall knows of
for a DOI, which needs ``"email"`` in config.json), saved in the same folder under the same
name, never over a file, and attached in the marks database as ``A`` attaches one. One
line a paper: ``KEY: saved PATH``, ``KEY: has a PDF already: PATH`` (or, for a PDF saved
at its name since the folder was listed, ``KEY: already downloaded: attached PATH``) on
stdout; why not, on stderr. There is no default: the whole library
would be thousands of downloads. For the same reason a query with more than
``MAX_DOWNLOADS`` papers to download (``--max N``: N) downloads none and says so in one
line: ``year:2020`` on a large library would be hours of arXiv's pacing. The papers
``--key`` names are not capped: the user named each one.

Exit status: 0 every paper has its PDF; 1 some have not, or a key named none; 2 none (a
query over the cap among them: nothing was done).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from paperbrowse.cli.common import (
    EXIT_OK,
    EXIT_UNUSABLE,
    EXIT_WARNINGS,
    add_as_of,
    add_pdf_dir,
    fail,
    matching,
    open_library,
    pdf_finder,
    safe_streams,
)
from paperbrowse.core.errors import printable

if TYPE_CHECKING:
    from paperbrowse.core.library import Library
    from paperbrowse.core.marks.store import Store
    from paperbrowse.core.models import Paper
    from paperbrowse.core.pdf.locate import PdfFinder


# Downloads one query may start without --max: about a minute of arXiv's pacing (3 s
# apart), and more than a focused search (an author, a year, a topic) matches; a query
# over it is more likely a slip (``year:2020``) than a wish for hundreds of PDFs.
MAX_DOWNLOADS = 20


class NotFetched(Exception):
    """Why one paper has no PDF after all: one line."""


class CannotDownload(NotFetched):
    """Why a paper's PDF cannot be downloaded at all, nothing asked: no arXiv id nor DOI, or
    a DOI and no email for Unpaywall (the same line for many papers of a query)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paperbrowse fetch",
        description="Download the PDFs of papers, as D in the app: arXiv's, else the "
        "open-access copy Unpaywall knows of for a DOI; saved in your first PDF folder "
        "(else pdfs/ in the data folder) and attached. Needs the network.",
        epilog='A DOI is looked up on Unpaywall only with "email" set in config.json. '
        "A file is never overwritten.",
    )
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or folders (default: the bundled profile)"
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "-k",
        "--key",
        action="append",
        metavar="KEY|DOI",
        help="the paper with this citation key, DOI or id (repeat it, or KEY1,KEY2)",
    )
    which.add_argument("-q", "--query", help="the papers matching this search")
    parser.add_argument(
        "--max",
        type=download_count,
        metavar="N",
        help=f"with --query: allow at most N downloads (default {MAX_DOWNLOADS}); a query "
        "with more to download downloads none, and says how many it has. Papers that "
        "have their PDF, or no arXiv id or DOI, do not count",
    )
    add_as_of(parser)
    add_pdf_dir(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    safe_streams()
    if args.key and args.max is not None:
        return fail("--max goes with --query: the papers --key names are each fetched")
    library = open_library(args)
    if library is None:
        return EXIT_UNUSABLE
    papers, missing = chosen(library, args)
    for wanted in missing:
        print(
            printable(f"paperbrowse: warning: no paper has the key, DOI or id {wanted!r}"),
            file=sys.stderr,
        )
    if not papers:
        return fail("no papers to fetch" + (f" match {args.query!r}" if args.query else ""))
    from paperbrowse.app.config import load_config
    from paperbrowse.core.marks.store import open_store

    email = load_config().email
    finder = pdf_finder(library, args.pdf_dir)
    if args.query:
        refusal = over_the_cap(args.query, papers, finder, email, args.max)
        if refusal is not None:
            return fail(printable(refusal))
    failed = 0
    # A query's papers that cannot be downloaded, by why: one line for each why, not for
    # each paper (thousands of "Unpaywall needs your email" lines for a query without one).
    unfetchable: dict[str, list[str]] = {}
    with open_store() as store:
        for paper in papers:
            key = library.key_of(paper)
            try:
                said = fetched(paper, finder, store, email)
            except CannotDownload as problem:
                failed += 1
                if args.query:
                    unfetchable.setdefault(str(problem), []).append(key)
                else:
                    print(printable(f"paperbrowse: error: {key}: {problem}"), file=sys.stderr)
            except NotFetched as problem:
                failed += 1
                print(printable(f"paperbrowse: error: {key}: {problem}"), file=sys.stderr)
            else:
                print(printable(f"{key}: {said}"), flush=True)  # before the next download
    for why, keys in unfetchable.items():
        print(printable(f"paperbrowse: error: {papers_named(keys)}: {why}"), file=sys.stderr)
    if failed == len(papers):
        return EXIT_UNUSABLE
    return EXIT_WARNINGS if failed or missing or library.problems else EXIT_OK


KEYS_NAMED = 3  # of the papers one line says the same of, the keys it names


def papers_named(keys: list[str]) -> str:
    """The papers one line is about: their key if one, else how many and the first keys."""
    if len(keys) == 1:
        return keys[0]
    more = ", …" if len(keys) > KEYS_NAMED else ""
    return f"{len(keys)} papers ({', '.join(keys[:KEYS_NAMED])}{more})"


def download_count(text: str) -> int:
    """``--max N`` as argparse reads it: a whole number of downloads, 1 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value}: must be 1 or more")
    return value


def over_the_cap(
    query: str, papers: list[Paper], finder: PdfFinder, email: str | None, given: int | None
) -> str | None:
    """Why a query's ``papers`` are too many to download, one line; None when they are
    not. Only downloads count: a paper with its PDF already, or none to be had, asks no
    server anything."""
    downloads = len(to_download(papers, finder, email))
    cap = MAX_DOWNLOADS if given is None else given
    if downloads <= cap:
        return None
    limit = f"--max {given}" if given is not None else f"{MAX_DOWNLOADS} at once without --max"
    return (
        f"{query!r} matches {len(papers)} papers, {downloads} of them to download: more "
        f"than {limit}, so none is downloaded; narrow the query, or pass --max {downloads} "
        "to download them all"
    )


def to_download(papers: list[Paper], finder: PdfFinder, email: str | None) -> list[Paper]:
    """The papers ``fetched`` would download: asked as it asks (``next_step``), before any
    is (a stat or two a paper, no request)."""
    from paperbrowse.core.pdf.fetch import next_step

    return [
        paper
        for paper in papers
        if next_step(paper, finder.files_of(paper), finder.folders, email).download_to is not None
    ]


def chosen(library: Library, args: argparse.Namespace) -> tuple[list[Paper], list[str]]:
    """The papers to fetch, each once, in the order asked (a query's best first); and what
    was asked for that names no paper."""
    if args.query:
        return matching(library, args.query), []
    found: dict[str, Paper] = {}
    missing: list[str] = []
    for typed in args.key:
        # A DOI may hold a comma: the whole argument first, then its parts.
        whole = library.paper_named(typed)
        parts = [typed] if whole is not None else [p for p in typed.split(",") if p.strip()]
        for wanted in parts:
            paper = whole or library.paper_named(wanted)
            if paper is None:
                missing.append(wanted.strip())
            else:
                found.setdefault(paper.id, paper)
    return list(found.values()), missing


def fetched(paper: Paper, finder: PdfFinder, store: Store, email: str | None) -> str:
    """What became of ``paper``'s PDF, as ``D`` does it: one it has already is left, one
    where ``D`` saves it is attached, else it is downloaded and attached. Raises
    NotFetched: one line."""
    from paperbrowse.core.lookup.client import LookupFailed
    from paperbrowse.core.pdf.fetch import fetch_pdf, next_step

    step = next_step(paper, finder.files_of(paper), finder.folders, email)
    if step.has is not None:
        return f"has a PDF already: {step.has}"
    if step.attach is not None:  # an earlier download, or the user's own copy
        return f"already downloaded: attached {attach(paper, step.attach, store)}"
    if step.why_not is not None:
        raise CannotDownload(step.why_not)
    assert step.download_to is not None  # (one of the step's fields is set)
    try:
        saved = fetch_pdf(paper, step.download_to.parent, email)
    except LookupFailed as failure:
        raise NotFetched(str(failure)) from None
    try:
        return f"saved {attach(paper, saved, store)}"
    except NotFetched as unattached:
        raise NotFetched(f"saved {saved}, but {unattached}") from None


def attach(paper: Paper, file: Path, store: Store) -> str:
    """Keep ``file`` with the paper's marks, as ``A`` keeps it; the path kept. Raises
    NotFetched when the marks database cannot take it."""
    from paperbrowse.core.marks.store import StorageError
    from paperbrowse.core.pdf.check import attachable

    path, problem = attachable(str(file))
    if problem is not None:
        raise NotFetched(problem)
    try:
        store.attach_file(paper, path)
    except StorageError as error:
        raise NotFetched(f"not attached: {error}") from None
    return path
