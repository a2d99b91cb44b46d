"""Call tabs stay tidy (Pilot, real SQLite file): ended calls go by themselves after
`ui.ended_call_seconds` and all at once with X; `x` never dismisses a live call's card; the
tab line stays one line within the screen however many calls ring."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from textual.content import Content

from console.app import ConsoleApp
from console.config import UiSettings
from console.screens.dispatcher import DispatcherScreen
from console.widgets.card.tab_line import PopupTabLine
from pbx.call_events import CallStoppedRinging
from tests.console_support import (
    DESK_NOW,
    MARIA_PHONES,
    PETROV_PHONE,
    ROMASHKA_PHONE,
    FakeDesk,
    ManualClock,
    Notes,
    make_app,
    make_settings,
    ring,
    seed_desk,
    settle,
)

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


class Clock:
    """The console's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = DESK_NOW

    def __call__(self) -> datetime:
        return self.now


def dispatcher(app: ConsoleApp) -> DispatcherScreen:
    screen = app.ringing.dispatcher
    assert screen is not None
    return screen


def stopped(linkedid: str, reason: str = "not_answered") -> CallStoppedRinging:
    return CallStoppedRinging("main", linkedid, "101", reason, None, DESK_NOW)  # type: ignore[arg-type]


async def test_ended_calls_go_after_the_configured_time_or_with_one_key_live_ones_stay(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed_desk(sessions, DESK_NOW)
    clock = Clock()
    settings = make_settings()
    settings = replace(settings, ui=UiSettings(language="en", ended_call_seconds=60))
    desk, notes = FakeDesk(), Notes()
    keys = ManualClock()  # when keys were pressed: the sweep spares a card in use
    app = ConsoleApp(settings, sessions, desk, clock=clock, check_database=False, keys_clock=keys)
    async with app.run_test(size=(120, 40), message_hook=notes) as pilot:
        await pilot.pause()
        screen = dispatcher(app)
        for n, phone in enumerate((MARIA_PHONES[0], PETROV_PHONE, ROMASHKA_PHONE)):
            desk.emit(ring(phone, linkedid=f"1.{n}"))
        await settle(app, pilot)
        assert list(screen.popups) == ["main/1.0", "main/1.1", "main/1.2"]

        await pilot.press("x")  # the call shown is still ringing: its card stays
        await settle(app, pilot)
        assert list(screen.popups) == ["main/1.0", "main/1.1", "main/1.2"]
        assert any("still on" in text for text in notes.texts)

        desk.emit(stopped("1.0"), stopped("1.1", "caller_hung_up"))
        await settle(app, pilot)
        clock.now += timedelta(seconds=30)
        desk.emit(ring("+79990001122", linkedid="9.9", extensions=("102",)))  # the desk moves
        await settle(app, pilot)
        assert list(screen.popups) == ["main/1.0", "main/1.1", "main/1.2"]  # not yet

        clock.now += timedelta(seconds=31)
        keys.advance(31)  # (the card shown may be an ended one: nobody is at it now)
        desk.emit(stopped("9.9"))
        await settle(app, pilot)
        assert list(screen.popups) == ["main/1.2"]  # a minute after they ended: gone

        desk.emit(ring(MARIA_PHONES[0], linkedid="1.3"), ring(PETROV_PHONE, linkedid="1.4"))
        await settle(app, pilot)
        desk.emit(stopped("1.3"), stopped("1.4"))
        await settle(app, pilot)
        await pilot.press("X")  # every ended call at once; the live one stays
        await settle(app, pilot)
        assert list(screen.popups) == ["main/1.2"]


async def test_the_tab_line_stays_one_line_on_screen_however_many_calls(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed_desk(sessions, DESK_NOW)
    desk = FakeDesk()
    app = make_app(sessions, desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = dispatcher(app)
        phones = [MARIA_PHONES[0], PETROV_PHONE, ROMASHKA_PHONE, MARIA_PHONES[1]] * 3
        for n, phone in enumerate(phones):
            desk.emit(ring(phone, linkedid=f"2.{n}"))
        await settle(app, pilot)
        assert len(screen.popups) == 12
        tab_line = screen.query_one(PopupTabLine)

        def line() -> Content:
            shown = tab_line.render()
            assert isinstance(shown, Content)
            assert "\n" not in shown.plain and shown.cell_length <= tab_line.size.width
            return shown

        assert tab_line.size.width <= 80
        for _ in range(12):  # to the sixth call, in the middle of the line
            current = screen.current_popup()
            assert current is not None
            if current.key == "main/2.5":
                break
            await pilot.press("left_square_bracket")
        assert current is not None and current.key == "main/2.5"
        plain = line().plain  # calls counted on both sides of the current one
        assert plain.startswith("«+5 ") and " 6 Ringing Петров Пётр " in plain and "+5»" in plain


async def test_a_burst_of_rings_never_stacks_cards_on_screen(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Four rings at once, before any card is revealed: the screen shows at most one card,
    never the burst's new popups one under the other (each waits hidden, like a spare)."""
    await seed_desk(sessions, DESK_NOW)
    desk = FakeDesk()
    app = make_app(sessions, desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = dispatcher(app)
        for n, phone in enumerate([MARIA_PHONES[0], PETROV_PHONE, ROMASHKA_PHONE, "+79990001122"]):
            desk.emit(ring(phone, linkedid=f"3.{n}"))
        for _ in range(5):  # the console's timers stand still: nothing is revealed yet
            await pilot.pause()
        assert len(screen.popups) == 4
        shown = [p for p in screen.popups.values() if p.display]
        assert len(shown) <= 1
        await settle(app, pilot)
        assert [p for p in screen.popups.values() if p.display] == [screen.current_popup()]
