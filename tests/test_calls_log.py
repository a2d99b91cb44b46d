"""The call log: idempotent upserts from several recorders, history, supervisor figures."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.calls import (
    CALL_JSON_KEYS,
    CallLogEntry,
    call_to_json,
    desk_stats,
    iter_calls,
    list_calls,
    upsert_call,
)
from storage.clients import get_or_create_client_for_call
from storage.filters import CallFilter
from storage.hourly import calls_per_hour
from storage.models import Call, Client

Sessions = async_sessionmaker[AsyncSession]
DAY0 = datetime(2026, 11, 20, tzinfo=UTC)


def at(hh: int, mm: int = 0, ss: float = 0.0) -> datetime:
    return DAY0 + timedelta(hours=hh, minutes=mm, seconds=ss)


def entry(
    linkedid: str,
    *,
    start: datetime,
    number: str | None = "+79161234567",
    direction: str = "inbound",
    rung: list[str] | None = None,
    answered_by: str | None = None,
    disposition: str = "answered",
    wait_s: float = 0.0,
    talk_s: float = 0.0,
    client_id: int | None = None,
    queue: str | None = None,
) -> CallLogEntry:
    answered = start + timedelta(seconds=wait_s) if disposition == "answered" else None
    return CallLogEntry(
        server="main",
        linkedid=linkedid,
        direction=direction,
        number=number,
        number_raw=(number or "").replace("+7", "8"),
        name=None,
        client_id=client_id,
        queue=queue,
        operators_rung=rung or [],
        answered_by=answered_by,
        transferred_to=[],
        disposition=disposition,
        reason=None,
        started_at=start,
        answered_at=answered,
        ended_at=start + timedelta(seconds=wait_s + talk_s),
        wait_s=wait_s,
        talk_s=talk_s,
    )


ANSWERED = entry(
    "1763629200.1", start=at(10), rung=["101"], answered_by="101", wait_s=3.0, talk_s=4.04
)
# What a console that lost its connection mid-call saw: ringing, never the answer.
PARTIAL = dataclasses.replace(
    ANSWERED,
    answered_by=None,
    answered_at=None,
    disposition="missed",
    ended_at=at(10, 0, 2.0),
    wait_s=2.0,
    talk_s=0.0,
    operators_rung=[],
    queue="dispatch",
)


async def record(sessions: Sessions, *entries: CallLogEntry) -> list[int]:
    ids = []
    async with sessions.begin() as s:
        for e in entries:
            ids.append(await upsert_call(s, e))
    return ids


async def all_calls(sessions: Sessions) -> list[Call]:
    async with sessions() as s:
        return list((await s.scalars(select(Call).order_by(Call.id))).all())


# ------------------------------------------------------------------------ upsert


async def test_recording_twice_makes_one_row(sessions: Sessions) -> None:
    first = await record(sessions, ANSWERED)
    second = await record(sessions, ANSWERED)
    assert first == second
    rows = await all_calls(sessions)
    assert len(rows) == 1
    assert call_to_json(rows[0]) == call_to_json(ANSWERED)


@pytest.mark.parametrize("order", ["complete_first", "partial_first"])
async def test_the_most_complete_version_wins(sessions: Sessions, order: str) -> None:
    versions = [ANSWERED, PARTIAL] if order == "complete_first" else [PARTIAL, ANSWERED]
    for version in versions:
        await record(sessions, version)
    (row,) = await all_calls(sessions)
    assert row.disposition == "answered"
    assert row.answered_by == "101"
    assert row.answered_at == ANSWERED.answered_at
    assert row.ended_at == ANSWERED.ended_at
    assert row.operators_rung == ["101"]  # an empty list never wipes a known one
    assert row.queue == "dispatch"  # a value only the partial version had is kept
    assert (row.wait_s, row.talk_s) == (3.0, 4.04)


async def test_concurrent_recorders_make_one_row(sessions: Sessions) -> None:
    versions = [ANSWERED, PARTIAL] * 5
    await asyncio.gather(*(record(sessions, v) for v in versions))
    (row,) = await all_calls(sessions)
    assert row.disposition == "answered" and row.answered_by == "101"
    assert row.ended_at == ANSWERED.ended_at


async def test_call_attaches_to_the_client_and_moves_last_call(sessions: Sessions) -> None:
    created = await get_or_create_client_for_call(
        sessions, "89161234567", caller_name="Иванова Мария", region="RU", registered_by="x",
        at=at(9),
    )  # fmt: skip
    assert created is not None
    client_id = created[0]
    await record(sessions, ANSWERED)  # no client id given: found by the number
    earlier = entry("1763620000.5", start=at(8), wait_s=1, talk_s=1, answered_by="102")
    await record(sessions, earlier, entry("x.1", start=at(11), number=None, disposition="missed"))
    rows = await all_calls(sessions)
    assert [r.client_id for r in rows] == [client_id, client_id, None]
    async with sessions() as s:
        client = await s.get(Client, client_id)
        assert client is not None
        assert client.last_call_at == at(10)  # the earlier call did not move it back
        assert client.version == 1  # bookkeeping, not an edit: open cards stay valid


def test_call_json_keys_and_formats() -> None:
    doc = call_to_json(ANSWERED)
    assert tuple(doc) == CALL_JSON_KEYS
    assert doc["started_at"] == "2026-11-20T10:00:00+00:00"
    assert doc["answered_at"] == "2026-11-20T10:00:03+00:00"
    assert doc["talk_s"] == 4.0 and doc["wait_s"] == 3.0
    assert doc["operators_rung"] == ["101"] and doc["transferred_to"] == []


# ----------------------------------------------------------------------- history


async def test_history_rows_carry_the_owners_name_beside_the_caller_id(
    sessions: Sessions,
) -> None:
    """The caller ID said «Иванова Мария»; the number is Коновалов Богдан's: a history row
    has both, each as what it is (a call of no client has no client name)."""
    async with sessions.begin() as s:
        owner = Client(last_name="Коновалов", first_name="Богдан")
        owner.refresh_name()
        s.add(owner)
        await s.flush()
        owner_id = owner.id
    await record(
        sessions,
        dataclasses.replace(entry("n.1", start=at(9), client_id=owner_id), name="Иванова Мария"),
        dataclasses.replace(entry("n.2", start=at(10), number="+79990001122"), name="Кто-то"),
    )
    async with sessions() as s:
        rows = (await list_calls(s, CallFilter())).rows
    assert [(r.linkedid, r.name, r.client_name) for r in rows] == [
        ("n.2", "Кто-то", None),
        ("n.1", "Иванова Мария", "Коновалов Богдан"),
    ]


async def test_list_and_iterate_with_filters(sessions: Sessions) -> None:
    entries = [
        entry(f"h.{i}", start=at(9, i), rung=["101", "102"] if i % 2 else ["103"],
              answered_by="103" if i % 3 == 0 else None,
              disposition="answered" if i % 3 == 0 else "missed")
        for i in range(30)
    ]  # fmt: skip
    await record(sessions, *entries)
    async with sessions() as s:
        page = await list_calls(s, CallFilter(operator="102"), page=0, page_size=10)
        assert page.total == 15 and page.has_next
        assert page.rows[0].linkedid == "h.29"  # newest first
        page = await list_calls(s, CallFilter(operator="103", disposition="answered"))
        assert page.total == 10 and not page.has_next
        window = CallFilter(since=at(9, 10), until=at(9, 20))
        assert (await list_calls(s, window)).total == 10
        batches = [b async for b in iter_calls(s, CallFilter(), batch_size=7)]
        assert [len(b) for b in batches] == [7, 7, 7, 7, 2]
        order = [c.linkedid for b in batches for c in b]
        assert order == [f"h.{i}" for i in range(30)]  # oldest first


# -------------------------------------------------------------- supervisor figures


def desk_day() -> list[CallLogEntry]:
    """A hand-made day with known answers (see test_desk_stats)."""
    q = "dispatch"
    return [
        entry("d.1", start=at(10), rung=["101"], answered_by="101", wait_s=3, talk_s=4),
        entry("d.2", start=at(10, 5), rung=["101"], disposition="missed", wait_s=6),
        entry("d.3", start=at(11), rung=["103", "102", "101"], answered_by="102", wait_s=4.5,
              talk_s=5.5, queue=q),
        entry("d.4", start=at(12), rung=["101", "102", "103", "101"], answered_by="101",
              wait_s=25, talk_s=30, queue=q),
        entry("d.5", start=at(13), rung=["103"], disposition="abandoned", wait_s=12, queue=q),
        entry("d.6", start=at(14), direction="outbound", answered_by="101", talk_s=5.5,
              number="+79031112233"),
        entry("d.7", start=at(15), direction="internal", number=None, answered_by="102",
              talk_s=60),
        entry("d.8", start=at(10) - timedelta(days=1), rung=["102"], answered_by="102",
              wait_s=1, talk_s=100),
        entry("d.9", start=at(16), disposition="busy"),
    ]  # fmt: skip


async def test_desk_stats(sessions: Sessions) -> None:
    await record(sessions, *desk_day())
    async with sessions() as s:
        stats = await desk_stats(s, DAY0, DAY0 + timedelta(days=1), service_level_seconds=20)
    assert (stats.inbound, stats.answered, stats.missed, stats.abandoned) == (6, 3, 1, 1)
    assert stats.missed_or_abandoned == 2
    assert stats.avg_wait_s == pytest.approx(50.5 / 6)
    assert stats.avg_answer_wait_s == pytest.approx(32.5 / 3)
    assert stats.avg_talk_s == pytest.approx(39.5 / 3)
    assert stats.longest_wait_s == 25
    assert stats.answered_within_sl == 2
    assert stats.service_level_pct == pytest.approx(100 * 2 / 6)
    ops = {o.extension: o for o in stats.operators}
    assert set(ops) == {"101", "102", "103"}
    assert (ops["101"].rung, ops["101"].answered, ops["101"].missed) == (4, 2, 1)
    assert ops["101"].talk_total_s == 34 and ops["101"].avg_talk_s == 17
    assert (ops["101"].outbound, ops["101"].outbound_talk_s) == (1, 5.5)
    assert (ops["102"].rung, ops["102"].answered, ops["102"].missed) == (2, 1, 0)
    assert ops["102"].talk_total_s == 5.5
    assert (ops["103"].rung, ops["103"].answered, ops["103"].missed) == (3, 0, 1)
    assert ops["103"].avg_talk_s == 0
    # Per queue: only the calls that reached a queue (d.3, d.4, d.5; not yesterday's).
    [queue] = stats.queues
    assert (queue.queue, queue.inbound, queue.answered, queue.abandoned) == ("dispatch", 3, 2, 1)
    assert (queue.missed, queue.longest_wait_s, queue.answered_within_sl) == (0, 25, 1)
    assert queue.service_level_pct == pytest.approx(100 / 3)


async def test_desk_stats_of_an_empty_day(sessions: Sessions) -> None:
    async with sessions() as s:
        stats = await desk_stats(s, DAY0, DAY0 + timedelta(days=1), service_level_seconds=20)
    assert stats.inbound == 0 and stats.service_level_pct is None and stats.operators == ()
    assert stats.queues == ()


async def test_inbound_calls_per_hour_of_the_desk_day(sessions: Sessions) -> None:
    """The board's chart: each inbound call in the hour it started (10:00 and 10:05 in
    one hour, 11:00 in the next), unanswered ones counted apart; outbound, internal and
    yesterday's calls are not the desk's inbound traffic today."""
    await record(sessions, *desk_day())
    bounds = [DAY0 + timedelta(hours=h) for h in range(25)]
    async with sessions() as s:
        hours = await calls_per_hour(s, bounds)
    assert len(hours) == 24 and hours[10].start == at(10) and hours[10].end == at(11)
    got = {h.start.hour: (h.inbound, h.unanswered) for h in hours if h.inbound}
    assert got == {10: (2, 1), 11: (1, 0), 12: (1, 0), 13: (1, 1), 16: (1, 1)}


async def test_hours_of_a_half_hour_zone_are_its_own(sessions: Sessions) -> None:
    """A desk at UTC+5:30 counts 10:05 UTC in its 15:30–16:30 hour: the bounds decide."""
    await record(sessions, *desk_day())
    bounds = [at(9, 30) + timedelta(hours=h) for h in range(3)]
    async with sessions() as s:
        hours = await calls_per_hour(s, bounds)
    assert [(h.inbound, h.unanswered) for h in hours] == [(2, 1), (1, 0)]
    with pytest.raises(ValueError, match="ascend"):
        await calls_per_hour(s, list(reversed(bounds)))


async def test_upsert_count_is_one_per_linkedid(sessions: Sessions) -> None:
    await record(sessions, *desk_day())
    await record(sessions, *desk_day())
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Call)) == len(desk_day())
