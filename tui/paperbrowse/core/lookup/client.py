"""Asking Crossref or arXiv for a paper: the requests, and their failures as one line
(``fetch``, which ``core.pdf.fetch`` downloads PDFs with too).

The addresses are Crossref's and arXiv's public APIs; ``PAPERBROWSE_CROSSREF_URL`` and
``PAPERBROWSE_ARXIV_URL`` point them elsewhere (a mirror, or the tests' local server,
which replays recorded responses). Requests carry paperbrowse's name and version, as
Crossref asks of every client, and Crossref's carry the user's email when one is set
(``"email"`` in config.json): Crossref serves such requests from its "polite" pool, with
higher rate limits, and can write before it blocks. They give up after ``TIMEOUT``
seconds; arXiv's own API is asked at most once every three seconds, as its terms ask.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from paperbrowse import __version__
from paperbrowse.core.errors import PaperbrowseError
from paperbrowse.core.lookup.identifiers import WHAT_TO_TYPE, Identifier, read_identifier
from paperbrowse.core.models import Paper

CROSSREF_URL = "https://api.crossref.org"
ARXIV_URL = "https://export.arxiv.org"
TIMEOUT = 15.0  # seconds; arXiv's API can take several
MAX_BYTES = 8 << 20  # an answer larger than this is refused, not read on
HOME_PAGE = "https://pypi.org/project/paperbrowse/"
USER_AGENT = f"paperbrowse/{__version__} ({HOME_PAGE})"
_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_NOT_IN_A_COMMENT = frozenset("()<>;")  # they would end the User-Agent's comment it is in
CANCEL_POLL = 0.1  # seconds: how often a request that may be cancelled looks whether it is


class LookupFailed(PaperbrowseError):
    """A paper that could not be looked up; the message is one line for the user."""


class DownloadCancelled(LookupFailed):
    """A request given up half-way because its caller said so (the app is quitting)."""


class NotFound(LookupFailed):
    """The server answered that it has no such thing (404)."""


class Unreachable(LookupFailed):
    """No connection to the server at all (offline, a name not found, refused): asking
    another server of the same kind of question is unlikely to do better."""


def base_url(variable: str, default: str) -> str:
    """A service's address: the environment variable's when it is set (a mirror, the
    tests' server), else ``default``; without a closing slash."""
    return (os.environ.get(variable) or default).rstrip("/")


def usable_email(email: str | None) -> str | None:
    """The user's address as services are given it (spaces around it dropped), or None
    when there is none or it is no address (no ``@`` and dot after it, a space or a
    control character in it). Unpaywall's and Crossref's requests both ask this."""
    text = (email or "").strip()
    if not text or not text.isprintable() or not _ADDRESS.fullmatch(text):
        return None
    return text


def user_agent(email: str | None = None) -> str:
    """The ``User-Agent`` of paperbrowse's requests; with ``email``, as Crossref asks for
    its polite pool (given to Crossref alone: not to arXiv, nor to the hosts of PDFs).
    Anything but a plain address (``usable_email``) is left out, and so is one a header
    cannot carry: httpx takes only ASCII, and brackets or ``;`` would end the comment."""
    address = usable_email(email)
    if address is None or not address.isascii() or _NOT_IN_A_COMMENT.intersection(address):
        return USER_AGENT
    return f"paperbrowse/{__version__} ({HOME_PAGE}; mailto:{address})"


def look_up(
    typed: str,
    timeout: float = TIMEOUT,
    cancelled: Callable[[], bool] | None = None,
    email: str | None = None,
) -> Paper:
    """The paper ``typed`` names (a DOI, an arXiv id or a link), from Crossref or arXiv.
    Raises LookupFailed (DownloadCancelled once ``cancelled()`` is true: the app is
    quitting, or the add dialog was closed, while the lookup waited its turn or its
    answer). ``email``: the user's, for Crossref (``user_agent``). A BibTeX entry
    pasted is read as it is (``pasted``), nothing asked."""
    from paperbrowse.core.lookup.pasted import is_bibtex_entry, pasted_paper

    if is_bibtex_entry(typed):
        pasted = pasted_paper(typed)
        if isinstance(pasted, str):
            raise LookupFailed(pasted)
        return pasted
    identifier = read_identifier(typed)
    if identifier is None:
        typed = typed.strip()
        raise LookupFailed(f"{typed!r} is neither a DOI nor an arXiv id; type {WHAT_TO_TYPE}")
    if identifier.service == "arxiv":
        return _from_arxiv(identifier, timeout, cancelled)
    return _from_crossref(identifier, timeout, cancelled, email)


@dataclass(frozen=True)
class Answer:
    """A service's answer: its body, its ``Content-Type`` and the address that gave it
    (after redirects)."""

    body: bytes
    content_type: str
    url: str


def _get(
    url: str,
    params: dict[str, str] | None,
    what: Identifier,
    timeout: float,
    cancelled: Callable[[], bool] | None,
    email: str | None = None,
) -> bytes:
    return fetch(url, params, what, timeout, cancelled=cancelled, email=email).body


def fetch(
    url: str,
    params: dict[str, str] | None,
    what: object,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    cancelled: Callable[[], bool] | None = None,
    email: str | None = None,
) -> Answer:
    """``GET url``, redirects followed; ``what`` names the request in the one line of a
    failure (LookupFailed): an HTTP error, no answer within ``timeout`` seconds, no
    connection, or an answer over ``max_bytes``. Once ``cancelled()`` is true the request
    goes no further, whether its answer has begun or not, and DownloadCancelled is raised.
    ``email`` goes in the ``User-Agent`` (``user_agent``): only Crossref's callers pass it."""
    import httpx  # (not before a lookup: the app's start never needs it)

    headers = {"User-Agent": user_agent(email)}
    too_large = f"{what}: {_host(url)} answered over {_megabytes(max_bytes)} MB"
    is_cancelled = cancelled or (lambda: False)
    if is_cancelled():  # (quit while it waited its turn: nothing to ask)
        raise DownloadCancelled(f"{what}: the download was cancelled")
    try:
        with (
            _hung_up_when(cancelled) as extensions,
            httpx.Client(timeout=timeout, follow_redirects=True) as client,
            client.stream(
                "GET", url, params=params, headers=headers, extensions=extensions
            ) as response,
        ):
            _check_status(response.status_code, url, what)
            if _announced_size(response.headers.get("Content-Length")) > max_bytes:
                raise LookupFailed(too_large)  # said before the first byte is read
            body = bytearray()
            deadline = time.monotonic() + timeout  # (httpx's timeout is each read's)
            for piece in response.iter_bytes():
                if is_cancelled():  # between chunks: a slow server is not waited out
                    raise DownloadCancelled(f"{what}: the download was cancelled")
                body += piece
                if len(body) > max_bytes:  # (a length unsaid, or said wrong)
                    raise LookupFailed(too_large)
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("the answer is still coming")
            content_type = response.headers.get("Content-Type", "")
            return Answer(bytes(body), content_type, str(response.url))
    except httpx.HTTPError as error:
        if is_cancelled():  # the connection was closed under the read: no failure to say
            raise DownloadCancelled(f"{what}: the download was cancelled") from None
        if isinstance(error, httpx.TimeoutException):
            raise LookupFailed(
                f"{what}: {_host(url)} did not answer within {timeout:g} s"
            ) from None
        reason = str(error) or type(error).__name__
        raise Unreachable(f"{what}: cannot reach {_host(url)} ({reason}); offline?") from None


class _Connections:
    """The sockets one request connects (its redirects' too), learnt from httpcore's
    ``trace`` extension as each is made: ``hang_up`` shuts them all down, and any made
    after it as soon as it is made."""

    # The events whose return value is a connection's stream (TLS wraps the socket anew).
    CONNECTED = frozenset({"connection.connect_tcp.complete", "connection.start_tls.complete"})

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._hung_up = False

    def trace(self, event: str, info: dict[str, object]) -> None:
        if event not in self.CONNECTED:
            return
        get_extra_info = getattr(info.get("return_value"), "get_extra_info", None)
        connection = get_extra_info("socket") if callable(get_extra_info) else None
        if not isinstance(connection, socket.socket):
            return
        with self._lock:
            self._sockets.append(connection)
            hung_up = self._hung_up
        if hung_up:  # cancelled while it connected
            _shut(connection)

    def hang_up(self) -> None:
        with self._lock:
            self._hung_up = True
            connections = list(self._sockets)
        for connection in connections:
            _shut(connection)


def _shut(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):  # wakes a read blocked on it (closed already: fine)
        connection.shutdown(socket.SHUT_RDWR)


@contextlib.contextmanager
def _hung_up_when(cancelled: Callable[[], bool] | None) -> Iterator[dict[str, Any]]:
    """The request's extensions: its connections are shut down as soon as ``cancelled()``
    is true, from a thread of its own that watches from before the request is sent. A
    server that stalls, before its headers as during its body, would otherwise hold the
    read until the timeout, and with it whatever waits for the thread: the command line's
    end, and the app's exit after a crash (a quit leaves without waiting for a download)."""
    if cancelled is None:  # (a look-up nobody cancels: no thread)
        yield {}
        return
    connections = _Connections()
    done = threading.Event()

    def watch() -> None:
        while not done.wait(CANCEL_POLL):
            if cancelled():
                connections.hang_up()
                return

    watcher = threading.Thread(target=watch, name="paperbrowse-cancel-watch", daemon=True)
    watcher.start()
    try:
        yield {"trace": connections.trace}
    finally:
        done.set()


def _announced_size(header: str | None) -> int:
    """The size a ``Content-Length`` header announces; 0 when it announces none that can
    be read (the body is still counted as it comes)."""
    try:
        return int(header or 0)
    except ValueError:
        return 0


def _megabytes(size: int) -> str:
    """``size`` in MB as a line says it: 8, 100, 0.1."""
    megabytes = size / (1 << 20)
    return f"{megabytes:.0f}" if megabytes >= 1 else f"{megabytes:.1f}"


def _check_status(status: int, url: str, what: object) -> None:
    if status == 404:
        raise NotFound(f"{what}: not found at {_host(url)}")
    if status == 429:
        raise LookupFailed(f"{what}: {_host(url)} asks to wait (too many requests); try later")
    if status >= 400:
        raise LookupFailed(f"{what}: {_host(url)} answered {status}")


def _host(url: str) -> str:
    return url.split("//", 1)[-1].split("/", 1)[0]


def _from_crossref(
    identifier: Identifier,
    timeout: float,
    cancelled: Callable[[], bool] | None,
    email: str | None,
) -> Paper:
    from paperbrowse.core.lookup.crossref import paper_from_work

    url = f"{base_url('PAPERBROWSE_CROSSREF_URL', CROSSREF_URL)}/works/{quote(identifier.value)}"
    body = _get(url, None, identifier, timeout, cancelled, email)
    try:
        answer = json.loads(body)
        work = answer["message"]
        if not isinstance(work, dict):
            raise TypeError("message is not an object")
        return paper_from_work(work, f"doi:{identifier.value}")
    except (ValueError, KeyError, TypeError) as error:
        raise LookupFailed(f"{identifier}: Crossref's answer is not a work ({error})") from None


# Papers a title search offers: enough to find the one meant among its namesakes.
SEARCH_ROWS = 5
QUOTED = 60  # characters of a searched text its failure's line quotes


@dataclass(frozen=True)
class Work:
    """A work a title search found: its paper, and its kind in words when it is not a
    paper in a journal, proceedings or preprint server (``crossref.work_kind``)."""

    paper: Paper
    kind: str | None = None


def search_crossref(
    text: str,
    timeout: float = TIMEOUT,
    cancelled: Callable[[], bool] | None = None,
    email: str | None = None,
) -> list[Work]:
    """The works Crossref finds for ``text`` (a title, perhaps with authors or a year: a
    bibliographic query), best first, at most ``SEARCH_ROWS``; a work it lists without a
    title is left out. Raises LookupFailed (DownloadCancelled and ``email`` as
    ``look_up``)."""
    from paperbrowse.core.lookup.crossref import paper_from_work, work_kind

    url = f"{base_url('PAPERBROWSE_CROSSREF_URL', CROSSREF_URL)}/works"
    query = {"query.bibliographic": text, "rows": str(SEARCH_ROWS)}
    what = f"“{text if len(text) <= QUOTED else text[: QUOTED - 1] + '…'}”"  # (as typed)
    body = fetch(url, query, what, timeout, cancelled=cancelled, email=email).body
    try:
        works = json.loads(body)["message"]["items"]
        if not isinstance(works, list):
            raise TypeError("items is not a list")
    except (ValueError, KeyError, TypeError) as error:
        raise LookupFailed(f"{what}: Crossref's answer is no list of works ({error})") from None
    found = []
    for work in works[:SEARCH_ROWS]:
        with contextlib.suppress(ValueError, KeyError, TypeError, AttributeError):
            found.append(Work(paper_from_work(work, f"doi:{work['DOI']}"), work_kind(work)))
    return found


# arXiv's API terms: no more than one request every three seconds (``add`` of many ids).
ARXIV_GAP = 3.0
_arxiv_turn = threading.Lock()
_arxiv_last = [-ARXIV_GAP]  # time.monotonic() of the last request


def wait_for_arxiv(cancelled: Callable[[], bool] | None = None) -> None:
    """Wait for arXiv's turn: ``ARXIV_GAP`` seconds after the last request of this process.
    Once ``cancelled()`` is true it waits no longer (and takes no turn): the request it
    waited for is not made (``fetch``), and a quit is not held up to three seconds."""
    with _arxiv_turn:
        turn = _arxiv_last[0] + ARXIV_GAP
        while (left := turn - time.monotonic()) > 0:
            if cancelled is not None and cancelled():
                return
            time.sleep(min(left, CANCEL_POLL))
        _arxiv_last[0] = time.monotonic()


def _from_arxiv(
    identifier: Identifier, timeout: float, cancelled: Callable[[], bool] | None
) -> Paper:
    from paperbrowse.core.lookup.arxiv import NotOnArxiv, paper_from_feed

    base = base_url("PAPERBROWSE_ARXIV_URL", ARXIV_URL)
    if base == ARXIV_URL:
        wait_for_arxiv(cancelled)
    query = {"id_list": identifier.value}
    body = _get(f"{base}/api/query", query, identifier, timeout, cancelled)
    try:
        return paper_from_feed(body, identifier.value, f"arXiv:{identifier.value}")
    except NotOnArxiv as error:
        raise LookupFailed(f"{identifier}: {error}") from None
    except ValueError as error:  # ElementTree's ParseError, or an entry without a title
        raise LookupFailed(f"{identifier}: arXiv's answer is not a paper ({error})") from None
