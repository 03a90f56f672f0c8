"""A large JSON Lines file's parts are read straight into rows, no paper made: the same rows
and the same warnings as papers made and validated, then turned into rows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from paperbrowse.core.formats.jsonl import _read_lines, read_lines_part
from paperbrowse.core.rows import paper_row
from paperbrowse.core.store import PaperStore


def both_ways(text: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The rows read straight and the rows of the papers made (their warnings the same)."""
    straight = read_lines_part(text, "lib.jsonl", False, 0)
    made = _read_lines(text, "lib.jsonl", False, None)
    assert straight is not None and made is not None
    papers = straight.result.papers
    assert isinstance(papers, PaperStore)
    assert straight.result.problems == made.result.problems
    return papers.rows(0, len(papers)), [paper_row(p) for p in made.result.papers]


def test_the_acl_anthology_reads_to_the_same_rows(corpus: Path) -> None:
    text = (corpus / "acl-anthology-all-2021.jsonl").read_text(encoding="utf-8")
    straight, made = both_ways(text)
    assert len(straight) == 71_244
    assert straight == made


TEXTS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(
        [
            "  Caf\\'e \\textbf{bold}  ",
            "a\tb\nc\u200bd\u00a0e",
            "see https://example.org/x and www.example.com",
            "[red]markup[/red] \x1b[31mred\x1b[0m",
            "0123456789abcdef",
            "2020-07-15",
            "July",
            "",
        ]
    ),
    st.lists(st.one_of(st.text(max_size=8), st.integers(), st.none()), max_size=3),
    st.dictionaries(st.sampled_from(["given", "family", "x"]), st.text(max_size=8), max_size=2),
)
KEYS = st.sampled_from(
    [
        "id",
        "title",
        "authors",
        "et_al",
        "year",
        "month",
        "date",
        "date_precision",
        "abstract",
        "venue",
        "doi",
        "url",
        "links",
        "category",
        "citekey",
        "entry_type",
        "has_code",
        "year_inferred",
    ]
)
# An OpenAlex work's keys (``formats.openalex``: a record saying "authorships" is one).
OPENALEX_KEYS = st.sampled_from(
    [
        "id",
        "title",
        "display_name",
        "authorships",
        "publication_date",
        "publication_year",
        "abstract_inverted_index",
        "doi",
        "ids",
        "primary_location",
        "host_venue",
        "biblio",
        "type",
        "locations",
    ]
)
RECORDS = st.one_of(
    st.dictionaries(KEYS, TEXTS, max_size=10),
    st.dictionaries(OPENALEX_KEYS, TEXTS, max_size=8).map(
        lambda r: {"authorships": [], **r, "display_name": "A work"}
    ),
    st.dictionaries(KEYS, TEXTS, max_size=10).map(lambda r: {**r, "title": "A title"}),
    st.just({"type": "article-journal", "title": "CSL", "author": [{"family": "Doe"}]}),
    st.sampled_from([[], 3, "text", None]),
)


def test_openalex_works_read_to_the_same_rows_with_their_authors() -> None:
    data = Path(__file__).resolve().parent / "data" / "openalex"
    work = json.loads((data / "W2787899882.json").read_text("utf-8"))
    page_work = json.loads((data / "works-sample-1.json").read_text("utf-8"))["results"][0]
    works = [work, page_work, {**work, "authorships": 7}, {**page_work, "biblio": None}]
    straight, made = both_ways("".join(json.dumps(w) + "\n" for w in works))
    assert straight == made
    read = read_lines_part("".join(json.dumps(w) + "\n" for w in works), "lib.jsonl", False, 0)
    assert read is not None
    assert [p.authors for p in read.result.papers] == [
        ("Alexander Kohls", "S. Mele"),
        ("Keith Lloyd",),
        (),
        ("Keith Lloyd",),
    ]


@settings(max_examples=300, deadline=None)
@given(st.lists(RECORDS, min_size=1, max_size=8))
def test_odd_records_read_to_the_same_rows_and_warnings(records: list[object]) -> None:
    text = "".join(json.dumps(record) + "\n" for record in records)
    straight, made = both_ways(text)
    assert straight == made
