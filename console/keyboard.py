"""The dispatcher's keyboard: every key where it was typed, and when the last one was.

Why keys are delivered one at a time: Textual hands a key to the focused widget's message
queue and runs the key's *binding* (Tab's «next field», Enter's «open») only once the key
has bubbled back up through every parent's queue to the app. Keys typed meanwhile (a paste,
a macro, a fast typist: 0 ms apart) are handed to the widget that is still focused, so
«+79125559901», Tab, «Fastlast» all landed in the phone field. Here a key is given to the
widget only when the one before it has been handled all the way up: a `KeyHandled` marker
follows each key along the same queues and tells the app when it is through.

`typed_within(seconds)` answers whether the dispatcher is at the keys right now (a ring
then does not take the screen); its clock is injectable so tests never wait for real time.
"""

from __future__ import annotations

import time
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import events
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

# A marker that never came back (its widget was removed with the key: Enter closed a
# dialog) must not hold the keyboard: the keys waiting behind it go on after this long
# without progress. Long enough for a key that opens a screen on a loaded machine.
STALL_SECONDS = 0.5


@dataclass
class KeyHandled(Message):
    """Follows a key through the queues it took: the key before it is fully handled."""

    serial: int


class Keyboard:
    """Which key is on its way and which wait behind it; when the last key was typed."""

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        self._clock = clock or time.monotonic
        self.last_key_at: float | None = None
        self.in_flight: int | None = None  # serial of the key being handled
        self.waiting: deque[events.Key] = deque()
        self._serial = 0
        # Weakly held: a closed popup must not be kept alive by the keyboard.
        self._fence: tuple[weakref.ref[Widget], float] | None = None

    def fence(self, widget: Widget, at: float) -> None:
        """`widget` (a ring's card) comes on screen and takes the focus at `at` (Textual's
        clock, as `Key.time`): no key typed before then may land in it, nor act on it."""
        self._fence = (weakref.ref(widget), at)

    def fenced(self, key: events.Key, focused: Widget | None, screen: Screen[Any]) -> bool:
        """`key` was typed before the fenced card was on screen and would land in it (its
        form has the focus) or act on it (a card key such as «d», typed for the card that
        was there before: nothing outside a text field has the focus)."""
        if self._fence is None:
            return False
        ref, at = self._fence
        widget = ref()
        if widget is None or key.time >= at:
            return False
        if focused is not None and (focused is widget or widget in focused.ancestors):
            return True
        on_screen = screen in widget.ancestors
        return on_screen and key.is_printable and not isinstance(focused, Input)

    def typed(self) -> None:
        self.last_key_at = self._clock()

    def typed_within(self, seconds: float) -> bool:
        return self.last_key_at is not None and self._clock() - self.last_key_at < seconds

    def hold(self, key: events.Key) -> bool:
        """Keep `key` back if another one is still on its way (True: held)."""
        if self.in_flight is None and not self.waiting:
            return False
        self.waiting.append(key)
        return True

    def sent(self) -> int:
        """A key went to a widget: its marker's serial."""
        self._serial += 1
        self.in_flight = self._serial
        return self._serial

    def done(self, serial: int | None = None) -> events.Key | None:
        """The key `serial` (None: whichever) is through: the next one to send, if any."""
        if serial is not None and serial != self.in_flight:
            return None  # a late marker of a key already given up on
        self.in_flight = None
        return self.waiting.popleft() if self.waiting else None
