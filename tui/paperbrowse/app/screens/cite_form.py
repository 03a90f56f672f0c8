"""The citing menus: how ``c`` writes keys (``\\citep{a,b}``, ``[@a; @b]`` ...), and the
CSL style ``C`` formats references in (palette: "Citation style").

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

from paperbrowse.app.actions import bindings
from paperbrowse.app.screens.base import DismissOnce
from paperbrowse.core.cite.forms import KEY_FORMS, cite_keys
from paperbrowse.core.cite.styles import ALIASES, BUNDLED

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


class ChoiceMenuScreen(DismissOnce, ModalScreen[str | None]):
    """A numbered menu of choices: dismissed with the chosen option's id (enter, or its
    number) or None (escape). Subclasses give the title, the options and the hint."""

    DEFAULT_CSS = """
    ChoiceMenuScreen {
        align: center middle;
    }
    ChoiceMenuScreen > Vertical {
        width: 84;
        max-width: 95%;
        height: auto;
        max-height: 100%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    ChoiceMenuScreen Static {
        width: 1fr;
    }
    /* The title and the hint docked, the menu between them given what room is left: at
       50x15 the menu took every row and the hint (how to choose, how to cancel) was cut. */
    ChoiceMenuScreen .choice-title {
        dock: top;
        text-style: bold;
    }
    ChoiceMenuScreen .choice-hint {
        dock: bottom;
        color: $text-muted;
    }
    ChoiceMenuScreen OptionList {
        height: auto;
        max-height: 100%;
        width: 1fr;
    }
    """
    BINDINGS = [
        *bindings("dialog"),  # from the registry (app/actions.py), rebindable
        *(Binding(str(number), f"choose({number - 1})", show=False) for number in range(1, 10)),
    ]
    AUTO_FOCUS = "OptionList"
    ID_PREFIX = "choice"  # the ids of the title, menu and hint: "<prefix>-options" ...
    TITLE_TEXT = ""  # "{key}" in it: the key of ``KEY_ACTION``, as the keymap has it
    KEY_ACTION = "cite"
    HINT_TEXT = ""

    def __init__(self, current: str | None = None) -> None:
        super().__init__()
        self.current = current

    def choices(self) -> list[tuple[str, Text]]:
        """The options as (id, label without its number), in the menu's order."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        self.ids = [choice for choice, _ in self.choices()]
        options = [
            Option(Text.assemble((f"{number}  ", "dim"), label), id=choice)
            for number, (choice, label) in enumerate(self.choices(), start=1)
        ]
        menu = OptionList(*options, id=f"{self.ID_PREFIX}-options")
        if self.current in self.ids:
            menu.highlighted = self.ids.index(self.current)
        with Vertical():
            title = self.TITLE_TEXT.format(key=self.key_named(self.KEY_ACTION))
            yield Static(Text(title), id=f"{self.ID_PREFIX}-title", classes="choice-title")
            yield menu
            cancel = self.key_named("dialog_cancel")
            hint = Text(f"{self.HINT_TEXT} {cancel[:1].upper()}{cancel[1:]} cancels.")
            yield Static(hint, id=f"{self.ID_PREFIX}-hint", classes="choice-hint")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_choose(self, index: int) -> None:
        if index < len(self.ids):
            self.dismiss(self.ids[index])

    def action_cancel(self) -> None:
        self.dismiss(None)


class CiteFormScreen(ChoiceMenuScreen):
    """Dismissed with a form of ``KEY_FORMS`` (enter, or its number) or None (escape)."""

    ID_PREFIX = "cite-form"
    TITLE_TEXT = "How should {key} copy citations?"
    HINT_TEXT = (
        'Enter or 1-6 chooses; kept in config.json as "cite_form" '
        "(change it from ctrl+p: Citation form)."
    )

    def __init__(self, keys: Sequence[str], current: str | None = None) -> None:
        super().__init__(current)
        self.keys = list(keys)[:EXAMPLE_KEYS_SHOWN] or ["key"]

    def choices(self) -> list[tuple[str, Text]]:
        return [
            (
                form,
                Text.assemble(
                    (cite_keys(self.keys, form), "bold"),
                    (f"  {FORM_NAMES.get(form, form)}", "dim"),
                ),
            )
            for form in KEY_FORMS
        ]


class CslStyleScreen(ChoiceMenuScreen):
    """The CSL style ``C`` copies references in: one of the eight bundled styles, or the
    user's own ``.csl`` file when config.json names one (kept, not forgotten)."""

    ID_PREFIX = "csl-style"
    TITLE_TEXT = "Which style should {key} copy references in?"
    KEY_ACTION = "cite_references"
    HINT_TEXT = (
        'Enter or a number chooses; kept in config.json as "csl_style" '
        "(a .csl file of your own can be named there)."
    )

    def choices(self) -> list[tuple[str, Text]]:
        short = {full: alias for alias, full in ALIASES.items()}
        menu = [
            (name, Text.assemble((title, "bold"), (f"  {short.get(name, name)}", "dim")))
            for name, title in BUNDLED.items()
        ]
        own = self.current
        if own and own not in BUNDLED and own.lower().endswith(".csl"):
            menu.append((own, Text.assemble(("your own style", "bold"), (f"  {own}", "dim"))))
        return menu
