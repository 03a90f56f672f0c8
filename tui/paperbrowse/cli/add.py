"""``paperbrowse add ID... [--to FILE]``: papers looked up by DOI or arXiv id.

Each ID is looked up (Crossref for a DOI, arXiv for an arXiv id; ``core.lookup``). With
``--to`` each paper is appended to that BibTeX, RIS, JSON Lines or CSL-JSON file, which
is written atomically and kept as ``FILE.bak``; a paper already in it is not added twice.
Without ``--to`` the entries are printed (BibTeX unless ``--format`` says otherwise), as
``doi2bib`` does. An ID that is a BibTeX entry (``'@article{...}'``) is read as it is, its
key kept (``core.lookup.pasted``), and added the same way.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from paperbrowse.cli.common import EXIT_OK, EXIT_UNUSABLE, EXIT_WARNINGS, safe_streams
from paperbrowse.core.errors import printable
from paperbrowse.core.lookup.identifiers import WHAT_TO_TYPE

if TYPE_CHECKING:
    from paperbrowse.core.models import Paper

PRINTED = ("bibtex", "biblatex", "csl-json", "ris", "json")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paperbrowse add",
        description="Look papers up by DOI (Crossref) or arXiv id (arXiv) and add them to a "
        "file of yours (--to), or print their entries. Needs the network.",
        epilog=f"ID: {WHAT_TO_TYPE}, or a BibTeX entry ('@article{{...}}'), added as it is. "
        "A file added to is kept as FILE.bak first; "
        "a paper it has already (the same DOI, or title and year) is not added again.",
    )
    parser.add_argument(
        "ids", nargs="+", metavar="ID", help="DOIs or arXiv ids, links, or BibTeX entries"
    )
    parser.add_argument(
        "--to",
        metavar="FILE",
        help="append to this .bib, .ris, .jsonl or CSL-JSON .json file (made if missing)",
    )
    parser.add_argument(
        "--format",
        "-f",
        choices=PRINTED,
        help="what to print without --to (default: bibtex); with --to, the file's own kind",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    from paperbrowse.core.lookup.adding import CannotAdd, add_papers
    from paperbrowse.core.lookup.target import checked_target

    safe_streams()
    if args.to is not None and args.format is not None:
        _say(f"paperbrowse: note: --format is for printing; {args.to} gets its own kind")
    if args.to is not None:
        try:
            checked_target(args.to)  # before seconds of look-ups: a file it cannot take
        except CannotAdd as error:
            return _failed(str(error))
    found, failed = _looked_up(args.ids)
    if args.to is None:
        if found:
            print(_printed(found, args.format or "bibtex"))
    elif found:
        # All in one write: FILE.bak is the file as it was before this command.
        try:
            outcome = add_papers(args.to, found)
        except CannotAdd as error:
            return _failed(str(error))
        for added in outcome.added:
            kept = f" (the old file is {added.backup})" if added.backup else ""
            _say(f"paperbrowse: added {added.key}: {added.paper.title} to {added.path}{kept}")
        for _, there in outcome.refused:  # what was asked for is there: not a failure
            _say(f"paperbrowse: note: {there}")
    if failed == len(args.ids):
        return EXIT_UNUSABLE
    return EXIT_WARNINGS if failed else EXIT_OK


def _looked_up(typed: list[str]) -> tuple[list[Paper], int]:
    """The papers found (each once), and how many ids were not."""
    from paperbrowse.app.config import load_config
    from paperbrowse.core.lookup.client import LookupFailed, look_up

    email = load_config().email  # for Crossref's polite pool
    found: dict[str, Paper] = {}
    failed = 0
    for text in typed:
        try:
            paper = look_up(text, email=email)
        except LookupFailed as error:
            _say(f"paperbrowse: error: {error}")
            failed += 1
            continue
        found.setdefault(paper.id, paper)  # the same paper asked twice: printed once
    return list(found.values()), failed


def _printed(papers: list[Paper], fmt: str) -> str:
    """The papers as one document (one JSON list, keys unique among them)."""
    from paperbrowse.core.formats.export import export_papers

    return export_papers(papers, fmt).rstrip("\n")


def _failed(message: str) -> int:
    _say(f"paperbrowse: error: {message}")
    return EXIT_UNUSABLE


def _say(line: str) -> None:
    print(printable(line), file=sys.stderr)
