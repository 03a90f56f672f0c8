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
from paperbrowse.core.formats import ImportResult, TextProgress
from paperbrowse.core.formats.bibvalues import tidy_line, tidy_paragraphs, urls_in
from paperbrowse.core.models import DatePrecision, Paper, SourceRef, paper_id
from paperbrowse.core.text.clean import clean_line, find_urls, strip_control

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


PROGRESS_LINES = 2_000  # lines between progress reports (about 2 MB of ACL abstracts)
_OWN_ID = re.compile(r"[0-9a-f]{16}")
# A \uD800-\uDFFF escape: half of a pair (fine) or a lone surrogate (repaired after decoding).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class BadJSON(ValueError):
    """Text that is not JSON Python can use: a syntax error, nesting too deep, a huge number."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def load_json(text: str) -> Any:
    """``json.loads``, with every way it can fail as ``BadJSON`` and lone surrogates repaired.

    ``json.loads`` raises RecursionError on deep nesting (``[[[[...``) and a
    plain ValueError on an integer of thousands of digits; a ``\\ud800``
    escape decodes to a lone surrogate that no file or terminal can take.
    """
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise BadJSON(error.msg, error.lineno) from None
    except RecursionError:
        raise BadJSON("nested too deeply") from None
    except ValueError as error:  # "Exceeds the limit (4300 digits) for integer string ..."
        message = "a number too long" if "digits" in str(error) else str(error).split(";")[0]
        raise BadJSON(message) from None
    if "\\" in text and _SURROGATE_ESCAPE.search(text):
        value = _without_lone_surrogates(value)
    return value


def _repaired(text: str) -> str:
    return _LONE_SURROGATE.sub("\ufffd", text)


def _without_lone_surrogates(value: Any) -> Any:
    """The decoded value with each lone surrogate (in keys too) replaced by U+FFFD, in place."""
    if isinstance(value, str):
        return _repaired(value)
    pending: list[Any] = [value]
    while pending:  # no recursion: the nesting can be as deep as the decoder allows
        container = pending.pop()
        if isinstance(container, list):
            for index, item in enumerate(container):
                if isinstance(item, str):
                    container[index] = _repaired(item)
                elif isinstance(item, list | dict):
                    pending.append(item)
        elif isinstance(container, dict):
            items = list(container.items())
            container.clear()
            for key, item in items:
                if isinstance(item, str):
                    item = _repaired(item)
                elif isinstance(item, list | dict):
                    pending.append(item)
                container[_repaired(key)] = item
    return value


def month_number(value: object) -> int | None:
    """A month from ``7``, ``"07"``, ``"jul"``, ``"July"`` or ``"October 28 - November 1"``."""
    if isinstance(value, int) and 1 <= value <= 12:
        return value
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if text.isdigit():  # "7", "07"; a string of thousands of digits is no month (nor an int)
        number = int(text) if len(text) <= 4 else 0
        return number if 1 <= number <= 12 else None
    word = re.match(r"[a-z]+", text)
    return _MONTHS.get(word.group(0)) if word else None


def paper_date(
    year: object, month: object = None, day: object = None
) -> tuple[dt.date | None, DatePrecision]:
    """A date and its precision from loose year/month/day values."""
    try:
        year_number = int(str(year).strip()[:4]) if year not in (None, "") else None
    except (ValueError, RecursionError):
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
    except (ValueError, OverflowError):  # day 31 in June; a day of twenty digits
        pass
    return dt.date(year_number, month_value, 1), "month"


def _text(value: object) -> str | None:
    """A one-line text field: a string or a number; a list of strings is joined; else None."""
    if isinstance(value, list):
        value = " ".join(str(item) for item in value if isinstance(item, str | int | float))
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    cleaned = tidy_line(str(value))
    return cleaned or None


def _links(value: object, abstract: str | None) -> tuple[str, ...]:
    """Web links from a ``links`` list (anything else in it dropped), else from the abstract."""
    if not isinstance(value, list):
        return tuple(urls_in(abstract or ""))
    texts = (strip_control(item) for item in value if isinstance(item, str))
    found = (url for text in texts for url in find_urls(text))
    return tuple(dict.fromkeys(found))


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


def _no_title(value: object) -> str:
    kinds = {dict: "an object", list: "a list", bool: str(value).lower()}
    kind = kinds.get(type(value))
    return f"title is {kind}, not text" if kind else "record has no title"


def paper_from_json(record: dict[str, Any], source: SourceRef) -> Paper:
    """A paper from one JSON object (paperbrowse's own keys or the ACL export's)."""
    title = _text(record.get("title"))
    if not title:
        raise ValueError(_no_title(record.get("title")))
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
        links=_links(record.get("links"), abstract),
        venue=_text(record.get("venue")),
        doi=doi,
        url=_text(record.get("url")),
        citekey=_text(record.get("citekey")) or (None if own_id else given_id),
        entry_type=_text(record.get("entry_type")),
        source=source,
    )


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
        return _parse_document(text, file)
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
                return _parse_document(text, file)  # a pretty-printed document
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
    except (ValueError, TypeError, OverflowError, RecursionError) as error:
        result.problems.append(Problem(file, lineno, f"{label}{record_error(error)}; skipped"))


def record_error(error: Exception) -> str:
    """What was wrong with a record, in one short line."""
    if isinstance(error, RecursionError):
        return "nested too deeply"
    from pydantic import ValidationError

    if isinstance(error, ValidationError):
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "value"
        return f"{where}: {first['msg']}"
    return clean_line(str(error))[:200]


def _parse_document(text: str, file: str) -> ImportResult:
    from paperbrowse.core.formats.jsondoc import parse_json

    return parse_json(text, file)
