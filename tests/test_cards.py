"""The popup card: everything on it, exact money, and at most two statements to read it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.calls import CallLogEntry, upsert_call
from storage.cards import (
    ClientCard,
    card_to_json,
    derive_activity,
    load_card_by_phone,
    load_client_card,
)
from storage.clients import add_phone, get_or_create_client_for_call, set_blacklist, set_tariff
from storage.debts import add_debt, mark_debt_paid
from storage.errors import NotFound
from storage.filters import Activity
from storage.models import OperatorRole, Tariff
from storage.roles import Actor

Sessions = async_sessionmaker[AsyncSession]
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 20)

CLIENTS_FIND_KEYS = {
    "id", "name", "phones", "city", "comment", "tariff", "blacklisted", "blacklist_reason",
    "unpaid_debt_total", "unpaid_debts", "orders_blocked", "completed_orders", "false_orders",
    "complaints", "status", "activity", "registered_at",
}  # fmt: skip


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """Every SQL statement sent to the database inside the block."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        seen.append(sql)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def busy_client(sessions: Sessions) -> int:
    """A corporate client with two phones, a tariff, a blacklist, debts and calls."""
    created = await get_or_create_client_for_call(
        sessions, "89031112233", caller_name="ООО Ромашка", region="RU",
        registered_by="Анна (101)", at=T0,
    )  # fmt: skip
    assert created is not None
    client_id = created[0]
    async with sessions.begin() as s:
        tariff = Tariff(name="Бизнес", description="", active=True)
        s.add(tariff)
        await s.flush()
        await set_tariff(s, client_id, tariff.id, "Анна (101)", at=T0)
        await add_phone(s, client_id, "8 (495) 765-43-21", actor="Анна (101)", label="бухгалтерия")
        await set_blacklist(s, client_id, True, "Ложные вызовы", "Старший (100)", at=T0)
        for amount, ref in (("0.10", "A-1"), ("0.20", "A-2"), ("150.00", "A-3")):
            await add_debt(s, client_id, amount, reason="late_cancel", order_ref=ref,
                           actor="Анна (101)", at=T0)  # fmt: skip
        paid = await add_debt(s, client_id, "99.99", reason="manual", actor="Анна (101)", at=T0)
        await mark_debt_paid(s, paid.id, actor=Actor("Борис (102)", OperatorRole.SUPERVISOR), at=T0)
        for i in range(12):
            await upsert_call(s, call(i, client_id))
    return client_id


def call(i: int, client_id: int | None) -> CallLogEntry:
    started = T0 + timedelta(days=1, minutes=i)
    return CallLogEntry(
        server="main", linkedid=f"1700000000.{i}", direction="inbound", number="+79031112233",
        number_raw="89031112233", name="ООО Ромашка", client_id=client_id, queue="dispatch",
        operators_rung=["101"], answered_by="101", transferred_to=[], disposition="answered",
        reason=None, started_at=started, answered_at=started + timedelta(seconds=3),
        ended_at=started + timedelta(seconds=60), wait_s=3.0, talk_s=57.0 + i,
    )  # fmt: skip


async def test_card_by_phone_in_two_statements(engine: AsyncEngine, sessions: Sessions) -> None:
    client_id = await busy_client(sessions)
    async with sessions() as s:
        with statements(engine) as sent:
            card = await load_card_by_phone(
                s, "+7 (495) 765-43-21", "RU", today=TODAY, max_unpaid_debts=2
            )
    assert len(sent) <= 2, sent
    assert card is not None and card.id == client_id
    assert card.name == "ООО Ромашка" and card.kind == "corporate"
    assert [(p.e164, p.label) for p in card.phones] == [
        ("+79031112233", ""),
        ("+74957654321", "бухгалтерия"),
    ]
    assert card.tariff == "Бизнес"
    assert card.blacklisted and card.blacklist_reason == "Ложные вызовы"
    assert (card.blacklisted_by, card.blacklisted_at) == ("Старший (100)", T0)
    assert card.unpaid_debt_total == Decimal("150.30")
    assert [d.order_ref for d in card.unpaid_debts] == ["A-1", "A-2", "A-3"]
    assert card.orders_blocked  # 3 unpaid > 2 allowed
    assert len(card.recent_calls) == 10
    assert card.recent_calls[0].started_at > card.recent_calls[-1].started_at
    assert card.recent_calls[0].talk_s == 68.0
    assert card.activity is Activity.NEW
    assert card.registered_by == "Анна (101)"


async def test_card_by_id_in_two_statements(engine: AsyncEngine, sessions: Sessions) -> None:
    client_id = await busy_client(sessions)
    async with sessions() as s:
        with statements(engine) as sent:
            card = await load_client_card(
                s, client_id, today=TODAY, max_unpaid_debts=3, recent_calls=3
            )
    assert len(sent) <= 2, sent
    assert not card.orders_blocked  # 3 unpaid, 3 allowed
    assert len(card.recent_calls) == 3
    assert card.version == 3  # created, tariff, blacklist


async def test_exact_money_sums(sessions: Sessions) -> None:
    created = await get_or_create_client_for_call(
        sessions, "+79161234567", caller_name=None, region="RU", registered_by="x", at=T0
    )
    assert created is not None
    async with sessions.begin() as s:
        await add_debt(s, created[0], Decimal("0.10"), reason="manual", actor="x")
        await add_debt(s, created[0], Decimal("0.20"), reason="manual", actor="x")
    async with sessions() as s:
        card = await load_client_card(s, created[0], today=TODAY, max_unpaid_debts=1)
    assert card.unpaid_debt_total == Decimal("0.30")
    assert card.orders_blocked
    assert card_to_json(card, "")["unpaid_debt_total"] == "0.30"


async def test_no_card_for_unknown_or_non_client_numbers(
    engine: AsyncEngine, sessions: Sessions
) -> None:
    async with sessions() as s:
        with statements(engine) as sent:
            assert await load_card_by_phone(s, "101", today=TODAY, max_unpaid_debts=1) is None
        assert sent == []
        assert await load_card_by_phone(s, "89160000000", today=TODAY, max_unpaid_debts=1) is None
        with pytest.raises(NotFound):
            await load_client_card(s, 999, today=TODAY, max_unpaid_debts=1)


async def test_card_json_document(sessions: Sessions) -> None:
    client_id = await busy_client(sessions)
    async with sessions() as s:
        card = await load_client_card(s, client_id, today=TODAY, max_unpaid_debts=1)
    doc = card_to_json(card, "Тверская, 7, под. 2")
    assert doc.keys() >= CLIENTS_FIND_KEYS
    assert doc["phones"] == ["+79031112233", "+74957654321"]
    assert doc["tariff"] == "Бизнес"
    assert doc["unpaid_debt_total"] == "150.30"
    assert doc["unpaid_debts"][0] == {
        "id": card.unpaid_debts[0].id,
        "amount": "0.10",
        "currency": "RUB",
        "reason": "late_cancel",
        "order_ref": "A-1",
        "created_at": "2026-11-01T09:00:00+00:00",
    }
    assert doc["orders_blocked"] is True
    assert doc["registered_at"] == "2026-11-01T09:00:00+00:00"
    assert doc["activity"] == "new" and doc["status"] == "new"
    assert isinstance(ClientCard.__dataclass_fields__, dict)


DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("registered_ago", "last_call_ago", "last_order_ago", "activity"),
    [
        (DAY * 29, None, None, Activity.NEW),
        (DAY * 400, DAY * 1, None, Activity.ACTIVE),
        (DAY * 400, None, DAY * 30, Activity.ACTIVE),
        (DAY * 400, DAY * 31, None, Activity.RECENT),
        (DAY * 400, DAY * 200, DAY * 90, Activity.RECENT),
        (DAY * 400, DAY * 91, None, Activity.INACTIVE),
        (DAY * 30, None, None, Activity.INACTIVE),
    ],
)
def test_activity(
    registered_ago: timedelta,
    last_call_ago: timedelta | None,
    last_order_ago: timedelta | None,
    activity: Activity,
) -> None:
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

    def ago(delta: timedelta | None) -> datetime | None:
        return None if delta is None else now - delta

    registered = now - registered_ago
    assert derive_activity(registered, ago(last_call_ago), ago(last_order_ago), now.date()) == (
        activity
    )
