"""The paper list's rows: how long drawing a screenful of them takes, per query.

Opens the app on a library (Pilot, headless, 120x35), shows each query's results in the
list and times ``PaperList.render_line`` for the rows on screen, built anew (the row
cache emptied, as each new search empties it): the best of 20 rounds, so that the
machine's other work shows as little as possible. Also times ``_build_row`` alone and
the highlight spans' part of it. Prints ms per screenful; asserts nothing. To compare
two trees, run it with each one's ``PYTHONPATH`` in turn.

    python tests/bench/bench_rows.py ../shared/corpus/acl-anthology-2016-2021.bib
    python tests/bench/bench_rows.py LIBRARY learning "graph neur" mobil
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from paperbrowse.app.app import PaperBrowseApp
from paperbrowse.app.widgets.paper_list import PaperList
from paperbrowse.core.library import load
from paperbrowse.core.search.results import Results

ROUNDS = 20
QUERIES = ["learning", "graph neur", "mobil", "translation"]


def best_ms(work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return 1000 * best


async def time_rows(library_path: Path, queries: list[str]) -> None:
    library = load(library_path)
    library.index  # noqa: B018  (built first: only the rows are timed)
    app = PaperBrowseApp(library=library)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause(0.5)
        paper_list = app.screen.query_one(PaperList)
        print(f"{len(library.papers):,} papers; ms per screenful, best of {ROUNDS}:")
        for query in queries:
            results = library.find(query)
            paper_list.show(results, "none")
            await pilot.pause(0.05)
            rows = min(paper_list.size.height, len(results))
            drawn, built, spans = time_screenful(paper_list, results, rows)
            print(
                f"  {query!r:16} {len(results):7,} results, {rows} rows: render_line "
                f"{drawn:.2f}, of which rows built {built:.2f} (title spans {spans:.2f})"
            )


def time_screenful(paper_list: PaperList, results: Results, rows: int) -> tuple[float, ...]:
    """ms for the first ``rows`` rows: drawn (``render_line``), built, their title spans."""
    width = paper_list.scrollable_content_region.width

    def drawn() -> None:
        paper_list.redraw_rows()  # as a new search does: every row built anew
        for y in range(rows):
            paper_list.render_line(y)

    def built() -> None:
        for row in range(rows):
            paper_list._build_row(row, width)

    def spans() -> None:
        for row in range(rows):
            results.hit(row).spans.get("title")

    return best_ms(drawn), best_ms(built), best_ms(spans)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library", type=Path)
    parser.add_argument("queries", nargs="*", default=QUERIES)
    args = parser.parse_args()
    asyncio.run(time_rows(args.library, args.queries))


if __name__ == "__main__":
    main()
