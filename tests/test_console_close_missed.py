"""Closing a missed number without calling back, from the keys: `x` on the board's missed
list (against the simulated Asterisk, as the call-back tests) and on History's missed tab
opens the reason dialog, Enter closes, Escape cancels, `x` on a closed number reopens it;
a second console on the same database sees the closing at its next refresh; a dispatcher
is not offered the key; a database outage refuses it in words, changing nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from textual.widgets import Input

from console.app import ConsoleApp
from console.desk import Desk
from console.screens.close_missed import CloseMissedDialog
from console.screens.confirm import ConfirmScreen
from console.screens.history import HistoryScreen
from console.widgets.board.missed import MissedPanel
from pbx.simulator import AmiSimulator
from storage.audit import AuditFilter, list_audit
from storage.call_backs import MissedNumber, missed_numbers
from storage.db import create_engine, make_sessionmaker
from storage.models import MissedClosing
from tests.console_support import (
    DESK_NOW,
    FakeDesk,
    ManualClock,
    Notes,
    make_app,
    make_settings,
    until,
)
from tests.fake_timers import FakeTimers
from tests.support.tcp_proxy import TcpProxy
from tests.test_console_call_backs import (
    CLIENT,
    desk_settings,
    missed_call,
    open_missed_on_board,
    sim,
    tile,
    utc_desk,
)

__all__ = ["sim", "utc_desk"]  # fixtures of the call-back tests, used here

Sessions = async_sessionmaker[AsyncSession]
OFFICE = "+74957654321"
ON_SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


async def lines(sessions: Sessions) -> dict[str, MissedNumber]:
    async with sessions() as session:
        since = DESK_NOW.replace(hour=0, minute=0)
        return {m.number: m for m in await missed_numbers(session, since)}


async def two_missed(sessions: Sessions) -> None:
    await missed_call(sessions, CLIENT, DESK_NOW - timedelta(minutes=20), "m.1")
    await missed_call(sessions, OFFICE, DESK_NOW - timedelta(minutes=10), "m.2")


@ON_SQLITE
async def test_the_board_closes_a_number_with_a_reason_and_reopens_it(
    sim: AmiSimulator, sessions: Sessions
) -> None:
    await two_missed(sessions)
    keys = ManualClock()
    settings = desk_settings(sim)
    app = ConsoleApp(
        settings,
        sessions,
        Desk(settings, sessions),  # run by the app, against the simulator
        clock=lambda: DESK_NOW,
        check_database=False,
        timers=FakeTimers(),
        keys_clock=keys,
    )
    notes = Notes()
    async with app.run_test(size=(160, 48), message_hook=notes) as pilot:
        await sim.wait_for_login()
        await app.switch_mode("history")  # open in the background: it follows the closing
        history = app.screen
        assert isinstance(history, HistoryScreen)
        await until(pilot, lambda: len(history.missed) == 2, "History's missed numbers")
        board = await open_missed_on_board(app, pilot)
        panel = board.query_one(MissedPanel)
        assert tile(board) == "2" and panel.cursor_key == CLIENT  # the longest wait on top
        assert board.check_action("close_missed", ()) is True

        keys.advance(1.0)
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, CloseMissedDialog), "the dialog")
        await pilot.press("escape")  # cancelled: nothing changes
        await until(pilot, lambda: app.screen is board, "the board again")
        assert not (await lines(sessions))[CLIENT].returned

        keys.advance(1.0)
        await pilot.press("ч")  # `x` on the Russian layout
        await until(pilot, lambda: isinstance(app.screen, CloseMissedDialog), "the dialog")
        await pilot.press("down", "enter")  # the second reason offered
        await until(pilot, lambda: panel.cell_text(CLIENT, "status").startswith("✕"), "closed")
        assert panel.cell_text(CLIENT, "status") == "✕ closed 09:30 — wrong number (Вера (103))"
        assert (
            panel.cell_text(CLIENT, "waiting") == "✕"
        )  # the mark stays where the status column is dropped
        await until(pilot, lambda: tile(board) == "1", "one left to call back")
        line = (await lines(sessions))[CLIENT]
        assert (line.closed_by, line.close_reason) == ("Вера (103)", "wrong_number")
        assert "+7 903 111-22-33 closed without a call-back: wrong number" in notes.texts
        await until(pilot, lambda: history.missed[-1].closed, "History read again, no F5")

        # A reason typed: the cursor is on the office's line now (still waiting, on top).
        assert panel.cursor_key == OFFICE
        keys.advance(1.0)
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, CloseMissedDialog), "the dialog")
        app.screen.query_one("#close-typed", Input).focus()
        await pilot.press("enter")  # nothing typed: no reason, nothing closed
        assert isinstance(app.screen, CloseMissedDialog)
        await pilot.press(*"already ordered a taxi", "enter")
        await until(pilot, lambda: tile(board) == "0", "nothing left to call back")
        assert panel.cell_text(OFFICE, "status") == (
            "✕ closed 09:30 — already ordered a taxi (Вера (103))"
        )

        # `x` on a closed number reopens it, once confirmed.
        assert [m.number for m in board.missed] == [OFFICE, CLIENT]
        await pilot.press("down")
        keys.advance(1.0)
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        await until(pilot, lambda: tile(board) == "1", "the client to call back again")
        assert panel.cell_text(CLIENT, "status") == ""
        assert panel.cell_text(CLIENT, "waiting") == "20:00"

    async with sessions() as session:
        trail = await list_audit(session, AuditFilter(kinds=frozenset({"call_backs"})))
    assert [(r.actor, r.action, r.changes["reason"]) for r in reversed(trail)] == [
        ("Вера (103)", "missed_close", "wrong_number"),
        ("Вера (103)", "missed_close", "already ordered a taxi"),
        ("Вера (103)", "missed_reopen", "wrong_number"),
    ]
    assert {r.at for r in trail} == {DESK_NOW}


@ON_SQLITE
async def test_another_console_sees_the_closing_at_its_next_refresh(sessions: Sessions) -> None:
    """Two consoles on one SQLite database, in Russian: Вера closes a number in History;
    Борис's board shows it closed, with who and why, once it reads the day again (F5)."""
    await two_missed(sessions)
    vera = make_app(sessions, FakeDesk(), extension="103", language="ru", role="supervisor")
    boris = make_app(sessions, FakeDesk(), extension="102", language="ru", role="supervisor")
    async with boris.run_test(size=(160, 48)) as his:
        board = await open_missed_on_board(boris, his)
        panel = board.query_one(MissedPanel)
        assert tile(board) == "2"
        async with vera.run_test(size=(160, 48)) as hers:
            await vera.switch_mode("history")
            history = vera.screen
            assert isinstance(history, HistoryScreen)
            await until(hers, lambda: len(history.missed) == 2, "the missed numbers")
            history.query_one(MissedPanel).focus()
            await hers.press("x")
            await until(hers, lambda: isinstance(vera.screen, CloseMissedDialog), "the dialog")
            await hers.press("enter")  # «спам», the first reason
            mine = history.query_one(MissedPanel)
            await until(hers, lambda: mine.cell_text(CLIENT, "status").startswith("✕"), "closed")
            assert mine.cell_text(CLIENT, "status") == "✕ закрыт в 09:30 — спам (Вера (103))"
            line = str(history.query_one("#missed-line").render())
            assert line == "пропущенных номеров сегодня с 00:00: 2, не перезвонили: 1"

        assert tile(board) == "2"  # not read yet
        loads = board.stats_loads
        await his.press("f5")
        await until(his, lambda: board.stats_loads > loads, "the day read again")
        assert tile(board) == "1"
        assert panel.cell_text(CLIENT, "status") == "✕ закрыт в 09:30 — спам (Вера (103))"


@ON_SQLITE
async def test_a_dispatcher_is_not_offered_the_key(sessions: Sessions) -> None:
    await two_missed(sessions)
    app = make_app(sessions, FakeDesk())  # Анна (101), a dispatcher
    async with app.run_test(size=(160, 40)) as pilot:
        await app.switch_mode("history")
        history = app.screen
        assert isinstance(history, HistoryScreen)
        await until(pilot, lambda: bool(history.missed), "the missed numbers")
        history.query_one(MissedPanel).focus()
        assert history.check_action("close_missed", ()) is None  # shown dimmed
        await pilot.press("x")
        await pilot.pause()
        assert app.screen is history
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(MissedClosing)) == 0


@pytest.mark.parametrize(
    "db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
async def test_an_outage_refuses_the_closing_in_words_and_changes_nothing(
    db_url: str, sessions: Sessions
) -> None:
    await two_missed(sessions)
    async with TcpProxy("127.0.0.1", make_url(db_url).port or 5432) as proxy:
        proxied = make_url(db_url).set(host="127.0.0.1", port=proxy.port)
        engine = create_engine(proxied.render_as_string(hide_password=False))
        app = ConsoleApp(
            make_settings("103", role="supervisor"),
            make_sessionmaker(engine),
            FakeDesk(),
            clock=lambda: DESK_NOW,
            check_database=False,
            timers=FakeTimers(),
        )
        notes = Notes()
        try:
            async with app.run_test(size=(160, 40), message_hook=notes) as pilot:
                await app.switch_mode("history")
                history = app.screen
                assert isinstance(history, HistoryScreen)
                await until(pilot, lambda: len(history.missed) == 2, "the missed numbers")
                history.query_one(MissedPanel).focus()
                proxy.cut()
                await pilot.press("x")
                await until(pilot, lambda: isinstance(app.screen, CloseMissedDialog), "dialog")
                await pilot.press("enter")
                await until(
                    pilot,
                    lambda: any(
                        "Not closed: the database is unreachable" in t for t in notes.errors()
                    ),
                    "the closing refused in words",
                )
                assert not history.missed[0].returned
                proxy.restore()
        finally:
            await engine.dispose()
    assert not (await lines(sessions))[CLIENT].returned
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(MissedClosing)) == 0
