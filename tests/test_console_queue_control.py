"""The supervisor runs the queues from the board, against the simulated Asterisk over TCP:
pause with a reason and unpause, log in to and out of a queue (and the refusal for a
member written in queues.conf), listen / whisper / barge ringing the supervisor's own phone,
and a dispatcher refused; pickup from the dispatcher's screen. Each test checks what the
PBX received and what the board (or the call log) then shows."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from textual.pilot import Pilot

from console.app import ConsoleApp
from console.config import MeSettings, PauseReason, PbxSettings, Secret, Settings
from console.desk import Desk
from console.screens.pause_dialog import PauseDialog
from console.screens.supervisor import SupervisorScreen
from console.widgets.board.panels import OperatorPanel
from pbx.simulator import AmiSimulator
from storage.models import Call
from tests.console_support import make_settings, until

SECRET = "queue-control-Zq9"
Sessions = async_sessionmaker[AsyncSession]


class RecordingSimulator(AmiSimulator):
    """The simulator, keeping every action it received (headers as sent)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.received: list[dict[str, str]] = []

    async def _handle(self, session: Any, h: dict[str, str]) -> None:
        self.received.append(dict(h))
        await super()._handle(session, h)

    def sent(self, action: str) -> list[dict[str, str]]:
        return [
            {k: v for k, v in h.items() if k != "ActionID"}
            for h in self.received
            if h.get("Action", "").lower() == action.lower()
        ]


@pytest.fixture
async def sim() -> AsyncIterator[RecordingSimulator]:
    async with RecordingSimulator(
        port=0, username="console", secret=SECRET, dynamic_queues=("night",), call_speed=2.0
    ) as s:
        yield s


def desk_settings(
    sim: AmiSimulator, me: str = "103", role: str = "supervisor", language: str = "en"
) -> Settings:
    """Operators 101-103; `me` has `role`; the PBX is the simulator."""
    base = make_settings(me, language)
    operators = tuple(replace(o, role=role) if o.extension == me else o for o in base.operators)
    pbx = PbxSettings(
        name="main", host="127.0.0.1", port=sim.port, username="console", secret=Secret(SECRET)
    )
    return replace(
        base,
        pbx=(pbx,),
        operators=operators,
        pause_reasons=(PauseReason("Lunch"), PauseReason("Paperwork")),
    )


async def on_board(app: ConsoleApp, pilot: Pilot[None], sim: AmiSimulator) -> SupervisorScreen:
    await sim.wait_for_login()
    await app.switch_mode("supervisor")
    screen = app.screen
    assert isinstance(screen, SupervisorScreen)
    await until(pilot, lambda: len(screen.queues) == 3, "the queue members on the board")
    return screen


def state(screen: SupervisorScreen, extension: str) -> tuple[str, str]:
    panel = screen.query_one(OperatorPanel)
    return panel.cell_text(extension, "state"), panel.cell_text(extension, "party")


def said(app: ConsoleApp) -> list[str]:
    return [n.message for n in app._notifications]


def select_operator(screen: SupervisorScreen, extension: str) -> None:
    panel = screen.query_one(OperatorPanel)
    panel.focus()
    panel.move_cursor(row=panel.get_row_index(extension))


async def test_pause_with_a_reason_then_unpause(
    sim: RecordingSimulator, sessions: Sessions
) -> None:
    settings = desk_settings(sim)
    app = ConsoleApp(settings, sessions, Desk(settings, sessions), check_database=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await on_board(app, pilot, sim)
        assert state(screen, "101") == ("idle", "")
        select_operator(screen, "101")
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, PauseDialog), "the pause dialog")
        await pilot.press("down", "enter")  # the second reason
        await until(pilot, lambda: state(screen, "101")[0] == "paused", "101 paused")
        assert state(screen, "101")[1].startswith("Paperwork since ")
        assert sim.sent("QueuePause") == [
            {
                "Action": "QueuePause",
                "Interface": "IAX2/op101",
                "Paused": "true",
                "Reason": "Paperwork",
            }
        ]
        assert any("Анна (101): paused (Paperwork)" in m for m in said(app))
        # A typed reason, in one queue only.
        select_operator(screen, "102")
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, PauseDialog), "the pause dialog")
        dialog = app.screen
        dialog.query_one("#pause-where").value = "dispatch"  # type: ignore[attr-defined]
        dialog.query_one("#pause-typed").focus()
        await pilot.press(*"Training", "enter")
        await until(pilot, lambda: state(screen, "102")[0] == "paused", "102 paused")
        assert sim.sent("QueuePause")[-1] == {
            "Action": "QueuePause",
            "Queue": "dispatch",
            "Interface": "IAX2/op102",
            "Paused": "true",
            "Reason": "Training",
        }
        select_operator(screen, "101")
        await pilot.press("u")
        await until(pilot, lambda: state(screen, "101")[0] == "idle", "101 back")
        assert sim.sent("QueuePause")[-1] == {
            "Action": "QueuePause",
            "Interface": "IAX2/op101",
            "Paused": "false",
        }
        assert screen.queues["101"].paused_today_s >= 0.0


async def test_log_in_and_out_of_a_queue_and_the_static_refusal(
    sim: RecordingSimulator, sessions: Sessions
) -> None:
    settings = desk_settings(sim)
    app = ConsoleApp(settings, sessions, Desk(settings, sessions), check_database=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await on_board(app, pilot, sim)
        select_operator(screen, "101")
        await pilot.press("i")
        await until(pilot, lambda: app.screen is not screen, "the queues dialog")
        await pilot.press("2")  # night: not in it
        await until(
            pilot, lambda: "night" in screen.queues["101"].logged_in, "101 logged in to night"
        )
        assert sim.sent("QueueAdd") == [
            {
                "Action": "QueueAdd",
                "Queue": "night",
                "Interface": "IAX2/op101",
                "MemberName": "Анна",
                "StateInterface": "IAX2/op101",
            }
        ]
        await pilot.press("i")
        await until(pilot, lambda: app.screen is not screen, "the queues dialog")
        await pilot.press("2")  # night: in it now, so out
        await until(
            pilot, lambda: "night" not in screen.queues["101"].logged_in, "101 out of night"
        )
        assert sim.sent("QueueRemove") == [
            {"Action": "QueueRemove", "Queue": "night", "Interface": "IAX2/op101"}
        ]
        # dispatch is written in queues.conf: Asterisk refuses, the board says why.
        await pilot.press("i")
        await until(pilot, lambda: app.screen is not screen, "the queues dialog")
        await pilot.press("1")
        await until(
            pilot,
            lambda: any("queues.conf: they can only be paused" in m for m in said(app)),
            "the refusal in words",
        )
        assert sim.sent("QueueRemove")[-1]["Queue"] == "dispatch"
        assert "dispatch" in screen.queues["101"].logged_in


@pytest.mark.parametrize(
    ("key", "mode", "options", "words"),
    [
        ("l", "listen", "qE", "Listening: Вера (103) → Анна (101)"),
        ("w", "whisper", "qwE", "Whispering: Вера (103) → Анна (101)"),
        ("b", "barge", "qBE", "Barged in: Вера (103) → Анна (101)"),
    ],
)
async def test_listen_whisper_barge_ring_the_supervisors_phone(
    sim: RecordingSimulator, sessions: Sessions, key: str, mode: str, options: str, words: str
) -> None:
    settings = desk_settings(sim)
    app = ConsoleApp(settings, sessions, Desk(settings, sessions), check_database=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await on_board(app, pilot, sim)
        sim.start_call("direct_answered", devices=["IAX2/op101"])
        await until(pilot, lambda: state(screen, "101")[0] == "talking", "101 talking")
        select_operator(screen, "101")
        await pilot.press(key)
        await until(
            pilot,
            lambda: words in str(screen.query_one("#board-ops-title").render()),
            "who listens to whom",
        )
        [originate] = sim.sent("Originate")
        assert originate["Channel"] == "IAX2/op103"  # the supervisor's own phone first
        assert (originate["Application"], originate["Data"]) == ("ChanSpy", f"IAX2/op101,{options}")
        assert originate["CallerID"] == f'"Listen-in 101" <{options}>'
        assert any("Your phone rings" in m for m in said(app))
        await sim.wait_calls()


async def test_listening_to_an_operator_not_on_a_call_is_not_sent(
    sim: RecordingSimulator, sessions: Sessions
) -> None:
    settings = desk_settings(sim)
    app = ConsoleApp(settings, sessions, Desk(settings, sessions), check_database=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await on_board(app, pilot, sim)
        select_operator(screen, "102")
        await pilot.press("l")
        await until(pilot, lambda: any("not on a call" in m for m in said(app)), "why not")
        assert sim.sent("Originate") == []


async def test_a_dispatcher_is_refused_with_the_reason(
    sim: RecordingSimulator, sessions: Sessions
) -> None:
    settings = desk_settings(sim, me="102", role="dispatcher")
    app = ConsoleApp(settings, sessions, Desk(settings, sessions), check_database=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await on_board(app, pilot, sim)
        select_operator(screen, "101")
        for key in ("p", "u", "i", "l"):
            await pilot.press(key)
        await until(pilot, lambda: len(said(app)) >= 4, "four refusals")
        assert not isinstance(app.screen, PauseDialog)
        refusal = "Борис (dispatcher) may not do this: only a supervisor or an admin may"
        assert said(app)[-4:] == [refusal] * 4
        assert sim.sent("QueuePause") == sim.sent("QueueAdd") == sim.sent("Originate") == []


async def test_a_missing_write_class_is_named(sim: RecordingSimulator, sessions: Sessions) -> None:
    sim.denied_actions = {"queuepause"}
    settings = desk_settings(sim, language="ru")
    app = ConsoleApp(settings, sessions, Desk(settings, sessions), check_database=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await on_board(app, pilot, sim)
        select_operator(screen, "101")
        await pilot.press("u")
        await until(pilot, lambda: any("«agent»" in m for m in said(app)), "the class named")
        assert "АТС отказала: у пользователя AMI нет класса записи «agent» (manager.conf)" in said(
            app
        )


async def test_pickup_from_the_dispatcher_screen_is_answered_by_whoever_took_it(
    sim: RecordingSimulator, sessions: Sessions
) -> None:
    sim.pickup_talk_s = 0.5
    settings = desk_settings(sim, me="101", role="dispatcher")
    desk = Desk(settings, sessions)
    app = ConsoleApp(settings, sessions, desk, check_database=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await sim.wait_for_login()
        await pilot.press("f7")
        await until(pilot, lambda: any("No call is ringing" in m for m in said(app)), "nothing")
        linkedid = sim.start_call("direct_missed", devices=["IAX2/op102"])
        await until(
            pilot, lambda: any("102" in c.ringing for c in desk.live_calls()), "102 ringing"
        )
        await pilot.press("f7")
        await until(pilot, lambda: bool(sim.sent("Originate")), "the pickup sent")
        [originate] = sim.sent("Originate")
        assert (originate["Channel"], originate["Application"], originate["Data"]) == (
            "IAX2/op101",
            "PickupChan",
            "IAX2/op102",
        )

        async def logged() -> Call | None:
            async with sessions() as session:
                return await session.scalar(select(Call).where(Call.linkedid == linkedid))

        found: list[Call] = []

        async def poll() -> None:
            while True:
                call = await logged()
                if call is not None:
                    found.append(call)
                    return
                await pilot.pause(0.05)

        await asyncio.wait_for(poll(), 30)
        assert (found[0].answered_by, found[0].disposition) == ("101", "answered")


async def test_a_seat_that_is_no_operator_is_warned_at_start(
    sim: RecordingSimulator, sessions: Sessions
) -> None:
    settings = replace(desk_settings(sim, language="ru"), me=MeSettings(extension="199"))
    app = ConsoleApp(settings, sessions, Desk(settings, sessions), check_database=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: bool(said(app)), "the warning")
        assert said(app)[0] == (
            "Номер 199 из [me] не указан в [[operators]]: нет телефона для вызова и нет роли."
            " Добавьте его в конфигурацию."
        )
        # and the board's keys say the same instead of acting
        await app.switch_mode("supervisor")
        await pilot.press("p")
        await until(pilot, lambda: len(said(app)) >= 2, "the refusal")
        assert "Номер 199 из [me] не указан в [[operators]]" in said(app)[-1]


async def test_a_pickup_with_nothing_left_to_take_is_said(
    sim: RecordingSimulator, sessions: Sessions
) -> None:
    """The call stopped ringing between the key and the PBX: my phone rang for nothing,
    and the console says so (the leg is no call of the log)."""
    settings = desk_settings(sim, me="101", role="dispatcher")
    desk = Desk(settings, sessions)
    app = ConsoleApp(settings, sessions, desk, check_database=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await sim.wait_for_login()
        await until(pilot, lambda: desk.connections()["main"].state == "up", "the link")
        await desk.pickup("IAX2/op102", "Перехват 102")
        await until(
            pilot,
            lambda: "Did not start: the call is over or no longer rings" in said(app),
            "why it did not start",
        )


def test_pickup_offers_each_colleague_whose_phone_rings_once() -> None:
    """Oldest call first; a call also ringing here is answered, not picked up; a colleague
    offered two calls is listed once (PickupChan takes what rings at that phone)."""
    from datetime import UTC, datetime, timedelta

    from console.i18n import set_language
    from console.pickup import colleague_rings
    from pbx.call_events import LiveCall

    set_language("en")
    t0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)

    def ringing(linkedid: str, at: int, *exts: str, raw: str = "+79161234567") -> LiveCall:
        return LiveCall(
            server="main",
            linkedid=linkedid,
            direction="inbound",
            state="ringing",
            number=raw if raw.startswith("+") else None,
            number_raw=raw,
            name=None,
            queue=None,
            ringing=exts,
            talking=None,
            started_at=t0 + timedelta(seconds=at),
            since=t0 + timedelta(seconds=at),
        )

    settings = make_settings("101", "en")
    calls = [
        ringing("c3", 30, "103", raw="anonymous"),
        ringing("c1", 10, "102"),
        ringing("c2", 20, "102", "101"),  # rings here too
        ringing("c4", 40, "102"),
    ]
    try:
        assert colleague_rings(calls, settings) == [
            ("IAX2/op102", "Борис (102): +7 916 123-45-67"),
            ("IAX2/op103", "Вера (103): number withheld"),
        ]
    finally:
        set_language("ru")
