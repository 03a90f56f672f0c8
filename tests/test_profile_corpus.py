"""A large profile nobody has seen: real ACL Anthology papers written in the seed's format.

Real titles, author names in every script and abstracts with stray LaTeX;
every record must come back whole, with no warnings. Uses every tenth paper
of the shared corpus (about 2,200) to stay fast.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from paperbrowse.core.formats.profile import parse_profile_text
from paperbrowse.core.models import normalise_title
from paperbrowse.core.text.clean import clean_line

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
LATEX_HINT = re.compile(r"[\\{}$~`]|--|''")


def _sample(corpus: Path) -> list[dict[str, Any]]:
    rows = []
    with open(corpus / "acl-anthology-2016-2021.jsonl", encoding="utf-8") as handle:
        for index, line in enumerate(handle):
            if index % 10 == 0:
                row = json.loads(line)
                if row.get("title") and row.get("authors"):
                    rows.append(row)
    return rows


def _profile_text(rows: list[dict[str, Any]]) -> str:
    parts = [
        f"Corpus Person\n\nCL\nh-index12\n{len(rows):,}papers\n12,345citations\n"
        f"Novelty51%\nAI Score60\n\n{len(rows):,} Papers\n"
    ]
    for index, row in enumerate(rows):
        authors = ", ".join(row["authors"][:3]) + (" et al." if len(row["authors"]) > 3 else "")
        code = "Code" if index % 3 == 0 else ""
        head = f"CL{MONTHS[index % 12]} {1 + index % 28}, {row['year']}{code}"
        parts.append(f"\n{head}\n{row['title']}\n\n{authors}\n")
        if row.get("abstract"):
            parts.append(f"\n{row['abstract']}\n")
    return "".join(parts)


def test_real_papers_in_profile_format_parse_whole(corpus: Path) -> None:
    rows = _sample(corpus)
    assert len(rows) > 2000
    result = parse_profile_text(_profile_text(rows), "acl.txt", dt.date(2025, 1, 1))
    assert result.problems == []
    profile = result.profile
    assert profile.paper_count == len(rows) and profile.citations == 12345
    assert len(profile.papers) == len(rows)
    for index, (row, paper) in enumerate(zip(rows, profile.papers, strict=True)):
        if not LATEX_HINT.search(row["title"]):
            assert paper.title == clean_line(row["title"])
        assert list(paper.authors) == [clean_line(a) for a in row["authors"][:3]]
        assert paper.et_al is (len(row["authors"]) > 3)
        assert paper.date == dt.date(int(row["year"]), index % 12 + 1, 1 + index % 28)
        assert paper.has_code is (index % 3 == 0)
        abstract = row.get("abstract")
        if not abstract:
            assert paper.abstract is None
        elif not LATEX_HINT.search(abstract):
            assert paper.abstract == clean_line(abstract)
        else:
            assert paper.abstract and not re.search(r"\\[A-Za-z]", paper.abstract), abstract
    # Ids are as distinct as the papers' folded titles and years.
    assert len({paper.id for paper in profile.papers}) == len(
        {(normalise_title(paper.title), paper.year) for paper in profile.papers}
    )
