"""Issue 15's full-text figures: keys while 1,000 PDFs are extracted, the body index's
memory, and a reopen with 1,000 cached PDFs. Figures only: nothing is asserted.

    python tests/bench/bench_fulltext.py            # 1,000 PDFs
    python tests/bench/bench_fulltext.py --pdfs 200 --queries 6

The library is 1,000 real ACL titles (from the corpus .bib), each with its own copy of
one of the two sample ACL PDFs (distinct names). Keystroke latency (``bench_keys``, in
tmux) is measured on it without file fields (idle) and with them on a cold cache (the
background extraction running all along). Queries are real title words that no sample
PDF's text holds at any typed prefix of 3+ letters, so the bodies never change the
counts the bench waits for. Extraction throughput: ``bench_pdf_extract.py``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_keys import pick_queries, summary, type_queries, wait_index
from soak_keys import Pane

import paperbrowse
from paperbrowse.core.pdf.body_index import BodyIndex
from paperbrowse.core.pdf.body_search import read_bodies
from paperbrowse.core.pdf.fulltext import extract
from paperbrowse.core.pdf.locate import PdfFinder
from paperbrowse.core.pdf.worker import PdfWorker

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
SAMPLES = ("acl-2020.acl-main.207.pdf", "acl-N18-3011.pdf")
TITLE = re.compile(r"^\s*title = \"(.+)\",$", re.MULTILINE)


def make_library(folder: Path, count: int) -> tuple[Path, Path]:
    """(a .bib of ``count`` real titles, the same with a PDF copy per paper)."""
    text = (CORPUS / "acl-anthology-2016-2021.bib").read_text(encoding="utf-8")
    titles = [t.replace("{", "").replace("}", "") for t in TITLE.findall(text)[:count]]
    (folder / "pdf").mkdir()
    plain, with_files = [], []
    for number, title in enumerate(titles):
        pdf = folder / "pdf" / f"paper-{number:04}.pdf"
        shutil.copy(CORPUS / "pdf" / SAMPLES[number % 2], pdf)
        entry = f"@article{{p{number:04}, title={{{title}}}, year={{{2016 + number % 6}}}"
        plain.append(entry + "}\n")
        with_files.append(entry + f", file={{:pdf/{pdf.name}:PDF}}}}\n")
    (folder / "plain.bib").write_text("".join(plain), encoding="utf-8")
    (folder / "files.bib").write_text("".join(with_files), encoding="utf-8")
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


def env_for(home: Path) -> dict[str, str]:
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


def keys(bib: Path, queries: list[str], home: Path, label: str) -> list[float]:
    library = paperbrowse.load(bib)
    (home / "work").mkdir(exist_ok=True)
    pane = Pane(
        f"fulltext-bench-{os.getpid()}",
        ["paperbrowse", str(bib)],
        home / "work",
        env_for(home),
        (120, 35),
    )
    try:
        pane.start()
        if not wait_index(pane):
            print(f"{label}: the app did not get ready")
            return []
        latencies, _, untimed, lost = type_queries(pane, library, queries)
        busy = [line for line in pane.screen().splitlines() if "full text:" in line]
    finally:
        pane.stop()
    print(f"  {label}: {summary(latencies)}; {lost} lost")
    if busy:
        print(f"    search bar at the end: {busy[0].split('papers')[-1].strip()}")
    return latencies


def reopen(bib: Path, home: Path) -> float:
    """Seconds for ``paperbrowse search`` (the CLI reads every PDF's text, cached)."""
    started = time.perf_counter()
    subprocess.run(
        ["paperbrowse", "search", "language", str(bib), "--json"],
        env=os.environ | env_for(home),
        capture_output=True,
        check=True,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdfs", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=12)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="bench-fulltext-") as name:
        folder = Path(name)
        plain, with_files = make_library(folder, args.pdfs)
        body = sample_bodies(folder / "samples")
        library = paperbrowse.load(plain)
        queries = [
            q
            for q in pick_queries(library, min(args.queries * 6, args.pdfs // 4), 13)
            if body_free(q, body)
        ]
        queries = queries[: args.queries]
        print(f"{args.pdfs} papers, one PDF each; queries: {', '.join(map(repr, queries))}")
        print("keystroke to count painted, p50:")
        idle = keys(plain, queries, folder / "idle", "idle (no PDFs)")
        busy = keys(with_files, queries, folder / "busy", "1,000 PDFs extracted meanwhile")
        if idle and busy:
            ratio = sorted(busy)[len(busy) // 2] / sorted(idle)[len(idle) // 2]
            print(f"  busy / idle p50: {ratio:.2f}x (target <= 2x)")
        # The busy run's cache now holds every PDF: memory and the reopen.
        cache = next((folder / "busy").rglob("fulltext"))
        papers = paperbrowse.load(with_files).papers
        with PdfWorker() as worker:
            tracemalloc.start()
            bodies = read_bodies(papers, PdfFinder().files_of, worker, cache)
            used = tracemalloc.get_traced_memory()[0]
            tracemalloc.stop()
        chars = bodies.text_chars()
        print(
            f"body index: {len(bodies):,} PDFs, {chars:,} characters of text, "
            f"{used / 2**20:.1f} MB = {used / max(chars, 1):.2f}x the text "
            f"(as characters; ASCII text is a byte each)"
        )
        plain_s = min(reopen(plain, folder / "busy") for _ in range(3))
        cached_s = min(reopen(with_files, folder / "busy") for _ in range(3))
        print(
            f"reopen (paperbrowse search, best of 3): without PDFs {plain_s:.2f} s, "
            f"with {args.pdfs:,} cached PDFs {cached_s:.2f} s (+{cached_s - plain_s:.2f} s, "
            f"target <= +1 s)"
        )
    print(f"load average {os.getloadavg()[0]:.2f} after")


if __name__ == "__main__":
    main()
