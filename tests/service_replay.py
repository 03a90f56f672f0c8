"""A local server answering as Crossref, arXiv and Unpaywall did: recorded responses,
replayed.

The bodies in ``tests/data/services`` are real responses of the services (``SOURCES.md``
there says where each was recorded). The server answers

- ``GET /works/{DOI}`` with ``crossref/{DOI, / as _}.json`` (Crossref's recorded
  "Resource not found." and 404 for any other DOI);
- ``GET /works?query.bibliographic=TEXT`` (a title search) with
  ``crossref/search/{TEXT, lower case}.json``, 404 for any other;
- ``GET /api/query?id_list=ID`` with ``arxiv/{ID, / as _}.xml``: arXiv's recorded empty
  feed for an id it does not have, and its recorded 400 error feed for one that is not an id;
- ``GET /v2/{DOI}?email=...`` with ``unpaywall/{DOI, lower case, / as _}.json``
  (Unpaywall's recorded 404 "isn't in Unpaywall" for any other DOI). The links in a
  recorded answer point at the publishers and repositories themselves: served, they are
  made links to this server's ``/remote/{host}{path}``, as a mirror would, so that
  following them reaches ``REMOTE`` below, never the network;
- ``GET /pdf/{ARXIV ID}`` (arxiv.org's PDFs) and ``GET /remote/{host}{path}``: the
  files of ``ARXIV_PDFS`` and ``REMOTE``, a real PDF of ``../shared/corpus/pdf`` or a
  recorded page (``ARXIV_REFUSED``: a page where arXiv's PDF was asked for); 404 for any
  other.

``trickling`` is a server that sends arXiv's PDF slowly, ``stalling`` one that takes the
request and never answers it.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

# Papers as a .bib whose PDFs the replay serves or answers for: an arXiv paper, a DOI
# Unpaywall has an open copy of, one it has none of, one whose copy is a login page,
# and one with neither an arXiv id nor a DOI.
PAPERS_BIB = """@article{cohan2020,
  title = {SPECTER: Document-level Representation Learning},
  author = {Cohan, Arman},
  year = {2020},
  url = {https://arxiv.org/abs/2004.07180},
}
@article{gomez1998,
  title = {Stable Characteristic Evolution of Generic Three-Dimensional Spacetimes},
  author = {G{\\'o}mez, R.},
  year = {1998},
  doi = {10.1103/PhysRevLett.80.3915},
}
@article{castonguay1997,
  title = {Psychotherapy integration and the need for better theories of change},
  author = {Castonguay, Louis G.},
  year = {1997},
  doi = {10.1016/s0962-1849(05)80014-9},
}
@article{lee2016,
  title = {Laboratory Monitoring During Isotretinoin Therapy for Acne},
  author = {Lee, Young H.},
  year = {2016},
  doi = {10.1001/jamadermatol.2015.3091},
}
@misc{talk2020,
  title = {A Talk Without Identifiers},
  author = {Speaker, Sam},
  year = {2020},
}
"""
EMAIL = "reader@example.org"  # the address Unpaywall is asked with

RECORDED = Path(__file__).parent / "data" / "services"
PDFS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "pdf"
# arxiv.org/pdf/{id}: the corpus's own copy of the paper (SPECTER is arXiv 2004.07180).
ARXIV_PDFS = {"2004.07180": PDFS / "acl-2020.acl-main.207.pdf"}
# What the links in the recorded Unpaywall answers give: a real PDF (not the paper's own:
# any PDF's bytes), or the page a server sent instead of one.
ACCESS_DENIED = RECORDED / "pages" / "akamai-access-denied.html"
REMOTE: dict[str, tuple[Path, str]] = {
    "arxiv.org/pdf/gr-qc/9801069": (PDFS / "pysample-pdflatex-4-pages.pdf", "application/pdf"),
    "europepmc.org/articles/pmc4621974": (PDFS / "acl-N18-3011.pdf", "application/pdf"),
    "jamanetwork.com/journals/jamadermatology/articlepdf/2471551/doi150042.pdf": (
        ACCESS_DENIED,
        "text/html",
    ),
}
# arxiv.org/pdf/{id} answered with a page instead of the PDF, as a CDN that turns a client
# away answers (the same recorded page; the arXiv id has no recorded PDF).
ARXIV_REFUSED = {"1605.08386": ACCESS_DENIED}
_LINK = re.compile(rb'"(https?)://([^/"]+)')
_ARXIV_ID = re.compile(r"^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?/\d{7})(v\d+)?$", re.IGNORECASE)


class Requests(list[str]):
    """The paths a server was asked for, in order, and (``agents``) each request's
    ``User-Agent``."""

    def __init__(self) -> None:
        super().__init__()
        self.agents: list[str] = []


class Replay(BaseHTTPRequestHandler):
    requests: Requests  # (set on the class per server)

    def do_GET(self) -> None:
        self.requests.agents.append(self.headers.get("User-Agent", ""))
        self.requests.append(self.path)
        url = urlsplit(self.path)
        if url.path == "/works":
            self._crossref_search(parse_qs(url.query).get("query.bibliographic", [""])[0])
        elif url.path.startswith("/works/"):
            self._crossref(unquote(url.path.removeprefix("/works/")))
        elif url.path == "/api/query":
            self._arxiv(parse_qs(url.query).get("id_list", [""])[0])
        elif url.path.startswith("/v2/"):
            self._unpaywall(unquote(url.path.removeprefix("/v2/")))
        elif url.path.startswith("/pdf/"):
            self._arxiv_pdf(url.path.removeprefix("/pdf/"))
        elif url.path.startswith("/remote/"):
            self._file(*REMOTE.get(url.path.removeprefix("/remote/"), (None, "")))
        else:
            self._send(404, "text/plain", b"no such recording")

    def _crossref(self, doi: str) -> None:
        recorded = RECORDED / "crossref" / f"{doi.lower().replace('/', '_')}.json"
        if recorded.is_file():
            self._send(200, "application/json", recorded.read_bytes())
        else:
            self._send(404, "text/plain", (RECORDED / "crossref" / "404.txt").read_bytes())

    def _crossref_search(self, text: str) -> None:
        recorded = RECORDED / "crossref" / "search" / f"{text.lower()}.json"
        if text and "/" not in text and recorded.is_file():
            self._send(200, "application/json", recorded.read_bytes())
        else:
            self._send(404, "text/plain", b"no such recording")

    def _arxiv(self, arxiv_id: str) -> None:
        folder = RECORDED / "arxiv"
        candidates = [
            folder / f"{arxiv_id.replace('/', '_')}.xml",
            *folder.glob(f"{arxiv_id}v*.xml"),
        ]
        found = next((path for path in candidates if path.is_file()), None)
        if found is not None:
            self._send(200, "application/atom+xml", found.read_bytes())
        elif _ARXIV_ID.match(arxiv_id):
            self._send(200, "application/atom+xml", (folder / "not-found.xml").read_bytes())
        else:
            self._send(400, "application/atom+xml", (folder / "error-400.xml").read_bytes())

    def _unpaywall(self, doi: str) -> None:
        folder = RECORDED / "unpaywall"
        recorded = folder / f"{doi.lower().replace('/', '_')}.json"
        if not recorded.is_file():
            self._send(404, "application/json", (folder / "404.json").read_bytes())
            return
        address = f"http://{self.headers['Host']}/remote/".encode()
        self._send(
            200, "application/json", _LINK.sub(b'"' + address + rb"\2", recorded.read_bytes())
        )

    def _arxiv_pdf(self, arxiv_id: str) -> None:
        if arxiv_id in ARXIV_REFUSED:
            self._file(ARXIV_REFUSED[arxiv_id], "text/html")
        else:
            self._file(ARXIV_PDFS.get(arxiv_id), "application/pdf")

    def _file(self, path: Path | None, content_type: str) -> None:
        if path is None:
            self._send(404, "text/plain", b"no such recording")
        else:
            self._send(200, content_type, path.read_bytes())

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: pytest shows what matters


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler], *, daemon_threads: bool) -> Iterator[str]:
    """``handler`` served on a free local port in a thread of its own: the address; the
    server shut down after. ``daemon_threads``: requests a client may never end (a
    server that stalls, or trickles) are not waited for at the end."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = daemon_threads
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def replaying() -> Iterator[tuple[str, Requests]]:
    """The server's address, and the list its requests are logged in."""
    requests = Requests()
    handler = type("Handler", (Replay,), {"requests": requests})
    with serving(handler, daemon_threads=False) as address:
        yield address, requests


class Trickle(BaseHTTPRequestHandler):
    """arXiv's PDF (``GET /pdf/ID``) sent as a slow server sends it: a few kilobytes at a
    time, the whole taking half a minute. ``left`` is set when the client hung up before
    the end."""

    requests: list[str]
    left: threading.Event
    CHUNK = 4096
    PAUSE = 0.15  # seconds between chunks: 700 KB in about 26 s

    def do_GET(self) -> None:
        self.requests.append(self.path)
        body = ARXIV_PDFS["2004.07180"].read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for start in range(0, len(body), self.CHUNK):
                self.wfile.write(body[start : start + self.CHUNK])
                self.wfile.flush()
                time.sleep(self.PAUSE)
        except OSError:  # the client closed the connection
            self.left.set()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def trickling() -> Iterator[tuple[str, list[str], threading.Event]]:
    """A slow arXiv PDF server: its address, the requests it was sent, and the event set
    when a client hung up mid-way."""
    requests: list[str] = []
    left = threading.Event()
    handler = type("Handler", (Trickle,), {"requests": requests, "left": left})
    with serving(handler, daemon_threads=True) as address:
        yield address, requests, left


class Stall(BaseHTTPRequestHandler):
    """A server that takes the request and never answers it: no status line, no headers,
    until the client hangs up (``left`` is set then)."""

    requests: list[str]
    left: threading.Event

    def do_GET(self) -> None:
        self.requests.append(self.path)
        try:
            while self.rfile.read(1):  # (a client sends nothing more: this waits)
                pass
        except OSError:  # a reset: hung up too
            pass
        self.left.set()
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def stalling() -> Iterator[tuple[str, list[str], threading.Event]]:
    """A server that never answers: its address, the requests it was sent, and the event
    set when a client hung up."""
    requests: list[str] = []
    left = threading.Event()
    handler = type("Handler", (Stall,), {"requests": requests, "left": left})
    with serving(handler, daemon_threads=True) as address:  # (a client may never hang up)
        yield address, requests, left
