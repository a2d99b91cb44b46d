"""Realistic demo data in bulk: `opconsole db seed --clients N`, `make demo`, the benchmark.

Exactly N clients, deterministic for a given `seed` (timestamps are relative to `now`).
1,000,000 clients must take minutes, so rows go in as Core executemany batches inside one
transaction, and phone numbers come from a permutation of the number space (unique without
a lookup per number).

The search index is built once at the end by `storage.search.bulk_index` (per-row index
triggers off during the load, inside the same transaction): on SQLite the triggers would
cost more than all the rest of the load. On SQLite a bulk load also drops the secondary
indexes and builds them again at the end, sends rows straight to the driver (converted by
each column type's own bind processor), and generates the next batch in a worker thread
while the current one is written.

Everything seeded lies before `now`: registrations, calls (started and ended), orders,
blacklistings, payments. Calls follow the call log's rules (`pbx.tracker_state`): inbound
through the queue are answered or abandoned, inbound straight to an operator answered,
missed or busy; outbound (click-to-call) answered or failed, with the reason in words,
rung = the operator who placed it, no queue.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Final, cast

from sqlalchemy import Table, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage import seed_data as data
from storage.accounts import record_opening_balances
from storage.addresses import addresses_from_client_columns
from storage.models import (
    Call,
    Client,
    ClientAddress,
    ClientKind,
    ClientPhone,
    ClientStatus,
    Company,
    CompanyEmployee,
    CompanyOperation,
    Debt,
    DebtReason,
    Operator,
    Tariff,
    display_name,
)
from storage.phones_fast import normalize_fast
from storage.search import bulk_index
from storage.seed_extras import seed_addresses_and_companies
from storage.types import utcnow

Progress = Callable[[int, int], None]

IVANOVA_PHONE = "+79161234567"
ROMASHKA_PHONE = "+79031112233"
_RESERVED = frozenset({IVANOVA_PHONE, ROMASHKA_PHONE})
_MOBILE_SPACE = 10**9  # 9xx xxx-xx-xx
_MOBILE_STEP = 387_420_489  # 3**18: coprime with 10**9, so k -> number is a permutation
_LOCAL_SPACE = 8_000_000  # 2xx-xx-xx … 9xx-xx-xx
_LOCAL_STEP = 1_594_323  # 3**13: coprime with 8,000,000
# Every seeded moment lies before the seed's `now`: a call starts at least this long before
# it, and the longest seeded call (wait + talk) is well under it, so it has ended too.
_CALL_MARGIN = timedelta(minutes=30)
_MAX_WAIT_S = 120.0
_MAX_TALK_S = 300.0
_QUEUE = "taxi"


class SeedError(Exception):
    """Seeding refused: `code` ("negative", "not_empty") and its `params` are worded by
    the caller (storage makes no display text); `str()` is an English fallback."""

    def __init__(self, code: str, message: str, **params: int) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class SeedSummary:
    clients: int
    phones: int
    debts: int
    calls: int
    seconds: float
    first_client_id: int | None = None
    last_client_id: int | None = None

    def __str__(self) -> str:
        return (
            f"seeded {self.clients} clients ({self.phones} phones, {self.debts} debts, "
            f"{self.calls} calls) in {self.seconds:.1f} s"
        )


@dataclass
class _Batch:
    clients: list[dict[str, Any]] = field(default_factory=list)
    phones: list[dict[str, Any]] = field(default_factory=list)
    debts: list[dict[str, Any]] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)


async def seed_database(
    engine: AsyncEngine,
    *,
    clients: int,
    seed: int = 1,
    append: bool = False,
    progress: Progress | None = None,
    now: datetime | None = None,
    batch_size: int = 10_000,
    desk_extras: bool = False,
) -> SeedSummary:
    """Add exactly `clients` demo clients (plus tariffs, operators, debts, calls).

    Refuses a database that already has clients unless `append`: demo data must never be
    mixed into a real client base by accident. Everything is one transaction: on any error
    nothing is left half-written. `desk_extras`: more addresses and companies' employees
    for a share of the clients (`storage.seed_extras`), as the benchmarks' bases have.
    """
    if clients < 0:
        raise SeedError("negative", "the number of clients must be >= 0", clients=clients)
    started = time.perf_counter()
    now = now or utcnow()
    async with engine.begin() as conn:
        existing = (await conn.execute(select(func.count()).select_from(Client))).scalar_one()
        if existing and not append:
            raise SeedError(
                "not_empty",
                f"the database already has {existing} clients: seed an empty database "
                "or pass --append",
                existing=existing,
            )
        tariffs = await _ensure_tariffs(conn)
        operators = await _ensure_operators(conn)
        first_id = int((await conn.execute(select(func.max(Client.id)))).scalar() or 0) + 1
        gen = _Generator(
            seed=seed,
            now=now,
            tariffs=tariffs,
            operators=operators,
            first_id=first_id,
            phone_offset=int(
                (await conn.execute(select(func.count()).select_from(ClientPhone))).scalar_one()
            ),
        )
        totals = [0, 0, 0]
        sqlite = conn.dialect.name == "sqlite"

        async def load() -> None:
            # Generating the next batch (Python, in a worker thread) overlaps inserting
            # this one (SQLite works with the GIL released).
            done = 0
            next_batch = asyncio.ensure_future(
                asyncio.to_thread(gen.batch, min(batch_size, clients))
            )
            while done < clients:
                batch = await next_batch
                done += len(batch.clients)
                if done < clients:
                    next_batch = asyncio.ensure_future(
                        asyncio.to_thread(gen.batch, min(batch_size, clients - done))
                    )
                if append:
                    await _replace_taken_phones(conn, gen, batch)
                await _insert_batch(conn, batch)
                totals[0] += len(batch.phones)
                totals[1] += len(batch.debts)
                totals[2] += len(batch.calls)
                if progress is not None:
                    progress(done, clients)

        async def load_without_indexes() -> None:
            # Secondary indexes are cheaper built once at the end than kept up row by row
            # (random keys into growing B-trees): drop them for a bulk load into SQLite.
            dropped = await _drop_indexes(conn) if sqlite and clients >= existing else []
            await load()
            for sql in dropped:
                await conn.exec_driver_sql(sql)

        if sqlite:
            await conn.exec_driver_sql("PRAGMA cache_size = -262144")  # 256 MiB while loading
        await bulk_index(conn, load_without_indexes)
        if clients:
            await record_opening_balances(
                conn, first_id=first_id, last_id=first_id + clients - 1, operator="demo", at=now
            )
            await addresses_from_client_columns(conn, first_id=first_id, by="demo", at=now)
        if first_id == 1 and clients >= 2:
            await _demo_company(conn, now)
        if clients and desk_extras:  # after the demo's companies: their staff stay theirs
            await seed_addresses_and_companies(
                conn, first_id=first_id, seed=seed, by="demo", at=now
            )
        if sqlite:
            await conn.exec_driver_sql("PRAGMA cache_size = -2000")  # SQLite's default
        else:
            await conn.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('clients', 'id'), max(id)) FROM clients"
            )
    async with engine.connect() as conn:
        # Planner statistics: without them a 1,000,000-row table gets poor plans. A full
        # ANALYZE on SQLite (~2 s at 1,000,000 clients): a sample (`analysis_limit`) put
        # every city and tariff at ~2,000 clients where each has tens of thousands, and the
        # planner then sorted a city's clients instead of walking the sort's index.
        # (PostgreSQL's ANALYZE samples rows at random across the table: honest already.)
        await conn.execute(text("ANALYZE"))
        await conn.commit()
    return SeedSummary(
        clients=clients,
        phones=totals[0],
        debts=totals[1],
        calls=totals[2],
        seconds=time.perf_counter() - started,
        first_client_id=first_id if clients else None,
        last_client_id=first_id + clients - 1 if clients else None,
    )


# The demo's companies beyond ООО Ромашка: (name, tax id, contact, contact phone, comment,
# operations (kind, amount, comment, days ago), employees (whether each may ride on the
# account; they are the next private persons after Ромашка's)).
# One in credit, one in debt, one without employees yet, so each state is on screen.
_DEMO_COMPANIES: Final = (
    (
        "АО Северный ветер", "7812345678", "Орлова Ирина", "+78123334455",
        "Счёт пополняют раз в месяц",
        (("credit", "20000.00", "платёжное поручение 118", 20),
         ("debit", "24500.00", "поездки за ноябрь", 3)),
        (True, False),
    ),
    (
        "ИП Ковалёв", "772512345678", "Ковалёв Андрей", "+79165550011", "",
        (("credit", "3000.00", "аванс", 1),),
        (),
    ),
)  # fmt: skip
_ROMASHKA_OPERATIONS: Final = (
    ("credit", "50000.00", "платёжное поручение 2041", 30),
    ("debit", "12300.00", "поездки за октябрь", 9),
    ("correction", "-150.00", "округление по акту сверки", 2),
)
_ROMASHKA_STAFF: Final = (True, False)  # beside Иванова, who may
_DEMO_STAFF: Final = len(_ROMASHKA_STAFF) + sum(len(c[-1]) for c in _DEMO_COMPANIES)


async def _add_company(
    conn: AsyncConnection,
    now: datetime,
    fields: dict[str, str],
    operations: Sequence[tuple[str, str, str, int]],
    staff: Sequence[tuple[int, bool]],
) -> int:
    """One demo company with its operations (its balance their sum) and employees."""
    balance = sum(
        (Decimal(amount) * (-1 if kind == "debit" else 1) for kind, amount, _c, _d in operations),
        Decimal("0.00"),
    )
    company = (
        await conn.execute(
            insert(Company)
            .values(
                **fields,
                balance=balance,
                created_at=now,
                created_by="demo",
                updated_at=now,
                updated_by="demo",
            )
            .returning(Company.id)
        )
    ).scalar_one()
    if operations:
        await conn.execute(
            insert(CompanyOperation),
            [
                {
                    "company_id": company,
                    "kind": kind,
                    "amount": Decimal(amount) * (-1 if kind == "debit" else 1),
                    "comment": comment,
                    "operator": "demo",
                    "at": now - timedelta(days=days),
                }
                for kind, amount, comment, days in operations
            ],
        )
    if staff:
        await conn.execute(
            insert(CompanyEmployee),
            [
                {
                    "client_id": cid,
                    "company_id": company,
                    "may_order_on_account": allowed,
                    "linked_at": now,
                    "linked_by": "demo",
                }
                for cid, allowed in staff
            ],
        )
    return company


async def _demo_company(conn: AsyncConnection, now: datetime) -> None:
    """ООО Ромашка (the demo's corporate client 2) as a company, with Иванова (client 1)
    its employee who may ride on its account, and her second address: the demo card shows
    a company line and two addresses. With enough clients, Ромашка has more employees and
    two more companies exist (one in debt, one without employees), each with its account's
    operations, so the company screen has something to show."""
    persons = list(
        (
            await conn.execute(
                select(Client.id)
                .where(Client.id > 2, Client.kind == ClientKind.PERSONAL.value)
                .order_by(Client.id)
                .limit(_DEMO_STAFF)
            )
        ).scalars()
    )
    more = len(persons) == _DEMO_STAFF  # else only Иванова, as a small demo always had
    staff = iter(persons)
    romashka = [(1, True), *((next(staff), a) for a in (_ROMASHKA_STAFF if more else ()))]
    await _add_company(
        conn,
        now,
        {
            "name": "ООО Ромашка",
            "tax_id": "7701234567",
            "contact_name": "Сидоров Павел",
            "contact_phone": ROMASHKA_PHONE,
            "comment": "",
        },
        _ROMASHKA_OPERATIONS if more else (),
        romashka,
    )
    if more:
        for name, tax_id, contact, phone, comment, operations, allowed in _DEMO_COMPANIES:
            fields = {"name": name, "tax_id": tax_id, "contact_name": contact,
                      "contact_phone": phone, "comment": comment}  # fmt: skip
            await _add_company(conn, now, fields, operations, [(next(staff), a) for a in allowed])
        first_phones = (
            select(func.min(ClientPhone.id))
            .where(ClientPhone.client_id.in_(persons), ClientPhone.label == "")
            .group_by(ClientPhone.client_id)
        )
        await conn.execute(  # whose numbers they are, on the company screen
            update(ClientPhone).where(ClientPhone.id.in_(first_phones)).values(label="рабочий")
        )
    await conn.execute(
        insert(ClientAddress).values(
            client_id=1, label="work", city="Москва", street="Новый Арбат", house="21",
            building="", entrance="1", floor="12", apartment="1204", comment="пропуск на ресепшене",
            city_key="москва", street_key="новый арбат", use_count=0, last_used_at=None,
            created_at=now, created_by="demo", updated_at=now, updated_by="demo",
        )
    )  # fmt: skip


async def _ensure_tariffs(conn: AsyncConnection) -> dict[str, int]:
    have = {n: i for n, i in (await conn.execute(select(Tariff.name, Tariff.id))).all()}
    missing = [
        {"name": n, "description": d, "active": True} for n, d in data.TARIFFS if n not in have
    ]
    if missing:
        await conn.execute(insert(Tariff), missing)
        have = {n: i for n, i in (await conn.execute(select(Tariff.name, Tariff.id))).all()}
    return {name: have[name] for name, _ in data.TARIFFS}


async def _ensure_operators(conn: AsyncConnection) -> list[tuple[str, str]]:
    have = set((await conn.execute(select(Operator.extension))).scalars().all())
    rows = [
        {"extension": ext, "name": name, "role": role, "created_at": utcnow()}
        for ext, name, role in data.OPERATORS
        if ext not in have
    ]
    if rows:
        await conn.execute(insert(Operator), rows)
    return [(ext, name) for ext, name, _ in data.OPERATORS]


_SEEDED_TABLES = ("clients", "client_phones", "debts", "calls")


async def _drop_indexes(conn: AsyncConnection) -> list[str]:
    """Drop the seeded tables' explicit indexes; returns their CREATE statements. The
    UNIQUE constraints' own indexes stay: they are what keeps the numbers unique."""
    marks = ", ".join(f"'{t}'" for t in _SEEDED_TABLES)
    rows = await conn.execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            f" AND tbl_name IN ({marks}) ORDER BY name"
        )
    )
    indexes = [(str(r[0]), str(r[1])) for r in rows.all()]
    for name, _ in indexes:
        await conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return [sql for _, sql in indexes]


async def _insert_batch(conn: AsyncConnection, batch: _Batch) -> None:
    for model, rows in (
        (Client, batch.clients),
        (ClientPhone, batch.phones),
        (Debt, batch.debts),
        (Call, batch.calls),
    ):
        if not rows:
            continue
        if conn.dialect.name == "sqlite":
            await _insert_sqlite(conn, _table(model), rows)
        else:
            await conn.execute(insert(_table(model)), rows)


async def _insert_sqlite(conn: AsyncConnection, table: Table, rows: list[dict[str, Any]]) -> None:
    """One executemany with the values converted as SQLAlchemy would (each column type's
    bind processor), without its per-row parameter handling: a third of the load time."""
    dialect = conn.dialect
    columns = list(rows[0])
    processors = [table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    converting = [(i, p) for i, p in enumerate(processors) if p is not None]
    params = []
    for row in rows:
        values = [row[c] for c in columns]
        for i, process in converting:
            values[i] = process(values[i])
        params.append(tuple(values))
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" * len(columns))
    await conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', params)


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


async def _replace_taken_phones(conn: AsyncConnection, gen: _Generator, batch: _Batch) -> None:
    """When appending, a generated number may already belong to someone: draw another."""
    while True:
        numbers = [p["e164"] for p in batch.phones]
        taken: set[str] = set()
        for i in range(0, len(numbers), 5000):
            chunk = numbers[i : i + 5000]
            taken.update(
                (await conn.execute(select(ClientPhone.e164).where(ClientPhone.e164.in_(chunk))))
                .scalars()
                .all()
            )
        if not taken:
            return
        replaced: dict[str, str] = {}
        for phone in batch.phones:
            if phone["e164"] in taken:
                replacement = replaced[phone["e164"]] = gen.mobile()
                phone.update(e164=replacement, raw=replacement, digits=_digits(replacement))
        for call in batch.calls:
            call["number"] = replaced.get(call["number"], call["number"])


def _digits(e164: str) -> str:
    """`ClientPhone.digits` for a +7 number, as `storage.clients.phone_search_digits` makes it
    (international and national digits) but without a phonenumbers parse per row."""
    international = e164[1:]
    return f"{international} 8{international[1:]}"


class _Generator:
    """Draws clients one after another from one `random.Random`: same seed, same data."""

    def __init__(
        self,
        *,
        seed: int,
        now: datetime,
        tariffs: dict[str, int],
        operators: list[tuple[str, str]],
        first_id: int,
        phone_offset: int,
    ) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.now = now.astimezone(UTC)
        self.tariffs = tariffs
        self.operators = operators
        self.next_id = first_id
        self._mobile_k = phone_offset
        self._mobile_shift = self.rng.randrange(_MOBILE_SPACE)
        self._local_k: dict[str, int] = {}
        self._local_shift = self.rng.randrange(_LOCAL_SPACE)
        self._cities = [c for c, _, _ in data.CITIES]
        self._city_weights = [w for _, _, w in data.CITIES]
        self._codes = {c: codes for c, codes, _ in data.CITIES}
        self._fail_reasons = [r for r, _ in data.OUTBOUND_FAILURES]
        self._fail_weights = [w for _, w in data.OUTBOUND_FAILURES]
        self._specials = first_id == 1  # the AMI demo numbers go to a fresh database

    # -- numbers -------------------------------------------------------------------------

    def mobile(self) -> str:
        while True:
            k = self._mobile_k
            self._mobile_k += 1
            number = f"+79{(k * _MOBILE_STEP + self._mobile_shift) % _MOBILE_SPACE:09d}"
            # Unallocated ranges (+7 930 001…) would make an exported base refuse re-import.
            if number not in _RESERVED and normalize_fast(number, "RU") == number:
                return number

    def landline(self, city: str) -> str:
        code = self.rng.choice(self._codes[city])
        k = self._local_k.get(code, 0)
        self._local_k[code] = k + 1
        local = 2_000_000 + (k * _LOCAL_STEP + self._local_shift) % _LOCAL_SPACE
        return f"+7{code}{local:07d}"

    # -- clients -------------------------------------------------------------------------

    def batch(self, count: int) -> _Batch:
        batch = _Batch()
        for _ in range(count):
            self._client(batch)
        return batch

    def _client(self, batch: _Batch) -> None:
        cid = self.next_id
        self.next_id += 1
        rng = self.rng
        special = cid - 1 if self._specials and cid <= 2 else None
        corporate = special == 1 or (special is None and rng.random() < 0.05)
        city = "Москва" if special is not None else rng.choices(self._cities, self._city_weights)[0]
        row = self._person(city) if not corporate else self._company(city)
        registered = self._registered()
        row.update(self._activity(registered, corporate))
        row.update(id=cid, city=city, **self._address(), **self._standing(registered, corporate))
        numbers = self._numbers(city, corporate)
        if special == 0:
            row.update(
                last_name="Иванова", first_name="Мария", middle_name="Петровна",
                organisation="", email="maria.ivanova@mail.ru", blacklisted=False,
                blacklist_reason="", blacklisted_at=None, blacklisted_by="",
                tariff_id=self.tariffs["Комфорт"], comment="Ездит с собакой",
            )  # fmt: skip
            numbers = [IVANOVA_PHONE]
        elif special == 1:
            row.update(
                organisation="ООО Ромашка", email="office@romashka.ru", blacklisted=False,
                blacklist_reason="", blacklisted_at=None, blacklisted_by="",
                tariff_id=self.tariffs["Бизнес"], credit_limit=Decimal("50000.00"),
            )  # fmt: skip
            numbers = [ROMASHKA_PHONE, *numbers[1:]]
        row["name"] = display_name(
            row["kind"], row["organisation"], row["last_name"], row["first_name"],
            row["middle_name"],
        )  # fmt: skip
        row["name_key"] = row["name"].casefold()
        batch.clients.append(row)
        for i, number in enumerate(numbers):
            batch.phones.append(self._phone(cid, number, i, corporate, registered))
        debts = self._debts(cid, registered, force_unpaid=special == 0)
        batch.debts.extend(debts)
        batch.calls.extend(self._calls(cid, row, numbers))

    def _person(self, city: str) -> dict[str, Any]:
        rng = self.rng
        female = rng.random() < 0.52
        surname_m = rng.choice(data.SURNAMES_M) if rng.random() < 0.9 else None
        if surname_m is None:
            last = rng.choice(data.SURNAMES_ANY)
        elif female:
            last = surname_m[:-2] + "ая" if surname_m.endswith("ой") else surname_m + "а"
        else:
            last = surname_m
        first = rng.choice(data.FIRST_F if female else data.FIRST_M)
        _, pat_m, pat_f = rng.choice(data.PATRONYMIC_FROM)
        middle = (pat_f if female else pat_m) if rng.random() < 0.85 else ""
        email = ""
        if rng.random() < 0.4:
            login = "".join(data.TRANSLIT.get(ch, ch) for ch in (first[0] + last).lower())
            email = f"{login}{rng.randrange(1, 1000)}@{rng.choice(data.EMAIL_DOMAINS)}"
        birthday = None
        if rng.random() < 0.35:
            birthday = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 55))
        return {
            "kind": ClientKind.PERSONAL.value, "last_name": last, "first_name": first,
            "middle_name": middle, "organisation": "", "email": email, "birthday": birthday,
        }  # fmt: skip

    def _company(self, city: str) -> dict[str, Any]:
        rng = self.rng
        word = rng.choice(data.ORG_WORDS)
        suffix = f" {rng.randrange(2, 99)}" if rng.random() < 0.6 else ""
        org = f"{rng.choice(data.ORG_FORMS)} {word}{suffix}"
        login = "".join(data.TRANSLIT.get(ch, ch) for ch in word.lower())
        return {
            "kind": ClientKind.CORPORATE.value, "last_name": "", "first_name": "",
            "middle_name": "", "organisation": org, "birthday": None,
            "email": f"office@{login}{rng.randrange(1, 100)}.ru",
        }  # fmt: skip

    def _address(self) -> dict[str, Any]:
        rng = self.rng
        if rng.random() < 0.3:
            return {"street": "", "house": "", "entrance": ""}
        return {
            "street": rng.choice(data.STREETS),
            "house": str(rng.randrange(1, 150)) + ("" if rng.random() < 0.8 else "к2"),
            "entrance": str(rng.randrange(1, 9)) if rng.random() < 0.6 else "",
        }

    def _registered(self) -> datetime:
        """The first call: registration is when a client first phoned (or was phoned)."""
        rng = self.rng
        days = rng.uniform(0, 30) if rng.random() < 0.05 else rng.uniform(30, 5 * 365)
        return self.now - _CALL_MARGIN - timedelta(days=days, seconds=rng.randrange(86400))

    def _activity(self, registered: datetime, corporate: bool) -> dict[str, Any]:
        rng = self.rng
        span = (self.now - _CALL_MARGIN - registered).total_seconds()
        last_call = registered + timedelta(seconds=span * (1 - rng.random() ** 3))
        orders = int(rng.expovariate(1 / (120 if corporate else 25)))
        last_order = None
        if orders:
            # Most orders are done within the hour of the call that placed them; one in 200
            # was booked days ahead, so its client was last seen by an order, not a call.
            ahead = (
                timedelta(days=rng.uniform(2, 20))
                if rng.random() < 0.005
                else timedelta(minutes=rng.randrange(5, 60))
            )
            last_order = min(self.now - timedelta(minutes=1), last_call + ahead)
        return {
            "registered_at": registered,
            "updated_at": registered,
            "last_call_at": last_call,
            "last_order_at": last_order,
            "completed_orders": orders,
            "false_orders": int(rng.expovariate(2.5)),
            "bonus_orders": orders // 10,
            "complaints": 1 if rng.random() < 0.03 else 0,
        }

    def _standing(self, registered: datetime, corporate: bool) -> dict[str, Any]:
        rng = self.rng
        if self.now - registered < timedelta(days=30):
            status = ClientStatus.NEW
        else:
            status = rng.choices(
                [ClientStatus.REGULAR, ClientStatus.VIP, ClientStatus.INACTIVE, ClientStatus.NEW],
                [75, 5, 12, 8],
            )[0]
        black = rng.random() < 0.02
        tariff = None
        if rng.random() < 0.75:
            names = ("Эконом", "Комфорт", "Бизнес", "Минивэн", "Доставка")
            weights = (10, 20, 40, 10, 20) if corporate else (40, 35, 10, 8, 7)
            tariff = self.tariffs[rng.choices(names, weights)[0]]
        operator = rng.choice(self.operators)
        return {
            "status": status.value,
            "tariff_id": tariff,
            "blacklisted": black,
            "blacklist_reason": rng.choice(data.BLACKLIST_REASONS) if black else "",
            "blacklisted_at": registered + (self.now - registered) * rng.uniform(0.05, 0.95)
            if black else None,
            "blacklisted_by": f"{operator[1]} ({operator[0]})" if black else "",
            "registered_by": f"{operator[1]} ({operator[0]})",
            "comment": rng.choice(data.COMMENTS) if rng.random() < 0.05 else "",
            "language": "ru",
            "rating": Decimal(rng.randrange(350, 501)) / 100,
            "balance": Decimal(rng.randrange(0, 2_000_000)) / 100 if corporate else Decimal(0),
            "bonus_balance": Decimal(rng.randrange(0, 50_000)) / 100 if rng.random() < 0.2
            else Decimal(0),
            "credit_limit": Decimal("30000.00") if corporate else Decimal(0),
            "discount_percent": Decimal(rng.choice((5, 10, 15))) if corporate else Decimal(0),
            "updated_by": "seed",
            "version": 1,
        }  # fmt: skip

    def _numbers(self, city: str, corporate: bool) -> list[str]:
        rng = self.rng
        count = rng.randint(2, 10) if corporate else rng.choices((1, 2, 3), (85, 13, 2))[0]
        return [
            self.landline(city) if rng.random() < (0.3 if corporate else 0.1) else self.mobile()
            for _ in range(count)
        ]

    def _phone(
        self, cid: int, e164: str, index: int, corporate: bool, at: datetime
    ) -> dict[str, Any]:
        national = "8" + e164[2:]
        label = ("приёмная" if index == 0 else f"сотрудник {index}") if corporate else ""
        return {
            "client_id": cid, "e164": e164, "raw": national if index % 2 else e164,
            "digits": _digits(e164), "label": label, "created_at": at,
        }  # fmt: skip

    def _debts(self, cid: int, registered: datetime, *, force_unpaid: bool) -> list[dict[str, Any]]:
        rng = self.rng
        if not force_unpaid and rng.random() >= 0.08:
            return []
        rows = []
        for i in range(1 if force_unpaid else rng.choice((1, 1, 1, 2, 3))):
            created = registered + (self.now - registered) * rng.random()
            paid = not force_unpaid and rng.random() < 0.4
            paid_at = None
            if paid:
                paid_at = min(
                    created + timedelta(days=rng.uniform(0.1, 20)),
                    created + (self.now - created) * rng.uniform(0.5, 0.99),
                )
            reason = rng.choice(list(DebtReason))
            amount = Decimal(350) if force_unpaid else Decimal(rng.randrange(100, 1500, 50))
            rows.append(
                {
                    "client_id": cid, "amount": amount, "currency": "RUB",
                    "reason": DebtReason.LATE_CANCEL.value if force_unpaid else reason.value,
                    "order_ref": f"{data.DEBT_ORDER_PREFIX}{cid}-{i + 1}", "comment": "",
                    "created_at": created, "created_by": "seed",
                    "paid_at": paid_at,
                    "paid_by": rng.choice(self.operators)[1] if paid else "",
                    "payment_comment": "оплачено водителю" if paid else "",
                }
            )  # fmt: skip
        return rows

    def _calls(self, cid: int, client: dict[str, Any], numbers: list[str]) -> list[dict[str, Any]]:
        """A few calls of the client's, the latest at `last_call_at`, the earliest no
        earlier than registration; each as the call tracker would have recorded it."""
        rng = self.rng
        if cid > 2 and rng.random() >= 0.15:
            return []
        last: datetime = client["last_call_at"]
        first: datetime = client["registered_at"]
        rows = []
        for j in range(rng.randint(1, 4)):
            start = last if j == 0 else first + (last - first) * rng.random()
            # A corporate client calls from any of its numbers; mostly the main one.
            number = numbers[0] if len(numbers) == 1 or rng.random() < 0.6 else rng.choice(numbers)
            call: dict[str, Any] = {
                "server": "main", "linkedid": f"seed{self.seed}-{cid}-{j}", "number": number,
                "client_id": cid, "transferred_to": [], "reason": None, "started_at": start,
            }  # fmt: skip
            if rng.random() < 0.85:
                call.update(self._inbound(number, client["name"]))
            else:
                call.update(self._outbound(number, client["name"]))
            wait, talk = call["wait_s"], call["talk_s"]
            answered = call["disposition"] == "answered"
            call["answered_at"] = start + timedelta(seconds=wait) if answered else None
            call["ended_at"] = start + timedelta(seconds=wait + talk)
            rows.append(call)
        return rows

    def _inbound(self, number: str, name: str) -> dict[str, Any]:
        """Through the queue (answered, or abandoned by a caller tired of waiting) or
        straight to an operator's number (answered, missed, or busy)."""
        rng = self.rng
        extensions = [ext for ext, _ in self.operators]
        rung: list[str]
        if rng.random() < 0.8:
            queue: str | None = _QUEUE
            disposition = "answered" if rng.random() < 0.88 else "abandoned"
            # The queue rings its members in turn from a random one; an abandoned caller
            # may hang up before any phone rang.
            start = rng.randrange(len(extensions))
            order = extensions[start:] + extensions[:start]
            rung = order[: rng.randint(0 if disposition == "abandoned" else 1, len(order))]
            wait = rng.uniform(3, 60) if disposition == "answered" else rng.uniform(5, _MAX_WAIT_S)
        else:
            queue = None
            disposition = rng.choices(("answered", "missed", "busy"), (80, 15, 5))[0]
            rung = [rng.choice(extensions)]
            wait = rng.uniform(0.2, 1.5) if disposition == "busy" else rng.uniform(2, 30)
        answered = disposition == "answered"
        raw = number if rng.random() < 0.7 else "8" + number[2:]  # as the trunk sends it
        return {
            "direction": "inbound", "number_raw": raw, "name": name, "queue": queue,
            "operators_rung": rung,
            "answered_by": rung[-1] if answered else None, "disposition": disposition,
            "wait_s": round(wait, 1),
            "talk_s": round(rng.uniform(15, _MAX_TALK_S) if answered else 0.0, 1),
        }  # fmt: skip

    def _outbound(self, number: str, name: str) -> dict[str, Any]:
        """Click-to-call by one operator: the client answered, or the call failed (why, in
        words, as the tracker puts it). Never missed, abandoned or busy; no queue."""
        rng = self.rng
        operator = rng.choice(self.operators)[0]
        answered = rng.random() < 0.8
        reason = None
        if not answered:
            reason = rng.choices(self._fail_reasons, self._fail_weights)[0]
        return {
            "direction": "outbound", "number_raw": "8" + number[2:], "name": name,
            "queue": None, "operators_rung": [operator],
            "answered_by": operator if answered else None,
            "disposition": "answered" if answered else "failed", "reason": reason,
            "wait_s": round(rng.uniform(5, 40), 1),
            "talk_s": round(rng.uniform(10, _MAX_TALK_S) if answered else 0.0, 1),
        }  # fmt: skip
