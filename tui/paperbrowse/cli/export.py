"""``paperbrowse export [PATH...] [--query Q] --format F [--style S] [-o FILE] [--force]``.

Writes the library (or the papers matching a query, best first) as BibTeX,
BibLaTeX, CSL-JSON, paperbrowse JSON, CSV, RIS, a Markdown reading list, or a
formatted reference list in a CSL style (``--format bibliography --style S``:
HTML when ``-o`` ends in ``.html``, else Markdown); to stdout unless
``-o`` names a file, which is written atomically and never overwritten
without ``--force`` (the old file is then kept as ``FILE.bak``). Only regular
files are written: a symbolic link is written through, to its target; a device,
named pipe or socket is refused.
"""

from __future__ import annotations

import argparse
import sys

from paperbrowse.cli.common import (
    EXIT_OK,
    EXIT_UNUSABLE,
    EXIT_WARNINGS,
    add_as_of,
    add_pdf_dir,
    fail,
    marked_tags,
    matching,
    open_library,
    pdf_finder,
    safe_streams,
    write_document,
)
from paperbrowse.core.citations import cites_among
from paperbrowse.core.cite.styles import DEFAULT_STYLE, StyleError, load_style, style_names
from paperbrowse.core.formats.export import (
    BIBLIOGRAPHY,
    FORMATS,
    ExportError,
    Written,
    export_papers,
    format_for_path,
    write_export,
)
from paperbrowse.core.text.counts import counted


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paperbrowse export",
        description="Export papers as BibTeX, BibLaTeX, CSL-JSON, JSON, CSV, RIS, a Markdown "
        "reading list or a reference list in a CSL style.",
    )
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or folders (default: the bundled profile)"
    )
    parser.add_argument("-q", "--query", help="only the papers matching this search, best first")
    parser.add_argument(
        "-f",
        "--format",
        choices=(*FORMATS, BIBLIOGRAPHY),
        help="output format (default: from -o's extension)",
    )
    parser.add_argument(
        "-s",
        "--style",
        metavar="NAME|FILE.csl",
        help=f"CSL style of --format {BIBLIOGRAPHY} (default: {DEFAULT_STYLE}; {style_names()})",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    parser.add_argument(
        "--force",
        action="store_true",
        help="overwrite FILE if it exists (keeping the old one as FILE.bak)",
    )
    add_as_of(parser)
    add_pdf_dir(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    if args.output is not None and not args.output.strip():
        return fail("-o needs a file name")  # not stdout: an empty name is a mistake
    safe_streams()  # warnings naming a file, under any locale
    fmt = args.format or (format_for_path(args.output) if args.output else None)
    if fmt is None:
        return fail("choose a format with --format (" + ", ".join((*FORMATS, BIBLIOGRAPHY)) + ")")
    if args.style is not None and fmt != BIBLIOGRAPHY:
        return fail(f"--style is for --format {BIBLIOGRAPHY}")
    style = None
    if fmt == BIBLIOGRAPHY:
        try:
            style = load_style(args.style or DEFAULT_STYLE)  # before loading: a typo fails at once
        except StyleError as error:
            return fail(str(error))
    library = open_library(args)
    if library is None:
        return EXIT_UNUSABLE
    papers = matching(library, args.query) if args.query else library.papers
    if not papers:
        return fail(
            f"no papers match {args.query!r}; nothing exported"
            if args.query
            else "the library holds no papers; nothing exported"
        )
    profile = library.profile if len(library.profiles) == 1 else None
    keys = [library.key_of(paper) for paper in papers]  # the library's keys, for a subset too
    if style is not None:
        from paperbrowse.core.cite.references import bibliography_document

        html = (args.output or "").lower().endswith((".html", ".htm"))
        try:
            text = bibliography_document(papers, style, "html" if html else "markdown")
        except StyleError as error:  # a .csl that parses but cannot render
            return fail(str(error))
    else:
        tags_of = marked_tags(library)  # your tags, as keywords (BibTeX, BibLaTeX, RIS, CSL-JSON)
        # The PDFs as the app finds them: attached with A, named after the paper beside
        # the library or in the PDF folders, not only those the library lists.
        files_of = pdf_finder(library, args.pdf_dir).files_of
        text = export_papers(papers, fmt, profile, keys, tags_of, files_of, cites_among)
    if args.output is not None:
        try:
            written = write_export(args.output, text, force=args.force)
        except ExportError as error:
            return fail(str(error))
        print(f"paperbrowse: {wrote(written, len(papers), fmt)}", file=sys.stderr)
    else:
        write_document(text, is_json=fmt in ("json", "csl-json"))
    return EXIT_WARNINGS if library.problems else EXIT_OK


def wrote(written: Written, count: int, fmt: str) -> str:
    """``wrote 12 papers to target.bib (bibtex, through link.bib); the old file is now ...``."""
    through = f", through {written.link}" if written.link else ""
    kept = f"; the old file is now {written.backup}" if written.backup else ""
    return f"wrote {counted(count, 'paper')} to {written.path} ({fmt}{through}){kept}"
