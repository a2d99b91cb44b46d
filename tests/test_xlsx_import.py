"""Import of real xlsx files: ones this project writes, one LibreOffice wrote, broken ones.

Each database-touching test runs on SQLite and, with OPCONSOLE_TEST_PG_URL, PostgreSQL.
"""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from console.xlsx_words import file_error_line, import_lines, reason
from storage.db import StorageError
from storage.models import AuditEntry, Client, ClientPhone, Tariff
from storage.xlsx import ImportFileError, import_clients
from storage.xlsx.labels import Spellings
from tests.xlsx_support import IMPORT_WORDS, admin, speaking, write_sheet

FIXTURES = Path(__file__).parent / "fixtures" / "xlsx"
Sessions = async_sessionmaker[AsyncSession]
TARIFFS = ("Эконом", "Комфорт", "Бизнес")


async def seed_tariffs(sessions: Sessions) -> None:
    async with sessions.begin() as s:
        s.add_all(Tariff(name=name) for name in TARIFFS)


async def counts(sessions: Sessions) -> tuple[int, int, int]:
    async with sessions() as s:
        return (
            (await s.execute(select(func.count()).select_from(Client))).scalar_one(),
            (await s.execute(select(func.count()).select_from(ClientPhone))).scalar_one(),
            (await s.execute(select(func.count()).select_from(AuditEntry))).scalar_one(),
        )


async def client_by_phone(sessions: Sessions, e164: str) -> Client:
    async with sessions() as s:
        stmt = select(Client).join(ClientPhone).where(ClientPhone.e164 == e164)
        return (await s.scalars(stmt)).one()


HEADER = ["ФИО", "Телефон", "Email", "Город", "Дата рождения", "Тариф", "Черный список"]


async def test_libreoffice_file_imports(sessions: Sessions) -> None:
    """A file LibreOffice wrote from a CSV: numbers as numbers, dates as text and dates,
    several phones in one cell, Russian headers with ё."""
    await seed_tariffs(sessions)
    report = await import_clients(
        sessions, FIXTURES / "clients_libreoffice.xlsx", actor=admin("tester"), words=IMPORT_WORDS
    )
    assert report.ok, import_lines(report)
    assert (report.rows, report.created, report.updated) == (5, 5, 0)
    assert report.committed
    assert await counts(sessions) == (5, 7, 5)

    ivanov = await client_by_phone(sessions, "+79161234567")
    assert (ivanov.last_name, ivanov.first_name, ivanov.middle_name) == (
        "Иванов",
        "Иван",
        "Иванович",
    )
    assert ivanov.birthday == date(1985, 3, 15)
    assert ivanov.registered_by == "tester"
    petrova = await client_by_phone(sessions, "+74951234567")
    assert petrova.blacklisted and petrova.blacklist_reason == "Не платит"
    assert petrova.birthday == date(1990, 7, 1)
    romashka = await client_by_phone(sessions, "+79031112233")
    assert (romashka.kind, romashka.organisation) == ("corporate", "ООО «Ромашка»")
    sidorov = await client_by_phone(sessions, "+79057654321")
    assert sidorov.blacklisted and sidorov.tariff_id is None
    assert not (await client_by_phone(sessions, "+79167654321")).blacklisted


def test_the_fixture_was_written_by_libreoffice() -> None:
    """The file another program wrote really is LibreOffice's (Calc converting the CSV
    beside it: `soffice --headless --infilter=CSV:44,34,76,1 --convert-to xlsx`)."""
    with zipfile.ZipFile(FIXTURES / "clients_libreoffice.xlsx") as xlsx:
        app = xlsx.read("docProps/app.xml").decode()
        workbook = xlsx.read("xl/workbook.xml").decode()
    assert "<Application>LibreOffice/" in app
    assert 'appName="Calc"' in workbook


async def test_search_index_sees_imported_clients(sessions: Sessions) -> None:
    await seed_tariffs(sessions)
    await import_clients(
        sessions, FIXTURES / "clients_libreoffice.xlsx", actor=admin("t"), words=IMPORT_WORDS
    )
    async with sessions() as s:
        digits = (
            await s.execute(select(ClientPhone.digits).where(ClientPhone.e164 == "+79161234567"))
        ).scalar_one()
    assert "89161234567" in digits


async def test_bad_rows_are_all_reported_and_nothing_written(
    sessions: Sessions, tmp_path: Path
) -> None:
    await seed_tariffs(sessions)
    path = write_sheet(
        tmp_path / "bad.xlsx",
        [
            HEADER,
            ["Хороший Клиент", "+79160000001", "a@b.ru", "Москва", "01.01.1980", "Эконом", "нет"],
            ["Плохой Телефон", "12345678901234", None, None, None, None, None],
            ["Внутренний", "101", None, None, None, None, None],
            ["Плохая Почта", "+79160000002", "not-an-email", None, None, None, None],
            ["Плохая Дата", "+79160000003", None, None, "32.13.1980", None, None],
            ["Будущее", "+79160000004", None, None, "01.01.2999", None, None],
            ["Нет Тарифа", "+79160000005", None, None, None, "Космос", None],
            ["Странный ЧС", "+79160000006", None, None, None, None, "может быть"],
            ["Повтор", "8 916 000-00-01", None, None, None, None, None],
            [None, None, "only@email.ru", None, None, None, None],
            ["Длинный", "+79160000007", None, "Г" * 101, None, None, None],
        ],
    )
    report = await import_clients(sessions, path, actor=admin("t"), words=IMPORT_WORDS)
    assert not report.ok and report.exit_code == 1 and not report.committed
    got = {(e.row, e.column, e.code) for e in report.errors}
    assert got == {
        (3, "Телефон", "invalid_phone"),
        (4, "Телефон", "not_client_phone"),
        (5, "Email", "bad_email"),
        (6, "Дата рождения", "bad_date"),
        (7, "Дата рождения", "date_range"),
        (8, "Тариф", "unknown_tariff"),
        (9, "Черный список", "bad_choice"),
        (10, "Телефон", "duplicate_in_file"),
        (11, "Телефон", "empty_client"),
        (12, "Город", "too_long"),
    }
    tariff_error = next(e for e in report.errors if e.code == "unknown_tariff")
    assert tariff_error.value == "Космос"
    assert all(name in reason(tariff_error) for name in TARIFFS)
    duplicate = next(e for e in report.errors if e.code == "duplicate_in_file")
    assert duplicate.detail == "2" and duplicate.value == "8 916 000-00-01"
    with speaking("ru"):
        lines = import_lines(report)
    assert lines[-1].endswith("ничего не импортировано")
    assert any(line.startswith("строка 8, Тариф: 'Космос'") for line in lines)
    assert await counts(sessions) == (0, 0, 0)


async def test_update_existing_or_refuse_with_no_update(sessions: Sessions, tmp_path: Path) -> None:
    await seed_tariffs(sessions)
    first = write_sheet(
        tmp_path / "first.xlsx",
        [["ФИО", "Телефон", "Город"], ["Иванов Иван", "+79161234567", "Москва"]],
    )
    assert (
        await import_clients(sessions, first, actor=admin("a"), words=IMPORT_WORDS)
    ).created == 1
    second = write_sheet(
        tmp_path / "second.xlsx",
        [
            ["Телефон", "Телефон 2", "Город", "Тариф", "Комментарий"],
            ["89161234567", "+7 903 111-22-33", "Тверь", "бизнес", None],
            ["+79260000000", None, "Москва", None, "новый"],
        ],
    )
    refused = await import_clients(
        sessions, second, actor=admin("b"), update_existing=False, words=IMPORT_WORDS
    )
    assert [(e.row, e.code, e.detail) for e in refused.errors] == [(2, "phone_taken", "#1")]
    assert await counts(sessions) == (1, 1, 1)

    report = await import_clients(sessions, second, actor=admin("b"), words=IMPORT_WORDS)
    assert report.ok and (report.created, report.updated, report.unchanged) == (1, 1, 0)
    ivanov = await client_by_phone(sessions, "+79031112233")
    # Updated: only the cells the row fills; the name stays, a phone is added.
    assert (ivanov.last_name, ivanov.city, ivanov.updated_by) == ("Иванов", "Тверь", "b")
    assert ivanov.version == 2
    async with sessions() as s:
        tariff = await s.execute(select(Tariff.name).where(Tariff.id == ivanov.tariff_id))
        assert tariff.scalar_one() == "Бизнес"
        phones = (
            await s.scalars(select(ClientPhone.e164).where(ClientPhone.client_id == ivanov.id))
        ).all()
        assert sorted(phones) == ["+79031112233", "+79161234567"]
        audit = (
            await s.scalars(
                select(AuditEntry).where(AuditEntry.client_id == ivanov.id).order_by(AuditEntry.id)
            )
        ).all()
    assert [a.action for a in audit] == ["create", "update"]
    assert audit[1].actor == "b" and audit[1].changes["city"] == ["Москва", "Тверь"]

    again = await import_clients(sessions, second, actor=admin("b"), words=IMPORT_WORDS)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


async def test_dry_run_writes_nothing(sessions: Sessions) -> None:
    await seed_tariffs(sessions)
    report = await import_clients(
        sessions,
        FIXTURES / "clients_libreoffice.xlsx",
        actor=admin("t"),
        dry_run=True,
        words=IMPORT_WORDS,
    )
    assert report.ok and report.dry_run and not report.committed
    assert report.created == 5
    with speaking("en"):
        assert "dry run, nothing written" in import_lines(report)[-1]
    assert await counts(sessions) == (0, 0, 0)


async def test_two_phones_of_different_clients_in_one_row(
    sessions: Sessions, tmp_path: Path
) -> None:
    first = write_sheet(
        tmp_path / "a.xlsx",
        [
            ["Имя", "Фамилия", "Телефон"],
            ["Анна", "А", "+79160000001"],
            ["Борис", "Б", "+79160000002"],
        ],
    )
    assert (
        await import_clients(sessions, first, actor=admin("t"), words=IMPORT_WORDS)
    ).created == 2
    merged = write_sheet(tmp_path / "b.xlsx", [["Телефоны"], ["+79160000001, +79160000002"]])
    report = await import_clients(sessions, merged, actor=admin("t"), words=IMPORT_WORDS)
    assert [(e.code, e.detail) for e in report.errors] == [("owners_conflict", "#1, #2")]


async def test_failure_midway_leaves_database_unchanged(
    sessions: Sessions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A constraint violation in a late insert batch rolls back the earlier batches too."""
    existing = write_sheet(
        tmp_path / "e.xlsx", [["ФИО", "Телефон"], ["Старый Клиент", "+79990000000"]]
    )
    await import_clients(sessions, existing, actor=admin("t"), words=IMPORT_WORDS)
    before = await counts(sessions)
    rows = [["ФИО", "Телефон", "Статус"]]
    rows += [[f"Клиент {i}", f"+7916{i:07d}", "VIP"] for i in range(2500)]
    path = write_sheet(tmp_path / "big.xlsx", rows)

    real = Spellings.code_for
    calls = 0

    def poisoned(self: Spellings, group: str, text: str) -> str | None:
        # Row 2,400 gets a status the CHECK constraint refuses, past the first batches.
        nonlocal calls
        calls += 1
        return "bogus" if group == "status" and calls == 2401 else real(self, group, text)

    monkeypatch.setattr(Spellings, "code_for", poisoned)
    with pytest.raises(StorageError):
        await import_clients(sessions, path, actor=admin("t"), words=IMPORT_WORDS)
    assert await counts(sessions) == before


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_unreadable_files_give_one_line(sessions: Sessions, tmp_path: Path) -> None:
    text = tmp_path / "notes.xlsx"
    text.write_text("ФИО;Телефон\nИванов;89161234567\n", encoding="utf-8")
    good = write_sheet(tmp_path / "good.xlsx", [["ФИО", "Телефон"], ["А Б", "+79161234567"]])
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    empty = tmp_path / "empty.xlsx"
    Workbook().save(empty)
    no_header = write_sheet(tmp_path / "noheader.xlsx", [["foo", "bar"], [1, 2]])
    twice = write_sheet(tmp_path / "twice.xlsx", [["ФИО", "Телефон", "Почта", "E-mail"]])
    cases = {
        text: "not_xlsx",
        truncated: "corrupt",
        empty: "empty",
        no_header: "no_header",
        twice: "duplicate_column",
        tmp_path / "missing.xlsx": "not_found",
    }
    for path, code in cases.items():
        with pytest.raises(ImportFileError) as caught:
            await import_clients(sessions, path, actor=admin("t"), words=IMPORT_WORDS)
        assert caught.value.code == code, path
        assert "\n" not in file_error_line(caught.value) and path.name in str(caught.value)
    assert await counts(sessions) == (0, 0, 0)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_damaged_sheet_inside_a_valid_zip(sessions: Sessions, tmp_path: Path) -> None:
    good = write_sheet(tmp_path / "good.xlsx", [["ФИО", "Телефон"], ["А Б", "+79161234567"]])
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.endswith("sheet1.xml"):
                data = data[: len(data) // 2]
            dst.writestr(item, data)
    with pytest.raises(ImportFileError) as caught:
        await import_clients(sessions, broken, actor=admin("t"), words=IMPORT_WORDS)
    assert caught.value.code == "corrupt"
    assert await counts(sessions) == (0, 0, 0)
