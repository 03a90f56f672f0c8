"""A paper's PDFs: found from the library's file fields and by name, checked safely, opened.

The .bib files are the real ACL entries of the two papers in ``corpus/pdf``, with a
``file`` field in each form reference managers write (Zotero / Better BibTeX, JabRef,
Mendeley) pointing at the real PDFs.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperbrowse.core.formats import read_file
from paperbrowse.core.library import Library, load
from paperbrowse.core.marks.store import Store
from paperbrowse.core.models import Paper
from paperbrowse.core.pdf.locate import PdfFinder, first_pdf
from paperbrowse.core.pdf.viewer import CannotOpen, open_pdf, viewer_command, viewer_failure
from paperbrowse.core.pdf.worker import ENCRYPTED, PdfWorker

AS_OF = dt.date(2026, 12, 4)
SPECTER_KEY = "2020.acl-main.207"
GRAPH_KEY = "N18-3011"


@pytest.fixture
def pdfs(corpus: Path) -> Path:
    folder = corpus / "pdf"
    if not folder.is_dir():
        pytest.skip("the shared corpus has no pdf folder")
    return folder


def real_entry(corpus: Path, key: str, extra: str = "") -> str:
    """The ACL corpus's own entry for ``key``, with ``extra`` fields added before its end."""
    text = (corpus / "acl-anthology-2016-2021.bib").read_text(encoding="utf-8")
    start = text.index("{" + key + ",") - len("@inproceedings")
    end = text.index("\n}", start)
    entry = text[start:end].rstrip().rstrip(",")
    return entry + (",\n    " + extra if extra else "") + "\n}\n"


def one_paper(path: Path) -> Paper:
    result = read_file(path, AS_OF, None)
    assert not result.problems, result.problems
    (paper,) = result.papers
    return paper


# --- 1. finding the files ----------------------------------------------------------------


def test_zotero_file_field_with_escapes_and_several_files(
    tmp_path: Path, corpus: Path, pdfs: Path
) -> None:
    # Better BibTeX escapes ":" and ";" inside paths; files are separated by ";".
    odd = tmp_path / "Zotero" / "storage" / "AB:CD;1"
    odd.mkdir(parents=True)
    shutil.copy(pdfs / "acl-2020.acl-main.207.pdf", odd / "Cohan - SPECTER.pdf")
    escaped = str(odd / "Cohan - SPECTER.pdf").replace(":", "\\:").replace(";", "\\;")
    field = f"file = {{Full Text PDF:{escaped}:application/pdf;Snapshot:/nowhere/s.html:text/html}}"
    bib = tmp_path / "zotero.bib"
    bib.write_text(real_entry(corpus, SPECTER_KEY, field), encoding="utf-8")

    paper = one_paper(bib)

    assert paper.files == (str(odd / "Cohan - SPECTER.pdf"), "/nowhere/s.html")
    files = PdfFinder().files_of(paper)
    assert first_pdf(files) == odd / "Cohan - SPECTER.pdf"
    assert (found := first_pdf(files)) is not None and found.is_file()


def test_o_skips_a_missing_file_listed_before_a_good_pdf(tmp_path: Path, pdfs: Path) -> None:
    # QA (issue 15): Zotero kept a stale path first; O said "Cannot open the PDF: ...: missing".
    good = tmp_path / "good.pdf"
    shutil.copy(pdfs / "acl-N18-3011.pdf", good)
    bib = tmp_path / "two.bib"
    bib.write_text(
        "@article{two, title={Two}, year={2020},"
        f" file={{Old:{tmp_path}/gone.pdf:application/pdf;Full Text:{good}:application/pdf}}}}",
        encoding="utf-8",
    )
    paper = one_paper(bib)
    assert first_pdf(PdfFinder().files_of(paper)) == good
    # An attachment counts too, when the library's own paths are all missing.
    mine = tmp_path / "mine.pdf"
    shutil.copy(pdfs / "acl-N18-3011.pdf", mine)
    bib.write_text(
        f"@article{{two, title={{Two}}, file={{Old:{tmp_path}/gone.pdf:application/pdf}}}}",
        encoding="utf-8",
    )
    finder = PdfFinder(attached=lambda paper: [str(mine)])
    assert first_pdf(finder.files_of(one_paper(bib))) == mine


def test_jabref_file_field_is_relative_to_the_bib_folder(
    tmp_path: Path, corpus: Path, pdfs: Path
) -> None:
    (tmp_path / "papers").mkdir()
    shutil.copy(pdfs / "acl-N18-3011.pdf", tmp_path / "papers" / "graph.pdf")
    bib = tmp_path / "jabref.bib"
    bib.write_text(
        real_entry(corpus, GRAPH_KEY, "file = {:papers/graph.pdf:PDF}"), encoding="utf-8"
    )

    os.chdir("/")  # relative to the .bib, not to where the app was started
    assert PdfFinder().files_of(one_paper(bib)) == [tmp_path / "papers" / "graph.pdf"]


def test_mendeley_file_fields_windows_and_linux_forms(
    tmp_path: Path, corpus: Path, pdfs: Path
) -> None:
    windows = tmp_path / "windows.bib"
    windows.write_text(
        real_entry(corpus, GRAPH_KEY, "file = {:C$\\backslash$:/Users/me/Mendeley/graph.pdf:pdf}"),
        encoding="utf-8",
    )
    assert one_paper(windows).files == ("C:/Users/me/Mendeley/graph.pdf",)

    # Mendeley on Linux drops the leading "/" of an absolute path.
    linux = tmp_path / "linux.bib"
    absolute = pdfs / "acl-N18-3011.pdf"
    linux.write_text(
        real_entry(corpus, GRAPH_KEY, f"file = {{:{str(absolute)[1:]}:pdf}}"), encoding="utf-8"
    )
    assert PdfFinder().files_of(one_paper(linux)) == [absolute]


def test_a_windows_path_from_mendeley_is_found_by_its_name_in_the_pdf_folders(
    tmp_path: Path, corpus: Path, pdfs: Path
) -> None:
    """A real Mendeley export (Windows paths, accents as LaTeX in the names) opened on
    another machine, its PDFs moved into a folder: each is found there by its name. The
    path was joined to the library's folder ("missing (LIB/C:/Users/...)") and the
    accents half read ("Gr\"{o}tschel")."""
    bib = tmp_path / "library.bib"
    shutil.copy(corpus / "bib" / "pmlr-v75_locatelli18_mendeley-library.bib", bib)
    papers = read_file(bib, AS_OF, None).papers
    by_title = {paper.title: paper for paper in papers}
    ellipsoid = by_title["The ellipsoid method and its consequences in combinatorial optimization"]
    (written,) = ellipsoid.files
    assert written.startswith("C:/Users/valko/AppData/") and written.endswith(
        "/Grötschel, Lovász, Schrijver - 1981 - The ellipsoid method and its consequences in "
        "combinatorial optimization.pdf"
    )
    moved = tmp_path / "moved"
    moved.mkdir()
    name = written.rsplit("/", 1)[-1]
    shutil.copy(pdfs / "acl-N18-3011.pdf", moved / name)
    files = PdfFinder([moved]).files_of(ellipsoid)
    assert files == [Path(written), moved / name]  # (the path written, missing, shown first)
    assert first_pdf(files) == moved / name
    assert not any(str(path).startswith(str(tmp_path / "C:")) for path in files)


def test_a_missing_file_of_a_general_name_is_not_taken_for_every_paper_so_named(
    tmp_path: Path, corpus: Path, pdfs: Path
) -> None:
    """Found by a review: missing files named "fulltext.pdf" by three papers were all given
    the one fulltext.pdf of a PDF folder. Only a name holding a word of the paper's title
    is looked for; an export keeps a Windows path as written, not under the library."""
    folder = tmp_path / "pdfs"
    folder.mkdir()
    shutil.copy(pdfs / "acl-N18-3011.pdf", folder / "fulltext.pdf")
    bib = tmp_path / "lib.bib"
    field = "file = {:C$\\backslash$:/Users/me/Downloads/fulltext.pdf:pdf}"
    bib.write_text(real_entry(corpus, GRAPH_KEY, field), encoding="utf-8")
    paper = one_paper(bib)
    assert PdfFinder([folder]).files_of(paper) == [Path("C:/Users/me/Downloads/fulltext.pdf")]
    assert paper.anchored_files() == ("C:/Users/me/Downloads/fulltext.pdf",)


def test_pdf_and_local_url_fields(tmp_path: Path, corpus: Path, pdfs: Path) -> None:
    url = (pdfs / "acl-N18-3011.pdf").as_uri()
    bib = tmp_path / "desk.bib"
    fields = f"pdf = {{graph.pdf}},\n    local-url = {{{url}}}"
    bib.write_text(real_entry(corpus, GRAPH_KEY, fields), encoding="utf-8")
    files = PdfFinder().files_of(one_paper(bib))
    assert files == [tmp_path / "graph.pdf", pdfs / "acl-N18-3011.pdf"]


def test_csl_json_file_and_attachment(tmp_path: Path, pdfs: Path) -> None:
    path = tmp_path / "library.json"
    path.write_text(
        '[{"id": "cohan2020", "type": "paper-conference", "title": "SPECTER",'
        f' "file": "{pdfs / "acl-2020.acl-main.207.pdf"}",'
        ' "attachment": [{"path": "notes/extra.pdf"}]}]',
        encoding="utf-8",
    )
    paper = one_paper(path)
    assert paper.files == (str(pdfs / "acl-2020.acl-main.207.pdf"), "notes/extra.pdf")


def test_found_by_citation_key_beside_the_bib(tmp_path: Path, corpus: Path, pdfs: Path) -> None:
    bib = tmp_path / "acl.bib"
    bib.write_text(real_entry(corpus, SPECTER_KEY), encoding="utf-8")
    shutil.copy(pdfs / "acl-2020.acl-main.207.pdf", tmp_path / f"{SPECTER_KEY}.pdf")
    assert PdfFinder().files_of(one_paper(bib)) == [tmp_path / f"{SPECTER_KEY}.pdf"]


def test_found_by_doi_and_arxiv_id_in_pdf_folders(tmp_path: Path, corpus: Path, pdfs: Path) -> None:
    bib = tmp_path / "acl.bib"
    # SPECTER as an arXiv export has it: the arXiv page as its url, no DOI.
    arxiv = (
        real_entry(corpus, SPECTER_KEY)
        .replace('doi = "10.18653/v1/2020.acl-main.207"', "eprint = {2004.07180}")
        .replace("https://aclanthology.org/2020.acl-main.207", "https://arxiv.org/abs/2004.07180")
    )
    bib.write_text(real_entry(corpus, GRAPH_KEY) + arxiv, encoding="utf-8")
    folder = tmp_path / "my pdfs"
    folder.mkdir()
    shutil.copy(pdfs / "acl-N18-3011.pdf", folder / "10.18653_v1_N18-3011.pdf")
    shutil.copy(pdfs / "acl-2020.acl-main.207.pdf", folder / "2004.07180v2.pdf")
    library = load(bib, as_of=AS_OF)
    finder = PdfFinder([folder], key_of=library.key_of)
    found = {paper.citekey: finder.files_of(paper) for paper in library.papers}
    assert found[GRAPH_KEY] == [folder / "10.18653_v1_N18-3011.pdf"]
    assert found[SPECTER_KEY] == [folder / "2004.07180v2.pdf"]


def test_has_pdf_filter_finds_papers_with_a_pdf_on_disk(
    tmp_path: Path, corpus: Path, pdfs: Path
) -> None:
    bib = tmp_path / "acl.bib"
    bib.write_text(
        real_entry(corpus, SPECTER_KEY, "file = {:gone.pdf:PDF}") + real_entry(corpus, GRAPH_KEY),
        encoding="utf-8",
    )
    shutil.copy(pdfs / "acl-N18-3011.pdf", tmp_path / f"{GRAPH_KEY}.pdf")
    library = load(bib, as_of=AS_OF)
    undo = PdfFinder(key_of=library.key_of).register_search_filters(library.filters)
    assert [paper.citekey for paper in library.find("has:pdf")] == [GRAPH_KEY]
    assert [paper.citekey for paper in library.find("-has:pdf")] == [SPECTER_KEY]
    undo()


def test_has_pdf_leaves_out_a_file_named_pdf_that_is_not_one(
    tmp_path: Path, corpus: Path, pdfs: Path
) -> None:
    # The Files line says "not a PDF (no %PDF- header)" of it, and D downloads one: the
    # filter said the paper had a PDF all the same.
    bib = tmp_path / "acl.bib"
    bib.write_text(
        real_entry(corpus, SPECTER_KEY, "file = {:fake.pdf:PDF}") + real_entry(corpus, GRAPH_KEY),
        encoding="utf-8",
    )
    (tmp_path / "fake.pdf").write_text("a saved web page\n", encoding="utf-8")
    shutil.copy(pdfs / "acl-N18-3011.pdf", tmp_path / f"{GRAPH_KEY}.pdf")
    library = load(bib, as_of=AS_OF)
    undo = PdfFinder(key_of=library.key_of).register_search_filters(library.filters)
    assert [paper.citekey for paper in library.find("has:pdf")] == [GRAPH_KEY]
    assert [paper.citekey for paper in library.find("-has:pdf")] == [SPECTER_KEY]
    undo()


def test_whether_any_paper_has_a_pdf_is_looked_for_once_till_the_disk_is_looked_at_anew(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # fulltext:'s note in a library without PDFs asks it: it looked at every paper whose
    # fields list a file again each time has:pdf's answer expired (2 s at 100k papers).
    import time

    from paperbrowse.core.pdf.locate import HAS_PDF_SECONDS

    papers: list[Paper] = []
    looked: list[int] = []
    finder = PdfFinder()

    def looked_at() -> list[Paper]:
        looked.append(1)
        return papers

    assert not finder.any_with_pdf(papers, looked_at)
    clock = time.monotonic() + 10 * HAS_PDF_SECONDS
    monkeypatch.setattr(time, "monotonic", lambda: clock)
    assert not finder.any_with_pdf(papers, looked_at)
    assert len(looked) == 1
    finder.forget()  # (a PDF attached, the library read again)
    monkeypatch.setattr(time, "monotonic", lambda: clock + 1)
    assert not finder.any_with_pdf(papers, looked_at)
    assert len(looked) == 2


def test_attached_files_are_kept_in_the_marks_database(
    tmp_path: Path, corpus: Path, pdfs: Path
) -> None:
    bib = tmp_path / "acl.bib"
    bib.write_text(real_entry(corpus, GRAPH_KEY), encoding="utf-8")
    before = bib.read_bytes()
    paper = one_paper(bib)
    pdf = str(pdfs / "acl-N18-3011.pdf")
    with Store.open(tmp_path / "marks.sqlite3") as store:
        assert store.attach_file(paper, pdf).files == (pdf,)
    with Store.open(tmp_path / "marks.sqlite3") as store:  # kept across runs
        marks = store.marks(paper)
        assert marks.files == (pdf,)
        finder = PdfFinder(attached=lambda p: store.marks(p).files)
        assert finder.files_of(paper) == [Path(pdf)]
        assert store.detach_file(paper, pdf).is_empty
    assert bib.read_bytes() == before  # the user's library is never edited


def test_an_old_marks_database_gains_the_files_table(tmp_path: Path) -> None:
    path = tmp_path / "marks.sqlite3"
    with Store.open(path) as store:
        store.set_bookmarked("p1", True)
    raw = sqlite3.connect(path)
    raw.execute("DROP TABLE files")
    raw.execute("PRAGMA user_version = 2")
    raw.commit()
    raw.close()
    with Store.open(path) as store:
        assert store.problem is None
        assert store.marks("p1").bookmarked
        assert store.attach_file("p1", "/x.pdf").files == ("/x.pdf",)


def test_a_pdf_saved_where_d_saves_without_pdf_folders_is_found_by_name(
    tmp_path: Path, corpus: Path, pdfs: Path
) -> None:
    """With no PDF folder named, ``D`` saves into ``pdfs/`` in the data folder; a PDF there
    is the paper's by its name, as in a named folder (with its attachment lost, or saved
    by ``paperbrowse fetch`` for a library whose window was open). That folder is never
    said to be missing."""
    from paperbrowse.core.locations import pdf_dir
    from paperbrowse.core.pdf.locate import folder_problems

    bib = tmp_path / "acl.bib"
    bib.write_text(real_entry(corpus, SPECTER_KEY), encoding="utf-8")
    paper = one_paper(bib)
    assert paper.doi is not None
    finder = PdfFinder()
    assert finder.files_of(paper) == []
    assert pdf_dir() in finder.searched and pdf_dir() not in finder.folders  # (never reported)
    assert folder_problems(finder.folders) == []
    saved = pdf_dir() / f"{paper.doi.replace('/', '_')}.pdf"
    saved.parent.mkdir(parents=True)
    shutil.copy(pdfs / "acl-2020.acl-main.207.pdf", saved)
    finder.forget()
    assert finder.files_of(paper) == [saved] and finder.has_pdf(paper)


# --- 4. safe with any PDF -----------------------------------------------------------------


@pytest.fixture(scope="module")
def worker() -> Iterator[PdfWorker]:
    with PdfWorker() as opened:
        yield opened


def test_page_counts_of_the_real_papers(worker: PdfWorker, pdfs: Path) -> None:
    assert worker.count_pages(pdfs / "acl-2020.acl-main.207.pdf").pages == 13
    assert worker.count_pages(pdfs / "acl-N18-3011.pdf").pages == 8
    assert worker.count_pages(pdfs / "pysample-multicolumn.pdf").pages == 3


def test_an_encrypted_pdf_says_so(worker: PdfWorker, pdfs: Path) -> None:
    facts = worker.count_pages(pdfs / "pysample-libreoffice-writer-password.pdf")
    assert facts.problem == ENCRYPTED


def test_hostile_files_are_one_line_each(worker: PdfWorker, tmp_path: Path, pdfs: Path) -> None:
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes((pdfs / "acl-N18-3011.pdf").read_bytes()[:50_000])
    (tmp_path / "empty.pdf").write_bytes(b"")
    with zipfile.ZipFile(tmp_path / "zip.pdf", "w") as archive:
        archive.writestr("a.txt", "not a pdf")
    os.mkfifo(tmp_path / "fifo.pdf")  # opening it for reading would wait for a writer
    (tmp_path / "folder.pdf").mkdir()
    expected = {
        "truncated.pdf": "broken PDF",
        "empty.pdf": "empty (0 bytes)",
        "zip.pdf": "a zip archive, not a PDF",
        "fifo.pdf": "a FIFO, not a file",
        "folder.pdf": "a folder, not a file",
        "missing.pdf": "missing",
    }
    for name, problem in expected.items():
        facts = worker.count_pages(tmp_path / name)
        assert facts.pages is None
        assert facts.problem is not None and facts.problem.startswith(problem), name
        assert "\n" not in facts.problem


def test_a_pdf_that_takes_too_long_is_skipped_and_the_next_still_reads(pdfs: Path) -> None:
    with PdfWorker(time_limit=0.001) as hasty:
        facts = hasty.count_pages(pdfs / "acl-2020.acl-main.207.pdf")
        assert facts.problem == "took longer than 0.001 s; skipped"
        hasty.time_limit = 30
        assert hasty.count_pages(pdfs / "acl-N18-3011.pdf").pages == 8


def test_a_reader_out_of_memory_is_skipped(pdfs: Path) -> None:
    with PdfWorker(memory_cap=16 * 1024**2) as starved:  # too little even to load PDFium
        facts = starved.count_pages(pdfs / "acl-N18-3011.pdf")
    assert facts.pages is None and facts.problem is not None
    assert "skipped" in facts.problem


# --- 2. opening ---------------------------------------------------------------------------


def test_the_viewer_command_comes_from_the_environment_split_without_a_shell() -> None:
    command = viewer_command(
        Path("/p/a b;rm -rf x.pdf"), {"PAPERBROWSE_PDF_VIEWER": "zathura --fork"}
    )
    assert command == ["zathura", "--fork", "/p/a b;rm -rf x.pdf"]
    assert viewer_command(Path("/a.pdf"), {}, platform="darwin") == ["open", "/a.pdf"]
    assert viewer_command(
        Path("/a.pdf"), {}, platform="linux", which=lambda name: "/usr/bin/" + name
    ) == ["xdg-open", "/a.pdf"]


def test_opening_a_missing_file_a_folder_or_a_non_pdf_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "notes.pdf").write_text("just text", encoding="utf-8")
    for name, why in [("gone.pdf", "missing"), ("", "a folder"), ("notes.pdf", "not a PDF")]:
        with pytest.raises(CannotOpen, match=why):
            open_pdf(tmp_path / name, {"PAPERBROWSE_PDF_VIEWER": "/bin/true"})


def test_the_viewer_gets_the_path_as_one_argument(tmp_path: Path, pdfs: Path) -> None:
    spaced = tmp_path / "a paper; with $(odd) name.pdf"
    shutil.copy(pdfs / "acl-N18-3011.pdf", spaced)
    viewer, seen = write_argv_viewer(tmp_path)
    open_pdf(spaced, {"PAPERBROWSE_PDF_VIEWER": f"{viewer} --page 1"})
    assert wait_for(seen).splitlines() == ["--page", "1", str(spaced)]


@pytest.mark.parametrize(
    ("viewer", "failure"),
    [
        ("/bin/true", None),  # done, with no error: as xdg-open is once it has handed on
        ("/bin/false", "the PDF viewer (/bin/false) exited with status 1"),
        ("/bin/sh -c 'kill -9 $$'", "the PDF viewer (/bin/sh) was ended by signal 9"),
    ],
)
def test_a_viewer_that_ended_with_an_error_is_said_to_have(
    pdfs: Path, viewer: str, failure: str | None
) -> None:
    process = open_pdf(pdfs / "acl-N18-3011.pdf", {"PAPERBROWSE_PDF_VIEWER": viewer})
    assert process is not None
    deadline = time.monotonic() + 20
    while process.returncode is None:  # set by open_pdf's reaping thread
        assert time.monotonic() < deadline, "the viewer never ended"
        time.sleep(0.02)
    assert viewer_failure(process) == failure


def write_argv_viewer(folder: Path) -> tuple[Path, Path]:
    """A tiny viewer that writes its arguments, one a line, to a file."""
    seen = folder / "argv.txt"
    viewer = folder / "viewer.py"
    viewer.write_text(
        f"#!{sys.executable}\nimport sys\n"
        f"open({str(seen)!r}, 'w').write('\\n'.join(sys.argv[1:]) + '\\n')\n",
        encoding="utf-8",
    )
    viewer.chmod(0o755)
    return viewer, seen


def wait_for(path: Path, seconds: float = 20) -> str:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and path.read_text(encoding="utf-8").endswith("\n"):
            return path.read_text(encoding="utf-8")
        time.sleep(0.05)
    raise AssertionError(f"{path} was not written")


def test_library_key_of_is_used_for_convention_names(tmp_path: Path, corpus: Path) -> None:
    bib = tmp_path / "acl.bib"
    bib.write_text(real_entry(corpus, GRAPH_KEY), encoding="utf-8")
    library: Library = load(bib, as_of=AS_OF)
    assert library.key_of(library.papers[0]) == GRAPH_KEY


# --- 3. full text (extraction and its cache; indexing it comes later) ------------------------


def test_body_text_joins_words_broken_across_lines(
    worker: PdfWorker, pdfs: Path, tmp_path: Path
) -> None:
    from paperbrowse.core.pdf.fulltext import extract

    text = extract(pdfs / "acl-2020.acl-main.207.pdf", worker, tmp_path).text
    assert "\ufffe" not in text and "\r" not in text
    # PDFium gives "representa\ufffetions" and "ingre\ufffedient" on two-column pages.
    assert "node representations, an" in text
    assert "is a critical ingredient for natural" in text


def test_extracted_text_is_cached_by_path_size_and_mtime(pdfs: Path, tmp_path: Path) -> None:
    from paperbrowse.core.pdf import fulltext

    pdf = tmp_path / "graph.pdf"
    shutil.copy(pdfs / "acl-N18-3011.pdf", pdf)
    cache = tmp_path / "cache"
    with PdfWorker() as reader:
        first = fulltext.extract(pdf, reader, cache)
    assert len(first.pages) == 8 and "Semantic Scholar" in first.text

    class NoReading(PdfWorker):
        def extract_to_cache(self, path: Path, entry: Path) -> Any:
            raise AssertionError("extracted again although the file is unchanged")

    assert fulltext.extract(pdf, NoReading(), cache) == first
    os.utime(pdf, ns=(1, 1))  # the file changed: its entry no longer applies
    assert fulltext.cache_path(pdf, cache) not in set(cache.iterdir())


def test_old_text_of_a_changed_or_deleted_pdf_is_pruned_after_a_pass(
    worker: PdfWorker, pdfs: Path, tmp_path: Path
) -> None:
    from paperbrowse.core import locations
    from paperbrowse.core.pdf import fulltext

    kept, changed = tmp_path / "kept.pdf", tmp_path / "changed.pdf"
    shutil.copy(pdfs / "acl-N18-3011.pdf", kept)
    shutil.copy(pdfs / "pysample-multicolumn.pdf", changed)
    cache = tmp_path / "cache"
    fulltext.extract_all([kept, changed], worker, folder=cache)
    first_entries = set(cache.iterdir())
    old_entry = fulltext.cache_path(changed, cache)
    # Two months on: both entries last read then, and one PDF edited since.
    long_ago = dt.datetime.now().timestamp() - (locations.CACHE_MAX_AGE_DAYS + 1) * 86400
    for entry in first_entries:
        os.utime(entry, (long_ago, long_ago))
    os.utime(changed, None)
    fulltext.extract_all([kept, changed], worker, folder=cache)
    entries = set(cache.iterdir())
    assert old_entry not in entries  # the edited PDF's old text: gone
    assert fulltext.cache_path(kept, cache) in entries  # read again: refreshed, kept
    assert fulltext.cache_path(changed, cache) in entries  # its new text
    assert len(entries) == 2


def test_a_cache_entry_cut_short_is_extracted_again_and_its_passage_shown(
    pdfs: Path, tmp_path: Path
) -> None:
    # The cache keeps each PDF's words and its compressed pages, read back as they are
    # (issue 15's reopen figure): an entry a full disk cut short must not leave a paper
    # found by its words with no passage to show.
    from paperbrowse.core.pdf import fulltext
    from paperbrowse.core.pdf.body_index import BodyIndex

    pdf = tmp_path / "graph.pdf"
    shutil.copy(pdfs / "acl-N18-3011.pdf", pdf)
    cache = tmp_path / "cache"
    with PdfWorker() as reader:
        first = fulltext.extract(pdf, reader, cache)
    entry = fulltext.cache_path(pdf, cache)
    assert entry is not None
    entry.write_bytes(entry.read_bytes()[:-200])
    read_again: list[Path] = []

    class Counting(PdfWorker):
        def extract_to_cache(self, path: Path, entry: Path) -> Any:
            read_again.append(path)
            return super().extract_to_cache(path, entry)

    with Counting() as reader:
        again = fulltext.extract(pdf, reader, cache)
    assert read_again == [pdf] and again == first
    body = BodyIndex()
    body.add("graph", fulltext.extract(pdf, Counting(), cache))  # the entry rewritten whole
    passage = body.passage("graph", "literature graph")
    assert passage is not None and "literature graph" in passage.text.lower()


def test_text_is_still_searched_when_the_cache_cannot_be_written(
    worker: PdfWorker, pdfs: Path, tmp_path: Path
) -> None:
    # The reader process writes the cache entry itself; where it cannot (the cache
    # folder is a file here), the text comes back to be searched all the same.
    from paperbrowse.core.pdf import fulltext
    from paperbrowse.core.pdf.body_index import BodyIndex

    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file where the cache folder should be")
    text = fulltext.extract(pdfs / "acl-N18-3011.pdf", worker, not_a_folder)
    assert text.problem is None and text.page_count == 8
    body = BodyIndex()
    body.add("graph", text)
    assert body.matching("literature graph", phrase=True) == {"graph"}


def test_an_encrypted_pdf_is_listed_as_not_searchable(
    worker: PdfWorker, pdfs: Path, tmp_path: Path
) -> None:
    from paperbrowse.core.pdf.fulltext import extract_all

    seen: list[tuple[int, int]] = []
    texts = extract_all(
        [pdfs / "pysample-libreoffice-writer-password.pdf", pdfs / "pysample-multicolumn.pdf"],
        worker,
        lambda done, total: seen.append((done, total)),
        tmp_path,
    )
    encrypted, columns = texts.values()
    assert encrypted.problem == ENCRYPTED and encrypted.pages == ()
    assert columns.problem is None and len(columns.pages) == 3
    assert seen == [(1, 2), (2, 2)]


def test_a_2000_page_pdf_is_counted_and_read_without_a_hang(
    worker: PdfWorker, tmp_path: Path
) -> None:
    import pypdfium2 as pdfium

    from paperbrowse.core.pdf.fulltext import extract

    big = tmp_path / "2000 pages.pdf"
    document = pdfium.PdfDocument.new()
    for _ in range(2000):
        document.new_page(200, 200)
    document.save(big)
    document.close()
    assert worker.count_pages(big).pages == 2000
    text = extract(big, worker, tmp_path / "cache")
    assert text.problem is None and len(text.pages) == 2000


def test_an_encrypted_pdf_still_opens_in_the_viewer(tmp_path: Path, pdfs: Path) -> None:
    viewer, seen = write_argv_viewer(tmp_path)
    locked = pdfs / "pysample-libreoffice-writer-password.pdf"
    open_pdf(locked, {"PAPERBROWSE_PDF_VIEWER": str(viewer)})
    assert wait_for(seen).splitlines() == [str(locked)]


def test_pdf_dir_may_be_given_more_than_once() -> None:
    from paperbrowse.cli import app_parser

    options = app_parser().parse_args(["lib.bib", "--pdf-dir", "a", "--pdf-dir", "~/b"])
    assert options.pdf_dir == ["a", "~/b"] and options.paths == ["lib.bib"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(":;\\/{}$ .pdfa~\x00\n\u00e9")), max_size=40))
def test_any_file_field_gives_paths_that_can_be_looked_at(raw: str) -> None:
    from paperbrowse.core.formats.file_fields import file_field_paths
    from paperbrowse.core.pdf.check import file_problem
    from paperbrowse.core.pdf.locate import resolve_written

    for written in file_field_paths(raw):
        assert "\x00" not in written and "\n" not in written
        file_problem(resolve_written(written, Path("/nonexistent-folder")))


def test_a_nul_in_a_path_is_a_problem_not_an_error() -> None:
    from paperbrowse.core.pdf.check import file_problem

    assert file_problem(Path("/tmp/a\x00b.pdf")) == "not a usable path"


def test_a_paper_in_two_libraries_keeps_the_files_of_both(
    tmp_path: Path, corpus: Path, pdfs: Path
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "a.bib").write_text(real_entry(corpus, GRAPH_KEY), encoding="utf-8")
    (second / "b.bib").write_text(
        real_entry(corpus, GRAPH_KEY, "file = {:graph.pdf:PDF}"), encoding="utf-8"
    )
    shutil.copy(pdfs / "acl-N18-3011.pdf", second / "graph.pdf")
    library = load(first / "a.bib", second / "b.bib", as_of=AS_OF)
    (paper,) = library.papers
    # Relative to the .bib it was written in, not to the first copy's folder.
    assert PdfFinder().files_of(paper) == [second / "graph.pdf"]


def test_the_viewers_output_never_reaches_our_terminal(
    tmp_path: Path, pdfs: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    seen = tmp_path / "argv.txt"
    noisy = tmp_path / "noisy.py"
    noisy.write_text(
        f"#!{sys.executable}\nimport sys\nprint('VIEWER OUT'); sys.stdout.flush()\n"
        "print('VIEWER ERR', file=sys.stderr); sys.stderr.flush()\n"
        f"open({str(seen)!r}, 'w').write('done\\n')\n",
        encoding="utf-8",
    )
    noisy.chmod(0o755)
    open_pdf(pdfs / "acl-N18-3011.pdf", {"PAPERBROWSE_PDF_VIEWER": str(noisy)})
    wait_for(seen)
    out, err = capfd.readouterr()
    assert "VIEWER" not in out + err


# --- the command line (QA, issue 15) -----------------------------------------------------


def test_has_pdf_and_pdf_dir_work_on_the_command_line(
    tmp_path: Path, pdfs: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from paperbrowse.cli import main

    monkeypatch.setenv("PAPERBROWSE_CONFIG_DIR", str(tmp_path / "config"))
    bib = tmp_path / "lib" / "lib.bib"
    bib.parent.mkdir()
    bib.write_text(
        "@article{withpdf, title={With}, year={2020}}\n"
        "@article{without, title={No}, year={2020}}\n",
        encoding="utf-8",
    )
    folder = tmp_path / "pdfs"
    folder.mkdir()
    shutil.copy(pdfs / "acl-N18-3011.pdf", folder / "withpdf.pdf")

    main(["export", str(bib), "--query", "has:pdf", "-f", "csv", "--pdf-dir", str(folder)])
    out = capsys.readouterr()
    assert "withpdf" in out.out and "without" not in out.out

    main(["search", "has:pdf", str(bib), "--pdf-dir", str(folder), "--pdf-dir", str(bib)])
    out = capsys.readouterr()
    assert "not a value this filter knows" not in out.err
    assert f"{bib}: a file, not a PDF folder; ignored" in out.err
    assert "1 matching paper" in out.out

    gone = str(tmp_path / "gone")
    main(["cite", str(bib), "--query", "has:pdf", "--pdf-dir", str(folder), "--pdf-dir", gone])
    out = capsys.readouterr()
    assert f"{gone}: PDF folder missing; ignored" in out.err
    assert "With" in out.out and "No." not in out.out


def test_the_command_line_sees_the_pdfs_attached_in_the_app(
    tmp_path: Path, pdfs: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from paperbrowse.cli import main

    monkeypatch.setenv("PAPERBROWSE_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("PAPERBROWSE_CACHE_DIR", str(tmp_path / "cache"))
    bib = tmp_path / "lib.bib"
    bib.write_text(
        "@article{withpdf, title={Attached in the app}, year={2020}}\n"
        "@article{without, title={Nothing attached}, year={2020}}\n",
        encoding="utf-8",
    )
    kept = tmp_path / "elsewhere" / "specter.pdf"  # not beside the library, nor by key
    kept.parent.mkdir()
    shutil.copy(pdfs / "acl-2020.acl-main.207.pdf", kept)
    paper = next(p for p in read_file(bib, AS_OF, None).papers if p.citekey == "withpdf")
    with Store.open() as store:  # what A does in the window
        store.attach_file(paper, str(kept))

    main(["search", "has:pdf", str(bib)])
    assert "1 matching paper" in capsys.readouterr().out
    main(["export", str(bib), "--query", "has:pdf", "-f", "csv"])
    out = capsys.readouterr().out
    assert "withpdf" in out and "without" not in out
    main(["cite", str(bib), "--query", "has:pdf"])
    out = capsys.readouterr().out
    assert "Attached in the app" in out and "Nothing attached" not in out
    main(["search", "triplet margin loss", str(bib), "--json"])
    (hit,) = json.loads(capsys.readouterr().out)
    assert hit["files"] == [str(kept)] and hit["page"] == 3


def test_only_papers_that_may_have_a_file_are_looked_at_for_pdfs(tmp_path: Path) -> None:
    library_file = tmp_path / "lib.bib"
    library_file.write_text(
        "@article{a, title={Listed}, year=2020, file={a.pdf}}\n"
        "@article{b, title={Not listed}, year=2020}\n"
    )
    papers = load(library_file).papers
    finder = PdfFinder()
    sources = [str(library_file)]
    # No PDF in the library's folder and nothing attached: only the paper listing a file.
    looked_at = finder.worth_looking(papers, sources, any_attached=False)
    assert [p.title for p in looked_at] == ["Listed"]
    assert len(finder.worth_looking(papers, sources, any_attached=True)) == 2
    (tmp_path / "b.pdf").write_bytes(b"%PDF-1.4\n")  # found by its key, by convention
    assert len(PdfFinder().worth_looking(papers, sources, any_attached=False)) == 2
