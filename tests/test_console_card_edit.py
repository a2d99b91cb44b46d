"""Editing a client's card from a popup (Pilot, real SQLite file): the default tariff.

The edit form opens before the tariffs to pick from are loaded; the client's tariff must
show once they are, survive a save of another field, and a retired tariff the client
still has must be offered rather than break the form.
"""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from textual.widgets import Select

from storage.clients import create_client
from storage.models import Client, Tariff
from tests.console_support import FakeDesk, make_app, settle
from tests.test_console_first_call import pop

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

PHONE = "+79031112233"


async def a_client_with_tariff(
    sessions: async_sessionmaker[AsyncSession], *, active: bool
) -> tuple[int, int]:
    async with sessions.begin() as session:
        session.add(Tariff(name="Эконом", description="", active=True))
        tariff = Tariff(name="Старый", description="", active=True)
        session.add(tariff)
        await session.flush()
        client = await create_client(
            session, {"last_name": "Петров", "tariff_id": tariff.id}, [PHONE], actor="t"
        )
        tariff.active = active  # retired after the client chose it
        return client.id, tariff.id


async def edit_city(sessions: async_sessionmaker[AsyncSession], *, active: bool) -> None:
    client_id, tariff_id = await a_client_with_tariff(sessions, active=active)
    desk = FakeDesk()
    app = make_app(sessions, desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        panel = (await pop(app, pilot, desk, PHONE)).panel
        assert panel.card is not None and panel.card.tariff_id == tariff_id
        await pilot.press("e")
        await settle(app, pilot)
        assert panel.editing
        tariff = panel.query_one("#edit-tariff_id", Select)
        assert tariff.value == tariff_id  # shown once the tariffs to pick from are in
        offered = [tid for _name, tid in tariff._options if tid != Select.NULL]
        assert tariff_id in offered and len(offered) == 2
        panel.query_one("#edit-city").focus()
        await pilot.press(*"Тверь", "ctrl+s")
        await settle(app, pilot)
        assert not panel.editing
    async with sessions() as session:
        client = await session.get(Client, client_id)
        assert client is not None
        assert (client.city, client.tariff_id) == ("Тверь", tariff_id)


async def test_a_clients_tariff_shows_in_the_form_and_survives_a_save(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await edit_city(sessions, active=True)


async def test_a_retired_tariff_the_client_still_has_is_offered_and_kept(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await edit_city(sessions, active=False)
