"""Missed callers and call-backs in the database (SQLite and PostgreSQL): a number is
returned only once a later call with it is answered, attempts are counted, one number
missed three times is one line, and «today» is the desk's local day."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from console.desk_call_backs import DeskCallBacks, apply_call_back
from console.desk_day import day_start
from console.desk_writes import describe
from console.journal import Journal, JournalEntry
from console.outbox import Backoff, Outbox
from console.tasks import Tasks
from pbx.call_events import OriginateResult
from storage.call_backs import (
    RETURNED_BY_CALL_BACK,
    RETURNED_BY_CLIENT,
    CallBackAttempt,
    MissedNumber,
    missed_numbers,
    record_attempt,
    record_outcome,
)
from storage.models import CallBack, CallBackOutcome
from tests.test_calls_log import DAY0, at, entry, record
from tests.test_outbox import FakeTime

Sessions = async_sessionmaker[AsyncSession]
IVANOVA, OFFICE, THIRD = "+79161234567", "+74957654321", "+79035556677"


def attempt(
    action_id: str, number: str, when: datetime, who: str = "Вера (103)"
) -> CallBackAttempt:
    return CallBackAttempt("main", action_id, number, "103", who, when)


async def dial(sessions: Sessions, a: CallBackAttempt) -> int | None:
    async with sessions.begin() as s:
        return await record_attempt(s, a)


async def ended(
    sessions: Sessions, action_id: str, outcome: CallBackOutcome, when: datetime
) -> bool:
    async with sessions.begin() as s:
        return await record_outcome(
            s,
            server="main",
            action_id=action_id,
            outcome=outcome,
            at=when,
            linkedid="cb." + action_id,
        )


async def lines(sessions: Sessions, since: datetime = DAY0) -> dict[str, MissedNumber]:
    async with sessions() as s:
        return {m.number: m for m in await missed_numbers(s, since)}


async def test_one_line_per_number_with_its_count_and_oldest_age(sessions: Sessions) -> None:
    await record(
        sessions,
        entry("m.1", start=at(9), number=IVANOVA, rung=["101"], disposition="missed"),
        entry("m.2", start=at(9, 30), number=IVANOVA, disposition="abandoned", wait_s=30),
        entry("m.3", start=at(10), number=IVANOVA, rung=["102"], disposition="missed"),
        entry("m.4", start=at(11), number=OFFICE, disposition="abandoned"),
        entry("m.5", start=at(12), number=None, disposition="missed"),  # withheld
    )
    found = await lines(sessions)
    assert list(found) == [IVANOVA, OFFICE]  # the longest unreturned first
    ivanova = found[IVANOVA]
    assert (ivanova.missed, ivanova.first_at, ivanova.last_at) == (3, at(9), at(10))
    assert (ivanova.attempts, ivanova.returned, ivanova.linkedid) == (0, False, "m.3")


async def test_dialling_is_an_attempt_and_only_an_answer_returns_it(sessions: Sessions) -> None:
    await record(sessions, entry("m.1", start=at(9), number=IVANOVA, disposition="missed"))
    assert await dial(sessions, attempt("a1", IVANOVA, at(9, 10))) is not None
    assert not (await lines(sessions))[IVANOVA].returned  # dialling is no answer
    assert await ended(sessions, "a1", CallBackOutcome.NO_ANSWER, at(9, 11))
    assert await dial(sessions, attempt("a2", IVANOVA, at(9, 20))) is not None
    assert await ended(sessions, "a2", CallBackOutcome.BUSY, at(9, 21))
    line = (await lines(sessions))[IVANOVA]
    assert (line.returned, line.attempts, line.last_outcome) == (False, 2, "busy")

    assert await dial(sessions, attempt("a3", IVANOVA, at(9, 40))) is not None
    assert await ended(sessions, "a3", CallBackOutcome.ANSWERED, at(9, 41))
    line = (await lines(sessions))[IVANOVA]
    assert (line.returned, line.returned_at, line.returned_how) == (
        True,
        at(9, 40),
        RETURNED_BY_CALL_BACK,
    )
    assert (line.attempts, line.last_outcome, line.missed) == (3, "answered", 1)
    async with sessions() as s:
        who = await s.scalars(select(CallBack.operator).order_by(CallBack.id))
        assert list(who) == ["Вера (103)"] * 3


async def test_the_client_calling_again_returns_it_and_a_new_miss_reopens(
    sessions: Sessions,
) -> None:
    await record(
        sessions,
        entry("m.1", start=at(9), number=THIRD, disposition="missed"),
        entry("m.2", start=at(9, 5), number=THIRD, disposition="missed"),
        entry("m.3", start=at(10), number=THIRD, rung=["101"], answered_by="101", wait_s=2),
    )
    line = (await lines(sessions))[THIRD]
    assert (line.returned_at, line.returned_how, line.missed) == (at(10), RETURNED_BY_CLIENT, 2)
    # a call-back now is no call-back: nothing waits for it
    assert await dial(sessions, attempt("late", THIRD, at(10, 30))) is None
    await record(sessions, entry("m.4", start=at(11), number=THIRD, disposition="abandoned"))
    line = (await lines(sessions))[THIRD]
    assert (line.returned, line.missed, line.first_at) == (False, 1, at(11))


async def test_an_answered_outbound_call_in_the_log_returns_it(sessions: Sessions) -> None:
    """Dialled from a desk phone rather than the console: the call log still tells."""
    await record(
        sessions,
        entry("m.1", start=at(9), number=OFFICE, disposition="abandoned"),
        entry("o.1", start=at(9, 30), number=OFFICE, direction="outbound", answered_by="102"),
    )
    line = (await lines(sessions))[OFFICE]
    assert (line.returned_at, line.returned_how) == (at(9, 30), RETURNED_BY_CALL_BACK)


async def test_attempts_are_written_once_and_outcomes_need_an_attempt(sessions: Sessions) -> None:
    await record(sessions, entry("m.1", start=at(9), number=IVANOVA, disposition="missed"))
    first = await dial(sessions, attempt("a1", IVANOVA, at(9, 10)))
    assert await dial(sessions, attempt("a1", IVANOVA, at(9, 10))) == first  # replayed
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(CallBack)) == 1
    assert not await ended(sessions, "no-such", CallBackOutcome.FAILED, at(9, 11))


async def test_today_is_the_desks_local_day(sessions: Sessions) -> None:
    """At 01:30 in Moscow (22:30 UTC the day before) «today» began at 21:00 UTC: a call
    missed at 23:50 Moscow time yesterday is not today's, one at 00:10 is."""
    moscow = ZoneInfo("Europe/Moscow")
    now = datetime(2026, 11, 20, 1, 30, tzinfo=moscow)
    since = day_start(now, moscow)
    assert since == datetime(2026, 11, 19, 21, 0, tzinfo=UTC)
    await record(
        sessions,
        entry("y.1", start=since - timedelta(minutes=10), number=IVANOVA, disposition="missed"),
        entry("t.1", start=since + timedelta(minutes=10), number=OFFICE, disposition="missed"),
    )
    assert list(await lines(sessions, since)) == [OFFICE]


async def test_a_call_back_kept_while_the_database_is_away_is_written_by_the_next_run(
    sessions: Sessions, tmp_path: Path
) -> None:
    """The desk keeps the attempt and its outcome in its journal before the database has
    them; a console stopped during the outage writes both, in order, at its next start."""
    await record(sessions, entry("m.1", start=at(9), number=IVANOVA, disposition="missed"))
    path = tmp_path / "console-journal.sqlite3"
    time = FakeTime()

    async def away() -> None:
        raise ConnectionRefusedError("connection refused")

    async def refuse(_entry: JournalEntry) -> Any:
        await away()

    def outbox(journal: Journal, apply: Any, ping: Any) -> Outbox:
        return Outbox(
            journal,
            apply=apply,
            ping=ping,
            is_transient=lambda exc: isinstance(exc, ConnectionError),
            describe_error=str,
            describe_entry=describe,
            sleep=time.sleep,
            backoff=Backoff(first=0.25, cap=2.0, jitter=0.0),
        )

    published: list[object] = []
    journal = Journal(path)
    down = outbox(journal, refuse, away)
    running = asyncio.create_task(down.run())
    call_backs = DeskCallBacks(lambda: down, Tasks(logging.getLogger("test")), published.append)
    call_backs.dialled(
        server="main",
        action_id="a1",
        number=IVANOVA,
        extension="103",
        operator="Вера (103)",
        at=at(9, 10),
    )
    result = OriginateResult("main", "a1", "cb.1", True, None, None, at(9, 11))
    call_backs.ended(result)
    async with asyncio.timeout(5):
        while down.waiting() == 0 or len(await journal.entries()) < 2:  # noqa: ASYNC110
            await asyncio.sleep(0.01)  # the journal's thread: poll, never a timed wait
    running.cancel()  # the console stops while the database is still away
    await asyncio.gather(running, return_exceptions=True)
    await journal.close()
    assert published == []
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(CallBack)) == 0

    journal = Journal(path)

    async def ping() -> None:
        async with sessions() as s:
            await s.execute(select(1))

    back = outbox(journal, partial(apply_call_back, sessions), ping)
    running = asyncio.create_task(back.run())
    try:
        async with asyncio.timeout(10):
            while (await lines(sessions))[IVANOVA].returned_at is None:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await journal.close()
    line = (await lines(sessions))[IVANOVA]
    assert (line.attempts, line.last_outcome, line.returned_at) == (1, "answered", at(9, 10))
