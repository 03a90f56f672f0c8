"""The plain-text fast paths give exactly what the full cleaning gives.

Profiles skip LaTeX conversion, space squashing and control-code stripping
for text that holds nothing those steps would change (issue 11: a
100k-paper profile took 50 s to open). Each shortcut is checked here against
the full path: on the seed, on real ACL Anthology papers in profile format,
and on generated text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from paperbrowse.core.formats import profile
from paperbrowse.core.formats.profile import parse_profile_text
from paperbrowse.core.text import clean as text
from paperbrowse.core.text import latex

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_0ff2dc3448c84053.txt"
AS_OF = dt.date(2025, 11, 24)
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Plain words, odd spaces, accents (composed and not), and every marker the
# fast path must refuse, so generated text lands on both sides of the check.
PIECES = st.sampled_from(
    [
        "model",
        "Müller",
        "e\u0301",
        "王",
        "GPT-4",
        "1.8%",
        "a&b",
        "#1",
        "x_i",
        "^2",
        "'s",
        '"q"',
        "(see",
        "Fig. 3)",
        ":",
        " ",
        " ",
        "  ",
        "\xa0",
        "\u2009",
        "\u200b",
        "\u3000",
        "\n",
        "\t",
        "\x1b[31m",
        "\x00",
        "\u202e",
        "\ufeff",
        "\\",
        "\\textit{x}",
        "{",
        "}",
        "$",
        "$x$",
        "~",
        "`",
        "``",
        "''",
        "--",
        "-",
        "'",
        "://",
        "https://a.io/x",
        "www.",
        "www.a.io",
        "\ue000",
        "\ue001",
        "\ue0000\ue001",
        "\\method",
        "Apr 9",
        "CLApr 10, 2025Code",
    ]
)
TEXT = st.one_of(st.lists(PIECES, max_size=40).map("".join), st.text(max_size=200))
PLAIN_PIECES = st.sampled_from(
    [
        "model",
        "Müller",
        "e\u0301",
        "王",
        "GPT-4",
        "1.8%",
        "a&b",
        "#1",
        "x_i",
        "^2",
        "'s",
        '"q"',
        "(see",
        "Fig. 3)",
        ":",
        " ",
        "é",
        "Å",
        "\u0301",
        "a\u0308",
        "ﬁ",
        "Ω",
        "½",
        "’",
        "–",
    ]
)
PLAIN_TEXT = st.lists(PLAIN_PIECES, max_size=40).map("".join)
SHORT_NAMES = st.none() | st.sampled_from(["InfuserKI", "X"])


# What text.py computed before its shortcuts, kept here as the reference.
_SPACES = re.compile(r"[ \u00a0\u2000-\u200b\u2028\u2029\u202f\u205f\u3000]+")


def reference_squash_spaces(value: str) -> str:
    return _SPACES.sub(" ", value.replace("\n", " ")).strip()


def reference_nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def reference_clean_line(value: str) -> str:
    return reference_nfc(reference_squash_spaces(text.strip_control(value)))


@PROPERTY
@given(TEXT, SHORT_NAMES)
def test_latex_to_text_equals_the_full_conversion(value: str, short_name: str | None) -> None:
    assert latex.latex_to_text(value, short_name) == latex.convert_latex(value, short_name)


@PROPERTY
@given(PLAIN_TEXT, SHORT_NAMES)
def test_text_the_fast_path_accepts_converts_as_the_full_path(
    value: str, short_name: str | None
) -> None:
    assert latex.is_plain(value)
    assert latex.latex_to_text(value, short_name) == latex.convert_latex(value, short_name)


@pytest.mark.parametrize(
    "value",
    [
        "a -- b",
        "``q''",
        "\\emph{x}",
        "{x}",
        "$x$",
        "~5",
        "`x'",
        "see https://a.io",
        "www.a.io",
        "a\x1b[1mb",
        "a\nb",
        "a\ue000b",
    ],
)
def test_text_with_anything_to_convert_is_not_plain(value: str) -> None:
    assert not latex.is_plain(value)


@PROPERTY
@given(TEXT)
def test_squash_clean_and_nfc_equal_their_reference(value: str) -> None:
    assert text.squash_spaces(value) == reference_squash_spaces(value)
    assert text.clean_line(value) == reference_clean_line(value)
    assert text.nfc(value) == reference_nfc(value)


def reference_split_authors(value: str) -> tuple[tuple[str, ...], bool]:
    """split_authors before its shortcuts: a regular-expression search and split every time."""
    value = reference_clean_line(value)
    et_al = bool(profile._ET_AL.search(value))
    if et_al:
        value = profile._ET_AL.sub("", value)
    names: list[str] = []
    for part in profile._AUTHOR_SEPARATOR.split(value):
        part = part.strip(" ,;")
        if names and profile._NAME_SUFFIX.match(part):
            names[-1] += f", {part}"
        elif part:
            names.append(part)
    return tuple(names), et_al


AUTHOR_PIECES = st.sampled_from(
    [
        "Ann Lee",
        "Bo",
        "Sandra Anand",
        "Jr.",
        "V.S.",
        "II",
        ",",
        ", ",
        " ,",
        ";",
        "; ",
        "&",
        " & ",
        " and ",
        ",and ",
        "and",
        " ",
        "  ",
        "\u1680",
        "\xa0",
        "\t",
        "et al.",
        "et al",
        "ET AL",
        "etal",
        " et. al",
        "and others",
        "and otherſ",
        "…",
        "...",
        ".",
        "l",
        "ſ",
        "s",
        "e\u0301",
        "\x1b[1m",
    ]
)


@PROPERTY
@given(st.lists(AUTHOR_PIECES, max_size=16).map("".join) | st.text(max_size=60))
@example("Ann Lee and otherſ")
@example("Ann Lee, Bo ET AL \u1680")
@example("Lee,and Bo; Sandra Anand & Li, Jr.")
def test_split_authors_equals_the_regular_expression_split(value: str) -> None:
    assert profile.split_authors(value) == reference_split_authors(value)


def test_what_the_et_al_shortcut_assumes_of_python() -> None:
    """re.I takes only "ſ" beyond the ASCII letters for "l" or "s"; \\s is str.isspace."""
    assert {c for c in map(chr, range(0x3000)) if re.fullmatch("[ls]", c, re.I)} == set("lLsSſ")
    assert all(c.isspace() == bool(re.fullmatch(r"\s", c)) for c in map(chr, range(0x3001)))


def _slow_parse(monkeypatch: pytest.MonkeyPatch, source: str) -> profile.ProfileResult:
    """The profile parsed with every shortcut off: full LaTeX path, reference cleaning."""
    with monkeypatch.context() as patch:
        patch.setattr(latex, "is_plain", lambda value: False)
        patch.setattr(profile, "is_plain", lambda value: False)
        patch.setattr(profile, "clean_line", reference_clean_line)
        patch.setattr(profile, "squash_spaces", reference_squash_spaces)
        patch.setattr(profile, "split_authors", reference_split_authors)
        return parse_profile_text(source, "p.txt", AS_OF)


def _assert_same_parse(monkeypatch: pytest.MonkeyPatch, source: str) -> None:
    fast = parse_profile_text(source, "p.txt", AS_OF)
    slow = _slow_parse(monkeypatch, source)
    assert fast.problems == slow.problems
    assert len(fast.profile.papers) == len(slow.profile.papers) > 0
    for quick, full in zip(fast.profile.papers, slow.profile.papers, strict=True):
        assert (quick.title, quick.abstract, quick.links) == (full.title, full.abstract, full.links)
        assert quick == full
    assert fast.profile == slow.profile


def test_seed_parses_the_same_with_and_without_shortcuts(monkeypatch: pytest.MonkeyPatch) -> None:
    _assert_same_parse(monkeypatch, SEED.read_text(encoding="utf-8"))


def test_real_papers_parse_the_same_with_and_without_shortcuts(
    monkeypatch: pytest.MonkeyPatch, corpus: Path
) -> None:
    """Every 40th ACL Anthology paper (about 1,800): any script, stray LaTeX, URLs."""
    parts = ["ACL Person\n\nCL\nh-index12\n\n"]
    with open(corpus / "acl-anthology-all-2021.jsonl", encoding="utf-8") as handle:
        for index, line in enumerate(handle):
            row = json.loads(line)
            if index % 40 or not row.get("title"):
                continue
            authors = ", ".join(row.get("authors") or ["Anonymous"])
            parts.append(f"CLJan 1, {row['year']}\n{row['title']}\n\n{authors}\n\n")
            if row.get("abstract"):
                parts.append(f"{' '.join(row['abstract'].split())}\n\n")
    _assert_same_parse(monkeypatch, "".join(parts))


def test_plain_records_never_reach_the_latex_conversion(monkeypatch: pytest.MonkeyPatch) -> None:
    converted: list[str] = []
    full = latex.convert_latex

    def counting(value: str, short_name: str | None = None) -> tuple[str, list[str]]:
        converted.append(value)
        return full(value, short_name)

    monkeypatch.setattr(latex, "convert_latex", counting)
    records = "".join(
        f"CLApr {day}, 2024\nPaper {day} on Müller’s parsing: 1.8% better\n\n"
        f"Ann Lee, Bo Li et al.\n\nWe study parsing (in 3 languages) & more; it's fine.\n\n"
        for day in range(1, 21)
    )
    result = parse_profile_text(f"Someone\n\nCL\nh-index3\n\n{records}", "p.txt", AS_OF)
    assert len(result.profile.papers) == 20
    assert converted == []
    latex_record = "CLApr 1, 2024\nT\n\nA B\n\nWe use \\textit{x} -- and y.\n"
    parse_profile_text(f"Someone\n\nCL\nh-index3\n\n{latex_record}", "p.txt", AS_OF)
    assert converted == ["We use \\textit{x} -- and y."]


def reference_convert_pieces(value: str, convert: Callable[[str], str]) -> str:
    """_convert_pieces as it was: a regex search per word, runs closed where they balance."""
    out: list[str] = []
    pending: list[str] = []
    depth = dollars = environments = 0
    for piece in re.split(r"(\s+)", value):
        blank = not piece or piece.isspace()
        if not pending and (blank or not latex._LATEX_HINT.search(piece)):
            out.append(piece)
            continue
        pending.append(piece)
        if blank:
            continue
        depth += len(latex._OPEN_BRACE.findall(piece)) - len(latex._CLOSE_BRACE.findall(piece))
        dollars += len(latex._DOLLAR.findall(piece))
        for kind in latex._ENVIRONMENT.findall(piece):
            environments += 1 if kind == "begin" else -1
        if depth <= 0 and dollars % 2 == 0 and environments <= 0:
            out.append(convert("".join(pending)))
            pending, depth, dollars, environments = [], 0, 0, 0
    if pending:
        out.append(convert("".join(pending)))
    return "".join(out)


@PROPERTY
@given(TEXT)
def test_latex_runs_are_the_ones_the_word_by_word_scan_finds(value: str) -> None:
    """Runs are marked, not converted, so the test sees exactly where each one starts and ends."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(latex, "_converted_run", lambda run: f"<{run}>")
        found = latex._convert_pieces(value)
    assert found == reference_convert_pieces(value, lambda run: f"<{run}>")
