"""A cancelled query's connection is closed without hanging the loop (storage.aiosqlite_shutdown).

The sequence SQLAlchemy follows when it terminates a connection whose task was cancelled:
a `close()` is under way when `stop()` is called directly; `close()` then stops the
connection once more. Unpatched aiosqlite 0.22 never answers that second stop, and the
console's exit (or a test's event loop) waits for ever.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiosqlite
import pytest

from storage.db import create_engine


@pytest.mark.skipif(
    not hasattr(aiosqlite.Connection, "stop"),
    reason="aiosqlite before 0.22 has no stop(): nothing can overtake a close",
)
async def test_a_close_overtaken_by_a_stop_finishes(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")  # installs the fix
    try:
        connection = await aiosqlite.connect(path)
        closing = asyncio.ensure_future(connection.close())
        await asyncio.sleep(0)  # the close is queued for the worker thread
        connection.stop()  # SQLAlchemy's forced termination, while the close is pending
        await asyncio.wait_for(closing, timeout=5)  # hung for ever before the fix
    finally:
        await engine.dispose()


async def test_a_pooled_query_cancelled_mid_flight_leaves_nothing_waiting(tmp_path: Path) -> None:
    """The whole path: a session's query cancelled while SQLite works on it."""
    from sqlalchemy import event, text

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}")
    slow = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000)"
        " SELECT count(*) FROM n"
    )
    sent = asyncio.Event()  # the statement has gone to SQLite's thread

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _sending(*_args: object) -> None:
        sent.set()

    try:
        for _ in range(3):

            async def query() -> None:
                async with engine.connect() as connection:
                    await connection.execute(text(slow))

            sent.clear()
            task = asyncio.ensure_future(query())
            await sent.wait()
            await asyncio.sleep(0)  # the execute is handed to the worker thread
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        async with engine.connect() as connection:  # the pool still serves
            assert (await connection.execute(text("SELECT 1"))).scalar() == 1
    finally:
        await asyncio.wait_for(engine.dispose(), timeout=10)
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    await asyncio.wait_for(asyncio.gather(*others, return_exceptions=True), timeout=10)
