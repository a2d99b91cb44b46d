"""The outbox on its own (no database: `apply` and `ping` stand for it), on a fake clock.

What a desk relies on: an accepted write is applied once the database is back, in the
order accepted, leftovers of an earlier run first; the state people see says since when
the database is down and how many calls wait; a write the database refuses for good does
not block the ones behind it and is kept aside, with one log line.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from console.journal import Journal, JournalEntry
from console.outbox import Backoff, EntryHeld, Outbox, OutboxStatus

START = datetime(2026, 12, 7, 0, 2, tzinfo=UTC)


class FakeTime:
    """`clock` and `sleep` for the outbox: sleeps end only when the test advances time."""

    def __init__(self) -> None:
        self.now = START
        self.slept: list[float] = []
        self._sleepers: list[tuple[datetime, asyncio.Future[None]]] = []

    def clock(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sleepers.append((self.now + timedelta(seconds=seconds), future))
        await future

    async def sleeping(self) -> None:
        """Until the drainer sleeps (its journal runs on a thread: poll, never a timed wait)."""
        async with asyncio.timeout(5):
            while not self._sleepers:  # noqa: ASYNC110 - waiting for work, not for time
                await asyncio.sleep(0.001)

    async def advance(self, seconds: float) -> None:
        """Once the drainer sleeps, move the clock on and wake the sleeps that are due."""
        await self.sleeping()
        self.now += timedelta(seconds=seconds)
        for due, future in list(self._sleepers):
            if due <= self.now:
                future.set_result(None)
                self._sleepers.remove((due, future))


class Database:
    """What the outbox writes to: up or down; refuses entries named in `poison`."""

    def __init__(self) -> None:
        self.up = False
        self.written: list[tuple[str, Any]] = []
        self.poison: set[str] = set()

    async def ping(self) -> None:
        if not self.up:
            raise ConnectionRefusedError("connection refused")

    async def apply(self, entry: JournalEntry) -> Any:
        await self.ping()
        if entry.group in self.poison:
            raise ValueError("value too long for type character varying(64)")
        self.written.append((entry.group, entry.payload["n"]))
        return entry.payload["n"] * 10


@pytest.fixture
async def journal(tmp_path: Path) -> AsyncIterator[Journal]:
    path = tmp_path / "journal.sqlite3"
    async with Journal(path) as earlier:  # an earlier run left two entries of one call
        await earlier.append("register", "main/1", {"n": 1})
        await earlier.append("call", "main/1", {"n": 2})
    journal = Journal(path)
    yield journal
    await journal.close()


def outbox_on(journal: Journal, db: Database, time: FakeTime, seen: list[OutboxStatus]) -> Outbox:
    return Outbox(
        journal,
        apply=db.apply,
        ping=db.ping,
        is_transient=lambda exc: isinstance(exc, ConnectionError),
        describe_error=lambda exc: f"{type(exc).__name__}: {exc}",
        describe_entry=lambda entry: f"{entry.kind} of call {entry.group}",
        on_status=seen.append,
        clock=time.clock,
        sleep=time.sleep,
        backoff=Backoff(first=0.25, cap=2.0, jitter=0.0),
    )


async def test_writes_wait_for_the_database_and_go_in_order(journal: Journal) -> None:
    db, time, seen = Database(), FakeTime(), list[OutboxStatus]()
    outbox = outbox_on(journal, db, time, seen)
    runner = asyncio.create_task(outbox.run())
    try:
        later = [await outbox.submit("call", f"main/{n}", {"n": n}) for n in (3, 4, 5, 6, 7)]
        status = outbox.status
        assert (status.state, status.since, status.waiting) == ("down", START, 6)
        assert status.detail == "ConnectionRefusedError: connection refused"
        await time.advance(0.25)
        await time.advance(0.5)
        await time.advance(1.0)
        await time.advance(2.0)
        await time.advance(2.0)
        assert time.slept[:5] == [0.25, 0.5, 1.0, 2.0, 2.0]  # backoff, capped
        assert db.written == [] and not any(f.done() for f in later)

        await time.sleeping()  # the sixth try failed too
        db.up = True
        time.now += timedelta(minutes=3)
        await time.advance(2.0)
        async with asyncio.timeout(5):
            results = [await f for f in later]
        assert results == [30, 40, 50, 60, 70]
        async with asyncio.timeout(5):  # and the leftovers nobody waits for
            while outbox.waiting():  # noqa: ASYNC110 - waiting for work, not for time
                await asyncio.sleep(0.001)
        # The earlier run's leftovers first, each call's entries in the order accepted.
        assert db.written[0] == ("main/1", 1)
        assert [n for g, n in db.written if g == "main/1"] == [1, 2]
        assert sorted(n for _g, n in db.written) == [1, 2, 3, 4, 5, 6, 7]
        back = outbox.status
        assert (back.state, back.recovered, back.waiting) == ("up", True, 0)
        assert back.since == START + timedelta(minutes=3, seconds=7.75)
        assert any(s.state == "up" and s.waiting > 0 for s in seen)  # «writing what waited»
        assert await journal.entries() == []
    finally:
        runner.cancel()


async def test_a_refused_write_is_kept_aside_and_does_not_block(
    journal: Journal, caplog: pytest.LogCaptureFixture
) -> None:
    db, time, seen = Database(), FakeTime(), list[OutboxStatus]()
    db.up = True
    db.poison = {"main/9"}
    outbox = outbox_on(journal, db, time, seen)
    runner = asyncio.create_task(outbox.run())
    try:
        bad = await outbox.submit("call", "main/9", {"n": 9})
        good = await outbox.submit("call", "main/10", {"n": 10})
        await time.advance(0.25)
        with caplog.at_level(logging.ERROR, "opconsole.outbox"):
            await time.advance(0.5)
        async with asyncio.timeout(5):
            assert await good == 100
        with pytest.raises(EntryHeld, match="value too long"):
            await bad
        lines = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
        assert len(lines) == 1 and "call of call main/9" in lines[0] and "3 times" in lines[0]
        assert outbox.status.held == 1
        kept = await journal.entries()
        assert [(e.group, e.held) for e in kept] == [
            ("main/9", "ValueError: value too long for type character varying(64)")
        ]
    finally:
        runner.cancel()


async def test_stopping_as_a_check_answers_stops_the_drainer(journal: Journal) -> None:
    """A recorder stopped (SIGINT) just as the database answered a check must stop: with
    Python 3.11's `asyncio.wait_for` the cancel was swallowed there and the recorder never
    exited (a service manager would have had to kill it)."""
    db, time = Database(), FakeTime()
    seen: list[OutboxStatus] = []
    db.up = True
    outbox = outbox_on(journal, db, time, seen)
    runner: asyncio.Task[None] | None = None
    checks = 0

    async def ping_then_stop() -> None:
        nonlocal checks
        checks += 1
        if checks == 2:  # the first idle check: the stop lands as it answers
            assert runner is not None
            asyncio.get_running_loop().call_soon(runner.cancel)

    outbox._ping = ping_then_stop
    runner = asyncio.create_task(outbox.run())
    await time.advance(10)  # idle once the leftovers are written; the pause ends: a check
    # Either the drainer ends, or (the bug) it goes on and sleeps again until the next check.
    sleeps_again = asyncio.ensure_future(time.sleeping())
    await asyncio.wait({runner, sleeps_again}, return_when=asyncio.FIRST_COMPLETED)
    sleeps_again.cancel()
    assert runner.done() and runner.cancelled(), "the drainer went on after the stop"
    assert checks == 2
