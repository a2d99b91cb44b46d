"""Background tasks that never fail unseen.

`Tasks.spawn(coro, what=…, lost=…)` keeps a reference to the task (so it is not garbage
collected mid-flight) and, when it fails, logs one line: what it was doing, why it failed
(one line, no traceback, no secrets) and what that postponed or lost. The exception is
retrieved there, so asyncio never prints "Task exception was never retrieved".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

from storage.db import CAUGHT_ERRORS, describe_error

_T = TypeVar("_T")


def one_line(exc: BaseException) -> str:
    """An exception as one line for a log or a screen: database errors without the url
    or password (`storage.db.describe_error`), others as «Type: first line»."""
    if isinstance(exc, CAUGHT_ERRORS):
        return describe_error(exc)
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class Tasks:
    def __init__(self, log: logging.Logger) -> None:
        self._log = log
        self._pending: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, _T], *, what: str, lost: str) -> asyncio.Task[_T]:
        """Run `coro`; if it fails, log «what failed: why — lost» once."""
        task = asyncio.get_running_loop().create_task(coro, name=what)
        self._pending.add(task)

        def done(task: asyncio.Task[Any]) -> None:
            self._pending.discard(task)
            if task.cancelled():
                return
            exc = task.exception()
            if exc is not None:
                self._log.error("%s failed: %s — %s", what, one_line(exc), lost)

        task.add_done_callback(done)
        return task

    def __bool__(self) -> bool:
        return bool(self._pending)

    async def wait(self) -> None:
        """Until every task (and any they start meanwhile) is finished."""
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)
