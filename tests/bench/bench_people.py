"""The people screen with 500 researchers: how long ``p`` takes to show it (target 200 ms).

Writes 500 profiles made by ``tests/profile_gen.py`` from the ACL corpus to a
temporary folder and opens them in the app (Pilot, 120x35). Each run presses ``p``
and times two things: from the key's action to the moment the table's last visible
row is drawn into the frame (what the user waits for), and the Pilot's whole round
trip (``press`` and its pauses until the screen is idle, which include Pilot's own
waiting). Also times ``core.people`` alone (``people_of``: researchers, shared papers;
done once, while the library loads). Prints each run and the medians; asserts nothing.

    python tests/bench/bench_people.py [--profiles 500] [--runs 7]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from profile_gen import ACL_ALL, AS_OF, make_profiles, read_rows, write_folder

from paperbrowse.app.app import PaperBrowseApp
from paperbrowse.app.screens.people import PeopleScreen
from paperbrowse.app.widgets.people_table import PeopleTable
from paperbrowse.core.library import Library, load
from paperbrowse.core.people import people_of


def watch_drawing(marks: dict[str, float]) -> None:
    """Note when ``p``'s action starts, and when the table draws a row (the last one drawn
    in a frame is the frame's end)."""
    from paperbrowse.app.screens.browser import BrowserScreen

    action = BrowserScreen.action_people
    render_line = PeopleTable.render_line

    def timed_action(self: BrowserScreen) -> None:
        marks["start"] = time.perf_counter()
        action(self)

    def timed_line(self: PeopleTable, y: int) -> object:
        line = render_line(self, y)
        marks["drawn"] = time.perf_counter()
        return line

    BrowserScreen.action_people = timed_action  # type: ignore[method-assign]
    PeopleTable.render_line = timed_line  # type: ignore[method-assign,assignment]


async def open_screen(library: Library, runs: int) -> tuple[list[float], list[float]]:
    app = PaperBrowseApp(library=library, as_of=AS_OF)
    marks: dict[str, float] = {}
    watch_drawing(marks)
    drawn, round_trips = [], []
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        for _ in range(runs):
            start = time.perf_counter()
            await pilot.press("p")
            while not isinstance(app.screen, PeopleScreen):
                await pilot.pause()
            table = app.screen.query_one(PeopleTable)
            while len(table.rows) < len(library.people):
                await pilot.pause()
            while marks.get("drawn", 0) < marks["start"]:
                await pilot.pause()  # the frame with the rows drawn
            round_trips.append(time.perf_counter() - start)
            drawn.append(marks["drawn"] - marks["start"])
            await pilot.press("escape")
            await pilot.pause()
    return drawn, round_trips


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=500)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if not ACL_ALL.exists():
        print(f"{ACL_ALL} is missing; nothing measured")
        return 0
    made = make_profiles(read_rows(), args.profiles, seed=500)
    with tempfile.TemporaryDirectory(prefix="paperbrowse-people-") as folder:
        write_folder(made, Path(folder))
        library = load(folder, as_of=AS_OF)
    records = sum(len(p.papers) for p in library.profiles)
    print(
        f"{len(library.profiles)} profiles, {records:,} records, "
        f"{len(library.papers):,} papers after merging"
    )
    cores = []
    for _ in range(args.runs):
        start = time.perf_counter()
        people_of(library.profiles, library.papers)
        cores.append(time.perf_counter() - start)
    print(f"people_of: median {statistics.median(cores) * 1000:.0f} ms")
    drawn, round_trips = asyncio.run(open_screen(library, args.runs))
    for number, (seconds, trip) in enumerate(zip(drawn, round_trips, strict=True), 1):
        print(
            f"run {number}: p to the table drawn in {seconds * 1000:.0f} ms "
            f"(Pilot round trip {trip * 1000:.0f} ms)"
        )
    print(
        f"median {statistics.median(drawn) * 1000:.0f} ms to the table drawn (target: at most "
        f"200 ms); Pilot round trip {statistics.median(round_trips) * 1000:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
