"""A ring never takes the dispatcher's keys (Pilot, real SQLite file).

On every screen and in every dialog the dispatcher types while a first-time caller and a
known caller ring: every key lands where it was typed, the screen and the focus stay, and
nothing is saved to either caller. The ringing calls show in a bar over the screen; F8
reaches the ringing card and F8 again comes back with the text and the cursor as they were.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from rich.console import Console
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from textual import events
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input
from textual.widgets._footer import FooterKey
from textual.widgets._key_panel import BindingsTable

from console.app import ConsoleApp
from console.desk import CallerIdentified
from console.i18n import set_timezone, tr
from console.screens.card import ClientCardScreen
from console.screens.dispatcher import DispatcherScreen
from console.screens.supervisor import SupervisorScreen
from console.widgets.card.edit import CardEditForm
from console.widgets.card.tab_line import PopupTabLine
from console.widgets.footer import ConsoleFooter
from console.widgets.ringing import RingingBar
from pbx.call_events import CallStoppedRinging
from storage.clients import get_or_create_client_for_call
from storage.models import Client, ClientPhone, Debt
from tests.console_support import (
    DESK_NOW,
    MARIA_PHONES,
    PETROV_PHONE,
    ROMASHKA_PHONE,
    FakeDesk,
    ManualClock,
    Seeded,
    let_time_pass,
    make_app,
    make_settings,
    open_clients,
    ring,
    seed_desk,
    settle,
    until,
)
from tests.fake_timers import FakeTimers

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

NEW_CALLER = "89995550011"  # +7 999 555-00-11: nobody's number yet
NEW_ID = "1700000100.1"
KNOWN_ID = "1700000200.1"


async def calm(app: ConsoleApp, pilot: Pilot[None]) -> None:
    """A moment passes (the console's timers: a search's debounce) and all settles."""
    let_time_pass(app, 1.0)
    await settle(app, pilot)


@pytest.fixture(autouse=True)
def _utc_times() -> Iterable[None]:
    set_timezone(UTC)
    yield
    set_timezone(None)


@dataclass
class Desk:
    app: ConsoleApp
    pilot: Pilot[None]
    desk: FakeDesk
    sessions: async_sessionmaker[AsyncSession]
    seeded: Seeded
    clock: ManualClock

    @property
    def dispatcher(self) -> DispatcherScreen:
        screen = self.app.ringing.dispatcher
        assert screen is not None
        return screen

    def bar(self) -> str:
        bars = self.app.screen.query_children(RingingBar)
        return bars.first().text if bars and bars.first().display else ""

    async def type_through_rings(self, before: Sequence[str], after: Sequence[str]) -> None:
        """Type `before`; a first-time caller rings (the desk registers them) and a known
        caller rings while the keys of `after` are typed; the screen and focus stay."""
        app, pilot = self.app, self.pilot
        screen, focused = app.screen, app.focused
        await pilot.press(*before)
        half = len(after) // 2
        self.desk.emit(ring(NEW_CALLER, linkedid=NEW_ID, name="Новиков Олег"))
        await pilot.press(*after[:half])
        result = await get_or_create_client_for_call(
            self.sessions,
            NEW_CALLER,
            caller_name=None,
            region="RU",
            registered_by="PBX",
            at=DESK_NOW,
        )
        assert result is not None and result[1]
        self.desk.emit(CallerIdentified("main", NEW_ID, result[0], True, "phone"))
        self.desk.emit(ring(PETROV_PHONE, linkedid=KNOWN_ID, queue="dispatch"))
        await pilot.press(*after[half:])
        await calm(app, pilot)
        assert app.screen is screen and app.focused is focused

    async def sees_the_rings(self) -> None:
        """Both calls in the bar over the screen: number, client once known, queue, key."""
        await until(self.pilot, lambda: "Петров Пётр" in self.bar(), "the caller in the bar")
        bar = self.bar()
        assert "+7 999 555-00-11" in bar and "Петров Пётр" in bar and "dispatch" in bar
        assert "F8" in bar

    async def round_trip(self) -> None:
        """F8: the newest ringing card on screen; F8: back where the dispatcher was."""
        app, pilot = self.app, self.pilot
        screen, focused = app.screen, app.focused
        await pilot.press("f8")
        await calm(app, pilot)
        assert app.screen is self.dispatcher
        popup = self.dispatcher.current_popup()
        assert popup is not None and popup.key == f"main/{KNOWN_ID}"
        assert popup.panel.card is not None and popup.panel.card.id == self.seeded.petrov
        await pilot.press("f8")
        await calm(app, pilot)
        assert app.screen is screen and app.focused is focused

    async def nothing_saved_to_the_callers(self) -> None:
        async with self.sessions() as session:
            new = await session.scalar(
                select(Client).join(ClientPhone).where(ClientPhone.e164 == "+79995550011")
            )
            petrov = await session.get(Client, self.seeded.petrov)
            assert new is not None and petrov is not None
            assert not new.last_name and not new.first_name and new.version == 1
            assert (petrov.last_name, petrov.first_name) == ("Петров", "Пётр")
            assert petrov.version == 1
            debts = await session.scalars(
                select(Debt).where(Debt.client_id.in_([new.id, petrov.id]))
            )
            assert list(debts) == []

    async def debts_of_maria_end_with(self, amount: str) -> None:
        """The debt typed went to Мария (after her two seeded ones); none to the callers."""
        async with self.sessions() as session:
            amounts = await session.scalars(
                select(Debt.amount).where(Debt.client_id == self.seeded.maria).order_by(Debt.id)
            )
            assert [str(a) for a in amounts] == ["350.00", "1200.00", amount]
        await self.nothing_saved_to_the_callers()


def focused_input(app: ConsoleApp) -> Input:
    assert isinstance(app.focused, Input), app.focused
    return app.focused


@asynccontextmanager
async def at_the_desk(
    sessions: async_sessionmaker[AsyncSession], role: str = "dispatcher"
) -> AsyncIterator[Desk]:
    """The console over the seeded desk database, its keys' clock in the test's hands."""
    desk, clock = FakeDesk(), ManualClock()
    app = make_app(sessions, desk, keys_clock=clock, role=role)
    async with app.run_test(size=(120, 40)) as pilot:
        seeded = await seed_desk(sessions, DESK_NOW)
        await pilot.pause()
        yield Desk(app, pilot, desk, sessions, seeded, clock)


async def check_text_field(d: Desk, before: str, after: str) -> Input:
    """Type into the focused field through the rings; F8 there and back; the cursor (one
    to the left of the end) is where it was: the next key goes in before the last."""
    field = focused_input(d.app)
    await d.type_through_rings(list(before), [*after, "left"])
    assert field.value == before + after
    await d.sees_the_rings()
    await d.round_trip()
    await d.pilot.press("!")
    assert field.value == before + after[:-1] + "!" + after[-1]
    await d.nothing_saved_to_the_callers()
    return field


# --- the dispatcher's own screen ---------------------------------------------------------------


async def test_dispatcher_editing_a_card_keeps_it_while_two_callers_ring(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with at_the_desk(sessions) as d:
        app, pilot = d.app, d.pilot
        d.desk.emit(ring(MARIA_PHONES[0], linkedid="1700000001.1"))  # Мария: pops (idle)
        await calm(app, pilot)
        shown = d.dispatcher.current_popup()
        assert shown is not None and shown.panel.card is not None
        await pilot.press("e")
        await calm(app, pilot)
        d.dispatcher.card_panel().query_one(CardEditForm).focus_field("city")  # type: ignore[union-attr]
        await pilot.pause()
        await check_text_field(d, "Тве", "рь")
        assert d.dispatcher.current_popup() is shown
        await pilot.press("backspace", "ctrl+s")  # «Тверь» again, saved to Мария
        await calm(app, pilot)
    async with sessions() as session:
        maria = await session.get(Client, d.seeded.maria)
        assert maria is not None and maria.city == "Тверь"
    await d.nothing_saved_to_the_callers()


async def test_a_dialog_over_the_dispatchers_own_card_waits_while_f8_shows_the_ringing_one(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with at_the_desk(sessions) as d:
        app, pilot = d.app, d.pilot
        d.desk.emit(ring(MARIA_PHONES[0], linkedid="1700000001.1"))  # pops (idle)
        await calm(app, pilot)
        await pilot.press("d")  # «New debt» for Мария, over the dispatcher's own screen
        await calm(app, pilot)
        dialog = app.screen
        assert dialog is not d.dispatcher
        await check_text_field(d, "3", "00")  # F8: the ringing card, F8: this dialog again
        await pilot.press("backspace", "ctrl+s")
        await calm(app, pilot)
        assert app.screen is d.dispatcher
    await d.debts_of_maria_end_with("300.00")


async def test_idle_dispatcher_gets_the_card_at_once_but_not_a_moment_after_a_key(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with at_the_desk(sessions) as d:
        app, pilot = d.app, d.pilot
        await pilot.press("ctrl+l")  # a key on the dispatcher's screen (the live calls)
        d.desk.emit(ring(PETROV_PHONE, linkedid=KNOWN_ID))
        await calm(app, pilot)
        assert d.dispatcher.current_popup() is None  # a key a moment ago: the call waits
        await until(pilot, lambda: "Петров Пётр" in d.bar(), "the caller in the bar")
        d.clock.advance(5)
        d.desk.emit(ring(MARIA_PHONES[0], linkedid="1700000001.1"))
        await calm(app, pilot)
        shown = d.dispatcher.current_popup()  # quiet for a while: the card pops at once
        assert shown is not None and shown.key == "main/1700000001.1"


async def test_a_key_typed_before_a_first_callers_form_was_up_does_not_land_in_it(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with at_the_desk(sessions) as d:
        app, pilot = d.app, d.pilot
        early = events.Key("e", "e")  # typed now, reaches the console after the pop
        d.desk.emit(ring(NEW_CALLER, linkedid=NEW_ID))
        await calm(app, pilot)
        popup = d.dispatcher.current_popup()
        assert popup is not None and popup.panel.editing
        last_name = popup.panel.query_one("#edit-last_name", Input)
        assert app.focused is last_name
        app.post_message(early)
        await pilot.press("Ж")
        await calm(app, pilot)
        assert last_name.value == "Ж"


# --- keys at speed ----------------------------------------------------------------------------


def burst(app: ConsoleApp, keys: Sequence[str]) -> None:
    """Keys back to back, as a paste or a macro sends them: 0 ms apart."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


async def test_a_burst_of_keys_across_tab_fills_the_new_clients_fields_in_order(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with at_the_desk(sessions) as d:
        app, pilot = d.app, d.pilot
        clients = await open_clients(app, pilot)
        burst(app, ["ctrl+l", "n"])  # out of the search box (a binding moves the focus); new
        await calm(app, pilot)
        assert clients.query_one("#search", Input).value == ""
        assert isinstance(app.screen, ClientCardScreen)
        burst(app, [*"+79125559901", "tab", *"Fastlast", "tab", *"Fastfirst", "tab", *"Fastmiddle"])
        await calm(app, pilot)
        fields = {w.id: w.value for w in app.screen.query(Input) if w.value}
        assert fields == {
            "edit-phone": "+79125559901",
            "edit-last_name": "Fastlast",
            "edit-first_name": "Fastfirst",
            "edit-middle_name": "Fastmiddle",
        }


# --- the other screens --------------------------------------------------------------------------


async def test_the_ringing_bar_in_russian(sessions: async_sessionmaker[AsyncSession]) -> None:
    await seed_desk(sessions, DESK_NOW)
    desk = FakeDesk()
    app = make_app(sessions, desk, language="ru")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_clients(app, pilot)
        desk.emit(ring(PETROV_PHONE, linkedid=KNOWN_ID, queue="dispatch"))
        await calm(app, pilot)
        bar = app.screen.query_one(RingingBar)
        await until(pilot, lambda: "Петров" in bar.text, "the caller in the bar")
        assert bar.text == (
            "F8 карточка · ☎ Звонок: +7 903 111-22-33 · Петров Пётр · очередь dispatch · ждёт 0:00"
        )
        assert bar.region.bottom == app.size.height - 1  # over the status bar, above the keys


async def test_client_base_search(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with at_the_desk(sessions) as d:
        app, pilot = d.app, d.pilot
        screen = await open_clients(app, pilot)
        screen.query_one("#search", Input).focus()
        await pilot.pause()
        await check_text_field(d, "Ива", "нова")
        assert app.current_mode == "clients"


async def test_client_base_filters(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with at_the_desk(sessions) as d:
        app, pilot = d.app, d.pilot
        screen = await open_clients(app, pilot)
        await pilot.press("ctrl+l")  # the first filter list
        await calm(app, pilot)
        chosen = app.focused
        assert chosen is not None and chosen.id != "search"
        await d.type_through_rings(["enter", "down"], ["down", "enter"])
        await calm(app, pilot)
        assert screen.query_state.filter != type(screen.query_state.filter)()  # picked
        await d.sees_the_rings()
        await d.round_trip()
        await d.nothing_saved_to_the_callers()


async def test_history_filter(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with at_the_desk(sessions) as d:
        app, pilot = d.app, d.pilot
        await pilot.press("f4")
        await calm(app, pilot)
        await pilot.press("l")  # the call log, with its filters
        await calm(app, pilot)
        app.screen.query_one("#history-client", Input).focus()
        await pilot.pause()
        await check_text_field(d, "Ива", "нова")
        assert app.current_mode == "history"


async def test_supervisor_board(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with at_the_desk(sessions) as d:
        app, pilot = d.app, d.pilot
        await pilot.press("f3")
        await calm(app, pilot)
        board = app.screen
        assert isinstance(board, SupervisorScreen)
        loads = board.stats_loads
        await d.type_through_rings(["f5"], ["f5"])  # the board's own key, twice
        await until(pilot, lambda: board.stats_loads == loads + 2, "both refreshes")
        await d.sees_the_rings()
        await d.round_trip()
        await pilot.press("f5")
        await until(pilot, lambda: board.stats_loads == loads + 3, "a refresh after F8 F8")
        await d.nothing_saved_to_the_callers()


# --- a client's card and its dialogs (opened from the client base) ------------------------------


async def card_screen(d: Desk, client_id: int) -> ClientCardScreen:
    await open_clients(d.app, d.pilot)
    await d.app.push_screen(ClientCardScreen(client_id=client_id))
    await calm(d.app, d.pilot)
    screen = d.app.screen
    assert isinstance(screen, ClientCardScreen)
    return screen


async def test_card_edit_form(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with at_the_desk(sessions) as d:
        app, pilot = d.app, d.pilot
        screen = await card_screen(d, d.seeded.maria)
        await pilot.press("e")
        await calm(app, pilot)
        screen.query_one(CardEditForm).focus_field("city")
        await pilot.pause()
        await check_text_field(d, "Тве", "рь")
        await pilot.press("backspace", "ctrl+s")
        await calm(app, pilot)
    async with sessions() as session:
        maria = await session.get(Client, d.seeded.maria)
        assert maria is not None and maria.city == "Тверь"


async def dialog_text(
    sessions: async_sessionmaker[AsyncSession], client: str, key: str, before: str, after: str
) -> tuple[Desk, Screen[Any]]:
    """Open the card of `client`, its dialog by `key`, type through the rings and save."""
    async with at_the_desk(sessions) as d:
        app, pilot = d.app, d.pilot
        card = await card_screen(d, getattr(d.seeded, client))
        await pilot.press(key)
        await calm(app, pilot)
        dialog = app.screen
        assert dialog is not card
        await check_text_field(d, before, after)
        await pilot.press("backspace", "ctrl+s")  # the text as typed, saved
        await calm(app, pilot)
        assert app.screen is card
    return d, dialog


async def test_debt_dialog(sessions: async_sessionmaker[AsyncSession]) -> None:
    """The issue's case: «Новый долг» open, 300 typed and Ctrl+S as a first-time caller rang."""
    d, _ = await dialog_text(sessions, "maria", "d", "3", "00")
    await d.debts_of_maria_end_with("300.00")


async def test_phone_dialog(sessions: async_sessionmaker[AsyncSession]) -> None:
    d, _ = await dialog_text(sessions, "petrov", "p", "+7916", "0001122")
    async with sessions() as session:
        owner = await session.scalar(
            select(ClientPhone.client_id).where(ClientPhone.e164 == "+79160001122")
        )
    assert owner == d.seeded.petrov
    async with sessions() as session:
        new = await session.scalar(
            select(Client).join(ClientPhone).where(ClientPhone.e164 == "+79995550011")
        )
        assert new is not None and not new.last_name


async def test_blacklist_dialog(sessions: async_sessionmaker[AsyncSession]) -> None:
    d, _ = await dialog_text(sessions, "romashka", "b", "Ложн", "ые вызовы")
    async with sessions() as session:
        romashka = await session.get(Client, d.seeded.romashka)
        assert romashka is not None and romashka.blacklist_reason == "Ложные вызовы"
    await d.nothing_saved_to_the_callers()


async def transfer_dialog(sessions: async_sessionmaker[AsyncSession], key: str) -> None:
    async with at_the_desk(sessions, role="supervisor") as d:  # (importing needs one)
        app, pilot = d.app, d.pilot
        await open_clients(app, pilot)
        await pilot.press("ctrl+l", key)
        await calm(app, pilot)
        path = app.screen.query_one("#transfer-path", Input)
        path.focus()
        path.value = ""
        await pilot.pause()
        await check_text_field(d, "/tmp/кли", "енты.xlsx")


async def test_import_dialog(sessions: async_sessionmaker[AsyncSession]) -> None:
    await transfer_dialog(sessions, "ctrl+o")


async def test_export_dialog(sessions: async_sessionmaker[AsyncSession]) -> None:
    await transfer_dialog(sessions, "ctrl+s")


# --- the footer and the keys panel offer F8 and X exactly while they act -------------------------


def footer(app: ConsoleApp) -> list[tuple[str, str]]:
    """The footer's keys as shown, in order: (key, description), dimmed ones too."""
    bar = app.screen.query_one(ConsoleFooter)
    return [(key.key.lower(), key.description) for key in bar.query(FooterKey)]


def descriptions(app: ConsoleApp) -> set[str]:
    return {description for _key, description in footer(app)}


CARD_KEYS = ("key.card.edit", "key.card.call", "key.card.blacklist", "key.card.add_debt")


def shows_card_keys(app: ConsoleApp) -> bool:
    return any(tr(key) in descriptions(app) for key in CARD_KEYS)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_f8_is_in_the_footer_and_keys_panel_while_a_call_waits_and_back_on_its_card(
    sessions: async_sessionmaker[AsyncSession], language: str
) -> None:
    await seed_desk(sessions, DESK_NOW)
    desk = FakeDesk()
    app = make_app(sessions, desk, language=language)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_clients(app, pilot)
        to_card = ("f8", tr("key.ringing"))
        back = ("f8", tr("key.ringing.back"))
        assert to_card not in footer(app)  # nothing rings: F8 would do nothing
        desk.emit(ring(PETROV_PHONE, linkedid=KNOWN_ID))
        await calm(app, pilot)
        assert footer(app)[0] == to_card  # first: a ring cannot wait behind the screen's keys
        await pilot.press("f8")
        await calm(app, pilot)
        assert isinstance(app.screen, DispatcherScreen)
        assert footer(app)[0] == back and to_card not in footer(app)
        await pilot.press("f8")
        await calm(app, pilot)
        assert app.current_mode == "clients" and footer(app)[0] == to_card  # it still rings
        app.action_show_help_panel()
        await until(pilot, lambda: tr("key.ringing.tip") in keys_panel(app), "the keys panel")
        desk.emit(stopped(KNOWN_ID, "answered_elsewhere", answered_by="102"))
        await calm(app, pilot)
        assert to_card not in footer(app)  # a colleague took it: nothing waits
        await until(pilot, lambda: tr("key.ringing.tip") not in keys_panel(app), "F8 gone")


def keys_panel(app: ConsoleApp) -> str:
    """What the keys panel (the palette's «Keys») lists, one key a line."""
    tables = app.screen.query(BindingsTable)
    if not tables:
        return ""
    out = Console(width=300, record=True, file=io.StringIO())
    out.print(tables.first().render_bindings_table())
    return out.export_text()


def stopped(linkedid: str, reason: str, answered_by: str | None = None) -> CallStoppedRinging:
    return CallStoppedRinging("main", linkedid, "101", reason, answered_by, DESK_NOW)  # type: ignore[arg-type]


async def test_a_dialog_shows_its_own_keys_and_f8_when_a_call_rings(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with at_the_desk(sessions) as d:
        app, pilot = d.app, d.pilot
        d.desk.emit(ring(MARIA_PHONES[0], linkedid="1700000001.1"))  # pops (idle)
        await calm(app, pilot)
        assert shows_card_keys(app)
        await pilot.press("d")  # «New debt» for Мария
        await calm(app, pilot)
        assert footer(app) == [("escape", tr("key.cancel")), ("ctrl+s", tr("key.ok"))]
        d.desk.emit(ring(PETROV_PHONE, linkedid=KNOWN_ID))
        await calm(app, pilot)
        assert footer(app)[0] == ("f8", tr("key.ringing")) and not shows_card_keys(app)


async def test_no_card_keys_without_a_card_to_act_on(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """The empty dispatcher screen, a call that waits in the tabs (the dispatcher was at the
    keys), a withheld number's card: none shows the card's keys."""
    async with at_the_desk(sessions) as d:
        app, pilot = d.app, d.pilot
        await calm(app, pilot)
        assert not shows_card_keys(app)
        await pilot.press("ctrl+l")  # at the keys: the next ring waits in its tab
        d.desk.emit(ring(PETROV_PHONE, linkedid=KNOWN_ID))
        await calm(app, pilot)
        assert d.dispatcher.current_popup() is None and d.dispatcher.popups
        assert not shows_card_keys(app)
        assert footer(app)[0] == ("f8", tr("key.ringing"))
        d.clock.advance(10)
        d.desk.emit(ring("anonymous", linkedid="1700000300.1"))  # idle again: it pops
        await calm(app, pilot)
        shown = d.dispatcher.current_popup()
        assert shown is not None and shown.key == "main/1700000300.1"
        assert not shows_card_keys(app)
        await pilot.press("left_square_bracket")  # Петров's card: its keys
        await calm(app, pilot)
        assert tr("key.card.edit") in descriptions(app)


async def test_x_is_offered_while_ended_calls_are_in_the_tabs(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with at_the_desk(sessions) as d:
        app, pilot = d.app, d.pilot
        clear = ("x", tr("key.popup.dismiss_ended"))
        d.desk.emit(ring(MARIA_PHONES[0], linkedid="1700000001.1"))
        await calm(app, pilot)
        assert clear not in footer(app)  # it rings: nothing to clear
        d.desk.emit(stopped("1700000001.1", "caller_hung_up"))
        await calm(app, pilot)
        assert clear in footer(app)
        await pilot.press("X")
        await calm(app, pilot)
        assert not d.dispatcher.popups and clear not in footer(app)


# --- an auto-opened first-call form is not the dispatcher's work ----------------------------------


async def test_an_untouched_first_call_form_lets_the_next_ring_pop_a_typed_one_does_not(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with at_the_desk(sessions) as d:
        app, pilot = d.app, d.pilot
        d.desk.emit(ring(NEW_CALLER, linkedid=NEW_ID, name="Новиков Олег"))
        await calm(app, pilot)
        first = d.dispatcher.current_popup()
        assert first is not None and first.panel.editing  # opened by itself, the name in
        assert focused_input(app).value == "Новиков"
        d.desk.emit(ring(PETROV_PHONE, linkedid=KNOWN_ID))  # nothing typed: it pops
        await calm(app, pilot)
        shown = d.dispatcher.current_popup()
        assert shown is not None and shown.key == f"main/{KNOWN_ID}"
        assert first.panel.editing and not first.panel.has_unsaved_typing()

        await pilot.press("left_square_bracket")  # back to the first caller's form
        await calm(app, pilot)
        assert d.dispatcher.current_popup() is first
        field = focused_input(app)
        await pilot.press("end", *"а")  # typed: the form is the dispatcher's work now
        d.clock.advance(10)  # ...even once the keys are quiet
        d.desk.emit(ring(MARIA_PHONES[0], linkedid="1700000001.1"))
        await calm(app, pilot)
        assert d.dispatcher.current_popup() is first and app.focused is field
        assert field.value == "Новикова"
        assert "Иванова Мария" in d.bar()
    async with sessions() as session:
        petrov = await session.get(Client, d.seeded.petrov)
        assert petrov is not None and petrov.version == 1
        owner = await session.scalar(
            select(ClientPhone.client_id).where(ClientPhone.e164 == "+79995550011")
        )
        assert owner is None  # (the desk registers callers; this test's desk does not)


async def test_a_card_key_typed_before_a_card_popped_does_not_act_on_it(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """«d» meant for the card on screen reaches the console just after the next caller's
    card replaced it: no debt dialog opens for the wrong client."""
    async with at_the_desk(sessions) as d:
        app, pilot = d.app, d.pilot
        early = events.Key("d", "d")  # typed now, reaches the console after the pop
        d.desk.emit(ring(PETROV_PHONE, linkedid=KNOWN_ID))
        await calm(app, pilot)
        assert d.dispatcher.current_popup() is not None
        app.post_message(early)
        await calm(app, pilot)
        assert app.screen is d.dispatcher


# --- the console's clock drives the bar, the sweep and the typing window -----------------------


class MovingClock:
    """The console's wall clock, moved by the test."""

    def __init__(self) -> None:
        self.now = DESK_NOW

    def __call__(self) -> datetime:
        return self.now


def desk_console(
    sessions: async_sessionmaker[AsyncSession],
    desk: FakeDesk,
    clock: MovingClock,
    timers: FakeTimers,
    **ui: Any,
) -> ConsoleApp:
    settings = make_settings()
    settings = replace(settings, ui=replace(settings.ui, **ui))
    return ConsoleApp(settings, sessions, desk, clock=clock, check_database=False, timers=timers)


async def test_the_ringing_bar_counts_the_wait_on_the_consoles_timers(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed_desk(sessions, DESK_NOW)
    desk, clock, timers = FakeDesk(), MovingClock(), FakeTimers()
    app = desk_console(sessions, desk, clock, timers)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_clients(app, pilot)
        desk.emit(ring(PETROV_PHONE, linkedid=KNOWN_ID))
        await settle(app, pilot)
        bar = app.screen.query_one(RingingBar)
        await until(pilot, lambda: "waiting 0:00" in bar.text, "the call in the bar")
        clock.now += timedelta(seconds=7)
        timers.advance(1.0)  # the bar's tick: no second of real time passes
        await settle(app, pilot)
        assert "waiting 0:07" in bar.text


async def test_ended_calls_cards_go_on_the_consoles_timers_without_another_event(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed_desk(sessions, DESK_NOW)
    desk, clock, timers = FakeDesk(), MovingClock(), FakeTimers()
    app = desk_console(sessions, desk, clock, timers, ended_call_seconds=60)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        desk.emit(ring(MARIA_PHONES[0], linkedid="1700000001.1"))
        await settle(app, pilot)
        desk.emit(stopped("1700000001.1", "caller_hung_up"))
        await settle(app, pilot)
        screen = app.ringing.dispatcher
        assert screen is not None and list(screen.popups) == ["main/1700000001.1"]
        clock.now += timedelta(seconds=61)
        timers.advance(10.0)  # the sweep's round: no ten seconds of real time pass
        await settle(app, pilot)
        assert not screen.popups


async def test_the_typing_window_is_ui_typing_seconds_on_the_consoles_clock(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed_desk(sessions, DESK_NOW)
    desk, clock, timers = FakeDesk(), MovingClock(), FakeTimers()
    app = desk_console(sessions, desk, clock, timers, typing_seconds=10.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.ringing.dispatcher
        assert screen is not None
        await pilot.press("ctrl+l")  # a key on the dispatcher's screen
        desk.emit(ring(PETROV_PHONE, linkedid=KNOWN_ID))
        await settle(app, pilot)
        assert screen.current_popup() is None  # at the keys: it waits
        let_time_pass(app, 5.0)  # (3 s would have been enough by default)
        desk.emit(ring(MARIA_PHONES[0], linkedid="1700000001.1"))
        await settle(app, pilot)
        assert screen.current_popup() is None
        let_time_pass(app, 5.0)
        desk.emit(ring(ROMASHKA_PHONE, linkedid="1700000003.1"))
        await settle(app, pilot)
        shown = screen.current_popup()
        assert shown is not None and shown.key == "main/1700000003.1"


async def test_in_a_form_x_is_a_letter_so_neither_footer_nor_tabs_offer_it(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with at_the_desk(sessions) as d:
        app, pilot = d.app, d.pilot
        clear = ("x", tr("key.popup.dismiss_ended"))
        d.desk.emit(ring(NEW_CALLER, linkedid=NEW_ID))  # a first-time caller's form
        await calm(app, pilot)
        d.desk.emit(stopped(NEW_ID, "caller_hung_up"))
        await calm(app, pilot)
        tabs = d.dispatcher.query_one(PopupTabLine)
        assert isinstance(app.focused, Input)
        assert clear not in footer(app) and "X" not in str(tabs.render())
        await pilot.press("escape")  # nothing typed: the form goes, the card's keys come
        await calm(app, pilot)
        assert clear in footer(app) and "X clear ended" in str(tabs.render())
