"""The researcher-profile text format (see ``seeds/`` and FORMAT.md in the shared seeds).

A header (name, category, glued label/number lines), a ``N Papers`` heading,
then one record per paper::

    CLApr 10, 2025Code
    Title on one line

    Author One, Author Two et al.

    Abstract on one line (may be missing)

A broken record is skipped with a warning and parsing resumes at the next
record header; the rest of the file still loads.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from paperbrowse.core.errors import FormatError, Problem
from paperbrowse.core.models import Paper, Profile, SourceRef, paper_id
from paperbrowse.core.text import clean_line, latex_to_text, squash_spaces

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH_WORD = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
RECORD_HEADER = re.compile(
    rf"^(?P<cat>[A-Za-z][A-Za-z.\-]{{0,11}}?)?(?P<month>{_MONTH_WORD})\.?\s*(?P<day>\d{{1,2}})"
    r"(?:\s*,\s*(?P<year>\d{4}))?\s*(?P<code>Code)?$"
)
_NUMBER = r"(\d[\d,]*(?:\.\d+)?)"
_HEADER_FIELDS: dict[str, re.Pattern[str]] = {
    "h_index": re.compile(rf"^h-?\s?index\s*:?\s*{_NUMBER}$", re.I),
    "paper_count": re.compile(rf"^{_NUMBER}\s*papers?$", re.I),
    "citations": re.compile(rf"^{_NUMBER}\s*citations?$", re.I),
    "novelty": re.compile(rf"^novelty\s*:?\s*{_NUMBER}\s*%?$", re.I),
    "ai_score": re.compile(rf"^ai\s*score\s*:?\s*{_NUMBER}\s*%?$", re.I),
}
_HEADING = re.compile(rf"^{_NUMBER}\s+(?:Papers?|PAPERS?|papers?)$")
_CATEGORY = re.compile(r"^(?:[a-z\-]+\.)?[A-Z]{2,3}$")
_ET_AL = re.compile(r",?\s*\bet\.?\s*al\.?\s*$", re.I)


@dataclass
class ProfileResult:
    """What parsing gave: the profile, and the problems met on the way."""

    profile: Profile
    problems: list[Problem] = field(default_factory=list)


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def short_name(title: str) -> str | None:
    """A paper's short name: the part of its title before a colon ("InfuserKI")."""
    head, colon, _ = title.partition(":")
    head = head.strip()
    if colon and head and len(head) <= 40 and len(head.split()) <= 4:
        return head
    return None


def resolve_date(
    month: int, day: int, year: int | None, as_of: dt.date
) -> tuple[dt.date, bool]:
    """The date a record means; a missing year is the reference date's, or the year before.

    Returns the date and whether its year was inferred. Raises ValueError for
    dates that exist in no year (``Apr 31``).
    """
    if year is not None:
        return dt.date(year, month, day), False
    for candidate in range(as_of.year, as_of.year - 9, -1):
        try:
            date = dt.date(candidate, month, day)
        except ValueError:
            continue  # Feb 29 outside a leap year: try an earlier year
        if date <= as_of:
            return date, True
    raise ValueError(f"no such date: month {month} day {day}")


def split_authors(text: str) -> tuple[tuple[str, ...], bool]:
    """Comma-separated names, and whether the list was cut (``et al.``)."""
    text = clean_line(text)
    et_al = bool(_ET_AL.search(text))
    if et_al:
        text = _ET_AL.sub("", text)
    parts = re.split(r"\s*,\s*|\s+and\s+|\s*;\s*", text)
    return tuple(p for p in (part.strip() for part in parts) if p), et_al


@dataclass
class _Record:
    line: int
    header: re.Match[str]
    lines: list[tuple[int, str]] = field(default_factory=list)


class _ProfileParser:
    def __init__(self, text: str, file: str, as_of: dt.date) -> None:
        self.file = file
        self.as_of = as_of
        self.problems: list[Problem] = []
        self.lines = _split_lines(text)

    def warn(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    def parse(self) -> ProfileResult:
        header, body_start = self._parse_header()
        papers = self._parse_records(body_start)
        heading = header.pop("heading", None)
        if heading is not None and int(heading) != len(papers):
            self.warn(
                None,
                f"the heading says {int(heading)} papers but {len(papers)} were read",
            )
        profile = Profile(
            name=str(header.get("name") or "Unknown researcher"),
            primary_category=_opt_str(header.get("category")),
            h_index=_opt_int(header.get("h_index")),
            paper_count=_opt_int(header.get("paper_count")),
            citations=_opt_int(header.get("citations")),
            novelty=_opt_float(header.get("novelty")),
            ai_score=_opt_float(header.get("ai_score")),
            papers=tuple(papers),
            source=self.file,
        )
        return ProfileResult(profile, self.problems)

    def _parse_header(self) -> tuple[dict[str, float | str], int]:
        header: dict[str, float | str] = {}
        for index, (lineno, raw) in enumerate(self.lines):
            line = clean_line(raw)
            if not line:
                continue
            if RECORD_HEADER.match(line):
                return header, index
            heading = _HEADING.match(line)
            if heading and ("paper_count" in header or " " in line.strip()):
                header["heading"] = _number(heading.group(1))
                return header, index + 1
            if self._header_field(line, header):
                continue
            if "name" not in header:
                header["name"] = line
            elif "category" not in header and _CATEGORY.match(line):
                header["category"] = line.rsplit(".", 1)[-1]
            else:
                self.warn(lineno, f"unexpected header line {line[:40]!r}; ignored")
        return header, len(self.lines)

    @staticmethod
    def _header_field(line: str, header: dict[str, float | str]) -> bool:
        for key, pattern in _HEADER_FIELDS.items():
            match = pattern.match(line)
            if match and key not in header:
                header[key] = _number(match.group(1))
                return True
        return False

    def _parse_records(self, start: int) -> list[Paper]:
        papers: list[Paper] = []
        record: _Record | None = None
        skipping_from: int | None = None
        for lineno, raw in self.lines[start:]:
            line = raw.strip()
            if not line:
                continue
            header = RECORD_HEADER.match(clean_line(line))
            if header:
                if record is not None:
                    papers.extend(self._finish(record))
                record, skipping_from = _Record(lineno, header), None
            elif record is not None and len(record.lines) < 3:
                record.lines.append((lineno, line))
            else:
                if record is not None:
                    papers.extend(self._finish(record))
                    record = None
                if skipping_from is None:
                    skipping_from = lineno
                    self.warn(
                        lineno,
                        "expected a record header like 'CLApr 10, 2025Code' "
                        f"but found {clean_line(line)[:40]!r}; skipped to the next record",
                    )
        if record is not None:
            papers.extend(self._finish(record))
        return papers

    def _finish(self, record: _Record) -> list[Paper]:
        if len(record.lines) < 2:
            what = "title and authors" if not record.lines else "authors"
            self.warn(record.line, f"record cut short: no {what}; skipped")
            return []
        header = record.header
        month = _MONTHS[header.group("month")[:3].lower()]
        year = int(header.group("year")) if header.group("year") else None
        try:
            date, inferred = resolve_date(month, int(header.group("day")), year, self.as_of)
        except ValueError:
            self.warn(record.line, f"invalid date {header.group(0)!r}; record skipped")
            return []
        title = clean_line(record.lines[0][1])
        title, _ = latex_to_text(title)
        title = squash_spaces(title)
        authors, et_al = split_authors(record.lines[1][1])
        abstract: str | None = None
        links: list[str] = []
        if len(record.lines) > 2:
            abstract, links = latex_to_text(record.lines[2][1], short_name(title))
            abstract = squash_spaces(abstract) or None
        category = header.group("cat")
        return [
            Paper(
                id=paper_id(title, date.year),
                title=title,
                authors=authors,
                et_al=et_al,
                category=category.rsplit(".", 1)[-1] if category else None,
                date=date,
                year_inferred=inferred,
                has_code=bool(header.group("code")),
                abstract=abstract,
                links=tuple(links),
                source=SourceRef(file=self.file, line=record.line),
            )
        ]


def _split_lines(text: str) -> list[tuple[int, str]]:
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return list(enumerate(text.split("\n"), start=1))


def _opt_int(value: float | str | None) -> int | None:
    return int(value) if isinstance(value, float) else None


def _opt_float(value: float | str | None) -> float | None:
    return value if isinstance(value, float) else None


def _opt_str(value: float | str | None) -> str | None:
    return value if isinstance(value, str) else None


def looks_like_profile(text: str) -> bool:
    """Whether text has the shape of a profile: a record header or the header figures."""
    lines = [clean_line(line) for line in text[:20000].splitlines()[:400]]
    if any(RECORD_HEADER.match(line) for line in lines if line):
        return True
    return any(_HEADER_FIELDS["h_index"].match(line) for line in lines if line)


def parse_profile_text(text: str, file: str = "<text>", as_of: dt.date | None = None) -> ProfileResult:
    """Parse profile text. Raises FormatError if the text is not a profile at all."""
    if not looks_like_profile(text):
        raise FormatError(
            file,
            "not a researcher profile: no 'h-index' line and no record header "
            "like 'CLApr 10, 2025Code'",
        )
    return _ProfileParser(text, file, as_of or dt.date.today()).parse()
