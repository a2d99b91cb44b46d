"""Helpers shared by the sub-commands: the database they open and how they print."""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any, TextIO

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from console.config import Settings
from storage.db import create_engine, make_sessionmaker, translate_errors
from storage.migrate import upgrade_database


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
