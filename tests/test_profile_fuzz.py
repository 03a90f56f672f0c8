"""Property tests: whatever text comes in, the parser returns a profile or a FormatError.

Text from the web is arbitrary; no input may crash the parser, the LaTeX
converter or the decoder, and no control character may come out of them.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperbrowse.core.errors import FormatError
from paperbrowse.core.files import decode
from paperbrowse.core.formats.profile import ProfileResult, parse_profile_text
from paperbrowse.core.models import Profile
from paperbrowse.core.text.clean import clean_line
from paperbrowse.core.text.latex import latex_to_text

SEED_TEXT = (Path(__file__).resolve().parents[1] / "seeds" / "000_0ff2dc3448c84053.txt").read_text(
    encoding="utf-8"
)
SEED_LINES = SEED_TEXT.split("\n")
AS_OF = dt.date(2025, 11, 24)

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Characters that matter to the parser and to LaTeX, plus escapes and odd Unicode.
TRICKY = st.sampled_from(
    list("\\{}$%&#_^~`'\"-[]()<>:;,. \t\n\r0123456789aAzZ")
    + [
        "\x1b",
        "\x1b[31m",
        "\x1b]8;;x\x07",
        "\x9b",
        "\x00",
        "\ufeff",
        "\u202e",
        "é",
        "e\u0301",
        "王",
        "\u2028",
        "\xa0",
        "et al.",
        "Code",
        "Apr 9",
        "CL",
        "h-index",
        "papers",
        "https://",
        "\\textit{",
        "\\href{",
        "\\url{",
        "{\\method}",
        "$$",
        "``",
        "''",
        "--",
        "\\begin{x}",
    ]
)
TRICKY_TEXT = st.lists(TRICKY, max_size=60).map("".join)


# Invisible characters that can change how a terminal draws text: bidi marks and
# overrides, soft hyphen, word joiners, invisible operators, BOM, annotations.
INVISIBLE = frozenset(
    "\xad\u061c\u180e\u200e\u200f\ufeff"
    + "".join(
        chr(c)
        for c in [
            *range(0x202A, 0x202F),
            *range(0x2060, 0x2065),
            *range(0x2066, 0x2070),
            *range(0xFFF9, 0xFFFC),
        ]
    )
)


def _invisible(text: str) -> list[str]:
    """Control characters and invisible ones (joiners that scripts and emoji need may stay)."""
    return [ch for ch in text if unicodedata.category(ch) == "Cc" or ch in INVISIBLE]


def _parse_or_format_error(text: str) -> ProfileResult | None:
    try:
        result = parse_profile_text(text, "fuzz.txt", AS_OF)
    except FormatError as error:
        assert str(error).startswith("fuzz.txt")
        return None
    _assert_clean(result)
    return result


def _assert_clean(result: ProfileResult) -> None:
    profile = result.profile
    # The parser builds its models unvalidated: each value must be what validation makes,
    # of the same type too (an int where a float or a bool is wanted compares equal).
    validated = Profile.model_validate(profile.model_dump())
    assert validated == profile
    for built, checked in [
        (profile, validated),
        *zip(profile.papers, validated.papers, strict=True),
    ]:
        for name in type(built).model_fields:
            assert type(getattr(built, name)) is type(getattr(checked, name)), name
    texts = [profile.name, profile.primary_category or ""]
    for paper in profile.papers:
        texts += [paper.title, paper.abstract or "", paper.category or "", *paper.authors]
        texts += list(paper.links)
        assert paper.title
        assert paper.abstract is None or paper.abstract == paper.abstract.strip()
    for text in texts:
        assert not _invisible(text), (text, _invisible(text))
    for problem in result.problems:
        assert str(problem).startswith("fuzz.txt")


@FUZZ
@given(st.text())
def test_any_text_parses_or_is_a_format_error(text: str) -> None:
    _parse_or_format_error(text)


@FUZZ
@given(st.lists(st.one_of(TRICKY_TEXT, st.sampled_from(SEED_LINES)), max_size=40))
def test_lines_of_seed_and_junk_parse_or_are_a_format_error(lines: list[str]) -> None:
    _parse_or_format_error("\n".join(lines))


@st.composite
def mutated_seed(draw: st.DrawFn) -> str:
    """The seed with a few random cuts, insertions, duplications and swaps."""
    lines = list(SEED_LINES)
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["delete", "insert", "duplicate", "swap", "garble", "cut"]))
        at = draw(st.integers(0, len(lines) - 1))
        if kind == "delete":
            del lines[at]
        elif kind == "insert":
            lines.insert(at, draw(TRICKY_TEXT))
        elif kind == "duplicate":
            lines.insert(at, lines[at])
        elif kind == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif kind == "garble":
            line = lines[at]
            spot = draw(st.integers(0, len(line)))
            lines[at] = line[:spot] + draw(TRICKY_TEXT) + line[spot:]
        else:
            spot = draw(st.integers(0, len(lines[at])))
            lines = lines[:at] + [lines[at][:spot]]
        if len(lines) < 2:
            break
    return "\n".join(lines)


@FUZZ
@given(mutated_seed())
def test_mutated_seed_parses_or_is_a_format_error(text: str) -> None:
    result = _parse_or_format_error(text)
    if result is not None:
        assert len(result.profile.papers) <= text.count("\n")


@FUZZ
@given(st.one_of(st.text(), TRICKY_TEXT), st.one_of(st.none(), st.text(max_size=20)))
def test_latex_to_text_never_raises(text: str, short_name: str | None) -> None:
    converted, links = latex_to_text(text, short_name)
    assert isinstance(converted, str)
    assert "\x1b" not in converted and "\ue000" not in converted
    for link in links:
        assert link.startswith(("http://", "https://", "ftp://"))
        assert not any(ch.isspace() for ch in link)


@FUZZ
@given(st.one_of(st.text(), TRICKY_TEXT))
def test_clean_line_is_one_clean_line(text: str) -> None:
    line = clean_line(text)
    assert "\n" not in line and line == line.strip()
    assert not _invisible(line)


@FUZZ
@given(st.binary(max_size=300))
def test_any_bytes_decode_or_are_a_format_error(data: bytes) -> None:
    try:
        text, problems = decode(data, "fuzz.txt")
    except FormatError as error:
        assert str(error).startswith("fuzz.txt")
        return
    assert isinstance(text, str)
    for problem in problems:
        assert str(problem).startswith("fuzz.txt:")
