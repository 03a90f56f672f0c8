"""JSON Lines of papers: one object a line, with the keys ``parse --json`` prints.

The ACL Anthology export in the shared corpus has id, title, authors, year,
month, venue, abstract, url, doi. A bad line is skipped with a warning.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from paperbrowse.core.errors import FormatError, Problem
from paperbrowse.core.formats import ImportResult
from paperbrowse.core.formats.bibvalues import tidy_line, tidy_paragraphs, urls_in
from paperbrowse.core.models import DatePrecision, Paper, SourceRef, paper_id
from paperbrowse.core.text import strip_control

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}  # fmt: skip


_OWN_ID = re.compile(r"[0-9a-f]{16}")


def month_number(value: object) -> int | None:
    """A month from ``7``, ``"07"``, ``"jul"``, ``"July"`` or ``"October 28 - November 1"``."""
    if isinstance(value, int) and 1 <= value <= 12:
        return value
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if text.isdigit():
        number = int(text)
        return number if 1 <= number <= 12 else None
    word = re.match(r"[a-z]+", text)
    return _MONTHS.get(word.group(0)) if word else None


def paper_date(
    year: object, month: object = None, day: object = None
) -> tuple[dt.date | None, DatePrecision]:
    """A date and its precision from loose year/month/day values."""
    try:
        year_number = int(str(year).strip()[:4]) if year not in (None, "") else None
    except ValueError:
        return None, "year"
    if year_number is None or not 1 <= year_number <= 9999:
        return None, "year"
    month_value = month_number(month)
    if month_value is None:
        return dt.date(year_number, 1, 1), "year"
    try:
        day_value = int(str(day)) if day not in (None, "") else None
        if day_value is not None:
            return dt.date(year_number, month_value, day_value), "day"
    except ValueError:
        pass
    return dt.date(year_number, month_value, 1), "month"


def _text(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    cleaned = tidy_line(value)
    return cleaned or None


def _authors(value: object) -> tuple[tuple[str, ...], bool]:
    if isinstance(value, str):
        from paperbrowse.core.profile import split_authors

        return split_authors(value)
    if not isinstance(value, list):
        return (), False
    names: list[str] = []
    for item in value:
        if isinstance(item, dict):  # CSL-style {"family": ..., "given": ...}
            item = " ".join(str(item.get(k, "")) for k in ("given", "family")).strip()
        name = tidy_line(str(item)) if item is not None else ""
        if name:
            names.append(name)
    return tuple(names), False


def paper_from_json(record: dict[str, Any], source: SourceRef) -> Paper:
    """A paper from one JSON object (paperbrowse's own keys or the ACL export's)."""
    title = _text(record.get("title"))
    if not title:
        raise ValueError("record has no title")
    authors, et_al = _authors(record.get("authors"))
    et_al = et_al or bool(record.get("et_al"))
    if record.get("date"):
        try:
            date: dt.date | None = dt.date.fromisoformat(str(record["date"])[:10])
            precision: DatePrecision = record.get("date_precision") or "day"
        except ValueError:
            date, precision = paper_date(str(record["date"])[:4])
    else:
        date, precision = paper_date(record.get("year"), record.get("month"))
    abstract_raw = record.get("abstract")
    abstract = (
        tidy_paragraphs(strip_control(str(abstract_raw))) or None if abstract_raw else None
    )
    links = record.get("links")
    doi = _text(record.get("doi"))
    # Our own ids are kept (bookmarks use them); a foreign id such as the ACL
    # Anthology's "2020.acl-main.1" is the citation key.
    given_id = _text(record.get("id"))
    own_id = given_id if given_id and _OWN_ID.fullmatch(given_id) else None
    return Paper(
        id=own_id or paper_id(title, date.year if date else None, doi),
        title=title,
        authors=authors,
        et_al=et_al,
        category=_text(record.get("category")),
        date=date,
        date_precision=precision if precision in ("day", "month", "year") else "day",
        year_inferred=bool(record.get("year_inferred")),
        has_code=bool(record.get("has_code")),
        abstract=abstract,
        links=tuple(str(u) for u in links) if isinstance(links, list) else tuple(
            urls_in(abstract or "")
        ),
        venue=_text(record.get("venue")),
        doi=doi,
        url=_text(record.get("url")),
        citekey=_text(record.get("citekey")) or (None if own_id else given_id),
        entry_type=_text(record.get("entry_type")),
        source=source,
    )


def parse_jsonl(text: str, file: str, whole_document: bool = True) -> ImportResult:
    """Papers from JSON Lines; a whole JSON document (an array or ``{"papers": [...]}``) too.

    ``whole_document=False`` reads line by line only (the caller already knows
    the text is not one JSON document).
    """
    body = text.removeprefix("\ufeff")
    if whole_document and body.lstrip().startswith("["):
        return _parse_document(text, file)
    result = ImportResult()
    first = True
    lines = 0
    for lineno, line in enumerate(body.splitlines(), start=1):
        if not line.strip():
            continue
        lines += 1
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            if first and whole_document and line.lstrip().startswith("{"):
                return _parse_document(text, file)  # a pretty-printed document
            result.problems.append(Problem(file, lineno, f"not valid JSON ({error.msg}); skipped"))
            continue
        finally:
            first = False
        paper_from_record(result, record, file, lineno)
    if not result.papers and result.problems and len(result.problems) == lines:
        raise FormatError(file, "no line is a JSON object of a paper")
    return result


def paper_from_record(
    result: ImportResult, record: object, file: str, lineno: int | None, label: str = ""
) -> None:
    """Add the paper in one JSON record to ``result``, or a warning saying why not."""
    if not isinstance(record, dict):
        result.problems.append(Problem(file, lineno, f"{label}not a JSON object; skipped"))
        return
    from paperbrowse.core.formats.csljson import looks_like_csl, paper_from_csl

    source = SourceRef(file=file, line=lineno)
    try:
        if looks_like_csl(record):
            result.papers.append(paper_from_csl(record, source))
        else:
            result.papers.append(paper_from_json(record, source))
    except (ValueError, TypeError) as error:
        result.problems.append(Problem(file, lineno, f"{label}{error}; skipped"))


def _parse_document(text: str, file: str) -> ImportResult:
    from paperbrowse.core.formats.jsondoc import parse_json

    return parse_json(text, file)
