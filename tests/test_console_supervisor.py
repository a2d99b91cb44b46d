"""The supervisor board and the call history, driven with Textual's Pilot on a real
migrated SQLite database.

Today's figures must come from the call log, so these tests write calls with the real
`storage.calls.upsert_call` (exactly what the desk's recorder path writes) and read the
board; the live half is fed from a scripted desk whose `LiveCall` snapshots are what the
tracker produces. The board's clock is a fixed, hand-advanced one.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from textual.app import App
from textual.widgets import Select, Static

from console import i18n
from console.app import ConsoleApp
from console.config import OperatorSettings, RulesSettings, Settings, UiSettings
from console.desk import CallLogged, DeskEvent, call_log_entry
from console.screens.history import HistoryScreen
from console.screens.supervisor import SupervisorScreen
from console.widgets.board.panels import LONGEST_STYLE, OperatorPanel, WaitingPanel
from console.widgets.columns import FittedTable
from pbx.call_events import CallAnswered, CallEnded, CallRecord, CallRinging, LiveCall
from pbx.capture import capture_events, read_capture
from pbx.tracker import CallTracker, OperatorDevice
from storage.calls import CallLogEntry, upsert_call
from storage.phones import classify_number
from tests.console_support import FakeDesk, console_data, settle, until
from tests.console_support import make_settings as desk_settings
from tests.fake_timers import FakeTimers

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

FIXTURES = Path(__file__).parent / "fixtures" / "ami"

NOW = datetime(2026, 11, 22, 12, 0, 0, tzinfo=UTC)
OPERATORS = (
    OperatorSettings("101", "Анна", "IAX2/op101"),
    OperatorSettings("102", "Борис", "IAX2/op102"),
    OperatorSettings("103", "Вера", "IAX2/op103"),
)


def make_settings(language: str = "en") -> Settings:
    return Settings(
        operators=OPERATORS,
        ui=UiSettings(language=language, page_size=20),  # type: ignore[arg-type]
        rules=RulesSettings(service_level_seconds=20),
    )


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    i18n.set_language("en")
    i18n.set_timezone(UTC)
    yield
    i18n.set_language("ru")
    i18n.set_timezone(None)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


class ScriptedDesk:
    """Stands in for `console.desk.Desk`: live calls set by the test, events pushed by it."""

    def __init__(self, calls: list[LiveCall] | None = None) -> None:
        self.calls = list(calls or [])
        self._queues: list[asyncio.Queue[DeskEvent]] = []

    def live_calls(self) -> list[LiveCall]:
        return list(self.calls)

    def listen(self) -> AsyncIterator[DeskEvent]:
        queue: asyncio.Queue[DeskEvent] = asyncio.Queue()
        self._queues.append(queue)

        async def stream() -> AsyncIterator[DeskEvent]:
            while True:
                yield await queue.get()

        return stream()

    def publish(self, event: DeskEvent) -> None:
        for queue in self._queues:
            queue.put_nowait(event)


class BoardApp(App[None]):
    def __init__(self, screen_factory: Any) -> None:
        super().__init__()
        self._factory = screen_factory

    def on_mount(self) -> None:
        self.push_screen(self._factory())


def live(
    linkedid: str,
    *,
    state: str,
    number: str | None,
    name: str | None = None,
    queue: str | None = None,
    ringing: tuple[str, ...] = (),
    talking: str | None = None,
    started: datetime,
    since: datetime | None = None,
) -> LiveCall:
    return LiveCall(
        server="main",
        linkedid=linkedid,
        direction="inbound",
        state=state,  # type: ignore[arg-type]
        number=number,
        number_raw=number or "",
        name=name,
        queue=queue,
        ringing=ringing,
        talking=talking,
        started_at=started,
        since=since or started,
    )


def entry(
    linkedid: str,
    *,
    rung: list[str],
    answered_by: str | None,
    disposition: str,
    wait: float,
    talk: float,
    queue: str | None = None,
    at: datetime = NOW - timedelta(hours=1),
) -> CallLogEntry:
    """A call-log row as the desk writes it at the end of a call."""
    return CallLogEntry(
        server="main",
        linkedid=linkedid,
        direction="inbound",
        number="+79161234567",
        number_raw="+79161234567",
        name="Иванова Мария",
        client_id=None,
        queue=queue,
        operators_rung=rung,
        answered_by=answered_by,
        transferred_to=[],
        disposition=disposition,
        reason=None,
        started_at=at,
        answered_at=at + timedelta(seconds=wait) if answered_by else None,
        ended_at=at + timedelta(seconds=wait + talk),
        wait_s=wait,
        talk_s=talk,
    )


# The conclusions of tests/fixtures/ami/README.md for these two captures.
QUEUE_RINGALL = entry(
    "1700000001.1",
    rung=["103", "102", "101"],
    answered_by="102",
    disposition="answered",
    wait=4.5,
    talk=5.5,
    queue="dispatch",
)
INBOUND_MISSED = entry(
    "1700000002.1", rung=["101"], answered_by=None, disposition="missed", wait=6.0, talk=0.0
)


async def log_calls(sessions: async_sessionmaker[AsyncSession], *entries: CallLogEntry) -> None:
    async with sessions.begin() as session:
        for e in entries:
            await upsert_call(session, e)


def tile(screen: SupervisorScreen, name: str) -> str:
    rendered = screen.query_one(f"#total-{name}", Static).render()
    return str(rendered).split("\n")[0]


async def test_todays_figures_come_from_the_call_log(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """queue_ringall + inbound_missed: inbound 2, answered 1, missed 1, per-operator right."""
    await log_calls(sessions, QUEUE_RINGALL, INBOUND_MISSED)
    desk = ScriptedDesk()
    data = console_data(sessions)
    app = BoardApp(lambda: SupervisorScreen(make_settings(), data, desk, clock=Clock(NOW)))
    async with app.run_test(size=(160, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, SupervisorScreen)
        await until(pilot, lambda: screen.stats_loads >= 1, "today's figures")
        await pilot.pause()
        assert tile(screen, "inbound") == "2"
        assert tile(screen, "answered") == "1"
        assert tile(screen, "missed") == "1"
        assert tile(screen, "avg_wait") == "0:05"  # (4.5 + 6.0) / 2
        assert tile(screen, "avg_talk") == "0:05"  # 5.5 over one answered call
        assert tile(screen, "service_level") == "50%"  # 1 of 2 answered within 20 s
        ops = screen.query_one(OperatorPanel)
        assert [ops.cell_text(e, "answered") for e in ("101", "102", "103")] == ["0", "1", "0"]
        # 101 rang on the missed call; the queue call 102 took is nobody's miss.
        assert [ops.cell_text(e, "missed") for e in ("101", "102", "103")] == ["1", "0", "0"]
        assert ops.cell_text("102", "talk_total") == "0:05"
        assert ops.cell_text("102", "talk_avg") == "0:05"
        assert ops.cell_text("101", "talk_avg") == "—"
        assert [ops.cell_text(e, "state") for e in ("101", "102", "103")] == ["idle"] * 3


async def test_figures_follow_the_log_when_a_call_is_logged(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    desk = ScriptedDesk()
    data = console_data(sessions)
    app = BoardApp(lambda: SupervisorScreen(make_settings(), data, desk, clock=Clock(NOW)))
    async with app.run_test(size=(160, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, SupervisorScreen)
        await until(pilot, lambda: screen.stats_loads >= 1, "first figures")
        assert tile(screen, "inbound") == "0"
        assert tile(screen, "avg_wait") == "—"
        await log_calls(sessions, INBOUND_MISSED)
        loads = screen.stats_loads
        desk.publish(CallLogged("main", INBOUND_MISSED.linkedid, None, 1))
        await until(pilot, lambda: screen.stats_loads > loads, "figures after CallLogged")
        await pilot.pause()
        assert tile(screen, "inbound") == "1"
        assert tile(screen, "missed") == "1"
        assert screen.query_one(OperatorPanel).cell_text("101", "missed") == "1"


async def test_yesterdays_calls_are_not_today(sessions: async_sessionmaker[AsyncSession]) -> None:
    old = entry(
        "1699990000.1",
        rung=["101"],
        answered_by="101",
        disposition="answered",
        wait=2.0,
        talk=30.0,
        at=NOW - timedelta(days=1),
    )
    await log_calls(sessions, old, INBOUND_MISSED)
    data = console_data(sessions)
    app = BoardApp(
        lambda: SupervisorScreen(make_settings(), data, ScriptedDesk(), clock=Clock(NOW))
    )
    async with app.run_test(size=(160, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, SupervisorScreen)
        await until(pilot, lambda: screen.stats_loads >= 1, "figures")
        await pilot.pause()
        assert tile(screen, "inbound") == "1"
        assert tile(screen, "answered") == "0"


async def test_waiting_time_ticks_and_the_longest_wait_stands_out(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    clock = Clock(NOW)
    desk = ScriptedDesk(
        [
            live(
                "w1",
                state="queued",
                number="+74957654321",
                name="Кузнецов",
                queue="dispatch",
                ringing=("103",),
                started=NOW - timedelta(seconds=12),
            ),
            live(
                "w2",
                state="ringing",
                number="+79031112233",
                ringing=("102",),
                started=NOW - timedelta(seconds=3),
            ),
        ]
    )
    data = console_data(sessions)
    app = BoardApp(
        lambda: SupervisorScreen(make_settings(), data, desk, clock=clock, tick_seconds=3600)
    )
    async with app.run_test(size=(160, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, SupervisorScreen)
        await pilot.pause()
        waiting = screen.query_one(WaitingPanel)
        assert list(waiting.shown) == ["main/w1", "main/w2"]  # oldest first
        assert waiting.cell_text("main/w1", "waiting") == "0:12"
        assert waiting.cell_text("main/w2", "waiting") == "0:03"
        # Кузнецов is what the caller ID says; the number belongs to no client.
        assert waiting.cell_text("main/w1", "cid_name") == "Кузнецов"
        assert waiting.cell_text("main/w1", "client") == ""
        assert str(waiting.shown["main/w1"]["queue"].style) == LONGEST_STYLE
        assert str(waiting.shown["main/w2"]["queue"].style) == ""
        title = str(screen.query_one("#board-waiting-title", Static).render())
        assert "Waiting: 2" in title and "dispatch 1" in title and "direct 1" in title

        clock.at = NOW + timedelta(seconds=65)
        screen.tick()
        await pilot.pause()
        assert waiting.cell_text("main/w1", "waiting") == "1:17"
        assert waiting.cell_text("main/w2", "waiting") == "1:08"
        ops = screen.query_one(OperatorPanel)
        assert ops.cell_text("103", "state") == "ringing"
        assert ops.cell_text("102", "state") == "ringing"
        assert ops.cell_text("101", "state") == "idle"

        # 102 answers w2: it leaves the waiting list, 102 is talking, times restart.
        desk.calls[1] = live(
            "w2",
            state="talking",
            number="+79031112233",
            talking="102",
            started=NOW - timedelta(seconds=3),
            since=NOW + timedelta(seconds=60),
        )
        desk.publish(CallAnswered("main", "w2", "102", NOW + timedelta(seconds=60)))
        await until(pilot, lambda: "main/w2" not in waiting.shown, "answered call to leave")
        assert ops.cell_text("102", "state") == "talking"
        assert ops.cell_text("102", "for") == "0:05"
        assert ops.cell_text("102", "party") == "+7 903 111-22-33"


async def test_operator_talking_and_ringing_states(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """resync_actions.jsonl's live picture: 2 talking calls and 1 waiting caller."""
    desk = ScriptedDesk(
        [
            live(
                "r1",
                state="talking",
                number="+79161234567",
                name="Иванова Мария",
                talking="101",
                started=NOW - timedelta(seconds=14),
                since=NOW - timedelta(seconds=12),
            ),
            live(
                "r2",
                state="talking",
                number="+79032223344",
                name="Кузнецов",
                talking="102",
                started=NOW - timedelta(seconds=13),
                since=NOW - timedelta(seconds=12),
            ),
            live(
                "r3",
                state="queued",
                number="+74957654321",
                queue="dispatch",
                ringing=("103",),
                started=NOW - timedelta(seconds=12),
            ),
        ]
    )
    data = console_data(sessions)
    app = BoardApp(lambda: SupervisorScreen(make_settings(), data, desk, clock=Clock(NOW)))
    async with app.run_test(size=(160, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, SupervisorScreen)
        await pilot.pause()
        ops = screen.query_one(OperatorPanel)
        assert [ops.cell_text(e, "state") for e in ("101", "102", "103")] == [
            "talking",
            "talking",
            "ringing",
        ]
        # No client owns the number here: the caller ID name, marked as such by «».
        assert ops.cell_text("101", "party") == "«Иванова Мария» +7 916 123-45-67"
        assert ops.cell_text("101", "for") == "0:12"
        assert list(screen.query_one(WaitingPanel).shown) == ["main/r3"]


async def test_missed_calls_call_back_and_history_filters(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """The missed list shows the unanswered caller (the answered call started at the same
    moment does not return it); the history tab filters by operator and result, paged
    from the call log."""
    await log_calls(sessions, QUEUE_RINGALL, INBOUND_MISSED)
    data = console_data(sessions)
    app = BoardApp(lambda: HistoryScreen(make_settings(), data, clock=Clock(NOW)))
    async with app.run_test(size=(160, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        await until(pilot, lambda: bool(screen.missed), "missed calls")
        assert [m.linkedid for m in screen.missed] == [INBOUND_MISSED.linkedid]
        missed = screen.query_one("#missed-table", FittedTable)
        assert missed.cell_text("+79161234567", "waiting") == "1:00:00"  # missed an hour ago
        assert missed.cell_text("+79161234567", "status") == ""

        await until(pilot, lambda: screen.history is not None, "history page")
        assert screen.history is not None and screen.history.total == 2
        await pilot.press("l")
        screen.query_one("#history-disposition", Select).value = "answered"
        await until(
            pilot,
            lambda: screen.history is not None and screen.history.total == 1,
            "filtered history",
        )
        assert screen.history is not None
        assert [c.linkedid for c in screen.history.rows] == [QUEUE_RINGALL.linkedid]
        history = screen.query_one("#history-table", FittedTable)
        answered = str(screen.history.rows[0].id)
        assert history.cell_text(answered, "operator") == "Борис"  # answered by 102


# --- the board after calls replayed from a real Asterisk -----------------------------------

CAPTURE_EPOCH = 1_795_365_000.0  # 2026-11-22 16:30 UTC


def log_entry(record: CallRecord) -> CallLogEntry:
    """The call-log row the desk writes for a finished call."""
    return call_log_entry(record, None)


async def test_board_after_replayed_captures_matches_their_readme(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """queue_ringall.jsonl then inbound_missed.jsonl, through the real CallTracker into the
    console's desk and call log. README: the queue call rings 103, 102, 101 and 102 answers
    (wait ~4.5 s, talk ~5.5 s); the direct call rings 101 and is missed after ~6 s."""
    tracker = CallTracker(
        server="main",
        operators=[OperatorDevice(o.extension, o.name, o.device) for o in OPERATORS],
        classify=functools.partial(classify_number, region="RU"),
    )
    desk = FakeDesk(live=tracker.live_calls)
    clock = Clock(datetime.fromtimestamp(CAPTURE_EPOCH + 300, UTC))
    # The supervisor's own console: no extension of its own, so no call pops a card here.
    app = ConsoleApp(
        desk_settings(""), sessions, desk, clock=clock, check_database=False, timers=FakeTimers()
    )

    async def replay(name: str, offset_s: float) -> None:
        records = read_capture(FIXTURES / name)
        for event in capture_events(records, server="main", base_epoch=CAPTURE_EPOCH + offset_s):
            out = tracker.feed(event)
            desk.emit(*out)
            for ended in (e for e in out if isinstance(e, CallEnded)):
                async with sessions.begin() as session:
                    call_id = await upsert_call(session, log_entry(ended.record))
                desk.emit(CallLogged("main", ended.record.linkedid, None, call_id))

    async with app.run_test(size=(160, 40)) as pilot:
        await app.switch_mode("supervisor")
        screen = app.screen
        assert isinstance(screen, SupervisorScreen)
        await until(pilot, lambda: screen.stats_loads >= 1, "today's first figures")
        ops = screen.query_one(OperatorPanel)
        waiting = screen.query_one(WaitingPanel)

        await replay("queue_ringall.jsonl", 0)
        loads = screen.stats_loads
        await replay("inbound_missed.jsonl", 120)
        await until(pilot, lambda: screen.stats_loads > loads, "figures after the calls")
        await settle(app, pilot)
        await until(pilot, lambda: tile(screen, "inbound") == "2", "both calls counted")

        assert list(waiting.shown) == []
        assert tile(screen, "answered") == "1"
        assert tile(screen, "missed") == "1"
        assert tile(screen, "avg_wait") == "0:05"  # (4.5 + 6.0) / 2
        assert tile(screen, "avg_talk") == "0:05"  # 5.5 over the one answered call
        assert tile(screen, "service_level") == "50%"  # 1 of 2 answered within 20 s
        assert [ops.cell_text(e, "answered") for e in ("101", "102", "103")] == ["0", "1", "0"]
        # 101 rang on the missed call; the queue call 102 took is nobody's miss.
        assert [ops.cell_text(e, "missed") for e in ("101", "102", "103")] == ["1", "0", "0"]
        assert ops.cell_text("102", "talk_total") == "0:05"
        assert [ops.cell_text(e, "state") for e in ("101", "102", "103")] == ["idle"] * 3


async def test_board_live_while_a_replayed_queue_call_rings_and_is_answered(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """queue_ringall.jsonl stopped half-way: the caller waits in «dispatch» while all three
    ring; once 102 answers, 102 talks and nobody waits."""
    tracker = CallTracker(
        server="main",
        operators=[OperatorDevice(o.extension, o.name, o.device) for o in OPERATORS],
        classify=functools.partial(classify_number, region="RU"),
    )
    desk = FakeDesk(live=tracker.live_calls)
    clock = Clock(datetime.fromtimestamp(CAPTURE_EPOCH + 3, UTC))
    app = ConsoleApp(
        desk_settings(""), sessions, desk, clock=clock, check_database=False, timers=FakeTimers()
    )
    events = iter(
        capture_events(
            read_capture(FIXTURES / "queue_ringall.jsonl"), server="main", base_epoch=CAPTURE_EPOCH
        )
    )
    async with app.run_test(size=(160, 40)) as pilot:
        await app.switch_mode("supervisor")
        screen = app.screen
        assert isinstance(screen, SupervisorScreen)
        ops = screen.query_one(OperatorPanel)
        waiting = screen.query_one(WaitingPanel)
        ringing: set[str] = set()
        for event in events:
            out = tracker.feed(event)
            desk.emit(*out)
            ringing |= {x for e in out if isinstance(e, CallRinging) for x in e.started}
            if ringing == {"101", "102", "103"}:
                break
        await until(pilot, lambda: len(waiting.shown) == 1, "the caller waiting")
        [key] = list(waiting.shown)
        assert waiting.cell_text(key, "queue") == "dispatch"
        assert waiting.cell_text(key, "caller") == "+7 916 123-45-67"
        await until(
            pilot,
            lambda: [ops.cell_text(e, "state") for e in ("101", "102", "103")] == ["ringing"] * 3,
            "all three ringing",
        )
        for event in events:
            out = tracker.feed(event)
            desk.emit(*out)
            if any(isinstance(e, CallAnswered) for e in out):
                break
        await until(pilot, lambda: not waiting.shown, "the caller no longer waiting")
        assert [ops.cell_text(e, "state") for e in ("101", "102", "103")] == [
            "idle",
            "talking",
            "idle",
        ]
        assert ops.cell_text("102", "party").endswith("+7 916 123-45-67")


async def test_queue_panel_colours_what_needs_a_look(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """[rules]: a service level under the goal is red, at or above it green; a caller
    waiting longer than long_wait_seconds is red in the queue panel and the waiting list."""
    from console.widgets.board.panels import (
        AT_GOAL_STYLE,
        LONG_WAIT_STYLE,
        QueuePanel,
        WaitingPanel,
    )

    await log_calls(sessions, QUEUE_RINGALL, INBOUND_MISSED)
    desk = ScriptedDesk(
        [
            live("w1", state="queued", number="+79161234567", queue="dispatch",
                 started=NOW - timedelta(seconds=200)),
            live("w2", state="queued", number="+79035556677", queue="dispatch",
                 started=NOW - timedelta(seconds=90)),
            live("w3", state="queued", number="+74957654321", queue="dispatch",
                 started=NOW - timedelta(seconds=10)),
        ]
    )  # fmt: skip
    rules = RulesSettings(service_level_seconds=20, service_level_goal=80, long_wait_seconds=60)
    settings = replace(make_settings(), rules=rules)
    app = BoardApp(
        lambda: SupervisorScreen(settings, console_data(sessions), desk, clock=Clock(NOW))
    )
    async with app.run_test(size=(160, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, SupervisorScreen)
        await until(pilot, lambda: screen.stats_loads >= 1, "today's figures")
        await pilot.pause()
        queues = screen.query_one(QueuePanel)
        row = queues.shown["dispatch"]
        assert (row["waiting"].plain, row["longest"].plain) == ("3", "3:20")
        assert str(row["longest"].style) == LONG_WAIT_STYLE
        assert (row["answered"].plain, row["service_level"].plain) == ("1", "100%")
        assert str(row["service_level"].style) == AT_GOAL_STYLE
        total = screen.query_one("#total-service_level", Static).render()
        assert "50%" in str(total)
        tile_styles = {str(span.style) for span in getattr(total, "spans", [])}
        assert any("red" in style and "bold" in style for style in tile_styles)  # below 80 %
        waiting = screen.query_one(WaitingPanel)
        styles = [str(waiting.shown[f"main/{k}"]["waiting"].style) for k in ("w1", "w2", "w3")]
        assert styles[1:] == [LONG_WAIT_STYLE, ""]  # the first is the longest: reversed
