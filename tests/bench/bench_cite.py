"""References per second: the ACL Anthology (22,370 papers) formatted in a CSL style (issue 14).

    python tests/bench/bench_cite.py                  # all papers, APA
    python tests/bench/bench_cite.py --count 2000 --style ieee --style nature

Each style is timed twice: on one core (the pool switched off; the process's CPU time
as well as the wall clock, which other work on a shared machine slows) and on all cores
(``core/cite/parallel``: workers render parts of a selection of 2,000 papers or more;
wall clock, workers' start included), each time rendered afresh (``core/cite/remembered``
keeps the last big lists: the same selection again is timed last). The load average is
printed before and after: figures from a busy machine are slower than the machine is.

The target is 2,000 papers a second, so formatting a big selection feels immediate.
Loading the file is not timed. Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence
from pathlib import Path

from paperbrowse.core.cite import parallel, remembered
from paperbrowse.core.cite.references import references
from paperbrowse.core.cite.styles import load_style
from paperbrowse.core.library import load
from paperbrowse.core.models import Paper

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def load_average() -> str:
    return " ".join(f"{figure:.2f}" for figure in os.getloadavg())


def timed(papers: Sequence[Paper], style_name: str, pool: bool) -> tuple[float, float]:
    """Papers per second by the wall clock and by this process's CPU time."""
    style = load_style(style_name)
    parallel.POOL_MIN_PAPERS = 2000 if pool else len(papers) + 1
    remembered.forget()  # rendered, not the list kept from the run before
    wall, cpu = time.perf_counter(), time.process_time()
    entries = references(papers, style)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return len(entries) / wall, len(entries) / cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=0, help="first N papers (0: all)")
    parser.add_argument("--style", action="append", help="a style (repeatable; default apa)")
    args = parser.parse_args()
    papers = load(CORPUS / "acl-anthology-2016-2021.jsonl").papers
    papers = papers[: args.count] if args.count else papers
    print(f"{len(papers):,} papers, {os.cpu_count()} cores, load average {load_average()}")
    for name in args.style or ["apa"]:
        references(papers[:20], load_style(name))  # the style parsed, citeproc-py imported
        one_wall, one_cpu = timed(papers, name, pool=False)
        all_wall, _ = timed(papers, name, pool=True)
        again = time.perf_counter()
        references(papers, load_style(name))
        again = time.perf_counter() - again
        print(
            f"{name:<42} one core {one_wall:6,.0f} papers/s (CPU time {one_cpu:6,.0f}/s)"
            f"   all cores {all_wall:6,.0f} papers/s   again {again * 1000:4.0f} ms",
            flush=True,
        )
    print(f"load average {load_average()}")


if __name__ == "__main__":
    main()
