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
import itertools
import math
import re
from dataclasses import dataclass, field

from paperbrowse.core.categories import category_name
from paperbrowse.core.errors import FormatError, Problem
from paperbrowse.core.models import DatePrecision, Paper, Profile, SourceRef, paper_id
from paperbrowse.core.text.clean import clean_line, squash_spaces
from paperbrowse.core.text.counts import counted
from paperbrowse.core.text.latex import is_plain, latex_to_text

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH_WORD = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
# "CLApr 10, 2025Code": category, date (the year may be missing), "Code" badge.
# Categories may carry an archive ("stat.ML", "physics.soc-ph", "quant-ph").
RECORD_HEADER = re.compile(
    rf"^(?P<cat>[A-Za-z][A-Za-z.\-]{{0,24}}?)?(?P<month>{_MONTH_WORD})\.?\s*(?P<day>\d{{1,2}})"
    r"(?:\s*,?\s*(?P<year>\d{4}))?\s*(?P<code>[Cc]ode|CODE)?$"
)
# A line that starts like a record header but is not one ("SI Jul 99 garbage").
_BROKEN_HEADER = re.compile(rf"^[A-Za-z.\-]{{0,25}}\s*{_MONTH_WORD}\.?\s*\d.{{0,30}}$")
# 25, 1,234, 1 234, 45.5, 1.2k
_NUMBER = r"(\d{1,3}(?:[, \u202f]\d{3})+|\d+)(\.\d+)?([kK])?"
_HEADER_FIELDS: dict[str, re.Pattern[str]] = {
    "h_index": re.compile(rf"^h-?\s?index\s*:?\s*{_NUMBER}$", re.I),
    "paper_count": re.compile(rf"^{_NUMBER}\s*papers?$", re.I),
    "citations": re.compile(rf"^{_NUMBER}\s*citations?$", re.I),
    "novelty": re.compile(rf"^novelty\s*:?\s*{_NUMBER}\s*(?:%|/\s*100)?$", re.I),
    "ai_score": re.compile(rf"^ai\s*score\s*:?\s*{_NUMBER}\s*(?:%|/\s*100)?$", re.I),
}
# Figures that cannot be: a negative one ("h-index-3"), a percentage over 100 ("Novelty999%").
_NEGATIVE_FIGURE = re.compile(
    r"^(?:(?P<label>h-?\s?index|novelty|ai\s*score)\s*:?\s*-\s*\d[\d,.]*\s*%?"
    r"|-\s*\d[\d,.]*\s*(?P<count>papers?|citations?))$",
    re.I,
)
_PERCENTAGES = ("novelty", "ai_score")
_HEADING = re.compile(rf"^{_NUMBER}\s*papers?$", re.I)
_ARCHIVES = r"cs|math|stat|eess|econ|q-bio|q-fin|nlin|astro-ph|physics|cond-mat"
_CATEGORY = re.compile(
    rf"^(?:(?:{_ARCHIVES})\.[A-Za-z\-]{{2,}}|[A-Z]{{2,3}}"
    r"|quant-ph|hep-(?:th|ph|ex|lat)|gr-qc|math-ph|nucl-(?:th|ex)|astro-ph|cond-mat)$"
)
_CATEGORY_SEPARATOR = re.compile(r"\s*[,;/·]\s*|\s+")
_ET_AL = re.compile(r",?\s*(?:\bet\.?\s*al\b\.?|\band\s+others|…|\.\.\.)\s*$", re.I)
# _ET_AL ends the line, so a line it matches ends (before white space) in the last
# character of one of its alternatives: the "l" of "al", the "s" of "others" (re.I
# also takes "ſ"), "." or "…". Testing that first skips a 5 µs search on most lines.
_ET_AL_LAST = frozenset("lLsSſ.…")
_AUTHOR_SEPARATOR = re.compile(r"\s*[,;]\s*(?:and\s+|&\s+)?|\s+and\s+|\s+&\s+")
_CONTROL_CODE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# After a comma but not a name of its own: a generational suffix or bare initials.
_NAME_SUFFIX = re.compile(r"^(?:[JS]r\.?|I{2,3}|IV|(?:[A-Z]\.\s?){1,3})$")
# Longer than any name: the line is prose (an abstract), not an author list.
_LONGEST_NAME = 80


@dataclass
class ProfileResult:
    """What parsing gave: the profile, and the problems met on the way."""

    profile: Profile
    problems: list[Problem] = field(default_factory=list)


def _number(match: re.Match[str]) -> float:
    whole, fraction, thousands = match.group(1, 2, 3)
    value = float(re.sub(r"[, \u202f]", "", whole) + (fraction or ""))
    return value * 1000 if thousands else value


def short_name(title: str) -> str | None:
    """A paper's short name: the part of its title before a colon ("InfuserKI")."""
    head, colon, _ = title.partition(":")
    head = head.strip()
    if colon and head and len(head) <= 40 and len(head.split()) <= 4:
        return head
    return None


def resolve_date(month: int, day: int, year: int | None, as_of: dt.date) -> tuple[dt.date, bool]:
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
    last = text.rstrip()[-1:]  # rstrip() drops exactly what \s matches
    et_al = last in _ET_AL_LAST and bool(_ET_AL.search(text))
    if et_al:
        text = _ET_AL.sub("", text)
    names: list[str] = []
    for part in _author_parts(text):
        part = part.strip(" ,;")
        if names and _NAME_SUFFIX.match(part):
            names[-1] += f", {part}"  # "John Smith, Jr.", "Laks Lakshmanan, V.S."
        elif part:
            names.append(part)
    return tuple(names), et_al


def _author_parts(text: str) -> list[str]:
    """``_AUTHOR_SEPARATOR.split(text)``, up to spaces around the parts (stripped after).

    A list with commas only ("A, B, C", most of them) splits on its commas: with
    no ";", "&" or "and" after a space or comma, and no white space but the
    ASCII space (printable), only ``\\s*,\\s*`` can match. Four times faster.
    """
    if (
        text.isprintable()
        and ";" not in text
        and "&" not in text
        and " and" not in text
        and ",and" not in text
    ):
        return text.split(",")
    return _AUTHOR_SEPARATOR.split(text)


@dataclass
class _Record:
    line: int
    header: re.Match[str]
    # (line number, the line as written, the line after clean_line)
    lines: list[tuple[int, str, str]] = field(default_factory=list)


def _field_text(raw: str, line: str, short_name: str | None = None) -> tuple[str, list[str]]:
    """A title or abstract as one line of plain text, and the links in it.

    ``line`` is ``clean_line(raw)``. For plain text (``is_plain``: no LaTeX,
    link or control code) that is already the answer: latex_to_text would
    only compose accents (nfc), and nfc and squash_spaces commute (NFC neither
    makes nor joins ASCII spaces, the only spaces printable text holds). Most
    abstracts are plain; this skips two more passes over each.
    """
    if is_plain(raw):
        return line, []
    text, links = latex_to_text(raw, short_name)
    return squash_spaces(text), links


@dataclass
class _Header:
    """The figures above the records, and where the ``N Papers`` heading was."""

    name: str | None = None
    category: str | None = None
    figures: dict[str, float] = field(default_factory=dict)
    heading: int | None = None
    heading_line: int | None = None


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
        if not papers and not header.figures:
            raise FormatError(
                self.file,
                "not a researcher profile: no header figures (h-index, citations) "
                "and no complete paper record",
            )
        self._check_count(header, len(papers))
        # A figure left out (NaN: it was there but impossible) is shown as missing.
        figures = {key: value for key, value in header.figures.items() if value == value}
        # Built unvalidated (``model_construct``), as are the papers: every value is made
        # here in its field's type (the fuzz tests check each result against a validated
        # copy). Validating built the models' validators on the first open, 10-12 ms of the
        # bundled profile's launch that the first screen waited for.
        profile = Profile.model_construct(
            name=header.name or "Unknown researcher",
            primary_category=header.category,
            h_index=_opt_int(figures.get("h_index")),
            paper_count=_opt_int(figures.get("paper_count")),
            citations=_opt_int(figures.get("citations")),
            novelty=figures.get("novelty"),
            ai_score=figures.get("ai_score"),
            papers=tuple(papers),
            source=self.file,
        )
        return ProfileResult(profile, self.problems)

    def _check_count(self, header: _Header, found: int) -> None:
        if not found:
            self.warn(header.heading_line, "no paper records found after the header")
        elif header.heading is not None and header.heading != found:
            self.warn(
                header.heading_line,
                f"the heading says {counted(header.heading, 'paper')} but {found} were read",
            )

    def _parse_header(self) -> tuple[_Header, int]:
        header = _Header()
        for index, raw in enumerate(self.lines):
            lineno = index + 1
            line = clean_line(raw)
            if not line:
                continue
            if RECORD_HEADER.match(line):
                return header, index
            heading = _HEADING.match(line)
            if heading and self._is_heading(index, header, line):
                count = _number(heading)
                if math.isfinite(count):
                    header.heading, header.heading_line = int(count), lineno
                else:
                    self.warn(lineno, f"heading {line[:40]!r} has no count that can be; ignored")
                return header, index + 1
            if self._header_field(line, header.figures):
                self._check_figure(lineno, line, header.figures)
                continue
            if _NEGATIVE_FIGURE.match(line):
                self.warn(lineno, f"header figure {line[:40]!r} is negative; left out")
                header.figures.setdefault(_negative_key(line), float("nan"))
                continue
            if header.category is None and _is_category_line(line):
                header.category = _category_code(_CATEGORY_SEPARATOR.split(line)[0])
            elif header.name is None and header.category is None and not header.figures:
                header.name = line
            else:
                self.warn(lineno, f"unexpected line in the header {line[:60]!r}; ignored")
        return header, len(self.lines)

    def _check_figure(self, lineno: int, line: str, figures: dict[str, float]) -> None:
        """A percentage over 100 is no figure the site shows, nor a number too large for a
        float ("h-index 999…", 400 digits: it broke the whole file): left out, with a warning."""
        for key, figure in figures.items():
            if math.isinf(figure):
                self.warn(lineno, f"header figure {line[:40]!r} is too large; left out")
                figures[key] = float("nan")
        for key in _PERCENTAGES:
            value = figures.get(key)
            if value is not None and value > 100:
                self.warn(lineno, f"header figure {line[:40]!r} is over 100%; left out")
                figures[key] = float("nan")

    def _is_heading(self, index: int, header: _Header, line: str) -> bool:
        """``15 Papers`` is the heading before the records, ``15papers`` a header figure.

        The figure comes first, glued to its label or in lower case; the
        heading says "Papers" and is followed by a record (or nothing).
        """
        if "paper_count" in header.figures:
            return True
        if not re.search(r"\sPapers?$", line):
            return False
        for raw in itertools.islice(self.lines, index + 1, None):
            line = clean_line(raw)
            if line:
                return bool(RECORD_HEADER.match(line) or _BROKEN_HEADER.match(line))
        return True

    @staticmethod
    def _header_field(line: str, figures: dict[str, float]) -> bool:
        for key, pattern in _HEADER_FIELDS.items():
            match = pattern.match(line)
            if match and key not in figures:
                figures[key] = _number(match)
                return True
        return False

    def _parse_records(self, start: int) -> list[Paper]:
        papers: list[Paper] = []
        record: _Record | None = None
        skipping = False
        lines = itertools.islice(self.lines, start, None)
        for lineno, raw in enumerate(lines, start=start + 1):
            if not raw:
                continue  # a blank line, half of all lines
            line = clean_line(raw)
            if not line and not _CONTROL_CODE.search(raw):
                continue  # blank; a line of nothing but escape codes is an empty field
            header = RECORD_HEADER.match(line)
            if header:
                if record is not None:
                    papers.extend(self._finish(record))
                record, skipping = _Record(lineno, header), False
                continue
            # A line shaped like a record header is one gone wrong, not an abstract.
            broken = _BROKEN_HEADER.match(line)
            if record is not None and len(record.lines) < (2 if broken else 3):
                record.lines.append((lineno, raw, line))
                continue
            if record is not None:
                papers.extend(self._finish(record))
                record = None
            if not skipping:
                skipping = True
                self.warn(
                    lineno,
                    "expected a record header like 'CLApr 10, 2025Code' "
                    f"but found {line[:60]!r}; skipped to the next record",
                )
        if record is not None:
            papers.extend(self._finish(record, last=True))
        return papers

    def _finish(self, record: _Record, last: bool = False) -> list[Paper]:
        if not record.lines or (len(record.lines) < 2 and last):
            # The file ends inside the record: it was cut short, not written so.
            what = "title and authors" if not record.lines else "authors"
            self.warn(record.line, f"record cut short: no {what}; skipped")
            return []
        title, _ = _field_text(*record.lines[0][1:])
        if not title:
            self.warn(record.lines[0][0], "record has an empty title; skipped")
            return []
        date, precision, inferred = self._date(record)
        authors: tuple[str, ...] = ()
        et_al = False
        abstract_line = record.lines[2:3]
        if len(record.lines) < 2:
            self.warn(record.line, "record has a title but no author line; kept without authors")
        else:
            authors_line = record.lines[1]
            authors, et_al = split_authors(authors_line[1])
            if any(len(name) > _LONGEST_NAME for name in authors) and not abstract_line:
                # Title and prose: the author line is missing, the prose is the abstract.
                self.warn(
                    authors_line[0], "record has no author line; read this line as the abstract"
                )
                authors, et_al, abstract_line = (), False, [authors_line]
        abstract: str | None = None
        links: list[str] = []
        if abstract_line:
            abstract, links = _field_text(*abstract_line[0][1:], short_name(title))
            abstract = abstract or None
        return [
            Paper.model_construct(  # (unvalidated: see ``parse``)
                # An inferred year changes with the reference date; the id must not.
                id=paper_id(title, None if inferred or date is None else date.year),
                title=title,
                authors=authors,
                et_al=et_al,
                category=_category_code(record.header.group("cat")),
                date=date,
                date_precision=precision,
                year_inferred=inferred,
                has_code=bool(record.header.group("code")),
                abstract=abstract,
                links=tuple(links),
                source=SourceRef.model_construct(file=self.file, line=record.line),
            )
        ]

    def _date(self, record: _Record) -> tuple[dt.date | None, DatePrecision, bool]:
        """The record's date; a day that does not exist keeps its month, with a warning."""
        header = record.header
        month = _MONTHS[header.group("month")[:3].lower()]
        year = int(header.group("year")) if header.group("year") else None
        try:
            date, inferred = resolve_date(month, int(header.group("day")), year, self.as_of)
            return date, "day", inferred
        except ValueError:
            pass
        written = header.group(0)[len(header.group("cat") or "") :]
        try:
            date, inferred = resolve_date(month, 1, year, self.as_of)
        except ValueError:  # year 0, say
            self.warn(record.line, f"invalid date {written!r}; the paper is kept without one")
            return None, "day", False
        self.warn(
            record.line,
            f"invalid date {written!r} (no such day); kept as {date:%Y-%m}",
        )
        return date, "month", inferred


def _is_category_line(line: str) -> bool:
    """``CL`` or ``stat.ML``; ``CL, LG`` only when each is a known code (``LI NA`` is a name)."""
    codes = _CATEGORY_SEPARATOR.split(line)
    if len(codes) == 1:
        return bool(_CATEGORY.match(line))
    return all(_CATEGORY.match(code) and category_name(code) for code in codes)


def _category_code(text: str | None) -> str | None:
    """The code as a profile shows it: ``cs.CL`` is ``CL``; other archives keep theirs."""
    if not text:
        return None
    return text[3:] if text.startswith("cs.") else text


def _split_lines(text: str) -> list[str]:
    """The lines of the text; line n is at index n - 1 (no numbered pairs: 30 MB saved a
    100k-paper profile)."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


def _negative_key(line: str) -> str:
    """Which figure a negative header line gives (see ``_NEGATIVE_FIGURE``)."""
    lowered = line.lower()
    if "index" in lowered:
        return "h_index"
    if "novelty" in lowered:
        return "novelty"
    if "score" in lowered:
        return "ai_score"
    return "citations" if "citation" in lowered else "paper_count"


def _opt_int(value: float | None) -> int | None:
    return int(value) if value is not None else None


def looks_like_profile(text: str) -> bool:
    """Whether text has the shape of a profile: a record header or the header figures."""
    lines = [clean_line(line) for line in text[:20000].splitlines()[:400]]
    if any(RECORD_HEADER.match(line) for line in lines if line):
        return True
    return any(_HEADER_FIELDS["h_index"].match(line) for line in lines if line)


def parse_profile_text(
    text: str, file: str = "<text>", as_of: dt.date | None = None
) -> ProfileResult:
    """Parse profile text. Raises FormatError if the text is not a profile at all."""
    if not looks_like_profile(text):
        raise FormatError(
            file,
            "not a researcher profile: no 'h-index' line and no record header "
            "like 'CLApr 10, 2025Code'",
        )
    return _ProfileParser(text, file, as_of or dt.date.today()).parse()
