"""Opening a large .bib: first open and reopen (cache), against bibtexparser's own parse time.

Every figure is a whole process (``python -m ...``), start to exit, median of
``--runs`` runs, with a private cache folder so the user's cache is never
touched. "first open" clears the cache before each run; "reopen" runs with
the cache left by the previous run. The floor is bibtexparser 2 splitting the
same text with no middleware (what any BibTeX reader through it must pay);
the in-process breakdown shows where the rest goes.

    python tests/bench/bench_open.py                       # the 31 MB ACL Anthology .bib
    python tests/bench/bench_open.py --runs 5 path/to/library.bib
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT.parent / "shared" / "corpus" / "acl-anthology-2016-2021.bib"
QUERY = "neural machine translation"

FLOOR = """
import sys, bibtexparser
text = open(sys.argv[1], encoding="utf-8-sig").read()
bibtexparser.parse_string(text, parse_stack=[])
"""
LOAD = """
import sys
from paperbrowse.core.library import load
library = load(sys.argv[1])
print(len(library.papers))
"""


CPU: dict[str, list[float]] = {}  # CPU seconds of each command's runs (its workers' too)


def timed(command: list[str], env: dict[str, str], before: Callable[[], None]) -> float:
    before()
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    took = time.perf_counter() - start
    now = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = now.ru_utime + now.ru_stime - used.ru_utime - used.ru_stime
    CPU.setdefault(" ".join(command), []).append(cpu)
    return took


def median(runs: int, command: list[str], env: dict[str, str], before: Callable[[], None]) -> float:
    """The median wall time; with other work on the machine, ``median_cpu`` is steadier."""
    CPU.pop(" ".join(command), None)
    return statistics.median(timed(command, env, before) for _ in range(runs))


def median_cpu(command: list[str]) -> float:
    return statistics.median(CPU[" ".join(command)])


def in_process(path: Path) -> list[tuple[str, float]]:
    """Where the first open's time goes, measured inside one process."""
    import gc

    from bibtexparser.entrypoint import parse_string

    from paperbrowse.core import cache
    from paperbrowse.core.files import read_text
    from paperbrowse.core.formats.bibtex import parse_bibtex

    figures: list[tuple[str, float]] = []

    def clock(label: str, action: Callable[[], object]) -> object:
        gc.collect()
        gc.disable()
        start = time.perf_counter()
        value = action()
        figures.append((label, time.perf_counter() - start))
        gc.enable()
        return value

    text, _ = read_text(path)
    clock("read and decode the file", lambda: read_text(path))
    clock("bibtexparser split only (the floor)", lambda: parse_string(text, parse_stack=[]))
    clock("bibtexparser with its default middleware", lambda: parse_string(text))
    result = clock(
        "paperbrowse parse_bibtex (split + values + LaTeX + papers)",
        lambda: parse_bibtex(text, str(path)),
    )
    key = cache.FileKey.of(path)
    assert key is not None
    today = __import__("datetime").date.today()
    clock("write the cache entry", lambda: cache.store_entry(key, today, result))  # type: ignore[arg-type]
    clock("load the cache entry", lambda: cache.load_entry(key, today))
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not args.path.is_file():
        print(f"no such file: {args.path}", file=sys.stderr)
        return 2
    folder = Path(tempfile.mkdtemp(prefix="pb-bench-cache-"))
    env = dict(os.environ, PAPERBROWSE_CACHE_DIR=str(folder))
    os.environ["PAPERBROWSE_CACHE_DIR"] = str(folder)

    def clear() -> None:
        shutil.rmtree(folder, ignore_errors=True)

    def keep() -> None:
        pass

    python = [sys.executable]
    path = str(args.path)
    size = args.path.stat().st_size / 2**20
    print(f"{args.path.name}: {size:.1f} MiB, median of {args.runs} runs, whole process")
    try:
        floor = median(args.runs, [*python, "-c", FLOOR, path], env, keep)
        importing = [*python, "-c", "import paperbrowse.core.library"]
        startup = median(args.runs, importing, env, keep)
        import_cpu = median_cpu(importing)
        rows: list[tuple[str, float]] = [
            ("python + bibtexparser parse, no middleware (floor)", floor),
            ("python + import paperbrowse (no file)", startup),
        ]
        commands = {
            "load()": [*python, "-c", LOAD, path],
            f"export --query {QUERY!r} --format bibtex": [
                *python,
                "-m",
                "paperbrowse",
                "export",
                path,
                "--query",
                QUERY,
                "-f",
                "bibtex",
            ],
        }
        cpus = [median_cpu([*python, "-c", FLOOR, path]), import_cpu]
        for label, command in commands.items():
            first = median(args.runs, command, env, clear)
            rows.append((f"first open: {label}", first))
            cpus.append(median_cpu(command))
            timed(command, env, clear)  # leave a cache behind
            rows.append((f"reopen:     {label}", median(args.runs, command, env, keep)))
            cpus.append(median_cpu(command))
        print(f"  {'':<62} {'wall':>6}   (CPU, workers' included)")
        for (label, seconds), cpu in zip(rows, cpus, strict=True):
            print(f"  {label:<62} {seconds:6.2f} s ({cpu:.2f} s)")
        print(f"  load average {os.getloadavg()[0]:.1f}")
        first_load = rows[2][1]
        print(
            f"  first open / floor: {first_load / floor:.2f}x    "
            f"reopen: {rows[3][1]:.2f} s (target <= 1 s)"
        )
        print("in one process (first open's parts):")
        for label, seconds in in_process(args.path):
            print(f"  {label:<62} {seconds:6.2f} s")
    finally:
        clear()
    return 0


if __name__ == "__main__":
    sys.exit(main())
