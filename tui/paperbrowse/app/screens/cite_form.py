"""The citation form menu: how ``c`` writes keys (``\\citep{a,b}``, ``[@a; @b]`` ...).

Shown the first time ``c`` is pressed (and from the palette's "Citation form"); the
choice is kept in config.json as ``"cite_form"``. Each line shows the form with the
keys about to be copied, so the user picks by what they will get. The forms are
core/cite/forms.py's: this menu formats nothing itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from paperbrowse.app.screens.base import DismissOnce
from paperbrowse.core.cite.forms import KEY_FORMS, cite_keys

# What each form is for, in the menu's order (KEY_FORMS' order).
FORM_NAMES = {
    "latex": "LaTeX",
    "natbib-p": "natbib, in parentheses",
    "natbib-t": "natbib, in the text",
    "pandoc": "pandoc, Quarto",
    "pandoc-t": "pandoc, in the text",
    "keys": "the keys alone",
}
EXAMPLE_KEYS_SHOWN = 2  # the menu shows the form with this many of the keys


class CiteFormScreen(DismissOnce, ModalScreen[str | None]):
    """Dismissed with a form of ``KEY_FORMS`` (enter, or its number) or None (escape)."""

    DEFAULT_CSS = """
    CiteFormScreen {
        align: center middle;
    }
    CiteFormScreen > Vertical {
        width: 84;
        max-width: 95%;
        height: auto;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    CiteFormScreen Static {
        width: 1fr;
    }
    CiteFormScreen #cite-form-title {
        text-style: bold;
    }
    CiteFormScreen #cite-form-hint {
        color: $text-muted;
    }
    CiteFormScreen OptionList {
        height: auto;
        width: 1fr;
    }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        *(
            Binding(str(number), f"choose({number - 1})", show=False)
            for number in range(1, len(KEY_FORMS) + 1)
        ),
    ]
    AUTO_FOCUS = "OptionList"

    def __init__(self, keys: Sequence[str], current: str | None = None) -> None:
        super().__init__()
        self.keys = list(keys)[:EXAMPLE_KEYS_SHOWN] or ["key"]
        self.current = current

    def compose(self) -> ComposeResult:
        options = []
        for number, form in enumerate(KEY_FORMS, start=1):
            label = Text.assemble(
                (f"{number}  ", "dim"),
                (cite_keys(self.keys, form), "bold"),
                (f"  {FORM_NAMES.get(form, form)}", "dim"),
            )
            options.append(Option(label, id=form))
        menu = OptionList(*options, id="cite-form-options")
        if self.current in KEY_FORMS:
            menu.highlighted = list(KEY_FORMS).index(self.current)
        with Vertical():
            yield Static("How should c copy citations?", id="cite-form-title")
            yield menu
            yield Static(
                Text(
                    'Enter or 1-6 chooses; kept in config.json as "cite_form" '
                    "(change it from ctrl+p: Citation form). Escape cancels."
                ),
                id="cite-form-hint",
            )

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_choose(self, index: int) -> None:
        self.dismiss(list(KEY_FORMS)[index])

    def action_cancel(self) -> None:
        self.dismiss(None)
