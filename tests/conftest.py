"""Shared fixtures: fresh migrated databases on SQLite and, when a server is given, PostgreSQL.

Each test gets its own database cloned from a template migrated once per run (a file copy
on SQLite, CREATE DATABASE … TEMPLATE on PostgreSQL), so tests never see each other's rows.
The PostgreSQL variants run when OPCONSOLE_TEST_PG_URL is set (CI always sets it).
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from console import i18n
from storage.db import create_engine, make_sessionmaker
from storage.migrate import upgrade_database
from storage.shortcuts import SWITCH_ENV
from tests.support import pg_admin

PG_URL = os.environ.get("OPCONSOLE_TEST_PG_URL", "")
DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture
def russian() -> Iterator[None]:
    """The interface in Russian for a test that calls the wording directly (the language
    is process-wide: an earlier test may have left English)."""
    i18n.set_language("ru")
    yield
    i18n.set_language("ru")


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the developer's own config, data and log dirs out of every test."""
    monkeypatch.delenv("OPCONSOLE_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))


@pytest.fixture(params=["shortcuts", "public"])
def library_shortcuts(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Run a test with the speed-ups on libraries' internals (`storage.shortcuts`) as they
    are, and again with all of them switched off: both paths must behave the same."""
    if request.param == "public":
        monkeypatch.setenv(SWITCH_ENV, "all")
        return False
    monkeypatch.delenv(SWITCH_ENV, raising=False)
    return True


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade_database(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    asyncio.run(_migrate(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    if not PG_URL:
        pytest.skip("OPCONSOLE_TEST_PG_URL not set: PostgreSQL tests skipped")
    asyncio.run(_migrate(PG_URL))
    yield str(make_url(PG_URL).database)


@pytest.fixture(params=DATABASES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated, empty database url of each kind."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "opconsole.db"
        shutil.copyfile(template, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    template_name: str = request.getfixturevalue("pg_template")
    admin = make_url(PG_URL).set(drivername="postgresql", database="postgres")
    dsn = admin.render_as_string(hide_password=False)
    url = asyncio.run(pg_admin.create_database(template=template_name, dsn=dsn))
    yield url
    asyncio.run(pg_admin.drop_database(url))


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(db_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_sessionmaker(engine)
