"""A decoded JSON document: which kind of JSON it is, then the importer for that kind.

- paperbrowse's own ``parse --json`` output: ``{"name": ..., "papers": [...]}``
  (the profile header is restored) or ``{"papers": [...]}`` or a list of papers;
- CSL-JSON (Zotero, pandoc): a list of items with ``type`` and CSL keys;
- Semantic Scholar API responses (``paperId``, ``authorId``);
- OpenAlex works: one work (``/works/W...``) or a page of them (``{"meta": ..., "results":
  [...]}``), read as ``openalex`` says;

The text of a ``.json`` file is decoded by ``jsonl.parse_json``, which also
reads JSON Lines saved as ``.json`` line by line.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from paperbrowse.core.errors import FormatError, Problem
from paperbrowse.core.formats import ImportResult, csljson, s2
from paperbrowse.core.formats.openalex import looks_like_openalex
from paperbrowse.core.formats.records import paper_from_record
from paperbrowse.core.models import Profile

_PROFILE_FIELDS = (
    "primary_category",
    "h_index",
    "paper_count",
    "citations",
    "novelty",
    "ai_score",
    "figures_given",  # (a Semantic Scholar author's: ``s2.S2_FIGURES``)
)


def parse_document(document: Any, file: str) -> ImportResult:
    """Papers from a decoded JSON document of any of the known kinds."""
    items = _items(document)
    if (
        s2.is_s2_author(document)
        or s2.is_s2_paper(document)
        or (items and s2.is_s2_paper(items[0]))
    ):
        return s2.parse_s2(document, file)
    if items and isinstance(items[0], dict) and looks_like_openalex(items[0]):
        return _own_papers(items, file)  # (each record as ``records.paper_from_record`` reads it)
    if items and csljson.looks_like_csl(items[0]):
        return csljson.parse_csl_items(items, file)
    if items is None:
        raise FormatError(file, 'this JSON holds no papers (expected a list or a "papers" list)')
    result = _own_papers(items, file)
    if isinstance(document, dict) and isinstance(document.get("name"), str):
        result.profile = _profile_header(document, result, file)
    return result


def _items(document: Any) -> list[Any] | None:
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        for key in ("papers", "items", "data", "results"):  # results: an OpenAlex page
            if isinstance(document.get(key), list):
                return list(document[key])
        if "title" in document:
            return [document]
    return None


def _own_papers(items: list[Any], file: str) -> ImportResult:
    result = ImportResult()
    for number, record in enumerate(items, start=1):
        paper_from_record(result, record, file, None, f"paper {number}: ")
    return result


def _profile_header(document: dict[str, Any], result: ImportResult, file: str) -> Profile | None:
    """The profile a ``parse --json`` document came from, so the header shows again."""
    fields = {name: document.get(name) for name in _PROFILE_FIELDS}
    try:
        return Profile(name=document["name"], papers=tuple(result.papers), source=file, **fields)
    except ValidationError:
        result.problems.append(Problem(file, None, "profile header not readable; papers kept"))
        return None
