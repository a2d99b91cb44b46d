"""The client base screen inside the real ConsoleApp, on a real migrated SQLite database
with a small known client base written through the storage functions.

Each test waits until the page on screen answers the query the screen is asking
(`shown_query == query_state`), never sleeps a guessed time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from textual.widgets import Select

from console import i18n
from console.app import ConsoleApp
from console.config import MeSettings, OperatorSettings, Settings, UiSettings
from console.desk import ConnectionStatus, DeskEvent
from console.screens.card import ClientCardScreen
from console.screens.clients import ClientPageLoaded, ClientsScreen
from console.widgets.clients.table import BLACKLIST_STYLE, ClientTable, column_index
from pbx.call_events import LiveCall
from storage.clients import create_client, set_blacklist
from storage.debts import add_debt
from storage.models import Tariff
from tests.console_support import clients_page_ready, open_clients, until
from tests.fake_timers import FakeTimers

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

NOW = datetime(2026, 11, 22, 12, 0, 0, tzinfo=UTC)
NAMED = 6  # the named clients below
FILLERS = 24  # «Яковлев 01…24»: sorted after the six named clients, so 30 clients in all
TOTAL = NAMED + FILLERS


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    i18n.set_timezone(UTC)
    yield
    i18n.set_language("ru")
    i18n.set_timezone(None)


class IdleDesk:
    """A desk with no calls; click-to-call requests are recorded."""

    def __init__(self) -> None:
        self.originated: list[tuple[str, str]] = []

    async def run(self) -> None:
        await asyncio.Event().wait()

    def listen(self) -> AsyncIterator[DeskEvent]:
        async def stream() -> AsyncIterator[DeskEvent]:
            await asyncio.Event().wait()
            yield  # type: ignore[misc]  # pragma: no cover

        return stream()

    def live_calls(self) -> list[LiveCall]:
        return []

    def connections(self) -> dict[str, ConnectionStatus]:
        return {}

    async def click_to_call(
        self, *, phone_e164: str, client_name: str, extension: str | None = None
    ) -> str:
        self.originated.append((phone_e164, client_name))
        return f"c2c-{len(self.originated)}"


async def seed(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    """Six named clients with known cities, flags, debts and orders, plus fillers."""
    at = NOW - timedelta(days=100)
    ids: dict[str, int] = {}
    async with sessions.begin() as session:
        economy = Tariff(name="Эконом")
        session.add(economy)
        await session.flush()

        async def add(key: str, phone: str, **values: Any) -> int:
            client = await create_client(session, values, [phone], actor="test", at=at)
            ids[key] = client.id
            return client.id

        await add(
            "ivanov",
            "+79161234567",
            last_name="Иванов",
            first_name="Иван",
            city="Москва",
            completed_orders=5,
            tariff_id=economy.id,
        )
        maria = await add(
            "ivanova",
            "+79161234568",
            last_name="Иванова",
            first_name="Мария",
            city="Москва",
            completed_orders=1,
        )
        petrov = await add(
            "petrov",
            "+79031112233",
            last_name="Петров",
            first_name="Пётр",
            city="Казань",
            completed_orders=12,
        )
        await add(
            "sidorova",
            "+79035556677",
            last_name="Сидорова",
            first_name="Анна",
            city="Казань",
            completed_orders=3,
            email="anna@example.org",
        )
        await add(
            "romashka",
            "+74951234567",
            kind="corporate",
            organisation="ООО Ромашка",
            city="Москва",
            completed_orders=40,
        )
        await add(
            "abramov",
            "+79260000001",
            last_name="Абрамов",
            first_name="Олег",
            city="Тверь",
            completed_orders=0,
        )
        for n in range(1, FILLERS + 1):
            await add(
                f"filler{n}",
                f"+7926100{n:04d}",
                last_name="Яковлев",
                first_name=f"{n:02d}",
                city="Тверь",
            )
        await set_blacklist(session, maria, True, "Ложные вызовы", "test", at=at)
        await add_debt(session, petrov, "150.00", reason="manual", actor="test")
    return ids


def make_app(
    sessions: async_sessionmaker[AsyncSession], language: str = "en", desk: IdleDesk | None = None
) -> ConsoleApp:
    settings = Settings(
        me=MeSettings("101"),
        operators=(OperatorSettings("101", "Анна", "IAX2/op101"),),
        ui=UiSettings(language=language, page_size=20),  # type: ignore[arg-type]
    )
    return ConsoleApp(
        settings,
        sessions,
        desk or IdleDesk(),
        clock=lambda: NOW,
        run_desk=False,
        check_database=False,
        timers=FakeTimers(),
    )


def shown_ids(screen: ClientsScreen) -> list[int]:
    table = screen.query_one(ClientTable)
    return [int(str(row.key.value)) for row in table.ordered_rows]


async def test_search_as_you_type_narrows_the_table(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    ids = await seed(sessions)
    app = make_app(sessions)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_clients(app, pilot)
        assert len(shown_ids(screen)) == 20
        assert screen.shown_total == TOTAL
        await pilot.press(*"иван")  # the search box has the focus on arrival
        await clients_page_ready(pilot, screen)
        assert screen.query_state.filter.search == "иван"
        assert shown_ids(screen) == [ids["ivanov"], ids["ivanova"]]
        for _ in range(4):
            await pilot.press("backspace")
        await pilot.press(*"1112233")  # phone digits
        await clients_page_ready(pilot, screen)
        assert shown_ids(screen) == [ids["petrov"]]


async def test_a_newer_keystroke_cancels_the_older_query(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    # No time passes on the console's clock between the keystrokes: they fall inside one
    # debounce interval however loaded the machine is.
    await seed(sessions)
    app = make_app(sessions)
    loaded: list[str] = []
    async with app.run_test(
        size=(160, 40),
        message_hook=lambda m: (
            loaded.append(m.query.filter.search) if isinstance(m, ClientPageLoaded) else None
        ),
    ) as pilot:
        screen = await open_clients(app, pilot)
        loaded.clear()
        await pilot.press(*"сидор")  # five keystrokes inside one debounce interval
        await clients_page_ready(pilot, screen)
        assert loaded == ["сидор"]  # one query ran: the others were cancelled


async def test_filters_show_the_expected_rows(sessions: async_sessionmaker[AsyncSession]) -> None:
    ids = await seed(sessions)
    app = make_app(sessions)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_clients(app, pilot)
        city = screen.query_one("#city", Select)
        await until(pilot, lambda: len(city._options) > 1)
        city.value = "Казань"
        await clients_page_ready(pilot, screen)
        assert shown_ids(screen) == [ids["petrov"], ids["sidorova"]]
        city.clear()
        screen.query_one("#blacklist", Select).value = True
        await clients_page_ready(pilot, screen)
        assert shown_ids(screen) == [ids["ivanova"]]
        table = screen.query_one(ClientTable)
        name = table.get_row_at(0)[0]
        assert name.plain.startswith("⛔") and str(name.style) == BLACKLIST_STYLE
        screen.query_one("#blacklist", Select).clear()
        screen.query_one("#debts", Select).value = True
        await clients_page_ready(pilot, screen)
        assert shown_ids(screen) == [ids["petrov"]]
        assert "150.00" in table.get_row_at(0)[column_index("debt")].plain
        await pilot.press("ctrl+r")  # reset: every client again
        await clients_page_ready(pilot, screen)
        assert screen.shown_total == TOTAL


async def test_sort_and_pages(sessions: async_sessionmaker[AsyncSession]) -> None:
    ids = await seed(sessions)
    app = make_app(sessions)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_clients(app, pilot)
        assert shown_ids(screen)[:3] == [ids["abramov"], ids["ivanov"], ids["ivanova"]]
        screen.query_one(ClientTable).focus()
        await pilot.press("pagedown")
        await clients_page_ready(pilot, screen)
        assert screen.query_state.page == 1
        # page 2: the fillers after the 6 named clients and fillers 1…14 of page 1
        assert shown_ids(screen) == [ids[f"filler{n}"] for n in range(15, FILLERS + 1)]
        await pilot.press("pagedown")  # no page 3: nothing happens
        await clients_page_ready(pilot, screen)
        assert screen.query_state.page == 1
        await pilot.press("pageup")
        await clients_page_ready(pilot, screen)
        assert screen.query_state.page == 0

        await pilot.press("s")  # next sortable column after name: city
        await clients_page_ready(pilot, screen)
        await pilot.press("s")  # then orders, ascending
        await clients_page_ready(pilot, screen)
        assert screen.query_state.sort.value == "orders"
        await pilot.press("r")  # reverse: most orders first
        await clients_page_ready(pilot, screen)
        assert shown_ids(screen)[:3] == [ids["romashka"], ids["petrov"], ids["ivanov"]]

        # a click on a column header sorts by it
        table = screen.query_one(ClientTable)
        city_x = sum(
            column.get_render_width(table)
            for column in table.ordered_columns[
                : [c.key.value for c in table.ordered_columns].index("city")
            ]
        )
        await pilot.click(ClientTable, offset=(city_x + 2, 0))  # the City header
        await clients_page_ready(pilot, screen)
        assert screen.query_state.sort.value == "city"
        assert shown_ids(screen)[:2] == [ids["petrov"], ids["sidorova"]]


async def test_enter_opens_that_clients_card(sessions: async_sessionmaker[AsyncSession]) -> None:
    ids = await seed(sessions)
    app = make_app(sessions)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_clients(app, pilot)
        await pilot.press(*"сидор")
        await clients_page_ready(pilot, screen)
        await pilot.press("enter")  # from the search box to the results
        await pilot.press("enter")  # open the card of the row
        await pilot.pause()
        card = app.screen
        assert isinstance(card, ClientCardScreen)
        assert card._client_id == ids["sidorova"]


async def test_call_key_starts_click_to_call(sessions: async_sessionmaker[AsyncSession]) -> None:
    await seed(sessions)
    desk = IdleDesk()
    app = make_app(sessions, desk=desk)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_clients(app, pilot)
        await pilot.press(*"петров")
        await clients_page_ready(pilot, screen)
        await pilot.press("down", "c")
        await until(pilot, lambda: bool(desk.originated))
        assert desk.originated == [("+79031112233", "Петров Пётр")]


async def test_a_name_typed_over_the_list_searches_and_never_calls(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """With the list focused, «сидорова» on the Russian layout starts with «с» — `c`, the
    call key, where that key sits on a Latin keyboard: it goes to the search box, and the
    selected client is not called."""
    ids = await seed(sessions)
    desk = IdleDesk()
    app = make_app(sessions, desk=desk)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_clients(app, pilot)
        await pilot.press("down")  # the list has the focus
        await pilot.press(*"сидорова")
        await clients_page_ready(pilot, screen)
        assert screen.query_state.filter.search == "сидорова"
        assert shown_ids(screen) == [ids["sidorova"]]
        assert desk.originated == []
