"""Profiles nobody here has seen: odd names, odd LaTeX, odd bytes, cut files, missing parts."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from paperbrowse.core.errors import FormatError
from paperbrowse.core.formats import read_file
from paperbrowse.core.formats.profile import ProfileResult, parse_profile_text
from paperbrowse.core.models import Paper, Profile

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_0ff2dc3448c84053.txt"
AS_OF = dt.date(2025, 11, 24)
HEADER = "Ada Lovelace\n\nCL\nh-index7\n3papers\n1,234citations\nNovelty45.5%\nAI Score56\n\n"


def record(
    head: str = "CLApr 10, 2025Code",
    title: str = "A Title",
    authors: str | None = "Ann One, Bob Two et al.",
    abstract: str | None = "An abstract.",
) -> str:
    parts = [f"{head}\n{title}\n"]
    if authors is not None:
        parts.append(f"\n{authors}\n")
    if abstract is not None:
        parts.append(f"\n{abstract}\n")
    return "".join(parts)


def profile(*records: str, header: str = HEADER, heading: bool = True) -> str:
    count = f"{len(records)} Papers\n\n" if heading else ""
    return header + count + "\n".join(records)


def parse(text: str, as_of: dt.date = AS_OF) -> ProfileResult:
    return parse_profile_text(text, "p.txt", as_of)


def only_paper(text: str) -> Paper:
    result = parse(text)
    assert len(result.profile.papers) == 1, result.problems
    return result.profile.papers[0]


def messages(result: ProfileResult) -> list[str]:
    return [str(problem) for problem in result.problems]


# --- names and authors -------------------------------------------------------------


def test_unicode_names_survive_exactly() -> None:
    names = "José Müller, 王小明, Zoë Åberg-Ø, Дмитрий Иванов, Nguyễn Văn An, O'Brien-Smith Jr."
    result = parse(profile(record(authors=names)).replace("Ada Lovelace", "Ærøskøbing Ñandú"))
    assert result.profile.name == "Ærøskøbing Ñandú"
    paper = result.profile.papers[0]
    assert paper.authors == (
        "José Müller",
        "王小明",
        "Zoë Åberg-Ø",
        "Дмитрий Иванов",
        "Nguyễn Văn An",
        "O'Brien-Smith Jr.",
    )
    assert not paper.et_al


def test_decomposed_accents_are_composed() -> None:
    paper = only_paper(profile(record(authors="Jose\u0301 Mu\u0308ller")))
    assert paper.authors == ("José Müller",)
    assert all(unicodedata.is_normalized("NFC", name) for name in paper.authors)


def test_single_author_without_et_al() -> None:
    paper = only_paper(profile(record(authors="Solo Author")))
    assert paper.authors == ("Solo Author",) and paper.et_al is False


@pytest.mark.parametrize(
    "line",
    [
        "Ann One, Bob Two et al.",
        "Ann One, Bob Two et al",
        "Ann One, Bob Two, et al.",
        "Ann One, Bob Two, and others",
        "Ann One, Bob Two …",
    ],
)
def test_et_al_spellings(line: str) -> None:
    paper = only_paper(profile(record(authors=line)))
    assert paper.authors == ("Ann One", "Bob Two") and paper.et_al


def test_suffixes_and_initials_after_a_comma_stay_with_their_name() -> None:
    paper = only_paper(profile(record(authors="John Smith, Jr., Laks Lakshmanan, V.S., Ann Lee")))
    assert paper.authors == ("John Smith, Jr.", "Laks Lakshmanan, V.S.", "Ann Lee")


def test_and_before_the_last_author() -> None:
    paper = only_paper(profile(record(authors="Ann One, Bob Two, and Cy Three")))
    assert paper.authors == ("Ann One", "Bob Two", "Cy Three")


# --- missing parts ---------------------------------------------------------------


def test_missing_abstract_is_none() -> None:
    result = parse(profile(record(abstract=None), record(title="Second")))
    first, second = result.profile.papers
    assert first.abstract is None and first.links == ()
    assert second.title == "Second" and second.abstract == "An abstract."
    assert result.problems == []


def test_every_paper_without_abstract() -> None:
    result = parse(profile(*(record(title=f"T{i}", abstract=None) for i in range(3))))
    assert [p.abstract for p in result.profile.papers] == [None, None, None]
    assert result.problems == []


def test_record_without_author_line_keeps_the_abstract() -> None:
    prose = "We study things. " * 10
    result = parse(profile(record(authors=None, abstract=prose.strip())))
    paper = result.profile.papers[0]
    assert paper.authors == () and paper.abstract == prose.strip()
    assert any("no author line" in m for m in messages(result))


@pytest.mark.parametrize(
    ("header", "check"),
    [
        ("CL\nh-index7\n\n", lambda p: p.name == "Unknown researcher" and p.h_index == 7),
        ("Ada Lovelace\n\nh-index7\n\n", lambda p: p.primary_category is None),
        ("Ada Lovelace\n\nCL\n\n", lambda p: p.h_index is None and p.citations is None),
        (
            "Ada Lovelace\nCL\nh-index7\nNovelty3%\n\n",
            lambda p: (p.paper_count, p.citations, p.ai_score, p.novelty) == (None, None, None, 3),
        ),
        ("", lambda p: p.name == "Unknown researcher" and p.h_index is None),
    ],
)
def test_profiles_with_missing_header_fields(header: str, check: Any) -> None:
    result = parse(profile(record(), header=header))
    assert len(result.profile.papers) == 1
    assert check(result.profile)
    assert result.problems == []


def test_negative_and_over_100_header_figures_each_get_one_line() -> None:
    header = "Ada Lovelace\n\nCL\nh-index-3\n4papers\nNovelty999%\nAI Score50\n\n"
    result = parse(profile(record(), header=header))
    assert messages(result) == [
        "p.txt:4: header figure 'h-index-3' is negative; left out",
        "p.txt:6: header figure 'Novelty999%' is over 100%; left out",
    ]
    shown = result.profile
    assert (shown.h_index, shown.novelty, shown.paper_count, shown.ai_score) == (None, None, 4, 50)
    assert len(shown.papers) == 1


def test_heading_missing_is_fine() -> None:
    result = parse(profile(record(), record(title="B"), heading=False))
    assert len(result.profile.papers) == 2 and result.problems == []
    assert result.profile.paper_count == 3


def test_heading_without_a_papers_figure_is_not_taken_for_one() -> None:
    header = "Ada Lovelace\n\nCL\nh-index7\n\n"
    result = parse(profile(record(), header=header))
    assert result.profile.paper_count is None and result.problems == []


def test_papers_figure_spaced_and_last_in_the_header() -> None:
    header = "Ada Lovelace\n\nCL\nh-index 7\n12 papers\n\n"
    result = parse(profile(record(), header=header, heading=False))
    assert result.profile.paper_count == 12 and result.profile.h_index == 7
    assert result.problems == []


def test_header_only_profile_warns_that_no_papers_were_found() -> None:
    result = parse(HEADER + "15 Papers\n")
    assert result.profile.h_index == 7 and result.profile.papers == ()
    assert messages(result) == ["p.txt:10: no paper records found after the header"]


# --- header numbers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "field", "value"),
    [
        ("1,234citations", "citations", 1234),
        ("12,345,678citations", "citations", 12345678),
        ("1 234citations", "citations", 1234),
        ("1.2kcitations", "citations", 1200),
        ("546 citations", "citations", 546),
        ("2,001papers", "paper_count", 2001),
        ("h-index 25", "h_index", 25),
        ("H-Index: 25", "h_index", 25),
        ("Novelty45.5%", "novelty", 45.5),
        ("Novelty 45 %", "novelty", 45),
        ("AI Score56.25", "ai_score", 56.25),
        ("AI Score: 56/100", "ai_score", 56),
        ("Novelty: 45 / 100", "novelty", 45),
    ],
)
def test_header_numbers(line: str, field: str, value: float) -> None:
    header = f"Ada Lovelace\n\nCL\n{line}\n\n"
    result = parse(profile(record(), header=header, heading=False))
    assert getattr(result.profile, field) == value
    assert result.problems == []


def test_header_of_the_seed_with_thousands_separators() -> None:
    result = parse(profile(record()))
    assert result.profile.citations == 1234 and result.profile.novelty == 45.5


def test_unknown_header_line_is_a_warning_naming_its_line() -> None:
    header = "Ada Lovelace\n\nCL\nh-index7\nAffiliation: Somewhere\n\n"
    result = parse(profile(record(), header=header))
    assert messages(result) == [
        "p.txt:5: unexpected line in the header 'Affiliation: Somewhere'; ignored"
    ]
    assert len(result.profile.papers) == 1


# --- categories and dates ------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "code", "name"),
    [
        ("LGMar 3, 2024", "LG", "Machine Learning"),
        ("cs.LGMar 3, 2024", "LG", "Machine Learning"),
        ("stat.MLMar 3, 2024", "stat.ML", "Machine Learning (Statistics)"),
        ("ROMar 3, 2024Code", "RO", "Robotics"),
        ("quant-phMar 3, 2024", "quant-ph", None),
        ("physics.soc-phMar 3, 2024", "physics.soc-ph", None),
        ("MAMay 3, 2024", "MA", "Multiagent Systems"),
        ("SESep 3, 2024", "SE", "Software Engineering"),
        ("Mar 3, 2024", None, None),
    ],
)
def test_categories(head: str, code: str | None, name: str | None) -> None:
    paper = only_paper(profile(record(head=head)))
    assert paper.category == code and paper.category_name == name
    assert paper.date is not None and paper.date.day == 3


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("cs.LG", "LG"),
        ("stat.ML", "stat.ML"),
        ("LG", "LG"),
        ("quant-ph", "quant-ph"),
        ("CL, LG", "CL"),
        ("CL LG AI", "CL"),
    ],
)
def test_primary_category_forms(line: str, code: str) -> None:
    header = f"Ada Lovelace\n\n{line}\nh-index7\n\n"
    result = parse(profile(record(), header=header))
    assert result.profile.primary_category == code
    assert result.problems == []


@pytest.mark.parametrize("name", ["LI NA", "WU YI", "Ada"])
def test_capital_names_are_not_categories(name: str) -> None:
    result = parse(profile(record(), header=f"{name}\n\nCL\nh-index7\n\n"))
    assert (result.profile.name, result.profile.primary_category) == (name, "CL")


@pytest.mark.parametrize(
    ("head", "date", "inferred", "code"),
    [
        ("CLSeptember 3, 2024", dt.date(2024, 9, 3), False, False),
        ("CLSept 3, 2024Code", dt.date(2024, 9, 3), False, True),
        ("CLJune 30, 2024 Code", dt.date(2024, 6, 30), False, True),
        ("CLJun 30, 2024code", dt.date(2024, 6, 30), False, True),
        ("CLJuly 4", dt.date(2025, 7, 4), True, False),
        ("CLDec 24", dt.date(2024, 12, 24), True, False),
        ("CLNov 24", dt.date(2025, 11, 24), True, False),
        ("CLNov 25Code", dt.date(2024, 11, 25), True, True),
        ("CLJan 5 2023", dt.date(2023, 1, 5), False, False),
        ("CLFeb 29, 2024", dt.date(2024, 2, 29), False, False),
    ],
)
def test_dates(head: str, date: dt.date, inferred: bool, code: bool) -> None:
    paper = only_paper(profile(record(head=head)))
    assert (paper.date, paper.year_inferred, paper.has_code) == (date, inferred, code)
    assert paper.date_precision == "day"


def test_feb_29_without_year_goes_back_to_a_leap_year() -> None:
    paper = parse(profile(record(head="CLFeb 29")), dt.date(2025, 3, 1)).profile.papers[0]
    assert paper.date == dt.date(2024, 2, 29) and paper.year_inferred


@pytest.mark.parametrize(
    ("head", "shown"),
    [
        ("CLFeb 30, 2024", "2024-02"),
        ("CLApr 31", "2025-04"),
        ("CLFeb 29, 2023Code", "2023-02"),
        ("CLJan 0, 2024", "2024-01"),
    ],
)
def test_invalid_day_keeps_the_paper_and_its_month(head: str, shown: str) -> None:
    result = parse(profile(record(head=head), record(title="Next")))
    paper = result.profile.papers[0]
    assert paper.title == "A Title" and paper.date_text() == shown
    assert paper.date_precision == "month"
    assert len(messages(result)) == 1
    assert messages(result)[0].startswith("p.txt:12: invalid date")
    assert "no such day" in messages(result)[0]


# --- titles and abstracts ------------------------------------------------------------


def test_title_with_colons_and_the_short_name_macro() -> None:
    paper = only_paper(
        profile(
            record(
                title="GraphX: Fast: Graphs at Scale",
                abstract=r"We present {\method}, and \method{} beats \method\ baselines; \method.",
            )
        )
    )
    assert paper.title == "GraphX: Fast: Graphs at Scale"
    assert paper.abstract == "We present GraphX, and GraphX beats GraphX baselines; GraphX."


def test_name_macro_without_short_name_is_its_bare_name() -> None:
    paper = only_paper(profile(record(title="No colon here", abstract=r"We propose {\ours}.")))
    assert paper.abstract == "We propose ours."


def test_two_author_macros_only_the_method_one_is_the_short_name() -> None:
    paper = only_paper(
        profile(
            record(
                title="Tiny: A Model",
                abstract=r"\method beats others on \dataset, \eg on \etal.",
            )
        )
    )
    assert paper.abstract == "Tiny beats others on dataset, e.g. on et al."


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (r"runs in $O(\sqrt{n})$ time", "runs in O(√(n)) time"),
        (r"as in \cite{smith2020} and \citep[p.~2]{a,b}", "as in [smith2020] and [a,b]"),
        (r"see Fig.~1 and Table~2", "see Fig. 1 and Table 2"),
        (r"about ~50% faster (~3x)", "about ~50% faster (~3x)"),
        (r"R&D, C# and my_var_name", "R&D, C# and my_var_name"),
        (
            r"gains 5% with \textit{less} data, 57 % overall",
            "gains 5% with less data, 57 % overall",
        ),
        (r"50\% \& 20\% \# \_", "50% & 20% # _"),
        (
            r"\textbf{bold} \emph{em} {\em em2} {\bf bf} \texttt{tt} \textsc{sc}",
            "bold em em2 bf tt sc",
        ),
        (r"unbalanced {brace and \textit{more words", "unbalanced brace and more words"),
        (r"closing } brace } twice", "closing brace twice"),
        (
            r"Schr\"odinger, G\"{o}del, \'Eric, \c{c}a, na\"ive",
            "Schrödinger, Gödel, Éric, ça, naïve",
        ),
        (r"``quoted'' and `single' and ``unclosed", "“quoted” and ‘single’ and “unclosed"),
        (r"A---B, 1--2", "A—B, 1–2"),
        (r"a \\ b", "a b"),
        (r"costs \$5", "costs $5"),
        (r"one $ only", "one $ only"),
        (r"$\alpha$-decay and $x_i^2$", "α-decay and x_i^2"),
        (r"\url{https://a.io/x_y%20z} works", "https://a.io/x_y%20z works"),
        (r"\href{https://a.io}{our site} works", "our site works"),
        (
            "[bold]not markup[/bold] [link=https://x.io]x[/link]",
            "[bold]not markup[/bold] [link=https://x.io]x[/link]",
        ),
        (r"\unknowncmd{kept text} here", "kept text here"),
        (r"\textcolor{red}{warm} \mbox{box} \underline{under}", "warm box under"),
        ("\\", ""),
        (r"}{", ""),
    ],
)
def test_abstract_latex(raw: str, clean: str) -> None:
    paper = only_paper(profile(record(title="No colon", abstract=raw)))
    assert paper.abstract == (clean or None)


@pytest.mark.parametrize(
    ("raw", "links"),
    [
        ("see https://a.io/x.", ["https://a.io/x"]),
        (
            "(https://a.io/x), https://b.io/y; https://c.io/z!",
            ["https://a.io/x", "https://b.io/y", "https://c.io/z"],
        ),
        (
            "https://en.wikipedia.org/wiki/Tree_(graph) here",
            ["https://en.wikipedia.org/wiki/Tree_(graph)"],
        ),
        (
            r"\href{https://a.io}{A} and \url{https://b.io}. Also https://c.io",
            ["https://a.io", "https://b.io", "https://c.io"],
        ),
        ("twice https://a.io and https://a.io.", ["https://a.io"]),
        ("at www.example.org/page, ok", ["https://www.example.org/page"]),
        (r"\href{javascript:alert(1)}{click}", []),
        ("“https://a.io/q?x=1&y=2”", ["https://a.io/q?x=1&y=2"]),
    ],
)
def test_links(raw: str, links: list[str]) -> None:
    paper = only_paper(profile(record(abstract=raw)))
    assert list(paper.links) == links


def test_urls_keep_latex_special_characters() -> None:
    raw = r"code at https://x.io/a_b~c/%7Ed#frag and \textit{more}"
    paper = only_paper(profile(record(abstract=raw)))
    assert paper.abstract == "code at https://x.io/a_b~c/%7Ed#frag and more"
    assert paper.links == ("https://x.io/a_b~c/%7Ed#frag",)


def test_latex_in_titles() -> None:
    paper = only_paper(profile(record(title=r"$\alpha$-Nets: 99\% of ``Everything''")))
    assert paper.title == "α-Nets: 99% of “Everything”"


# --- text is data: markup kept, control codes gone ---------------------------------------

ESCAPES = [
    "\x1b[31m",
    "\x1b[0m",
    "\x1b]0;evil title\x07",
    "\x1b]8;;https://evil.io\x1b\\",
    "\x9b31m",
    "\x9d0;t\x9c",
    "\x07",
    "\x08",
    "\x7f",
    "\u202e",
    "\x00",
]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list | tuple):
        return [s for item in value for s in _strings(item)]
    return []


def test_escape_codes_are_removed_from_every_text_field() -> None:
    dirty = "".join(ESCAPES)
    text = profile(
        record(
            head=f"CLApr 10, 2025Code{dirty}",
            title=f"Tit{dirty}le: [bold]x[/bold]",
            authors=f"Ann{dirty} One, [red]Bob[/red] Two",
            abstract=f"Abs{dirty}tract with \\textit{{it}} and https://a.io/{dirty}x.",
        ),
        header=HEADER.replace("Ada", f"A{dirty}da"),
    )
    result = parse(text)
    data = result.profile.to_json_dict()
    for value in _strings(data):
        assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in value), repr(value)
    assert data["name"] == "Ada Lovelace"
    paper = result.profile.papers[0]
    assert paper.title == "Title: [bold]x[/bold]"
    assert paper.authors == ("Ann One", "[red]Bob[/red] Two")
    assert paper.abstract == "Abstract with it and https://a.io/x."
    assert paper.has_code


def test_rich_markup_is_kept_literally() -> None:
    markup = "[bold red]Loud[/] [link=file:///etc/passwd]x[/link] [/]"
    result = parse(profile(record(title=markup, authors=markup, abstract=markup)))
    paper = result.profile.papers[0]
    assert paper.title == markup and paper.abstract == markup
    assert paper.authors == (markup,)


# --- line endings, BOM, encodings ---------------------------------------------------------


def _seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "transform",
    [
        lambda t: t.replace("\n", "\r\n"),
        lambda t: "\ufeff" + t,
        lambda t: "\ufeff" + t.replace("\n", "\r\n"),
        lambda t: t.replace("\n", "\r"),
        lambda t: t + "\n\n\n",
        lambda t: t.replace("\n", " \t\n"),
    ],
    ids=["crlf", "bom", "bom-crlf", "cr", "trailing-blank-lines", "trailing-spaces"],
)
def test_line_endings_and_bom_parse_exactly_as_lf(transform: Any) -> None:
    plain = parse(_seed_text())
    other = parse(transform(_seed_text()))
    assert other.profile == plain.profile
    assert other.problems == []


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
        lambda t: b"\xef\xbb\xbf" + t.replace("\n", "\r\n").encode("utf-8"),
        lambda t: t.encode("utf-16"),
    ],
    ids=["utf8", "utf8-bom", "utf8-bom-crlf", "utf16"],
)
def test_files_in_any_unicode_encoding_read_alike(tmp_path: Path, encode: Any) -> None:
    path = tmp_path / "p.txt"
    path.write_bytes(encode(_seed_text()))
    result = read_file(path, AS_OF)
    assert result.problems == []
    assert result.profile is not None
    assert result.profile == parse_profile_text(_seed_text(), str(path), AS_OF).profile


def test_windows_1252_bytes_are_read_with_a_warning_naming_the_line(tmp_path: Path) -> None:
    text = profile(record(authors="José Müller, Zoë Smith"))
    path = tmp_path / "latin.txt"
    path.write_bytes(text.encode("cp1252"))
    result = read_file(path, AS_OF)
    assert [str(p) for p in result.problems] == [
        f"{path}:15: not valid UTF-8 (byte 0xe9); read as windows-1252"
    ]
    assert result.papers[0].authors == ("José Müller", "Zoë Smith")


def test_bom_with_bad_bytes_does_not_leak_into_the_name(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_bytes(b"\xef\xbb\xbf" + profile(record(authors="Jos\xe9 X")).encode("latin-1"))
    result = read_file(path, AS_OF)
    assert result.profile is not None and result.profile.name == "Ada Lovelace"
    assert len(result.problems) == 1


# --- broken and cut files --------------------------------------------------------------


def test_broken_record_is_skipped_and_parsing_resumes() -> None:
    text = profile(
        record(title="First"),
        record(head="CL Apr 99 garbage", title="Broken"),
        record(title="Third"),
    )
    result = parse(text)
    assert [p.title for p in result.profile.papers] == ["First", "Third"]
    assert messages(result) == [
        "p.txt:19: expected a record header like 'CLApr 10, 2025Code' but found "
        "'CL Apr 99 garbage'; skipped to the next record",
        "p.txt:10: the heading says 3 papers but 2 were read",
    ]


def test_broken_header_where_the_abstract_would_be() -> None:
    text = profile(
        record(title="First", abstract=None), record(head="CLApr 1O, 2025"), record(title="Third")
    )
    result = parse(text)
    first, third = result.profile.papers
    assert first.title == "First" and first.abstract is None
    assert third.title == "Third"
    assert "p.txt:17: expected a record header" in messages(result)[0]


def test_heading_count_disagreeing_is_a_warning() -> None:
    text = HEADER + "5 Papers\n\n" + record() + "\n" + record(title="B")
    result = parse(text)
    assert len(result.profile.papers) == 2
    assert messages(result) == ["p.txt:10: the heading says 5 papers but 2 were read"]


def test_extra_lines_in_a_record_are_reported() -> None:
    text = profile(record(abstract="Line one.\n\nA second paragraph."), record(title="B"))
    result = parse(text)
    assert [p.abstract for p in result.profile.papers] == ["Line one.", "An abstract."]
    assert messages(result) == [
        "p.txt:19: expected a record header like 'CLApr 10, 2025Code' but found "
        "'A second paragraph.'; skipped to the next record"
    ]


def test_empty_title_skips_the_record_with_a_warning() -> None:
    text = profile(record(title="\x1b[0m"), record(title="B"))
    result = parse(text)
    assert [p.title for p in result.profile.papers] == ["B"]
    assert messages(result)[0] == "p.txt:13: record has an empty title; skipped"


def _seed_lines() -> list[str]:
    return _seed_text().split("\n")


@pytest.mark.parametrize("keep", range(len(SEED.read_text(encoding="utf-8").split("\n")) + 1))
def test_seed_cut_after_any_line(keep: int) -> None:
    lines = _seed_lines()
    text = "\n".join(lines[:keep])
    full = parse(_seed_text()).profile.papers
    try:
        result = parse_profile_text(text, "cut.txt", AS_OF)
    except FormatError as error:
        assert str(error).startswith("cut.txt")
        assert keep <= 3  # only the name and category left: not a profile yet
        return
    papers = result.profile.papers
    # Every complete record read so far is the same paper as in the whole file.
    for paper, whole in zip(papers, full, strict=False):
        assert (paper.id, paper.title, paper.authors, paper.date) == (
            whole.id,
            whole.title,
            whole.authors,
            whole.date,
        )
    assert len(papers) <= 15
    for problem in result.problems:
        assert str(problem).startswith("cut.txt")
    cut_short = [p for p in result.problems if "cut short" in p.message]
    for problem in cut_short:
        assert problem.line is not None
        assert lines[problem.line - 1].startswith(("CL", "SI", "LG", "AI", "DC", "CV"))
    if len(papers) < 15 and keep > 11:
        assert any(
            "heading says 15" in p.message or "no paper records" in p.message
            for p in result.problems
        )


def test_seed_cut_after_a_title_names_the_record_line() -> None:
    text = "\n".join(_seed_lines()[:20])  # the second record's header and title
    result = parse_profile_text(text, "cut.txt", AS_OF)
    assert [p.title for p in result.profile.papers] == [
        "SFT or RL? An Early Investigation into Training R1-Like Reasoning Large "
        "Vision-Language Models"
    ]
    assert messages(result) == [
        "cut.txt:19: record cut short: no authors; skipped",
        "cut.txt:10: the heading says 15 papers but 1 were read",
    ]


def test_title_only_record_inside_the_file_is_kept() -> None:
    text = profile(record(title="Lonely", authors=None, abstract=None), record(title="Next"))
    result = parse(text)
    assert [(p.title, p.authors) for p in result.profile.papers] == [
        ("Lonely", ()),
        ("Next", ("Ann One", "Bob Two")),
    ]
    assert messages(result) == [
        "p.txt:12: record has a title but no author line; kept without authors"
    ]


def test_seed_cut_at_any_character_never_crashes() -> None:
    text = _seed_text()
    # Every character of the header and the first record's head, then a sample of
    # the rest (each parse of a long prefix costs milliseconds).
    ends = [*range(0, 800), *range(800, 2300, 13), *range(2300, len(text), 211)]
    for end in ends:
        try:
            result = parse_profile_text(text[:end], "cut.txt", AS_OF)
        except FormatError as error:
            assert str(error).startswith("cut.txt: not a researcher profile")
            continue
        assert isinstance(result.profile, Profile)
        assert all(str(problem).startswith("cut.txt") for problem in result.problems)


# --- not profiles -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n",
        "just some notes\nnothing else\n",
        "Jan 5\n",
        "Jan 5\nBuy milk\n",
        "@article{x, title={T}}",
        '{"papers": []}',
        "\x00\x01\x02",
    ],
)
def test_text_that_is_not_a_profile_is_a_format_error(text: str) -> None:
    with pytest.raises(FormatError) as caught:
        parse_profile_text(text, "notes.txt", AS_OF)
    assert str(caught.value).startswith("notes.txt: not a researcher profile")


# --- size ---------------------------------------------------------------------------------


def test_large_profile() -> None:
    records = [
        record(
            head=f"LGJan {1 + i % 28}, {2000 + i % 25}",
            title=f"Paper number {i}",
            abstract=f"Abstract {i} with \\textit{{markup}} and 5% gain.",
        )
        for i in range(3000)
    ]
    header = HEADER.replace("3papers", "3,000papers").replace("1,234citations", "98,765citations")
    result = parse(profile(*records, header=header))
    assert result.problems == []
    assert len(result.profile.papers) == 3000
    assert result.profile.paper_count == 3000 and result.profile.citations == 98765
    assert result.profile.papers[-1].abstract == "Abstract 2999 with markup and 5% gain."
    assert len({p.id for p in result.profile.papers}) == 3000


def test_figures_too_large_for_a_number_are_left_out_and_the_papers_load() -> None:
    """400 digits overflow a float: that broke the whole file (OverflowError), not one line."""
    from paperbrowse.core.locations import bundled_profile

    lines = bundled_profile().read_text(encoding="utf-8").splitlines()
    lines[3] = "h-index" + "9" * 400
    heading = next(i for i, line in enumerate(lines) if line.strip() == "15 Papers")
    lines[heading] = "9" * 400 + " Papers"
    result = parse_profile_text("\n".join(lines), "big.txt", AS_OF)
    assert len(result.profile.papers) == 15
    assert result.profile.h_index is None and result.profile.citations == 546
    assert [p.line for p in result.problems] == [4, heading + 1]
    assert all("big.txt" in str(p) for p in result.problems)
