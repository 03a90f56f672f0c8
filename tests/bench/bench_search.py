"""Search benchmark: paperbrowse's index against a naive rapidfuzz scan and fzf.

Loads the 71,244 real, distinct ACL Anthology papers (``acl-anthology-all-2021.jsonl``)
with ``paperbrowse.load``, tops them up with copies only past that (real_papers.py:
distinct ids, shifted years, no DOI) and says how many are real, builds the index, then types real
queries one keystroke at a time, re-running the whole query on each keystroke
as the app does, and fetching the first screen of hits with their highlight
spans. Prints per scale: build time, memory, latency p50/p99, the naive scan
``rapidfuzz.process.extract(query, fulltexts, scorer=WRatio, limit=50)`` on a
sample of the same keystrokes, and known-item recall (titles with one or two
typos, paper in the top 3) for us, the naive scan and ``fzf --filter``.

    python tests/bench/bench_search.py            # 100k and 1M papers (a few minutes)
    python tests/bench/bench_search.py --quick    # small scales, a smoke run in seconds

Each scale runs in a fresh process so memory figures do not leak into each other.
Figures only; nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_papers import CORPUS, corpus_papers

# Queries a researcher might type into the search bar of an ACL library.
QUERIES = [
    "neural machine translation",
    "bert fine-tuning",
    "question answering over knowledge graphs",
    "transfomer",
    "reinforcment learning dialogue",
    "sentiment analysis twitter",
    "named entity recognition low resource",
    "yoav goldberg",
    "author:manning parsing",
    "year:2020 summarization",
    '"language model" -bert',
    "cross-lingual transfer",
    "multilingual unsupervised alignment",
    "cat:CL has:code graph",
    "abstractive summarisation",
    "hate speech detection",
    "coreference resolution",
    "gender bias in word embeddings",
]
SCREEN_ROWS = 20  # hits the app shows (and highlights) after each keystroke


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def index_arrays_mb(index: Any) -> float:
    """The index's numpy arrays: postings per field, and the vocabulary's stem order once built."""
    import numpy as np

    arrays = [
        getattr(field, name)
        for field in index.postings.fields
        for name in ("indptr", "docs", "sequence", "sequence_starts")
    ]
    stems = getattr(index.vocabulary, "stems", None)  # absent before stemming came in
    arrays += [v for v in vars(stems).values() if isinstance(v, np.ndarray)] if stems else []
    return float(sum(array.nbytes for array in arrays)) / 1e6


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def keystrokes(queries: list[str]) -> list[str]:
    return [query[:end] for query in queries for end in range(1, len(query) + 1)]


# -- known-item queries ---------------------------------------------------------------

KEYBOARD = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]


def neighbour(letter: str, rng: random.Random) -> str:
    for row in KEYBOARD:
        at = row.find(letter.lower())
        if at >= 0:
            options = [row[i] for i in (at - 1, at + 1) if 0 <= i < len(row)]
            return rng.choice(options)
    return letter


def typo(word: str, rng: random.Random) -> str:
    """One typo, never on the first letter: a neighbouring key, a letter left out,
    doubled, or two letters swapped."""
    at = rng.randrange(1, len(word))
    kind = rng.choice(("substitute", "delete", "double", "swap"))
    if kind == "substitute":
        return word[:at] + neighbour(word[at], rng) + word[at + 1 :]
    if kind == "delete":
        return word[:at] + word[at + 1 :]
    if kind == "double":
        return word[:at] + word[at] + word[at:]
    at = min(at, len(word) - 2)
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


def known_items(titles: list[str], count: int, seed: int = 4) -> list[tuple[int, str]]:
    """(paper number, its title with one or two typos) for ``count`` random papers."""
    rng = random.Random(seed)
    items: list[tuple[int, str]] = []
    while len(items) < count:
        number = rng.randrange(len(titles))
        words = titles[number].split()
        long_words = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
        if len(words) < 3 or not long_words:
            continue
        for _ in range(rng.choice((1, 2))):
            i = rng.choice(long_words)
            words[i] = typo(words[i], rng)
        items.append((number, " ".join(words)))
    return items


def fzf_top(lines_path: Path, query: str, top: int = 3) -> list[int]:
    with lines_path.open("rb") as lines:
        result = subprocess.run(
            ["fzf", "--filter", query, "--delimiter", "\t", "--nth", "2.."],
            stdin=lines,
            capture_output=True,
            check=False,
        )
    found = []
    for line in result.stdout.splitlines()[:top]:
        found.append(int(line.split(b"\t", 1)[0]))
    return found


# -- one scale, in its own process -----------------------------------------------------


def base_number(paper_id: str, numbers: dict[str, int]) -> int:
    return numbers[paper_id.split(".copy")[0]]


def run_scale(scale: int, args: argparse.Namespace) -> dict[str, Any]:
    import gc

    from paperbrowse.core.search.index import SearchIndex

    started = time.perf_counter()
    papers, mix = corpus_papers(scale)
    replicate_s = time.perf_counter() - started
    base = papers[: mix.real]
    gc.collect()
    loaded_mb = rss_mb()
    started = time.perf_counter()
    index = SearchIndex(papers)
    build_s = time.perf_counter() - started
    indexed_mb = rss_mb()

    strokes = keystrokes(QUERIES[: args.queries])
    latencies = []
    for text in strokes:
        started = time.perf_counter()
        results = index.find(text)
        for row in range(min(SCREEN_ROWS, len(results))):
            spans = results.hit(row).spans  # a list row shows the title and authors ...
            spans.get("title"), spans.get("authors")
        if len(results):
            dict(results.hit(0).spans)  # ... the detail pane the first paper, abstract too
        latencies.append((time.perf_counter() - started) * 1000)
    typed_mb = rss_mb()  # with what typing built lazily: typo and stem lookups, caches
    arrays_mb = index_arrays_mb(index)

    numbers = {p.id: i for i, p in enumerate(base)}
    items = known_items([p.title for p in base[:scale]], args.recall)
    found = 0
    for number, text in items:
        results = index.find(text)
        top = [base_number(results[i].id, numbers) for i in range(min(3, len(results)))]
        found += number in top  # any copy of the paper counts: they are the same paper

    naive_ms = naive_times(papers, strokes, args.naive_samples)
    return {
        "scale": scale,
        "replicate_s": replicate_s,
        "mix": str(mix),
        "build_s": build_s,
        "loaded_mb": loaded_mb,
        "indexed_mb": indexed_mb,
        "typed_mb": typed_mb,
        "arrays_mb": arrays_mb,
        "peak_mb": peak_mb(),
        "keystrokes": len(latencies),
        "p50_ms": statistics.median(latencies),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": max(latencies),
        "recall": found / len(items),
        "recall_n": len(items),
        "naive_samples": len(naive_ms),
        "naive_p50_ms": statistics.median(naive_ms) if naive_ms else None,
        "naive_p99_ms": percentile(naive_ms, 0.99) if naive_ms else None,
    }


def fulltexts(papers: Sequence[Any]) -> list[str]:
    return [f"{p.title} {p.authors_text()} {p.abstract or ''}".lower() for p in papers]


def naive_times(papers: list[Any], strokes: list[str], samples: int) -> list[float]:
    """The naive scan on a sample of the same keystrokes (whole library each time)."""
    from rapidfuzz import fuzz, process

    texts = fulltexts(papers)
    times = []
    for text in random.Random(1).sample(strokes, min(samples, len(strokes))):
        started = time.perf_counter()
        process.extract(text.lower(), texts, scorer=fuzz.WRatio, limit=50)
        times.append((time.perf_counter() - started) * 1000)
    return times


# -- known-item recall, side by side on the corpus itself --------------------------------


def recall_side_by_side(args: argparse.Namespace) -> dict[str, Any]:
    """The same typo'd titles, top 3, for us, the naive scan and ``fzf --filter``."""
    import tempfile

    from rapidfuzz import fuzz, process

    import paperbrowse

    base = paperbrowse.load(CORPUS).papers[: min(args.scales)]
    items = known_items([p.title for p in base], args.recall)
    figures: dict[str, Any] = {"papers": len(base)}
    from paperbrowse.core.search.index import SearchIndex

    index = SearchIndex(base)
    ids = [p.id for p in base]
    ours = [ids[number] in [p.id for p in index.find(text)[:3]] for number, text in items]
    figures["ours"] = (sum(ours) / len(ours), len(ours))
    texts = fulltexts(base)
    sample = items[: args.naive_recall]
    naive = [
        number
        in [i for _, _, i in process.extract(text.lower(), texts, scorer=fuzz.WRatio, limit=3)]
        for number, text in sample
    ]
    figures["naive"] = (sum(naive) / len(naive), len(naive)) if naive else None
    figures["ours_on_naive_sample"] = (sum(ours[: len(sample)]) / len(sample), len(sample))
    if shutil.which("fzf") is None:
        figures["fzf"] = None
        return figures
    with tempfile.TemporaryDirectory() as folder:
        lines = Path(folder) / "papers.tsv"
        with lines.open("w", encoding="utf-8") as out:
            for i, p in enumerate(base):
                text = f"{p.title}\t{p.authors_text()}\t{p.abstract or ''}"
                out.write(f"{i}\t{' '.join(text.split())}\n")
        fzf = [number in fzf_top(lines, text) for number, text in items[: args.fzf_recall]]
    figures["fzf"] = (sum(fzf) / len(fzf), len(fzf))
    return figures


def report(figures: list[dict[str, Any]], recall: dict[str, Any]) -> None:
    print(
        f"corpus: {CORPUS.name}, real papers first, copies only past them;"
        f" python {sys.version.split()[0]}, {os.cpu_count()} cores"
    )
    print(
        "latency: whole query re-run per keystroke, plus the spans the screen shows"
        " (title and authors of 20 rows, every field of the first)"
    )
    for f in figures:
        print(f"\n== {f['mix']} ==")
        print(
            f"  index build        {f['build_s']:.2f} s"
            f"   (loading and replicating the papers took {f['replicate_s']:.2f} s)"
        )
        print(
            f"  memory (RSS)       {f['loaded_mb']:.0f} MB loaded,"
            f" {f['indexed_mb']:.0f} MB loaded and indexed, {f['typed_mb']:.0f} MB after typing"
            f" (peak {f['peak_mb']:.0f} MB); index arrays {f['arrays_mb']:.0f} MB"
        )
        print(
            f"  paperbrowse        p50 {f['p50_ms']:.1f} ms   p99 {f['p99_ms']:.1f} ms"
            f"   max {f['max_ms']:.1f} ms   over {f['keystrokes']} keystrokes"
        )
        if f["naive_p50_ms"] is not None:
            ratio = f["naive_p50_ms"] / f["p50_ms"]
            print(
                f"  naive WRatio scan  p50 {f['naive_p50_ms']:.0f} ms"
                f"   p99 {f['naive_p99_ms']:.0f} ms   over {f['naive_samples']} sampled"
                f" keystrokes: {ratio:.0f}x slower at p50"
            )
        print(
            f"  known-item recall  top-3 {100 * f['recall']:.1f}% of {f['recall_n']}"
            " typo'd titles (any copy of the paper counts)"
        )
    print(
        f"\n== known-item recall on the corpus itself ({recall['papers']:,} papers):"
        " titles with one or two typos, paper in the top 3 =="
    )
    share, count = recall["ours"]
    print(f"  paperbrowse        {100 * share:.1f}% of {count}")
    if recall["naive"] is not None:
        share, count = recall["naive"]
        ours_share, _ = recall["ours_on_naive_sample"]
        print(
            f"  naive WRatio scan  {100 * share:.1f}% of {count}"
            f"   (paperbrowse on those same {count}: {100 * ours_share:.1f}%)"
        )
    if recall["fzf"] is None:
        print("  fzf --filter       not installed (apt-get install fzf): not measured")
    else:
        share, count = recall["fzf"]
        print(f"  fzf --filter       {100 * share:.1f}% of {count}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small scales, for CI (seconds)")
    parser.add_argument(
        "--scales",
        type=lambda s: [int(x) for x in s.split(",")],
        help="papers per scale, comma-separated (default: 100000,1000000)",
    )
    parser.add_argument("--queries", type=int, default=len(QUERIES), help="queries typed")
    parser.add_argument("--recall", type=int, default=200, help="known-item queries")
    parser.add_argument(
        "--naive-samples",
        type=int,
        default=8,
        help="keystrokes timed for the naive scan (at 1M: at most 2)",
    )
    parser.add_argument(
        "--naive-recall", type=int, default=40, help="known-item queries for the naive scan"
    )
    parser.add_argument("--fzf-recall", type=int, default=200, help="known-item queries for fzf")
    parser.add_argument("--one-scale", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.scales = args.scales or [1_000, 5_000]
        args.queries, args.recall = min(args.queries, 4), min(args.recall, 20)
        args.naive_samples, args.naive_recall, args.fzf_recall = 3, 5, 10
    args.scales = args.scales or [100_000, 1_000_000]
    if not CORPUS.is_file():
        sys.exit(f"bench: {CORPUS} not found (../shared beside the checkout)")
    if args.one_scale:
        print(json.dumps(run_scale(args.one_scale, args)))
        return
    figures = []
    for scale in args.scales:
        # At 1M the naive scan takes about a minute a keystroke: two samples only.
        samples = min(args.naive_samples, 2) if scale >= 1_000_000 else args.naive_samples
        command = [
            sys.executable,
            __file__,
            "--one-scale",
            str(scale),
            "--queries",
            str(args.queries),
            "--recall",
            str(args.recall),
            "--naive-samples",
            str(samples),
        ]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        figures.append(json.loads(output.strip().splitlines()[-1]))
    report(figures, recall_side_by_side(args))


if __name__ == "__main__":
    main()
