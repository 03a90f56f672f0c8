"""Plain-data models: a paper, a researcher profile.

Models are frozen pydantic v2 classes with small helpers and no behaviour
beyond presenting their own fields; parsing lives in the importers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import unicodedata
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from paperbrowse.core.categories import category_name

DatePrecision = Literal["day", "month", "year"]


# ``defer_build``: a model's validator is built when it first validates, not when this module
# is imported (20 ms): a reopened library makes its papers from cached rows, unvalidated,
# and never needs it.


class SourceRef(BaseModel):
    """Where a record came from: the file and the line its record starts on."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


class _CombiningMarks(dict[int, int | None]):
    """For ``str.translate``: a combining mark (an accent, once decomposed) to None, any
    other character to itself; each character looked up once, then read at C speed."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_COMBINING_MARKS = _CombiningMarks()


def fold(text: str) -> str:
    """Lower-case, accents removed, for comparing and searching (``Müller`` -> ``muller``)."""
    if text.isascii():  # most text: nothing to decompose
        return text.lower()
    return unicodedata.normalize("NFKD", text).translate(_COMBINING_MARKS).casefold()


_NON_WORD = re.compile(r"[\W_]+")
# An ASCII byte to its lower case when a letter or digit, else to a space: what ``_NON_WORD``
# and ``fold`` make of an ASCII title, three times faster (every paper's title is reduced
# on each cold open, by ``paper_id`` and by duplicate merging: 0.4 s at 100k papers).
_ASCII_WORD_BYTES = bytes(
    ord(chr(code).lower()) if chr(code).isalnum() else ord(" ") for code in range(128)
) + bytes(range(128, 256))


def normalise_title(title: str) -> str:
    """A title reduced to its folded words, to spot the same paper twice."""
    if title.isascii():
        return b" ".join(title.encode().translate(_ASCII_WORD_BYTES).split()).decode()
    return _NON_WORD.sub(" ", fold(title)).strip()


# A DOI's link or ``doi:`` before it, as files write them (one pattern for every reader).
DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def bare_doi(doi: str) -> str:
    """A DOI without the link or ``doi:`` it may be written as: ``https://doi.org/10.1/x``
    (OpenAlex writes every DOI so in JSON Lines and CSL-JSON) is ``10.1/x``. The readers
    of BibTeX, RIS, OpenAlex works and JSON Lines store a DOI so, for the paper's id and
    merging are made from it (``marks.store`` finds marks kept under the id of a DOI once
    stored as a link); a CSL item's DOI is kept as given, and linked and cited so."""
    if doi.startswith("10."):
        return doi
    return DOI_PREFIX.sub("", doi).strip() or doi


# A Windows path written on another machine (Mendeley's ``C:/Users/...``, a share's
# ``\\\\server\\x``): absolute there, no path here, never joined to a library's folder.
_FOREIGN_ABSOLUTE = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\)")


def foreign_absolute(path: str) -> bool:
    """Whether ``path`` is another system's absolute path (Windows', read elsewhere)."""
    return os.name != "nt" and _FOREIGN_ABSOLUTE.match(path) is not None


def doi_link(doi: str) -> str:
    """The DOI's web address (``https://doi.org/https://doi.org/...`` was opened and cited
    for a DOI written as a link)."""
    return f"https://doi.org/{bare_doi(doi)}"


def paper_id(title: str, year: int | None, doi: str | None = None) -> str:
    """A stable id: from the DOI when there is one, else from the title and year.

    The same paper gets the same id every run, whichever file it came from, so
    user data (bookmarks, notes) keyed by it survives re-parsing.
    """
    if doi:
        key = "doi:" + doi.strip().lower()
    else:
        key = f"title:{normalise_title(title)}|{year or ''}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def first_surname(authors: tuple[str, ...]) -> str | None:
    """The first author's surname as merging compares it (folded, no full stop)."""
    if not authors:
        return None
    words = authors[0].split()
    return fold(words[-1]).strip(".") if words else None


def compatible(kept: tuple[str | None, str | None], other: tuple[str | None, str | None]) -> bool:
    """Whether two copies may be one paper, by their (DOI, first author's surname): two
    DOIs, or two first authors, that differ say they are two papers (``core.merge``)."""
    (kept_doi, first), (other_doi, second) = kept, other
    if kept_doi and other_doi and kept_doi.lower() != other_doi.lower():
        return False
    return first is None or second is None or first == second


def joined_authors(authors: tuple[str, ...], et_al: bool) -> str:
    """Authors comma-separated, with ``et al.`` where the list was cut (``authors_text``)."""
    text = ", ".join(authors)
    if et_al:
        text = f"{text} et al." if text else "et al."
    return text


def family_in(forms: tuple[str | tuple[str, str], ...], name: str) -> str | None:
    """The family name recorded for ``name`` among a paper's ``name_forms`` (the first
    one: a merge keeps the kept copy's first), else None."""
    for form in forms:
        if not isinstance(form, str) and form[0] == name:
            return form[1]
    return None


class Paper(BaseModel):
    """One paper, from whatever source."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    id: str
    title: str
    # Where the title's case is the file's to keep, as (start, end) offsets into ``title``:
    # BibTeX's braces (``in {New York}``); sentence case and exports leave those as written.
    title_kept: tuple[tuple[int, int], ...] = ()
    authors: tuple[str, ...] = ()
    et_al: bool = False
    category: str | None = None
    date: dt.date | None = None
    date_precision: DatePrecision = "day"
    year_inferred: bool = False
    has_code: bool = False
    abstract: str | None = None
    links: tuple[str, ...] = ()
    venue: str | None = None
    doi: str | None = None
    url: str | None = None
    # Where in its journal or proceedings: for references (``core.cite``) and exports.
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    # The book or proceedings the paper is in: its editors (when the paper has authors of
    # its own), publisher and publisher's place (BibTeX ``editor``, ``publisher``,
    # ``address``), for references: Chicago cites a paper in edited proceedings like a
    # chapter, "In *Proceedings*, edited by ...".
    # A work with editors and no authors (an edited book, a collection) has them as both:
    # as its authors, whom the list shows and searches find, and as its editors, which
    # exports and references write (``is_edited``: "Doe, J. (Ed.)").
    editors: tuple[str, ...] = ()
    # How the file wrote the authors and editors whose names are not split the usual way
    # (``formats.names``), in one field (one more would cost every paper an 1,300-byte
    # dict: ``_share_keys``). Read as two views:
    # - a name, a str: one written whole, never split into given and family names:
    #   BibTeX's braced ``{Hugging Face}``, CSL's ``literal``. Organisations, mostly, which
    #   exports keep whole (``{Hugging Face}``, not ``Face, Hugging``) (``literal_names``);
    # - a (name, family name) pair: one whose family name, as the file gave it, is not what
    #   splitting the display name gives, such as (``Antoine Grenier Ouimet``, ``Grenier
    #   Ouimet``) from BibTeX's ``Grenier Ouimet, Antoine`` or CSL's family and given.
    #   References, keys and exports split it there (``family_names``, ``family_of``); the
    #   list and search show the name as it is.
    # Empty for most papers.
    name_forms: tuple[str | tuple[str, str], ...] = ()
    publisher: str | None = None
    publisher_place: str | None = None
    citekey: str | None = None
    entry_type: str | None = None
    source: SourceRef | None = None
    # Every place the paper was read, when it was seen more than once (the first is `source`).
    sources: tuple[SourceRef, ...] = ()
    # Attached files (PDFs) as the library writes them; relative ones are resolved
    # against the library's folder by ``core.pdf.locate``.
    files: tuple[str, ...] = ()
    # Citation edges as the file gave them: the works this paper cites, and those citing
    # it, 24 bytes each (digests of DOI, title and year, key: ``formats.edges``), resolved
    # against the library's papers only when asked (``core.citations``). Empty for most.
    cites: bytes = b""
    cited_by: bytes = b""

    @property
    def category_name(self) -> str | None:
        return category_name(self.category)

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None

    def anchored_files(self) -> tuple[str, ...]:
        """Its files, those relative to its library's folder joined to that folder (as
        ``core.pdf.locate`` resolves them): the same files, written anywhere else."""
        if self.source is None or not self.files:
            return self.files
        folder = os.path.dirname(os.path.abspath(self.source.file))
        return tuple(
            path
            if os.path.isabs(os.path.expanduser(path)) or foreign_absolute(path)
            else os.path.join(folder, path)
            for path in self.files
        )

    @property
    def literal_names(self) -> tuple[str, ...]:
        """The authors and editors written as one name (``name_forms``' names)."""
        return tuple(form for form in self.name_forms if isinstance(form, str))

    @property
    def family_names(self) -> tuple[tuple[str, str], ...]:
        """(name, family name) of the authors and editors whose file gave a family name
        that splitting the name would get wrong (``name_forms``' pairs)."""
        return tuple(form for form in self.name_forms if not isinstance(form, str))

    def family_of(self, name: str) -> str | None:
        """The family name its file gave author or editor ``name``, when splitting the name
        would get it wrong (``family_names``), else None."""
        return family_in(self.name_forms, name)

    @property
    def is_edited(self) -> bool:
        """Whether its authors are its editors: a work with editors only (``editors``)."""
        return bool(self.editors) and self.editors == self.authors

    @property
    def separate_publisher(self) -> str | None:
        """The publisher, unless it is the venue already (a book's, or a file's only place
        of publication), so that writers print it once."""
        return self.publisher if self.publisher != self.venue else None

    @property
    def first_link(self) -> str | None:
        """The URL a user most likely wants to open: the paper's own, else the first in the text."""
        if self.url:
            return self.url
        if self.doi:
            return doi_link(self.doi)
        return self.links[0] if self.links else None

    @property
    def web_link(self) -> str | None:
        """The first link that is a web address (http or https): the only kind the app opens."""
        from_doi = doi_link(self.doi) if self.doi else None
        for link in (self.url, from_doi, *self.links):
            if link and link.lower().startswith(("http://", "https://")):
                return link
        return None

    def date_text(self) -> str:
        """The date as a reader wants it: ``2025-04-10``, ``2021-07``, ``2019``, or ``""``."""
        if self.date is None:
            return ""
        if self.date_precision == "year":
            return f"{self.date.year}"
        if self.date_precision == "month":
            return self.date.strftime("%Y-%m")
        return self.date.isoformat()

    def authors_text(self) -> str:
        """All authors, comma-separated, with ``et al.`` where the list was cut."""
        return joined_authors(self.authors, self.et_al)

    def to_json_dict(self) -> dict[str, Any]:
        """The paper as ``parse --json`` and ``search --json`` print it, and the JSON export
        and JSON Lines hold it: everything its BibTeX or CSL-JSON export keeps, so that
        ``formats.records.json_values`` reads back the same paper. Its files are written
        as ``anchored_files``: found wherever the JSON goes."""
        return {
            "id": self.id,
            "title": self.title,
            # (start, end) of each span the title's case is kept in (``title_kept``).
            "title_kept": [list(span) for span in self.title_kept],
            "authors": list(self.authors),
            "et_al": self.et_al,
            "editors": list(self.editors),
            "literal_names": list(self.literal_names),
            "family_names": self._family_names_json(),
            "category": self.category,
            "category_name": self.category_name,
            "date": self.date.isoformat() if self.date else None,
            "date_precision": self.date_precision,
            "year_inferred": self.year_inferred,
            "has_code": self.has_code,
            "abstract": self.abstract,
            "links": list(self.links),
            "venue": self.venue,
            "volume": self.volume,
            "issue": self.issue,
            "pages": self.pages,
            "publisher": self.publisher,
            "publisher_place": self.publisher_place,
            "doi": self.doi,
            "url": self.url,
            "citekey": self.citekey,
            "entry_type": self.entry_type,
            "files": list(self.anchored_files()),
        }

    def _family_names_json(self) -> dict[str, str]:
        """``family_names`` as a JSON object, name to family name: the first one given for
        a name, which is the one ``family_of`` gives."""
        families: dict[str, str] = {}
        for name, family in self.family_names:
            families.setdefault(name, family)
        return families


def same_paper(kept: Paper, other: Paper) -> bool:
    """Whether merging (``core.merge``) takes ``other`` for a copy of ``kept``: the same DOI
    (in any case), or the same title and year, their DOIs and first authors not saying
    otherwise."""
    kept_doi, other_doi = (kept.doi or "").lower(), (other.doi or "").lower()
    title = normalise_title(kept.title)
    alike = (kept_doi and kept_doi == other_doi) or (
        title and title == normalise_title(other.title) and kept.year == other.year
    )
    return bool(alike) and compatible(
        (kept.doi, first_surname(kept.authors)), (other.doi, first_surname(other.authors))
    )


def _share_keys(model: type[BaseModel]) -> None:
    """Let instances built field by field (``rows.construct``, how the cache and the
    parse workers' papers are built) share one table of attribute names (PEP 412's
    key-sharing dicts): their fields then cost 8 bytes each, not a dict of 800 bytes.

    CPython fills a class's shared table only from its first few instances, so it is
    filled here, from a probe made right after the class, in the order of its fields.
    Elsewhere (or on another Python) instances just get dicts of their own, as before.
    """
    probe = model.__new__(model)
    for name in model.model_fields:
        object.__setattr__(probe, name, None)


_share_keys(SourceRef)
_share_keys(Paper)


class Profile(BaseModel):
    """A researcher's publication profile: the header figures and the papers."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    name: str
    primary_category: str | None = None
    h_index: int | None = None
    paper_count: int | None = None
    citations: int | None = None
    novelty: float | None = None
    ai_score: float | None = None
    papers: tuple[Paper, ...] = ()
    source: str | None = None
    # The header figures its file's kind can give (None: all of them): a Semantic Scholar
    # author gives no category, novelty or AI score, and is no damaged header without them.
    figures_given: tuple[str, ...] | None = None

    @property
    def primary_category_name(self) -> str | None:
        return category_name(self.primary_category)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "primary_category": self.primary_category,
            "primary_category_name": self.primary_category_name,
            "h_index": self.h_index,
            "paper_count": self.paper_count,
            "citations": self.citations,
            "novelty": self.novelty,
            "ai_score": self.ai_score,
            **({} if self.figures_given is None else {"figures_given": list(self.figures_given)}),
            "papers": [paper.to_json_dict() for paper in self.papers],
        }
