"""The paper's PDF in the browser: the Files line, has:pdf, O opens it, A attaches one."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from app_helpers import browser, notified, screen_text, settle, wait_for, wait_loaded
from textual.pilot import Pilot

from paperbrowse.app.app import PaperBrowseApp

ROOT = Path(__file__).resolve().parents[2]
PDFS = ROOT.parent / "shared" / "corpus" / "pdf"
SPECTER = PDFS / "acl-2020.acl-main.207.pdf"

ENTRY = """@inproceedings{{{key},
    title = "{title}",
    author = "Cohan, Arman and Feldman, Sergey",
    year = "2020",
    {extra}
}}
"""

pytestmark = pytest.mark.skipif(not SPECTER.is_file(), reason="no shared PDF corpus")


def library(folder: Path) -> Path:
    """SPECTER with its PDF in a JabRef file field, and a paper whose file is gone."""
    (folder / "papers").mkdir()
    shutil.copy(SPECTER, folder / "papers" / "specter paper.pdf")
    bib = folder / "lib.bib"
    bib.write_text(
        ENTRY.format(
            key="cohan2020",
            title="SPECTER: Document-level Representation Learning",
            extra="file = {:papers/specter paper.pdf:PDF}",
        )
        + ENTRY.format(
            key="gone2019",
            title="A Paper Whose PDF Was Deleted",
            extra="file = {:papers/deleted.pdf:PDF}",
        ),
        encoding="utf-8",
    )
    return bib


async def wait_for_text(pilot: Pilot[Any], wanted: str) -> str:
    # Up to a minute: text extraction runs in a low-priority process, which a machine
    # busy with other work starves (it took over 20 s once, with 2 cores fully used).
    for _ in range(1200):
        await pilot.pause(0.05)
        text = screen_text(pilot)
        if wanted in text:
            return text
    raise AssertionError(f"{wanted!r} never shown:\n{screen_text(pilot)}")


def notifications(pilot: Pilot[Any]) -> list[str]:
    return [str(n.message) for n in pilot.app._notifications]


async def test_files_line_shows_page_count_and_size_or_missing(tmp_path: Path) -> None:
    bib = library(tmp_path)
    async with PaperBrowseApp([bib]).run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"specter", "enter")
        text = await wait_for_text(pilot, "13 pages")
        assert "specter paper.pdf · 13 pages · 683.3 KB" in text
        await pilot.press("slash", "ctrl+u", *"deleted", "enter")
        text = await wait_for_text(pilot, "deleted.pdf · missing")


async def test_a_pdf_deleted_while_shown_is_missing_when_the_paper_is_shown_again(
    tmp_path: Path,
) -> None:
    # Its size and pages stayed on the Files line until ctrl+r (the explorer).
    bib = library(tmp_path)
    async with PaperBrowseApp([bib]).run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"specter", "enter")
        await wait_for_text(pilot, "specter paper.pdf · 13 pages")
        (tmp_path / "papers" / "specter paper.pdf").unlink()
        await pilot.press("slash", "ctrl+u", *"deleted", "enter")
        await wait_for_text(pilot, "deleted.pdf · missing")
        await pilot.press("slash", "ctrl+u", *"specter", "enter")
        await wait_for_text(pilot, "specter paper.pdf · missing")


async def test_a_file_field_naming_a_folder_says_so_not_its_size(tmp_path: Path) -> None:
    (tmp_path / "pdf").mkdir()
    bib = tmp_path / "lib.bib"
    bib.write_text(ENTRY.format(key="f", title="Folder", extra="file = {:pdf:PDF}"))
    async with PaperBrowseApp([bib]).run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        text = await wait_for_text(pilot, "pdf · a folder, not a file")
        assert " KB" not in text  # (was "pdf · 4.0 KB")


async def test_a_files_row_that_wraps_goes_on_under_its_value(tmp_path: Path) -> None:
    (tmp_path / "papers").mkdir()
    name = "Cohan et al - 2020 - SPECTER Document-level Representation Learning.pdf"
    shutil.copy(SPECTER, tmp_path / "papers" / name)
    bib = tmp_path / "lib.bib"
    bib.write_text(
        ENTRY.format(key="cohan2020", title="SPECTER", extra=f"file = {{:papers/{name}:PDF}}"),
        encoding="utf-8",
    )
    async with PaperBrowseApp([bib]).run_test(size=(100, 40)) as pilot:
        await wait_loaded(pilot)
        await wait_for_text(pilot, "13 pages")
        pane = pilot.app.query_one("#detail-body").region
        rows = [line[pane.x : pane.right] for line in screen_text(pilot).splitlines()]
        files = next(number for number, row in enumerate(rows) if row.startswith("Files "))
        assert "Cohan et al" in rows[files]
        # the rest of the row under the file's name, not under "Files" at column 0
        assert rows[files + 1].startswith(" " * 10) and rows[files + 1].strip(), rows[files:]
        assert "683.3 KB" in " ".join(rows[files : files + 4])


async def test_has_pdf_lists_only_papers_whose_pdf_is_on_disk(tmp_path: Path) -> None:
    bib = library(tmp_path)
    async with PaperBrowseApp([bib]).run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"has:pdf", "enter")
        await settle(pilot)
        await pilot.pause()
        results = browser(pilot).paper_list.results
        assert [results[i].citekey for i in range(len(results))] == ["cohan2020"]


async def test_O_runs_the_viewer_from_the_environment_with_the_path_as_one_argument(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bib = library(tmp_path)
    seen = tmp_path / "argv.txt"
    viewer = tmp_path / "viewer.py"
    viewer.write_text(
        f"#!{sys.executable}\nimport sys\nopen({str(seen)!r}, 'w')"
        ".write('\\n'.join(sys.argv[1:]) + '\\n')\n",
        encoding="utf-8",
    )
    viewer.chmod(0o755)
    monkeypatch.setenv("PAPERBROWSE_PDF_VIEWER", f"'{viewer}' --fork")
    async with PaperBrowseApp([bib]).run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"specter", "enter", "O")
        await pilot.pause()
        assert any("Opening specter paper.pdf" in n for n in notifications(pilot))
    deadline = time.monotonic() + 20
    while not (seen.exists() and seen.read_text(encoding="utf-8").endswith("\n")):
        assert time.monotonic() < deadline, "the viewer never ran"
        time.sleep(0.05)
    assert seen.read_text(encoding="utf-8").splitlines() == [
        "--fork",
        str(tmp_path / "papers" / "specter paper.pdf"),
    ]


@pytest.mark.parametrize(
    ("script", "status"),
    [
        ("exit 1", 1),  # at once
        # Seconds later: a viewer on a busy machine giving up on a file. "Opening" was said,
        # and its failure went unsaid when it came after the app's one look, at 1.5 s.
        ("sleep 2\nexit 3", 3),
    ],
)
async def test_O_says_so_when_the_viewer_exits_with_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str, status: int
) -> None:
    bib = library(tmp_path)
    viewer = tmp_path / "broken viewer"
    viewer.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    viewer.chmod(0o755)
    monkeypatch.setenv("PAPERBROWSE_PDF_VIEWER", f"'{viewer}'")
    async with PaperBrowseApp([bib]).run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"specter", "enter", "O")
        failed = f"the PDF viewer ({viewer}) exited with status {status}"
        await wait_for(pilot, lambda: any(failed in n for n in notifications(pilot)))


@pytest.mark.usefixtures("notifications_kept")
async def test_O_says_nothing_more_when_the_viewer_keeps_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bib = library(tmp_path)
    viewer = tmp_path / "viewer"
    viewer.write_text("#!/bin/sh\nsleep 5\n", encoding="utf-8")
    viewer.chmod(0o755)
    monkeypatch.setenv("PAPERBROWSE_PDF_VIEWER", str(viewer))
    app = PaperBrowseApp([bib])
    async with app.run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"specter", "enter", "O")
        await pilot.pause(2.0)  # (a failure at once is said within this)
        assert notified(app) == "Opening specter paper.pdf"


async def test_O_on_a_missing_pdf_is_one_clear_notification(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bib = library(tmp_path)
    monkeypatch.setenv("PAPERBROWSE_PDF_VIEWER", "/bin/true")
    async with PaperBrowseApp([bib]).run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"deleted", "enter", "O")
        await pilot.pause()
        (message,) = notifications(pilot)
        assert "deleted.pdf: missing" in message and "\n" not in message


async def test_A_attaches_a_pdf_kept_with_the_marks_and_the_bib_untouched(
    tmp_path: Path, notifications_kept: None
) -> None:
    bib = library(tmp_path)
    before = bib.read_bytes()
    extra = tmp_path / "found later.pdf"
    shutil.copy(PDFS / "acl-N18-3011.pdf", extra)
    os.chdir(tmp_path)
    app = PaperBrowseApp([bib])
    async with app.run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"deleted", "enter", "A")
        await pilot.pause()
        await pilot.press("ctrl+u", *"found")
        await settle(pilot)  # the input's suggester runs in a worker
        await pilot.press("right", "enter")  # → completes the name
        # Said once the dialog's result is handled, on a later turn; kept (it is shown for
        # 3 s, and the PDF's text is read meanwhile).
        await wait_for(pilot, lambda: "Attached" in notified(app))
        await wait_for_text(pilot, "found later.pdf · 8 pages")
    async with PaperBrowseApp([bib]).run_test(size=(130, 40)) as pilot:  # kept
        await wait_loaded(pilot)
        await pilot.press("slash", *"deleted", "enter")
        await wait_for_text(pilot, "found later.pdf · 8 pages")
    assert bib.read_bytes() == before


async def test_a_pdf_attached_with_A_is_searched_at_once_and_not_once_detached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paperbrowse.app.screens.browser_parts import files

    monkeypatch.setattr(files, "FULLTEXT_NICE", 0)  # not starved by a busy test run
    bib = tmp_path / "lib.bib"
    bib.write_text(ENTRY.format(key="later", title="Attached Later", extra=""), encoding="utf-8")
    shutil.copy(SPECTER, tmp_path / "specter.pdf")
    os.chdir(tmp_path)
    async with PaperBrowseApp([bib]).run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("A")
        await pilot.pause()
        await pilot.press("ctrl+u", *"specter.pdf", "enter")  # beside the library
        await pilot.app.workers.wait_for_complete()
        await pilot.press("slash", *"fulltext:triplet", "enter")
        await wait_for_text(pilot, "1 of 1 paper")  # without a reopen
        await pilot.press("A")
        await pilot.pause()
        await pilot.press("ctrl+u", "enter")  # an empty line detaches
        await pilot.app.workers.wait_for_complete()
        await wait_for_text(pilot, "0 of 1 paper")


async def test_pdfs_named_by_key_in_pdf_dir_and_config_folders_are_found(tmp_path: Path) -> None:
    from paperbrowse.app.config import config_path

    bib = tmp_path / "lib.bib"
    bib.write_text(
        ENTRY.format(key="cohan2020", title="SPECTER", extra="")
        + ENTRY.format(key="ammar2018", title="Literature Graph", extra=""),
        encoding="utf-8",
    )
    given, configured = tmp_path / "given", tmp_path / "configured"
    given.mkdir()
    configured.mkdir()
    shutil.copy(SPECTER, given / "cohan2020.pdf")
    shutil.copy(PDFS / "acl-N18-3011.pdf", configured / "ammar2018.pdf")
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text(f'{{"pdf_folders": ["{configured}"]}}', encoding="utf-8")
    async with PaperBrowseApp([bib], pdf_dirs=[given]).run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"specter", "enter")
        await wait_for_text(pilot, "cohan2020.pdf · 13 pages")
        await pilot.press("slash", "ctrl+u", *"graph", "enter")
        await wait_for_text(pilot, "ammar2018.pdf · 8 pages")


async def test_a_missing_pdf_folder_is_a_line_in_the_problems_list(tmp_path: Path) -> None:
    # QA (issue 15): a --pdf-dir that is gone or a file, or such a pdf_folders entry, was silent.
    from paperbrowse.app.config import config_path

    bib = library(tmp_path)
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text(f'{{"pdf_folders": ["{tmp_path / "gone"}"]}}', encoding="utf-8")
    app = PaperBrowseApp([bib], pdf_dirs=[bib])
    async with app.run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("w")
        text = await wait_for_text(pilot, "PDF folder missing")
        flat = " ".join(text.replace("█", " ").split())  # (a long line wraps in the box)
        # (the first PDF folder: where downloads go, made by the first one)
        assert f"{tmp_path / 'gone'}: PDF folder missing; made by the first download" in flat
        assert f"{bib}: a file, not a PDF folder; ignored" in flat
        await pilot.press("escape")
        await pilot.press("slash", *"specter", "enter")
        await wait_for_text(pilot, "specter paper.pdf · 13 pages")  # the rest loads


def test_a_bad_pdf_folders_setting_is_one_line_and_kept() -> None:
    from paperbrowse.app.config import Config

    config = Config.from_json({"pdf_folders": "~/papers"}, "config.json")
    assert config.pdf_folders == ()
    assert config.problem == 'config.json: "pdf_folders" is not a list of folders; ignored'
    assert config.to_json() == {"pdf_folders": "~/papers"}


async def test_has_pdf_follows_an_attachment_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paperbrowse.core.pdf import locate

    monkeypatch.setattr(locate, "HAS_PDF_SECONDS", 3600.0)  # however slowly the keys come
    bib = library(tmp_path)
    async with PaperBrowseApp([bib]).run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"has:pdf", "enter")  # the answer is remembered now
        await pilot.app.workers.wait_for_complete()
        await pilot.press("slash", "ctrl+u", *"deleted", "enter", "A")
        await pilot.pause()
        await pilot.press("ctrl+u", *str(SPECTER), "enter")
        await pilot.press("slash", "ctrl+u", *"has:pdf", "enter")
        await settle(pilot)
        await pilot.pause()
        results = browser(pilot).paper_list.results
        assert sorted(str(results[i].citekey) for i in range(len(results))) == [
            "cohan2020",
            "gone2019",
        ]


async def test_full_text_is_extracted_in_the_background_and_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paperbrowse.app.screens.browser_parts import files
    from paperbrowse.core.pdf import fulltext

    monkeypatch.setattr(files, "FULLTEXT_DONE_SECONDS", 3600.0)  # however slow the machine
    # At normal priority: a niced extractor beside a busy test run was starved past a minute.
    monkeypatch.setattr(files, "FULLTEXT_NICE", 0)

    bib = library(tmp_path)
    shutil.copy(PDFS / "pysample-libreoffice-writer-password.pdf", tmp_path / "papers" / "x.pdf")
    bib.write_text(
        bib.read_text(encoding="utf-8")
        + ENTRY.format(key="locked", title="Locked", extra="file = {:papers/x.pdf:PDF}"),
        encoding="utf-8",
    )
    async with PaperBrowseApp([bib]).run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await wait_for_text(pilot, "full text: 1 PDF read, 1 not searchable")
    entry = fulltext.cache_path(tmp_path / "papers" / "specter paper.pdf")
    assert entry is not None
    cached = fulltext.load_cached(entry)
    assert cached is not None and "representations" in cached.text


def test_files_line_says_an_empty_size_once_and_shows_an_esc_in_a_name(tmp_path: Path) -> None:
    # QA (issue 15): "empty.pdf · 0 bytes · empty (0 bytes)"; an ESC-named PDF had no line.
    from paperbrowse.app.screens.browser_parts.files import FileFacts, describe
    from paperbrowse.core.formats.file_fields import file_field_paths
    from paperbrowse.core.pdf.worker import PdfFacts

    empty = describe(Path("/x/empty.pdf"), FileFacts(0, PdfFacts(problem="empty (0 bytes)")))
    assert empty.plain == "empty.pdf · empty (0 bytes)"
    written = "/x/esc\x1b[31mred.pdf"
    assert file_field_paths(f"Full Text:{written}:application/pdf") == [written]
    shown = describe(Path(written), FileFacts(None, PdfFacts(problem="missing"))).plain
    assert "esc\\x1b[31mred.pdf · missing" in shown and "\x1b" not in shown


def test_help_syntax_names_has_pdf_and_fulltext() -> None:
    # fulltext: was left out of ?'s syntax and `paperbrowse search --help` (the explorer).
    from paperbrowse.core.search.query import SYNTAX_HELP

    assert any("has:pdf" in meaning for _, meaning in SYNTAX_HELP)
    assert any(example.startswith("fulltext:") for example, _ in SYNTAX_HELP)


async def test_y_Y_O_A_with_no_paper_listed_each_say_so(tmp_path: Path) -> None:
    # QA (issue 15): they were silent while c and C said "No paper to cite.".
    bib = library(tmp_path)
    async with PaperBrowseApp([bib]).run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"zzzqqq", "enter")
        await wait_for_text(pilot, "No paper")
        for key in ("y", "Y", "O", "A"):
            pilot.app.clear_notifications()
            await pilot.press(key)
            await pilot.pause()
            assert len(notifications(pilot)) == 1, key
            assert notifications(pilot)[0].startswith("No paper to"), key


async def test_A_starts_in_the_library_folder_stays_open_on_an_error_and_stores_a_clean_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, notifications_kept: None
) -> None:
    # QA (issue 15): started in the cwd, all selected, stored "other/../x.pdf", closed on errors.
    lib = tmp_path / "lib"
    lib.mkdir()
    bib = library(lib)
    (lib / "other").mkdir()
    shutil.copy(PDFS / "acl-N18-3011.pdf", lib / "found.pdf")
    monkeypatch.chdir(tmp_path / "lib" / "other")
    app = PaperBrowseApp([bib])
    async with app.run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"deleted", "enter", "A")
        await pilot.pause()
        await pilot.press(*"other", "enter")  # typed after the library's folder, a folder
        await wait_for_text(pilot, "not a file")
        shown = str(pilot.app.screen.query_one("#attach-error").render())  # the dialog stays
        assert shown == f"Not attached: {lib / 'other'}: a folder, not a file"
        await pilot.press(*"/../found.pdf", "enter")
        # (Said once the dialog's result is handled, on a later turn; kept: shown for 3 s.)
        attached = f"Attached {lib / 'found.pdf'}"
        await wait_for(pilot, lambda: attached in notified(app).splitlines())
        await wait_for_text(pilot, "found.pdf · 8 pages")


async def test_an_empty_line_in_the_A_dialog_detaches_the_attached_pdf(
    tmp_path: Path, notifications_kept: None
) -> None:
    # QA (issue 15): an attachment could not be removed.
    bib = library(tmp_path)
    shutil.copy(PDFS / "acl-N18-3011.pdf", tmp_path / "found.pdf")
    app = PaperBrowseApp([bib])
    async with app.run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"deleted", "enter", "A")
        await pilot.pause()
        await pilot.press(*"found.pdf", "enter")
        await wait_for_text(pilot, "found.pdf · 8 pages")
        await pilot.press("A")
        await wait_for_text(pilot, "to detach")
        await pilot.press("ctrl+u", "enter")
        # (Said once the dialog's result is handled, on a later turn; kept: shown for 3 s.)
        await wait_for(pilot, lambda: "Detached 1 PDF(s)." in notified(app))
    async with PaperBrowseApp([bib]).run_test(size=(130, 40)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"deleted", "enter")
        text = await wait_for_text(pilot, "deleted.pdf · missing")
        assert "found.pdf" not in text
