"""Closing the loop on missed callers: who is still to be called back, and the attempts.

A number counts as **returned** only when a call with it was answered after it was missed:
the desk's call-back (an attempt recorded here with the outcome `answered`, or the
outbound call in the call log) or the client calling again and getting through. Dialling
alone returns nothing. One number missed three times is one line to call back, with the
count; its age is that of the oldest missed call not yet followed by an answer.

A supervisor may also close a number without calling back (spam, a wrong number; see
`storage.missed_closings`): the closing returns it like an answer, shown as closed with
who, when and why, and a later miss opens it again. An undone closing counts for nothing.

Attempts are rows of `call_backs`, written by the desk that dialled (through its outbox,
so a database outage delays them but loses nothing): `record_attempt` when a
click-to-call to a number with an open missed call starts, `record_outcome` when the PBX
says how it ended. Both are idempotent by (server, ActionID). Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Final, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clients import dialect_insert, rowcount
from storage.models import (
    Call,
    CallBack,
    CallBackOutcome,
    CallDirection,
    Client,
    ClientPhone,
    Disposition,
    MissedClosing,
)

CALLS = cast(Table, Call.__table__)
CALL_BACKS = cast(Table, CallBack.__table__)
CLIENTS = cast(Table, Client.__table__)
CLOSINGS = cast(Table, MissedClosing.__table__)
PHONES = cast(Table, ClientPhone.__table__)
MISSED: Final = (Disposition.MISSED, Disposition.ABANDONED)
RETURNED_BY_CALL_BACK: Final = "called_back"
RETURNED_BY_CLIENT: Final = "called_in"
RETURNED_BY_CLOSING: Final = "closed"


@dataclass(frozen=True, slots=True)
class CallBackAttempt:
    """A click-to-call to `number` placed by `operator` (at `extension`) at `started_at`."""

    server: str
    action_id: str
    number: str
    extension: str
    operator: str
    started_at: datetime


@dataclass(frozen=True, slots=True)
class MissedNumber:
    """One number that called and was not answered, in the period asked for.

    While unreturned, `first_at`/`last_at`/`missed` are those of the missed calls since its
    last answered call (the age is `first_at`'s); once returned, of every missed call of the
    period, with when and how it was returned (`called_back`, `called_in`, or `closed`
    with `closed_by` and `close_reason`). `attempts` are the call-backs dialled after
    `first_at`, `last_outcome` the newest one's (None while dialling, or never told)."""

    number: str
    number_raw: str
    name: str | None  # what the caller ID said, on the newest missed call
    client_id: int | None
    client_name: str | None
    queue: str | None
    disposition: str
    wait_s: float
    first_at: datetime
    last_at: datetime
    missed: int
    attempts: int
    last_outcome: str | None
    returned_at: datetime | None
    returned_how: str | None
    server: str
    linkedid: str  # the newest missed call's
    closed_by: str | None = None  # who closed it without a call-back (returned_how "closed")
    close_reason: str | None = None  # why: a code of OFFERED_REASONS or the typed words

    @property
    def returned(self) -> bool:
        return self.returned_at is not None

    @property
    def closed(self) -> bool:
        return self.returned_how == RETURNED_BY_CLOSING


# ------------------------------------------------------------------------ writing


async def latest_answer(session: AsyncSession, number: str, before: datetime) -> datetime | None:
    """When a call with `number` was last answered before `before` (a call of the log or
    a call-back), or the number closed without one: an attempt written late, after its own
    answered call, still counts."""
    in_log = await session.scalar(
        select(func.max(CALLS.c.started_at)).where(
            CALLS.c.number == number,
            CALLS.c.disposition == Disposition.ANSWERED,
            CALLS.c.started_at < before,
        )
    )
    called_back = await session.scalar(
        select(func.max(CALL_BACKS.c.started_at)).where(
            CALL_BACKS.c.number == number,
            CALL_BACKS.c.outcome == CallBackOutcome.ANSWERED,
            CALL_BACKS.c.started_at < before,
        )
    )
    closed = await session.scalar(
        select(func.max(CLOSINGS.c.closed_at)).where(
            CLOSINGS.c.number == number,
            CLOSINGS.c.reopened_at.is_(None),
            CLOSINGS.c.closed_at < before,
        )
    )
    answers = [at for at in (in_log, called_back, closed) if at is not None]
    return max(answers) if answers else None


async def open_missed_call(
    session: AsyncSession, number: str, at: datetime
) -> tuple[int, int | None] | None:
    """The oldest call of `number` missed by `at` and not yet followed by an answer (or a
    closing), with the client who owns the number: (call id, client id); None when the
    number waits for no call-back at `at`."""
    answered = await latest_answer(session, number, at)
    open_missed = (
        select(CALLS.c.id, CALLS.c.client_id)
        .where(
            CALLS.c.number == number,
            CALLS.c.direction == CallDirection.INBOUND,
            CALLS.c.disposition.in_(MISSED),
            CALLS.c.started_at <= at,
        )
        .order_by(CALLS.c.started_at, CALLS.c.id)
        .limit(1)
    )
    if answered is not None:
        open_missed = open_missed.where(CALLS.c.started_at >= answered)
    missed = (await session.execute(open_missed)).first()
    if missed is None:
        return None
    missed_id, client_id = missed
    if client_id is None:
        client_id = await session.scalar(select(PHONES.c.client_id).where(PHONES.c.e164 == number))
    return int(missed_id), client_id


async def record_attempt(session: AsyncSession, attempt: CallBackAttempt) -> int | None:
    """Record a call-back attempt when `attempt.number` has a missed call not yet followed
    by an answer (the oldest such call is the one it answers); returns the row id, or None
    when the number is not waiting for a call-back (a click-to-call like any other). Applied
    twice, it writes one row."""
    existing = await session.scalar(
        select(CALL_BACKS.c.id).where(
            CALL_BACKS.c.server == attempt.server, CALL_BACKS.c.action_id == attempt.action_id
        )
    )
    if existing is not None:
        return int(existing)
    missed = await open_missed_call(session, attempt.number, attempt.started_at)
    if missed is None:
        return None
    missed_id, client_id = missed
    stmt = (
        dialect_insert(session, CALL_BACKS)
        .values(
            server=attempt.server,
            action_id=attempt.action_id,
            number=attempt.number,
            client_id=client_id,
            missed_call_id=missed_id,
            extension=attempt.extension,
            operator=attempt.operator,
            started_at=attempt.started_at,
        )
        .on_conflict_do_nothing(index_elements=["server", "action_id"])
        .returning(CALL_BACKS.c.id)
    )
    row_id = await session.scalar(stmt)
    if row_id is None:  # written meanwhile by the same entry applied elsewhere
        row_id = await session.scalar(
            select(CALL_BACKS.c.id).where(
                CALL_BACKS.c.server == attempt.server, CALL_BACKS.c.action_id == attempt.action_id
            )
        )
    return int(row_id) if row_id is not None else None


async def record_outcome(
    session: AsyncSession,
    *,
    server: str,
    action_id: str,
    outcome: CallBackOutcome,
    at: datetime,
    linkedid: str | None = None,
    reason: str | None = None,
) -> bool:
    """How the attempt of (server, action_id) ended; False when there is no such attempt
    (that click-to-call was no call-back)."""
    result = await session.execute(
        update(CALL_BACKS)
        .where(CALL_BACKS.c.server == server, CALL_BACKS.c.action_id == action_id)
        .values(outcome=outcome.value, ended_at=at, linkedid=linkedid, reason=reason)
    )
    return rowcount(result) > 0


# ------------------------------------------------------------------------ reading


@dataclass(frozen=True, slots=True)
class _Missed:
    number: str
    number_raw: str
    name: str | None
    client_id: int | None
    client_name: str | None
    queue: str | None
    disposition: str
    wait_s: float
    started_at: datetime
    server: str
    linkedid: str


async def missed_numbers(
    session: AsyncSession, since: datetime, *, limit: int = 500
) -> list[MissedNumber]:
    """Every number missed (missed or abandoned inbound calls) since `since`, one entry
    each: the unreturned first, oldest first (the longest wait on top), then the returned
    ones, most recently missed first. Withheld numbers cannot be called back: left out.
    Five statements whatever the number of lines."""
    stmt = (
        select(
            CALLS.c.number,
            CALLS.c.number_raw,
            CALLS.c.name,
            CALLS.c.client_id,
            CLIENTS.c.name,
            CALLS.c.queue,
            CALLS.c.disposition,
            CALLS.c.wait_s,
            CALLS.c.started_at,
            CALLS.c.server,
            CALLS.c.linkedid,
        )
        .select_from(CALLS.outerjoin(CLIENTS, CLIENTS.c.id == CALLS.c.client_id))
        .where(
            CALLS.c.direction == CallDirection.INBOUND,
            CALLS.c.disposition.in_(MISSED),
            CALLS.c.started_at >= since,
            CALLS.c.number.is_not(None),
        )
        .order_by(CALLS.c.started_at, CALLS.c.id)
    )
    by_number: dict[str, list[_Missed]] = {}
    for row in await session.execute(stmt):
        missed = _Missed(*row[:6], str(row[6]), float(row[7]), *row[8:])
        by_number.setdefault(missed.number, []).append(missed)
    if not by_number:
        return []
    numbers = list(by_number)
    # Answers after the first missed call of the period: calls of the log, call-backs
    # answered (known as soon as the client picks up, before the call is over and logged)
    # and closings not undone.
    answers: dict[str, _Answer] = {}

    def answer(number: str, found: _Answer) -> None:
        if number not in answers or found.at > answers[number].at:
            answers[number] = found

    answered_calls = select(CALLS.c.number, CALLS.c.started_at, CALLS.c.direction).where(
        CALLS.c.number.in_(numbers),
        CALLS.c.disposition == Disposition.ANSWERED,
        CALLS.c.started_at >= since,
    )
    for number, at, direction in await session.execute(answered_calls):
        how = RETURNED_BY_CLIENT if direction == CallDirection.INBOUND else RETURNED_BY_CALL_BACK
        answer(number, _Answer(at, how))
    attempts: dict[str, list[tuple[datetime, str | None]]] = {}
    dialled = (
        select(CALL_BACKS.c.number, CALL_BACKS.c.started_at, CALL_BACKS.c.outcome)
        .where(CALL_BACKS.c.number.in_(numbers), CALL_BACKS.c.started_at >= since)
        .order_by(CALL_BACKS.c.started_at, CALL_BACKS.c.id)
    )
    for number, at, outcome in await session.execute(dialled):
        attempts.setdefault(number, []).append((at, outcome))
        if outcome == CallBackOutcome.ANSWERED:
            answer(number, _Answer(at, RETURNED_BY_CALL_BACK))
    closings = select(
        CLOSINGS.c.number, CLOSINGS.c.closed_at, CLOSINGS.c.closed_by, CLOSINGS.c.reason
    ).where(
        CLOSINGS.c.number.in_(numbers),
        CLOSINGS.c.closed_at >= since,
        CLOSINGS.c.reopened_at.is_(None),
    )
    for number, at, by, reason in await session.execute(closings):
        answer(number, _Answer(at, RETURNED_BY_CLOSING, by, reason))
    lines = [
        _line(calls, answers.get(number), attempts.get(number, []))
        for number, calls in by_number.items()
    ]
    waiting = sorted((m for m in lines if not m.returned), key=lambda m: m.first_at)
    returned = sorted((m for m in lines if m.returned), key=lambda m: m.last_at, reverse=True)
    return [*waiting, *returned][:limit]


@dataclass(frozen=True, slots=True)
class _Answer:
    """What returned a number: when, how, and for a closing who and why."""

    at: datetime
    how: str
    by: str | None = None
    reason: str | None = None


def _line(
    calls: list[_Missed],
    answer: _Answer | None,
    attempts: Iterable[tuple[datetime, str | None]],
) -> MissedNumber:
    """One number's line from its missed calls (oldest first), its latest answer and its
    call-backs."""
    # An answer returns the calls missed before it; one at the same moment is no later.
    open_calls = [c for c in calls if answer is None or c.started_at >= answer.at]
    shown = open_calls or calls
    first, last = shown[0], shown[-1]
    after = [(at, outcome) for at, outcome in attempts if at > first.started_at]
    returned = answer if not open_calls else None
    return MissedNumber(
        number=last.number,
        number_raw=last.number_raw,
        name=last.name,
        client_id=next((c.client_id for c in reversed(calls) if c.client_id), None),
        client_name=next((c.client_name for c in reversed(calls) if c.client_name), None),
        queue=last.queue,
        disposition=last.disposition,
        wait_s=last.wait_s,
        first_at=first.started_at,
        last_at=last.started_at,
        missed=len(shown),
        attempts=len(after),
        last_outcome=after[-1][1] if after else None,
        returned_at=returned.at if returned else None,
        returned_how=returned.how if returned else None,
        server=last.server,
        linkedid=last.linkedid,
        closed_by=returned.by if returned else None,
        close_reason=returned.reason if returned else None,
    )
