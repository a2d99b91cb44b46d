"""`opconsole db seed`: exactly N realistic clients, nothing in the future, and a call log
that follows the call-log rules (`pbx.tracker_state.Call.record`), on both databases."""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import phonenumbers
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage import search
from storage.accounts import operation_history, summed_totals
from storage.cards import load_card_by_phone
from storage.db import create_engine
from storage.models import (
    Call,
    Client,
    ClientAddress,
    ClientKind,
    ClientPhone,
    CompanyEmployee,
    Debt,
    Tariff,
)
from storage.search import MatchKind, search_clients
from storage.seed import IVANOVA_PHONE, SeedError, SeedSummary, seed_database

Sessions = async_sessionmaker[AsyncSession]

N = 1500
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
TARIFFS = {"Эконом", "Комфорт", "Бизнес", "Минивэн", "Доставка"}


@pytest.fixture
async def seeded(engine: AsyncEngine) -> SeedSummary:
    return await seed_database(engine, clients=N, now=NOW, batch_size=400)


async def _all(sessions: Sessions, stmt: Any) -> list[Any]:
    async with sessions() as s:
        return list((await s.execute(stmt)).all())


async def test_exactly_n_clients_with_unique_valid_phones(
    sessions: Sessions, seeded: SeedSummary
) -> None:
    assert seeded.clients == N
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Client)) == N
        phones = list((await s.scalars(select(ClientPhone.e164))).all())
        owners = await s.scalar(select(func.count(func.distinct(ClientPhone.client_id))))
    assert len(phones) == seeded.phones and len(set(phones)) == len(phones)
    assert owners == N  # every client has a phone
    for e164 in phones:
        parsed = phonenumbers.parse(e164)
        assert phonenumbers.is_valid_number(parsed), e164
        assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == e164
    kinds = Counter(phonenumbers.number_type(phonenumbers.parse(p)) for p in phones)
    assert (
        kinds[phonenumbers.PhoneNumberType.MOBILE]
        > kinds[phonenumbers.PhoneNumberType.FIXED_LINE]
        > 0
    )


async def test_tariffs_blacklist_corporate_and_debts(
    sessions: Sessions, seeded: SeedSummary
) -> None:
    async with sessions() as s:
        assert set((await s.scalars(select(Tariff.name))).all()) >= TARIFFS
        black = (await s.scalars(select(Client).where(Client.blacklisted))).all()
        per_client = (
            select(ClientPhone.client_id, func.count().label("n"))
            .group_by(ClientPhone.client_id)
            .subquery()
        )
        corporate = (
            await s.execute(
                select(Client.organisation, per_client.c.n)
                .join(per_client, per_client.c.client_id == Client.id)
                .where(Client.kind == ClientKind.CORPORATE)
            )
        ).all()
        unpaid = await s.scalar(
            select(func.count(func.distinct(Debt.client_id))).where(Debt.paid_at.is_(None))
        )
        paid = (await s.execute(select(Debt).where(Debt.paid_at.is_not(None)))).scalars().all()
    assert 0 < len(black) < N // 10
    for client in black:
        assert client.blacklist_reason and client.blacklisted_by
        assert client.blacklisted_at is not None
        assert client.registered_at <= client.blacklisted_at < NOW
    assert corporate and all(org for org, _ in corporate)
    assert sum(1 for _, n in corporate if n >= 2) >= len(corporate) // 2
    assert max(n for _, n in corporate) >= 5
    assert unpaid is not None and unpaid > 0
    assert paid and all(d.paid_by and d.paid_at is not None for d in paid)


async def test_nothing_lies_in_the_future(sessions: Sessions, seeded: SeedSummary) -> None:
    clients = await _all(
        sessions,
        select(
            Client.id, Client.registered_at, Client.last_call_at, Client.last_order_at,
            Client.blacklisted_at, Client.updated_at,
        ),
    )  # fmt: skip
    for cid, *moments in clients:
        registered = moments[0]
        for moment in moments:
            assert moment is None or registered <= moment < NOW, (cid, moments)
    for created, paid in await _all(sessions, select(Debt.created_at, Debt.paid_at)):
        assert created < NOW and (paid is None or created <= paid < NOW)
    for phone_created in await _all(sessions, select(ClientPhone.created_at)):
        assert phone_created[0] < NOW


async def test_calls_end_before_now_and_match_the_clients(
    sessions: Sessions, seeded: SeedSummary
) -> None:
    calls = await _all(sessions, select(Call))
    assert len(calls) == seeded.calls > N // 10
    owners = dict(await _all(sessions, select(ClientPhone.e164, ClientPhone.client_id)))
    clients = {
        cid: (registered, last)
        for cid, registered, last in await _all(
            sessions, select(Client.id, Client.registered_at, Client.last_call_at)
        )
    }
    latest: dict[int, datetime] = {}
    for (call,) in calls:
        assert call.started_at < call.ended_at < NOW, call.linkedid
        if call.answered_at is not None:
            assert call.started_at <= call.answered_at <= call.ended_at
            assert call.talk_s > 0
            waited = (call.answered_at - call.started_at).total_seconds()
            assert abs(waited - call.wait_s) < 0.01
        else:
            assert call.talk_s == 0
            waited = (call.ended_at - call.started_at).total_seconds()
            assert abs(waited - call.wait_s) < 0.01
        assert call.client_id is not None and owners[call.number] == call.client_id
        registered, last = clients[call.client_id]
        assert registered <= call.started_at <= last
        latest[call.client_id] = max(call.started_at, latest.get(call.client_id, call.started_at))
    # A client's last_call_at is its latest call, as upsert_call keeps it.
    for cid, started in latest.items():
        assert clients[cid][1] == started


async def test_dispositions_follow_the_call_log_rules(
    sessions: Sessions, seeded: SeedSummary
) -> None:
    extensions = {"101", "102", "103"}
    seen: Counter[tuple[str, str, bool]] = Counter()
    for (call,) in await _all(sessions, select(Call)):
        queued = call.queue is not None
        seen[call.direction, call.disposition, queued] += 1
        rung = list(call.operators_rung)
        assert set(rung) <= extensions and len(set(rung)) == len(rung)
        assert call.transferred_to == []
        answered = call.disposition == "answered"
        assert (call.answered_at is not None) == answered
        if answered:
            assert call.answered_by in rung
        else:
            assert call.answered_by is None
        if call.direction == "outbound":
            assert call.disposition in {"answered", "failed"}
            assert len(rung) == 1  # the operator who placed it
            assert call.queue is None
            assert call.number_raw.startswith("8")  # as dialled out
            if call.disposition == "failed":
                assert call.reason and any(ch.isalpha() for ch in call.reason)
                assert " " in call.reason or call.reason.isalpha()  # words, not a code
            else:
                assert call.reason is None
        else:
            assert call.direction == "inbound"
            assert call.disposition in {"answered", "missed", "abandoned", "busy"}
            assert call.reason is None
            if call.disposition == "abandoned":
                assert queued  # waited in a queue, nobody answered
            if call.disposition in {"missed", "busy"}:
                assert not queued and len(rung) == 1  # straight to one operator
            if not queued:
                assert len(rung) == 1
    # Every kind of call the log knows shows up in a realistic share.
    assert seen["inbound", "answered", True] > seen["inbound", "answered", False] > 0
    for kind in (
        ("inbound", "abandoned", True),
        ("inbound", "missed", False),
        ("inbound", "busy", False),
        ("outbound", "answered", False),
        ("outbound", "failed", False),
    ):
        assert seen[kind] > 0, kind
    total = sum(seen.values())
    answered = sum(n for (_, disposition, _), n in seen.items() if disposition == "answered")
    assert 0.7 < answered / total < 0.95


async def test_default_now_is_the_real_now(engine: AsyncEngine, sessions: Sessions) -> None:
    await seed_database(engine, clients=200)
    after = datetime.now(UTC)
    async with sessions() as s:
        ended = await s.scalar(select(func.max(Call.ended_at)))
        registered = await s.scalar(select(func.max(Client.registered_at)))
    assert ended is not None and ended < after
    assert registered is not None and registered < after - timedelta(minutes=10)


async def test_the_demo_client_pops_and_searches(sessions: Sessions, seeded: SeedSummary) -> None:
    async with sessions() as s:
        card = await load_card_by_phone(s, "8 916 123-45-67", today=NOW.date(), max_unpaid_debts=1)
        assert card is not None and card.name == "Иванова Мария Петровна"
        assert card.unpaid_debts and card.recent_calls and card.tariff == "Комфорт"
        hits = await search_clients(s, "ивано", limit=50)
        assert any(h.client_id == card.id for h in hits)
        assert (await search_clients(s, IVANOVA_PHONE))[0].match is MatchKind.PHONE
        assert any(h.client_id == card.id for h in await search_clients(s, "1234567"))
        # The demo card shows a company she may ride for, and her work address.
        assert card.company is not None and card.company.name == "ООО Ромашка"
        assert card.company.may_order_on_account
        work = [a for a in card.addresses if a.label == "work"]
        assert [(a.street, a.apartment) for a in work] == [("Новый Арбат", "1204")]


async def test_refuses_a_non_empty_database_unless_appending(
    engine: AsyncEngine, sessions: Sessions, seeded: SeedSummary
) -> None:
    with pytest.raises(SeedError, match="already has 1500 clients"):
        await seed_database(engine, clients=10, now=NOW)
    # The same seed again: its numbers are taken and are drawn anew.
    more = await seed_database(engine, clients=300, now=NOW, append=True)
    assert more.first_client_id == N + 1 and more.last_client_id == N + 300
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Client)) == N + 300
        count, distinct = (
            await s.execute(select(func.count(), func.count(func.distinct(ClientPhone.e164))))
        ).one()
        assert count == distinct == seeded.phones + more.phones
        # The appended clients are searchable (the bulk index covered them too).
        name = await s.scalar(select(Client.name).where(Client.id == N + 300))
        assert name is not None
        hits = await search_clients(s, name, limit=100)
        assert any(h.client_id == N + 300 for h in hits)


@pytest.fixture
def two_sqlite_files(sqlite_template: Path, tmp_path: Path) -> tuple[Path, Path]:
    copies = (tmp_path / "bulk.db", tmp_path / "triggers.db")
    for copy in copies:
        shutil.copyfile(sqlite_template, copy)
    return copies


async def test_bulk_index_equals_what_the_triggers_write(
    two_sqlite_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """storage.search keeps a copy of migration 0002's SQLite document for bulk loads:
    a database seeded with the per-row triggers must have the very same index."""

    async def index_rows(path: Path, *, triggers: bool) -> list[Any]:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        try:
            with monkeypatch.context() as patch:
                if triggers:

                    async def plain(conn: Any, write: Any) -> None:
                        await write()

                    patch.setattr("storage.seed.bulk_index", plain)
                await seed_database(engine, clients=300, now=NOW, seed=7)
            async with engine.connect() as conn:
                rows = await conn.execute(
                    text(f"SELECT rowid, names, email, phones FROM {search.SEARCH_TABLE}")
                )
                return sorted(rows.all())
        finally:
            await engine.dispose()

    bulk = await index_rows(two_sqlite_files[0], triggers=False)
    per_row = await index_rows(two_sqlite_files[1], triggers=True)
    assert len(bulk) == 300 and bulk == per_row


async def test_indexes_and_triggers_are_back_after_a_bulk_load(engine: AsyncEngine) -> None:
    """The load drops secondary indexes and the search triggers for speed (SQLite) or
    disables the triggers (PostgreSQL); all of it must be back, and working."""

    async def schema() -> set[tuple[str, str, str]]:
        async with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                rows = await conn.execute(
                    text(
                        "SELECT type, name, coalesce(sql, '') FROM sqlite_master"
                        " WHERE type IN ('index', 'trigger')"
                    )
                )
            else:
                rows = await conn.execute(
                    text(
                        "SELECT 'trigger', tgname, tgenabled::text FROM pg_trigger"
                        " WHERE NOT tgisinternal UNION ALL"
                        " SELECT 'index', indexname, indexdef FROM pg_indexes"
                        " WHERE schemaname = current_schema()"
                    )
                )
            return {(str(r[0]), str(r[1]), str(r[2])) for r in rows.all()}

    before = await schema()
    await seed_database(engine, clients=300, now=NOW)
    assert await schema() == before
    sessions = async_sessionmaker(engine)
    async with sessions.begin() as s:  # the search triggers work again
        client = await s.get_one(Client, 1)
        client.last_name = "Щукина"
        client.refresh_name()
    async with sessions() as s:
        assert [h.client_id for h in await search_clients(s, "щукина")] == [1]


async def test_demo_money_is_in_the_operations_too(sessions: Sessions, seeded: SeedSummary) -> None:
    """A demo desk shows the same numbers on the card and in a client's history."""
    async with sessions() as s:
        with_money = (
            await s.execute(
                select(Client.id, Client.balance, Client.bonus_balance).where(
                    (Client.balance != 0) | (Client.bonus_balance != 0)
                )
            )
        ).all()
        assert len(with_money) > N // 10
        for client_id, balance, bonus in with_money:
            totals = await summed_totals(s, client_id)
            assert (totals.balance, totals.bonus_balance) == (balance, bonus)
        history = await operation_history(s, with_money[0][0])
    assert {(o.operator, o.at) for o in history} == {("demo", NOW)}


async def test_desk_extras_give_a_share_more_addresses_and_a_company(engine: AsyncEngine) -> None:
    await seed_database(engine, clients=3000, desk_extras=True)
    async with engine.connect() as conn:
        per_client = (
            await conn.execute(
                select(
                    ClientAddress.client_id,
                    func.count(),
                    func.count(func.distinct(ClientAddress.city_key)),
                ).group_by(ClientAddress.client_id)
            )
        ).all()
        staff = (
            await conn.execute(
                select(CompanyEmployee.client_id, Client.kind).join(
                    Client, Client.id == CompanyEmployee.client_id
                )
            )
        ).all()
    more = [n for _cid, n, _cities in per_client if n > 1]
    assert 0.25 < len(more) / 3000 < 0.35 and max(more) <= 3  # home, and one or two more
    assert any(cities > 1 for _cid, _n, cities in per_client)  # now and then another city
    assert 0.01 < len(staff) / 3000 < 0.03
    assert all(kind == ClientKind.PERSONAL.value for _cid, kind in staff)
    assert len({cid for cid, _kind in staff}) == len(staff)
