"""A filtered, sorted client list gives the same clients in the same order page after page,
whichever way the page is found (`storage.list_plans`: a walk of the sort's index, or the
filter's own index when the walk comes back short), on SQLite and PostgreSQL; and the
total counted on its own agrees with it."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.client_list import activity_of, count_clients, list_clients
from storage.filters import Activity, ClientFilter, ClientSort
from storage.list_plans import ShortWalks
from storage.models import Client, Debt, Tariff

Sessions = async_sessionmaker[AsyncSession]
TODAY = date(2026, 11, 30)
NOW = datetime(2026, 11, 30, tzinfo=UTC)
CITIES = ("Казань", "Москва", "Уфа")
PAGE = 7
# A walk of one entry never fills a page (the filter's own index then answers), one of a
# million always does: both must show the same pages.
WALKS = (1, 1_000_000)


class Base:
    def __init__(self) -> None:
        self.clients: list[Client] = []
        self.unpaid: set[int] = set()
        self.tariffs: list[int] = []


@pytest.fixture
async def base(sessions: Sessions) -> Base:
    rng = random.Random(14)
    made = Base()
    async with sessions.begin() as s:
        tariffs = [Tariff(name=n, description="", active=True) for n in ("Эконом", "Бизнес")]
        s.add_all(tariffs)
        await s.flush()
        made.tariffs = [t.id for t in tariffs]
        for i in range(60):

            def days(share: float) -> datetime | None:
                return (
                    None
                    if rng.random() < share
                    else NOW - timedelta(days=rng.choice((1, 20, 50, 200)))
                )

            client = Client(
                last_name=f"Клиент{rng.randrange(20):02d}",  # repeated names: ties by id
                city=rng.choice(CITIES),
                status=rng.choice(("new", "regular", "vip", "inactive")),
                blacklisted=rng.random() < 0.25,
                tariff_id=rng.choice([*made.tariffs, None]),
                completed_orders=rng.choice((0, 0, 1, 5)),  # many ties
                registered_at=NOW - timedelta(days=rng.choice((10, 400, 400, 900)), seconds=i),
                last_call_at=days(0.3),
                last_order_at=days(0.5),
            )
            client.refresh_name()
            s.add(client)
            await s.flush()
            if rng.random() < 0.3:
                s.add(Debt(client_id=client.id, amount=Decimal("10.00")))
                made.unpaid.add(client.id)
            made.clients.append(client)
        # Around the activity bounds (30 and 90 days): last seen by an order a little or
        # long after the last call, or by an order and no call at all. The last-call sort
        # reads activity as ranges of the last-call index plus the late orders' index
        # (`list_plans._activity_arms`), so these are the clients it could miss.
        for bound in (30, 90):
            for call_days, order_days in (
                (bound + 0.05, bound - 0.05),  # 2.4 h apart: not late, seen by the order
                (bound + 1.5, bound - 0.1),  # 1.6 days apart: late, called near the bound
                (bound + 2.5, bound - 0.5),  # 3 days apart: late, called before the range
                (bound + 400, bound - 1),  # booked long ahead
                (None, bound - 1),  # an order and no call
                (bound + 0.5, None),  # a call only, just before the bound
                (bound - 0.5, bound + 3),  # the order before the call
            ):
                client = Client(
                    last_name=f"Граница{bound}",
                    city=CITIES[len(made.clients) % 3],
                    registered_at=NOW - timedelta(days=1000),
                    last_call_at=None if call_days is None else NOW - timedelta(days=call_days),
                    last_order_at=None if order_days is None else NOW - timedelta(days=order_days),
                )
                client.refresh_name()
                s.add(client)
                await s.flush()
                made.clients.append(client)
    return made


def selected(base: Base, flt: ClientFilter) -> set[int]:
    def passes(c: Client) -> bool:
        return (
            (flt.city is None or c.city == flt.city)
            and (flt.status is None or c.status == flt.status)
            and (flt.blacklisted is None or c.blacklisted == flt.blacklisted)
            and (flt.tariff_id is None or c.tariff_id == flt.tariff_id)
            and (
                flt.activity is None
                or activity_of(c.registered_at, c.last_call_at, c.last_order_at, NOW)
                is flt.activity
            )
            and (flt.has_unpaid_debts is None or (c.id in base.unpaid) == flt.has_unpaid_debts)
        )

    return {c.id for c in base.clients if passes(c)}


def filters(base: Base) -> list[ClientFilter]:
    return [
        ClientFilter(city="Уфа", status="vip"),
        ClientFilter(city="Москва", has_unpaid_debts=True),
        ClientFilter(city="Казань", blacklisted=True),
        ClientFilter(has_unpaid_debts=True),
        ClientFilter(has_unpaid_debts=False, blacklisted=False),
        ClientFilter(tariff_id=base.tariffs[1], has_unpaid_debts=True),
        *(ClientFilter(activity=a) for a in Activity),
        ClientFilter(city="Москва", activity=Activity.ACTIVE),
        ClientFilter(blacklisted=False, activity=Activity.RECENT),
        ClientFilter(status="vip", activity=Activity.INACTIVE, tariff_id=base.tariffs[0]),
    ]


async def every_page(
    sessions: Sessions, flt: ClientFilter, sort: ClientSort, descending: bool, walk: int
) -> list[int]:
    ids: list[int] = []
    async with sessions() as s:
        for number in range(20):
            page = await list_clients(
                s, flt, sort, descending, number, PAGE, TODAY, with_total=False, walk_limit=walk
            )
            ids.extend(r.id for r in page.rows)
            if not page.has_next:
                return ids
    raise AssertionError("more pages than clients")


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("sort", list(ClientSort))
async def test_pages_agree_whichever_index_finds_them(
    sessions: Sessions, base: Base, sort: ClientSort, descending: bool
) -> None:
    for flt in filters(base):
        walked, filtered = [await every_page(sessions, flt, sort, descending, w) for w in WALKS]
        assert walked == filtered, flt
        assert len(walked) == len(set(walked))  # paging neither repeats nor skips a client
        assert set(walked) == selected(base, flt), flt


async def test_numeric_and_time_sorts_break_ties_by_id_and_put_never_called_last(
    sessions: Sessions, base: Base
) -> None:
    flt = ClientFilter(blacklisted=False)
    rows = {c.id: c for c in base.clients}
    for walk in WALKS:
        by_orders = await every_page(sessions, flt, ClientSort.ORDERS, True, walk)
        assert by_orders == sorted(
            selected(base, flt), key=lambda i: (-rows[i].completed_orders, -i)
        )
        by_call = await every_page(sessions, flt, ClientSort.LAST_CALL, True, walk)
        called = [i for i in by_call if rows[i].last_call_at is not None]
        assert by_call == called + [i for i in by_call if rows[i].last_call_at is None]
        assert by_call[: len(called)] == sorted(
            called, key=lambda i: (rows[i].last_call_at, i), reverse=True
        )


async def test_the_total_counted_on_its_own_is_the_filters(sessions: Sessions, base: Base) -> None:
    async with sessions() as s:
        for flt in filters(base):
            count = await count_clients(s, flt, TODAY)
            assert count.total == len(selected(base, flt)) and count.at_least is None
        capped = await count_clients(s, ClientFilter(blacklisted=False), TODAY, count_cap=5)
        page = await list_clients(s, ClientFilter(blacklisted=False), today=TODAY, with_total=False)
    assert capped.total is None and capped.at_least == 5
    assert page.total is None and "total_at_least" not in page.extra  # left to the count


def test_a_short_walk_is_remembered_for_deeper_pages_then_forgotten() -> None:
    """What a short walk found decides the next pages' plan (never their rows): a page
    needing more clients than that skips the walk; after `uses` reads the note is gone,
    so a filter that has since grown broad is walked again."""
    walks = ShortWalks(size=2, uses=3)
    vip_debts = ("sqlite", ClientFilter(status="vip", has_unpaid_debts=True), ("index",), 60_000)
    assert walks.found(vip_debts) is None
    walks.note(vip_debts, 150)
    assert [walks.found(vip_debts) for _ in range(4)] == [150, 150, 150, None]
    walks.note(vip_debts, 150)
    walks.note(("a",), 1)
    walks.note(("b",), 2)  # full: the notes so far are dropped, the newest kept
    assert walks.found(vip_debts) is None and walks.found(("b",)) == 2


async def test_paging_past_a_short_walk_shows_the_same_clients(
    sessions: Sessions, base: Base
) -> None:
    """A narrow filter paged with a walk too short for it: every page after the first
    short walk comes from the filter's index at once, and the pages are those a walk
    long enough gives."""
    flt = ClientFilter(city="Уфа", has_unpaid_debts=True)
    for sort in (ClientSort.NAME, ClientSort.LAST_CALL):
        assert await every_page(sessions, flt, sort, True, 12) == await every_page(
            sessions, flt, sort, True, 1_000_000
        )
