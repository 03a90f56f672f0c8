"""Reading files safely: every failure is one FormatError naming the file, never a traceback."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from paperbrowse.core.errors import FormatError, Problem
from paperbrowse.core.files import decode, read_bytes, read_text, walk


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FormatError) as caught:
        read_bytes(tmp_path / "nope.txt")
    assert str(caught.value) == f"{tmp_path / 'nope.txt'}: no such file"


def test_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(FormatError) as caught:
        read_bytes(tmp_path)
    assert str(caught.value) == f"{tmp_path}: is a folder, not a file"


def test_device_is_not_a_regular_file() -> None:
    with pytest.raises(FormatError) as caught:
        read_bytes(Path(os.devnull))
    assert "not a regular file" in str(caught.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("x")
    path.chmod(0)
    with pytest.raises(FormatError) as caught:
        read_bytes(path)
    assert "permission denied" in str(caught.value)


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"\x89PNG\x00\x00binary")
    with pytest.raises(FormatError) as caught:
        read_text(path)
    assert str(caught.value) == f"{path}: binary file (contains NUL bytes), not text"


@pytest.mark.parametrize(
    "data",
    [
        "Zoë 王\n".encode(),
        codecs.BOM_UTF8 + "Zoë 王\n".encode(),
        "Zoë 王\n".encode("utf-16"),
        codecs.BOM_UTF16_BE + "Zoë 王\n".encode("utf-16-be"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le", "utf16-be"],
)
def test_unicode_encodings_decode_silently(data: bytes) -> None:
    assert decode(data, "f.txt") == ("Zoë 王\n", [])


def test_windows_1252_with_a_warning_naming_the_first_bad_line() -> None:
    text, problems = decode(b"ok\nstill ok\nZo\xeb \x93quoted\x94\n\xe9 again\n", "f.txt")
    assert text == "ok\nstill ok\nZoë “quoted”\né again\n"
    assert problems == [Problem("f.txt", 3, "not valid UTF-8 (byte 0xeb); read as windows-1252")]


def test_bom_then_bad_bytes_drop_the_bom() -> None:
    text, problems = decode(codecs.BOM_UTF8 + b"Fali \xe9\n", "f.txt")
    assert text == "Fali é\n" and len(problems) == 1


def test_bytes_windows_1252_leaves_undefined_become_replacement_characters() -> None:
    text, problems = decode(b"a\x81b\n", "f.txt")
    assert text == "a\ufffdb\n" and problems[0].line == 1


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"% encoding: latin-1\nZo\xeb\n", "latin-1"),
        (b"% encoding: utf-16\nZo\xeb\n", "windows-1252"),
        (b"% encoding: no-such-codec\nZo\xeb\n", "windows-1252"),
        (b"% charset=utf-8\nZo\xeb\n", "windows-1252"),
    ],
)
def test_declared_encoding_only_when_it_reads_ascii_as_ascii(data: bytes, encoding: str) -> None:
    text, problems = decode(data, "f.txt")
    assert text.endswith("Zoë\n")
    assert problems[0].message.endswith(f"read as {encoding}")


def test_a_stray_byte_in_utf8_falls_back_for_that_byte_only() -> None:
    # A UTF-8 file with one byte pasted from a windows-1252 one: "Zoë" and "王" stay.
    data = "Zoë 王\nok\ncaf".encode() + b"\xe9 au lait\n"
    text, problems = decode(data, "f.bib")
    assert text == "Zoë 王\nok\ncafé au lait\n"
    assert problems == [
        Problem(
            "f.bib",
            3,
            "1 byte not valid UTF-8 (0xe9) on line 3; "
            "read as windows-1252 there, the rest as UTF-8",
        )
    ]


def test_stray_bytes_on_many_lines_are_one_warning_listing_the_first_lines() -> None:
    lines = ["Ünïcödé 王 line"] + [f"line {n}" for n in range(2, 20)]
    data = "\n".join(lines).encode()
    for number in (3, 5, 8, 9, 11, 12, 13):  # in windows-1252's curly quotes, 0x93 and 0x94
        quoted = f"\u201cline {number}\u201d".encode("cp1252")
        data = data.replace(f"line {number}".encode(), quoted)
    text, problems = decode(data, "f.bib")
    assert text.splitlines()[0] == "Ünïcödé 王 line"
    assert text.splitlines()[2] == "\u201cline 3\u201d"
    assert [str(problem) for problem in problems] == [
        "f.bib:3: 14 bytes not valid UTF-8 (0x93) on lines 3, 5, 8, 9, 11 and 2 more; "
        "read as windows-1252 there, the rest as UTF-8"
    ]


def test_a_stray_byte_falls_back_to_the_declared_encoding() -> None:
    # cp1251 (Cyrillic): 0xE9 is "й"; the UTF-8 "é" and "王" beside it stay.
    data = "% encoding: cp1251\ncafé 王 ".encode() + b"\xe9\n"
    text, problems = decode(data, "f.bib")
    assert text == "% encoding: cp1251\ncafé 王 й\n"
    assert problems[0].message.endswith("read as cp1251 there, the rest as UTF-8")


def test_a_split_multibyte_character_at_the_end_is_a_stray_byte() -> None:
    text, problems = decode("王王王 ok\n".encode() + b"\xe7\x8e", "f.txt")
    assert text == "王王王 ok\nçŽ" and problems[0].line == 2


def test_broken_utf16_is_a_format_error() -> None:
    with pytest.raises(FormatError):
        decode(codecs.BOM_UTF16_LE + b"A\x00\x00\xd8", "f.txt")


def test_walk_finds_known_suffixes_sorted_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in ("b/z.txt", "a.TXT", "c.pdf", ".hidden/x.txt", ".dot.txt"):
        (tmp_path / name).write_text("x")
    found, problems = walk(tmp_path, frozenset({".txt"}))
    assert found == [tmp_path / "a.TXT", tmp_path / "b" / "z.txt"]
    assert problems == []


def test_walk_reports_link_loops(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "p.txt").write_text("x")
    (tmp_path / "sub" / "loop").symlink_to(tmp_path)
    found, problems = walk(tmp_path, frozenset({".txt"}))
    assert found == [tmp_path / "sub" / "p.txt"]
    assert [p.message for p in problems] == ["folder link loop; skipped"]
