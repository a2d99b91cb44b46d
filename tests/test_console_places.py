"""A card's addresses, company and phone labels as a dispatcher handles them (Pilot, real
SQLite file): `a` adds, edits and removes addresses, `o` picks or creates the company
(the account allowance refused to a dispatcher, in words, and given by a supervisor),
`l` says whose number it is; the card shows each at once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from console.app import ConsoleApp
from console.i18n import set_timezone
from console.screens.call_picker import CallPickerScreen, PickScreen
from console.screens.confirm import ConfirmScreen
from console.widgets.card.dialogs import TextPrompt
from console.widgets.card.places import AddressDialog, CompanyDialog
from console.widgets.card.view import CardDetails
from storage.addresses import add_address, client_addresses
from storage.clients import add_phone, create_client
from storage.models import Company, CompanyEmployee
from storage.roles import Actor
from tests.console_support import (
    DESK_NOW,
    OPERATORS,
    FakeDesk,
    Notes,
    make_app,
    make_settings,
    settle,
    until,
)
from tests.fake_timers import FakeTimers
from tests.test_console_first_call import pop

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

PHONE = "+79031112233"
OTHER = "+79035556677"
Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture(autouse=True)
def _utc_times() -> Iterable[None]:
    set_timezone(UTC)
    yield
    set_timezone(None)


async def a_client(sessions: Sessions, *, address: bool = False, phones: int = 1) -> int:
    async with sessions.begin() as session:
        client = await create_client(
            session, {"last_name": "Петров", "first_name": "Пётр", "city": "Тула"}, [PHONE],
            actor="t",
        )  # fmt: skip
        if phones > 1:
            await add_phone(session, client.id, OTHER, actor="t")
        if address:
            await add_address(
                session,
                client.id,
                {"label": "home", "city": "Тула", "street": "Мира", "house": "5",
                 "entrance": "2", "floor": "3", "apartment": "41"},
                actor=Actor("t"),
            )  # fmt: skip
        return client.id


async def dialog(pilot: Pilot[None], kind: type[Screen[Any]]) -> Screen[Any]:
    await until(pilot, lambda: isinstance(pilot.app.screen, kind), kind.__name__)
    return pilot.app.screen


async def next_pick(pilot: Pilot[None], first: Screen[Any]) -> None:
    """The picker after `first` (what to do with the address picked there)."""
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, PickScreen) and app.screen is not first, "")


def details(app: ConsoleApp) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(CardDetails))


async def test_an_address_is_added_with_its_apartment_and_shown(sessions: Sessions) -> None:
    client_id = await a_client(sessions)
    desk = FakeDesk()
    app = make_app(sessions, desk)
    notes = Notes()
    async with app.run_test(size=(120, 40), message_hook=notes) as pilot:
        await pop(app, pilot, desk, PHONE)
        await pilot.press("a")  # no address yet: straight to the form, the city filled in
        form = await dialog(pilot, AddressDialog)
        assert form.query_one("#address-city", Input).value == "Тула"
        assert form.query_one("#address-label", Input).value == "home"
        form.query_one("#address-street", Input).value = "Ленина"
        form.query_one("#address-house", Input).value = "7"
        form.query_one("#address-entrance", Input).value = "3"
        form.query_one("#address-floor", Input).value = "5"
        form.query_one("#address-apartment", Input).value = "14"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Address added." in notes.texts, "the address saved")
        await until(pilot, lambda: "apt/office 14" in details(app), "the card shows it")
        shown = details(app)
    assert "Address: home: Тула, Ленина, 7, entrance 3, floor 5, apt/office 14" in shown
    async with sessions() as session:
        saved = await client_addresses(session, client_id)
    assert [(a.label, a.street, a.apartment) for a in saved] == [("home", "Ленина", "14")]


async def test_an_empty_address_is_refused_in_the_dialog(sessions: Sessions) -> None:
    await a_client(sessions)
    desk = FakeDesk()
    app = make_app(sessions, desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await pop(app, pilot, desk, PHONE)
        await pilot.press("a")
        form = await dialog(pilot, AddressDialog)
        form.query_one("#address-city", Input).value = ""
        form.query_one("#address-comment", Input).value = "у магазина"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "an address needs a city, a street or a house" in str(
            form.query_one("#dialog-error").render()
        )


async def test_an_address_is_edited_then_removed(sessions: Sessions) -> None:
    client_id = await a_client(sessions, address=True)
    desk = FakeDesk()
    app = make_app(sessions, desk)
    notes = Notes()
    async with app.run_test(size=(120, 40), message_hook=notes) as pilot:
        await pop(app, pilot, desk, PHONE)
        assert "Address: home: Тула, Мира, 5, entrance 2, floor 3, apt/office 41" in details(app)
        await pilot.press("a")
        first = await dialog(pilot, PickScreen)
        await pilot.press("1")  # the address
        await next_pick(pilot, first)
        await pilot.press("2")  # change it
        form = await dialog(pilot, AddressDialog)
        assert form.query_one("#address-floor", Input).value == "3"
        form.query_one("#address-floor", Input).value = "4"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Address saved." in notes.texts, "saved")
        await until(pilot, lambda: "floor 4" in details(app), "the card shows it")
        await pilot.press("a")
        first = await dialog(pilot, PickScreen)
        await pilot.press("1")  # the address
        await next_pick(pilot, first)
        await pilot.press("3")  # remove it
        await dialog(pilot, ConfirmScreen)
        await pilot.press("y")
        await until(pilot, lambda: "Address removed." in notes.texts, "removed")
    async with sessions() as session:
        assert await client_addresses(session, client_id) == []


def seat(sessions: Sessions, desk: FakeDesk, role: str) -> ConsoleApp:
    """The console at 101 whose operator has `role`."""
    operators = (replace(OPERATORS[0], role=role), *OPERATORS[1:])
    settings = replace(make_settings(), operators=operators)
    return ConsoleApp(
        settings,
        sessions,
        desk,
        clock=lambda: DESK_NOW,
        check_database=False,
        timers=FakeTimers(),
    )


async def new_company(pilot: Pilot[None], name: str, *, on_account: bool) -> None:
    await pilot.press("o")
    picker = await dialog(pilot, PickScreen)
    assert isinstance(picker, PickScreen)
    new = next(i for i, (key, _) in enumerate(picker._options, 1) if key == "new")
    await pilot.press(str(new))
    form = await dialog(pilot, CompanyDialog)
    form.query_one("#company-name", Input).value = name
    await pilot.press("ctrl+s")
    await dialog(pilot, ConfirmScreen)
    await pilot.press("y" if on_account else "n")


@pytest.mark.parametrize("role", ["dispatcher", "supervisor"])
async def test_the_company_is_created_from_the_card(sessions: Sessions, role: str) -> None:
    """A dispatcher may link a client to a new company but not let them ride on its
    account (refused in words, nothing written); a supervisor may."""
    client_id = await a_client(sessions)
    desk = FakeDesk()
    app = seat(sessions, desk, role)
    notes = Notes()
    async with app.run_test(size=(120, 40), message_hook=notes) as pilot:
        await pop(app, pilot, desk, PHONE)
        await new_company(pilot, "ООО Ромашка", on_account=True)
        if role == "dispatcher":
            await until(pilot, lambda: bool(notes.errors()), "the refusal")
            assert "may not let an employee order on the company's account" in notes.errors()[0]
            async with sessions() as session:
                assert (await session.scalars(select(Company))).all() == []
            await new_company(pilot, "ООО Ромашка", on_account=False)
            expected = "Company: ООО Ромашка · may not ride on the company's account"
        else:
            expected = "Company: ООО Ромашка · may ride on the company's account"
        await until(pilot, lambda: "Company saved." in notes.texts, "saved")
        await until(pilot, lambda: "Company: " in details(app), "the card shows it")
        assert expected in details(app)
        await settle(app, pilot)
    async with sessions() as session:
        link = await session.get(CompanyEmployee, client_id)
    assert link is not None and link.may_order_on_account == (role == "supervisor")


async def test_a_phone_gets_a_label(sessions: Sessions) -> None:
    await a_client(sessions, phones=2)
    desk = FakeDesk()
    app = make_app(sessions, desk)
    notes = Notes()
    async with app.run_test(size=(120, 40), message_hook=notes) as pilot:
        await pop(app, pilot, desk, PHONE)
        await pilot.press("l")
        await dialog(pilot, CallPickerScreen)
        await pilot.press("2")
        prompt = await dialog(pilot, TextPrompt)
        prompt.query_one("#text", Input).value = "жена"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Label saved." in notes.texts, "saved")
        await until(pilot, lambda: "(жена)" in details(app), "the card shows it")
        assert "+7 903 555-66-77 (жена)" in details(app)


async def test_a_bad_tax_id_is_refused_in_words(sessions: Sessions) -> None:
    await a_client(sessions)
    desk = FakeDesk()
    app = make_app(sessions, desk)
    notes = Notes()
    async with app.run_test(size=(120, 40), message_hook=notes) as pilot:
        await pop(app, pilot, desk, PHONE)
        await pilot.press("o")
        picker = await dialog(pilot, PickScreen)
        assert isinstance(picker, PickScreen)
        await pilot.press("1")  # «+ a new company»: there is none yet
        form = await dialog(pilot, CompanyDialog)
        form.query_one("#company-name", Input).value = "ООО Ромашка"
        form.query_one("#company-tax_id", Input).value = "123"
        await pilot.press("ctrl+s")
        await dialog(pilot, ConfirmScreen)
        await pilot.press("n")
        await until(pilot, lambda: bool(notes.errors()), "the refusal")
    [error] = notes.errors()
    assert "Tax id (INN)" in error and "a tax id (INN) is 10 or 12 digits" in error
    async with sessions() as session:
        assert (await session.scalars(select(Company))).all() == []


async def test_the_address_an_order_goes_to_comes_first(sessions: Sessions) -> None:
    client_id = await a_client(sessions, address=True)
    async with sessions.begin() as session:
        await add_address(
            session, client_id, {"label": "work", "street": "Садовая", "house": "1"},
            actor=Actor("t"),
        )  # fmt: skip
    desk = FakeDesk()
    app = make_app(sessions, desk)
    notes = Notes()
    async with app.run_test(size=(120, 40), message_hook=notes) as pilot:
        await pop(app, pilot, desk, PHONE)
        assert details(app).index("Мира") < details(app).index("Садовая")
        await pilot.press("a")
        first = await dialog(pilot, PickScreen)
        await pilot.press("2")  # the work address
        await next_pick(pilot, first)
        await pilot.press("1")  # an order goes here
        await until(pilot, lambda: "Address counted for the order." in notes.texts, "counted")
        await until(
            pilot, lambda: details(app).index("Садовая") < details(app).index("Мира"), "first"
        )
    async with sessions() as session:
        shown = await client_addresses(session, client_id)
    assert [(a.street, a.use_count) for a in shown] == [("Садовая", 1), ("Мира", 0)]
