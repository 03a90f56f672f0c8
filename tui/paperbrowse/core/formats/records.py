"""One JSON record to a paper: paperbrowse's own keys, the ACL export's, CSL-JSON, or an
OpenAlex work (``openalex``).

Used by the JSON Lines reader (one record a line) and the JSON document
reader (a list of records).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from paperbrowse.core.errors import Problem
from paperbrowse.core.formats import ImportResult
from paperbrowse.core.formats.bibvalues import tidy_line, tidy_paragraphs, urls_in
from paperbrowse.core.formats.file_fields import listed_paths
from paperbrowse.core.formats.jsontools import paper_date, record_error
from paperbrowse.core.formats.openalex import looks_like_openalex, openalex_values
from paperbrowse.core.models import DatePrecision, Paper, SourceRef, bare_doi, paper_id
from paperbrowse.core.rows import paper_row, row_of_values
from paperbrowse.core.text.clean import find_urls, strip_control

_OWN_ID = re.compile(r"[0-9a-f]{16}")


def _text(value: object) -> str | None:
    """A one-line text field: a string or a number; a list of strings is joined; else None."""
    if type(value) is str:  # nearly every value (or None): the checks below cost 1 µs each
        return tidy_line(value) or None
    if value is None:
        return None
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
        from paperbrowse.core.formats.profile import split_authors  # rare: loaded on first use

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


def _quoted(value: object) -> str:
    """A value as a warning quotes it: its first 40 characters, in quotes."""
    text = str(value)
    return '"' + (text if len(text) <= 40 else text[:40] + "…") + '"'


def _no_title(value: object) -> str:
    kinds = {dict: "an object", list: "a list", bool: str(value).lower()}
    kind = kinds.get(type(value))
    return f"title is {kind}, not text" if kind else "record has no title"


def paper_from_json(
    record: dict[str, Any], source: SourceRef, notes: list[str] | None = None
) -> Paper:
    """A paper from one JSON object (paperbrowse's own keys or the ACL export's)."""
    return Paper(**json_values(record, source, notes))


def json_values(
    record: dict[str, Any],
    source: SourceRef | tuple[str, int | None],
    notes: list[str] | None = None,
) -> dict[str, Any]:
    """The values of the paper in one JSON object (``paper_from_json``), cleaned and of
    the types the ``Paper`` fields have: what ``rows.row_of_values`` turns into a row
    without the paper made and validated first (a large file's parse, a quarter
    faster). ``source``: a ``SourceRef``, or (file, line) for a row. A value read without
    (a year that is no year) is said in ``notes``."""
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
        if date is None and notes is not None:
            notes.append(f"date {_quoted(record['date'])} is not a date; read without one")
    else:
        date, precision = paper_date(record.get("year"), record.get("month"))
        if date is None and notes is not None and record.get("year") not in (None, ""):
            notes.append(f"year {_quoted(record['year'])} is not a year; read without one")
    abstract_raw = record.get("abstract")
    abstract = tidy_paragraphs(strip_control(str(abstract_raw))) or None if abstract_raw else None
    doi = _text(record.get("doi"))
    if doi is not None:  # a link ("https://doi.org/10.1/x", as OpenAlex writes it) stored bare,
        doi = bare_doi(doi)  # as the BibTeX reader does: the same paper in both merges
    # Our own ids are kept (bookmarks use them); a foreign id such as the ACL
    # Anthology's "2020.acl-main.1" is the citation key.
    given = given_id(record)
    own_id = given if given and _OWN_ID.fullmatch(given) else None
    values = {
        "id": own_id or paper_id(title, date.year if date else None, doi),
        "title": title,
        "authors": authors,
        "et_al": et_al,
        "category": _text(record.get("category")),
        "date": date,
        "date_precision": precision if precision in ("day", "month", "year") else "day",
        "year_inferred": bool(record.get("year_inferred")),
        "has_code": bool(record.get("has_code")),
        "abstract": abstract,
        "links": _links(record.get("links"), abstract),
        "venue": _text(record.get("venue")),
        "doi": doi,
        "url": _text(record.get("url")),
        "citekey": _text(record.get("citekey")) or (None if own_id else given),
        "entry_type": _text(record.get("entry_type")),
        "source": source,
    }
    # (One look at the record's keys: a large file of others' records has none of these,
    # and asking for each cost a million records' parse two seconds of its workers' CPU.)
    if not _BOOK_KEYS.isdisjoint(record):
        values.update(_book_values(record, title, authors))
    return values


# The keys ``Paper.to_json_dict`` added for what the other exports kept and the JSON lost:
# one-line text, and the rest (``_book_values``). Files from before have none of them.
_PLACE_KEYS = ("volume", "issue", "pages", "publisher", "publisher_place")
_BOOK_KEYS = frozenset(
    (*_PLACE_KEYS, "editors", "literal_names", "family_names", "title_kept", "files")
)


def _book_values(record: dict[str, Any], title: str, authors: tuple[str, ...]) -> dict[str, Any]:
    """The values of the keys a record from before they were written lacks (``_BOOK_KEYS``):
    only those it gives; a value of the wrong kind is left out, the paper kept."""
    values: dict[str, Any] = {}
    for name in _PLACE_KEYS:
        if (raw := record.get(name)) is not None and (text := _text(raw)):
            values[name] = text
    if raw_editors := record.get("editors"):
        editors, _ = _authors(raw_editors)
        if editors:
            values["editors"] = editors
            if not authors:  # an edited book, as the other readers give it (``Paper.editors``)
                values["authors"] = editors
    forms = _literal_names(record.get("literal_names")) + _family_names(record.get("family_names"))
    if forms:
        values["name_forms"] = forms
    if (raw_spans := record.get("title_kept")) and (spans := _title_spans(raw_spans, title)):
        values["title_kept"] = spans
    if (raw_files := record.get("files")) and (files := listed_paths(raw_files)):
        values["files"] = files
    return values


def _literal_names(value: object) -> tuple[str, ...]:
    """The names written whole, from a list of them (``Paper.literal_names``)."""
    if not isinstance(value, list):
        return ()
    names = (tidy_line(item) for item in value if isinstance(item, str))
    return tuple(name for name in names if name)


def _family_names(value: object) -> tuple[tuple[str, str], ...]:
    """(name, family name) pairs from an object of them (``Paper.family_names``)."""
    if not isinstance(value, dict):
        return ()
    pairs = (
        (tidy_line(name), tidy_line(family))
        for name, family in value.items()
        if isinstance(family, str)
    )
    return tuple((name, family) for name, family in pairs if name and family)


def _title_spans(value: object, title: str) -> tuple[tuple[int, int], ...]:
    """The title's spans kept in case, from a list of [start, end] (``Paper.title_kept``):
    none at all unless every one is a span of this title, in order, apart."""
    if not isinstance(value, list):
        return ()
    spans: list[tuple[int, int]] = []
    done = 0
    for span in value:
        if not (isinstance(span, list) and len(span) == 2):
            return ()
        start, end = span
        if type(start) is not int or type(end) is not int or not done <= start < end <= len(title):
            return ()
        spans.append((start, end))
        done = end
    return tuple(spans)


def given_id(record: dict[str, Any]) -> str | None:
    """The id a record gives: ours (16 hex digits, kept as the paper's id), or another's
    (the ACL Anthology's "2020.acl-main.1", a CSL-JSON item's), its citation key."""
    return _text(record.get("id"))


def given_id_key(given: str) -> tuple[bool, str]:
    """A given id as papers are told apart by it: one of ours exactly (the paper's id: the
    marks are kept under it as it is), another's in any case (the citation key, as BibTeX's
    are); never one of ours for another's ("0123456789ABCDEF" is a citation key)."""
    if _OWN_ID.fullmatch(given):
        return True, given
    return False, given.casefold()


def paper_from_record(
    result: ImportResult,
    record: object,
    file: str,
    lineno: int | None,
    label: str = "",
    rows: list[tuple[Any, ...]] | None = None,
    strings: dict[str, str] | None = None,
) -> None:
    """Add the paper in one JSON record to ``result``, or a warning saying why not.
    With ``rows``, the paper is added to them as a row instead (``rows.paper_row``), for
    a record of our own keys, the ACL export's or an OpenAlex work without a paper made
    first (``json_values``, ``openalex.openalex_values``), its repeated text shared through
    ``strings`` (``rows.shared_row``)."""
    if not isinstance(record, dict):
        result.problems.append(Problem(file, lineno, f"{label}not a JSON object; skipped"))
        return
    # Imported here: CSL-JSON records are the rare case in a JSON Lines file.
    from paperbrowse.core.formats.csljson import looks_like_csl, paper_from_csl

    notes: list[str] = []  # what is wrong with a kept paper (its year, its citations)
    try:
        if looks_like_openalex(record):  # (before CSL's test: a work has a "type" too)
            values = openalex_values(record, (file, lineno), notes)
            if rows is None:
                values["source"] = SourceRef(file=file, line=lineno)
                result.papers.append(Paper(**values))
            else:
                rows.append(row_of_values(values, strings))
        elif looks_like_csl(record):
            paper = paper_from_csl(record, SourceRef(file=file, line=lineno), notes)
            if rows is None:
                result.papers.append(paper)
            else:
                rows.append(paper_row(paper, strings))
        elif rows is not None:
            rows.append(row_of_values(json_values(record, (file, lineno), notes), strings))
        else:
            source = SourceRef(file=file, line=lineno)
            result.papers.append(paper_from_json(record, source, notes))
    except (ValueError, TypeError, OverflowError, RecursionError) as error:
        result.problems.append(Problem(file, lineno, f"{label}{record_error(error)}; skipped"))
        notes.clear()  # (what a skipped paper was read without says nothing)
    result.problems.extend(Problem(file, lineno, f"{label}{note}") for note in notes)
