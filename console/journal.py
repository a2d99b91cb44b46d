"""The desk's local journal: what it must write, kept on disk until the database has it.

An append-only queue of small JSON entries in a SQLite file of its own. Why SQLite rather
than a JSON Lines file: a commit with `synchronous=FULL` in WAL mode is one fsync, and
SQLite already solves what a hand-written log would have to — a write torn by a power cut
is rolled back on the next open, an acknowledged entry is a DELETE (no compaction pass, no
rewrite-and-rename), and `locking_mode=EXCLUSIVE` refuses a second process on the same
file instead of two writers interleaving lines. It is in the standard library.

Everything here is storage-agnostic: an entry is a kind, a group (entries of one group
are applied in order: one call) and a JSON payload. Nothing secret goes in — the caller
writes call records and numbers, never a database url or an AMI secret — and the file is
created readable by its owner only.

The sqlite3 connection lives on one thread of its own: `append` returns once the entry is
on disk, without the event loop (the UI thread in the console) waiting for the fsync.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypeVar

DEFAULT_LIMIT: Final = 100_000  # entries: ~60 MB, days of a busy desk's calls
_T = TypeVar("_T")

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS entries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: replay order survives restarts
    kind TEXT NOT NULL,
    grp TEXT NOT NULL,
    payload TEXT NOT NULL,
    accepted_at REAL NOT NULL,
    held TEXT  -- why the database refused it for good (kept, not retried until restart)
)
"""


class JournalError(Exception):
    """The journal file cannot be used; the message names the file and why."""


class JournalFull(JournalError):
    """The journal holds its limit of entries: a new one cannot be kept."""


@dataclass(frozen=True, slots=True)
class JournalEntry:
    seq: int
    kind: str
    group: str
    payload: dict[str, Any]
    accepted_at: float
    held: str | None = None


class _File:
    """The sqlite3 side; every method runs on the journal's own thread."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(fd)
        # isolation_level=None: each statement commits (and fsyncs) on its own.
        self.db = sqlite3.connect(path, isolation_level=None, timeout=0)
        try:
            self.db.execute("PRAGMA locking_mode=EXCLUSIVE")
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.execute(_SCHEMA)
        except sqlite3.OperationalError as exc:
            self.db.close()
            if "locked" in str(exc).lower():
                raise JournalError(
                    f"journal {path} is in use by another opconsole process"
                    " (two consoles of one user need their own [database] journal_dir)"
                ) from None
            raise JournalError(f"journal {path}: {exc}") from None
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise JournalError(f"journal {path} is not a journal file: {exc}") from None

    def entries(self) -> list[JournalEntry]:
        rows = self.db.execute(
            "SELECT seq, kind, grp, payload, accepted_at, held FROM entries ORDER BY seq"
        )
        return [JournalEntry(s, k, g, json.loads(p), a, h) for s, k, g, p, a, h in rows]

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM entries").fetchone()[0])

    def append(
        self, kind: str, group: str, payload: str, accepted_at: float, limit: int
    ) -> JournalEntry:
        if self.count() >= limit:
            raise JournalFull(f"the journal holds its limit of {limit} entries")
        cursor = self.db.execute(
            "INSERT INTO entries (kind, grp, payload, accepted_at) VALUES (?, ?, ?, ?)",
            (kind, group, payload, accepted_at),
        )
        seq = cursor.lastrowid
        assert seq is not None
        return JournalEntry(seq, kind, group, json.loads(payload), accepted_at)

    def done(self, seq: int) -> None:
        self.db.execute("DELETE FROM entries WHERE seq = ?", (seq,))

    def hold(self, seq: int, reason: str) -> None:
        self.db.execute("UPDATE entries SET held = ? WHERE seq = ?", (reason, seq))

    def close(self) -> None:
        self.db.close()


class Journal:
    """`async with Journal(path) as journal:`; `entries()` are the ones not yet done."""

    def __init__(
        self,
        path: Path,
        *,
        limit: int = DEFAULT_LIMIT,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.path = path
        self.limit = limit
        self._clock = clock or time.time
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="journal")
        self._file: _File | None = None

    async def __aenter__(self) -> Journal:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _run(self, fn: Callable[..., _T], *args: Any) -> _T:
        return await asyncio.get_running_loop().run_in_executor(self._thread, fn, *args)

    def _opened(self) -> _File:
        if self._file is None:
            raise JournalError(f"journal {self.path} is not open")
        return self._file

    async def open(self) -> None:
        if self._file is None:
            self._file = await self._run(_File, self.path)

    async def close(self) -> None:
        if self._file is not None:
            file, self._file = self._file, None
            await self._run(file.close)
        self._thread.shutdown(wait=False)

    async def entries(self) -> list[JournalEntry]:
        """Every entry not yet done, oldest first (held ones included: retried on start)."""
        return await self._run(self._opened().entries)

    async def append(self, kind: str, group: str, payload: dict[str, Any]) -> JournalEntry:
        """Keep one entry; returns once it is on disk (fsync'd). Raises JournalFull."""
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        file = self._opened()
        return await self._run(file.append, kind, group, text, self._clock(), self.limit)

    async def done(self, seq: int) -> None:
        """The entry is in the database: forget it."""
        await self._run(self._opened().done, seq)

    async def hold(self, seq: int, reason: str) -> None:
        """The database refuses this entry for good: keep it aside, with why."""
        await self._run(self._opened().hold, seq, reason)
