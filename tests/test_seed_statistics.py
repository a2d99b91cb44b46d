"""A seeded database leaves the planner honest statistics: a full ANALYZE, not a sample
that put every city and tariff at ~2,000 clients whatever their real number."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.list_indexes import BY_CITY, LATE_ORDERS
from storage.models import Client
from storage.seed import seed_database

N = 4000  # above the 2,000 index entries a sampled ANALYZE (analysis_limit) would read


async def test_seed_leaves_exact_statistics(engine: AsyncEngine) -> None:
    await seed_database(engine, clients=N, batch_size=1000)
    async with engine.connect() as conn:
        cities = int(
            (await conn.execute(select(func.count(func.distinct(Client.city))))).scalar_one()
        )
        late = int((await conn.execute(select(func.count()).where(Client.late_order))).scalar_one())
        if engine.dialect.name != "sqlite":
            tuples = await conn.execute(
                text("SELECT reltuples FROM pg_class WHERE relname = 'clients'")
            )
            assert int(tuples.scalar_one()) == N
            distinct = await conn.execute(
                text(
                    "SELECT n_distinct FROM pg_stats"
                    " WHERE tablename = 'clients' AND attname = 'city'"
                )
            )
            assert distinct.scalar_one() == cities
            return
        found = await conn.execute(text("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'clients'"))
        stats = {str(idx): str(stat) for idx, stat in found.all()}
    # "rows, rows per city, rows per (city, name), …": every client counted, none estimated.
    rows, per_city = (int(n) for n in stats[BY_CITY].split()[:2])
    assert rows == N
    assert per_city == (N + cities - 1) // cities  # SQLite rounds the average up
    # The late orders' partial index holds its few clients (the seed books some ahead).
    assert 0 < late < N // 50
    assert {i: int(stat.split()[0]) for i, stat in stats.items()} == {
        i: late if i == LATE_ORDERS else N for i in stats
    }
