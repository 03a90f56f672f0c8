"""Do references come out the same, byte for byte, before and after a change to core/cite?

    git checkout main   # or any commit: the "before"
    python tests/bench/compare_cite_output.py --save /tmp/before.json
    git checkout -      # the "after"
    python tests/bench/compare_cite_output.py --compare /tmp/before.json

Renders a sample of real ACL papers (2,000 by default, the same every time; ``--count 0``:
all 22,370, ``--forms text``: one form) in all eight styles and the three forms (text,
HTML, Markdown) and prints papers/s for each; with ``--compare`` it prints every
reference that changed and exits 1 if any did. A selection
of 2,000 papers or more is rendered on every core (``core/cite/parallel``);
``--one-process`` renders it in this process, to check both ways.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

from paperbrowse.core.cite import parallel
from paperbrowse.core.cite.references import references
from paperbrowse.core.cite.styles import BUNDLED, load_style
from paperbrowse.core.library import load

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
FORMS = ("text", "html", "markdown")


def render(count: int, forms: tuple[str, ...] = FORMS) -> dict[str, list[str]]:
    papers = load(CORPUS / "acl-anthology-2016-2021.jsonl").papers
    sample = random.Random(14).sample(papers, count) if count else papers
    count = len(sample)
    rendered = {}
    for name in BUNDLED:
        style = load_style(name)
        for form in forms:
            started = time.perf_counter()
            rendered[f"{name}/{form}"] = references(sample, style, form)
            took = time.perf_counter() - started
            print(f"{name:<45} {form:<9} {count / took:7,.0f} papers/s", flush=True)
    return rendered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="papers (0: all 22,370)")
    parser.add_argument("--forms", default=",".join(FORMS), help="comma-separated forms")
    parser.add_argument(
        "--one-process", action="store_true", help="no worker processes (core/cite/parallel)"
    )
    parser.add_argument("--save", type=Path, help="write the references to this JSON file")
    parser.add_argument("--compare", type=Path, help="compare with a file --save wrote")
    args = parser.parse_args()
    if args.one_process:
        parallel.POOL_MIN_PAPERS = sys.maxsize
    rendered = render(args.count, tuple(args.forms.split(",")))
    if args.save:
        args.save.write_text(json.dumps(rendered, ensure_ascii=False), encoding="utf-8")
    if args.compare:
        before = json.loads(args.compare.read_text(encoding="utf-8"))
        changed = 0
        for key, entries in before.items():
            for number, (old, new) in enumerate(zip(entries, rendered[key], strict=True)):
                if old != new:
                    changed += 1
                    print(f"{key} #{number}:\n  before: {old}\n  after:  {new}")
        total = sum(len(entries) for entries in before.values())
        print(f"{changed} of {total:,} references changed")
        sys.exit(1 if changed else 0)


if __name__ == "__main__":
    main()
