"""A client's money on the card, driven through Pilot (issue 14, items 1, 2, 7, 10).

The card shows balance, bonus, credit limit, discount and rating, a banner when the
balance is below the negative credit limit, and the last paid debts; `s` opens the account
operations (filters by kind and period), where a supervisor makes a new operation and a
dispatcher is refused by storage with the reason on screen; `h` opens the client's whole
call history and Escape comes back to the card.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from textual.widgets import DataTable, Input, Select

from console.app import ConsoleApp
from console.i18n import set_timezone
from console.screens.dispatcher import DispatcherScreen
from console.screens.history import HistoryScreen
from console.widgets.card.money import NewOperationDialog, OperationsDialog
from console.widgets.card.popup import CallPopup
from console.widgets.card.view import CardDetails, ClientCardView, CreditBanner
from storage.accounts import add_operation
from storage.clients import update_client
from storage.debts import mark_debt_paid
from storage.models import AccountOperation, AuditEntry, Client, OperatorRole
from storage.roles import Actor
from tests.console_support import (
    DESK_NOW,
    MARIA_PHONES,
    PETROV_PHONE,
    FakeDesk,
    Notes,
    make_app,
    ring,
    seed_desk,
    settle,
    until,
)

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

Sessions = async_sessionmaker[AsyncSession]
NOW = DESK_NOW
SENIOR = Actor("Вера (103)", OperatorRole.SUPERVISOR)


@pytest.fixture(autouse=True)
def _utc_times() -> Iterable[None]:
    set_timezone(UTC)
    yield
    set_timezone(None)


def shown(widget: Any) -> str:
    return str(widget.render())


async def pop(app: ConsoleApp, pilot: Any, desk: FakeDesk, number: str) -> CallPopup:
    desk.emit(ring(number, linkedid="1700000000.1"))
    screen = app.screen
    assert isinstance(screen, DispatcherScreen)
    await until(pilot, lambda: "main/1700000000.1" in screen.popups, "the popup")
    popup = screen.popups["main/1700000000.1"]
    await until(pilot, lambda: popup.panel.card is not None, "the card")
    await settle(app, pilot)
    return popup


async def petrov_in_debt(sessions: Sessions, petrov: int) -> None:
    """Петров: a credit limit of 500 and 800 spent on account, over the limit."""
    async with sessions.begin() as s:
        client = await s.get(Client, petrov)
        assert client is not None
        changes = {"credit_limit": "500", "discount_percent": "10", "rating": "4.75"}
        await update_client(s, petrov, client.version, changes, SENIOR, at=NOW)
        await add_operation(
            s, petrov, "debit", "800", actor=SENIOR, comment="поездки за ноябрь", at=NOW
        )


async def open_operations(app: ConsoleApp, pilot: Any) -> OperationsDialog:
    await pilot.press("s")
    await until(pilot, lambda: isinstance(app.screen, OperationsDialog), "the operations")
    dialog = app.screen
    assert isinstance(dialog, OperationsDialog)
    await until(pilot, lambda: "Loading" not in shown(dialog.query_one("#money-line")), "rows")
    return dialog


def table_rows(dialog: OperationsDialog) -> list[list[str]]:
    table: DataTable[Any] = dialog.query_one("#money-table", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_the_card_shows_money_and_the_credit_limit_banner(sessions: Sessions) -> None:
    ids = await seed_desk(sessions, NOW)
    await petrov_in_debt(sessions, ids.petrov)
    desk = FakeDesk()
    app = make_app(sessions, desk)
    async with app.run_test(size=(120, 40)) as pilot:
        popup = await pop(app, pilot, desk, PETROV_PHONE)
        view = popup.panel.query_one(ClientCardView)
        details = shown(view.query_one(CardDetails))
        assert (
            "Balance RUB\u00a0-800.00 · bonus RUB\u00a00.00 · credit limit RUB\u00a0500.00"
            " · discount 10% · rating 4.75"
        ) in details
        banner = view.query_one(CreditBanner)
        assert banner.display
        assert shown(banner) == (
            "OVER CREDIT LIMIT: balance RUB\u00a0-800.00, the limit allows RUB\u00a0-500.00"
        )
        assert not view.query_one("#debts-paid").display  # Петров never paid a debt


async def test_within_the_limit_there_is_no_banner(sessions: Sessions) -> None:
    await seed_desk(sessions, NOW)
    desk = FakeDesk()
    app = make_app(sessions, desk)
    async with app.run_test(size=(120, 40)) as pilot:
        popup = await pop(app, pilot, desk, MARIA_PHONES[0])
        view = popup.panel.query_one(ClientCardView)
        assert not view.query_one(CreditBanner).display
        assert "bonus RUB\u00a0120.50" in shown(view.query_one(CardDetails))


async def test_paid_debts_show_beside_the_unpaid_ones(sessions: Sessions) -> None:
    ids = await seed_desk(sessions, NOW)
    async with sessions.begin() as s:
        await mark_debt_paid(
            s, ids.debts[0], actor=SENIOR, at=NOW - timedelta(days=1), comment="водителю"
        )
    desk = FakeDesk()
    app = make_app(sessions, desk)
    async with app.run_test(size=(120, 40)) as pilot:
        popup = await pop(app, pilot, desk, MARIA_PHONES[0])
        view = popup.panel.query_one(ClientCardView)
        assert "Unpaid: 1" in shown(view.query_one("#debts-total"))
        paid = view.query_one("#debts-paid")
        assert paid.display
        assert shown(paid).splitlines() == [
            "Paid debts: 1; the latest:",
            "2026-11-21 09:30 · RUB\u00a0350.00 · order A-1042 · closed by Вера (103) · водителю",
        ]


async def test_the_operations_history_lists_newest_first_and_filters(sessions: Sessions) -> None:
    ids = await seed_desk(sessions, NOW)
    async with sessions.begin() as s:
        for days, kind, amount, comment in (
            (40, "credit", "1000", "перевод"),
            (3, "debit", "250.50", "поездка"),
            (1, "bonus_spend", "20", ""),
        ):
            await add_operation(
                s, ids.maria, kind, amount, actor=SENIOR, comment=comment,
                at=NOW - timedelta(days=days),
            )  # fmt: skip
    desk = FakeDesk()
    app = make_app(sessions, desk)
    async with app.run_test(size=(160, 48)) as pilot:
        await pop(app, pilot, desk, MARIA_PHONES[0])
        dialog = await open_operations(app, pilot)
        assert shown(dialog.query_one("#money-title")) == (
            "Account: Иванова Мария Сергеевна · balance RUB\u00a0749.50 · bonus RUB\u00a0100.50"
        )
        assert table_rows(dialog) == [
            ["2026-11-21 09:30", "bonus spend", "RUB\u00a0-20.00", "—", "Вера (103)"],
            ["2026-11-19 09:30", "debit", "RUB\u00a0-250.50", "поездка", "Вера (103)"],
            ["2026-10-13 09:30", "top-up", "RUB\u00a01,000.00", "перевод", "Вера (103)"],
            ["2026-08-14 10:00", "bonus credit", "RUB\u00a0120.50", "за отзыв", "Вера (103)"],
        ]
        assert shown(dialog.query_one("#money-line")) == "Operations shown: 4, newest first"
        dialog.query_one("#money-kind", Select).value = "debit"
        await until(pilot, lambda: len(table_rows(dialog)) == 1, "debits only")
        assert table_rows(dialog)[0][1] == "debit"
        dialog.query_one("#money-kind", Select).clear()
        dialog.query_one("#money-period", Select).value = "week"
        await until(pilot, lambda: len(table_rows(dialog)) == 2, "the last 7 days")
        assert [r[1] for r in table_rows(dialog)] == ["bonus spend", "debit"]
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DispatcherScreen), "the card again")


async def test_a_supervisor_makes_a_new_operation_and_the_card_follows(
    sessions: Sessions,
) -> None:
    ids = await seed_desk(sessions, NOW)
    desk = FakeDesk()
    app = make_app(sessions, desk, role="supervisor")
    notes = Notes()
    async with app.run_test(size=(120, 40), message_hook=notes) as pilot:
        popup = await pop(app, pilot, desk, PETROV_PHONE)
        dialog = await open_operations(app, pilot)
        assert table_rows(dialog) == [] and shown(dialog.query_one("#money-line")) == (
            "No operations"
        )
        assert app.screen.active_bindings["n"].enabled
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NewOperationDialog), "the form")
        form = app.screen
        form.query_one("#amount", Input).value = "1 500,50"
        form.query_one("#comment", Input).value = "наличные в офисе"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(table_rows(dialog)) == 1, "the new row")
        assert table_rows(dialog)[0][1:] == [
            "top-up",
            "RUB\u00a01,500.50",
            "наличные в офисе",
            "Анна (101)",
        ]
        assert any("Done: top-up RUB\u00a01,500.50" in text for text in notes.texts)
        assert "balance RUB\u00a01,500.50" in shown(dialog.query_one("#money-title"))
        await pilot.press("escape")
        await until(
            pilot,
            lambda: popup.panel.card is not None and popup.panel.card.balance == 1500.5,
            "the card reloaded",
        )
        assert "Balance RUB\u00a01,500.50" in shown(popup.panel.query_one(CardDetails))
    async with sessions() as s:
        stmt = select(AccountOperation).where(AccountOperation.client_id == ids.petrov)
        operation = (await s.scalars(stmt)).one()
        assert (operation.client_id, operation.operator, operation.at) == (
            ids.petrov,
            "Анна (101)",
            NOW,
        )
        trail = (
            await s.scalars(select(AuditEntry).where(AuditEntry.action == "money_credit"))
        ).one()
        assert trail.actor == "Анна (101)"


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (
            "en",
            "Анна (101) (dispatcher) may not change a client's money: only supervisor, admin",
        ),
        (
            "ru",
            "Анна (101) (диспетчер): нет права — менять счёт и бонусы клиента; можно только:"
            " старший смены, администратор",
        ),
    ],
)
async def test_a_dispatcher_is_refused_by_storage_with_the_reason_on_screen(
    sessions: Sessions, language: str, said: str
) -> None:
    ids = await seed_desk(sessions, NOW)
    desk = FakeDesk()
    app = make_app(sessions, desk, language=language)
    async with app.run_test(size=(120, 40)) as pilot:
        popup = await pop(app, pilot, desk, MARIA_PHONES[0])
        screen = app.screen
        # A dispatcher's footer offers neither lifting Мария's blacklist nor closing a debt.
        assert not screen.active_bindings["b"].enabled
        assert not screen.active_bindings["m"].enabled
        assert screen.active_bindings["d"].enabled  # adding a debt is theirs
        dialog = await open_operations(app, pilot)
        assert not dialog.active_bindings["n"].enabled
        assert shown(dialog.query_one("#money-error")) != ""  # who may, said up front
        dialog.action_new_operation()  # as if the key got through: storage decides
        await until(pilot, lambda: isinstance(app.screen, NewOperationDialog), "the form")
        app.screen.query_one("#amount", Input).value = "500"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: shown(dialog.query_one("#money-error")) == said, "refusal")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DispatcherScreen), "the card")
        assert popup.panel.card is not None and popup.panel.card.bonus_balance == 120.5
    async with sessions() as s:
        operations = (await s.scalars(select(AccountOperation))).all()
        assert [o.client_id for o in operations] == [ids.maria]  # the seed's only


async def test_one_key_opens_the_clients_call_history_and_escape_comes_back(
    sessions: Sessions,
) -> None:
    await seed_desk(sessions, NOW)
    desk = FakeDesk()
    app = make_app(sessions, desk)
    async with app.run_test(size=(160, 48)) as pilot:
        popup = await pop(app, pilot, desk, MARIA_PHONES[0])
        card_screen = app.screen
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen), "the history")
        history = app.screen
        assert isinstance(history, HistoryScreen)
        assert history.active_tab == "calls"
        field = history.query_one("#history-client", Input)
        assert field.value == "Иванова Мария Сергеевна"  # the name, not a number
        await until(pilot, lambda: history.history is not None, "the calls")
        assert history.history_query.filter.client_id == popup.panel.client_id
        page = history.history
        assert page is not None and len(page.rows) == 2
        assert {r.client_name for r in page.rows} == {"Иванова Мария Сергеевна"}
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is card_screen, "back at the card")
        assert popup.panel.card is not None
