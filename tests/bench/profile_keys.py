"""Where a keystroke's time goes: the app typed into with Pilot, each stage timed.

The library is loaded and indexed first (``paperbrowse.load``, ``Library.index``) and
handed to the app, so only typing is measured. Each key is pressed and awaited until
the screen's result count is the one ``Library.find`` gives for the prefix (as
bench_keys.py waits in tmux; the counts are worked out before typing, and the engine's
caches emptied after, so that the app searches each prefix anew, as it does when typed
into). The stages are timed by wrapping the app's and
Textual's own methods here (nothing in the app changes): the search in its worker
thread (``Library.find``, which builds ``Results``), showing the results on the UI
thread (the list, the detail pane with its highlight spans), the footer's rebuild,
and Textual's layout and render passes. Prints ms per key for each, wall and CPU (the
CPU time of the thread it ran on: on a shared machine wall time includes waiting for
other processes, CPU time much less so), how many times per key each ran (frames
painted, layouts), how many times per key the layout was asked for and by whom, and
how many lines each widget rendered anew; the garbage collector's passes while typing (by
generation), and the keys that took the most CPU with their stages (``--slowest``). The
heap is frozen once the app shows the library, as the app's loader freezes it once its
background work is done. Headless: writing to a terminal is left out
(bench_keys.py has it). ``--cprofile`` adds the UI thread's functions by cumulative
time (the worker thread is not seen by cProfile). To compare two trees, run it with
each one's ``PYTHONPATH`` in turn (the script only reads what both have).

    python tests/bench/profile_keys.py ../shared/corpus/acl-anthology-2016-2021.bib
    python tests/bench/profile_keys.py            # the bundled profile
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import cProfile
import functools
import gc
import io
import os
import pstats
import statistics
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
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
from paperbrowse.core.library import Library, load
from paperbrowse.core.locations import bundled_profile
from paperbrowse.core.memory import freeze_heap

# Seconds per stage (wall, and CPU of the thread it ran on), and who asked for a new
# layout, while keys are being typed. CPU time is what to compare on a shared machine:
# wall time there includes waiting for the other engineers' processes.
SPENT: collections.defaultdict[str, float] = collections.defaultdict(float)
SPENT_CPU: collections.defaultdict[str, float] = collections.defaultdict(float)
LAYOUTS: collections.Counter[str] = collections.Counter()
LINES: collections.Counter[str] = collections.Counter()  # lines rendered anew, by widget
CALLS: collections.Counter[str] = collections.Counter()  # calls per stage
TIMING = [False]
# The collector's passes while typing: (generation, ms) of each, and when the current began.
COLLECTIONS: list[tuple[int, float]] = []
_COLLECTION_START = [0.0]


def time_collections(phase: str, info: dict[str, int]) -> None:
    """A ``gc.callbacks`` hook: each pass of the collector while keys are typed."""
    if phase == "start":
        _COLLECTION_START[0] = time.perf_counter()
    elif TIMING[0]:
        took = time.perf_counter() - _COLLECTION_START[0]
        COLLECTIONS.append((info["generation"], 1000 * took))


@dataclass
class Key:
    """One key typed: the query so far, its result count, its times in ms, its stages' CPU."""

    prefix: str
    count: int
    wall: float
    cpu: float
    stages: dict[str, float]
    collections: list[tuple[int, float]]


STAGES: list[str] = []  # in the order they are printed


def timed(owner: Any, name: str, stage: str, widget_id: str | None = None) -> None:
    """Wrap ``owner.name`` (sync or async) so its time adds to ``stage`` while typing
    (only for the widget with id ``widget_id``, if given)."""
    STAGES.append(stage)
    original: Callable[..., Any] = getattr(owner, name)

    def counts(args: tuple[Any, ...]) -> bool:
        return TIMING[0] and (widget_id is None or getattr(args[0], "id", None) == widget_id)

    def add(args: tuple[Any, ...], start: float, cpu: float) -> None:
        if counts(args):
            SPENT[stage] += time.perf_counter() - start
            SPENT_CPU[stage] += time.thread_time() - cpu
            CALLS[stage] += 1

    if asyncio.iscoroutinefunction(original):

        @functools.wraps(original)
        async def wrapper_async(*args: Any, **kwargs: Any) -> Any:
            start, cpu = time.perf_counter(), time.thread_time()
            try:
                return await original(*args, **kwargs)
            finally:
                add(args, start, cpu)

        setattr(owner, name, wrapper_async)
        return

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start, cpu = time.perf_counter(), time.thread_time()
        try:
            return original(*args, **kwargs)
        finally:
            add(args, start, cpu)

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


def count_lines() -> None:
    """Lines whose styles and content were rendered again (not from the widget's cache)."""
    from textual._styles_cache import StylesCache

    original = StylesCache.render_line

    def render_line(self: StylesCache, *args: Any, **kwargs: Any) -> Any:
        if TIMING[0]:
            content_line = args[7] if len(args) > 7 else kwargs["render_content_line"]
            widget = getattr(content_line, "__self__", None)
            LINES[f"{type(widget).__name__}#{getattr(widget, 'id', None)}"] += 1
        return original(self, *args, **kwargs)

    StylesCache.render_line = render_line  # type: ignore[method-assign]


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
    timed(Screen, "_compositor_refresh", "UI:   of which frames painted (_compositor_refresh)")
    timed(Widget, "get_content_height", "UI:   detail text measured (its height)", "detail-body")
    timed(Widget, "_render_content", "UI:   detail text wrapped into lines", "detail-body")
    count_layouts()
    count_lines()


KEY_NAMES = {" ": "space", "-": "minus", "'": "apostrophe"}


async def type_queries(
    library: Library, queries: list[str], profiler: cProfile.Profile, profile: bool
) -> list[Key]:
    """Each key typed, timed."""
    # The counts each prefix should show, worked out before typing, and what working
    # them out left in the engine's caches then dropped: else each key the app searched was
    # one the cache already held, and a prefix's typo lookups (4-7 ms at 100k papers
    # before stop 38) never showed here.
    counts = {
        query[:end]: len(library.find(query[:end]))
        for query in queries
        for end in range(1, len(query) + 1)
    }
    library.index._terms.clear()
    library.index.vocabulary._places.clear()
    app = PaperBrowseApp(library=library)
    keys: list[Key] = []
    async with app.run_test(size=(120, 35)) as pilot:
        while getattr(app.screen, "shown", None) is None:
            await pilot.pause(0.05)
        # What the app's loader does once its background work is done: the lookups made,
        # then all that lives on taken out of the collector's passes.
        library.index.warm_up()
        freeze_heap()
        screen = app.screen
        assert isinstance(screen, BrowserScreen)
        await pilot.press("slash")
        for query in queries:
            await pilot.press("ctrl+u")
            await pilot.pause(0.1)
            for end in range(1, len(query) + 1):
                expected = counts[query[:end]]
                spent_before = dict(SPENT_CPU)
                COLLECTIONS.clear()
                start, cpu = time.perf_counter(), time.process_time()
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
                wall = (time.perf_counter() - start) * 1000
                stages = {
                    stage: 1000 * (spent - spent_before.get(stage, 0.0))
                    for stage, spent in SPENT_CPU.items()
                }
                cpu_ms = (time.process_time() - cpu) * 1000
                keys.append(Key(query[:end], expected, wall, cpu_ms, stages, list(COLLECTIONS)))
    return keys


def print_collections(typed: list[Key]) -> None:
    """The collector's passes while typing, by generation: how many and how long."""
    print("collector passes while typing, by generation (all threads):")
    for generation in range(3):
        times = [ms for key in typed for gen, ms in key.collections if gen == generation]
        if times:
            print(
                f"  generation {generation}: {len(times) / len(typed):.2f} per key, "
                f"{statistics.mean(times):.2f} ms each, max {max(times):.1f} ms"
            )


def print_slowest(typed: list[Key], count: int) -> None:
    """The keys that took the most CPU, with their stages over 2 ms and collector passes."""
    if count <= 0:
        return
    print(f"the {count} keys with the most CPU time (stages over 2 ms; collector passes):")
    for key in sorted(typed, key=lambda key: -key.cpu)[:count]:
        stages = ", ".join(
            f"{stage.split(':')[-1].strip()[:24]} {ms:.1f}"
            for stage, ms in key.stages.items()
            if ms > 2
        )
        passes = ", ".join(f"gen {gen} {ms:.1f} ms" for gen, ms in key.collections if ms > 1)
        print(f"  {key.prefix!r} ({key.count:,}): CPU {key.cpu:.1f} ms; {stages}; {passes or '-'}")


def spread(times: list[float]) -> str:
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return (
        f"p50 {cuts[49]:.1f} ms, p90 {cuts[89]:.1f} ms, max {max(times):.1f} ms, "
        f"mean {statistics.mean(times):.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library", nargs="?", type=Path)
    parser.add_argument("--queries", type=int, default=6)
    parser.add_argument("--cprofile", action="store_true", help="also cProfile the UI thread")
    parser.add_argument("--top", type=int, default=45, help="functions cProfile lists")
    parser.add_argument("--slowest", type=int, default=5, help="keys listed, by CPU time")
    args = parser.parse_args()
    library = load(args.library or bundled_profile())
    library.index  # noqa: B018  (built before typing: only keystrokes are profiled)
    gc.callbacks.append(time_collections)
    queries = pick_queries(library, args.queries, 13)
    instrument()
    profiler = cProfile.Profile()
    load_average = os.getloadavg()[0]
    typed = asyncio.run(type_queries(library, queries, profiler, args.cprofile))
    latencies, cpu_times = [key.wall for key in typed], [key.cpu for key in typed]
    keys = len(typed)
    print(
        f"{len(library.papers):,} papers, {keys} keys, in process (Pilot, headless"
        f"{', cProfiled' if args.cprofile else ''}), load average {load_average:.2f} on "
        f"{os.cpu_count()} cores"
    )
    print(f"  wall per key: {spread(latencies)}")
    print(f"  CPU per key (all threads, Pilot's included): {spread(cpu_times)}")
    print("ms per key (mean) by stage, wall and CPU of its thread, and calls per key")
    print("(indented: inside the one above):")
    print("     wall      CPU  calls")
    for stage in STAGES:
        if not CALLS[stage]:
            continue
        seconds = SPENT[stage]
        print(
            f"  {1000 * seconds / keys:7.1f}  {1000 * SPENT_CPU[stage] / keys:7.1f}"
            f"  {CALLS[stage] / keys:5.2f}  {stage}"
        )
    print(f"layouts asked for per key ({sum(LAYOUTS.values()) / keys:.1f} in all), by whom:")
    for who, times in LAYOUTS.most_common(10):
        print(f"  {times / keys:5.2f}  {who}")
    print(f"lines rendered anew per key ({sum(LINES.values()) / keys:.1f} in all), by widget:")
    for who, times in LINES.most_common(10):
        print(f"  {times / keys:5.1f}  {who}")
    print_collections(typed)
    print_slowest(typed, args.slowest)
    if not args.cprofile:
        return 0
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
