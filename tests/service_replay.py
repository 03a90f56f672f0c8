"""A local server answering as Crossref and arXiv did: recorded responses, replayed.

The bodies in ``tests/data/services`` are real responses of the two services
(``SOURCES.md`` there says where each was recorded). The server answers
``GET /works/{DOI}`` with ``crossref/{DOI, / as _}.json`` (Crossref's recorded
"Resource not found." and 404 for any other DOI), and ``GET /api/query?id_list=ID``
with ``arxiv/{ID, / as _}.xml``: arXiv's recorded empty feed for an id it does not
have, and its recorded 400 error feed for one that is not an id.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

RECORDED = Path(__file__).parent / "data" / "services"
_ARXIV_ID = re.compile(r"^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?/\d{7})(v\d+)?$", re.IGNORECASE)


class Replay(BaseHTTPRequestHandler):
    requests: list[str]  # the paths asked for, in order (set on the class per server)

    def do_GET(self) -> None:
        self.requests.append(self.path)
        url = urlsplit(self.path)
        if url.path.startswith("/works/"):
            self._crossref(unquote(url.path.removeprefix("/works/")))
        elif url.path == "/api/query":
            self._arxiv(parse_qs(url.query).get("id_list", [""])[0])
        else:
            self._send(404, "text/plain", b"no such recording")

    def _crossref(self, doi: str) -> None:
        recorded = RECORDED / "crossref" / f"{doi.lower().replace('/', '_')}.json"
        if recorded.is_file():
            self._send(200, "application/json", recorded.read_bytes())
        else:
            self._send(404, "text/plain", (RECORDED / "crossref" / "404.txt").read_bytes())

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

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: pytest shows what matters


@contextmanager
def replaying() -> Iterator[tuple[str, list[str]]]:
    """The server's address, and the list its requests are logged in."""
    requests: list[str] = []
    handler = type("Handler", (Replay,), {"requests": requests})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()
