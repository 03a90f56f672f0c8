"""``paperbrowse add ID... [--to FILE]``: papers looked up by DOI or arXiv id.

Each ID is looked up (Crossref for a DOI, arXiv for an arXiv id; ``core.lookup``). With
``--to`` each paper is appended to that BibTeX, RIS, JSON Lines or CSL-JSON file, which
is written atomically and kept as ``FILE.bak``; a paper already in it is not added twice.
Without ``--to`` the entries are printed (BibTeX unless ``--format`` says otherwise), as
``doi2bib`` does.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
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
        epilog=f"ID: {WHAT_TO_TYPE}. A file added to is kept as FILE.bak first; "
        "a paper it has already (the same DOI, or title and year) is not added again.",
    )
    parser.add_argument("ids", nargs="+", metavar="ID", help="DOIs or arXiv ids, or links")
    parser.add_argument(
        "--to",
        metavar="FILE",
        help="append to this .bib, .ris, .jsonl or CSL-JSON .json file (made if missing)",
    )
    parser.add_argument(
        "--format",
        "-f",
        choices=PRINTED,
        default="bibtex",
        help="what to print without --to (default: bibtex)",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    from paperbrowse.core.lookup.adding import AlreadyThere, CannotAdd, add_papers
    from paperbrowse.core.lookup.client import LookupFailed, look_up

    safe_streams()
    if args.to is not None and not args.to.strip():
        _say("paperbrowse: error: give --to a file name to add to")
        return EXIT_UNUSABLE
    found: list[Paper] = []
    failed = 0
    for typed in args.ids:
        try:
            found.append(look_up(typed))
        except LookupFailed as error:
            _say(f"paperbrowse: error: {error}")
            failed += 1
    if args.to is None:
        for paper in found:
            print(_printed(paper, args.format))
    elif found:
        # All in one write: FILE.bak is the file as it was before this command.
        try:
            outcome = add_papers(Path(args.to), found)
        except CannotAdd as error:
            _say(f"paperbrowse: error: {error}")
            return EXIT_UNUSABLE
        for added in outcome.added:
            kept = f" (the old file is {added.backup})" if added.backup else ""
            _say(f"paperbrowse: added {added.key}: {added.paper.title} to {added.path}{kept}")
        for _, refusal in outcome.refused:  # there already: what was asked for is done
            kind = "note" if isinstance(refusal, AlreadyThere) else "error"
            _say(f"paperbrowse: {kind}: {refusal}")
    if failed == len(args.ids):
        return EXIT_UNUSABLE
    return EXIT_WARNINGS if failed else EXIT_OK


def _printed(paper: Paper, fmt: str) -> str:
    from paperbrowse.core.formats.export import export_papers

    return export_papers([paper], fmt).rstrip("\n")


def _say(line: str) -> None:
    print(printable(line), file=sys.stderr)
