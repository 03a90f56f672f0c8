"""Time from launching paperbrowse to its first usable screen, as a user sees it.

Runs the command in a detached tmux session and polls the screen until a
marker appears (by default the result count, which shows once papers are
listed), then quits. Prints each run and the median, and the same for a bare
Textual app (``bare_textual_app.py``: one line of text) launched the same way,
alternating with paperbrowse run by run, and the ratio of the two medians: the
part of the launch that is paperbrowse's own.

    python tests/bench/bench_startup.py                       # bundled profile, 10 runs
    python tests/bench/bench_startup.py --no-floor            # without the bare app
    python tests/bench/bench_startup.py --runs 5 -- paperbrowse big.jsonl
    python tests/bench/bench_startup.py --marker "Loading" -- paperbrowse big.jsonl
    python tests/bench/bench_startup.py --first-launch        # nothing kept from a launch before

A launch draws the first screen the last launch on the same files kept
(``core.first_screen``) before it reads them; ``--first-launch`` forgets it before each
run, as on a new machine or after the files changed (a small library's is then kept by a
second process while the app starts, ``app.first_screen_ahead``).
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

# A tmux server of its own, so runs never meet sessions of other work on the machine.
SOCKET = "pb-bench-startup"
SESSION = "pb-bench-startup"
IDLE_SESSION = "pb-bench-startup-idle"
BARE_APP = [sys.executable, str(Path(__file__).with_name("bare_textual_app.py"))]


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True).stdout


def one_run(command: list[str], marker: str, timeout: float) -> float | None:
    tmux("kill-session", "-t", SESSION)
    start = time.perf_counter()
    subprocess.run(
        ["tmux", "-L", SOCKET, "new-session", "-d", "-s", SESSION, "-x", "120", "-y", "35"]
        + [shlex.join(command)],
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


def compiled_bytecode() -> None:
    """paperbrowse's modules compiled, as ``pip install .`` leaves them: an editable install
    run with PYTHONDONTWRITEBYTECODE set (as on some CI machines) would otherwise compile
    every module on every launch, 0.05-0.1 s that no user's launch pays."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("paperbrowse")
    if spec is None or not spec.submodule_search_locations:
        return
    for folder in spec.submodule_search_locations:
        compileall.compile_dir(folder, quiet=1)
    print(f"bytecode compiled in {', '.join(spec.submodule_search_locations)}", flush=True)


def forget_kept_screens() -> None:
    """The first screens kept by earlier launches, deleted (``core.first_screen``)."""
    from paperbrowse.core.first_screen import FOLDER
    from paperbrowse.core.locations import cache_dir

    shutil.rmtree(cache_dir() / FOLDER, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--marker", default=" papers · ", help="text that means 'usable'")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--no-floor", action="store_true", help="skip the bare Textual app")
    parser.add_argument(
        "--first-launch", action="store_true", help="forget the kept first screen before each run"
    )
    parser.add_argument("command", nargs="*", default=["paperbrowse"])
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is not installed; nothing measured")
        return 0
    compiled_bytecode()
    kept = "forgotten before each run" if args.first_launch else "kept from the run before"
    print(f"the first screen: {kept}", flush=True)
    commands = {"paperbrowse": args.command}
    if not args.no_floor:
        commands["bare Textual"] = BARE_APP
    times: dict[str, list[float]] = {name: [] for name in commands}
    # As in a terminal already open: a session idling through the runs keeps the tmux
    # server up, so no run pays for starting one (that added 0.05-0.1 s and noise).
    # (Not through tmux(): a server started there would hold its output pipe open.)
    subprocess.run(
        ["tmux", "-L", SOCKET, "new-session", "-d", "-s", IDLE_SESSION, "sleep 100000"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for run in range(1, args.runs + 1):
            for name, command in commands.items():  # alternated, so load hits both alike
                if args.first_launch and name == "paperbrowse":
                    forget_kept_screens()
                elapsed = one_run(command, args.marker, args.timeout)
                shown = f"{elapsed:.3f} s" if elapsed is not None else "timed out"
                print(f"run {run} {name}: {shown}", flush=True)
                if elapsed is not None:
                    times[name].append(elapsed)
    finally:
        tmux("kill-session", "-t", IDLE_SESSION)
    medians = {name: statistics.median(got) for name, got in times.items() if got}
    for name, got in times.items():
        if got:
            print(
                f"{name} ({shlex.join(commands[name])}): median {medians[name]:.3f} s "
                f"over {len(got)} runs (min {min(got):.3f}, max {max(got):.3f})"
            )
    if len(medians) == 2:
        ratio = medians["paperbrowse"] / medians["bare Textual"]
        print(f"paperbrowse / bare Textual: {ratio:.2f}x (medians, same run, alternated)")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
