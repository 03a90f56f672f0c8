"""The floor for bench_startup.py: a bare Textual app that shows one line and waits.

It imports only Textual and draws the same marker text paperbrowse shows once its
papers are listed, so the two launch the same way and stop the clock alike.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static


class BareApp(App[None]):
    BINDINGS = [("ctrl+q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static("15 papers · a bare Textual app")


if __name__ == "__main__":
    BareApp().run()
