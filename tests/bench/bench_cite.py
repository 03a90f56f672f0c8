"""References per second: the ACL Anthology (22,370 papers) formatted in a CSL style (issue 14).

    python tests/bench/bench_cite.py                  # all papers, APA
    python tests/bench/bench_cite.py --count 2000 --style ieee

The target is 2,000 papers a second, so formatting a big selection feels immediate.
Loading the file is not timed. Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from paperbrowse.core.cite.references import references
from paperbrowse.core.cite.styles import load_style
from paperbrowse.core.library import load

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=0, help="first N papers (0: all)")
    parser.add_argument("--style", default="apa")
    args = parser.parse_args()
    papers = load(CORPUS / "acl-anthology-2016-2021.jsonl").papers
    papers = papers[: args.count] if args.count else papers
    style = load_style(args.style)
    started = time.perf_counter()
    entries = references(papers, style)
    took = time.perf_counter() - started
    print(
        f"{len(entries):,} references in {args.style}: {took:.2f} s, "
        f"{len(entries) / took:,.0f} papers/s"
    )


if __name__ == "__main__":
    main()
