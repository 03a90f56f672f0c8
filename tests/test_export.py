"""Export: every format a user can read back reads back the same; files are written safely."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import one_line_texts, paper
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from paperbrowse.core.backups import new_run
from paperbrowse.core.formats import read_file
from paperbrowse.core.formats.bibtex import parse_bibtex
from paperbrowse.core.formats.export import (
    ExportError,
    ExportExists,
    citekeys,
    export_papers,
    suggested_path,
    write_export,
)
from paperbrowse.core.formats.jsonl import parse_json
from paperbrowse.core.models import Paper
from paperbrowse.core.pdf.locate import PdfFinder

AS_OF = dt.date(2025, 11, 24)


TRICKY = [
    paper(
        "BERT & GPT-3: 100% of {braces}, $5, #1, a_b, ~tilde, x^2 and back\\slash -- `` ''",
        2021,
        authors=("Jörg Müller", "Anna van der Berg", "Smith, Jr.", "Barnes and Noble", "others"),
        et_al=True,
        abstract="First paragraph with 50% & more.\n\n@handle starts a line.\n\nÉcole “quoted”.",
        venue="Proc. of the A&B Conference",
        doi="10.1000/x_y",
        url="https://example.org/a_b?c=1%202",
        entry_type="inproceedings",
        date=dt.date(2021, 7, 15),
        date_precision="day",
    ),
    paper("Unbalanced } brace { here", authors=("Solo",), date_precision="year"),  # as read back
    paper(
        "An arXiv Preprint",
        year=2024,
        url="https://arxiv.org/abs/2401.00001v2",
        category="CL",
        date=dt.date(2024, 3, 1),
        date_precision="month",
    ),
]


def key(p: Paper) -> tuple[object, ...]:
    return (
        p.title,
        p.authors,
        p.et_al,
        p.date,
        p.date_precision,
        p.abstract,
        p.venue,
        p.doi,
        p.url,
    )


def test_bibtex_round_trip_keeps_every_field_of_tricky_papers() -> None:
    text = export_papers(TRICKY, "bibtex")
    back = parse_bibtex(text, "export.bib")
    assert back.problems == []
    assert [key(p) for p in back.papers] == [key(p) for p in TRICKY]
    assert back.papers[2].category == "CL"
    assert "title = {{BERT} \\& {GPT}-3: 100\\% of \\{braces\\}" in text
    assert "{Smith, Jr.} and {Barnes and Noble} and {others} and others" in text
    assert "\n{}@handle starts a line." in text


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_bibtex_export_keeps_the_attached_files_found_from_anywhere(
    tmp_path: Path, fmt: str
) -> None:
    # The file field was left out: a library exported for JabRef or Zotero lost its PDFs.
    library = tmp_path / "my lib"
    library.mkdir()
    bib = library / "lib.bib"
    bib.write_text(
        "@article{f, title={T}, year={2020}, file={:pdf/a.pdf:PDF;Full Text:/abs/b\\:c.pdf:PDF}}"
    )
    papers = list(read_file(bib, dt.date(2025, 1, 1)).papers)
    text = export_papers(papers, fmt)
    assert f"file = {{:{library}/pdf/a.pdf:PDF;:/abs/b\\:c.pdf:PDF}}," in text
    elsewhere = tmp_path / "elsewhere.bib"
    elsewhere.write_text(text)
    (again,) = read_file(elsewhere, dt.date(2025, 1, 1)).papers
    assert again.files == (f"{library}/pdf/a.pdf", "/abs/b:c.pdf")
    assert "file =" not in export_papers([paper("None attached")], fmt)


def test_exports_keep_the_pdfs_found_by_name_and_attached_made_absolute(
    tmp_path: Path,
) -> None:
    # Only the library's own file field went out: a PDF beside it named by its key, or
    # attached with A, was left behind (README: "keep a paper's PDFs as a file field").
    bib = tmp_path / "lib.bib"
    bib.write_text("@article{foo2020, title={Foo}, year={2020}, file={:own.pdf:PDF}}\n")
    (tmp_path / "foo2020.pdf").write_bytes(b"%PDF-1.4\n")
    attached = tmp_path / "elsewhere" / "mine.pdf"
    (found,) = read_file(bib, AS_OF).papers
    finder = PdfFinder(attached=lambda paper: [str(attached)])
    own, by_name = f"{tmp_path}/own.pdf", f"{tmp_path}/foo2020.pdf"
    for fmt in ("bibtex", "biblatex"):
        text = export_papers([found], fmt, files=finder.files_of)
        assert f"file = {{:{own}:PDF;:{attached}:PDF;:{by_name}:PDF}}," in text
    (record,) = json.loads(export_papers([found], "json", files=finder.files_of))["papers"]
    assert record["files"] == [own, str(attached), by_name]
    assert export_papers([found], "bibtex").count(".pdf") == 1  # without a finder: its own


def test_bibtex_is_valid_for_bibtexparser_too() -> None:
    # bibtexparser.parse_string, from where it is defined: the package does not re-export it
    # for type checkers.
    from bibtexparser.entrypoint import parse_string

    library = parse_string(export_papers(TRICKY, "bibtex"))
    assert len(library.entries) == 3 and not library.failed_blocks
    assert library.entries[0]["month"] == "jul" and library.entries[2]["eprint"] == "2401.00001"


_TEXT = one_line_texts(60)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_TEXT, author=_TEXT, abstract=st.lists(_TEXT, min_size=1, max_size=3))
# Empty braces, escaped on export, were read back as Mendeley's escaped protection and
# dropped: "0{}" came back "0", and "{}" as no title at all (the entry skipped).
@example(title="0{}", author="0", abstract=["0"])
@example(title="{}", author="0", abstract=["0"])
def test_bibtex_round_trip_of_any_text(title: str, author: str, abstract: list[str]) -> None:
    original = paper(title, 2021, authors=(author,), abstract="\n\n".join(abstract))
    back = parse_bibtex(export_papers([original], "bibtex"), "x.bib")
    assert back.problems == []
    assert [key(p) for p in back.papers] == [key(original)]


@pytest.mark.parametrize("fmt", ["csl-json", "json"])
def test_json_formats_round_trip(fmt: str) -> None:
    back = parse_json(export_papers(TRICKY, fmt), "export.json")
    assert back.problems == []
    assert [key(p) for p in back.papers] == [key(p) for p in TRICKY]


def test_json_export_of_a_profile_reads_back_as_that_profile(seed_path: Path) -> None:
    original = read_file(seed_path, AS_OF)
    back = parse_json(export_papers(original.papers, "json", original.profile), "x.json")
    assert back.profile is not None and original.profile is not None
    assert back.profile.model_dump(exclude={"papers", "source"}) == original.profile.model_dump(
        exclude={"papers", "source"}
    )
    assert [p.model_dump(exclude={"source", "citekey"}) for p in back.papers] == [
        p.model_dump(exclude={"source", "citekey"}) for p in original.papers
    ]


@pytest.mark.parametrize("fmt", ["bibtex", "csl-json", "json"])
def test_corpus_files_round_trip(corpus: Path, fmt: str) -> None:
    names = ("pmlr-v75_colt18.bib", "biblatex-examples.bib", "interpretable-ml-book_references.bib")
    for name in names:
        original = read_file(corpus / "bib" / name, AS_OF).papers
        text = export_papers(original, fmt)
        back = parse_bibtex(text, "x.bib") if fmt == "bibtex" else parse_json(text, "x.json")
        assert [key(p) for p in back.papers] == [key(p) for p in original], name
        assert [p.citekey for p in back.papers] == citekeys(original)


def test_keys_are_unique_stable_and_kept_when_possible() -> None:
    papers = [
        paper("Deep Learning", 2021, authors=("Ann Smith",), citekey="smith2021deep"),
        paper("Deep learning, again", 2021, authors=("Ann Smith",)),
        paper("The Deep Sea", 2021, authors=("A. Smith",), doi="10.1/sea"),
        paper("Bad key", 2021, citekey="has space,comma"),
        paper("On Nothing"),
    ]
    keys = citekeys(papers)
    assert len({k.casefold() for k in keys}) == len(keys)
    assert (keys[0], keys[3], keys[4]) == ("smith2021deep", "anon2021bad", "anonnothing")
    assert citekeys(papers) == keys  # the same papers, the same keys
    assert citekeys(list(reversed(papers))) == list(reversed(keys))  # in any order
    assert {keys[1], keys[2]} == {"smith2021deepa", "smith2021deepb"}  # Better BibTeX's suffixes
    alone = export_papers(papers[:1], "bibtex")
    assert alone.startswith("@misc{smith2021deep,\n  title = {Deep Learning},")


def test_csv_reads_back_in_a_spreadsheet_and_formulas_stay_inert() -> None:
    papers = [*TRICKY, paper('=HYPERLINK("http://evil")', 2021, authors=("@attacker",))]
    rows = list(csv.DictReader(io.StringIO(export_papers(papers, "csv"))))
    assert [row["title"] for row in rows[:3]] == [p.title for p in TRICKY]
    assert rows[0]["authors"] == "; ".join(TRICKY[0].authors) + "; et al."
    assert rows[0]["abstract"] == TRICKY[0].abstract
    assert [rows[0][c] for c in ("year", "date", "doi")] == ["2021", "2021-07-15", "10.1000/x_y"]
    assert rows[3]["title"] == '\'=HYPERLINK("http://evil")' and rows[3]["authors"] == "'@attacker"


def test_markdown_is_a_readable_reading_list() -> None:
    unsafe = paper(
        "Click *me* [now]", 2021, url="javascript:alert(1)", abstract="Line one.\n\nLine two."
    )
    text = export_papers([TRICKY[0], unsafe], "markdown")
    lines = text.splitlines()
    assert lines[0] == "# Reading list" and lines[2].startswith("2 papers, exported ")
    assert lines[4].startswith("1. **[BERT & GPT-3: 100% of {braces}")
    assert "](https://example.org/a_b?c=1%202)** (2021-07-15)  " in lines[4]
    assert "javascript:" not in text
    assert "2. **Click \\*me\\* \\[now\\]** (2021)" in text
    assert "   > Line one.\n   >\n   > Line two." in text
    code = paper("T", 2021, abstract="Code: https://x.org/a_b. *Bold*")
    linked = export_papers([code], "markdown")
    assert "   > Code: <https://x.org/a_b>. \\*Bold\\*" in linked


def test_a_reading_list_links_to_an_address_with_brackets_whole() -> None:
    """Percent-encoded in the link's target, as CommonMark asks, so that no renderer ends
    the link early or reads ``<391::AID-ASI1>`` as HTML."""
    from helpers import markdown_links

    sici = "10.1002/(SICI)1097-4571(199006)41:6<391::AID-ASI1>3.0.CO;2-9"
    odd = "https://example.org/a[1]/b c(d)<e>"
    papers = [paper("SICI", 1990, doi=sici), paper("Odd", 2020, url=odd)]
    text = export_papers(papers, "markdown")
    assert markdown_links(text) == [f"https://doi.org/{sici}", odd]
    linked = [line for line in text.splitlines() if "](" in line]
    targets = [line.split("](", 1)[1].split(")**", 1)[0] for line in linked]
    assert len(targets) == 2 and not any(set(target) & set("()[]<> ") for target in targets)


def test_a_reading_list_links_to_an_address_with_a_backslash_whole() -> None:
    r"""CommonMark reads ``\%28`` in a link's target as an escaped ``%``: the backslash
    was lost, and the link went elsewhere."""
    from helpers import markdown_links

    odd = "https://example.com/a\\(b"
    text = export_papers([paper("Odd", 2020, url=odd)], "markdown")
    assert markdown_links(text) == [odd]


def test_a_reading_list_abstract_links_a_sici_doi_whole() -> None:
    """The titles' links and the references take a SICI DOI whole; the abstract too (it
    was cut at its ``<``, and the rest shown as text)."""
    from helpers import markdown_links

    doi_url = "https://doi.org/10.1002/(SICI)1097-4571(199006)41:6<391::AID-ASI1>3.0.CO;2-9"
    text = export_papers([paper("T", 2020, abstract=f"See {doi_url}.")], "markdown")
    assert markdown_links(text) == [doi_url]
    assert text.rstrip().endswith("%3C391::AID-ASI1%3E3.0.CO;2-9>."), text  # the full stop is text


# --- writing files ----------------------------------------------------------------------


def test_write_never_overwrites_without_force(tmp_path: Path) -> None:
    target = tmp_path / "out.bib"
    write_export(target, "first")
    with pytest.raises(ExportExists, match="already exists; use --force to overwrite it"):
        write_export(target, "second")
    assert target.read_text() == "first"
    target.chmod(0o640)
    written = write_export(target, "third", force=True)
    assert target.read_text() == "third" and target.stat().st_mode & 0o777 == 0o640
    # The replaced file is kept beside it; no temporary is left.
    assert written.backup == tmp_path / "out.bib.bak" and written.backup.read_text() == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bib", "out.bib.bak"]
    write_export(target, "fourth", force=True)  # the backup is the file before this run's
    assert (target.read_text(), written.backup.read_text()) == ("fourth", "first")


def test_the_backup_is_the_file_before_this_runs_first_write(tmp_path: Path) -> None:
    target = tmp_path / "out.bib"
    original = b"\xef\xbb\xbf@misc{mine, title = {Mine}}\r\n"  # a BOM and CRLF, kept as is
    target.write_bytes(original)
    backup = tmp_path / "out.bib.bak"
    backup.write_text("a backup from an earlier run")
    write_export(target, "second", force=True)  # the first write of the run: a new backup
    written = write_export(target, "third", force=True)
    assert written.backup == backup and backup.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bib", "out.bib.bak"]
    backup.unlink()  # the user deleted it: the next write keeps a new one
    write_export(target, "fourth", force=True)
    assert (target.read_text(), backup.read_text()) == ("fourth", "third")
    write_export(target, "fifth", force=True)
    assert backup.read_text() == "third"
    new_run()  # as a new process starts
    write_export(target, "sixth", force=True)
    write_export(target, "seventh", force=True)
    assert (target.read_text(), backup.read_text()) == ("seventh", "fifth")


def test_one_file_named_two_ways_is_backed_up_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sub").mkdir()
    target = tmp_path / "sub" / "target.bib"
    target.write_text("old")
    link = tmp_path / "link.bib"
    link.symlink_to(Path("sub") / "target.bib")
    monkeypatch.chdir(tmp_path / "sub")
    write_export(link, "through the link", force=True)
    write_export("target.bib", "by a relative name", force=True)
    write_export(target, "by its whole name", force=True)
    assert (tmp_path / "sub" / "target.bib.bak").read_text() == "old"


def test_a_write_refused_keeps_no_backup_for_the_next_one(tmp_path: Path) -> None:
    target = tmp_path / "out.bib"
    target.write_text("old")

    def someone_edits_it() -> None:
        target.write_text("edited meanwhile")
        raise ExportError("changed meanwhile; nothing written")

    with pytest.raises(ExportError):
        write_export(target, "new", force=True, before_replacing=someone_edits_it)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bib"]  # no .bak, no temporary
    write_export(target, "new", force=True)
    assert (tmp_path / "out.bib.bak").read_text() == "edited meanwhile"


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("file.txt/out.bib", "cannot write here (not a folder)"),
        ("missing/out.bib", "cannot write here (no such folder)"),
        ("folder", "is a folder; give a file name"),
    ],
)
def test_unwritable_targets_are_one_clear_error(tmp_path: Path, where: str, message: str) -> None:
    (tmp_path / "file.txt").write_text("a regular file, not a folder")
    (tmp_path / "folder").mkdir()
    with pytest.raises(ExportError) as raised:
        write_export(tmp_path / where, "text")
    assert str(raised.value).endswith(message)
    assert "\n" not in str(raised.value)


def special_file(kind: str, folder: Path) -> Path:
    """A named pipe, a socket or (as root) a character device like /dev/full, in ``folder``."""
    import os
    import socket
    import stat

    path = folder / f"{kind}.bib"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        os.chdir(folder)  # a relative name: socket paths are limited to 108 bytes
        server.bind(path.name)
        server.close()  # the socket file stays
    else:
        try:
            os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 7))  # what /dev/full is
        except PermissionError:
            pytest.skip("making a device node needs root (and CAP_MKNOD)")
    return path


@pytest.mark.parametrize(
    ("kind", "what"), [("fifo", "a named pipe"), ("socket", "a socket"), ("device", "a device")]
)
def test_force_never_replaces_a_device_pipe_or_socket(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, what: str
) -> None:
    import stat

    monkeypatch.chdir(tmp_path)
    path = special_file(kind, tmp_path)
    mode = path.lstat().st_mode
    with pytest.raises(ExportError) as raised:
        write_export(path, "text", force=True)
    assert str(raised.value) == f"{path}: is {what}; export writes only to files"
    assert not isinstance(raised.value, ExportExists)  # nothing to ask about: never
    assert path.lstat().st_mode == mode and not stat.S_ISREG(mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no temporary left


def test_a_symbolic_link_is_written_through_to_its_target(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    target = tmp_path / "sub" / "target.bib"
    target.write_text("old")
    link = tmp_path / "link.bib"
    link.symlink_to(Path("sub") / "target.bib")  # relative, as ln -s makes them
    with pytest.raises(ExportExists, match=f"a link to {target}.*use --force"):
        write_export(link, "new")
    written = write_export(link, "new", force=True)
    assert (written.path, written.link, written.backup) == (
        target,
        link,
        tmp_path / "sub" / "target.bib.bak",
    )
    assert link.is_symlink() and link.readlink() == Path("sub") / "target.bib"
    assert written.backup is not None
    assert (target.read_text(), written.backup.read_text()) == ("new", "old")
    assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == ["target.bib", "target.bib.bak"]


def test_a_dangling_link_creates_its_target_when_the_folder_exists(tmp_path: Path) -> None:
    link = tmp_path / "link.bib"
    link.symlink_to(tmp_path / "new.bib")
    written = write_export(link, "text")  # nothing is replaced: no --force needed
    assert (written.path, written.link, written.backup) == (tmp_path / "new.bib", link, None)
    assert link.is_symlink() and link.read_text() == "text"
    nowhere = tmp_path / "nowhere.bib"
    nowhere.symlink_to(tmp_path / "missing" / "new.bib")
    with pytest.raises(ExportError, match="missing: cannot write here \\(no such folder\\)"):
        write_export(nowhere, "text", force=True)
    assert nowhere.is_symlink()


def test_a_link_loop_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "a.bib").symlink_to(tmp_path / "b.bib")
    (tmp_path / "b.bib").symlink_to(tmp_path / "a.bib")
    with pytest.raises(ExportError, match="a.bib: symbolic link loop; give another file name"):
        write_export(tmp_path / "a.bib", "text", force=True)
    assert (tmp_path / "a.bib").is_symlink() and (tmp_path / "b.bib").is_symlink()


def test_unknown_format_is_an_error() -> None:
    with pytest.raises(
        ExportError, match="choose one of bibtex, biblatex, csl-json, json, csv, markdown, ris"
    ):
        export_papers(TRICKY, "docx")


def test_your_tags_are_exported_as_keywords_as_zotero_writes_them() -> None:
    tagged, untagged = paper("Tagged", 2024, authors=("Ann Lee",)), paper("Untagged", 2023)
    papers = [tagged, untagged]
    tags = {tagged.id: ("toread", "ml_2024")}

    def export(fmt: str) -> str:
        return export_papers(papers, fmt, keys=["lee", "un"], tags=lambda p: tags.get(p.id, ()))

    for fmt in ("bibtex", "biblatex"):
        entries = export(fmt).split("\n\n")
        assert "  keywords = {toread, ml\\_2024},\n" in entries[0], fmt
        assert "keywords" not in entries[1], fmt
    ris = export("ris")
    assert ris.count("KW  - ") == 2 and "KW  - toread\nKW  - ml_2024\n" in ris
    assert ris.index("KW  - ") < ris.index("ER  - ")  # the tagged paper's, the first record
    items = json.loads(export("csl-json"))
    assert [item.get("keyword") for item in items] == ["toread, ml_2024", None]
    assert export_papers(papers, "bibtex", keys=["lee", "un"]).count("keywords") == 0


@pytest.mark.parametrize(
    ("pages", "written"),
    [
        ("134-186", "134--186"),  # as Crossref gives it
        ("134–186", "134--186"),
        ("134 - 186", "134--186"),
        ("12--15", "12--15"),  # (was 12-{}-15: LaTeX printed two hyphens)
        ("1935–-1967", "1935--1967"),  # (a real .bib's: it was 1935---1967, an em dash)
        ("S12-S15", "S12--S15"),
        ("e1234-e1240", "e1234--e1240"),
        ("xi-xv", "xi--xv"),
        ("1-5, 7-9", "1--5, 7--9"),
        ("11:1-11:37", "11:1--11:37"),  # article-numbered pages (ACM, APS)
        ("24.1-24.10", "24.1--24.10"),  # chapter-numbered pages
        ("24.1–24.10", "24.1--24.10"),
        ("11:1-11:37, 11:40-11:42", "11:1--11:37, 11:40--11:42"),
        ("11:1", "11:1"),  # not a range: as it was
        ("11:1-37", "11:1-37"),  # the two ends of a different make: as it was
        ("1.5-2:3", "1.5-2:3"),
        ("e1234", "e1234"),  # not a range: as it was
        ("42", "42"),
        ("xii", "xii"),
        ("1-2-3", "1-2-3"),
        ("pp. 1-5", "pp. 1-5"),
        ("1,234-1,240", "1,234-1,240"),  # never taken apart at its commas
        ("see p. 3", "see p. 3"),
    ],
)
def test_a_page_range_is_written_with_bibtex_s_double_hyphen(pages: str, written: str) -> None:
    """As Better BibTeX writes it, for BibTeX styles to print an en dash."""
    ranged = paper("Ranged", 2021, venue="J", entry_type="article", pages=pages)
    for fmt in ("bibtex", "biblatex"):
        assert f"  pages = {{{written}}},\n" in export_papers([ranged], fmt), fmt


def test_a_page_range_read_back_shows_as_before() -> None:
    from paperbrowse.core.cite.references import references
    from paperbrowse.core.cite.styles import load_style

    crossrefs = paper(
        "Ranged", 2021, authors=("Ann Lee",), venue="J", entry_type="article", pages="134-186"
    )
    text = export_papers([crossrefs], "bibtex")
    (back,) = parse_bibtex(text, "x.bib").papers
    assert back.pages == "134–186"  # as any .bib's 134--186 reads
    assert export_papers([back], "bibtex") == text  # and is written back the same
    style = load_style("apa")
    assert references([back], style, "text") == references([crossrefs], style, "text")
    assert "J, 134–186." in references([back], style, "text")[0]


# --- the command line ----------------------------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "paperbrowse", "export", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_exports_the_bundled_profile_to_stdout() -> None:
    result = run("--format", "bibtex", "--as-of", "2025-11-24")
    assert result.returncode == 0, result.stderr
    back = parse_bibtex(result.stdout, "stdout.bib")
    assert len(back.papers) == 15 and back.problems == []


def test_cli_export_writes_your_tags_as_keywords(tmp_path: Path) -> None:
    """The tags given with ``t`` in the app (the marks database) go out with the papers."""
    from paperbrowse.core.library import load
    from paperbrowse.core.marks.store import Store

    library = tmp_path / "lib.bib"
    library.write_text(export_papers([paper("Tagged", 2024), paper("Untagged", 2023)], "bibtex"))
    tagged = next(p for p in load(library).papers if p.title == "Tagged")
    with Store.open() as store:  # the data folder the conftest gives every test
        store.set_tags(tagged, "toread, gnn")
    bibtex = run(str(library), "--format", "bibtex")
    assert bibtex.returncode == 0 and bibtex.stderr == ""
    [entry] = [e for e in bibtex.stdout.split("\n\n") if "keywords" in e]
    assert "{Tagged}" in entry and "  keywords = {toread, gnn},\n" in entry
    assert "KW  - toread\nKW  - gnn\n" in run(str(library), "--format", "ris").stdout
    items = json.loads(run(str(library), "--format", "csl-json").stdout)
    assert {item["title"]: item.get("keyword") for item in items} == {
        "Tagged": "toread, gnn",
        "Untagged": None,
    }


def test_cli_export_writes_the_pdfs_beside_the_library_and_attached(tmp_path: Path) -> None:
    from paperbrowse.core.library import load
    from paperbrowse.core.marks.store import Store

    library = tmp_path / "lib.bib"
    library.write_text(
        "@article{foo2020, title={Foo Bar}, author={Ann Foo}, journal={J}, year={2020}}\n"
        "@article{bar2021, title={Bar Baz}, author={Bo Bar}, journal={J}, year={2021}}\n"
    )
    (tmp_path / "foo2020.pdf").write_bytes(b"%PDF-1.4\n")
    mine = tmp_path / "attached" / "bar.pdf"
    bar = next(p for p in load(library).papers if p.citekey == "bar2021")
    with Store.open() as store:  # the data folder the conftest gives every test
        store.attach_file(bar, str(mine))
    foo = run(str(library), "--query", "key:foo2020", "-f", "bibtex")
    assert foo.returncode == 0, foo.stderr
    assert f"  file = {{:{tmp_path}/foo2020.pdf:PDF}},\n" in foo.stdout
    records = json.loads(run(str(library), "-f", "json").stdout)["papers"]
    assert {r["citekey"]: r["files"] for r in records} == {
        "foo2020": [f"{tmp_path}/foo2020.pdf"],
        "bar2021": [str(mine)],
    }


def test_cli_query_file_force_and_errors(tmp_path: Path) -> None:
    library = tmp_path / "lib.bib"
    library.write_text(export_papers(TRICKY, "bibtex"))
    out = tmp_path / "arxiv.bib"
    first = run(str(library), "--query", "arXiv preprint", "-o", str(out))
    assert first.returncode == 0, first.stderr
    assert first.stderr == f"paperbrowse: wrote 1 paper to {out} (bibtex)\n"
    assert [p.title for p in parse_bibtex(out.read_text(), "x").papers] == ["An arXiv Preprint"]
    again = run(str(library), "-o", str(out))
    assert again.returncode == 2
    assert again.stderr == (
        f"paperbrowse: error: {out}: already exists; use --force to overwrite it\n"
    )
    assert run(str(library), "-o", str(out), "--force").returncode == 0
    assert len(parse_bibtex(out.read_text(), "x").papers) == 3
    blocked = run(str(library), "--format", "csv", "-o", str(library / "out.csv"))
    assert blocked.returncode == 2
    assert blocked.stderr == (f"paperbrowse: error: {library}: cannot write here (not a folder)\n")
    assert "choose a format" in run(str(library)).stderr
    nothing = run(str(library), "--query", "zzzzqqqq", "--format", "json")
    assert nothing.returncode == 2 and "no papers match 'zzzzqqqq'" in nothing.stderr


def test_cli_refuses_a_pipe_even_with_force(tmp_path: Path) -> None:
    import os
    import stat

    pipe = tmp_path / "pipe.bib"
    os.mkfifo(pipe)
    result = run("--format", "bibtex", "-o", str(pipe), "--force")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"paperbrowse: error: {pipe}: is a named pipe; export writes only to files\n"
    )
    assert stat.S_ISFIFO(pipe.lstat().st_mode)


def test_cli_says_where_a_link_led_and_where_the_old_file_is(tmp_path: Path) -> None:
    target = tmp_path / "target.bib"
    target.write_text("my own bibliography")
    link = tmp_path / "link.bib"
    link.symlink_to(target)
    result = run("--as-of", "2025-11-24", "-o", str(link), "--force")
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        f"paperbrowse: wrote 15 papers to {target} (bibtex, through {link}); "
        f"the old file is now {target}.bak\n"
    )
    assert link.is_symlink() and len(parse_bibtex(target.read_text(), "x").papers) == 15
    assert (tmp_path / "target.bib.bak").read_text() == "my own bibliography"


def test_each_command_is_a_run_keeping_a_backup_of_its_own(tmp_path: Path) -> None:
    target = tmp_path / "list.md"
    target.write_text("my own reading list")
    common = ("--as-of", "2025-11-24", "-o", str(target), "--force")
    assert run("--format", "markdown", *common).returncode == 0
    first = target.read_text()
    assert run("--format", "csv", *common).returncode == 0  # another process: another run
    assert (tmp_path / "list.md.bak").read_text() == first != target.read_text()


def test_cli_empty_output_name_is_an_error_not_stdout() -> None:
    result = run("--format", "bibtex", "-o", "")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "paperbrowse: error: -o needs a file name\n"


def run_bytes(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    import os

    command = [sys.executable, "-m", "paperbrowse", "export", *args]
    environment = {**os.environ, **(env or {})}
    return subprocess.run(command, capture_output=True, timeout=60, env=environment)


@pytest.mark.parametrize("fmt", ["bibtex", "csv", "markdown", "json", "csl-json"])
def test_cli_export_to_an_ascii_stdout_keeps_every_character(tmp_path: Path, fmt: str) -> None:
    file = tmp_path / "out"
    assert run_bytes("--format", fmt, "-o", str(file), "--as-of", "2025-11-24").returncode == 0
    written = file.read_bytes()
    assert "“pseudo reasoning paths”".encode() in written  # the seed has non-ASCII text
    result = run_bytes("--format", fmt, "--as-of", "2025-11-24", env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0, result.stderr.decode()
    if fmt in ("json", "csl-json"):  # ASCII with \u escapes: the same data, readable anywhere
        assert result.stdout.isascii() and json.loads(result.stdout) == json.loads(written)
    else:  # the bytes -o writes: escaping BibTeX or CSV text would change the data
        assert result.stdout == written


def test_cli_json_keeps_the_profile_header(tmp_path: Path) -> None:
    result = run("--format", "json", "--as-of", "2025-11-24")
    data = json.loads(result.stdout)
    assert data["name"] == "Fali Wang" and len(data["papers"]) == 15
    assert all(paper["citekey"] for paper in data["papers"])


def test_suggested_paths_never_name_an_existing_file(tmp_path: Path) -> None:
    assert suggested_path("bibtex", tmp_path) == tmp_path / "papers.bib"
    (tmp_path / "papers.md").write_text("x")
    (tmp_path / "papers-2.md").write_text("x")
    assert suggested_path("markdown", tmp_path) == tmp_path / "papers-3.md"
    assert suggested_path("csl-json", tmp_path, stem="zotero").name == "zotero.json"


def test_cli_reads_the_format_from_the_output_s_name_as_the_dialog_does(tmp_path: Path) -> None:
    """One table says what a file's name holds, for ``export -o`` and the export dialog:
    ``refs.html`` is a reference list in HTML (the dialog wrote one; the command asked for
    a format), and ``.json``, JSON or CSL-JSON, still needs ``--format``."""
    library = tmp_path / "lib.bib"
    library.write_text(export_papers(TRICKY, "bibtex"))
    html = tmp_path / "refs.html"
    written = run(str(library), "-o", str(html))
    assert written.returncode == 0, written.stderr
    assert "(bibliography)" in written.stderr
    text = html.read_text(encoding="utf-8")
    assert text.lstrip().lower().startswith(("<!doctype html", "<html")) and "</html>" in text
    assert "an arxiv preprint" in text.lower()  # (APA: sentence case)
    ambiguous = run(str(library), "-o", str(tmp_path / "out.json"))
    assert ambiguous.returncode == 2 and "choose a format" in ambiguous.stderr


def a_paper_with_two_pdfs(tmp_path: Path, attached_name: str) -> tuple[Paper, PdfFinder, Path]:
    """A .bib paper whose file field names own.pdf, and a finder that has ``attached_name``
    attached to it (as ``A`` does): the paper, the finder, the attached file's path."""
    bib = tmp_path / "lib.bib"
    bib.write_text("@article{foo2020, title={Foo}, year={2020}, file={:own.pdf:PDF}}\n")
    attached = tmp_path / "elsewhere" / attached_name
    (found,) = read_file(bib, AS_OF).papers
    return found, PdfFinder(attached=lambda paper: [str(attached)]), attached


def test_ris_export_keeps_the_pdfs_and_reads_them_back(tmp_path: Path) -> None:
    # RIS wrote no PDFs: a library exported as RIS and opened again had lost them all.
    found, finder, attached = a_paper_with_two_pdfs(tmp_path, "mine.pdf")
    text = export_papers([found], "ris", files=finder.files_of)
    assert f"L1  - {tmp_path}/own.pdf\nL1  - {attached}\n" in text  # as Zotero writes them
    again = tmp_path / "out" / "again.ris"
    again.parent.mkdir()
    again.write_text(text)
    (reopened,) = read_file(again, AS_OF).papers
    assert reopened.files == (f"{tmp_path}/own.pdf", str(attached))
    assert "L1  -" not in export_papers([paper("None attached")], "ris")


def test_ris_l1_reads_file_urls_and_paths_as_files_never_web_addresses(tmp_path: Path) -> None:
    ris = tmp_path / "zotero.ris"
    ris.write_text(
        "TY  - JOUR\nTI  - Attached\nL1  - file:///home/u/My%20Paper.pdf\n"
        "L1  - https://example.org/paper.pdf\nL1  - internal-pdf://0123/x.pdf\n"
        "L1  - C:\\Users\\me\\x.pdf\nER  - \n"
    )
    (read,) = read_file(ris, AS_OF).papers
    assert read.files == ("/home/u/My Paper.pdf", "C:\\Users\\me\\x.pdf")


def test_csl_json_export_keeps_who_cites_whom(corpus: Path, tmp_path: Path) -> None:
    # CSL-JSON wrote no references: the export, reopened, had lost "cites" and "cited by".
    from paperbrowse.core.citations import CitationGraph, cites_among

    papers = list(read_file(corpus / "json" / "s2_Paper.json", AS_OF).papers)
    graph = CitationGraph(papers)
    before = {p.title: sorted(c.title for c in graph.cites(p)) for p in papers}
    assert sum(map(len, before.values())) > 1000
    again = tmp_path / "again.json"
    again.write_text(export_papers(papers, "csl-json", citations=cites_among))
    reopened = list(read_file(again, AS_OF).papers)
    graph_again = CitationGraph(reopened)
    assert {p.title: sorted(c.title for c in graph_again.cites(p)) for p in reopened} == before
    # In "custom", as CSL's schema has it: its own "references" is a string.
    assert not any("references" in item for item in json.loads(again.read_text()))
    (item,) = json.loads(export_papers([paper("Cites nothing")], "csl-json"))
    assert "references" not in item.get("custom", {})


def test_ris_export_keeps_a_journal_article_s_editors(tmp_path: Path) -> None:
    # A2 is written only for what is in an edited book; an article's editors were dropped.
    bib = tmp_path / "lib.bib"
    bib.write_text(
        "@article{a, title={Special Issue Paper}, author={Doe, Jane}, editor={Ed, Edna and"
        " Two, Tom}, journal={J}, year={2020}}\n"
    )
    (found,) = read_file(bib, AS_OF).papers
    again = tmp_path / "again.ris"
    again.write_text(export_papers([found], "ris"))
    (reopened,) = read_file(again, AS_OF).papers
    assert reopened.editors == ("Edna Ed", "Tom Two") and reopened.authors == ("Jane Doe",)


def test_csl_json_export_keeps_the_pdfs_and_reads_them_back(tmp_path: Path) -> None:
    # The CSL-JSON reader reads "file", but the export wrote none: reopened, no PDFs.
    found, finder, attached = a_paper_with_two_pdfs(tmp_path, "a;b.pdf")
    again = tmp_path / "out" / "again.json"
    again.parent.mkdir()
    again.write_text(export_papers([found], "csl-json", files=finder.files_of))
    (reopened,) = read_file(again, AS_OF).papers
    assert reopened.files == (f"{tmp_path}/own.pdf", str(attached))
    assert "file" not in json.loads(again.read_text())[0]  # (no CSL variable: in "custom")
    (item,) = json.loads(export_papers([paper("None attached")], "csl-json"))
    assert "file" not in item and "custom" not in item
