"""Files that once crashed an importer or lost data, kept as regression tests.

Each file in ``tests/fuzz_regressions/`` is one case a fuzz run or a hostile
test found (see the table for what went wrong before the fix). Every file
must load through ``library.load`` and the CLI with either the papers it
holds plus a one-line warning, or one clear error naming the file; never a
traceback.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from paperbrowse.cli import main
from paperbrowse.core.errors import FormatError
from paperbrowse.core.library import load

FOLDER = Path(__file__).parent / "fuzz_regressions"
AS_OF = dt.date(2025, 1, 1)

# file -> (titles that load, or None when the file is refused; text every message must hold,
# in order: the error, or the warnings). The comment says what happened before the fix.
EXPECTED: dict[str, tuple[list[str] | None, list[str]]] = {
    # RecursionError traceback from json.loads
    "deep-nesting.json": (None, ["not valid JSON (nested too deeply)"]),
    "deep-nesting-line.jsonl": (["Kept after a deep line"], [":2: not valid JSON (nested too"]),
    # ValueError "Exceeds the limit (4300 digits)" traceback from json.loads
    "huge-integer.json": (None, ["not valid JSON (a number too long)"]),
    "huge-integer-line.jsonl": (["Kept after a huge number"], [":1: not valid JSON (a number too"]),
    # OverflowError from datetime.date(2020, 5, 99999999999999999999): the whole file lost
    "csl-day-overflow.json": (["A day of twenty digits"], []),
    "bibtex-day-overflow.bib": (["A day of twenty digits", "The entry after it"], []),
    # ValueError (int of 5000 digits) from a month given as a long string of digits
    "bibtex-huge-month.bib": (["Month of five thousand digits", "The entry after it"], []),
    "csl-huge-month-string.json": (["Month as a long string"], []),
    "jsonl-huge-month-string.jsonl": (["Month as a long string"], []),
    # the citation key kept its escape codes and bidi override (shown in the app and exports)
    "bibtex-key-escape.bib": (["Escape codes in the key"], []),
    # a broken first line made the whole file "not valid JSON": every other line lost
    "jsonl-broken-first-line.jsonl": (["Second paper", "Third paper"], [":1: not valid JSON"]),
    "jsonl-broken-first-line.json": (["Second paper", "Third paper"], [":1: not valid JSON"]),
    # the item's id was put in the warning raw: a newline and escape codes on the terminal
    "csl-id-control-characters.json": (["Fine item"], ["item 1 (evil line two): item has no"]),
    # "\ud800" decoded to a lone surrogate: `paperbrowse search` died with UnicodeEncodeError
    "lone-surrogate.jsonl": (["Half a pair \ufffd here", "Emoji pair \U0001f600 kept"], []),
    "lone-surrogate-csl.json": (["Lone \ufffd in CSL"], []),
    # any string in "links" became a link: escape codes, javascript:
    "jsonl-links-not-web.jsonl": (["Links of every kind"], []),
    # the citation key from citationStyles kept an escape code; a javascript: PDF link was kept
    "s2-citekey-control.json": (["Semantic Scholar paper"], []),
    # \url{javascript:...} in a BibTeX abstract became one of the paper's links
    "bibtex-javascript-url.bib": (["Links in an abstract"], []),
    # a declared "encoding: unicode_escape" was obeyed: backslashes eaten, so \'e lost its accent
    "declared-unicode-escape.bib": (
        ["Café au lait été"],
        [":2: not valid UTF-8 (byte 0xe9); read as windows-1252"],
    ),
    # a title given as an object or true became the paper "{'nested': 'object'}" or "True"
    "titles-of-wrong-type.jsonl": (
        ["Title as a list", "1984", "A real title"],
        [
            ":1: title is an object, not text",
            ":3: title is true, not text",
            ":4: record has no title",
        ],
    ),
    # MemoryError from forty doubling @string macros ("billion laughs"), and with it every
    # other file opened beside it was lost
    "bibtex-billion-laughs.bib": (
        ["Billion laughs a40", "The entry after it"],
        [
            ":22: @string 'a20' would expand past 1 MB; left unexpanded",
            ":43: @article 'laughs' field 'title' uses @string 'a40', which would expand past 1 MB",
        ],
    ),
    # empty files and files without entries loaded as 0 papers with no word said
    "empty.bib": (None, ["empty file"]),
    "blank-lines.jsonl": (None, ["empty file"]),
    "no-entries.bib": (None, ["no papers found (read as BibTeX)"]),
}
CASES = sorted(path.name for path in FOLDER.iterdir())


def test_every_regression_file_has_an_expectation() -> None:
    assert sorted(EXPECTED) == CASES


def _one_clean_line(message: str, path: Path) -> None:
    assert message.startswith(str(path)), message
    assert message.isprintable(), repr(message)


@pytest.mark.parametrize("name", CASES)
def test_regression_file_loads_or_is_one_clear_error(name: str) -> None:
    path = FOLDER / name
    titles, messages = EXPECTED[name]
    if titles is None:
        with pytest.raises(FormatError) as caught:
            load(path, as_of=AS_OF)
        _one_clean_line(str(caught.value), path)
        assert messages[0] in str(caught.value)
        return
    library = load(path, as_of=AS_OF)
    assert [paper.title for paper in library.papers] == titles
    problems = [str(problem) for problem in library.problems]
    assert len(problems) == len(messages), problems
    for problem, expected in zip(problems, messages, strict=True):
        _one_clean_line(problem, path)
        assert expected in problem
    for paper in library.papers:
        texts = [paper.title, *paper.authors, paper.abstract or "", paper.citekey or ""]
        assert all(text.isprintable() or "\n" in text for text in texts), texts
        assert all(link.startswith(("http://", "https://")) for link in paper.links)


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("command", ["parse", "search"])
def test_regression_file_through_the_cli(
    name: str, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = FOLDER / name
    arguments = [command, str(path)] if command == "parse" else [command, "a", str(path)]
    status = main(arguments)
    out, err = capsys.readouterr()
    titles, messages = EXPECTED[name]
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == (1 if titles is None else len(messages)), lines
    for line in lines:
        assert line.startswith("paperbrowse: ") and line.isprintable(), line
    if titles is None:
        assert status == 2 and out == ""
    else:
        assert status == (1 if messages else 0)
    out.encode("utf-8")  # no lone surrogate reaches the output


def test_the_links_kept_are_the_web_ones() -> None:
    library = load(FOLDER / "jsonl-links-not-web.jsonl", as_of=AS_OF)
    assert library.papers[0].links == ("https://example.org/a", "https://example.org/b")
    bib = load(FOLDER / "bibtex-javascript-url.bib", as_of=AS_OF).papers[0]
    assert bib.links == ("https://example.org/real",)
    s2 = load(FOLDER / "s2-citekey-control.json", as_of=AS_OF).papers[0]
    assert (s2.citekey, s2.links) == ("key", ())


def test_a_month_out_of_range_keeps_the_year() -> None:
    for name in ("csl-huge-month-string.json", "jsonl-huge-month-string.jsonl"):
        paper = load(FOLDER / name, as_of=AS_OF).papers[0]
        assert paper.date_text() in ("2021", "2019"), name
    paper = load(FOLDER / "bibtex-key-escape.bib", as_of=AS_OF).papers[0]
    assert paper.citekey == "keyred"


def test_a_day_out_of_range_keeps_year_and_month() -> None:
    for name in ("csl-day-overflow.json", "bibtex-day-overflow.bib"):
        paper = load(FOLDER / name, as_of=AS_OF).papers[0]
        assert paper.date_text() == "2020-05", name


def test_a_file_beside_the_billion_laughs_still_loads() -> None:
    good = Path(__file__).resolve().parents[1] / "data" / "sample-library.bib"
    library = load(FOLDER / "bibtex-billion-laughs.bib", good, as_of=AS_OF)
    assert len(library.sources) == 2
    assert len(library.papers) == 2 + len(load(good, as_of=AS_OF).papers)
