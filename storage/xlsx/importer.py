"""Import of a client base from xlsx: validate everything, then write all of it or nothing.

Phase 1 (worker thread, chunk by chunk): stream rows out of openpyxl and check each into a
compact `ParsedClient`; bad cells become `RowError`s. Phase 2 (one transaction): find which
rows' phones already belong to clients (update, or an error with `update_existing=False`).
If anything is wrong, or on a dry run, the transaction is rolled back and the report says
why. Otherwise new clients and their phones go in with Core bulk inserts (the search index
rebuilt once for them through `storage.search.bulk_index`), existing clients are updated
with executemany, and every change gets an audit entry — all committed together.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any, Final, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from storage.audit import json_safe
from storage.clients import phone_search_digits
from storage.db import translate_errors
from storage.models import AuditEntry, Client, ClientKind, ClientPhone, Tariff, display_name
from storage.search import bulk_index
from storage.types import utcnow
from storage.xlsx.reader import SheetReader
from storage.xlsx.report import ImportReport, RowError
from storage.xlsx.validation import ParsedClient, RowParser

CLIENTS: Final = cast(Table, Client.__table__)
PHONES: Final = cast(Table, ClientPhone.__table__)
AUDIT: Final = cast(Table, AuditEntry.__table__)

Progress = Callable[[int, int | None], None]
PARSE_CHUNK: Final = 2000
WRITE_CHUNK: Final = 1000
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
)


def _parse_chunk(rows: Any, parser: RowParser, out: list[ParsedClient], size: int) -> bool:
    """Parse up to `size` rows; False when the sheet is exhausted."""
    for _ in range(size):
        item = next(rows, None)
        if item is None:
            return False
        parsed = parser.parse(*item)
        if parsed is not None:
            out.append(parsed)
    return True


async def _read_file(
    path: Path,
    tariffs: dict[str, int],
    report: ImportReport,
    *,
    region: str,
    tz: tzinfo | None,
    progress: Progress | None,
) -> list[ParsedClient]:
    reader = await asyncio.to_thread(SheetReader, path)
    try:
        report.ignored_columns = list(reader.layout.ignored)
        parser = RowParser(reader.layout, tariffs, report, region=region, tz=tz)
        rows = reader.rows()
        parsed: list[ParsedClient] = []
        estimate = reader.estimated_rows
        while await asyncio.to_thread(_parse_chunk, rows, parser, parsed, PARSE_CHUNK):
            if progress is not None:
                progress(report.rows, 2 * estimate if estimate else None)
        return parsed
    finally:
        reader.close()


async def import_clients(
    session_factory: async_sessionmaker[AsyncSession],
    path: str | Path,
    *,
    update_existing: bool = True,
    dry_run: bool = False,
    actor: str,
    region: str = "RU",
    tz: tzinfo | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Check the whole file, then import every row in one transaction, or none.

    A row whose phone belongs to an existing client updates that client (only the cells
    the row fills; phones are added, never removed), or with `update_existing=False` is an
    error. Times without a zone are read in `tz` (default: this machine's zone), as the
    export writes them. `progress(done, total)` counts rows read and then rows written.
    Raises `ImportFileError` for a file that cannot be read at all.
    """
    target = Path(path)
    report = ImportReport(path=target, dry_run=dry_run)
    async with translate_errors(), session_factory() as session:
        tariffs = dict((await session.execute(select(Tariff.name, Tariff.id))).all())
    parsed = await _read_file(target, tariffs, report, region=region, tz=tz, progress=progress)
    async with translate_errors(), session_factory() as session, session.begin():
        owners = await _phone_owners(session, parsed)
        creates, updates = _plan(parsed, owners, update_existing, report)
        if not report.ok:
            await session.rollback()
            return report
        current = await _current(session, [cid for cid, _ in updates])
        report.created = len(creates)
        changes = _changes(updates, current)
        report.updated = len(changes)
        report.unchanged = len(updates) - len(changes)
        if dry_run:
            await session.rollback()
            return report
        conn = await session.connection()
        now = utcnow()
        total = 2 * report.rows
        done = [report.rows]

        def advance(count: int) -> None:
            done[0] += count
            if progress is not None:
                progress(done[0], total)

        if creates:
            await bulk_index(conn, lambda: _create(conn, creates, actor, now, advance))
        await _update(conn, changes, current, actor, now, advance)
    report.committed = True
    if progress is not None:
        progress(total, total)
    return report


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
) -> tuple[list[ParsedClient], list[tuple[int, ParsedClient]]]:
    """Split rows into new clients and updates of existing ones; report conflicts."""
    creates: list[ParsedClient] = []
    updates: list[tuple[int, ParsedClient]] = []
    claimed: dict[int, int] = {}  # client id -> row updating it
    column = "phones"
    for row in parsed:
        found = sorted({owners[p] for p in row.phones if p in owners})
        if not found:
            creates.append(row)
            continue
        first_raw = next(r for p, r in zip(row.phones, row.raw_phones, strict=True) if p in owners)
        if len(found) > 1:
            detail = ", ".join(f"#{cid}" for cid in found)
            report.add_error(RowError(row.row, column, first_raw, "owners_conflict", detail))
        elif not update_existing:
            report.add_error(RowError(row.row, column, first_raw, "phone_taken", f"#{found[0]}"))
        elif found[0] in claimed:
            report.add_error(
                RowError(row.row, column, first_raw, "same_client", str(claimed[found[0]]))
            )
        else:
            claimed[found[0]] = row.row
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
                "digits": phone_search_digits(e164),
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


async def _create(
    conn: AsyncConnection,
    rows: Sequence[ParsedClient],
    actor: str,
    now: datetime,
    advance: Callable[[int], None],
) -> None:
    for start in range(0, len(rows), WRITE_CHUNK):
        chunk = rows[start : start + WRITE_CHUNK]
        values = [_new_client(row, actor, now) for row in chunk]
        stmt = insert(CLIENTS).returning(CLIENTS.c.id, sort_by_parameter_order=True)
        ids = list((await conn.execute(stmt, values)).scalars())
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
                    **{k: [None, json_safe(v)] for k, v in row.values().items()},
                    "phones": [None, list(row.phones)],
                    "source": [None, "xlsx import"],
                },
                actor,
                now,
            )
            for cid, row in zip(ids, chunk, strict=True)
        ]
        await conn.execute(insert(AUDIT), audit)
        advance(len(chunk))


async def _update(
    conn: AsyncConnection,
    changes: Sequence[tuple[int, ParsedClient, dict[str, Any]]],
    current: dict[int, dict[str, Any]],
    actor: str,
    now: datetime,
    advance: Callable[[int], None],
) -> None:
    groups: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
    phones: list[dict[str, Any]] = []
    audit: list[dict[str, Any]] = []
    for client_id, row, diff in changes:
        old = current[client_id]
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
        for start in range(0, len(params), WRITE_CHUNK):
            await conn.execute(stmt, params[start : start + WRITE_CHUNK])
    for start in range(0, len(phones), WRITE_CHUNK):
        await conn.execute(insert(PHONES), phones[start : start + WRITE_CHUNK])
    for start in range(0, len(audit), WRITE_CHUNK):
        await conn.execute(insert(AUDIT), audit[start : start + WRITE_CHUNK])
        advance(min(WRITE_CHUNK, len(audit) - start))
