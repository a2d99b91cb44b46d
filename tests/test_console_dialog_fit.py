"""Every dialog's buttons are on screen and answer a click at 80×24, in English and Russian
(Pilot, real SQLite file): a dialog taller than the terminal (a new debt's four fields)
scrolls its fields and keeps its buttons docked in sight.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widgets import Button

from console.app import ConsoleApp
from console.desk import CallerIdentified
from console.i18n import set_timezone
from console.screens.dispatcher import DispatcherScreen
from console.widgets.card.dialogs import AddDebtDialog
from storage.clients import update_client
from storage.companies import create_company, link_employee
from storage.models import Client, Debt, OperatorRole
from storage.roles import Actor
from tests.console_support import (
    DESK_NOW,
    MARIA_PHONES,
    PETROV_PHONE,
    FakeDesk,
    Seeded,
    make_app,
    ring,
    seed_desk,
    settle,
    until,
)

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

SMALL = (80, 24)
Opener = Callable[[ConsoleApp, Pilot[None], FakeDesk, Seeded], Awaitable[None]]


@pytest.fixture(autouse=True)
def _utc_times() -> Iterable[None]:
    set_timezone(UTC)
    yield
    set_timezone(None)


async def pop(
    app: ConsoleApp, pilot: Pilot[None], desk: FakeDesk, number: str, client: int
) -> None:
    """A known caller rings at my phone: their card is up."""
    linkedid = f"1700000{client:03}.1"
    desk.emit(
        ring(number, linkedid=linkedid), CallerIdentified("main", linkedid, client, False, "phone")
    )
    screen = app.screen
    assert isinstance(screen, DispatcherScreen)
    await until(pilot, lambda: f"main/{linkedid}" in screen.popups, "the popup")
    panel = screen.popups[f"main/{linkedid}"].panel
    await until(pilot, lambda: panel.card is not None, "the card")
    await settle(app, pilot)


async def keys(pilot: Pilot[None], *pressed: str) -> None:
    await pilot.press(*pressed)
    await settle(pilot.app, pilot)


async def debt(app: ConsoleApp, pilot: Pilot[None], desk: FakeDesk, ids: Seeded) -> None:
    await pop(app, pilot, desk, MARIA_PHONES[0], ids.maria)
    await keys(pilot, "d")


async def phone(app: ConsoleApp, pilot: Pilot[None], desk: FakeDesk, ids: Seeded) -> None:
    await pop(app, pilot, desk, MARIA_PHONES[0], ids.maria)
    await keys(pilot, "p")


async def blacklist(app: ConsoleApp, pilot: Pilot[None], desk: FakeDesk, ids: Seeded) -> None:
    await pop(app, pilot, desk, PETROV_PHONE, ids.petrov)
    await keys(pilot, "b")


async def payment(app: ConsoleApp, pilot: Pilot[None], desk: FakeDesk, ids: Seeded) -> None:
    await pop(app, pilot, desk, MARIA_PHONES[0], ids.maria)
    await keys(pilot, "m")
    await keys(pilot, "1")  # which debt: the first


async def leave_edit(app: ConsoleApp, pilot: Pilot[None], desk: FakeDesk, ids: Seeded) -> None:
    await pop(app, pilot, desk, MARIA_PHONES[0], ids.maria)
    await keys(pilot, "e")
    await keys(pilot, "end", "а", "escape")  # typed, then Escape: save, discard or stay?


async def conflict(app: ConsoleApp, pilot: Pilot[None], desk: FakeDesk, ids: Seeded) -> None:
    await pop(app, pilot, desk, MARIA_PHONES[0], ids.maria)
    await keys(pilot, "e")
    await keys(pilot, "end", "а")
    async with app.sessions.begin() as session:  # another desk saves first
        client = await session.get(Client, ids.maria)
        assert client is not None
        await update_client(
            session, ids.maria, client.version, {"city": "Химки"}, "Борис", at=DESK_NOW
        )
    await pilot.press("ctrl+s")  # (the save waits for the answer: not settled)


async def confirm(app: ConsoleApp, pilot: Pilot[None], desk: FakeDesk, ids: Seeded) -> None:
    await pop(app, pilot, desk, MARIA_PHONES[0], ids.maria)  # blacklisted: a call is asked
    await keys(pilot, "c")
    await keys(pilot, "1")  # which phone: the first


async def import_file(app: ConsoleApp, pilot: Pilot[None], desk: FakeDesk, ids: Seeded) -> None:
    await keys(pilot, "f2")
    await keys(pilot, "ctrl+o")


async def export_file(app: ConsoleApp, pilot: Pilot[None], desk: FakeDesk, ids: Seeded) -> None:
    await keys(pilot, "f2")
    await keys(pilot, "ctrl+s")


async def company(app: ConsoleApp, ids: Seeded) -> None:
    """Мария works for ООО Ромашка: `o` on her card opens the company's screen."""
    async with app.sessions.begin() as session:
        admin = Actor("Вера", OperatorRole.ADMIN)
        made = await create_company(session, {"name": "ООО Ромашка"}, actor=admin)
        await link_employee(session, ids.maria, made.id, actor=admin)


def on_the_company_screen(key: str) -> Opener:
    """Мария's company opened from her card (`o`), then `key` there."""

    async def opener(app: ConsoleApp, pilot: Pilot[None], desk: FakeDesk, ids: Seeded) -> None:
        await company(app, ids)
        await pop(app, pilot, desk, MARIA_PHONES[0], ids.maria)
        await keys(pilot, "o")
        await until(pilot, lambda: getattr(app.screen, "card", None) is not None, "the company")
        await keys(pilot, key)

    return opener


DIALOGS: dict[str, tuple[Opener, str]] = {  # name: (how to open it, its OK/Save button)
    "debt": (debt, "ok"),
    "phone": (phone, "ok"),
    "blacklist": (blacklist, "ok"),
    "payment": (payment, "ok"),
    "leave_edit": (leave_edit, "save"),
    "conflict": (conflict, "reload"),
    "confirm": (confirm, "yes"),
    "import": (import_file, "check"),
    "export": (export_file, "start"),
    "company_money": (on_the_company_screen("n"), "ok"),  # a money operation
    "company_edit": (on_the_company_screen("e"), "ok"),  # the record
}


def reachable(app: ConsoleApp, button: Button) -> bool:
    """Inside the screen, and a click at its middle lands on it (not cut, not covered)."""
    region = button.region
    if not region or not app.screen.region.contains_region(region):
        return False
    widget, _ = app.screen.get_widget_at(region.x + region.width // 2, region.y + 1)
    return widget is button or button in widget.ancestors


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("name", list(DIALOGS))
async def test_every_dialogs_buttons_are_on_screen_at_80x24(
    sessions: async_sessionmaker[AsyncSession], language: str, name: str
) -> None:
    ids = await seed_desk(sessions, DESK_NOW)
    desk = FakeDesk()
    app = make_app(sessions, desk, language=language, role="supervisor")  # m, ctrl+o act
    opener, ok = DIALOGS[name]
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await opener(app, pilot, desk, ids)
        await until(pilot, lambda: isinstance(app.screen, ModalScreen), "the dialog")
        await pilot.pause()
        dialog = app.screen
        button = dialog.query_one(f"#{ok}", Button)
        assert reachable(app, button), f"{name}: {button.label} cut at 80x24"
        for other in dialog.query(Button):
            if other.display:
                assert reachable(app, other), f"{name}: {other.label} cut at 80x24"


async def test_a_new_debt_is_saved_with_a_click_on_ok_at_80x24(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    ids = await seed_desk(sessions, DESK_NOW)
    desk = FakeDesk()
    app = make_app(sessions, desk, language="ru", role="supervisor")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await debt(app, pilot, desk, ids)
        assert isinstance(app.screen, AddDebtDialog)
        await keys(pilot, *"300")
        await pilot.click("#ok")
        await settle(app, pilot)
        assert isinstance(app.screen, DispatcherScreen)
    async with sessions() as session:
        debts = await session.scalars(select(Debt.amount).where(Debt.client_id == ids.maria))
        assert "300.00" in [str(amount) for amount in debts]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_new_debt_at_80x24_shows_whose_it_is_and_every_field_at_once(
    sessions: async_sessionmaker[AsyncSession], language: str
) -> None:
    """Its fields one line high: the title (the client's name), the four fields and the
    buttons are all in sight, no scrolling; each field stands out from the dialog."""
    ids = await seed_desk(sessions, DESK_NOW)
    desk = FakeDesk()
    app = make_app(sessions, desk, language=language, role="supervisor")  # m, ctrl+o act
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await debt(app, pilot, desk, ids)
        dialog = app.screen
        assert isinstance(dialog, AddDebtDialog)
        body = dialog.query_one(".dialog-body")
        assert body.max_scroll_y == 0 and body.scroll_y == 0
        seen = body.content_region
        title = dialog.query_one(".dialog-title")
        assert "Иванова Мария" in str(title.render()) and seen.contains_region(title.region)
        for field in ("#amount", "#reason", "#order-ref", "#comment"):
            widget = dialog.query_one(field)
            assert seen.contains_region(widget.region), f"{field} out of sight"
        comment = dialog.query_one("#comment")
        assert comment.styles.background != body.styles.background
