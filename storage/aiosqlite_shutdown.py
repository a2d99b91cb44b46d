"""A cancelled SQLite query must not hang the console on exit.

When a task is cancelled while it holds a pooled aiosqlite connection (a card query when the
operator quits, a worker replaced by a newer one), SQLAlchemy terminates that connection:
it starts a shielded `close()` of the aiosqlite connection and, when its own await is
cancelled, also calls `stop()` on it directly. aiosqlite 0.22 queues each `stop()` for its
worker thread and returns a future the thread resolves; the thread ends at the first stop,
so the second stop's future — the one `close()` awaits in its `finally` — never resolves.
That task then waits for ever, and `asyncio.run` (the console's exit, every test's loop)
waits for it at shutdown. Seen here as a test run hanging after a Pilot test's teardown;
reported upstream as wapiti-scanner/wapiti#802.

`install()` makes `stop()` idempotent (a second call returns a future already done) and
makes SQLAlchemy's graceful close a no-op once the connection is stopping. Both are
internals of the releases this was written for (`WRITTEN_FOR`, where the hang was seen):
on any other it patches nothing. Remove once aiosqlite or SQLAlchemy handle a repeated stop.
"""

from __future__ import annotations

import asyncio
from typing import Any, Final

import aiosqlite.core
from sqlalchemy.dialects.sqlite import aiosqlite as sqlalchemy_aiosqlite

from storage.shortcuts import on_release_series

_MARK = "_opconsole_stop_once"
WRITTEN_FOR: Final = {"aiosqlite": "0.22", "sqlalchemy": "2.1"}


def install() -> None:
    """Idempotent: patches once per process, and only the releases it was written for."""
    if not all(on_release_series(dist, series) for dist, series in WRITTEN_FOR.items()):
        return
    connection_cls: Any = aiosqlite.core.Connection
    if getattr(connection_cls.stop, _MARK, False):
        return
    first_stop = connection_cls.stop

    def stop(self: Any) -> asyncio.Future[Any] | None:
        if getattr(self, _MARK, False):  # the worker thread is ending or gone
            try:
                done: asyncio.Future[Any] = asyncio.get_event_loop().create_future()
            except RuntimeError:  # no loop: nothing will wait for it
                return None
            done.set_result(None)
            return done
        setattr(self, _MARK, True)
        return first_stop(self)  # type: ignore[no-any-return]

    setattr(stop, _MARK, True)
    connection_cls.stop = stop

    adapter: Any = sqlalchemy_aiosqlite.AsyncAdapt_aiosqlite_connection
    graceful = adapter._terminate_graceful_close

    async def terminate_graceful_close(self: Any) -> None:
        if getattr(self._connection, _MARK, False):
            return  # already stopping: its thread will close the SQLite connection
        await graceful(self)

    adapter._terminate_graceful_close = terminate_graceful_close
