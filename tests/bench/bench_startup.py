"""Time from launching paperbrowse to its first usable screen, as a user sees it.

Runs the command in a detached tmux session and polls the screen until a
marker appears (by default the result count, which shows once papers are
listed), then quits. Prints each run and the median.

    python tests/bench/bench_startup.py                       # bundled profile, 10 runs
    python tests/bench/bench_startup.py --runs 5 -- paperbrowse big.jsonl
    python tests/bench/bench_startup.py --marker "Loading" -- paperbrowse big.jsonl
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import statistics
import subprocess
import sys
import time

SESSION = "pb-bench-startup"
IDLE_SESSION = "pb-bench-startup-idle"


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True).stdout


def one_run(command: list[str], marker: str, timeout: float) -> float | None:
    tmux("kill-session", "-t", SESSION)
    start = time.perf_counter()
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", SESSION, "-x", "120", "-y", "35", shlex.join(command)],
        check=True,
    )
    try:
        while time.perf_counter() - start < timeout:
            if marker in tmux("capture-pane", "-p", "-t", SESSION):
                return time.perf_counter() - start
            time.sleep(0.01)
        return None
    finally:
        tmux("send-keys", "-t", SESSION, "C-q")
        time.sleep(0.3)
        tmux("kill-session", "-t", SESSION)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--marker", default=" papers · ", help="text that means 'usable'")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("command", nargs="*", default=["paperbrowse"])
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is not installed; nothing measured")
        return 0
    times: list[float] = []
    # As in a terminal already open: a session idling through the runs keeps the tmux
    # server up, so no run pays for starting one (that added 0.05-0.1 s and noise).
    # (Not through tmux(): a server started there would hold its output pipe open.)
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", IDLE_SESSION, "sleep 100000"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for run in range(1, args.runs + 1):
            elapsed = one_run(args.command, args.marker, args.timeout)
            print(f"run {run}: " + (f"{elapsed:.3f} s" if elapsed is not None else "timed out"))
            if elapsed is not None:
                times.append(elapsed)
    finally:
        tmux("kill-session", "-t", IDLE_SESSION)
    if times:
        print(
            f"{shlex.join(args.command)}: median {statistics.median(times):.3f} s "
            f"over {len(times)} runs (min {min(times):.3f}, max {max(times):.3f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
