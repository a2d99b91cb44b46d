"""Snapshots of the dispatcher with a caller's card popped and of the client base, in
English and Russian, inside the real `ConsoleApp`.

Deterministic by construction: a fresh migrated SQLite database filled by `seed_desk` with
fixed times, a fixed clock, times shown in UTC, a fixed terminal size, a desk fake whose
live calls and link state are fixed, and no focused text box (no blinking cursor).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from textual.pilot import Pilot

from console import i18n
from console.app import ConsoleApp
from console.config import RulesSettings
from console.desk import CallerIdentified, ConnectionStatus
from console.screens.clients import ClientsScreen
from console.screens.dispatcher import DispatcherScreen
from console.widgets.calls.strip import CallsStrip
from console.widgets.clients.table import ClientTable
from pbx.call_events import CallRinging, LiveCall
from tests.console_support import (
    MARIA_PHONES,
    PETROV_PHONE,
    FakeDesk,
    Seeded,
    fill,
    make_settings,
    seed_desk,
    sessions_for_snapshot,
    settle,
    until,
)
from tests.fake_timers import FakeTimers

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
DISPATCHER_SIZE = (120, 40)
CLIENTS_SIZE = (120, 24)


@pytest.fixture(params=["en", "ru"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    lang: str = request.param
    i18n.set_timezone(UTC)
    yield lang
    i18n.set_language("ru")
    i18n.set_timezone(None)


def seeded(db_url: str) -> Seeded:
    return fill(db_url, lambda sessions: seed_desk(sessions, NOW))


def desk_now() -> FakeDesk:
    """Мария's call rings at 101 and 102 through the queue; Вера (103) talks to Петров."""
    return FakeDesk(
        status={"main": ConnectionStatus("main", "up", NOW - timedelta(hours=2))},
        calls=[
            LiveCall(
                server="main",
                linkedid="1700000001.1",
                direction="inbound",
                state="ringing",
                number=MARIA_PHONES[0],
                number_raw=MARIA_PHONES[0],
                name="Иванова Мария",
                queue="dispatch",
                ringing=("101", "102"),
                talking=None,
                started_at=NOW - timedelta(seconds=7),
                since=NOW - timedelta(seconds=7),
            ),
            LiveCall(
                server="main",
                linkedid="1700000000.9",
                direction="inbound",
                state="talking",
                number=PETROV_PHONE,
                number_raw=PETROV_PHONE,
                name=None,
                queue=None,
                ringing=(),
                talking="103",
                started_at=NOW - timedelta(seconds=95),
                since=NOW - timedelta(seconds=80),
            ),
        ],
    )


def console(sessions: Any, desk: FakeDesk, language: str) -> ConsoleApp:
    app = ConsoleApp(
        make_settings("101", language, rules=RulesSettings(max_unpaid_debts=1)),
        sessions,
        desk,
        clock=lambda: NOW,
        check_database=False,
        timers=FakeTimers(),
    )
    app.database_ok = True  # as the first database check would find it
    return app


def test_dispatcher_with_a_blacklisted_debtors_card(
    snap_compare: Any, db_url: str, language: str
) -> None:
    """The ring pops Мария's card: blacklist banner, orders blocked by two unpaid debts,
    the default tariff, phones, address, comment, counters and her last calls."""
    ids = seeded(db_url)
    desk = desk_now()

    async def ring(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, ConsoleApp)
        await pilot.pause()
        desk.emit(
            CallRinging(
                server="main",
                linkedid="1700000001.1",
                extensions=("101", "102"),
                started=("101", "102"),
                direction="inbound",
                number=MARIA_PHONES[0],
                number_raw=MARIA_PHONES[0],
                kind="phone",
                name="Иванова Мария",
                queue="dispatch",
                at=NOW - timedelta(seconds=7),
            )
        )
        await pilot.pause()
        desk.emit(CallerIdentified("main", "1700000001.1", ids.maria, False, "phone"))
        screen = app.screen
        assert isinstance(screen, DispatcherScreen)
        await until(pilot, lambda: bool(screen.popups), "the popup")
        popup = screen.popups["main/1700000001.1"]
        await until(pilot, lambda: popup.panel.card is not None, "the card")
        strip = screen.query_one(CallsStrip)
        await until(
            pilot,
            lambda: any(r.client for r in strip.strip_rows.values()),
            "the client's name in the strip",
        )
        await settle(app, pilot)

    with sessions_for_snapshot(db_url) as sessions:
        app = console(sessions, desk, language)
        assert snap_compare(app, terminal_size=DISPATCHER_SIZE, run_before=ring)


def test_client_base(snap_compare: Any, db_url: str, language: str) -> None:
    """The client base: blacklisted and indebted clients marked, filters at «any», page line."""
    seeded(db_url)

    async def open_base(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, ConsoleApp)
        await app.switch_mode("clients")
        screen = app.screen
        assert isinstance(screen, ClientsScreen)
        await until(
            pilot,
            lambda: screen.shown_query is not None and screen.shown_query == screen.query_state,
            "the first page",
        )
        await pilot.press("down")  # from the search box to the rows: no blinking cursor
        await until(pilot, lambda: isinstance(app.focused, ClientTable), "the table focused")
        await settle(app, pilot)

    with sessions_for_snapshot(db_url) as sessions:
        app = console(sessions, FakeDesk(), language)
        assert snap_compare(app, terminal_size=CLIENTS_SIZE, run_before=open_base)
