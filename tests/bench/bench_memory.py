"""Where a large library's memory goes: peak and resident at each step the app takes.

A child process does what the app's loader does (``browser_parts/loading.py``): open
the library, list it, build (or read back) the index and its typo lookups, make the
citation keys, freeze the heap, warm the index up, then search. It prints its
resident set (VmRSS) and peak (VmHWM, what ``/usr/bin/time -v`` calls "Maximum
resident set size") after each step, then what the retained bytes are: the papers
(per paper: the objects, their strings by field), the index's arrays, the
vocabulary and its lookups, the citation keys. It runs twice on the same library,
first with an empty cache folder (cold: parsed on every core, then cached) and then
with the cache that run left (cached reopen). The parse pool's worker processes are
measured apart (their own peaks, not added to the parent's).

``--tracemalloc`` runs two more children (cold, cached) under Python's allocation
tracer (slower, and the tracer's own bookkeeping inflates RSS; its figures are
Python's allocations): per step, the bytes allocated and the step's own peak, and the
lines holding most at the moments that matter (the parse cache read, the papers
parsed before the cache is written, after indexing, after a search).

    python tests/bench/bench_memory.py                 # 100k papers (71,244 real, then copies)
    python tests/bench/bench_memory.py --papers 20000 --tracemalloc
    python tests/bench/bench_memory.py --library some.bib
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from real_papers import write_jsonl

QUERY = "neural machine translation"
MB = 1 << 20
Record = dict[str, Any]


# --- in the child ------------------------------------------------------------------


class Child:
    """The app's loading steps, each reported as a JSON line on stdout."""

    def __init__(self, traced: bool) -> None:
        self.traced = traced
        self.started = time.perf_counter()
        if traced:
            tracemalloc.start(1)

    @staticmethod
    def report(kind: str, **fields: Any) -> None:
        print(json.dumps({"kind": kind, **fields}), flush=True)

    def step(self, name: str) -> None:
        found = {}
        with open("/proc/self/status") as lines:
            for line in lines:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    found[key] = int(value.split()[0]) * 1024
        fields = {
            "rss": found["VmRSS"],
            "peak": found["VmHWM"],
            "seconds": time.perf_counter() - self.started,
        }
        if self.traced:
            fields["traced"], fields["traced_peak"] = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
        self.report("step", name=name, **fields)

    def top_lines(self, moment: str, count: int = 8) -> None:
        if not self.traced:
            return
        stats = tracemalloc.take_snapshot().statistics("lineno")
        lines = []
        for stat in stats[:count]:
            frame = stat.traceback[0]
            where = f"{frame.filename.split('/paperbrowse/')[-1]}:{frame.lineno}"
            lines.append((where, stat.size, stat.count))
        self.report("top", moment=moment, total=sum(s.size for s in stats), lines=lines)

    def watch_the_parse_cache(self) -> None:
        """Lines held at the fullest moments inside the load (traced runs only)."""
        from paperbrowse.core import cache

        if not self.traced:
            return
        read, store = cache._result_from, cache.store_entry

        def result_from(*args: Any) -> Any:
            self.top_lines("cache read: unpickled, papers not built yet")
            return read(*args)

        def store_entry(*args: Any) -> Any:
            self.top_lines("parsed: papers built, cache not written yet")
            return store(*args)

        cache._result_from, cache.store_entry = result_from, store_entry  # type: ignore[assignment]

    def run(self, path: str, query: str) -> None:
        import resource

        from paperbrowse.core.library import load
        from paperbrowse.core.memory import freeze_heap, gc_paused

        self.watch_the_parse_cache()
        self.step("imports")
        with gc_paused():
            library = load(path)
            self.step("loaded")
            library.listing("newest")
            self.step("listed")
            library.index.vocabulary.warm_up()
            self.step("indexed")
            self.top_lines("indexed")
            _ = library.keys
            self.step("keys made")
        freeze_heap()
        self.step("heap frozen, trimmed")
        if library.carries_citations:
            _ = library.citations.edge_count
        library.index.warm_up()
        self.step("warmed up")
        results = library.find(query)
        for number in range(min(20, len(results))):
            results.hit(number)
        self.step("searched")
        self.top_lines("searched")
        workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
        self.report("workers", peak=workers)
        if not self.traced:
            retained(library, self.report)


def retained(library: Any, report: Any) -> None:
    """What holds the library's bytes: each object counted once, where first met."""
    import numpy as np

    from paperbrowse.core.models import Paper, SourceRef

    seen: set[int] = set()

    def size(obj: Any) -> int:
        if id(obj) in seen or obj is None or isinstance(obj, (bool, type)):
            return 0
        seen.add(id(obj))
        if isinstance(obj, np.ndarray):
            return int(obj.nbytes)
        total = sys.getsizeof(obj)
        if isinstance(obj, (list, tuple, set, frozenset)):
            total += sum(size(item) for item in obj)
        elif isinstance(obj, dict):
            total += sum(size(k) + size(v) for k, v in obj.items())
        elif isinstance(obj, (Paper, SourceRef)):
            total += size(obj.__dict__) + size(obj.__pydantic_fields_set__)
        return total

    papers = library.papers
    shells = {"Paper objects": 0, "their fields (__dict__)": 0, "their fields set": 0}
    for paper in papers:
        seen.add(id(paper))
        shells["Paper objects"] += sys.getsizeof(paper)
        # (Reading __dict__ makes one of a paper built field by field: 72 bytes more.)
        seen.add(id(paper.__dict__))
        shells["their fields (__dict__)"] += sys.getsizeof(paper.__dict__)
        shells["their fields set"] += size(paper.__pydantic_fields_set__)
    fields = {name: sum(size(getattr(p, name)) for p in papers) for name in Paper.model_fields}
    report("papers", count=len(papers), shells=shells, fields=fields)

    index = library.index
    parts = {}
    arrays = ("indptr", "docs", "sequence", "sequence_starts")
    for number, name in enumerate(("title", "authors", "abstract")):
        field = index.postings.fields[number]
        parts[f"postings: {name}"] = sum(size(getattr(field, a)) for a in arrays)
    parts["order, days"] = size(index._order) + size(index._days)
    parts["vocabulary words"] = size(index.postings.vocab)
    lookups = {k: v for k, v in vars(index.vocabulary).items() if k not in ("_lock", "stems")}
    parts["vocabulary lookups"] = sum(size(v) for k, v in lookups.items() if k != "words")
    parts["stem order"] = sum(size(v) for v in vars(index.vocabulary.stems).values())
    columns = vars(index.columns).items()
    parts["filter columns"] = sum(size(v) for k, v in columns if k not in ("papers", "days"))
    parts["index: papers in order, other"] = size(index._docs) + sum(
        size(index.__dict__.get(name)) for name in ("_title_rank", "_positions")
    )
    parts["citation keys"] = size(library.keys)
    report("index", parts=parts)


# --- in the parent -----------------------------------------------------------------


def run_child(library: Path, mode: str, cache: Path) -> list[Record]:
    env = dict(os.environ, PAPERBROWSE_CACHE_DIR=str(cache))
    env["PAPERBROWSE_DATA_DIR"] = str(cache / "data")
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(library)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def mb(value: float) -> str:
    return f"{value / MB:7.1f}"


def print_steps(title: str, records: list[Record]) -> None:
    print(f"\n{title}")
    traced = any("traced" in r for r in records)
    head = f"  {'step':<24}{'RSS MB':>8}{'peak MB':>9}{'s':>7}"
    print(head + ("  traced MB  step peak MB" if traced else ""))
    for record in records:
        if record["kind"] == "step":
            line = f"  {record['name']:<24}{mb(record['rss'])} {mb(record['peak'])}"
            line += f"{record['seconds']:7.2f}"
            if traced:
                line += f"  {mb(record['traced'])}    {mb(record['traced_peak'])}"
            print(line)
        elif record["kind"] == "workers" and record["peak"]:
            print(f"  parse workers' peak (each, apart): {mb(record['peak']).strip()} MB")


def print_retained(records: list[Record]) -> None:
    papers = next(r for r in records if r["kind"] == "papers")
    parts: dict[str, int] = next(r for r in records if r["kind"] == "index")["parts"]
    count = max(int(papers["count"]), 1)
    rows: dict[str, int] = {**papers["shells"]}
    rows.update({f"strings etc.: {k}": v for k, v in papers["fields"].items()})
    total = sum(rows.values())
    print(f"\nretained, by what holds it ({count:,} papers; bytes per paper in brackets)")
    print(f"  papers, in all{mb(total)} MB  [{total // count}]")
    for name, value in sorted(rows.items(), key=lambda item: -item[1]):
        if value >= MB // 2:
            print(f"    {name:<30}{mb(value)} MB  [{value // count}]")
    print(f"  index and keys, in all{mb(sum(parts.values()))} MB")
    for name, value in sorted(parts.items(), key=lambda item: -item[1]):
        print(f"    {name:<30}{mb(value)} MB")


def print_tops(records: list[Record]) -> None:
    for record in records:
        if record["kind"] == "top":
            held = mb(record["total"]).strip()
            print(f"\n  Python allocations held at '{record['moment']}': {held} MB")
            for where, size, count in record["lines"]:
                print(f"    {mb(size)} MB {count:>9,} blocks  {where}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--library", type=Path, help="a library file (default: real papers)")
    parser.add_argument("--tracemalloc", action="store_true", help="also traced runs")
    parser.add_argument("--child", choices=("plain", "trace"), help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        Child(args.child == "trace").run(args.path, QUERY)
        return
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as folder:
        library = args.library
        if library is None:
            library = Path(folder) / "papers.jsonl"
            print(write_jsonl(library, args.papers))
        load = os.getloadavg()
        print(f"{library} ({library.stat().st_size / MB:.0f} MB); load average {load[0]:.2f}")
        cache = Path(folder) / "cache"
        cold = run_child(library, "plain", cache)
        cached = run_child(library, "plain", cache)
        print_steps("cold open (no cache: parsed, then the parse and the index cached)", cold)
        print_steps("cached reopen", cached)
        print_retained(cached)
        if args.tracemalloc:
            for entry in cache.glob("*.*"):
                entry.unlink()
            for name in ("cold", "cached"):
                traced = run_child(library, "trace", cache)
                print_steps(f"{name}, traced (tracemalloc: slower, RSS inflated by it)", traced)
                print_tops(traced)
        print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
