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

``--tracemalloc`` runs a third child with Python's allocation tracer (slower, and the
tracer's own bookkeeping inflates RSS; its figures are Python's allocations): for each
step, the bytes allocated and the step's peak, and the lines holding most at the
moments that matter (the parse cache read, the cache written, after indexing and
after a search).

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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from real_papers import write_jsonl  # noqa: E402

QUERY = "neural machine translation"

CHILD = r"""
import json, sys, time
TRACE = sys.argv[2] == "trace"
if TRACE:
    import tracemalloc
    tracemalloc.start(1)
started = time.perf_counter()
MB = 1 << 20

def status():
    found = {}
    with open("/proc/self/status") as lines:
        for line in lines:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                found[name] = int(value.split()[0]) * 1024
    return found

def report(kind, **fields):
    print(json.dumps({"kind": kind, **fields}), flush=True)

def step(name):
    found = status()
    fields = {"rss": found["VmRSS"], "peak": found["VmHWM"], "seconds": time.perf_counter() - started}
    if TRACE:
        fields["traced"], fields["traced_peak"] = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
    report("step", name=name, **fields)

def top_lines(moment, count=8):
    if not TRACE:
        return
    snapshot = tracemalloc.take_snapshot()
    stats = snapshot.statistics("lineno")
    total = sum(stat.size for stat in stats)
    lines = [(f"{s.traceback[0].filename.split('/paperbrowse/')[-1]}:{s.traceback[0].lineno}", s.size, s.count) for s in stats[:count]]
    report("top", moment=moment, total=total, lines=lines)

from paperbrowse.core import cache as parse_cache
from paperbrowse.core.memory import freeze_heap, gc_paused
from paperbrowse.core.library import load

if TRACE:  # the moments inside the load that hold the most at once
    read_entry, write_entry = parse_cache._result_from, parse_cache.store_entry
    def _result_from(*args, **kwargs):
        top_lines("cache read: payload unpickled, papers not built yet")
        return read_entry(*args, **kwargs)
    def store_entry(*args, **kwargs):
        top_lines("parsed: papers built, cache not written yet")
        return write_entry(*args, **kwargs)
    parse_cache._result_from, parse_cache.store_entry = _result_from, store_entry

step("imports")
with gc_paused():
    library = load(sys.argv[1])
    step("loaded")
    library.listing("newest")
    step("listed")
    library.index.vocabulary.warm_up()
    step("indexed")
    top_lines("indexed")
    library.keys
    step("keys made")
freeze_heap()
step("heap frozen, trimmed")
if library.carries_citations:
    library.citations.edge_count
library.index.warm_up()
step("warmed up")
results = library.find(sys.argv[3])
hits = [results.hit(i) for i in range(min(20, len(results)))]
step("searched")
top_lines("searched")
import resource
report("workers", peak=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)

# --- what the retained bytes are ---------------------------------------------------
import numpy as np
from paperbrowse.core.models import Paper, SourceRef

seen = set()

def size(obj):
    # Bytes of an object and what it holds that nothing counted before holds.
    if id(obj) in seen or obj is None or isinstance(obj, (bool, type)):
        return 0
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        return obj.nbytes if obj.base is None or not isinstance(obj.base, np.ndarray) else 0
    total = sys.getsizeof(obj)
    if isinstance(obj, (list, tuple, set, frozenset)):
        total += sum(size(item) for item in obj)
    elif isinstance(obj, dict):
        total += sum(size(k) + size(v) for k, v in obj.items())
    elif isinstance(obj, (Paper, SourceRef)):
        total += size(obj.__dict__) + size(obj.__pydantic_fields_set__)
    return total

papers = library.papers
count = len(papers)
shells = sum(sys.getsizeof(p) for p in papers)
for p in papers:
    seen.add(id(p))
fields = {}
shell_bytes = {"Paper objects": shells, "their __dict__": 0, "their fields set": 0}
for p in papers:
    if id(p.__dict__) not in seen:
        seen.add(id(p.__dict__))
        shell_bytes["their __dict__"] += sys.getsizeof(p.__dict__)
    shell_bytes["their fields set"] += size(p.__pydantic_fields_set__)
for name in Paper.model_fields:
    fields[name] = sum(size(getattr(p, name)) for p in papers)
report("papers", count=count, shells=shell_bytes, fields=fields)

index = library.index
parts = {}
for number, name in enumerate(("title", "authors", "abstract")):
    field = index.postings.fields[number]
    parts[f"postings: {name}"] = sum(size(getattr(field, a)) for a in ("indptr", "docs", "sequence", "sequence_starts"))
parts["order, days"] = size(index._order) + size(index._days)
parts["vocabulary words"] = size(index.postings.vocab)
vocabulary = index.vocabulary
parts["vocabulary lookups"] = sum(size(v) for k, v in vars(vocabulary).items() if k.startswith("_") and k != "_lock")
parts["stem order"] = sum(size(v) for v in vars(vocabulary.stems).values())
parts["filter columns"] = sum(size(v) for k, v in vars(index.columns).items() if k not in ("papers", "days"))
parts["index: papers in order, other"] = size(index._docs) + size(index.__dict__.get("_title_rank")) + size(index.__dict__.get("_positions"))
parts["citation keys"] = size(library.keys)
report("index", parts=parts)
"""


def run_child(library: Path, mode: str, cache: Path) -> list[dict[str, object]]:
    env = dict(os.environ, PAPERBROWSE_CACHE_DIR=str(cache))
    env["PAPERBROWSE_DATA_DIR"] = str(cache / "data")
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(library), mode, QUERY],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def mb(value: object) -> str:
    return f"{int(value) / (1 << 20):7.1f}"  # type: ignore[call-overload]


def print_steps(title: str, records: list[dict[str, object]]) -> None:
    print(f"\n{title}")
    traced = any("traced" in r for r in records)
    head = f"  {'step':<24}{'RSS MB':>8}{'peak MB':>9}{'s':>7}"
    print(head + ("  traced MB  step peak MB" if traced else ""))
    for record in records:
        if record["kind"] == "step":
            line = f"  {record['name']!s:<24}{mb(record['rss'])} {mb(record['peak'])}"
            line += f"{float(record['seconds']):7.2f}"  # type: ignore[arg-type]
            if traced:
                line += f"  {mb(record['traced'])}    {mb(record['traced_peak'])}"
            print(line)
        elif record["kind"] == "workers" and int(record["peak"]):  # type: ignore[call-overload]
            print(f"  parse workers' peak (each, apart): {mb(record['peak']).strip()} MB")


def print_breakdown(records: list[dict[str, object]]) -> None:
    papers = next(r for r in records if r["kind"] == "papers")
    index = next(r for r in records if r["kind"] == "index")
    count = int(papers["count"])  # type: ignore[call-overload]
    print(f"\nretained, by what holds it ({count:,} papers; bytes per paper in brackets)")
    rows = {**papers["shells"], **{f"strings etc.: {k}": v for k, v in papers["fields"].items()}}  # type: ignore[dict-item]
    total = sum(rows.values())
    print(f"  papers, in all{mb(total)} MB  [{total // max(count, 1)}]")
    for name, value in sorted(rows.items(), key=lambda item: -item[1]):
        if value >= 1 << 19:
            print(f"    {name:<30}{mb(value)} MB  [{value // max(count, 1)}]")
    parts = index["parts"]  # type: ignore[index]
    print(f"  index and keys, in all{mb(sum(parts.values()))} MB")  # type: ignore[union-attr]
    for name, value in sorted(parts.items(), key=lambda item: -item[1]):  # type: ignore[union-attr]
        print(f"    {name:<30}{mb(value)} MB")


def print_tops(records: list[dict[str, object]]) -> None:
    for record in records:
        if record["kind"] != "top":
            continue
        print(f"\n  Python allocations held at '{record['moment']}': {mb(record['total']).strip()} MB")
        for where, size, count in record["lines"]:  # type: ignore[union-attr]
            print(f"    {mb(size)} MB {count:>9,} blocks  {where}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--library", type=Path, help="a library file (default: real papers)")
    parser.add_argument("--tracemalloc", action="store_true", help="also a traced run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as folder:
        library = args.library
        if library is None:
            library = Path(folder) / "papers.jsonl"
            print(write_jsonl(library, args.papers))
        print(f"{library} ({library.stat().st_size / (1 << 20):.0f} MB); "
              f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
        cache = Path(folder) / "cache"
        cold = run_child(library, "plain", cache)
        cached = run_child(library, "plain", cache)
        print_steps("cold open (no cache: parsed, then the parse and the index cached)", cold)
        print_steps("cached reopen", cached)
        print_breakdown(cached)
        if args.tracemalloc:
            for name in ("cold", "cached"):
                if name == "cold":
                    for entry in cache.glob("*.*"):
                        entry.unlink()
                traced = run_child(library, "trace", cache)
                print_steps(f"{name}, traced (tracemalloc: slower, RSS inflated by it)", traced)
                print_tops(traced)
        print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
