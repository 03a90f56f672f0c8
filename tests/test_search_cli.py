"""``paperbrowse search`` as a user runs it: readable lines, JSON hits, clear errors."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import PAPER_JSON_KEYS


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "paperbrowse", "search", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_plain_output_ranks_the_typod_title_first() -> None:
    result = run("unlerning", "--as-of", "2025-11-24")
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith("  1. 2024-10-21") and "Catastrophic Failure of LLM Unlearning" in first
    assert "1 matching paper\n" in result.stdout


def test_json_hits_have_rank_score_and_the_paper_fields(seed_path: Path) -> None:
    result = run("graph", str(seed_path), "--json", "--limit", "3", "--as-of", "2025-11-24")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert [h["rank"] for h in hits] == [1, 2, 3]
    assert hits[0]["score"] >= hits[1]["score"] >= hits[2]["score"] > 0
    keys = PAPER_JSON_KEYS
    assert keys <= set(hits[0])
    assert all("graph" in h["title"].lower() for h in hits)


def test_filters_exclusions_and_limit_zero(seed_path: Path) -> None:
    result = run("--json", "--limit", "0", "--", "-survey has:code", str(seed_path))
    assert result.returncode == 0, result.stderr
    titles = [h["title"] for h in json.loads(result.stdout)]
    assert len(titles) == 2 and not any("Survey" in t for t in titles)


def test_no_match_says_so() -> None:
    result = run("zzzqqq")
    assert result.returncode == 0
    assert result.stdout == "no papers match 'zzzqqq'\n"
    assert json.loads(run("zzzqqq", "--json").stdout) == []


def test_unknown_filters_are_noted_not_fatal() -> None:
    result = run("has:wings graph")
    assert result.returncode == 0
    assert "note: has:wings" in result.stderr and "Graph" in result.stdout


def test_has_pdf_in_a_library_without_pdfs_says_why(seed_path: Path, tmp_path: Path) -> None:
    # As the app's empty list does; the command line printed "no papers match" alone.
    library = tmp_path / "seed.txt"
    shutil.copy(seed_path, library)  # (no PDF beside it)
    result = run("has:pdf", str(library), "--as-of", "2025-11-24")
    assert result.stdout == "no papers match 'has:pdf'\n"
    assert "note: has:pdf: no paper here has a PDF" in result.stderr
    assert "--pdf-dir DIR" in result.stderr


def test_missing_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run("graph", str(tmp_path / "nope.bib"))
    assert result.returncode == 2
    assert result.stderr.strip().startswith("paperbrowse: error:") and "nope.bib" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_limit_is_a_usage_error() -> None:
    result = run("graph", "--limit", "many")
    assert result.returncode == 2 and "not a number" in result.stderr


def test_json_under_an_ascii_locale_is_still_json(tmp_path: Path) -> None:
    import os

    library = tmp_path / "emoji.jsonl"
    title = "Party 🎉 “quoted” café"  # one character outside the BMP, two inside
    library.write_text(json.dumps({"title": title, "year": 2020}) + "\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "paperbrowse", "search", "party", str(library), "--json"],
        capture_output=True,
        timeout=60,
        env={**os.environ, "PYTHONIOENCODING": "ascii"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.isascii()
    assert [hit["title"] for hit in json.loads(result.stdout)] == [title]


def test_json_hits_carry_files_and_the_matching_passage_and_page(
    tmp_path: Path, corpus: Path
) -> None:
    specter = corpus / "pdf" / "acl-2020.acl-main.207.pdf"
    (tmp_path / "papers").mkdir()
    (tmp_path / "papers" / "specter.pdf").write_bytes(specter.read_bytes())
    bib = tmp_path / "lib.bib"
    bib.write_text(
        "@inproceedings{cohan2020, title={SPECTER: Document-level Representation Learning},"
        " year={2020}, file={:papers/specter.pdf:PDF}}\n"
        "@article{schroff2015, title={A Triplet Margin Loss for Faces}, year={2015}}\n",
        encoding="utf-8",
    )
    result = run("triplet margin loss", str(bib), "--json")
    assert result.returncode == 0, result.stderr
    title_hit, body_hit = json.loads(result.stdout)
    assert title_hit["key"] == "schroff2015" and title_hit["files"] == []
    assert "passage" not in title_hit
    assert body_hit["key"] == "cohan2020"
    assert body_hit["files"] == [str(tmp_path / "papers" / "specter.pdf")]
    assert body_hit["page"] == 3
    assert "following triplet margin loss function" in body_hit["passage"]
    plain = run("triplet margin loss", str(bib)).stdout
    assert "p. 3: …query paper (but" in plain  # whole words at its ends


class Terminal(io.StringIO):
    """What a terminal's stderr shows, kept as text."""

    def isatty(self) -> bool:
        return True


def test_extracting_new_pdfs_says_how_far_it_is_on_a_terminal_only(
    tmp_path: Path,
    corpus: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from paperbrowse.cli import main, search

    monkeypatch.setattr(search, "PROGRESS_DELAY", 0.0)  # however fast the machine
    (tmp_path / "papers").mkdir()
    entries = []
    for name in ("a", "b"):
        shutil.copy(
            corpus / "pdf" / "pysample-minimal-document.pdf", tmp_path / "papers" / f"{name}.pdf"
        )
        entries.append(
            f"@article{{{name}, title={{Paper {name}}}, year={{2020}},"
            f" file={{:papers/{name}.pdf:PDF}}}}\n"
        )
    bib = tmp_path / "lib.bib"
    bib.write_text("".join(entries), encoding="utf-8")

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    main(["search", "paper", str(bib)])
    shown = terminal.getvalue()
    assert "\rpaperbrowse: full text: 2 of 2 PDFs" in shown
    assert shown.endswith("\r") and shown.rstrip("\r ").endswith("PDFs")  # wiped at the end
    assert "2 matching papers" in capsys.readouterr().out

    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stderr", pipe)  # a pipe or a log: never
    (tmp_path / "papers" / "a.pdf").touch()
    main(["search", "paper", str(bib)])
    assert "full text" not in pipe.getvalue()


@pytest.mark.parametrize("command", ["export", "cite"])
def test_export_and_cite_say_the_query_s_notes_too(command: str) -> None:
    # A filter ignored or an ID no paper has was said by search alone: export and cite
    # then wrote, or refused, without saying why.
    result = subprocess.run(
        [sys.executable, "-m", "paperbrowse", command, "--query", "has:wings graph"]
        + (["--format", "json"] if command == "export" else []),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "note: has:wings" in result.stderr


@pytest.mark.parametrize("query", ["is:", "tag:", "-is:"])
def test_a_marks_filter_without_a_value_is_left_out_as_in_the_app(
    seed_path: Path, tmp_path: Path, query: str
) -> None:
    # Its key was searched as a word: "is:" found the papers saying "is".
    every = run("--json", "--data-dir", str(tmp_path), "--", "", str(seed_path))
    found = run("--json", "--data-dir", str(tmp_path), "--", query, str(seed_path))
    assert found.returncode == 0, found.stderr
    assert len(json.loads(found.stdout)) == len(json.loads(every.stdout)) > 0


@pytest.mark.parametrize(
    "args",
    [
        ("-survey", "SEED", "--json", "--limit", "0"),
        ("--json", "-survey", "SEED", "-n0"),
        ("--json", "--limit=0", "--", "-survey", "SEED"),
    ],
)
def test_a_query_starting_with_a_minus_is_a_query_not_an_option(
    seed_path: Path, args: tuple[str, ...]
) -> None:
    """The README's ``-survey`` (and ``-has:pdf``, which argparse read as ``-h``) need no
    ``--`` before them: every paper but the surveys, with or without it."""
    everything = json.loads(run("", str(seed_path), "--json", "--limit", "0").stdout)
    surveys = json.loads(run("survey", str(seed_path), "--json", "--limit", "0").stdout)
    result = run(*(str(seed_path) if arg == "SEED" else arg for arg in args))
    assert result.returncode == 0, result.stderr
    titles = {hit["title"] for hit in json.loads(result.stdout)}
    assert surveys and titles == {h["title"] for h in everything} - {h["title"] for h in surveys}


def test_an_export_s_query_may_start_with_a_minus(seed_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "no-surveys.bib"
    result = subprocess.run(
        [sys.executable, "-m", "paperbrowse", "export", str(seed_path), "-q", "-survey"]
        + ["-f", "bibtex", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    surveys = json.loads(run("survey", str(seed_path), "--json", "--limit", "0").stdout)
    written = out.read_text(encoding="utf-8")
    assert written.count("\n@") + written.startswith("@") == 15 - len(surveys)
    assert surveys and not any(hit["title"] in written for hit in surveys)


def test_an_arabic_word_typed_as_written_finds_a_pdf_that_gives_it_in_display_order(
    tmp_path: Path, corpus: Path
) -> None:
    # PDFium gives this real PDF's "حَبيبي" in the order it is drawn, right to left
    # ("يبيبَح"): the word as a user types it found nothing, its reverse the paper.
    (tmp_path / "habibi.pdf").write_bytes((corpus / "pdf" / "pysample-habibi.pdf").read_bytes())
    bib = tmp_path / "lib.bib"
    bib.write_text(
        "@misc{habibi, title={A one-word sample}, year={2020}, file={:habibi.pdf:PDF}}\n"
        "@misc{other, title={Another sample}, year={2020}}\n",
        encoding="utf-8",
    )
    for query in ("fulltext:حبيبي", "حبيبي", "حَبيبي"):
        result = run(query, str(bib), "--json")
        assert result.returncode == 0, result.stderr
        assert [hit["key"] for hit in json.loads(result.stdout)] == ["habibi"], query


def test_a_minus_word_like_a_short_option_with_its_value_is_still_a_query(
    seed_path: Path,
) -> None:
    # "-neural" read as -n with "eural" for a number: "not a number"
    everything = json.loads(run("", str(seed_path), "--json", "-n0").stdout)
    neural = json.loads(run("neural", str(seed_path), "--json", "-n0").stdout)
    result = run("-neural", str(seed_path), "--json", "-n0")
    assert result.returncode == 0, result.stderr
    titles = {hit["title"] for hit in json.loads(result.stdout)}
    assert neural and titles == {h["title"] for h in everything} - {h["title"] for h in neural}


def test_an_option_missing_its_value_does_not_take_the_next_flag(
    seed_path: Path, tmp_path: Path
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "paperbrowse", "export", str(seed_path), "-o", "--force"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "-o/--output: expected one argument" in result.stderr
    assert list(tmp_path.iterdir()) == []  # no file named "--force"
