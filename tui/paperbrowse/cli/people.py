"""``paperbrowse people [PATH...] [--sort KEY] [--reverse] [--json]``: the people screen's table.

One row per researcher of the profiles opened (files or folders; the bundled
profile when none): category, h-index, citations, papers in the profile,
novelty, AI score and papers in this library, in the order asked (names A to
Z, figures highest first; a missing figure, shown as ``—``, last). ``--json``
prints an array of researchers, each with ``coauthors``: the other researchers
opened they wrote with, and how many papers they share.
"""

from __future__ import annotations

import argparse
import json
import sys

from paperbrowse.cli.common import (
    EXIT_OK,
    EXIT_UNUSABLE,
    EXIT_WARNINGS,
    add_as_of,
    add_data_dir,
    fail,
    open_library,
    safe_streams,
    warn,
    write_document,
)
from paperbrowse.core.people import SORT_KEYS, People, Researcher, sorted_people
from paperbrowse.core.text.clean import clean_line
from paperbrowse.core.text.counts import counted

# (sort key, heading, width); the name column is as wide as the longest name, capped.
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("category", "cat", 8),
    ("h-index", "h-index", 7),
    ("citations", "citations", 9),
    ("papers", "papers", 6),
    ("novelty", "novelty", 7),
    ("ai-score", "ai-score", 8),
    ("library", "in-library", 10),
)
NAME_WIDTH = 32


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paperbrowse people",
        description="List the researchers of the profiles opened, with their figures.",
    )
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="profile files or folders (default: the seed)"
    )
    parser.add_argument(
        "--sort",
        choices=SORT_KEYS,
        default="name",
        help="order: names A to Z, figures highest first (default: name); 'library' is the "
        "papers in this library",
    )
    parser.add_argument("--reverse", action="store_true", help="the other way round")
    parser.add_argument("--json", action="store_true", help="print a JSON array of researchers")
    add_as_of(parser)
    add_data_dir(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    safe_streams()
    library = open_library(args)
    if library is None:
        return EXIT_UNUSABLE
    if not library.profiles:
        return fail("no researcher profiles among the files given (BibTeX and JSON hold none)")
    people = library.people
    if len(library.profiles) == 1:
        warn(people.problems)  # with several, the load listed them already
    ranked = sorted_people(people.researchers, args.sort, args.reverse)
    if args.json:
        document = json.dumps(people_json(people, ranked), ensure_ascii=False, indent=2)
        write_document(document + "\n", is_json=True)
    else:
        sys.stdout.write(table(ranked))
    return EXIT_WARNINGS if library.problems or people.problems else EXIT_OK


def people_json(people: People, ranked: list[Researcher]) -> list[dict[str, object]]:
    return [
        {
            **researcher.to_json_dict(),
            "coauthors": [
                {"name": other.name, "shared_papers": shared}
                for other, shared in people.coauthors(researcher)
            ],
        }
        for researcher in ranked
    ]


def _value(researcher: Researcher, key: str) -> str:
    value = researcher.figure(key)  # type: ignore[arg-type]
    if value is None:
        return "—"
    if isinstance(value, str):
        return clean_line(value)
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return text + ("%" if key == "novelty" else "")


def table(ranked: list[Researcher]) -> str:
    """Aligned columns, a heading line, then a count."""
    names = [clean_line(r.name) for r in ranked]
    width = min(NAME_WIDTH, max([len("researcher"), *map(len, names)]))
    heading = f"{'researcher':<{width}}" + "".join(
        f"  {title:<{size}}" if key == "category" else f"  {title:>{size}}"
        for key, title, size in COLUMNS
    )
    lines = [heading]
    for name, researcher in zip(names, ranked, strict=True):
        shown = name if len(name) <= width else name[: width - 1] + "…"
        cells = "".join(
            f"  {_value(researcher, key):<{size}}"
            if key == "category"
            else f"  {_value(researcher, key):>{size}}"
            for key, _, size in COLUMNS
        )
        lines.append(f"{shown:<{width}}{cells}")
    lines.append(f"\n{counted(len(ranked), 'researcher')}")
    return "\n".join(line.rstrip() for line in lines) + "\n"
