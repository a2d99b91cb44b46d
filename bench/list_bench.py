"""The client list's shapes (`bench.list_shapes`: 700 calls, every filter kind × sort ×
direction × first and deep page) on any database the console runs on, SQLite or
PostgreSQL, through `storage.client_list.list_clients` as the client base screen calls it.

    python -m bench.list_bench --url postgresql+asyncpg://postgres@127.0.0.1/bench1m
    python -m bench.list_bench --url sqlite+aiosqlite:////path/to/copy.db --passes 3

The database must hold a seeded base (`opconsole db seed --clients 1000000
--desk-extras`); nothing is written. Each call is timed `--passes` times after a warm-up
pass, in one session per pass, and its fastest time counts (the code's cost, without the
stalls a shared machine adds to one call). The SQLite storage bench (`bench.storage_bench
--only list`) also replays the same statements through bare sqlite3.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Sequence
from datetime import date

from sqlalchemy import text

from bench.list_shapes import CITIES_BY_SIZE, TARIFFS_BY_USE, ListQuery, filters_for, matrix
from bench.list_shapes import queries_for as shaped_queries
from storage.client_list import list_clients
from storage.db import create_engine, make_sessionmaker

GOAL_MS = 50.0


async def run(url: str, passes: int) -> str:
    engine = create_engine(url)
    sessions = make_sessionmaker(engine)
    today = date.today()
    try:
        async with sessions() as session:
            cities = [str(c) for c in (await session.execute(text(CITIES_BY_SIZE))).scalars()]
            tariffs = [int(t) for t in (await session.execute(text(TARIFFS_BY_USE))).scalars()]
        if not cities or not tariffs:
            raise SystemExit(f"no seeded clients in {engine.url.render_as_string()}")
        grid = shaped_queries(filters_for([cities[0], cities[-1]], [tariffs[0], tariffs[-1]]))
        every = [q for shaped in grid.values() for q in shaped]
        fastest = {id(q): float("inf") for q in every}
        for number in range(passes + 1):  # the first a warm-up
            async with sessions() as session:
                for q in every:
                    started = time.perf_counter()
                    await list_clients(
                        session, q.filter, q.sort, q.descending, q.page, q.page_size,
                        today=today, with_total=False,
                    )  # fmt: skip
                    took = time.perf_counter() - started
                    if number:
                        fastest[id(q)] = min(fastest[id(q)], took)
        timed: list[tuple[ListQuery, float]] = [(q, fastest[id(q)]) for q in every]
        name = engine.url.get_backend_name()
    finally:
        await engine.dispose()
    return f"client list on {name}, {passes} timed pass(es), fastest of each call\n" + matrix(
        timed, GOAL_MS
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.list_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--url", required=True, help="the database (SQLAlchemy URL)")
    parser.add_argument("--passes", type=int, default=2, help="timed passes (default 2)")
    args = parser.parse_args(argv)
    if args.passes <= 0:
        parser.error("--passes must be positive")
    print(asyncio.run(run(args.url, args.passes)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
