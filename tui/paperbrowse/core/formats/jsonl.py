"""JSON Lines of papers: one object a line, with the keys ``parse --json`` prints.

The ACL Anthology export in the shared corpus has id, title, authors, year,
month, venue, abstract, url, doi. A bad line is skipped with a warning.

A ``.json`` file is read here too (``parse_json``): one JSON document
(``jsondoc`` says which kind), or JSON Lines saved as ``.json``.
"""

from __future__ import annotations

from paperbrowse.core.errors import FormatError, Problem
from paperbrowse.core.formats import ImportResult, TextProgress
from paperbrowse.core.formats.jsontools import BadJSON, load_json
from paperbrowse.core.formats.records import paper_from_record

PROGRESS_LINES = 2_000  # lines between progress reports (about 2 MB of ACL abstracts)


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
    result = ImportResult()
    first = True
    lines = 0
    read = 0  # characters, for progress
    for lineno, line in enumerate(body.splitlines(), start=1):
        read += len(line) + 1
        if progress is not None and lineno % PROGRESS_LINES == 0:
            progress(read, len(body))
        if not line.strip():
            continue
        lines += 1
        try:
            record = load_json(line)
        except BadJSON as error:
            if first and whole_document and line.lstrip().startswith("{"):
                return parse_json(text, file)  # a pretty-printed document
            result.problems.append(
                Problem(file, lineno, f"not valid JSON ({error.message}); skipped")
            )
            continue
        finally:
            first = False
        paper_from_record(result, record, file, lineno)
    if not result.papers and result.problems and len(result.problems) == lines:
        raise FormatError(file, "no line is a JSON object of a paper")
    return result


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
