"""An arXiv API answer (``GET /api/query?id_list=...``, an Atom feed) made a paper.

An entry becomes a CSL-JSON item read by ``formats.csljson``, as Crossref's works are: a
preprint (``article``) whose venue is ``arXiv preprint arXiv:ID`` (as Google Scholar's
BibTeX has it, so a reference names the id), its abstract the entry's summary, its link
the abstract page, and its DOI the journal's when arXiv has one (``arxiv:doi``), else arXiv's own
(``10.48550/arXiv.ID``), so that adding it twice is noticed either way.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from typing import Any

from paperbrowse.core.formats.csljson import paper_from_csl
from paperbrowse.core.models import Paper, SourceRef

_NS = {"atom": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}
_VERSION = re.compile(r"v\d+$")
_SPACES = re.compile(r"\s+")


class NotOnArxiv(ValueError):
    """The feed answers with no paper: an unknown id, or arXiv's own error entry."""


def _text(element: ElementTree.Element, path: str) -> str:
    found = element.find(path, _NS)
    return _SPACES.sub(" ", found.text or "").strip() if found is not None else ""


def _abstract(entry: ElementTree.Element) -> str:
    """The summary's paragraphs (a blank line apart in the feed); lines joined within."""
    found = entry.find("atom:summary", _NS)
    text = (found.text or "") if found is not None else ""
    paragraphs = (_SPACES.sub(" ", part).strip() for part in re.split(r"\n\s*\n", text))
    return "\n\n".join(part for part in paragraphs if part)


def csl_of_entry(entry: ElementTree.Element, arxiv_id: str) -> dict[str, Any]:
    published = _text(entry, "atom:published")[:10]  # 2020-04-15T17:05:53Z
    doi = _text(entry, "arxiv:doi") or f"10.48550/arXiv.{arxiv_id}"
    return {
        "type": "article",
        "title": _text(entry, "atom:title"),
        "author": [_text(author, "atom:name") for author in entry.findall("atom:author", _NS)],
        "issued": published,
        "abstract": _abstract(entry),
        "DOI": doi,
        "URL": f"https://arxiv.org/abs/{arxiv_id}",
        "container-title": f"arXiv preprint arXiv:{arxiv_id}",  # as Google Scholar has it
    }


def paper_from_feed(feed: bytes | str, arxiv_id: str, source: str) -> Paper:
    """The paper with ``arxiv_id`` in an arXiv API feed. Raises NotOnArxiv when the feed
    has none, ValueError (ElementTree's ParseError) when it is not XML."""
    root = ElementTree.fromstring(feed)
    for entry in root.findall("atom:entry", _NS):
        entry_id = _VERSION.sub("", _text(entry, "atom:id").rsplit("/abs/", 1)[-1])
        if entry_id.lower() == arxiv_id.lower() and _text(entry, "atom:title"):
            return paper_from_csl(csl_of_entry(entry, arxiv_id), SourceRef(file=source))
    for entry in root.findall("atom:entry", _NS):
        if "/api/errors" in _text(entry, "atom:id"):  # arXiv's own error entry
            raise NotOnArxiv(_text(entry, "atom:summary")[:200] or "arXiv answered with an error")
    raise NotOnArxiv(f"arXiv has no paper {arxiv_id}")
