"""Peak memory and time of `paperbrowse parse` on very large files (issue 7: hostile input).

    python tests/bench/bench_big_file.py             # 200 MB BibTeX and JSON Lines, and a
                                                     # file over the size cap
    python tests/bench/bench_big_file.py --mb 20     # a quicker run

Files are generated in a temporary folder (synthetic entries with ~1 KB
abstracts, every title different) and removed afterwards. Each file is parsed
once with an empty cache, then searched once from the cache. Peak RSS is the
child process's ``ru_maxrss``. Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = [
    "neural",
    "translation",
    "model",
    "attention",
    "corpus",
    "language",
    "parsing",
    "syntax",
    "semantic",
    "evaluation",
    "benchmark",
    "transformer",
    "dataset",
    "annotation",
    "lexical",
    "grammar",
]


def _abstract(number: int) -> str:
    return " ".join(WORDS[(number * 7 + i * 3) % len(WORDS)] for i in range(140))


def write_bibtex(path: Path, size: int) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as out:
        while out.tell() < size:
            count += 1
            out.write(
                f"@inproceedings{{key{count},\n  title = {{Paper {count} on "
                f'{WORDS[count % len(WORDS)]} {{M}}{{\\"u}}ller}},\n'
                f'  author = {{M{{\\"u}}ller, J{{\\"o}}rg and Smith, Ann and others}},\n'
                f"  booktitle = {{Proceedings of the Workshop}},\n"
                f"  year = {{{2000 + count % 25}}},\n"
                f"  month = jul,\n  url = {{https://example.org/{count}}},\n"
                f"  abstract = {{{_abstract(count)}}}\n}}\n\n"
            )
    return count


def write_jsonl(path: Path, size: int) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as out:
        while out.tell() < size:
            count += 1
            record = {
                "id": f"w{count}",
                "title": f"Paper {count} on {WORDS[count % len(WORDS)]}",
                "authors": ["Jörg Müller", "Ann Smith"],
                "year": str(2000 + count % 25),
                "venue": "Workshop",
                "abstract": _abstract(count),
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return count


def run(arguments: list[str], cache: Path) -> tuple[float, float, int, str]:
    """Seconds, peak RSS in MB, exit status and the first stderr line of one paperbrowse run."""
    env = {**os.environ, "PAPERBROWSE_CACHE_DIR": str(cache)}
    code = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "took = time.perf_counter() - start\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "line = (done.stderr.splitlines() or [''])[0][:110]\n"
        "print(took, peak, done.returncode, line, sep='\\t')\n"
    )  # a fresh process per run, so ru_maxrss is this run's alone
    command = [sys.executable, "-c", code, sys.executable, "-m", "paperbrowse", *arguments]
    output = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
    took, peak, status, line = output.rstrip("\n").split("\t", 3)
    scale = 1 if sys.platform != "darwin" else 1024  # ru_maxrss: KiB on Linux, bytes on macOS
    return float(took), int(peak) / 1024 / scale, int(status), line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=int, default=200, help="size of each file (default 200)")
    args = parser.parse_args()
    from paperbrowse.core.files import MAX_FILE_BYTES

    size = args.mb * 1_000_000
    with tempfile.TemporaryDirectory(prefix="pb-big-") as folder:
        root = Path(folder)
        started = time.perf_counter()
        files = {
            "BibTeX": (root / "big.bib", write_bibtex(root / "big.bib", size)),
            "JSON Lines": (root / "big.jsonl", write_jsonl(root / "big.jsonl", size)),
        }
        over = root / "over-cap.bib"
        with over.open("wb") as handle:  # sparse: no disk used
            handle.truncate(MAX_FILE_BYTES + 1)
        print(
            f"files written in {time.perf_counter() - started:.1f} s; "
            f"cap {MAX_FILE_BYTES // 2**20} MiB; python {sys.version.split()[0]}"
        )
        took, peak, status, line = run(["parse", str(over)], root / "cache")
        print(
            f"over the cap ({over.stat().st_size // 2**20} MiB): {took:.2f} s, "
            f"peak {peak:,.0f} MB, exit {status}: {line}"
        )
        for kind, (path, count) in files.items():
            megabytes = path.stat().st_size / 1e6
            cache = root / f"cache-{path.suffix[1:]}"
            took, peak, status, _ = run(["parse", str(path)], cache)
            print(
                f"{kind} {megabytes:,.0f} MB ({count:,} papers), first parse: {took:.1f} s, "
                f"peak {peak:,.0f} MB, exit {status}"
            )
            took, peak, status, _ = run(["search", "neural translation", str(path)], cache)
            print(
                f"{kind} {megabytes:,.0f} MB, search from the cache: {took:.1f} s, "
                f"peak {peak:,.0f} MB, exit {status}"
            )


if __name__ == "__main__":
    main()
