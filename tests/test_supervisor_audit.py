"""A supervisor's actions on the desk's queues and calls land in «who did what»: pause with
its reason, unpause, queue log in and out, listen-in and pickup, with the person at the
console and the moment, only when the PBX took them (a refusal changed nothing: not in
the trail). Driven through the real desk against the simulated Asterisk over TCP, on
SQLite and PostgreSQL; then on the board and in the desk's trail (F9) by keys."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from textual.widgets import Select

from console.app import ConsoleApp
from console.desk import Desk
from console.desk_writes import AUDIT, AUDIT_GROUP, DeskWrites
from console.journal import JournalEntry
from console.merge_words import describe_entry
from console.screens.audit import AuditScreen
from console.screens.pause_dialog import PauseDialog
from console.widgets.columns import FittedTable
from pbx.errors import MemberNotDynamicError
from storage.audit import OPERATOR_ENTITY, AuditFilter, AuditRow, list_audit
from storage.db import make_sessionmaker
from tests.console_support import until
from tests.test_console_queue_control import (
    SECRET,
    RecordingSimulator,
    desk_settings,
    on_board,
    select_operator,
    state,
)
from tests.test_outage_e2e import eventually, fast_retry, running, short_busy_engine
from tests.xlsx_support import speaking

Sessions = async_sessionmaker[AsyncSession]
GIVE_UP_S = 20.0


@pytest.fixture
async def sim() -> AsyncIterator[RecordingSimulator]:
    async with RecordingSimulator(
        port=0, username="console", secret=SECRET, dynamic_queues=("night",), call_speed=2.0
    ) as s:
        yield s


async def trail(sessions: Sessions, count: int, flt: AuditFilter | None = None) -> list[AuditRow]:
    """The trail once it holds `count` entries (the desk writes them from its journal)."""
    async with asyncio.timeout(GIVE_UP_S):
        while True:
            async with sessions() as session:
                rows = await list_audit(session, flt or AuditFilter())
            if len(rows) >= count:
                return rows
            await asyncio.sleep(0.05)


async def test_actions_taken_are_in_the_trail_with_who_and_when(
    sim: RecordingSimulator, sessions: Sessions
) -> None:
    settings = desk_settings(sim)  # me: Вера (103), a supervisor
    desk = Desk(settings, sessions)
    running = asyncio.create_task(desk.run())
    try:
        await sim.wait_for_login()
        async with asyncio.timeout(GIVE_UP_S):
            while len(desk.queue_members()) < 3:  # noqa: ASYNC110 - the desk's resync
                await asyncio.sleep(0.05)
        before = datetime.now(UTC)
        await desk.pause("IAX2/op101", reason="Lunch")
        await desk.unpause("IAX2/op101", "dispatch")
        await desk.log_in("IAX2/op102", "night")
        await desk.log_out("IAX2/op102", "night")
        with pytest.raises(MemberNotDynamicError):  # refused by the PBX: not recorded
            await desk.log_out("IAX2/op102", "dispatch")
        sim.start_call("direct_answered", devices=["IAX2/op101"])
        async with asyncio.timeout(GIVE_UP_S):
            while not any(c.talking == "101" for c in desk.live_calls()):  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        await desk.listen_in("IAX2/op101", "whisper")
        rows = await trail(sessions, 5, AuditFilter(kinds=frozenset({"queues", "supervision"})))
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
    assert [(r.action, r.changes) for r in reversed(rows)] == [
        ("queue_pause", {"operator": "Анна (101)", "queue": None, "reason": "Lunch"}),
        ("queue_unpause", {"operator": "Анна (101)", "queue": "dispatch"}),
        ("queue_login", {"operator": "Борис (102)", "queue": "night"}),
        ("queue_logout", {"operator": "Борис (102)", "queue": "night"}),
        ("spy_whisper", {"operator": "Анна (101)"}),
    ]
    assert {r.actor for r in rows} == {"Вера (103)"}  # as the card's edits name the seat
    assert {(r.entity, r.client_id, r.kind) for r in rows[1:]} == {
        (OPERATOR_ENTITY, None, "queues")
    }
    assert rows[0].kind == "supervision"
    assert all(r.at.replace(tzinfo=r.at.tzinfo or UTC) >= before for r in rows)
    async with sessions() as session:
        queues = await list_audit(session, AuditFilter(kinds=frozenset({"queues"})))
    assert len(queues) == 4


async def test_an_entry_kept_twice_by_the_journal_is_written_once(sessions: Sessions) -> None:
    """After a crash between the write and forgetting it, the journal applies it again."""
    writes = DeskWrites(sessions, "RU")
    payload = {
        "actor": "Вера (103)",
        "entity": OPERATOR_ENTITY,
        "action": "call_pickup",
        "changes": {"operator": "Борис (102)"},
        "at": datetime(2026, 12, 7, 9, 30, 0, 123456, tzinfo=UTC).isoformat(),
    }
    entry = JournalEntry(1, AUDIT, AUDIT_GROUP, payload, accepted_at=0.0)
    assert await writes.apply(entry) is True
    assert await writes.apply(entry) is False
    rows = await trail(sessions, 1)
    assert [(r.action, r.actor) for r in rows] == [("call_pickup", "Вера (103)")]


async def test_a_pause_from_the_board_reads_in_the_desks_trail(
    sim: RecordingSimulator, sessions: Sessions
) -> None:
    settings = desk_settings(sim, language="ru")
    app = ConsoleApp(settings, sessions, Desk(settings, sessions), check_database=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await on_board(app, pilot, sim)
        select_operator(screen, "101")
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, PauseDialog), "the pause dialog")
        await pilot.press("enter")  # the first reason: Lunch
        await until(pilot, lambda: state(screen, "101")[0] == "пауза", "101 paused")
        await trail(sessions, 1)
        await pilot.press("f9")
        audit = app.screen
        assert isinstance(audit, AuditScreen)
        table = audit.query_one(FittedTable)
        await until(pilot, lambda: table.row_count == 1, "the pause in the trail")
        [key] = table.shown
        assert table.cell_text(key, "who") == "Вера (103)"
        assert table.cell_text(key, "kind") == "Очереди"
        assert table.cell_text(key, "change") == (
            "Оператор поставлен на паузу: Оператор: Анна (101); Очередь: все очереди;"
            " Причина: Lunch"
        )
        assert table.cell_text(key, "client") == ""
        # Filtered by kind: the card's changes hide it, the queues' show it.
        kind = audit.query_one("#audit-kind", Select)
        kind.value = "card"
        await until(pilot, lambda: table.row_count == 0, "no card changes")
        kind.value = "queues"
        await until(pilot, lambda: table.row_count == 1, "the queues' entries")


def test_each_action_in_words() -> None:
    row = AuditRow(
        id=1,
        at=datetime(2026, 12, 7, 9, 30, tzinfo=UTC),
        actor="Вера (103)",
        entity=OPERATOR_ENTITY,
        entity_id=0,
        client_id=None,
        client_name=None,
        action="queue_login",
        changes={"operator": "Борис (102)", "queue": "night"},
    )
    with speaking("en"):
        assert describe_entry(row) == (
            "Queues",
            "Operator logged in to a queue: Operator: Борис (102); Queue: night",
        )
    words = {
        "queue_unpause": "Оператор снят с паузы",
        "queue_logout": "Оператор выведен из очереди",
        "spy_listen": "Прослушивание разговора",
        "spy_whisper": "Подсказка оператору",
        "spy_barge": "Вмешательство в разговор",
        "call_pickup": "Перехват звонка у коллеги",
    }
    with speaking("ru"):
        for action, said in words.items():
            kind = "Очереди" if action.startswith("queue_") else "Звонки"
            entry = replace(row, action=action, changes={"operator": "Борис (102)"})
            assert describe_entry(entry) == (kind, f"{said}: Оператор: Борис (102)")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_an_action_while_the_database_is_locked_is_written_when_it_is_free(
    sim: RecordingSimulator, db_url: str, sessions: Sessions
) -> None:
    """The pause is taken and said at once; its entry waits in the journal until the
    database takes writes again (a lock held past the busy timeout), then lands."""
    path = make_url(db_url).database
    assert path is not None
    engine = short_busy_engine(db_url)

    settings = desk_settings(sim)
    desk = Desk(settings, make_sessionmaker(engine), backoff=fast_retry())
    locker = sqlite3.connect(path, isolation_level=None)
    try:
        async with running(desk):
            await sim.wait_for_login()
            async with asyncio.timeout(GIVE_UP_S):
                while len(desk.queue_members()) < 3:  # noqa: ASYNC110 - the desk's resync
                    await asyncio.sleep(0.05)
            locker.execute("BEGIN IMMEDIATE")
            async with asyncio.timeout(GIVE_UP_S / 4):  # never waits for the database
                await desk.pause("IAX2/op102", reason="Lunch")

            async def held_back() -> bool:
                return desk.database().state == "down"

            await eventually(held_back)
            assert desk.database().waiting == 0  # an audit entry is no call waiting
            async with sessions() as session:  # WAL: reading while the lock is held
                assert await list_audit(session, AuditFilter()) == []
            locker.execute("COMMIT")
            [row] = await trail(sessions, 1)
    finally:
        locker.close()
        await engine.dispose()
    assert (row.action, row.actor, row.changes["reason"]) == ("queue_pause", "Вера (103)", "Lunch")
