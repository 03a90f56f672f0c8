"""Downloading a paper's PDF (``core.pdf.fetch``): arXiv's for an arXiv id, else the
open-access copy Unpaywall knows of for its DOI. Against recorded Unpaywall answers and
real PDFs, replayed by the ``services`` fixture (``service_replay.py``)."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest
from helpers import paper
from hypothesis import given, settings
from hypothesis import strategies as st
from service_replay import ACCESS_DENIED, ARXIV_PDFS, EMAIL, REMOTE, stalling, trickling

from paperbrowse.core.lookup.client import DownloadCancelled, LookupFailed
from paperbrowse.core.models import Paper
from paperbrowse.core.pdf.fetch import download_problem, fetch_pdf
from paperbrowse.core.pdf.locate import FolderIndex, convention_names

pytestmark = pytest.mark.usefixtures("corpus")

SPECTER = paper("SPECTER", 2020, url="https://arxiv.org/abs/2004.07180")
PRL = paper("Stable Characteristic Evolution", 1998, doi="10.1103/PhysRevLett.80.3915")
ORTHODONTICS = paper("Synergistic effect of wire bending", 2015, doi="10.1186/s40510-015-0109-6")
CLOSED = paper("Psychotherapy integration", 1997, doi="10.1016/s0962-1849(05)80014-9")
JAMA = paper(
    "Laboratory Monitoring During Isotretinoin Therapy", 2016, doi="10.1001/jamadermatol.2015.3091"
)
UNKNOWN = paper("Not in Unpaywall", 2021, doi="10.000/doi1")
# On arXiv as gr-qc/9801069 too (Unpaywall's best location), a PDF the replay has not.
PRL_ON_ARXIV = paper(PRL.title, 1998, doi=PRL.doi, url="https://arxiv.org/abs/gr-qc/9801069")
# arXiv answers a page for 1605.08386's PDF (``ARXIV_REFUSED``).
ORTHODONTICS_ON_ARXIV = paper(
    ORTHODONTICS.title, 2015, doi=ORTHODONTICS.doi, url="https://arxiv.org/abs/1605.08386"
)
CLOSED_ON_ARXIV = paper(CLOSED.title, 1997, doi=CLOSED.doi, url="https://arxiv.org/abs/0000.00001")


def remote(path: str) -> bytes:
    return REMOTE[path][0].read_bytes()


def found_by_name(folder: Path, item: Paper) -> list[Path]:
    """The PDFs of ``item`` that the PDF folders' look-up by name finds in ``folder``."""
    return FolderIndex().find(convention_names(item, None), [folder])


def test_an_arxiv_paper_gets_arxivs_pdf_named_by_its_id(
    tmp_path: Path, services: list[str]
) -> None:
    saved = fetch_pdf(SPECTER, tmp_path / "pdfs", None)  # no email needed for arXiv
    assert saved == tmp_path / "pdfs" / "2004.07180.pdf"
    assert saved.read_bytes() == ARXIV_PDFS["2004.07180"].read_bytes()
    assert services == ["/pdf/2004.07180"]
    assert found_by_name(tmp_path / "pdfs", SPECTER) == [saved]
    assert [p.name for p in (tmp_path / "pdfs").iterdir()] == [saved.name]  # no temp left


def test_a_doi_gets_the_pdf_unpaywall_names_and_the_email_is_sent(
    tmp_path: Path, services: list[str]
) -> None:
    saved = fetch_pdf(PRL, tmp_path, EMAIL)
    assert saved == tmp_path / "10.1103_PhysRevLett.80.3915.pdf"
    assert saved.read_bytes() == remote("arxiv.org/pdf/gr-qc/9801069")  # best_oa_location's
    assert services == [
        "/v2/10.1103/PhysRevLett.80.3915?email=reader%40example.org",
        "/remote/arxiv.org/pdf/gr-qc/9801069",
    ]
    assert found_by_name(tmp_path, PRL) == [saved]


def test_without_a_pdf_at_the_best_location_another_locations_pdf_is_taken(
    tmp_path: Path, services: list[str]
) -> None:
    # Unpaywall's best location is the journal's landing page (url_for_pdf null).
    saved = fetch_pdf(ORTHODONTICS, tmp_path, EMAIL)
    assert saved.read_bytes() == remote("europepmc.org/articles/pmc4621974")
    assert services[-1] == "/remote/europepmc.org/articles/pmc4621974?pdf=render"


@pytest.mark.parametrize(
    ("item", "said"),
    [
        (CLOSED, "Unpaywall knows no open-access copy of 10.1016/s0962-1849(05)80014-9"),
        (UNKNOWN, "No PDF found: Unpaywall does not know 10.000/doi1."),  # (its 404)
    ],
)
def test_no_open_access_copy_is_one_line_and_nothing_is_written(
    tmp_path: Path, services: list[str], item: Paper, said: str
) -> None:
    with pytest.raises(LookupFailed) as failed:
        fetch_pdf(item, tmp_path / "pdfs", EMAIL)
    assert said in str(failed.value) and "\n" not in str(failed.value)
    assert not (tmp_path / "pdfs").exists()
    assert len(services) == 1  # Unpaywall only: nothing was downloaded


def test_a_page_instead_of_a_pdf_is_refused(tmp_path: Path, services: list[str]) -> None:
    with pytest.raises(LookupFailed) as failed:
        fetch_pdf(JAMA, tmp_path, EMAIL)
    message = str(failed.value)
    assert message.startswith("No PDF at ")
    assert "jamanetwork.com/journals/jamadermatology/articlepdf/2471551/doi150042.pdf" in message
    assert "text/html" in message and "\n" not in message
    assert services[-1].startswith("/remote/jamanetwork.com/")  # it was asked
    assert list(tmp_path.iterdir()) == []
    assert ACCESS_DENIED.read_bytes().startswith(b"<HTML>")  # what it sent


def test_without_an_email_the_line_names_the_config_key_and_nothing_is_asked(
    tmp_path: Path, services: list[str]
) -> None:
    for email in (None, "", "   "):
        with pytest.raises(LookupFailed) as failed:
            fetch_pdf(PRL, tmp_path, email)
        message = str(failed.value)
        assert '"email"' in message and "config.json" in message and "Unpaywall" in message
    assert services == []
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_never_overwritten(tmp_path: Path, services: list[str]) -> None:
    mine = tmp_path / "2004.07180.pdf"
    mine.write_bytes(b"%PDF-1.4 the user's own copy")
    with pytest.raises(LookupFailed) as failed:
        fetch_pdf(SPECTER, tmp_path, EMAIL)
    assert str(mine) in str(failed.value)
    assert mine.read_bytes() == b"%PDF-1.4 the user's own copy"
    assert services == []  # not downloaded to be thrown away
    assert [p.name for p in tmp_path.iterdir()] == [mine.name]


def test_a_file_larger_than_the_cap_is_refused(tmp_path: Path, services: list[str]) -> None:
    with pytest.raises(LookupFailed) as failed:
        fetch_pdf(SPECTER, tmp_path, None, max_bytes=100_000)  # the PDF is 700 KB
    assert "over 0.1 MB" in str(failed.value)
    assert list(tmp_path.iterdir()) == []


def test_offline_is_one_line_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as unused:  # a port nothing listens on
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    for service in ("ARXIV_PDF", "UNPAYWALL"):
        monkeypatch.setenv(f"PAPERBROWSE_{service}_URL", f"http://127.0.0.1:{port}")
    for item in (SPECTER, PRL):
        with pytest.raises(LookupFailed) as failed:
            fetch_pdf(item, tmp_path / "pdfs", EMAIL)
        assert "offline?" in str(failed.value) and "\n" not in str(failed.value)
    assert not (tmp_path / "pdfs").exists()


def test_a_paper_without_doi_or_arxiv_id_says_so(tmp_path: Path) -> None:
    with pytest.raises(LookupFailed) as failed:
        fetch_pdf(paper("A Talk", 2020), tmp_path, EMAIL)
    assert "neither an arXiv id nor a DOI" in str(failed.value)


def test_why_a_paper_cannot_be_downloaded_is_said_before_any_request(
    tmp_path: Path, services: list[str]
) -> None:
    assert "neither an arXiv id nor a DOI" in (download_problem(paper("A Talk", 2020), EMAIL) or "")
    assert '"email"' in (download_problem(PRL, None) or "")
    assert "is not an email address" in (download_problem(PRL, "nobody") or "")
    assert download_problem(PRL, EMAIL) is None
    assert download_problem(SPECTER, None) is None  # arXiv asks for no address
    assert services == []


def test_a_cancelled_download_stops_between_chunks_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app quits mid-way: the download stops at once, not when the body is in."""
    with trickling() as (address, requests, left):
        monkeypatch.setenv("PAPERBROWSE_ARXIV_PDF_URL", address)
        stop_at = time.monotonic() + 0.5

        def cancelled() -> bool:
            return time.monotonic() > stop_at

        with pytest.raises(DownloadCancelled):
            fetch_pdf(SPECTER, tmp_path / "pdfs", None, cancelled=cancelled)
        assert left.wait(5), "the connection was kept open after the download stopped"
    assert requests == ["/pdf/2004.07180"]
    folder = tmp_path / "pdfs"
    assert (list(folder.iterdir()) if folder.exists() else []) == []  # no temporary file left


def test_a_downloaded_pdf_has_the_mode_of_any_new_file(tmp_path: Path, services: list[str]) -> None:
    old = os.umask(0o022)
    try:
        saved = fetch_pdf(SPECTER, tmp_path, None)
    finally:
        os.umask(old)
    assert saved.stat().st_mode & 0o777 == 0o644  # readable by others, as a copied file is


def test_a_download_cancelled_before_the_server_answers_stops_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app quits while the server has not even sent its headers: the download stops
    then, not when the server's minute is up (the app's exit waits for it)."""
    quit_pressed = threading.Event()
    outcome: list[BaseException | Path] = []

    def download() -> None:
        try:
            outcome.append(
                fetch_pdf(SPECTER, tmp_path / "pdfs", None, cancelled=quit_pressed.is_set)
            )
        except BaseException as error:
            outcome.append(error)

    with stalling() as (address, requests, left):
        monkeypatch.setenv("PAPERBROWSE_ARXIV_PDF_URL", address)
        downloading = threading.Thread(target=download, daemon=True)
        downloading.start()
        deadline = time.monotonic() + 10
        while not requests and time.monotonic() < deadline:
            time.sleep(0.02)
        assert requests == ["/pdf/2004.07180"]  # asked, and no answer coming
        quit_pressed.set()
        # A minute is the download's timeout: well before it, the connection is dropped.
        assert left.wait(10), "the download still waits for the server after it was cancelled"
        downloading.join(10)
    assert len(outcome) == 1 and isinstance(outcome[0], DownloadCancelled)
    folder = tmp_path / "pdfs"
    assert (list(folder.iterdir()) if folder.exists() else []) == []


@pytest.mark.parametrize(
    ("item", "arxiv_asked", "saved_from"),
    [
        (PRL_ON_ARXIV, "/pdf/gr-qc/9801069", "arxiv.org/pdf/gr-qc/9801069"),  # arXiv: 404
        (ORTHODONTICS_ON_ARXIV, "/pdf/1605.08386", "europepmc.org/articles/pmc4621974"),  # a page
    ],
)
def test_when_arxiv_gives_no_pdf_unpaywall_is_asked_for_the_doi(
    tmp_path: Path, services: list[str], item: Paper, arxiv_asked: str, saved_from: str
) -> None:
    saved = fetch_pdf(item, tmp_path, EMAIL)
    assert saved.read_bytes() == remote(saved_from)
    assert services[0] == arxiv_asked
    assert services[1].startswith(f"/v2/{item.doi}?email=")
    assert found_by_name(tmp_path, item) == [saved]
    assert [p.name for p in tmp_path.iterdir()] == [saved.name]


def test_when_neither_arxiv_nor_unpaywall_has_a_pdf_the_line_says_both_were_tried(
    tmp_path: Path, services: list[str]
) -> None:
    with pytest.raises(LookupFailed) as failed:
        fetch_pdf(CLOSED_ON_ARXIV, tmp_path / "pdfs", EMAIL)
    message = str(failed.value)
    assert "arXiv:0000.00001: not found at 127.0.0.1" in message
    assert "Unpaywall knows no open-access copy of 10.1016/s0962-1849(05)80014-9" in message
    assert "\n" not in message
    assert services[0] == "/pdf/0000.00001"
    assert [request.split("?")[0] for request in services[1:]] == [
        "/v2/10.1016/s0962-1849%2805%2980014-9"  # (asked once: no PDF link to follow)
    ]
    assert not (tmp_path / "pdfs").exists()


def test_without_an_email_an_arxiv_failure_says_unpaywall_needs_one(
    tmp_path: Path, services: list[str]
) -> None:
    with pytest.raises(LookupFailed) as failed:
        fetch_pdf(PRL_ON_ARXIV, tmp_path, None)
    message = str(failed.value)
    assert "arXiv:gr-qc/9801069: not found at 127.0.0.1" in message
    assert '"email"' in message and "config.json" in message and "\n" not in message
    assert services == ["/pdf/gr-qc/9801069"]  # Unpaywall was not asked without one
    assert list(tmp_path.iterdir()) == []


def test_offline_an_arxiv_paper_says_so_once_and_asks_nothing_else(
    tmp_path: Path, services: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # arxiv.org not reached: Unpaywall would not be either, and the line said it twice.
    with socket.socket() as unused:  # a port nothing listens on
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    monkeypatch.setenv("PAPERBROWSE_ARXIV_PDF_URL", f"http://127.0.0.1:{port}")
    with pytest.raises(LookupFailed) as failed:
        fetch_pdf(PRL_ON_ARXIV, tmp_path, EMAIL)
    message = str(failed.value)
    assert message.startswith("arXiv:gr-qc/9801069: cannot reach 127.0.0.1")
    assert message.count("offline?") == 1 and "Unpaywall" not in message
    assert services == []  # (the replay server, Unpaywall's here, was not asked)


def test_arxivs_own_doi_is_not_asked_of_unpaywall_when_arxiv_has_no_pdf(
    tmp_path: Path, services: list[str]
) -> None:
    own_doi = paper("A Preprint", 2000, doi="10.48550/arXiv.0000.00001")
    with pytest.raises(LookupFailed) as failed:
        fetch_pdf(own_doi, tmp_path, EMAIL)
    assert "arXiv:0000.00001: not found at 127.0.0.1" in str(failed.value)
    assert services == ["/pdf/0000.00001"]  # (Unpaywall's copy would be arXiv's own)


def test_a_quit_waits_for_a_download_being_written_and_finds_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The app leaves without waiting for a download's thread, but not while one writes
    # its file: a temporary file would be left in the user's PDF folder for good.
    from paperbrowse.core.pdf import fetch
    from paperbrowse.core.writing import write_synced as real_write

    written = threading.Event()

    def slow_write(handle: int, body: bytes) -> None:
        written.set()
        time.sleep(0.5)  # (a large PDF synced to a slow disk)
        real_write(handle, body)

    monkeypatch.setattr(fetch, "write_synced", slow_write)
    target = tmp_path / "pdfs" / "2004.07180.pdf"
    saver = threading.Thread(target=fetch.save_new, args=(target, b"%PDF-1.5 body"))
    saver.start()
    assert written.wait(5)
    assert fetch.finished_saving(timeout=10)  # what the app does before it ends
    assert sorted(path.name for path in target.parent.iterdir()) == [target.name]
    assert target.read_bytes() == b"%PDF-1.5 body"
    saver.join()


def test_an_arxiv_id_in_the_journal_as_google_scholar_writes_it_is_downloaded_by(
    corpus: Path,
) -> None:
    # Google Scholar's BibTeX: journal={arXiv preprint arXiv:1702.08608}, no DOI, no link.
    from paperbrowse.core.library import load
    from paperbrowse.core.pdf.fetch import download_target

    library = load(corpus / "bib" / "interpretable-ml-book_references.bib")
    doshi = next(paper for paper in library.papers if paper.citekey == "doshi2017towards")
    assert download_problem(doshi, None) is None  # (an arXiv id needs no email)
    folder = Path("pdfs")
    assert download_target(doshi, folder) == folder / "1702.08608.pdf"


# What Windows refuses in a file name (and "/" everywhere).
NOT_IN_A_NAME = set('\\/:*?"<>|') | {chr(code) for code in range(32)} | {"\x7f"}


@settings(max_examples=200, deadline=None)
@given(
    suffix=st.text(min_size=1, max_size=40),
    written=st.sampled_from(["{}", "https://doi.org/{}", "doi:{}", "http://dx.doi.org/{}"]),
)
def test_the_file_a_doi_is_saved_as_is_found_by_name_and_fine_on_every_system(
    tmp_path_factory: pytest.TempPathFactory, suffix: str, written: str
) -> None:
    """``D`` saves a PDF under a name made of the DOI; the PDF folders' look-up must find
    it by that name (the first PDF folder is where ``D`` saves): a DOI written as a link,
    as OpenAlex writes every DOI, was saved as ``10.x_y.pdf`` and looked for as
    ``https:__doi.org_10.x_y``. A DOI may hold any character, and Windows refuses some."""
    from paperbrowse.core.pdf.fetch import download_target

    item = paper("A paper", 2020, doi=written.format(f"10.1002/{suffix}"))
    folder = tmp_path_factory.mktemp("pdfs")
    target = download_target(item, folder)
    assert target is not None and target.parent == folder
    assert not NOT_IN_A_NAME & set(target.name) and target.stem == target.stem.rstrip(". ")
    target.write_bytes(b"%PDF-1.4\n")
    assert found_by_name(folder, item) == [target]


def test_an_old_wiley_doi_is_saved_under_a_name_windows_takes(tmp_path: Path) -> None:
    from paperbrowse.core.pdf.fetch import download_target

    sici = paper(
        "Sorting", 1998, doi="10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O"
    )
    target = download_target(sici, tmp_path)
    assert target == tmp_path / "10.1002_(SICI)1097-4571(199806)49_8_693__AID-ASI4_3.0.CO;2-O.pdf"
    saved_before = tmp_path / "10.1002_(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O.pdf"
    saved_before.write_bytes(b"%PDF-1.4\n")  # (by an older paperbrowse, on Linux)
    assert found_by_name(tmp_path, sici) == [saved_before]
