"""``paperbrowse people`` as a user runs it: the table, each sort, JSON, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

LAB = Path(__file__).parent / "data" / "lab50"
AS_OF = "2021-11-24"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "paperbrowse", "people", *args, "--as-of", AS_OF],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_table_lists_every_researcher_by_name() -> None:
    result = run(str(LAB))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "researcher",
        "cat",
        "h-index",
        "citations",
        "papers",
        "novelty",
        "ai-score",
        "in-library",
    ]
    rows = lines[1:-2]
    assert len(rows) == 50 and lines[-1] == "50 researchers"
    assert rows[0].startswith("Anastasia Shimorina")
    names = [row.rsplit("  CL", 1)[0].strip() for row in rows if "  CL" in row]
    assert names == sorted(names, key=str.casefold)


@pytest.mark.parametrize(
    ("key", "field"),
    [
        ("h-index", "h_index"),
        ("citations", "citations"),
        ("papers", "papers"),
        ("novelty", "novelty"),
        ("ai-score", "ai_score"),
        ("library", "papers_in_library"),
    ],
)
def test_json_sorted_by_each_figure_highest_first(key: str, field: str) -> None:
    result = run(str(LAB), "--sort", key, "--json")
    assert result.returncode == 0, result.stderr
    values = [row[field] for row in json.loads(result.stdout)]
    assert len(values) == 50 and values == sorted(values, reverse=True)


def test_json_names_coauthors_and_their_shared_papers() -> None:
    rows = json.loads(run(str(LAB), "--json").stdout)
    first = rows[0]
    assert first["name"] == "Anastasia Shimorina" and first["category_name"]
    partners = first["coauthors"]
    assert partners and all(p["shared_papers"] > 0 for p in partners)
    names = {row["name"] for row in rows}
    assert {p["name"] for p in partners} <= names
    # Shared papers are counted the same from either side.
    other = next(row for row in rows if row["name"] == partners[0]["name"])
    back = next(p for p in other["coauthors"] if p["name"] == first["name"])
    assert back["shared_papers"] == partners[0]["shared_papers"]


def test_reverse_and_missing_figures_last(tmp_path: Path) -> None:
    odd = tmp_path / "odd.txt"
    odd.write_text("Zed Odd\n\nCL\nh-index-3\n\n1 Papers\n\nCLApr 1, 2020\nT\n\nZed Odd\n")
    result = run(str(LAB), str(odd), "--sort", "h-index", "--reverse", "--json")
    assert result.returncode == 1  # problems: warned about, the rest listed
    rows = json.loads(result.stdout)
    assert rows[-1]["name"] == "Zed Odd" and rows[-1]["h_index"] is None
    figures = [row["h_index"] for row in rows[:-1]]
    assert figures == sorted(figures)
    warnings = result.stderr.splitlines()
    assert warnings == [
        f"paperbrowse: warning: {odd}:4: header figure 'h-index-3' is negative; left out",
        f"paperbrowse: warning: {odd}: the header of 'Zed Odd' has no h-index, citations, "
        "papers, novelty, AI score figures; shown as — and sorted last",
    ]


def test_no_profiles_is_one_clear_error(tmp_path: Path) -> None:
    bib = tmp_path / "lib.bib"
    bib.write_text("@article{a, title={A Title}, author={Ann Bee}, year={2020}}\n")
    result = run(str(bib))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "paperbrowse: error: no researcher profiles among the files given "
        "(BibTeX and JSON hold none)"
    ]


def test_unknown_sort_is_refused() -> None:
    result = run("--sort", "fame")
    assert result.returncode == 2 and "invalid choice: 'fame'" in result.stderr


def test_a_semantic_scholar_author_is_no_header_with_figures_missing(corpus: Path) -> None:
    """Semantic Scholar gives an author's h-index, papers and citations, never a category,
    novelty or AI score: its real author file was warned of ("the header of 'A. Turing'
    has no novelty, AI score figures") and exited 1 each time, in the app a problem too."""
    result = run(str(corpus / "json" / "s2_Author.json"), "--json")
    assert (result.returncode, result.stderr) == (0, "")
    (row,) = json.loads(result.stdout)
    assert row["name"] == "A. Turing" and row["novelty"] is None and row["h_index"] is not None


def test_a_semantic_scholar_author_saved_as_json_is_still_no_header_missing_figures(
    corpus: Path, tmp_path: Path
) -> None:
    """``parse --json`` of it, read back, said the figures were missing again (a review's)."""
    saved = tmp_path / "turing.json"
    author = str(corpus / "json" / "s2_Author.json")
    parsed = subprocess.run(
        [sys.executable, "-m", "paperbrowse", "parse", "--json", author],
        capture_output=True,
        text=True,
        check=True,
    )
    saved.write_text(parsed.stdout, encoding="utf-8")
    result = run(str(saved), "--json")
    assert (result.returncode, result.stderr) == (0, "")
