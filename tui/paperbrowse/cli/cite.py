"""``paperbrowse cite [PATH...] [--query Q | --key K ...] [--style S] [--form F]``.

Prints citations of the chosen papers (``--key``, repeatable or comma-separated;
``--query``, the papers matching a search, best first; else every paper):
formatted references in a CSL style (``--form text``, ``markdown`` or ``html``;
``--style`` names one of the eight bundled styles or a ``.csl`` file), or their
citation keys as LaTeX, natbib or pandoc write them. Keys are the library's
(``paperbrowse search --json`` shows them). An unknown style or key is one line on
stderr and exit 2.
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
    matching,
    open_library,
    safe_streams,
    write_document,
)
from paperbrowse.core.cite.forms import FORMS, REFERENCE_FORMS, cite_keys
from paperbrowse.core.cite.styles import DEFAULT_STYLE, StyleError, load_style, style_names
from paperbrowse.core.errors import printable
from paperbrowse.core.library import Library
from paperbrowse.core.models import Paper


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paperbrowse cite",
        description="Print citations: references in a CSL style, or keys for LaTeX and pandoc.",
        epilog=f"styles: {style_names()}\n\nforms: text, markdown, html (references); "
        "latex \\cite{a,b}, natbib-p \\citep{a,b}, natbib-t \\citet{a,b}, pandoc [@a; @b], "
        "pandoc-t @a, keys (bare keys)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or folders (default: the bundled profile)"
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("-q", "--query", help="the papers matching this search, best first")
    which.add_argument(
        "-k",
        "--key",
        action="append",
        metavar="KEY",
        help="the paper with this citation key (repeat it, or KEY1,KEY2)",
    )
    parser.add_argument(
        "-s",
        "--style",
        default=DEFAULT_STYLE,
        metavar="NAME|FILE.csl",
        help=f"CSL style for references (default: {DEFAULT_STYLE})",
    )
    parser.add_argument(
        "-f",
        "--form",
        choices=FORMS,
        default="text",
        help="what to print (default: text, a plain reference list)",
    )
    add_as_of(parser)
    add_pdf_dir(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    safe_streams()
    style = None
    if args.form in REFERENCE_FORMS:
        try:
            style = load_style(args.style)  # before loading: a typo fails at once
        except StyleError as error:
            return fail(str(error))
    library = open_library(args)
    if library is None:
        return EXIT_UNUSABLE
    papers, missing = chosen(library, args)
    for key in missing:
        print(printable(f"paperbrowse: warning: no paper has the key {key!r}"), file=sys.stderr)
    if not papers:
        return fail("no papers to cite" + (f" match {args.query!r}" if args.query else ""))
    if style is None:
        text = cite_keys([library.key_of(paper) for paper in papers], args.form) + "\n"
    else:
        from paperbrowse.core.cite.references import references

        try:
            entries = references(papers, style, args.form)
        except StyleError as error:  # a .csl that parses but cannot render
            return fail(str(error))
        if args.form == "html":
            entries = [f'<div class="csl-entry">{entry}</div>' for entry in entries]
        text = ("\n\n" if args.form == "markdown" else "\n").join(entries) + "\n"
    write_document(text, is_json=False)
    return EXIT_WARNINGS if library.problems or missing else EXIT_OK


def chosen(library: Library, args: argparse.Namespace) -> tuple[list[Paper], list[str]]:
    """The papers to cite, and the keys asked for that no paper has."""
    if args.key:
        wanted = [key.strip() for arg in args.key for key in arg.split(",") if key.strip()]
        return library.with_keys(wanted)
    if args.query:
        return matching(library, args.query), []
    return list(library.papers), []
