"""Realistic researcher profiles, in the seed's exact format, made from real ACL papers.

Only one real profile exists (``seeds/``); the format is ``../shared/seeds/FORMAT.md``.
This builds more from the ACL Anthology corpus: researchers who wrote together (a
"lab" is a researcher and their most frequent co-authors), each with their real
papers newest first, dated as the site writes dates (``CLApr 10, 2025Code``; no year
for the current year's), the first three authors then ``et al.``, the abstract on one
line, and header figures made up consistently (the h-index from per-paper citation
counts, the papers figure equal to the records). ``MadeProfile`` keeps what each
file was made from, so a test can check that the file parses back to it.

    python tests/profile_gen.py --count 50 --out tests/data/lab50

Deterministic for a given seed and corpus.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
ACL_ALL = CORPUS / "acl-anthology-all-2021.jsonl"
AS_OF = dt.date(2021, 11, 24)  # the corpus stops in 2021-11: its 2021 papers lose their year
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SHOWN_AUTHORS = 3  # the site lists three names, then "et al."
# Categories by what a title is about; CL otherwise (these are ACL papers).
_TOPICS = (
    (re.compile(r"speech|spoken|acoustic|audio", re.I), "SD"),
    (re.compile(r"image|visual|vision|video|multimodal", re.I), "CV"),
    (re.compile(r"retrieval|search engine|ranking|recommend", re.I), "IR"),
    (re.compile(r"reinforcement|optimi[sz]ation|gradient|neural architecture", re.I), "LG"),
    (re.compile(r"social media|twitter|tweets", re.I), "SI"),
    (re.compile(r"planning|reasoning|knowledge graph|agent", re.I), "AI"),
)
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class MadePaper:
    """One record as written, and what it means."""

    category: str
    date: dt.date
    year_shown: bool
    has_code: bool
    title: str
    authors: tuple[str, ...]  # as shown: the first three
    et_al: bool
    abstract: str | None

    def text(self) -> str:
        date = f"{MONTHS[self.date.month - 1]} {self.date.day}"
        if self.year_shown:
            date += f", {self.date.year}"
        head = f"{self.category}{date}{'Code' if self.has_code else ''}"
        authors = ", ".join(self.authors) + (" et al." if self.et_al else "")
        lines = [head, self.title, "", authors]
        if self.abstract:
            lines += ["", self.abstract]
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class MadeProfile:
    """A researcher's page: the header figures and the records, newest first."""

    name: str
    category: str
    h_index: int
    citations: int
    novelty: int
    ai_score: int
    papers: tuple[MadePaper, ...]

    @property
    def file_name(self) -> str:
        digest = hashlib.sha1(self.name.encode()).hexdigest()[:16]
        return f"{_slug(self.name)}_{digest}.txt"

    def text(self) -> str:
        header = [
            self.name,
            "",
            self.category,
            f"h-index{self.h_index}",
            f"{len(self.papers)}papers",
            f"{self.citations:,}citations",
            f"Novelty{self.novelty}%",
            f"AI Score{self.ai_score}",
            "",
            f"{len(self.papers)} Papers",
            "",
        ]
        return "\n".join(header) + "\n" + "\n".join(paper.text() for paper in self.papers)


def read_rows(path: Path = ACL_ALL, since: int = 2000) -> list[dict[str, object]]:
    """The corpus's papers from ``since`` on that have a title, authors and a year."""
    rows = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            year = str(row.get("year") or "")
            if row.get("title") and row.get("authors") and year.isdigit() and int(year) >= since:
                rows.append(row)
    return rows


def make_profiles(
    rows: Sequence[dict[str, object]],
    count: int,
    *,
    seed: int = 0,
    as_of: dt.date = AS_OF,
    min_papers: int = 4,
    max_papers: int = 20,
    lab_size: int = 5,
) -> list[MadeProfile]:
    """``count`` researchers in labs of up to ``lab_size`` who wrote together."""
    rng = random.Random(seed)
    by_author: dict[str, list[int]] = defaultdict(list)
    for number, row in enumerate(rows):
        for name in dict.fromkeys(_authors(row)):
            by_author[name].append(number)
    candidates = sorted(name for name, found in by_author.items() if len(found) >= min_papers)
    rng.shuffle(candidates)
    chosen: dict[str, None] = {}
    for lead in candidates:
        if len(chosen) >= count:
            break
        if lead in chosen:
            continue
        chosen[lead] = None
        partners = Counter(
            name for number in by_author[lead] for name in _authors(rows[number]) if name != lead
        )
        for partner, _ in partners.most_common():
            if len(chosen) >= count or sum(1 for _ in _lab(chosen, lead)) >= lab_size:
                break
            if partner not in chosen and len(by_author[partner]) >= min_papers:
                chosen[partner] = None
    return [
        _profile(name, [rows[n] for n in by_author[name]], rng, as_of, max_papers)
        for name in chosen
    ]


def _lab(chosen: dict[str, None], lead: str) -> Iterable[str]:
    names = list(chosen)
    return names[names.index(lead) :]


def _authors(row: dict[str, object]) -> list[str]:
    authors = row.get("authors")
    return [_one_line(str(a)) for a in authors] if isinstance(authors, list) else []


def _profile(
    name: str,
    rows: list[dict[str, object]],
    rng: random.Random,
    as_of: dt.date,
    max_papers: int,
) -> MadeProfile:
    papers: dict[tuple[str, int], MadePaper] = {}
    for row in rows:
        paper = _paper(row, as_of)
        papers.setdefault(
            (_NON_WORD.sub(" ", paper.title.casefold()).strip(), paper.date.year), paper
        )
    newest = sorted(papers.values(), key=lambda p: p.date, reverse=True)[:max_papers]
    cited = sorted(
        (int(rng.paretovariate(1.1) * (as_of.year - p.date.year + 1) * 2) for p in newest),
        reverse=True,
    )
    h_index = sum(1 for rank, times in enumerate(cited, 1) if times >= rank)
    category = Counter(p.category for p in newest).most_common(1)[0][0]
    return MadeProfile(
        name=name,
        category=category,
        h_index=h_index,
        citations=sum(cited) + rng.randrange(0, 50),  # papers beyond those listed
        novelty=rng.randrange(15, 90),
        ai_score=rng.randrange(20, 95),
        papers=tuple(newest),
    )


def _paper(row: dict[str, object], as_of: dt.date) -> MadePaper:
    title = _one_line(str(row["title"]))
    authors = _authors(row)
    year = int(str(row["year"]))
    month, day = _month_day(str(row.get("month") or ""), title)
    date = dt.date(year, month, day)
    abstract = _one_line(str(row["abstract"])) if row.get("abstract") else None
    return MadePaper(
        category=_category(title),
        date=date,
        # The site drops the year of dates in the current year (never for a later date).
        year_shown=not (date.year == as_of.year and date <= as_of),
        has_code=year >= 2016 and _hash(title) % 3 == 0,
        title=title,
        authors=tuple(authors[:SHOWN_AUTHORS]),
        et_al=len(authors) > SHOWN_AUTHORS,
        abstract=abstract or None,
    )


def _month_day(month_text: str, title: str) -> tuple[int, int]:
    """The corpus's "November 14" or "July" as a month and day (a made-up day when none)."""
    words = month_text.replace("-", " ").split()
    month = 1 + _hash(title) % 12
    if words and words[0][:3].title() in MONTHS:
        month = MONTHS.index(words[0][:3].title()) + 1
    digits = [w for w in words[1:] if w.isdigit() and 1 <= int(w) <= 28]
    return month, int(digits[0]) if digits else 1 + _hash(title + "day") % 28


def _category(title: str) -> str:
    for pattern, code in _TOPICS:
        if pattern.search(title):
            return code
    return "CL"


def _one_line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _hash(text: str) -> int:
    return int(hashlib.sha1(text.encode()).hexdigest()[:8], 16)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "researcher"


def write_folder(profiles: Iterable[MadeProfile], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for profile in profiles:
        path = folder / profile.file_name
        path.write_text(profile.text(), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-papers", type=int, default=20)
    args = parser.parse_args()
    made = make_profiles(read_rows(), args.count, seed=args.seed, max_papers=args.max_papers)
    paths = write_folder(made, args.out)
    print(f"{len(paths)} profiles in {args.out}")


if __name__ == "__main__":
    main()
