"""Where a keystroke's time goes: the app typed into with Pilot, each stage timed.

The library is loaded and indexed first (``paperbrowse.load``, ``Library.index``) and
handed to the app, so only typing is measured. Each key is pressed and awaited until
the screen's result count is the one ``Library.find`` gives for the prefix (as
bench_keys.py waits in tmux). The stages are timed by wrapping the app's and
Textual's own methods here (nothing in the app changes): the search in its worker
thread (``Library.find``, which builds ``Results``), showing the results on the UI
thread (the list, the detail pane with its highlight spans), the footer's rebuild,
and Textual's layout and render passes. Prints ms per key for each, and how many
times per key the layout was redone and by whom. Headless: writing to a terminal is
left out (bench_keys.py has it). ``--cprofile`` adds the UI thread's functions by
cumulative time (the worker thread is not seen by cProfile).

    python tests/bench/profile_keys.py ../shared/corpus/acl-anthology-2016-2021.bib
    python tests/bench/profile_keys.py            # the bundled profile
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import cProfile
import functools
import io
import pstats
import statistics
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_keys import pick_queries
from textual.screen import Screen
from textual.widget import Widget

from paperbrowse.app.app import PaperBrowseApp
from paperbrowse.app.screens.browser import BrowserScreen
from paperbrowse.app.screens.browser_parts.searching import SearchController
from paperbrowse.app.widgets.detail import PaperDetail
from paperbrowse.app.widgets.footer import KeyFooter
from paperbrowse.app.widgets.paper_list import PaperList
from paperbrowse.core.library import Library, bundled_profile, load

# Seconds per stage, and who asked for a new layout, while keys are being typed.
SPENT: collections.defaultdict[str, float] = collections.defaultdict(float)
LAYOUTS: collections.Counter[str] = collections.Counter()
TIMING = [False]


def timed(owner: Any, name: str, stage: str) -> None:
    """Wrap ``owner.name`` (sync or async) so its time adds to ``stage`` while typing."""
    original: Callable[..., Any] = getattr(owner, name)
    if asyncio.iscoroutinefunction(original):

        @functools.wraps(original)
        async def wrapper_async(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                if TIMING[0]:
                    SPENT[stage] += time.perf_counter() - start

        setattr(owner, name, wrapper_async)
        return

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            if TIMING[0]:
                SPENT[stage] += time.perf_counter() - start

    setattr(owner, name, wrapper)


def count_layouts() -> None:
    original = Widget.refresh

    def refresh(self: Widget, *regions: Any, layout: bool = False, **kwargs: Any) -> Any:
        if TIMING[0] and layout:
            caller = traceback.extract_stack(limit=3)[-2]
            LAYOUTS[
                f"{type(self).__name__}#{self.id} via {Path(caller.filename).name}:{caller.name}"
            ] += 1
        return original(self, *regions, layout=layout, **kwargs)

    Widget.refresh = refresh  # type: ignore[method-assign]


def instrument() -> None:
    timed(Library, "find", "search thread: Library.find (ranking, Results)")
    timed(SearchController, "show", "UI: SearchController.show (list + detail + bindings)")
    timed(PaperList, "show", "UI:   PaperList.show")
    timed(SearchController, "show_detail", "UI:   detail pane hit (spans)")
    timed(PaperDetail, "_redraw", "UI:   detail pane text (detail_text, Static.update)")
    timed(PaperList, "render_line", "UI: list rows rendered (render_line, spans)")
    timed(KeyFooter, "recompose", "UI: footer rebuilt (KeyFooter.recompose)")
    timed(Screen, "_on_timer_update", "UI: Textual screen update (layout, render to the driver)")
    timed(Screen, "_refresh_layout", "UI:   of which full layouts (Screen._refresh_layout)")
    count_layouts()


KEY_NAMES = {" ": "space", "-": "minus", "'": "apostrophe"}


async def type_queries(
    library: Library, queries: list[str], profiler: cProfile.Profile, profile: bool
) -> list[float]:
    app = PaperBrowseApp(library=library)
    latencies: list[float] = []
    async with app.run_test(size=(120, 35)) as pilot:
        while getattr(app.screen, "shown", None) is None:
            await pilot.pause(0.05)
        screen = app.screen
        assert isinstance(screen, BrowserScreen)
        await pilot.press("slash")
        for query in queries:
            await pilot.press("ctrl+u")
            await pilot.pause(0.1)
            for end in range(1, len(query) + 1):
                expected = len(library.find(query[:end]))
                start = time.perf_counter()
                TIMING[0] = True
                if profile:
                    profiler.enable()
                await pilot.press(KEY_NAMES.get(query[end - 1], query[end - 1]))
                while not (
                    screen.search_query == query[:end]
                    and screen.shown == expected
                    and not screen.searching.scheduler.running
                ):
                    await asyncio.sleep(0.0005)
                await pilot.pause(0)  # the refresh the new count asked for
                profiler.disable()
                TIMING[0] = False
                latencies.append((time.perf_counter() - start) * 1000)
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library", nargs="?", type=Path)
    parser.add_argument("--queries", type=int, default=6)
    parser.add_argument("--cprofile", action="store_true", help="also cProfile the UI thread")
    parser.add_argument("--top", type=int, default=45, help="functions cProfile lists")
    args = parser.parse_args()
    library = load(args.library or bundled_profile())
    library.index  # noqa: B018  (built before typing: only keystrokes are profiled)
    queries = pick_queries(library, args.queries, 13)
    instrument()
    profiler = cProfile.Profile()
    latencies = asyncio.run(type_queries(library, queries, profiler, args.cprofile))
    keys = len(latencies)
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    print(
        f"{len(library.papers):,} papers, {keys} keys, in process (Pilot, headless"
        f"{', cProfiled' if args.cprofile else ''}): p50 {cuts[49]:.1f} ms, "
        f"p90 {cuts[89]:.1f} ms, max {max(latencies):.1f} ms, "
        f"mean {statistics.mean(latencies):.1f} ms"
    )
    print("ms per key (mean), by stage (indented: inside the one above):")
    for stage, seconds in SPENT.items():
        print(f"  {1000 * seconds / keys:7.1f}  {stage}")
    print(f"layouts asked for per key ({sum(LAYOUTS.values()) / keys:.1f} in all), by whom:")
    for who, times in LAYOUTS.most_common(10):
        print(f"  {times / keys:5.2f}  {who}")
    if not args.cprofile:
        return 0
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
