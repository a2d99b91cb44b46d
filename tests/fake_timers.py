"""A clock the test moves by hand, for `pbx.timers.Timers` and `console.timers.ConsoleTimers`:
nothing waits for real seconds, and "after 45 s" is checked by saying that 45 s passed.

    timers = FakeTimers()
    ... code under test sleeps, or waits with a timeout ...
    await timers.sleeping()        # it has reached its wait (woken by the registration)
    timers.advance(45.0)           # every wait due by then ends, in deadline order
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Literal

from textual.message_pump import MessagePump

Kind = Literal["sleep", "timeout", "timer"]


class _Due:
    """One pending wait: `fire` runs when the clock reaches `deadline`, unless cancelled."""

    __slots__ = ("cancelled", "deadline", "fire", "kind")

    def __init__(self, deadline: float, fire: Callable[[], None], kind: Kind) -> None:
        self.deadline = deadline
        self.fire = fire
        self.kind = kind
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True

    stop = cancel  # as a Textual Timer is stopped


class _Repeating:
    """A wait that comes back `interval` seconds after each time it fires, until stopped."""

    __slots__ = ("due", "stopped")

    def __init__(self) -> None:
        self.due: _Due | None = None
        self.stopped = False

    def stop(self) -> None:
        self.stopped = True
        if self.due is not None:
            self.due.cancel()


class FakeTimers:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self._due: list[tuple[float, int, _Due]] = []
        self._order = itertools.count()
        self._changed = asyncio.Event()

    # -- what the code under test calls --------------------------------------------------

    def time(self) -> float:
        return self.now

    monotonic = time  # `console.timers.ConsoleTimers.monotonic`

    def at(self, delay: float, fire: Callable[[], None], kind: Kind = "timer") -> _Due:
        """Run `fire` once `delay` seconds have passed on this clock."""
        due = _Due(self.now + max(0.0, delay), fire, kind)
        heapq.heappush(self._due, (due.deadline, next(self._order), due))
        self._changed.set()
        return due

    async def sleep(self, seconds: float) -> None:
        woken: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def wake() -> None:
            if not woken.done():
                woken.set_result(None)

        due = self.at(seconds, wake, "sleep")
        try:
            await woken
        finally:
            due.cancel()

    def timeout(self, seconds: float | None) -> AbstractAsyncContextManager[object]:
        return self._timeout(seconds)

    def later(self, owner: MessagePump, delay: float, callback: Callable[[], object]) -> _Due:
        """`console.timers.ConsoleTimers.later`: the callback runs on `owner`'s queue, as
        its own Textual timer's would."""
        return self.at(delay, lambda: owner.call_next(callback))

    def every(
        self, owner: MessagePump, interval: float, callback: Callable[[], object]
    ) -> _Repeating:
        """`console.timers.ConsoleTimers.every`: `callback` on `owner`'s queue each time
        `interval` seconds pass on this clock."""
        assert interval > 0, "a repeating wait needs time between its turns"
        repeating = _Repeating()

        def fire() -> None:
            if repeating.stopped:
                return
            owner.call_next(callback)
            repeating.due = self.at(interval, fire)

        repeating.due = self.at(interval, fire)
        return repeating

    @asynccontextmanager
    async def _timeout(self, seconds: float | None) -> AsyncIterator[object]:
        # asyncio's own Timeout does the cancelling and the TimeoutError; this clock only
        # says when: rescheduled to "now" on the loop, it expires at the next iteration.
        async with asyncio.timeout(None) as timeout:
            loop = asyncio.get_running_loop()
            due = None
            if seconds is not None:
                due = self.at(seconds, lambda: timeout.reschedule(loop.time()), "timeout")
                if seconds <= 0:
                    timeout.reschedule(loop.time())
            try:
                yield timeout
            finally:
                if due is not None:
                    due.cancel()

    # -- what the test calls ---------------------------------------------------------------

    def pending(self, kind: Kind | None = None) -> list[float]:
        """How long until each wait (of `kind`, or any) not yet due nor cancelled is due."""
        return sorted(
            due.deadline - self.now
            for _, _, due in self._due
            if not due.cancelled and kind in (None, due.kind)
        )

    async def sleeping(self, kind: Kind = "sleep", within: float | None = None) -> list[float]:
        """Once the code under test waits (a sleep, a timeout, a timer; due `within`
        seconds if given): how long until each such wait is due. Woken by each new wait,
        not by polling."""

        def due() -> list[float]:
            delays = self.pending(kind)
            return delays if within is None else [d for d in delays if d <= within]

        while not due():
            self._changed.clear()
            await self._changed.wait()
        return due()

    def advance(self, seconds: float) -> None:
        """Move the clock on by `seconds`; every wait due by then fires, earliest first.
        What the woken code does next runs when the test next awaits."""
        target = self.now + seconds
        while self._due and self._due[0][0] <= target:
            deadline, _, due = heapq.heappop(self._due)
            if due.cancelled:
                continue
            self.now = deadline
            due.fire()
        self.now = target

    def advance_to_next(self, kind: Kind | None = None) -> float:
        """Move the clock to the next wait (of `kind`) and fire it; how far it moved."""
        step = self.pending(kind)[0]
        self.advance(step)
        return step
