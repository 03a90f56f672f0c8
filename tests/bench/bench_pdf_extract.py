"""Text extraction throughput on the two real ACL papers (issue 15's first figure).

    python tests/bench/bench_pdf_extract.py            # 20 rounds of each paper
    python tests/bench/bench_pdf_extract.py --rounds 5

One ``PdfWorker`` process (one core) extracts each paper ``--rounds`` times with no
cache, then once more through an empty cache and once from it (the reopen case).
Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from paperbrowse.core.pdf import fulltext
from paperbrowse.core.pdf.worker import PdfWorker

PDFS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "pdf"
PAPERS = ("acl-2020.acl-main.207.pdf", "acl-N18-3011.pdf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds
    with PdfWorker() as worker:
        worker.count_pages(PDFS / PAPERS[1])  # start the process outside the timing
        for name in PAPERS:
            path = PDFS / name
            started = time.perf_counter()
            pages = characters = 0
            for _ in range(rounds):
                facts = worker.extract_text(path)
                pages += facts.pages or 0
                characters += sum(map(len, facts.texts))
            spent = time.perf_counter() - started
            print(
                f"{name}: {pages / spent:,.0f} pages/s on one core "
                f"({rounds} x {facts.pages} pages, {characters // rounds:,} characters each)"
            )
            with tempfile.TemporaryDirectory() as cache:
                started = time.perf_counter()
                fulltext.extract(path, worker, Path(cache))
                cold = time.perf_counter() - started
                started = time.perf_counter()
                fulltext.extract(path, worker, Path(cache))
                warm = time.perf_counter() - started
            print(f"  through the cache: first {cold * 1000:.1f} ms, again {warm * 1000:.1f} ms")


if __name__ == "__main__":
    main()
