"""Mash random keys into the installed paperbrowse in tmux for N minutes; report every death.

The keys are those of the key-fuzz test (tests/app/key_mash.py: letters, named
keys, ctrl and alt chords, typed text, pastes, mouse clicks and wheel; never
ctrl+q, ctrl+c or q), sent in random bursts with ``tmux send-keys`` (text with
``-l``, pastes and mouse reports as raw bytes with ``-H``). Every few seconds
the script checks that the app still runs and that its screen shows no crash.
A death (the app ending with an error, or a traceback on screen) is counted,
its last screen and crash log printed, and the app started again. The app
quitting cleanly (a click on the footer's "q Quit", or the palette's Quit command typed
by chance) is counted apart.

    python tests/bench/soak_keys.py                          # bundled profile, 5 minutes
    python tests/bench/soak_keys.py --minutes 10 --library ../shared/corpus/big.bib

Everything the app writes (marks, notes, exports, config, caches) goes to a
temporary folder; "o" opens links with ``BROWSER=true``, which does nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))
from key_mash import random_token

SESSION = "soak"
EXIT_MARK = "PAPERBROWSE-EXITED"  # printed by the shell in the pane when the app ends
READY = re.compile(r"\d[\d,]* of [\d,]+ papers?")  # the result count: papers are listed
CRASH_SIGNS = ("Traceback (most recent call last)", "internal error")
READY_TIMEOUT = 120.0  # seconds for a library to load (22k papers take a few)


@dataclass
class Tally:
    started: float = field(default_factory=time.monotonic)
    keys: int = 0
    bursts: int = 0
    deaths: int = 0
    quits: int = 0  # clean exits (the footer's Quit clicked, the palette's Quit), not deaths
    since_death: float = field(default_factory=time.monotonic)
    longest_alive: float = 0.0

    def died(self) -> None:
        now = time.monotonic()
        self.longest_alive = max(self.longest_alive, now - self.since_death)
        self.since_death = now
        self.deaths += 1


class Pane:
    """The app in a tmux session on a private server socket."""

    def __init__(
        self,
        socket: str,
        command: list[str],
        workdir: Path,
        env: dict[str, str],
        size: tuple[int, int],
    ) -> None:
        self.socket = socket
        self.command = command
        self.workdir = workdir
        self.env = env
        self.size = size

    def tmux(self, *args: str, check: bool = False) -> str:
        # errors="replace": tmux can echo a mashed byte back in its complaints.
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            check=check,
        )
        return done.stdout

    def start(self) -> None:
        self.tmux("kill-session", "-t", SESSION)
        exports = " ".join(f"{name}={shlex.quote(value)}" for name, value in self.env.items())
        shell = (
            f"cd {shlex.quote(str(self.workdir))} && env {exports} "
            f"{shlex.join(self.command)}; echo {EXIT_MARK} $?; sleep 86400"
        )
        width, height = self.size
        self.tmux(
            "new-session",
            "-d",
            "-s",
            SESSION,
            "-x",
            str(width),
            "-y",
            str(height),
            shell,
            check=True,
        )

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", SESSION)

    def wait_ready(self) -> bool:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            text = self.screen()
            if READY.search(text) or EXIT_MARK in text:
                return EXIT_MARK not in text
            time.sleep(0.2)
        return False

    def send(self, burst: list[tuple[str, ...]]) -> None:
        """One tmux command line for the whole burst, so its keys arrive together."""
        args: list[str] = []
        for token_args in burst:
            if args:
                args.append(";")
            args += ["send-keys", "-t", SESSION, *token_args]
        self.tmux(*args)

    def stop(self) -> None:
        self.tmux("kill-server")


def exit_status(text: str) -> int | None:
    found = re.search(rf"{EXIT_MARK} (\d+)", text)
    return int(found.group(1)) if found else None


def crash_log(home: Path) -> str:
    logs = sorted(home.rglob("crash.log"), key=lambda path: path.stat().st_mtime)
    if not logs:
        return "(no crash.log)"
    text = logs[-1].read_text(encoding="utf-8", errors="replace")
    logs[-1].unlink()
    return text[-3000:]


def soak(pane: Pane, home: Path, minutes: float, rng: random.Random, check_every: float) -> Tally:
    tally = Tally()
    end = time.monotonic() + minutes * 60
    width, height = pane.size
    pane.start()
    if not pane.wait_ready():
        print(f"the app did not start:\n{pane.screen()}")
        return tally
    last_screen, next_check = pane.screen(), time.monotonic() + check_every
    while time.monotonic() < end:
        burst = [random_token(rng, width, height) for _ in range(rng.randint(1, 12))]
        pane.send([token.tmux_args for token in burst])
        tally.bursts += 1
        tally.keys += sum(
            max(1, len(token.data)) if token.tmux_args[0] == "-l" else 1 for token in burst
        )
        time.sleep(rng.choice((0.0, 0.02, 0.05, 0.1, 0.3)))
        if time.monotonic() < next_check:
            continue
        next_check = time.monotonic() + check_every
        text = pane.screen()
        status = exit_status(text)
        crashed = any(sign in text for sign in CRASH_SIGNS)
        if status is None and not crashed:
            last_screen = text
            continue
        if status == 0 and not crashed:
            tally.quits += 1  # a click on the footer's Quit, or the palette's Quit
            if tally.quits == 1:
                print(f"\n--- a clean quit (status 0); the screen before it ---\n{last_screen}")
        else:
            tally.died()
            minute = (time.monotonic() - tally.started) / 60
            print(f"\n=== death {tally.deaths} at minute {minute:.1f} (exit status {status}) ===")
            print("--- last screen before it ---")
            print(last_screen)
            print("--- the pane now ---")
            print(text)
            print("--- crash.log ---")
            print(crash_log(home))
        pane.start()
        if not pane.wait_ready():
            print(f"the app did not restart:\n{pane.screen()}")
            break
        last_screen = pane.screen()
    tally.longest_alive = max(tally.longest_alive, time.monotonic() - tally.since_death)
    return tally


def app_env(home: Path, pythonpath: str | None = None) -> dict[str, str]:
    """Everything the app writes goes under ``home``, so the first open of a file is cold."""
    env = {
        name: str(home / name.lower())
        for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")
    }
    env |= {
        "PAPERBROWSE_DATA_DIR": str(home / "data"),
        "BROWSER": "true",
        "TERM": "xterm-256color",
        "PYTHONPATH": os.environ.get("PYTHONPATH", "") if pythonpath is None else pythonpath,
    }
    for variable in ("PAPERBROWSE_TRACE", "TEXTUAL_FPS"):
        if variable in os.environ:
            env[variable] = os.environ[variable]
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, help="a library to open (default: bundled)")
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=None, help="for a repeatable key stream")
    parser.add_argument("--check-every", type=float, default=3.0, help="seconds between checks")
    parser.add_argument("--size", default="120x35", help="terminal columns x rows")
    parser.add_argument("--socket", default=f"soak-keys-{os.getpid()}", help="tmux -L name")
    args = parser.parse_args()
    if shutil.which("tmux") is None or shutil.which("paperbrowse") is None:
        print("needs tmux and an installed paperbrowse on PATH")
        return 2
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    width, height = (int(part) for part in args.size.split("x"))
    command = ["paperbrowse"] + ([str(args.library.resolve())] if args.library else [])
    with tempfile.TemporaryDirectory(prefix="soak-keys-") as folder:
        home = Path(folder)
        env = app_env(home)
        (home / "work").mkdir()
        pane = Pane(args.socket, command, home / "work", env, (width, height))
        print(
            f"soak: {shlex.join(command)} in tmux {width}x{height} for {args.minutes:g} min, "
            f"seed {seed}"
        )
        try:
            tally = soak(pane, home, args.minutes, random.Random(seed), args.check_every)
        finally:
            pane.stop()
            hung = outlived(home / "work")
    mashed = (time.monotonic() - tally.started) / 60
    print(
        f"\nminutes mashed: {mashed:.1f}; keys sent: {tally.keys:,} in {tally.bursts:,} bursts; "
        f"deaths: {tally.deaths}; clean quits (Quit clicked or chosen): {tally.quits}; "
        f"longest run without a death: {tally.longest_alive / 60:.1f} min; "
        f"left running after its terminal closed: {len(hung)}"
    )
    return 1 if tally.deaths or hung else 0


def outlived(workdir: Path, grace: float = 5.0) -> list[int]:
    """The processes still running in ``workdir`` ``grace`` seconds after the terminal
    closed (the app exits on SIGHUP; one that does not is hung: a Textual timer once
    spun it at 100% CPU, deaf to signals), each killed once reported."""
    deadline = time.monotonic() + grace
    while True:
        left = []
        for cwd in Path("/proc").glob("[0-9]*/cwd"):
            with contextlib.suppress(OSError):
                if cwd.resolve() == workdir.resolve():
                    left.append(int(cwd.parent.name))
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    for pid in left:
        with contextlib.suppress(OSError):
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            print(f"\n=== pid {pid} outlived its terminal by {grace:g} s: {command} ===")
            if shutil.which("py-spy"):  # where it is stuck, when py-spy is installed
                dump = ["py-spy", "dump", "--pid", str(pid)]
                print(subprocess.run(dump, capture_output=True, text=True).stdout[-3000:])
            os.kill(pid, signal.SIGKILL)
    return left


if __name__ == "__main__":
    sys.exit(main())
