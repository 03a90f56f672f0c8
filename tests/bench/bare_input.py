"""The floor for bench_keys.py: a bare Textual app with one Input and a result count.

Typing in it shows "N of M papers" beside the input at once, N looked up in a table
the bench wrote (the counts ``Library.search`` gives for each prefix typed), so the
bench measures it exactly as it measures paperbrowse: what Textual, the terminal and
the measuring itself cost for one key, with no search and no list.

    python tests/bench/bare_input.py counts.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Static


class BareInput(App[None]):
    CSS = """
    Horizontal { height: 3; }
    Input { width: 1fr; }
    #count { width: auto; height: 3; content-align: right middle; padding: 0 1; }
    """

    def __init__(self, counts: dict[str, int], total: int) -> None:
        super().__init__()
        self.counts = counts
        self.total = total

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Input(id="query")
            yield Static(id="count")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.show("")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.show(event.value)

    def show(self, query: str) -> None:
        count = self.counts.get(query, 0)
        self.query_one("#count", Static).update(f"{count:,} of {self.total:,} papers")


def main() -> None:
    table = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    BareInput(table["counts"], table["total"]).run()


if __name__ == "__main__":
    main()
