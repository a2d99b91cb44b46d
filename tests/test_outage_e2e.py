"""Nothing lost: a 20-call burst through the simulator while the database is away.

PostgreSQL sits behind a TCP proxy the test cuts from the burst's 5th second until after
the last call and then restores; the desk (in this process) and the recorder (a process,
SIGKILLed during the outage and restarted with the PBX gone) must both end with every call
in the log, once. On SQLite a second connection holds the write lock far past the busy
timeout during the burst. Time runs on the simulator's clock (`call_speed`), and retries
on an injected, short backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from console.config import load_settings
from console.demo_config import render_url
from console.desk import Desk
from console.outbox import Backoff
from console.widgets.database_state import describe_database
from pbx.simulator import AmiSimulator
from storage.db import create_engine, make_sessionmaker
from storage.models import Call, ClientPhone
from tests.conftest import PG_URL
from tests.support import pg_admin
from tests.support.tcp_proxy import TcpProxy

SECRET = "outage-secret-Hk3"
SPEED = 8.0  # simulator seconds per real second
CALLS = 20
EVERY_S = 0.5  # simulator seconds between two calls of the burst
CUT_AT_S = 5.0
MISSED = "+79165550077"
TEMPLATES = ("direct_answered", "queue_answered", "direct_missed")
Sessions = async_sessionmaker[AsyncSession]
POSTGRES = [pytest.param("postgresql", marks=pytest.mark.postgres)]


def short_busy_engine(db_url: str) -> AsyncEngine:
    """A SQLite engine that gives up on a held write lock after 0.1 s, not 30 s."""
    engine = create_engine(db_url)

    @event.listens_for(engine.sync_engine, "connect")
    def short_busy_timeout(dbapi_connection: Any, _record: Any) -> None:
        # Registered after storage's pragmas, so it wins.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=100")
        cursor.close()

    return engine


def fast_retry() -> Backoff:
    return Backoff(first=0.05, cap=0.2)


def write_config(path: Path, db_url: str, port: int) -> Path:
    path.write_text(render_url(db_url, port=port, server="main", secret=SECRET), encoding="utf-8")
    return path


def behind(db_url: str, proxy: TcpProxy) -> str:
    """The same database, reached through the proxy."""
    proxied = make_url(db_url).set(host="127.0.0.1", port=proxy.port)
    return proxied.render_as_string(hide_password=False)


async def eventually(check: Callable[[], Awaitable[bool]], timeout_s: float = 60.0) -> None:
    async with asyncio.timeout(timeout_s):
        while not await check():  # noqa: ASYNC110 - polling a database
            await asyncio.sleep(0.05)


async def burst(sim: AmiSimulator, at: dict[float, Callable[[], object]]) -> list[str]:
    """CALLS calls from new numbers, one every EVERY_S simulator seconds; `at[t]` runs at
    simulator second t of the burst."""
    linkedids: list[str] = []
    for n in range(CALLS):
        now = n * EVERY_S
        for t in sorted(at):
            if t <= now:
                at.pop(t)()
        template = TEMPLATES[n % len(TEMPLATES)]
        devices = ["IAX2/op102", "IAX2/op101", "IAX2/op103"] if "queue" in template else None
        linkedids.append(
            sim.start_call(template, devices=devices, number=f"+7916555{n:04d}", caller_name="")
        )
        await asyncio.sleep(EVERY_S / sim.call_speed)  # the simulator's clock
    return linkedids


async def logged(sessions: Sessions) -> list[str]:
    async with sessions() as session:
        return list(await session.scalars(select(Call.linkedid)))


async def clients_of_burst(sessions: Sessions) -> int:
    async with sessions() as session:
        stmt = select(func.count()).where(ClientPhone.e164.like("+7916555%"))
        return int(await session.scalar(stmt) or 0)


@contextlib.asynccontextmanager
async def running(desk: Desk) -> AsyncIterator[None]:
    runner = asyncio.create_task(desk.run())
    try:
        yield
    finally:
        runner.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await runner


@pytest.mark.parametrize("db_url", POSTGRES, indirect=True)
async def test_a_burst_during_a_database_outage_is_logged_once_each(
    db_url: str, sessions: Sessions, tmp_path: Path
) -> None:
    async with (
        TcpProxy("127.0.0.1", make_url(db_url).port or 5432) as proxy,
        AmiSimulator(port=0, username="console", secret=SECRET, call_speed=SPEED) as sim,
    ):
        url = behind(db_url, proxy)
        settings = load_settings(str(write_config(tmp_path / "config.toml", url, sim.port)), {})
        engine = create_engine(url)
        desk = Desk(settings, make_sessionmaker(engine), backoff=fast_retry())
        try:
            async with running(desk):
                await sim.wait_for_login()
                linkedids = await burst(sim, {CUT_AT_S: proxy.cut})
                await sim.wait_calls()

                async def outage_seen() -> bool:
                    status = desk.database()
                    return status.state == "down" and status.waiting > 0

                await eventually(outage_seen)
                assert await clients_of_burst(sessions) > 0  # the first callers went straight in
                proxy.restore()

                async def all_logged() -> bool:
                    return len(await logged(sessions)) >= CALLS

                await eventually(all_logged)
                await desk.flush()
                status = desk.database()
                assert (status.state, status.recovered, status.waiting) == ("up", True, 0)
        finally:
            await engine.dispose()
    rows = await logged(sessions)
    assert sorted(rows) == sorted(linkedids)  # every call, once
    assert await clients_of_burst(sessions) == CALLS  # and every new caller's card


async def start_recorder(config: Path) -> tuple[asyncio.subprocess.Process, list[str]]:
    """`opconsole record` at DEBUG: its stderr says which entries its journal has kept."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "console",
        "--config",
        str(config),
        "record",
        "--log-level",
        "DEBUG",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: list[str] = []

    async def read() -> None:
        assert proc.stderr is not None
        async for line in proc.stderr:
            lines.append(line.decode("utf-8", "replace"))

    task = asyncio.create_task(read())
    _readers.add(task)
    task.add_done_callback(_readers.discard)
    return proc, lines


_readers: set[asyncio.Task[Any]] = set()
KEPT = re.compile(r"kept call log entry of call main/(\S+)")


@pytest.mark.slow
@pytest.mark.parametrize("db_url", POSTGRES, indirect=True)
async def test_a_recorder_killed_during_the_outage_writes_its_calls_after_restart(
    db_url: str, sessions: Sessions, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    async with TcpProxy("127.0.0.1", make_url(db_url).port or 5432) as proxy:
        async with AmiSimulator(port=0, username="console", secret=SECRET, call_speed=SPEED) as sim:
            write_config(config, behind(db_url, proxy), sim.port)
            recorder, output = await start_recorder(config)
            try:
                await sim.wait_for_login(timeout_s=30)
                linkedids = await burst(sim, {CUT_AT_S: proxy.cut})
                await sim.wait_calls()

                async def all_kept() -> bool:
                    kept = {m.group(1) for line in output for m in KEPT.finditer(line)}
                    return kept >= set(linkedids)

                await eventually(all_kept)
                assert len(await logged(sessions)) < CALLS  # the outage did hold calls back
            finally:
                recorder.send_signal(signal.SIGKILL)
                await recorder.wait()
        # The PBX is gone; the database comes back; the recorder starts again.
        proxy.restore()
        recorder, output = await start_recorder(config)
        try:

            async def all_logged() -> bool:
                return len(await logged(sessions)) >= CALLS

            await eventually(all_logged)
        finally:
            recorder.send_signal(signal.SIGTERM)
            async with asyncio.timeout(30):
                code = await recorder.wait()
    assert code == 0, "".join(output)
    assert sorted(await logged(sessions)) == sorted(linkedids)
    assert await clients_of_burst(sessions) == CALLS
    assert SECRET not in "".join(output)


@contextlib.asynccontextmanager
async def desk_beside_a_lock(
    db_url: str, tmp_path: Path
) -> AsyncIterator[tuple[AmiSimulator, Desk, sqlite3.Connection]]:
    """A desk running on the SQLite database `db_url` (a short busy timeout), logged in
    to the simulator, and a second connection to take the write lock with."""
    path = make_url(db_url).database
    assert path is not None
    engine = short_busy_engine(db_url)
    locker = sqlite3.connect(path, isolation_level=None)
    async with AmiSimulator(port=0, username="console", secret=SECRET, call_speed=SPEED) as sim:
        settings = load_settings(str(write_config(tmp_path / "config.toml", db_url, sim.port)), {})
        desk = Desk(settings, make_sessionmaker(engine), backoff=fast_retry())
        try:
            async with running(desk):
                await sim.wait_for_login()
                yield sim, desk, locker
        finally:
            locker.close()
            await engine.dispose()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_a_write_lock_held_past_the_busy_timeout_delays_the_log_only(
    db_url: str, sessions: Sessions, tmp_path: Path
) -> None:
    async with desk_beside_a_lock(db_url, tmp_path) as (sim, desk, locker):
        # An import takes the write lock at the 2nd second and keeps it to the end.
        linkedids = await burst(sim, {2.0: lambda: locker.execute("BEGIN IMMEDIATE")})
        await sim.wait_calls()

        async def held_back() -> bool:
            return desk.database().waiting > 0 and desk.database().state == "down"

        await eventually(held_back)
        assert "locked" in desk.database().detail
        locker.execute("COMMIT")

        async def all_logged() -> bool:
            return len(await logged(sessions)) >= CALLS

        await eventually(all_logged)
        await desk.flush()
    assert sorted(await logged(sessions)) == sorted(linkedids)
    assert await clients_of_burst(sessions) == CALLS


@pytest.mark.postgres
async def test_record_starts_while_the_database_is_away_and_migrates_it_when_back(
    tmp_path: Path,
) -> None:
    """A fresh, never migrated database, unreachable when the recorder starts."""
    if not PG_URL:
        pytest.skip("OPCONSOLE_TEST_PG_URL not set: PostgreSQL tests skipped")
    admin = make_url(PG_URL).set(drivername="postgresql", database="postgres")
    url = await pg_admin.create_database(dsn=admin.render_as_string(hide_password=False))
    try:
        async with (
            TcpProxy("127.0.0.1", make_url(url).port or 5432) as proxy,
            AmiSimulator(port=0, username="console", secret=SECRET, call_speed=SPEED) as sim,
        ):
            proxy.cut()
            config = write_config(tmp_path / "config.toml", behind(url, proxy), sim.port)
            recorder, output = await start_recorder(config)
            try:
                await sim.wait_for_login(timeout_s=30)
                assert any("starting anyway" in line for line in output), "".join(output)
                calls = {
                    sim.start_call("direct_answered", number="+79165550001"),
                    sim.start_call("direct_missed", number="+79165550002"),
                }
                await sim.wait_calls()
                proxy.restore()
                engine = create_engine(url)
                try:
                    checked = make_sessionmaker(engine)

                    async def both_logged() -> bool:
                        try:
                            return set(await logged(checked)) == calls
                        except Exception:  # the tables are not there until it migrates
                            return False

                    await eventually(both_logged)
                finally:
                    await engine.dispose()
            finally:
                recorder.send_signal(signal.SIGTERM)
                async with asyncio.timeout(30):
                    code = await recorder.wait()
        assert code == 0, "".join(output)
        assert SECRET not in "".join(output)
    finally:
        await pg_admin.drop_database(url)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.usefixtures("russian")
async def test_a_call_back_during_an_outage_is_one_call_waiting(
    db_url: str, sessions: Sessions, tmp_path: Path
) -> None:
    """A missed caller called back while the database is locked: the call's log entry and
    its call-back attempt and outcome wait in the journal, and the status bar counts one
    call waiting, not two (the call-back's marks are no call of their own)."""
    async with desk_beside_a_lock(db_url, tmp_path) as (sim, desk, locker):

        async def connected() -> bool:
            return desk.connections()["main"].state == "up"

        await eventually(connected)
        sim.start_call("direct_missed", number=MISSED, caller_name="")
        await sim.wait_calls()

        async def missed() -> bool:
            return len(await logged(sessions)) == 1

        await eventually(missed)
        locker.execute("BEGIN IMMEDIATE")
        await desk.click_to_call(phone_e164=MISSED, client_name="")  # calls them back
        entries = desk.outbox.journal.entries

        async def kept() -> bool:  # the attempt, its outcome and the call's entry
            kept = await entries()  # on disk, and then queued by the outbox
            kinds = {entry.kind for entry in kept}
            queued = desk.outbox.entries_waiting() == len(kept)
            return queued and {"call", "call_back", "call_back_outcome"} <= kinds

        await eventually(kept)
        status = desk.database()
        assert (status.state, status.waiting) == ("down", 1)
        said, _state = describe_database(status)  # the status bar's words
        assert said.endswith(" — 1 звонок ждёт записи")
        locker.execute("COMMIT")

        async def written() -> bool:
            return not await entries()

        await eventually(written)
        status = desk.database()
        assert (status.state, status.recovered, status.waiting) == ("up", True, 0)
    assert len(await logged(sessions)) == 2  # the missed call and the call back
