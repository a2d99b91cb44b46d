"""Addresses, companies and phone labels (issue 14, items 3 and 4), in storage: on SQLite
and PostgreSQL, every write audited with who, the card bringing them in its two
statements, the search finding clients by city and street, and roles refused in storage."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from console.cli import main
from storage.addresses import (
    add_address,
    client_addresses,
    mark_used,
    remove_address,
    update_address,
)
from storage.cards import card_to_json, load_card_by_phone, load_client_card
from storage.client_list import list_clients
from storage.clients import (
    get_or_create_client_for_call,
    set_phone_label,
    update_client,
)
from storage.companies import (
    add_company_operation,
    company_card,
    company_operations,
    correct_company_balance,
    create_company,
    find_company,
    link_employee,
    list_companies,
    set_may_order_on_account,
    unlink_employee,
    update_company,
)
from storage.db import create_engine, make_sessionmaker
from storage.errors import InvalidChange, NotAllowed, NotFound
from storage.filters import ClientFilter, ClientSort
from storage.models import AuditEntry, Client, ClientAddress, OperatorRole
from storage.roles import Actor
from storage.search import MatchKind, search_clients

Sessions = async_sessionmaker[AsyncSession]
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
TODAY = date(2026, 12, 7)
DISPATCHER = Actor("Анна (101)", OperatorRole.DISPATCHER)
SUPERVISOR = Actor("Ольга", OperatorRole.SUPERVISOR)
HOME = {"label": "home", "city": "Самара", "street": "Ленина", "house": "7", "apartment": "14"}


async def a_client(
    sessions: Sessions, phone: str = "+79161234567", name: str = "Иванова Мария"
) -> int:
    created = await get_or_create_client_for_call(
        sessions, phone, caller_name=name, region="RU", registered_by="x", at=T0
    )
    assert created is not None
    return created[0]


async def card_of(sessions: Sessions, client_id: int) -> Any:
    async with sessions() as session:
        return await load_client_card(session, client_id, today=TODAY, max_unpaid_debts=3)


async def trail(sessions: Sessions, client_id: int | None = None) -> list[AuditEntry]:
    async with sessions() as session:
        stmt = select(AuditEntry).order_by(AuditEntry.id)
        if client_id is not None:
            stmt = stmt.where(AuditEntry.client_id == client_id)
        return list((await session.scalars(stmt)).all())


# ------------------------------------------------------------------------ addresses


async def test_addresses_are_added_edited_removed_and_audited(sessions: Sessions) -> None:
    client_id = await a_client(sessions)
    async with sessions.begin() as session:
        home = await add_address(session, client_id, HOME, actor=DISPATCHER, at=T0)
        work = await add_address(
            session,
            client_id,
            {"label": "офис на заводе", "city": "Самара", "street": "Заводская", "house": "1",
             "building": "2", "entrance": "3", "floor": "5", "comment": "пропуск на проходной"},
            actor=DISPATCHER,
            at=T0,
        )  # fmt: skip
    async with sessions.begin() as session:
        await update_address(
            session, home.id, {"entrance": "2", "floor": "4"}, actor=DISPATCHER, at=T0
        )
    async with sessions.begin() as session:
        shown = await client_addresses(session, client_id)
    assert [(a.label, a.street, a.entrance, a.floor, a.apartment) for a in shown] == [
        ("home", "Ленина", "2", "4", "14"),
        ("офис на заводе", "Заводская", "3", "5", ""),
    ]
    async with sessions.begin() as session:
        await remove_address(session, work.id, actor=DISPATCHER, at=T0)
    async with sessions() as session:
        assert [a.id for a in await client_addresses(session, client_id)] == [home.id]
    actions = [(e.action, e.actor, e.entity_id) for e in await trail(sessions, client_id)]
    assert actions[1:] == [
        ("address_add", "Анна (101)", home.id),
        ("address_add", "Анна (101)", work.id),
        ("address_update", "Анна (101)", home.id),
        ("address_remove", "Анна (101)", work.id),
    ]
    update = (await trail(sessions, client_id))[3]
    assert update.changes == {"entrance": ["", "2"], "floor": ["", "4"]}


async def test_an_address_needs_a_place_and_fields_within_limits(sessions: Sessions) -> None:
    client_id = await a_client(sessions)
    async with sessions.begin() as session:
        with pytest.raises(InvalidChange) as empty:
            await add_address(session, client_id, {"comment": "где-то"}, actor=DISPATCHER)
        with pytest.raises(InvalidChange) as long:
            await add_address(session, client_id, {"house": "1" * 21}, actor=DISPATCHER)
        with pytest.raises(NotFound):
            await add_address(session, client_id + 99, HOME, actor=DISPATCHER)
        with pytest.raises(NotFound):
            await update_address(session, 12345, {"house": "2"}, actor=DISPATCHER)
    assert (empty.value.code, long.value.code, long.value.field) == (
        "address_empty",
        "too_long",
        "house",
    )


async def test_the_card_lists_addresses_most_used_first_in_two_statements(
    sessions: Sessions, engine: AsyncEngine
) -> None:
    client_id = await a_client(sessions)
    async with sessions.begin() as session:
        first = await add_address(session, client_id, HOME, actor=DISPATCHER, at=T0)
        second = await add_address(
            session, client_id, {"label": "work", "street": "Садовая", "house": "3"},
            actor=DISPATCHER, at=T0,
        )  # fmt: skip
        third = await add_address(
            session, client_id, {"label": "other", "street": "Полевая", "house": "9"},
            actor=DISPATCHER, at=T0,
        )  # fmt: skip
        for _ in range(3):
            await mark_used(session, second.id, at=T0)
        await mark_used(session, third.id, at=T0 + timedelta(days=1))
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        async with sessions() as session:
            card = await load_card_by_phone(session, "89161234567", today=TODAY, max_unpaid_debts=3)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    assert card is not None
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 2
    assert [a.id for a in card.addresses] == [second.id, third.id, first.id]
    assert card.addresses[0].use_count == 3
    # The old single-address fields are the first address's now.
    assert (card.street, card.house) == ("Садовая", "3")
    doc = card_to_json(card, "")
    assert [a["street"] for a in doc["addresses"]] == ["Садовая", "Полевая", "Ленина"]
    assert doc["addresses"][2]["apartment"] == "14"


async def test_the_form_address_edits_the_main_address(sessions: Sessions) -> None:
    """The card form's street/house/entrance are the main address: a client without any
    gets a home address from them, a client with addresses has the most used one changed."""
    client_id = await a_client(sessions)
    async with sessions.begin() as session:
        await update_client(
            session, client_id, 1, {"city": "Тула", "street": "Мира", "house": "5"}, "Анна"
        )
    card = await card_of(sessions, client_id)
    assert [(a.label, a.city, a.street, a.house) for a in card.addresses] == [
        ("home", "Тула", "Мира", "5")
    ]
    async with sessions.begin() as session:
        await update_client(session, client_id, card.version, {"house": "6"}, "Анна")
    card = await card_of(sessions, client_id)
    assert [(a.street, a.house) for a in card.addresses] == [("Мира", "6")]


async def test_search_finds_clients_by_city_and_street(sessions: Sessions) -> None:
    samara = await a_client(sessions, "+79161234567", "Иванова Мария")
    tula = await a_client(sessions, "+79161234568", "Петров Пётр")
    async with sessions.begin() as session:
        await add_address(session, samara, HOME, actor=DISPATCHER)
        await add_address(
            session, tula, {"city": "Тула", "street": "Самарская", "house": "1"},
            actor=DISPATCHER,
        )  # fmt: skip
        await add_address(
            session, tula, {"city": "Тула", "street": "ул. Гагарина", "house": "2"},
            actor=DISPATCHER,
        )  # fmt: skip
    async with sessions() as session:
        by_city = await search_clients(session, "самара")
        by_street = await search_clients(session, "Ленина")
        both = await search_clients(session, "Самар")
        nobody = await search_clients(session, "Воронеж")
        by_name_of_street = await search_clients(session, "Гагарина")
        with_its_kind = await search_clients(session, "ул. Гагарина")
        page = await list_clients(
            session, ClientFilter(search="Самара"), ClientSort.NAME, False, 0, 20, today=TODAY
        )
    assert [(h.client_id, h.match) for h in by_city] == [(samara, MatchKind.SUBSTRING)]
    assert [h.client_id for h in by_street] == [samara]
    assert sorted(h.client_id for h in both) == sorted([samara, tula])
    assert nobody == []
    assert [h.client_id for h in by_name_of_street] == [h.client_id for h in with_its_kind]
    assert [h.client_id for h in with_its_kind] == [tula]
    assert [r.id for r in page.rows] == [samara]


# ------------------------------------------------------------------------ companies


async def test_companies_are_created_edited_and_listed(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        romashka = await create_company(
            session,
            {"name": "ООО Ромашка", "tax_id": "7701234567", "contact_name": "Сидоров",
             "contact_phone": "+7 495 111-22-33"},
            actor=DISPATCHER,
            at=T0,
        )  # fmt: skip
        await create_company(session, {"name": "АО Вектор"}, actor=DISPATCHER, at=T0)
    async with sessions.begin() as session:
        with pytest.raises(InvalidChange) as same:
            await create_company(session, {"name": "ооо ромашка"}, actor=DISPATCHER)
        with pytest.raises(InvalidChange) as inn:
            await create_company(session, {"name": "X", "tax_id": "12345"}, actor=DISPATCHER)
        with pytest.raises(InvalidChange) as nameless:
            await create_company(session, {"name": "  "}, actor=DISPATCHER)
    assert (same.value.code, inn.value.code, nameless.value.code) == (
        "company_exists",
        "not_tax_id",
        "company_name_required",
    )
    async with sessions.begin() as session:
        await update_company(session, romashka.id, {"comment": "оплата по счёту"}, actor=DISPATCHER)
    async with sessions() as session:
        rows = await list_companies(session)
        found = await find_company(session, "ооо РОМАШКА")
    assert [(r.name, r.employees, r.comment) for r in rows] == [
        ("АО Вектор", 0, ""),
        ("ООО Ромашка", 0, "оплата по счёту"),
    ]
    assert found.id == romashka.id
    actions = [(e.entity, e.action) for e in await trail(sessions)]
    assert actions == [
        ("company", "company_create"),
        ("company", "company_create"),
        ("company", "company_update"),
    ]


async def test_employees_the_card_and_the_company_card(sessions: Sessions) -> None:
    maria = await a_client(sessions, "+79161234567", "Иванова Мария")
    petr = await a_client(sessions, "+79161234568", "Петров Пётр")
    async with sessions.begin() as session:
        company = await create_company(session, {"name": "ООО Ромашка"}, actor=DISPATCHER)
        await link_employee(session, maria, company.id, actor=SUPERVISOR, may_order_on_account=True)
        await link_employee(session, petr, company.id, actor=DISPATCHER)
        await add_company_operation(
            session, company.id, "credit", "5000", actor=SUPERVISOR, comment="платёж"
        )
    card = await card_of(sessions, maria)
    assert card.company is not None
    assert (card.company.name, card.company.may_order_on_account, card.company.balance) == (
        "ООО Ромашка",
        True,
        Decimal("5000.00"),
    )
    other = await card_of(sessions, petr)
    assert other.company is not None and not other.company.may_order_on_account
    async with sessions() as session:
        shown = await company_card(session, company.id)
    assert [(e.name, e.phone, e.may_order_on_account) for e in shown.employees] == [
        ("Иванова Мария", "+79161234567", True),
        ("Петров Пётр", "+79161234568", False),
    ]
    assert shown.company.employees == 2
    # The company screen says whose each number is.
    async with sessions.begin() as session:
        await set_phone_label(session, maria, "+79161234567", "рабочий", actor="Анна")
    async with sessions() as session:
        labelled = await company_card(session, company.id)
    assert [e.phones for e in labelled.employees] == [
        (("+79161234567", "рабочий"),),
        (("+79161234568", ""),),
    ]
    async with sessions.begin() as session:
        assert await unlink_employee(session, petr, actor=DISPATCHER)
        assert not await unlink_employee(session, petr, actor=DISPATCHER)
    assert (await card_of(sessions, petr)).company is None
    entries = [(e.action, e.actor) for e in await trail(sessions, maria)]
    assert ("employee_link", SUPERVISOR.name) in entries


async def test_a_dispatcher_may_not_give_or_move_the_company_account(sessions: Sessions) -> None:
    client_id = await a_client(sessions)
    async with sessions.begin() as session:
        company = await create_company(session, {"name": "ООО Ромашка"}, actor=DISPATCHER)
        await link_employee(session, client_id, company.id, actor=DISPATCHER)
    async with sessions.begin() as session:
        with pytest.raises(NotAllowed):
            await link_employee(
                session, client_id, company.id, actor=DISPATCHER, may_order_on_account=True
            )
        with pytest.raises(NotAllowed):
            await set_may_order_on_account(session, client_id, True, actor=DISPATCHER)
        with pytest.raises(NotAllowed):
            await add_company_operation(session, company.id, "credit", "10", actor=DISPATCHER)
    assert not (await card_of(sessions, client_id)).company.may_order_on_account
    async with sessions.begin() as session:
        await set_may_order_on_account(session, client_id, True, actor=SUPERVISOR)
    assert (await card_of(sessions, client_id)).company.may_order_on_account


async def test_the_company_balance_is_the_sum_of_its_operations(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        company = await create_company(session, {"name": "ООО Ромашка"}, actor=DISPATCHER)
        await add_company_operation(session, company.id, "credit", "1000", actor=SUPERVISOR)
        await add_company_operation(session, company.id, "debit", "250.50", actor=SUPERVISOR)
        balance = await correct_company_balance(session, company.id, "-100", actor=SUPERVISOR)
        with pytest.raises(InvalidChange):
            await add_company_operation(session, company.id, "debit", "-5", actor=SUPERVISOR)
    async with sessions() as session:
        operations = await company_operations(session, company.id)
        rows = await list_companies(session)
    assert balance == Decimal("-100.00") == rows[0].balance
    assert sum(o.amount for o in operations) == balance
    assert [o.kind for o in operations] == ["correction", "debit", "credit"]


# ----------------------------------------------------------------------- phone labels


async def test_phone_labels_say_whose_number_it_is(sessions: Sessions) -> None:
    client_id = await a_client(sessions)
    async with sessions.begin() as session:
        await set_phone_label(session, client_id, "8 916 123-45-67", " жена ", actor="Анна")
    card = await card_of(sessions, client_id)
    assert [(p.e164, p.label) for p in card.phones] == [("+79161234567", "жена")]
    async with sessions.begin() as session:
        with pytest.raises(NotFound):
            await set_phone_label(session, client_id, "+79160000000", "офис", actor="Анна")
    labels = [e.changes for e in await trail(sessions, client_id) if e.action == "phone_label"]
    assert labels == [{"phone": ["+79161234567", "+79161234567"], "label": ["", "жена"]}]


async def test_removing_a_client_takes_its_addresses_and_link(sessions: Sessions) -> None:
    """The foreign keys a merge relies on: addresses and the employee link go with the
    client (ON DELETE CASCADE)."""
    client_id = await a_client(sessions)
    async with sessions.begin() as session:
        await add_address(session, client_id, HOME, actor=DISPATCHER)
        company = await create_company(session, {"name": "ООО Ромашка"}, actor=DISPATCHER)
        await link_employee(session, client_id, company.id, actor=DISPATCHER)
    async with sessions.begin() as session:
        await session.execute(delete(Client).where(Client.id == client_id))
    async with sessions() as session:
        left = (await session.scalars(select(ClientAddress))).all()
        rows = await list_companies(session)
    assert left == [] and rows[0].employees == 0


# --------------------------------------------------------------------- the command line


def _config(tmp_path: Path, url: str) -> str:
    path = tmp_path / "config.toml"
    text = f'[database]\nurl = "{url}"\n\n[ui]\nlanguage = "en"\n\n[cli]\nactor = "Ирина"\n'
    path.write_text(text, "utf-8")
    return str(path)


def test_companies_cli_end_to_end(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = _config(tmp_path, db_url)

    async def clients() -> None:
        engine = create_engine(db_url)
        try:
            sessions = make_sessionmaker(engine)
            await a_client(sessions, "+79161234567", "Иванова Мария")
            await a_client(sessions, "+79161234568", "Петров Пётр")
        finally:
            await engine.dispose()

    asyncio.run(clients())
    assert main(["--config", cfg, "companies", "list"]) == 0
    assert "no companies yet" in capsys.readouterr().out
    assert main(["--config", cfg, "companies", "add", "ООО Ромашка", "--tax-id", "7701234567"]) == 0
    assert "company 'ООО Ромашка' added (id 1)" in capsys.readouterr().out
    assert main(["--config", cfg, "companies", "link", "ромашка", "8 916 123-45-67"]) == 1
    assert "no company 'ромашка'" in capsys.readouterr().err
    assert (
        main(["--config", cfg, "companies", "link", "ооо ромашка", "89161234567", "--on-account"])
        == 0
    )
    assert main(["--config", cfg, "companies", "link", "1", "+79161234568"]) == 0
    out = capsys.readouterr().out
    assert "Иванова Мария now works for ООО Ромашка; may ride on the company's account" in out
    assert "Петров Пётр now works for ООО Ромашка; may not ride on the company's account" in out

    assert main(["--config", cfg, "companies", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(c["name"], c["tax_id"], c["employees"], c["balance"]) for c in listed] == [
        ("ООО Ромашка", "7701234567", 2, "0.00")
    ]
    assert main(["--config", cfg, "companies", "show", "ООО Ромашка", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [(e["name"], e["may_order_on_account"]) for e in shown["employees"]] == [
        ("Иванова Мария", True),
        ("Петров Пётр", False),
    ]
    assert main(["--config", cfg, "companies", "unlink", "+79161234568"]) == 0
    assert main(["--config", cfg, "companies", "unlink", "+79161234568"]) == 0
    out = capsys.readouterr().out
    assert "Петров Пётр no longer works for a company" in out
    assert "Петров Пётр works for no company" in out
    assert main(["--config", cfg, "clients", "find", "+79161234567"]) == 0
    assert "Company: ООО Ромашка · may ride on the company's account" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "code", "line"),
    [
        (["add", "X", "--tax-id", "12"], 1, "tax_id: a tax id (INN) is 10 or 12 digits"),
        (["show", "Нет такой"], 1, "no company 'Нет такой'"),
        (["link", "1", "+79990000000"], 1, "no client with the phone '+79990000000'"),
        (["unlink", "12"], 1, "'12' is not a client phone"),
    ],
)
def test_companies_cli_refusals_are_one_line(
    db_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    code: int,
    line: str,
) -> None:
    cfg = _config(tmp_path, db_url)
    assert main(["--config", cfg, "companies", *args]) == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and line in err, err


async def test_the_address_search_is_an_index_range(engine: AsyncEngine) -> None:
    """«самара» reads the city and street indexes, never every address."""
    from storage.search import matching_ids

    dialect = engine.dialect.name
    sub = matching_ids(dialect, "самара", limit=20)
    assert sub is not None
    async with engine.connect() as conn:
        compiled = select(sub.c.id).compile(
            conn.sync_connection, compile_kwargs={"literal_binds": True}
        )
        if dialect == "sqlite":
            rows = await conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")
            plan = " ".join(str(r[-1]) for r in rows)
            assert "SCAN client_addresses" not in plan
        else:
            await conn.exec_driver_sql("SET enable_seqscan = off")
            plan = " ".join(str(r[0]) for r in await conn.exec_driver_sql(f"EXPLAIN {compiled}"))
    assert "ix_client_addresses_city_key" in plan and "ix_client_addresses_street_key" in plan


# ------------------------------------------------------------------------------ import


async def test_an_import_updates_money_company_labels_and_addresses(
    sessions: Sessions, tmp_path: Path
) -> None:
    """A file's balance for an existing client becomes a correction (the history says
    so), its company is created and linked, its phone labelled, its new address added;
    an address the client has is not doubled."""
    from storage.accounts import operation_history, summed_totals
    from storage.xlsx import import_clients
    from tests.xlsx_support import IMPORT_WORDS, write_sheet

    client_id = await a_client(sessions)
    async with sessions.begin() as session:
        await add_address(session, client_id, HOME, actor=DISPATCHER)
    path = write_sheet(
        tmp_path / "c.xlsx",
        [
            ["Телефон", "Баланс", "Бонусы", "Работодатель", "За счёт компании",
             "Чьи телефоны", "Адреса"],
            ["+79161234567", "1 200,50", 15, "ООО Ромашка", "да", "жена",
             "домашний | Самара | Ленина | 7 |  |  |  | 14\nрабочий | Самара | Садовая | 3"],
        ],
    )  # fmt: skip
    report = await import_clients(sessions, path, actor=SUPERVISOR, words=IMPORT_WORDS)
    assert report.ok and report.committed
    card = await card_of(sessions, client_id)
    assert (card.balance, card.bonus_balance) == (Decimal("1200.50"), Decimal("15.00"))
    assert card.company is not None and card.company.may_order_on_account
    assert [p.label for p in card.phones] == ["жена"]
    assert sorted((a.label, a.street) for a in card.addresses) == [
        ("home", "Ленина"),
        ("work", "Садовая"),
    ]
    async with sessions() as session:
        history = await operation_history(session, client_id)
        totals = await summed_totals(session, client_id)
    assert sorted((o.kind, o.amount, o.operator) for o in history) == [
        ("bonus_credit", Decimal("15.00"), "Ольга"),
        ("correction", Decimal("1200.50"), "Ольга"),
    ]
    assert (totals.balance, totals.bonus_balance) == (card.balance, card.bonus_balance)
    imported = [e for e in await trail(sessions, client_id) if e.action == "import"]
    assert len(imported) == 1 and imported[0].actor == "Ольга"


async def test_a_dispatcher_importing_money_is_refused_and_nothing_is_written(
    sessions: Sessions, tmp_path: Path
) -> None:
    from storage.xlsx import import_clients
    from tests.xlsx_support import IMPORT_WORDS, write_sheet

    client_id = await a_client(sessions)
    path = write_sheet(tmp_path / "c.xlsx", [["Телефон", "Баланс"], ["+79161234567", "500"]])
    with pytest.raises(NotAllowed):
        await import_clients(sessions, path, actor=DISPATCHER, words=IMPORT_WORDS)
    assert (await card_of(sessions, client_id)).balance == Decimal("0.00")


async def test_a_bad_amount_or_address_cell_is_named(sessions: Sessions, tmp_path: Path) -> None:
    from storage.xlsx import import_clients
    from tests.xlsx_support import IMPORT_WORDS, write_sheet

    path = write_sheet(
        tmp_path / "c.xlsx",
        [
            ["Телефон", "Баланс", "Адреса"],
            ["+79161234567", "12,345", ""],
            ["+79161234568", "", "дом | | | | | | | | | лишнее"],
        ],
    )
    report = await import_clients(sessions, path, actor=SUPERVISOR, words=IMPORT_WORDS)
    assert not report.ok
    assert [(e.row, e.code) for e in report.errors] == [(2, "bad_amount"), (3, "bad_address")]
