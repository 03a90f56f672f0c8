"""``paperbrowse notes [PATH...]``: your notes and marks, out of the app, as Markdown or JSON.

Without a PATH every paper with a mark is listed from the database alone
(title and year are stored with the marks). With PATHs the loaded papers
come first, with their full details, then any marked papers not found in
those files, so no note is ever left out silently.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shlex
import sys
from collections.abc import Callable
from dataclasses import dataclass

from paperbrowse.cli.common import (
    EXIT_OK,
    EXIT_WARNINGS,
    add_as_of,
    add_data_dir,
    fail,
    safe_streams,
    warn,
    write_document,
)
from paperbrowse.core.errors import FormatError, Problem
from paperbrowse.core.marks.filters import FILTER_NAMES, marks_test
from paperbrowse.core.marks.store import Marks, Store
from paperbrowse.core.models import Paper, fold
from paperbrowse.core.text.clean import clean_line, strip_control
from paperbrowse.core.text.counts import counted


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paperbrowse notes",
        description="Print your notes, bookmarks, read marks and tags. With PATHs, the papers "
        "in those files come first with their details; marked papers not in them follow.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to match")
    parser.add_argument(
        "--query",
        "-q",
        default="",
        metavar="Q",
        help="only papers matching: words (in title, authors, tags or note), "
        "is:bookmarked, is:read, is:unread, has:note, has:tag, tag:NAME; -word excludes",
    )
    parser.add_argument(
        "--format", choices=("markdown", "json"), default="markdown", help="default: markdown"
    )
    add_as_of(parser)
    add_data_dir(parser)
    return parser


@dataclass(frozen=True)
class Entry:
    """One marked paper: its marks, and the paper itself when a loaded file has it."""

    marks: Marks
    paper: Paper | None

    @property
    def title(self) -> str:
        title = self.paper.title if self.paper else self.marks.title
        return clean_line(title) or f"(untitled paper {self.marks.paper_id})"

    @property
    def year(self) -> int | None:
        return self.paper.year if self.paper else self.marks.year

    def searchable(self) -> str:
        parts = [self.title, " ".join(self.marks.tags), self.marks.note]
        if self.paper:
            parts.append(self.paper.authors_text())
        return fold(" ".join(parts))


def run(args: argparse.Namespace) -> int:
    safe_streams()  # warnings naming a file, under any locale
    problems: list[Problem] = []
    papers: list[Paper] = []
    if args.paths:
        from paperbrowse.core.library import load

        try:
            library = load(*args.paths, as_of=args.as_of)
        except FormatError as error:
            return fail(str(error))
        problems.extend(library.problems)
        papers = list(library.papers)
    # Read-only: no write lock, so a window saving at this moment never makes us wait.
    with Store.open(read_only=True) as store:
        if store.problem:
            print(f"paperbrowse: warning: {store.problem}", file=sys.stderr)
        try:
            keep = matcher(args.query)
        except ValueError as error:
            return fail(f"--query: {error}")
        entries = [e for e in collect(store, papers) if keep(e)]
        database = str(store.path)
        damaged = store.problem is not None
    warn(problems)
    if args.format == "json":
        write_document(as_json(entries, database, bool(args.paths)), is_json=True)
    else:
        write_document(as_markdown(entries, database, bool(args.paths)), is_json=False)
    return EXIT_WARNINGS if problems or damaged else EXIT_OK


def collect(store: Store, papers: list[Paper]) -> list[Entry]:
    """Loaded papers with marks, in library order, then the marked papers not loaded, by title."""
    unclaimed = dict(store.all_marks())
    entries: list[Entry] = []
    for paper in papers:
        marks = store.marks(paper)  # also finds marks made before the paper had a DOI
        if marks.paper_id in unclaimed:
            entries.append(Entry(unclaimed.pop(marks.paper_id), paper))
    rest = [Entry(marks, None) for marks in unclaimed.values()]
    # Papers known only by id (marked from a script) go last.
    rest.sort(key=lambda e: (not e.marks.title, fold(e.title), e.marks.paper_id))
    return entries + rest


def matcher(query: str) -> Callable[[Entry], bool]:
    """A test for entries from the query: every word and filter must hold (``-`` negates)."""
    try:
        tokens = shlex.split(query)
    except ValueError:
        tokens = query.split()
    tests: list[Callable[[Entry], bool]] = []
    for token in tokens:
        negate = token.startswith("-") and len(token) > 1
        body = token[1:] if negate else token
        test = _filter_test(body) or _word_test(body)
        tests.append((lambda t: lambda e: not t(e))(test) if negate else test)
    return lambda entry: all(test(entry) for test in tests)


def _filter_test(token: str) -> Callable[[Entry], bool] | None:
    key, colon, value = token.partition(":")
    if not colon:
        return None
    test = marks_test(key, value)
    if test is None:
        if fold(key) in ("is", "has", "tag"):
            raise ValueError(f"unknown filter {token!r} (try {', '.join(FILTER_NAMES)})")
        return None
    return lambda entry: test(entry.marks)


def _word_test(word: str) -> Callable[[Entry], bool]:
    folded = fold(word)
    return lambda entry: folded in entry.searchable()


# --- output -----------------------------------------------------------------------------


def _time(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds") if value else None


def _marks_json(entry: Entry, with_paths: bool) -> dict[str, object]:
    marks = entry.marks
    record: dict[str, object] = {
        "id": marks.paper_id,
        "title": entry.paper.title if entry.paper else marks.title,
        "year": entry.year,
        "bookmarked": marks.bookmarked,
        "bookmarked_at": _time(marks.bookmarked_at),
        "read": marks.read,
        "read_at": _time(marks.read_at),
        "tags": list(marks.tags),
        "note": marks.note,
        "note_updated": _time(marks.note_updated),
        "attached": list(marks.files),
    }
    if with_paths:
        record["in_library"] = entry.paper is not None
        record["paper"] = entry.paper.to_json_dict() if entry.paper else None
    return record


# Characters JSON leaves raw that a terminal could act on: escape them as \\uXXXX.
_UNSAFE_IN_JSON = re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def as_json(entries: list[Entry], database: str, with_paths: bool) -> str:
    data = {"database": database, "papers": [_marks_json(e, with_paths) for e in entries]}
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def _when(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if value else ""


def _entry_markdown(entry: Entry) -> list[str]:
    marks = entry.marks
    heading = entry.title + (f" ({entry.year})" if entry.year else "")
    lines = [f"## {heading}", ""]
    if entry.paper:
        paper = entry.paper
        if paper.authors or paper.et_al:
            lines.append(f"- Authors: {clean_line(paper.authors_text())}")
        if paper.venue:
            lines.append(f"- Venue: {clean_line(paper.venue)}")
        if paper.first_link:
            lines.append(f"- Link: <{clean_line(paper.first_link)}>")
    states = [
        f"bookmarked {_when(marks.bookmarked_at)}".strip() if marks.bookmarked else "",
        f"read {_when(marks.read_at)}".strip() if marks.read else "",
    ]
    if any(states):
        lines.append("- Marks: " + ", ".join(s for s in states if s))
    if marks.tags:
        lines.append("- Tags: " + ", ".join(clean_line(t) for t in marks.tags))
    if marks.files:  # (attached in the app with A: a paper may have no other mark)
        lines.append("- Attached: " + ", ".join(clean_line(f) for f in marks.files))
    lines.append(f"- Id: {marks.paper_id}")
    if marks.has_note:
        lines += ["", f"Note (updated {_when(marks.note_updated)}):", ""]
        lines.append(strip_control(marks.note).strip("\n"))
    lines.append("")
    return lines


def as_markdown(entries: list[Entry], database: str, with_paths: bool) -> str:
    lines = ["# Notes and marks", "", f"{counted(len(entries), 'paper')}, from {database}", ""]
    loaded = [e for e in entries if e.paper is not None]
    elsewhere = [e for e in entries if e.paper is None]
    for entry in loaded:
        lines += _entry_markdown(entry)
    if with_paths and elsewhere:
        lines += ["# Not in the files given", ""]
    for entry in elsewhere:
        lines += _entry_markdown(entry)
    return "\n".join(lines).rstrip("\n") + "\n"
