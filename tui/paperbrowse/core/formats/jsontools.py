"""The JSON toolkit every JSON importer uses: safe decoding, loose dates, one-line errors.

``load_json`` turns every way ``json.loads`` can fail into ``BadJSON``;
``paper_date`` reads a year, month and day however a file spells them;
``record_error`` says in one line what was wrong with a record. No importer
is imported here, so every importer (JSON Lines, CSL-JSON, Semantic Scholar,
BibTeX) can import this module without a cycle.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from paperbrowse.core.models import DatePrecision
from paperbrowse.core.text.clean import clean_line

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
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


_YEAR_IN_TEXT = re.compile(r"(?<!\d)\d{4}(?!\d)")  # "September 1994", "c. 1990"


def paper_date(
    year: object, month: object = None, day: object = None
) -> tuple[dt.date | None, DatePrecision]:
    """A date and its precision from loose year/month/day values. A year written with
    words before it is read from the first four digits standing alone (``September
    1994``: 1994, and September when no month is given; ``c. 1990``: 1990)."""
    try:
        year_number = int(str(year).strip()[:4]) if year not in (None, "") else None
    except ValueError:
        text = str(year)
        found = _YEAR_IN_TEXT.search(text)
        if found is None:
            return None, "year"
        year_number = int(found.group(0))
        if month in (None, ""):
            month = text[: found.start()].strip()
    except RecursionError:
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
