"""What a user typed to name a paper: a DOI or an arXiv id, bare or as a link."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote

Service = Literal["doi", "arxiv"]

# A DOI: "10." and a registrant code, a slash, and anything but spaces (Crossref's advice).
_DOI = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)
# arXiv's new ids (since 2007: 0704.0001, 2004.07180v2) and old ones (hep-th/9901001).
_ARXIV_ID = r"(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?"
_ARXIV = re.compile(
    r"^(?:arxiv:\s*|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)?"
    + _ARXIV_ID
    + r"(?:\.pdf)?/?$",
    re.IGNORECASE,
)
# arXiv's DOIs (DataCite's, since 2022) name the paper on arXiv: looked up there.
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\." + _ARXIV_ID + "$", re.IGNORECASE)


@dataclass(frozen=True)
class Identifier:
    service: Service
    value: str  # the DOI (as written) or the arXiv id without its version

    def __str__(self) -> str:
        return f"arXiv:{self.value}" if self.service == "arxiv" else self.value


def read_identifier(text: str) -> Identifier | None:
    """The DOI or arXiv id in ``text``, or None when it is neither."""
    typed = text.strip().strip("<>\"'")
    arxiv = _ARXIV.match(typed)
    if arxiv:
        return Identifier("arxiv", arxiv.group(1))
    doi = _DOI.match(unquote(typed) if typed.lower().startswith("http") else typed)
    if doi is None:
        return None
    value = doi.group(1).rstrip(".,;")
    on_arxiv = _ARXIV_DOI.match(value)
    if on_arxiv:
        return Identifier("arxiv", on_arxiv.group(1))
    return Identifier("doi", value)


WHAT_TO_TYPE = "a DOI (10.18653/v1/2020.acl-main.207), an arXiv id (2004.07180) or a link to one"
