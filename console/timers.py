"""Where the console's own delays come from: the pop path's (a ring's popup waits for its
card, the live strip holds still while a card is on its way, a spare popup is mounted once
a burst of rings has passed), the footer's coalesced rebuild, the client search's
debounce, the ringing bar's tick, the sweep of ended calls' cards, the keyboard's stall
watch and the clock that says whether a key was pressed a moment ago.

`ConsoleApp(timers=...)` takes any `ConsoleTimers`; the default, `TEXTUAL_TIMERS`, is
Textual's own timers (`set_timer`) and asyncio's sleep. Tests pass a clock they move by
hand (`tests/fake_timers.py`): "the card waits 40 ms for its popup" is then a step the
test takes, not a wait that a loaded machine can stretch.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Final, Protocol

from textual.message_pump import MessagePump


class Stoppable(Protocol):
    def stop(self) -> None: ...


class ConsoleTimers(Protocol):
    def later(self, owner: MessagePump, delay: float, callback: Callable[[], object]) -> Stoppable:
        """Run `callback` on `owner` (as its own timer would) after `delay` seconds."""
        ...

    def every(
        self, owner: MessagePump, interval: float, callback: Callable[[], object]
    ) -> Stoppable:
        """Run `callback` on `owner` every `interval` seconds until stopped."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that only goes forward (when the last key was pressed)."""
        ...

    async def sleep(self, seconds: float) -> None: ...


class TextualTimers:
    """Textual's timers: bound to `owner`, stopped with it."""

    def later(self, owner: MessagePump, delay: float, callback: Callable[[], object]) -> Stoppable:
        return owner.set_timer(delay, callback)

    def every(
        self, owner: MessagePump, interval: float, callback: Callable[[], object]
    ) -> Stoppable:
        return owner.set_interval(interval, callback)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


TEXTUAL_TIMERS: Final = TextualTimers()
