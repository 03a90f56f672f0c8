"""The app's ``D``: the paper's PDF downloaded (arXiv's, or the open-access copy Unpaywall
knows of), saved in the user's PDF folder and attached, so ``O`` opens it and ``has:pdf``
finds it. Against recorded Unpaywall answers and real PDFs (the ``services`` fixture)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from app_helpers import browser, highlighted, notified, wait_for, wait_loaded
from service_replay import ARXIV_PDFS, EMAIL, PAPERS_BIB, REMOTE, trickling
from textual.pilot import Pilot

from paperbrowse.app.app import PaperBrowseApp
from paperbrowse.core.locations import config_file, data_dir

pytestmark = pytest.mark.usefixtures("services", "notifications_kept", "corpus")


def library(folder: Path) -> Path:
    bib = folder / "lib.bib"
    bib.write_text(PAPERS_BIB, encoding="utf-8")
    return bib


def configure(**settings: Any) -> None:
    config_file().parent.mkdir(parents=True, exist_ok=True)
    config_file().write_text(json.dumps(settings), encoding="utf-8")


async def download(pilot: Pilot[Any], query: str) -> None:
    """The paper ``query`` finds, under the cursor, and ``D``: until it has said how it went."""
    await pilot.press("slash", "ctrl+u", *query, "enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.press("D")
    await wait_for(pilot, lambda: said_how_it_went(pilot))


def said(pilot: Pilot[Any]) -> str:
    """Every notification the app gave, a line each."""
    app = pilot.app
    assert isinstance(app, PaperBrowseApp)
    return notified(app)


def said_how_it_went(pilot: Pilot[Any]) -> bool:
    """Whether a line other than "Downloading …" was given: saved, or why not."""
    return any(not line.startswith("Downloading") for line in said(pilot).splitlines())


def opened_by_O(pilot: Pilot[Any]) -> Path | None:
    """The file ``O`` opens for the paper under the cursor."""
    from paperbrowse.core.pdf.locate import first_pdf

    files = browser(pilot).reading.files
    return first_pdf(files.finder.files_of(highlighted(pilot)))


def saved_files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir()) if folder.is_dir() else []


async def test_D_on_an_arxiv_paper_saves_arxivs_pdf_attaches_it_and_O_opens_it(
    tmp_path: Path, services: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = tmp_path / "argv.txt"
    viewer = tmp_path / "viewer.py"
    viewer.write_text(
        f"#!{sys.executable}\nimport sys\nopen({str(seen)!r}, 'w').write(sys.argv[1] + '\\n')\n",
        encoding="utf-8",
    )
    viewer.chmod(0o755)
    monkeypatch.setenv("PAPERBROWSE_PDF_VIEWER", str(viewer))
    saved = data_dir() / "pdfs" / "2004.07180.pdf"  # no PDF folder named: the data folder's
    async with PaperBrowseApp([library(tmp_path)]).run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await download(pilot, "specter")
        assert f"PDF saved to {saved}" in said(pilot)
        assert saved.read_bytes() == ARXIV_PDFS["2004.07180"].read_bytes()
        assert services == ["/pdf/2004.07180"]
        assert opened_by_O(pilot) == saved
        await pilot.press("O")
        await pilot.press("slash", "ctrl+u", *"has:pdf", "enter")
        await wait_for(pilot, lambda: browser(pilot).paper_list.results is not None)
        results = browser(pilot).paper_list.results
        assert results is not None
        assert [results[i].citekey for i in range(len(results))] == ["cohan2020"]
    deadline = time.monotonic() + 20
    while not (seen.exists() and seen.read_text(encoding="utf-8").endswith("\n")):
        assert time.monotonic() < deadline, "the viewer never ran"
        time.sleep(0.05)
    assert seen.read_text(encoding="utf-8") == f"{saved}\n"


async def test_D_on_a_doi_asks_unpaywall_with_the_email_and_saves_in_the_pdf_folder(
    tmp_path: Path, services: list[str]
) -> None:
    folder = tmp_path / "my pdfs"
    configure(email=EMAIL, pdf_folders=[str(folder)])
    async with PaperBrowseApp([library(tmp_path)]).run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await download(pilot, "stable characteristic")
        saved = folder / "10.1103_PhysRevLett.80.3915.pdf"
        assert f"PDF saved to {saved}" in said(pilot)
        assert saved.read_bytes() == REMOTE["arxiv.org/pdf/gr-qc/9801069"][0].read_bytes()
        assert services[0] == "/v2/10.1103/PhysRevLett.80.3915?email=reader%40example.org"
        assert opened_by_O(pilot) == saved


async def test_D_into_a_pdf_folder_named_relatively_attaches_the_whole_path(
    tmp_path: Path, services: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A relative path kept with the paper would be lost once the app runs elsewhere.
    from paperbrowse.core.marks.store import open_store

    monkeypatch.chdir(tmp_path)
    configure(email=EMAIL, pdf_folders=["pdfs"])
    async with PaperBrowseApp([library(tmp_path)]).run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await download(pilot, "stable characteristic")
        paper = highlighted(pilot)
    saved = tmp_path / "pdfs" / "10.1103_PhysRevLett.80.3915.pdf"
    assert saved.is_file()
    assert open_store().marks(paper).files == (str(saved.resolve()),)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "psychotherapy",
            "No PDF found: Unpaywall knows no open-access copy of 10.1016/s0962-1849(05)80014-9.",
        ),
        ("isotretinoin", "No PDF at "),  # a login page where Unpaywall's PDF link points
    ],
)
async def test_D_without_a_pdf_to_be_had_is_one_line_and_writes_nothing(
    tmp_path: Path, query: str, expected: str
) -> None:
    configure(email=EMAIL)
    async with PaperBrowseApp([library(tmp_path)]).run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await download(pilot, query)
        (line,) = [line for line in said(pilot).splitlines() if expected in line]
        assert line.startswith(expected)
        assert "PDF saved" not in said(pilot)
        assert opened_by_O(pilot) is None
    assert saved_files(data_dir() / "pdfs") == []


async def test_D_without_an_email_names_the_config_key_and_asks_nothing(
    tmp_path: Path, services: list[str]
) -> None:
    async with PaperBrowseApp([library(tmp_path)]).run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await download(pilot, "stable characteristic")
        line = (
            f'Unpaywall needs your email address to look a DOI up: set "email" in {config_file()}.'
        )
        assert line in said(pilot)
    assert services == []


async def test_D_leaves_an_existing_file_of_that_name_as_it_is(
    tmp_path: Path, services: list[str]
) -> None:
    folder = tmp_path / "pdfs"
    folder.mkdir()
    mine = folder / "10.1001_jamadermatol.2015.3091.pdf"
    mine.write_bytes(b"not a PDF: the user's own notes, named like the paper's PDF")
    configure(email=EMAIL, pdf_folders=[str(folder)])
    async with PaperBrowseApp([library(tmp_path)]).run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await download(pilot, "isotretinoin")
        assert f"{mine} exists already; it is left as it is." in said(pilot)
    assert mine.read_bytes() == b"not a PDF: the user's own notes, named like the paper's PDF"
    assert services == []


async def test_D_on_a_paper_with_a_pdf_already_says_where_it_is(
    tmp_path: Path, services: list[str]
) -> None:
    async with PaperBrowseApp([library(tmp_path)]).run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await download(pilot, "specter")
        services.clear()
        pilot.app.__dict__["given"] = []
        await pilot.press("D")
        await wait_for(pilot, lambda: said(pilot))
        assert "This paper has a PDF already" in said(pilot)
        assert services == []


async def test_quitting_during_a_slow_download_stops_it_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``D`` then ``q``: the app must not wait half a minute on a blank screen for the
    download, nor save the file after it is gone (never attached)."""
    with trickling() as (address, requests, left):
        monkeypatch.setenv("PAPERBROWSE_ARXIV_PDF_URL", address)
        async with PaperBrowseApp([library(tmp_path)]).run_test(size=(130, 40)) as pilot:
            await wait_loaded(pilot)
            await pilot.press("slash", "ctrl+u", *"specter", "enter")
            await pilot.app.workers.wait_for_complete()
            await pilot.press("D")
            await wait_for(pilot, lambda: requests, workers=False)  # the download has started
            await pilot.press("q")
        # What asyncio.run does as the app exits: wait for its worker threads.
        loop = asyncio.get_running_loop()
        await asyncio.wait_for(loop.shutdown_default_executor(), timeout=5)
        assert left.wait(5)  # the connection was dropped, not read to the end
    assert saved_files(data_dir() / "pdfs") == []
    assert not any((data_dir() / "pdfs").glob(".*.tmp"))


async def test_D_twice_downloads_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with trickling() as (address, requests, _left):
        monkeypatch.setenv("PAPERBROWSE_ARXIV_PDF_URL", address)
        async with PaperBrowseApp([library(tmp_path)]).run_test(size=(130, 40)) as pilot:
            await wait_loaded(pilot)
            await pilot.press("slash", "ctrl+u", *"specter", "enter")
            await pilot.app.workers.wait_for_complete()
            await pilot.press("D")
            await wait_for(pilot, lambda: requests, workers=False)
            await pilot.press("D")
            await wait_for(pilot, lambda: "Already downloading" in said(pilot), workers=False)
            assert "Already downloading the PDF of “SPECTER" in said(pilot)
            await pilot.pause(0.3)
            assert requests == ["/pdf/2004.07180"]
            assert "exists already" not in said(pilot)
            await pilot.press("q")


async def test_D_finds_a_pdf_already_where_it_saves_and_attaches_one_saved_meanwhile(
    tmp_path: Path, services: list[str]
) -> None:
    """A PDF left by an earlier ``D`` (or put there by the user) where ``D`` saves is the
    paper's, found by its name; one saved there while the window was open (``paperbrowse
    fetch`` in another terminal: the folder was looked at before) is attached as ``A``
    would. Neither is downloaded again nor overwritten."""
    kept = data_dir() / "pdfs" / "2004.07180.pdf"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(ARXIV_PDFS["2004.07180"].read_bytes())
    async with PaperBrowseApp([library(tmp_path)]).run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await download(pilot, "specter")
        assert said(pilot) == f"This paper has a PDF already: {kept} (O opens it)"
        assert opened_by_O(pilot) == kept
    kept.unlink()
    async with PaperBrowseApp([library(tmp_path)]).run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"specter", "enter")
        assert opened_by_O(pilot) is None  # (the folder looked at: no PDF in it)
        kept.write_bytes(ARXIV_PDFS["2004.07180"].read_bytes())
        await download(pilot, "specter")
        assert said(pilot) == f"Attached {kept} (already downloaded)"
        assert opened_by_O(pilot) == kept
    assert services == []
    assert kept.read_bytes() == ARXIV_PDFS["2004.07180"].read_bytes()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("without identifiers", "This paper has neither an arXiv id nor a DOI"),
        ("stable characteristic", "Unpaywall needs your email address"),  # no "email" set
    ],
)
async def test_D_that_cannot_download_says_only_why(
    tmp_path: Path, services: list[str], query: str, expected: str
) -> None:
    async with PaperBrowseApp([library(tmp_path)]).run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await download(pilot, query)
        assert said(pilot).startswith(expected)
        assert len(said(pilot).splitlines()) == 1  # no "Downloading …" before it
    assert services == []


ON_ARXIV_TOO = """@article{gomez1998arxiv,
  title = {Stable Characteristic Evolution of Generic Three-Dimensional Spacetimes},
  author = {G{\\'o}mez, R.},
  year = {1998},
  doi = {10.1103/PhysRevLett.80.3915},
  url = {https://arxiv.org/abs/gr-qc/9801069},
}
@article{castonguay1997arxiv,
  title = {Psychotherapy integration and the need for better theories of change},
  author = {Castonguay, Louis G.},
  year = {1997},
  doi = {10.1016/s0962-1849(05)80014-9},
  url = {https://arxiv.org/abs/0000.00001},
}
"""


async def test_D_saves_unpaywalls_copy_when_arxiv_has_no_pdf(
    tmp_path: Path, services: list[str]
) -> None:
    configure(email=EMAIL)
    bib = tmp_path / "lib.bib"
    bib.write_text(ON_ARXIV_TOO, encoding="utf-8")
    async with PaperBrowseApp([bib]).run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await download(pilot, "stable characteristic")
        saved = data_dir() / "pdfs" / "gr-qc_9801069.pdf"  # (named by its arXiv id)
        assert f"PDF saved to {saved}" in said(pilot)
        assert saved.read_bytes() == REMOTE["arxiv.org/pdf/gr-qc/9801069"][0].read_bytes()
        assert services[0] == "/pdf/gr-qc/9801069"  # arXiv first: not found (404)
        assert services[1] == "/v2/10.1103/PhysRevLett.80.3915?email=reader%40example.org"
        assert opened_by_O(pilot) == saved


async def test_D_when_neither_arxiv_nor_unpaywall_has_a_pdf_says_both_in_one_line(
    tmp_path: Path, services: list[str]
) -> None:
    configure(email=EMAIL)
    bib = tmp_path / "lib.bib"
    bib.write_text(ON_ARXIV_TOO, encoding="utf-8")
    async with PaperBrowseApp([bib]).run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await download(pilot, "psychotherapy")
        (line,) = [line for line in said(pilot).splitlines() if "Downloading" not in line]
        port = os.environ["PAPERBROWSE_ARXIV_PDF_URL"].rsplit(":", 1)[1]
        assert line == (
            f"Tried arXiv, then Unpaywall: arXiv:0000.00001: not found at 127.0.0.1:{port}. "
            "No PDF found: Unpaywall knows no open-access copy of 10.1016/s0962-1849(05)80014-9."
        )
        assert opened_by_O(pilot) is None
    assert saved_files(data_dir() / "pdfs") == []
