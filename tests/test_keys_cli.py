"""``paperbrowse keys``: the registry's table, rebound by config.json, and the README's copy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paperbrowse.app.actions import ACTIONS
from paperbrowse.app.config import config_path
from paperbrowse.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"


def write_config(text: str) -> None:
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text(text, encoding="utf-8")


def keys_output(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["keys", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_keys_lists_every_action_with_its_keys(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = keys_output(capsys)
    assert status == 0 and err == ""
    rows = {line.split()[0]: line for line in out.splitlines()[1:]}
    assert set(rows) >= {action.id for action in ACTIONS}
    assert rows["reload"].split()[1] == "ctrl+r"
    assert rows["cursor_down"].split()[1:3] == ["down", "j"]


def test_keys_json_shows_the_keys_in_effect(capsys: pytest.CaptureFixture[str]) -> None:
    write_config(json.dumps({"keymap": {"bookmark": "x", "cursor_down": "down,j,ctrl+n"}}))
    status, out, err = keys_output(capsys, "--json")
    assert status == 0 and err == ""
    by_id = {entry["id"]: entry for entry in json.loads(out)}
    assert by_id["bookmark"]["keys"] == ["x"]
    assert by_id["cursor_down"]["keys"] == ["down", "j", "ctrl+n"]
    assert by_id["help"]["keys"] == ["?"]
    assert len(by_id) == len(ACTIONS)


def test_a_bad_keymap_entry_is_one_stderr_line_and_the_rest_applies(
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_config(json.dumps({"keymap": {"bookmark": "ctrl+nope+x", "toggle_read": "x"}}))
    status, out, err = keys_output(capsys, "--json")
    lines = err.splitlines()
    assert len(lines) == 1, lines
    assert "'bookmark'" in lines[0] and "is not a key" in lines[0] and "keeps b" in lines[0]
    assert status == 1
    by_id = {entry["id"]: entry for entry in json.loads(out)}
    assert by_id["toggle_read"]["keys"] == ["x"]
    assert by_id["bookmark"]["keys"] == ["b"]


def test_shift_letters_and_named_keys_in_capitals_are_the_keys_a_terminal_sends(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A terminal sends shift+p as "P"; a binding on "shift+p" would never fire.
    write_config(json.dumps({"keymap": {"open_pdf": "shift+p", "reload": "F5,Ctrl+PageUp"}}))
    status, out, err = keys_output(capsys, "--json")
    assert status == 0 and err == ""
    by_id = {entry["id"]: entry for entry in json.loads(out)}
    assert by_id["open_pdf"]["keys"] == ["P"]
    assert by_id["reload"]["keys"] == ["f5", "ctrl+pageup"]


def test_a_damaged_config_is_one_stderr_line(capsys: pytest.CaptureFixture[str]) -> None:
    write_config("{not json")
    status, out, err = keys_output(capsys)
    assert status == 1
    assert len(err.splitlines()) == 1 and "not valid JSON" in err
    assert "bookmark" in out


def test_an_unknown_cite_form_is_one_stderr_line(capsys: pytest.CaptureFixture[str]) -> None:
    write_config(json.dumps({"cite_form": "bogus"}))
    status, _, err = keys_output(capsys)
    assert status == 1
    assert len(err.splitlines()) == 1 and '"cite_form" "bogus" is not one of' in err


def test_the_readme_key_table_is_paperbrowse_keys_markdown(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, table, _ = keys_output(capsys, "--markdown")
    assert table in README.read_text(encoding="utf-8")
