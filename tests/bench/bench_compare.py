"""paperbrowse's time to a usable list side by side with cobib and papis, measured the same way.

Every tool gets the same 15 papers: the bundled profile exported as BibTeX by
``paperbrowse export``, then imported into a coBib database and a papis
library. Each tool runs with its own HOME and XDG folders inside a scratch
folder, so nothing of the user's own configuration, data or caches is read or
touched. Each command is timed with bench_startup.py's logic (launch in a
detached tmux session, poll the screen every 10 ms until the marker shows) on a
private tmux server, after one untimed warm-up run (which fills each tool's
database cache). The default marker is a title from the middle of the list,
"Catastrophic Failure of", which every tool shows only once its list of
entries is drawn. Prints each run, then a table of medians. Asserts nothing.

What is run:
    paperbrowse LIB.bib           the 15 papers as BibTeX
    paperbrowse                   the bundled profile (the same 15 papers)
    cobib                         coBib's Textual TUI, which opens on its list of entries
    papis list                    papis's interactive picker (prompt_toolkit) over the
                                  library, the closest papis has to a list you browse;
                                  there is no ``papis tui`` in papis itself

A tool that is not installed is skipped with a line saying so.

Installing the comparison tools (each in its own venv, never in paperbrowse's):
    python3 -m venv /work/cmpvenv/cobib && /work/cmpvenv/cobib/bin/pip install cobib
    python3 -m venv /work/cmpvenv/papis && /work/cmpvenv/papis/bin/pip install papis
(measured with cobib 6.0.3 and papis 0.16.1 from PyPI.)

    python tests/bench/bench_compare.py --cobib /work/cmpvenv/cobib/bin/cobib \\
        --papis /work/cmpvenv/papis/bin/papis
    python tests/bench/bench_compare.py --tools paperbrowse --runs 10
    python tests/bench/bench_compare.py --runs 2            # a smoke run

Without --cobib/--papis/--paperbrowse each tool is looked up on PATH, then in
/work/cmpvenv/<tool>/bin; paperbrowse then beside the Python running this script,
then ``python -m paperbrowse``.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_startup

TOOLS = ("paperbrowse", "cobib", "papis")
DEFAULT_MARKER = "Catastrophic Failure of"


@dataclass
class Row:
    tool: str
    library: str
    command: list[str]
    env: dict[str, str]
    times: list[float] = field(default_factory=list)
    failed: int = 0


def find_tool(name: str, given: str | None) -> list[str] | None:
    if given:
        path = shutil.which(given) or (given if Path(given).is_file() else None)
        return [path] if path else None
    found = shutil.which(name)
    beside = Path(sys.executable).parent / name  # the venv running this script
    if found is None and name == "paperbrowse" and beside.is_file():
        found = str(beside)
    if found is None and Path(f"/work/cmpvenv/{name}/bin/{name}").is_file():
        found = f"/work/cmpvenv/{name}/bin/{name}"
    if found is None and name == "paperbrowse":
        return [sys.executable, "-m", "paperbrowse"]
    return [found] if found else None


def isolated_env(home: Path) -> dict[str, str]:
    """HOME and XDG folders of the tool's own, under the scratch folder."""
    home.mkdir(parents=True, exist_ok=True)
    return {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
    }


def run_setup(command: list[str], env: dict[str, str], what: str) -> bool:
    result = subprocess.run(
        command,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        print(f"  {what} failed ({shlex.join(command)}): " + " | ".join(tail))
        return False
    return True


def make_library(paperbrowse: list[str], work: Path) -> Path | None:
    bib = work / "papers15.bib"
    env = paperbrowse_env(work)
    command = [*paperbrowse, "export", "-f", "bibtex", "-o", str(bib), "--force"]
    if not run_setup(command, env, "exporting the bundled profile") or not bib.is_file():
        return None
    return bib


def paperbrowse_env(work: Path) -> dict[str, str]:
    env = isolated_env(work / "paperbrowse-home")
    env["PAPERBROWSE_DATA_DIR"] = str(work / "paperbrowse-home" / "data")
    env["PAPERBROWSE_CONFIG_DIR"] = str(work / "paperbrowse-home" / "config")
    return env


def setup_paperbrowse(paperbrowse: list[str], bib: Path, work: Path) -> list[Row]:
    env = paperbrowse_env(work)
    return [
        Row("paperbrowse", f"{bib.name} (15, BibTeX)", [*paperbrowse, str(bib)], env),
        Row("paperbrowse", "bundled profile (15)", list(paperbrowse), env),
    ]


def setup_cobib(cobib: list[str], bib: Path, work: Path) -> list[Row]:
    env = isolated_env(work / "cobib-home")
    # coBib's default database is ~/.local/share/cobib/literature.yaml under this HOME.
    if not run_setup([*cobib, "init"], env, "cobib init"):
        return []
    add = [*cobib, "add", "--bibtex", str(bib), "--skip-download"]
    if not run_setup(add, env, "cobib add"):
        return []
    return [Row("cobib", f"{bib.name} in its YAML db", list(cobib), env)]


def setup_papis(papis: list[str], bib: Path, work: Path) -> list[Row]:
    env = isolated_env(work / "papis-home")
    library = work / "papis-library"
    library.mkdir(exist_ok=True)
    config = Path(env["XDG_CONFIG_HOME"]) / "papis" / "config"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"[settings]\ndefault-library = bench\n\n[bench]\ndir = {library}\n")
    add = [*papis, "bibtex", "read", str(bib), "import", "--all"]
    if not run_setup(add, env, "papis bibtex import"):
        return []
    found = sum(1 for child in library.iterdir() if child.is_dir())
    if found != 15:
        print(f"  papis: expected 15 documents in {library}, found {found}")
    return [Row("papis", f"{bib.name} in a folder library", [*papis, "list"], env)]


def timed(row: Row, marker: str, timeout: float) -> float | None:
    command = ["env", *(f"{key}={value}" for key, value in row.env.items()), *row.command]
    try:
        return bench_startup.one_run(command, marker, timeout)
    except subprocess.CalledProcessError as error:
        print(f"{row.tool}: tmux could not start it: {error}")
        return None


def time_rows(rows: list[Row], marker: str, runs: int, warmup: int, timeout: float) -> None:
    """Round-robin over the rows, so a busy moment of the machine hits every tool alike."""
    for row in rows:
        for _ in range(warmup):
            if timed(row, marker, timeout) is None:
                print(f"{row.tool} · {row.library}: warm-up run did not show {marker!r}")
    for run in range(1, runs + 1):
        for row in rows:
            elapsed = timed(row, marker, timeout)
            if elapsed is None:
                row.failed += 1
            else:
                row.times.append(elapsed)
            shown = f"{elapsed:.3f} s" if elapsed is not None else "timed out"
            print(f"run {run}: {row.tool} · {row.library}: {shown}", flush=True)


LINE = "{:<12} {:<34} {:>8} {:>7} {:>7} {:>5}  {}"


def print_table(rows: list[Row], skipped: list[str], marker: str) -> None:
    print()
    print(f"Launch to {marker!r} on screen, tmux 120x35, median of the runs that showed it:")
    header = LINE.format("tool", "library", "median", "min", "max", "runs", "command")
    print(header)
    print("-" * len(header))
    for row in rows:
        if row.times:
            median = f"{statistics.median(row.times):.3f}s"
            low, high = f"{min(row.times):.3f}", f"{max(row.times):.3f}"
        else:
            median, low, high = "-", "-", "-"
        runs = f"{len(row.times)}/{len(row.times) + row.failed}"
        shown = shlex.join([Path(row.command[0]).name, *row.command[1:]])
        print(LINE.format(row.tool, row.library, median, low, high, runs, shown))
    for line in skipped:
        print(line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs before timing")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--marker", default=DEFAULT_MARKER, help="text that means 'list shown'")
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated subset")
    parser.add_argument("--paperbrowse", help="paperbrowse executable (default: PATH)")
    parser.add_argument("--cobib", help="cobib executable (default: PATH, /work/cmpvenv)")
    parser.add_argument("--papis", help="papis executable (default: PATH, /work/cmpvenv)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is not installed; nothing measured")
        return 0
    wanted = {name.strip() for name in args.tools.split(",") if name.strip()}

    work = Path(tempfile.mkdtemp(prefix="pb-compare-"))
    # bench_startup drives tmux's default server; point that at a private socket
    # folder so these runs never meet anyone else's sessions (or bench_startup's).
    os.environ.pop("TMUX", None)
    os.environ["TMUX_TMPDIR"] = str(work)
    bench_startup.SESSION = "pb-bench-compare"
    rows: list[Row] = []
    skipped: list[str] = []
    try:
        paperbrowse = find_tool("paperbrowse", args.paperbrowse)
        bib = make_library(paperbrowse, work) if paperbrowse else None
        if bib is None:
            print("could not export the bundled profile with paperbrowse; nothing measured")
            return 0
        setups = {"paperbrowse": setup_paperbrowse, "cobib": setup_cobib, "papis": setup_papis}
        for name in TOOLS:
            if name not in wanted:
                continue
            command = paperbrowse if name == "paperbrowse" else find_tool(name, getattr(args, name))
            if command is None:
                skipped.append(f"{name}: not installed, skipped (see this script's docstring)")
                print(skipped[-1])
                continue
            print(f"setting up {name} ({shlex.join(command)}) in {work}", flush=True)
            made = setups[name](command, bib, work)
            if not made:
                skipped.append(f"{name}: setup failed, skipped")
            rows.extend(made)
        # A session that idles for the whole run keeps the private tmux server up
        # between runs: without it each kill-session ends the server, and the next
        # new-session can reach it while it is shutting down.
        bench_startup.tmux("new-session", "-d", "-s", "pb-bench-idle", "sleep 100000")
        before = os.getloadavg()[0]
        time_rows(rows, args.marker, args.runs, args.warmup, args.timeout)
        print_table(rows, skipped, args.marker)
        # Wall-clock figures move with whatever else the machine runs: say how busy it was.
        print(
            f"load average {before:.2f} before, {os.getloadavg()[0]:.2f} after, "
            f"on {os.cpu_count()} CPUs"
        )
    finally:
        bench_startup.tmux("kill-server")
        if args.keep:
            print(f"scratch folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
