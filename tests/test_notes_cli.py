"""``paperbrowse notes``: notes and marks leave the app, from the data folder the user chose."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from paperbrowse.cli import app_parser, main
from paperbrowse.core import locations
from paperbrowse.core.library import load
from paperbrowse.core.marks.store import Store

SEED_AS_OF = dt.date(2025, 11, 24)
UNLEARNING = "Catastrophic Failure of LLM Unlearning via Quantization"
SCALING = "Generalizing Test-time Compute-optimal Scaling as an Optimizable Graph"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "paperbrowse", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


@pytest.fixture
def data_dir(tmp_path: Path, seed_path: Path) -> Path:
    """A data folder holding marks on two seed papers and one note on a paper no file has."""
    folder = tmp_path / "my data"
    papers = {p.title: p for p in load(seed_path, as_of=SEED_AS_OF).papers}
    with Store.open(folder / "marks.sqlite3") as store:
        store.set_bookmarked(papers[UNLEARNING], True)
        store.set_tags(papers[UNLEARNING], "unlearning quant")
        store.save_note(papers[UNLEARNING], "Key result: 21% -> 83%.\n\n- check \x1b[31mthis")
        store.set_read(papers[SCALING], True)
        store.save_note("gone-paper", "a note whose paper is in no file")
    return folder


def test_markdown_lists_every_marked_paper_with_its_note(data_dir: Path) -> None:
    result = run("notes", "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("# Notes and marks\n")
    assert f"3 papers, from {data_dir / 'marks.sqlite3'}" in out
    assert f"## {UNLEARNING} (2024)" in out and f"## {SCALING} (2025)" in out
    assert "- Tags: unlearning, quant" in out and "- Marks: bookmarked" in out
    assert "Key result: 21% -> 83%.\n\n- check this" in out  # escape code stripped
    assert "\x1b" not in out
    assert "a note whose paper is in no file" in out
    assert out.index(UNLEARNING) < out.index("(untitled paper gone-paper)")


def test_a_paper_whose_only_mark_is_an_attached_pdf_shows_the_pdf(
    tmp_path: Path, seed_path: Path
) -> None:
    folder = tmp_path / "data"
    paper = load(seed_path, as_of=SEED_AS_OF).papers[0]
    with Store.open(folder / "marks.sqlite3") as store:
        store.attach_file(paper, "/papers/x.pdf")
    out = run("notes", "--data-dir", str(folder)).stdout
    assert "- Attached: /papers/x.pdf\n- Id: " in out  # (was the id alone)
    record = json.loads(run("notes", "--format", "json", "--data-dir", str(folder)).stdout)
    assert record["papers"][0]["attached"] == ["/papers/x.pdf"]


def test_json_with_paths_joins_the_library_and_keeps_unloaded_notes(
    data_dir: Path, seed_path: Path
) -> None:
    result = run(
        "notes",
        str(seed_path),
        "--as-of",
        "2025-11-24",
        "--format",
        "json",
        "--data-dir",
        str(data_dir),
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["database"] == str(data_dir / "marks.sqlite3")
    by_title = {record["title"]: record for record in data["papers"]}
    unlearning = by_title[UNLEARNING]
    assert unlearning["bookmarked"] and not unlearning["read"]
    assert unlearning["tags"] == ["unlearning", "quant"]
    assert unlearning["note"] == "Key result: 21% -> 83%.\n\n- check \x1b[31mthis"
    assert unlearning["in_library"] and unlearning["paper"]["authors"][0] == "Zhiwei Zhang"
    assert by_title[SCALING]["read"] and by_title[SCALING]["read_at"]
    orphan = next(r for r in data["papers"] if r["id"] == "gone-paper")
    assert orphan["in_library"] is False and orphan["paper"] is None
    assert [r["title"] for r in data["papers"]][:2] == [UNLEARNING, SCALING]  # library order


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("is:bookmarked", {UNLEARNING}),
        ("is:read", {SCALING}),
        ("has:note", {UNLEARNING, ""}),
        ("tag:QUANT", {UNLEARNING}),
        ("-is:read", {UNLEARNING, ""}),
        ("whose paper", {""}),
        ("83% unlearning", {UNLEARNING}),
        ("zhiwei", set()),  # authors are searched only when a file gives them
    ],
)
def test_query_filters(data_dir: Path, query: str, expected: set[str]) -> None:
    # --query=Q, as a query can start with "-".
    result = run("notes", "--data-dir", str(data_dir), "--format", "json", f"--query={query}")
    assert result.returncode == 0, result.stderr
    assert {r["title"] for r in json.loads(result.stdout)["papers"]} == expected


def test_query_searches_authors_of_loaded_papers(data_dir: Path, seed_path: Path) -> None:
    result = run(
        "notes", str(seed_path), "-q", "zhiwei", "--format", "json", "--data-dir", str(data_dir)
    )
    assert [r["title"] for r in json.loads(result.stdout)["papers"]] == [UNLEARNING]


def test_an_unknown_filter_is_one_clear_line(data_dir: Path) -> None:
    result = run("notes", "--data-dir", str(data_dir), "-q", "is:famous")
    assert result.returncode == 2
    assert result.stderr.startswith("paperbrowse: error: --query: unknown filter 'is:famous'")
    assert "Traceback" not in result.stderr


def test_data_dir_before_the_subcommand_and_from_the_environment(data_dir: Path) -> None:
    before = run("--data-dir", str(data_dir), "notes", "--format", "json")
    assert before.returncode == 0, before.stderr
    assert len(json.loads(before.stdout)["papers"]) == 3
    env = dict(os.environ, PAPERBROWSE_DATA_DIR=str(data_dir))
    from_env = run("notes", "--format", "json", env=env)
    assert json.loads(from_env.stdout) == json.loads(before.stdout)


def test_an_empty_data_folder_prints_nothing_and_creates_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "fresh"
    result = run("notes", "--data-dir", str(folder))
    assert result.returncode == 0
    assert "0 papers" in result.stdout
    assert not folder.exists()


def test_a_damaged_database_warns_with_its_path_and_is_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "damaged"
    folder.mkdir()
    database = folder / "marks.sqlite3"
    database.write_bytes(b"this is not sqlite at all" * 100)
    before = database.read_bytes()
    result = run("notes", "--data-dir", str(folder))
    assert result.returncode == 1
    assert str(database) in result.stderr and "read-only" in result.stderr
    assert "Traceback" not in result.stderr
    assert database.read_bytes() == before


def test_the_app_and_every_subcommand_accept_data_dir(tmp_path: Path) -> None:
    app_parser().parse_args(["--data-dir", str(tmp_path / "for-app")])
    assert locations.database_path() == tmp_path / "for-app" / "marks.sqlite3"
    # parse never asked for the option; main gives it to every subcommand.
    main(["parse", "missing.txt", "--data-dir", str(tmp_path / "for-parse")])
    assert locations.data_dir() == tmp_path / "for-parse"
    assert main(["notes", "--data-dir", ""]) == 2


@pytest.mark.parametrize(
    ("command", "marked"),
    [
        (("notes", "--format", "json"), lambda out: [r["id"] for r in json.loads(out)["papers"]]),
        (
            ("search", "is:bookmarked", "--json", "--as-of", "2025-11-24"),
            lambda out: [hit["title"] for hit in json.loads(out)],
        ),
    ],
)
def test_commands_that_only_read_answer_while_a_window_holds_the_write_lock(
    data_dir: Path, command: tuple[str, ...], marked: Callable[[str], list[str]]
) -> None:
    import sqlite3

    window = sqlite3.connect(data_dir / "marks.sqlite3", isolation_level=None)
    window.execute("BEGIN IMMEDIATE")  # a window in the middle of saving
    window.execute("INSERT INTO papers (id, updated) VALUES ('uncommitted', '2026-01-01')")
    window.execute("INSERT INTO notes VALUES ('uncommitted', 'half saved', '2026-01-01')")
    try:
        result = run(*command, "--data-dir", str(data_dir))
    finally:
        window.execute("ROLLBACK")
        window.close()
    # It never waited for the lock, so it has nothing to warn about.
    assert result.returncode == 0 and result.stderr == ""
    found = marked(result.stdout)
    assert found and "uncommitted" not in found
    assert "gone-paper" in found or found == [UNLEARNING]


def test_notes_reads_an_old_database_without_changing_it(tmp_path: Path) -> None:
    from test_storage import GRAPHS, make_version_1

    database = tmp_path / "old" / "marks.sqlite3"
    make_version_1(database)
    before = database.read_bytes()
    result = run("notes", "--data-dir", str(database.parent), "--format", "json")
    assert result.returncode == 0 and result.stderr == ""
    [record] = json.loads(result.stdout)["papers"]
    assert (record["id"], record["note"], record["tags"]) == (GRAPHS.id, "old note", ["gnn"])
    assert database.read_bytes() == before  # not migrated: that is the app's job
    assert sorted(p.name for p in database.parent.iterdir()) == ["marks.sqlite3"]


def test_notes_under_an_ascii_locale_keep_every_character(data_dir: Path, seed_path: Path) -> None:
    papers = {p.title: p for p in load(seed_path, as_of=SEED_AS_OF).papers}
    note = "Résumé: “works” 🎉"
    with Store.open(data_dir / "marks.sqlite3") as store:
        store.save_note(papers[SCALING], note)
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    as_json = subprocess.run(
        [
            sys.executable,
            "-m",
            "paperbrowse",
            "notes",
            "--data-dir",
            str(data_dir),
            "--format",
            "json",
        ],
        capture_output=True,
        timeout=60,
        env=env,
    )
    assert as_json.returncode == 0, as_json.stderr
    assert as_json.stdout.isascii()
    assert note in [paper["note"] for paper in json.loads(as_json.stdout)["papers"]]
    markdown = subprocess.run(
        [sys.executable, "-m", "paperbrowse", "notes", "--data-dir", str(data_dir)],
        capture_output=True,
        timeout=60,
        env=env,
    )
    assert markdown.returncode == 0, markdown.stderr
    assert note.encode() in markdown.stdout  # UTF-8, as a saved notes file would be
