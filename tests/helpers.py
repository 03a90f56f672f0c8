"""Helpers shared by every test (imported as a plain module: pytest puts tests/ on sys.path).

The bundled seed profile, and ``paper()``: a ``Paper`` as a reader would make it, in one
line, for tests that build small libraries by hand.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TypedDict, Unpack

from hypothesis import strategies as st

from paperbrowse.core.models import DatePrecision, Paper, SourceRef, paper_id
from paperbrowse.core.text.clean import clean_line

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_0ff2dc3448c84053.txt"
# The seed was saved in 2025-11; "DCApr 9" then means 2025-04-09.
SEED_AS_OF = dt.date(2025, 11, 24)
# The keys every paper has in the JSON that `parse` and `search --json` print.
PAPER_JSON_KEYS = frozenset(
    {
        "id",
        "title",
        "authors",
        "et_al",
        "category",
        "category_name",
        "date",
        "year_inferred",
        "has_code",
        "abstract",
        "links",
    }
)


class PaperFields(TypedDict, total=False):
    """Every field of ``Paper`` but the title, so a misspelt one fails type checking
    (pydantic would drop it without a word)."""

    id: str
    title_kept: tuple[tuple[int, int], ...]
    authors: tuple[str, ...]
    et_al: bool
    category: str | None
    date: dt.date | None
    date_precision: DatePrecision
    year_inferred: bool
    has_code: bool
    abstract: str | None
    links: tuple[str, ...]
    venue: str | None
    doi: str | None
    url: str | None
    volume: str | None
    issue: str | None
    pages: str | None
    editors: tuple[str, ...]
    name_forms: tuple[str | tuple[str, str], ...]
    publisher: str | None
    publisher_place: str | None
    citekey: str | None
    entry_type: str | None
    source: SourceRef | None
    sources: tuple[SourceRef, ...]
    files: tuple[str, ...]


def paper(title: str, year: int | None = None, **fields: Unpack[PaperFields]) -> Paper:
    """A paper titled ``title``, as a reader makes one: its id from the title, year and DOI;
    given only a year, it is dated 1 January of that year, to the year. Any other field
    (``id`` and ``date`` too) may be given; the rest keep ``Paper``'s defaults."""
    if year is not None and "date" not in fields:
        fields["date"] = dt.date(year, 1, 1)
        fields.setdefault("date_precision", "year")
    fields.setdefault("id", paper_id(title, year, fields.get("doi")))
    return Paper(title=title, **fields)


def markdown_links(text: str) -> list[str]:
    """Where each link in Markdown text goes, as a CommonMark renderer reads it
    (percent-escapes decoded, so that an address reads as it was given)."""
    from urllib.parse import unquote

    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(text)
    inline = [child for token in tokens for child in token.children or ()]
    return [unquote(str(t.attrs["href"])) for t in inline if t.type == "link_open"]


def one_line_texts(max_size: int) -> st.SearchStrategy[str]:
    """Non-empty one-line texts of any script, as the readers clean them (``clean_line``):
    what a title, a name or an abstract's paragraph may be."""
    return (
        st.text(
            alphabet=st.characters(
                codec="utf-8", exclude_categories=("Cs", "Cc", "Co", "Zl", "Zp")
            ),
            min_size=1,
            max_size=max_size,
        )
        .map(clean_line)
        .filter(bool)
    )
