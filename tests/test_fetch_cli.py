"""``paperbrowse fetch``: the app's ``D`` from a shell. Each paper picked (by key, DOI or
query) gets its PDF downloaded as ``D`` downloads it (arXiv's, else the open-access copy
Unpaywall knows of), saved in the same folder under the same name and attached, a line
each. Run as a user runs it, against the recorded answers the ``services`` fixture
replays (``service_replay.py``), with data, config and cache folders of its own."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from service_replay import ARXIV_PDFS, EMAIL, PAPERS_BIB, REMOTE

pytestmark = pytest.mark.usefixtures("corpus")

SPECTER_PDF = ARXIV_PDFS["2004.07180"].read_bytes()
PRL_PDF = REMOTE["arxiv.org/pdf/gr-qc/9801069"][0].read_bytes()


class Folders:
    """The user's folders for one test: data (marks, downloaded PDFs), config, cache."""

    def __init__(self, root: Path) -> None:
        self.data = root / "data"
        self.config = root / "config"
        self.cache = root / "cache"
        self.pdfs = self.data / "pdfs"  # where a PDF goes when no PDF folder is named

    def configure(self, **settings: object) -> None:
        self.config.mkdir(parents=True, exist_ok=True)
        (self.config / "config.json").write_text(json.dumps(settings), encoding="utf-8")


@pytest.fixture
def user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Folders:
    folders = Folders(tmp_path / "user")
    monkeypatch.setenv("PAPERBROWSE_DATA_DIR", str(folders.data))
    monkeypatch.setenv("PAPERBROWSE_CONFIG_DIR", str(folders.config))
    monkeypatch.setenv("PAPERBROWSE_CACHE_DIR", str(folders.cache))
    return folders


@pytest.fixture
def library(tmp_path: Path) -> Path:
    bib = tmp_path / "lib.bib"
    bib.write_text(PAPERS_BIB, encoding="utf-8")
    return bib


def paperbrowse(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "paperbrowse", *args], capture_output=True, text=True, timeout=120
    )


def fetch(*args: str) -> subprocess.CompletedProcess[str]:
    return paperbrowse("fetch", *args)


def with_pdf(library: Path) -> list[str]:
    """The keys ``has:pdf`` finds: what the app and the commands see as having a PDF."""
    result = paperbrowse("search", "has:pdf", str(library), "--json")
    assert result.returncode in (0, 1), result.stderr
    return sorted(hit["key"] for hit in json.loads(result.stdout or "[]"))


def files_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir()) if folder.is_dir() else []


def test_an_arxiv_paper_by_key_is_saved_where_D_saves_it_and_attached(
    user: Folders, library: Path, services: list[str]
) -> None:
    result = fetch(str(library), "--key", "cohan2020")
    saved = user.pdfs / "2004.07180.pdf"
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"cohan2020: saved {saved}\n"
    assert result.stderr == ""
    assert saved.read_bytes() == SPECTER_PDF
    assert services == ["/pdf/2004.07180"]
    assert with_pdf(library) == ["cohan2020"]  # attached, as D attaches it


def test_a_doi_goes_to_unpaywall_with_the_email_into_the_first_pdf_folder(
    user: Folders, library: Path, services: list[str], tmp_path: Path
) -> None:
    folder = tmp_path / "my pdfs"
    folder.mkdir()
    user.configure(email=EMAIL, pdf_folders=[str(folder)])
    result = fetch(str(library), "--key", "10.1103/PhysRevLett.80.3915")  # a DOI picks too
    saved = folder / "10.1103_PhysRevLett.80.3915.pdf"
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"gomez1998: saved {saved}\n"
    assert saved.read_bytes() == PRL_PDF
    assert services[0] == "/v2/10.1103/PhysRevLett.80.3915?email=reader%40example.org"
    assert with_pdf(library) == ["gomez1998"]


def test_each_paper_is_one_line_and_a_failure_makes_the_status_non_zero(
    user: Folders, library: Path, services: list[str]
) -> None:
    user.configure(email=EMAIL)
    result = fetch(str(library), "--key", "cohan2020,castonguay1997", "--key", "lee2016")
    assert result.returncode == 1  # done, but not for every paper
    assert result.stdout == f"cohan2020: saved {user.pdfs / '2004.07180.pdf'}\n"
    closed, login_page = result.stderr.splitlines()
    assert closed == (
        "paperbrowse: error: castonguay1997: No PDF found: Unpaywall knows no open-access "
        "copy of 10.1016/s0962-1849(05)80014-9."
    )
    assert login_page.startswith("paperbrowse: error: lee2016: No PDF at http://127.0.0.1:")
    assert login_page.endswith("it sent text/html (a login page?)")
    assert files_in(user.pdfs) == ["2004.07180.pdf"]  # nothing written for the others


def test_papers_picked_by_a_query_are_each_downloaded(
    user: Folders, library: Path, services: list[str]
) -> None:
    user.configure(email=EMAIL)
    result = fetch(str(library), "--query", "year:1998..2020 -isotretinoin -talk")
    assert result.returncode == 0, result.stderr
    assert sorted(result.stdout.splitlines()) == [
        f"cohan2020: saved {user.pdfs / '2004.07180.pdf'}",
        f"gomez1998: saved {user.pdfs / '10.1103_PhysRevLett.80.3915.pdf'}",
    ]
    assert with_pdf(library) == ["cohan2020", "gomez1998"]


def test_a_pdf_already_where_D_saves_it_is_the_papers_not_downloaded_again(
    user: Folders, library: Path, services: list[str]
) -> None:
    """Found by its name there, with no PDF folder named (``pdfs/`` in the data folder)."""
    kept = user.pdfs / "2004.07180.pdf"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(SPECTER_PDF)
    result = fetch(str(library), "--key", "cohan2020")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"cohan2020: has a PDF already: {kept}\n"
    assert services == []
    assert kept.read_bytes() == SPECTER_PDF
    assert with_pdf(library) == ["cohan2020"]


def test_a_paper_that_has_its_pdf_is_not_downloaded_again(
    user: Folders, library: Path, services: list[str]
) -> None:
    assert fetch(str(library), "--key", "cohan2020").returncode == 0
    services.clear()
    again = fetch(str(library), "--key", "cohan2020")
    assert again.returncode == 0, again.stderr
    assert again.stdout == f"cohan2020: has a PDF already: {user.pdfs / '2004.07180.pdf'}\n"
    assert services == []


def test_a_file_of_that_name_that_is_no_pdf_is_left_as_it_is(
    user: Folders, library: Path, services: list[str]
) -> None:
    mine = user.pdfs / "2004.07180.pdf"
    mine.parent.mkdir(parents=True)
    mine.write_bytes(b"the user's own notes, named like the paper's PDF")
    result = fetch(str(library), "--key", "cohan2020")
    assert result.returncode == 2  # nothing done
    assert result.stderr == (
        f"paperbrowse: error: cohan2020: {mine} exists already; it is left as it is.\n"
    )
    assert mine.read_bytes() == b"the user's own notes, named like the paper's PDF"
    assert services == []


def test_without_an_email_or_an_identifier_each_says_why_and_nothing_is_asked(
    user: Folders, library: Path, services: list[str]
) -> None:
    result = fetch(str(library), "--key", "gomez1998,talk2020")
    assert result.returncode == 2
    config = user.config / "config.json"
    assert result.stderr.splitlines() == [
        "paperbrowse: error: gomez1998: Unpaywall needs your email address to look a DOI up: "
        f'set "email" in {config}.',
        "paperbrowse: error: talk2020: This paper has neither an arXiv id nor a DOI to find "
        "its PDF by.",
    ]
    assert services == []


def test_offline_is_one_line_a_paper_and_no_traceback(
    user: Folders, library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as unused:  # a port nothing listens on
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    for service in ("ARXIV_PDF", "UNPAYWALL"):
        monkeypatch.setenv(f"PAPERBROWSE_{service}_URL", f"http://127.0.0.1:{port}")
    user.configure(email=EMAIL)
    result = fetch(str(library), "--key", "cohan2020", "--key", "gomez1998")
    assert result.returncode == 2
    arxiv, unpaywall = result.stderr.splitlines()
    assert arxiv.startswith("paperbrowse: error: cohan2020: ") and "offline?" in arxiv
    assert unpaywall.startswith("paperbrowse: error: gomez1998: ") and "offline?" in unpaywall
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert files_in(user.pdfs) == []


def test_a_key_no_paper_has_is_said_and_the_rest_are_fetched(
    user: Folders, library: Path, services: list[str]
) -> None:
    result = fetch(str(library), "--key", "nobody1999", "--key", "cohan2020")
    assert result.returncode == 1
    assert result.stderr == "paperbrowse: warning: no paper has the key, DOI or id 'nobody1999'\n"
    assert result.stdout == f"cohan2020: saved {user.pdfs / '2004.07180.pdf'}\n"
    alone = fetch(str(library), "--key", "nobody1999")
    assert alone.returncode == 2
    assert "no papers to fetch" in alone.stderr


def test_papers_must_be_picked(user: Folders, library: Path, services: list[str]) -> None:
    """Not the whole library by default: that is thousands of downloads."""
    result = fetch(str(library))
    assert result.returncode == 2
    assert "--key" in result.stderr and "--query" in result.stderr
    assert services == []


def test_help_lists_fetch() -> None:
    listing = paperbrowse("--help").stdout
    assert "fetch" in listing and "PDF" in listing.split("fetch", 1)[1].splitlines()[0]
