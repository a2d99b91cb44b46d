"""Calling missed callers back, end to end: the supervisor's board on a real desk against
the simulated Asterisk over TCP, a second desk on the same SQLite database, and History.

The call-back is stored (who, when, outcome) through the desk's outbox; the other desk
sees a number returned only once someone answered — dialling alone returns nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Static

from console import i18n
from console.app import ConsoleApp
from console.config import PbxSettings, Secret, Settings
from console.data import MissedNumber
from console.desk import Desk
from console.desk_day import day_start
from console.screens.history import HistoryScreen
from console.screens.supervisor import SupervisorScreen
from console.widgets.board.missed import MissedPanel
from pbx.simulator import AmiSimulator
from storage.call_backs import CallBackAttempt, record_attempt, record_outcome
from storage.calls import upsert_call
from storage.models import CallBack, CallBackOutcome
from tests.console_support import DESK_NOW, FakeDesk, console_data, make_app, make_settings, until
from tests.test_calls_log import entry

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

SECRET = "call-backs-Zq9"
Sessions = async_sessionmaker[AsyncSession]
CLIENT = "+79031112233"  # what the simulator's click-to-call templates dial


@pytest.fixture(autouse=True)
def utc_desk() -> Iterator[None]:
    i18n.set_timezone(UTC)
    yield
    i18n.set_timezone(None)


@pytest.fixture
async def sim() -> AsyncIterator[AmiSimulator]:
    async with AmiSimulator(port=0, username="console", secret=SECRET, call_speed=10.0) as s:
        yield s


def desk_settings(sim: AmiSimulator, me: str = "103", language: str = "en") -> Settings:
    """Operators 101-103, `me` a supervisor, the PBX the simulator."""
    base = make_settings(me, language, role="supervisor")
    pbx = PbxSettings(
        name="main", host="127.0.0.1", port=sim.port, username="console", secret=Secret(SECRET)
    )
    return replace(base, pbx=(pbx,))


async def missed_call(sessions: Sessions, number: str, at: datetime, linkedid: str) -> None:
    """An inbound call nobody answered, as a desk logs it."""
    missed = entry(linkedid, start=at, number=number, disposition="missed", queue="dispatch")
    async with sessions.begin() as session:
        await upsert_call(session, replace(missed, name="Смирнов", wait_s=20.0))


async def seen_by(sessions: Sessions) -> MissedNumber:
    """The missed line of CLIENT as any console reads it from the database now."""
    rows = await console_data(sessions).missed_numbers(day_start(datetime.now(UTC)))
    [line] = [m for m in rows if m.number == CLIENT]
    return line


async def attempts(sessions: Sessions) -> list[tuple[str, str | None]]:
    async with sessions() as session:
        rows = await session.execute(
            select(CallBack.operator, CallBack.outcome).order_by(CallBack.id)
        )
        return [(who, outcome) for who, outcome in rows]


def tile(board: SupervisorScreen) -> str:
    """The figure of the board's «to call back» tile."""
    return str(board.query_one("#total-missed", Static).render()).split("\n")[0]


async def open_missed_on_board(app: ConsoleApp, pilot: Pilot[None]) -> SupervisorScreen:
    await app.switch_mode("supervisor")
    board = app.screen
    assert isinstance(board, SupervisorScreen)
    await until(pilot, lambda: bool(board.missed), "today's missed numbers")
    await pilot.press("m")
    await until(pilot, lambda: board.query_one(MissedPanel).has_focus, "the missed list")
    return board


async def test_a_call_back_is_returned_on_the_other_desk_only_after_the_answer(
    sim: AmiSimulator, sessions: Sessions
) -> None:
    now = datetime.now(UTC)
    await missed_call(sessions, CLIENT, max(day_start(now), now - timedelta(minutes=5)), "m.1")
    other = Desk(desk_settings(sim, me="101"), sessions, role="other-desk")
    other_running = asyncio.create_task(other.run())
    settings = desk_settings(sim)
    mine = Desk(settings, sessions)
    app = ConsoleApp(settings, sessions, mine, check_database=False)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await sim.wait_for_login()
            board = await open_missed_on_board(app, pilot)
            panel = board.query_one(MissedPanel)
            assert panel.cell_text(CLIENT, "missed") == "1"
            assert tile(board) == "1"  # «to call back»
            # The client's line is busy: an attempt, not a return.
            sim.busy_numbers.add("89031112233")
            await pilot.press("c")
            await until(pilot, lambda: panel.cell_text(CLIENT, "status") == "busy", "the 1st try")
            await sim.wait_calls()
            line = await seen_by(sessions)
            assert (line.returned, line.attempts, line.last_outcome) == (False, 1, "busy")
            assert panel.cell_text(CLIENT, "attempts") == "1"

            # The second time they answer: returned, on this board and for the other desk.
            sim.busy_numbers.clear()
            await pilot.press("c")
            await until(pilot, lambda: panel.cell_text(CLIENT, "status").startswith("✓"), "answer")
            assert panel.cell_text(CLIENT, "status").startswith("✓ called back ")
            assert (
                panel.cell_text(CLIENT, "waiting") == "✓"
            )  # the mark stays where the status column is dropped
            line = await seen_by(sessions)
            assert (line.returned, line.attempts, line.last_outcome) == (True, 2, "answered")
            assert await attempts(sessions) == [
                ("Вера (103)", "busy"),
                ("Вера (103)", "answered"),
            ]
            await until(pilot, lambda: tile(board) == "0", "nothing left to call back")
            await sim.wait_calls()
            for desk in (mine, other):  # what each desk logs is written before they stop
                await desk.flush()
    finally:
        other_running.cancel()
        await asyncio.gather(other_running, return_exceptions=True)


async def test_history_shows_the_stored_state_after_a_restart(sessions: Sessions) -> None:
    """History's missed tab is the database's: a number answered on a call-back shows ✓ with
    the time, one still unreturned shows its age and attempts; nothing lives in memory."""
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    await missed_call(sessions, CLIENT, now - timedelta(hours=2), "m.1")
    await missed_call(sessions, CLIENT, now - timedelta(hours=1), "m.2")
    await missed_call(sessions, "+74957654321", now - timedelta(minutes=30), "m.3")
    async with sessions.begin() as session:
        for action_id, number, minutes, outcome in (
            ("a1", CLIENT, 50, CallBackOutcome.BUSY),
            ("a2", CLIENT, 40, CallBackOutcome.ANSWERED),
            ("a3", "+74957654321", 10, CallBackOutcome.NO_ANSWER),
        ):
            at = now - timedelta(minutes=minutes)
            attempt = CallBackAttempt("main", action_id, number, "103", "Вера (103)", at)
            assert await record_attempt(session, attempt) is not None
            await record_outcome(
                session, server="main", action_id=action_id, outcome=outcome, at=at
            )
    data = console_data(sessions)
    app = _ScreenApp(lambda: HistoryScreen(make_settings(), data, clock=lambda: now))
    async with app.run_test(size=(160, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        await until(pilot, lambda: len(screen.missed) == 2, "missed numbers")
        table = screen.query_one("#missed-table", MissedPanel)
        office = "+74957654321"
        assert [m.number for m in screen.missed] == [office, CLIENT]  # unreturned first
        assert (table.cell_text(office, "waiting"), table.cell_text(office, "status")) == (
            "30:00",
            "no answer",
        )
        assert table.cell_text(CLIENT, "status") == "✓ called back 11:20"
        assert (table.cell_text(CLIENT, "missed"), table.cell_text(CLIENT, "attempts")) == (
            "2",
            "2",
        )
        line = str(screen.query_one("#missed-line").render())
        assert line == "2 numbers missed today since 00:00, 1 not returned"


class _ScreenApp(App[None]):
    """A bare app showing one screen (no desk)."""

    def __init__(self, factory: Any) -> None:
        super().__init__()
        self._factory = factory

    def on_mount(self) -> None:
        self.push_screen(self._factory())


async def test_history_calls_the_missed_number_back_from_its_tab(sessions: Sessions) -> None:
    """In History (F4) `c` dials the number that called, whoever owns it, on the missed
    tab; on the calls tab it is not offered."""
    await missed_call(sessions, CLIENT, DESK_NOW - timedelta(minutes=20), "m.1")
    desk = FakeDesk()
    app = make_app(sessions, desk, role="supervisor")
    async with app.run_test(size=(160, 40)) as pilot:
        await app.switch_mode("history")
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        await until(pilot, lambda: bool(screen.missed), "the missed numbers")
        screen.query_one(MissedPanel).focus()
        await pilot.press("c")
        await until(pilot, lambda: bool(desk.originated), "the call-back placed")
        assert desk.originated == [{"phone": CLIENT, "name": "Смирнов"}]
        await pilot.press("l")
        await pilot.pause()
        assert screen.check_action("call_back", ()) is False
