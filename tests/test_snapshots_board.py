"""Snapshots of the supervisor board, in English and Russian (the dispatcher and the client
base: tests/test_snapshots_console.py).

Deterministic by construction: a fresh migrated SQLite database with a handful of known
rows, a fixed clock, times shown in UTC, and a scripted desk. The database is filled
before the app starts (in its own event loop) and the app gets its own engine, because
`snap_compare` runs the app in a loop of its own; that engine is disposed of afterwards
(see `tests.console_support.sessions_for_snapshot`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from textual.app import App
from textual.pilot import Pilot

from console import i18n
from console.config import OperatorSettings, RulesSettings, Settings, UiSettings
from console.i18n.bindings import localize_bindings
from console.screens.supervisor import SupervisorScreen
from pbx.call_events import LiveCall
from storage.call_backs import CallBackAttempt, record_attempt, record_outcome
from storage.calls import CallLogEntry, upsert_call
from storage.missed_closings import close_missed
from storage.models import CallBackOutcome, OperatorRole
from storage.roles import Actor
from tests.console_support import console_data, fill, sessions_for_snapshot, until
from tests.test_calls_log import entry

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

NOW = datetime(2026, 11, 22, 12, 0, 0, tzinfo=UTC)
SIZE = (150, 34)
OPERATORS = (
    OperatorSettings("101", "Анна", "IAX2/op101"),
    OperatorSettings("102", "Борис", "IAX2/op102"),
    OperatorSettings("103", "Вера", "IAX2/op103"),
)


@pytest.fixture(params=["en", "ru"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    lang: str = request.param
    i18n.set_language(lang)
    i18n.set_timezone(UTC)
    yield lang
    i18n.set_language("ru")
    i18n.set_timezone(None)


def settings(language: str) -> Settings:
    return Settings(
        operators=OPERATORS,
        ui=UiSettings(language=language, page_size=20),  # type: ignore[arg-type]
        rules=RulesSettings(service_level_seconds=20),
    )


class Host(App[None]):
    def __init__(self, factory: Any) -> None:
        super().__init__()
        localize_bindings(self)  # Textual's own «palette» key, as the console words it
        self._factory = factory

    def on_mount(self) -> None:
        self.push_screen(self._factory())


class StillDesk:
    """A desk frozen mid-afternoon: two calls talking, one caller waiting in a queue."""

    def __init__(self, calls: list[LiveCall]) -> None:
        self.calls = calls

    def live_calls(self) -> list[LiveCall]:
        return list(self.calls)

    async def _never(self) -> Any:
        await asyncio.Event().wait()
        yield  # pragma: no cover

    def listen(self) -> Any:
        return self._never()


def _live(linkedid: str, number: str, name: str | None, **kw: Any) -> LiveCall:
    base: dict[str, Any] = dict(
        server="main",
        linkedid=linkedid,
        direction="inbound",
        number=number,
        number_raw=number,
        name=name,
        queue=None,
        ringing=(),
        talking=None,
    )
    base.update(kw)
    return LiveCall(**base)


LIVE = [
    _live(
        "r1",
        "+79161234567",
        "Иванова Мария",
        state="talking",
        talking="101",
        started_at=NOW - timedelta(seconds=95),
        since=NOW - timedelta(seconds=92),
    ),
    _live(
        "r2",
        "+79032223344",
        "Кузнецов",
        state="talking",
        talking="102",
        started_at=NOW - timedelta(seconds=40),
        since=NOW - timedelta(seconds=33),
    ),
    _live(
        "r3",
        "+74957654321",
        None,
        state="queued",
        queue="dispatch",
        ringing=("103",),
        started_at=NOW - timedelta(seconds=27),
        since=NOW - timedelta(seconds=27),
    ),
    _live(
        "r4",
        "+79035556677",
        "ООО Ромашка",
        state="queued",
        queue="dispatch",
        ringing=("103",),
        started_at=NOW - timedelta(seconds=8),
        since=NOW - timedelta(seconds=8),
    ),
]


def _logged(
    linkedid: str,
    minutes_ago: int,
    *,
    rung: list[str],
    by: str | None,
    disposition: str,
    wait: float,
    talk: float,
    queue: str | None = "dispatch",
) -> CallLogEntry:
    at = NOW - timedelta(minutes=minutes_ago)
    return CallLogEntry(
        server="main",
        linkedid=linkedid,
        direction="inbound",
        number="+79161234567",
        number_raw="+79161234567",
        name=None,
        client_id=None,
        queue=queue,
        operators_rung=rung,
        answered_by=by,
        transferred_to=[],
        disposition=disposition,
        reason=None,
        started_at=at,
        answered_at=at + timedelta(seconds=wait) if by else None,
        ended_at=at + timedelta(seconds=wait + talk),
        wait_s=wait,
        talk_s=talk,
    )


LOG = [
    _logged(
        "c1",
        180,
        rung=["101", "102", "103"],
        by="102",
        disposition="answered",
        wait=4.5,
        talk=125.0,
    ),
    _logged("c2", 150, rung=["101"], by=None, disposition="missed", wait=6.0, talk=0, queue=None),
    _logged(
        "c3", 120, rung=["101", "103"], by="101", disposition="answered", wait=31.0, talk=242.0
    ),
    _logged("c4", 60, rung=["103"], by=None, disposition="abandoned", wait=44.0, talk=0),
    _logged("c5", 30, rung=["101", "102"], by="101", disposition="answered", wait=2.0, talk=61.0),
]


async def _log(sessions: async_sessionmaker[AsyncSession], entries: list[CallLogEntry]) -> None:
    async with sessions.begin() as session:
        for e in entries:
            await upsert_call(session, e)


def snap_board(
    snap_compare: Any,
    db_url: str,
    language: str,
    size: tuple[int, int],
    run_before: Callable[[Pilot[None]], Awaitable[None]],
) -> bool:
    """The board over the database at `db_url` and the frozen desk, at NOW, compared."""
    with sessions_for_snapshot(db_url) as sessions:
        app = Host(
            lambda: SupervisorScreen(
                settings(language),
                console_data(sessions),
                StillDesk(LIVE),
                clock=lambda: NOW,
                tick_seconds=3600,
            )
        )
        return bool(snap_compare(app, terminal_size=size, run_before=run_before))


def test_supervisor_board(snap_compare: Any, db_url: str, language: str) -> None:
    fill(db_url, lambda sessions: _log(sessions, LOG))

    async def loaded(pilot: Pilot[None]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, SupervisorScreen)
        await until(pilot, lambda: screen.stats_loads > 0, "today's figures")
        await until(pilot, lambda: bool(screen.live.waiting), "the waiting callers")
        await pilot.pause()

    assert snap_board(snap_compare, db_url, language, SIZE, loaded)


def _missed(linkedid: str, number: str, minutes_ago: int, name: str | None) -> CallLogEntry:
    at = NOW - timedelta(minutes=minutes_ago)
    missed = entry(linkedid, start=at, number=number, disposition="missed", queue="dispatch")
    return replace(missed, name=name, wait_s=20.0)


async def _missed_day(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Four numbers missed today: one twice and tried once (busy), one never tried, one
    called back and answered, one closed without a call-back (spam)."""
    await _log(
        sessions,
        [
            _missed("m1", "+79161234567", 200, "Иванова Мария"),
            _missed("m2", "+79161234567", 95, "Иванова Мария"),
            _missed("m3", "+74957654321", 41, None),
            _missed("m4", "+79035556677", 150, "ООО Ромашка"),
            _missed("m5", "+79260001122", 60, None),
        ],
    )
    async with sessions.begin() as session:
        for action_id, number, minutes, outcome in (
            ("a1", "+79161234567", 90, CallBackOutcome.BUSY),
            ("a2", "+79035556677", 140, CallBackOutcome.ANSWERED),
        ):
            at = NOW - timedelta(minutes=minutes)
            attempt = CallBackAttempt("main", action_id, number, "103", "Вера (103)", at)
            await record_attempt(session, attempt)
            await record_outcome(
                session, server="main", action_id=action_id, outcome=outcome, at=at
            )
        vera = Actor("Вера (103)", OperatorRole.SUPERVISOR)
        await close_missed(
            session, "+79260001122", "spam", actor=vera, at=NOW - timedelta(minutes=30)
        )


@pytest.mark.parametrize("size", [SIZE, (80, 24)], ids=["150x34", "80x24"])
def test_missed_callers_on_the_board(
    snap_compare: Any, db_url: str, language: str, size: tuple[int, int]
) -> None:
    """`m`: today's missed numbers in place of the live half, the unreturned first."""
    fill(db_url, _missed_day)

    async def opened(pilot: Pilot[None]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, SupervisorScreen)
        await until(pilot, lambda: len(screen.missed) == 4, "today's missed numbers")
        await pilot.press("m")
        await pilot.pause()

    assert snap_board(snap_compare, db_url, language, size, opened)
