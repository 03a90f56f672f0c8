"""Keystroke to the result count painted, in tmux: what a user feels when typing a search.

For each prefix of real queries (title words and author names from the library
itself) one key is sent to the installed paperbrowse in tmux, and the screen is
polled (``capture-pane``, in a tight loop) until the search bar shows that
prefix and the result count that ``Library.search`` gives for it (worked out
here, on the same library). Only keys that change the count are timed: when the
count stays the same, its old figure cannot tell the new search's paint apart,
so such a key is waited out but not counted. After each key the bench waits
until its prefix is painted, so every figure is one key's latency.

It prints p50, p90, p99 and max over the timed keys, for each library named and
for the bundled profile (no file argument: the floor).

    python tests/bench/bench_keys.py --quick ../shared/corpus/acl-anthology-2016-2021.bib
    python tests/bench/bench_keys.py big.jsonl other.bib     # each, then the bundled profile

Everything the app writes (config, caches) goes to a temporary folder, so the
first open of a file is cold. The machine's load is printed: figures on a shared
machine are noisy.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from soak_keys import READY_TIMEOUT, Pane

import paperbrowse
from paperbrowse.core.library import bundled_profile

COUNT = re.compile(r"([\d,]+) of [\d,]+ papers?")
BUILDING = "Building the search index"
POLL = float(os.environ.get("BENCH_KEYS_POLL", "0.002"))  # seconds between captures
KEY_TIMEOUT = 5.0  # seconds for one key's result before it is called lost
WORD = re.compile(r"[a-z]{4,}")


def pick_queries(library: paperbrowse.Library, count: int, seed: int) -> list[str]:
    """Real queries: a title word, two title words, an author's family name."""
    rng = random.Random(seed)
    papers = [paper for paper in library.papers if paper.title]
    queries: list[str] = []
    while len(queries) < count and papers:
        paper = rng.choice(papers)
        words = WORD.findall(paper.title.lower())
        kind = len(queries) % 3
        if kind == 0 and words:
            query = rng.choice(words)
        elif kind == 1 and len(words) >= 2:
            start = rng.randrange(len(words) - 1)
            query = " ".join(words[start : start + 2])
        elif kind == 2 and paper.authors:
            query = WORD.findall(rng.choice(paper.authors).lower().split(",")[0]) or [""]
            query = query[-1]
        else:
            continue
        if query and query not in queries:
            queries.append(query)
    return queries


def search_line(screen: str) -> str | None:
    """The search bar's row: the one holding the result count."""
    for line in screen.splitlines():
        if COUNT.search(line):
            return line
    return None


def painted(screen: str, prefix: str, count: int) -> bool:
    line = search_line(screen)
    if line is None:
        return False
    found = COUNT.search(line)
    return found is not None and int(found.group(1).replace(",", "")) == count and prefix in line


def wait_index(pane: Pane) -> bool:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        screen = pane.screen()
        if search_line(screen) is not None and BUILDING not in screen:
            return True
        time.sleep(0.1)
    return False


def clear_query(pane: Pane, total: int) -> None:
    pane.send([("C-u",)])  # the input's "delete to start of line"
    deadline = time.monotonic() + KEY_TIMEOUT
    while time.monotonic() < deadline and not painted(pane.screen(), "", total):
        time.sleep(0.005)


def type_queries(
    pane: Pane,
    library: paperbrowse.Library,
    queries: list[str],
    timed_if: Callable[[str], bool] = lambda screen: True,
) -> tuple[list[float], list[float], int, int]:
    """Latencies in ms of the timed keys; how many keys were untimed and lost. A key is
    timed only if ``timed_if`` holds for the screen its count was painted on (the
    full-text bench times only the keys typed while PDFs were being extracted)."""
    latencies: list[float] = []
    echoes: list[float] = []  # the same keys: until the prefix alone was painted in the input
    untimed = lost = 0
    pane.send([("/",)])  # focus the search bar
    for query in queries:
        clear_query(pane, len(library.find("")))
        previous = len(library.find(""))
        for end in range(1, len(query) + 1):
            prefix = query[:end]
            expected = len(library.find(prefix))
            shown = prefix.rstrip() if prefix.endswith(" ") else prefix
            start = time.perf_counter()
            pane.send([("-l", query[end - 1])])
            deadline = start + KEY_TIMEOUT
            echoed = None
            while not painted(screen := pane.screen(), shown, expected):
                if echoed is None and shown in (search_line(screen) or ""):
                    echoed = time.perf_counter()
                if time.perf_counter() > deadline:
                    lost += 1
                    break
                time.sleep(POLL)  # each capture is a tmux process; don't starve the app of CPU
            else:
                now = time.perf_counter()
                if expected != previous and timed_if(screen):
                    latencies.append((now - start) * 1000)
                    echoes.append(((echoed or now) - start) * 1000)
                else:
                    untimed += 1
                    time.sleep(0.05)  # let a search with the same count land before the next key
            previous = expected
    return latencies, echoes, untimed, lost


def summary(latencies: list[float]) -> str:
    if len(latencies) < 2:
        return f"{len(latencies)} keys timed: too few"
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return (
        f"p50 {cuts[49]:.1f} ms, p90 {cuts[89]:.1f} ms, p99 {cuts[98]:.1f} ms, "
        f"max {max(latencies):.1f} ms over {len(latencies)} keys"
    )


def app_env(home: Path) -> dict[str, str]:
    """The app's environment: everything it writes (config, caches) under ``home``."""
    env = {
        name: str(home / name.lower())
        for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")
    }
    return env | {
        "PAPERBROWSE_DATA_DIR": str(home / "data"),
        "BROWSER": "true",
        "TERM": "xterm-256color",
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
    }


def bench(path: Path | None, queries_wanted: int, seed: int, size: tuple[int, int]) -> None:
    name = str(path) if path else "the bundled profile"
    library = paperbrowse.load(path or bundled_profile())
    queries = pick_queries(library, queries_wanted, seed)
    command = ["paperbrowse"] + ([str(path.resolve())] if path else [])
    with tempfile.TemporaryDirectory(prefix="bench-keys-") as folder:
        home = Path(folder)
        env = app_env(home)
        for variable in ("PAPERBROWSE_TRACE",):
            if variable in os.environ:
                env[variable] = os.environ[variable]
        (home / "work").mkdir()
        pane = Pane(f"bench-keys-{os.getpid()}", command, home / "work", env, size)
        try:
            pane.start()
            if not wait_index(pane):
                print(f"{name}: the app did not get ready:\n{pane.screen()}")
                return
            latencies, echoes, untimed, lost = type_queries(pane, library, queries)
        finally:
            pane.stop()
    print(
        f"{name}: {len(library.papers):,} papers, {len(queries)} queries "
        f"({', '.join(repr(q) for q in queries[:6])}{', …' if len(queries) > 6 else ''})"
    )
    print(f"  keystroke to count painted: {summary(latencies)}")
    print(f"  keystroke to its letter echoed in the search bar: {summary(echoes)}")
    print(
        f"  {untimed} keys left the count unchanged (not timed); {lost} lost "
        f"(no paint in {KEY_TIMEOUT:g} s)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("libraries", nargs="*", type=Path, help="library files to open")
    parser.add_argument("--quick", action="store_true", help="6 queries instead of 30")
    parser.add_argument("--queries", type=int, default=None)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--size", default="120x35", help="terminal columns x rows")
    args = parser.parse_args()
    if shutil.which("tmux") is None or shutil.which("paperbrowse") is None:
        print("needs tmux and an installed paperbrowse on PATH")
        return 2
    wanted = args.queries or (6 if args.quick else 30)
    width, height = (int(part) for part in args.size.split("x"))
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    for path in [*args.libraries, None]:
        bench(path, wanted, args.seed, (width, height))
    print(f"load average {os.getloadavg()[0]:.2f} after")
    return 0


if __name__ == "__main__":
    sys.exit(main())
