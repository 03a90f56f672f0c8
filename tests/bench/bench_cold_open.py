"""Open to searchable: a large library opened cold (no cache) and reopened (cached), like the app.

    python tests/bench/bench_cold_open.py                    # 100k papers, 3 runs each
    python tests/bench/bench_cold_open.py --papers 1000000   # 1M papers, in 4 files of 250k
    python tests/bench/bench_cold_open.py --compare OTHER/tui --runs 3
        # the same runs with another checkout's paperbrowse, interleaved (this, other, ...)

The library is JSON Lines of the 71,244 real, distinct ACL Anthology papers first,
then copies (tests/bench/real_papers.py), at most 250,000 papers a file (a file
over 256 MB is refused). Each run is a fresh ``python`` process with a private
cache folder, timed from its start to the moment it could answer a search, doing
what the app's loader does before ``IndexReady``: ``load``, the first listing and
the index; then the typo lookups and the citation keys, which the loader makes
right after ``IndexReady`` ("with typo lookups and keys": an older checkout, run
with ``--compare``, made them before it), and the cache writes, also made after
it (an older checkout wrote them during ``load`` and the index). "cold" empties the cache
first; "reopen" uses the one the cold run before it left. Besides the wall time
it prints each stage's wall and CPU time (this process; CPU of worker processes
separately), the peak RSS of the process and of its workers, and the load
average, because the machine may be shared: with other work running, CPU times
are the steadier figure. Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_papers import CORPUS, Mix, corpus_rows

PER_FILE = 250_000  # papers a file: about 200 MB of ACL papers, under the 256 MB cap

CHILD = r"""
import json, os, resource, sys, time
started = time.perf_counter()
stages = []
cpu = time.process_time()
wall = started
def stage(label):
    global cpu, wall
    now, now_cpu = time.perf_counter(), time.process_time()
    stages.append((label, now - wall, now_cpu - cpu))
    wall, cpu = now, now_cpu
import contextlib
from paperbrowse.core.library import load
from paperbrowse.core.memory import freeze_heap, gc_paused
try:  # the app writes the caches once searchable
    from paperbrowse.core.cache import writes_deferred
except ImportError:  # an older checkout writes them at once
    writes_deferred = None
deferred = writes_deferred() if writes_deferred else contextlib.nullcontext()
stage("import")
with gc_paused(), deferred as pending:
    library = load(*sys.argv[1:])
    stage("load")
    library.listing("newest")
    stage("listing")
    library.index
    stage("index")
    searchable = time.perf_counter() - started
    library.index.vocabulary.warm_up()
    stage("typo lookups")
    library.keys
    stage("citation keys")
    with_keys = time.perf_counter() - started
    if pending is not None:
        pending.write()
        stage("cache writes")
freeze_heap()
children = resource.getrusage(resource.RUSAGE_CHILDREN)
me = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({
    "papers": len(library.papers),
    "searchable": searchable,
    "with_keys": with_keys,
    "stages": stages,
    "children_cpu": children.ru_utime + children.ru_stime,
    "peak_mb": me.ru_maxrss / 1024,
    "children_peak_mb": children.ru_maxrss / 1024,
}), flush=True)
os._exit(0)  # a million papers' teardown is not part of opening them
"""


def write_library(folder: Path, count: int) -> tuple[list[Path], Mix]:
    """``count`` papers as JSON Lines files of at most PER_FILE papers each."""
    files: list[Path] = []
    real = replicated = 0
    out = None
    for number, (row, copy) in enumerate(corpus_rows(count)):
        if number % PER_FILE == 0:
            if out is not None:
                out.close()
            files.append(folder / f"papers-{len(files):02}.jsonl")
            out = files[-1].open("w", encoding="utf-8")
        assert out is not None
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        replicated += copy > 0
        real += copy == 0
    if out is not None:
        out.close()
    return files, Mix(real, replicated)


def run(tree: str, files: list[Path], cache: Path) -> dict[str, Any]:
    env = dict(os.environ, PAPERBROWSE_CACHE_DIR=str(cache), PYTHONPATH=tree)
    command = [sys.executable, "-c", CHILD, *map(str, files)]
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"bench: the run failed ({tree}):\n{done.stderr}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["process"] = time.perf_counter() - started
    figures["load"] = (load_before + os.getloadavg()[0]) / 2
    return figures


def show(label: str, runs: list[dict[str, Any]]) -> None:
    def med(key: str) -> float:
        return float(statistics.median(r[key] for r in runs))

    searchable = ", ".join(f"{r['searchable']:.2f}" for r in runs)
    print(
        f"  {label:<8} to searchable {med('searchable'):5.2f} s (runs: {searchable}),"
        f" with typo lookups and keys {med('with_keys'):5.2f} s,"
        f" whole process {med('process'):5.2f} s, load average {med('load'):.1f}"
    )
    names = [name for name, _, _ in runs[0]["stages"]]
    parts = []
    for at, name in enumerate(names):
        wall = statistics.median(r["stages"][at][1] for r in runs)
        cpu = statistics.median(r["stages"][at][2] for r in runs)
        parts.append(f"{name} {wall:.2f}/{cpu:.2f}")
    print(f"      stages, wall/CPU s: {'; '.join(parts)}")
    upto = names.index("index") + 1
    cpu_searchable = statistics.median(sum(s[2] for s in r["stages"][:upto]) for r in runs)
    print(f"      CPU of this process to searchable {cpu_searchable:.2f} s")
    print(
        f"      workers' CPU {med('children_cpu'):.2f} s; peak RSS {med('peak_mb'):,.0f} MB"
        f" (workers {med('children_peak_mb'):,.0f} MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--compare", help="another checkout's tui/ folder, run interleaved")
    parser.add_argument("--keep", type=Path, help="write (or reuse) the library in this folder")
    args = parser.parse_args()
    if not CORPUS.is_file():
        sys.exit(f"bench: {CORPUS} not found (../shared beside the checkout)")
    here = str(Path(__file__).resolve().parents[2] / "tui")
    trees = {"this checkout": here}
    if args.compare:
        trees["compared (" + args.compare + ")"] = str(Path(args.compare).resolve())
    scratch = Path(tempfile.mkdtemp(prefix="pb-bench-open-"))
    try:
        folder = args.keep or scratch
        folder.mkdir(parents=True, exist_ok=True)
        files = sorted(folder.glob("papers-*.jsonl"))
        if files and args.keep:
            mix = None
        else:
            files, mix = write_library(folder, args.papers)
        size = sum(f.stat().st_size for f in files) / 1e6
        print(f"{mix or folder} in {len(files)} file(s), {size:,.0f} MB; {os.cpu_count()} cores")
        results: dict[str, dict[str, list[dict[str, Any]]]] = {
            tree: {"cold": [], "reopen": []} for tree in trees
        }
        for _ in range(args.runs):
            for label, tree in trees.items():
                cache = scratch / "cache"
                shutil.rmtree(cache, ignore_errors=True)
                results[label]["cold"].append(run(tree, files, cache))
                results[label]["reopen"].append(run(tree, files, cache))
        for label, by_kind in results.items():
            print(f"{label}: {by_kind['cold'][0]['papers']:,} papers after merging")
            for kind, runs in by_kind.items():
                show(kind, runs)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
