"""The command line as a user runs it: exit statuses, JSON shape, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import PAPER_JSON_KEYS

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
    keys = PAPER_JSON_KEYS
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


# --- as a new user meets it: odd files, odd terminals --------------------------------------

SEED_AS_OF = "2025-11-24"


def parse_json(*args: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    result = run("parse", *args, "--json")
    return result, json.loads(result.stdout)


def test_inferred_year_follows_as_of(seed_path: Path) -> None:
    _, now = parse_json(str(seed_path), "--as-of", "2025-11-24")
    _, before = parse_json(str(seed_path), "--as-of", "2025-03-01")
    lora = [p for p in now["papers"] if p["title"].startswith("Can LoRA")][0]
    earlier = [p for p in before["papers"] if p["title"].startswith("Can LoRA")][0]
    assert (lora["date"], lora["year_inferred"]) == ("2025-04-09", True)
    assert (earlier["date"], earlier["year_inferred"]) == ("2024-04-09", True)
    assert lora["id"] == earlier["id"]


def test_json_is_exactly_the_issue_shape(seed_path: Path) -> None:
    result, data = parse_json(str(seed_path), "--as-of", SEED_AS_OF)
    assert result.stderr == ""
    assert {
        "name",
        "primary_category",
        "h_index",
        "paper_count",
        "citations",
        "novelty",
        "ai_score",
        "papers",
    } <= set(data)
    assert (data["novelty"], data["ai_score"]) == (45, 56)
    first = data["papers"][0]
    assert first["date"] == "2025-04-10" and first["category_name"] == "Computation and Language"
    assert first["links"] == [
        "https://huggingface.co/spaces/opencompass/Open_LMM_Reasoning_Leaderboard"
    ]


def test_crlf_and_bom_copy_gives_the_same_json(tmp_path: Path, seed_path: Path) -> None:
    copy = tmp_path / "windows.txt"
    copy.write_bytes(b"\xef\xbb\xbf" + seed_path.read_bytes().replace(b"\n", b"\r\n"))
    plain, expected = parse_json(str(seed_path), "--as-of", SEED_AS_OF)
    result, data = parse_json(str(copy), "--as-of", SEED_AS_OF)
    assert result.returncode == 0 and result.stderr == ""
    assert data == expected


def test_warnings_go_to_stderr_and_json_stays_clean(tmp_path: Path, seed_path: Path) -> None:
    text = seed_path.read_bytes().replace(b"Hardy Chen", b"H\xe4rdy Chen")
    lines = text.split(b"\n")
    path = tmp_path / "cut.txt"
    path.write_bytes(b"\n".join(lines[:20]))  # stops after the title of the second record
    result, data = parse_json(str(path), "--as-of", SEED_AS_OF)
    assert result.returncode == 1
    assert [p["authors"][0] for p in data["papers"]] == ["Härdy Chen"]
    assert result.stderr.splitlines() == [
        f"paperbrowse: warning: {path}:15: not valid UTF-8 (byte 0xe4); read as windows-1252",
        f"paperbrowse: warning: {path}:19: record cut short: no authors; skipped",
        f"paperbrowse: warning: {path}:10: the heading says 15 papers but 1 were read",
    ]


def test_escape_codes_never_reach_the_terminal(tmp_path: Path, seed_path: Path) -> None:
    text = seed_path.read_text(encoding="utf-8")
    text = text.replace("Fali Wang\n", "Fali \x1b]0;pwned\x07Wang\x1b[2J\n", 1)
    text = text.replace("Catastrophic", "\x1b[31mCatastrophic\x9b0m [bold]x[/bold]")
    path = tmp_path / "evil.txt"
    path.write_text(text, encoding="utf-8")
    for extra in ((), ("--json",)):
        result = run("parse", str(path), "--as-of", SEED_AS_OF, *extra)
        assert result.returncode == 0, result.stderr
        assert "\x1b" not in result.stdout and "\x9b" not in result.stdout
        assert "Fali Wang" in result.stdout
        assert "Catastrophic [bold]x[/bold] Failure" in result.stdout


def test_folder_of_profiles_and_empty_folder(tmp_path: Path, seed_path: Path) -> None:
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "a.txt").write_bytes(seed_path.read_bytes())
    result = run("parse", str(tmp_path / "profiles"), "--as-of", SEED_AS_OF)
    assert result.returncode == 0 and "15 papers read from" in result.stdout
    (tmp_path / "empty").mkdir()
    result = run("parse", str(tmp_path / "empty"))
    assert result.returncode == 2
    assert (
        result.stderr.strip() == f"paperbrowse: error: {tmp_path / 'empty'}: no paper files found"
    )


def test_binary_and_empty_files_are_one_line_errors(tmp_path: Path) -> None:
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    for path in (binary, empty):
        result = run("parse", str(path))
        assert result.returncode == 2
        assert len(result.stderr.splitlines()) == 1
        assert result.stderr.startswith(f"paperbrowse: error: {path}: ")
        assert result.stdout == ""


def test_output_encoding_without_unicode_is_escaped_not_a_crash(seed_path: Path) -> None:
    import os

    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    for extra in ((), ("--json",)):
        result = subprocess.run(
            [sys.executable, "-m", "paperbrowse", "parse", str(seed_path), *extra],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            encoding="utf-8",
        )
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
    data = json.loads(result.stdout)
    assert "“pseudo reasoning paths”" in data["papers"][0]["abstract"]


def test_summary_lists_every_paper_with_its_date_and_authors(seed_path: Path) -> None:
    result = run("parse", str(seed_path), "--as-of", SEED_AS_OF)
    out = result.stdout
    assert "h-index 25 · 546 citations · 15 papers · novelty 45% · AI score 56" in out
    assert "15 papers read from" in out
    assert "2025-04-09* DC" in out and "* year inferred" in out
    assert "Hardy Chen, Haoqin Tu, Fali Wang et al." in out
    assert out.count("\n20") == 15  # one dated line per paper


def test_a_bug_in_a_subcommand_is_one_line_not_a_traceback(
    seed_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    import paperbrowse.core.library as library

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("planted \x1b[31mbug")

    monkeypatch.setattr(library, "load", broken)
    monkeypatch.delenv("PAPERBROWSE_DEBUG", raising=False)
    assert main(["search", "graph", str(seed_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "internal error (RuntimeError: planted \\x1b[31mbug)" in err


# --- the app needs a terminal ------------------------------------------------------------

NEEDS_A_TERMINAL = (
    "paperbrowse needs a terminal; `paperbrowse search` and `parse` work in scripts\n"
)


def run_app_without_a_terminal(seed_path: Path, **streams: Any) -> subprocess.CompletedProcess[str]:
    # The timeout makes a hang (the app waiting for keys that never come) a failure.
    return subprocess.run(
        [sys.executable, "-m", "paperbrowse", str(seed_path)],
        capture_output=True,
        text=True,
        timeout=30,
        **streams,
    )


def test_the_app_with_no_input_says_it_needs_a_terminal(seed_path: Path) -> None:
    result = run_app_without_a_terminal(seed_path, stdin=subprocess.DEVNULL)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", NEEDS_A_TERMINAL)


def test_the_app_with_piped_input_says_it_needs_a_terminal(seed_path: Path) -> None:
    result = run_app_without_a_terminal(seed_path, input="\n")  # echo | paperbrowse
    assert (result.returncode, result.stdout, result.stderr) == (2, "", NEEDS_A_TERMINAL)


def test_the_app_with_output_to_a_file_says_it_needs_a_terminal(seed_path: Path) -> None:
    import os
    import pty

    keyboard, terminal = pty.openpty()  # keys from a terminal, the output captured
    try:
        result = run_app_without_a_terminal(seed_path, stdin=terminal)
    finally:
        os.close(keyboard)
        os.close(terminal)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", NEEDS_A_TERMINAL)


# --- output that cannot be written -----------------------------------------------------

OUTPUT_COMMANDS = [
    ["search", "graph"],
    ["export", "--format", "bibtex"],
    ["parse", "--json"],  # the seed's path is added
    ["notes"],
    ["--version"],
]


@pytest.mark.parametrize("command", OUTPUT_COMMANDS, ids=lambda c: " ".join(c))
def test_a_closed_stdout_is_one_clear_line(command: list[str], seed_path: Path) -> None:
    arguments = [*command, str(seed_path)] if command[0] == "parse" else command
    result = subprocess.run(
        ["sh", "-c", 'exec "$@" >&-', "sh", sys.executable, "-m", "paperbrowse", *arguments],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "paperbrowse: error: cannot write the results: standard output is closed\n"
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("command", OUTPUT_COMMANDS, ids=lambda c: " ".join(c))
def test_a_full_disk_is_one_clear_line(command: list[str], seed_path: Path) -> None:
    arguments = [*command, str(seed_path)] if command[0] == "parse" else command
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "paperbrowse", *arguments],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert result.stderr == (
        "paperbrowse: error: cannot write the results: No space left on device\n"
    )


def test_a_file_export_needs_no_stdout(tmp_path: Path) -> None:
    out = tmp_path / "out.bib"
    result = subprocess.run(
        [
            "sh",
            "-c",
            'exec "$@" >&-',
            "sh",
            sys.executable,
            "-m",
            "paperbrowse",
            "export",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("@")


def test_a_bug_that_also_breaks_the_shutdown_still_names_its_log(
    seed_path: Path, tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    # A layout bug raised again while Textual shut the app down: the app had written
    # crash.log, but the command line said only "internal error" and exited 2.
    import paperbrowse.cli.browse as browse
    from paperbrowse.app.app import PaperBrowseApp

    log = tmp_path / "crash.log"

    def crashed_twice(self: PaperBrowseApp) -> None:
        self.crash, self.crash_log = "IndexError: list index out of range", log
        raise IndexError("list index out of range")  # the shutdown's second time

    monkeypatch.setattr(browse, "_in_a_terminal", lambda: True)
    monkeypatch.setattr(PaperBrowseApp, "run", crashed_twice)
    assert main([str(seed_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "an internal error stopped the app (IndexError: list index out of range)" in err
    assert f"details in {log}" in err


def test_a_crash_after_an_upgrade_asks_for_a_restart_not_a_report(
    seed_path: Path, tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    import paperbrowse.cli.browse as browse
    from paperbrowse.app.app import PaperBrowseApp

    def crashed_after_an_upgrade(self: PaperBrowseApp) -> None:
        self.crash = "ImportError: cannot import name 'full_name'"
        self.crash_log, self.files_changed = tmp_path / "crash.log", True

    monkeypatch.setattr(browse, "_in_a_terminal", lambda: True)
    monkeypatch.setattr(PaperBrowseApp, "run", crashed_after_an_upgrade)
    assert main([str(seed_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "paperbrowse's files changed while it ran" in err and "start it again" in err
    assert "Please report it" not in err


def test_the_collector_is_off_while_the_app_starts_and_on_once_it_is_done(
    seed_path: Path, monkeypatch: Any
) -> None:
    """The app's launch runs without collector passes (35-38 ms of the bundled profile's
    launch, measured); the loader turns it back on, and so does the command once the app
    is done, whatever it did (an app run in another program's process)."""
    import gc

    import paperbrowse.cli.browse as browse
    from paperbrowse.app.app import PaperBrowseApp

    seen: list[bool] = []

    def run(self: PaperBrowseApp) -> int:
        seen.append(gc.isenabled())
        return 0

    monkeypatch.setattr(browse, "_in_a_terminal", lambda: True)
    monkeypatch.setattr(PaperBrowseApp, "run", run)
    assert main([str(seed_path)]) == 0
    assert seen == [False]
    assert gc.isenabled()


@pytest.mark.parametrize(
    "command",
    [
        ["cite", "-x", "SEED"],
        ["notes", "-x", "SEED"],
        ["people", "-x", "SEED"],
        ["export", "-f", "bibtex", "-x", "SEED"],
        ["fetch", "-k", "any", "-x", "SEED"],
        ["parse", "-x", "SEED"],
        ["related", "lora", "-x", "SEED"],
        ["search", "graph", "-x", "SEED"],
        ["add", "-x", "2004.07180"],
        ["keys", "-x"],
    ],
)
def test_an_unknown_option_is_said_to_be_one_not_read_as_a_file(
    command: list[str], seed_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # It was a path ("-x: no such file", the rest read without it) or an odd error.
    arguments = [str(seed_path) if word == "SEED" else word for word in command]
    assert main(arguments) == 2
    error = capsys.readouterr().err.splitlines()[-1]
    assert error.startswith(f"paperbrowse {command[0]}: error: unknown option -x")
    if command[0] not in ("add", "keys"):  # (they take no file)
        assert error.endswith("; a file whose name starts with '-' goes after --")


def test_a_file_named_like_an_option_is_read_after_the_double_dash(
    tmp_path: Path, seed_path: Path
) -> None:
    (tmp_path / "-x.txt").write_text(seed_path.read_text(encoding="utf-8"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "paperbrowse", "parse", "--json", "--", "-x.txt"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["papers"]) == 15
