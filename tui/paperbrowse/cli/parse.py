"""``paperbrowse parse PATH [--json]``: a profile as a readable summary or as JSON."""

from __future__ import annotations

import argparse
import json
import sys

from paperbrowse.cli.common import (
    EXIT_OK,
    EXIT_WARNINGS,
    add_as_of,
    fail,
    safe_streams,
    warn,
    writes_unicode,
)
from paperbrowse.core.errors import FormatError, printable
from paperbrowse.core.library import Library, load
from paperbrowse.core.text.counts import counted


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paperbrowse parse",
        description="Parse a researcher profile (or any library file) and print it.",
    )
    parser.add_argument("path", help="the profile file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    add_as_of(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    safe_streams()
    try:
        library = load(args.path, as_of=args.as_of)
    except FormatError as error:
        return fail(str(error))
    warn(library.problems)
    if args.json:
        # Plain ASCII escapes when the output cannot hold Unicode: still the same JSON.
        ascii_only = not writes_unicode(sys.stdout)
        json.dump(library_json(library), sys.stdout, ensure_ascii=ascii_only, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(summary(library))
    return EXIT_WARNINGS if library.problems else EXIT_OK


def library_json(library: Library) -> dict[str, object]:
    """The profile's fields plus its papers; a library without a profile as ``{"papers": []}``."""
    if library.profile is not None and len(library.profiles) == 1:
        return library.profile.to_json_dict()
    return {"papers": [paper.to_json_dict() for paper in library.papers]}


def summary(library: Library) -> str:
    """A readable summary: the profile header, then a line pair per paper."""
    lines: list[str] = []
    for profile in library.profiles:
        category = profile.primary_category or ""
        if profile.primary_category_name:
            category += f" ({profile.primary_category_name})"
        lines.append(f"{profile.name}" + (f" · {category}" if category else ""))
        figures = [
            f"h-index {profile.h_index}" if profile.h_index is not None else "",
            counted(profile.citations, "citation") if profile.citations is not None else "",
            counted(profile.paper_count, "paper") if profile.paper_count is not None else "",
            f"novelty {profile.novelty:g}%" if profile.novelty is not None else "",
            f"AI score {profile.ai_score:g}" if profile.ai_score is not None else "",
        ]
        if any(figures):
            lines.append(" · ".join(f for f in figures if f))
        lines.append("")
    count = len(library.papers)
    sources = printable(", ".join(library.sources))  # a file's name may hold escape codes
    lines.append(f"{counted(count, 'paper')} read from {sources}")
    lines.append("")
    for paper in library.papers:
        date = paper.date_text() + ("*" if paper.year_inferred else "")
        marks = [paper.category or "", "code" if paper.has_code else ""]
        lines.append(f"{date:<11} {' '.join(m for m in marks if m):<8} {paper.title}")
        lines.append(f"{'':<20} {paper.authors_text()}")
    if any(p.year_inferred for p in library.papers):
        lines.append("")
        lines.append("* year inferred (the profile shows no year for dates in the current year)")
    return "\n".join(lines) + "\n"
