"""JSON Lines of papers: one object a line, with the keys ``parse --json`` prints.

The ACL Anthology export in the shared corpus has id, title, authors, year,
month, venue, abstract, url, doi. A line may also be an OpenAlex work (a snapshot, or an
export of the API's works: ``openalex``) or a CSL item. A bad line is skipped with a
warning.

A ``.json`` file is read here too (``parse_json``): one JSON document
(``jsondoc`` says which kind), or JSON Lines saved as ``.json``.
"""

from __future__ import annotations

import codecs
import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from paperbrowse.core.errors import FormatError, Problem
from paperbrowse.core.files import read_bytes
from paperbrowse.core.formats import ImportResult, TextProgress
from paperbrowse.core.formats.jsontools import BadJSON, load_json
from paperbrowse.core.formats.pool import PART_CHARS, workers_ahead
from paperbrowse.core.formats.records import given_id, given_id_key, paper_from_record
from paperbrowse.core.formats.spilling import run_parts_spilling
from paperbrowse.core.models import Paper, same_paper
from paperbrowse.core.rows import with_line_moved
from paperbrowse.core.store import PaperStore, store_of_rows

PROGRESS_LINES = 2_000  # lines between progress reports (about 2 MB of ACL abstracts)
# Text (characters) from which the lines are read on every core (``formats.pool``). JSON
# Lines read three times faster than BibTeX (0.045 s a MB of ACL papers, measured): below
# this a worker's start (~0.3 s) and the papers sent back are not won back.
POOL_MIN_CHARS = 24 << 20


def parse_jsonl(
    text: str, file: str, whole_document: bool = True, progress: TextProgress | None = None
) -> ImportResult:
    """Papers from JSON Lines; a whole JSON document (an array or ``{"papers": [...]}``) too.

    ``whole_document=False`` reads line by line only (the caller already knows
    the text is not one JSON document). ``progress`` hears (characters read, in all)
    every few thousand lines.
    """
    body = text.removeprefix("\ufeff")
    if whole_document and body.lstrip().startswith("["):
        return parse_json(text, file)
    parts = _read_in_parts(body, file, whole_document, progress)
    if parts is None:
        parts = [_read_lines(body, file, whole_document, progress)]
    if any(part is None for part in parts):
        del parts  # (and what they spilled: ``core.spill``)
        return parse_json(text, file)  # a pretty-printed document
    return _gathered(parts, file)


class _Lines(NamedTuple):
    """What some lines gave: their papers and problems, and how many were not blank."""

    result: ImportResult
    records: int
    # Lines ``str.splitlines`` found beyond those counted by their b"\n" (a part of bytes:
    # ``read_bytes_part``): the parts after it are numbered this much further down.
    extra_lines: int = 0
    # (id, line, problems before it, its paper's place in ``result.papers``) of each paper
    # read whose line gives an id: the ids given twice are told once every part is read
    # (``_gathered``), in file order.
    ids: Sequence[tuple[str, int, int, int]] = ()

    @property
    def spillable(self) -> Sequence[Paper]:
        """Its papers, whose abstracts may be spilled (``formats.spilling``)."""
        return self.result.papers


def _read_lines(
    body: str,
    file: str,
    first_may_be_document: bool,
    progress: TextProgress | None,
    lines_before: int = 0,
    rows: list[tuple[Any, ...]] | None = None,
    lines: list[str] | None = None,
    strings: dict[str, str] | None = None,
) -> _Lines | None:
    """Papers from JSON Lines; None when the first line starts a pretty-printed document.
    ``lines_before``: the file's lines before ``body``, for the line numbers. With
    ``rows``, the papers are added to them as rows (``records.paper_from_record``).
    ``lines``: ``body.splitlines()``, when the caller has it already. ``strings``: the
    text the rows share (``records.paper_from_record``)."""
    result = ImportResult()
    held: Sequence[Any] = rows if rows is not None else result.papers  # (what a paper adds to)
    ids: list[tuple[str, int, int, int]] = []
    first = True
    records = 0
    read = 0  # characters, for progress
    for lineno, line in enumerate(
        body.splitlines() if lines is None else lines, start=lines_before + 1
    ):
        read += len(line) + 1
        if progress is not None and lineno % PROGRESS_LINES == 0:
            progress(read, len(body))
        if not line.strip():
            continue
        records += 1
        try:
            record = load_json(line)
        except BadJSON as error:
            if first and first_may_be_document and line.lstrip().startswith("{"):
                return None
            result.problems.append(
                Problem(file, lineno, f"not valid JSON ({error.message}); skipped")
            )
            continue
        finally:
            first = False
        papers_before = len(held)
        paper_from_record(result, record, file, lineno, rows=rows, strings=strings)
        if len(held) > papers_before and (given := given_id(record)) is not None:
            ids.append((given, lineno, len(result.problems), papers_before))
    return _Lines(result, records, ids=ids)


# --- on every core ----------------------------------------------------------------


def read_lines_part(
    text: str,
    file: str,
    first_may_be_document: bool,
    lines_before: int,
    split: list[str] | None = None,
) -> _Lines | None:
    """One part's lines (``_read_lines``, for ``run_parts``; ``split``: ``text``'s lines,
    when the caller has them); a worker sends its papers back as rows."""
    rows: list[tuple[Any, ...]] = []
    strings: dict[str, str] = {}
    lines = _read_lines(text, file, first_may_be_document, None, lines_before, rows, split, strings)
    if lines is not None:
        # Rows at once, no paper made (in this process too: parts are read here as well),
        # their names and venues shared as they were made (``store.stored_as_rows``).
        lines.result.papers = store_of_rows(rows)
    return lines


class PartBytes:
    """Some of a file's bytes, as a view while in this process (no copy) and as ``bytes``
    once pickled for a worker."""

    __slots__ = ("view",)

    def __init__(self, view: memoryview) -> None:
        self.view = view

    def __reduce__(self) -> tuple[type[bytes], tuple[bytes]]:
        return bytes, (self.view.tobytes(),)


# A part whose bytes are not UTF-8: the file is read as text then, whole
# (``formats.read_file``), which says where. Recognised by its ``records`` of -1, not by
# identity: a worker's reply is a copy.
NOT_UTF8 = _Lines(ImportResult(), -1)


def read_bytes_part(
    data: bytes | PartBytes, file: str, first_may_be_document: bool, lines_before: int, lines: int
) -> _Lines | None:
    """``read_lines_part`` for a part of the file's bytes, which hold ``lines`` lines as
    counted by their b"\n": decoded here, on whichever core reads it, not by the parent
    before any part could start. ``NOT_UTF8`` when its bytes are not UTF-8."""
    try:
        text = str(data.view if isinstance(data, PartBytes) else data, "utf-8")
    except UnicodeDecodeError:
        return NOT_UTF8
    if first_may_be_document:  # the file's first part: a second byte-order mark goes too,
        text = text.removeprefix("\ufeff")  # as ``parse_jsonl`` takes one off
    split = text.splitlines()
    read = read_lines_part(text, file, first_may_be_document, lines_before, split)
    # A lone "\r", or a U+2028 in a JSON string, ends a line for ``splitlines`` too.
    return None if read is None else read._replace(extra_lines=len(split) - lines)


def _read_in_parts(
    body: str, file: str, first_may_be_document: bool, progress: TextProgress | None
) -> list[_Lines | None] | None:
    """The text's parts read on every core, or None when it is small or no pool starts."""
    if len(body) < POOL_MIN_CHARS:
        return None
    cuts = line_cuts(body, PART_CHARS)
    texts = [body[start:end] for start, end in itertools.pairwise(cuts)]
    # Each part's first line number: counted here (0.1 s for 55 MB) as ``splitlines`` counts,
    # so papers need no renumbering afterwards.
    counts = [len(text.splitlines()) for text in texts]
    before = list(itertools.accumulate(counts, initial=0))[:-1]
    firsts = [first_may_be_document and index == 0 for index in range(len(texts))]
    parts = [
        (text, file, first, lines) for text, first, lines in zip(texts, firsts, before, strict=True)
    ]
    sizes = [len(text) for text in texts]
    del texts  # held by the parts alone, freed one by one as they are read
    report = None if progress is None else lambda done: progress(done, len(body))
    return run_parts_spilling(read_lines_part, parts, sizes, report)


# --- a large file, from its bytes --------------------------------------------------


def read_large_jsonl(path: Path, progress: TextProgress | None) -> ImportResult | None:
    """A large JSON Lines file's papers, read as parts of its bytes each decoded alone, on
    whichever core reads it; None when the file is not one for this (small, not UTF-8,
    or a JSON document): then it is read as text, whole (``formats.read_file``), to the
    same result.

    Decoded whole, a file is one string as wide as its widest character: one emoji among
    80 MB of ACL papers makes it 4 bytes a character, 335 MB, held with its parts until
    every paper is read. Parts decoded alone are 1 or 2 bytes a character, save the few
    that hold such a character, and each is freed once read (peak 660 -> 400 MB at 100k).
    Decoded where they are read, the parts start at once: decoding them all and counting
    their lines first took this process 0.2 s at 100k papers while the workers waited.
    """
    try:
        if path.stat().st_size < POOL_MIN_CHARS:
            return None
    except OSError:
        return None  # the text path says why, in its words
    with workers_ahead(read_bytes_part):
        data = read_bytes(path)
        cuts = _byte_cuts(data)
        if cuts is None or not _starts_with_a_line(data, cuts):
            return None
        with memoryview(data) as view:
            parts = _byte_parts(data, view, cuts, str(path))
            read = _read_parts(parts, [end - start for start, end in cuts], progress)
        del parts, data  # the file's bytes, no longer needed once every part is read
    if read is None or any(part is not None and part.records < 0 for part in read):
        return None  # (read again as text; what the parts spilled goes with them)
    _number_on(read)
    return _gathered(read, str(path))


def _byte_cuts(data: bytes) -> list[tuple[int, int]] | None:
    """(start, end) of parts of about PART_CHARS bytes, each ending at a b"\n" (a UTF-8
    byte-order mark left out); None for bytes that are not UTF-8 text of lines."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:8192]:
        return None
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    cuts: list[tuple[int, int]] = []
    while start < len(data):
        newline = data.find(b"\n", start + PART_CHARS)
        end = len(data) if newline < 0 else newline + 1
        cuts.append((start, end))
        start = end
    return cuts if sum(end - start for start, end in cuts) >= POOL_MIN_CHARS else None


def _starts_with_a_line(data: bytes, cuts: list[tuple[int, int]]) -> bool:
    """Whether the first part starts with a line of its own, not with a JSON document
    (``[``) or blank (a document's lines past the first part), as ``parse_jsonl`` checks."""
    start, end = cuts[0]
    try:
        first = str(data[start:end], "utf-8")
    except UnicodeDecodeError:
        return False  # (the text path says where)
    return first.removeprefix("\ufeff").lstrip()[:1] not in ("[", "")


def _byte_parts(
    data: bytes, view: memoryview, cuts: list[tuple[int, int]], file: str
) -> list[tuple[Any, ...]]:
    """``read_bytes_part``'s arguments for each part: its bytes, and its lines and those
    before it counted by their b"\n" (0.03 s for 84 MB, where decoding and splitting
    them took 0.2 s)."""
    parts: list[tuple[Any, ...]] = []
    before = 0
    for index, (start, end) in enumerate(cuts):
        lines = data.count(b"\n", start, end) + (data[end - 1] != 0x0A)
        parts.append((PartBytes(view[start:end]), file, index == 0, before, lines))
        before += lines
    return parts


def _read_parts(
    parts: list[tuple[Any, ...]], sizes: list[int], progress: TextProgress | None
) -> list[_Lines | None] | None:
    """``read_bytes_part`` of each part: on every core, else one after another."""
    total = sum(sizes)
    report = None if progress is None else lambda done: progress(done, total)
    found = run_parts_spilling(read_bytes_part, parts, sizes, report)
    if found is None:  # no worker: each part here, in order
        found = []
        for index, part in enumerate(parts):
            found.append(read_bytes_part(*part))
            parts[index] = ()
            if report is not None:
                report(sum(sizes[: index + 1]))
    return None if found[0] is None else found


def _number_on(parts: list[_Lines | None]) -> None:
    """Each part's lines numbered on from the lines the parts before it really had: each was
    numbered from the b"\n" before it, and a few files have other line ends as well."""
    moved = 0
    for index, part in enumerate(parts):
        if part is None:
            continue
        if moved:
            store = part.result.papers
            assert isinstance(store, PaperStore)
            slots = store.slots()
            for place, row in enumerate(slots):
                slots[place] = with_line_moved(row, moved)  # type: ignore[arg-type]
            part.result.problems[:] = [
                Problem(p.file, p.line + moved if p.line is not None else None, p.message)
                for p in part.result.problems
            ]
            moved_ids = [
                (given, line + moved, before, place) for given, line, before, place in part.ids
            ]
            parts[index] = part._replace(ids=moved_ids)
        moved += part.extra_lines


def _gathered(parts: Sequence[_Lines | None], file: str) -> ImportResult:
    """The parts' papers and problems in order (every part read as lines)."""
    result = ImportResult(papers=PaperStore())  # a worker's part stays rows (``core.store``)
    records = 0
    # id (``given_id_key``) -> its first line, and its paper's place in ``result.papers``
    firsts: dict[tuple[bool, str], tuple[int, int]] = {}
    for part in parts:
        assert part is not None  # only the first part may be a document's start
        before = len(result.papers)
        result.papers.extend(part.result.papers)
        result.problems.extend(_with_ids_given_twice(part, file, firsts, result.papers, before))
        records += part.records
    if not result.papers and result.problems and len(result.problems) == records:
        raise FormatError(file, "no line is a JSON object of a paper")
    return result


def _with_ids_given_twice(
    part: _Lines,
    file: str,
    firsts: dict[tuple[bool, str], tuple[int, int]],
    papers: Sequence[Paper],
    before: int,
) -> list[Problem]:
    """The part's problems, with a line for each paper whose id an earlier line gave (ours
    exactly, a citation key in any case: ``given_id_key``) where reading its line would
    have said it, when the two stay two papers: ``merge`` gives the later one an id of its
    own when the id is ours. A line given again (a file appended to twice) is one paper,
    merged: said of, it was "both papers kept". ``firsts``: each id's first line and its
    paper's place in ``papers``, the file's papers so far, the part's from ``before`` on."""
    problems = list(part.result.problems)
    twice: list[tuple[int, Problem]] = []
    for given, line, problems_before, place in part.ids:
        first_line, first_place = firsts.setdefault(given_id_key(given), (line, before + place))
        if first_line == line or same_paper(papers[first_place], papers[before + place]):
            continue
        message = f"id {given!r} also used on line {first_line}; both papers kept"
        twice.append((problems_before, Problem(file, line, message)))
    for problems_before, problem in reversed(twice):  # later ones first: the places stay right
        problems.insert(problems_before, problem)
    return problems


def line_cuts(body: str, size: int) -> list[int]:
    """Offsets cutting the text into parts of about ``size`` characters, each just after a
    newline: a line end for ``str.splitlines`` too, so each part's lines are the file's."""
    cuts = [0]
    while cuts[-1] + size < len(body):
        newline = body.find("\n", cuts[-1] + size)
        if newline < 0:
            break
        cuts.append(newline + 1)
    if cuts[-1] < len(body):
        cuts.append(len(body))
    return cuts


def parse_json(text: str, file: str) -> ImportResult:
    """Papers from a JSON document, or from JSON Lines when the text is not one document."""
    body = text.removeprefix("\ufeff")
    try:
        document = load_json(body)
    except BadJSON as error:
        lines = body.lstrip().startswith("{") and "\n" in body.strip()
        if error.message == "Extra data" and lines:
            return parse_jsonl(text, file, whole_document=False)
        if lines:
            # JSON Lines whose first record is broken: the other lines still load.
            try:
                result = parse_jsonl(text, file, whole_document=False)
            except FormatError:
                result = ImportResult()
            if result.papers:
                return result
        raise FormatError(file, f"not valid JSON ({error.message})", error.line) from None
    from paperbrowse.core.formats.jsondoc import parse_document  # only for whole documents

    return parse_document(document, file)
