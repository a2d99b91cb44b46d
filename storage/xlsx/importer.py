"""Import of a client base from xlsx: validate everything, then write all of it or nothing.

Phase 1 (worker thread, chunk by chunk): stream rows out of openpyxl and check each into a
compact `ParsedClient`; bad cells become `RowError`s. Checked rows are spilled to a
temporary file (`storage.xlsx.spill`), so no file is ever held in memory. If any row is
bad, nothing is written. Phase 2 (one transaction): read the checked rows back chunk by
chunk and find which rows' phones already belong to clients (an update, or a row skipped
and reported with `update_existing=False`). New clients go in at once with Core bulk
inserts (the search index rebuilt once for them through `storage.search.bulk_index`);
updates are spilled and applied after, with executemany; every change gets an audit
entry. A conflict found in phase 2, or a dry run, rolls the transaction back and the
report says why; otherwise all of it is committed together.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from storage.audit import json_safe
from storage.db import translate_errors
from storage.models import (
    AuditEntry,
    Client,
    ClientKind,
    ClientPhone,
    OperatorRole,
    Tariff,
    display_name,
)
from storage.phones_fast import search_digits_fast
from storage.roles import IMPORT_CLIENTS, Actor, require_role
from storage.search import bulk_index
from storage.tariffs import add_tariff
from storage.types import utcnow
from storage.xlsx.company_sheet import (
    ParsedCompany,
    apply_companies,
    find_company_rows,
    parse_companies,
)
from storage.xlsx.extras import apply_extras
from storage.xlsx.labels import ImportWords, Spellings
from storage.xlsx.reader import SheetReader
from storage.xlsx.report import ImportReport, RowError
from storage.xlsx.spill import IntMap, Spill
from storage.xlsx.validation import ParsedClient, RowParser

CLIENTS: Final = cast(Table, Client.__table__)
PHONES: Final = cast(Table, ClientPhone.__table__)
AUDIT: Final = cast(Table, AuditEntry.__table__)

Progress = Callable[[int, int | None], None]
PARSE_CHUNK: Final = 2000
LOOKUP_CHUNK: Final = 500
_NAME_FIELDS: Final = ("kind", "organisation", "last_name", "first_name", "middle_name")
_COMPARED: Final = (
    "kind",
    "last_name",
    "first_name",
    "middle_name",
    "organisation",
    "email",
    "city",
    "street",
    "house",
    "entrance",
    "birthday",
    "comment",
    "tariff_id",
    "blacklisted",
    "blacklist_reason",
    "status",
    "credit_limit",
    "discount_percent",
    "rating",
)
_JSON_PLAIN: Final = frozenset({str, int, bool, float})  # what json_safe leaves as it is
# A planned update: client id, the row (as a tuple), field -> new value, the stored values.
Change = tuple[int, ParsedClient, dict[str, Any], dict[str, Any]]


def _parse_chunk(rows: Any, parser: RowParser, spill: Spill, size: int) -> bool:
    """Check up to `size` rows and spill the good ones; False when the sheet is exhausted."""
    out: list[tuple[Any, ...]] = []
    more = True
    for _ in range(size):
        item = next(rows, None)
        if item is None:
            more = False
            break
        parsed = parser.parse(*item)
        if parsed is not None:
            out.append(tuple(parsed))
    spill.write(out)
    return more


async def _read_file(
    path: Path,
    tariffs: dict[str, int],
    report: ImportReport,
    spill: Spill,
    spellings: Spellings,
    *,
    region: str,
    tz: tzinfo | None,
    progress: Progress | None,
    company_headers: Mapping[str, Sequence[str]],
    companies: list[ParsedCompany],
) -> dict[int, str]:
    """Check every row into `spill` (and a companies sheet's into `companies`); returns
    the stand-in ids of unknown tariffs."""
    reader = await asyncio.to_thread(SheetReader, path, spellings)
    try:
        report.ignored_columns = list(reader.layout.ignored)
        parser = RowParser(reader.layout, tariffs, report, spellings, region=region, tz=tz)
        rows = reader.rows()
        estimate = reader.estimated_rows
        while await asyncio.to_thread(_parse_chunk, rows, parser, spill, PARSE_CHUNK):
            if progress is not None:
                progress(report.rows, 2 * estimate if estimate else None)
        if company_headers:
            companies.extend(
                await asyncio.to_thread(_company_sheet, reader, company_headers, report)
            )
    finally:
        reader.close()
    return parser.unknown_tariffs


def _company_sheet(
    reader: SheetReader, own: Mapping[str, Sequence[str]], report: ImportReport
) -> list[ParsedCompany]:
    found = find_company_rows(reader.other_sheets(), own)
    return [] if found is None else parse_companies(*found, report)


def _rows(spill: Spill, tariffs: dict[int, int]) -> Iterator[list[ParsedClient]]:
    """The checked rows back from the spill, stand-in tariff ids swapped for created ones."""
    make = ParsedClient._make
    for chunk in spill.chunks():
        rows = [make(item) for item in chunk]
        if tariffs:
            rows = [
                r._replace(tariff_id=tariffs[r.tariff_id])
                if r.tariff_id is not None and r.tariff_id in tariffs
                else r
                for r in rows
            ]
        yield rows


async def _create_tariffs(
    session: AsyncSession, stand_ins: dict[int, str], actor: Actor
) -> dict[int, int]:
    """The file's unknown tariffs, created (and audited) in the import's transaction."""
    created: dict[int, int] = {}
    for stand_in, name in stand_ins.items():
        tariff = await add_tariff(session, name, actor=actor)
        created[stand_in] = tariff.id
    return created


async def import_clients(
    session_factory: async_sessionmaker[AsyncSession],
    path: str | Path,
    *,
    words: ImportWords,
    update_existing: bool = True,
    dry_run: bool = False,
    create_tariffs: bool = False,
    actor: str | Actor,
    region: str = "RU",
    tz: tzinfo | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Check the whole file, then import every row in one transaction, or none.

    A row whose phone belongs to an existing client updates that client (only the cells
    the row fills; phones are added, never removed), or with `update_existing=False` is
    left alone and reported (`report.skipped`). A row without a phone, or one that would
    create a client without a name, is an error. Tariffs the database has not refuse the
    file (listed once in `report.unknown_tariffs`) unless `create_tariffs`: then they are
    created in the same transaction. Importing needs a supervisor or an admin (NotAllowed,
    before the file is read). `words`: the headers and words the caller's exports write,
    in every language.
    Times without a zone are read in `tz` (default: this machine's zone), as the export
    writes them. `progress(done, total)` counts rows read and then rows written.
    Raises `ImportFileError` for a file that cannot be read at all. Memory stays flat
    whatever the file's size: checked rows wait in temporary files, not in lists.

    Money, the company, phone labels and addresses (`storage.xlsx.extras`) follow their
    own rules: balances move through `storage.accounts` operations, a company's account
    given to an employee needs the actor's role. A bare name acts as an admin (the
    command line's rule); a refusal (`NotAllowed`) rolls the whole import back.
    """
    who = actor if isinstance(actor, Actor) else Actor(actor, OperatorRole.ADMIN)
    require_role(who, IMPORT_CLIENTS)  # importing: a supervisor or an admin (before the file)
    actor_name = who.name
    target = Path(path)
    report = ImportReport(path=target, dry_run=dry_run, create_tariffs=create_tariffs)
    async with translate_errors(), session_factory() as session:
        tariffs = dict((await session.execute(select(Tariff.name, Tariff.id))).all())
    companies: list[ParsedCompany] = []
    with Spill() as valid, Spill() as updates:
        stand_ins = await _read_file(
            target,
            tariffs,
            report,
            valid,
            Spellings(words),
            region=region,
            tz=tz,
            progress=progress,
            company_headers={k: tuple(v) for k, v in words.company_headers.items()},
            companies=companies,
        )
        total = 2 * report.rows
        done = [report.rows]

        def advance(count: int) -> None:
            done[0] += count
            if progress is not None:
                progress(done[0], total)

        async with translate_errors(), session_factory() as session, session.begin():
            writer: _Creator | None = None
            row_ids = IntMap()  # row number -> the id of the client it created or updates
            if report.ok and not dry_run:
                created = await _create_tariffs(session, stand_ins, who)
                conn = await session.connection()
                writer = _Creator(conn, actor_name, utcnow(), advance, row_ids)
                creator = writer
                await bulk_index(
                    conn,
                    lambda: _plan_all(
                        session,
                        valid,
                        updates,
                        update_existing,
                        report,
                        creator,
                        row_ids,
                        created,
                    ),
                )
            else:
                await _plan_all(session, valid, updates, update_existing, report, None, row_ids, {})
            if not report.ok or dry_run:
                if not report.ok:
                    report.created = report.updated = report.unchanged = 0
                await session.rollback()
                return report
            assert writer is not None
            await _update(writer.conn, updates, actor_name, writer.now, advance)
            await apply_companies(
                session, companies, actor=who, at=writer.now, update_existing=update_existing
            )
            await apply_extras(session, valid, row_ids, who, writer.now)
    report.committed = True
    if progress is not None:
        progress(total, total)
    return report


async def _plan_all(
    session: AsyncSession,
    valid: Spill,
    updates: Spill,
    update_existing: bool,
    report: ImportReport,
    creator: _Creator | None,
    row_ids: IntMap,
    tariffs: dict[int, int],
) -> None:
    """Split the checked rows into new clients and updates of existing ones, reporting
    conflicts. New clients are written at once by `creator` (inside `bulk_index`) until
    the first conflict; updates wait in `updates` until the search triggers are back.

    Rows the file repeats were refused in phase 1, so no row's phone can belong to a
    client an earlier chunk has just created: writing as we go plans the same as
    planning everything first, and any conflict still rolls everything back.
    """
    claimed = IntMap()  # client id -> the row updating it
    for rows in _rows(valid, tariffs):
        owners = await _phone_owners(session, rows)
        new, found = _plan(rows, owners, update_existing, report, claimed)
        for cid, row in found:
            row_ids.setdefault(row.row, cid)
        current = await _current(session, [cid for cid, _ in found])
        changes = _changes(found, current)
        report.created += len(new)
        report.updated += len(changes)
        report.unchanged += len(found) - len(changes)
        if creator is not None and report.ok:  # past the first error only the report matters
            await creator.create(new)
            updates.write([(cid, tuple(row), diff, current[cid]) for cid, row, diff in changes])


async def _phone_owners(session: AsyncSession, parsed: Sequence[ParsedClient]) -> dict[str, int]:
    phones = [p for row in parsed for p in row.phones]
    owners: dict[str, int] = {}
    for start in range(0, len(phones), LOOKUP_CHUNK):
        chunk = phones[start : start + LOOKUP_CHUNK]
        stmt = select(ClientPhone.e164, ClientPhone.client_id).where(ClientPhone.e164.in_(chunk))
        owners.update((await session.execute(stmt)).all())
    return owners


def _plan(
    parsed: Sequence[ParsedClient],
    owners: dict[str, int],
    update_existing: bool,
    report: ImportReport,
    claimed: IntMap,
) -> tuple[list[ParsedClient], list[tuple[int, ParsedClient]]]:
    """Split rows into new clients and updates of existing ones; report conflicts."""
    creates: list[ParsedClient] = []
    updates: list[tuple[int, ParsedClient]] = []
    for row in parsed:
        found = sorted({owners[p] for p in row.phones if p in owners})
        if not found:
            if not any((row.last_name, row.first_name, row.middle_name, row.organisation)):
                # Updating an existing client may leave its name be; a new one needs one.
                column = row.phone_columns[0] if row.phone_columns else ""
                raw = row.raw_phones[0] if row.raw_phones else ""
                report.add_error(RowError(row.row, column, raw, "no_name"))
                continue
            creates.append(row)
            continue
        first_raw, column = next(
            (raw, col)
            for p, raw, col in zip(row.phones, row.raw_phones, row.phone_columns, strict=True)
            if p in owners
        )
        if len(found) > 1:
            detail = ", ".join(f"#{cid}" for cid in found)
            report.add_error(RowError(row.row, column, first_raw, "owners_conflict", detail))
            continue
        if not update_existing:
            report.skip(RowError(row.row, column, first_raw, "phone_taken", f"#{found[0]}"))
            continue
        first = claimed.setdefault(found[0], row.row)
        if first != row.row:
            report.add_error(RowError(row.row, column, first_raw, "same_client", str(first)))
        else:
            updates.append((found[0], row))
    return creates, updates


async def _current(session: AsyncSession, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The stored values of the clients to update, with their phones."""
    out: dict[int, dict[str, Any]] = {}
    cols = [CLIENTS.c.id, *(CLIENTS.c[name] for name in _COMPARED)]
    for start in range(0, len(ids), LOOKUP_CHUNK):
        chunk = list(ids[start : start + LOOKUP_CHUNK])
        for row in (await session.execute(select(*cols).where(CLIENTS.c.id.in_(chunk)))).all():
            values = dict(row._mapping)
            values["phones"] = []
            out[values.pop("id")] = values
        stmt = (
            select(PHONES.c.client_id, PHONES.c.e164)
            .where(PHONES.c.client_id.in_(chunk))
            .order_by(PHONES.c.id)
        )
        for client_id, e164 in await session.execute(stmt):
            out[client_id]["phones"].append(e164)
    return out


def _changes(
    updates: Sequence[tuple[int, ParsedClient]], current: dict[int, dict[str, Any]]
) -> list[tuple[int, ParsedClient, dict[str, Any]]]:
    """Per updated client, field -> new value for what really differs (phones: new ones)."""
    out: list[tuple[int, ParsedClient, dict[str, Any]]] = []
    for client_id, row in updates:
        old = current[client_id]
        new = row.values()
        new.pop("registered_at", None)  # an update never moves the registration date
        if "tariff_id" not in new and row.tariff_id is not None:
            new["tariff_id"] = row.tariff_id
        diff = {k: v for k, v in new.items() if old.get(k) != v}
        added = [p for p in row.phones if p not in old["phones"]]
        if added:
            diff["phones"] = added
        if diff:
            out.append((client_id, row, diff))
    return out


_CREATE_DEFAULTS: Final[dict[str, Any]] = {
    **{name: "" for name in _COMPARED},
    "birthday": None,
    "tariff_id": None,
    "blacklisted": False,
    "status": "new",
    "registered_at": None,
    "credit_limit": Decimal("0.00"),
    "discount_percent": Decimal("0.00"),
    "rating": Decimal("5.00"),
}


def _new_client(row: ParsedClient, actor: str, now: datetime) -> dict[str, Any]:
    """Every column a new client gets, the same keys for every row (one executemany)."""
    given = row.values()
    values = {k: given.get(k, default) for k, default in _CREATE_DEFAULTS.items()}
    if "kind" not in given:
        person = any(values[k] for k in ("last_name", "first_name", "middle_name"))
        corporate = bool(values["organisation"]) and not person
        values["kind"] = ClientKind.CORPORATE.value if corporate else ClientKind.PERSONAL.value
    name = display_name(
        values["kind"],
        values["organisation"],
        values["last_name"],
        values["first_name"],
        values["middle_name"],
    )
    blacklisted = bool(values["blacklisted"])
    values.update(
        name=name,
        name_key=name.casefold(),
        registered_at=values["registered_at"] or now,
        registered_by=actor,
        updated_at=now,
        updated_by=actor,
        blacklisted_at=now if blacklisted else None,
        blacklisted_by=actor if blacklisted else "",
    )
    return values


def _phone_rows(client_id: int, row: ParsedClient, only: Sequence[str], now: datetime) -> Any:
    for e164, raw in zip(row.phones, row.raw_phones, strict=True):
        if e164 in only:
            yield {
                "client_id": client_id,
                "e164": e164,
                "raw": raw,
                "digits": search_digits_fast(e164),
                "label": "",
                "created_at": now,
            }


def _audit(
    client_id: int, action: str, changes: dict[str, list[Any]], actor: str, now: datetime
) -> dict[str, Any]:
    return {
        "at": now,
        "actor": actor,
        "entity": "client",
        "entity_id": client_id,
        "client_id": client_id,
        "action": action,
        "changes": changes,
    }


class _Creator:
    """Inserts new clients with their phones and audit entries, a chunk at a time.

    Used within `bulk_index` only: ids above every existing one, search triggers off.
    """

    def __init__(
        self,
        conn: AsyncConnection,
        actor: str,
        now: datetime,
        advance: Callable[[int], None],
        row_ids: IntMap,
    ) -> None:
        self.row_ids = row_ids
        self.conn = conn
        self.actor = actor
        self.now = now
        self.advance = advance
        self._next_id: int | None = None

    async def create(self, chunk: Sequence[ParsedClient]) -> None:
        if not chunk:
            return
        conn, actor, now = self.conn, self.actor, self.now
        values = [_new_client(row, actor, now) for row in chunk]
        if conn.dialect.name == "sqlite":
            # SQLite cannot promise the order of RETURNING rows, so SQLAlchemy would insert
            # one row per statement; the ids are given instead. `bulk_index` has dropped
            # triggers already, so this transaction holds SQLite's write lock: nobody else
            # adds a client meanwhile.
            if self._next_id is None:
                top = (await conn.execute(select(func.max(CLIENTS.c.id)))).scalar()
                self._next_id = int(top or 0) + 1
            ids = list(range(self._next_id, self._next_id + len(values)))
            self._next_id += len(values)
            for client_id, record in zip(ids, values, strict=True):
                record["id"] = client_id
            await conn.execute(insert(CLIENTS), values)
        else:
            stmt = insert(CLIENTS).returning(CLIENTS.c.id, sort_by_parameter_order=True)
            ids = list((await conn.execute(stmt, values)).scalars())
        for cid, row in zip(ids, chunk, strict=True):
            self.row_ids.setdefault(row.row, cid)
        phones = [
            p
            for cid, row in zip(ids, chunk, strict=True)
            for p in _phone_rows(cid, row, row.phones, now)
        ]
        if phones:
            await conn.execute(insert(PHONES), phones)
        audit = [
            _audit(
                cid,
                "create",
                {
                    **{
                        k: [None, v if type(v) in _JSON_PLAIN else json_safe(v)]
                        for k, v in row.values().items()
                    },
                    "phones": [None, list(row.phones)],
                    "source": [None, "xlsx import"],
                },
                actor,
                now,
            )
            for cid, row in zip(ids, chunk, strict=True)
        ]
        await conn.execute(insert(AUDIT), audit)
        self.advance(len(chunk))


async def _update(
    conn: AsyncConnection,
    changes: Spill,
    actor: str,
    now: datetime,
    advance: Callable[[int], None],
) -> None:
    """Apply the planned updates, a chunk at a time (the search triggers are on)."""
    for chunk in changes.chunks():
        await _update_chunk(
            conn,
            [(cid, ParsedClient._make(row), diff, old) for cid, row, diff, old in chunk],
            actor,
            now,
        )
        advance(len(chunk))


async def _update_chunk(
    conn: AsyncConnection, changes: Sequence[Change], actor: str, now: datetime
) -> None:
    groups: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
    phones: list[dict[str, Any]] = []
    audit: list[dict[str, Any]] = []
    for client_id, row, diff, old in changes:
        fields = {k: v for k, v in diff.items() if k != "phones"}
        if fields.keys() & set(_NAME_FIELDS):
            merged = {k: fields.get(k, old.get(k)) or "" for k in _NAME_FIELDS}
            name = display_name(
                merged["kind"],
                merged["organisation"],
                merged["last_name"],
                merged["first_name"],
                merged["middle_name"],
            )
            fields.update(name=name, name_key=name.casefold())
        if "blacklisted" in fields:
            on = bool(fields["blacklisted"])
            fields.update(blacklisted_at=now if on else None, blacklisted_by=actor if on else "")
        if fields:
            fields.update(updated_at=now, updated_by=actor)
            groups[frozenset(fields)].append(
                {"b_id": client_id, **{f"v_{k}": v for k, v in fields.items()}}
            )
        if "phones" in diff:
            phones.extend(_phone_rows(client_id, row, diff["phones"], now))
        record = {
            k: [json_safe(old.get(k)), json_safe(v)] for k, v in diff.items() if k != "phones"
        }
        if "phones" in diff:
            record["phones"] = [old["phones"], old["phones"] + diff["phones"]]
        record["source"] = [None, "xlsx import"]
        audit.append(_audit(client_id, "update", record, actor, now))
    for keys, params in groups.items():
        stmt = (
            update(CLIENTS)
            .where(CLIENTS.c.id == bindparam("b_id"))
            .values({**{k: bindparam(f"v_{k}") for k in keys}, "version": CLIENTS.c.version + 1})
        )
        await conn.execute(stmt, params)
    if phones:
        await conn.execute(insert(PHONES), phones)
    if audit:
        await conn.execute(insert(AUDIT), audit)
