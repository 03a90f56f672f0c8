"""OpenAlex works, as the API gives them (``/works/W2741809807``, a page of ``/works``) and
as snapshots and exports hold them, one a line.

A work says ``authorships`` (each ``author.display_name``, in order), ``publication_date``
or ``publication_year``, ``abstract_inverted_index`` (each word with the places it stands
at: OpenAlex gives no abstract as text), ``primary_location.source.display_name`` (older
works: ``host_venue.display_name``), ``biblio``, ``type`` and a DOI written as a link.
Its ``id`` (``https://openalex.org/W...``) is no citation key: the key is made as for
any paper without one. Its values are turned into those ``records.json_values`` gives,
so a work is read as paperbrowse's own records are, and said of in the same words.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from paperbrowse.core.formats.bibvalues import tidy_line, tidy_paragraphs, urls_in
from paperbrowse.core.formats.jsontools import paper_date
from paperbrowse.core.models import DatePrecision, SourceRef, bare_doi, paper_id
from paperbrowse.core.text.clean import html_text, strip_control

# OpenAlex's ``type`` (and the Crossref type older works give there, or in ``type_crossref``)
# in BibTeX's words, as ``Paper.entry_type`` keeps it; a type not here is left unsaid.
_TYPES = {
    "article": "article",
    "journal-article": "article",
    "review": "article",
    "letter": "article",
    "editorial": "article",
    "proceedings-article": "inproceedings",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "book-chapter": "incollection",
    "book-section": "incollection",
    "book-part": "incollection",
    "dissertation": "phdthesis",
    "report": "techreport",
    "dataset": "dataset",
    "preprint": "misc",
    "posted-content": "misc",
}


def looks_like_openalex(record: dict[str, Any]) -> bool:
    """Whether a JSON object is an OpenAlex work: it says ``authorships`` (paperbrowse's
    own records say ``authors``, CSL items ``author``). One look-up in the record, as every
    line of a large JSON Lines file is asked."""
    return "authorships" in record


def openalex_values(
    record: dict[str, Any],
    source: SourceRef | tuple[str, int | None],
    notes: list[str] | None = None,
) -> dict[str, Any]:
    """The values of the paper in one OpenAlex work, as ``records.json_values`` gives them
    (cleaned, of the ``Paper`` fields' types). Raises ValueError when it has no title;
    a value read without (authorships that are no list, a broken abstract index, a year
    that is no year) is said in ``notes``."""
    said = notes if notes is not None else []
    title = _title(record.get("title")) or _title(record.get("display_name"))
    if not title:
        raise ValueError("record has no title")
    date, precision = _date(record, said)
    abstract = _abstract(record.get("abstract_inverted_index"), said)
    doi = _doi(record)
    volume, issue, pages = _biblio(record.get("biblio"))
    return {
        "id": paper_id(title, date.year if date else None, doi),
        "title": title,
        "authors": _authors(record.get("authorships"), said),
        "date": date,
        "date_precision": precision,
        "abstract": abstract,
        "links": tuple(dict.fromkeys([*urls_in(abstract or ""), *_arxiv_pages(record)])),
        "venue": _venue(record),
        "doi": doi,
        "url": _text(_object(record.get("primary_location")).get("landing_page_url"))
        or _text(record.get("id")),
        "volume": volume,
        "issue": issue,
        "pages": pages,
        "entry_type": _entry_type(record),
        "source": source,
    }


def _text(value: object) -> str | None:
    """A one-line text value; anything else (null, a number, an object) is none."""
    return (tidy_line(value) or None) if isinstance(value, str) else None


def _title(value: object) -> str | None:
    """A title as text: OpenAlex keeps the inline HTML it had from Crossref (``<i>E.
    coli</i>``, ``&amp;``), shown and searched as the words it marks up."""
    return _text(html_text(value)) if isinstance(value, str) else None


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _authors(authorships: object, notes: list[str]) -> tuple[str, ...]:
    """Each authorship's ``author.display_name`` (else the name as the paper wrote it), in
    order; an authorship of neither is left out and said of once."""
    if authorships is None:
        return ()
    if not isinstance(authorships, list):
        notes.append("authorships is not a list; read without authors")
        return ()
    names: list[str] = []
    for authorship in authorships:
        entry = _object(authorship)
        name = _text(_object(entry.get("author")).get("display_name"))
        name = name or _text(entry.get("raw_author_name"))
        if name:
            names.append(name)
    if len(names) < len(authorships):
        notes.append(f"{len(authorships) - len(names)} authorships without a name; left out")
    return tuple(names)


def _date(record: dict[str, Any], notes: list[str]) -> tuple[dt.date | None, DatePrecision]:
    """``publication_date`` (``2018-04-09``), else ``publication_year``."""
    published = record.get("publication_date")
    if isinstance(published, str):
        try:
            return dt.date.fromisoformat(published[:10]), "day"
        except ValueError:
            pass
    year = record.get("publication_year")
    if year is None and isinstance(published, str):  # a date of a year or a month alone
        date, precision = paper_date(published[:4], published[5:7])
        if date is not None:
            return date, precision
    date, precision = paper_date(year)
    if date is None and (year is not None or published is not None):
        shown = published if year is None else year
        notes.append(f"publication year {str(shown)[:40]!r} is not a year; read without one")
    return date, precision


def _abstract(index: object, notes: list[str]) -> str | None:
    """The abstract, each word of the inverted index put at its places (a dict of them: a
    damaged index placing a word at 10**9 makes no list that long); an index that is not
    one (no object, a word whose places are no list of numbers) is read without."""
    if index is None:
        return None
    placed: dict[int, str] = {}
    if isinstance(index, dict):
        for word, places in index.items():
            if not isinstance(places, list) or not all(_is_place(p) for p in places):
                placed = {}
                break
            placed.update(dict.fromkeys(places, word))
    if not placed:
        if index:  # (an empty index is an abstract not given)
            notes.append("abstract_inverted_index is not an index of words; read without it")
        return None
    text = html_text(" ".join(placed[place] for place in sorted(placed)))
    return tidy_paragraphs(strip_control(text)) or None


def _is_place(value: object) -> bool:
    return type(value) is int and value >= 0


def _doi(record: dict[str, Any]) -> str | None:
    """The DOI without its link (``https://doi.org/10.1/x`` is ``10.1/x``), as the BibTeX
    reader stores it: the same paper read from both is then one paper, of one id."""
    written = _text(record.get("doi")) or _text(_object(record.get("ids")).get("doi"))
    return bare_doi(written) if written else None


def _venue(record: dict[str, Any]) -> str | None:
    source = _object(_object(record.get("primary_location")).get("source"))
    return _text(source.get("display_name")) or _text(
        _object(record.get("host_venue")).get("display_name")
    )


def _biblio(biblio: object) -> tuple[str | None, str | None, str | None]:
    """Volume, issue and pages (``first_page``-``last_page``; one page once)."""
    found = _object(biblio)
    first, last = _text(found.get("first_page")), _text(found.get("last_page"))
    pages = f"{first}-{last}" if first and last and last != first else first or last
    return _text(found.get("volume")), _text(found.get("issue")), pages


def _entry_type(record: dict[str, Any]) -> str | None:
    """The BibTeX type: an article in a conference's proceedings is ``inproceedings``."""
    written = record.get("type_crossref") or record.get("type")
    kind = _TYPES.get(written) if isinstance(written, str) else None
    source = _object(_object(record.get("primary_location")).get("source"))
    if kind == "article" and source.get("type") == "conference":
        return "inproceedings"
    return kind


def _arxiv_pages(record: dict[str, Any]) -> list[str]:
    """The arXiv pages among the work's locations, where its arXiv id is found
    (``pdf.locate.arxiv_id``: paperbrowse has no field of its own for it)."""
    locations = record.get("locations")
    pages = (
        _text(_object(location).get("landing_page_url"))
        for location in (locations if isinstance(locations, list) else ())
    )
    return [page for page in pages if page and "arxiv.org/" in page]
