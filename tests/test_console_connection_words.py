"""What the console says about its PBX link, in Russian: a first connection, a PBX never
reached, a lost link and its return are each said differently, and the reasons come in
words, not in the socket library's English."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from textual.widgets import Static

from console.app import ConsoleApp
from console.desk import ConnectionStatus, Desk
from console.wording import link_problem
from pbx.ami_event import AmiEvent
from pbx.connection_state import ConnectionState, LinkProblem, LinkState
from tests.console_support import DESK_NOW, Notes, make_settings, until

T0 = DESK_NOW


class SteppedAmi:
    """An AMI link whose states the test releases one at a time."""

    def __init__(self) -> None:
        self.states: asyncio.Queue[ConnectionState] = asyncio.Queue()

    async def __aenter__(self) -> SteppedAmi:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def events(self) -> AsyncIterator[ConnectionState | AmiEvent]:
        while True:
            yield await self.states.get()


def refused(at: datetime) -> ConnectionState:
    return ConnectionState(
        "main",
        LinkState.DOWN,
        at,
        "cannot connect: Connect call failed ('127.0.0.1', 5038)",
        problem=LinkProblem.CANNOT_CONNECT,
        cause="ECONNREFUSED",
    )


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_never_reached_connected_lost_and_back_are_each_said_in_russian(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    ami = SteppedAmi()
    desk = Desk(make_settings(language="ru"), sessions, client_factory=cast(Any, lambda _p: ami))
    app = ConsoleApp(
        make_settings(language="ru"), sessions, desk, clock=lambda: T0, check_database=False
    )
    notes = Notes()
    bar: list[str] = []

    def status_line() -> str:
        return str(app.screen.query_one("#pbx-main", Static).render())

    async with app.run_test(size=(120, 30), message_hook=notes) as pilot:
        steps: list[tuple[ConnectionState, str]] = [
            (refused(T0), "Не удаётся подключиться к АТС main"),
            (ConnectionState("main", LinkState.UP, T0 + timedelta(minutes=1)), "установлена"),
            (
                ConnectionState(
                    "main",
                    LinkState.DOWN,
                    T0 + timedelta(minutes=2),
                    "connection closed by the PBX",
                    problem=LinkProblem.CLOSED,
                ),
                "Потеряна связь",
            ),
            (ConnectionState("main", LinkState.UP, T0 + timedelta(minutes=3)), "восстановлена"),
        ]
        for state, expected in steps:
            shown = len(notes.texts)
            ami.states.put_nowait(state)
            await until(pilot, lambda n=shown: len(notes.texts) > n, expected)  # type: ignore[misc]
            assert expected in notes.texts[-1]
            await pilot.pause()
            bar.append(status_line())

    never, first, lost, back = notes.texts
    assert "в соединении отказано" in never and "Connect call failed" not in never
    assert "АТС закрыла соединение" in lost
    assert "восстановлена" not in first and "Потеряна" not in never
    assert "недоступна" in bar[0] and "нет связи" in bar[2]
    assert back.startswith("Связь с АТС main восстановлена")


def test_a_cause_without_words_is_shown_as_it_came() -> None:
    status = ConnectionStatus(
        "main",
        "down",
        datetime(2026, 1, 1, tzinfo=UTC),
        problem="cannot_connect",
        cause="TLS handshake failed",
    )
    assert link_problem(status).endswith("TLS handshake failed")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_a_pbx_refusing_at_start_is_shown_unreachable_not_connecting(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """The refusal comes while the first screen is being built: the status bar still
    says it, rather than «connecting» for ever."""
    ami = SteppedAmi()
    ami.states.put_nowait(refused(T0))
    desk = Desk(make_settings(language="ru"), sessions, client_factory=cast(Any, lambda _p: ami))
    app = ConsoleApp(
        make_settings(language="ru"), sessions, desk, clock=lambda: T0, check_database=False
    )
    notes = Notes()
    async with app.run_test(size=(120, 30), message_hook=notes) as pilot:
        await until(pilot, lambda: bool(notes.texts), "the refusal said")
        await pilot.pause()
        line = str(app.screen.query_one("#pbx-main", Static).render())
    assert "недоступна" in line
