"""Clients and phones on SQLite and PostgreSQL: lookup, get-or-create under a race, edits."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.audit import client_history
from storage.clients import (
    ParsedName,
    add_phone,
    add_to_counters,
    client_name,
    create_client,
    find_client_by_phone,
    get_or_create_client_for_call,
    parse_caller_name,
    remove_phone,
    set_blacklist,
    set_tariff,
    update_client,
)
from storage.errors import (
    DuplicatePhone,
    EditConflict,
    InvalidChange,
    InvalidPhone,
    LastPhone,
    NotFound,
)
from storage.models import AuditEntry, Client, ClientKind, ClientPhone, OperatorRole, Tariff
from storage.roles import Actor

Sessions = async_sessionmaker[AsyncSession]
T0 = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
SENIOR = Actor("Старший (100)", OperatorRole.SUPERVISOR)


async def new_client(
    sessions: Sessions, phone: str = "+79161234567", name: str | None = "Иванова Мария"
) -> int:
    result = await get_or_create_client_for_call(
        sessions, phone, caller_name=name, region="RU", registered_by="Анна (101)", at=T0
    )
    assert result is not None
    return result[0]


async def count(sessions: Sessions, model: type[Client] | type[ClientPhone]) -> int:
    async with sessions() as s:
        return int((await s.execute(select(func.count()).select_from(model))).scalar_one())


# ------------------------------------------------------------------ lookup and create


@pytest.mark.parametrize(
    "form", ["+79161234567", "89161234567", "+7 916 123-45-67", "79161234567", "9161234567"]
)
async def test_find_by_any_form_of_the_number(sessions: Sessions, form: str) -> None:
    client_id = await new_client(sessions, "8 (916) 123-45-67")
    async with sessions() as s:
        found = await find_client_by_phone(s, form, "RU")
        assert found is not None and found.id == client_id
        assert await find_client_by_phone(s, "+79160000000") is None
        assert await find_client_by_phone(s, "101") is None


async def test_the_client_found_is_the_sessions_own_and_saves_like_any(
    sessions: Sessions,
) -> None:
    """The lookup reads plain columns; what it returns still behaves as an ORM object."""
    client_id = await new_client(sessions, "8 (916) 123-45-67")
    async with sessions.begin() as s:
        found = await find_client_by_phone(s, "+79161234567")
        assert found is not None and found.registered_at.tzinfo is not None
        assert found.kind == ClientKind.PERSONAL and isinstance(found.balance, Decimal)
        assert await find_client_by_phone(s, "89161234567") is found  # one identity
        assert await s.get(Client, client_id) is found
        assert not s.dirty  # loaded, not changed
        found.comment = "звонит по утрам"
    async with sessions() as s:
        again = await s.get(Client, client_id)
        assert again is not None and again.comment == "звонит по утрам"


async def test_fifty_concurrent_pops_create_exactly_one_client(sessions: Sessions) -> None:
    async def pop(i: int) -> tuple[int, bool] | None:
        raw = ["89031112233", "+7 903 111-22-33", "79031112233"][i % 3]
        return await get_or_create_client_for_call(
            sessions, raw, caller_name="ООО Ромашка", region="RU", registered_by=f"op{i}", at=T0
        )

    results = await asyncio.gather(*(pop(i) for i in range(50)))
    assert all(r is not None for r in results)
    ids = {r[0] for r in results if r is not None}
    created = [r for r in results if r is not None and r[1]]
    assert len(ids) == 1 and len(created) == 1
    assert await count(sessions, Client) == 1
    assert await count(sessions, ClientPhone) == 1
    async with sessions() as s:
        phone = (await s.scalars(select(ClientPhone))).one()
        assert phone.e164 == "+79031112233"
        assert phone.digits == "79031112233 89031112233"
        creations = await s.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "create")
        )
        assert creations == 1


@pytest.mark.parametrize("raw", ["101", "5000", "anonymous", "<unknown>", "", None, "withheld"])
async def test_internal_and_withheld_numbers_create_nothing(
    sessions: Sessions, raw: str | None
) -> None:
    result = await get_or_create_client_for_call(
        sessions, raw, caller_name="Оператор 101", region="RU", registered_by="x", at=T0
    )
    assert result is None
    assert await count(sessions, Client) == 0


async def test_first_call_registers_the_caller_by_name(sessions: Sessions) -> None:
    first = await get_or_create_client_for_call(
        sessions, "89161234567", caller_name="Иванова Мария", region="RU",
        registered_by="Анна (101)", at=T0,
    )  # fmt: skip
    again = await get_or_create_client_for_call(
        sessions, "+79161234567", caller_name="Другое Имя", region="RU",
        registered_by="Борис (102)", at=T0 + timedelta(hours=1),
    )  # fmt: skip
    assert first is not None and again is not None
    assert first[1] is True and again == (first[0], False)
    async with sessions() as s:
        client = await s.get(Client, first[0])
        assert client is not None
        assert (client.last_name, client.first_name, client.middle_name) == ("Иванова", "Мария", "")
        assert client.name == "Иванова Мария" and client.name_key == "иванова мария"
        assert client.kind == ClientKind.PERSONAL
        assert client.registered_at == T0 and client.registered_by == "Анна (101)"
        assert client.version == 1


async def test_organisation_caller_becomes_a_corporate_client(sessions: Sessions) -> None:
    client_id = await new_client(sessions, "79031112233", "ООО Ромашка")
    async with sessions() as s:
        client = await s.get(Client, client_id)
        assert client is not None
        assert client.kind == ClientKind.CORPORATE
        assert client.organisation == client.name == "ООО Ромашка"


@pytest.mark.parametrize(
    ("caller", "parsed"),
    [
        ("Иванова Мария", ParsedName(ClientKind.PERSONAL, "Иванова", "Мария")),
        ("Иванова Мария Петровна", ParsedName(ClientKind.PERSONAL, "Иванова", "Мария", "Петровна")),
        ("Мария Петровна", ParsedName(ClientKind.PERSONAL, "", "Мария", "Петровна")),
        ("Кузнецов", ParsedName(ClientKind.PERSONAL, "Кузнецов")),
        ("Сидорова", ParsedName(ClientKind.PERSONAL, "Сидорова")),
        ("Мария", ParsedName(ClientKind.PERSONAL, "", "Мария")),
        ("Ирина", ParsedName(ClientKind.PERSONAL, "", "Ирина")),
        ("  Иванова   Мария ", ParsedName(ClientKind.PERSONAL, "Иванова", "Мария")),
        ("ООО Ромашка", ParsedName(ClientKind.CORPORATE, organisation="ООО Ромашка")),
        ("ИП Сидоров", ParsedName(ClientKind.CORPORATE, organisation="ИП Сидоров")),
        ("АО «Вектор»", ParsedName(ClientKind.CORPORATE, organisation="АО «Вектор»")),
        ('"Такси Плюс"', ParsedName(ClientKind.CORPORATE, organisation='"Такси Плюс"')),
        ("Acme LLC", ParsedName(ClientKind.CORPORATE, organisation="Acme LLC")),
        (None, None),
        ("", None),
        ("<unknown>", None),
        ("89161234567", None),
        ("+7 916 123-45-67", None),
    ],
)
def test_caller_id_names(caller: str | None, parsed: ParsedName | None) -> None:
    assert parse_caller_name(caller) == parsed


# ------------------------------------------------------------------------- edits


async def test_stale_edit_is_refused_with_the_other_change(sessions: Sessions) -> None:
    client_id = await new_client(sessions)
    async with sessions() as first, sessions() as second:
        a = await first.get(Client, client_id)
        b = await second.get(Client, client_id)
        assert a is not None and b is not None and a.version == b.version == 1
        version_a, version_b = a.version, b.version
        await first.rollback()  # the card was read; the save is its own transaction
        await second.rollback()
        async with first.begin():
            await update_client(first, client_id, version_a, {"comment": "VIP"}, "Анна")
        with pytest.raises(EditConflict) as caught:
            async with second.begin():
                await update_client(second, client_id, version_b, {"comment": "rude"}, "Борис")
    conflict = caught.value
    assert conflict.current["comment"] == "VIP"
    assert conflict.changed_by == "Анна"
    assert conflict.current_version == 2 and conflict.expected_version == 1
    assert conflict.their_changes == {"comment": ["", "VIP"]}
    async with sessions() as s:
        saved = await s.get(Client, client_id)
        assert saved is not None and saved.comment == "VIP" and saved.version == 2


async def test_edit_refreshes_the_name_and_is_audited(sessions: Sessions) -> None:
    client_id = await new_client(sessions)
    at = T0 + timedelta(days=1)
    async with sessions.begin() as s:
        client = await update_client(
            s, client_id, 1,
            {"first_name": "Мариам", "middle_name": "Петровна", "city": " Москва ",
             "credit_limit": "500", "birthday": "1990-05-01"},
            Actor("Анна (101)", OperatorRole.SUPERVISOR), at=at,
        )  # fmt: skip
        assert client.name == "Иванова Мариам Петровна"
        assert client.version == 2
    async with sessions() as s:
        saved = await s.get(Client, client_id)
        assert saved is not None
        assert saved.name_key == "иванова мариам петровна" and saved.city == "Москва"
        assert saved.credit_limit == Decimal("500.00")
        assert (saved.updated_by, saved.updated_at) == ("Анна (101)", at)
        entry = (await client_history(s, client_id))[0]
        assert (entry.actor, entry.at, entry.action) == ("Анна (101)", at, "update")
        assert entry.changes["first_name"] == ["Мария", "Мариам"]
        assert entry.changes["credit_limit"] == ["0.00", "500.00"]
        assert entry.changes["birthday"] == [None, "1990-05-01"]


async def test_client_name_by_id_follows_an_edit(sessions: Sessions) -> None:
    client_id = await new_client(sessions)
    async with sessions() as s:
        assert await client_name(s, client_id) == "Иванова Мария"
        assert await client_name(s, client_id + 1000) is None
    async with sessions.begin() as s:
        await update_client(s, client_id, 1, {"first_name": "Мариам"}, "Анна (101)")
    async with sessions() as s:
        assert await client_name(s, client_id) == "Иванова Мариам"


async def test_saving_no_difference_keeps_the_version(sessions: Sessions) -> None:
    client_id = await new_client(sessions)
    async with sessions.begin() as s:
        client = await update_client(s, client_id, 1, {"last_name": "Иванова"}, "Анна")
        assert client.version == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"email": "not-an-email"},
        {"status": "gold"},
        {"balance": 1.5},
        {"discount_percent": "150"},
        {"credit_limit": "1.005"},
        {"name": "bypass refresh_name"},
        {"version": 7},
        {"completed_orders": -1},
        {"tariff_id": 999},
    ],
)
async def test_invalid_edits_are_refused(sessions: Sessions, changes: dict[str, object]) -> None:
    client_id = await new_client(sessions)
    with pytest.raises(InvalidChange):
        async with sessions.begin() as s:
            await update_client(s, client_id, 1, changes, "Анна")


async def test_editing_a_missing_client(sessions: Sessions) -> None:
    with pytest.raises(NotFound):
        async with sessions.begin() as s:
            await update_client(s, 12345, 1, {"comment": "x"}, "Анна")


# ------------------------------------------------------------------------ phones


async def test_phone_of_another_client_is_refused_naming_the_owner(sessions: Sessions) -> None:
    owner = await new_client(sessions, "+79161234567", "Иванова Мария")
    other = await new_client(sessions, "+79031112233", "Петров Пётр")
    with pytest.raises(DuplicatePhone) as caught:
        async with sessions.begin() as s:
            await add_phone(s, other, "8 916 123 45 67", actor="Анна")
    assert caught.value.owner_id == owner
    assert caught.value.owner_name == "Иванова Мария"
    assert caught.value.e164 == "+79161234567"
    assert await count(sessions, ClientPhone) == 2


async def test_add_and_remove_phones(sessions: Sessions) -> None:
    client_id = await new_client(sessions, "+79031112233", "ООО Ромашка")
    async with sessions.begin() as s:
        phone = await add_phone(s, client_id, "8 (495) 765-43-21", actor="Анна", label="офис")
        assert (phone.e164, phone.label) == ("+74957654321", "офис")
        assert phone.digits == "74957654321 84957654321"
        again = await add_phone(s, client_id, "+74957654321", actor="Анна")
        assert again.id == phone.id
    with pytest.raises(InvalidPhone):
        async with sessions.begin() as s:
            await add_phone(s, client_id, "102", actor="Анна")
    async with sessions.begin() as s:
        await remove_phone(s, client_id, "89031112233", actor="Анна")
    with pytest.raises(LastPhone):
        async with sessions.begin() as s:
            await remove_phone(s, client_id, "+74957654321", actor="Анна")
    async with sessions() as s:
        phones = (await s.scalars(select(ClientPhone.e164))).all()
        assert phones == ["+74957654321"]
        actions = [e.action for e in await client_history(s, client_id)]
        assert actions[:2] == ["phone_remove", "phone_add"]
        client = await s.get(Client, client_id)
        assert client is not None and client.version == 1  # phones do not bump the version


async def test_create_client_with_phones(sessions: Sessions) -> None:
    async with sessions.begin() as s:
        client = await create_client(
            s,
            {"kind": "corporate", "organisation": "АО Вектор", "city": "Казань"},
            ["+7 843 123-45-67", "89172223344", "8 917 222 33 44"],
            actor="import",
            at=T0,
        )
        client_id = client.id
        assert client.name == "АО Вектор"
    with pytest.raises(DuplicatePhone):
        async with sessions.begin() as s:
            await create_client(s, {"last_name": "Другой"}, ["+79172223344"], actor="import")
    async with sessions() as s:
        found = await find_client_by_phone(s, "8 (843) 123-45-67")
        assert found is not None and found.id == client_id
    assert await count(sessions, ClientPhone) == 2


# ------------------------------------------------------- blacklist, tariff, counters


async def test_blacklist_and_tariff_are_audited_with_actor_and_time(sessions: Sessions) -> None:
    client_id = await new_client(sessions)
    at = T0 + timedelta(days=2)
    async with sessions.begin() as s:
        s.add(Tariff(name="Комфорт", description="", active=True))
        await s.flush()
        tariff_id = (await s.scalars(select(Tariff.id))).one()
        await set_blacklist(s, client_id, True, "Не оплатил заказ", "Старший (100)", at=at)
        await set_tariff(s, client_id, tariff_id, "Анна (101)", at=at)
    async with sessions() as s:
        client = await s.get(Client, client_id)
        assert client is not None
        assert client.blacklisted and client.blacklist_reason == "Не оплатил заказ"
        assert (client.blacklisted_by, client.blacklisted_at) == ("Старший (100)", at)
        assert client.tariff_id == tariff_id and client.version == 3
        history = {e.action: e for e in await client_history(s, client_id)}
        assert history["blacklist"].actor == "Старший (100)" and history["blacklist"].at == at
        assert history["blacklist"].changes["blacklisted"] == [False, True]
        assert history["tariff"].actor == "Анна (101)"
        assert history["tariff"].changes == {"tariff_id": [None, tariff_id]}
    with pytest.raises(InvalidChange):
        async with sessions.begin() as s:
            await set_blacklist(s, client_id, True, "  ", "Старший (100)")
    async with sessions.begin() as s:
        await set_blacklist(s, client_id, False, "", SENIOR, at=at)
    async with sessions() as s:
        client = await s.get(Client, client_id)
        assert client is not None and not client.blacklisted and client.blacklisted_at is None


async def test_counters_add_atomically_without_bumping_the_version(sessions: Sessions) -> None:
    client_id = await new_client(sessions)

    async def order() -> None:
        async with sessions.begin() as s:
            await add_to_counters(s, client_id, actor="orders", completed_orders=1, at=T0)

    await asyncio.gather(*(order() for _ in range(5)))
    async with sessions.begin() as s:
        now = await add_to_counters(s, client_id, actor="Анна", complaints=1, false_orders=2)
        assert now == {"false_orders": 2, "complaints": 1}
    with pytest.raises(InvalidChange):
        async with sessions.begin() as s:
            await add_to_counters(s, client_id, actor="Анна", complaints=-2)
    async with sessions() as s:
        client = await s.get(Client, client_id)
        assert client is not None
        assert (client.completed_orders, client.false_orders, client.complaints) == (5, 2, 1)
        assert client.version == 1 and client.last_order_at == T0
