"""Helpers shared by the subcommands: dates, warnings, exit statuses."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import sys
from collections.abc import Sequence
from typing import Any

from paperbrowse.core.errors import Problem

EXIT_OK, EXIT_WARNINGS, EXIT_UNUSABLE = 0, 1, 2


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date {text!r}; use YYYY-MM-DD") from None


def add_as_of(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as-of",
        type=parse_date,
        metavar="YYYY-MM-DD",
        help="reference date for profile dates without a year (default: today)",
    )


class _DataDirAction(argparse.Action):
    """Points the data folder elsewhere as soon as the option is parsed (child processes too)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        if not isinstance(values, str) or not values.strip():
            parser.error("--data-dir needs a folder")
        from paperbrowse.core.paths import set_data_dir

        setattr(namespace, self.dest, set_data_dir(values))


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    """Give a parser ``--data-dir DIR`` (once; calling again is harmless)."""
    # A parser that already has it (the subcommand added it itself) keeps its own.
    with contextlib.suppress(argparse.ArgumentError):
        parser.add_argument(
            "--data-dir",
            metavar="DIR",
            action=_DataDirAction,
            help="keep bookmarks, read marks, tags and notes in DIR (default: "
            "$PAPERBROWSE_DATA_DIR, else the platform's data folder)",
        )


def apply_leading_data_dir(arguments: list[str]) -> list[str]:
    """``paperbrowse --data-dir D SUBCOMMAND ...``: apply the option given before a subcommand.

    Returns the arguments without it; an empty or missing value is left for
    argparse to report.
    """
    from paperbrowse.core.paths import set_data_dir

    while arguments:
        first = arguments[0]
        if first == "--data-dir" and len(arguments) > 1 and arguments[1].strip():
            set_data_dir(arguments[1])
            arguments = arguments[2:]
        elif first.startswith("--data-dir=") and first.partition("=")[2].strip():
            set_data_dir(first.partition("=")[2])
            arguments = arguments[1:]
        else:
            break
    return arguments


def safe_streams() -> None:
    """Text a terminal's encoding cannot show is escaped, not a traceback (``LANG=C``, pipes)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def writes_unicode(stream: Any) -> bool:
    """Whether the stream's encoding holds every character (UTF-8 or UTF-16/32)."""
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    return encoding.startswith(("utf8", "utf16", "utf32"))


def warn(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(f"paperbrowse: warning: {problem}", file=sys.stderr)


def fail(message: str) -> int:
    print(f"paperbrowse: error: {message}", file=sys.stderr)
    return EXIT_UNUSABLE
