"""Whole flows of the dispatcher's console driven by calls recorded from a real Asterisk
(tests/fixtures/ami, whose README says what a correct console concludes from each).

- A first call from a new number, through the console's real `Desk` (tracker, caller
  identification, call log) with a headless recorder's `Desk` beside it, as at a desk:
  one client is created, the card opens in edit mode on the name, the call is logged.
- A queue ringall, one console per operator: the card pops at every ringing operator and
  closes at the others when one answers.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Iterable, Iterator
from datetime import UTC
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from textual.widgets import Input

from console.app import ConsoleApp
from console.i18n import set_language, set_timezone
from console.screens.dispatcher import DispatcherScreen
from console.widgets.card.edit import CardEditForm
from console.widgets.card.popup import CallPopup
from pbx.ami_event import AmiEvent
from pbx.call_events import CallAnswered, CallEvent, CallRinging, CallStoppedRinging
from pbx.capture import capture_events, read_capture
from pbx.tracker import CallTracker, OperatorDevice
from storage.clients import create_client
from storage.models import Call, Client, ClientPhone
from storage.phones import classify_number
from tests.console_support import (
    OPERATORS,
    FakeDesk,
    ScriptedAmi,
    make_settings,
    real_desk,
    settle,
    until,
)
from tests.fake_timers import FakeTimers

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

FIXTURES = Path(__file__).parent / "fixtures" / "ami"
BASE_EPOCH = 1_795_365_000.0  # 2026-11-22 16:30 UTC, as tests/tracker_support.py anchors them
MARIA = "+79161234567"  # the caller in every inbound capture


@pytest.fixture(autouse=True)
def _english_utc() -> Iterator[None]:
    set_timezone(UTC)
    yield
    set_language("ru")
    set_timezone(None)


def capture(name: str, *, base_epoch: float = BASE_EPOCH) -> list[AmiEvent]:
    return capture_events(read_capture(FIXTURES / name), server="main", base_epoch=base_epoch)


def linkedid_of(events: Iterable[AmiEvent]) -> str:
    return next(e.headers["Linkedid"] for e in events if "Linkedid" in e.headers)


def dispatcher(app: ConsoleApp) -> DispatcherScreen:
    screen = app.get_screen("dispatcher") if app.current_mode != "dispatcher" else app.screen
    assert isinstance(screen, DispatcherScreen)
    return screen


async def count(sessions: async_sessionmaker[AsyncSession], stmt: object) -> int:
    async with sessions() as session:
        return int(await session.scalar(stmt) or 0)  # type: ignore[call-overload]


async def test_a_new_number_creates_one_client_and_opens_its_card_to_type_the_name(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """inbound_answered.jsonl: +79161234567 «Иванова Мария», unknown to the database,
    rings 101. The console of 101 and a headless recorder both see it."""
    settings = make_settings("101")
    console_ami, recorder_ami = ScriptedAmi(), ScriptedAmi()
    desk = real_desk(settings, sessions, console_ami)
    recorder = real_desk(make_settings(""), sessions, recorder_ami)
    app = ConsoleApp(settings, sessions, desk, check_database=False, timers=FakeTimers())
    recording = asyncio.create_task(recorder.run())
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            # Stamped now, as a live connection stamps events: the desk registers the
            # caller at its own «now».
            started = time.time()
            first = capture("inbound_answered.jsonl", base_epoch=started)
            key = f"main/{linkedid_of(first)}"
            recorder_ami.feed(first)
            console_ami.feed(first)
            screen = dispatcher(app)
            await until(pilot, lambda: key in screen.popups, "the popup")
            popup = screen.popups[key]
            await until(pilot, lambda: bool(popup.query("#call-line")), "the call line")
            assert "+7 916 123-45-67" in str(popup.query_one("#call-line").render())
            await until(
                pilot,
                lambda: popup.panel.editing and isinstance(app.focused, Input),
                "edit mode on the new client, a field focused",
            )
            form = popup.panel.query_one(CardEditForm)
            assert app.focused is form.query_one("#edit-last_name")  # the cursor on the name
            # The caller ID name is the client's name until someone edits it.
            assert form.query_one("#edit-last_name", Input).value == "Иванова"
            assert form.query_one("#edit-first_name", Input).value == "Мария"
            # While the caller is on the line: the main fields only; F6 shows them all.
            balance = form.query_one("#edit-credit_limit", Input)
            assert form.quick and not balance.display and form.query_one("#edit-city").display
            assert "F6" in str(form.query_one("#edit-hint").render())
            await pilot.press("f6")
            await until(pilot, lambda: balance.display, "every field after F6")
            assert not form.quick and app.focused is form.query_one("#edit-last_name")
            await until(  # the card loads after the form opens: wait for it, under load too
                pilot,
                lambda: "+7 916 123-45-67" in str(popup.panel.query_one("#card-notice").render()),
                "the new-client notice with the number it was registered with",
            )
            card = popup.panel.card
            assert card is not None and card.e164s == [MARIA]

            await until(pilot, console_ami.idle, "the console's desk to take the capture")
            await until(pilot, recorder_ami.idle, "the recorder to take the capture")
            await desk.flush()
            await recorder.flush()
            await settle(app, pilot)
            assert popup.state == "ended" and popup.panel.editing  # typing is not lost

            # A later call from the same number: no second client, the card just shows.
            second = capture("inbound_missed.jsonl", base_epoch=started + 600)
            key2 = f"main/{linkedid_of(second)}"
            console_ami.feed(second)
            await until(pilot, lambda: key2 in screen.popups, "the second popup")
            popup2 = screen.popups[key2]
            await until(pilot, lambda: popup2.panel.card is not None, "the second card")
            assert popup2.panel.card is not None and popup2.panel.card.id == card.id
            assert not popup2.panel.editing
            await until(pilot, console_ami.idle, "the second capture taken")
            await desk.flush()
    finally:
        recording.cancel()
        await asyncio.gather(recording, return_exceptions=True)

    owners = select(func.count()).select_from(ClientPhone).where(ClientPhone.e164 == MARIA)
    assert await count(sessions, owners) == 1
    assert await count(sessions, select(func.count()).select_from(Client)) == 1
    async with sessions() as session:
        client = await session.get(Client, card.id)
        assert client is not None
        assert (client.last_name, client.first_name) == ("Иванова", "Мария")
        calls = (await session.scalars(select(Call).order_by(Call.started_at))).all()
    # One row per call although a console and a recorder both logged the first one.
    assert [(c.disposition, c.client_id) for c in calls] == [
        ("answered", card.id),
        ("missed", card.id),
    ]


def state(popup: CallPopup) -> str:
    return popup.state


def feed_until(
    tracker: CallTracker,
    events: Iterator[AmiEvent],
    desk: FakeDesk,
    seen: list[CallEvent],
    done: type[CallEvent] | None,
    *,
    all_ringing: bool = False,
) -> None:
    """Feed the capture through the real tracker into the desk fake, up to and including
    the first AMI event that produced a `done` event (or every operator ringing)."""
    ringing: set[str] = set()
    for event in events:
        out = tracker.feed(event)
        seen += out
        desk.emit(*out)
        ringing |= {x for e in out if isinstance(e, CallRinging) for x in e.started}
        if all_ringing and ringing >= {o.extension for o in OPERATORS}:
            return
        if done is not None and any(isinstance(e, done) for e in out):
            return


@pytest.mark.parametrize("me", ["101", "102", "103"])
async def test_queue_ringall_pops_at_every_ringing_operator_and_closes_at_the_others(
    sessions: async_sessionmaker[AsyncSession], me: str
) -> None:
    """queue_ringall.jsonl: 103, 102 and 101 ring together; 102 answers."""
    async with sessions.begin() as session:
        client = await create_client(
            session, {"last_name": "Иванова", "first_name": "Мария"}, [MARIA], actor="test"
        )
        client_id = client.id
    tracker = CallTracker(
        server="main",
        operators=[OperatorDevice(o.extension, o.name, o.device) for o in OPERATORS],
        classify=functools.partial(classify_number, region="RU"),
    )
    events = capture("queue_ringall.jsonl")
    key = f"main/{linkedid_of(events)}"
    remaining = iter(events)
    seen: list[CallEvent] = []
    desk = FakeDesk(live=tracker.live_calls)
    app = ConsoleApp(make_settings(me), sessions, desk, check_database=False, timers=FakeTimers())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        feed_until(tracker, remaining, desk, seen, None, all_ringing=True)
        screen = dispatcher(app)
        await until(pilot, lambda: key in screen.popups, f"the popup at {me}")
        popup = screen.popups[key]
        await until(pilot, lambda: popup.panel.card is not None, "the caller's card")
        assert popup.panel.card is not None and popup.panel.card.id == client_id
        assert popup.state == "ringing"
        assert "dispatch" in str(popup.query_one("#call-line").render())

        feed_until(tracker, remaining, desk, seen, CallAnswered)
        await settle(app, pilot)
        if me == "102":
            assert list(screen.popups) == [key]
            assert state(popup) == "talking"
        else:
            stopped = [e for e in seen if isinstance(e, CallStoppedRinging) and e.extension == me]
            assert [(e.reason, e.answered_by) for e in stopped] == [("answered_elsewhere", "102")]
            assert screen.popups == {}  # a colleague took it: out of the way

        feed_until(tracker, remaining, desk, seen, None)  # the rest: the call ends
        await settle(app, pilot)
        assert desk.live_calls() == []
        if me == "102":
            assert state(popup) == "ended"  # the card stays until dismissed
            await pilot.press("x")
            await settle(app, pilot)
        assert screen.popups == {}
