"""The ``paperbrowse`` command: open the browser, or run a subcommand.

``paperbrowse [PATH...]`` opens the app (the bundled profile when no path is
given); ``paperbrowse SUBCOMMAND ...`` works without the UI. Each subcommand
is a module here with ``build_parser()`` and ``run(args)``, imported only
when used so start-up stays fast. Errors are one line on stderr naming the
file; no traceback reaches a user.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from paperbrowse import __version__
from paperbrowse.cli.common import (
    EXIT_OK,
    EXIT_UNUSABLE,
    OutputError,
    add_as_of,
    add_data_dir,
    add_pdf_dir,
    apply_leading_data_dir,
    dashed_words_kept,
    drop_unwritten_output,
    fail,
    guarded_stdout,
)
from paperbrowse.core.backups import new_run

# Subcommand name -> (module under paperbrowse.cli, one-line summary for --help).
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "parse": ("parse", "parse a profile or library file and print it (--json for JSON)"),
    "notes": ("notes", "print your notes, bookmarks, read marks and tags (markdown or JSON)"),
    "export": (
        "export",
        "export papers (BibTeX, BibLaTeX, CSL-JSON, RIS, JSON, CSV, Markdown, references)",
    ),
    "add": ("add", "add papers by DOI or arXiv id to a .bib, .ris, .jsonl or .json, or print"),
    "fetch": ("fetch", "download papers' PDFs (arXiv, Unpaywall) and attach them, as D does"),
    "search": ("search", "search papers with the app's ranking (--json for JSON)"),
    "related": ("related", "the papers most like one paper, and why (--json for JSON)"),
    "cite": ("cite", "print references in a CSL style, or keys as \\cite{...} or [@...]"),
    "people": ("people", "list the researchers of the profiles opened, with their figures"),
    "keys": ("keys", "list the app's keys, as rebound in config.json (--json for JSON)"),
}


def app_parser() -> argparse.ArgumentParser:
    width = max(len(name) for name in SUBCOMMANDS) + 2
    listing = "\n".join(f"  {name:<{width}}{text}" for name, (_, text) in SUBCOMMANDS.items())
    parser = argparse.ArgumentParser(
        prog="paperbrowse",
        description="Browse research papers in the terminal.",
        epilog=(
            f"subcommands:\n{listing}\n\nrun 'paperbrowse SUBCOMMAND --help' for its options\n\n"
            "exit status: 0 all well (a note about the query, on stderr, leaves it 0); 1 done,\n"
            "with warnings on stderr (a record skipped, a key missing); 2 not done (a file, an\n"
            "argument or the output unusable); 130 interrupted (ctrl+c)"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to open")
    parser.add_argument("--version", action="version", version=f"paperbrowse {__version__}")
    add_pdf_dir(parser)
    add_as_of(parser)
    add_data_dir(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    new_run()  # each command (the app's session too) keeps its own NAME.bak of a file
    try:
        arguments = apply_leading_data_dir(arguments)
        # What goes to stdout (results, --help, --version) goes through the guard.
        with guarded_stdout():
            if arguments and arguments[0] in SUBCOMMANDS:
                name = SUBCOMMANDS[arguments[0]][0]
                module = importlib.import_module(f"paperbrowse.cli.{name}")
                parser = module.build_parser()
                add_data_dir(parser)  # every subcommand takes --data-dir
                return int(module.run(parser.parse_args(dashed_words_kept(arguments[1:], parser))))
            options = app_parser().parse_args(arguments)
        from paperbrowse.cli import browse

        return browse.run(options)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `| head` has what it wanted
        drop_unwritten_output()
        return EXIT_OK
    except OutputError as error:  # `>&-`, `> /dev/full`: the results are lost, say so
        drop_unwritten_output()
        return fail(f"cannot write the results: {error}")
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else EXIT_UNUSABLE
    except Exception as error:  # a bug: one line, not a traceback (PAPERBROWSE_DEBUG shows it)
        import os

        if os.environ.get("PAPERBROWSE_DEBUG"):
            raise
        from paperbrowse.core.errors import printable

        print(
            printable(
                f"paperbrowse: error: internal error ({type(error).__name__}: {error});"
                " please report it (PAPERBROWSE_DEBUG=1 shows the traceback)"
            ),
            file=sys.stderr,
        )
        return EXIT_UNUSABLE
