"""Command palette: every action (app/actions.py), and "Go to paper…" fuzzy over titles.

Text from files only ever reaches the palette as ``rich.text.Text`` prompts:
the palette renders plain-string prompts and help as markup.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets import Input, OptionList
from textual.worker import Worker

from paperbrowse.app.actions import (
    ACTIONS,
    ON_THE_BROWSER,
    Action,
    described,
    key_display,
    keymap_of,
    keys_in_effect,
)
from paperbrowse.app.screens.base import DismissOnce
from paperbrowse.app.widgets.option_pages import laid_out, page_before_layout

if TYPE_CHECKING:
    from paperbrowse.app.screens.browser import BrowserScreen
    from paperbrowse.core.library import Library
    from paperbrowse.core.models import Paper

GO_TO_NAME = "Go to paper…"
GO_TO_HELP = "Find a paper by its title, typos forgiven"
# An action as the palette lists it: name, help, what it runs, other names it is found by.
PaletteEntry = tuple[str, str, Callable[[], object], tuple[str, ...]]
GO_TO_LIMIT = 20  # papers offered by "Go to paper…"
GO_TO_CUTOFF = 50  # rapidfuzz WRatio score a title needs there
MAIN_PALETTE_PAPERS = 5  # papers offered in the main palette beside the actions
MAIN_PALETTE_CUTOFF = 80  # stricter: a few letters of an action name match many titles loosely


class PaperCommandPalette(DismissOnce, CommandPalette):
    """Textual's palette, safe against keys that come before it is drawn or after it closed.

    Closed once, however many clicks or enters reach it (``DismissOnce``); a page key
    before its list is laid out goes to the first or last command instead of raising
    ``KeyError`` (see ``widgets/option_pages.py``).

    Enter typed while the search for the query is still running (Textual searches in a
    worker) waits for it, then runs the query's top hit, with the keys typed after it held
    (``KeysInOrder.hold_keys``) till the command has opened its screen: at once after
    "Citation form", Enter ran the hit still listed for "C" (Copy citation), and the keys
    typed after "Citation style" Enter never reached the style menu.
    """

    _release_keys: Callable[[], None] | None = None  # set while an Enter waits for its hits

    def _searching(self) -> bool:
        """Whether the search for the query as typed is still running."""
        return any(
            worker.node is self
            and worker.group == self._GATHER_COMMANDS_GROUP
            and not worker.is_finished
            for worker in self.workers
        )

    @on(Input.Submitted)
    def _enter_after_the_search(self, event: Input.Submitted) -> None:
        if not self._searching():
            return  # Textual's Enter: the list shown is the query's
        event.stop()
        event.prevent_default()  # not Textual's Enter, on an earlier prefix's hits
        hold_keys = getattr(self.app, "hold_keys", None)  # app/keys.py's KeysInOrder
        self._release_keys = hold_keys() if hold_keys is not None else (lambda: None)

    @on(Worker.StateChanged)
    def _searched(self, event: Worker.StateChanged) -> None:
        if self._release_keys is None or self._searching():
            return
        release, self._release_keys = self._release_keys, None
        commands = self.query_one(CommandList)
        if self._list_visible and commands.highlighted is not None:
            # As Textual's Enter on the list, but at once rather than by a message: the
            # palette is closed and the command queued before the keys are let go.
            index = commands.highlighted
            option = commands.get_option_at_index(index)
            self._select_command(OptionList.OptionSelected(commands, option, index))
        release()  # no hit: the palette stays, for the keys to edit the query

    def on_unmount(self) -> None:
        if self._release_keys is not None:  # closed another way (a click) while waiting
            self._release_keys()

    def _action_command_list(self, action: str) -> None:
        if action in ("page_up", "page_down"):
            commands = self.query_one(CommandList)
            if not laid_out(commands):
                page_before_layout(commands, -1 if action == "page_up" else 1)
                return
        super()._action_command_list(action)


class TitleMatcher:
    """Fuzzy matching over a library's titles (rapidfuzz, imported when first used)."""

    _cache: tuple[Library, list[str]] | None = None

    @classmethod
    def titles(cls, library: Library) -> list[str]:
        from rapidfuzz.utils import default_process

        from paperbrowse.core.store import field_values

        if cls._cache is None or cls._cache[0] is not library:
            titles = field_values(library.papers, "title")  # no paper made of a row
            cls._cache = (library, list(map(default_process, titles)))
        return cls._cache[1]

    @classmethod
    def best(cls, library: Library, query: str, limit: int, cutoff: int) -> list[Paper]:
        """The papers whose titles best match ``query``; blocking, so run it in a thread."""
        from rapidfuzz import fuzz, process
        from rapidfuzz.utils import default_process

        needle = default_process(query)
        if not needle:
            return []
        matches = process.extract(
            needle, cls.titles(library), scorer=fuzz.WRatio, limit=limit, score_cutoff=cutoff
        )
        return [library.papers[index] for _, _, index in matches]


def palette_help(action: Action, keymap: Mapping[str, str]) -> str:
    """ "Bookmark / unbookmark the paper (★ in the list) (b)": what it does, and its keys."""
    keys = " ".join(key_display(key) for key in keys_in_effect(action, keymap))
    description = described(action, keymap)
    text = description[:1].upper() + description[1:]
    return escape(f"{text} ({keys})" if keys else text)  # help is markup; "[" is a key


def runner(browser: BrowserScreen, action: Action) -> Callable[[], object]:
    """What choosing the action in the palette runs: as its key would, with the list in focus."""
    if action.owner == "list":

        def on_the_list() -> None:
            getattr(browser.paper_list, f"action_{action.id}")()
            browser.set_focus(browser.paper_list)

        return on_the_list
    if action.action == "app.quit":
        quit_app: Callable[[], object] = browser.app.action_quit
        return quit_app
    callback: Callable[[], object] = getattr(browser, f"action_{action.id}")
    return callback


def paper_prompt(paper: Paper) -> Text:
    """A paper as a palette row: the title, then authors and year, dim."""
    details = ", ".join(str(part) for part in (paper.authors_text(), paper.year) if part)
    return Text.assemble(paper.title, "\n", (details, "dim"))


def _browser(provider: Provider) -> BrowserScreen | None:
    from paperbrowse.app.screens.browser import BrowserScreen

    for screen in reversed(provider.app.screen_stack):
        if isinstance(screen, BrowserScreen):
            return screen
    return None


async def _paper_hits(
    browser: BrowserScreen, query: str, limit: int, cutoff: int, base: float
) -> Hits:
    library = browser.library
    if library is None or not query.strip():
        return
    papers = await asyncio.to_thread(TitleMatcher.best, library, query, limit, cutoff)
    for rank, paper in enumerate(papers):
        yield Hit(
            base - rank / 1000,
            paper_prompt(paper),
            partial(browser.go_to_paper, paper),
            text=paper.title,
        )


class GoToPaperCommands(Provider):
    """The "Go to paper…" palette: titles only."""

    async def search(self, query: str) -> Hits:
        browser = _browser(self)
        if browser is not None:
            async for hit in _paper_hits(browser, query, GO_TO_LIMIT, GO_TO_CUTOFF, 1.0):
                yield hit


class PaperCommands(Provider):
    """The main palette: the browser's actions, "Go to paper…", and the best title matches."""

    def _actions(self, browser: BrowserScreen) -> list[PaletteEntry]:
        actions: list[PaletteEntry] = [(GO_TO_NAME, GO_TO_HELP, self._open_go_to, ())]
        keymap = keymap_of(self.app)
        for action in ACTIONS:
            if action.owner not in ON_THE_BROWSER:
                continue  # a key of another screen or dialog: it acts there alone
            help_text = palette_help(action, keymap)
            actions.append((action.title, help_text, runner(browser, action), action.aliases))
        return actions

    def _open_go_to(self) -> None:
        self.app.push_screen(
            PaperCommandPalette(
                providers=[GoToPaperCommands], placeholder="Go to paper: type a title…"
            )
        )

    async def discover(self) -> Hits:
        browser = _browser(self)
        if browser is None:
            return
        for name, help_text, callback, _ in self._actions(browser):
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        browser = _browser(self)
        if browser is None:
            return
        matcher = self.matcher(query)
        for name, help_text, callback, aliases in self._actions(browser):
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
                continue
            # Found by another name ("Unmark all" for "Clear marks"): shown by its own.
            score = max((matcher.match(alias) for alias in aliases), default=0)
            if score > 0:
                yield Hit(score, name, callback, help=help_text)
        # Below the actions: papers whose titles match, so a title typed here works too.
        async for hit in _paper_hits(browser, query, MAIN_PALETTE_PAPERS, MAIN_PALETTE_CUTOFF, 0.3):
            yield hit
