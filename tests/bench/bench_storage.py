"""How long the marks database takes for what the app does often. Prints figures; asserts nothing.

    python tests/bench/bench_storage.py            # 5,000 marked papers, in a temporary folder
    python tests/bench/bench_storage.py --marks 50000

Figures: opening (integrity check + loading every mark), saving a note (the
editor saves on every pause in typing, checked against what another window
saved; and merging a 100-line note another window changed), saving an
unchanged note, opening read-only (``paperbrowse notes``), toggling a
bookmark, refresh() with and without another process's change, and testing
``is:unread`` over 22,370 papers (the ACL corpus size).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from paperbrowse.core.marks.store import Store
from paperbrowse.core.models import Paper


def timed(action: Callable[[], object], repeat: int) -> float:
    """Median milliseconds per call."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def fill(db: Path, count: int) -> None:
    with Store.open(db) as store:
        connection = store._connection  # bulk insert: one transaction, not one per mark
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO papers (id, title, year, read, updated) VALUES (?, ?, 2020, ?, 'x')",
            [(f"p{n}", f"Paper {n}", n % 2) for n in range(count)],
        )
        connection.executemany(
            "INSERT INTO notes (paper_id, body, updated) VALUES (?, ?, 'x')",
            [(f"p{n}", "note " * 50) for n in range(0, count, 3)],
        )
        connection.execute("COMMIT")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--marks", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "marks.sqlite3"
        fill(db, args.marks)
        print(f"marks database with {args.marks:,} marked papers: {db.stat().st_size:,} bytes")
        print(f"open (check + load all)   {timed(lambda: Store.open(db).close(), 10):8.2f} ms")
        store, other = Store.open(db), Store.open(db)
        paper = Paper(id="bench", title="Benchmark paper")
        text = iter(range(10**9))
        changed = timed(lambda: store.save_note(paper, f"n {next(text)}"), 200)
        print(f"save_note (changed)       {changed:8.2f} ms")
        unchanged = timed(lambda: store.save_note(paper, store.marks("bench").note), 200)
        print(f"save_note (unchanged)     {unchanged:8.3f} ms")
        read_only = timed(lambda: Store.open(db, read_only=True).close(), 10)
        print(f"open read-only (notes)    {read_only:8.2f} ms")
        editor = {"opened": ""}

        def editor_save() -> None:
            text = editor["opened"] + "x"
            editor["opened"] = store.save_edited_note(paper, text, editor["opened"]).marks.note

        print(f"save_edited_note          {timed(editor_save, 200):8.2f} ms")
        long_note = "\n".join(f"line {n} of a long note" for n in range(100))
        numbers = iter(range(10**9))

        def other_window_saves(page: Paper) -> None:
            other.save_edited_note(page, long_note.replace("line 50", "elsewhere"), long_note)

        def merge_one() -> None:
            page = Paper(id=f"merge-{next(numbers)}", title="Merged")
            store.save_note(page, long_note)
            other_window_saves(page)
            store.save_edited_note(page, long_note.replace("line 10", "here"), long_note)

        def without_merge() -> None:
            page = Paper(id=f"merge-{next(numbers)}", title="Merged")
            store.save_note(page, long_note)
            other_window_saves(page)

        merging = timed(merge_one, 40) - timed(without_merge, 40)
        print(f"save_edited_note, merging {merging:8.2f} ms (100 lines, another window's change)")
        toggled = timed(lambda: store.toggle_bookmarked(paper), 200)
        print(f"toggle_bookmarked         {toggled:8.2f} ms")
        other.refresh()
        print(f"refresh, nothing new      {timed(other.refresh, 200):8.3f} ms")

        def change_then_refresh() -> None:
            store.toggle_read(paper)
            other.refresh()

        both = timed(change_then_refresh, 20)
        alone = timed(lambda: store.toggle_read(paper), 20)
        print(f"refresh after a change    {both - alone:8.2f} ms (reloads every mark)")
        papers = [Paper(id=f"p{n}", title="") for n in range(22_370)]
        unread = store.predicate("is", "unread")
        assert unread is not None
        print(f"is:unread over 22,370     {timed(lambda: sum(map(unread, papers)), 10):8.2f} ms")
        store.close()
        other.close()


if __name__ == "__main__":
    main()
