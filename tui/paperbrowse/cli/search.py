"""``paperbrowse search QUERY [PATH...] [--limit N] [--json]``: the app's ranking, in a shell.

Without a PATH it searches the bundled profile. The query syntax is the app's
(``"exact phrase"``, ``-word``, ``author:``, ``title:``, ``year:2022..2024``,
``cat:CL``, ``has:code``, and your marks: ``is:read``, ``tag:NAME`` ...).
Plain output is one paper per line pair; ``--json`` prints a JSON array of
hits, each the paper's fields (as ``parse --json``) with ``rank``, ``score`` and
``key`` (its citation key in this library, as ``paperbrowse cite`` uses it).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TextIO

from paperbrowse.cli.common import (
    EXIT_OK,
    EXIT_UNUSABLE,
    EXIT_WARNINGS,
    add_as_of,
    add_data_dir,
    add_pdf_dir,
    limit_number,
    open_library,
    pdf_finder,
    safe_streams,
    say_notes,
    write_document,
)
from paperbrowse.core.search.index import SORT_ORDERS, Hit
from paperbrowse.core.search.query import SYNTAX_HELP, parse
from paperbrowse.core.text.clean import clean_line
from paperbrowse.core.text.counts import plural

if TYPE_CHECKING:
    from paperbrowse.core.library import Library
    from paperbrowse.core.models import Paper
    from paperbrowse.core.search.results import Results

MARKS_KEYS = frozenset({"is", "tag"})  # filters that read the user's marks (and has:note, has:tag)
PROGRESS_DELAY = 1.0  # seconds of extracting PDFs before the terminal is told
PROGRESS_EVERY = 0.2  # seconds between rewrites of the progress line
PROGRESS_WIDTH = 60  # cells the progress line is wiped over


def build_parser() -> argparse.ArgumentParser:
    syntax = "\n".join(f"  {example:<18}{meaning}" for example, meaning in SYNTAX_HELP)
    parser = argparse.ArgumentParser(
        prog="paperbrowse search",
        description="Search papers with the app's typo-tolerant ranking.",
        epilog=f"query syntax:\n{syntax}\n  is:read, tag:NAME   your marks (is:bookmarked, "
        "is:unread, has:note too)\n\nA query may start with '-': "
        "paperbrowse search -survey",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("query", metavar="QUERY", help="what to look for (quote it)")
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or folders (default: the bundled profile)"
    )
    parser.add_argument(
        "-n",
        "--limit",
        type=limit_number,
        default=20,
        metavar="N",
        help="at most N results, 0 for all (default: 20)",
    )
    parser.add_argument(
        "--sort",
        choices=SORT_ORDERS,
        default="relevance",
        help="order of the results (default: relevance)",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON array of hits")
    add_as_of(parser)
    add_pdf_dir(parser)
    add_data_dir(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    safe_streams()
    library = open_library(args)
    if library is None:
        return EXIT_UNUSABLE
    pdfs = PdfSearch(library, args.pdf_dir)
    with _marks_filters(library, args.query):
        results = library.find(args.query, args.sort)
        count = len(results) if args.limit == 0 else min(args.limit, len(results))
        hits = [results.hit(i) for i in range(count)]
    pdfs.close()
    say_notes(results.notes)
    if args.json:
        found = hits_json(hits, library.keys)
        for hit, row in zip(hits, found, strict=True):
            row.update(pdfs.json_of(hit.paper, results))
        document = json.dumps(found, ensure_ascii=False, indent=2)
        write_document(document + "\n", is_json=True)
    else:
        sys.stdout.write(listing(hits, len(results), args.query, pdfs.passage_of(results)))
    return EXIT_WARNINGS if library.problems else EXIT_OK


class PdfSearch:
    """The papers' PDFs in a search: their text searched (read from the cache or
    extracted now, as the app does), and each hit's files, passage and page."""

    def __init__(self, library: Library, pdf_dirs: list[str]) -> None:
        from paperbrowse.core.pdf.body_search import attach_bodies, read_bodies
        from paperbrowse.core.pdf.worker import PdfWorker

        self.finder = pdf_finder(library, pdf_dirs)  # the files has:pdf sees too
        worker = PdfWorker()
        progress = TerminalProgress(sys.stderr)
        try:
            self.body = read_bodies(library.papers, self.finder.files_of, worker, None, progress)
        finally:
            worker.close()
            progress.close()
        self._undo = attach_bodies(library, self.body)

    def close(self) -> None:
        self._undo()

    def passage_of(self, results: Results) -> Callable[[Paper], tuple[int, str] | None]:
        from paperbrowse.core.pdf.body_search import passage_for

        def of(paper: Paper) -> tuple[int, str] | None:
            passage = passage_for(self.body, paper.id, results)
            return None if passage is None else (passage.page, passage.text)

        return of

    def json_of(self, paper: Paper, results: Results) -> dict[str, object]:
        from paperbrowse.core.pdf.body_search import passage_for

        found: dict[str, object] = {"files": [str(path) for path in self.finder.files_of(paper)]}
        passage = passage_for(self.body, paper.id, results)
        if passage is not None:
            found["passage"] = passage.text
            found["page"] = passage.page
        return found


class TerminalProgress:
    """ "paperbrowse: full text: 12 of 40 PDFs" on one line of a terminal, rewritten in
    place while PDFs are extracted, then wiped: a first search of many new PDFs takes
    minutes, and says so. Only on a terminal, and only once it has taken
    ``PROGRESS_DELAY`` seconds (text from the cache takes less); never in a pipe or log."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = False
        self._on_terminal = stream.isatty()
        self._started = self._last = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self._on_terminal or now - self._started < PROGRESS_DELAY:
            return
        if self.shown and now - self._last < PROGRESS_EVERY and done < total:
            return
        self._last = now
        self.shown = True
        self.stream.write(f"\rpaperbrowse: full text: {done:,} of {total:,} PDFs")
        self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * PROGRESS_WIDTH + "\r")
            self.stream.flush()


@contextlib.contextmanager
def _marks_filters(library: Library, query: str) -> Iterator[None]:
    """Make is:, tag:, has:note work when the query uses them (read-only; no file is created)."""
    parsed = parse(query, filter_keys=MARKS_KEYS | {"has"})
    wanted = any(
        f.key in MARKS_KEYS or (f.key == "has" and f.value.lower() in ("note", "tag"))
        for f in parsed.filters
    ) or _names_an_empty_marks_filter(query)

    if not wanted:
        yield
        return
    from paperbrowse.core.marks.store import Store

    # Read-only: no write lock, so a window saving at this moment never makes us wait.
    with Store.open(read_only=True) as store:
        if store.problem:
            print(f"paperbrowse: warning: {store.problem}", file=sys.stderr)
        undo = store.register_search_filters(library.filters)
        try:
            yield
        finally:
            undo()


def _names_an_empty_marks_filter(query: str) -> bool:
    """``is:`` or ``tag:`` without a value: a filter still being written, which the app (and,
    with the filters known, the parse) leaves out; else its key was searched as a word."""
    return any(
        word.lstrip("-").lower() in {f"{key}:" for key in MARKS_KEYS} for word in query.split()
    )


def hits_json(hits: list[Hit], keys: dict[str, str]) -> list[dict[str, object]]:
    return [
        {
            "rank": rank,
            "score": round(hit.score, 3),
            "key": keys.get(hit.paper.id),
            **hit.paper.to_json_dict(),
        }
        for rank, hit in enumerate(hits, 1)
    ]


def listing(
    hits: list[Hit],
    total: int,
    query: str,
    passage_of: Callable[[Paper], tuple[int, str] | None] = lambda paper: None,
) -> str:
    """A readable list: rank, date, category, title; then the authors, indented; then,
    for a match in the PDF's text, its page and passage."""
    if not hits:
        return f"no papers match {clean_line(query)!r}\n"
    lines = []
    for rank, hit in enumerate(hits, 1):
        paper = hit.paper
        marks = " ".join(m for m in (paper.category or "", "code" if paper.has_code else "") if m)
        lines.append(f"{rank:>3}. {paper.date_text():<10} {marks:<7} {clean_line(paper.title)}")
        if paper.authors_text():
            lines.append(f"{'':<24}{clean_line(paper.authors_text())}")
        passage = passage_of(paper)
        if passage is not None:
            lines.append(f"{'':<24}p. {passage[0]}: {clean_line(passage[1])}")
    shown = f"{len(hits)} of {total}" if total > len(hits) else f"{total}"
    lines.append(f"\n{shown} matching {plural(total, 'paper')}")
    return "\n".join(lines) + "\n"
