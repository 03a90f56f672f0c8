"""Helpers shared by the subcommands: dates, warnings, exit statuses."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence

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


def warn(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(f"paperbrowse: warning: {problem}", file=sys.stderr)


def fail(message: str) -> int:
    print(f"paperbrowse: error: {message}", file=sys.stderr)
    return EXIT_UNUSABLE
