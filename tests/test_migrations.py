"""The migrations build exactly the schema the models describe, on every database."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Table, insert, inspect, select, update
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.accounts import summed_totals
from storage.db import create_engine, make_sessionmaker
from storage.migrate import current_revision, head_revision, upgrade_database
from storage.models import AccountOperation, Base, Client
from storage.search import include_object
from tests.conftest import DATABASES, PG_URL
from tests.support import pg_admin


async def test_database_is_at_head_and_has_every_table(engine: AsyncEngine) -> None:
    assert await current_revision(engine) == head_revision()
    async with engine.connect() as conn:
        tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert set(Base.metadata.tables) <= tables


async def test_models_and_migrations_agree(engine: AsyncEngine) -> None:
    def diff(conn: Connection) -> list[Any]:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}
        )
        return list(compare_metadata(context, Base.metadata))

    async with engine.connect() as conn:
        differences = await conn.run_sync(diff)
    assert differences == []


async def test_upgrade_twice_is_harmless(engine: AsyncEngine) -> None:
    await upgrade_database(engine)
    assert await current_revision(engine) == head_revision()


@pytest.fixture(params=DATABASES)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no schema at all, to migrate step by step."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
        return
    if not PG_URL:
        pytest.skip("OPCONSOLE_TEST_PG_URL not set: PostgreSQL tests skipped")
    admin = make_url(PG_URL).set(drivername="postgresql", database="postgres")
    url = asyncio.run(pg_admin.create_database(dsn=admin.render_as_string(hide_password=False)))
    yield url
    asyncio.run(pg_admin.drop_database(url))


async def test_0004_turns_balances_into_opening_operations(empty_url: str) -> None:
    """A desk upgrading keeps every client's money, now as one opening operation per
    account with a non-zero total; the totals equal the sums from then on."""
    engine = create_engine(empty_url)
    try:
        await upgrade_database(engine, "0003")
        sessions = make_sessionmaker(engine)
        amounts = {
            "Долг": (Decimal("-150.25"), Decimal("0.00")),
            "Вклад": (Decimal("1200.00"), Decimal("35.50")),
            "Бонусы": (Decimal("0.00"), Decimal("10.00")),
            "Ноль": (Decimal("0.00"), Decimal("0.00")),
        }
        async with sessions.begin() as session:
            for name, (balance, bonus) in amounts.items():
                client = Client(last_name=name, balance=balance, bonus_balance=bonus)
                client.refresh_name()
                session.add(client)
        await upgrade_database(engine)

        async with sessions() as session:
            ids = dict((await session.execute(select(Client.last_name, Client.id))).all())
            rows = (
                await session.execute(
                    select(
                        AccountOperation.client_id,
                        AccountOperation.kind,
                        AccountOperation.amount,
                        AccountOperation.operator,
                    ).order_by(AccountOperation.client_id, AccountOperation.kind)
                )
            ).all()
            totals = {name: await summed_totals(session, cid) for name, cid in ids.items()}
    finally:
        await engine.dispose()
    assert [tuple(r) for r in rows] == [
        (ids["Долг"], "correction", Decimal("-150.25"), "opconsole"),
        (ids["Вклад"], "bonus_credit", Decimal("35.50"), "opconsole"),
        (ids["Вклад"], "correction", Decimal("1200.00"), "opconsole"),
        (ids["Бонусы"], "bonus_credit", Decimal("10.00"), "opconsole"),
    ]
    assert {n: (t.balance, t.bonus_balance) for n, t in totals.items()} == amounts


async def test_0005_moves_each_clients_address_into_its_addresses(empty_url: str) -> None:
    """A desk upgrading keeps every client's address, now the first of its addresses
    (labelled home, searchable by city and street); a client without one gets none."""
    from storage.addresses import client_addresses
    from storage.search import search_clients

    engine = create_engine(empty_url)
    try:
        await upgrade_database(engine, "0004")
        sessions = make_sessionmaker(engine)
        people = {
            "Полный": {"city": "Самара", "street": "Ёлочная", "house": "7", "entrance": "2"},
            "Город": {"city": "Тула"},
            "Нет": {},
        }
        async with sessions.begin() as session:
            for name, address in people.items():
                client = Client(last_name=name, **address)
                client.refresh_name()
                session.add(client)
        await upgrade_database(engine)
        async with sessions() as session:
            ids = dict((await session.execute(select(Client.last_name, Client.id))).all())
            moved = {name: await client_addresses(session, cid) for name, cid in ids.items()}
            found = await search_clients(session, "елочная")
            in_tula = await search_clients(session, "тула")
            kept = await session.get(Client, ids["Полный"])
            assert kept is not None and kept.street == "Ёлочная"  # the old columns stay
    finally:
        await engine.dispose()
    full = moved["Полный"]
    assert [(a.label, a.city, a.street, a.house, a.entrance) for a in full] == [
        ("home", "Самара", "Ёлочная", "7", "2")
    ]
    assert [(a.label, a.city, a.street) for a in moved["Город"]] == [("home", "Тула", "")]
    assert moved["Нет"] == []
    assert [h.client_id for h in found] == [ids["Полный"]]
    assert [h.client_id for h in in_tula] == [ids["Город"]]


def test_0005_folds_streets_as_storage_does() -> None:
    """The migration keeps its own copy of the street folding: the same keys."""
    import importlib.util

    from storage import addresses

    path = Path(__file__).parents[1] / "storage/migrations/versions/0005_addresses_companies.py"
    spec = importlib.util.spec_from_file_location("m0005", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for street in ("ул. Ленина", "Набережная ул.", "Комсомольский пр-т", "улица", "Ёлочная"):
        assert module._fold_street(street) == addresses.street_key(street)


async def test_0008_flags_the_clients_last_seen_by_a_late_order(empty_url: str) -> None:
    """The flag the client list's activity filters rely on (`clients.late_order`) is the
    database's: set for the clients already there when the desk upgrades, and kept right
    by every later write, whoever makes it."""
    engine = create_engine(empty_url)
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    ago = {
        "Заказ позже на 3 дня": (now - timedelta(days=10), now - timedelta(days=7)),
        "Заказ через час": (now - timedelta(days=10), now - timedelta(days=10, hours=-1)),
        "Заказ без звонка": (None, now - timedelta(days=2)),
        "Только звонок": (now - timedelta(days=2), None),
        "Никогда": (None, None),
    }
    clients = cast(Table, Client.__table__)
    try:
        await upgrade_database(engine, "0007_client_list_indexes")
        async with engine.begin() as conn:
            for name, (call, order) in ago.items():
                await conn.execute(
                    insert(clients).values(
                        last_name=name,
                        name=name,
                        name_key=name.casefold(),
                        last_call_at=call,
                        last_order_at=order,
                    )
                )
        await upgrade_database(engine)

        async def flags() -> dict[str, bool]:
            async with engine.connect() as conn:
                rows = await conn.execute(select(clients.c.last_name, clients.c.late_order))
                return {name: bool(flag) for name, flag in rows}

        assert await flags() == {
            "Заказ позже на 3 дня": True,
            "Заказ через час": False,
            "Заказ без звонка": True,
            "Только звонок": False,
            "Никогда": False,
        }
        async with engine.begin() as conn:  # a call after the order; an order long after
            await conn.execute(
                update(clients)
                .where(clients.c.last_name == "Заказ позже на 3 дня")
                .values(last_call_at=now)
            )
            await conn.execute(
                update(clients)
                .where(clients.c.last_name == "Только звонок")
                .values(last_order_at=now)
            )
        changed = await flags()
        assert changed["Заказ позже на 3 дня"] is False and changed["Только звонок"] is True
    finally:
        await engine.dispose()
