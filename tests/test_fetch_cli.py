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


def many_dois(count: int) -> str:
    """A .bib of ``count`` papers of 2021 with a DOI each that Unpaywall knows nothing of:
    with an email set, each is one request (answered at once, with no arXiv pacing)."""
    return "".join(
        f"@article{{many{n},\n  title = {{Paper {n}}},\n  author = {{Writer, Wim}},\n"
        f"  year = {{2021}},\n  doi = {{10.5555/many.{n}}},\n}}\n"
        for n in range(count)
    )


def test_a_query_matching_more_papers_than_the_cap_downloads_none(
    user: Folders, library: Path, services: list[str]
) -> None:
    """``--query 'year:2020'`` on a big library is thousands of downloads: the command says
    so in one line, and how to go on, instead of starting them."""
    from paperbrowse.cli.fetch import MAX_DOWNLOADS

    user.configure(email=EMAIL)
    over = MAX_DOWNLOADS + 1
    library.write_text(PAPERS_BIB + many_dois(over), encoding="utf-8")
    result = fetch(str(library), "--query", "year:2021")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"paperbrowse: error: 'year:2021' matches {over} papers, {over} of them to download: "
        f"more than {MAX_DOWNLOADS} at once without --max, so none is downloaded; narrow the "
        f"query, or pass --max {over} to download them all\n"
    )
    assert services == []
    assert files_in(user.pdfs) == []
    assert with_pdf(library) == []


def test_max_lets_that_many_downloads_through_and_no_more(
    user: Folders, library: Path, services: list[str]
) -> None:
    user.configure(email=EMAIL)
    both = "year:1998..2020 -isotretinoin -talk"  # cohan2020 (arXiv) and gomez1998 (DOI)
    refused = fetch(str(library), "--query", both, "--max", "1")
    assert refused.returncode == 2
    assert refused.stderr == (
        f"paperbrowse: error: {both!r} matches 2 papers, 2 of them to download: more than "
        "--max 1, so none is downloaded; narrow the query, or pass --max 2 to download them all\n"
    )
    assert services == []
    assert files_in(user.pdfs) == []
    allowed = fetch(str(library), "--query", both, "--max", "2")
    assert allowed.returncode == 0, allowed.stderr
    assert sorted(allowed.stdout.splitlines()) == [
        f"cohan2020: saved {user.pdfs / '2004.07180.pdf'}",
        f"gomez1998: saved {user.pdfs / '10.1103_PhysRevLett.80.3915.pdf'}",
    ]


def test_papers_that_have_their_pdf_or_cannot_be_downloaded_do_not_count(
    user: Folders, library: Path, services: list[str]
) -> None:
    """Only downloads are capped: a paper with its PDF already, or with no way to get
    one (no arXiv id nor DOI), asks nothing of any server."""
    kept = user.pdfs / "2004.07180.pdf"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(SPECTER_PDF)
    user.configure(email=EMAIL)
    result = fetch(str(library), "--query", "year:1998..2020 -isotretinoin", "--max", "1")
    assert result.returncode == 1, result.stderr  # talk2020 has no identifier
    assert sorted(result.stdout.splitlines()) == [
        f"cohan2020: has a PDF already: {kept}",
        f"gomez1998: saved {user.pdfs / '10.1103_PhysRevLett.80.3915.pdf'}",
    ]
    assert result.stderr.startswith("paperbrowse: error: talk2020: This paper has neither")


def test_papers_named_by_key_are_not_capped(
    user: Folders, library: Path, services: list[str]
) -> None:
    """The user named each one: all of them are asked for, however many."""
    from paperbrowse.cli.fetch import MAX_DOWNLOADS

    user.configure(email=EMAIL)
    over = MAX_DOWNLOADS + 1
    library.write_text(PAPERS_BIB + many_dois(over), encoding="utf-8")
    keys = ",".join(f"many{n}" for n in range(over))
    result = fetch(str(library), "--key", keys)
    assert result.returncode == 2  # Unpaywall knows none of them
    said = [line.split(": ")[2] for line in result.stderr.splitlines()]
    assert sorted(said) == sorted(f"many{n}" for n in range(over))  # a line each: asked
    assert len(services) == over


@pytest.mark.parametrize("value", ["0", "-3", "many", "2.5"])
def test_max_must_be_a_whole_number_of_one_or_more(
    user: Folders, library: Path, services: list[str], value: str
) -> None:
    result = fetch(str(library), "--query", "year:2020", "--max", value)
    assert result.returncode == 2
    assert result.stderr.startswith("usage: paperbrowse fetch")  # argparse's own error
    assert result.stderr.splitlines()[-1].startswith("paperbrowse fetch: error: argument --max: ")
    assert "Traceback" not in result.stderr
    assert services == []


def test_max_goes_with_a_query(user: Folders, library: Path, services: list[str]) -> None:
    result = fetch(str(library), "--key", "cohan2020", "--max", "5")
    assert result.returncode == 2
    assert result.stderr.startswith("paperbrowse: error: --max goes with --query")
    assert len(result.stderr.splitlines()) == 1
    assert services == []
    assert files_in(user.pdfs) == []


def test_help_says_how_many_a_query_downloads_at_most() -> None:
    from paperbrowse.cli.fetch import MAX_DOWNLOADS

    text = " ".join(fetch("--help").stdout.split())
    assert "--max N" in text
    assert f"(default {MAX_DOWNLOADS})" in text


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


def test_a_querys_papers_that_cannot_be_downloaded_are_one_line_for_each_reason(
    user: Folders, library: Path, services: list[str]
) -> None:
    """Without an email, a query's DOI-only papers cannot be downloaded, none asked for:
    one line says so of them all (it was one line a paper: thousands for a year of a
    large library), naming how many and the first of them."""
    talk = "@misc{talk2021,\n  title = {A Talk},\n  author = {Writer, Wim},\n  year = {2021},\n}\n"
    library.write_text(many_dois(30) + talk, encoding="utf-8")
    result = fetch(str(library), "--query", "year:2021")
    assert result.returncode == 2
    config = user.config / "config.json"
    assert sorted(result.stderr.splitlines()) == [  # (in the order their first paper came)
        "paperbrowse: error: 30 papers (many0, many1, many10, …): Unpaywall needs your email "
        f'address to look a DOI up: set "email" in {config}.',
        "paperbrowse: error: talk2021: This paper has neither an arXiv id nor a DOI to find "
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
