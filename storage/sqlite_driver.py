"""SQLite through aiosqlite with one thread trip per statement (a shortcut on internals).

aiosqlite runs every call on the connection's own thread and hands the result back to the
event loop: each trip is a thread wake-up and a loop wake-up, several times the cost of a
phone lookup's statement. SQLAlchemy's stock adapter makes four trips for every statement
(create a cursor, execute, fetch all, close the cursor) and one more when a session ends,
for a rollback even after a read that opened no transaction. On the phone lookup that was
most of the time (the figures are in docs/performance.md).

This adapter does the same work in one trip: the cursor is created, executed, drained and
closed on the aiosqlite thread, and what SQLAlchemy reads afterwards (description, rows,
rowcount, lastrowid) is kept on the Python side. A rollback with no transaction open is
skipped: SQLite has nothing to undo (reads in the driver's default mode open none).
Server-side cursors (`stream()`) keep SQLAlchemy's own, row-by-row adapter.

It plugs in through `create_async_engine(..., module=dbapi())`, the documented way to hand
a dialect another DB-API module; the url stays `sqlite+aiosqlite://`. But it subclasses
SQLAlchemy's adapter and uses its internals (`_execute_mutex`, `_handle_exception`, the
cursor's fields) and aiosqlite's (`_execute`, `_conn`): `dbapi()` offers it only on the
releases in `WRITTEN_FOR` and unless switched off (`storage.shortcuts`); otherwise the
engine uses SQLAlchemy's stock adapter, the public path.
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Sequence
from typing import Any, Final

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import concurrency

from storage import shortcuts

NAME: Final = "sqlite-one-trip"
# The releases whose internals this adapter was written against (and is tested on).
WRITTEN_FOR: Final = {"sqlalchemy": "2.1", "aiosqlite": "0.22"}
_Outcome = tuple[Any, list[Any], int, int | None]  # description, rows, rowcount, lastrowid


def _run_on_thread(
    connection: sqlite3.Connection, operation: str, parameters: Any, many: bool
) -> _Outcome:
    """Everything SQLAlchemy will ask of the cursor, gathered on the aiosqlite thread."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A buffered cursor whose statement costs one trip to the aiosqlite thread."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: Any) -> None:
        # No driver cursor is opened here (the stock adapter's first trip).
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._soft_closed_memoized = {}  # type: ignore[assignment]
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]

    async def _async_soft_close(self) -> None:
        """Nothing to close: the driver cursor was closed on the thread."""

    def close(self) -> None:
        self._rows.clear()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        try:
            return concurrency.await_(self._run(operation, parameters, many=False))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    def executemany(self, operation: Any, seq_of_parameters: Sequence[Any]) -> Any:
        try:
            return concurrency.await_(self._run(operation, seq_of_parameters, many=True))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    async def _run(self, operation: str, parameters: Any, *, many: bool) -> None:
        async with self._adapt_connection._execute_mutex:
            driver: aiosqlite.Connection = self._connection  # type: ignore[assignment]
            outcome: _Outcome = await driver._execute(  # type: ignore[no-untyped-call]
                _run_on_thread, driver._conn, operation, parameters, many
            )
        self._description, rows, self._rowcount, self._lastrowid = outcome
        self._rows = collections.deque(rows)


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()

    _cursor_cls = OneTripCursor

    def rollback(self) -> None:
        driver: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        if driver._connection is not None and not driver.in_transaction:
            return  # nothing to undo: spare the trip
        super().rollback()


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        stock = super().connect(*arg, **kw)
        return OneTripConnection(self, stock._connection)


def usable() -> bool:
    """Whether engines get this adapter: on, and on the releases it was written for."""
    return shortcuts.usable(NAME, WRITTEN_FOR)


def dbapi() -> OneTripDBAPI | None:
    """The one-trip DB-API module for `create_async_engine(module=...)`; None where it is not
    usable (the engine then takes SQLAlchemy's stock aiosqlite adapter)."""
    return OneTripDBAPI(aiosqlite, sqlite3) if usable() else None
