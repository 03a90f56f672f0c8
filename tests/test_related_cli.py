"""``paperbrowse related`` as a user runs it: readable lines with reasons, JSON, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

RECORDS: list[dict[str, str | list[str]]] = [
    {
        "id": "specter",
        "title": "SPECTER: document-level representation learning using citation-informed "
        "transformers",
        "authors": ["Arman Cohan", "Sergey Feldman"],
        "year": "2020",
        "venue": "ACL 2020",
        "doi": "10.18653/v1/2020.acl-main.207",
        "abstract": "Scientific document embeddings from a transformer pretrained on the citation "
        "graph, for citation recommendation.",
    },
    {
        "id": "near",
        "title": "Citation-informed transformers for scientific document embeddings",
        "authors": ["Arman Cohan", "Sergey Feldman"],
        "year": "2020",
        "venue": "ACL 2020",
        "abstract": "A transformer pretrained on the citation graph gives scientific document "
        "embeddings.",
    },
    {
        "id": "topic",
        "title": "Recommending citations for scientific papers",
        "authors": ["Chandra Bhagavatula"],
        "year": "2018",
        "abstract": "Citation recommendation with embeddings of the citation graph.",
    },
    {
        "id": "speech",
        "title": "Speech recognition for low-resource languages",
        "authors": ["Dana Eve"],
        "year": "2019",
        "abstract": "Acoustic models for languages with little transcribed audio.",
    },
]


@pytest.fixture
def library(tmp_path: Path) -> Path:
    path = tmp_path / "lib.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    return path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "paperbrowse", "related", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_plain_output_lists_the_most_alike_first_with_why(library: Path) -> None:
    result = run("specter", str(library))  # the JSON Lines "id" is the paper's citation key
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "Papers like: SPECTER: document-level representation learning using "
        "citation-informed transformers"
    )
    assert lines[2].startswith("  1. 2020") and lines[2].endswith(str(RECORDS[1]["title"]))
    assert lines[3].strip().startswith("shares: ")
    assert lines[3].endswith(" · 2 authors · same venue")
    assert "Recommending citations for scientific papers" in lines[4]
    assert "Speech recognition" not in result.stdout


def test_json_rows_have_rank_key_reasons_and_the_paper_fields(library: Path) -> None:
    result = run("--json", "https://doi.org/10.18653/v1/2020.acl-main.207", str(library))
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [row["title"] for row in rows] == [RECORDS[1]["title"], RECORDS[2]["title"]]
    first = rows[0]
    assert first["rank"] == 1 and first["key"] and first["score"] > rows[1]["score"] > 0
    assert first["shared_authors"] == ["Arman Cohan", "Sergey Feldman"]
    assert first["same_venue"] is True and first["same_category"] is False
    assert "citation" in first["shared_words"]
    assert first["reasons"].endswith("· 2 authors · same venue")
    assert {"title", "authors", "abstract", "venue", "doi", "date"} <= set(first)


def test_a_citation_key_names_the_paper_and_limit_cuts_the_list(library: Path) -> None:
    keys = json.loads(run("--json", "specter", str(library)).stdout)
    near_key = keys[0]["key"]
    result = run("--json", "--limit", "1", near_key, str(library))
    assert result.returncode == 0, result.stderr
    assert [row["key"] for row in json.loads(result.stdout)] == ["specter"]


def test_an_unknown_paper_is_one_clear_line_and_a_failing_exit(library: Path) -> None:
    result = run("no-such-paper", str(library))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"paperbrowse: error: no paper with the id, DOI or key 'no-such-paper' in {library}\n"
    )


def test_a_missing_file_is_one_clear_line(tmp_path: Path) -> None:
    result = run("specter", str(tmp_path / "missing.jsonl"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_escape_codes_in_titles_never_reach_the_terminal(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.jsonl"
    records = [
        {"id": "a", "title": "Graphs \x1b]0;pwned\x07 of [bold]words[/]", "year": "2020"},
        {"id": "b", "title": "Graphs of words\x1b[2J again", "year": "2021"},
    ]
    hostile.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = run("a", str(hostile))
    assert result.returncode == 0, result.stderr
    assert "Graphs of words again" in result.stdout and "[bold]words[/]" in result.stdout
    for stream in (result.stdout, result.stderr):
        assert not any(char in stream for char in "\x1b\x07\x9b"), stream


def test_the_paper_given_with_an_option_is_an_unknown_option_not_a_file(library: Path) -> None:
    # As "paperbrowse cite -k KEY" names one: -k was taken for the paper and the key
    # for a file ("-k: no such file; specter: no such file").
    result = run("-k", "specter", str(library))
    assert result.returncode == 2
    assert result.stdout == ""
    error = result.stderr.splitlines()[-1]
    assert error.startswith("paperbrowse related: error: unknown option -k")
    assert "name the paper by itself: paperbrowse related ID|KEY [PATH ...]" in error
    assert "no such file" not in result.stderr
