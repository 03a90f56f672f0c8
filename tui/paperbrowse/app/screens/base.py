"""What every screen of ours needs to survive fast keys and clicks: one dismissal, no late
results, no clicks on widgets already gone.

Textual's ``Screen.dismiss`` pops whatever screen is on top, and runs the result
callback each time it is called. Two enters, a double click or a late worker
result then closed the screen below too (``ScreenStackError`` once the browser
went) or set the result twice (``asyncio.InvalidStateError``). ``DismissOnce``
makes dismissal idempotent. Upstream (textual 8.2.8): Textualize/textual#4884
("InvalidStateError when dismissing Screen", open) is the double result;
Textualize/textual#2575 ("Screen.dismiss should error if not the top-most
screen") was closed, yet 8.2.8 still pops the top screen.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.await_complete import AwaitComplete
from textual.message import Message
from textual.message_pump import MessagePump
from textual.widgets import Button, Input, OptionList, Select

if TYPE_CHECKING:
    from textual.geometry import Offset
    from textual.screen import Screen
    from textual.widget import Widget

    _ScreenBase = Screen[Any]
else:
    _ScreenBase = object


# What a key or a click sets off in a screen's widgets. Still queued when the screen
# was dismissed, they found its widgets gone (the palette's "No nodes match
# 'CommandList'", an enter reaching the export dialog after its escape). A screen with
# other widgets adds theirs (``DismissOnce.left_behind``): the note editor its TextArea's,
# not imported here (6.5 ms of every launch, for a widget only that editor has).
LEFT_BEHIND: tuple[type[Message], ...] = (
    events.InputEvent,
    Input.Changed,
    Input.Submitted,
    Button.Pressed,
    OptionList.OptionSelected,
    OptionList.OptionHighlighted,
    Select.Changed,
)


class SafeMouse(_ScreenBase):
    """A screen where a click on a widget removed since the last frame does nothing.

    Textual (8.2.8) looks a mouse press up in the map of the last frame; a widget
    removed since (a notification that just timed out, footer keys redrawn) has no
    parent any more, and ``Screen._forward_event`` raised "'NoneType' object has no
    attribute 'region'" (found by tests/bench/soak_keys.py). No Textual issue found;
    others met it: davep/rogallo#202, agentscope-ai/QwenPaw#6008, and
    arrase/ollama-agent#171 guards ``_forward_event`` the same way.
    A mixin, put first, as ``DismissOnce``.
    """

    def get_widget_and_offset_at(self, x: int, y: int) -> tuple[Widget | None, Offset | None]:
        widget, offset = super().get_widget_and_offset_at(x, y)
        if widget is not None and widget is not self and widget.parent is None:
            return None, None  # gone since the last frame: nothing there to select
        return widget, offset


class DismissOnce(SafeMouse):
    """A screen dismissed at most once, and only while it is the one on top.

    A mixin, put first: ``class Help(DismissOnce, ModalScreen[None])``. Not itself a
    Screen at run time: Textual inherits CSS along the first DOM base only, so the
    modal's look comes from the class after it.
    A dismissal asked while another screen covers this one (a result arriving from a
    worker while the palette is open) happens when this screen is back on top.
    Once dismissed, the input still queued for it is dropped (``LEFT_BEHIND``).
    """

    _dismissing = False
    left_behind: ClassVar[tuple[type[Message], ...]] = LEFT_BEHIND
    _dismiss_when_back: tuple[Any] | None = None

    def key_named(self, action_id: str, joined: str = "") -> str:
        """An action's keys as the user's keymap has them, for a hint: "escape cancels"
        (``actions.key_named``; the registry's keys in an app without a keymap)."""
        from paperbrowse.app.actions import key_named

        keymap: dict[str, str] = getattr(self.app, "keymap_in_effect", {})
        return key_named(action_id, keymap, joined)

    def dismiss(self, result: Any = None) -> AwaitComplete:
        if self._dismissing:
            return _done()  # a second enter, click or result: already leaving
        if not self.is_active:
            if self.is_attached:
                self._dismiss_when_back = (result,)
            return _done()
        self._dismissing = True
        return super().dismiss(result)

    async def _on_message(self, message: Message) -> None:
        if self._dismissing and isinstance(message, self.left_behind):
            return  # dismissed: input still queued here has nothing left to act on
        await super()._on_message(message)

    def on_screen_resume(self) -> None:
        # (Textual calls each class's handler along the MRO: the screen's own still runs.)
        if self._dismiss_when_back is not None:
            (result,) = self._dismiss_when_back
            self._dismiss_when_back = None
            self.dismiss(result)


def _done() -> AwaitComplete:
    done: AwaitComplete = AwaitComplete.nothing()  # type: ignore[no-untyped-call]
    return done


def call_from_thread_while_attached(
    node: MessagePump, callback: Callable[..., Any], *args: Any
) -> None:
    """From a worker thread: run ``callback(*args)`` on the UI thread, unless ``node`` left
    the screen meanwhile (dismissed, or the app quitting: its widgets are gone then, and a
    query for them raised ``NoMatches``)."""

    def if_attached() -> None:
        if node.is_attached:
            callback(*args)

    node.app.call_from_thread(if_attached)


def withdraw_toasts(app: Any, messages: Collection[str]) -> list[tuple[str, float]]:
    """Take down the toasts with these messages still shown, and say which they were and
    the seconds each had left (private API, checked against Textual 8.2.8: ``notify``
    hands back no handle, and only ``App._unnotify`` takes a single notification down;
    the toasts go as the current screen's rack is refreshed)."""
    try:
        from textual.widgets._toast import Toast, ToastHolder

        shown = [n for n in app._notifications if n.message in messages]
        for notification in shown:
            app._unnotify(notification, refresh=False)
        if shown:
            app._refresh_notifications()
        # The screens under the one on top draw their toasts too, seen behind a dialog:
        # taken off each as a toast's own timer takes it off (``Toast._expire``).
        for screen in app.screen_stack:
            for toast in screen.query(Toast):
                if toast._notification in shown:
                    (toast.parent if isinstance(toast.parent, ToastHolder) else toast).remove()
    except (AttributeError, ImportError):  # another Textual: the toasts stay, as before
        return []
    return [(notification.message, notification.time_left) for notification in shown]
