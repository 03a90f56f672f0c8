"""Peak memory and time of `paperbrowse parse` on very large files (issue 7: hostile input).

    python tests/bench/bench_big_file.py             # 200 MB BibTeX and JSON Lines, and a
                                                     # file over the size cap
    python tests/bench/bench_big_file.py --mb 20     # a quicker run

Files are written to a temporary folder and removed afterwards: the 71,244 real,
distinct ACL Anthology papers (``acl-anthology-all-2021.jsonl``) first, as JSON Lines
and as BibTeX entries, then copies of them with distinct ids, shifted years and no
DOI (tests/bench/real_papers.py) until the file is big enough; each line says how many
are real and how many copies. Each file is parsed once with an empty cache, then
searched once from the cache. Peak RSS is the child process's ``ru_maxrss``.
Figures only: nothing is asserted.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_papers import CORPUS, Mix, corpus_rows  # real papers first, then copies

ENOUGH = 1 << 62  # rows: the file's size, not a count, ends the writing


def write_jsonl(path: Path, size: int) -> Mix:
    """At least ``size`` bytes of JSON Lines: the corpus's rows, then copies of them."""
    real = copies = 0
    with path.open("w", encoding="utf-8") as out:
        for row, copy in corpus_rows(ENOUGH):
            if out.tell() >= size:
                break
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            copies += copy > 0
            real += copy == 0
    return Mix(real, copies)


def _braced(text: object) -> str:
    """A field value that cannot unbalance an entry's braces."""
    return str(text).replace("\\", " ").replace("{", "(").replace("}", ")")


def write_bibtex(path: Path, size: int) -> Mix:
    """The same rows as BibTeX entries, until the file holds ``size`` bytes."""
    real = copies = 0
    with path.open("w", encoding="utf-8") as out:
        for number, (row, copy) in enumerate(corpus_rows(ENOUGH)):
            if out.tell() >= size:
                break
            fields = {
                "title": row.get("title"),
                "author": " and ".join(row.get("authors") or []) or None,
                "booktitle": row.get("venue"),
                "year": row.get("year"),
                "url": row.get("url"),
                "abstract": row.get("abstract"),
            }
            body = "".join(
                f"  {name} = {{{_braced(value)}}},\n" for name, value in fields.items() if value
            )
            out.write(f"@inproceedings{{row{number},\n{body}}}\n\n")
            copies += copy > 0
            real += copy == 0
    return Mix(real, copies)


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
    if not CORPUS.is_file():
        sys.exit(f"bench: {CORPUS} not found (../shared beside the checkout)")
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
        for kind, (path, mix) in files.items():
            megabytes = path.stat().st_size / 1e6
            cache = root / f"cache-{path.suffix[1:]}"
            took, peak, status, _ = run(["parse", str(path)], cache)
            print(
                f"{kind} {megabytes:,.0f} MB ({mix}), first parse: {took:.1f} s, "
                f"peak {peak:,.0f} MB, exit {status}"
            )
            took, peak, status, _ = run(["search", "neural translation", str(path)], cache)
            print(
                f"{kind} {megabytes:,.0f} MB, search from the cache: {took:.1f} s, "
                f"peak {peak:,.0f} MB, exit {status}"
            )


if __name__ == "__main__":
    main()
