"""Keys reach the widget the user meant, in the order typed, however fast they come.

A terminal hands the app a burst of keys in one read when a fast typist, a
paste or ``tmux send-keys`` types them. Textual (8.2.8) then goes wrong in two
places, worked around here:

* ``KeysInOrder`` (an App mixin). The app forwards every key of the burst to
  the widget focused at that moment before that widget has handled the first
  one; a key's bindings then run when it bubbles back up to the app, checked
  against whatever has focus by then. So in ``/graph`` Enter ``jjj`` the
  ``j`` keys bubbled up after a later ``/`` had focused the search bar and
  were lost, a backspace typed in the bar just before Enter ran on the list,
  and in the tags dialog ``foo`` Enter ``r`` saved the tag "foor". Here a key
  is forwarded only once the one before it has been handled all the way up
  (a marker message follows it along the same path), so each key sees the
  focus the keys before it left.

* ``EscapeBurstParser``. Textual's input parser, finding an escape followed
  by text that is no escape sequence (``Esc`` ``/graph`` in one read), waits
  for more and then types the escape as a literal ``^``: the escape was lost
  and ``^/graph`` typed into the search bar. Here an escape followed by a
  character that cannot begin a sequence, with more input after it in the
  same read, is the escape key followed by those keys. An escape and one
  character alone still read as alt+character, as terminals send alt.

Upstream: Textualize/textual#6605 and its open PR #6631 ("Run Input and
TextArea key bindings inline to keep ordering with typing") fix part of the
first for Input's own keys; #1199 ("bleed" of Enter into a newly focused
field) is an older form of it. The ``^`` is deliberate (PR #570, for unknown
sequences); no issue about an escape typed before text was found.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

from textual import events
from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
from textual._parser import ParseError, ParseTimeout, Peek1, Read1, TokenCallback
from textual._xterm_parser import XTermParser
from textual.app import ScreenError
from textual.message import Message

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump
    from textual.screen import Screen
    from textual.timer import Timer

    _AppBase = App[Any]  # for the type checker the mixin is the App it is mixed into
else:
    _AppBase = object

ESC = "\x1b"
# After an escape these begin a sequence (CSI, SS3, OSC, DCS, APC, PM, SOS, ST):
# an escape before them is never read as the escape key.
SEQUENCE_STARTS = frozenset("[O]P_^X\\")
# A key whose marker never comes back (its widget was removed on the way) holds
# the keys after it no longer than this.
KEY_TIMEOUT = 0.5
MAX_ROUNDS = 6  # marker rounds for one key while screens keep changing
# Keys held for results (``hold_keys``) wait no longer than this: a search that never
# answers (a library that failed to load) must not keep the keyboard.
HOLD_LIMIT = 20.0
# Handled even while keys are held: quitting never waits for a search.
NEVER_HELD = frozenset({"ctrl+q", "ctrl+c"})


class KeyHandled(Message):
    """Sent after a key along the focus path; back at the app, what was before it is handled."""

    def __init__(self, key: events.Key) -> None:
        self.key = key
        super().__init__()


class KeysInOrder(_AppBase):
    """An App mixin: a key goes to the focused widget once the key before it is handled.

    "Handled" is known by a marker message posted after the key to the widget it
    went to: the marker bubbles up the same queues as the key, behind it, to the
    app. One round covers the key and its bindings (they run at the app); a
    second, from the widget focused then, covers the messages they posted along
    that path (an Input's Submitted, which closes a dialog). When a round finds
    another screen active (the key opened or closed one), one more round from
    that screen lets it mount and focus its widget first.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._waiting_keys: deque[events.Key] = deque()  # arrived, not yet sent on
        self._key_in_flight: events.Key | None = None  # sent on, its marker not back yet
        self._key_rounds = 0  # marker rounds made for it
        self._key_screen: Screen[Any] | None = None  # the screen active as the round began
        self._key_timer: Timer | None = None
        self._key_hold: object | None = None  # set while the next keys wait for results
        self._hold_timer: Timer | None = None

    def hold_keys(self) -> Callable[[], None]:
        """Keep the keys typed from now on waiting until the returned function is called.

        For a key whose effect comes later than its handling: Enter in the search bar
        goes to the list at once, but the results of the query it submits come from a
        search thread, and the keys typed after it are meant for those results.
        """
        hold = self._key_hold = object()
        if self._hold_timer is not None:
            self._hold_timer.stop()
        self._hold_timer = self.set_timer(HOLD_LIMIT, lambda: self._release_keys(hold))
        return lambda: self._release_keys(hold)

    def _release_keys(self, hold: object) -> None:
        if hold is not self._key_hold:
            return  # released already, or a later hold replaced it
        self._key_hold = None
        if self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None
        self.call_later(self._send_waiting_keys)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self._key_hold is not None and event.key in NEVER_HELD:
                await super().on_event(event)
                return
            self._waiting_keys.append(event)
            if self._key_in_flight is None:
                await self._send_waiting_keys()
            return
        await super().on_event(event)

    async def _send_waiting_keys(self) -> None:
        waiting = self._waiting_keys
        while waiting and self._key_in_flight is None and self._key_hold is None:
            key = waiting.popleft()
            before = self.screen_stack[-1:]  # the active screen (none while closing)
            await super().on_event(key)  # priority bindings, or forwarded
            if key.is_forwarded or self.screen_stack[-1:] != before:
                self._key_in_flight, self._key_rounds = key, 0
                # Handled in the app's own queue, like the marker.
                self._key_timer = self.set_timer(
                    KEY_TIMEOUT, lambda key=key: self.call_later(self._key_done, key)
                )
                self._follow(key)
            # else a priority binding handled it at once, on this screen: the next one

    def _follow(self, key: events.Key) -> None:
        """Send a marker after ``key`` from the focused widget (or the screen) to the app."""
        self._key_rounds += 1
        try:
            self._key_screen = self.screen
            target: MessagePump = self.focused or self.screen
        except ScreenError:  # no screen left: the app is closing
            self.call_later(self._key_done, key)
            return
        target.post_message(KeyHandled(key))

    async def on_key_handled(self, message: KeyHandled) -> None:
        message.stop()
        if message.key is not self._key_in_flight:
            return  # timed out before
        if self._key_rounds < 2 or (
            self.screen_stack[-1:] != [self._key_screen] and self._key_rounds < MAX_ROUNDS
        ):
            self._follow(message.key)
            return
        await self._key_done(message.key)

    async def _key_done(self, key: events.Key) -> None:
        if key is not self._key_in_flight:
            return
        self._key_in_flight = None
        if self._key_timer is not None:
            self._key_timer.stop()
            self._key_timer = None
        await self._send_waiting_keys()


def _plain_after_escape(character: str) -> bool:
    """Whether escape + ``character`` can only be the escape key then that key, or alt+key."""
    return (
        character != ESC
        and character not in SEQUENCE_STARTS
        and ESC + character not in ANSI_SEQUENCES_KEYS
    )


class EscapeBurstParser(XTermParser):
    """Textual's parser, but an escape typed before more keys in one read stays the escape key."""

    def __init__(self, debug: bool = False) -> None:
        self._data = ""  # the read being fed, and how far the parser is into it
        self._position = 0
        self._recent = ""  # the last characters fed, to know when a paste starts and ends
        self._in_paste = False
        super().__init__(debug)

    def feed(self, data: str) -> Any:
        self._data, self._position = data, 0
        return super().feed(data)

    def parse(self, token_callback: TokenCallback[Any]) -> Generator[Read1 | Peek1, str, None]:
        inner = super().parse(token_callback)
        awaiting = next(inner)
        previous = ""
        while True:
            try:
                character = yield awaiting
            except ParseError as error:  # a timeout or the end of input: Textual's handling
                try:
                    awaiting = inner.throw(error)
                except StopIteration:
                    return
                previous = ""
                continue
            self._position += 1
            self._track_paste(character)
            more_follows = self._position < len(self._data)
            if (
                previous == ESC
                and awaiting.timeout is not None  # the parser waits to see what the escape begins
                and not self._in_paste
                and more_follows
                and _plain_after_escape(character)
            ):
                awaiting = inner.throw(ParseTimeout())  # the escape alone: the escape key
            previous = character
            try:
                awaiting = inner.send(character)
            except StopIteration:
                return

    def _track_paste(self, character: str) -> None:
        self._recent = (self._recent + character)[-6:]
        if self._recent == "\x1b[200~":
            self._in_paste = True
        elif self._recent == "\x1b[201~":
            self._in_paste = False


def use_escape_burst_parser(app: App[Any]) -> None:
    """Make the app's terminal driver read keys with ``EscapeBurstParser``.

    Textual's Linux driver builds its parser inside its input thread from the
    module's name ``XTermParser``; that name is the one place to swap it.
    """
    from textual.drivers import linux_driver

    if issubclass(app.driver_class, linux_driver.LinuxDriver):
        linux_driver.XTermParser = EscapeBurstParser  # type: ignore[attr-defined]
