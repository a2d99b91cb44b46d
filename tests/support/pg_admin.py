"""Create and drop throw-away PostgreSQL databases for a test run.

`.ci/run` calls `create` and hands the printed url to the tests as OPCONSOLE_TEST_PG_URL;
the tests clone per-test databases from it. Usage:
    python -m tests.support.pg_admin ping | create | drop URL
"""

from __future__ import annotations

import asyncio
import os
import secrets
import sys

import asyncpg
from sqlalchemy.engine import make_url

ADMIN_DSN = os.environ.get(
    "OPCONSOLE_PG_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def _dsn_for(url: str) -> tuple[str, str]:
    """The admin dsn on the same server as `url`, and the database name in `url`."""
    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres")
    return admin.render_as_string(hide_password=False), str(parsed.database)


async def ping(dsn: str = ADMIN_DSN) -> bool:
    try:
        conn = await asyncpg.connect(dsn, timeout=3)
    except (TimeoutError, OSError, asyncpg.PostgresError):
        return False
    await conn.close()
    return True


async def create_database(
    name: str | None = None, *, template: str | None = None, dsn: str = ADMIN_DSN
) -> str:
    """Create a database and return its SQLAlchemy asyncpg url."""
    name = name or f"opconsole_test_{secrets.token_hex(4)}"
    conn = await asyncpg.connect(dsn, timeout=10)
    try:
        clause = f' TEMPLATE "{template}"' if template else ""
        await conn.execute(f'CREATE DATABASE "{name}"{clause}')
    finally:
        await conn.close()
    admin = make_url(dsn)
    return admin.set(drivername="postgresql+asyncpg", database=name).render_as_string(
        hide_password=False
    )


async def drop_database(url: str) -> None:
    admin_dsn, name = _dsn_for(url)
    conn = await asyncpg.connect(admin_dsn, timeout=10)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == "ping":
        return 0 if asyncio.run(ping()) else 1
    if argv[0] == "create":
        print(asyncio.run(create_database(name=f"opconsole_ci_{secrets.token_hex(4)}")))
        return 0
    if argv[0] == "drop" and len(argv) == 2:
        asyncio.run(drop_database(argv[1]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
