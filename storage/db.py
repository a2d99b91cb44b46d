"""Engine and session factory, and the translation of driver errors into one clear line.

SQLite is the embedded default (WAL so the console reads while the recorder writes,
foreign keys on, a busy timeout instead of instant 'database is locked'); PostgreSQL via
asyncpg for desks with many seats. The url decides.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Final

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage import sqlite_driver


class StorageError(Exception):
    """A database problem worded for a person: no driver traceback, no password.

    The message is English (the command line, logs); `kind` (see `error_kind`) and
    `detail` (the driver's own line) are the same as data, for a screen to word."""

    def __init__(
        self, message: str, *, kind: str = "error", detail: str = "", where: str = ""
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.detail = detail
        self.where = where  # the database, its URL without the password ("" if none)


def parse_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise StorageError(f"invalid database url: {safe_url(url)}") from None
    if parsed.drivername not in ("sqlite+aiosqlite", "postgresql+asyncpg"):
        raise StorageError(
            f"unsupported database url {safe_url(url)}: "
            "use sqlite+aiosqlite:///PATH or postgresql+asyncpg://USER@HOST/DB"
        )
    return parsed


def safe_url(url: str | URL) -> str:
    """How messages and logs name a database: a SQLite file by its absolute path (the url's
    three slashes hide whether it is relative), any other url with its password hidden."""
    if not isinstance(url, URL):
        try:
            url = make_url(url)
        except (ArgumentError, ValueError):
            return "<unparseable url>"
    path = sqlite_file(url)
    if path is not None:
        return os.path.abspath(Path(path).expanduser())
    return url.render_as_string(hide_password=True)


def sqlite_file(url: URL) -> str | None:
    """The file a SQLite url names, as written; None for other databases, in-memory ones
    and SQLite URI filenames (`file:…`)."""
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    return None if database.startswith("file:") else database


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    parsed = parse_url(url)
    kwargs: dict[str, Any] = {"echo": echo}
    if parsed.drivername.startswith("sqlite"):
        database = parsed.database or ""
        if database and database != ":memory:":
            folder = Path(database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:  # a file in its place, no permission
                raise StorageError(
                    f"cannot create the folder of database {safe_url(parsed)}: {exc.strerror}"
                ) from None
        kwargs["connect_args"] = {"timeout": 30}
        one_trip = sqlite_driver.dbapi()
        if one_trip is not None:
            kwargs["module"] = one_trip
    else:
        kwargs.update(pool_size=5, max_overflow=10, pool_pre_ping=True)
    try:
        engine = create_async_engine(parsed, **kwargs)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise StorageError(f"cannot use database {safe_url(parsed)}: {exc}") from None
    if parsed.drivername.startswith("sqlite"):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        if "aiosqlite" in parsed.drivername:
            from storage import aiosqlite_shutdown

            aiosqlite_shutdown.install()
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # A 1M-client base is ~1.3 GB: map it and keep hot index pages in memory (what it
        # buys the searches and the client list: docs/performance.md).
        cursor.execute("PRAGMA mmap_size=2147483648")
        cursor.execute("PRAGMA cache_size=-65536")
    finally:
        cursor.close()


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


# What each kind of database problem is called in English (`error_kind`).
ERROR_KINDS: Final = {
    "read_only": "database is read-only",
    "corrupt": "database file is corrupt or not a database",
    "cannot_open": "cannot open database file",
    "unreachable": "cannot reach the database server",
    "refused": "database refused the connection",
    "error": "database error",
}


def error_kind(exc: BaseException) -> tuple[str, str]:
    """(kind, the driver's first line) for whatever the driver raised; the kinds are the
    keys of ERROR_KINDS."""
    original: BaseException = exc
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        original = exc.orig
    text = str(original).splitlines()[0] if str(original) else type(original).__name__
    if isinstance(original, sqlite3.DatabaseError) or "sqlite" in type(original).__module__:
        lowered = text.lower()
        if "readonly" in lowered or "read-only" in lowered:
            return "read_only", text
        if "not a database" in lowered or "malformed" in lowered:
            return "corrupt", text
        if "unable to open" in lowered:
            return "cannot_open", text
    if isinstance(original, OSError | ConnectionError):
        return "unreachable", text
    if type(original).__name__ in ("InvalidCatalogNameError", "InvalidPasswordError"):
        return "refused", text
    return "error", text


def describe_error(exc: BaseException, url: str | URL | None = None) -> str:
    """One line for a person (in English), from whatever the driver raised."""
    where = f" ({safe_url(url)})" if url is not None else ""
    kind, text = error_kind(exc)
    return f"{ERROR_KINDS[kind]}{where}: {text}"


@asynccontextmanager
async def translate_errors(url: str | URL | None = None) -> AsyncIterator[None]:
    """Turn driver and OS errors into `StorageError` with one readable line."""
    try:
        yield
    except StorageError:
        raise
    except CAUGHT_ERRORS as exc:
        raise storage_error(exc, url) from None


def storage_error(exc: BaseException, url: str | URL | None = None) -> StorageError:
    """`StorageError` for whatever the driver raised: the English line, and its kind,
    the driver's line and the database as data, for a screen to word."""
    kind, detail = error_kind(exc)
    where = safe_url(url) if url is not None else ""
    return StorageError(describe_error(exc, url), kind=kind, detail=detail, where=where)


def _driver_errors() -> tuple[type[BaseException], ...]:
    """asyncpg raises its own errors on connect (wrong database, auth) outside DBAPIError."""
    try:
        import asyncpg
    except ImportError:  # pragma: no cover - asyncpg is a dependency
        return ()
    return (asyncpg.PostgresError, asyncpg.InterfaceError)


CAUGHT_ERRORS: tuple[type[BaseException], ...] = (
    SQLAlchemyError,
    OSError,
    sqlite3.Error,
    *_driver_errors(),
)
