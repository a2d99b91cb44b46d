"""An engine whose every connection refuses writes, for processes that only read (the wall
screen): a bug that tried to write is refused by the database, not just avoided in code."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


def make_read_only(engine: AsyncEngine) -> AsyncEngine:
    """Make each new connection of `engine` read-only (before any is opened); returns it."""
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_query_only)
    elif engine.dialect.name == "postgresql":
        event.listen(engine.sync_engine, "connect", _postgres_read_only)
    else:
        raise ValueError(f"no read-only mode known for {engine.dialect.name}")
    return engine


def _sqlite_query_only(dbapi_connection: Any, _record: Any) -> None:
    """No statement may change the file (a write fails: "attempt to write a readonly
    database")."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA query_only=ON")
    finally:
        cursor.close()


def _postgres_read_only(dbapi_connection: Any, _record: Any) -> None:
    """Every transaction of the session is READ ONLY. Set on the driver's own connection,
    outside SQLAlchemy's transaction: a SET inside it would be undone by its rollback."""
    dbapi_connection.run_async(
        lambda connection: connection.execute("SET default_transaction_read_only = on")
    )
