"""A first-time caller's form opens before the client exists (Pilot, real SQLite file).

The popup's query by number finds nobody while the desk is still registering the caller:
the quick form opens at once with the number and the caller ID name, and whatever the
dispatcher types (and saves) meanwhile goes into the client the desk creates. The desk
here is the fake of `tests.console_support`; the registration is the real storage call
the desk makes, so the test decides when it lands.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from textual.pilot import Pilot
from textual.widgets import Input

from console.app import ConsoleApp
from console.desk import CallerIdentified
from console.i18n import set_timezone
from console.screens.dispatcher import DispatcherScreen
from console.widgets.card.edit import CardEditForm
from console.widgets.card.popup import CallPopup
from storage.clients import create_client, get_or_create_client_for_call
from storage.models import Client, ClientPhone
from tests.console_support import DESK_NOW, FakeDesk, make_app, ring, settle, until

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

NOW = DESK_NOW
NEW_CALLER = "89995550011"  # +7 999 555-00-11, nobody's number yet
LINKEDID = "1700000000.1"


@pytest.fixture(autouse=True)
def _utc_times() -> Iterable[None]:
    set_timezone(UTC)
    yield
    set_timezone(None)


def the_popup(app: ConsoleApp, linkedid: str = LINKEDID) -> CallPopup:
    screen = app.screen
    assert isinstance(screen, DispatcherScreen)
    return screen.popups[f"main/{linkedid}"]


async def pop(
    app: ConsoleApp,
    pilot: Pilot[None],
    desk: FakeDesk,
    number: str,
    *,
    linkedid: str = LINKEDID,
    name: str | None = None,
) -> CallPopup:
    """`number` rings here; its popup once the console has settled."""
    desk.emit(ring(number, linkedid=linkedid, name=name))
    await settle(app, pilot)
    return the_popup(app, linkedid)


def field(popup: CallPopup, name: str) -> Input:
    return popup.panel.query_one(CardEditForm).query_one(f"#edit-{name}", Input)


async def clients(sessions: async_sessionmaker[AsyncSession]) -> list[Client]:
    async with sessions() as session:
        return list((await session.scalars(select(Client).order_by(Client.id))).all())


async def register(sessions: async_sessionmaker[AsyncSession], name: str | None) -> int:
    """What the desk does on the ring (`Desk._identify`)."""
    result = await get_or_create_client_for_call(
        sessions, NEW_CALLER, caller_name=name, region="RU", registered_by="PBX", at=NOW
    )
    assert result is not None and result[1], "the test's number must be new"
    return result[0]


async def test_the_form_opens_before_the_client_exists_and_a_save_goes_into_it(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    desk = FakeDesk()
    app = make_app(sessions, desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        popup = await pop(app, pilot, desk, NEW_CALLER, name="Петрова Анна")
        panel = popup.panel
        # Nobody is registered yet, and the form is up: name from the caller ID, the
        # cursor on it, the number in the notice.
        assert await clients(sessions) == []
        assert panel.editing and panel.card is None and panel.quick_form
        assert (field(popup, "last_name").value, field(popup, "first_name").value) == (
            "Петрова",
            "Анна",
        )
        assert app.focused is field(popup, "last_name")
        assert "+7 999 555-00-11" in str(panel.query_one("#card-notice").render())
        assert not panel.has_unsaved_typing()  # what the PBX gave is not the operator's

        # The dispatcher types the street and saves before the desk has registered them.
        field(popup, "street").focus()
        await pilot.press(*"Ленина", "ctrl+s")
        await settle(app, pilot)
        assert await clients(sessions) == [] and panel.editing  # the save waits

        client_id = await register(sessions, "Петрова Анна")
        desk.emit(CallerIdentified("main", LINKEDID, client_id, True, "phone"))
        await until(pilot, lambda: not panel.editing, "the held save to land")
        await settle(app, pilot)
        assert panel.card is not None and panel.card.id == client_id

    [client] = await clients(sessions)
    assert client.id == client_id
    assert (client.last_name, client.first_name, client.street) == ("Петрова", "Анна", "Ленина")
    assert client.registered_by == "PBX" and client.updated_by == app.actor
    assert client.version == 2  # registered, then the dispatcher's save: nothing overwritten


async def test_what_is_typed_before_the_client_exists_stays_in_the_form(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """The client lands while the dispatcher types: the typing stays, untouched fields take
    the client's values, and a later save sends only what was typed."""
    desk = FakeDesk()
    app = make_app(sessions, desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        popup = await pop(app, pilot, desk, NEW_CALLER)  # no caller ID name
        assert field(popup, "last_name").value == ""
        await pilot.press(*"Сидоров")
        client_id = await register(sessions, None)
        desk.emit(CallerIdentified("main", LINKEDID, client_id, True, "phone"))
        await until(pilot, lambda: popup.panel.card is not None, "the client bound")
        await settle(app, pilot)
        assert popup.panel.editing and field(popup, "last_name").value == "Сидоров"
        assert app.focused is field(popup, "last_name")
        await pilot.press(" ", "ctrl+s")  # (a trailing space: stripped on save)
        await until(pilot, lambda: not popup.panel.editing, "the save")

    [client] = await clients(sessions)
    assert (client.id, client.last_name, client.version) == (client_id, "Сидоров", 2)


async def test_when_the_desk_cannot_register_the_caller_a_save_creates_them(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    desk = FakeDesk()
    app = make_app(sessions, desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        popup = await pop(app, pilot, desk, NEW_CALLER, name="Кузнецов")
        # The desk's registration failed (the database was away a moment).
        desk.emit(CallerIdentified("main", LINKEDID, None, False, "phone"))
        await settle(app, pilot)
        notice = str(popup.panel.query_one("#card-notice").render())
        assert "could not be registered" in notice
        assert field(popup, "last_name").value == "Кузнецов"
        await pilot.press(*"Кузнецова", "ctrl+s")  # (the caller ID's name is selected: typed over)
        await until(pilot, lambda: popup.panel.card is not None, "the created card")

    [client] = await clients(sessions)
    assert client.last_name == "Кузнецова"
    async with sessions() as session:
        phones = (await session.scalars(select(ClientPhone.e164))).all()
    assert phones == ["+79995550011"]


async def test_a_ring_while_a_caller_is_typed_in_does_not_take_the_screen(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        known = await create_client(session, {"last_name": "Петров"}, ["+79031112233"], actor="t")
    desk = FakeDesk()
    app = make_app(sessions, desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        first = await pop(app, pilot, desk, NEW_CALLER)
        await pilot.press(*"Сид")
        second = await pop(app, pilot, desk, "+79031112233", linkedid="1700000000.2")
        screen = app.screen
        assert isinstance(screen, DispatcherScreen)
        # The new call is one key away in the tabs; the form and its cursor stay.
        assert second.revealed and screen.current_popup() is first
        assert "Петров" in str(screen.query_one("#popup-tabs").render())
        await pilot.press("о")
        assert field(first, "last_name").value == "Сидо"

        await pilot.press("ctrl+n")  # to the other call: keys no longer type in the form
        await settle(app, pilot)
        assert screen.current_popup() is second and second.panel.card is not None
        assert second.panel.card.id == known.id
        assert not isinstance(app.focused, Input)
        await pilot.press("left_square_bracket")  # back: the cursor where it was
        await settle(app, pilot)
        assert screen.current_popup() is first and app.focused is field(first, "last_name")
        await pilot.press("р")
        assert field(first, "last_name").value == "Сидор"

    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Client)) == 1
