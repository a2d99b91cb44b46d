"""Snapshots of every screen and dialog in English and Russian, at the largest terminal a
desk has (160×48) and the smallest the console supports (80×24): the card's edit form, the
call tabs with many calls, the client base (full and empty), History, the supervisor board
and each dialog. `tests/test_russian_words.py` reads the Russian ones for English words.

Screens are shot at both sizes in both languages. A dialog is the same frame at any size:
it is shot at 80×24 in both languages (where a long line is cut first) and at 160×48 in
Russian only. Each scenario reaches its screen as a person would, by keys, so the
snapshots follow the console's flows as they change.

Deterministic as the other snapshot tests (tests/test_snapshots_console.py): a fresh
database filled by `seed_desk` with fixed times, a fixed clock, times in UTC, a desk fake
whose calls and link state are fixed, and text cursors that do not blink.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widgets import Input

from console import i18n
from console.app import ConsoleApp
from console.config import RulesSettings
from console.desk import CallerIdentified, ConnectionStatus
from console.screens.clients import ClientsScreen
from console.screens.dispatcher import DispatcherScreen
from pbx.call_events import LiveCall
from storage.clients import update_client
from storage.companies import add_company_operation, create_company, link_employee
from storage.models import Client, OperatorRole
from storage.roles import Actor
from tests.console_support import (
    DESK_NOW,
    MARIA_PHONES,
    PETROV_PHONE,
    ROMASHKA_PHONE,
    FakeDesk,
    Seeded,
    fill,
    make_settings,
    ring,
    seed_desk,
    sessions_for_snapshot,
    settle,
    until,
)
from tests.xlsx_support import write_sheet

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

NOW = DESK_NOW
LARGE = (160, 48)
SMALL = (80, 24)
Scenario = Callable[[Pilot[None], "Shot"], Awaitable[None]]


class Shot:
    """What a scenario has to work with: the app's desk and the seeded ids (None: empty)."""

    def __init__(self, desk: FakeDesk, ids: Seeded | None) -> None:
        self.desk = desk
        self._ids = ids

    @property
    def ids(self) -> Seeded:
        assert self._ids is not None, "this scenario needs the seeded desk"
        return self._ids


@pytest.fixture
def utc() -> Iterator[None]:
    i18n.set_timezone(UTC)
    yield
    i18n.set_language("ru")
    i18n.set_timezone(None)


def live(linkedid: str, number: str | None, raw: str, **kw: Any) -> LiveCall:
    base: dict[str, Any] = dict(
        server="main",
        linkedid=linkedid,
        direction="inbound",
        state="ringing",
        number=number,
        number_raw=raw,
        name=None,
        queue="dispatch",
        ringing=(),
        talking=None,
        started_at=NOW - timedelta(seconds=30),
        since=NOW - timedelta(seconds=30),
    )
    base.update(kw)
    return LiveCall(**base)


def busy_desk() -> FakeDesk:
    """The link up for two hours; Вера (103) talks to Петров, Борис (102) rings for a
    withheld number, a caller waits in the queue."""
    return FakeDesk(
        status={"main": ConnectionStatus("main", "up", NOW - timedelta(hours=2))},
        calls=[
            live(
                "9.1",
                PETROV_PHONE,
                PETROV_PHONE,
                state="talking",
                talking="103",
                since=NOW - timedelta(seconds=80),
            ),
            live("9.2", None, "anonymous", ringing=("102",)),
            live("9.3", ROMASHKA_PHONE, ROMASHKA_PHONE, state="queued"),
        ],
    )


def still_cursors(app: ConsoleApp) -> None:
    """Text cursors shown steady: a blinking one would differ from shot to shot."""
    for box in app.screen.query(Input):
        box.cursor_blink = False


async def ready(app: ConsoleApp, pilot: Pilot[None]) -> None:
    if isinstance(app.screen, ModalScreen):
        # A dialog's own worker (the card action awaiting its answer) never finishes here.
        for _ in range(3):
            await pilot.pause()
    else:
        await settle(app, pilot)
    still_cursors(app)
    await pilot.pause()


# --- scenarios ---------------------------------------------------------------------------


async def pop(pilot: Pilot[None], shot: Shot, number: str, client: int, linkedid: str) -> Any:
    """A known caller rings at my phone: their card is up."""
    app = pilot.app
    shot.desk.emit(ring(number, linkedid=linkedid, queue="dispatch"))
    shot.desk.emit(CallerIdentified("main", linkedid, client, False, "phone"))
    screen = app.screen
    assert isinstance(screen, DispatcherScreen)
    key = f"main/{linkedid}"
    await until(pilot, lambda: key in screen.popups, "the popup")
    popup = screen.popups[key]
    await until(pilot, lambda: popup.panel.card is not None, "the card")
    await settle(app, pilot)
    return popup


async def maria(pilot: Pilot[None], shot: Shot) -> Any:
    return await pop(pilot, shot, MARIA_PHONES[0], shot.ids.maria, "1700000001.1")


async def modal(pilot: Pilot[None], *keys: str) -> None:
    await pilot.press(*keys)
    await until(pilot, lambda: isinstance(pilot.app.screen, ModalScreen), "the dialog")


async def edit_form(pilot: Pilot[None], shot: Shot) -> None:
    popup = await maria(pilot, shot)
    await pilot.press("e")
    await until(pilot, lambda: popup.panel.editing, "the edit form")


async def many_calls(pilot: Pilot[None], shot: Shot) -> None:
    """Eight calls at my phone: known clients, a withheld and an unknown number, a
    colleague and a first-time caller."""
    ids = shot.ids
    await maria(pilot, shot)
    await pop(pilot, shot, PETROV_PHONE, ids.petrov, "1700000002.1")
    await pop(pilot, shot, ROMASHKA_PHONE, ids.romashka, "1700000003.1")
    await pop(pilot, shot, MARIA_PHONES[1], ids.maria, "1700000004.1")
    for n, raw in enumerate(("anonymous", "<unknown>", "102", "+79990001122"), start=5):
        shot.desk.emit(ring(raw, linkedid=f"170000000{n}.1"))
    screen = pilot.app.screen
    assert isinstance(screen, DispatcherScreen)
    await until(pilot, lambda: len(screen.popups) == 8, "eight popups")


async def client_base(pilot: Pilot[None], shot: Shot) -> None:
    app = pilot.app
    await pilot.press("f2")
    await until(pilot, lambda: isinstance(app.screen, ClientsScreen), "the client base")
    screen = app.screen
    assert isinstance(screen, ClientsScreen)
    await until(
        pilot,
        lambda: screen.shown_query is not None and screen.shown_query == screen.query_state,
        "the first page",
    )


async def history(pilot: Pilot[None], shot: Shot) -> None:
    await pilot.press("f4")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "HistoryScreen", "History")


async def board(pilot: Pilot[None], shot: Shot) -> None:
    await pilot.press("f3")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "SupervisorScreen", "board")


async def new_debt(pilot: Pilot[None], shot: Shot) -> None:
    await maria(pilot, shot)
    await modal(pilot, "d")


async def mark_paid(pilot: Pilot[None], shot: Shot) -> None:
    await maria(pilot, shot)
    await modal(pilot, "m")


async def phone_add(pilot: Pilot[None], shot: Shot) -> None:
    await maria(pilot, shot)
    await modal(pilot, "p")


async def blacklist(pilot: Pilot[None], shot: Shot) -> None:
    await pop(pilot, shot, PETROV_PHONE, shot.ids.petrov, "1700000002.1")
    await modal(pilot, "b")


async def conflict(pilot: Pilot[None], shot: Shot) -> None:
    """Another desk saves Мария's card while it is being edited here."""
    app = pilot.app
    assert isinstance(app, ConsoleApp)
    await edit_form(pilot, shot)
    await pilot.press(*"42")
    async with app.sessions.begin() as session:
        version = (await session.get(Client, shot.ids.maria)).version  # type: ignore[union-attr]
        changes = {"city": "Химки", "comment": "Подъезд со двора"}
        await update_client(session, shot.ids.maria, version, changes, "Борис (102)", at=NOW)
    await modal(pilot, "ctrl+s")


async def import_file(pilot: Pilot[None], shot: Shot) -> None:
    await client_base(pilot, shot)
    await modal(pilot, "ctrl+o")


async def export_file(pilot: Pilot[None], shot: Shot) -> None:
    await client_base(pilot, shot)
    await modal(pilot, "ctrl+s")


async def import_rejected(pilot: Pilot[None], shot: Shot) -> None:
    """A sheet with a bad phone and a bad e-mail: the rows are listed, nothing written."""
    await import_file(pilot, shot)
    dialog = pilot.app.screen
    dialog.query_one("#transfer-path", Input).value = "bad.xlsx"
    await pilot.press("enter")
    await until(pilot, lambda: getattr(dialog, "phase", "") == "rejected", "the report")


async def addresses(pilot: Pilot[None], shot: Shot) -> None:
    """Мария's addresses to pick from (`a`), with «+ a new address» last."""
    await maria(pilot, shot)
    await modal(pilot, "a")


async def shown(pilot: Pilot[None], name: str) -> None:
    await until(pilot, lambda: type(pilot.app.screen).__name__ == name, name)


async def address_form(pilot: Pilot[None], shot: Shot) -> None:
    """Her address opened to be changed: every field on one line."""
    await addresses(pilot, shot)
    first = pilot.app.screen
    await pilot.press("1")
    await until(
        pilot,
        lambda: isinstance(pilot.app.screen, ModalScreen) and pilot.app.screen is not first,
        "what to do with it",
    )
    await pilot.press("2")  # change it
    await shown(pilot, "AddressDialog")


async def company(pilot: Pilot[None], shot: Shot) -> None:
    """The companies to pick from (`o`)."""
    app = pilot.app
    assert isinstance(app, ConsoleApp)
    async with app.sessions.begin() as session:
        values = {"name": "ООО Ромашка", "tax_id": "7701234567"}
        await create_company(session, values, actor=Actor("Анна (101)"), at=NOW)
    await maria(pilot, shot)
    await modal(pilot, "o")


async def company_new(pilot: Pilot[None], shot: Shot) -> None:
    await company(pilot, shot)
    await pilot.press("2")  # «+ a new company»
    await shown(pilot, "CompanyDialog")


async def company_screen(pilot: Pilot[None], shot: Shot) -> None:
    """ООО Ромашка from Мария's card (`o`): she may ride on its account, Петров may not;
    one top-up on its account."""
    app = pilot.app
    assert isinstance(app, ConsoleApp)
    senior = Actor("Вера (103)", OperatorRole.SUPERVISOR)
    async with app.sessions.begin() as session:
        values = {
            "name": "ООО Ромашка",
            "tax_id": "7701234567",
            "contact_name": "Сидоров Павел",
            "contact_phone": "+74951112233",
        }
        made = await create_company(session, values, actor=senior, at=NOW)
        ids = shot.ids
        await link_employee(
            session, ids.maria, made.id, actor=senior, may_order_on_account=True, at=NOW
        )
        await link_employee(session, ids.petrov, made.id, actor=senior, at=NOW)
        await add_company_operation(
            session, made.id, "credit", "15000", actor=senior, comment="платёж 2041", at=NOW
        )
    await maria(pilot, shot)
    await pilot.press("o")
    await shown(pilot, "CompanyScreen")
    await until(pilot, lambda: getattr(pilot.app.screen, "card", None) is not None, "loaded")


async def companies_list(pilot: Pilot[None], shot: Shot) -> None:
    """The client base's companies (Ctrl+G), one in debt."""
    app = pilot.app
    assert isinstance(app, ConsoleApp)
    senior = Actor("Вера (103)", OperatorRole.SUPERVISOR)
    async with app.sessions.begin() as session:
        for name, tax_id, money in (
            ("ООО Ромашка", "7701234567", "15000"),
            ("АО Вектор", "7812345678", "-4500"),
        ):
            made = await create_company(
                session, {"name": name, "tax_id": tax_id}, actor=senior, at=NOW
            )
            await add_company_operation(
                session, made.id, "correction", money, actor=senior, at=NOW
            )  # fmt: skip
    await pilot.press("f2")
    await shown(pilot, "ClientsScreen")
    await modal(pilot, "ctrl+g")
    await until(pilot, lambda: bool(getattr(pilot.app.screen, "rows", None)), "the list")


async def phone_label(pilot: Pilot[None], shot: Shot) -> None:
    await maria(pilot, shot)
    await modal(pilot, "l")
    await pilot.press("2")
    await shown(pilot, "TextPrompt")


async def operations(pilot: Pilot[None], shot: Shot) -> None:
    """Мария's account: her bonus credit, with the filters at «all»."""
    await maria(pilot, shot)
    await modal(pilot, "s")
    dialog = pilot.app.screen
    await until(pilot, lambda: bool(getattr(dialog, "rows", None)), "the operations")


async def new_operation(pilot: Pilot[None], shot: Shot) -> None:
    await operations(pilot, shot)
    dialog = pilot.app.screen
    await pilot.press("n")
    await until(pilot, lambda: pilot.app.screen is not dialog, "the new operation")


async def client_calls(pilot: Pilot[None], shot: Shot) -> None:
    """Мария's whole call history, opened from her card («h»): the filter names her."""
    await maria(pilot, shot)
    await pilot.press("h")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "HistoryScreen", "History")
    await until(pilot, lambda: getattr(pilot.app.screen, "history", None) is not None, "calls")


SCREENS: dict[str, tuple[Scenario, bool]] = {  # name: (scenario, seeded)
    "edit_form": (edit_form, True),
    "call_tabs": (many_calls, True),
    "client_base": (client_base, True),
    "client_base_empty": (client_base, False),
    "history": (history, True),
    "board": (board, True),
}
DIALOGS: dict[str, Scenario] = {
    "new_debt": new_debt,
    "mark_paid": mark_paid,
    "phone_add": phone_add,
    "blacklist": blacklist,
    "conflict": conflict,
    "import": import_file,
    "export": export_file,
    "import_rejected": import_rejected,
}
# The account dialogs and the client's call history (issue 14): every language and size.
MONEY: dict[str, Scenario] = {
    "operations": operations,
    "new_operation": new_operation,
    "client_calls": client_calls,
}


# The dialogs of addresses, companies and phone labels (issue 14), at both sizes in both
# languages.
PLACE_DIALOGS: dict[str, Scenario] = {
    "addresses": addresses,
    "address_form": address_form,
    "company": company,
    "company_new": company_new,
    "phone_label": phone_label,
    "company_screen": company_screen,
    "companies_list": companies_list,
}


def shoot(
    snap_compare: Any,
    db_url: str,
    language: str,
    size: tuple[int, int],
    scenario: Scenario,
    *,
    seeded: bool = True,
) -> bool:
    ids = fill(db_url, lambda sessions: seed_desk(sessions, NOW)) if seeded else None
    desk = busy_desk()
    shot = Shot(desk, ids)

    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, ConsoleApp)
        await pilot.pause()
        await scenario(pilot, shot)
        await ready(app, pilot)

    with sessions_for_snapshot(db_url) as sessions:
        app = ConsoleApp(
            # a supervisor's seat: every key of the card lit, debts closed, files imported
            make_settings(
                "101", language, rules=RulesSettings(max_unpaid_debts=1), role="supervisor"
            ),
            sessions,
            desk,
            clock=lambda: NOW,
            check_database=False,
        )
        app.database_ok = True  # as the first database check would find it
        return bool(snap_compare(app, terminal_size=size, run_before=run_before))


@pytest.fixture
def sheet_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The import scenarios read «bad.xlsx» from the working folder (a path that is the
    same on every run, so the dialog's path field is too)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    write_sheet(
        tmp_path / "bad.xlsx",
        [
            ["ФИО", "Телефон", "Email"],
            ["Новиков Николай", "+79990001122", "n@example.org"],
            ["Плохой Номер", "abc", ""],
            ["Орлова Ольга", "+79990003344", "not-an-email"],
        ],
    )


@pytest.mark.usefixtures("utc")
@pytest.mark.parametrize("size", [LARGE, SMALL], ids=["160x48", "80x24"])
@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("name", list(SCREENS))
def test_screen(
    snap_compare: Any, db_url: str, name: str, language: str, size: tuple[int, int]
) -> None:
    scenario, seeded = SCREENS[name]
    assert shoot(snap_compare, db_url, language, size, scenario, seeded=seeded)


@pytest.mark.usefixtures("utc", "sheet_here")
@pytest.mark.parametrize(
    ("language", "size"),
    [("en", SMALL), ("ru", SMALL), ("ru", LARGE)],
    ids=["en-80x24", "ru-80x24", "ru-160x48"],
)
@pytest.mark.parametrize("name", list(DIALOGS))
def test_dialog(
    snap_compare: Any, db_url: str, name: str, language: str, size: tuple[int, int]
) -> None:
    assert shoot(snap_compare, db_url, language, size, DIALOGS[name])


@pytest.mark.usefixtures("utc")
@pytest.mark.parametrize("size", [LARGE, SMALL], ids=["160x48", "80x24"])
@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("name", list(PLACE_DIALOGS))
def test_place_dialog(
    snap_compare: Any, db_url: str, name: str, language: str, size: tuple[int, int]
) -> None:
    assert shoot(snap_compare, db_url, language, size, PLACE_DIALOGS[name])


@pytest.mark.usefixtures("utc")
@pytest.mark.parametrize("size", [LARGE, SMALL], ids=["160x48", "80x24"])
@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("name", list(MONEY))
def test_money(
    snap_compare: Any, db_url: str, name: str, language: str, size: tuple[int, int]
) -> None:
    assert shoot(snap_compare, db_url, language, size, MONEY[name])
