"""What a user typed to name a paper: a DOI or an arXiv id, bare or as a link.

Pasted text comes with what surrounds it: brackets, quotes, a full stop, a link's query
or fragment (``?context=math``), a link without its scheme (``doi.org/...``), arXiv's
primary class (``arXiv:1605.08386 [math.CO]``). These are dropped; a DOI's own brackets
(``10.1002/(SICI)...``) stay. A publisher's link with a DOI in it gives that DOI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, urlsplit

Service = Literal["doi", "arxiv"]

# A DOI: "10." and a registrant code, a slash, and anything but spaces (Crossref's advice).
_DOI = re.compile(r"^(?:doi:?\s*)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)
# arXiv's new ids (since 2007: 0704.0001, 2004.07180v2) and old ones (hep-th/9901001).
ARXIV_ID = r"(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?"
# (arXiv's "Cite as" line adds the primary class: arXiv:1605.08386 [math.CO].)
_ARXIV = re.compile(
    r"^(?:arxiv:?\s*)?" + ARXIV_ID + r"(?:\s*\[[a-z-]+(?:\.[a-z-]+)?\])?$", re.IGNORECASE
)
# What a publisher's page adds after the DOI in its link: /full, .pdf, .full.pdf...
_PAGE_SUFFIX = re.compile(
    r"(?:/(?:full|abstract|epdf|pdf|fulltext|html|summary))+/?$|(?:\.full)?(?:\.pdf|\.html?)?$",
    re.IGNORECASE,
)
# A DOI in a publisher's link (dl.acm.org/doi/10..., nature.com/articles/10...).
_DOI_IN_LINK = re.compile(r"(?:^|/|=)(10\.\d{4,9}/[^\s?#&]+)")
# An arxiv.org page of a paper: its abstract, PDF or HTML.
_ARXIV_PAGE = re.compile(r"^/(?:abs|pdf|html)/" + ARXIV_ID + r"(?:\.pdf)?/?$", re.IGNORECASE)
# arXiv's DOIs (DataCite's, since 2022) name the paper on arXiv: looked up there.
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\." + ARXIV_ID + "$", re.IGNORECASE)
_WRAPPING = "\"'<>()[]{}“”‘’«»"
_TRAILING = ".,;:!?"


@dataclass(frozen=True)
class Identifier:
    service: Service
    value: str  # the DOI (as written) or the arXiv id without its version

    def __str__(self) -> str:
        return f"arXiv:{self.value}" if self.service == "arxiv" else self.value


def read_identifier(text: str) -> Identifier | None:
    """The DOI or arXiv id in ``text``, or None when it is neither."""
    typed = _unwrapped(text)
    link = _link_path(typed)
    if link is not None:
        host, path, query = link
        if _on_host(host, "arxiv.org"):
            page = _ARXIV_PAGE.match(path)
            return _on_arxiv(page.group(1)) if page else None
        if _on_host(host, "doi.org"):
            typed = unquote(path.lstrip("/"))
        else:  # a publisher's page named by its DOI, in its path or its query
            found = _DOI_IN_LINK.search(unquote(path)) or _DOI_IN_LINK.search(unquote(query))
            if found is None:
                return None
            typed = _PAGE_SUFFIX.sub("", found.group(1))
            if typed.startswith("10.1101/"):  # bioRxiv and medRxiv: the page's version
                typed = re.sub(r"v\d+$", "", typed)
    arxiv = _ARXIV.match(typed)
    if arxiv:
        return _on_arxiv(arxiv.group(1))
    doi = _DOI.match(typed)
    if doi is None:
        return None
    value = _balanced(doi.group(1))
    on_arxiv = _ARXIV_DOI.match(value)
    if on_arxiv:
        return _on_arxiv(on_arxiv.group(1))
    return Identifier("doi", value)


def _on_arxiv(arxiv_id: str) -> Identifier:
    return Identifier("arxiv", canonical_arxiv_id(arxiv_id))


def canonical_arxiv_id(arxiv_id: str) -> str:
    """An old-style id as arXiv knows it: ``math.AG/0601001`` is ``math/0601001``."""
    return re.sub(r"^([a-z-]+)\.[a-z]{2}/", r"\1/", arxiv_id, flags=re.I)


def _unwrapped(text: str) -> str:
    """Without the brackets, quotes and full stop around a pasted identifier."""
    typed = text.strip()
    while typed:
        trimmed = typed.strip().rstrip(_TRAILING)
        if len(trimmed) > 1 and trimmed[0] in _WRAPPING and trimmed[-1] in _WRAPPING:
            trimmed = trimmed[1:-1]
        elif trimmed and trimmed[0] in "\"'<“‘«":
            trimmed = trimmed[1:]
        if trimmed == typed:
            break
        typed = trimmed
    return typed


def _link_path(typed: str) -> tuple[str, str, str] | None:
    """A link's host, path and query (its fragment dropped); None if it is no link."""
    if re.match(r"^(?:www\.|dx\.)?(?:doi|arxiv)\.org/", typed, re.IGNORECASE):
        typed = "https://" + typed
    if not re.match(r"^https?://", typed, re.IGNORECASE):
        return None
    parts = urlsplit(typed)
    return parts.netloc.lower(), parts.path, parts.query


def _on_host(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


_CLOSING = {")": "(", "]": "[", ">": "<", "}": "{"}


def _balanced(doi: str) -> str:
    """A DOI without a closing bracket or punctuation pasted after it: its own brackets,
    balanced (``10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O``), stay."""
    while doi:
        last = doi[-1]
        opening = _CLOSING.get(last)
        if last in _TRAILING or (opening and doi.count(opening) < doi.count(last)):
            doi = doi[:-1]
        else:
            break
    return doi


WHAT_TO_TYPE = "a DOI (10.18653/v1/2020.acl-main.207), an arXiv id (2004.07180) or a link to one"
# What a title never is: a link, a DOI's or an arXiv id's start, or a number and dots
# (a mistyped id: searched as a title, it finds unrelated works a user might add).
_IDENTIFIER_LIKE = re.compile(r"://|^\s*(?:10\.|doi:|arxiv[:.]|[\d.v/\s-]+$)", re.IGNORECASE)


def meant_as_identifier(text: str) -> bool:
    """Whether ``text``, which ``read_identifier`` reads no identifier in, was meant as one
    (a mistyped DOI or arXiv id, an unknown site's link) rather than as a title."""
    return bool(_IDENTIFIER_LIKE.search(text))


# Where a line of a paste ends in the middle of an identifier: after a link's or DOI's
# slash, a hyphen, or a dot that follows a part of an id (``2020.``, ``10.1145/3``), not a
# word (``learning.``: a sentence's end).
_BROKEN_ID = re.compile(r"(?:[/-]|[/\d:][^\s/]*\.)$")


def pasted_on_one_line(text: str) -> str:
    """A paste of several lines as one line (a DOI or a title copied from a PDF wraps):
    joined without a space where the break is inside an identifier (a line ending in
    ``/``, ``-`` or an id's ``.``, or, in a paste that starts as an identifier, a next
    line without spaces), else with one space, between a title's words.

    A title's hyphen at a line's end is kept and its halves joined (``hyper-`` and
    ``parameter``: ``hyper-parameter``): titles are seldom set justified, so such a
    hyphen is nearly always the title's own (``state-of-the-art``), and dropping one
    would mangle those; a word broken by a printer's hyphen still finds its paper."""
    from paperbrowse.core.lookup.pasted import is_bibtex_entry, without_comments

    if is_bibtex_entry(text):  # its values' words spaced, whatever its key looks like
        # (@misc{https://doi.org/...); a comment joined in would hide what follows it
        return " ".join(line.strip() for line in without_comments(text))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return ""
    starts_as_id = read_identifier(lines[0]) is not None or meant_as_identifier(lines[0])
    joined = lines[0]
    for line in lines[1:]:
        unbroken = len(line.split()) == 1 and (starts_as_id or bool(_BROKEN_ID.search(joined)))
        if joined.endswith("-") or unbroken:
            joined += line
        else:
            joined += " " + line
    return joined
