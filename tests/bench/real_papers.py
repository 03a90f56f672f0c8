"""N papers for a benchmark: the 71,244 real, distinct ACL Anthology papers first, copies past them.

Replicated copies make the vocabulary look small and the postings look long, which
flatters a search engine, so every bench takes the real papers first and says how
many of its papers are copies (``Mix``). A copy gets a distinct id, its year shifted
back by its copy number and no DOI, so the loader's duplicate merging keeps it.

    from real_papers import corpus_papers, write_jsonl
    papers, mix = corpus_papers(100_000)        # Paper objects, in this process
    mix = write_jsonl(folder / "big.jsonl", 100_000)   # a file for the app or a child
    print(mix)   # "100,000 papers: 71,244 real, 28,756 replicated (distinct ids, ...)"
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus" / "acl-anthology-all-2021.jsonl"


@dataclass(frozen=True)
class Mix:
    """How many of a bench's papers are real and how many are copies."""

    real: int
    replicated: int

    def __str__(self) -> str:
        text = f"{self.real + self.replicated:,} papers: {self.real:,} real"
        if self.replicated:
            text += (
                f", {self.replicated:,} replicated (copies of the real ones with distinct ids,"
                f" shifted years, no DOI)"
            )
        return text + f" [{CORPUS.name}]"


def corpus_rows(count: int) -> Iterator[tuple[dict[str, Any], int]]:
    """``count`` JSON Lines rows with their copy number (0: real). Read line by line, so a
    parent process stays small (a child's peak RSS starts from its parent's at fork)."""
    made, copy = 0, 0
    while made < count:
        with CORPUS.open(encoding="utf-8") as lines:
            for line in lines:
                if made == count:
                    return
                row = json.loads(line)
                if copy:
                    row = shifted_row(row, copy)
                made += 1
                yield row, copy
        copy += 1


def shifted_row(row: dict[str, Any], copy: int) -> dict[str, Any]:
    year = str(row.get("year") or "2021")[:4]
    shifted = str(int(year) - copy) if year.isdigit() else year
    return dict(row, id=f"{row['id']}.copy{copy}", year=shifted, doi=None)


def write_jsonl(path: Path, count: int) -> Mix:
    """A JSON Lines library of ``count`` papers, real ones first."""
    replicated = 0
    with path.open("w", encoding="utf-8") as out:
        for row, copy in corpus_rows(count):
            replicated += copy > 0
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return Mix(count - replicated, replicated)


def corpus_papers(count: int) -> tuple[list[Any], Mix]:
    """``count`` Paper objects, the corpus's as the loader reads them, then copies."""
    import paperbrowse

    base = paperbrowse.load(CORPUS).papers
    papers = list(base[:count])
    copy = 0
    while len(papers) < count:
        copy += 1
        for paper in base[: count - len(papers)]:
            papers.append(shifted_paper(paper, copy))
    return papers, Mix(min(count, len(base)), max(0, count - len(base)))


def shifted_paper(paper: Any, copy: int) -> Any:
    date = paper.date
    if date is not None:
        date = dt.date(max(1, date.year - copy), date.month, min(date.day, 28))
    return paper.model_copy(update={"id": f"{paper.id}.copy{copy}", "date": date, "doi": None})
