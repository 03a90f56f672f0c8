"""A Crossref work (``GET /works/{doi}``) made a paper.

Crossref's ``message`` is nearly a CSL-JSON item, so it is read by ``formats.csljson``
once its differences are smoothed: titles come as lists (and a subtitle apart), types
have Crossref's names, an organisation's name is ``name`` (CSL's ``literal``), and titles
and abstracts carry JATS tags and HTML entities (``<jats:p>``, ``&amp;``).
"""

from __future__ import annotations

import re
from typing import Any

from paperbrowse.core.formats.csljson import paper_from_csl
from paperbrowse.core.models import DOI_PREFIX, Paper, SourceRef
from paperbrowse.core.text.clean import html_text

# Crossref's types, in CSL's words (Crossref's /types list); any other is "misc".
CROSSREF_TO_CSL = {
    "journal-article": "article-journal",
    "proceedings-article": "paper-conference",
    "book-chapter": "chapter",
    "book-section": "chapter",
    "book-part": "chapter",
    "book": "book",
    "edited-book": "book",
    "monograph": "book",
    "reference-book": "book",
    "posted-content": "article",
    "report": "report",
    "dissertation": "thesis",
    "dataset": "dataset",
    "reference-entry": "entry",
    "standard": "standard",
}
# Crossref's kinds of work that a venue already tells a reader: every other kind is named
# beside a title search's works (``work_kind``), so that a reference entry, a book chapter
# or a peer review of the paper is not taken for the paper itself.
PAPER_KINDS = frozenset({"journal-article", "proceedings-article", "posted-content"})
_JATS_TITLE = re.compile(r"<jats:title>(.*?)</jats:title>", re.DOTALL)
_PARAGRAPH_END = re.compile(r"</(?:jats:)?p>", re.IGNORECASE)
_TAG = re.compile(r"<[^<>]+>")


def _lead_in(title: re.Match[str]) -> str:
    """A structured abstract's section title (``Background``) leads its paragraph, as
    PubMed shows it; a title that only says "Abstract" goes."""
    words = _TAG.sub("", title.group(1)).strip()
    return "" if words.lower() in ("abstract", "summary", "") else f"{words}: "


def jats_text(raw: object, paragraphs: bool = False) -> str:
    """JATS or HTML markup to plain text: tags dropped, entities read, and (``paragraphs``)
    each ``</jats:p>`` a paragraph break, a section's title leading its paragraph."""
    if isinstance(raw, list):
        raw = raw[0] if raw else ""
    if not isinstance(raw, str):
        return ""
    text = _JATS_TITLE.sub(_lead_in, raw)
    if paragraphs:
        text = _PARAGRAPH_END.sub("\n\n", text)
    return html_text(text).strip()


def _names(people: object) -> list[dict[str, str]]:
    if not isinstance(people, list):
        return []
    names = []
    for person in people:
        if not isinstance(person, dict):
            continue
        if person.get("name") and not person.get("family"):
            names.append({"literal": str(person["name"])})
        else:  # (a part given as null is left out, never written "None")
            parts = {k: str(person[k]) for k in ("given", "family", "suffix") if person.get(k)}
            if parts:
                names.append(parts)
    return names


def _title(work: dict[str, Any]) -> str:
    """The title, and its subtitle after a colon (as Zotero joins them) unless the title
    has it already."""
    title = jats_text(work.get("title"))
    subtitle = jats_text(work.get("subtitle"))
    if subtitle and subtitle.lower() not in title.lower():
        return f"{title}: {subtitle}" if title else subtitle
    return title


def work_kind(work: dict[str, Any]) -> str | None:
    """The kind of a work in words ("reference entry", "book chapter"), or None for a paper
    in a journal, proceedings or preprint server (``PAPER_KINDS``) or a work of no kind."""
    kind = work.get("type")
    if not isinstance(kind, str) or not kind or kind in PAPER_KINDS:
        return None
    return kind.replace("-", " ")


def csl_of_work(work: dict[str, Any]) -> dict[str, Any]:
    """The CSL-JSON item a Crossref work stands for."""
    issued = work.get("issued") or work.get("published-print") or work.get("published-online")
    item: dict[str, Any] = {
        "type": CROSSREF_TO_CSL.get(str(work.get("type")), "misc"),
        "title": _title(work),
        "author": _names(work.get("author")),
        "editor": _names(work.get("editor")),
        "issued": issued,
        "container-title": jats_text(work.get("container-title")),
        "abstract": jats_text(work.get("abstract"), paragraphs=True),
    }
    for key in ("DOI", "URL", "volume", "issue", "page", "publisher", "publisher-location"):
        if isinstance(work.get(key), str):
            item["publisher-place" if key == "publisher-location" else key] = work[key]
    if _is_doi_link(item.get("URL"), item.get("DOI")):
        del item["URL"]  # Crossref's URL is the DOI's own link: shown from the DOI already
    return item


def _is_doi_link(url: object, doi: object) -> bool:
    if not isinstance(url, str) or not isinstance(doi, str):
        return False
    return DOI_PREFIX.sub("", url.strip()).lower() == doi.strip().lower() and "doi.org/" in url


def paper_from_work(work: dict[str, Any], source: str) -> Paper:
    """A paper from Crossref's ``message``; raises ValueError when it has no title."""
    return paper_from_csl(csl_of_work(work), SourceRef(file=source))
