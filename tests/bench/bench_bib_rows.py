"""The BibTeX reader's own work per paper: its record-to-row path, bibtexparser's apart.

Reads a .bib in this process as a parse worker reads its part (``read_chunks_part``:
fields resolved, LaTeX converted, names split, rows made), with bibtexparser's
splitting done beforehand and handed back to it, so that the figure is our code's
alone. CPU time (``time.process_time``), not wall time: the machine may be shared.
The best of ``--runs`` runs (the caches of display names and venues are warm after
the first, in either tree alike); asserts nothing. To compare two trees, run it with
each one's ``PYTHONPATH`` in turn, alternating.

    python tests/bench/bench_bib_rows.py                 # the 31 MB ACL Anthology .bib
    python tests/bench/bench_bib_rows.py --profile path/to/library.bib
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import time
from pathlib import Path
from typing import Any

import bibtexparser.entrypoint

from paperbrowse.core.formats import bibtex

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT.parent / "shared" / "corpus" / "acl-anthology-2016-2021.bib"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="then one run under cProfile")
    args = parser.parse_args()
    text = args.path.read_text(encoding="utf-8-sig")
    chunks = [(line, chunk, end == len(text)) for line, end, chunk in bibtex.chunks(text)]

    split = bibtexparser.entrypoint.parse_string
    started = time.process_time()
    libraries = {id(chunk): split(chunk, parse_stack=[]) for _, chunk, _ in chunks}
    split_cpu = time.process_time() - started

    def already_split(chunk: str, parse_stack: Any = None) -> Any:
        return libraries[id(chunk)]

    # ``read_chunk`` imports parse_string when it runs: it gets the libraries made above.
    bibtexparser.entrypoint.parse_string = already_split  # type: ignore[assignment]
    gc.disable()  # as a load does (``memory.gc_paused``)

    def read() -> int:
        return len(bibtex.read_chunks_part(chunks, str(args.path), len(text)).papers)

    times = []
    for _ in range(args.runs):
        started = time.process_time()
        papers = read()
        times.append(time.process_time() - started)
    best = min(times)
    print(f"{args.path.name}: {papers} papers, CPU seconds")
    print(f"  bibtexparser's splitting       {split_cpu:6.3f} s")
    runs = ", ".join(f"{t:.3f}" for t in times)
    per_paper = best / papers * 1e6
    print(f"  ours, best of {args.runs} ({runs})  {best:6.3f} s = {per_paper:.1f} µs a paper")
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(read)
        pstats.Stats(profile).sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
