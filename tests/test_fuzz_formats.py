"""Fuzzing every importer: random and mutated real files never crash a load.

Whatever the bytes, ``library.load`` and the per-format readers either give
papers (with one-line warnings naming the file) or raise the project's own
FormatError naming the file. Papers that come out have a title, no terminal
control in their text, and only web links. Example counts are kept small so
each test runs in a few seconds; a case that fails goes to
``tests/fuzz_regressions/`` (see test_fuzz_regressions.py).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperbrowse.core.errors import FormatError
from paperbrowse.core.formats import ImportResult, read_file
from paperbrowse.core.formats.csljson import parse_csl_items
from paperbrowse.core.formats.jsonl import parse_json, parse_jsonl
from paperbrowse.core.library import Library, load

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2025, 11, 24)
FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)
SUFFIXES = [".json", ".jsonl", ".bib", ".txt", ".ndjson", ".dat"]


# --- what every outcome must look like ---------------------------------------------


def _clean(text: str, bad: tuple[str, ...] = ("Cc", "Cs")) -> bool:
    """No control characters (the newlines between paragraphs aside), no lone surrogates.

    Unassigned code points may stay: they are not terminal control.
    """
    return not any(unicodedata.category(ch) in bad for ch in text.replace("\n", ""))


def check_result(result: ImportResult | Library, file: str, from_text: bool = True) -> None:
    """Warnings name the file; papers have a title and clean text, and web links only.

    A lone surrogate can only come from a ``\\ud800`` escape in JSON text, which the
    reader repairs; Python objects handed in directly (``from_text=False``) keep theirs.
    """
    bad = ("Cc", "Cs") if from_text else ("Cc",)
    for problem in result.problems:
        message = str(problem)
        assert message.startswith(file) or problem.file.startswith(file), message
        assert message.isprintable(), repr(message)
    for paper in result.papers:
        assert paper.title and _clean(paper.title, bad) and "\n" not in paper.title, paper.title
        texts = [
            *paper.authors,
            paper.abstract or "",
            paper.venue or "",
            paper.citekey or "",
            paper.doi or "",
            paper.url or "",
        ]
        assert all(_clean(text, bad) for text in texts), texts
        assert all(link.startswith(("http://", "https://", "ftp://")) for link in paper.links)


def load_or_error(path: Path) -> Library | None:
    """``library.load``; a FormatError is fine when it is one clean line naming the file."""
    try:
        library = load(path, as_of=AS_OF)
    except FormatError as error:
        assert str(error).startswith(str(path)) and str(error).isprintable(), str(error)
        return None
    check_result(library, str(path))
    return library


def read_or_error(
    text: str, reader: Callable[[str, str], ImportResult], file: str
) -> ImportResult | None:
    try:
        result = reader(text, file)
    except FormatError as error:
        assert str(error).startswith(file) and str(error).isprintable(), str(error)
        return None
    check_result(result, file)
    return result


# --- values of every JSON type in every field ---------------------------------------

NASTY_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\x1b[31mred",
        "\x1b]0;title\x07",
        "\ud800",
        "a\udc00b",
        "\u202eevil",
        "[bold]x[/]",
        "javascript:alert(1)",
        "https://example.org/x",
        "2020-02-30",
        "2020-13",
        "0",
        "-5",
        "99999999999999999999",
        "\\input{/etc/passwd}",
        "{\\'e}",
        "$x$",
        "\n\n",
        "\ufeff",
        "王",
    ]
)
SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(10**18, 10**60),
    st.floats(),
    st.text(max_size=12),
    NASTY_TEXT,
)
CSL_KEYS = [
    "id",
    "type",
    "title",
    "author",
    "editor",
    "issued",
    "date-parts",
    "raw",
    "literal",
    "family",
    "given",
    "suffix",
    "DOI",
    "URL",
    "container-title",
    "abstract",
    "citation-key",
    "publisher",
    "event",
]
OWN_KEYS = [
    "id",
    "title",
    "authors",
    "et_al",
    "category",
    "date",
    "date_precision",
    "year",
    "month",
    "abstract",
    "links",
    "venue",
    "doi",
    "url",
    "citekey",
    "entry_type",
    "has_code",
    "year_inferred",
    "title_kept",
    "editors",
    "literal_names",
    "family_names",
    "volume",
    "issue",
    "pages",
    "publisher",
    "publisher_place",
    "files",
]
S2_KEYS = [
    "paperId",
    "title",
    "authors",
    "name",
    "year",
    "publicationDate",
    "externalIds",
    "DOI",
    "openAccessPdf",
    "url",
    "journal",
    "publicationVenue",
    "venue",
    "citationStyles",
    "bibtex",
    "publicationTypes",
    "references",
    "citations",
    "citingPaper",
    "abstract",
]


def json_values(keys: list[str]) -> st.SearchStrategy[Any]:
    return st.recursive(
        SCALAR,
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(keys), inner, max_size=4)
        ),
        max_leaves=12,
    )


def records(base: dict[str, Any], keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """A record with a good start whose fields are then overwritten with anything."""
    changes = st.dictionaries(st.sampled_from(keys), json_values(keys), max_size=5)
    return changes.map(lambda extra: {**base, **extra})


DATE_PARTS = st.lists(st.lists(SCALAR, max_size=4), max_size=3)
CSL_ITEMS = st.one_of(
    records({"type": "article-journal", "title": "T", "author": [{"family": "F"}]}, CSL_KEYS),
    DATE_PARTS.map(
        lambda parts: {"type": "book", "title": "Dated", "issued": {"date-parts": parts}}
    ),
    json_values(CSL_KEYS),
)


def dumps(value: Any) -> str | None:
    try:
        return json.dumps(value)
    except (ValueError, OverflowError):
        return None


@FUZZ
@given(items=st.lists(CSL_ITEMS, min_size=1, max_size=4))
def test_csl_json_with_anything_in_any_field(items: list[Any], tmp_path: Path) -> None:
    check_result(parse_csl_items(items, "fuzz.json"), "fuzz.json", from_text=False)
    text = dumps(items)
    if text is not None:
        read_or_error(text, parse_json, "fuzz.json")
        path = tmp_path / "fuzz.json"
        path.write_text(text, encoding="utf-8")
        load_or_error(path)


def deep(depth: int) -> str:
    return "[" * depth + "]" * depth


RAW_LINES = st.one_of(
    NASTY_TEXT,
    st.text(max_size=30),
    st.integers(900, 5000).map(deep),
    st.integers(4300, 6000).map(lambda digits: '{"title": "t", "year": 1' + "0" * digits + "}"),
    st.sampled_from(['{"title": "cut', "[1, 2]", "null", '"just a string"', "{}", "{", "}"]),
)
JSONL_RECORDS = st.one_of(
    records({"title": "T", "authors": ["A B"], "year": 2020}, OWN_KEYS),
    records({"type": "book", "title": "CSL line"}, CSL_KEYS),
)


@FUZZ
@given(
    lines=st.lists(st.one_of(JSONL_RECORDS.map(dumps), RAW_LINES), min_size=1, max_size=8),
    suffix=st.sampled_from([".jsonl", ".json", ".ndjson"]),
)
def test_json_lines_with_anything_on_any_line(
    lines: list[str | None], suffix: str, tmp_path: Path
) -> None:
    text = "\n".join(line for line in lines if line is not None)
    read_or_error(text, parse_jsonl, "fuzz.jsonl")
    path = tmp_path / f"fuzz{suffix}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    library = load_or_error(path)
    good = sum(1 for line in lines if line and line.startswith('{"title": "T"'))
    if library is not None and suffix != ".json":
        # A line with a string title is a paper whatever its other fields hold.
        assert len(library.papers) >= min(good, 1)


DOCUMENTS = st.one_of(
    records(
        {"name": "Ada", "h_index": 3, "papers": [{"title": "Own"}]},
        [*OWN_KEYS, "name", "papers", "h_index", "citations", "novelty"],
    ),
    records({"paperId": "p", "title": "S2 paper", "authors": [{"name": "A"}]}, S2_KEYS),
    records(
        {"authorId": "1", "name": "Author", "papers": [{"paperId": "q", "title": "S2"}]},
        [*S2_KEYS, "authorId", "papers", "hIndex", "paperCount"],
    ),
    st.lists(records({"paperId": "p", "title": "Search hit"}, S2_KEYS), max_size=3).map(
        lambda data: {"total": len(data), "data": data}
    ),
    json_values([*OWN_KEYS, *S2_KEYS, "papers", "data", "items"]),
)


@FUZZ
@given(document=DOCUMENTS)
def test_own_json_and_semantic_scholar_with_anything_in_any_field(
    document: Any, tmp_path: Path
) -> None:
    text = dumps(document)
    if text is None:
        return
    read_or_error(text, parse_json, "fuzz.json")
    path = tmp_path / "fuzz.json"
    path.write_text(text, encoding="utf-8")
    load_or_error(path)


BIB_FIELDS = [
    "title",
    "subtitle",
    "author",
    "editor",
    "year",
    "month",
    "day",
    "date",
    "doi",
    "url",
    "eprint",
    "archiveprefix",
    "crossref",
    "journal",
    "booktitle",
    "abstract",
    "primaryclass",
    "note",
    "howpublished",
    "publisher",
]
BIB_VALUES = st.one_of(
    NASTY_TEXT.filter(lambda text: "\ud800" not in text and "\udc00" not in text),
    st.text(max_size=20).filter(lambda text: text.encode("utf-8", "ignore").decode() == text),
    st.sampled_from(
        [
            "1" * 5000,
            "99999999999999999999",
            "{",
            "}",
            "\\",
            "jan",
            "13",
            "-1",
            "2020-99-99",
            "\\url{javascript:alert(1)}",
            "\\href{http://a.io}{b}",
            "{\\input{/etc/passwd}}",
            "doe2019",
            "others",
            "a and and b",
        ]
    ),
)
BIB_ENTRY = st.tuples(
    st.text(max_size=12),
    st.dictionaries(st.sampled_from(BIB_FIELDS), BIB_VALUES, max_size=6),
    st.sampled_from(["{%s}", '"%s"', "%s"]),
)


def bib_entry(key: str, fields: dict[str, str], quoting: str) -> str:
    body = ",\n".join(f"  {name} = {quoting % value}" for name, value in fields.items())
    return f"@article{{{key},\n  title = {{Kept}},\n{body}}}\n"


@FUZZ
@given(entries=st.lists(BIB_ENTRY, min_size=1, max_size=4))
def test_bibtex_with_anything_in_any_field(
    entries: list[tuple[str, dict[str, str], str]], tmp_path: Path
) -> None:
    text = "\n".join(bib_entry(*entry) for entry in entries)
    path = tmp_path / "fuzz.bib"
    path.write_text(text, encoding="utf-8")
    load_or_error(path)


# --- mutated real files -------------------------------------------------------------


def _sample_jsonl() -> bytes:
    papers = read_file(ROOT / "data" / "sample-library.bib", AS_OF).papers
    return "".join(json.dumps(p.to_json_dict()) + "\n" for p in papers).encode("utf-8")


_S2 = {
    "paperId": "2d5673ca",
    "externalIds": {"DOI": "10.1093/MIND/LIX.236.433"},
    "title": "Computing Machinery and Intelligence",
    "year": 1950,
    "publicationDate": None,
    "authors": [{"authorId": "2262347", "name": "A. Turing"}],
    "openAccessPdf": {"url": "https://example.org/turing.pdf"},
    "citationStyles": {"bibtex": "@Article{Turing1950,\n title={Computing}}"},
    "references": [{"paperId": "r1", "title": "A reference", "venue": "Mind"}],
}
REAL_FILES: dict[str, bytes] = {
    ".json": (ROOT / "data" / "sample-zotero.json").read_bytes(),
    ".bib": (ROOT / "data" / "sample-library.bib").read_bytes(),
    ".txt": (ROOT / "seeds" / "000_0ff2dc3448c84053.txt").read_bytes()[:8000],
    ".jsonl": _sample_jsonl(),
    ".s2.json": json.dumps(_S2, indent=1).encode("utf-8"),
}
_CORPUS_BIB = ROOT.parent / "shared" / "corpus" / "bib" / "acl-anthology_P19-1007.bib"
if _CORPUS_BIB.is_file():
    REAL_FILES[".acl.bib"] = _CORPUS_BIB.read_bytes()
INSERTS = [
    b"{",
    b"}",
    b"[",
    b"]",
    b'"',
    b",",
    b":",
    b"\\",
    b"@",
    b"=",
    b"#",
    b"%",
    b"\x00",
    b"\xff",
    b"\xc3",
    b"\n",
    b"null",
    b"true",
    b"-1",
    b"1e999",
    b"99999999999999999999",
    b"\\u0000",
    b"\\ud800",
    b"\x1b[31m",
    b"\r\n",
    b"\xef\xbb\xbf",
    b"[" * 1200,
    b"1" + b"0" * 4400,
]


@st.composite
def mutated_real_file(draw: st.DrawFn) -> tuple[bytes, str]:
    """A real file with a few cuts, byte flips, insertions and duplicated, lost or swapped lines."""
    kind = draw(st.sampled_from(sorted(REAL_FILES)))
    data = bytearray(REAL_FILES[kind])
    for _ in range(draw(st.integers(1, 6))):
        if len(data) < 2:
            break
        change = draw(st.sampled_from(["cut", "flip", "insert", "duplicate", "delete", "swap"]))
        at = draw(st.integers(0, len(data) - 1))
        if change == "cut":
            del data[at:]
        elif change == "flip":
            data[at] = draw(st.integers(0, 255))
        elif change == "insert":
            data[at:at] = draw(st.sampled_from(INSERTS))
        else:
            lines = bytes(data).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if change == "duplicate":
                lines.insert(i, lines[i])
            elif change == "delete":
                del lines[i]
            else:
                lines[i], lines[j] = lines[j], lines[i]
            data = bytearray(b"\n".join(lines))
    own_suffix = "." + kind.rsplit(".", 1)[-1]
    suffix = draw(st.one_of(st.just(own_suffix), st.sampled_from(SUFFIXES)))
    return bytes(data), suffix


@FUZZ
@given(case=mutated_real_file())
def test_mutated_real_files_load_or_are_one_clear_error(
    case: tuple[bytes, str], tmp_path: Path
) -> None:
    data, suffix = case
    path = tmp_path / f"mutated{suffix}"
    path.write_bytes(data)
    load_or_error(path)


@FUZZ
@given(data=st.binary(max_size=600), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes_load_or_are_one_clear_error(data: bytes, suffix: str, tmp_path: Path) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    load_or_error(path)


# --- every field of a real record given every wrong type ------------------------------

WRONG_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    10**30,
    math.inf,
    "",
    "\x1b[2J",
    ["a", ["b"]],
    {"nested": {"x": [1]}},
    [[[[[[]]]]]],
    "2020-02-30",
]
_ZOTERO = json.loads(REAL_FILES[".json"])[0]


@pytest.mark.parametrize("field", sorted(_ZOTERO))
def test_csl_item_with_a_wrong_type_in_each_field(field: str, tmp_path: Path) -> None:
    """The broken item loads or is one warning; the good item after it always loads."""
    path = tmp_path / "zotero.json"
    for value in WRONG_VALUES:
        broken = {**_ZOTERO, field: value}
        good = {"type": "book", "id": "good", "title": "The good item"}
        path.write_text(json.dumps([broken, good]), encoding="utf-8")
        library = load_or_error(path)
        assert library is not None, (field, value)
        assert library.papers[-1].title == "The good item", (field, value)
        assert len(library.papers) + len(library.problems) >= 2, (field, value)


_OWN = json.loads(REAL_FILES[".jsonl"].splitlines()[0])


@pytest.mark.parametrize("field", sorted(_OWN))
def test_json_line_with_a_wrong_type_in_each_field(field: str, tmp_path: Path) -> None:
    path = tmp_path / "papers.jsonl"
    for value in WRONG_VALUES:
        broken = {**_OWN, field: value}
        lines = [json.dumps(broken), json.dumps({"title": "The good line"})]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        library = load_or_error(path)
        assert library is not None, (field, value)
        assert library.papers[-1].title == "The good line", (field, value)
        # The broken line is a paper, a line saying why not, or a paper and a line saying
        # what it was read without (a date that is none).
        assert len(library.problems) <= 1, (field, value, library.problems)
        assert len(library.papers) + len(library.problems) in (2, 3), (field, value)
        assert len(library.papers) == 2 or len(library.problems) == 1, (field, value)


@pytest.mark.parametrize(
    "issued",
    [
        {"date-parts": [[2020, 13, 1]]},
        {"date-parts": [[2020, 2, 30]]},
        {"date-parts": [[]]},
        {"date-parts": []},
        {"date-parts": [["two thousand"]]},
        {"date-parts": [[-44, 3, 15]]},
        {"date-parts": [[2020, 5, 10**20]]},
        {"date-parts": [[10**20]]},
        {"date-parts": "2020"},
        {"date-parts": [[2020.5, 1.5]]},
        {"date-parts": [[None, None, None]]},
        {"raw": ["2020"]},
        {"literal": 2020},
        "2020-05-05",
        2020,
        [2020],
        {"season": 1},
    ],
)
def test_csl_odd_date_parts_give_a_date_or_none(issued: object) -> None:
    item = {"type": "book", "title": "Dated", "issued": issued}
    result = parse_csl_items([item], "dates.json")
    assert [paper.title for paper in result.papers] == ["Dated"]
    date = result.papers[0].date
    assert date is None or 1 <= date.year <= 9999
