"""The export dialog (``e``) and ``Y`` as a user meets them: the PDFs found beside the
library or attached go out with the papers, the message says where the file went, the
format list names the citation style chosen, and replacing one of the open library's own
files is asked about as that (Pilot, on a small library of the test's own)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from app_helpers import notified, settle, wait_for, wait_loaded, write_config
from textual.pilot import Pilot
from textual.widgets import Input, Select

from paperbrowse.app.app import PaperBrowseApp
from paperbrowse.app.screens.export_dialog import ConfirmScreen, ExportDialog
from paperbrowse.core.library import load
from paperbrowse.core.marks.store import Store

SIZE = (120, 35)
LIBRARY = (
    "@article{foo2020, title={Foo Bar}, author={Ann Foo}, journal={J}, year={2020}}\n"
    "@article{bar2021, title={Bar Baz}, author={Bo Bar}, journal={J}, year={2021}}\n"
    "@article{baz2022, title={Baz Qux}, author={Cy Baz}, journal={J}, year={2022}}\n"
)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "lib"
    folder.mkdir()
    bib = folder / "lib.bib"
    bib.write_text(LIBRARY, encoding="utf-8")
    return bib


async def open_export(pilot: Pilot[Any]) -> ExportDialog:
    await pilot.press("e")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ExportDialog))
    dialog = pilot.app.screen
    assert isinstance(dialog, ExportDialog)
    return dialog


async def export_to(pilot: Pilot[Any], path: Path | str) -> None:
    dialog = await open_export(pilot)
    dialog.query_one("#export-path", Input).value = str(path)
    await pilot.press("enter")
    await settle(pilot)


async def test_export_and_y_write_the_pdfs_found_by_name_and_attached(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the library's own file fields went out: the PDF named foo2020.pdf beside the
    # library, which the Files line shows, and the one attached with A were left behind.
    beside = library.parent / "foo2020.pdf"
    beside.write_bytes(b"%PDF-1.4\n")
    mine = tmp_path / "attached" / "bar.pdf"
    bar = next(p for p in load(library).papers if p.citekey == "bar2021")
    with Store.open() as store:
        store.attach_file(bar, str(mine))
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        copied: list[str] = []
        monkeypatch.setattr(pilot.app, "copy_to_clipboard", copied.append)
        await pilot.press("space", "space", "space", "Y")  # all three, marked
        await settle(pilot)
        assert f"  file = {{:{beside}:PDF}},\n" in copied[-1]
        assert f"  file = {{:{mine}:PDF}},\n" in copied[-1]
        out = tmp_path / "out.bib"
        await export_to(pilot, out)
    written = out.read_text(encoding="utf-8")
    assert f"  file = {{:{beside}:PDF}},\n" in written and f"  file = {{:{mine}:PDF}},\n" in written


async def test_the_message_says_where_the_export_went(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, notifications_kept: None
) -> None:
    # "Exported 3 papers to papers.bib.": in which folder? The one the app was started in.
    started_in = tmp_path / "started here"
    started_in.mkdir()
    monkeypatch.chdir(started_in)
    monkeypatch.setenv("HOME", str(tmp_path))
    app = PaperBrowseApp([library])
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await open_export(pilot)
        await pilot.press("enter")  # the name offered: papers.bib
        await settle(pilot)
    assert (started_in / "papers.bib").is_file()
    assert "Exported 3 papers to ~/started here/papers.bib." in notified(app)


async def test_the_format_list_names_the_citation_style_chosen(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It said "Reference list (.md, APA or csl_style in config.json)" whatever was chosen.
    monkeypatch.chdir(tmp_path)
    write_config({"csl_style": "ieee"})
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        dialog = await open_export(pilot)
        select = dialog.query_one("#export-format", Select)
        labels = {value: str(label) for label, value in select._options}
        assert labels["bibliography"] == "Reference list (.md, IEEE)"
        select.value = "bibliography"
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
    written = (tmp_path / "references.md").read_text(encoding="utf-8")
    assert written.startswith("\\[1\\] C. Baz, “Baz Qux,” *J*, 2022.")  # IEEE's, in Markdown


async def test_replacing_the_open_library_s_own_file_says_so_and_counts(
    library: Path, notifications_kept: None
) -> None:
    # The open .bib typed as the export's name got the question any file gets, "already
    # exists. Replace it?": not that it is the library's, holding 3 papers, and 1 goes in.
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("space")  # one marked paper
        await export_to(pilot, library)
        confirm = pilot.app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert confirm.question.startswith(
            f"{library} is a file of the open library: it holds 3 papers, and 1 marked "
            "paper will be written in their place. Replace it?"
        )
        await pilot.press("n")
        await settle(pilot)
    assert library.read_text(encoding="utf-8") == LIBRARY


async def test_an_other_file_s_question_is_as_before(library: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.bib"
    other.write_text("@misc{x, title={X}}\n", encoding="utf-8")
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await export_to(pilot, other)
        confirm = pilot.app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert confirm.question.startswith(f"{other} already exists. Replace it?")


def test_a_full_name_claims_no_home_folder_when_home_is_the_root(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # With HOME=/ (a service's account) /tmp/papers.bib was offered as "~/tmp/papers.bib".
    from paperbrowse.app.screens.export_dialog import full_name

    monkeypatch.setenv("HOME", "/")
    assert full_name(Path("/tmp/papers.bib")) == "/tmp/papers.bib"
    monkeypatch.setenv("HOME", "/home/ann")
    assert full_name(Path("/home/ann/papers.bib")) == "~/papers.bib"
