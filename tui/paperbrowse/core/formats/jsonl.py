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
from paperbrowse.core.models import DatePrecision, Paper, SourceRef, paper_id
from paperbrowse.core.text import clean_line, clean_paragraphs, find_urls, strip_control

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
    cleaned = clean_line(value)
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
        name = clean_line(str(item)) if item is not None else ""
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
        clean_paragraphs(strip_control(str(abstract_raw))) or None if abstract_raw else None
    )
    links = record.get("links")
    doi = _text(record.get("doi"))
    return Paper(
        id=_text(record.get("id")) or paper_id(title, date.year if date else None, doi),
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
            find_urls(abstract or "")
        ),
        venue=_text(record.get("venue")),
        doi=doi,
        url=_text(record.get("url")),
        source=source,
    )


def parse_jsonl(text: str, file: str) -> ImportResult:
    """Papers from JSON Lines; a whole JSON document (an array or ``{"papers": [...]}``) too."""
    stripped = text.lstrip("\ufeff \t\r\n")
    result = ImportResult()
    if stripped.startswith("["):
        return _parse_document(text, file)
    for lineno, line in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            if lineno == 1 and stripped.startswith("{"):
                return _parse_document(text, file)
            result.problems.append(Problem(file, lineno, f"not valid JSON ({error.msg}); skipped"))
            continue
        _add(result, record, file, lineno)
    if not result.papers and result.problems and len(result.problems) == sum(
        1 for line in text.splitlines() if line.strip()
    ):
        raise FormatError(file, "no line is a JSON object of a paper")
    return result


def _add(result: ImportResult, record: object, file: str, lineno: int | None) -> None:
    if not isinstance(record, dict):
        result.problems.append(Problem(file, lineno, "not a JSON object; skipped"))
        return
    try:
        result.papers.append(paper_from_json(record, SourceRef(file=file, line=lineno)))
    except (ValueError, TypeError) as error:
        result.problems.append(Problem(file, lineno, f"{error}; skipped"))


def _parse_document(text: str, file: str) -> ImportResult:
    try:
        document = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as error:
        raise FormatError(file, f"not valid JSON ({error.msg})", error.lineno) from None
    if isinstance(document, dict) and isinstance(document.get("papers"), list):
        records: list[Any] = document["papers"]
    elif isinstance(document, list):
        records = document
    elif isinstance(document, dict):
        records = [document]
    else:
        raise FormatError(file, "JSON holds no papers")
    result = ImportResult()
    for record in records:
        _add(result, record, file, None)
    return result
