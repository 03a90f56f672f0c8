"""Issue 15's full-text figures: keys while 1,000 PDFs are extracted, the body index's
memory, and a reopen with 1,000 cached PDFs. Figures only: nothing is asserted.

    python tests/bench/bench_fulltext.py                 # 1,000 PDFs, 2 rounds
    python tests/bench/bench_fulltext.py --pdfs 100 --queries 4 --rounds 1   # a smoke run

The library is the first 1,000 real entries of the ACL .bib (titles, authors,
abstracts), each given its own copy of one of the two sample ACL PDFs (distinct names,
in a JabRef ``file`` field); the same entries without the field are the library
without PDFs.

Keystroke latency (``bench_keys``'s machinery: one key sent in tmux, the screen polled
until the count ``Library.search`` predicts is painted), side by side in each round:

- no PDFs: the library without file fields (the idle figure);
- while extracting: with file fields and a cold cache; only keys whose count was
  painted while the search bar said "full text: N of M PDFs" are timed;
- extracted: the same again once every PDF's text is cached and searched (the body
  index full).

Queries are real title words and author names that no sample PDF's text holds at any
typed prefix of 3+ letters, so the bodies never change the counts the bench waits for
(every key still searches all the bodies).

Body index memory: ``tracemalloc`` while the cached text of every PDF is read into a
``BodyIndex``, against the characters of text it holds.

Reopen: the app in tmux, launch to the list painted and launch to "full text: N PDFs
read" (every cached text searchable), with and without the PDFs; and ``paperbrowse
search`` (which reads every PDF's cached text before it answers), with and without.

The machine's load average is printed beside each round: figures on a shared machine
are noisy. Extraction throughput: ``bench_pdf_extract.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_keys import (
    BUILDING,
    pick_queries,
    search_line,
    summary,
    type_queries,
    wait_index,
)
from soak_keys import READY_TIMEOUT, SESSION, Pane, app_env

import paperbrowse
from paperbrowse.core.pdf.body_index import BodyIndex
from paperbrowse.core.pdf.body_search import read_bodies
from paperbrowse.core.pdf.fulltext import extract
from paperbrowse.core.pdf.locate import PdfFinder
from paperbrowse.core.pdf.worker import PdfWorker

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
SAMPLES = ("acl-2020.acl-main.207.pdf", "acl-N18-3011.pdf")
EXTRACTING = "full text: "  # the search bar while PDFs are read: "full text: 12 of 40 PDFs"
SIZE = (
    160,
    35,
)  # wide enough that the search bar holds the count and "full text: 1,000 of 1,000 PDFs" on one row


def load_text() -> str:
    return f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"


def make_library(folder: Path, count: int) -> tuple[Path, Path]:
    """(a .bib of ``count`` real entries, the same with its own PDF copy per entry)."""
    text = (CORPUS / "acl-anthology-2016-2021.bib").read_text(encoding="utf-8")
    entries = ["@" + entry.strip() for entry in text.split("\n@")[:count]]
    entries[0] = entries[0].removeprefix("@")  # the file starts with its own "@"
    (folder / "pdf").mkdir()
    with_files = []
    for number, entry in enumerate(entries):
        pdf = folder / "pdf" / f"paper-{number:04}.pdf"
        shutil.copy(CORPUS / "pdf" / SAMPLES[number % 2], pdf)
        body = entry.removesuffix("}").rstrip()
        with_files.append(f"{body}\n    file = {{:pdf/{pdf.name}:PDF}},\n}}")
    (folder / "plain.bib").write_text("\n".join(entries) + "\n", encoding="utf-8")
    (folder / "files.bib").write_text("\n".join(with_files) + "\n", encoding="utf-8")
    return folder / "plain.bib", folder / "files.bib"


def sample_bodies(folder: Path) -> BodyIndex:
    body = BodyIndex()
    with PdfWorker() as worker:
        for name in SAMPLES:
            body.add(name, extract(CORPUS / "pdf" / name, worker, folder))
    return body


def body_free(query: str, body: BodyIndex) -> bool:
    return not any(
        body.matching(word[:end]) for word in query.split() for end in range(3, len(word) + 1)
    )


def start(bib: Path, home: Path) -> Pane:
    (home / "work").mkdir(parents=True, exist_ok=True)
    command = ["paperbrowse", str(bib)]
    pane = Pane(f"fulltext-bench-{os.getpid()}", command, home / "work", app_env(home), SIZE)
    for _ in range(50):  # the last run's tmux server may still be going away
        try:
            pane.start()
            return pane
        except subprocess.CalledProcessError:
            time.sleep(0.1)
    pane.start()
    return pane


def stop(pane: Pane) -> None:
    """End the app, then its tmux server: killing the server alone left the app running
    (and its full-text reader) with no terminal."""
    shell = pane.tmux("display-message", "-p", "-t", SESSION, "#{pane_pid}").strip()
    if shell.isdigit():
        children = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", shell], capture_output=True, text=True
        ).stdout.split()
        for child in children:
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(child), signal.SIGKILL)  # SIGTERM left some running
    pane.stop()


def extracting(screen: str) -> bool:
    return any(EXTRACTING in line and " of " in line for line in screen.splitlines())


def keys(bib: Path, queries: list[str], home: Path, during_extraction: bool = False) -> list[float]:
    """Latencies (ms) of the timed keys; with ``during_extraction``, only those painted
    while the search bar showed the extraction's progress."""
    library = paperbrowse.load(bib)
    pane = start(bib, home)
    try:
        if not wait_index(pane):
            print(f"    the app did not get ready:\n{pane.screen()}")
            return []
        timed_if = extracting if during_extraction else (lambda screen: True)
        latencies, _, untimed, lost = type_queries(pane, library, queries, timed_if)
        still = extracting(pane.screen())
    finally:
        stop(pane)
    note = f"; {lost} lost" if lost else ""
    if during_extraction:
        note += "; extraction still running at the end" if still else "; extraction ended"
    print(f"    {summary(latencies)}{note}", flush=True)
    return latencies


def wait_extracted(bib: Path, home: Path) -> None:
    """Open ``bib`` until its PDFs' text is all extracted (cached)."""
    pane = start(bib, home)
    try:
        deadline = time.monotonic() + 3600
        while time.monotonic() < deadline and "PDFs read" not in pane.screen():
            time.sleep(0.5)
    finally:
        stop(pane)


def app_reopen(bib: Path, home: Path, has_pdfs: bool) -> tuple[float, float | None]:
    """Seconds from launch to the list painted, and (``has_pdfs``) to "full text: N PDFs
    read"."""
    pane = start(bib, home)
    started = time.perf_counter()
    try:
        listed = read = None
        deadline = started + READY_TIMEOUT
        while time.perf_counter() < deadline:
            screen = pane.screen()
            now = time.perf_counter() - started
            if listed is None and search_line(screen) is not None and BUILDING not in screen:
                listed = now
            if read is None and "PDFs read" in screen:
                read = now
            if listed is not None and (read is not None or not has_pdfs):
                break
            time.sleep(0.01)
    finally:
        stop(pane)
    return listed or float("nan"), read


def cli_search(bib: Path, home: Path) -> tuple[float, float]:
    """Seconds for ``paperbrowse search`` (it reads every PDF's cached text first): wall
    clock, and the CPU it used (steadier on a busy machine)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        ["paperbrowse", "search", "language", str(bib), "--json"],
        env=os.environ | app_env(home),
        capture_output=True,
        check=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu


def body_memory(files_bib: Path, cache: Path) -> None:
    papers = paperbrowse.load(files_bib).papers
    with PdfWorker() as worker:
        tracemalloc.start()
        bodies = read_bodies(papers, PdfFinder().files_of, worker, cache)
        used = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
    chars = bodies.text_chars()
    print(
        f"body index: {len(bodies):,} PDFs, {chars:,} characters of text, "
        f"{used / 2**20:.1f} MB = {used / max(chars, 1):.2f}x the text "
        f"(as characters; the sample PDFs' text is nearly all ASCII, a byte each)",
        flush=True,
    )


def p50(latencies: list[float]) -> float:
    return statistics.median(latencies) if latencies else float("nan")


def keystroke_rounds(plain: Path, with_files: Path, folder: Path, args: argparse.Namespace) -> Path:
    """Idle, while extracting and extracted, side by side, ``args.rounds`` times; the
    home whose cache holds every PDF's text."""
    body = sample_bodies(folder / "samples")
    library = paperbrowse.load(plain)
    candidates = pick_queries(library, min(args.queries * 8, args.pdfs // 2), 13)
    queries = [q for q in candidates if body_free(q, body)][: args.queries]
    print(f"{args.pdfs:,} papers, one PDF each; queries: {', '.join(map(repr, queries))}")
    print("keystroke to count painted:", flush=True)
    home = folder / "home-0"
    for number in range(args.rounds):
        print(f"  round {number + 1} ({load_text()})")
        print("   no PDFs:", flush=True)
        idle = keys(plain, queries, folder / f"idle-{number}")
        home = folder / f"home-{number}"
        print(f"   {args.pdfs:,} PDFs being extracted (cold cache):", flush=True)
        busy = keys(with_files, queries, home, during_extraction=True)
        wait_extracted(with_files, home)
        print(f"   {args.pdfs:,} PDFs extracted (text cached, all searched):", flush=True)
        done = keys(with_files, queries, home)
        print(
            f"   p50 while extracting / no PDFs: {p50(busy) / p50(idle):.2f}x (target <= 2x); "
            f"extracted / no PDFs: {p50(done) / p50(idle):.2f}x",
            flush=True,
        )
    return home


def reopen_figures(plain: Path, with_files: Path, home: Path, count: int) -> None:
    app_reopen(plain, home, False)  # both files' parse caches warm
    print(f"reopen ({load_text()}), median of 3:")
    plain_app = [app_reopen(plain, home, False) for _ in range(3)]
    files_app = [app_reopen(with_files, home, True) for _ in range(3)]
    listed_plain = statistics.median(a for a, _ in plain_app)
    listed_files = statistics.median(a for a, _ in files_app)
    read = [r for _, r in files_app if r is not None]
    print(
        f"  app, launch to list painted: without PDFs {listed_plain:.2f} s, "
        f"with {count:,} cached PDFs {listed_files:.2f} s "
        f"(+{listed_files - listed_plain:.2f} s, target <= +1 s)"
    )
    if read:
        print(
            f"  app, launch to every cached PDF's text searchable: {statistics.median(read):.2f} s "
            f"(+{statistics.median(read) - listed_plain:.2f} s on the list without PDFs)"
        )
    plain_runs = [cli_search(plain, home) for _ in range(3)]
    cached_runs = [cli_search(with_files, home) for _ in range(3)]
    plain_s, plain_cpu = (statistics.median(run[n] for run in plain_runs) for n in (0, 1))
    cached_s, cached_cpu = (statistics.median(run[n] for run in cached_runs) for n in (0, 1))
    print(
        f"  paperbrowse search: without PDFs {plain_s:.2f} s ({plain_cpu:.2f} s CPU), "
        f"with {count:,} cached PDFs {cached_s:.2f} s ({cached_cpu:.2f} s CPU): "
        f"+{cached_s - plain_s:.2f} s (+{cached_cpu - plain_cpu:.2f} s CPU)",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdfs", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("tmux") is None or shutil.which("paperbrowse") is None:
        print("needs tmux and an installed paperbrowse on PATH")
        return 2
    print(load_text(), flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-fulltext-") as name:
        folder = Path(name)
        plain, with_files = make_library(folder, args.pdfs)
        home = keystroke_rounds(plain, with_files, folder, args)
        cache = next((home / "xdg_cache_home").rglob("fulltext"))
        body_memory(with_files, cache)
        reopen_figures(plain, with_files, home, args.pdfs)
    print(load_text() + " after")
    return 0


if __name__ == "__main__":
    sys.exit(main())
