"""Keystroke to the result count painted, in tmux: what a user feels when typing a search.

For each prefix of real queries (title words and author names from the library
itself) one key is sent to the installed paperbrowse in tmux, and the screen is
captured each time the app writes to it (a tmux control-mode client reports the
pane's output), until the search bar shows that prefix and the result count that
``Library.search`` gives for it (worked out here, on the same library). A key's time
ends when the app wrote that frame. Only keys that change the count are timed: when
the count stays the same, its old figure cannot tell the new search's paint apart,
so such a key is waited out but not counted. After each key the bench waits until
its prefix is painted, so every figure is one key's latency.

Beside paperbrowse, in the same run and taking turns query by query (so that the
machine's load falls on all alike), it types the same keys into a bare Textual app
with one Input and a count (bare_input.py: the floor of Textual, tmux and this
measuring) and, with ``--baseline``, into another tree's paperbrowse (before and
after a change). It prints p50, p90, p99 and max over the timed keys, for each
library named and for the bundled profile.

    python tests/bench/bench_keys.py --quick ../shared/corpus/acl-anthology-2016-2021.bib
    python tests/bench/bench_keys.py --baseline ../main/tui big.jsonl     # before/after
    python tests/bench/bench_keys.py big.jsonl other.bib     # each, then the bundled profile
    python tests/bench/bench_keys.py --pace 120 big.jsonl    # a key every 120 ms at most
    python tests/bench/bench_keys.py --inside big.jsonl      # and each key's time split

``--inside`` runs each app through keys_inside.py, which logs when each key reached it
and when each frame was written to the terminal, and splits each timed key's time in
three: tmux handing the key to the app, the app (key to its frame written), and tmux
taking the frame in until it reports it.

Everything the app writes (config, caches) goes to a temporary folder, so the
first open of a file is cold. The machine's load is printed: figures on a shared
machine are noisy. ``BENCH_KEYS_SOCKET`` names the tmux servers (``-L``) it starts.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import queue
import random
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from soak_keys import READY_TIMEOUT, SESSION, Pane, app_env, outlived

import paperbrowse
from paperbrowse.core.locations import bundled_profile

COUNT = re.compile(r"([\d,]+) of [\d,]+ papers?")
BUILDING = "Building the search index"
POLL = float(os.environ.get("BENCH_KEYS_POLL", "0.002"))  # seconds between captures
KEY_TIMEOUT = 5.0  # seconds for one key's result before it is called lost
# Seconds from one key to the next at least (``--pace``): 0, each key as soon as the one
# before is painted. A person types a key every 100-250 ms, and between keys the app
# does what waits for typing to pause (the detail pane follows after 0.1 s): a key that
# comes while that is drawn waits for it, which typing flat out never shows.
PACE = 0.0
WORD = re.compile(r"[a-z]{4,}")
SOCKET = os.environ.get("BENCH_KEYS_SOCKET", "bench-keys")  # tmux -L prefix: a private server
VERBOSE = bool(os.environ.get("BENCH_KEYS_VERBOSE"))  # print every key's figures
INSIDE = False  # ``--inside``: the apps run through keys_inside.py, each key's time split


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


class ControlPane(Pane):
    """The app in tmux, driven through one tmux control-mode client (``tmux -C``).

    Keys and captures are commands written to that client, not a tmux process each:
    polling with ``capture-pane`` every 2 ms started some 200 tmux processes a second,
    which took the CPU the app needed on a 2-core machine and made the app look slower.
    The pane's output comes as ``%output`` notifications, so the screen is captured
    only after the app wrote something, and a key's time ends when the app wrote the
    frame that showed its result (not when a poll happened to look).
    """

    def start(self) -> None:
        super().start()
        self.client = subprocess.Popen(
            ["tmux", "-L", self.socket, "-C", "attach", "-t", SESSION],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
        )
        self.outputs = 0  # %output notifications so far
        self.last_output = 0.0  # perf_counter() when the latest one came
        self.changed = threading.Condition()
        self.replies: queue.SimpleQueue[tuple[list[str], float]] = queue.SimpleQueue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.client.stdout is not None
        block: list[str] | None = None
        for raw in self.client.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if block is not None:
                if line.startswith(("%end ", "%error ")):
                    self.replies.put((block, self.last_output))
                    block = None
                else:
                    block.append(line)
            elif line.startswith("%begin "):
                block = []
            elif line.startswith("%output "):
                with self.changed:
                    self.outputs += 1
                    self.last_output = time.perf_counter()
                    self.changed.notify_all()
            elif line.startswith("%exit"):
                break

    def ask(self, line: str) -> tuple[list[str], float]:
        """Run one tmux command; its output lines, and when the app last wrote before it."""
        assert self.client.stdin is not None
        self.client.stdin.write(line.encode("utf-8") + b"\n")
        return self.replies.get(timeout=KEY_TIMEOUT)

    def send(self, burst: list[tuple[str, ...]]) -> None:
        for token_args in burst:
            self.ask(shlex.join(["send-keys", "-t", SESSION, *token_args]))

    def screen(self) -> str:
        return "\n".join(self.ask(f"capture-pane -p -t {SESSION}")[0])

    def capture(self) -> tuple[str, float]:
        """The screen, and when the app wrote the last of what it shows."""
        lines, written = self.ask(f"capture-pane -p -t {SESSION}")
        return "\n".join(lines), written

    def wait_output(self, seen: int, deadline: float) -> bool:
        """Wait until the app writes something after the ``seen``-th notification."""
        with self.changed:
            while self.outputs <= seen:
                left = deadline - time.perf_counter()
                if left <= 0:
                    return False
                self.changed.wait(left)
        return True

    def stop(self) -> None:
        if self.client.stdin is not None:
            self.client.stdin.close()
        self.client.wait(timeout=5)
        super().stop()


def clear_query(pane: Pane, total: int) -> None:
    pane.send([("C-u",)])  # the input's "delete to start of line"
    deadline = time.monotonic() + KEY_TIMEOUT
    while time.monotonic() < deadline and not painted(pane.screen(), "", total):
        time.sleep(0.005)


def wait_painted(
    pane: Pane, shown: str, expected: int, start: float, timeout: float = KEY_TIMEOUT
) -> tuple[float, float] | None:
    """When the count for ``shown`` was painted, and when ``shown`` was first echoed in
    the search bar (perf_counter times); None if not within ``timeout`` seconds."""
    deadline = start + timeout
    echoed = None
    if isinstance(pane, ControlPane):
        while True:
            seen = pane.outputs
            screen, written = pane.capture()
            line = search_line(screen) or ""
            if echoed is None and shown in line:
                echoed = max(written, start)
            if painted(screen, shown, expected):
                return max(written, start), echoed or written
            if not pane.wait_output(seen, deadline):
                return None
    while not painted(screen := pane.screen(), shown, expected):
        if echoed is None and shown in (search_line(screen) or ""):
            echoed = time.perf_counter()
        if time.perf_counter() > deadline:
            return None
        time.sleep(POLL)  # each capture is a tmux process; don't starve the app of CPU
    now = time.perf_counter()
    return now, echoed or now


@dataclass
class Typed:
    """One app's figures: latencies and echoes in ms, keys untimed and lost."""

    latencies: list[float] = field(default_factory=list)
    echoes: list[float] = field(default_factory=list)
    keys: list[tuple[float, float]] = field(default_factory=list)  # timed: (sent, painted)
    untimed: int = 0
    lost: int = 0


def type_query(
    pane: Pane,
    library: paperbrowse.Library,
    query: str,
    typed: Typed,
    timeout: float = KEY_TIMEOUT,
    timed_if: Callable[[str], bool] = lambda screen: True,
) -> None:
    """Clear the search bar, then type ``query`` one key at a time, each key waited for
    (``timeout`` seconds at most). A key is timed only if ``timed_if`` holds for the
    screen once its count is painted (the full-text bench times only the keys typed
    while PDFs were being extracted)."""
    total = len(library.find(""))
    clear_query(pane, total)
    previous = total
    start = 0.0
    for end in range(1, len(query) + 1):
        prefix = query[:end]
        expected = len(library.find(prefix))
        shown = prefix.rstrip() if prefix.endswith(" ") else prefix
        time.sleep(max(0.0, start + PACE - time.perf_counter()))  # a typist's pace
        start = time.perf_counter()
        pane.send([("-l", query[end - 1])])
        times = wait_painted(pane, shown, expected, start, timeout)
        if VERBOSE:
            took = "lost" if times is None else f"{(times[0] - start) * 1000:.1f} ms"
            print(f"    {pane.socket}: {prefix!r} ({expected:,}) {took}", flush=True)
        if times is None:
            typed.lost += 1
            print(f"    lost: {prefix!r} ({expected:,}) never painted:\n{pane.screen()}")
        elif expected != previous and timed_if(pane.screen()):
            typed.latencies.append((times[0] - start) * 1000)
            typed.keys.append((start, times[0]))
            typed.echoes.append((times[1] - start) * 1000)
        else:
            typed.untimed += 1
            time.sleep(0.05)  # let a search with the same count land before the next key
        previous = expected


def type_queries(
    pane: Pane,
    library: paperbrowse.Library,
    queries: list[str],
    timed_if: Callable[[str], bool] = lambda screen: True,
) -> tuple[list[float], list[float], int, int]:
    """Latencies in ms of the timed keys; how many keys were untimed and lost."""
    typed = Typed()
    pane.send([("/",)])  # focus the search bar
    for query in queries:
        type_query(pane, library, query, typed, timed_if=timed_if)
    return typed.latencies, typed.echoes, typed.untimed, typed.lost


def summary(latencies: list[float]) -> str:
    if len(latencies) < 2:
        return f"{len(latencies)} keys timed: too few"
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return (
        f"p50 {cuts[49]:.1f} ms, p90 {cuts[89]:.1f} ms, p99 {cuts[98]:.1f} ms, "
        f"max {max(latencies):.1f} ms over {len(latencies)} keys"
    )


def counts_table(library: paperbrowse.Library, queries: list[str], path: Path) -> None:
    """The counts the bare app shows: each prefix typed, as Library.find counts it."""
    prefixes = {query[:end] for query in queries for end in range(len(query) + 1)}
    counts = {prefix: len(library.find(prefix)) for prefix in prefixes}
    path.write_text(json.dumps({"counts": counts, "total": len(library.find(""))}))


@dataclass
class Contender:
    """One app typed into: a label, its command and PYTHONPATH, and its figures."""

    label: str
    command: list[str]
    pythonpath: str
    focus_key: str | None  # what moves focus to the search bar ("/"), if anything
    typed: Typed = field(default_factory=Typed)
    pane: Pane | None = None
    split: str = ""  # ``--inside``: each timed key's time split in three


def inside(command: list[str], log: Path) -> list[str]:
    """``command`` run through keys_inside.py, logging into ``log``."""
    script = command[1:] if command[0] == sys.executable else command
    return [sys.executable, str(Path(__file__).with_name("keys_inside.py")), str(log), *script]


def split_keys(keys: list[tuple[float, float]], log: Path) -> str:
    """Each timed key's time in three (ms, p50 / p90 / p99): from its sending to the
    app's reading it, to the app's writing the frame that showed its count (the last
    one written before tmux reported it), and on to tmux's report."""
    if not log.exists():
        return "no log written"
    # (Two threads write the log: a line cut short is skipped.)
    events = [fields for line in log.read_text().splitlines() if len(fields := line.split()) == 2]
    read = sorted(float(when) for kind, when in events if kind == "key")
    written = sorted(float(when) for kind, when in events if kind == "frame")
    parts: tuple[list[float], list[float], list[float]] = ([], [], [])
    for sent, painted_at in keys:
        at = bisect.bisect_left(read, sent)
        last = bisect.bisect_right(written, painted_at) - 1
        if at == len(read) or last < 0 or not read[at] <= written[last] <= painted_at:
            continue
        for part, took in zip(
            parts,
            (read[at] - sent, written[last] - read[at], painted_at - written[last]),
            strict=True,
        ):
            part.append(took * 1000)
    if len(parts[0]) < 2:
        return f"{len(parts[0])} keys matched in the log: too few"
    figures = []
    for part in parts:
        cuts = statistics.quantiles(part, n=100, method="inclusive")
        figures.append(f"{cuts[49]:.1f} / {cuts[89]:.1f} / {cuts[98]:.1f}")
    return (
        f"tmux handing the key over {figures[0]}; the app, key to frame written "
        f"{figures[1]}; tmux taking the frame in {figures[2]} ms (p50 / p90 / p99, "
        f"{len(parts[0])} keys)"
    )


def bench(
    path: Path | None,
    queries_wanted: int,
    seed: int,
    size: tuple[int, int],
    baseline: Path | None,
    floor: bool,
) -> None:
    """Type the same queries into each contender, taking turns query by query, so that a
    change in the machine's load falls on all of them alike."""
    name = str(path) if path else "the bundled profile"
    library = paperbrowse.load(path or bundled_profile())
    *queries, warm_up = pick_queries(library, queries_wanted + 1, seed)
    app = ["paperbrowse"] + ([str(path.resolve())] if path else [])
    here = os.environ.get("PYTHONPATH", "")
    with tempfile.TemporaryDirectory(prefix="bench-keys-") as folder:
        home = Path(folder)
        contenders = [Contender("this tree", app, here, "/")]
        if baseline is not None:
            contenders.append(Contender(f"baseline {baseline}", app, str(baseline), "/"))
        if floor:
            counts_table(library, [*queries, warm_up], home / "counts.json")
            bare = [sys.executable, str(Path(__file__).with_name("bare_input.py"))]
            bare.append(str(home / "counts.json"))
            contenders.append(Contender("bare Textual (Input + count)", bare, here, None))
        try:
            for number, contender in enumerate(contenders):
                (home / str(number)).mkdir()
                socket = f"{SOCKET}-{os.getpid()}-{number}"
                work = home / str(number)
                env = app_env(work, contender.pythonpath)
                command = (
                    inside(contender.command, home / f"{number}.log")
                    if INSIDE
                    else contender.command
                )
                contender.pane = ControlPane(socket, command, work, env, size)
                contender.pane.start()
            for contender in contenders:
                assert contender.pane is not None
                if not wait_index(contender.pane):
                    print(f"{contender.label}: not ready:\n{contender.pane.screen()}")
                    return
                if contender.focus_key:
                    contender.pane.send([(contender.focus_key,)])
            # A first query, not timed: its first key waits for the search index (the
            # list shows papers before it is built), and an app's first keys met its
            # background work after the index (citations, the marks) and first-use
            # imports, which took seconds on a loaded machine and fell on whichever app
            # was typed into first.
            for contender in contenders:
                assert contender.pane is not None
                type_query(contender.pane, library, warm_up, Typed(), READY_TIMEOUT)
            for number, query in enumerate(queries):
                # Each takes its turn first: the first of a round follows a pause.
                turn = number % len(contenders)
                for contender in contenders[turn:] + contenders[:turn]:
                    assert contender.pane is not None
                    type_query(contender.pane, library, query, contender.typed)
        finally:
            for contender in contenders:
                if contender.pane is not None:
                    contender.pane.stop()
            for contender in contenders:
                if contender.pane is not None:
                    # Before the folder goes: an app still saving into it after SIGHUP
                    # made its removal fail ("Directory not empty"). A hung one is reported.
                    outlived(contender.pane.workdir)
            if INSIDE:
                for number, contender in enumerate(contenders):
                    contender.split = split_keys(contender.typed.keys, home / f"{number}.log")
    print(
        f"{name}: {len(library.papers):,} papers, {len(queries)} queries "
        f"({', '.join(repr(q) for q in queries[:6])}{', …' if len(queries) > 6 else ''})"
    )
    for contender in contenders:
        typed = contender.typed
        print(f"  {contender.label}:")
        print(f"    keystroke to count painted: {summary(typed.latencies)}")
        print(f"    keystroke to its letter echoed in the search bar: {summary(typed.echoes)}")
        if contender.split:
            print(f"    split (--inside): {contender.split}")
        print(
            f"    {typed.untimed} keys left the count unchanged (not timed); {typed.lost} lost "
            f"(no paint in {KEY_TIMEOUT:g} s)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("libraries", nargs="*", type=Path, help="library files to open")
    parser.add_argument("--quick", action="store_true", help="6 queries instead of 30")
    parser.add_argument("--queries", type=int, default=None)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--size", default="120x35", help="terminal columns x rows")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another tree's tui/ folder (e.g. ../main/tui): its app typed into in turn",
    )
    parser.add_argument("--no-floor", action="store_true", help="leave out the bare Textual app")
    parser.add_argument(
        "--pace", type=float, default=0, help="ms from one key to the next at least (a typist's)"
    )
    parser.add_argument(
        "--inside", action="store_true", help="split each key's time: tmux, the app, tmux"
    )
    args = parser.parse_args()
    global PACE, INSIDE
    PACE = args.pace / 1000
    INSIDE = args.inside
    if shutil.which("tmux") is None or shutil.which("paperbrowse") is None:
        print("needs tmux and an installed paperbrowse on PATH")
        return 2
    wanted = args.queries or (6 if args.quick else 30)
    width, height = (int(part) for part in args.size.split("x"))
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    if PACE:
        print(f"keys sent at least {args.pace:g} ms apart")
    for path in [*args.libraries, None]:
        bench(path, wanted, args.seed, (width, height), args.baseline, not args.no_floor)
        print(f"load average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
