"""Semantic Scholar Graph API responses: a paper (with its references and citations),
an author (a profile with papers), or a search result (``{"data": [...]}``).

Many fields are null in real responses; a record without a title is counted
and skipped.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from paperbrowse.core.errors import Problem
from paperbrowse.core.formats import ImportResult
from paperbrowse.core.formats.edges import read_references, work
from paperbrowse.core.formats.jsontools import paper_date
from paperbrowse.core.models import DatePrecision, Paper, Profile, SourceRef, paper_id
from paperbrowse.core.text.clean import clean_line, clean_paragraphs, find_urls, strip_control

_TYPES = {
    "JournalArticle": "article",
    "Conference": "inproceedings",
    "Book": "book",
    "BookSection": "incollection",
    "Review": "article",
    "Dataset": "dataset",
}
_BIBTEX_KEY = re.compile(r"@\w+\s*\{\s*([^,\s]+)\s*,")


def is_s2_paper(record: object) -> bool:
    return isinstance(record, dict) and "paperId" in record


def is_s2_author(document: object) -> bool:
    return isinstance(document, dict) and "authorId" in document and "papers" in document


def _text(value: object) -> str:
    """A text field: a string or a number (null, lists and objects give nothing)."""
    if value is None or isinstance(value, bool | dict | list):
        return ""
    return clean_line(str(value))


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def paper_from_s2(
    record: dict[str, Any], source: SourceRef, notes: list[str] | None = None
) -> Paper | None:
    """A paper from one S2 record, or None when it has no title. What is wrong with its
    ``references`` or ``citations`` (the paper is kept) goes to ``notes``."""
    title = _text(record.get("title"))
    if not title:
        return None
    cites, cited_by = _edges(record, notes if notes is not None else [])
    date, precision = _date(record)
    external = record.get("externalIds")
    doi = _text(external.get("DOI")) if isinstance(external, dict) else ""
    abstract = clean_paragraphs(strip_control(str(record.get("abstract") or "")))
    links = find_urls(abstract)
    pdf = record.get("openAccessPdf")
    if isinstance(pdf, dict) and pdf.get("url"):
        links[:0] = find_urls(_text(pdf["url"]))  # web links only
    return Paper(
        id=paper_id(title, date.year if date else None, doi),
        title=title,
        authors=tuple(n for n in (_text(_name(a)) for a in _list(record.get("authors"))) if n),
        date=date,
        date_precision=precision,
        abstract=abstract or None,
        links=tuple(dict.fromkeys(links)),
        venue=_venue(record),
        doi=doi or None,
        url=_text(record.get("url")) or None,
        citekey=_citekey(record),
        entry_type=next(
            (_TYPES[t] for t in _list(record.get("publicationTypes")) if t in _TYPES), None
        ),
        source=source,
        cites=cites,
        cited_by=cited_by,
    )


def _date(record: dict[str, Any]) -> tuple[dt.date | None, DatePrecision]:
    """``publicationDate`` when it has one, else ``year``."""
    published = str(record.get("publicationDate") or "")
    date, precision = paper_date(published[:4], published[5:7], published[8:10])
    return (date, precision) if date is not None else paper_date(record.get("year"))


def _edges(record: dict[str, Any], notes: list[str]) -> tuple[bytes, bytes]:
    """The works the record cites and those citing it (``formats.edges``)."""
    found: list[bytes] = []
    for field in ("references", "citations"):
        edges, problem = read_references(record.get(field), _reference, field)
        found.append(edges)
        if problem:
            notes.append(problem)
    return found[0], found[1]


def _reference(entry: object) -> bytes | None:
    """One cited or citing paper (the /references and /citations endpoints wrap each)."""
    if not isinstance(entry, dict):
        raise TypeError("not an object")
    wrapped = entry.get("citedPaper") or entry.get("citingPaper")
    record = wrapped if isinstance(wrapped, dict) else entry
    external = record.get("externalIds")
    doi = _text(external.get("DOI")) if isinstance(external, dict) else ""
    date, _ = _date(record)  # the year its paper would have, if it is in the library
    return work(doi, _text(record.get("title")), date.year if date else None)


def _name(author: object) -> object:
    return author.get("name") if isinstance(author, dict) else author


def _venue(record: dict[str, Any]) -> str | None:
    journal = record.get("journal")
    venue_record = record.get("publicationVenue")
    for value in (
        record.get("venue"),
        journal.get("name") if isinstance(journal, dict) else None,
        venue_record.get("name") if isinstance(venue_record, dict) else None,
    ):
        if _text(value):
            return _text(value)
    return None


def _citekey(record: dict[str, Any]) -> str | None:
    styles = record.get("citationStyles")
    bibtex = styles.get("bibtex") if isinstance(styles, dict) else None
    match = _BIBTEX_KEY.match(bibtex) if isinstance(bibtex, str) else None
    return (clean_line(match.group(1)) or None) if match else None


def _papers(records: list[Any], file: str, result: ImportResult) -> None:
    untitled = 0
    for record in records:
        if isinstance(record, dict):
            # /citations and /references wrap each paper: {"citingPaper": {...}}
            record = record.get("citingPaper") or record.get("citedPaper") or record
        paper = None
        notes: list[str] = []
        if isinstance(record, dict):
            try:
                paper = paper_from_s2(record, SourceRef(file=file), notes)
            except (TypeError, ValueError, OverflowError, RecursionError):  # an odd field
                paper = None
        if paper is None:
            untitled += 1
        else:
            result.papers.append(paper)
            label = paper.title[:80]
            result.problems.extend(Problem(file, None, f"{label}: {note}") for note in notes)
    if untitled:
        result.problems.append(
            Problem(file, None, f"{untitled} Semantic Scholar records without a title skipped")
        )


# The header figures a Semantic Scholar author has (``Profile.figures_given``).
S2_FIGURES = ("h_index", "paper_count", "citations")


def parse_s2(document: Any, file: str) -> ImportResult:
    """Papers (and for an author, the profile) from a Semantic Scholar response."""
    result = ImportResult()
    if is_s2_author(document):
        _papers(_list(document.get("papers")), file, result)
        result.profile = Profile(
            name=_text(document.get("name")) or "(unnamed author)",
            h_index=_int(document.get("hIndex")),
            paper_count=_int(document.get("paperCount")),
            citations=_int(document.get("citationCount")),
            papers=tuple(result.papers),
            source=file,
            figures_given=S2_FIGURES,
        )
    elif is_s2_paper(document):
        # The paper itself first, then what it cites and what cites it.
        records = [document, *_list(document.get("references")), *_list(document.get("citations"))]
        _papers(records, file, result)
    else:
        found = document.get("data") if isinstance(document, dict) else document
        _papers(found if isinstance(found, list) else [], file, result)
    return result
