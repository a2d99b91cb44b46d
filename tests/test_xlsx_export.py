"""Exports read back as files: header, formats, frozen pane, cancel, and the round trip; and
the client export selects exactly the clients the client base lists for the same filter."""

from __future__ import annotations

import asyncio
import gc
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from console.i18n import Language
from console.xlsx_words import export_error_line, export_line, import_lines
from storage.accounts import add_operation, summed_totals
from storage.addresses import add_address
from storage.client_list import SEARCH_CAP, list_clients
from storage.companies import create_company, link_employee
from storage.db import create_engine, make_sessionmaker
from storage.filters import CallFilter, ClientFilter
from storage.models import (
    Call,
    Client,
    ClientAddress,
    ClientPhone,
    Company,
    CompanyEmployee,
    Debt,
    OperatorRole,
    Tariff,
)
from storage.roles import Actor
from storage.seed import seed_database
from storage.xlsx import (
    ExportFileError,
    export_calls,
    export_clients,
    export_debts,
    import_clients,
    openpyxl_rows,
    sources,
)
from storage.xlsx.headers import CLIENT_COLUMNS
from storage.xlsx.writer import SheetWriter
from tests.support import pg_admin
from tests.test_search import add_client
from tests.xlsx_support import IMPORT_WORDS, admin, sheet_words, speaking

Sessions = async_sessionmaker[AsyncSession]


async def test_client_export_is_readable(
    engine: AsyncEngine, sessions: Sessions, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    await seed_database(engine, clients=120)
    async with sessions.begin() as s:
        client = (await s.scalars(select(Client).order_by(Client.id).limit(1))).one()
        client.comment = '=HYPERLINK("http://x")\x07'
        s.add(Debt(client_id=client.id, amount=Decimal("1234.50")))
    seen: list[tuple[int, int | None]] = []
    path = out / "clients.xlsx"
    summary = await export_clients(
        sessions,
        path,
        ClientFilter(),
        words=sheet_words("clients", "ru"),
        progress=lambda d, t: seen.append((d, t)),
        batch_size=50,
    )
    assert summary.rows == 120 and not summary.cancelled
    assert seen[0] == (0, 120) and seen[-1] == (120, 120)
    assert [p.name for p in out.iterdir()] == ["clients.xlsx"]  # no temp file left

    wb = load_workbook(path)  # normal mode: styles and views
    ws = wb.active
    assert ws.title == "Клиенты" and ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    assert header[:4] == ["Клиент", "Телефоны", "Телефоны (местный формат)", "Дата рождения"]
    assert ws[1][0].font.b and ws.column_dimensions["A"].width == 34
    col = {name: i for i, name in enumerate(header)}
    row = ws[2]
    assert row[col["Комментарий"]].value == '=HYPERLINK("http://x")'
    assert row[col["Комментарий"]].data_type == "s"
    debt = row[col["Долг"]]
    assert debt.value >= 1234.5 and debt.number_format == "#,##0.00"
    registered = row[col["Дата регистрации"]]
    assert isinstance(registered.value, datetime) and registered.number_format == "DD.MM.YYYY HH:MM"
    phones = row[col["Телефоны"]].value.split("\n")
    assert all(p.startswith("+") for p in phones)
    assert row[col["Телефоны (местный формат)"]].value.split("\n")[0].startswith("8 ")


async def test_client_export_filters(
    engine: AsyncEngine, sessions: Sessions, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    await seed_database(engine, clients=200)
    async with sessions() as s:
        blacklisted = (
            await s.scalars(select(Client.name).where(Client.blacklisted).order_by(Client.id))
        ).all()
    summary = await export_clients(
        sessions,
        out / "bl.xlsx",
        ClientFilter(blacklisted=True),
        words=sheet_words("clients", "en"),
    )
    assert summary.rows == len(blacklisted)
    ws = load_workbook(out / "bl.xlsx", read_only=True).active
    names = [r[0] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert names == list(blacklisted)


async def test_cancel_leaves_no_file(
    engine: AsyncEngine, sessions: Sessions, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    await seed_database(engine, clients=300)
    target = out / "out.xlsx"
    target.write_bytes(b"previous export")
    cancel = asyncio.Event()

    def progress(done: int, total: int | None) -> None:
        if done >= 100:
            cancel.set()

    summary = await export_clients(
        sessions,
        target,
        ClientFilter(),
        progress=progress,
        cancel=cancel,
        batch_size=50,
        words=sheet_words("clients", "en"),
    )
    assert summary.cancelled and summary.rows < 300
    with speaking("en"):
        assert "no file written" in export_line(summary)
    assert [p.name for p in out.iterdir()] == ["out.xlsx"]
    assert target.read_bytes() == b"previous export"

    writing = asyncio.Event()

    def written(done: int, total: int | None) -> None:
        if done > 0:
            writing.set()

    task = asyncio.create_task(
        export_clients(
            sessions,
            target,
            ClientFilter(),
            progress=written,
            batch_size=10,
            words=sheet_words("clients", "en"),
        )
    )
    await writing.wait()  # rows are on their way to the file: cancel in the middle
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert [p.name for p in out.iterdir()] == ["out.xlsx"]


async def test_call_and_debt_exports(
    engine: AsyncEngine, sessions: Sessions, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    await seed_database(engine, clients=150)
    async with sessions() as s:
        calls = (await s.scalars(select(Call.started_at).order_by(Call.started_at))).all()
        paid = (await s.scalars(select(Debt.paid_by).where(Debt.paid_at.is_not(None)))).all()
    since = calls[len(calls) // 2]
    summary = await export_calls(
        sessions,
        out / "calls.xlsx",
        CallFilter(since=since),
        words=sheet_words("calls", "en"),
    )
    assert summary.rows == sum(1 for c in calls if c >= since) > 0
    ws = load_workbook(out / "calls.xlsx").active
    assert ws.freeze_panes == "A2" and ws["A1"].value == "Started at"
    assert isinstance(ws["A2"].value, datetime)

    summary = await export_debts(
        sessions,
        out / "paid.xlsx",
        paid=True,
        words=sheet_words("debts", "ru"),
    )
    assert summary.rows == len(paid)
    ws = load_workbook(out / "paid.xlsx").active
    header = [c.value for c in ws[1]]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert {r[header.index("Состояние")] for r in rows} <= {"Оплачен"}
    assert sorted(r[header.index("Закрыл")] or "" for r in rows) == sorted(paid)
    assert ws.cell(2, header.index("Сумма") + 1).number_format == "#,##0.00"


def _snapshot_query() -> object:
    return select(
        Client.kind,
        Client.last_name,
        Client.first_name,
        Client.middle_name,
        Client.organisation,
        Client.email,
        Client.city,
        Client.street,
        Client.house,
        Client.entrance,
        Client.birthday,
        Client.comment,
        Client.status,
        Client.blacklisted,
        Client.blacklist_reason,
        Tariff.name,
        Client.registered_at,
    ).outerjoin(Tariff, Tariff.id == Client.tariff_id)


async def _snapshot(sessions: Sessions) -> dict[tuple[str, ...], tuple[object, ...]]:
    """Clients keyed by their sorted phones; registered_at to the minute (the sheet's)."""
    async with sessions() as s:
        phones: dict[int, list[str]] = {}
        for cid, e164 in await s.execute(select(ClientPhone.client_id, ClientPhone.e164)):
            phones.setdefault(cid, []).append(e164)
        stmt = _snapshot_query().add_columns(Client.id)  # type: ignore[attr-defined]
        out = {}
        for row in await s.execute(stmt):
            *values, registered, cid = row
            out[tuple(sorted(phones[cid]))] = (*values, registered.replace(second=0, microsecond=0))
        return out


async def test_round_trip_into_an_empty_database(
    engine: AsyncEngine, sessions: Sessions, db_url: str, tmp_path: Path, library_shortcuts: bool
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    await seed_database(engine, clients=400, now=datetime.now(UTC) - timedelta(days=1))
    await _give_extras(sessions)
    path = out / "all.xlsx"
    languages: tuple[Language, ...] = ("ru", "en")
    for language in languages:
        await export_clients(
            sessions,
            path,
            ClientFilter(),
            words=sheet_words("clients", language),
        )
        empty_url = await _empty_twin(db_url, out / f"empty-{language}.db")
        other = create_engine(empty_url)
        try:
            other_sessions = make_sessionmaker(other)
            await seed_database(other, clients=0)  # the same tariffs, no clients
            report = await import_clients(
                other_sessions, path, actor=admin("import"), words=IMPORT_WORDS
            )
            assert report.ok, import_lines(report)[:5]
            assert report.created == 400
            assert await _snapshot(other_sessions) == await _snapshot(sessions)
            # Everything the card holds comes back: money (as operations), company,
            # phone labels, addresses.
            assert await _extras(other_sessions) == await _extras(sessions)
            async with other_sessions() as s:
                for cid in (await s.scalars(select(Client.id))).all():
                    client = await s.get(Client, cid)
                    assert client is not None
                    totals = await summed_totals(s, cid)
                    assert (totals.balance, totals.bonus_balance) == (
                        client.balance,
                        client.bonus_balance,
                    )
        finally:
            await other.dispose()
            if empty_url.startswith("postgresql"):
                await pg_admin.drop_database(empty_url)


async def _give_extras(sessions: Sessions) -> None:
    """A company with three employees (two may ride on its account), another address for
    each of them, a phone label, and money moved on the first."""
    admin = Actor("Ольга", OperatorRole.ADMIN)
    async with sessions.begin() as s:
        ids = (await s.scalars(select(Client.id).order_by(Client.id).limit(3))).all()
        company = await create_company(s, {"name": "АО Вектор"}, actor=admin)
        for i, cid in enumerate(ids):
            await link_employee(s, cid, company.id, actor=admin, may_order_on_account=i != 1)
            await add_address(
                s,
                cid,
                {"label": "работа у моря", "city": "Сочи", "street": "Морская",
                 "house": str(i + 1), "building": "2", "floor": "3", "apartment": "41",
                 "comment": "код 12"},
                actor=admin,
            )  # fmt: skip
        phone = (
            await s.scalars(select(ClientPhone).where(ClientPhone.client_id == ids[0]))
        ).first()
        assert phone is not None
        phone.label = "жена"
        await add_operation(s, ids[0], "credit", "1234.56", actor=admin)
        await add_operation(s, ids[0], "bonus_credit", "10", actor=admin)


async def _extras(sessions: Sessions) -> dict[tuple[str, ...], tuple[object, ...]]:
    """Per client (by its phones): money, discount, rating, company, labels, addresses."""
    async with sessions() as s:
        phones: dict[int, list[tuple[str, str]]] = {}
        for cid, e164, label in await s.execute(
            select(ClientPhone.client_id, ClientPhone.e164, ClientPhone.label)
        ):
            phones.setdefault(cid, []).append((e164, label))
        places: dict[int, list[tuple[str, ...]]] = {}
        for row in await s.execute(select(ClientAddress)):
            a = row[0]
            places.setdefault(a.client_id, []).append(
                (a.label, a.city, a.street, a.house, a.building, a.entrance, a.floor,
                 a.apartment, a.comment, a.city_key, a.street_key)
            )  # fmt: skip
        employers = {
            cid: (name, allowed)
            for cid, name, allowed in await s.execute(
                select(
                    CompanyEmployee.client_id, Company.name, CompanyEmployee.may_order_on_account
                ).join(Company, Company.id == CompanyEmployee.company_id)
            )
        }
        out: dict[tuple[str, ...], tuple[object, ...]] = {}
        stmt = select(
            Client.id, Client.balance, Client.bonus_balance, Client.credit_limit,
            Client.discount_percent, Client.rating,
        )  # fmt: skip
        for cid, *money in await s.execute(stmt):
            out[tuple(sorted(p for p, _ in phones[cid]))] = (
                *money,
                employers.get(cid),
                sorted(phones[cid]),
                sorted(places.get(cid, [])),
            )
        return out


async def _empty_twin(db_url: str, sqlite_path: Path) -> str:
    from storage.migrate import upgrade_database

    if db_url.startswith("sqlite"):
        url = f"sqlite+aiosqlite:///{sqlite_path}"
    else:
        from sqlalchemy.engine import make_url

        admin = make_url(db_url).set(drivername="postgresql", database="postgres")
        url = await pg_admin.create_database(dsn=admin.render_as_string(hide_password=False))
    engine = create_engine(url)
    try:
        await upgrade_database(engine)
    finally:
        await engine.dispose()
    return url


def test_sheet_writer_dimension_text_and_clean_abort(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, library_shortcuts: bool
) -> None:
    columns = [CLIENT_COLUMNS[key] for key in ("name", "comment", "completed_orders")]
    path = tmp_path / "a.xlsx"
    writer = SheetWriter(path, "T", columns, "en")
    writer.write_rows([("=1+1", "#N/A", 3), ("x" * 40_000, "bell\x07", None), (None, "", 0)])
    writer.finish()
    wb = load_workbook(path, read_only=True)
    ws = wb.active
    if openpyxl_rows.usable():  # the public path writes no dimension
        assert ws.calculate_dimension() == "A1:C4"  # the real size, not the placeholder
    rows = list(ws.iter_rows(values_only=True, max_col=3))
    wb.close()
    assert rows[1] == ("=1+1", "#N/A", 3)  # text stays text: no formula, no error value
    assert rows[2] == ("x" * 32_767, "bell", None)
    assert rows[3] == (None, None, 0)
    assert oct(path.stat().st_mode & 0o777) != oct(0o600)

    gc.collect()  # earlier tests' garbage is theirs: only this writer's may be reported
    unraisable: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    parts = tmp_path / "parts"  # openpyxl's temporary parts, away from other processes'
    parts.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(parts))
    out = tmp_path / "out"
    out.mkdir()
    writer = SheetWriter(out / "b.xlsx", "T", columns, "en")
    writer.write_rows([("a", "b", 1)] * 100)
    assert list(parts.iterdir())  # the sheet's part, while it is written
    writer.abort()
    del writer
    gc.collect()
    assert unraisable == []  # no "Exception ignored in ... _write_rows"
    assert list(out.iterdir()) == []
    assert list(parts.iterdir()) == []


def test_unwritable_target_is_an_export_file_error(tmp_path: Path) -> None:
    columns = [CLIENT_COLUMNS["name"]]
    with pytest.raises(ExportFileError) as caught:
        SheetWriter(tmp_path / "missing" / "a.xlsx", "T", columns, ["A"])
    with speaking("en"):
        assert "cannot write the file" in export_error_line(caught.value)
    with speaking("ru"):
        assert "не удаётся записать файл" in export_error_line(caught.value)
    (tmp_path / "dir.xlsx").mkdir()
    writer = SheetWriter(tmp_path / "dir.xlsx", "T", columns, ["A"])
    writer.write_rows([("a",)])
    with pytest.raises(ExportFileError):
        writer.finish()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.xlsx"]


# ------------------------------------------------- the export selects what the table shows


async def _crowd(engine: AsyncEngine, sessions: Sessions) -> None:
    """Seeded clients, and clients made for the searches below: more than a page of each,
    near misses beside them, and 230 clients of one surname (above `SEARCH_CAP`)."""
    await seed_database(engine, clients=150)
    firsts = ["Светлана", "София", "Серафима", "Анна", "Ольга", "Мария"]
    async with sessions.begin() as s:
        for i in range(36):
            first, city = firsts[i % len(firsts)], "Казань" if i % 3 else "Москва"
            await add_client(s, "Семёнова" if i % 2 else "Семенова", first, city=city)
            await add_client(s, "Петрова", firsts[i % 3], "Игоревна", city=city)  # С…
            await add_client(s, "Петрова", "Анна", "Сергеевна", city=city)  # not «Петрова С»
            await add_client(s, "Петровская", first, phones=[f"+7916555{i:04d}"])
        await add_client(s, "Петров", "Сергей", phones=["+79165559990", "+79165559991"])
        await add_client(s, organisation="ООО Сёмга", email="semga@example.org")
        for i in range(230):
            await add_client(s, "Ёлкина" if i % 2 else "Елкина", firsts[i % 6], city="Сочи")


async def _listed(sessions: Sessions, flt: ClientFilter) -> tuple[list[int], bool]:
    """Every id the client table shows for `flt`, page by page (20 a page), and whether
    it said the search was capped."""
    found: list[int] = []
    capped = False
    async with sessions() as s:
        for page in range(100):
            rows = await list_clients(s, flt, page=page, page_size=20)
            found += [r.id for r in rows.rows]
            capped = capped or bool(rows.extra.get("search_capped"))
            if not rows.has_next:
                return found, capped
    raise AssertionError("the table never ended")


async def _exported(sessions: Sessions, flt: ClientFilter, batch_size: int) -> list[int]:
    """The ids the client export reads for `flt`, in its order; its count agrees."""
    async with sessions() as s:
        got = [r.id async for batch in sources.iter_client_rows(s, flt, batch_size) for r in batch]
        assert await sources.count_clients(s, flt) == len(got)
    return got


SAME_AS_THE_TABLE = [
    ClientFilter(search="Семёнова"),  # ё and е: the same 36 clients
    ClientFilter(search="семенова"),
    ClientFilter(search="Петрова С"),  # surname and initial: the word index
    ClientFilter(search="с петрова"),
    ClientFilter(search="916 555"),  # phone digits
    ClientFilter(search="+7 (916) 555-99"),
    ClientFilter(search="91"),  # a phone prefix: a client with two numbers comes twice
    ClientFilter(search="Пе"),  # a name prefix
    ClientFilter(search="сёмга"),
    ClientFilter(search="Петрова С", city="Казань"),
    ClientFilter(search="Семенова", city="Москва", has_unpaid_debts=False),
    ClientFilter(search="%_"),  # nothing a search could match
]


async def test_client_export_selects_what_the_client_base_lists(
    engine: AsyncEngine, sessions: Sessions, tmp_path: Path
) -> None:
    await _crowd(engine, sessions)
    for flt in SAME_AS_THE_TABLE:
        listed, capped = await _listed(sessions, flt)
        assert not capped and len(listed) == len(set(listed)), flt
        for batch_size in (1, 7, 1000):
            exported = await _exported(sessions, flt, batch_size)
            assert exported == sorted(listed), (flt, batch_size)  # the same, in id order, once
    for query, least in (("Семёнова", 36), ("семенова", 36), ("Петрова С", 36), ("916 555", 37)):
        listed, _ = await _listed(sessions, ClientFilter(search=query))
        assert len(listed) >= least > 20, query  # more than one page of the table

    for i, flt in enumerate(SAME_AS_THE_TABLE[:6]):
        path = tmp_path / f"found-{i}.xlsx"
        listed, _ = await _listed(sessions, flt)
        summary = await export_clients(
            sessions,
            path,
            flt,
            batch_size=5,
            words=sheet_words("clients", "en"),
        )
        assert summary.rows == len(listed), flt
        async with sessions() as s:
            names = (await s.scalars(select(Client.name).where(Client.id.in_(listed)))).all()
        ws = load_workbook(path, read_only=True).active
        assert sorted(r[0] for r in ws.iter_rows(min_row=2, values_only=True)) == sorted(names)


async def test_client_export_takes_every_match_beyond_the_search_cap(
    engine: AsyncEngine, sessions: Sessions, tmp_path: Path
) -> None:
    await _crowd(engine, sessions)
    async with sessions() as s:
        everyone = (await s.execute(select(Client.id, Client.name))).all()
    truth = sorted(i for i, name in everyone if "елкин" in name.casefold().replace("ё", "е"))
    assert len(truth) >= 230
    for query in ("Ёлкина", "елкин", "ЕЛКИНА"):
        flt = ClientFilter(search=query)
        listed, capped = await _listed(sessions, flt)
        assert capped and len(listed) == SEARCH_CAP  # the table: "type more to narrow"
        assert set(listed) < set(truth)
        assert await _exported(sessions, flt, 64) == truth, query
    flt = ClientFilter(search="ёлкин", city="Сочи")
    summary = await export_clients(
        sessions,
        tmp_path / "all.xlsx",
        flt,
        batch_size=50,
        words=sheet_words("clients", "en"),
    )
    assert summary.rows == len(truth)
    ws = load_workbook(tmp_path / "all.xlsx", read_only=True).active
    names = [r[0] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert len(names) == len(truth) and all("лкина" in n for n in names)
