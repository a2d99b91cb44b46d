"""Account and bonus operations: balances are the sums of who-moved-what-when, and only a
supervisor or an admin moves money (refused in storage, whoever calls)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.accounts import (
    OperationFilter,
    add_operation,
    correct_to,
    operation_history,
    summed_totals,
)
from storage.clients import get_or_create_client_for_call, update_client
from storage.errors import EditConflict, InvalidChange, NotAllowed, NotFound
from storage.models import AccountOperation, AuditEntry, Client, OperationKind, OperatorRole
from storage.roles import Actor

Sessions = async_sessionmaker[AsyncSession]
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SUPERVISOR = Actor("Ольга", OperatorRole.SUPERVISOR)
DISPATCHER = Actor("Анна", OperatorRole.DISPATCHER)


async def a_client(sessions: Sessions, phone: str = "+79161234567") -> int:
    created = await get_or_create_client_for_call(
        sessions, phone, caller_name="Иванова Мария", region="RU", registered_by="x", at=T0
    )
    assert created is not None
    return created[0]


async def move(
    sessions: Sessions, client_id: int, kind: str, amount: str, minutes: int = 0
) -> None:
    async with sessions.begin() as session:
        await add_operation(
            session,
            client_id,
            kind,
            amount,
            actor=SUPERVISOR,
            comment=f"{kind} {amount}",
            at=T0 + timedelta(minutes=minutes),
        )


async def test_balances_are_the_sums_of_the_operations(sessions: Sessions) -> None:
    client_id = await a_client(sessions)
    await move(sessions, client_id, "credit", "1000.00", 1)
    await move(sessions, client_id, "debit", "250.50", 2)
    await move(sessions, client_id, "correction", "-9.50", 3)
    await move(sessions, client_id, "debit", "800", 4)  # below zero: allowed (credit limit)
    await move(sessions, client_id, "bonus_credit", "120", 5)
    await move(sessions, client_id, "bonus_spend", "20.25", 6)

    async with sessions() as session:
        client = await session.get(Client, client_id)
        assert client is not None
        assert (client.balance, client.bonus_balance) == (Decimal("-60.00"), Decimal("99.75"))
        totals = await summed_totals(session, client_id)
        assert (totals.balance, totals.bonus_balance) == (client.balance, client.bonus_balance)
        trail = (
            await session.scalars(
                select(AuditEntry)
                .where(AuditEntry.entity == "account_operation")
                .order_by(AuditEntry.id)
            )
        ).all()
    assert [e.action for e in trail] == [
        "money_credit",
        "money_debit",
        "money_correction",
        "money_debit",
        "money_bonus_credit",
        "money_bonus_spend",
    ]
    assert {e.actor for e in trail} == {"Ольга"}
    assert trail[1].changes["balance"] == ["1000.00", "749.50"]
    assert trail[1].at == T0 + timedelta(minutes=2)


async def test_two_consoles_crediting_at_once_both_count(sessions: Sessions) -> None:
    client_id = await a_client(sessions)
    await asyncio.gather(*(move(sessions, client_id, "credit", "10.00") for _ in range(5)))
    async with sessions() as session:
        client = await session.get(Client, client_id)
        assert client is not None and client.balance == Decimal("50.00")
        assert (await summed_totals(session, client_id)).balance == Decimal("50.00")


async def test_a_dispatcher_is_refused_and_nothing_is_written(sessions: Sessions) -> None:
    client_id = await a_client(sessions)
    with pytest.raises(NotAllowed, match="Анна \\(dispatcher\\) may not change a client's money"):
        async with sessions.begin() as session:
            await add_operation(session, client_id, "credit", "100", actor=DISPATCHER)
    async with sessions() as session:
        client = await session.get(Client, client_id)
        assert client is not None and client.balance == Decimal("0.00")
        assert await session.scalar(select(func.count()).select_from(AccountOperation)) == 0
        money_audit = select(func.count()).where(AuditEntry.entity == "account_operation")
        assert await session.scalar(money_audit) == 0


@pytest.mark.parametrize(
    ("kind", "amount", "message"),
    [
        ("credit", "0", "greater than zero"),
        ("debit", "-5", "greater than zero"),
        ("credit", "1.005", "two decimal places"),
        ("correction", "0.00", "must not be zero"),
        ("refund", "5", "one of credit"),
        ("bonus_spend", "0.01", "only 0.00 bonuses to spend"),
    ],
)
async def test_bad_operations_are_refused(
    sessions: Sessions, kind: str, amount: str, message: str
) -> None:
    client_id = await a_client(sessions)
    with pytest.raises(InvalidChange, match=message):
        async with sessions.begin() as session:
            await add_operation(session, client_id, kind, amount, actor=SUPERVISOR)


async def test_missing_client(sessions: Sessions) -> None:
    with pytest.raises(NotFound):
        async with sessions.begin() as session:
            await add_operation(session, 999_999, "credit", "1", actor=SUPERVISOR)


async def test_an_edit_opened_before_money_moved_is_a_conflict(sessions: Sessions) -> None:
    """The F6 form still holds the balance: saving it over a newer operation would undo
    the operation without a trace, so the save is refused and says who moved it."""
    client_id = await a_client(sessions)
    async with sessions() as session:
        client = await session.get(Client, client_id)
        assert client is not None
        opened_version = client.version
    await move(sessions, client_id, "credit", "500")
    with pytest.raises(EditConflict) as conflict:
        async with sessions.begin() as session:
            await update_client(session, client_id, opened_version, {"comment": "x"}, "Анна")
    assert conflict.value.changed_by == "Ольга"
    assert conflict.value.current["balance"] == "500.00"


async def test_history_filters_by_kind_and_time(sessions: Sessions) -> None:
    client_id = await a_client(sessions)
    other = await a_client(sessions, "+79169876543")
    await move(sessions, client_id, "credit", "100", 0)
    await move(sessions, client_id, "bonus_credit", "30", 60)
    await move(sessions, client_id, "debit", "40", 120)
    await move(sessions, other, "credit", "7", 60)

    async with sessions() as session:
        everything = await operation_history(session, client_id)
        money = await operation_history(
            session,
            client_id,
            OperationFilter(kinds=frozenset({OperationKind.CREDIT, OperationKind.DEBIT})),
        )
        last_hour = await operation_history(
            session,
            client_id,
            OperationFilter(since=T0 + timedelta(minutes=60), until=T0 + timedelta(minutes=120)),
        )
    assert [(o.kind, o.amount) for o in everything] == [
        ("debit", Decimal("-40.00")),
        ("bonus_credit", Decimal("30.00")),
        ("credit", Decimal("100.00")),
    ]
    assert {o.operator for o in everything} == {"Ольга"}
    assert [o.kind for o in money] == ["debit", "credit"]
    assert [o.kind for o in last_hour] == ["bonus_credit"]


async def test_typing_a_new_total_is_recorded_as_the_difference(sessions: Sessions) -> None:
    """A form or a file that carries the new number: the history says by how much."""
    client_id = await a_client(sessions)
    await move(sessions, client_id, "credit", "100")
    await move(sessions, client_id, "bonus_credit", "50")
    async with sessions.begin() as session:
        totals = await correct_to(
            session, client_id, actor=SUPERVISOR, balance="-20.00", bonus_balance="35", at=T0
        )
        unchanged = await correct_to(session, client_id, actor=SUPERVISOR, balance="-20")
    assert (totals.balance, totals.bonus_balance) == (Decimal("-20.00"), Decimal("35.00"))
    assert unchanged == totals
    async with sessions() as session:
        history = await operation_history(session, client_id)
        assert await summed_totals(session, client_id) == totals
    assert [(o.kind, o.amount) for o in history[:2]] == [
        ("bonus_spend", Decimal("-15.00")),
        ("correction", Decimal("-120.00")),
    ]
    with pytest.raises(NotAllowed):
        async with sessions.begin() as session:
            await correct_to(session, client_id, actor=DISPATCHER, balance="0")
    with pytest.raises(InvalidChange, match="bonus_balance: must not be negative"):
        async with sessions.begin() as session:
            await correct_to(session, client_id, actor=SUPERVISOR, bonus_balance="-1")


async def test_two_people_typing_the_same_total_at_once_move_it_once(sessions: Sessions) -> None:
    client_id = await a_client(sessions)

    async def type_total() -> None:
        async with sessions.begin() as session:
            await correct_to(session, client_id, actor=SUPERVISOR, balance="100")

    await asyncio.gather(type_total(), type_total())
    async with sessions() as session:
        client = await session.get(Client, client_id)
        assert client is not None and client.balance == Decimal("100.00")
        assert len(await operation_history(session, client_id)) == 1
