"""The client base's administration in the console: who did what (from the card and for
the whole desk), merging two cards from the card, and the tariffs screen; each with the
role it needs, refused in words to a dispatcher."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from console.app import ConsoleApp
from console.i18n import set_language, set_timezone
from console.screens.audit import AuditScreen
from console.screens.audit_dialog import AuditDialog
from console.screens.client_pick import ClientPickDialog
from console.screens.confirm import ConfirmScreen
from console.screens.export_dialog import ExportDialog
from console.screens.merge_dialog import MergeDialog
from console.screens.tariffs import TariffsScreen
from console.widgets.card.dialogs import TextPrompt
from console.widgets.columns import FittedTable
from storage.models import AuditEntry, Call, Client, ClientPhone, Tariff
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

Sessions = async_sessionmaker[AsyncSession]
pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
SIZE = (140, 45)
REFUSED = "Анна (101) (dispatcher) may not {action}: only supervisor, admin"


@pytest.fixture(autouse=True)
def _english_utc(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> object:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    from datetime import UTC

    set_timezone(UTC)
    yield
    set_language("ru")
    set_timezone(None)


async def popped(app: ConsoleApp, pilot: Pilot[None], desk: FakeDesk, phone: str) -> None:
    """A known caller rings: their card is up at the dispatcher's screen."""
    from console.desk import CallerIdentified
    from console.screens.dispatcher import DispatcherScreen

    async with app.sessions() as s:
        owner = await s.scalar(select(ClientPhone.client_id).where(ClientPhone.e164 == phone))
    desk.emit(ring(phone, linkedid="1.1", queue="dispatch"))
    desk.emit(CallerIdentified("main", "1.1", owner, False, "phone"))
    screen = app.screen
    assert isinstance(screen, DispatcherScreen)
    await until(pilot, lambda: "main/1.1" in screen.popups, "the popup")
    popup = screen.popups["main/1.1"]
    await until(pilot, lambda: popup.panel.card is not None, "the card")
    await settle(app, pilot)


async def a_dialog(pilot: Pilot[None], kind: type) -> object:
    await until(pilot, lambda: isinstance(pilot.app.screen, kind), kind.__name__)
    await pilot.pause()
    return pilot.app.screen


# --- who did what -----------------------------------------------------------------------


async def test_the_card_shows_who_did_what(sessions: Sessions) -> None:
    await seed_desk(sessions, DESK_NOW)
    desk = FakeDesk()
    app = make_app(sessions, desk)
    async with app.run_test(size=SIZE) as pilot:
        await popped(app, pilot, desk, MARIA_PHONES[0])
        await pilot.press("w")
        dialog = await a_dialog(pilot, AuditDialog)
        assert isinstance(dialog, AuditDialog)
        heads = [head for head, _ in dialog.entries]
        texts = [what for _, what in dialog.entries]
        assert any(t.startswith("Blacklist changed: Blacklisted: No → Yes") for t in texts)
        assert any(t.startswith("Client created: ") and "Иванова" in t for t in texts)
        assert any("Анна (101)" in h for h in heads) and any("Борис (102)" in h for h in heads)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, AuditDialog), "closed")


async def test_the_desk_trail_filters_and_exports(sessions: Sessions, tmp_path: Path) -> None:
    await seed_desk(sessions, DESK_NOW)
    async with sessions.begin() as s:
        s.add(
            AuditEntry(
                at=DESK_NOW, actor="Борис (102)", entity="tariff", entity_id=1,
                client_id=None, action="tariff_rename", changes={"name": ["Эконом", "Эконом+"]},
            )
        )  # fmt: skip
    app = make_app(sessions, FakeDesk())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f9")
        screen = await a_dialog(pilot, AuditScreen)
        assert isinstance(screen, AuditScreen)
        await until(pilot, lambda: bool(screen.rows), "the trail")
        assert screen.rows[0].actor == "Борис (102)"  # newest first
        kind = screen.query_one("#audit-kind", Select)
        kind.value = "tariffs"
        await until(pilot, lambda: [r.action for r in screen.rows] == ["tariff_rename"], "kind")
        table = screen.query_one("#audit-table", FittedTable)
        change = next(iter(table.shown.values()))["change"].plain
        assert change == "Tariff renamed: Name: Эконом → Эконом+"

        operator = screen.query_one("#audit-operator", Select)
        await until(pilot, lambda: len(operator._options) > 3, "the operators")
        operator.value = "Борис (102)"
        kind.value = "blacklist"
        await until(pilot, lambda: [r.action for r in screen.rows] == ["blacklist"], "his")
        assert screen.rows[0].actor == "Борис (102)"
        screen.query_one("#audit-until", Input).value = "01.01.2020"
        await until(pilot, lambda: screen.rows == [], "nothing before 2020")
        screen.query_one("#audit-until", Input).value = ""
        await until(pilot, lambda: len(screen.rows) == 1, "the blacklist again")

        await pilot.press("ctrl+s")
        dialog = await a_dialog(pilot, ExportDialog)
        target = tmp_path / "trail.xlsx"
        dialog.query_one("#transfer-path", Input).value = str(target)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await until(pilot, lambda: target.exists(), "the file")
    wb = load_workbook(target, read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    assert rows[0][0] == "When" and len(rows) == 2
    assert rows[1][4] == "Blacklist" and rows[1][5].startswith("Blacklist changed: ")


# --- merging ----------------------------------------------------------------------------


async def test_merge_from_the_card(sessions: Sessions) -> None:
    ids: Seeded = await seed_desk(sessions, DESK_NOW)
    desk = FakeDesk()
    app = make_app(sessions, desk, role="supervisor")
    async with sessions() as s:
        petrov_calls = await s.scalar(
            select(func.count()).select_from(Call).where(Call.client_id == ids.petrov)
        )
    async with app.run_test(size=SIZE) as pilot:
        await popped(app, pilot, desk, MARIA_PHONES[0])
        await pilot.press("j")
        pick = await a_dialog(pilot, ClientPickDialog)
        assert isinstance(pick, ClientPickDialog)
        await pilot.press(*"Петров")
        await until(pilot, lambda: [h.client_id for h in pick.hits] == [ids.petrov], "Петров")
        await pilot.press("enter", "enter")  # to the list, then pick
        preview = await a_dialog(pilot, MergeDialog)
        assert isinstance(preview, MergeDialog)
        moves = str(preview.query_one("#merge-moves", Static).render())
        assert moves.startswith("Moves: phones 1 (+7 903 111-22-33)")
        fields = [d.field for d in preview.preview.differences]
        assert "city" in fields  # Москва / Казань
        preview.query_one("#merge-fields").move_cursor(row=fields.index("city"))  # type: ignore[attr-defined]
        await pilot.press("space")  # take Казань
        assert preview.picks["city"] == "other"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, MergeDialog), "merged")
        await settle(app, pilot)
    async with sessions() as s:
        assert await s.get(Client, ids.petrov) is None
        maria = await s.get(Client, ids.maria)
        assert maria is not None and maria.city == "Казань"
        owner = await s.scalar(
            select(ClientPhone.client_id).where(ClientPhone.e164 == PETROV_PHONE)
        )
        assert owner == ids.maria
        moved = await s.scalar(
            select(func.count()).select_from(Call).where(Call.client_id == ids.maria)
        )
        assert moved is not None and petrov_calls is not None and moved >= petrov_calls
        merge = (await s.scalars(select(AuditEntry).where(AuditEntry.action == "merge"))).one()
        assert merge.actor == "Анна (101)" and merge.changes["merged_from"] == [None, ids.petrov]


async def test_a_dispatcher_is_told_merging_is_not_theirs(sessions: Sessions) -> None:
    await seed_desk(sessions, DESK_NOW)
    desk = FakeDesk()
    app = make_app(sessions, desk)
    async with app.run_test(size=SIZE) as pilot:
        await popped(app, pilot, desk, MARIA_PHONES[0])
        await pilot.press("j")
        await until(pilot, lambda: bool(app._notifications), "the refusal")
        note = next(iter(app._notifications))
        assert (
            note.message == "Анна (101) (dispatcher) may not merge clients: only supervisor, admin"
        )
        assert not isinstance(app.screen, ClientPickDialog)


# --- tariffs ----------------------------------------------------------------------------


async def test_tariffs_screen_adds_renames_retires_and_restores(sessions: Sessions) -> None:
    ids = await seed_desk(sessions, DESK_NOW)
    app = make_app(sessions, FakeDesk(), role="supervisor")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f10")
        screen = await a_dialog(pilot, TariffsScreen)
        assert isinstance(screen, TariffsScreen)
        await until(pilot, lambda: len(screen.rows) == 3, "the tariffs")
        assert [(r.name, r.clients, r.active) for r in screen.rows] == [
            ("Бизнес", 1, True),
            ("Комфорт", 1, True),
            ("Эконом", 1, True),
        ]
        await pilot.press("a")
        prompt = await a_dialog(pilot, TextPrompt)
        await pilot.press(*"Минивэн", "enter")
        await until(pilot, lambda: len(screen.rows) == 4, "the new tariff")

        await pilot.press("x")  # retire «Бизнес» (the first row)
        await a_dialog(pilot, ConfirmScreen)
        await pilot.press("y")
        await until(pilot, lambda: not screen.rows[0].active, "retired")
        line = str(screen.query_one("#tariffs-line", Static).render())
        assert line == "Offered: 3 · retired: 1"

        await pilot.press("r")
        await a_dialog(pilot, TextPrompt)
        prompt = app.screen
        prompt.query_one(Input).value = "Бизнес-класс"
        await pilot.press("enter")
        await until(pilot, lambda: screen.rows[0].name == "Бизнес-класс", "renamed")
        await pilot.press("x")  # retired: offered again at once
        await until(pilot, lambda: screen.rows[0].active, "restored")
    # A retired tariff stays on the client that has it; the form offers only offered ones.
    async with sessions() as s:
        romashka = await s.get(Client, ids.romashka)
        assert romashka is not None and romashka.tariff_id == ids.tariffs["Бизнес"]
        names = (await s.scalars(select(Tariff.name).order_by(Tariff.name))).all()
        actions = (
            await s.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.entity == "tariff")
                .order_by(AuditEntry.id)
            )
        ).all()
    assert list(names) == ["Бизнес-класс", "Комфорт", "Минивэн", "Эконом"]
    assert list(actions) == ["tariff_add", "tariff_retire", "tariff_rename", "tariff_restore"]


async def test_a_dispatcher_may_look_at_tariffs_but_not_change_them(sessions: Sessions) -> None:
    await seed_desk(sessions, DESK_NOW)
    app = make_app(sessions, FakeDesk())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f10")
        screen = await a_dialog(pilot, TariffsScreen)
        assert isinstance(screen, TariffsScreen)
        await until(pilot, lambda: len(screen.rows) == 3, "the tariffs")
        await pilot.press("a")
        await a_dialog(pilot, TextPrompt)
        await pilot.press(*"Минивэн", "enter")
        await until(pilot, lambda: bool(app._notifications), "the refusal")
        note = next(iter(app._notifications))
        assert (
            note.message == "Анна (101) (dispatcher) may not manage tariffs: only supervisor, admin"
        )
        assert len(screen.rows) == 3


async def test_retired_tariffs_are_not_offered_in_the_card_form(sessions: Sessions) -> None:
    from storage.models import OperatorRole
    from storage.roles import Actor
    from storage.tariffs import set_tariff_active

    await seed_desk(sessions, DESK_NOW)
    async with sessions.begin() as s:
        await set_tariff_active(s, "Бизнес", False, actor=Actor("Ольга", OperatorRole.ADMIN))
    app = make_app(sessions, FakeDesk())
    offered = await app.data.tariffs()
    assert [name for _, name in offered] == ["Комфорт", "Эконом"]
