"""The client base's filters select what they say, on both databases, whichever way the
statement is written for the planner (activity's "not new", the unpaid-debts count, the
status and city index), and agree with the row's own activity."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.client_list import active_tariffs, activity_of, cities_in_use, list_clients
from storage.filters import Activity, ClientFilter, ClientSort
from storage.models import Client, Debt, Tariff

Sessions = async_sessionmaker[AsyncSession]
TODAY = date(2026, 11, 30)
NOW = datetime(2026, 11, 30, tzinfo=UTC)


def days_ago(days: int | None) -> datetime | None:
    return None if days is None else NOW - timedelta(days=days)


# (name, city, status, registered days ago, last call, last order, unpaid, paid debts)
PEOPLE = [
    ("Алексеева", "Казань", "vip", 400, 5, None, 1, 0),
    ("Борисов", "Казань", "regular", 400, None, 10, 0, 1),
    ("Васильева", "Москва", "vip", 400, 45, 200, 2, 0),
    ("Григорьев", "Москва", "regular", 10, 1, None, 1, 1),
    ("Дмитриева", "Казань", "vip", 400, None, None, 0, 0),
    ("Егоров", "Уфа", "new", 400, 120, 60, 0, 2),
    ("Жукова", "Казань", "regular", 31, 29, 29, 1, 0),
    ("Зайцев", "Уфа", "inactive", 29, None, None, 0, 0),
]


@pytest.fixture
async def base(sessions: Sessions) -> dict[str, Client]:
    made: dict[str, Client] = {}
    async with sessions.begin() as s:
        for name, city, status, registered, call, order, unpaid, paid in PEOPLE:
            client = Client(
                last_name=name,
                city=city,
                status=status,
                registered_at=days_ago(registered),
                last_call_at=days_ago(call),
                last_order_at=days_ago(order),
            )
            client.refresh_name()
            s.add(client)
            await s.flush()
            for i in range(unpaid + paid):
                s.add(
                    Debt(
                        client_id=client.id,
                        amount=Decimal("100.50"),
                        paid_at=NOW - timedelta(days=1) if i >= unpaid else None,
                    )
                )
            made[name] = client
    return made


async def names(
    sessions: Sessions,
    flt: ClientFilter,
    sort: ClientSort = ClientSort.NAME,
    descending: bool = False,
    page: int = 0,
) -> tuple[list[str], int | None]:
    async with sessions() as s:
        found = await list_clients(s, flt, sort, descending, page=page, today=TODAY)
    return [r.name for r in found.rows], found.total


@pytest.mark.parametrize("activity", list(Activity))
async def test_activity_filter_agrees_with_the_rows_activity(
    sessions: Sessions, base: dict[str, Client], activity: Activity
) -> None:
    expected = sorted(
        c.name
        for c in base.values()
        if activity_of(c.registered_at, c.last_call_at, c.last_order_at, NOW) is activity
    )
    found, total = await names(sessions, ClientFilter(activity=activity))
    assert found == expected and total == len(expected)
    for sort in ClientSort:
        found, _ = await names(sessions, ClientFilter(activity=activity), sort=sort)
        assert sorted(found) == expected


async def test_unpaid_debts_filter_and_its_count(
    sessions: Sessions, base: dict[str, Client]
) -> None:
    with_debts = sorted(n for n, *_, unpaid, _paid in PEOPLE if unpaid)
    found, total = await names(sessions, ClientFilter(has_unpaid_debts=True))
    assert found == with_debts and total == len(with_debts)
    found, total = await names(sessions, ClientFilter(has_unpaid_debts=False))
    assert total == len(PEOPLE) - len(with_debts) and set(found).isdisjoint(with_debts)
    found, total = await names(sessions, ClientFilter(has_unpaid_debts=True, city="Казань"))
    assert found == ["Алексеева", "Жукова"] and total == 2
    # The count statement alone (a page past the end): the same total.
    found, total = await names(sessions, ClientFilter(has_unpaid_debts=True), page=5)
    assert found == [] and total == len(with_debts)
    async with sessions() as s:
        page = await list_clients(s, ClientFilter(has_unpaid_debts=True), today=TODAY)
    totals = {r.name: r.unpaid_debt_total for r in page.rows}
    assert totals["Васильева"] == Decimal("201.00") and totals["Григорьев"] == Decimal("100.50")


async def test_status_alone_and_with_a_city(sessions: Sessions, base: dict[str, Client]) -> None:
    assert await names(sessions, ClientFilter(status="vip")) == (
        ["Алексеева", "Васильева", "Дмитриева"],
        3,
    )
    assert await names(sessions, ClientFilter(status="vip", city="Казань")) == (
        ["Алексеева", "Дмитриева"],
        2,
    )
    found, total = await names(
        sessions,
        ClientFilter(status="vip", city="Казань"),
        sort=ClientSort.ORDERS,
        descending=True,
    )
    assert sorted(found) == ["Алексеева", "Дмитриева"] and total == 2
    assert await names(sessions, ClientFilter(status="vip", city="Уфа")) == ([], 0)


async def test_filter_choices_cities_once_each_and_active_tariffs_by_name(
    sessions: Sessions, base: dict[str, Client]
) -> None:
    async with sessions.begin() as session:
        session.add_all(
            [
                Tariff(name="Эконом", description="", active=True),
                Tariff(name="Бизнес", description="", active=True),
                Tariff(name="Старый", description="", active=False),
            ]
        )
    async with sessions() as session:
        assert await cities_in_use(session) == ["Казань", "Москва", "Уфа"]
        tariffs = await active_tariffs(session)
    assert [name for _id, name in tariffs] == ["Бизнес", "Эконом"]  # retired ones not offered
    assert all(isinstance(tid, int) for tid, _name in tariffs)
