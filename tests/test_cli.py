"""The command line as a user runs it: exit statuses, JSON shape, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from paperbrowse.cli import main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "paperbrowse", *args], capture_output=True, text=True, timeout=60
    )


def test_version_and_help() -> None:
    assert run("--version").stdout.startswith("paperbrowse ")
    help_text = run("--help").stdout
    assert "parse" in help_text and "PATH" in help_text


def test_parse_json_has_the_profile_and_every_paper(seed_path: Path) -> None:
    result = run("parse", str(seed_path), "--json", "--as-of", "2025-11-24")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["name"] == "Fali Wang"
    assert data["h_index"] == 25 and data["citations"] == 546 and data["paper_count"] == 15
    assert len(data["papers"]) == 15
    keys = {"id", "title", "authors", "et_al", "category", "category_name", "date",
            "year_inferred", "has_code", "abstract", "links"}  # fmt: skip
    assert keys <= set(data["papers"][0])


def test_parse_summary_is_readable(seed_path: Path) -> None:
    result = run("parse", str(seed_path), "--as-of", "2025-11-24")
    assert result.returncode == 0
    assert "Fali Wang · CL (Computation and Language)" in result.stdout
    assert "h-index 25" in result.stdout


def test_missing_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run("parse", str(tmp_path / "nope.txt"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"paperbrowse: error: {tmp_path / 'nope.txt'}: no such file"
    assert "Traceback" not in result.stderr


def test_not_a_profile_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("just some notes\nnothing else\n")
    result = run("parse", str(path))
    assert result.returncode == 2
    assert "notes.txt" in result.stderr and "not a researcher profile" in result.stderr


def test_skipped_record_exit_1(tmp_path: Path, seed_path: Path) -> None:
    text = seed_path.read_text(encoding="utf-8")
    broken = text.replace("SIJul 25, 2024\n", "SI Jul 99 garbage\n", 1)
    path = tmp_path / "broken.txt"
    path.write_text(broken, encoding="utf-8")
    result = run("parse", str(path), "--json")
    assert result.returncode == 1
    assert len(json.loads(result.stdout)["papers"]) == 14
    assert "broken.txt:" in result.stderr and "Traceback" not in result.stderr


def test_main_returns_exit_status_for_bad_date(capsys: object) -> None:
    assert main(["parse", "x.txt", "--as-of", "yesterday"]) == 2
