"""The outbox: every automatic write goes to the journal first, then to the database.

`submit()` returns once the entry is on disk; the write is then "accepted" and survives a
SIGKILL or a power cut. One drainer applies entries oldest first, a few calls at a time and
each call's entries in order (its registration before its log entry), forgets each once
the database has it, and while the database is
away keeps the rest in the journal and tries again with backoff. On start the journal's
leftovers are queued before anything new. Applying must be idempotent: an entry applied
just before a crash, but not yet forgotten, is applied again on the next start.

The outbox also follows the database's state for people: it checks at start (an answer
or a failure within a second), then on every write and, when idle, every few seconds;
each change — down since when, how many calls wait, back — goes to `on_status`.
Clock, sleep and jitter are injected, so tests drive retries without waiting.
Timeouts are `asyncio.timeout` blocks, never `asyncio.wait_for`: on Python 3.11 a stop
(cancel) that arrives just as the awaited check answers is swallowed by `wait_for`, and the
recorder then never exited on SIGINT.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import random
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from console.journal import Journal, JournalEntry

log = logging.getLogger("opconsole.outbox")

FIRST_CHECK_S: Final = 0.8  # the state is known within a second of start
FOLLOW_S: Final = 5.0  # an idle desk notices a lost database within this
WRITE_TIMEOUT_S: Final = 45.0  # above SQLite's 30 s busy timeout: a lock wait is no hang
# Calls written at once: a burst is not written one transaction after another, yet twenty
# seats on one PostgreSQL stay well under its 100 connections (the pool is 5 + 10).
CONCURRENCY: Final = 3
MAX_ATTEMPTS: Final = 3  # an entry the reachable database refuses this often is held
GROWTH_STEPS: Final = (10, 100, 1000, 10_000)


class EntryHeld(Exception):
    """The database refused this entry for good; it stays in the journal, set aside."""


@dataclass(frozen=True, slots=True)
class OutboxStatus:
    """The database as the desk sees it, and what waits in the journal for it."""

    state: str  # unknown | up | down
    since: datetime  # when it went down (or came back)
    waiting: int  # calls with something not yet written
    detail: str = ""  # why it is down, one line, no secrets
    held: int = 0  # entries the database refused for good (see the log)
    recovered: bool = False  # up again after an outage this run


@dataclass
class Backoff:
    """Exponential, capped, with jitter so twenty desks do not retry in step."""

    first: float = 0.25
    cap: float = 5.0
    jitter: float = 0.2
    rng: random.Random | None = None
    _next: float = 0.0

    def reset(self) -> None:
        self._next = 0.0

    def next(self) -> float:
        self._next = self.first if self._next == 0.0 else min(self._next * 2, self.cap)
        spread = (self.rng or random).uniform(-self.jitter, self.jitter)
        return self._next * (1 + spread)


Apply = Callable[[JournalEntry], Awaitable[Any]]


class Outbox:
    def __init__(
        self,
        journal: Journal,
        *,
        apply: Apply,
        ping: Callable[[], Awaitable[None]],
        is_transient: Callable[[BaseException], bool],
        describe_error: Callable[[BaseException], str],
        describe_entry: Callable[[JournalEntry], str],
        prepare: Callable[[], Awaitable[None]] | None = None,
        on_status: Callable[[OutboxStatus], None] | None = None,
        clock: Callable[[], datetime] | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        backoff: Backoff | None = None,
        first_check_s: float = FIRST_CHECK_S,
        follow_s: float = FOLLOW_S,
        write_timeout_s: float = WRITE_TIMEOUT_S,
        concurrency: int = CONCURRENCY,
        urgent: Collection[str] = (),
        uncounted: Collection[str] = (),
    ) -> None:
        """`urgent` kinds are written ahead of others; `uncounted` kinds are no call of
        their own (a supervisor's action for the trail, a call-back's marks): not among
        the calls said to wait, only among the entries the log names."""
        self.journal = journal
        self._apply = apply
        self._ping = ping
        self._is_transient = is_transient
        self._describe_error = describe_error
        self._describe_entry = describe_entry
        self._prepare = prepare
        self._prepared = prepare is None
        self._on_status = on_status
        self._clock = clock or (lambda: datetime.now(UTC))
        self._sleep = sleep or asyncio.sleep
        self._backoff = backoff or Backoff()
        self._first_check_s = first_check_s
        self._follow_s = follow_s
        self._write_timeout_s = write_timeout_s
        self._concurrency = concurrency
        self._urgent = frozenset(urgent)
        self._uncounted = frozenset(uncounted)
        self._queue: list[JournalEntry] = []  # by seq; [0] is being applied
        self._waiters: dict[int, asyncio.Future[Any]] = {}
        self._attempts: dict[int, int] = {}
        self._held = 0
        self._ready = asyncio.Event()
        self._wake = asyncio.Event()
        self._written_in_outage = 0
        self._announced = 0
        self.status = OutboxStatus("unknown", self._clock(), 0)

    # --- what the desk calls --------------------------------------------------------------

    async def submit(self, kind: str, group: str, payload: dict[str, Any]) -> asyncio.Future[Any]:
        """Keep `payload` (on disk on return), then write it; the future has the result
        (or raises EntryHeld). Raises JournalError/JournalFull when it cannot be kept."""
        await self._ready.wait()  # the journal is open and its leftovers queued first
        entry = await self.journal.append(kind, group, payload)
        log.debug("kept %s (journal entry %d)", self._describe_entry(entry), entry.seq)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiters[entry.seq] = future
        bisect.insort(self._queue, entry, lo=min(1, len(self._queue)), key=lambda e: e.seq)
        self._wake.set()
        self._status_changed()
        self._announce_growth()
        return future

    def recheck(self) -> None:
        """Check the database now (someone saw it fail) if nothing is being written."""
        self._wake.set()

    def waiting(self) -> int:
        """Calls (groups) with an entry not yet in the database."""
        return len({entry.group for entry in self._queue if entry.kind not in self._uncounted})

    def entries_waiting(self) -> int:
        """Entries not yet in the database, calls' and others' (not those held aside)."""
        return len(self._queue)

    # --- the drainer ----------------------------------------------------------------------

    async def run(self) -> None:
        """Replay the journal, then write whatever comes, until cancelled."""
        await self.journal.open()
        leftovers = await self.journal.entries()
        self._queue.extend(leftovers)
        self._ready.set()
        if leftovers:
            log.info(
                "journal %s: %d entries (%d calls) from an earlier run are written first",
                self.journal.path,
                len(leftovers),
                self.waiting(),
            )
        await self._check(self._first_check_s)
        flying: dict[asyncio.Task[bool], JournalEntry] = {}
        try:
            while True:
                if not self._queue and not flying:
                    await self._idle()
                    continue
                if not await self._prepare_once():
                    await self._sleep(self._backoff.next())
                    continue
                busy = {entry.group for entry in flying.values()}
                for entry in self._heads(self._concurrency - len(flying), busy):
                    flying[asyncio.ensure_future(self._write(entry))] = entry
                self._wake.clear()  # no await since the heads were taken: nothing missed
                woken = asyncio.ensure_future(self._wake.wait())
                done, _ = await asyncio.wait({*flying, woken}, return_when=asyncio.FIRST_COMPLETED)
                woken.cancel()
                failed = False
                for task in done - {woken}:
                    del flying[task]
                    failed = task.result() or failed
                if failed:  # the database is away (or refused): back off, all together
                    if flying:
                        await asyncio.gather(*flying)
                        flying.clear()
                    await self._sleep(self._backoff.next())
        finally:
            for task in flying:
                task.cancel()

    def _heads(self, room: int, busy: set[str]) -> list[JournalEntry]:
        """The oldest waiting entry of each call not being written, at most `room`: the
        urgent kinds first (a registration: someone waits for that card), then by age."""
        heads: list[JournalEntry] = []
        seen = set(busy)
        for entry in self._queue:
            if entry.group not in seen:
                seen.add(entry.group)
                heads.append(entry)
        heads.sort(key=lambda entry: (entry.kind not in self._urgent, entry.seq))
        return heads[: max(room, 0)]

    async def _prepare_once(self) -> bool:
        """Run `prepare` (migrations the start could not) before the first write."""
        if self._prepared:
            return True
        assert self._prepare is not None
        try:
            async with asyncio.timeout(self._write_timeout_s):
                await self._prepare()
        except Exception as exc:
            self._set_state("down", self._describe_error(exc))
            return False
        self._prepared = True
        return True

    async def _write(self, entry: JournalEntry) -> bool:
        """Apply one entry; True when it failed (the drainer backs off)."""
        try:
            async with asyncio.timeout(self._write_timeout_s):
                result = await self._apply(entry)
        except Exception as exc:
            return await self._failed(entry, exc)
        await self.journal.done(entry.seq)
        self._forget(entry)
        future = self._waiters.pop(entry.seq, None)
        if future is not None and not future.done():
            future.set_result(result)
        if self.status.state == "down" or self.status.recovered:
            self._written_in_outage += 1
        self._backoff.reset()
        self._set_state("up")
        return False

    async def _failed(self, entry: JournalEntry, exc: BaseException) -> bool:
        if self._is_transient(exc) or not await self._reachable(self._first_check_s):
            self._set_state("down", self._describe_error(exc))
            return True
        attempts = self._attempts.get(entry.seq, 0) + 1
        self._attempts[entry.seq] = attempts
        if attempts < MAX_ATTEMPTS:
            return True
        reason = self._describe_error(exc)
        await self.journal.hold(entry.seq, reason)
        self._forget(entry)
        self._held += 1
        log.error(
            "%s: refused by the database %d times (%s); kept aside in journal %s and tried"
            " again at the next start",
            self._describe_entry(entry),
            attempts,
            reason,
            self.journal.path,
        )
        future = self._waiters.pop(entry.seq, None)
        if future is not None and not future.done():
            future.set_exception(EntryHeld(reason))
        self._status_changed()
        return False

    def _forget(self, entry: JournalEntry) -> None:
        self._queue.remove(entry)
        self._attempts.pop(entry.seq, None)

    async def _idle(self) -> None:
        """Nothing to write: wait for an entry, checking the database now and then."""
        self._wake.clear()
        pause = self._follow_s if self.status.state == "up" else self._backoff.next()
        woken = asyncio.ensure_future(self._wake.wait())
        slept = asyncio.ensure_future(self._sleep(pause))
        try:
            await asyncio.wait({woken, slept}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            woken.cancel()
            slept.cancel()
        if not self._queue:
            await self._check(self._first_check_s)

    async def _check(self, timeout_s: float) -> None:
        try:
            async with asyncio.timeout(timeout_s):
                await self._ping()
        except Exception as exc:
            if isinstance(exc, TimeoutError):
                detail = f"no answer in {timeout_s:g} s"
            else:
                detail = self._describe_error(exc)
            self._set_state("down", detail)
            return
        self._backoff.reset()
        self._set_state("up")

    async def _reachable(self, timeout_s: float) -> bool:
        try:
            async with asyncio.timeout(timeout_s):
                await self._ping()
        except Exception:
            return False
        return True

    # --- telling people -------------------------------------------------------------------

    def _set_state(self, state: str, detail: str = "") -> None:
        old = self.status
        if state == old.state:
            if state == "down" and detail != old.detail:
                self.status = OutboxStatus(
                    state, old.since, self.waiting(), detail, self._held, old.recovered
                )
                self._notify()
            elif state == "up" and old.recovered:
                self._status_changed()
            return
        now = self._clock()
        recovered = state == "up" and old.state == "down"
        if state == "down":
            log.warning(
                "database unreachable (%s): %d calls (%d entries) wait in journal %s",
                detail,
                self.waiting(),
                len(self._queue),
                self.journal.path,
            )
            self._written_in_outage = 0
        elif recovered:
            log.info(
                "database answering again: writing %d waiting calls (%d entries)",
                self.waiting(),
                len(self._queue),
            )
        self.status = OutboxStatus(state, now, self.waiting(), detail, self._held, recovered)
        self._notify()

    def _status_changed(self) -> None:
        old = self.status
        waiting = self.waiting()
        if (waiting, self._held) == (old.waiting, old.held):
            return
        if old.recovered and waiting == 0 and old.waiting > 0:
            log.info(
                "journal drained: %d entries written after the outage", self._written_in_outage
            )
        self.status = OutboxStatus(
            old.state, old.since, waiting, old.detail, self._held, old.recovered
        )
        self._notify()

    def _notify(self) -> None:
        if self._on_status is not None:
            self._on_status(self.status)

    def _announce_growth(self) -> None:
        """One log line each time the backlog passes a step (10, 100, … and 80 % full)."""
        size = len(self._queue)
        steps = [s for s in (*GROWTH_STEPS, int(self.journal.limit * 0.8)) if s <= size]
        if not steps or max(steps) <= self._announced:
            if size < self._announced // 2:
                self._announced = 0  # drained: announce again next time it grows
            return
        self._announced = max(steps)
        log.warning(
            "journal %s holds %d entries (%d calls) waiting for the database (limit %d)",
            self.journal.path,
            size,
            self.waiting(),
            self.journal.limit,
        )
