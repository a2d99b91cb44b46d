"""The one-trip SQLite driver (storage.sqlite_driver): fewer thread trips, same results as
SQLAlchemy's own adapter (each test runs on both).

Each trip to the aiosqlite thread is counted where it happens (the connection's queue), on
a real database file. What a person would notice: the popup's lookup is as fast as it
can be, and nothing a session writes, rolls back or streams behaves differently.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import shortcuts, sqlite_driver
from storage.clients import find_client_by_phone
from storage.db import create_engine, make_sessionmaker
from storage.models import Client, ClientPhone


@contextmanager
def trips() -> Iterator[list[str]]:
    """Names of the functions sent to any aiosqlite thread while the block runs."""
    sent: list[str] = []
    original = aiosqlite.Connection._execute

    async def counting(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)  # type: ignore[no-untyped-call]

    aiosqlite.Connection._execute = counting  # type: ignore[method-assign]
    try:
        yield sent
    finally:
        aiosqlite.Connection._execute = original  # type: ignore[method-assign]


@pytest.fixture
def desk_db(sqlite_template: Path, tmp_path: Path) -> Path:
    return Path(shutil.copyfile(sqlite_template, tmp_path / "desk.db"))


@pytest.fixture(params=["one-trip", "stock"])
async def engine(
    request: pytest.FixtureRequest, desk_db: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[AsyncEngine]:
    """An engine on the one-trip adapter, and one with it switched off (SQLAlchemy's own):
    everything but the number of trips must be the same."""
    if request.param == "stock":
        monkeypatch.setenv(shortcuts.SWITCH_ENV, sqlite_driver.NAME)
    elif not sqlite_driver.usable():
        pytest.skip(f"the one-trip adapter is written for {sqlite_driver.WRITTEN_FOR} only")
    engine = create_engine(f"sqlite+aiosqlite:///{desk_db}")
    try:
        yield engine
    finally:
        await engine.dispose()


async def _client_with_phone(engine: AsyncEngine, e164: str) -> int:
    async with make_sessionmaker(engine)() as session, session.begin():
        client = Client(last_name="Иванова", first_name="Анна")
        client.phones.append(ClientPhone(e164=e164, raw=e164, digits=e164[1:]))
        session.add(client)
    return client.id


async def test_a_phone_lookup_is_one_trip_to_the_database_thread(engine: AsyncEngine) -> None:
    client_id = await _client_with_phone(engine, "+79161234567")
    sessions = make_sessionmaker(engine)
    async with sessions() as warm:  # the pool's connection is opened outside the count
        await warm.execute(text("SELECT 1"))
    with trips() as sent:
        async with sessions() as session:
            found = await find_client_by_phone(session, "8 916 123-45-67")
    assert found is not None and found.id == client_id
    if isinstance(engine.dialect.dbapi, sqlite_driver.OneTripDBAPI):
        assert len(sent) == 1, sent
    else:  # switched off: cursor, execute, fetchall, close, rollback
        assert len(sent) > 1, sent


def test_the_adapter_is_offered_only_for_the_releases_it_was_written_for() -> None:
    installed = ".".join(version("sqlalchemy").split(".")[:2])
    assert shortcuts.usable("any", {"sqlalchemy": installed})
    assert not shortcuts.usable("any", {"sqlalchemy": "1.4"})
    assert not shortcuts.usable("any", {"sqlalchemy": installed + "0"})  # 2.10 is not 2.1
    assert not shortcuts.usable("any", {"no-such-distribution": "1.0"})


def test_switching_it_off_gives_sqlalchemys_own_adapter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(shortcuts.SWITCH_ENV, f"other, {sqlite_driver.NAME}")
    assert sqlite_driver.dbapi() is None
    monkeypatch.setenv(shortcuts.SWITCH_ENV, "all")
    assert sqlite_driver.dbapi() is None


async def test_writes_report_ids_and_counts_and_roll_back(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        inserted = await connection.execute(
            text("INSERT INTO tariffs (name, description, active) VALUES ('Эконом-2', '', 1)")
        )
        assert inserted.lastrowid is not None and inserted.lastrowid > 0
        returned = await connection.execute(
            text("INSERT INTO tariffs (name, description, active) VALUES (:n, '', 1) RETURNING id"),
            {"n": "Комфорт-2"},
        )
        assert returned.scalar_one() == inserted.lastrowid + 1
        many = await connection.execute(
            text("INSERT INTO tariffs (name, description, active) VALUES (:n, '', 0)"),
            [{"n": f"Архив {i}"} for i in range(3)],
        )
        assert many.rowcount == 3
        updated = await connection.execute(
            text("UPDATE tariffs SET active = 1 WHERE name LIKE 'Архив %'")
        )
        assert updated.rowcount == 3

    async with engine.connect() as connection:  # a write left uncommitted is undone
        await connection.execute(text("DELETE FROM tariffs WHERE name LIKE 'Архив %'"))
        await connection.rollback()
        kept = await connection.scalar(
            text("SELECT count(*) FROM tariffs WHERE name LIKE 'Архив %'")
        )
    assert kept == 3


async def test_a_duplicate_phone_is_an_integrity_error_and_the_session_goes_on(
    engine: AsyncEngine,
) -> None:
    await _client_with_phone(engine, "+79161234567")
    with pytest.raises(IntegrityError):
        await _client_with_phone(engine, "+79161234567")
    assert await _client_with_phone(engine, "+79161234568") > 0


async def test_streamed_rows_arrive_in_order(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        stream = await connection.stream(
            text(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500)"
                " SELECT i FROM n"
            )
        )
        seen = [row[0] async for row in stream]
    assert seen == list(range(1, 2501))
