"""How good are the related papers (``m``)? A check on the real ACL Anthology.

The ground truth is the Anthology's own workshop series. A topical workshop
(Argument Mining, BEA's educational applications, W-NUT's noisy user text,
the MT conferences) gathers papers on one topic, year after year, chosen by
its reviewers and not by any word count. So for a paper from such a workshop,
a researcher expects most of its related papers to be on that topic, and the
papers of the same series in other years are known to be.

The check: for a sample of papers from the topical series (56 here; up to 25 a
series with an abstract and 25 with a title only; series with at least two volumes
and 20 abstracts; fixed seed), take the related list, leave out the papers of
the paper's own volume (the same venue string: the "same venue" bonus must not be
able to help itself), and count how many of the first 10 others come from the
same series. Reported as precision at 10 (and
at 1), for papers with an abstract and for papers with only a title, beside two
baselines: a random paper, and typing the paper's title into the search bar.

A lower bound: an argument-mining paper from ACL itself counts as a miss. The
series list is made from the venue names with the merges and exclusions below
(multi-topic series such as SemEval, CoNLL's shared tasks changing every year,
and student workshops are left out).

    python tests/bench/eval_related.py            # a few minutes on 2 cores
    python tests/bench/eval_related.py --variants # also the ranking's earlier versions
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_papers import CORPUS

SAMPLE_PER_SERIES = 25
MIN_ABSTRACTS = 20
SHOWN = 10
SEED = 16

_ORDINAL = re.compile(
    r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
    r"thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|"
    r"twenty|thirty|\d+(st|nd|rd|th)|\d+|[ivxl]+)\b"
)
_FILLER = re.compile(
    r"\b(proceedings|of|the|on|at|in|and|annual|international|conference|volume|workshop|"
    r"meeting|joint|s)\b"
)
# Series that are one topic under several names.
MERGED = (
    ("translation", "machine translation"),
    ("parsing technologies", "parsing technologies"),
    ("bionlp", "bionlp"),
    ("biomedical", "bionlp"),
    ("phonology morphology", "sigmorphon"),
    ("educational applications", "educational applications"),
    ("abus", "abusive language"),
)
# Series without one topic: many tasks a year, a new task each year, or student work.
EXCLUDED = re.compile(
    r"semantic evaluation|conll shared task|student research|association for computational "
    r"linguistics|north american chapter|australasian|widening|negative results|open source"
)


def series_of(venue: str | None) -> str | None:
    """The workshop series of a venue string, or None for a main conference or journal."""
    if not venue or not re.search(r"workshop|shared task|translation", venue, re.I):
        return None
    name = venue.lower()
    name = re.sub(r"\(.*?\)|:.*", " ", name)
    name = _FILLER.sub(" ", _ORDINAL.sub(" ", re.sub(r"[^a-z0-9 ]", " ", name)))
    name = " ".join(name.split())
    for part, merged in MERGED:
        if part in name:
            return merged
    return None if not name or EXCLUDED.search(name) else name


@dataclass(frozen=True)
class Sample:
    with_abstract: list[Any]
    title_only: list[Any]
    series: dict[str, str | None]  # paper id -> series
    series_count: int


def sample(papers: Sequence[Any]) -> Sample:
    series = {p.id: series_of(p.venue) for p in papers}
    volumes: dict[str, set[str]] = defaultdict(set)
    members: dict[str, list[Any]] = defaultdict(list)
    for paper in papers:
        name = series[paper.id]
        if name:
            volumes[name].add(paper.venue)
            members[name].append(paper)
    chosen = sorted(
        name
        for name, group in members.items()
        if len(volumes[name]) >= 2 and sum(bool(p.abstract) for p in group) >= MIN_ABSTRACTS
    )
    rng = random.Random(SEED)
    with_abstract: list[Any] = []
    title_only: list[Any] = []
    for name in chosen:
        group = members[name]
        for wanted, into in ((True, with_abstract), (False, title_only)):
            pool = [p for p in group if bool(p.abstract) == wanted]
            into.extend(rng.sample(pool, min(SAMPLE_PER_SERIES, len(pool))))
    return Sample(with_abstract, title_only, series, len(chosen))


Ranker = Callable[[Any], list[Any]]  # a paper -> other papers, best first


@dataclass(frozen=True)
class Figures:
    at10: float  # share of the first 10 (from other volumes) in the paper's series
    right_series: float  # of those that are in some topical series, share in the right one
    at1: float  # the first one from another volume is in the series
    ms: float  # p50 per paper


def measure(papers: list[Any], rank: Ranker, series: dict[str, str | None]) -> Figures:
    at10, right, at1, times = [], [], [], []
    for paper in papers:
        start = time.perf_counter()
        ranked = rank(paper)
        times.append(time.perf_counter() - start)
        others = [p for p in ranked if p.venue != paper.venue][:SHOWN]
        hits = [series[p.id] == series[paper.id] for p in others]
        at10.append(sum(hits) / SHOWN)
        at1.append(float(bool(hits) and hits[0]))
        in_series = [hit for p, hit in zip(others, hits, strict=True) if series[p.id]]
        if in_series:
            right.append(sum(in_series) / len(in_series))
    return Figures(
        statistics.fmean(at10),
        statistics.fmean(right) if right else 0.0,
        statistics.fmean(at1),
        statistics.median(times) * 1000,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variants", action="store_true", help="also the earlier versions")
    options = parser.parse_args()

    import paperbrowse
    from paperbrowse.core.related.rank import DEFAULT, related_papers

    library = paperbrowse.load(CORPUS)
    index = library.index
    picked = sample(library.papers)
    total = len(library.papers)
    share = {
        name: sum(1 for s in picked.series.values() if s == name) / total
        for name in set(picked.series.values())
        if name
    }
    print(
        f"{total:,} papers [{CORPUS.name}]; {picked.series_count} topical series; "
        f"{len(picked.with_abstract)} sampled papers with an abstract, "
        f"{len(picked.title_only)} with a title only"
    )
    depth = 6 * SHOWN  # enough to find 10 from other volumes

    def ranking(weights: Any) -> Ranker:
        return lambda paper: [r.paper for r in related_papers(index, paper, depth, weights)]

    def title_search(paper: Any) -> list[Any]:
        results = library.find(paper.title)
        return [results[i] for i in range(min(depth, len(results))) if results[i].id != paper.id]

    rows: list[tuple[str, Ranker]] = [("search bar: the title typed", title_search)]
    if options.variants:
        rows += [(name, ranking(weights)) for name, weights in variants(DEFAULT)]
    rows.append(("+ feedback: related (m) as shipped", ranking(DEFAULT)))
    for kind, label in ((picked.with_abstract, "an abstract"), (picked.title_only, "a title only")):
        chance = statistics.fmean(share[picked.series[p.id] or ""] for p in kind)
        print(f"  a random paper, for papers with {label}: P@10 {chance:.3f}")
    header = "P@10  right  P@1   ms"
    print(f"\n{'':<36}{'with an abstract':>26}{'with a title only':>26}")
    print(f"{'':<36}{header:>26}{header:>26}")
    for name, rank in rows:
        cells = []
        for kind in (picked.with_abstract, picked.title_only):
            got = measure(kind, rank, picked.series)
            cells.append(f"{got.at10:.3f} {got.right_series:.3f} {got.at1:.3f} {got.ms:5.1f}")
        print(f"{name:<36}{cells[0]:>26}{cells[1]:>26}", flush=True)
    print(
        "\nP@10: share of the first 10 related papers from other volumes that are in the "
        "paper's series;\nright: the same share among those of them that are in some topical "
        "series; P@1: the first one;\nms: p50 per paper."
    )


def variants(shipped: Any) -> list[tuple[str, Any]]:
    """The ranking's earlier versions, step by step to the shipped one."""
    first = replace(shipped, terms=25, title=2.0, author=0.15, feedback=0)
    return [
        ("first version", first),
        ("+ shared authors weigh less", replace(first, author=shipped.author)),
        (
            "+ titles weigh as abstracts, 50 words",
            replace(shipped, feedback=0),
        ),
    ]


if __name__ == "__main__":
    main()
