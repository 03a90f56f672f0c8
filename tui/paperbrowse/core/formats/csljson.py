"""CSL-JSON, what Zotero, pandoc and citeproc use: a list of items; both reading and writing.

An item has ``id``, ``type``, ``title``, ``author`` (``family``/``given`` or
``literal``), ``issued`` (``date-parts``), ``abstract``, ``DOI``, ``URL``,
``container-title``, and for a paper in a book or proceedings ``editor``,
``publisher`` and ``publisher-place``. Titles may carry CSL's small HTML subset (``<i>``);
the tags are dropped. Entry types are kept in BibTeX's words in
``Paper.entry_type`` and mapped back when writing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any

from paperbrowse.core.errors import Problem
from paperbrowse.core.formats import ImportResult
from paperbrowse.core.formats.edges import looks_like_doi, read_references, work
from paperbrowse.core.formats.file_fields import csl_files
from paperbrowse.core.formats.jsontools import paper_date, record_error
from paperbrowse.core.formats.languages import is_english
from paperbrowse.core.formats.names import name_parts, recorded_family
from paperbrowse.core.models import DatePrecision, Paper, SourceRef, paper_id
from paperbrowse.core.text.clean import clean_line, clean_paragraphs, find_urls, strip_control

CSL_TO_BIBTEX = {
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "article": "article",
    "paper-conference": "inproceedings",
    "chapter": "incollection",
    "book": "book",
    "thesis": "phdthesis",
    "report": "techreport",
    "manuscript": "unpublished",
    "webpage": "online",
    "post-weblog": "online",
    "post": "online",
    "software": "software",
    "dataset": "dataset",
    "document": "misc",
    "other": "misc",
    "patent": "patent",
    "pamphlet": "booklet",
}
# BibTeX's and biblatex's types as CSL's, as pandoc's biblatex reader types them
# (Text.Pandoc.Citeproc.BibTeX): a multi-volume book, a collection, a manual or a
# reference work is a book (its publisher a publisher, not a container: "In
# Addison-Wesley"); a periodical's issue a journal's. A type left out is CSL's
# "article", which styles print as a preprint.
BIBTEX_TO_CSL = {
    "article": "article-journal",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "incollection": "chapter",
    "inbook": "chapter",
    "bookinbook": "chapter",
    "suppbook": "chapter",
    "suppcollection": "chapter",
    "inreference": "entry-encyclopedia",
    "book": "book",
    "mvbook": "book",
    "proceedings": "book",
    "mvproceedings": "book",
    "collection": "book",
    "mvcollection": "book",
    "reference": "book",
    "mvreference": "book",
    "manual": "book",
    "booklet": "pamphlet",
    "patent": "patent",
    "periodical": "article-journal",
    "suppperiodical": "article-journal",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "unpublished": "manuscript",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "software": "software",
    "dataset": "dataset",
    "misc": "document",
}
_ET_AL = {"literal": "others"}  # how "and others" is written in an author list
_TAG = re.compile(r"</?(?:i|b|sup|sub|sc|span)(?:\s[^<>]*)?>", re.IGNORECASE)


# Keys CSL items have and paperbrowse's own records never do (those say authors, year,
# date, venue, doi, url), for items that lack ``type``: it is required by CSL but some
# tools and hand-made files leave it out.
_CSL_ONLY_KEYS = (
    "issued",
    "container-title",
    "DOI",
    "URL",
    "citation-key",
    "event-title",
    "collection-title",
)


def looks_like_csl(item: object) -> bool:
    """A CSL item has a ``type`` (paperbrowse's own records say ``entry_type``), or CSL's
    own keys or name objects, and no ``authors`` list of plain names."""
    if not isinstance(item, dict) or "authors" in item:
        return False
    if isinstance(item.get("type"), str) or any(key in item for key in _CSL_ONLY_KEYS):
        return True
    names = item.get("author") or item.get("editor")
    return isinstance(names, list) and any(isinstance(name, dict) for name in names)


def _text(value: object) -> str:
    if isinstance(value, list):  # container-title is sometimes a list
        value = value[0] if value else ""
    if value is None or isinstance(value, bool | dict | list):
        return ""
    return clean_line(_TAG.sub("", str(value)))


def csl_name(person: object) -> str:
    """``{"family": "Müller", "given": "Jörg"}`` -> ``Jörg Müller``; particles and suffix kept."""
    if not isinstance(person, dict):
        return _text(person)
    if person.get("literal"):
        return _text(person["literal"])
    parts = [
        person.get(k)
        for k in ("given", "dropping-particle", "non-dropping-particle", "family", "suffix")
    ]
    return clean_line(" ".join(_text(p) for p in parts if p))


_NOCASE = re.compile(r'<span class="nocase">(.*?)</span>', re.IGNORECASE | re.DOTALL)


def nocase_spans(raw: object, title: str) -> tuple[tuple[int, int], ...]:
    """Where the item's title says ``<span class="nocase">`` (case kept as written), as
    offsets into ``title``; empty when the cleaned title cannot be matched up exactly."""
    if not isinstance(raw, str) or "nocase" not in raw:
        return ()
    text = ""
    spans: list[tuple[int, int]] = []
    for number, piece in enumerate(_NOCASE.split(raw)):
        plain = _TAG.sub("", piece)
        if number % 2 and plain:
            spans.append((len(text), len(text) + len(plain)))
        text += plain
    lead = len(text) - len(text.lstrip())
    if text.strip() != title:
        return ()
    return tuple((start - lead, end - lead) for start, end in spans)


def _literal_names(*values: object) -> tuple[str, ...]:
    """The names given as ``literal`` (an organisation's, written whole), as read."""
    found = (
        csl_name(person)
        for value in values
        if isinstance(value, list)
        for person in value
        if isinstance(person, dict) and person.get("literal") and person != _ET_AL
    )
    return tuple(dict.fromkeys(name for name in found if " " in name))


def _family_names(*values: object) -> tuple[tuple[str, str], ...]:
    """(name, family name) of the people whose ``family`` (with its particles) is not where
    splitting the name as read would put it (``Grenier Ouimet``: ``Paper.family_names``)."""
    found = (
        recorded_family(csl_name(person), _family(person))
        for value in values
        if isinstance(value, list)
        for person in value
        if isinstance(person, dict)
        and person.get("family")
        and person.get("given")
        and not person.get("literal")
    )
    return tuple(dict.fromkeys(pair for pair in found if pair is not None))


def _family(person: dict[str, Any]) -> str:
    parts = (person.get(k) for k in ("dropping-particle", "non-dropping-particle", "family"))
    return clean_line(" ".join(_text(p) for p in parts if p))


def _names(value: object) -> tuple[tuple[str, ...], bool]:
    if not isinstance(value, list):
        return (), False
    et_al = _ET_AL in value
    names = (csl_name(person) for person in value if person != _ET_AL)
    return tuple(name for name in names if name), et_al


def csl_date(value: object) -> tuple[dt.date | None, DatePrecision]:
    """From ``{"date-parts": [[2020, 5]]}``, ``{"raw": "2020-05-01"}`` or a plain string."""
    if isinstance(value, dict):
        parts = value.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            first = [*parts[0], None, None][:3]
            return paper_date(first[0], first[1], first[2])
        value = value.get("raw") or value.get("literal")
    if isinstance(value, str | int):
        match = re.search(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", str(value))
        if match:
            return paper_date(match.group(1), match.group(2), match.group(3))
    return None, "year"


def paper_from_csl(
    item: dict[str, Any], source: SourceRef, notes: list[str] | None = None
) -> Paper:
    """A paper from one CSL item. Raises ValueError when it has no title. What is wrong
    with its ``references`` or its names (the paper is kept) goes to ``notes``."""
    title = _text(item.get("title"))
    if not title:
        raise ValueError("item has no title")
    cites, problem = read_references(_cited_works(item), _reference, "references", True)
    if problem and notes is not None:
        notes.append(problem)
    authors, et_al = _names(item.get("author"))
    if notes is not None:
        notes.extend(
            f"{role} is not a list of names; read without it"
            for role in ("author", "editor")
            if item.get(role) not in (None, "") and not isinstance(item.get(role), list)
        )
    editors, editors_et_al = _names(item.get("editor"))
    if not authors:  # an edited book's editors are its authors too (``Paper.editors``)
        authors, et_al = editors, editors_et_al
    date, precision = csl_date(item.get("issued"))
    abstract_raw = item.get("abstract") or ""
    abstract = clean_paragraphs(strip_control(str(abstract_raw)))
    doi = _text(item.get("DOI")) or None
    key = _text(item.get("citation-key") or item.get("id")) or None
    venues = (_text(item.get(k)) for k in ("container-title", "event-title", "event", "publisher"))
    venue = next((v for v in venues if v), None)
    return Paper(
        id=paper_id(title, date.year if date else None, doi),
        title=title,
        title_kept=_kept_case(item, title),
        authors=authors,
        et_al=et_al,
        date=date,
        date_precision=precision,
        abstract=abstract or None,
        links=tuple(find_urls(abstract)),
        venue=venue,
        doi=doi,
        url=_text(item.get("URL")) or None,
        volume=_text(item.get("volume")) or None,
        issue=_text(item.get(_issue_variable(str(item.get("type"))))) or None,
        pages=_text(item.get("page")) or None,
        editors=editors,
        name_forms=_literal_names(item.get("author"), item.get("editor"))
        + _family_names(item.get("author"), item.get("editor")),
        publisher=_text(item.get("publisher")) or None,
        publisher_place=_text(item.get("publisher-place")) or None,
        citekey=key,
        entry_type=CSL_TO_BIBTEX.get(str(item.get("type")), "misc"),
        source=source,
        files=csl_files(item),
        cites=cites,
    )


def _kept_case(item: dict[str, Any], title: str) -> tuple[tuple[int, int], ...]:
    """Where the title's case is as written: its nocase spans, or all of it when the item
    is in another language than English (``formats.languages``)."""
    language = item.get("language")
    if isinstance(language, str) and not is_english(language):
        return ((0, len(title)),)
    return nocase_spans(item.get("title"), title)


def _cited_works(item: dict[str, Any]) -> object:
    """The works an item cites: a list in ``references`` (as Semantic Scholar-made files
    give it) or in ``custom`` (as the export writes it: CSL's own ``references`` is a
    string, a legal case's history, and no list of works)."""
    custom = item.get("custom")
    listed = item.get("references")
    if not isinstance(listed, list) and isinstance(custom, dict):
        listed = custom.get("references")
    return None if isinstance(listed, str) else listed


def _reference(entry: object) -> bytes | None:
    """One work an item cites: a CSL item (or a Crossref reference, which says
    ``article-title`` and ``year``), a DOI, or the ``id`` of another item."""
    if isinstance(entry, int | str) and not isinstance(entry, bool):
        text = _text(entry)
        return work(doi=text) if looks_like_doi(text) else work(key=text)
    if not isinstance(entry, dict):
        raise TypeError("not an object or text")
    date, _ = csl_date(entry.get("issued") or entry.get("year"))
    # Crossref's "key" names the reference within its citing work, not an item: not read.
    key = _text(entry.get("citation-key") or entry.get("id"))
    return work(
        _text(entry.get("DOI") or entry.get("doi")),
        _text(entry.get("title") or entry.get("article-title")),
        date.year if date else None,
        key,
    )


def parse_csl_items(items: list[Any], file: str) -> ImportResult:
    result = ImportResult()
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            result.problems.append(Problem(file, None, f"item {number} is not an object; skipped"))
            continue
        key = _text(item.get("id"))[:80]
        label = f"item {number}" + (f" ({key})" if key else "")
        notes: list[str] = []
        try:
            result.papers.append(paper_from_csl(item, SourceRef(file=file), notes))
        except (ValueError, TypeError, OverflowError, RecursionError) as error:
            result.problems.append(Problem(file, None, f"{label}: {record_error(error)}; skipped"))
        result.problems.extend(Problem(file, None, f"{label}: {note}") for note in notes)
    return result


# --- writing ---------------------------------------------------------------------


def name_to_csl(name: str, literal: bool = False, family: str | None = None) -> dict[str, str]:
    """``Jörg Müller`` -> family and given; ``Anne van der Berg`` and ``John Smith Jr.``
    keep their particle and suffix apart; one word, a name with a comma, or one written
    whole (``literal``: ``Paper.literal_names``) stays literal; one whose ``family`` its
    file gave (``Paper.family_of``) is split there (``Grenier Ouimet``, ``Antoine``)."""
    return dict(name_parts(name, literal, family))


# CSL types whose venue is who published them (a book's publisher, a thesis's school, a
# report's institution), not a container they appear in: styles print a container-title
# as "In Clarendon Press".
_PUBLISHED_BY = frozenset({"book", "thesis", "report"})


def venue_variable(csl_type: str) -> str:
    """The CSL variable a paper's venue goes in, for an item of this type."""
    return "publisher" if csl_type in _PUBLISHED_BY else "container-title"


def _issue_variable(csl_type: str) -> str:
    """The CSL variable of a paper's number: a patent's is its ``number`` (styles print
    "no. 5668842", and "Issue 5668842" from ``issue``), any other's its ``issue``."""
    return "number" if csl_type == "patent" else "issue"


def nocase_title(paper: Paper) -> str:
    """The title with what its source protected from case changes (BibTeX's ``{New York}``)
    in CSL's ``<span class="nocase">``, the form citeproc-js and Zotero read."""
    return nocase_spans_in(paper.title, paper.title_kept)


def nocase_spans_in(
    title: str, kept: Sequence[tuple[int, int]], escape: Callable[[str], str] = str
) -> str:
    """``title`` with its ``kept`` spans in ``<span class="nocase">``, each piece of its
    text ``escape``d (HTML-escaped for citeproc-py's HTML output); as it is, escaped, when
    the spans do not fit it."""
    if not kept or any(end > len(title) for _, end in kept):
        return escape(title)
    pieces: list[str] = []
    done = 0
    for start, end in kept:
        if start < done:
            return escape(title)
        pieces += [
            escape(title[done:start]),
            f'<span class="nocase">{escape(title[start:end])}</span>',
        ]
        done = end
    return "".join([*pieces, escape(title[done:])])


def csl_item(paper: Paper, key: str, tags: Sequence[str] = ()) -> dict[str, Any]:
    """The paper as a CSL item with the given citation key; ``tags`` (the user's) as
    ``keyword``, one string, comma-separated, as Zotero writes it."""
    item: dict[str, Any] = {
        "id": key,
        "citation-key": key,
        "type": BIBTEX_TO_CSL.get(paper.entry_type or "", "article"),
        "title": nocase_title(paper),
    }
    literal = paper.literal_names
    authors = [name_to_csl(name, name in literal, paper.family_of(name)) for name in paper.authors]
    if paper.et_al:
        authors.append(dict(_ET_AL))
    if authors:  # (an edited book's are its editors: "Doe, J. (Ed.)")
        item["editor" if paper.is_edited else "author"] = authors
    if paper.editors and not paper.is_edited:
        item["editor"] = [
            name_to_csl(name, name in literal, paper.family_of(name)) for name in paper.editors
        ]
    if paper.date:
        parts = [paper.date.year, paper.date.month, paper.date.day]
        count = {"year": 1, "month": 2}.get(paper.date_precision, 3)
        item["issued"] = {"date-parts": [parts[:count]]}
    optional = {
        venue_variable(item["type"]): paper.venue,
        "abstract": paper.abstract,
        "DOI": paper.doi,
        "URL": paper.url,
        "volume": paper.volume,
        _issue_variable(item["type"]): paper.issue,
        "page": paper.pages,
        "publisher-place": paper.publisher_place,
    }
    item.update({name: value for name, value in optional.items() if value})
    if paper.separate_publisher:  # a book's venue is its publisher already
        item.setdefault("publisher", paper.separate_publisher)
    if tags:
        item["keyword"] = ", ".join(tags)
    if paper.files:  # (CSL has no variable for files: in ``custom``, as its schema says)
        item.setdefault("custom", {})["files"] = list(paper.anchored_files())
    return item


def csl_reference(paper: Paper, key: str) -> dict[str, Any]:
    """A work an item cites, as ``references`` holds it (``_reference`` reads it back):
    its key (the ``id`` of its item in the same file), DOI, title and year, so it is found
    again among another library's papers too."""
    reference: dict[str, Any] = {"id": key, "title": paper.title}
    if paper.doi:
        reference["DOI"] = paper.doi
    if paper.date:
        reference["issued"] = {"date-parts": [[paper.date.year]]}
    return reference
