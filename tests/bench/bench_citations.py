"""Citations inside the library at scale (issue 16, item 3): the 71,244 real ACL papers as
one CSL-JSON library in which every paper cites others, timed and weighed.

    python tests/bench/bench_citations.py               # 10 citations and 5 dangling a paper
    python tests/bench/bench_citations.py --cites 30    # a denser graph

Each paper cites ``--cites`` other papers of the corpus chosen at random (by DOI when the
cited paper has one, else by its title and year, as a CSL item) and ``--dangling``
works the library does not hold. The file is written to a temporary folder, then a
fresh process loads it twice (parsing, then from the parse cache), resolves the graph,
and times what the app and the filters ask of it. Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from real_papers import CORPUS

CHILD = r"""
import gc, json, random, resource, statistics, sys, time, tracemalloc
from pathlib import Path
from paperbrowse.core.library import load

path = Path(sys.argv[1])
started = time.perf_counter()
library = load(path)
parsed = time.perf_counter() - started
started = time.perf_counter()
library = load(path)  # from the parse cache
cached = time.perf_counter() - started
gc.collect()
references = sum(len(p.cites) + len(p.cited_by) for p in library.papers) // 24
held = sum(sys.getsizeof(p.cites) for p in library.papers if p.cites)
import numpy  # as the app has by then (the search index): not the graph's cost
from paperbrowse.core.citations import CitationGraph
started = time.perf_counter()
CitationGraph(library.papers).cites(library.papers[0])
resolved = time.perf_counter() - started
tracemalloc.start()
graph = library.citations
graph.cites(library.papers[0])  # and the paper ids' positions it then keeps
kept, peak = tracemalloc.get_traced_memory()
tracemalloc.stop()

rng = random.Random(7)
sample = rng.sample(library.papers, 1000)
lookups = []
for paper in sample:
    started = time.perf_counter()
    graph.cites(paper), graph.cited_by(paper)
    lookups.append(time.perf_counter() - started)
_ = library.keys
_ = library.index
filters = []
for paper in sample[:50]:
    started = time.perf_counter()
    library.find("cites:" + library.keys[paper.id])
    filters.append(time.perf_counter() - started)
print(json.dumps({
    "papers": len(library.papers),
    "references": references,
    "edges": graph.edge_count,
    "parse_s": parsed,
    "cache_s": cached,
    "resolve_s": resolved,
    "graph_kept_mb": kept / 1e6,
    "graph_peak_mb": peak / 1e6,
    "references_held_mb": held / 1e6,
    "lookup_p50_ms": statistics.median(lookups) * 1000,
    "filter_p50_ms": statistics.median(filters) * 1000,
    "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def csl_items(cites: int, dangling: int, seed: int = 1) -> list[dict[str, Any]]:
    records = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    rng = random.Random(seed)
    items: list[dict[str, Any]] = []
    for record in records:
        references: list[object] = []
        for other in rng.sample(records, cites):
            if other["doi"]:
                references.append(other["doi"])
            else:
                references.append({"title": other["title"], "issued": other["year"]})
        references += [f"10.99999/nowhere.{rng.randrange(10**9)}" for _ in range(dangling)]
        items.append(
            {
                "id": record["id"],
                "type": "paper-conference",
                "title": record["title"],
                "author": [{"literal": name} for name in record["authors"] or []],
                "issued": record["year"],
                "DOI": record["doi"],
                "container-title": record["venue"],
                "references": references,
            }
        )
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cites", type=int, default=10, help="library papers each paper cites")
    parser.add_argument("--dangling", type=int, default=5, help="works not in the library")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cited.json"
        path.write_text(json.dumps(csl_items(arguments.cites, arguments.dangling)), "utf-8")
        size = path.stat().st_size / 1e6
        env_cache = {"PAPERBROWSE_CACHE_DIR": str(Path(folder) / "cache")}
        output = subprocess.run(
            [sys.executable, "-c", CHILD, str(path)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, **env_cache},
        ).stdout
    figures = json.loads(output)
    print(f"{figures['papers']:,} real ACL papers as CSL-JSON ({size:.0f} MB), each citing")
    print(f"{arguments.cites} of them and {arguments.dangling} works not in the library")
    print(f"  references read            {figures['references']:,}")
    print(f"  edges in the library       {figures['edges']:,}")
    print(f"  parse (no cache)           {figures['parse_s']:.1f} s")
    print(f"  load from the parse cache  {figures['cache_s']:.1f} s")
    print(f"  resolve the graph          {figures['resolve_s']:.2f} s")
    kept, peak = figures["graph_kept_mb"], figures["graph_peak_mb"]
    print(f"  graph kept / peak building {kept:.1f} / {peak:.1f} MB")
    print(f"  references held on papers {figures['references_held_mb']:.1f} MB")
    print(f"  cites + cited by, one paper {figures['lookup_p50_ms']:.3f} ms p50")
    print(f"  cites:KEY search           {figures['filter_p50_ms']:.1f} ms p50")
    print(f"  peak RSS                   {figures['max_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
