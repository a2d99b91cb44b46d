"""Merging two cards of one client: the preview says what moves and which values win, the
merge moves every kind of row in one transaction and leaves a trail pointing to the
survivor; only a supervisor or an admin merges (refused in storage)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.accounts import add_operation, summed_totals
from storage.clients import (
    find_client_by_phone,
    get_or_create_client_for_call,
    set_blacklist,
    update_client,
)
from storage.debts import add_debt
from storage.errors import InvalidChange, NotAllowed, NotFound
from storage.merge import merge_clients, preview_merge
from storage.models import (
    AccountOperation,
    AuditEntry,
    Call,
    Client,
    ClientPhone,
    Debt,
    OperatorRole,
)
from storage.roles import Actor
from storage.search import search_clients
from storage.tariffs import add_tariff

Sessions = async_sessionmaker[AsyncSession]
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SUPERVISOR = Actor("Ольга", OperatorRole.SUPERVISOR)
DISPATCHER = Actor("Анна", OperatorRole.DISPATCHER)


async def a_client(sessions: Sessions, phone: str, name: str, minutes: int = 0) -> int:
    created = await get_or_create_client_for_call(
        sessions,
        phone,
        caller_name=name,
        region="RU",
        registered_by="Анна",
        at=T0 + timedelta(minutes=minutes),
    )
    assert created is not None
    return created[0]


async def two_cards(sessions: Sessions) -> tuple[int, int]:
    """The same person twice: the old card with money and a debt, a new one from another
    number with its own calls, debt, bonuses and a street the old card lacks."""
    old = await a_client(sessions, "+79161234567", "Иванова Мария")
    new = await a_client(sessions, "+79031112233", "Мария", minutes=60)
    async with sessions.begin() as s:
        tariff = await add_tariff(s, "Комфорт", actor=SUPERVISOR)
        await update_client(s, old, 1, {"city": "Самара", "comment": "старая"}, "Анна", at=T0)
        await update_client(
            s,
            new,
            1,
            {"city": "Тольятти", "street": "Ленина", "tariff_id": tariff.id},
            "Анна",
            at=T0,
        )
        await add_operation(s, old, "credit", "500", actor=SUPERVISOR, at=T0)
        await add_operation(s, new, "debit", "120.50", actor=SUPERVISOR, at=T0)
        await add_operation(s, new, "bonus_credit", "30", actor=SUPERVISOR, at=T0)
        await add_debt(s, old, "100", reason="manual", actor="Анна", at=T0)
        await add_debt(s, new, "40", reason="late_cancel", actor="Анна", at=T0)
        for i, client_id in enumerate((old, new, new)):
            s.add(
                Call(
                    server="pbx",
                    linkedid=f"l{i}",
                    direction="inbound",
                    number="+79031112233",
                    client_id=client_id,
                    disposition="answered",
                    started_at=T0 + timedelta(hours=i),
                    ended_at=T0 + timedelta(hours=i, minutes=2),
                )
            )
    return old, new


async def count(s: AsyncSession, model: type, client_id: int) -> int:
    column = model.client_id  # type: ignore[attr-defined]
    found = await s.scalar(select(func.count()).select_from(model).where(column == client_id))
    return int(found or 0)


async def test_preview_lists_what_moves_and_which_values_win(sessions: Sessions) -> None:
    old, new = await two_cards(sessions)
    async with sessions() as s:
        preview = await preview_merge(s, old, new)
    assert preview.phones == ("+79031112233",)
    assert preview.moves["client_phones"] == 1
    assert preview.moves["calls"] == 2
    assert preview.moves["debts"] == 1
    assert preview.moves["account_operations"] == 2
    assert preview.moves["audit_log"] >= 4  # created, edited, two operations, a debt
    by_field = {d.field: d for d in preview.differences}
    assert by_field["city"].survivor == "Самара" and by_field["city"].other == "Тольятти"
    assert by_field["city"].default == "survivor"
    assert by_field["street"].default == "other"  # the survivor has none: filled in
    assert "last_name" not in by_field  # the other card has none: nothing to pick
    assert "comment" not in by_field  # the other card has none: nothing to pick
    assert preview.tariffs == {by_field["tariff_id"].other: "Комфорт"}


async def test_merge_moves_every_kind_of_row_in_one_go(sessions: Sessions) -> None:
    old, new = await two_cards(sessions)
    async with sessions.begin() as s:
        before_audit = await count(s, AuditEntry, new)
        await merge_clients(
            s, old, new, actor=SUPERVISOR, picks={"city": "other"}, at=T0 + timedelta(days=1)
        )
    async with sessions() as s:
        assert await s.get(Client, new) is None
        survivor = await s.get(Client, old)
        assert survivor is not None
        assert await count(s, ClientPhone, new) == 0
        phones = (
            await s.scalars(select(ClientPhone.e164).where(ClientPhone.client_id == old))
        ).all()
        assert sorted(phones) == ["+79031112233", "+79161234567"]
        assert await count(s, Call, old) == 3
        assert await count(s, Debt, old) == 2
        assert await count(s, AccountOperation, old) == 3
        assert await count(s, AuditEntry, new) == 0
        assert await count(s, AuditEntry, old) >= before_audit + 2
        # values: the pick, the filled-in blank, the survivor's where not picked
        assert survivor.city == "Тольятти"
        assert survivor.street == "Ленина"
        assert survivor.comment == "старая"
        assert survivor.name == "Иванова Мария"
        # money summed again from the operations now on the survivor
        assert survivor.balance == Decimal("379.50")
        assert survivor.bonus_balance == Decimal("30.00")
        totals = await summed_totals(s, old)
        assert (totals.balance, totals.bonus_balance) == (survivor.balance, survivor.bonus_balance)
        # the other card's number now pops the survivor, search finds it by that number
        found = await find_client_by_phone(s, "8 903 111-22-33")
        assert found is not None and found.id == old
        page = await search_clients(s, "9031112233")
        assert [r.client_id for r in page] == [old]
        # the trail: a merge on the survivor, and the other card's last entry naming it
        trail = (
            await s.scalars(
                select(AuditEntry)
                .where(AuditEntry.action.in_(("merge", "merged_into")))
                .order_by(AuditEntry.id)
            )
        ).all()
    merge, gone = trail
    assert (merge.entity_id, merge.client_id, merge.actor) == (old, old, "Ольга")
    assert merge.changes["merged_from"] == [None, new]
    assert merge.changes["city"] == ["Самара", "Тольятти"]
    assert merge.changes["phones"] == [None, ["+79031112233"]]
    assert (gone.entity_id, gone.client_id) == (new, old)
    assert gone.changes["merged_into"] == [None, old]
    assert gone.changes["card"][0]["name"] == "Мария"


async def test_a_blacklist_on_either_card_stays(sessions: Sessions) -> None:
    old, new = await two_cards(sessions)
    async with sessions.begin() as s:
        await set_blacklist(s, new, True, "не платит", "Анна", at=T0)
    async with sessions.begin() as s:
        await merge_clients(s, old, new, actor=SUPERVISOR)
    async with sessions() as s:
        survivor = await s.get(Client, old)
    assert survivor is not None and survivor.blacklisted
    assert survivor.blacklist_reason == "не платит"


async def test_a_dispatcher_is_refused_and_nothing_moves(sessions: Sessions) -> None:
    old, new = await two_cards(sessions)
    with pytest.raises(NotAllowed):
        async with sessions.begin() as s:
            await merge_clients(s, old, new, actor=DISPATCHER)
    async with sessions() as s:
        assert await s.get(Client, new) is not None
        assert await count(s, Call, new) == 2


async def test_bad_merges_are_refused(sessions: Sessions) -> None:
    old, new = await two_cards(sessions)
    async with sessions() as s:
        with pytest.raises(InvalidChange) as same:
            await preview_merge(s, old, old)
        assert same.value.code == "merge_self"
        with pytest.raises(NotFound):
            await preview_merge(s, old, 999_999)
    with pytest.raises(InvalidChange) as stale:
        async with sessions.begin() as s:
            await merge_clients(s, old, new, actor=SUPERVISOR, expected_versions=(1, 1))
    assert stale.value.code == "merge_stale"
    with pytest.raises(InvalidChange) as unknown:
        async with sessions.begin() as s:
            await merge_clients(s, old, new, actor=SUPERVISOR, picks={"email": "other"})
    assert unknown.value.code == "merge_no_difference"
    async with sessions() as s:
        assert await s.get(Client, new) is not None
