"""The database outage as the operator sees it: honest words, nothing typed lost.

PostgreSQL behind a TCP proxy the test cuts (no database mocks): a card that cannot load
says the database is unreachable, a save is refused in words with the form kept as typed
and goes through once the database is back; the status bar says since when the database
is down and how many calls wait to be written.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from textual.widgets import Input, Static

from console.app import ConsoleApp
from console.i18n import set_language, set_timezone
from console.outbox import OutboxStatus
from console.widgets.database_state import describe_database
from storage.clients import create_client
from storage.db import create_engine, make_sessionmaker
from storage.models import Client
from tests.console_support import DESK_NOW, FakeDesk, Notes, make_settings, settle, until
from tests.support.tcp_proxy import TcpProxy
from tests.test_console_first_call import pop

PHONE = "+79031112233"
DOWN_AT = datetime(2026, 11, 22, 0, 2, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _utc() -> Iterator[None]:
    set_timezone(UTC)
    yield
    set_timezone(None)
    set_language("en")


@pytest.mark.parametrize(
    ("language", "waiting", "text"),
    [
        ("ru", 5, "БД: нет связи с 00:02 — 5 звонков ждут записи"),
        ("ru", 1, "БД: нет связи с 00:02 — 1 звонок ждёт записи"),
        ("ru", 3, "БД: нет связи с 00:02 — 3 звонка ждут записи"),
        ("ru", 0, "БД: нет связи с 00:02"),
        ("en", 5, "DB: down since 00:02 — 5 calls waiting to be written"),
        ("en", 1, "DB: down since 00:02 — 1 call waiting to be written"),
    ],
)
def test_the_status_bar_says_since_when_and_how_many_calls_wait(
    language: str, waiting: int, text: str
) -> None:
    set_language(language)
    assert describe_database(OutboxStatus("down", DOWN_AT, waiting)) == (text, "-down")


def test_the_status_bar_says_back_and_then_written() -> None:
    set_language("en")
    writing = OutboxStatus("up", DOWN_AT, 4, recovered=True)
    done = OutboxStatus("up", DOWN_AT, 0, recovered=True)
    assert describe_database(writing)[0] == "DB: back since 00:02 — writing what waited"
    assert describe_database(done)[0] == "DB: back since 00:02 — every call written"


@pytest.mark.parametrize(
    "db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
async def test_an_outage_refuses_saves_in_words_and_keeps_the_typing(
    db_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions.begin() as session:
        client = await create_client(session, {"last_name": "Петров"}, [PHONE], actor="t")
    async with TcpProxy("127.0.0.1", make_url(db_url).port or 5432) as proxy:
        proxied = make_url(db_url).set(host="127.0.0.1", port=proxy.port)
        engine = create_engine(proxied.render_as_string(hide_password=False))
        desk = FakeDesk()
        app = ConsoleApp(
            make_settings("101"), make_sessionmaker(engine), desk, clock=lambda: DESK_NOW
        )
        notes = Notes()
        try:
            async with app.run_test(size=(120, 40), message_hook=notes) as pilot:
                panel = (await pop(app, pilot, desk, PHONE)).panel
                assert panel.card is not None and panel.card.id == client.id
                await pilot.press("e")
                await settle(app, pilot)
                city = panel.query_one("#edit-city", Input)
                city.focus()
                await pilot.press(*"Тверь")

                proxy.cut()
                desk.emit(OutboxStatus("down", DOWN_AT, 5, detail="connection reset"))
                await pilot.press("ctrl+s")
                await settle(app, pilot)
                await until(
                    pilot,
                    lambda: any(
                        "Not saved: the database is unreachable" in t for t in notes.errors()
                    ),
                    "the save refused in words",
                )
                assert panel.editing and city.value == "Тверь"  # kept as typed
                bar = app.screen.query_one("#database", Static)
                assert str(bar.render()) == "DB: down since 00:02 — 5 calls waiting to be written"

                other = await pop(app, pilot, desk, "+79035550000", linkedid="1700000000.2")
                await until(
                    pilot,
                    lambda: (
                        "database is unreachable"
                        in str(other.panel.query_one("#card-notice").render())
                    ),
                    "the card saying the database is unreachable",
                )

                proxy.restore()
                desk.emit(OutboxStatus("up", DOWN_AT, 0, recovered=True))
                panel.query_one("#edit-city", Input).focus()
                await pilot.press("ctrl+s")
                await settle(app, pilot)
                assert not panel.editing
                assert str(bar.render()) == "DB: back since 00:02 — every call written"
        finally:
            await engine.dispose()
    async with sessions() as session:
        saved = await session.get(Client, client.id)
        assert saved is not None and saved.city == "Тверь"
