"""Closing a missed number without calling back, on SQLite and PostgreSQL: the closing
returns it (not in the count still to call back) with who, when and why; a new miss opens
it again; it is audited, refused to a dispatcher, and can be undone."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.audit import AuditFilter, list_audit
from storage.call_backs import RETURNED_BY_CLOSING, CallBackAttempt, record_attempt
from storage.clients import create_client
from storage.errors import InvalidChange, NotAllowed, NotWaiting
from storage.missed_closings import (
    CLOSE_ACTION,
    ENTITY,
    REOPEN_ACTION,
    Closing,
    close_missed,
    reopen_missed,
)
from storage.models import AuditEntry, CallBackOutcome, MissedClosing, OperatorRole
from storage.roles import CLOSE_MISSED, Actor
from tests.test_call_backs import IVANOVA, OFFICE, ended, lines
from tests.test_calls_log import at, entry, record

Sessions = async_sessionmaker[AsyncSession]
VERA = Actor("Вера (103)", OperatorRole.SUPERVISOR)
ANNA = Actor("Анна (101)", OperatorRole.DISPATCHER)


async def close(
    sessions: Sessions, number: str, reason: str, when: datetime, who: Actor = VERA
) -> Closing:
    async with sessions.begin() as s:
        return await close_missed(s, number, reason, actor=who, at=when)


async def reopen(sessions: Sessions, number: str, when: datetime, who: Actor = VERA) -> Closing:
    async with sessions.begin() as s:
        return await reopen_missed(s, number, actor=who, at=when)


async def test_a_closed_number_counts_as_returned_with_who_when_and_why(
    sessions: Sessions,
) -> None:
    async with sessions.begin() as s:
        client = await create_client(s, {"last_name": "Иванова"}, [IVANOVA], actor="t")
    await record(
        sessions,
        entry("m.1", start=at(9), number=IVANOVA, disposition="missed"),
        entry("m.2", start=at(9, 30), number=IVANOVA, disposition="abandoned"),
        entry("m.3", start=at(10), number=OFFICE, disposition="missed"),
    )
    closing = await close(sessions, IVANOVA, "  spam ", at(10, 5))
    assert (closing.reason, closing.closed_by, closing.closed_at) == ("spam", VERA.name, at(10, 5))
    found = await lines(sessions)
    assert list(found) == [OFFICE, IVANOVA]  # the unreturned first
    line = found[IVANOVA]
    assert (line.returned, line.closed, line.returned_how) == (True, True, RETURNED_BY_CLOSING)
    assert (line.returned_at, line.closed_by, line.close_reason) == (at(10, 5), VERA.name, "spam")
    assert line.missed == 2
    assert [m.number for m in found.values() if not m.returned] == [OFFICE]

    async with sessions() as s:
        [row] = await list_audit(s, AuditFilter(kinds=frozenset({"call_backs"})))
    assert (row.actor, row.at, row.entity, row.action) == (
        VERA.name,
        at(10, 5),
        ENTITY,
        CLOSE_ACTION,
    )
    assert (row.client_id, row.entity_id) == (client.id, closing.id)
    assert row.changes == {"phone": IVANOVA, "reason": "spam"}


async def test_a_new_miss_after_the_closing_opens_the_number_again(sessions: Sessions) -> None:
    await record(sessions, entry("m.1", start=at(9), number=IVANOVA, disposition="missed"))
    await close(sessions, IVANOVA, "ошиблись номером", at(9, 10))
    # closed: a call-back now answers nothing, and the number cannot be closed twice
    async with sessions.begin() as s:
        late = CallBackAttempt("main", "a1", IVANOVA, "103", VERA.name, at(9, 20))
        assert await record_attempt(s, late) is None
    with pytest.raises(NotWaiting):
        await close(sessions, IVANOVA, "spam", at(9, 30))

    await record(sessions, entry("m.2", start=at(11), number=IVANOVA, disposition="abandoned"))
    line = (await lines(sessions))[IVANOVA]
    assert (line.returned, line.closed, line.missed, line.first_at) == (False, False, 1, at(11))
    assert line.closed_by is None
    with pytest.raises(NotWaiting):  # the miss decides now, not the closing
        await reopen(sessions, IVANOVA, at(11, 5))
    await close(sessions, IVANOVA, "решено иначе", at(11, 10))
    line = (await lines(sessions))[IVANOVA]
    assert (line.closed, line.close_reason, line.returned_at) == (True, "решено иначе", at(11, 10))


async def test_reopening_undoes_the_closing_and_is_audited(sessions: Sessions) -> None:
    await record(sessions, entry("m.1", start=at(9), number=OFFICE, disposition="missed"))
    closing = await close(sessions, OFFICE, "wrong_number", at(9, 10))
    undone = await reopen(sessions, OFFICE, at(9, 10))  # the same moment: clocks are fixed
    assert undone.id == closing.id
    line = (await lines(sessions))[OFFICE]
    assert (line.returned, line.closed, line.first_at) == (False, False, at(9))
    with pytest.raises(NotWaiting):
        await reopen(sessions, OFFICE, at(9, 20))
    async with sessions() as s:
        row = await s.get(MissedClosing, closing.id)
        assert row is not None and (row.reopened_by, row.reopened_at) == (VERA.name, at(9, 10))
        trail = await list_audit(s, AuditFilter(actor=VERA.name))
    assert [r.action for r in trail] == [REOPEN_ACTION, CLOSE_ACTION]  # newest first
    assert trail[0].client_id is None  # nobody's number


async def test_an_answered_number_has_nothing_to_close(sessions: Sessions) -> None:
    await record(
        sessions,
        entry("m.1", start=at(9), number=IVANOVA, disposition="missed"),
        entry("m.2", start=at(9, 30), number=IVANOVA, answered_by="101", rung=["101"]),
    )
    with pytest.raises(NotWaiting):
        await close(sessions, IVANOVA, "spam", at(10))
    with pytest.raises(NotWaiting):  # never missed at all
        await close(sessions, OFFICE, "spam", at(10))


async def test_a_call_back_answered_after_the_closing_returns_it_as_called_back(
    sessions: Sessions,
) -> None:
    """Closed, then a colleague calls the client back after a new miss and gets through."""
    await record(sessions, entry("m.1", start=at(9), number=IVANOVA, disposition="missed"))
    await close(sessions, IVANOVA, "spam", at(9, 10))
    await record(sessions, entry("m.2", start=at(10), number=IVANOVA, disposition="missed"))
    async with sessions.begin() as s:
        attempt = CallBackAttempt("main", "a1", IVANOVA, "103", VERA.name, at(10, 5))
        assert await record_attempt(s, attempt) is not None
    assert await ended(sessions, "a1", CallBackOutcome.ANSWERED, at(10, 6))
    line = (await lines(sessions))[IVANOVA]
    assert (line.returned_how, line.returned_at, line.closed_by) == ("called_back", at(10, 5), None)


async def test_a_dispatcher_may_not_close_or_reopen_and_nothing_is_written(
    sessions: Sessions,
) -> None:
    await record(sessions, entry("m.1", start=at(9), number=IVANOVA, disposition="missed"))
    with pytest.raises(NotAllowed) as refused:
        await close(sessions, IVANOVA, "spam", at(9, 10), who=ANNA)
    assert (refused.value.action, refused.value.role) == (CLOSE_MISSED, "dispatcher")
    await close(sessions, IVANOVA, "spam", at(9, 10))
    with pytest.raises(NotAllowed):
        await reopen(sessions, IVANOVA, at(9, 20), who=ANNA)
    admin = Actor("Админ", OperatorRole.ADMIN)
    await reopen(sessions, IVANOVA, at(9, 30), who=admin)
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(MissedClosing)) == 1
        actors = await s.scalars(select(AuditEntry.actor).order_by(AuditEntry.id))
        assert list(actors) == [VERA.name, "Админ"]


@pytest.mark.parametrize("reason", ["", "   ", "x" * 201])
async def test_a_reason_is_required_and_short(sessions: Sessions, reason: str) -> None:
    await record(sessions, entry("m.1", start=at(9), number=IVANOVA, disposition="missed"))
    with pytest.raises(InvalidChange):
        await close(sessions, IVANOVA, reason, at(9, 10))
    assert not (await lines(sessions))[IVANOVA].returned
