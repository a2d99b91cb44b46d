"""The dispatcher screen driven through Textual's Pilot, against a real migrated SQLite
database and call events from the real tracker fed with recorded Asterisk sessions.

The desk here is a small fake with the real `Desk`'s surface: tests push desk events into
it (the same frozen dataclasses the real desk publishes) and read what the console asked
of it. Assertions look at posted messages and at the database, not at timing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from textual.message import Message

from console.app import ConsoleApp
from console.config import MeSettings, OperatorSettings, PbxSettings, Settings, UiSettings
from console.desk import ConnectionStatus, DeskEvent
from console.i18n import set_timezone
from console.messages import RingingForMe
from console.screens.dispatcher import DispatcherScreen
from pbx.call_events import CallRinging, LiveCall
from storage.clients import create_client
from storage.phones import classify_number

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

FIXTURES = Path(__file__).parent / "fixtures" / "ami"
NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
OPERATORS = (
    OperatorSettings("101", "Анна", "IAX2/op101"),
    OperatorSettings("102", "Борис", "IAX2/op102"),
    OperatorSettings("103", "Вера", "IAX2/op103"),
)


def make_settings(extension: str = "101", language: str = "en") -> Settings:
    return Settings(
        pbx=(PbxSettings(name="main", host="127.0.0.1"),),
        me=MeSettings(extension=extension),
        operators=OPERATORS,
        ui=UiSettings(language=language),  # type: ignore[arg-type]
    )


@dataclass
class FakeDesk:
    """The surface of `console.desk.Desk` the app uses, driven by the test."""

    calls: list[LiveCall] = field(default_factory=list)
    status: dict[str, ConnectionStatus] = field(default_factory=dict)
    originated: list[dict[str, Any]] = field(default_factory=list)
    refuse: str | None = None
    _queues: list[asyncio.Queue[DeskEvent]] = field(default_factory=list)

    async def run(self) -> None:
        await asyncio.Event().wait()

    def listen(self) -> AsyncIterator[DeskEvent]:
        queue: asyncio.Queue[DeskEvent] = asyncio.Queue()
        self._queues.append(queue)

        async def stream() -> AsyncIterator[DeskEvent]:
            while True:
                yield await queue.get()

        return stream()

    def emit(self, *events: DeskEvent) -> None:
        for queue in self._queues:
            for event in events:
                queue.put_nowait(event)

    def live_calls(self) -> list[LiveCall]:
        return list(self.calls)

    def connections(self) -> dict[str, ConnectionStatus]:
        return dict(self.status)

    async def click_to_call(
        self, *, phone_e164: str, client_name: str, extension: str | None = None
    ) -> str:
        if self.refuse:
            raise RuntimeError(self.refuse)
        self.originated.append({"phone": phone_e164, "name": client_name})
        return f"c2c-{len(self.originated)}"


@pytest.fixture(autouse=True)
def _utc_times() -> Iterable[None]:
    set_timezone(UTC)
    yield
    set_timezone(None)


def make_app(
    sessions: async_sessionmaker[AsyncSession],
    desk: FakeDesk,
    *,
    extension: str = "101",
    language: str = "en",
) -> ConsoleApp:
    return ConsoleApp(
        make_settings(extension, language), sessions, desk, clock=lambda: NOW, check_database=False
    )


def ring(
    number_raw: str,
    *,
    linkedid: str = "1700000000.1",
    extensions: tuple[str, ...] = ("101",),
    name: str | None = None,
    queue: str | None = None,
) -> CallRinging:
    classified = classify_number(number_raw, "RU")
    return CallRinging(
        server="main",
        linkedid=linkedid,
        extensions=extensions,
        started=extensions,
        direction="inbound",
        number=classified.e164,
        number_raw=number_raw,
        kind=classified.kind.value,
        name=name,
        queue=queue,
        at=NOW,
    )


async def settle(app: ConsoleApp, pilot: Any, rounds: int = 3) -> None:
    """Let messages and workers finish (no sleeping on a clock)."""
    for _ in range(rounds):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


def dispatcher(app: ConsoleApp) -> DispatcherScreen:
    screen = app.screen
    assert isinstance(screen, DispatcherScreen)
    return screen


async def new_client(sessions: async_sessionmaker[AsyncSession], phone: str, **values: Any) -> int:
    async with sessions.begin() as session:
        client = await create_client(session, values, [phone], actor="test")
        return client.id


async def test_ring_at_my_phone_pops_the_callers_card(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    client_id = await new_client(sessions, "+79161234567", last_name="Иванова", first_name="Мария")
    desk = FakeDesk()
    messages: list[Message] = []
    app = make_app(sessions, desk)
    async with app.run_test(message_hook=messages.append) as pilot:
        await pilot.pause()
        desk.emit(ring("+79161234567", name="Иванова Мария"))
        await pilot.pause()
        popups = dispatcher(app).popups
        assert list(popups) == ["main/1700000000.1"]
        popup = popups["main/1700000000.1"]
        # The number is on screen before any query returned (how fast: bench/).
        assert popup.shown_at is not None
        assert "+7 916 123-45-67" in str(popup.query_one("#call-line").render())
        await settle(app, pilot)
        assert popup.panel.card is not None
        assert popup.panel.card.id == client_id
        assert popup.panel.card.name == "Иванова Мария"
    assert any(isinstance(m, RingingForMe) for m in messages)


async def test_ring_at_a_colleagues_phone_does_not_pop(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    desk = FakeDesk()
    app = make_app(sessions, desk)
    async with app.run_test() as pilot:
        await pilot.pause()
        desk.emit(ring("+79161234567", extensions=("102",)))
        await settle(app, pilot)
        assert dispatcher(app).popups == {}
