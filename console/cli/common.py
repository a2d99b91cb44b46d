"""Helpers shared by the sub-commands: the database they open and how they print."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, TextIO

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from console.config import Settings
from storage.availability import is_unavailable
from storage.db import (
    CAUGHT_ERRORS,
    create_engine,
    describe_error,
    make_sessionmaker,
    safe_url,
    storage_error,
    translate_errors,
)
from storage.migrate import upgrade_database

log = logging.getLogger("opconsole")
START_CHECK_S = 1.0  # a desk starts within a second whether or not the database answers
_START_ERRORS: tuple[type[BaseException], ...] = (*CAUGHT_ERRORS, TimeoutError)


class CommandError(Exception):
    """A refusal worded for the person at the terminal, with its exit code."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@asynccontextmanager
async def open_database(
    settings: Settings, *, migrate: bool = True
) -> AsyncIterator[tuple[AsyncEngine, async_sessionmaker[AsyncSession]]]:
    """The configured database, migrated to head (migrations apply on start)."""
    url = settings.database.url
    engine = create_engine(url)
    try:
        async with translate_errors(url):
            if migrate:
                await upgrade_database(engine)
            yield engine, make_sessionmaker(engine)
    finally:
        await engine.dispose()


@dataclass(frozen=True)
class DeskDatabase:
    """The database a desk (console or recorder) writes to, reachable or not yet."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    # Migrations still to run before the first write (the database was away at start).
    prepare: Callable[[], Awaitable[None]] | None


@asynccontextmanager
async def open_desk_database(settings: Settings) -> AsyncIterator[DeskDatabase]:
    """The configured database for a desk: migrated when it answers at once; when it is
    away the desk starts anyway (its calls wait in the journal) and migrates later. A
    database that answers with a refusal (password, missing database) stops the start."""
    url = settings.database.url
    engine = create_engine(url)
    prepare: Callable[[], Awaitable[None]] | None = None
    try:
        try:
            async with asyncio.timeout(START_CHECK_S):
                await _answers(engine)
        except _START_ERRORS as exc:
            if not is_unavailable(exc):
                raise storage_error(exc, url) from None
            if isinstance(exc, TimeoutError):
                why = f"the database ({safe_url(url)}) did not answer in {START_CHECK_S:g} s"
            else:
                why = describe_error(exc, url)
            log.warning("%s; starting anyway: calls wait in the journal until it answers", why)

            async def prepare_later() -> None:
                await upgrade_database(engine)

            prepare = prepare_later
        else:
            async with translate_errors(url):
                await upgrade_database(engine)
        yield DeskDatabase(engine, make_sessionmaker(engine), prepare)
    finally:
        await engine.dispose()


async def _answers(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def open_journal(desk: Any) -> None:
    """Open the desk's journal now, so a journal in use or unwritable stops the start
    with one line rather than the desk later."""
    from console.journal import JournalError

    try:
        await desk.outbox.journal.open()
    except JournalError as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:
        raise CommandError(f"journal {desk.outbox.journal.path}: {exc.strerror}") from None


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def print_json(document: Any, out: TextIO | None = None) -> None:
    stream = out or sys.stdout
    json.dump(document, stream, ensure_ascii=False, indent=2, default=_default)
    stream.write("\n")


class Progress:
    """A one-line progress bar on a terminal; silent when stderr is not a terminal."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self._last = -1

    def __call__(self, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        if total:
            percent = int(done * 100 / total)
            if percent == self._last:
                return
            self._last = percent
            bar = "#" * (percent // 4)
            self.stream.write(f"\r{self.label} [{bar:<25}] {percent:3d}% {done}/{total}")
        else:
            self.stream.write(f"\r{self.label} {done}")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
