"""``paperbrowse related ID|KEY [PATH...] [--limit N] [--json]``: the papers most like one.

The same list as ``m`` in the app: the paper's most distinctive title and
abstract words, weighted as BM25 weighs them, make a query over the library;
shared authors and the same venue or category add to the score. ID is the
paper's id (as ``parse --json`` prints it), its DOI, or its citation key (as
``search --json`` and ``paperbrowse cite`` use it). Plain output is one paper
per line pair, the second line saying why; ``--json`` prints a JSON array, each
the paper's fields (as ``parse --json``) with ``rank``, ``score``, ``key`` and
the reasons (``shared_words``, ``shared_authors``, ``same_venue``,
``same_category``, ``reasons``).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from paperbrowse.cli.common import (
    EXIT_OK,
    EXIT_UNUSABLE,
    EXIT_WARNINGS,
    add_as_of,
    add_data_dir,
    fail,
    limit_number,
    open_library,
    safe_streams,
    write_document,
)
from paperbrowse.core.text.clean import clean_line
from paperbrowse.core.text.counts import counted

if TYPE_CHECKING:
    from paperbrowse.core.models import Paper
    from paperbrowse.core.related.rank import Related

ALL = 1_000  # what --limit 0 asks for: more than anyone reads


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paperbrowse related",
        description="The papers of the library most like one paper (as m in the app).",
    )
    parser.add_argument(
        "paper", metavar="ID|KEY", help="the paper: its id, its DOI or its citation key"
    )
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or folders (default: the bundled profile)"
    )
    parser.add_argument(
        "-n",
        "--limit",
        type=limit_number,
        default=10,
        metavar="N",
        help=f"at most N papers, 0 for up to {ALL:,} (default: 10)",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON array of papers")
    add_as_of(parser)
    add_data_dir(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    safe_streams()
    library = open_library(args)
    if library is None:
        return EXIT_UNUSABLE
    from paperbrowse.core.related.rank import related_papers

    paper = library.paper_named(args.paper)
    if paper is None:
        where = ", ".join(library.sources) or "the library"
        return fail(f"no paper with the id, DOI or key {clean_line(args.paper)!r} in {where}")
    found = related_papers(library.index, paper, args.limit or ALL)
    if args.json:
        rows = [
            {
                "rank": rank,
                "key": library.keys.get(related.paper.id),
                **related.to_json_dict(),
                **related.paper.to_json_dict(),
            }
            for rank, related in enumerate(found, 1)
        ]
        write_document(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", is_json=True)
    else:
        sys.stdout.write(listing(paper, found))
    return EXIT_WARNINGS if library.problems else EXIT_OK


def listing(paper: Paper, found: list[Related]) -> str:
    """The paper asked about, then rank, date and title of each like it, and why, indented."""
    lines = [f"Papers like: {clean_line(paper.title)}", ""]
    for rank, related in enumerate(found, 1):
        other = related.paper
        lines.append(f"{rank:>3}. {other.date_text():<10} {clean_line(other.title)}")
        lines.append(f"{'':<16}{clean_line(related.reasons())}")
    if not found:
        lines.append("no other paper in the library shares its words, authors or venue")
    else:
        lines.append(f"\n{counted(len(found), 'paper')}")
    return "\n".join(lines) + "\n"
