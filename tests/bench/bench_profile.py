"""Opening a 100k-paper researcher profile (.txt) against the same papers as JSON Lines.

    python tests/bench/bench_profile.py                 # 100,000 papers, 3 runs each
    python tests/bench/bench_profile.py --papers 20000 --runs 1

The papers are the ACL Anthology's (``acl-anthology-all-2021.jsonl`` in the
shared corpus: 71k real, distinct papers). Past those, papers are copies with
a distinct id, a shifted year and no DOI (tests/bench/real_papers.py); the output
says how many are real and how many copies. Both files
are written to a temporary folder, then each is opened by
``paperbrowse.core.library.load`` (what the app and CLI use) in a child
process with a fresh, empty ``PAPERBROWSE_CACHE_DIR``, so the parse cache
never answers. Figures are the median wall time of the load and the child's
peak RSS (``ru_maxrss``). Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_papers import CORPUS, Mix, corpus_rows  # noqa: E402  (real papers first, then copies)

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# Runs in the child: load the file; print wall and CPU seconds (the CPU figure holds on a
# busy machine), peak RSS (KiB on Linux), papers read and problems.
CHILD = """
import resource, sys, time
start = time.perf_counter()
from paperbrowse.core.library import load
library = load(sys.argv[1])
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
cpu = usage.ru_utime + usage.ru_stime
print(seconds, cpu, usage.ru_maxrss, len(library.papers), len(library.problems))
"""


def one_line(text: object) -> str:
    return " ".join(str(text).split()) if text else ""


def month_of(value: object) -> int:
    """The corpus's month ("November 14", "July", None) as 1-12; January when unknown."""
    word = str(value or "").strip()[:3].title()
    return MONTHS.index(word) + 1 if word in MONTHS else 1


def record(paper: dict[str, Any]) -> str:
    """One profile record: header line, title, authors, abstract (if any), blank-separated."""
    year = str(paper.get("year") or "2021")[:4]
    header = f"CL{MONTHS[month_of(paper.get('month')) - 1]} 1, {year}"
    authors = ", ".join(one_line(name) for name in paper.get("authors") or []) or "Anonymous"
    lines = [header, one_line(paper["title"]), "", authors]
    abstract = one_line(paper.get("abstract"))
    if abstract:
        lines += ["", abstract]
    return "\n".join(lines) + "\n\n"


def write_files(folder: Path, count: int) -> tuple[Path, Path, int]:
    """The profile and the JSON Lines file; the number of papers that are copies."""
    profile, jsonl = folder / "profile.txt", folder / "papers.jsonl"
    copies = 0
    with profile.open("w", encoding="utf-8") as text, jsonl.open("w", encoding="utf-8") as lines:
        text.write(f"Bench Researcher\n\nCL\nh-index99\n{count}papers\n1,234citations\n\n")
        text.write(f"{count} Papers\n\n")
        for paper, copy in corpus_rows(count):
            copies += copy > 0
            text.write(record(paper))
            month = month_of(paper.get("month"))
            row = {
                "id": paper["id"],
                "title": one_line(paper["title"]),
                "authors": paper.get("authors") or ["Anonymous"],
                "year": str(paper.get("year") or "2021")[:4],
                "month": month,
                "day": 1,
                "abstract": one_line(paper.get("abstract")) or None,
            }
            lines.write(json.dumps(row, ensure_ascii=False) + "\n")
    return profile, jsonl, copies


def measure(path: Path, runs: int, folder: Path) -> tuple[float, float, float, int, int]:
    """Median wall and CPU seconds, median peak RSS (MiB), papers and problems, over ``runs``."""
    seconds: list[float] = []
    cpus: list[float] = []
    peaks: list[float] = []
    papers = problems = 0
    for run in range(runs):
        cache = folder / f"cache-{path.stem}-{run}"  # fresh: the parse cache never answers
        env = dict(os.environ, PAPERBROWSE_CACHE_DIR=str(cache))
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(path)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        seconds.append(float(out[0]))
        cpus.append(float(out[1]))
        peaks.append(int(out[2]) / 1024)
        papers, problems = int(out[3]), int(out[4])
    median = statistics.median
    return median(seconds), median(cpus), median(peaks), papers, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not CORPUS.is_file():
        print(f"no corpus at {CORPUS}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="pb-bench-profile-") as name:
        folder = Path(name)
        profile, jsonl, copies = write_files(folder, args.papers)
        print(Mix(args.papers - copies, copies))
        print(f"median of {args.runs} runs, core.library.load in a child process, empty cache")
        for path in (profile, jsonl):
            size = path.stat().st_size / 2**20
            seconds, cpu, peak, papers, problems = measure(path, args.runs, folder)
            print(
                f"  {path.suffix:<7} {size:5.1f} MiB  {seconds:6.2f} s (CPU {cpu:6.2f} s)  "
                f"peak RSS {peak:5.0f} MiB  ({papers:,} papers, {problems} problems)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
