"""The companies sheet of a client export (issue 14, items 4 and 11), on real files, on
SQLite and PostgreSQL: each company's record, its account's balance and its employees'
count beside the clients; an import of that export into an empty database brings the
companies back whole (record, balance as one operation, employees), and a bad cell of the
sheet refuses the file with the sheet and the column named.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from console.xlsx_words import import_lines, row_line
from storage.companies import list_companies
from storage.db import create_engine, make_sessionmaker
from storage.filters import ClientFilter
from storage.models import (
    AuditEntry,
    Client,
    ClientPhone,
    Company,
    CompanyEmployee,
    CompanyOperation,
)
from storage.seed import seed_database
from storage.xlsx import export_clients, import_clients
from tests.support import pg_admin
from tests.test_xlsx_export import _empty_twin
from tests.xlsx_support import IMPORT_WORDS, admin, sheet_words, speaking, write_sheet

Sessions = async_sessionmaker[AsyncSession]
YESTERDAY = datetime.now(UTC) - timedelta(days=1)


async def companies_of(sessions: Sessions) -> dict[str, tuple[object, ...]]:
    """Each company's record, balance, the sum of its operations and its employees (by
    their first phone, so ids of two databases compare)."""
    async with sessions() as s:
        first_phone = dict(
            (
                await s.execute(
                    select(ClientPhone.client_id, func.min(ClientPhone.e164)).group_by(
                        ClientPhone.client_id
                    )
                )
            ).all()
        )
        out: dict[str, tuple[object, ...]] = {}
        for company in (await s.scalars(select(Company))).all():
            summed = await s.scalar(
                select(func.coalesce(func.sum(CompanyOperation.amount), 0)).where(
                    CompanyOperation.company_id == company.id
                )
            )
            staff = (
                await s.execute(
                    select(CompanyEmployee.client_id, CompanyEmployee.may_order_on_account).where(
                        CompanyEmployee.company_id == company.id
                    )
                )
            ).all()
            out[company.name] = (
                company.tax_id,
                company.contact_name,
                company.contact_phone,
                company.comment,
                company.balance,
                Decimal(summed or 0),
                sorted((first_phone[cid], bool(allowed)) for cid, allowed in staff),
            )
        return out


async def test_the_export_has_a_companies_sheet_and_imports_back_whole(
    engine: AsyncEngine, sessions: Sessions, db_url: str, tmp_path: Path
) -> None:
    await seed_database(engine, clients=60, now=YESTERDAY)  # the demo's three companies
    before = await companies_of(sessions)
    assert before["АО Северный ветер"][4] == Decimal("-4500.00")  # one in debt
    assert before["ИП Ковалёв"][6] == []  # one without employees
    path = tmp_path / "clients.xlsx"
    summary = await export_clients(
        sessions,
        path,
        ClientFilter(),
        words=sheet_words("clients", "ru"),
        company_words=sheet_words("companies", "ru"),
    )
    assert summary.rows == 60  # the clients; the companies are a sheet of their own
    book = load_workbook(path, read_only=True)
    try:
        assert book.sheetnames == ["Клиенты", "Компании"]
        rows = [list(r) for r in book["Компании"].iter_rows(values_only=True)]
    finally:
        book.close()
    assert rows[0] == [
        "Компания",
        "ИНН",
        "Контактное лицо",
        "Телефон для связи",
        "Комментарий",
        "Баланс счёта",
        "Сотрудников",
    ]
    assert rows[1:] == [
        ["АО Северный ветер", "7812345678", "Орлова Ирина", "+78123334455",
         "Счёт пополняют раз в месяц", -4500, 2],
        ["ИП Ковалёв", "772512345678", "Ковалёв Андрей", "+79165550011", None, 3000, 0],
        ["ООО Ромашка", "7701234567", "Сидоров Павел", "+79031112233", None, 37550, 3],
    ]  # fmt: skip

    empty_url = await _empty_twin(db_url, tmp_path / "empty.db")
    other = create_engine(empty_url)
    try:
        other_sessions = make_sessionmaker(other)
        await seed_database(other, clients=0)  # the same tariffs, no clients, no companies
        report = await import_clients(
            other_sessions, path, actor=admin("Ольга"), words=IMPORT_WORDS
        )
        assert report.ok, import_lines(report)[:5]
        assert await companies_of(other_sessions) == before
        async with other_sessions() as s:
            made = (
                await s.scalars(
                    select(AuditEntry.action).where(
                        AuditEntry.entity == "company", AuditEntry.actor == "Ольга"
                    )
                )
            ).all()
        assert sorted(set(made)) == ["company_create", "company_money_correction"]
        # Imported again, nothing changes: no second opening operation, no copy.
        again = await import_clients(other_sessions, path, actor=admin("Ольга"), words=IMPORT_WORDS)
        assert again.ok
        assert await companies_of(other_sessions) == before
        async with other_sessions() as s:
            assert len(await list_companies(s)) == 3
    finally:
        await other.dispose()
        if empty_url.startswith("postgresql"):
            await pg_admin.drop_database(empty_url)


async def test_a_filtered_export_lists_only_its_clients_companies(
    engine: AsyncEngine, sessions: Sessions, tmp_path: Path
) -> None:
    await seed_database(engine, clients=60, now=YESTERDAY)
    path = tmp_path / "one.xlsx"
    await export_clients(
        sessions,
        path,
        ClientFilter(search="Иванова Мария Петровна"),
        words=sheet_words("clients", "en"),
        company_words=sheet_words("companies", "en"),
    )
    book = load_workbook(path, read_only=True)
    try:
        names = [r[0] for r in book["Companies"].iter_rows(min_row=2, values_only=True)]
    finally:
        book.close()
    assert names == ["ООО Ромашка"]


async def test_a_bad_cell_of_the_companies_sheet_refuses_the_file(
    sessions: Sessions, tmp_path: Path
) -> None:
    path = write_sheet(tmp_path / "a.xlsx", [["ФИО", "Телефон"], ["Иванов Иван", "+79161234567"]])
    book = load_workbook(path)
    sheet = book.create_sheet("Компании")
    sheet.append(["Компания", "ИНН", "Баланс счёта"])
    sheet.append(["ООО Ромашка", "12345", 100])
    sheet.append(["АО Вектор", "7812345678", "много"])
    sheet.append(["", "7701234567", 5])
    book.save(path)
    report = await import_clients(sessions, path, actor=admin("Ольга"), words=IMPORT_WORDS)
    assert not report.ok
    assert [(e.row, e.column, e.code) for e in report.errors] == [
        (2, "Компании: ИНН", "bad_tax_id"),
        (3, "Компании: Баланс счёта", "bad_amount"),
        (4, "Компании: Компания", "no_company_name"),
    ]
    with speaking("ru"):
        assert "не ИНН (10 или 12 цифр)" in row_line(report.errors[0])
    async with sessions() as s:  # all or nothing: not even the good client row
        assert await s.scalar(select(func.count()).select_from(Client)) == 0
        assert await s.scalar(select(func.count()).select_from(Company)) == 0
