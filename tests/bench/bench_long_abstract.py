"""How long a cursor move takes onto and off a paper with a huge abstract (issue 11).

    python tests/bench/bench_long_abstract.py            # a 500 KB abstract
    python tests/bench/bench_long_abstract.py --kb 2000

A JSON Lines library of 20 papers, one of them with an abstract of ``--kb``
kilobytes, is opened in the app (Pilot, 120x35); the cursor is moved down and
up across the list several times and each move is timed until the screen has
settled (the detail pane redrawn). Prints the median and the slowest move onto
the long paper and onto the others, then how long reading it to its end takes
(end key in the detail pane). Each move includes Pilot's own wait for the screen
to settle (about 0.1 s on any paper). Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(TESTS), str(TESTS / "app")]  # app_helpers, and the helpers it imports

WORDS = ["graph", "neural", "network", "attention", "translation", "corpus", "parsing"]


def write_library(path: Path, kb: int) -> None:
    sentence = " ".join(WORDS) + ". "
    huge = (sentence * (kb * 1024 // len(sentence) + 1))[: kb * 1024] + " THE END."
    with path.open("w", encoding="utf-8") as out:
        for number in range(20):
            abstract = huge if number == 10 else sentence * 20
            record = {
                "title": f"Paper {number:02}",
                "authors": ["Ann Bee"],
                "year": 2000 + number,
                "abstract": abstract,
            }
            out.write(json.dumps(record) + "\n")


def report(label: str, seconds: list[float]) -> None:
    median, slowest = statistics.median(seconds) * 1000, max(seconds) * 1000
    print(f"{label:<34} median {median:7.1f} ms, slowest {slowest:7.1f} ms ({len(seconds)} moves)")


async def measure(library: Path) -> None:
    from app_helpers import wait_loaded

    from paperbrowse.app.app import PaperBrowseApp

    app = PaperBrowseApp([library])
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_loaded(pilot)
        screen = app.browser
        onto_long: list[float] = []
        onto_other: list[float] = []
        for _ in range(3):
            for key in ["j"] * 19 + ["k"] * 19:
                start = time.perf_counter()
                await pilot.press(key)
                await pilot.pause()
                elapsed = time.perf_counter() - start
                paper = screen.detail.paper
                long = paper is not None and len(paper.abstract or "") > 100_000
                (onto_long if long else onto_other).append(elapsed)
        report("cursor move onto the long paper:", onto_long)
        report("cursor move onto another paper:", onto_other)
        while screen.detail.paper is None or len(screen.detail.paper.abstract or "") < 100_000:
            await pilot.press("j")
        await pilot.press("tab")
        start = time.perf_counter()
        for _ in range(100):
            await pilot.press("end")
            await pilot.pause()
            if "THE END." in str(screen.detail.query_one("#detail-body").render()) and (
                screen.detail.scroll_y >= screen.detail.max_scroll_y
            ):
                break
        print(f"end key until the abstract's last words show: {time.perf_counter() - start:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=int, default=500, help="size of the long abstract")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        library = Path(folder) / "long.jsonl"
        write_library(library, args.kb)
        asyncio.run(measure(library))


if __name__ == "__main__":
    main()
