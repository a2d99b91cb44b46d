"""The call log: one row per call, whoever records it, and the supervisor's figures.

Every console and the headless recorder see the same calls, so each records what it saw
with `upsert_call`: INSERT … ON CONFLICT (server, linkedid) DO UPDATE, in one statement
on SQLite and PostgreSQL. The merge keeps the most complete version — an answered one
over an unanswered one, else the one that ended later — and never loses a value only the
other version had (who answered, the client, the queue, the operators rung).

Nothing here commits; the caller owns the unit of work.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Final, cast

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    case,
    func,
    not_,
    or_,
    select,
    true,
    tuple_,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import with_expression

from storage.clients import dialect_insert
from storage.filters import CallFilter, Page
from storage.models import Call, CallDirection, Client, ClientPhone, Disposition

CALLS = cast(Table, Call.__table__)
CLIENTS = cast(Table, Client.__table__)
PHONES = cast(Table, ClientPhone.__table__)


@dataclass(frozen=True)
class CallLogEntry:
    """One finished call as a console or the recorder saw it; the fields are the keys of
    `opconsole calls list --json`. `number` is the outside party's E.164 (None when
    withheld or internal), `number_raw` what the PBX gave."""

    server: str
    linkedid: str
    direction: str
    number: str | None
    number_raw: str
    name: str | None
    client_id: int | None
    queue: str | None
    operators_rung: Sequence[str]
    answered_by: str | None
    transferred_to: Sequence[str]
    disposition: str
    reason: str | None
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime
    wait_s: float
    talk_s: float


# The JSON keys are the entry's fields, in order: one list, so neither can grow alone.
CALL_JSON_KEYS: Final = tuple(f.name for f in fields(CallLogEntry))


# ------------------------------------------------------------------------ writing


def _merge_on_conflict(stmt: Any) -> Any:
    """The DO UPDATE of the upsert: the more complete version wins, gaps are filled."""
    new, old = stmt.excluded, CALLS.c
    new_answered = or_(new.answered_at.is_not(None), new.disposition == Disposition.ANSWERED)
    old_answered = or_(old.answered_at.is_not(None), old.disposition == Disposition.ANSWERED)
    # The incoming version wins if it is answered and the stored one is not; or, when
    # both are alike in that, if it ended no earlier (equal: idempotent re-recording).
    wins = or_(
        and_(new_answered, not_(old_answered)),
        and_(or_(new_answered, not_(old_answered)), new.ended_at >= old.ended_at),
    )

    def pick(name: str) -> Any:
        return case((wins, new[name]), else_=old[name])

    def fill(name: str) -> Any:
        return case(
            (wins, func.coalesce(new[name], old[name])), else_=func.coalesce(old[name], new[name])
        )

    def listed(name: str) -> Any:
        new_len, old_len = func.json_array_length(new[name]), func.json_array_length(old[name])
        return case(
            (and_(wins, new_len > 0), new[name]), (old_len == 0, new[name]), else_=old[name]
        )

    return stmt.on_conflict_do_update(
        index_elements=["server", "linkedid"],
        set_={
            "direction": pick("direction"),
            "number": fill("number"),
            "number_raw": case(
                (and_(wins, new.number_raw != ""), new.number_raw), else_=old.number_raw
            ),
            "name": fill("name"),
            "client_id": fill("client_id"),
            "queue": fill("queue"),
            "operators_rung": listed("operators_rung"),
            "answered_by": fill("answered_by"),
            "transferred_to": listed("transferred_to"),
            "disposition": pick("disposition"),
            "reason": fill("reason"),
            "started_at": case(
                (new.started_at < old.started_at, new.started_at), else_=old.started_at
            ),
            "answered_at": fill("answered_at"),
            "ended_at": case((new.ended_at > old.ended_at, new.ended_at), else_=old.ended_at),
            "wait_s": pick("wait_s"),
            "talk_s": pick("talk_s"),
        },
    )


async def upsert_call(session: AsyncSession, entry: CallLogEntry) -> int:
    """Record a call (idempotent per server and linkedid); returns the row id.

    A call without a client id is attached to the owner of its number when there is one.
    The client's `last_call_at` moves forward (a plain UPDATE: no version bump, so an
    open edit of the card is not turned into a conflict by the call ending).
    """
    client_id: Any = entry.client_id
    if client_id is None and entry.number and entry.direction != CallDirection.INTERNAL:
        client_id = (
            select(PHONES.c.client_id).where(PHONES.c.e164 == entry.number).scalar_subquery()
        )
    values = {key: getattr(entry, key) for key in CALL_JSON_KEYS}
    values.update(
        number_raw=entry.number_raw[:64],
        client_id=client_id,
        operators_rung=list(entry.operators_rung),
        transferred_to=list(entry.transferred_to),
        wait_s=float(entry.wait_s),
        talk_s=float(entry.talk_s),
    )
    stmt = dialect_insert(session, CALLS).values(**values)
    stmt = _merge_on_conflict(stmt).returning(CALLS.c.id, CALLS.c.client_id, CALLS.c.started_at)
    call_id, owner, started_at = (await session.execute(stmt)).one()
    if owner is not None:
        await session.execute(
            update(CLIENTS)
            .where(
                CLIENTS.c.id == owner,
                or_(CLIENTS.c.last_call_at.is_(None), CLIENTS.c.last_call_at < started_at),
            )
            .values(last_call_at=started_at)
        )
    return int(call_id)


# ------------------------------------------------------------------------ reading


def _rung_by(session: AsyncSession, extension: str) -> ColumnElement[bool]:
    """`extension` is in the call's operators_rung JSON list (json_each / json_array_…)."""
    if session.get_bind().dialect.name == "postgresql":
        elements = func.json_array_elements_text(CALLS.c.operators_rung)
    else:
        elements = func.json_each(CALLS.c.operators_rung)
    rung = elements.table_valued("value").alias("rung")
    return select(rung.c.value).where(rung.c.value == extension).exists()


def _conditions(session: AsyncSession, flt: CallFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if flt.since is not None:
        conditions.append(CALLS.c.started_at >= flt.since)
    if flt.until is not None:
        conditions.append(CALLS.c.started_at < flt.until)
    if flt.disposition is not None:
        conditions.append(CALLS.c.disposition == flt.disposition)
    if flt.client_id is not None:
        conditions.append(CALLS.c.client_id == flt.client_id)
    if flt.direction is not None:
        conditions.append(CALLS.c.direction == flt.direction)
    if flt.operator is not None:
        conditions.append(or_(CALLS.c.answered_by == flt.operator, _rung_by(session, flt.operator)))
    return conditions


async def list_calls(
    session: AsyncSession, flt: CallFilter, page: int = 0, page_size: int = 50
) -> Page[Call]:
    """One page of the call history, newest first, with the matching total; each call
    carries its client's name (`Call.client_name`) beside the caller ID name."""
    conditions = _conditions(session, flt)
    stmt = (
        select(Call)
        .outerjoin(Client, Client.id == Call.client_id)
        .options(with_expression(Call.client_name, Client.name))
        .where(*conditions)
        .order_by(Call.started_at.desc(), Call.id.desc())
        .offset(page * page_size)
        .limit(page_size + 1)
    )
    rows = list((await session.scalars(stmt)).all())
    total = await session.execute(select(func.count()).select_from(CALLS).where(*conditions))
    return Page(
        rows=rows[:page_size],
        page=page,
        page_size=page_size,
        total=int(total.scalar_one()),
        has_next=len(rows) > page_size,
    )


async def iter_calls(
    session: AsyncSession, flt: CallFilter, *, batch_size: int = 1000
) -> AsyncIterator[list[Call]]:
    """Every matching call, oldest first, in batches (keyset paging on started_at, id)."""
    conditions = _conditions(session, flt)
    last: tuple[datetime, int] | None = None
    while True:
        stmt = select(Call).where(*conditions)
        if last is not None:
            stmt = stmt.where(tuple_(Call.started_at, Call.id) > tuple_(*last))
        stmt = stmt.order_by(Call.started_at, Call.id).limit(batch_size)
        batch = list((await session.scalars(stmt)).all())
        if not batch:
            return
        yield batch
        if len(batch) < batch_size:
            return
        last = (batch[-1].started_at, batch[-1].id)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 1)
    if isinstance(value, list | tuple):
        return list(value)
    return value


def call_to_json(row: Call | CallLogEntry) -> dict[str, Any]:
    """One call as `opconsole calls list --json` prints it: exactly CALL_JSON_KEYS, times
    ISO 8601, durations rounded to 0.1 s, lists as lists."""
    return {key: _json_value(getattr(row, key)) for key in CALL_JSON_KEYS}


# ------------------------------------------------------------------ supervisor figures


@dataclass(frozen=True, slots=True)
class OperatorStats:
    """One operator's inbound figures. `missed` counts calls that rang this operator and
    that nobody answered; a queue call another operator took is not a miss."""

    extension: str
    rung: int = 0
    answered: int = 0
    missed: int = 0
    talk_total_s: float = 0.0
    outbound: int = 0
    outbound_talk_s: float = 0.0

    @property
    def avg_talk_s(self) -> float:
        return self.talk_total_s / self.answered if self.answered else 0.0


@dataclass(frozen=True, slots=True)
class QueueStats:
    """One queue's inbound figures (calls that reached it) over the same period."""

    queue: str
    inbound: int = 0
    answered: int = 0
    missed: int = 0
    abandoned: int = 0
    longest_wait_s: float = 0.0
    answered_within_sl: int = 0

    @property
    def service_level_pct(self) -> float | None:
        """Answered within the threshold, as a share of the queue's calls; None if none."""
        return 100.0 * self.answered_within_sl / self.inbound if self.inbound else None


def count_if(condition: ColumnElement[bool]) -> Any:
    """How many rows meet `condition` (0, not NULL, over none): one column of a tally."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


@dataclass(frozen=True, slots=True)
class DeskStats:
    """The desk's inbound totals over [since, until) from the call log."""

    since: datetime
    until: datetime
    inbound: int
    answered: int
    missed: int
    abandoned: int
    avg_wait_s: float  # over every inbound call, answered or not
    avg_answer_wait_s: float  # over answered calls only (speed of answer)
    avg_talk_s: float  # over answered calls
    longest_wait_s: float
    answered_within_sl: int
    service_level_seconds: int
    operators: tuple[OperatorStats, ...]
    queues: tuple[QueueStats, ...] = ()

    @property
    def missed_or_abandoned(self) -> int:
        return self.missed + self.abandoned

    @property
    def service_level_pct(self) -> float | None:
        """Answered within the threshold, as a share of every inbound call; None if none."""
        return 100.0 * self.answered_within_sl / self.inbound if self.inbound else None


async def desk_stats(
    session: AsyncSession, since: datetime, until: datetime, service_level_seconds: int
) -> DeskStats:
    """Supervisor totals, per-operator and per-queue figures, aggregated in SQL (four
    statements)."""
    window = and_(CALLS.c.started_at >= since, CALLS.c.started_at < until)
    inbound = and_(window, CALLS.c.direction == CallDirection.INBOUND)
    answered = CALLS.c.disposition == Disposition.ANSWERED

    totals = (
        await session.execute(
            select(
                func.count(),
                count_if(answered),
                count_if(CALLS.c.disposition == Disposition.MISSED),
                count_if(CALLS.c.disposition == Disposition.ABANDONED),
                func.coalesce(func.avg(CALLS.c.wait_s), 0.0),
                func.coalesce(func.avg(case((answered, CALLS.c.wait_s))), 0.0),
                func.coalesce(func.avg(case((answered, CALLS.c.talk_s))), 0.0),
                func.coalesce(func.max(CALLS.c.wait_s), 0.0),
                count_if(and_(answered, CALLS.c.wait_s <= service_level_seconds)),
            ).where(inbound)
        )
    ).one()
    operators: dict[str, dict[str, Any]] = {}

    def of(extension: str) -> dict[str, Any]:
        return operators.setdefault(extension, {"extension": extension})

    for extension, rung, missed in await _rung_counts(session, inbound):
        of(extension).update(rung=int(rung), missed=int(missed))
    took = select(
        CALLS.c.answered_by, CALLS.c.direction, func.count(), func.sum(CALLS.c.talk_s)
    ).where(window, answered, CALLS.c.answered_by.is_not(None))
    took = took.group_by(CALLS.c.answered_by, CALLS.c.direction)
    for extension, direction, count, talk in await session.execute(took):
        if direction == CallDirection.INBOUND:
            of(extension).update(answered=int(count), talk_total_s=float(talk or 0.0))
        elif direction == CallDirection.OUTBOUND:
            of(extension).update(outbound=int(count), outbound_talk_s=float(talk or 0.0))
    per_queue = await session.execute(
        select(
            CALLS.c.queue,
            func.count(),
            count_if(answered),
            count_if(CALLS.c.disposition == Disposition.MISSED),
            count_if(CALLS.c.disposition == Disposition.ABANDONED),
            func.coalesce(func.max(CALLS.c.wait_s), 0.0),
            count_if(and_(answered, CALLS.c.wait_s <= service_level_seconds)),
        )
        .where(inbound, CALLS.c.queue.is_not(None))
        .group_by(CALLS.c.queue)
        .order_by(CALLS.c.queue)
    )
    queues = tuple(
        QueueStats(
            queue=str(row[0]),
            inbound=int(row[1]),
            answered=int(row[2]),
            missed=int(row[3]),
            abandoned=int(row[4]),
            longest_wait_s=float(row[5]),
            answered_within_sl=int(row[6]),
        )
        for row in per_queue
    )
    return DeskStats(
        since=since,
        until=until,
        inbound=int(totals[0]),
        answered=int(totals[1]),
        missed=int(totals[2]),
        abandoned=int(totals[3]),
        avg_wait_s=float(totals[4]),
        avg_answer_wait_s=float(totals[5]),
        avg_talk_s=float(totals[6]),
        longest_wait_s=float(totals[7]),
        answered_within_sl=int(totals[8]),
        service_level_seconds=service_level_seconds,
        operators=tuple(OperatorStats(**operators[k]) for k in sorted(operators)),
        queues=queues,
    )


async def _rung_counts(
    session: AsyncSession, inbound: ColumnElement[bool]
) -> Sequence[tuple[str, int, int]]:
    """(extension, calls rung, of those unanswered) from the operators_rung JSON lists."""
    if session.get_bind().dialect.name == "postgresql":
        elements = func.json_array_elements_text(CALLS.c.operators_rung)
    else:
        elements = func.json_each(CALLS.c.operators_rung)
    rung = elements.table_valued("value").alias("rung")
    # DISTINCT: an operator listed twice for one call still counts once.
    per_call = (
        select(rung.c.value.label("extension"), CALLS.c.id, CALLS.c.disposition)
        .select_from(CALLS.join(rung, true()))  # a function of the row: implicitly lateral
        .where(inbound)
        .distinct()
        .subquery()
    )
    unanswered = case((per_call.c.disposition != Disposition.ANSWERED, 1), else_=0)
    stmt = select(per_call.c.extension, func.count(), func.sum(unanswered)).group_by(
        per_call.c.extension
    )
    return list(await session.execute(stmt))
