"""Decoding a large file: clean UTF-8, UTF-8 with one stray windows-1252 byte, all windows-1252.

``files.decode`` on the 31 MB ACL Anthology .bib as it is, with one byte 0xE9
put into a title (the case where only that byte may fall back), and the same
text in windows-1252 throughout (accents as single bytes; characters it lacks
as "?"). Median of ``--runs`` runs, in-process, in milliseconds.

    python tests/bench/bench_decode.py
    python tests/bench/bench_decode.py --runs 9 path/to/library.bib
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from paperbrowse.core.files import decode

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT.parent / "shared" / "corpus" / "acl-anthology-2016-2021.bib"


def with_stray_byte(data: bytes) -> bytes:
    """The file with 0xE9 put before the first letter of the title halfway through it."""
    title = data.index(b'\n    title = "', len(data) // 2) + len(b'\n    title = "')
    return data[:title] + b"\xe9" + data[title:]


def as_windows_1252(data: bytes) -> bytes:
    """The file in windows-1252, its 14,000 LaTeX e-acutes written as the byte 0xE9."""
    text = data.decode("utf-8").replace("{\\'e}", "\u00e9").replace("\\'e", "\u00e9")
    return text.encode("cp1252", errors="replace")


def median_ms(data: bytes, runs: int) -> tuple[float, int]:
    times: list[float] = []
    problems = 0
    for _ in range(runs):
        start = time.perf_counter()
        _, found = decode(data, "bench.bib")
        times.append(time.perf_counter() - start)
        problems = len(found)
    return statistics.median(times) * 1000, problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    clean = args.path.read_bytes()
    cases = {
        "clean UTF-8": clean,
        "UTF-8 + one 0xE9": with_stray_byte(clean),
        "all windows-1252": as_windows_1252(clean),
    }
    print(f"{args.path.name}: {len(clean) / 2**20:.1f} MiB, median of {args.runs} runs")
    for name, data in cases.items():
        milliseconds, problems = median_ms(data, args.runs)
        print(f"  {name:<18} {milliseconds:8.1f} ms  ({problems} warning(s))")


if __name__ == "__main__":
    main()
