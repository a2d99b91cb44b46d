"""The card's pieces on their own: the loader (`loading.py`) and a first-time caller's form
(`first_call.py`), then that form's life through the real console.

The loader runs in a tiny app with the real data service on a real SQLite file: its
workers, messages and tokens are the real ones. The first-call flow is driven with a
stand-in for the panel (it only opens, rebases and saves the form) and real cards.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input

from console.data import ClientCard, ConsoleData
from console.desk import CallerIdentified
from console.messages import CardLoaded
from console.screens.dispatcher import DispatcherScreen
from console.widgets.card.edit import CardEditForm, card_values
from console.widgets.card.first_call import FirstCallFlow
from console.widgets.card.loading import Answer, Arrived, CardLoader, Missing, Nobody, Reload
from console.widgets.card.popup import CallPopup
from console.widgets.card.state import CardState, Mode
from storage.clients import create_client
from storage.models import Client, ClientPhone
from tests.console_support import FakeDesk, console_data, make_app, ring, settle, until

ON_SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

Sessions = async_sessionmaker[AsyncSession]
IVANOVA = "+79031112233"
PETROV = "+79034445566"
NOBODYS = "+79995550011"


async def two_clients(sessions: Sessions) -> tuple[int, int]:
    async with sessions.begin() as session:
        ivanova = await create_client(session, {"last_name": "Иванова"}, [IVANOVA], actor="t")
        petrov = await create_client(session, {"last_name": "Петров"}, [PETROV], actor="t")
    return ivanova.id, petrov.id


async def card_of(data: ConsoleData, client_id: int) -> ClientCard:
    card = await data.card(client_id)
    assert card is not None
    return card


# --- the loader ----------------------------------------------------------------------------


class Probe(Widget):
    """What the panel is to its loader: runs its workers, hears its answers."""

    def __init__(self) -> None:
        super().__init__()
        self.state = CardState()
        self.loader = CardLoader(self, self.state)
        self.answers: list[Answer] = []

    def on_card_loaded(self, message: CardLoaded) -> None:
        self.answers.append(self.loader.answer(message))


class LoaderApp(App[None]):
    def __init__(self, data: ConsoleData) -> None:
        super().__init__()
        self.data = data  # (where the loader finds the console's data service)
        self.probe = Probe()

    def compose(self) -> ComposeResult:
        yield self.probe


async def answered(app: LoaderApp, pilot: Pilot[None]) -> list[Answer]:
    """The answers once every load is done (or cancelled) and its message handled."""
    await asyncio.gather(*(w.wait() for w in app.workers), return_exceptions=True)
    await pilot.pause()
    return app.probe.answers


@ON_SQLITE
async def test_an_answer_to_an_older_load_is_dropped(sessions: Sessions) -> None:
    ivanova, petrov = await two_clients(sessions)
    data = console_data(sessions)
    app = LoaderApp(data)
    async with app.run_test() as pilot:
        probe = app.probe
        probe.loader.by_phone(IVANOVA)
        old_token = probe.state.load.token
        probe.loader.by_id(petrov)  # a newer load: the dispatcher moved on
        assert await answered(app, pilot) == [Arrived(await card_of(data, petrov))]

        # The older load's answer comes after all (it was on its way): it changes nothing.
        probe.post_message(CardLoaded(old_token, await card_of(data, ivanova)))
        assert (await answered(app, pilot))[-1] is None
        assert probe.state.client_id == petrov


@ON_SQLITE
async def test_the_desk_naming_the_caller_lets_the_load_by_number_bring_the_card(
    sessions: Sessions,
) -> None:
    ivanova, _ = await two_clients(sessions)
    data = console_data(sessions)
    app = LoaderApp(data)
    told: list[ClientCard] = []
    async with app.run_test() as pilot:
        probe = app.probe
        probe.loader.by_phone(IVANOVA)
        token = probe.state.load.token
        assert probe.loader.expect(ivanova, told.append)  # no second query
        assert probe.state.load.token == token
        assert await answered(app, pilot) == [Arrived(await card_of(data, ivanova))]
        assert probe.state.load.then == told.append  # the panel tells it with the card


@ON_SQLITE
async def test_a_number_that_changed_hands_meanwhile_is_loaded_by_id(sessions: Sessions) -> None:
    _, petrov = await two_clients(sessions)
    app = LoaderApp(console_data(sessions))

    def then(_card: ClientCard) -> None: ...

    async with app.run_test() as pilot:
        app.probe.loader.by_phone(IVANOVA)  # the desk says the caller is Petrov
        assert app.probe.loader.expect(petrov, then)
        assert await answered(app, pilot) == [Reload(petrov, then)]


@ON_SQLITE
async def test_nobody_and_missing(sessions: Sessions) -> None:
    app = LoaderApp(console_data(sessions))
    calls: list[str] = []

    def first_time_caller() -> None:
        calls.append(NOBODYS)

    async with app.run_test() as pilot:
        probe = app.probe
        probe.loader.by_phone(NOBODYS, unknown=first_time_caller)
        assert await answered(app, pilot) == [Nobody(first_time_caller)]
        probe.loader.by_id(424242)
        assert (await answered(app, pilot))[-1] == Missing()
        assert probe.state.mode is Mode.MISSING


# --- a first-time caller's form ---------------------------------------------------------------


class FakeForm:
    def __init__(self) -> None:
        self.rebased: list[dict[str, Any]] = []

    def rebase(self, values: Mapping[str, Any]) -> None:
        self.rebased.append(dict(values))


class FakePanel:
    """The panel as the flow sees it: the forms it opened, the form, the saves asked."""

    def __init__(self, *, composed: bool = True) -> None:
        self.form = FakeForm() if composed else None
        self.opened: list[tuple[dict[str, Any], str | None, str, bool]] = []
        self.saves = 0

    def open_form(
        self, values: dict[str, Any], new_phone: str | None, focus: str, quick: bool
    ) -> None:
        self.opened.append((values, new_phone, focus, quick))

    def composed_form(self) -> FakeForm | None:
        return self.form

    def save(self) -> None:
        self.saves += 1


def first_caller(panel: FakePanel) -> tuple[CardState, FirstCallFlow]:
    state = CardState()
    flow = FirstCallFlow(state, panel)
    flow.open(NOBODYS, {"last_name": "Петрова", "first_name": "Анна"})
    return state, flow


def client_lands(state: CardState, flow: FirstCallFlow, card: ClientCard) -> None:
    """What the panel does with the new client's card (`ClientCardPanel._show_card`)."""
    binding = flow.waiting()
    assert binding is not None
    state.arrived(card)
    flow.bind(card, binding)


def test_the_form_opens_with_what_the_pbx_gave_before_the_client_exists() -> None:
    panel = FakePanel()
    state, flow = first_caller(panel)
    assert state.mode is Mode.FIRST_CALL and state.card is None and flow.e164 == NOBODYS
    assert panel.opened == [
        ({"last_name": "Петрова", "first_name": "Анна"}, None, "last_name", True)
    ]


@ON_SQLITE
async def test_a_save_asked_while_registering_waits_then_goes_to_the_bound_client(
    sessions: Sessions,
) -> None:
    ivanova, _ = await two_clients(sessions)
    card = await card_of(console_data(sessions), ivanova)
    panel = FakePanel()
    state, flow = first_caller(panel)

    assert flow.save_waits()  # the desk is still creating the caller
    assert panel.saves == 0

    client_lands(state, flow, card)
    assert panel.form is not None and panel.form.rebased == [card_values(card)]
    assert panel.saves == 1  # the held save, now into the client (the panel has its card)
    assert state.card == card and state.mode is Mode.EDIT
    assert not flow.save_waits()  # later saves are ordinary updates


@ON_SQLITE
async def test_a_client_landing_with_no_save_asked_only_binds_the_form(sessions: Sessions) -> None:
    ivanova, _ = await two_clients(sessions)
    card = await card_of(console_data(sessions), ivanova)
    panel = FakePanel()
    state, flow = first_caller(panel)
    client_lands(state, flow, card)
    assert panel.saves == 0 and panel.form is not None and len(panel.form.rebased) == 1


@ON_SQLITE
async def test_a_client_landing_before_the_form_is_composed_fills_it(sessions: Sessions) -> None:
    ivanova, _ = await two_clients(sessions)
    card = await card_of(console_data(sessions), ivanova)
    panel = FakePanel(composed=False)
    state, flow = first_caller(panel)
    client_lands(state, flow, card)
    assert panel.opened[-1] == (card_values(card), None, "last_name", True)


def test_a_failed_registration_keeps_the_typed_form_and_the_next_save_creates() -> None:
    panel = FakePanel()
    state, flow = first_caller(panel)
    flow.registration_failed()
    # Nothing is reloaded, refilled or saved: the form stays as typed.
    assert len(panel.opened) == 1 and panel.form is not None and panel.form.rebased == []
    assert panel.saves == 0 and state.mode is Mode.FIRST_CALL
    # A save now does not wait: it creates the client with the caller's number.
    assert not flow.save_waits() and flow.e164 == NOBODYS


def test_a_save_held_when_the_registration_fails_is_made_at_once() -> None:
    panel = FakePanel()
    state, flow = first_caller(panel)
    assert flow.save_waits()
    flow.registration_failed()
    assert panel.saves == 1 and panel.form is not None and panel.form.rebased == []
    assert state.first_call is not None and not state.first_call.save_held


# --- the same, through the real console ---------------------------------------------------------


def field(popup: CallPopup, name: str) -> Input:
    return popup.panel.query_one(CardEditForm).query_one(f"#edit-{name}", Input)


@ON_SQLITE
async def test_what_was_typed_survives_a_failed_registration_and_is_saved(
    sessions: Sessions,
) -> None:
    desk = FakeDesk()
    app = make_app(sessions, desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        desk.emit(ring(NOBODYS, name="Петрова Анна"))
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, DispatcherScreen)
        popup = screen.popups["main/1700000000.1"]
        field(popup, "street").focus()
        await pilot.press(*"Ленина")

        desk.emit(CallerIdentified("main", "1700000000.1", None, False, "phone"))
        await settle(app, pilot)
        assert popup.panel.editing and field(popup, "street").value == "Ленина"
        assert field(popup, "last_name").value == "Петрова"
        assert "could not be registered" in str(popup.panel.query_one("#card-notice").render())

        await pilot.press("ctrl+s")
        await until(pilot, lambda: popup.panel.card is not None, "the created card")

    async with sessions() as session:
        [client] = (await session.scalars(select(Client))).all()
        phones = (await session.scalars(select(ClientPhone.e164))).all()
    assert (client.last_name, client.first_name, client.street) == ("Петрова", "Анна", "Ленина")
    assert phones == [NOBODYS]
