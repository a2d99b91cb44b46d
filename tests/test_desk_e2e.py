"""End to end over real TCP: simulator → console (headless) and `opconsole record` → database.

A console and a headless recorder run side by side against one simulated Asterisk, as they
would at a desk; afterwards the database holds one call-log row per call and one client per
new number, and the console popped the card of the call that rang its operator's phone.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from console.app import ConsoleApp
from console.config import Settings, load_settings
from console.demo_config import render_url
from console.desk import CallLogged, ConnectionStatus, Desk, DeskEvent
from console.widgets.card.popup import CallPopup
from pbx.call_events import CallRinging
from pbx.simulator import AmiSimulator
from storage.models import Call, Client, ClientPhone

SECRET = "e2e-secret-Zq9"
Sessions = async_sessionmaker[AsyncSession]


def write_config(path: Path, db_url: str, port: int) -> Path:
    """The demo desk (operators 101-103 on the simulator's devices), server "main"."""
    path.write_text(render_url(db_url, port=port, server="main", secret=SECRET), encoding="utf-8")
    return path


async def eventually(check: Callable[[], Awaitable[bool]], timeout_s: float = 20.0) -> None:
    async with asyncio.timeout(timeout_s):
        while not await check():  # noqa: ASYNC110 - polling a database and a screen
            await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def running_desk(
    settings: Settings, sessions: Sessions
) -> AsyncIterator[tuple[Desk, list[DeskEvent]]]:
    """A headless desk connected to its PBX, and every event it published so far."""
    desk = Desk(settings, sessions)
    events = desk.listen()
    seen: list[DeskEvent] = []

    async def collect() -> None:
        async for event in events:
            seen.append(event)

    collector = asyncio.create_task(collect())
    runner = asyncio.create_task(desk.run())
    try:
        yield desk, seen
    finally:
        runner.cancel()
        collector.cancel()
        for task in (runner, collector):
            with contextlib.suppress(asyncio.CancelledError):
                await task


@pytest.fixture
async def sim() -> AsyncIterator[AmiSimulator]:
    async with AmiSimulator(port=0, username="console", secret=SECRET, call_speed=4.0) as s:
        yield s


async def start_recorder(config: Path) -> asyncio.subprocess.Process:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "console",
        "--config",
        str(config),
        "record",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )


async def stop_recorder(proc: asyncio.subprocess.Process) -> tuple[int, str]:
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
    async with asyncio.timeout(15):
        out, err = await proc.communicate()
    return proc.returncode or 0, (out + err).decode("utf-8", "replace")


async def count(sessions: Sessions, model: type[Call] | type[Client]) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_console_and_recorder_side_by_side(
    sim: AmiSimulator, db_url: str, sessions: Sessions, tmp_path: Path
) -> None:
    settings: Settings = load_settings(
        str(write_config(tmp_path / "config.toml", db_url, sim.port)), {}
    )
    recorder = await start_recorder(tmp_path / "config.toml")
    desk = Desk(settings, sessions)
    app = ConsoleApp(settings, sessions, desk, check_database=False)
    logged_here: set[str] = set()  # calls this console has written to the log

    async def note_logged() -> None:
        async for event in desk.listen():
            if isinstance(event, CallLogged):
                logged_here.add(event.linkedid)

    noting = asyncio.create_task(note_logged())
    try:
        async with app.run_test(size=(160, 45)) as pilot:

            async def both_logged_in() -> bool:
                return len(sim.sessions) == 2

            await eventually(both_logged_in)
            # Rings my phone (101) directly, from a number nobody has called from before.
            mine = sim.start_call(
                "direct_answered",
                devices=["IAX2/op101"],
                number="+79165550101",
                caller_name="Петров Сергей",
            )
            # Rings the whole queue; 102 answers.
            queued = sim.start_call(
                "queue_answered",
                devices=["IAX2/op102", "IAX2/op101", "IAX2/op103"],
                number="89035550202",
                caller_name="ООО Ромашка",
            )
            # A withheld caller gives up at 103: logged, but no client is created.
            withheld = sim.start_call(
                "direct_missed", devices=["IAX2/op103"], number="<unknown>", caller_name=""
            )

            async def popped() -> bool:
                await pilot.pause()
                return any(p.linkedid == mine for p in app.screen.query(CallPopup))

            await eventually(popped)
            popup = next(p for p in app.screen.query(CallPopup) if p.linkedid == mine)
            assert popup.number == "+79165550101"

            await sim.wait_calls()

            async def all_logged() -> bool:
                return await count(sessions, Call) == 3

            async def console_logged_all() -> bool:
                return logged_here == {mine, queued, withheld}

            await eventually(all_logged)
            await eventually(console_logged_all)  # both writers have written every call
            await pilot.pause()
    finally:
        noting.cancel()
        code, output = await stop_recorder(recorder)  # it flushes its writes as it stops

    assert code == 0, output
    assert "pbx main: up" in output
    assert SECRET not in output

    async with sessions() as session:
        calls = {c.linkedid: c for c in (await session.scalars(select(Call))).all()}
        assert set(calls) == {mine, queued, withheld}  # one row per call, no ghosts
        assert calls[mine].answered_by == "101"
        assert calls[mine].disposition == "answered"
        assert calls[queued].answered_by == "102"
        assert calls[queued].queue == "dispatch"
        assert calls[withheld].disposition == "missed"
        assert calls[withheld].client_id is None

        owners = {p.e164: p.client_id for p in (await session.scalars(select(ClientPhone))).all()}
        assert set(owners) == {"+79165550101", "+79035550202"}  # one client per new number
        names = {c.id: c.name for c in (await session.scalars(select(Client))).all()}
        assert names[owners["+79165550101"]] == "Петров Сергей"  # named from the caller ID
        assert calls[mine].client_id == owners["+79165550101"]
        assert calls[queued].client_id == owners["+79035550202"]


async def test_pbx_restart_mid_call_leaves_no_duplicates_and_no_ghosts(
    db_url: str, sessions: Sessions, tmp_path: Path
) -> None:
    """Asterisk restarts while two calls are up: one ends during the outage, one goes on."""
    async with AmiSimulator(port=0, username="console", secret=SECRET, call_speed=2.0) as sim:
        settings = load_settings(str(write_config(tmp_path / "config.toml", db_url, sim.port)), {})
        async with running_desk(settings, sessions) as (desk, seen):
            await sim.wait_for_login()
            long_call = sim.start_call(
                "queue_abandoned", devices=["IAX2/op101"], number="+74957654321"
            )
            short_call = sim.start_call(
                "direct_missed", devices=["IAX2/op102"], number="+79161110000"
            )

            async def both_ringing() -> bool:
                ringing = {c.linkedid for c in desk.live_calls() if c.ringing}
                return {long_call, short_call} <= ringing

            await eventually(both_ringing)

            async def short_call_over() -> None:
                await sim.wait_call(short_call)

            await sim.restart(downtime=0.0, during=short_call_over)  # ends while nobody listens

            async def back_up() -> bool:
                return desk.connections()["main"].state == "up"

            await eventually(back_up)
            live = {c.linkedid for c in desk.live_calls()}
            assert long_call in live  # still ringing after the resync
            assert short_call not in live  # closed: the PBX no longer has it

            await sim.wait_calls()

            async def logged() -> bool:
                return await count(sessions, Call) == 2

            await eventually(logged)
            await desk.flush()

    async with sessions() as session:
        rows = (await session.scalars(select(Call))).all()
    assert sorted(r.linkedid for r in rows) == sorted([long_call, short_call])
    by_id = {r.linkedid: r for r in rows}
    assert by_id[long_call].disposition == "abandoned"
    assert by_id[short_call].disposition == "missed"
    assert desk.live_calls() == []
    # The call that survived the outage rang operator 101 once: no second popup.
    rings = [
        e
        for e in seen
        if isinstance(e, CallRinging) and e.linkedid == long_call and "101" in e.started
    ]
    assert len(rings) == 1
    states = [e.state for e in seen if isinstance(e, ConnectionStatus)]
    assert "down" in states and states[-1] == "up"
