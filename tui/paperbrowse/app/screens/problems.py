"""The problems screen: every warning met while loading, one line each."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from paperbrowse.app.actions import bindings
from paperbrowse.app.screens.base import DismissOnce
from paperbrowse.core.errors import Problem
from paperbrowse.core.text.counts import counted


class ProblemsScreen(DismissOnce, ModalScreen[None]):
    BINDINGS = bindings("problems")  # from the registry (app/actions.py), rebindable

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__()
        self.problems = problems

    def compose(self) -> ComposeResult:
        heading = f"{counted(len(self.problems), 'problem')} while loading (the rest loaded fine)"
        lines = [Text(heading, style="bold"), Text()]
        lines += [Text(str(problem)) for problem in self.problems]
        lines += [Text(), Text("Fix the file and reopen it; nothing was changed on disk.", "dim")]
        with VerticalScroll():
            yield Static(Text("\n").join(lines))
