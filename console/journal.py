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
Requests that arrive while a commit is on disk go together in the next one (group commit):
a burst of calls costs an fsync per batch, not per entry.
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

    def write(
        self,
        appends: list[tuple[str, str, str, float]],
        done: list[int],
        held: list[tuple[int, str]],
        limit: int,
    ) -> list[JournalEntry | JournalFull]:
        """One transaction for everything asked meanwhile (group commit: one fsync for a
        burst). Forgetting alone commits without fsync: an entry that comes back after a
        power cut is applied again, which the outbox's writes allow."""
        durable = bool(appends or held)
        self.db.execute(f"PRAGMA synchronous={'FULL' if durable else 'OFF'}")
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.executemany("DELETE FROM entries WHERE seq = ?", [(seq,) for seq in done])
            self.db.executemany(
                "UPDATE entries SET held = ? WHERE seq = ?", [(r, seq) for seq, r in held]
            )
            count = self.count()
            results: list[JournalEntry | JournalFull] = []
            for kind, group, payload, accepted_at in appends:
                if count >= limit:
                    results.append(JournalFull(f"the journal holds its limit of {limit} entries"))
                    continue
                cursor = self.db.execute(
                    "INSERT INTO entries (kind, grp, payload, accepted_at) VALUES (?, ?, ?, ?)",
                    (kind, group, payload, accepted_at),
                )
                assert cursor.lastrowid is not None
                results.append(
                    JournalEntry(cursor.lastrowid, kind, group, json.loads(payload), accepted_at)
                )
                count += 1
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return results

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
        # Requests waiting for the writer task (each with the future its caller awaits).
        self._appends: list[tuple[tuple[str, str, str, float], asyncio.Future[Any]]] = []
        self._done: list[tuple[int, asyncio.Future[Any]]] = []
        self._held: list[tuple[tuple[int, str], asyncio.Future[Any]]] = []
        self._writer: asyncio.Task[None] | None = None

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
        if self._writer is not None:
            await self._writer  # what was asked is written before the file closes
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
        self._opened()
        future = self._ask()
        self._appends.append(((kind, group, text, self._clock()), future))
        result = await future
        assert isinstance(result, JournalEntry)
        return result

    async def done(self, seq: int) -> None:
        """The entry is in the database: forget it."""
        future = self._ask()
        self._done.append((seq, future))
        await future

    async def hold(self, seq: int, reason: str) -> None:
        """The database refuses this entry for good: keep it aside, with why."""
        future = self._ask()
        self._held.append(((seq, reason), future))
        await future

    def _ask(self) -> asyncio.Future[Any]:
        """A future for one request; the writer task takes every request waiting."""
        loop = asyncio.get_running_loop()
        if self._writer is None or self._writer.done():
            self._writer = loop.create_task(self._write_waiting())
        return loop.create_future()

    async def _write_waiting(self) -> None:
        await asyncio.sleep(0)  # let the requests of this loop iteration join the batch
        while self._appends or self._done or self._held:
            appends, self._appends = self._appends, []
            done, self._done = self._done, []
            held, self._held = self._held, []
            futures = [f for _r, f in appends] + [f for _r, f in done] + [f for _r, f in held]
            try:
                results = await self._run(
                    self._opened().write,
                    [r for r, _f in appends],
                    [r for r, _f in done],
                    [r for r, _f in held],
                    self.limit,
                )
            except Exception as exc:
                for future in futures:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_request, future), result in zip(appends, results, strict=True):
                if future.done():
                    continue
                if isinstance(result, JournalFull):
                    future.set_exception(result)
                else:
                    future.set_result(result)
            for future in futures[len(appends) :]:
                if not future.done():
                    future.set_result(None)
