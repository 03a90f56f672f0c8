"""Every action of the app, once: its id, default keys, names and help text.

The ``BINDINGS`` of the browser, the paper list and the other screens and dialogs, the
footers, the ``?`` help, the command palette (the browser's actions), ``paperbrowse
keys`` and the README's key table are all built from ``ACTIONS``. An action's id is its
binding's id (and its action name, unless it names another), so a user's ``"keymap"``
in config.json rebinds it through Textual's keymap support (``App.set_keymap``). The
order of ``ACTIONS`` is the help's, and for each owner the footer's.

This module imports no Textual at import time: ``paperbrowse keys`` needs only
the key names (``textual.keys``), imported when a keymap is checked.
"""

from __future__ import annotations

import contextlib
import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from textual.binding import Binding, BindingType

# Whose BINDINGS hold it: the browser screen, the paper list (and the people table, which
# moves alike), or one of the other screens and dialogs.
Owner = Literal[
    "browser", "list", "people", "stats", "author", "dialog", "confirm", "note", "problems", "help"
]
NAVIGATION = "Keys"
READING = "Reading, marks and export"
OTHER_SCREENS = "Other screens and dialogs"
# Owners whose keys work on one screen together, where a key rebound to one must not be
# another's (every other owner's keys are alone on their screen). Anything not browser or
# list is missing from the command palette: it acts on a screen of its own.
LIVE_TOGETHER: dict[str, frozenset[str]] = {
    "browser": frozenset({"browser", "list"}),
    "list": frozenset({"browser", "list", "people"}),
    "people": frozenset({"people", "list"}),
    "author": frozenset({"author", "dialog"}),
    "dialog": frozenset({"dialog", "author"}),
}
ON_THE_BROWSER = frozenset({"browser", "list"})
# Keys a screen's own widgets take before any binding of the keymap (Textual applies a
# keymap after it has left the focused widget its keys): its scrolling text, its list of
# choices, its buttons. Given to one of its actions, the action would never hear them.
_MOVING = frozenset({"up", "down", "left", "right", "pageup", "pagedown", "home", "end"})
_CHOOSING = _MOVING | {"enter"}
_PICKING = _CHOOSING | {"j", "k", "g", "G"}  # our option lists' (option_pages.py)
WIDGET_KEYS: dict[str, frozenset[str]] = {
    "help": _MOVING,
    "problems": _MOVING,
    "stats": _PICKING,
    "author": _PICKING,
    "people": _CHOOSING,
    "confirm": frozenset({"enter", "space", "tab", "shift+tab", "left", "right"}),
    # The cite menu's 1-9 choose a style; the pickers' lists take the moving keys.
    "dialog": _PICKING | {str(digit) for digit in range(1, 10)},
}
# Screens where text is typed (the note, the tags, a PDF's or an export's path): a key
# without ctrl or alt would be typed there, or never reach the action, or both.
TYPED_IN = frozenset({"note", "dialog"})
MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")


@dataclass(frozen=True)
class Action:
    id: str  # the action name on its owner, and its binding's id
    keys: str  # default keys, comma separated, as Textual names them ("" for palette only)
    title: str  # its name in the command palette
    # What it does, for the help, the palette, the README and ``paperbrowse keys``; a key
    # of another action in it is written "{key:ID}" (``described`` names the key in effect).
    description: str
    group: str = NAVIGATION  # the help section it is listed in
    owner: Owner = "browser"
    label: str = ""  # the footer's word for it (the title when empty)
    show: bool = False  # in the footer
    pinned: bool = False  # at the footer's right edge, on it however narrow the terminal
    priority: bool = False  # runs before the focused widget sees the key (see browser.py)
    context: str = ""  # where the key does this ("in the bar"), when it does other things too
    action: str = ""  # the binding's action when it is not the id ("app.quit")
    aliases: tuple[str, ...] = ()  # other names the command palette finds it by

    def binding(self) -> Binding:
        from textual.binding import Binding

        return Binding(
            self.keys,
            self.action or self.id,
            self.label or self.title,
            show=self.show,
            priority=self.priority,
            id=self.id,
        )


# Where the keys of each other screen or dialog act, as the help and ``paperbrowse keys``
# say it: one place for all of that owner's actions.
SCREEN_CONTEXT: dict[str, str] = {
    "people": "in the people list",
    "stats": "in the statistics",
    "author": "on an author's papers",
    "note": "in the note editor",
    "confirm": "in a question",
    "dialog": "in a dialog",
    "problems": "in the problems",
    "help": "in the help",
}


def _on_screen(
    owner: Owner,
    action_id: str,
    keys: str,
    title: str,
    description: str,
    *,
    action: str,
    label: str = "",
    show: bool = False,
    priority: bool = False,
) -> Action:
    """An action of another screen or dialog (``owner``): listed under OTHER_SCREENS, with
    where it acts from ``SCREEN_CONTEXT``."""
    return Action(
        action_id,
        keys,
        title,
        description,
        group=OTHER_SCREENS,
        owner=owner,
        label=label,
        show=show,
        priority=priority,
        context=SCREEN_CONTEXT[owner],
        action=action,
    )


ACTIONS: tuple[Action, ...] = (
    Action(
        "focus_search",
        "slash",
        "Search",
        "focus the search bar; typing filters and ranks the list live",
        show=True,
        priority=True,
    ),
    Action(
        "leave_search",
        "escape",
        "Back to list",
        "go to the list, query kept",
        show=True,
        priority=True,
        context="in the bar",
    ),
    Action(
        "submit_search",
        "enter",
        "Go to the results",
        "go to the list, first result selected",
        priority=True,
        context="in the bar",
    ),
    # The paper list's own keys.
    Action("cursor_down", "down,j", "Down", "move down", owner="list"),
    Action("cursor_up", "up,k", "Up", "move up", owner="list"),
    Action("first", "home,g", "First paper", "first paper", owner="list"),
    Action("last", "end,G", "Last paper", "last paper", owner="list"),
    Action("page_down", "pagedown", "Page down", "a page down", owner="list"),
    Action("page_up", "pageup", "Page up", "a page up", owner="list"),
    Action(
        "select",
        "enter",
        "Read paper",
        "read it: focus the detail pane to scroll it",
        owner="list",
        label="Read",
        show=True,
        context="on a paper",
    ),
    Action(
        "switch_pane",
        "tab",
        "Switch pane",
        "switch between the list and the detail pane, and to the detail's citations in "
        "this library (enter jumps to one)",
    ),
    Action(
        "cycle_sort",
        "s",
        "Sort: next order",
        "sort: newest / oldest / title / relevance (relevance while a query is typed)",
        label="Sort",
        show=True,
    ),
    Action(
        "open_link",
        "o",
        "Open link",
        "open the paper's first link in the browser (http and https only)",
        show=True,
    ),
    # The paper's own files (issue 15): app/screens/browser_parts/files.py.
    Action(
        "open_pdf",
        "O",
        "Open PDF",
        "open the paper's PDF in $PAPERBROWSE_PDF_VIEWER, else the system's viewer",
        label="PDF",
    ),
    Action(
        "attach_pdf",
        "A",
        "Attach PDF",
        "attach a PDF to the paper (kept with your marks; the library file is not changed)",
        group=READING,
        label="Attach",
    ),
    Action(
        "fetch_pdf",
        "D",
        "Download PDF",
        "download the paper's PDF: arXiv's for an arXiv id, then (none, or arXiv gives "
        'none) the open-access copy Unpaywall knows of for its DOI (needs "email" in '
        "config.json); saved in your PDF folder and attached as {key:attach_pdf} does",
        group=READING,
        label="Download",
        aliases=("find available pdf", "unpaywall", "open access"),
    ),
    Action(
        "copy",
        "y",
        "Copy paper",
        "copy title, authors and first link to the clipboard (OSC 52: works over SSH and "
        "tmux); the marked papers when there are some",
        label="Copy",
        show=True,
    ),
    Action(
        "copy_bibtex",
        "Y",
        "Copy BibTeX",
        "copy the paper's BibTeX entry, your tags as keywords as export writes them; the "
        "marked papers' when there are some",
        group=READING,
        label="BibTeX",
    ),
    # Citing (issue 14): one block, so other engineers' keys merge beside it.
    Action(
        "cite",
        "c",
        "Copy citation",
        "copy a citation of the marked papers, else this one: \\citep{a,b}, [@a; @b] ... "
        "(the form is asked once, then kept in config.json)",
        group=READING,
        label="Cite",
    ),
    Action(
        "cite_references",
        "C",
        "Copy references",
        'copy the same papers as references in a CSL style (APA, or "csl_style" in config.json)',
        group=READING,
        label="References",
    ),
    Action(
        "choose_cite_form",
        "",
        "Citation form",
        "choose the form {key:cite} copies citations in",
        group=READING,
    ),
    Action(
        "choose_csl_style",
        "",
        "Citation style",
        "choose the CSL style {key:cite_references} copies references in (APA, IEEE, Chicago ... "
        "or your .csl)",
        group=READING,
    ),
    Action(
        "toggle_mark",
        "space",
        "Mark / unmark",
        "mark / unmark the paper (● in the list) and go to the next; export, copy and cite "
        "act on the marked papers, in the order they were marked",
        group=READING,
        label="Mark",
    ),
    Action(
        "bookmark",
        "b",
        "Bookmark",
        "bookmark / unbookmark the paper (★ in the list)",
        group=READING,
        show=True,
    ),
    Action(
        "toggle_read",
        "r",
        "Read / unread",
        "mark the paper read / unread (✓)",
        group=READING,
        label="Read/unread",
    ),
    Action(
        "edit_tags",
        "t",
        "Edit tags",
        "edit the paper's tags (comma or space separated)",
        group=READING,
        label="Tags",
    ),
    Action(
        "edit_note",
        "n",
        "Edit note",
        "write a note on the paper (✎); saved as you type and on close",
        group=READING,
        label="Note",
    ),
    Action(
        "author",
        "a",
        "Authors",
        "the paper's authors: pick one to list all their papers here",
        group=READING,
    ),
    # Several profiles (issue 16): app/screens/people.py.
    Action(
        "people",
        "p",
        "People",
        "the researchers of the profiles opened: figures, papers here, who wrote with whom; "
        'every column sorts; enter lists one\'s papers (profile:"Name")',
        group=READING,
    ),
    Action(
        "related",
        "m",
        "More like this",
        "more like this: the papers most like this one (its distinctive words, shared "
        "authors, venue), each saying why; enter goes to one",
        group=READING,
        label="Related",
    ),
    Action(
        "add_paper",
        "plus",
        "Add a paper",
        "add a paper by its DOI or arXiv id (looked up on Crossref or arXiv), or by its "
        "title (searched on Crossref), or a BibTeX entry pasted, to a .bib, "
        ".ris, .jsonl or .json file, the library's or one named; the file before this "
        "session's first change is kept as FILE.bak",
        group=READING,
        aliases=("new paper", "doi", "arxiv", "import"),
    ),
    Action(
        "export",
        "e",
        "Export",
        "export the marked papers, else the list as filtered now: BibTeX, BibLaTeX, "
        "CSL-JSON, JSON, CSV, RIS, Markdown, or a reference list in a CSL style",
        group=READING,
        show=True,
    ),
    Action(
        "stats",
        "S",
        "Stats",
        "stats: papers per year, categories, venues, co-authors, reading progress; enter "
        "on a row filters the list",
        group=READING,
        show=True,
    ),
    Action(
        "show_problems",
        "w",
        "Show problems",
        "problems met while loading files",
        label="Problems",
        show=True,
    ),
    Action(
        "reload",
        "ctrl+r",
        "Reload",
        "reload the files; the cursor and the query stay (files changed on disk reload by "
        "themselves within a few seconds)",
    ),
    # Help and Quit, the keys a newcomer needs most, pinned: the footer's other keys
    # come first, and at 90 columns these two were cut off its right edge.
    Action(
        "help",
        "question_mark",
        "Help",
        "help: every key and the search syntax",
        show=True,
        pinned=True,
    ),
    Action(
        "quit",
        "q",
        "Quit",
        "quit (the search bar takes the keys it types or edits with)",
        show=True,
        pinned=True,
        action="app.quit",
    ),
    Action(
        "escape",
        "escape",
        "Clear query",
        "clear the query (from the detail pane: back to the list)",
        context="in the list",
    ),
    Action("clear_search", "", "Clear search", "show every paper again"),
    Action(
        "clear_marks",
        "",
        "Clear marks",
        "unmark every paper marked with {key:toggle_mark}",
        group=READING,
        aliases=("Unmark all", "Deselect all"),
    ),
    # The keys of the other screens and dialogs: each acts there alone.
    _on_screen(
        "people",
        "people_close",
        "escape,q",
        "Leave people",
        "back to the papers",
        action="close",
        label="Back",
        show=True,
        priority=True,
    ),
    _on_screen(
        "people",
        "people_sort",
        "s",
        "Sort people",
        "sort by the next column",
        action="next_sort",
        label="Sort",
        show=True,
        priority=True,
    ),
    _on_screen(
        "people",
        "people_reverse",
        "r",
        "Reverse people",
        "reverse the order",
        action="reverse",
        label="Reverse",
        show=True,
        priority=True,
    ),
    _on_screen(
        "stats",
        "stats_next_chart",
        "tab",
        "Next chart",
        "the next chart",
        action="app.focus_next",
        show=True,
    ),
    _on_screen(
        "stats",
        "stats_close",
        "escape,q",
        "Leave statistics",
        "back to the papers",
        action="close",
        label="Back",
        show=True,
    ),
    _on_screen(
        "author",
        "author_show_in_list",
        "f",
        "Show in list",
        'list the author\'s papers in the browser (author:"Name")',
        action="filter",
    ),
    _on_screen(
        "note",
        "note_save_close",
        "escape,ctrl+s",
        "Save note",
        "save the note and close the editor",
        action="close",
        priority=True,
    ),
    _on_screen(
        "confirm",
        "confirm_yes",
        "y",
        "Yes",
        "answer yes (replace the file an export would write over; write a format under "
        "another's name)",
        action="answer(True)",
    ),
    _on_screen(
        "confirm",
        "confirm_no",
        "n,escape",
        "No",
        "answer no: nothing is written",
        action="answer(False)",
    ),
    _on_screen(
        "dialog",
        "dialog_cancel",
        "escape",
        "Cancel",
        "close a dialog or picker, nothing done (tags, PDF, export, adding, citing, "
        "authors, more like this)",
        action="cancel",
    ),
    _on_screen(
        "problems",
        "problems_close",
        "escape,q,w",
        "Close problems",
        "close the list of problems",
        action="dismiss",
        label="Close",
        show=True,
    ),
    _on_screen(
        "help",
        "help_close",
        "escape,q,question_mark",
        "Close help",
        "close the help",
        action="dismiss",
        label="Close",
        show=True,
    ),
)
BY_ID: dict[str, Action] = {action.id: action for action in ACTIONS}

REGISTRY_RANK: dict[str, int] = {action.id: rank for rank, action in enumerate(ACTIONS)}
# The binding actions ("help", "app.quit") whose keys the footer keeps at its right edge.
PINNED_ACTIONS = frozenset(action.action or action.id for action in ACTIONS if action.pinned)

# Keys the app holds everywhere (Textual's app bindings): listed, not rebindable here.
FIXED_KEYS: tuple[tuple[str, str], ...] = (
    ("ctrl+p", 'command palette: "Go to paper…", themes, every action'),
    ("ctrl+q", "quit, from anywhere (the search bar too)"),
)
RESERVED_KEYS = ("ctrl+p", "ctrl+q", "ctrl+c")  # ctrl+c: Textual's copy and quit hint


def bindings(owner: Owner, labels: Mapping[str, str] | None = None) -> list[BindingType]:
    """The ``BINDINGS`` of the browser screen, the paper list or another screen or
    dialog (``owner``), in footer order.

    Another list that moves and selects alike (the people table) takes the paper list's,
    with its own footer words (``labels``, by action id): the same binding ids, so that a
    user's keymap moves the cursor the same way in both.
    """
    labels = labels or {}
    return [
        replace(action, label=labels.get(action.id, action.label)).binding()
        for action in ACTIONS
        if action.owner == owner and action.keys
    ]


# --- keys as users write them ----------------------------------------------------------


def split_keys(keys: str) -> list[str]:
    return [key.strip() for key in keys.split(",") if key.strip()]


def key_name(key: str) -> str:
    """Textual's name for a key as written: "?" is "question_mark", "ctrl+r" stays,
    "F5" and "Ctrl+PageUp" are "f5" and "ctrl+pageup", "shift+o" is "O".

    A terminal sends shift and a letter as the capital letter (Textual's key "O"),
    never as "shift+o", so a binding on "shift+o" would never fire. Named keys and
    modifiers are lower case in Textual; a single letter keeps its case ("G").
    """
    from textual.keys import _character_to_key  # what App.set_keymap itself applies

    if len(key) == 1:
        return _character_to_key(key)
    *modifiers, base = key.split("+")
    modifiers = [modifier.lower() for modifier in modifiers]
    if len(base) > 1:
        base = base.lower()
    elif modifiers == ["shift"] and base.isalpha():
        return base.upper()
    return "+".join([*modifiers, base])


def is_key(name: str) -> bool:
    """Whether Textual can ever send ``name`` (a key name, with modifiers or not)."""
    from textual.keys import Keys, _character_to_key

    *modifiers, base = name.split("+")
    if any(modifier not in MODIFIERS for modifier in modifiers) or not base:
        return False
    if len(base) == 1 and base.isprintable() and not base.isspace():
        return True
    named = {key.value for key in Keys} | {_character_to_key(chr(c)) for c in range(32, 127)}
    return base in named or name in named


@functools.lru_cache(maxsize=512)
def key_display(name: str) -> str:
    """A key as the help shows it: "?" for question_mark, "/" for slash, "pageup" as is.
    (Remembered: the search's empty message names two keys on every keystroke, and each
    took 0.1 ms, most of it a set of Textual's key names made anew.)"""
    from textual.keys import KEY_NAME_REPLACEMENTS, Keys

    *modifiers, base = name.split("+")
    if len(base) > 1 and base not in {key.value for key in Keys}:
        unicode_name = {v: k for k, v in KEY_NAME_REPLACEMENTS.items()}.get(base, base)
        with contextlib.suppress(KeyError):
            base = unicodedata.lookup(unicode_name.replace("_", " "))
    return "+".join([*modifiers, base])


# --- a user's keymap -------------------------------------------------------------------


def keys_in_effect(action: Action, keymap: Mapping[str, str]) -> list[str]:
    """The action's keys with the user's keymap applied (Textual names)."""
    return split_keys(keymap.get(action.id) or action.keys)


def resolve_keymap(raw: Mapping[str, object], where: str) -> tuple[dict[str, str], list[str]]:
    """The usable part of a user's keymap, and one line per entry left out (and why).

    An unknown id, a key Textual never sends, or a key another action on the same screen
    already has (``LIVE_TOGETHER``, after the whole keymap is applied) leaves that entry
    out; the action keeps its default keys and the rest of the keymap applies.
    """
    problems: list[str] = []
    wanted: dict[str, str] = {}
    for action_id, value in raw.items():
        line = f"{where}: keymap {action_id!r}"
        if action_id not in BY_ID:
            problems.append(f"{line}: no such action (see 'paperbrowse keys'); ignored")
            continue
        keys = split_keys(value) if isinstance(value, str) else []
        names = [key_name(key) for key in keys]
        bad = [key for key, name in zip(keys, names, strict=True) if not is_key(name)]
        if not names or bad:
            what = (
                f"{', '.join(map(repr, bad))} is not a key"
                if bad
                else "no keys given"
                if isinstance(value, str)
                else "not a string of keys"
            )
            problems.append(
                f'{line}: {what} (write keys as "x" or "down,j,ctrl+n"); '
                f"it keeps {default_keys(action_id)}"
            )
            continue
        wanted[action_id] = ",".join(dict.fromkeys(names))
    while clash := _last_clash(wanted):
        action_id, key, other = clash
        problems.append(
            f"{where}: keymap {action_id!r}: {key_display(key)} is already {other}; "
            f"it keeps {default_keys(action_id)}"
        )
        del wanted[action_id]
    return wanted, problems


def default_keys(action_id: str) -> str:
    action = BY_ID[action_id]
    return " ".join(key_display(key) for key in split_keys(action.keys)) or "no key"


def _last_clash(keymap: Mapping[str, str]) -> tuple[str, str, str] | None:
    """The last keymap entry giving a key another action on its screen (or the app) has,
    with that key and who has it; the keys actions share by design (escape, enter) are
    not clashes."""
    holders: dict[str, list[Action]] = {}
    for action in ACTIONS:
        for key in keys_in_effect(action, keymap):
            holders.setdefault(key, []).append(action)
    for action_id in reversed(list(keymap)):
        owner = BY_ID[action_id].owner
        together = LIVE_TOGETHER.get(owner, {owner})
        for key in split_keys(keymap[action_id]):
            if key in RESERVED_KEYS:
                return action_id, key, "the app's own key"
            if key in WIDGET_KEYS.get(owner, ()):
                return action_id, key, "a key the screen itself uses (to move or choose)"
            if owner in TYPED_IN and not _kept_from_text(key):
                return action_id, key, "a key that types or moves in the text there"
            others = [
                other.id
                for other in holders.get(key, [])
                if other.id != action_id and other.owner in together
            ]
            if others:
                return action_id, key, f"the key of {others[0]!r}"
    return None


def _kept_from_text(key: str) -> bool:
    """Whether a text field leaves ``key`` to the bindings: with ctrl or alt, escape, or
    a function key (a letter, a space, enter or an arrow it takes for itself)."""
    *modifiers, base = key.split("+")
    return (
        bool({"ctrl", "alt"} & set(modifiers))
        or base == "escape"
        or bool(re.fullmatch(r"f\d{1,2}", base))
    )


def pinned(keymap: Mapping[str, str]) -> dict[str, str]:
    """``keymap`` plus, for each action sharing a key with a rebound one, its own keys.

    Textual 8.2.8's ``BindingsMap.apply_keymap`` removes a rebound binding by deleting
    every key it had, with the other bindings on those keys: rebinding ``escape``
    (clear the query) took escape from ``leave_search`` too. Naming the sharer's keys
    in the keymap makes Textual put them back. No upstream issue found for this one;
    the keymap PR (Textualize/textual#5038) calls apply_keymap "destructive" for the
    key, and #5694 (spaces after commas) and #5704 (symbol keys) are its neighbours:
    ``resolve_keymap`` joins keys without spaces and in Textual's names for them.
    """
    result = dict(keymap)
    changed = True
    while changed:
        changed = False
        for action in ACTIONS:
            if action.id in result:
                continue
            mine = set(split_keys(action.keys))
            for other_id in list(result):
                other = BY_ID[other_id]
                if other.owner == action.owner and mine & set(split_keys(other.keys)):
                    result[action.id] = action.keys
                    changed = True
                    break
    return result


def key_rows(
    keymap: Mapping[str, str] | None = None, actions: Iterable[Action] = ACTIONS
) -> list[tuple[str, str, str]]:
    """(id, keys in effect as shown, description) for each action, in help order."""
    keymap = keymap or {}
    return [(a.id, shown_keys(a, keymap), described(a, keymap)) for a in in_help_order(actions)]


def in_help_order(actions: Iterable[Action] = ACTIONS) -> list[Action]:
    """The browsing keys first, then reading, marks and export, each in registry order."""
    return sorted(actions, key=lambda action: action.group != NAVIGATION)


def key_named(action_id: str, keymap: Mapping[str, str], joined: str = "") -> str:
    """The action's keys in effect as a hint names them: the first ("escape"), or with
    ``joined`` all of them ("escape or ctrl+s")."""
    keys = [key_display(key) for key in keys_in_effect(BY_ID[action_id], keymap)]
    return (joined.join(keys) if joined else keys[0]) if keys else "(palette)"


def keymap_of(app: object) -> Mapping[str, str]:
    """The user's keymap as an app applied it (``keymap_in_effect``): none in another app."""
    keymap: Mapping[str, str] = getattr(app, "keymap_in_effect", {})
    return keymap


# "{key:cite}" in a description: the cite action's keys, as the user's keymap has them.
_KEY_OF_ACTION = re.compile(r"\{key:(\w+)\}")


def described(action: Action, keymap: Mapping[str, str]) -> str:
    """The action's description with the keys it names as the keymap has them: "choose
    the form ctrl+y copies citations in" once cite is on ctrl+y. An action without a key
    is named by its palette title instead ('the form "Copy citation" copies'), so no
    description names a key that does nothing."""

    def keys_of(match: re.Match[str]) -> str:
        other = BY_ID[match.group(1)]
        keys = keys_in_effect(other, keymap)
        return " or ".join(map(key_display, keys)) if keys else f'"{other.title}"'

    return _KEY_OF_ACTION.sub(keys_of, action.description)


def key_hint(action_id: str, keymap: Mapping[str, str], text: str) -> str:
    """``text`` with ``{key}`` as the action's first key in effect ("? shows the syntax"),
    or "" when it has none: a hint names the key a keymap gave, never one that does nothing."""
    keys = keys_in_effect(BY_ID[action_id], keymap)
    return text.format(key=key_display(keys[0])) if keys else ""


def shown_keys(action: Action, keymap: Mapping[str, str]) -> str:
    """ "enter in the bar", "j k": the keys in effect, as a person reads them."""
    keys = " ".join(key_display(key) for key in keys_in_effect(action, keymap)) or "(palette)"
    return f"{keys} {action.context}" if action.context else keys
