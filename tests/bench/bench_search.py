"""Search benchmark: paperbrowse's index against a naive rapidfuzz scan and fzf.

Loads the ACL Anthology JSON Lines (22,370 papers) with ``paperbrowse.load``,
replicates it to each scale (distinct ids), builds the index, then types real
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
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus" / "acl-anthology-2016-2021.jsonl"

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
            stdin=lines, capture_output=True, check=False,
        )
    found = []
    for line in result.stdout.splitlines()[:top]:
        found.append(int(line.split(b"\t", 1)[0]))
    return found


# -- one scale, in its own process -----------------------------------------------------


def run_scale(scale: int, args: argparse.Namespace) -> dict[str, object]:
    import paperbrowse
    from paperbrowse.core.search import SearchIndex

    library = paperbrowse.load(CORPUS)
    base = library.papers
    started = time.perf_counter()
    papers = list(base[:scale])
    for copy in range(1, -(-scale // len(base))):
        for paper in base[: scale - len(papers)]:
            papers.append(paper.model_copy(update={"id": f"{paper.id}#{copy}"}))
    replicate_s = time.perf_counter() - started
    loaded_mb = rss_mb()
    started = time.perf_counter()
    index = SearchIndex(papers)
    build_s = time.perf_counter() - started
    indexed_mb = rss_mb()
    base_number = {id(p): i for i, p in enumerate(base)}
    copy_of = {p.id: base_number.get(id(p)) for p in base}
    for p in papers[len(base):]:
        copy_of[p.id] = int(copy_of[p.id.split("#")[0]])  # type: ignore[arg-type]

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

    items = known_items([p.title for p in base[:scale]], args.recall)
    found = 0
    for number, text in items:
        results = index.find(text)
        top = [copy_of[results[i].id] for i in range(min(3, len(results)))]
        found += number in top
    figures: dict[str, object] = {
        "scale": scale,
        "replicate_s": replicate_s,
        "build_s": build_s,
        "loaded_mb": loaded_mb,
        "indexed_mb": indexed_mb,
        "peak_mb": peak_mb(),
        "keystrokes": len(latencies),
        "p50_ms": statistics.median(latencies),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": max(latencies),
        "recall": found / len(items),
        "recall_n": len(items),
    }
    figures.update(naive_figures(papers, strokes, items, copy_of, args))
    return figures


def naive_figures(papers, strokes, items, copy_of, args) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The naive scan: rapidfuzz WRatio over every paper's folded full text."""
    from rapidfuzz import fuzz, process

    fulltexts = [f"{p.title} {p.authors_text()} {p.abstract or ''}".lower() for p in papers]
    rng = random.Random(1)
    sample = rng.sample(strokes, min(args.naive_samples, len(strokes)))
    times = []
    for text in sample:
        started = time.perf_counter()
        process.extract(text.lower(), fulltexts, scorer=fuzz.WRatio, limit=50)
        times.append((time.perf_counter() - started) * 1000)
    found = 0
    recall_items = items[: args.naive_recall]
    for number, text in recall_items:
        top = process.extract(text.lower(), fulltexts, scorer=fuzz.WRatio, limit=3)
        found += number in [copy_of[papers[i].id] for _, _, i in top]
    return {
        "naive_samples": len(times),
        "naive_p50_ms": statistics.median(times) if times else None,
        "naive_p99_ms": percentile(times, 0.99) if times else None,
        "naive_recall": found / len(recall_items) if recall_items else None,
        "naive_recall_n": len(recall_items),
    }


def fzf_recall(args: argparse.Namespace) -> tuple[float, int, int] | None:
    """fzf --filter over the corpus (one line a paper: title, authors, abstract)."""
    if shutil.which("fzf") is None:
        return None
    import tempfile

    import paperbrowse

    base = paperbrowse.load(CORPUS).papers[: min(args.scales)]
    items = known_items([p.title for p in base], args.recall)[: args.fzf_recall]
    with tempfile.TemporaryDirectory() as folder:
        lines = Path(folder) / "papers.tsv"
        with lines.open("w", encoding="utf-8") as out:
            for i, p in enumerate(base):
                text = f"{p.title}\t{p.authors_text()}\t{p.abstract or ''}"
                out.write(f"{i}\t{' '.join(text.split())}\n")
        found = sum(number in fzf_top(lines, text) for number, text in items)
    return found / len(items), len(items), len(base)


def report(figures: list[dict[str, Any]], fzf: tuple[float, int, int] | None) -> None:
    print(f"corpus: {CORPUS.name}, replicated with distinct ids;"
          f" python {sys.version.split()[0]}, {os.cpu_count()} cores")
    print("latency: whole query re-run per keystroke, plus the spans the screen shows"
          " (title and authors of 20 rows, every field of the first)")
    for f in figures:
        print(f"\n== {f['scale']:,} papers ==")
        print(f"  index build        {f['build_s']:.2f} s"
              f"   (replicating the papers took {f['replicate_s']:.2f} s)")
        print(f"  memory (RSS)       {f['loaded_mb']:.0f} MB loaded,"
              f" {f['indexed_mb']:.0f} MB loaded and indexed (peak {f['peak_mb']:.0f} MB)")
        print(f"  paperbrowse        p50 {f['p50_ms']:.1f} ms   p99 {f['p99_ms']:.1f} ms"
              f"   max {f['max_ms']:.1f} ms   over {f['keystrokes']} keystrokes")
        if f["naive_p50_ms"] is not None:
            ratio = f["naive_p50_ms"] / f["p50_ms"]
            print(f"  naive WRatio scan  p50 {f['naive_p50_ms']:.0f} ms"
                  f"   p99 {f['naive_p99_ms']:.0f} ms   over {f['naive_samples']} sampled"
                  f" keystrokes: {ratio:.0f}x slower at p50")
        line = (f"  known-item recall  top-3 {100 * f['recall']:.1f}%"
                f" of {f['recall_n']} typo'd titles")
        if f["naive_recall"] is not None:
            line += f";  naive scan {100 * f['naive_recall']:.1f}% of {f['naive_recall_n']}"
        print(line)
    if fzf is None:
        print("\nfzf: not installed (apt-get install fzf), recall not measured")
    else:
        print(f"\nfzf --filter ({fzf[2]:,} papers, the same typo'd titles):"
              f" known-item top-3 recall {100 * fzf[0]:.1f}% of {fzf[1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small scales, for CI")
    parser.add_argument("--scales", type=lambda s: [int(x) for x in s.split(",")])
    parser.add_argument("--queries", type=int, default=len(QUERIES))
    parser.add_argument("--recall", type=int, default=200, help="known-item queries")
    parser.add_argument("--naive-samples", type=int, default=12)
    parser.add_argument("--naive-recall", type=int, default=50)
    parser.add_argument("--fzf-recall", type=int, default=200)
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
        if scale >= 1_000_000:
            # The naive scan takes minutes per keystroke here: a couple of samples only.
            extra = ["--naive-samples", str(min(args.naive_samples, 2)), "--naive-recall", "0"]
        else:
            extra = ["--naive-samples", str(args.naive_samples),
                     "--naive-recall", str(args.naive_recall)]
        command = [sys.executable, __file__, "--one-scale", str(scale),
                   "--queries", str(args.queries), "--recall", str(args.recall), *extra]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        figures.append(json.loads(output.strip().splitlines()[-1]))
    report(figures, fzf_recall(args))


if __name__ == "__main__":
    main()
