"""Related papers benchmark: the list ``m`` shows, at 100k papers.

Loads the 71,244 real, distinct ACL Anthology papers (``acl-anthology-all-2021.jsonl``),
tops them up with copies only past that (real_papers.py: distinct ids, shifted years,
no DOI) and says how many are real, builds the search index, then asks for the 20
papers most like each of a fixed sample of papers (as the app does on ``m``), those with
an abstract and those with only a title apart. Prints the one-off cost of the first
call (the per-paper lengths and norms it derives from the index) and p50/p90/max per
paper. Figures only; nothing here asserts a speed.

    python tests/bench/bench_related.py            # 100k papers, 300 asked about
    python tests/bench/bench_related.py --papers 20000 --sample 50
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_papers import corpus_papers

SHOWN = 20  # rows the related screen lists


def percentiles(times: list[float]) -> str:
    ordered = sorted(times)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return (
        f"p50 {statistics.median(ordered) * 1000:5.1f} ms  p90 {p90 * 1000:5.1f} ms  "
        f"max {ordered[-1] * 1000:5.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="related papers at scale")
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=300, help="papers asked about")
    options = parser.parse_args()

    from paperbrowse.core.related.rank import related_papers
    from paperbrowse.core.search.index import SearchIndex

    papers, mix = corpus_papers(options.papers)
    print(mix)
    start = time.perf_counter()
    index = SearchIndex(papers)
    print(f"index built in {time.perf_counter() - start:.2f} s (not part of the figures below)")
    rng = random.Random(16)
    asked = rng.sample(papers, options.sample)
    start = time.perf_counter()
    related_papers(index, asked[0], SHOWN)
    print(
        f"first call (derives lengths and norms from the index): "
        f"{(time.perf_counter() - start) * 1000:.0f} ms"
    )
    times: dict[bool, list[float]] = {True: [], False: []}
    empty = 0
    for paper in asked:
        start = time.perf_counter()
        found: list[Any] = related_papers(index, paper, SHOWN)
        times[bool(paper.abstract)].append(time.perf_counter() - start)
        empty += not found
    every = times[True] + times[False]
    print(f"related list of {SHOWN}, per paper asked about ({len(every)} papers):")
    print(f"  all                         {percentiles(every)}")
    for has_abstract, label in ((True, "with an abstract"), (False, "with a title only")):
        if times[has_abstract]:
            count = len(times[has_abstract])
            print(f"  {label:<18} ({count:>3})  {percentiles(times[has_abstract])}")
    print(f"  papers with an empty list: {empty}")


if __name__ == "__main__":
    main()
