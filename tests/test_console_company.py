"""A company's own screen, driven through Pilot on a real SQLite file (issue 14, item 4).

From an employee's card `o` opens the company: its record, its account's balance, whether
this caller may ride on it, its employees with their phones' labels and its latest
operations; Enter opens an employee's card. Money and the account's use are a supervisor's
(a dispatcher is told why not, in words, and nothing is written); the record, linking and
unlinking are any operator's and audited. The client base reaches companies without a
caller (Ctrl+G: search by name or tax id).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from textual.widgets import Input, OptionList, Select

from console.app import ConsoleApp
from console.i18n import set_timezone
from console.screens.card import ClientCardScreen
from console.screens.clients import ClientsScreen
from console.screens.companies import CompaniesDialog
from console.screens.company import CompanyScreen
from console.screens.dispatcher import DispatcherScreen
from console.widgets.card.money import NewOperationDialog
from console.widgets.card.places import CompanyDialog
from console.widgets.card.view import CardDetails
from console.widgets.columns import FittedTable
from storage.clients import set_phone_label
from storage.companies import add_company_operation, create_company, link_employee
from storage.models import AuditEntry, CompanyEmployee, CompanyOperation, OperatorRole
from storage.roles import Actor
from tests.console_support import (
    DESK_NOW,
    MARIA_PHONES,
    PETROV_PHONE,
    FakeDesk,
    Notes,
    Seeded,
    make_app,
    seed_desk,
    settle,
    until,
)
from tests.test_console_money import pop

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

Sessions = async_sessionmaker[AsyncSession]
NOW = DESK_NOW
SENIOR = Actor("Вера (103)", OperatorRole.SUPERVISOR)
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def _utc_times() -> Iterable[None]:
    set_timezone(UTC)
    yield
    set_timezone(None)


def shown(widget: Any) -> str:
    return str(widget.render())


async def romashka(sessions: Sessions, ids: Seeded, *, balance: str = "-1200") -> int:
    """ООО Ромашка: Мария may ride on its account, Петров may not; its account in debt."""
    async with sessions.begin() as s:
        company = await create_company(
            s,
            {
                "name": "ООО Ромашка",
                "tax_id": "7701234567",
                "contact_name": "Сидоров Павел",
                "contact_phone": "+74951112233",
            },
            actor=SENIOR,
            at=NOW,
        )
        await link_employee(s, ids.maria, company.id, actor=SENIOR, may_order_on_account=True)
        await link_employee(s, ids.petrov, company.id, actor=SENIOR)
        await set_phone_label(s, ids.petrov, PETROV_PHONE, "рабочий", actor="Вера", at=NOW)
        await add_company_operation(
            s, company.id, "correction", balance, actor=SENIOR, comment="акт сверки", at=NOW
        )
        return company.id


async def open_company(app: ConsoleApp, pilot: Any) -> CompanyScreen:
    await pilot.press("o")
    await until(pilot, lambda: isinstance(app.screen, CompanyScreen), "the company")
    screen = app.screen
    assert isinstance(screen, CompanyScreen)
    await until(pilot, lambda: screen.card is not None, "the company loaded")
    await settle(app, pilot)
    return screen


def rows(screen: CompanyScreen, table: str) -> list[list[str]]:
    fitted = screen.query_one(f"#{table}", FittedTable)
    return [[cells[c].plain for c in fitted.visible_columns] for cells in fitted.shown.values()]


async def test_the_company_opens_from_an_employees_card_with_what_the_dispatcher_needs(
    sessions: Sessions,
) -> None:
    ids = await seed_desk(sessions, NOW)
    await romashka(sessions, ids)
    desk = FakeDesk()
    app = make_app(sessions, desk)
    async with app.run_test(size=(160, 48)) as pilot:
        popup = await pop(app, pilot, desk, PETROV_PHONE)
        # On the card already, while talking: whose account, may he, and that it is in debt.
        assert (
            f"Company: ООО Ромашка · may not ride on the company's account"
            f" (account RUB{NBSP}-1,200.00, IN DEBT)"
        ) in shown(popup.panel.query_one(CardDetails))
        screen = await open_company(app, pilot)
        assert shown(screen.query_one("#company-head")).splitlines() == [
            "ООО Ромашка · tax id 7701234567",
            "Contact: Сидоров Павел, +7 495 111-22-33",
        ]
        balance = screen.query_one("#company-balance")
        assert shown(balance) == f"Company account: RUB{NBSP}-1,200.00 — IN DEBT"
        assert balance.has_class("-negative")
        # The caller on the line: may he ride on the account? No.
        assert shown(screen.query_one("#company-caller")) == (
            "Петров Пётр: may not ride on the company's account"
        )
        assert rows(screen, "company-employees") == [
            ["Иванова Мария Сергеевна", "yes", "+7 916 123-45-67, +7 495 987-65-43"],
            ["Петров Пётр", "no", "+7 903 111-22-33 (рабочий)"],
        ]
        assert screen.selected() is not None and screen.selected().client_id == ids.petrov  # type: ignore[union-attr]
        assert rows(screen, "company-operations") == [
            ["2026-11-22 09:30", "correction", f"RUB{NBSP}-1,200.00", "акт сверки", "Вера (103)"]
        ]
        # Enter: the employee's card; Escape: back to the company.
        await pilot.press("up", "enter")
        await until(pilot, lambda: isinstance(app.screen, ClientCardScreen), "the card")
        card = app.screen
        assert isinstance(card, ClientCardScreen)
        panel = card.card_panel()
        assert panel is not None
        await until(pilot, lambda: panel.card is not None, "Мария's card")
        assert panel.card is not None and panel.card.id == ids.maria
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen, "the company again")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DispatcherScreen), "the popup again")


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (
            "en",
            "Анна (101) (dispatcher) may not change a company's money: only supervisor, admin",
        ),
        (
            "ru",
            "Анна (101) (диспетчер): нет права — менять деньги на счёте компании; можно только:"
            " старший смены, администратор",
        ),
    ],
)
async def test_a_dispatcher_is_told_why_not_and_the_company_money_stays(
    sessions: Sessions, language: str, said: str
) -> None:
    ids = await seed_desk(sessions, NOW)
    company_id = await romashka(sessions, ids)
    desk = FakeDesk()
    app = make_app(sessions, desk, language=language)
    notes = Notes()
    async with app.run_test(size=(160, 48), message_hook=notes) as pilot:
        await pop(app, pilot, desk, PETROV_PHONE)
        screen = await open_company(app, pilot)
        assert shown(screen.query_one("#company-line")) != ""  # who may, said up front
        await pilot.press("n")
        await until(pilot, lambda: said in notes.errors(), "the refusal")
        assert not isinstance(app.screen, NewOperationDialog)  # no amount asked for nothing
        assert shown(screen.query_one("#company-line")) == said
        await pilot.press("t")  # nor may he let Петров ride on the account
        await settle(app, pilot)
    async with sessions() as s:
        operations = (await s.scalars(select(CompanyOperation))).all()
        assert [o.company_id for o in operations] == [company_id]  # the seed's only
        link = await s.get(CompanyEmployee, ids.petrov)
        assert link is not None and not link.may_order_on_account


async def test_a_supervisor_tops_up_the_account_and_lets_an_employee_ride_on_it(
    sessions: Sessions,
) -> None:
    ids = await seed_desk(sessions, NOW)
    company_id = await romashka(sessions, ids)
    desk = FakeDesk()
    app = make_app(sessions, desk, role="supervisor")
    notes = Notes()
    async with app.run_test(size=(160, 48), message_hook=notes) as pilot:
        popup = await pop(app, pilot, desk, PETROV_PHONE)
        screen = await open_company(app, pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NewOperationDialog), "the form")
        form = app.screen
        kinds = form.query_one("#kind", Select)
        assert [value for _label, value in kinds._options] == ["credit", "debit", "correction"]
        form.query_one("#amount", Input).value = "5 000"
        form.query_one("#comment", Input).value = "платёжное поручение 118"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(rows(screen, "company-operations")) == 2, "the new row")
        assert rows(screen, "company-operations")[0][1:] == [
            "top-up",
            f"RUB{NBSP}5,000.00",
            "платёжное поручение 118",
            "Анна (101)",
        ]
        assert shown(screen.query_one("#company-balance")) == (
            f"Company account: RUB{NBSP}3,800.00"
        )
        assert f"top-up RUB{NBSP}5,000.00: the company's account is RUB{NBSP}3,800.00" in (
            notes.texts
        )
        await pilot.press("t")  # Петров (under the cursor) may ride on the account now
        await until(
            pilot,
            lambda: "may ride" in shown(screen.query_one("#company-caller")),
            "the caller's line",
        )
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DispatcherScreen), "the popup")
        await until(
            pilot,
            lambda: (
                popup.panel.card is not None
                and popup.panel.card.company is not None
                and popup.panel.card.company.may_order_on_account
            ),
            "the card reloaded",
        )
        assert "Company: ООО Ромашка · may ride on the company's account" in shown(
            popup.panel.query_one(CardDetails)
        )
    async with sessions() as s:
        stmt = select(CompanyOperation).order_by(CompanyOperation.id)
        last = (await s.scalars(stmt)).all()[-1]
        assert (last.company_id, last.amount, last.operator) == (
            company_id,
            Decimal("5000.00"),
            "Анна (101)",
        )
        actions = (
            await s.scalars(
                select(AuditEntry.action).where(
                    AuditEntry.actor == "Анна (101)", AuditEntry.entity == "company"
                )
            )
        ).all()
        assert set(actions) == {"company_money_credit", "employee_account"}


async def test_the_record_is_edited_and_an_employee_unlinked_by_any_operator(
    sessions: Sessions,
) -> None:
    ids = await seed_desk(sessions, NOW)
    company_id = await romashka(sessions, ids)
    desk = FakeDesk()
    app = make_app(sessions, desk)
    async with app.run_test(size=(160, 48)) as pilot:
        await pop(app, pilot, desk, PETROV_PHONE)
        screen = await open_company(app, pilot)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, CompanyDialog), "the record")
        form = app.screen
        assert form.query_one("#company-tax_id", Input).value == "7701234567"
        form.query_one("#company-tax_id", Input).value = "12345"
        await pilot.press("ctrl+s")
        await until(
            pilot,
            lambda: "Tax id (INN)" in shown(screen.query_one("#company-line")),
            "a bad tax id named",
        )
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, CompanyDialog), "the record again")
        app.screen.query_one("#company-contact_name", Input).value = "Орлова Ирина"
        await pilot.press("ctrl+s")
        await until(
            pilot,
            lambda: "Contact: Орлова Ирина" in shown(screen.query_one("#company-head")),
            "the new contact",
        )
        await pilot.press("u")  # Петров, under the cursor
        await until(pilot, lambda: not isinstance(app.screen, CompanyScreen), "the question")
        await pilot.press("y")
        await until(pilot, lambda: len(rows(screen, "company-employees")) == 1, "one left")
        assert shown(screen.query_one("#company-caller")) == ("— does not work for this company")
    async with sessions() as s:
        assert await s.get(CompanyEmployee, ids.petrov) is None
        entries = (
            await s.scalars(
                select(AuditEntry).where(
                    AuditEntry.entity == "company", AuditEntry.entity_id == company_id
                )
            )
        ).all()
        assert {(e.action, e.actor) for e in entries if e.actor == "Анна (101)"} == {
            ("company_update", "Анна (101)"),
            ("employee_unlink", "Анна (101)"),
        }


async def test_the_client_base_finds_a_company_by_tax_id_and_opens_it(
    sessions: Sessions,
) -> None:
    ids = await seed_desk(sessions, NOW)
    await romashka(sessions, ids)
    async with sessions.begin() as s:
        await create_company(s, {"name": "АО Вектор", "tax_id": "7812345678"}, actor=SENIOR)
    desk = FakeDesk()
    app = make_app(sessions, desk, language="ru")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, ClientsScreen), "the client base")
        await settle(app, pilot)
        await pilot.press("ctrl+g")
        await until(pilot, lambda: isinstance(app.screen, CompaniesDialog), "the companies")
        dialog = app.screen
        assert isinstance(dialog, CompaniesDialog)
        await until(pilot, lambda: len(dialog.rows) == 2, "the list")
        options = dialog.query_one(OptionList)
        assert [str(options.get_option_at_index(i).prompt) for i in range(3)] == [
            f"АО Вектор · ИНН 7812345678 · 0,00{NBSP}₽ · сотрудников: 0",
            f"ООО Ромашка · ИНН 7701234567 · -1{NBSP}200,00{NBSP}₽ · сотрудников: 2",
            "+ новая компания",
        ]
        line = dialog.query_one("#pick-line")
        assert app.screen.region.contains_region(line.region)  # in sight at 80×24
        await pilot.press("7", "7", "0", "1")
        await until(pilot, lambda: len(dialog.shown) == 1, "found by the tax id")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CompanyScreen), "the company")
        screen = app.screen
        assert isinstance(screen, CompanyScreen)
        await until(pilot, lambda: screen.card is not None, "loaded")
        assert screen.card is not None and screen.card.company.name == "ООО Ромашка"
        assert not screen.query_one("#company-caller").display  # no caller: no such line
        footer = screen.query_one("ConsoleFooter")
        assert footer.region.bottom <= 24
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ClientsScreen), "back")


async def test_a_card_without_a_company_still_chooses_one(sessions: Sessions) -> None:
    await seed_desk(sessions, NOW)
    desk = FakeDesk()
    app = make_app(sessions, desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await pop(app, pilot, desk, MARIA_PHONES[0])
        await pilot.press("o")
        await until(pilot, lambda: not isinstance(app.screen, DispatcherScreen), "the pick")
        assert not isinstance(app.screen, CompanyScreen)  # nothing to open: pick or create
