"""Asking Crossref or arXiv for a paper: the requests, and their failures as one line.

The addresses are Crossref's and arXiv's public APIs; ``PAPERBROWSE_CROSSREF_URL`` and
``PAPERBROWSE_ARXIV_URL`` point them elsewhere (a mirror, or the tests' local server,
which replays recorded responses). Requests carry paperbrowse's name and version, as
Crossref asks of every client, and give up after ``TIMEOUT`` seconds; arXiv's own API is
asked at most once every three seconds, as its terms ask.
"""

from __future__ import annotations

import json
import os
import threading
import time
from urllib.parse import quote

from paperbrowse import __version__
from paperbrowse.core.errors import PaperbrowseError
from paperbrowse.core.lookup.identifiers import WHAT_TO_TYPE, Identifier, read_identifier
from paperbrowse.core.models import Paper

CROSSREF_URL = "https://api.crossref.org"
ARXIV_URL = "https://export.arxiv.org"
TIMEOUT = 15.0  # seconds; arXiv's API can take several
MAX_BYTES = 8 << 20  # an answer larger than this is refused, not read on
USER_AGENT = f"paperbrowse/{__version__} (https://pypi.org/project/paperbrowse/)"


class LookupFailed(PaperbrowseError):
    """A paper that could not be looked up; the message is one line for the user."""


def _base(variable: str, default: str) -> str:
    return (os.environ.get(variable) or default).rstrip("/")


def look_up(typed: str, timeout: float = TIMEOUT) -> Paper:
    """The paper ``typed`` names (a DOI, an arXiv id or a link), from Crossref or arXiv.
    Raises LookupFailed."""
    identifier = read_identifier(typed)
    if identifier is None:
        typed = typed.strip()
        raise LookupFailed(f"{typed!r} is neither a DOI nor an arXiv id; type {WHAT_TO_TYPE}")
    if identifier.service == "arxiv":
        return _from_arxiv(identifier, timeout)
    return _from_crossref(identifier, timeout)


def _get(url: str, params: dict[str, str] | None, what: Identifier, timeout: float) -> bytes:
    import httpx  # (not before a lookup: the app's start never needs it)

    headers = {"User-Agent": USER_AGENT}
    try:
        with httpx.stream(
            "GET", url, params=params, headers=headers, timeout=timeout, follow_redirects=True
        ) as response:
            _check_status(response.status_code, url, what)
            body = bytearray()
            deadline = time.monotonic() + timeout  # (httpx's timeout is each read's)
            for piece in response.iter_bytes():
                body += piece
                if len(body) > MAX_BYTES:  # a work's record is kilobytes: this is no record
                    raise LookupFailed(f"{what}: {_host(url)} answered over {MAX_BYTES >> 20} MB")
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("the answer is still coming")
            return bytes(body)
    except httpx.TimeoutException:
        raise LookupFailed(f"{what}: {_host(url)} did not answer within {timeout:g} s") from None
    except httpx.HTTPError as error:
        reason = str(error) or type(error).__name__
        raise LookupFailed(f"{what}: cannot reach {_host(url)} ({reason}); offline?") from None


def _check_status(status: int, url: str, what: Identifier) -> None:
    if status == 404:
        raise LookupFailed(f"{what}: not found at {_host(url)}")
    if status == 429:
        raise LookupFailed(f"{what}: {_host(url)} asks to wait (too many requests); try later")
    if status >= 400:
        raise LookupFailed(f"{what}: {_host(url)} answered {status}")


def _host(url: str) -> str:
    return url.split("//", 1)[-1].split("/", 1)[0]


def _from_crossref(identifier: Identifier, timeout: float) -> Paper:
    from paperbrowse.core.lookup.crossref import paper_from_work

    url = f"{_base('PAPERBROWSE_CROSSREF_URL', CROSSREF_URL)}/works/{quote(identifier.value)}"
    body = _get(url, None, identifier, timeout)
    try:
        answer = json.loads(body)
        work = answer["message"]
        if not isinstance(work, dict):
            raise TypeError("message is not an object")
        return paper_from_work(work, f"doi:{identifier.value}")
    except (ValueError, KeyError, TypeError) as error:
        raise LookupFailed(f"{identifier}: Crossref's answer is not a work ({error})") from None


# arXiv's API terms: no more than one request every three seconds (``add`` of many ids).
ARXIV_GAP = 3.0
_arxiv_turn = threading.Lock()
_arxiv_last = [-ARXIV_GAP]  # time.monotonic() of the last request


def _wait_for_arxiv() -> None:
    with _arxiv_turn:
        time.sleep(max(0.0, _arxiv_last[0] + ARXIV_GAP - time.monotonic()))
        _arxiv_last[0] = time.monotonic()


def _from_arxiv(identifier: Identifier, timeout: float) -> Paper:
    from paperbrowse.core.lookup.arxiv import NotOnArxiv, paper_from_feed

    base = _base("PAPERBROWSE_ARXIV_URL", ARXIV_URL)
    if base == ARXIV_URL:
        _wait_for_arxiv()
    body = _get(f"{base}/api/query", {"id_list": identifier.value}, identifier, timeout)
    try:
        return paper_from_feed(body, identifier.value, f"arXiv:{identifier.value}")
    except NotOnArxiv as error:
        raise LookupFailed(f"{identifier}: {error}") from None
    except ValueError as error:  # ElementTree's ParseError, or an entry without a title
        raise LookupFailed(f"{identifier}: arXiv's answer is not a paper ({error})") from None
