"""Where the AMI connection's waits come from: keepalive intervals, reconnect backoff, the
login retry and every action or connect timeout.

`AmiClient(timers=...)` takes any `Timers`; the default, `LOOP_TIMERS`, is the event loop
itself. Tests pass a clock they move by hand (`tests/fake_timers.py`), so "two unanswered
pings drop the link" or "a refused login is retried after 45 s" is checked without waiting
for those seconds to pass.
"""

from __future__ import annotations

import asyncio
from contextlib import AbstractAsyncContextManager
from typing import Final, Protocol


class Timers(Protocol):
    def time(self) -> float:
        """Seconds on a monotonic clock (only differences mean anything)."""
        ...

    async def sleep(self, seconds: float) -> None: ...

    def timeout(self, seconds: float | None) -> AbstractAsyncContextManager[object]:
        """Like `asyncio.timeout`: the block is cancelled and TimeoutError raised once
        `seconds` have passed (None: never)."""
        ...


class LoopTimers:
    """The event loop's own clock, sleeps and timeouts."""

    def time(self) -> float:
        return asyncio.get_running_loop().time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    def timeout(self, seconds: float | None) -> AbstractAsyncContextManager[object]:
        return asyncio.timeout(seconds)


LOOP_TIMERS: Final = LoopTimers()
