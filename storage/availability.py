"""Which database failures mean "try the same write again later".

The desk's journal keeps a write until the database takes it. A write that failed because
the server could not be reached, was shutting down, was out of connections, or (SQLite) was
locked by another writer past the busy timeout will succeed unchanged later; anything else
(a constraint, a bad value) will not, and must not block the writes queued behind it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Final

from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError
from sqlalchemy.exc import TimeoutError as PoolTimeout

# SQLSTATE classes: 08 connection exception, 53 insufficient resources (too many
# connections), 57 operator intervention (shutdown, cannot connect now), 40 transaction
# rollback (serialization failure, deadlock); 55P03 lock not available.
_RETRY_SQLSTATE_CLASSES: Final = ("08", "53", "57", "40")
_RETRY_SQLSTATES: Final = ("55P03",)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo.extend([getattr(current, "orig", None), current.__cause__, current.__context__])


def is_unavailable(exc: BaseException) -> bool:
    """The database was away or busy: the same write may succeed unchanged later."""
    for error in _chain(exc):
        if isinstance(error, OSError | TimeoutError | PoolTimeout | DisconnectionError):
            return True  # ConnectionRefusedError, a reset, a connect or pool timeout
        if isinstance(error, DBAPIError) and error.connection_invalidated:
            return True
        if isinstance(error, InterfaceError):
            return True  # "connection is closed" and the like: the link, not the data
        if isinstance(error, sqlite3.OperationalError) or (
            isinstance(error, DBAPIError) and isinstance(error.orig, sqlite3.OperationalError)
        ):
            text = str(error).lower()
            if "locked" in text or "busy" in text or "unable to open" in text:
                return True
        sqlstate = getattr(error, "sqlstate", None)
        if isinstance(sqlstate, str) and (
            sqlstate.startswith(_RETRY_SQLSTATE_CLASSES) or sqlstate in _RETRY_SQLSTATES
        ):
            return True
        if type(error).__name__ in ("InterfaceError", "ConnectionDoesNotExistError"):
            return True  # asyncpg's own, outside DBAPIError (raised on connect)
    return False
