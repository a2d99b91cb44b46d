"""Excel export and import from the console, inside the real `ConsoleApp` on a real migrated
SQLite database, with real .xlsx files in a temporary folder read back by openpyxl.

- Export from the client base writes exactly what the search and filters select; a path
  that cannot be written is one line and can be corrected; Escape in the middle of a run
  cancels it and leaves no file.
- Export from the call history (its date filter) and of debts from the supervisor board.
- Import: bad rows are listed (row, column, value, reason) and nothing is written; a clean
  file shows what it will do and writes nothing until confirmed, then everything with the
  operator in the audit trail; a file that is not a workbook is one line.

Cancel mid-run is made deterministic with a slow database instead of a guessed timing:
the app's sessions wait at a gate before each statement, and the gate closes the moment
the dialog receives its first progress message with rows written. The export is then
provably half-way (rows written, more to fetch) when the real Escape key is pressed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from textual.command import CommandPalette
from textual.geometry import Region
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input, OptionList, RadioButton, Select, Static

from console.app import ConsoleApp
from console.i18n import set_language, set_timezone
from console.screens.clients import ClientsScreen
from console.screens.export_dialog import ExportDialog
from console.screens.history import HistoryScreen
from console.screens.import_dialog import ImportDialog
from console.screens.supervisor import SupervisorScreen
from console.widgets.clients.table import ClientTable
from console.widgets.transfer.progress import Progressed, ProgressThrottle
from storage.clients import create_client
from storage.debts import mark_debt_paid
from storage.models import AuditEntry, Client, ClientPhone, Debt, Tariff
from storage.seed import seed_database
from tests.console_support import (
    FakeDesk,
    clients_page_ready,
    make_settings,
    open_clients,
    seed_desk,
    until,
)
from tests.fake_timers import FakeTimers
from tests.xlsx_support import admin, write_sheet

sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
ACTOR = "Анна (101)"  # operator 101 of `make_settings`, as the audit trail names her
SIZE = (140, 45)

Sessions = async_sessionmaker[AsyncSession]
D = TypeVar("D")


@pytest.fixture(autouse=True)
def _english_utc_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """English, times in UTC, and a home folder of the test's own (the offered paths)."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    set_timezone(UTC)
    yield
    set_language("ru")
    set_timezone(None)


def make_app(sessions: Sessions, language: str = "en", role: str = "supervisor") -> ConsoleApp:
    """The console of Анна (101), a supervisor: importing is a supervisor's right."""
    return ConsoleApp(
        make_settings(language=language, role=role),
        sessions,
        FakeDesk(),
        clock=lambda: NOW,
        run_desk=False,
        check_database=False,
        timers=FakeTimers(),
    )


async def dialog_of(app: ConsoleApp, pilot: Pilot[None], kind: type[D]) -> D:
    await until(pilot, lambda: isinstance(app.screen, kind), kind.__name__)
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, kind)
    return screen


def phase_of(dialog: ExportDialog | ImportDialog) -> str:
    return dialog.phase


def said(dialog: ExportDialog | ImportDialog) -> str:
    """What the dialog's result line says."""
    return str(dialog.query_one("#transfer-result", Static).render())


async def counts(sessions: Sessions) -> tuple[int, int, int]:
    async with sessions() as s:
        return (
            (await s.execute(select(func.count()).select_from(Client))).scalar_one(),
            (await s.execute(select(func.count()).select_from(ClientPhone))).scalar_one(),
            (await s.execute(select(func.count()).select_from(AuditEntry))).scalar_one(),
        )


def sheet_rows(path: Path) -> list[tuple[Any, ...]]:
    wb = load_workbook(path, read_only=True)
    try:
        return list(wb.active.iter_rows(min_row=2, values_only=True))
    finally:
        wb.close()


async def seed_clients(sessions: Sessions) -> dict[str, int]:
    """Three «Иван…» clients (two in Москва), and two others."""
    at = NOW - timedelta(days=100)
    people = {
        "ivanov": ("+79161234567", {"last_name": "Иванов", "first_name": "Иван"}, "Москва"),
        "ivanova": ("+79161234568", {"last_name": "Иванова", "first_name": "Мария"}, "Москва"),
        "ivanchenko": ("+79161234569", {"last_name": "Иванченко", "first_name": "Олег"}, "Казань"),
        "petrov": ("+79031112233", {"last_name": "Петров", "first_name": "Пётр"}, "Москва"),
        "sidorova": ("+79035556677", {"last_name": "Сидорова", "first_name": "Анна"}, "Казань"),
    }
    ids: dict[str, int] = {}
    async with sessions.begin() as session:
        for key, (phone, names, city) in people.items():
            client = await create_client(
                session, {**names, "city": city}, [phone], actor="test", at=at
            )
            ids[key] = client.id
    return ids


# --- export -----------------------------------------------------------------------------


@sqlite_only
async def test_export_writes_exactly_what_the_search_and_filters_select(
    sessions: Sessions, tmp_path: Path
) -> None:
    await seed_clients(sessions)
    out = tmp_path / "out"
    out.mkdir()
    app = make_app(sessions)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_clients(app, pilot)
        await pilot.press(*"иван")  # the search box has the focus on arrival
        await clients_page_ready(pilot, screen)
        city = screen.query_one("#city", Select)
        await until(pilot, lambda: len(city._options) > 1, "the city list")
        city.value = "Москва"
        await clients_page_ready(pilot, screen)
        table = screen.query_one(ClientTable)
        on_screen = sorted(table.get_row_at(i)[0].plain.strip() for i in range(table.row_count))
        assert on_screen == ["Иванов Иван", "Иванова Мария"]  # Иванченко is in Казань

        await pilot.press("ctrl+s")
        dialog = await dialog_of(app, pilot, ExportDialog)
        path = dialog.query_one("#transfer-path", Input)
        assert path.value == "~/clients-2026-11-22.xlsx"  # the desk's today, in the home

        path.value = str(tmp_path / "no-such-folder" / "clients.xlsx")
        await pilot.press("enter")
        await until(pilot, lambda: dialog.phase == "ask" and bool(said(dialog)), "the error")
        line = said(dialog)
        assert "cannot write the file" in line and "\n" not in line
        assert "Traceback" not in line

        path.value = str(out / "moscow-ivans")  # no extension: .xlsx is added
        await pilot.press("enter")
        await until(pilot, lambda: dialog.phase == "done", "the export")
        assert dialog.summary is not None and not dialog.summary.cancelled
        assert dialog.summary.rows == 2
        assert "Exported 2 rows in" in said(dialog)
        assert f"File: {out / 'moscow-ivans.xlsx'}" in said(dialog)

        rows = sheet_rows(out / "moscow-ivans.xlsx")
        assert sorted(row[0] for row in rows) == on_screen
        assert sorted(row[1] for row in rows) == ["+79161234567", "+79161234568"]
        assert {row[5] for row in rows} == {"Москва"}

        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen, "back to the client base")


@sqlite_only
async def test_an_existing_file_is_replaced_only_when_asked_twice(
    sessions: Sessions, tmp_path: Path
) -> None:
    await seed_clients(sessions)
    home = tmp_path / "home"
    (home / "clients-2026-11-22.xlsx").write_bytes(b"yesterday's export")
    app = make_app(sessions)
    async with app.run_test(size=SIZE) as pilot:
        await open_clients(app, pilot)
        await pilot.press("ctrl+s")
        dialog = await dialog_of(app, pilot, ExportDialog)
        path = dialog.query_one("#transfer-path", Input)
        assert path.value == "~/clients-2026-11-22-2.xlsx"  # the offered name is free
        path.value = "~/clients-2026-11-22.xlsx"
        await pilot.press("enter")
        await pilot.pause()
        assert dialog.phase == "ask"
        assert "already exists: press Export again" in said(dialog)
        assert (home / "clients-2026-11-22.xlsx").read_bytes() == b"yesterday's export"
        await pilot.press("enter")
        await until(pilot, lambda: dialog.phase == "done", "the export")
        assert len(sheet_rows(home / "clients-2026-11-22.xlsx")) == 5


class Gate:
    """A database that answers only while the gate is open."""

    def __init__(self) -> None:
        self.open = asyncio.Event()
        self.open.set()
        self.closed_at: int | None = None  # rows written when it closed


def gated_sessions(engine: AsyncEngine, gate: Gate) -> Sessions:
    class GatedSession(AsyncSession):
        async def execute(self, *args: Any, **kwargs: Any) -> Any:
            await gate.open.wait()
            return await super().execute(*args, **kwargs)

    return async_sessionmaker(engine, class_=GatedSession, expire_on_commit=False)


@sqlite_only
async def test_escape_mid_export_cancels_it_and_leaves_no_file(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    total = 6000  # three batches of 2,000, then the query that finds no more
    await seed_database(engine, clients=total, now=NOW)
    gate = Gate()

    def hold_the_database(message: Message) -> None:
        if isinstance(message, Progressed) and message.done > 0 and gate.closed_at is None:
            gate.closed_at = message.done  # rows are written and more are still to fetch
            gate.open.clear()

    out = tmp_path / "out"
    out.mkdir()
    app = make_app(gated_sessions(engine, gate))
    async with app.run_test(size=SIZE, message_hook=hold_the_database) as pilot:
        await open_clients(app, pilot)
        await pilot.press("ctrl+s")
        dialog = await dialog_of(app, pilot, ExportDialog)
        dialog.query_one("#transfer-path", Input).value = str(out / "everyone.xlsx")
        await pilot.press("enter")
        await until(pilot, lambda: dialog.progress_done > 0, "rows written")
        assert dialog.phase == "running"
        assert 0 < dialog.progress_done < total
        assert f"of {total:,} rows written" in str(
            dialog.query_one("#transfer-progress-line", Static).render()
        )

        await pilot.press("escape")
        assert phase_of(dialog) == "cancelling"  # waiting for the batch in hand
        gate.open.set()
        await until(pilot, lambda: dialog.phase == "done", "the export to stop")

        summary = dialog.summary
        assert summary is not None and summary.cancelled
        assert gate.closed_at is not None and gate.closed_at <= summary.rows < total
        assert said(dialog) == "Export cancelled: no file was written."
        assert list(out.iterdir()) == []  # neither the file nor its temporary part
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ClientsScreen), "the dialog closed")


@sqlite_only
async def test_call_history_exports_its_date_range(sessions: Sessions, tmp_path: Path) -> None:
    await seed_desk(sessions, NOW)  # Мария's calls: yesterday 06:00 and today 06:00
    app = make_app(sessions)
    async with app.run_test(size=SIZE) as pilot:
        await app.switch_mode("history")
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        await pilot.press("l")  # the call history tab
        screen.query_one("#history-since", Input).value = "2026-11-22"
        await until(pilot, lambda: screen.history_query.filter.since is not None, "the filter")
        await pilot.press("ctrl+s")
        dialog = await dialog_of(app, pilot, ExportDialog)
        assert dialog.query_one("#transfer-path", Input).value == "~/calls-2026-11-22.xlsx"
        dialog.query_one("#transfer-path", Input).value = str(tmp_path / "today.xlsx")
        await pilot.press("enter")
        await until(pilot, lambda: dialog.phase == "done", "the export")
        rows = sheet_rows(tmp_path / "today.xlsx")
        assert [(row[0], row[2]) for row in rows] == [
            (datetime(2026, 11, 22, 6, 0), "+79161234567")
        ]


@sqlite_only
async def test_supervisor_exports_paid_debts(sessions: Sessions, tmp_path: Path) -> None:
    seeded = await seed_desk(sessions, NOW)
    async with sessions.begin() as session:
        await mark_debt_paid(session, seeded.debts[0], actor=admin("Вера (103)"), at=NOW)
    async with sessions() as session:
        debts = (await session.execute(select(func.count()).select_from(Debt))).scalar_one()
    assert debts == 3
    app = make_app(sessions)
    async with app.run_test(size=SIZE) as pilot:
        await app.switch_mode("supervisor")
        assert isinstance(app.screen, SupervisorScreen)
        await pilot.press("ctrl+s")
        dialog = await dialog_of(app, pilot, ExportDialog)
        path = dialog.query_one("#transfer-path", Input)
        assert path.value == "~/debts-unpaid-2026-11-22.xlsx"
        await pilot.click(list(dialog.query(RadioButton))[1])  # «Paid, with who closed them»
        await until(pilot, lambda: path.value == "~/debts-paid-2026-11-22.xlsx", "the new name")
        path.value = str(tmp_path / "paid.xlsx")
        path.focus()
        await pilot.press("enter")
        await until(pilot, lambda: dialog.phase == "done", "the export")
        rows = sheet_rows(tmp_path / "paid.xlsx")
        assert len(rows) == 1
        assert rows[0][3] == 350 and rows[0][11] == "Вера (103)"


# --- import -----------------------------------------------------------------------------


async def start_import(app: ConsoleApp, pilot: Pilot[None], path: Path) -> ImportDialog:
    await pilot.press("ctrl+o")
    dialog = await dialog_of(app, pilot, ImportDialog)
    assert dialog.query_one("#transfer-path", Input).value == "~/"
    dialog.query_one("#transfer-path", Input).value = str(path)
    await pilot.press("enter")  # check the file
    return dialog


async def seeded_with_sheet(
    sessions: Sessions, path: Path, rows: Sequence[Sequence[Any]]
) -> tuple[dict[str, int], tuple[int, int, int], Path]:
    """The clients of `seed_clients` (their ids), the counts they make, and a sheet to import."""
    ids = await seed_clients(sessions)
    return ids, await counts(sessions), write_sheet(path, rows)


REPORTS = {
    "en": (
        "row 3, Телефон: 'abc': not a phone number",
        "row 4, Email: 'not-an-email': not an email address",
        "2 error(s) in 3 rows: nothing was imported.",
    ),
    "ru": (
        "строка 3, Телефон: 'abc': не номер телефона",
        "строка 4, Email: 'not-an-email': не адрес электронной почты",
        "Ошибок: 2 в 3 строках; ничего не импортировано.",
    ),
}


@pytest.mark.parametrize("language", ["en", "ru"])
@sqlite_only
async def test_bad_rows_are_listed_and_nothing_is_written(
    sessions: Sessions, tmp_path: Path, language: str
) -> None:
    _, before, source = await seeded_with_sheet(
        sessions,
        tmp_path / "bad.xlsx",
        [
            ["ФИО", "Телефон", "Email"],
            ["Новиков Николай", "+79990001122", "n@example.org"],
            ["Плохой Номер", "abc", ""],
            ["Орлова Ольга", "+79990003344", "not-an-email"],
        ],
    )
    bad_phone, bad_email, headline = REPORTS[language]
    app = make_app(sessions, language)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_clients(app, pilot)
        dialog = await start_import(app, pilot, source)
        await until(pilot, lambda: dialog.phase == "rejected", "the report")
        lines = dialog.report_lines
        assert bad_phone in lines and bad_email in lines
        assert said(dialog).startswith(headline)
        assert not dialog.query_one("#start", Button).display  # no way to import
        assert dialog.query_one("#close", Button).display
        assert await counts(sessions) == before
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen, "back to the client base")
    assert dialog.report is not None and not dialog.report.committed
    assert await counts(sessions) == before


@sqlite_only
async def test_a_clean_file_is_imported_only_after_confirmation(
    sessions: Sessions, tmp_path: Path
) -> None:
    ids, before, source = await seeded_with_sheet(
        sessions,
        tmp_path / "good.xlsx",
        [
            ["ФИО", "Телефон", "Город"],
            ["Новиков Николай", "+7 999 000-11-22", "Москва"],
            ["Орлова Ольга", "89990003344", "Тверь"],
            ["Петров Пётр", "+79031112233", "Самара"],  # already a client: updated
        ],
    )
    app = make_app(sessions)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_clients(app, pilot)
        assert screen.shown_total == 5
        dialog = await start_import(app, pilot, source)
        await until(pilot, lambda: dialog.phase == "confirm", "the check")
        assert said(dialog) == (
            "3 rows checked: 2 to create, 1 to update, 0 unchanged. Import them?"
        )
        assert await counts(sessions) == before  # nothing written before the operator agrees

        await pilot.click("#start")
        await until(pilot, lambda: dialog.phase == "done", "the import")
        assert said(dialog) == "Imported 3 rows: 2 created, 1 updated, 0 unchanged."
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen, "back to the client base")
        await until(pilot, lambda: screen.shown_total == 7, "the new page")

    async with sessions() as s:
        by_phone = {
            e164: client_id
            for e164, client_id in await s.execute(select(ClientPhone.e164, ClientPhone.client_id))
        }
        novikov, orlova = by_phone["+79990001122"], by_phone["+79990003344"]
        petrov = await s.get(Client, ids["petrov"])
        assert petrov is not None and petrov.city == "Самара"
        trail = (
            await s.execute(
                select(AuditEntry.client_id, AuditEntry.action, AuditEntry.actor).where(
                    AuditEntry.client_id.in_([novikov, orlova, ids["petrov"]]),
                    AuditEntry.actor != "test",
                )
            )
        ).all()
    assert sorted(trail) == sorted(
        [(novikov, "create", ACTOR), (orlova, "create", ACTOR), (ids["petrov"], "update", ACTOR)]
    )


@sqlite_only
async def test_no_update_reports_existing_clients_instead(
    sessions: Sessions, tmp_path: Path
) -> None:
    """«Don't update»: a row of an existing client is reported and skipped, the others are
    imported (it is no reason to refuse the file)."""
    _, before, source = await seeded_with_sheet(
        sessions,
        tmp_path / "known.xlsx",
        [["ФИО", "Телефон"], ["Новиков Николай", "+79990001122"], ["Петров", "+79031112233"]],
    )
    app = make_app(sessions)
    async with app.run_test(size=SIZE) as pilot:
        await open_clients(app, pilot)
        await pilot.press("ctrl+o")
        dialog = await dialog_of(app, pilot, ImportDialog)
        assert not dialog.query_one("#import-no-update", Checkbox).value  # updating: default
        await pilot.click("#import-no-update")
        dialog.query_one("#transfer-path", Input).value = str(source)
        await pilot.click("#check")
        await until(pilot, lambda: dialog.phase == "confirm", "the check")
        assert dialog.report_lines[0].startswith(
            "row 3: the phone +79031112233 belongs to existing client #"
        )
        assert said(dialog).startswith("2 rows checked: 1 to create, 0 to update")
        await pilot.click("#start")
        await until(pilot, lambda: dialog.phase == "done", "the import")
    created, phones, _ = await counts(sessions)
    assert (created, phones) == (before[0] + 1, before[1] + 1)


@sqlite_only
async def test_unknown_tariffs_are_listed_once_and_created_with_the_checkbox(
    sessions: Sessions, tmp_path: Path
) -> None:
    await seed_clients(sessions)
    long_name = (
        "Комфорт плюс с детским креслом и " + "очень длинным названием " * 2 + "для проверки"
    )
    source = write_sheet(
        tmp_path / "tariffs.xlsx",
        [
            ["ФИО", "Телефон", "Тариф"],
            ["Новиков Николай", "+79990001122", long_name],
            ["Орлова Ольга", "+79990003344", long_name],
        ],
    )
    app = make_app(sessions)
    async with app.run_test(size=SIZE) as pilot:
        await open_clients(app, pilot)
        dialog = await start_import(app, pilot, source)
        await until(pilot, lambda: dialog.phase == "rejected", "the report")
        name = " ".join(long_name.split())
        assert dialog.report_lines == [
            f"tariffs this database does not have: {name} (rows: 2)",
            "to create them with the import, tick «Create missing tariffs»",
            "tariffs.xlsx: unknown tariffs; nothing imported",
        ]
        # The long line is shown whole (wrapped), not cut at the dialog's edge.
        box = dialog.query_one("#import-errors-text", Static)
        await pilot.pause()
        lines = [line.text.strip() for line in box.render_lines(Region(0, 0, *box.size))]
        assert len(lines) > 3  # the long line takes two
        assert name.replace(" ", "") in "".join(lines).replace(" ", "")
        await pilot.click("#close")
        await until(pilot, lambda: not isinstance(app.screen, ImportDialog), "closed")

        await pilot.press("ctrl+o")
        dialog = await dialog_of(app, pilot, ImportDialog)
        await pilot.click("#import-create-tariffs")
        dialog.query_one("#transfer-path", Input).value = str(source)
        await pilot.click("#check")
        await until(pilot, lambda: dialog.phase == "confirm", "the check")
        assert dialog.report_lines == [f"tariffs to be created: {name}"]
        await pilot.click("#start")
        await until(pilot, lambda: dialog.phase == "done", "the import")
        assert dialog.report_lines == [f"tariffs created: {name}"]
    async with sessions() as s:
        tariff = (await s.execute(select(Tariff).where(Tariff.name == name))).scalar_one()
        on_it = await s.scalar(
            select(func.count()).select_from(Client).where(Client.tariff_id == tariff.id)
        )
    assert on_it == 2


@sqlite_only
async def test_a_dispatcher_may_not_import(sessions: Sessions, tmp_path: Path) -> None:
    _, before, source = await seeded_with_sheet(
        sessions, tmp_path / "d.xlsx", [["ФИО", "Телефон"], ["Новиков Николай", "+79990001122"]]
    )
    app = make_app(sessions, role="dispatcher")
    async with app.run_test(size=SIZE) as pilot:
        await open_clients(app, pilot)
        dialog = await start_import(app, pilot, source)
        await until(pilot, lambda: dialog.phase == "ask" and said(dialog) != "", "the refusal")
        assert said(dialog) == (
            "Анна (101) (dispatcher) may not import clients: only supervisor, admin"
        )
    assert await counts(sessions) == before


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("broken.xlsx", b"PK\x03\x04 half of a zip", "the workbook is damaged"),
        ("clients.csv", "ФИО;Телефон\nНовиков;+79990001122\n".encode(), "not an Excel .xlsx"),
        ("empty.xlsx", None, "the workbook has no rows"),
    ],
)
@sqlite_only
async def test_a_file_that_is_not_a_workbook_is_one_line(
    sessions: Sessions, tmp_path: Path, name: str, content: bytes | None, reason: str
) -> None:
    await seed_clients(sessions)
    before = await counts(sessions)
    source = tmp_path / name
    if content is None:
        write_sheet(source, [])
    else:
        source.write_bytes(content)
    app = make_app(sessions)
    async with app.run_test(size=SIZE) as pilot:
        await open_clients(app, pilot)
        dialog = await start_import(app, pilot, source)
        await until(pilot, lambda: dialog.phase == "ask" and bool(said(dialog)), "the error")
        line = said(dialog)
        assert line.startswith(f"{name}: {reason}")
        assert "\n" not in line and "Traceback" not in line
        assert dialog.query_one("#check", Button).display  # another file can be tried
    assert await counts(sessions) == before


@sqlite_only
async def test_the_command_palette_finds_import_and_export(sessions: Sessions) -> None:
    await seed_clients(sessions)
    app = make_app(sessions)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_clients(app, pilot)
        for words, dialog in (("import", ImportDialog), ("export", ExportDialog)):
            await pilot.press("ctrl+p")
            await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
            await pilot.press(*words)
            options = app.screen.query_one(OptionList)

            def top_hit(options: OptionList = options, words: str = words) -> bool:
                index = options.highlighted
                prompt = options.get_option_at_index(index).prompt if index is not None else ""
                return words in str(prompt).lower()

            await until(pilot, top_hit, f"the hit for {words!r}")
            await pilot.press("enter")
            await dialog_of(app, pilot, dialog)
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is screen, "back to the client base")


# --- progress throttling -------------------------------------------------------------------


class Inbox:
    """Where a throttle posts: the messages, in order."""

    def __init__(self) -> None:
        self.messages: list[Progressed] = []

    def post_message(self, message: Progressed) -> bool:
        self.messages.append(message)
        return True


async def test_a_burst_of_progress_is_two_messages_the_latest_last() -> None:
    inbox = Inbox()
    timers = FakeTimers()
    throttle = ProgressThrottle(inbox, interval=0.05, clock=timers.time, later=timers.at)  # type: ignore[arg-type]
    for done in range(1, 1001):
        throttle(done, 1000)
    assert [(m.done, m.total) for m in inbox.messages] == [(1, 1000)]
    assert timers.pending() == [pytest.approx(0.05)]  # the rest, when the interval is over
    timers.advance(timers.pending()[0])
    assert [(m.done, m.total) for m in inbox.messages] == [(1, 1000), (1000, 1000)]
    assert (throttle.calls, throttle.posted) == (1000, 2)
    throttle(1000, 1000)  # too soon after the last: held back…
    throttle.close()  # …and dropped by close: the job reports its own end
    timers.advance(1.0)
    assert throttle.posted == 2
