"""What the console tests share: a desk fake with the real `Desk`'s surface, settings for the
desk in the AMI captures (operators 101–103), and ways to wait for the app without sleeping
a guessed time.

Waiting: `settle` waits for the app's *finite* workers (queries, writes). The desk worker,
the desk feed and the board's own feed never finish by design — waiting for "all workers"
would wait forever (that is what once hung the console tests) — so they are left out.
`until` polls a condition the user would see. Both give up with an AssertionError instead
of hanging the run; neither asserts anything about speed.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from textual.app import App
from textual.message import Message
from textual.notifications import Notification, Notify
from textual.pilot import Pilot
from textual.worker import Worker

from console.app import ConsoleApp
from console.config import (
    MeSettings,
    OperatorSettings,
    PageSize,
    PbxSettings,
    RulesSettings,
    Settings,
    UiSettings,
)
from console.data import ConsoleData
from console.desk import ConnectionStatus, Desk, DeskEvent
from console.screens.clients import ClientsScreen
from console.screens.dispatcher import BINDINGS_DELAY
from console.timers import ConsoleTimers
from console.widgets.clients.filter_bar import ClientFilterBar
from pbx.ami_event import AmiEvent
from pbx.call_events import CallRinging, LiveCall
from pbx.connection_state import ConnectionState, LinkState
from storage.accounts import add_operation
from storage.calls import CallLogEntry, upsert_call
from storage.clients import create_client, set_blacklist
from storage.db import create_engine, make_sessionmaker
from storage.debts import add_debt
from storage.models import OperatorRole, Tariff
from storage.phones import classify_number
from storage.roles import Actor
from tests.fake_timers import FakeTimers

_T = TypeVar("_T")

OPERATORS = (
    OperatorSettings("101", "Анна", "IAX2/op101"),
    OperatorSettings("102", "Борис", "IAX2/op102"),
    OperatorSettings("103", "Вера", "IAX2/op103"),
)

# Workers that run for the life of the app (or of a screen): never waited for.
# "card-ask": a card's action or question waiting for the person to answer its dialog.
LONG_LIVED_GROUPS = frozenset({"desk", "desk-feed", "board-desk", "click-to-call", "card-ask"})
GIVE_UP_SECONDS = 30.0  # a hang becomes a failure; not a speed limit
POLL = 0.02  # seconds between two looks at a condition


def make_settings(
    extension: str = "101",
    language: str = "en",
    *,
    page_size: PageSize = 20,
    rules: RulesSettings | None = None,
    role: str | None = None,
) -> Settings:
    """The desk of the AMI captures: one PBX «main», operators 101–103, me at `extension`
    (a dispatcher, like the others, unless `role` says otherwise)."""
    operators: tuple[OperatorSettings, ...] = OPERATORS
    if role is not None:
        operators = tuple(
            replace(o, role=role) if o.extension == extension else o for o in OPERATORS
        )
    return Settings(
        pbx=(PbxSettings(name="main", host="127.0.0.1"),),
        me=MeSettings(extension=extension),
        operators=operators,
        ui=UiSettings(language=language, page_size=page_size),  # type: ignore[arg-type]
        rules=rules or RulesSettings(service_level_seconds=20),
    )


@dataclass
class FakeDesk:
    """The surface of `console.desk.Desk` the app uses, driven by the test.

    `emit` hands events to every listener, as the real desk publishes them; `calls` is what
    `live_calls()` answers (a test may point `live` at a real `CallTracker.live_calls`);
    click-to-call requests are recorded and answered with action ids c2c-1, c2c-2, …, or
    refused with `refuse` as the reason."""

    calls: list[LiveCall] = field(default_factory=list)
    status: dict[str, ConnectionStatus] = field(default_factory=dict)
    originated: list[dict[str, Any]] = field(default_factory=list)
    refuse: str | Exception | None = None
    live: Callable[[], list[LiveCall]] | None = None
    _queues: list[asyncio.Queue[DeskEvent]] = field(default_factory=list)

    async def run(self) -> None:
        await asyncio.Event().wait()

    def listen(self) -> AsyncIterator[DeskEvent]:
        queue: asyncio.Queue[DeskEvent] = asyncio.Queue()
        self._queues.append(queue)

        async def stream() -> AsyncIterator[DeskEvent]:
            try:
                while True:
                    yield await queue.get()
            finally:
                self._queues.remove(queue)

        return stream()

    def emit(self, *events: DeskEvent) -> None:
        for queue in self._queues:
            for event in events:
                queue.put_nowait(event)

    def live_calls(self) -> list[LiveCall]:
        return self.live() if self.live is not None else list(self.calls)

    def connections(self) -> dict[str, ConnectionStatus]:
        return dict(self.status)

    async def click_to_call(
        self, *, phone_e164: str, client_name: str, extension: str | None = None
    ) -> str:
        if isinstance(self.refuse, Exception):
            raise self.refuse
        if self.refuse:
            raise RuntimeError(self.refuse)
        self.originated.append({"phone": phone_e164, "name": client_name})
        return f"c2c-{len(self.originated)}"


def finite_workers(app: App[Any]) -> list[Worker[Any]]:
    return [w for w in app.workers if w.group not in LONG_LIVED_GROUPS and not w.is_finished]


async def settle(app: App[Any], pilot: Pilot[Any], rounds: int = 3) -> None:
    """Let messages and the finite workers they start run to the end."""
    for _ in range(rounds):
        await pilot.pause()
        workers = finite_workers(app)
        if workers:
            try:
                await asyncio.wait_for(
                    asyncio.gather(*(w.wait() for w in workers), return_exceptions=True),
                    GIVE_UP_SECONDS,
                )
            except TimeoutError as exc:
                names = ", ".join(w.description or w.name for w in workers)
                raise AssertionError(f"workers never finished: {names}") from exc
    # A screen may rebuild its footer a little late (the dispatcher: after the card).
    let_time_pass(app, BINDINGS_DELAY)
    await pilot.pause()
    await pilot.pause()


def let_time_pass(app: App[Any], seconds: float) -> None:
    """The console's own timers see `seconds` pass (the app runs on `FakeTimers`)."""
    timers = getattr(app, "timers", None)
    if isinstance(timers, FakeTimers):
        timers.advance(seconds)


async def until(
    pilot: Pilot[Any], condition: Callable[[], object], what: str = "condition"
) -> None:
    """Poll `condition` between short pauses; fail (not hang) if it never holds. The
    console's timers see POLL seconds pass at each poll, as a waiting dispatcher's would."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + GIVE_UP_SECONDS
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"never happened: {what}")
        let_time_pass(pilot.app, POLL)
        await pilot.pause(POLL)


async def open_clients(app: App[Any], pilot: Pilot[Any]) -> ClientsScreen:
    """Switch to the client base and wait for its first page."""
    await app.switch_mode("clients")
    screen = app.screen
    assert isinstance(screen, ClientsScreen)
    await clients_page_ready(pilot, screen)
    return screen


async def clients_page_ready(pilot: Pilot[Any], screen: ClientsScreen) -> None:
    """The page on screen is the one for the search and filters as they are now: the
    screen has the filter the fields show (a value set a moment ago reaches it by two
    messages) and the page for it is in."""
    bar = screen.query_one(ClientFilterBar)

    def ready() -> bool:
        asked = screen.query_state
        counted = asked.filter.search.strip() or (
            screen.counted is not None and screen.counted[0] == asked.filter
        )  # the total of a filter comes in a worker of its own
        return asked.filter == bar.current and screen.shown_query == asked and bool(counted)

    await until(pilot, ready, "the client page")
    await pilot.pause()


def texts(widgets: Iterable[Any]) -> str:
    """What a set of Static widgets show, one line each."""
    return "\n".join(str(w.render()) for w in widgets)


# --- a known desk database ---------------------------------------------------------------

SEED_AT = datetime(2026, 8, 14, 10, 0, tzinfo=UTC)  # registrations, blacklisting, debts


@dataclass(frozen=True)
class Seeded:
    """Ids of what `seed_desk` wrote."""

    maria: int  # blacklisted, two unpaid debts (orders blocked), tariff «Комфорт»
    petrov: int  # a plain regular client
    romashka: int  # a corporate VIP client with one unpaid debt
    debts: tuple[int, int]  # Мария's debts, oldest first
    tariffs: dict[str, int]


MARIA_PHONES = ("+79161234567", "+74959876543")
PETROV_PHONE = "+79031112233"
ROMASHKA_PHONE = "+74951234567"


async def seed_desk(sessions: async_sessionmaker[AsyncSession], now: datetime) -> Seeded:
    """Three clients with every part of a card filled, and two logged calls of Мария's.

    Every time written is fixed (`SEED_AT`, or relative to `now`), so screens and snapshots
    show the same dates on every run."""
    async with sessions.begin() as session:
        tariffs = {name: Tariff(name=name) for name in ("Эконом", "Комфорт", "Бизнес")}
        session.add_all(tariffs.values())
        await session.flush()
        maria = await create_client(
            session,
            {
                "last_name": "Иванова",
                "first_name": "Мария",
                "middle_name": "Сергеевна",
                "city": "Москва",
                "street": "Тверская",
                "house": "7",
                "entrance": "2",
                "comment": "Просит подавать машину во двор",
                "status": "regular",
                "tariff_id": tariffs["Комфорт"].id,
                "completed_orders": 37,
                "false_orders": 2,
                "bonus_orders": 3,
                "complaints": 1,
            },
            list(MARIA_PHONES),
            actor="Анна (101)",
            at=SEED_AT,
        )
        await add_operation(  # money moves by operations, never by an edit
            session,
            maria.id,
            "bonus_credit",
            "120.50",
            actor=Actor("Вера (103)", OperatorRole.SUPERVISOR),
            comment="за отзыв",
            at=SEED_AT,
        )
        petrov = await create_client(
            session,
            {
                "last_name": "Петров",
                "first_name": "Пётр",
                "city": "Казань",
                "status": "regular",
                "tariff_id": tariffs["Эконом"].id,
                "completed_orders": 12,
            },
            [PETROV_PHONE],
            actor="Анна (101)",
            at=SEED_AT,
        )
        romashka = await create_client(
            session,
            {
                "kind": "corporate",
                "organisation": "ООО Ромашка",
                "city": "Москва",
                "status": "vip",
                "tariff_id": tariffs["Бизнес"].id,
                "completed_orders": 140,
            },
            [ROMASHKA_PHONE],
            actor="Анна (101)",
            at=SEED_AT,
        )
        await set_blacklist(
            session,
            maria.id,
            True,
            "Ложные вызовы",
            "Борис (102)",
            at=SEED_AT + timedelta(days=30),
        )
        first = await add_debt(
            session,
            maria.id,
            "350.00",
            reason="late_cancel",
            actor="Борис (102)",
            order_ref="A-1042",
            at=SEED_AT + timedelta(days=31),
        )
        second = await add_debt(
            session,
            maria.id,
            "1200.00",
            reason="unpaid_order",
            actor="Борис (102)",
            order_ref="A-1107",
            at=SEED_AT + timedelta(days=60),
        )
        await add_debt(  # one debt: marked in the client base, orders not blocked
            session,
            romashka.id,
            "5000.00",
            reason="unpaid_order",
            actor="Вера (103)",
            order_ref="B-77",
            at=SEED_AT + timedelta(days=70),
        )
        for n, (hours, by, talk) in enumerate(((30, "101", 95.0), (6, None, 0.0))):
            at = now - timedelta(hours=hours)
            await upsert_call(
                session,
                CallLogEntry(
                    server="main",
                    linkedid=f"seed.{n}",
                    direction="inbound",
                    number=MARIA_PHONES[0],
                    number_raw=MARIA_PHONES[0],
                    name="Иванова Мария",
                    client_id=maria.id,
                    queue="dispatch",
                    operators_rung=["101"],
                    answered_by=by,
                    transferred_to=[],
                    disposition="answered" if by else "missed",
                    reason=None,
                    started_at=at,
                    answered_at=at + timedelta(seconds=4) if by else None,
                    ended_at=at + timedelta(seconds=4 + talk),
                    wait_s=4.0,
                    talk_s=talk,
                ),
            )
        return Seeded(
            maria.id,
            petrov.id,
            romashka.id,
            (first.id, second.id),
            {name: t.id for name, t in tariffs.items()},
        )


@contextmanager
def sessions_for_snapshot(db_url: str) -> Iterator[async_sessionmaker[AsyncSession]]:
    """Sessions on `db_url` for an app that `snap_compare` runs in an event loop of its own.

    The engine is disposed afterwards: a pooled aiosqlite connection left open keeps a
    non-daemon thread alive, and the test process would then never exit."""
    engine = create_engine(db_url)
    try:
        yield make_sessionmaker(engine)
    finally:
        asyncio.run(engine.dispose())


def fill(db_url: str, write: Callable[[async_sessionmaker[AsyncSession]], Awaitable[_T]]) -> _T:
    """Run `write` against `db_url` in a loop of its own (before `snap_compare` starts)."""

    async def run() -> _T:
        engine = create_engine(db_url)
        try:
            return await write(make_sessionmaker(engine))
        finally:
            await engine.dispose()

    return asyncio.run(run())


# --- a PBX link for a real Desk, and what the console said ------------------------------


class ScriptedAmi:
    """Stands in for `pbx.ami_client.AmiClient` inside a real `console.desk.Desk`: the link
    comes up (nothing live to resync), then the AMI events the test feeds arrive in order —
    typically a capture recorded from a real Asterisk (`tracker_support.events_of`)."""

    def __init__(self, server: str = "main") -> None:
        self.server = server
        self._queue: asyncio.Queue[AmiEvent] = asyncio.Queue()

    async def __aenter__(self) -> ScriptedAmi:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def events(self) -> AsyncIterator[ConnectionState | AmiEvent]:
        yield ConnectionState(self.server, LinkState.UP, datetime.now(UTC), snapshot=())
        while True:
            yield await self._queue.get()

    def feed(self, events: Iterable[AmiEvent]) -> None:
        for event in events:
            self._queue.put_nowait(event)

    def idle(self) -> bool:
        """Every fed event was taken by the desk."""
        return self._queue.empty()


_desks = itertools.count(1)


def real_desk(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], ami: ScriptedAmi
) -> Desk:
    """The console's real desk (tracker, caller identification, call log) on `ami`, with a
    journal of its own (a journal is one process's: two desks of one test share none)."""
    return Desk(
        settings,
        sessions,
        client_factory=cast(Any, lambda _pbx: ami),
        role=f"desk{next(_desks)}",
    )


class Notes:
    """Every notification the app raised (toasts are off under `run_test`): pass as the
    `message_hook` of `run_test`."""

    def __init__(self) -> None:
        self.shown: list[Notification] = []

    def __call__(self, message: Message) -> None:
        if isinstance(message, Notify):
            self.shown.append(message.notification)

    @property
    def texts(self) -> list[str]:
        return [n.message for n in self.shown]

    def errors(self) -> list[str]:
        return [n.message for n in self.shown if n.severity == "error"]


DESK_NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)  # «now» of the Pilot tests


def make_app(
    sessions: async_sessionmaker[AsyncSession],
    desk: FakeDesk,
    *,
    extension: str = "101",
    language: str = "en",
    timers: ConsoleTimers | None = None,
    keys_clock: Callable[[], float] | None = None,
    role: str | None = None,
) -> ConsoleApp:
    """The console at extension 101 (or `extension`) over a fake desk, its clock at DESK_NOW,
    its timers on a `FakeTimers` clock (moved by `settle` and `until`) unless given;
    `keys_clock` tells when keys are pressed (see `ManualClock`); the seat's operator has
    `role` (a dispatcher unless a test needs more)."""
    return ConsoleApp(
        make_settings(extension, language, role=role),
        sessions,
        desk,
        clock=lambda: DESK_NOW,
        check_database=False,
        timers=timers or FakeTimers(),
        keys_clock=keys_clock,
    )


class ManualClock:
    """A monotonic clock that moves only when the test says: `advance(seconds)`."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def ring(
    number_raw: str,
    *,
    linkedid: str = "1700000000.1",
    extensions: tuple[str, ...] = ("101",),
    name: str | None = None,
    queue: str | None = None,
    at: datetime = DESK_NOW,
) -> CallRinging:
    """A ring at the desk's extensions, as the tracker reports it."""
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
        at=at,
    )


def console_data(sessions: async_sessionmaker[AsyncSession]) -> ConsoleData:
    """The service a screen built by hand gets (the app builds its own)."""
    settings = make_settings()
    return ConsoleData(
        sessions,
        region=settings.phone.region,
        max_unpaid_debts=settings.rules.max_unpaid_debts,
    )
