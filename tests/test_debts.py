"""Debts: exact amounts, one payment only, audited, listed and exported in batches."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.clients import get_or_create_client_for_call
from storage.debts import add_debt, iter_debts, list_debts, mark_debt_paid, unpaid_total
from storage.errors import DebtAlreadyPaid, InvalidChange, NotFound
from storage.models import AuditEntry, Debt, OperatorRole
from storage.roles import Actor

Sessions = async_sessionmaker[AsyncSession]
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def senior(name: str) -> Actor:
    """Who closes debts: a supervisor (a dispatcher may not)."""
    return Actor(name, OperatorRole.SUPERVISOR)


async def a_client(sessions: Sessions, phone: str = "+79161234567") -> int:
    created = await get_or_create_client_for_call(
        sessions, phone, caller_name="Иванова Мария", region="RU", registered_by="x", at=T0
    )
    assert created is not None
    return created[0]


async def test_debt_paid_once_and_audited(sessions: Sessions) -> None:
    client_id = await a_client(sessions)
    async with sessions.begin() as s:
        debt = await add_debt(
            s, client_id, "250.50", reason="late_cancel", order_ref="Z-17", actor="Анна (101)",
            at=T0,
        )  # fmt: skip
        debt_id = debt.id
    paid_at = T0 + timedelta(hours=3)
    async with sessions.begin() as s:
        paid = await mark_debt_paid(
            s, debt_id, actor=senior("Борис (102)"), at=paid_at, comment="наличными"
        )
        assert (paid.paid_at, paid.paid_by, paid.payment_comment) == (
            paid_at,
            "Борис (102)",
            "наличными",
        )
    with pytest.raises(DebtAlreadyPaid) as caught:
        async with sessions.begin() as s:
            await mark_debt_paid(
                s, debt_id, actor=senior("Анна (101)"), at=paid_at + timedelta(hours=1)
            )
    assert (caught.value.paid_by, caught.value.paid_at) == ("Борис (102)", paid_at)
    async with sessions() as s:
        entries = (
            await s.scalars(select(AuditEntry).where(AuditEntry.entity == "debt").order_by("id"))
        ).all()
        assert [(e.action, e.actor, e.at) for e in entries] == [
            ("debt_add", "Анна (101)", T0),
            ("debt_paid", "Борис (102)", paid_at),
        ]
        assert entries[0].changes["amount"] == [None, "250.50"]
        assert entries[1].client_id == client_id
        stored = await s.get(Debt, debt_id)
        assert stored is not None and stored.paid_by == "Борис (102)"


async def test_two_consoles_paying_at_once_only_one_wins(sessions: Sessions) -> None:
    client_id = await a_client(sessions)
    async with sessions.begin() as s:
        debt_id = (await add_debt(s, client_id, 100, reason="manual", actor="x")).id

    async def pay(who: str) -> str:
        try:
            async with sessions.begin() as s:
                await mark_debt_paid(s, debt_id, actor=senior(who), at=T0)
        except DebtAlreadyPaid:
            return "refused"
        return "paid"

    outcomes = await asyncio.gather(pay("a"), pay("b"), pay("c"))
    assert sorted(outcomes) == ["paid", "refused", "refused"]


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("0", "manual"),
        ("-5", "manual"),
        (0.1, "manual"),
        ("1.005", "manual"),
        ("abc", "manual"),
        ("10", "fine"),
    ],
)
async def test_invalid_debts_are_refused(
    sessions: Sessions, amount: Decimal | str | float, reason: str
) -> None:
    client_id = await a_client(sessions)
    with pytest.raises(InvalidChange):
        async with sessions.begin() as s:
            await add_debt(s, client_id, amount, reason=reason, actor="x")  # type: ignore[arg-type]


async def test_missing_client_and_debt(sessions: Sessions) -> None:
    with pytest.raises(NotFound):
        async with sessions.begin() as s:
            await add_debt(s, 404, "1", reason="manual", actor="x")
    with pytest.raises(NotFound):
        async with sessions.begin() as s:
            await mark_debt_paid(s, 404, actor=senior("x"), at=T0)


async def test_list_and_iterate(sessions: Sessions) -> None:
    first = await a_client(sessions)
    second = await a_client(sessions, "+79031112233")
    async with sessions.begin() as s:
        for i in range(25):
            await add_debt(s, first, f"{i + 1}.10", reason="unpaid_order", order_ref=f"O-{i}",
                           actor="x", at=T0 + timedelta(minutes=i))  # fmt: skip
        other = await add_debt(s, second, "7", reason="manual", actor="x", at=T0)
        await mark_debt_paid(s, other.id, actor=senior("x"), at=T0)
    async with sessions() as s:
        page = await list_debts(s, first, paid=False, page=1, page_size=10)
        assert page.total == 25 and page.has_next
        assert [r.order_ref for r in page.rows][:2] == ["O-14", "O-13"]  # newest first
        assert page.rows[0].client_name == "Иванова Мария"
        last = await list_debts(s, first, page=2, page_size=10)
        assert len(last.rows) == 5 and not last.has_next
        paid = await list_debts(s, None, paid=True)
        assert [r.client_id for r in paid.rows] == [second] and paid.rows[0].paid
        batches = [b async for b in iter_debts(s, batch_size=10)]
        assert [len(b) for b in batches] == [10, 10, 6]
        ids = [r.id for b in batches for r in b]
        assert ids == sorted(ids)
        unpaid = [r async for b in iter_debts(s, paid=False, batch_size=100) for r in b]
        assert len(unpaid) == 25
        total, count = await unpaid_total(s, first)
        assert (total, count) == (Decimal("327.50"), 25)  # 25 * 0.10 + (1 + … + 25)
