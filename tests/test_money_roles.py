"""Money only through operations, and roles refused in storage (issue 14, items 1, 2, 7).

Whoever calls storage — the console, the command line, a script — a dispatcher may not
lift a blacklist, move money, change the credit limit, close a debt or import clients;
a supervisor may, and the audit trail names the person. The balance and bonuses are never
set by an edit. The card carries the money and the paid debts in its two statements.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.accounts import add_operation, correct_to
from storage.audit import client_history
from storage.cards import PAID_DEBTS_SHOWN, card_to_json, load_client_card
from storage.clients import create_client, set_blacklist, update_client
from storage.debts import add_debt, mark_debt_paid
from storage.errors import InvalidChange, NotAllowed
from storage.models import AccountOperation, AuditEntry, Client, Debt, OperatorRole
from storage.roles import Actor
from storage.xlsx import import_clients
from tests.xlsx_support import IMPORT_WORDS, write_sheet

Sessions = async_sessionmaker[AsyncSession]
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
TODAY = date(2026, 12, 7)
DISPATCHER = Actor("Анна (101)", OperatorRole.DISPATCHER)
SUPERVISOR = Actor("Ольга (102)", OperatorRole.SUPERVISOR)


async def a_client(sessions: Sessions, phone: str = "+79161234567") -> int:
    async with sessions.begin() as s:
        client = await create_client(
            s, {"last_name": "Иванова", "first_name": "Мария"}, [phone], actor="t", at=T0
        )
        return client.id


async def blacklisted(sessions: Sessions) -> int:
    client_id = await a_client(sessions)
    async with sessions.begin() as s:
        await set_blacklist(s, client_id, True, "Ложные вызовы", DISPATCHER, at=T0)
    return client_id


async def a_debt(sessions: Sessions) -> tuple[int, int]:
    client_id = await a_client(sessions)
    async with sessions.begin() as s:
        debt = await add_debt(s, client_id, "350.00", reason="late_cancel", actor=DISPATCHER.name)
        return client_id, debt.id


async def snapshot(sessions: Sessions) -> tuple[Any, ...]:
    """Everything a refused action must have left as it was."""
    async with sessions() as s:
        clients = (
            await s.execute(
                select(
                    Client.id,
                    Client.version,
                    Client.balance,
                    Client.credit_limit,
                    Client.blacklisted,
                ).order_by(Client.id)
            )
        ).all()
        debts = (await s.execute(select(Debt.id, Debt.paid_at).order_by(Debt.id))).all()
        audit = await s.scalar(select(func.count()).select_from(AuditEntry))
        operations = await s.scalar(select(func.count()).select_from(AccountOperation))
    return (tuple(clients), tuple(debts), audit, operations)


# An action by `actor`; `folder` holds the sheet the import reads.
Action = Callable[[Sessions, Actor, Path], Awaitable[None]]


async def lift_blacklist(sessions: Sessions, actor: Actor, _folder: Path) -> None:
    client_id = (await sessions_clients(sessions))[0]
    async with sessions.begin() as s:
        await set_blacklist(s, client_id, False, "", actor, at=T0 + timedelta(hours=1))


async def top_up(sessions: Sessions, actor: Actor, _folder: Path) -> None:
    client_id = (await sessions_clients(sessions))[0]
    async with sessions.begin() as s:
        await add_operation(s, client_id, "credit", "500", actor=actor, comment="наличные")


async def correct(sessions: Sessions, actor: Actor, _folder: Path) -> None:
    client_id = (await sessions_clients(sessions))[0]
    async with sessions.begin() as s:
        await correct_to(s, client_id, actor=actor, balance="-20.00", comment="сверка")


async def credit_limit(sessions: Sessions, actor: Actor, _folder: Path) -> None:
    client_id = (await sessions_clients(sessions))[0]
    async with sessions.begin() as s:
        version = (await s.get(Client, client_id)).version  # type: ignore[union-attr]
        await update_client(s, client_id, version, {"credit_limit": "1000"}, actor, at=T0)


async def close_debt(sessions: Sessions, actor: Actor, _folder: Path) -> None:
    async with sessions() as s:
        debt_id = await s.scalar(select(Debt.id))
    assert debt_id is not None
    async with sessions.begin() as s:
        await mark_debt_paid(s, debt_id, actor=actor, at=T0, comment="наличными")


async def import_file(sessions: Sessions, actor: Actor, folder: Path) -> None:
    report = await import_clients(
        sessions, folder / "clients.xlsx", actor=actor, words=IMPORT_WORDS
    )
    assert report.committed, report


async def sessions_clients(sessions: Sessions) -> list[int]:
    async with sessions() as s:
        return list((await s.scalars(select(Client.id).order_by(Client.id))).all())


ACTIONS: dict[str, tuple[Action, Callable[[Sessions], Awaitable[object]], str]] = {
    # name: (the action, what it needs in the database, the action NotAllowed names)
    "lift a blacklist": (lift_blacklist, blacklisted, "lift a blacklist"),
    "top up": (top_up, a_client, "change a client's money"),
    "correct the balance": (correct, a_client, "change a client's money"),
    "change the credit limit": (credit_limit, a_client, "change the credit limit"),
    "close a debt": (close_debt, a_debt, "close a debt"),
    "import clients": (import_file, a_client, "import clients"),
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Where the import's sheet is: one new client."""
    write_sheet(
        tmp_path / "clients.xlsx",
        [["ФИО", "Телефон"], ["Новиков Николай", "+79990001122"]],
    )
    return tmp_path


@pytest.mark.parametrize("name", list(ACTIONS))
async def test_a_dispatcher_is_refused_in_storage_and_nothing_changes(
    sessions: Sessions, folder: Path, name: str
) -> None:
    action, prepare, refused = ACTIONS[name]
    await prepare(sessions)
    before = await snapshot(sessions)
    with pytest.raises(NotAllowed) as info:
        await action(sessions, DISPATCHER, folder)
    assert (info.value.actor, info.value.role, info.value.action) == (
        "Анна (101)",
        "dispatcher",
        refused,
    )
    assert info.value.allowed == ("supervisor", "admin")
    assert await snapshot(sessions) == before


@pytest.mark.parametrize("name", list(ACTIONS))
async def test_a_supervisor_may_and_the_audit_names_the_person(
    sessions: Sessions, folder: Path, name: str
) -> None:
    action, prepare, _ = ACTIONS[name]
    await prepare(sessions)
    async with sessions() as s:
        audit_before = await s.scalar(select(func.max(AuditEntry.id))) or 0
    await action(sessions, SUPERVISOR, folder)
    async with sessions() as s:
        entries = (await s.scalars(select(AuditEntry).where(AuditEntry.id > audit_before))).all()
    assert entries, "the change left an audit entry"
    assert {e.actor for e in entries} == {"Ольга (102)"}


async def test_a_bare_name_acts_as_a_dispatcher(sessions: Sessions) -> None:
    client_id = await blacklisted(sessions)
    with pytest.raises(NotAllowed):
        async with sessions.begin() as s:
            await set_blacklist(s, client_id, False, "", "Старший (100)")


async def test_anyone_may_blacklist(sessions: Sessions) -> None:
    client_id = await a_client(sessions)
    async with sessions.begin() as s:
        client = await set_blacklist(s, client_id, True, "Хамит", DISPATCHER, at=T0)
        assert client.blacklisted and client.blacklisted_by == "Анна (101)"


async def test_an_unchanged_credit_limit_needs_no_role(sessions: Sessions) -> None:
    """A dispatcher's edit that carries the limit as it is (a whole form) is no change."""
    client_id = await a_client(sessions)
    async with sessions.begin() as s:
        client = await update_client(
            s, client_id, 1, {"credit_limit": "0", "city": "Тула"}, DISPATCHER, at=T0
        )
        assert client.city == "Тула" and client.updated_by == "Анна (101)"


@pytest.mark.parametrize("field", ["balance", "bonus_balance"])
async def test_an_edit_never_sets_money_whoever_makes_it(sessions: Sessions, field: str) -> None:
    client_id = await a_client(sessions)
    admin = Actor("Админ", OperatorRole.ADMIN)
    with pytest.raises(InvalidChange) as edited:
        async with sessions.begin() as s:
            await update_client(s, client_id, 1, {field: "100"}, admin)
    with pytest.raises(InvalidChange) as created:
        async with sessions.begin() as s:
            values = {"last_name": "Петров", field: "100"}
            await create_client(s, values, ["+79031112233"], actor="t")
    for refused in (edited.value, created.value):
        assert (refused.field, refused.code) == (field, "by_operations")
    async with sessions() as s:
        client = await s.get(Client, client_id)
        assert client is not None and client.version == 1 and client.balance == 0
        assert await s.scalar(select(func.count()).select_from(Client)) == 1


async def test_the_card_shows_money_and_paid_debts_in_two_statements(
    engine: AsyncEngine, sessions: Sessions
) -> None:
    client_id = await a_client(sessions)
    async with sessions.begin() as s:
        version = (await s.get(Client, client_id)).version  # type: ignore[union-attr]
        await update_client(
            s,
            client_id,
            version,
            {"credit_limit": "1000", "discount_percent": "10", "rating": "4.75"},
            SUPERVISOR,
        )
        await add_operation(s, client_id, "debit", "1500", actor=SUPERVISOR, comment="поездки")
        await add_operation(s, client_id, "bonus_credit", "30", actor=SUPERVISOR)
        debts = [
            await add_debt(
                s,
                client_id,
                f"{100 + i}.00",
                reason="manual",
                order_ref=f"Z-{i}",
                actor=DISPATCHER.name,
                at=T0,
            )
            for i in range(6)
        ]
        for i, debt in enumerate(debts[:5]):
            await mark_debt_paid(
                s, debt.id, actor=SUPERVISOR, at=T0 + timedelta(hours=i), comment=f"чек {i}"
            )
    sent: list[str] = []

    def count(_c: Any, _cur: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        async with sessions() as s:
            card = await load_client_card(s, client_id, today=TODAY, max_unpaid_debts=3)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    assert len(sent) <= 2, sent
    assert (card.balance, card.bonus_balance) == (Decimal("-1500.00"), Decimal("30.00"))
    assert (card.credit_limit, card.discount_percent) == (Decimal("1000.00"), Decimal("10.00"))
    assert card.rating == Decimal("4.75")
    assert card.over_credit_limit  # -1500 is below -1000
    assert [d.order_ref for d in card.unpaid_debts] == ["Z-5"]
    assert card.paid_debt_count == 5
    assert len(card.paid_debts) == PAID_DEBTS_SHOWN
    newest = card.paid_debts[0]
    assert (newest.order_ref, newest.paid_by, newest.payment_comment) == (
        "Z-4",
        "Ольга (102)",
        "чек 4",
    )
    assert newest.paid_at == T0 + timedelta(hours=4) and newest.amount == Decimal("104.00")
    assert [d.order_ref for d in card.paid_debts] == ["Z-4", "Z-3", "Z-2"]
    doc = card_to_json(card, "")
    assert doc["paid_debt_count"] == 5 and doc["over_credit_limit"] is True
    assert doc["paid_debts"][0]["paid_by"] == "Ольга (102)"


async def test_within_the_credit_limit_no_banner_and_no_paid_debts(sessions: Sessions) -> None:
    client_id = await a_client(sessions)
    async with sessions.begin() as s:
        await update_client(s, client_id, 1, {"credit_limit": "1000"}, SUPERVISOR)
        await add_operation(s, client_id, "debit", "1000", actor=SUPERVISOR)
    async with sessions() as s:
        card = await load_client_card(s, client_id, today=TODAY, max_unpaid_debts=3)
    assert card.balance == Decimal("-1000.00") and not card.over_credit_limit
    assert card.paid_debts == () and card.paid_debt_count == 0


async def test_history_of_a_client_names_who_moved_money(sessions: Sessions) -> None:
    client_id = await a_client(sessions)
    async with sessions.begin() as s:
        await add_operation(s, client_id, "credit", "500", actor=SUPERVISOR, comment="нал", at=T0)
    async with sessions() as s:
        entry = (await client_history(s, client_id))[0]
    assert (entry.actor, entry.action) == ("Ольга (102)", "money_credit")
