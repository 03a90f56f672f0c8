"""RIS, what EndNote, Mendeley, Scopus, Web of Science and PubMed export: read and write.

The tags are read and written by rispy; this module cuts a file into records
(``TY  -`` ... ``ER  -``) so that one broken record is one warning naming its line
and the rest still loads, and maps rispy's fields to a paper and back. Names are
``Family, Given`` in RIS and ``Given Family`` in a paper.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from paperbrowse.core.errors import Problem
from paperbrowse.core.formats import ImportResult, Tags, TextProgress
from paperbrowse.core.formats.file_fields import link_paths
from paperbrowse.core.formats.jsontools import paper_date, record_error
from paperbrowse.core.formats.names import family_first, recorded_family
from paperbrowse.core.models import DOI_PREFIX, Paper, SourceRef, paper_id
from paperbrowse.core.text.clean import clean_line, clean_paragraphs, find_urls, strip_control

_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])  ?-(?: |$)")
_START = re.compile(r"^\s*(?:\d+\.\s*)?TY  ?-")  # EndNote numbers records ("1. " before TY)
_RECORD_NUMBER = re.compile(r"^\s*\d+\.\s*$")  # rispy and EndNote write "1." above a record
_NUMBER_LINES = re.compile(r"(?m)^\d+\.\n")
_END = re.compile(r"^ER  ?-\s*$")

RIS_TO_BIBTEX = {
    "JOUR": "article",
    "JFULL": "article",
    "EJOUR": "article",
    "MGZN": "article",
    "NEWS": "article",
    "CONF": "inproceedings",
    "CPAPER": "inproceedings",
    "BOOK": "book",
    "EBOOK": "book",
    "EDBOOK": "book",
    "CHAP": "incollection",
    "ECHAP": "incollection",
    "THES": "phdthesis",
    "RPRT": "techreport",
    "ELEC": "online",
    "WEB": "online",
    "BLOG": "online",
    "UNPB": "unpublished",
    "MANSCPT": "unpublished",
    "COMP": "software",
    "DATA": "dataset",
    "GEN": "misc",
}
BIBTEX_TO_RIS = {
    "article": "JOUR",
    "inproceedings": "CPAPER",
    "conference": "CPAPER",
    "book": "BOOK",
    "collection": "BOOK",  # (EDBOOK when its editors are its authors: ``ris_entry``)
    "proceedings": "CONF",
    "incollection": "CHAP",
    "inbook": "CHAP",
    "phdthesis": "THES",
    "mastersthesis": "THES",
    "thesis": "THES",
    "techreport": "RPRT",
    "report": "RPRT",
    "online": "ELEC",
    "unpublished": "UNPB",
    "software": "COMP",
    "dataset": "DATA",
}
# The full name first: T2 (journal, proceedings or book), JF; JO is often abbreviated.
_VENUE_KEYS = (
    "secondary_title",
    "alternate_title3",
    "journal_name",
    "alternate_title1",
    "alternate_title2",
    "publisher",
)


# A paper's files, as Zotero writes them: ``L1  - /path/x.pdf``, one line a file (rispy's
# name; it keeps only a tag's first line unless told the tag is a list).
_FILES = "file_attachments1"


def _list_tags() -> list[str]:
    """The tags rispy reads and writes as lists: its own, and L1 (imported when first
    needed, as rispy is here: no RIS at start-up)."""
    import rispy

    return ["L1", *rispy.LIST_TYPE_TAGS]


# Types whose A2 ("secondary author") is the editor of the book or proceedings they are in.
_IN_EDITED = frozenset({"CHAP", "ECHAP", "CONF", "CPAPER"})


def looks_like_ris(text: str) -> bool:
    """Whether a file starts (after blank lines) with a ``TY  -`` line."""
    for line in text.lstrip("\ufeff").splitlines()[:20]:
        if line.strip():
            return bool(_START.match(line))
    return False


def _records(lines: list[str]) -> Iterator[tuple[int, list[str], bool]]:
    """Each record's first line number, its lines, and whether it ended with ``ER``;
    lines outside records are yielded alone, as unended records with no TY."""
    start: int | None = None
    for number, line in enumerate(lines, start=1):
        if _START.match(line):
            if start is not None:  # a TY before the last record's ER
                yield start, lines[start - 1 : number - 1], False
            start = number
        elif _END.match(line) and start is not None:
            yield start, lines[start - 1 : number], True
            start = None
        elif start is None and line.strip() and not _RECORD_NUMBER.match(line):
            yield number, [line], False
    if start is not None:
        yield start, lines[start - 1 :], False


def parse_ris(text: str, file: str, progress: TextProgress | None = None) -> ImportResult:
    """Papers from an RIS file; each broken record is one problem naming its line."""
    import rispy

    result = ImportResult()
    lines = text.lstrip("\ufeff").splitlines()
    for line_number, record, ended in _records(lines):
        if not _START.match(record[0]):
            result.problems.append(
                Problem(
                    file, line_number, "text outside any record (no TY line before it); skipped"
                )
            )
            continue
        body = [re.sub(r"^\s*\d+\.\s*(?=TY)", "", record[0]), *record[1:]]
        if not ended:
            body.append("ER  - ")
        try:
            entries = rispy.loads("\n".join(body) + "\n", list_tags=_list_tags())
            if not entries:
                raise ValueError("no tags rispy could read")
            entry = entries[0] | _abstracts_in_paragraphs(body)
            result.papers.append(paper_from_ris(entry, SourceRef(file=file, line=line_number)))
        except (ValueError, TypeError, KeyError, IndexError, OverflowError) as error:
            result.problems.append(
                Problem(file, line_number, f"record: {record_error(error)}; skipped")
            )
            continue
        if not ended:
            result.problems.append(
                Problem(file, line_number, "record has no ER line; read up to the next record")
            )
        if progress:
            progress(line_number, len(lines))
    return result


# The tags of an abstract, and rispy's names for them.
_ABSTRACT_TAGS = {"AB": "abstract", "N2": "notes_abstract"}


def _abstracts_in_paragraphs(body: list[str]) -> dict[str, str]:
    """The abstracts of a record that a blank line cuts into paragraphs, as rispy names
    them: rispy joins a field's lines with spaces, so ``AB  - One.``, a blank line,
    ``Two.`` read ``One.  Two.`` (our export writes paragraphs so). A line that only
    continues one (Web of Science wraps its lines) is still joined with a space."""
    fields: dict[str, list[list[str]]] = {}  # each abstract's paragraphs, each its lines
    paragraphs: list[list[str]] | None = None  # those of the abstract being read
    for line in body:
        tag = _TAG_LINE.match(line)
        if tag:
            paragraphs = None
            name = _ABSTRACT_TAGS.get(tag.group(1))
            if name and name not in fields:  # (rispy keeps a tag's first, too)
                first = line[tag.end() :].strip()
                paragraphs = fields[name] = [[first] if first else []]
        elif paragraphs is not None:
            if line.strip():
                paragraphs[-1].append(line.strip())
            elif paragraphs[-1]:
                paragraphs.append([])
    texts = {name: [" ".join(lines) for lines in found if lines] for name, found in fields.items()}
    return {name: "\n\n".join(found) for name, found in texts.items() if len(found) > 1}


def _text(value: object) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return clean_line(str(value)) if value else ""


def ris_name(name: str) -> str:
    """``Müller, Jörg`` -> ``Jörg Müller``; ``Müller, Jörg, Jr.`` keeps the suffix last."""
    parts = [part.strip() for part in name.split(",")]
    if len(parts) < 2 or not parts[1]:
        return clean_line(name)
    return clean_line(" ".join([*parts[1:2], parts[0], *parts[2:]]))


def _name_forms(entry: dict[str, Any], people: set[str]) -> tuple[str | tuple[str, str], ...]:
    """How the paper's ``people`` were written, where that is not the usual split
    (``Paper.name_forms``): a name without a comma, which RIS writes only for one not
    split into family and given names (``Hugging Face``: Zotero reads it so too), whole;
    and (name, family name) of one written ``Family, Given`` whose family name is not where
    splitting the name as read would put it (``Grenier Ouimet, Antoine``)."""
    lists = (entry.get(key) for key in ("authors", "first_authors", "secondary_authors"))
    found: list[str | tuple[str, str] | None] = []
    for names in (*lists, (entry.get("unknown_tag") or {}).get("ED")):
        for written in names if isinstance(names, list) else ():
            family, comma, given = str(written).partition(",")
            name = ris_name(str(written))
            if name not in people:
                continue
            if not comma:
                found.append(name)
            elif given.strip():
                found.append(recorded_family(name, clean_line(family)))
    return tuple(dict.fromkeys(form for form in found if form is not None))


def paper_from_ris(entry: dict[str, Any], source: SourceRef) -> Paper:
    """A paper from one rispy record. Raises ValueError when it has no title."""
    title = _text(entry.get("title") or entry.get("primary_title"))
    if not title:
        raise ValueError("record has no title (TI or T1)")
    names = entry.get("authors") or entry.get("first_authors") or []
    authors = tuple(n for n in (ris_name(str(name)) for name in names) if n)
    kind = str(entry.get("type_of_reference", "")).upper()
    editors = _editors(entry, kind)
    # An edited book's editors are its authors too (``Paper.editors``); A2 is the editors
    # only of what is in a book, and then only beside authors.
    if not authors and (entry.get("unknown_tag") or {}).get("ED"):
        authors = editors
    elif not authors:
        editors = ()
    elif kind == "EDBOOK" and not editors:  # an edited book's AU are its editors
        editors = authors
    date, precision = _date(entry)
    doi = DOI_PREFIX.sub("", _text(entry.get("doi"))) or None
    abstract = clean_paragraphs(
        strip_control(str(entry.get("abstract") or entry.get("notes_abstract") or ""))
    )
    urls = [str(url).strip() for url in entry.get("urls") or [] if str(url).strip()]
    venue = next((v for v in (_text(entry.get(key)) for key in _VENUE_KEYS) if v), None)
    return Paper(
        id=paper_id(title, date.year if date else None, doi),
        title=title,
        authors=authors,
        date=date,
        date_precision=precision,
        abstract=abstract or None,
        links=tuple(find_urls(abstract)),
        venue=venue,
        doi=doi,
        url=urls[0] if urls else None,
        volume=_text(entry.get("volume")) or None,
        issue=_text(entry.get("number")) or None,
        pages=_pages(entry),
        editors=editors,
        name_forms=_name_forms(entry, {*authors, *editors}),
        publisher=_text(entry.get("publisher")) or None,
        publisher_place=_text(entry.get("place_published")) or None,
        citekey=_text(entry.get("id")) or None,
        entry_type=RIS_TO_BIBTEX.get(kind, "misc"),
        source=source,
        files=link_paths(entry.get(_FILES) or ()),
    )


def _editors(entry: dict[str, Any], kind: str) -> tuple[str, ...]:
    """The editors: ``ED`` (which rispy leaves unmapped), else ``A2`` where it means them."""
    unknown = entry.get("unknown_tag") or {}
    names = unknown.get("ED") or (entry.get("secondary_authors") if kind in _IN_EDITED else None)
    return tuple(n for n in (ris_name(str(name)) for name in names or []) if n)


def _pages(entry: dict[str, Any]) -> str | None:
    """``SP  - 2270`` and ``EP  - 2282`` -> ``2270–2282``; a range in SP alone is kept."""
    start, end = _text(entry.get("start_page")), _text(entry.get("end_page"))
    return (f"{start}–{end}" if start and end and end != start else start or end) or None


def _date(entry: dict[str, Any]) -> tuple[Any, Any]:
    """From ``DA  - 2019/05/17``, ``PY  - 2014//`` or ``Y1  - 2006/03/01/``."""
    for key in ("date", "year", "publication_year"):
        value = _text(entry.get(key))
        match = re.match(r"(\d{4})(?:[/-](\d{1,2})?)?(?:[/-](\d{1,2})?)?", value)
        if match:
            return paper_date(*match.groups())
    return None, "year"


# --- writing -----------------------------------------------------------------------------


def ris_entry(paper: Paper, key: str, tags: Sequence[str] = ()) -> dict[str, Any]:
    """The paper as a rispy record; ``tags`` (the user's) as ``KW`` lines, one a tag."""
    kind = BIBTEX_TO_RIS.get((paper.entry_type or "").lower(), "GEN")
    if paper.is_edited and kind in ("BOOK", "GEN"):
        kind = "EDBOOK"  # (whose AU are its editors)
    entry: dict[str, Any] = {
        "type_of_reference": kind,
        "id": key,
        "title": paper.title,
    }
    literal = paper.literal_names
    authors = [family_first(name, name in literal, paper.family_of(name)) for name in paper.authors]
    if authors:
        entry["authors"] = authors
    if paper.date:
        entry["year"] = str(paper.date.year)
        month = f"{paper.date.month:02d}" if paper.date_precision != "year" else ""
        day = f"{paper.date.day:02d}" if paper.date_precision == "day" else ""
        entry["date"] = f"{paper.date.year}/{month}/{day}".rstrip("/")
    if paper.venue:  # a book's, thesis's or report's venue is its publisher (PB)
        published = kind in ("BOOK", "EDBOOK", "THES", "RPRT")
        entry["publisher" if published else "secondary_title"] = paper.venue
    editors = [family_first(name, name in literal, paper.family_of(name)) for name in paper.editors]
    if editors and kind in _IN_EDITED:
        entry["secondary_authors"] = editors
    elif editors and authors and kind != "EDBOOK":  # (an EDBOOK's AU are its editors)
        # ED: editors whatever the type, as the reader and Zotero read it (A2 is the
        # editors of the book a chapter is in, and other people elsewhere).
        entry["unknown_tag"] = {"ED": editors}
    if paper.separate_publisher:
        entry.setdefault("publisher", paper.separate_publisher)
    if paper.publisher_place:
        entry["place_published"] = paper.publisher_place
    if paper.volume:
        entry["volume"] = paper.volume
    if paper.issue:
        entry["number"] = paper.issue
    if paper.pages:
        start, _, end = paper.pages.replace("–", "-").partition("-")
        entry["start_page"] = start.strip()
        if end.strip("- "):
            entry["end_page"] = end.strip("- ")
    if paper.doi:
        entry["doi"] = paper.doi
    if paper.url:
        entry["urls"] = [paper.url]
    if paper.abstract:
        entry["abstract"] = _paragraphs(paper.abstract)
    if tags:
        entry["keywords"] = list(tags)
    if paper.files:  # found wherever the export goes, as BibTeX's ``file`` is written
        entry[_FILES] = list(paper.anchored_files())
    return entry


def _paragraphs(abstract: str) -> str:
    """An abstract as RIS lines: its paragraphs after blank lines, which rispy reads as
    spaces and ``parse_ris`` as paragraphs. A paragraph that would read as a tag or a
    record's number (``ER  - ...``, ``1.``) is joined to the one before with a space."""
    paragraphs: list[str] = []
    for paragraph in (" ".join(p.split()) for p in re.split(r"\n\s*\n", abstract)):
        if not paragraph:
            continue
        if paragraphs and (
            _TAG_LINE.match(paragraph) or _START.match(paragraph) or _RECORD_NUMBER.match(paragraph)
        ):
            paragraphs[-1] += " " + paragraph
        else:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


def ris_document(
    papers: Sequence[Paper],
    keys: Sequence[str],
    tags: Tags = None,
) -> str:
    import rispy

    entries = [
        ris_entry(paper, key, tags(paper) if tags else ())
        for paper, key in zip(papers, keys, strict=True)
    ]
    text = str(rispy.dumps(entries, list_tags=_list_tags(), enforce_list_tags=False))
    # rispy numbers the records ("1." above TY); other readers take that for a stray line.
    return _NUMBER_LINES.sub("", text)
