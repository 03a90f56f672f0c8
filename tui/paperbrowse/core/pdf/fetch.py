"""A paper's PDF downloaded, as Zotero's "Find Available PDF" does, one paper at a time.

A paper with an arXiv id gets arXiv's PDF (``https://arxiv.org/pdf/ID``); one with a
DOI gets the open-access copy Unpaywall knows of (``api.unpaywall.org/v2/DOI``: its best
location's ``url_for_pdf``, then the other locations'), when it has no arXiv id or arXiv
gives no PDF for it (a 404, a page): the sources in turn, as Zotero's. Unpaywall asks every
request to carry the user's email address: without one, nothing is asked and the line says
which setting to fill in; no made-up address is ever sent.

What arrives must be a PDF (``%PDF-`` in its first kilobyte, as ``check`` asks of a file
on disk): a publisher's login page is refused. It is written to a temporary file beside
the one it becomes, then linked to its name, so a crash leaves no half PDF and a file of
that name is never replaced. The name is the one ``locate`` finds by: the arXiv id
(``2004.07180.pdf``) or the DOI, ``/`` as ``_``.

Every failure is one line (``LookupFailed``; when both sources were to be asked, what
each said), and nothing is written. ``download_problem`` says, without a request, why a
paper cannot be downloaded at all. A download given a ``cancelled`` callable (the app's
worker's) stops once it says so, whether the server has begun its answer or not
(``DownloadCancelled``; no other source is tried), and nothing is written. The addresses
are overridable as the look-ups' are (``PAPERBROWSE_ARXIV_PDF_URL``,
``PAPERBROWSE_UNPAYWALL_URL``: the tests' local server).
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from paperbrowse.core.locations import config_file, pdf_dir
from paperbrowse.core.lookup.client import (
    DownloadCancelled,
    LookupFailed,
    NotFound,
    Unreachable,
    base_url,
    fetch,
    usable_email,
    wait_for_arxiv,
)
from paperbrowse.core.models import Paper, bare_doi
from paperbrowse.core.pdf.check import HEADER_WINDOW, file_problem
from paperbrowse.core.pdf.locate import arxiv_id, arxiv_id_in, pdf_on_disk, pdf_stem
from paperbrowse.core.writing import link_new, new_temporary, write_synced

ARXIV_PDF_URL = "https://arxiv.org"
UNPAYWALL_URL = "https://api.unpaywall.org"
TIMEOUT = 60.0  # seconds without a byte, and for the whole download
MAX_BYTES = 100 << 20  # a PDF larger than this is refused, not read on
MAX_TRIED = 3  # of Unpaywall's PDF links, when the first are no PDF


def download_problem(paper: Paper, email: str | None) -> str | None:
    """Why ``paper``'s PDF cannot be downloaded, asking nothing: no arXiv id nor DOI, or
    a DOI only and no usable email address for Unpaywall; None when it can be tried."""
    if arxiv_id(paper) is not None:
        return None
    if not (paper.doi and bare_doi(paper.doi)):
        return "This paper has neither an arXiv id nor a DOI to find its PDF by."
    try:
        _checked_email(email)
    except LookupFailed as problem:
        return str(problem)
    return None


def download_folder(pdf_folders: Sequence[Path]) -> Path:
    """Where a downloaded PDF goes: the first of the user's PDF folders (config.json's
    ``pdf_folders``, then ``--pdf-dir``), so it is found by name there too; else
    ``pdfs/`` in the data folder."""
    return pdf_folders[0] if pdf_folders else pdf_dir()


@dataclass(frozen=True)
class NextStep:
    """What ``D`` (and ``paperbrowse fetch``) does for a paper; one field is set."""

    has: Path | None = None  # a PDF it has already: nothing is downloaded
    attach: Path | None = None  # a PDF already where it would be saved: attached
    download_to: Path | None = None  # the file its PDF is downloaded as
    why_not: str | None = None  # why it cannot be downloaded: one line


def next_step(
    paper: Paper, files: Iterable[Path], folders: Sequence[Path], email: str | None
) -> NextStep:
    """What to do for ``paper``, whose ``files`` are found in the PDF ``folders``: the
    app and the command line ask this one question, in this one order."""
    already = pdf_on_disk(files)
    if already is not None:
        return NextStep(has=already)
    problem = download_problem(paper, email)
    target = download_target(paper, download_folder(folders))
    if problem is not None or target is None:
        return NextStep(why_not=problem or "This paper cannot be downloaded.")
    if target.is_file() and file_problem(target) is None:  # an earlier download, or a copy
        return NextStep(attach=target)
    return NextStep(download_to=target)  # (a file there that is no PDF: fetch_pdf refuses)


def download_target(paper: Paper, folder: Path) -> Path | None:
    """The file ``paper``'s PDF is saved as in ``folder`` (None without an arXiv id or
    DOI): the name ``locate`` finds it by."""
    found_arxiv = arxiv_id(paper)
    stem = pdf_stem(found_arxiv or (bare_doi(paper.doi) if paper.doi else ""))
    return folder / f"{stem}.pdf" if stem else None


def fetch_pdf(
    paper: Paper,
    folder: Path,
    email: str | None,
    *,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    cancelled: Callable[[], bool] | None = None,
) -> Path:
    """Download ``paper``'s PDF into ``folder`` (made if missing); the file written.
    Raises LookupFailed with one line (DownloadCancelled once ``cancelled()`` is true),
    nothing written."""
    problem = download_problem(paper, email)
    target = download_target(paper, folder)
    if problem is not None or target is None:
        raise LookupFailed(problem or "This paper cannot be downloaded.")
    if os.path.lexists(target):  # (checked first: not downloaded to be thrown away)
        raise LookupFailed(f"{target} exists already; it is left as it is.")
    body = _from_each_source(paper, email, timeout, max_bytes, cancelled)
    if cancelled is not None and cancelled():  # quit just as the last byte came
        raise DownloadCancelled(f"{target.name}: the download was cancelled")
    return save_new(target, body)


def _from_each_source(
    paper: Paper,
    email: str | None,
    timeout: float,
    max_bytes: int,
    cancelled: Callable[[], bool] | None,
) -> bytes:
    """The PDF of the first source that gives one: arXiv's for an arXiv id, then the copy
    Unpaywall knows of for a DOI. Raises LookupFailed: one line."""
    found_arxiv = arxiv_id(paper)
    doi = bare_doi(paper.doi) if paper.doi else None
    if found_arxiv is None:
        assert doi is not None  # (download_problem said there is one)
        return _from_unpaywall(doi, email or "", timeout, max_bytes, cancelled)
    try:
        url = _arxiv_pdf_url(found_arxiv, cancelled)
        return _download(url, f"arXiv:{found_arxiv}", timeout, max_bytes, cancelled)
    except (DownloadCancelled, Unreachable):
        raise  # (the user quit, or offline: nothing else is asked)
    except LookupFailed as arxiv_failure:
        if doi is None or arxiv_id_in(doi) is not None:
            raise  # (arXiv's own DOI: the open-access copy Unpaywall knows is arXiv's)
        return _after_arxiv(arxiv_failure, doi, email, timeout, max_bytes, cancelled)


def _after_arxiv(
    arxiv_failure: LookupFailed,
    doi: str,
    email: str | None,
    timeout: float,
    max_bytes: int,
    cancelled: Callable[[], bool] | None,
) -> bytes:
    """Unpaywall's copy, arXiv having given no PDF. Raises LookupFailed: one line saying
    what was tried and what each source said (or why Unpaywall could not be asked)."""
    arxiv_said = _sentence(arxiv_failure)
    try:
        email = _checked_email(email)
    except LookupFailed as no_email:
        raise LookupFailed(f"Tried arXiv: {arxiv_said} {no_email}") from None
    try:
        return _from_unpaywall(doi, email, timeout, max_bytes, cancelled)
    except DownloadCancelled:
        raise
    except LookupFailed as unpaywall_failure:
        said = f"{arxiv_said} {_sentence(unpaywall_failure)}"
        raise LookupFailed(f"Tried arXiv, then Unpaywall: {said}") from None


def _sentence(failure: LookupFailed) -> str:
    """A failure's line ending as a sentence does, to be followed by another's."""
    line = str(failure).rstrip()
    return line if line.endswith((".", "?", "!")) else f"{line}."


def _arxiv_pdf_url(found: str, cancelled: Callable[[], bool] | None) -> str:
    base = base_url("PAPERBROWSE_ARXIV_PDF_URL", ARXIV_PDF_URL)
    if base == ARXIV_PDF_URL:
        wait_for_arxiv(cancelled)  # the same three seconds apart as its API, within one run
    return f"{base}/pdf/{found}"


def _checked_email(email: str | None) -> str:
    """The user's address, or why Unpaywall cannot be asked: none set, or none that is
    an address."""
    where = f'set "email" in {config_file()}'
    if not (email or "").strip():
        raise LookupFailed(f"Unpaywall needs your email address to look a DOI up: {where}.")
    address = usable_email(email)
    if address is None:
        raise LookupFailed(f"{(email or '').strip()!r} is not an email address: {where}.")
    return address


def _from_unpaywall(
    doi: str,
    email: str,
    timeout: float,
    max_bytes: int,
    cancelled: Callable[[], bool] | None,
) -> bytes:
    """The PDF of the first of Unpaywall's links for ``doi`` that gives one."""
    base = base_url("PAPERBROWSE_UNPAYWALL_URL", UNPAYWALL_URL)
    email = _checked_email(email)
    url = f"{base}/v2/{quote(doi)}"
    try:
        answer = fetch(url, {"email": email}, doi, timeout, cancelled=cancelled)
    except NotFound:  # (its answer: "'DOI' isn't in Unpaywall")
        raise LookupFailed(f"No PDF found: Unpaywall does not know {doi}.") from None
    links = pdf_links(_record(answer.body, doi))
    if not links:
        raise LookupFailed(f"No PDF found: Unpaywall knows no open-access copy of {doi}.")
    first_failure: LookupFailed | None = None
    for link in links[:MAX_TRIED]:
        try:
            return _download(link, doi, timeout, max_bytes, cancelled)
        except DownloadCancelled:
            raise  # (not a dead link: the next is not tried)
        except LookupFailed as failure:  # a login page, a dead link: the next may serve
            first_failure = first_failure or failure
    assert first_failure is not None
    raise first_failure


def _record(body: bytes, doi: str) -> dict[str, Any]:
    try:
        record = json.loads(body)
    except ValueError as error:
        raise LookupFailed(f"{doi}: Unpaywall's answer is not JSON ({error})") from None
    if not isinstance(record, dict):
        raise LookupFailed(f"{doi}: Unpaywall's answer is not a record")
    return record


def pdf_links(record: dict[str, Any]) -> list[str]:
    """The PDF links of an Unpaywall record: its best location's first, then the other
    open-access locations', each once."""
    best = record.get("best_oa_location")
    others = record.get("oa_locations")
    locations = [best, *(others if isinstance(others, list) else [])]
    links = (place.get("url_for_pdf") for place in locations if isinstance(place, dict))
    return list(dict.fromkeys(link for link in links if isinstance(link, str) and link))


def _download(
    url: str, what: str, timeout: float, max_bytes: int, cancelled: Callable[[], bool] | None
) -> bytes:
    answer = fetch(url, None, what, timeout, max_bytes, cancelled)
    if b"%PDF-" not in answer.body[:HEADER_WINDOW]:
        kind = answer.content_type.split(";")[0].strip() or "no type"
        raise LookupFailed(f"No PDF at {answer.url}: it sent {kind} (a login page?)")
    return answer.body


# Held while a download is written to its temporary file and given its name: the app
# leaves without waiting for a download's thread (``os._exit``), but waits for this, or
# the temporary file would be left in the user's PDF folder (``finished_saving``).
SAVING = threading.Lock()


def finished_saving(timeout: float) -> bool:
    """Wait up to ``timeout`` seconds for a download being written to be whole or gone."""
    if not SAVING.acquire(timeout=timeout):
        return False
    SAVING.release()
    return True


def save_new(target: Path, body: bytes) -> Path:
    """Write ``body`` as ``target`` whole or not at all, never over a file of that name
    (``core.writing``). Raises LookupFailed."""
    with SAVING:
        return _save_new(target, body)


def _save_new(target: Path, body: bytes) -> Path:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = new_temporary(target)
    except OSError as error:
        raise LookupFailed(f"Cannot write in {target.parent}: {error.strerror or error}") from None
    try:
        write_synced(handle, body)
        link_new(temporary, target)
    except FileExistsError:
        raise LookupFailed(f"{target} exists already; it is left as it is.") from None
    except OSError as error:
        raise LookupFailed(f"Cannot write {target}: {error.strerror or error}") from None
    finally:
        with contextlib.suppress(OSError):  # (gone once it has its name)
            temporary.unlink()
    return target
