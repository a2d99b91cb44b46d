"""A client's addresses: any number, labelled (home, work, other or free text), each with
city, street, house, building, entrance, floor, apartment or office and a comment.

Any operator may add, edit and remove addresses (they are part of taking an order); each
write is audited with who and when in the caller's transaction, like a phone. Addresses
do not bump the client's version: they are edited one by one, never overwritten by a
stale form. `mark_used` counts an address put into an order: the card lists the most used
first (then the most recently used, then the oldest).

The casefolded city and street (`city_key`, `street_key`) are written here on every
change; `storage.search` finds clients by them. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, cast

from sqlalchemy import (
    Column,
    MetaData,
    String,
    Table,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage import audit
from storage.clients import claim_client
from storage.errors import InvalidChange, NotFound
from storage.models import AddressLabel, Client, ClientAddress
from storage.roles import Actor
from storage.types import UtcDateTime, utcnow

ADDRESSES = cast(Table, ClientAddress.__table__)
CLIENTS = cast(Table, Client.__table__)

# Field -> the longest text it takes (None: any length).
ADDRESS_FIELDS: Final[Mapping[str, int | None]] = {
    "label": 50,
    "city": 100,
    "street": 200,
    "house": 20,
    "building": 20,
    "entrance": 20,
    "floor": 10,
    "apartment": 20,
    "comment": None,
}
# An address needs at least one of these: a label and a comment alone lead nowhere.
_PLACE_FIELDS: Final = ("city", "street", "house")
LABELS: Final = tuple(label.value for label in AddressLabel)


def search_key(text: str) -> str:
    """How the search compares a city: spaces collapsed, casefolded, ё as е."""
    return " ".join(text.split()).casefold().replace("ё", "е")


# Words that say what kind of street it is: «ул. Ленина» is found as «Ленина».
STREET_TYPES: Final = frozenset(
    {
        "ул", "ул.", "улица", "пр-т", "пр.", "просп.", "проспект", "пер.", "пер", "переулок",
        "пл.", "пл", "площадь", "ш.", "шоссе", "б-р", "бульвар", "наб.", "проезд", "пр-д",
        "туп.", "тупик", "мкр", "мкр.", "микрорайон", "ал.", "аллея", "st", "st.", "street",
        "ave", "ave.", "avenue", "rd", "rd.", "road",
    }
)  # fmt: skip


def street_key(text: str) -> str:
    """How the search compares a street: as `search_key`, without the kind of street
    («ул.», «пр-т», «переулок» …) unless that is all there is."""
    words = search_key(text).split()
    kept = [w for w in words if w not in STREET_TYPES]
    return " ".join(kept or words)


@dataclass(frozen=True, slots=True)
class Address:
    """An address as the card and the forms show it (immutable, safe for the UI)."""

    id: int
    label: str
    city: str
    street: str
    house: str
    building: str
    entrance: str
    floor: str
    apartment: str
    comment: str
    use_count: int
    last_used_at: datetime | None

    def values(self) -> dict[str, str]:
        """The editable fields, as `add_address`/`update_address` take them."""
        return {field: getattr(self, field) for field in ADDRESS_FIELDS}


def address_of(row: ClientAddress) -> Address:
    return Address(
        id=row.id,
        label=row.label,
        city=row.city,
        street=row.street,
        house=row.house,
        building=row.building,
        entrance=row.entrance,
        floor=row.floor,
        apartment=row.apartment,
        comment=row.comment,
        use_count=row.use_count,
        last_used_at=row.last_used_at,
    )


def most_used_first(addresses: list[Address]) -> list[Address]:
    """The card's order: most used, then most recently used, then the oldest first."""
    return sorted(
        addresses,
        key=lambda a: (
            -a.use_count,
            -(a.last_used_at.timestamp() if a.last_used_at is not None else 0.0),
            a.id,
        ),
    )


def validate_address(values: Mapping[str, Any]) -> dict[str, str]:
    """Checked, trimmed address fields; InvalidChange names the bad one."""
    checked: dict[str, str] = {}
    for field, value in values.items():
        if field not in ADDRESS_FIELDS:
            raise InvalidChange(field, "not_editable")
        text = "" if value is None else value
        if not isinstance(text, str):
            raise InvalidChange(field, "expected_text")
        text = " ".join(text.split()) if field != "comment" else text.strip()
        limit = ADDRESS_FIELDS[field]
        if limit is not None and len(text) > limit:
            raise InvalidChange(field, "too_long", limit=limit)
        checked[field] = text
    return checked


def _require_place(values: Mapping[str, str]) -> None:
    if not any(values.get(field) for field in _PLACE_FIELDS):
        raise InvalidChange("address", "address_empty")


def _keys(values: Mapping[str, str]) -> dict[str, str]:
    keys: dict[str, str] = {}
    if "city" in values:
        keys["city_key"] = search_key(values["city"])
    if "street" in values:
        keys["street_key"] = street_key(values["street"])
    return keys


async def client_addresses(session: AsyncSession, client_id: int) -> list[Address]:
    """A client's addresses, most used first."""
    rows = (
        await session.scalars(select(ClientAddress).where(ClientAddress.client_id == client_id))
    ).all()
    return most_used_first([address_of(r) for r in rows])


async def add_address(
    session: AsyncSession,
    client_id: int,
    values: Mapping[str, Any],
    *,
    actor: Actor,
    at: datetime | None = None,
) -> Address:
    """A new address of the client; refused when it names no place (city, street or
    house) or a field is too long; NotFound for a missing client."""
    fields = {field: "" for field in ADDRESS_FIELDS} | validate_address(values)
    _require_place(fields)
    at = at or utcnow()
    if not await claim_client(session, client_id):
        raise NotFound("client", client_id)
    row = ClientAddress(
        client_id=client_id,
        **fields,
        **_keys(fields),
        use_count=0,
        created_at=at,
        created_by=actor.name,
        updated_at=at,
        updated_by=actor.name,
    )
    session.add(row)
    await session.flush()
    audit.record(
        session,
        actor=actor.name,
        entity="address",
        entity_id=row.id,
        client_id=client_id,
        action="address_add",
        changes=audit.diff({}, {k: v for k, v in fields.items() if v}),
        at=at,
    )
    return address_of(row)


async def _locked(session: AsyncSession, address_id: int) -> ClientAddress:
    """The address, its client claimed first (two people editing it queue up)."""
    owner = await session.scalar(
        select(ClientAddress.client_id).where(ClientAddress.id == address_id)
    )
    if owner is None or not await claim_client(session, owner):
        raise NotFound("address", address_id)
    row = await session.get(ClientAddress, address_id, populate_existing=True)
    if row is None:
        raise NotFound("address", address_id)
    return row


async def update_address(
    session: AsyncSession,
    address_id: int,
    values: Mapping[str, Any],
    *,
    actor: Actor,
    at: datetime | None = None,
) -> Address:
    """Change some fields of an address; only what differs is written and audited."""
    fields = validate_address(values)
    row = await _locked(session, address_id)
    before = {field: getattr(row, field) for field in ADDRESS_FIELDS}
    _require_place(before | fields)
    changes = audit.diff({f: before[f] for f in fields}, fields)
    if not changes:
        return address_of(row)
    at = at or utcnow()
    for field in changes:
        setattr(row, field, fields[field])
    for key, value in _keys({f: fields[f] for f in changes}).items():
        setattr(row, key, value)
    row.updated_at = at
    row.updated_by = actor.name
    audit.record(
        session,
        actor=actor.name,
        entity="address",
        entity_id=row.id,
        client_id=row.client_id,
        action="address_update",
        changes=changes,
        at=at,
    )
    await session.flush()
    return address_of(row)


async def remove_address(
    session: AsyncSession, address_id: int, *, actor: Actor, at: datetime | None = None
) -> None:
    """Delete an address; the trail keeps what it was."""
    row = await _locked(session, address_id)
    gone = {field: getattr(row, field) for field in ADDRESS_FIELDS}
    audit.record(
        session,
        actor=actor.name,
        entity="address",
        entity_id=row.id,
        client_id=row.client_id,
        action="address_remove",
        changes={k: [v, None] for k, v in gone.items() if v},
        at=at,
    )
    await session.delete(row)
    await session.flush()


async def mark_used(session: AsyncSession, address_id: int, *, at: datetime | None = None) -> int:
    """Count one use of the address (an order to or from it); returns the new count.

    Bookkeeping, like a client's order counters: one atomic UPDATE, not audited."""
    stmt = (
        update(ADDRESSES)
        .where(ADDRESSES.c.id == address_id)
        .values(use_count=ADDRESSES.c.use_count + 1, last_used_at=at or utcnow())
        .returning(ADDRESSES.c.use_count)
    )
    count = (await session.execute(stmt)).scalar()
    if count is None:
        raise NotFound("address", address_id)
    return int(count)


async def addresses_from_client_columns(
    conn: AsyncConnection, *, first_id: int, by: str, at: datetime
) -> int:
    """For clients written in bulk with the client row's own city/street/house/entrance
    (demo data): one `home` address each that has any of them, in one INSERT … SELECT.
    Returns how many. The keys are folded in Python once per distinct city and street
    (SQLite's lower() folds ASCII only) and joined in from a temporary table.

    Migration 0005 did the same for the databases it upgraded (with its own copy)."""
    c = CLIENTS.c
    folded = Table(
        "_address_keys",
        MetaData(),
        Column("part", String(1), primary_key=True),
        Column("value", String(200), primary_key=True),
        Column("folded", String(200)),
        prefixes=["TEMPORARY"],
    )
    await conn.run_sync(folded.create)
    try:
        rows: list[dict[str, str]] = []
        for part, column, fold in (("c", c.city, search_key), ("s", c.street, street_key)):
            values = await conn.scalars(select(column).where(c.id >= first_id).distinct())
            rows.extend({"part": part, "value": v, "folded": fold(v)} for v in values)
        if rows:
            await conn.execute(insert(folded), rows)
        kc, ks = folded.alias("kc"), folded.alias("ks")
        has_any = (c.city != "") | (c.street != "") | (c.house != "") | (c.entrance != "")
        source = (
            select(
                c.id,
                literal(AddressLabel.HOME.value),
                c.city,
                c.street,
                c.house,
                c.entrance,
                func.coalesce(kc.c.folded, ""),
                func.coalesce(ks.c.folded, ""),
                literal(at, UtcDateTime()),
                literal(by, String()),
                literal(at, UtcDateTime()),
                literal(by, String()),
            )
            .select_from(
                CLIENTS.outerjoin(kc, (kc.c.part == "c") & (kc.c.value == c.city)).outerjoin(
                    ks, (ks.c.part == "s") & (ks.c.value == c.street)
                )
            )
            .where(c.id >= first_id, has_any)
            .order_by(c.id)
        )
        columns = ["client_id", "label", "city", "street", "house", "entrance"]
        columns += ["city_key", "street_key", "created_at", "created_by"]
        columns += ["updated_at", "updated_by"]
        result = await conn.execute(insert(ADDRESSES).from_select(columns, source))
        return max(int(result.rowcount), 0)
    finally:
        await conn.run_sync(folded.drop)


async def address_count(session: AsyncSession, client_id: int) -> int:
    stmt = select(func.count()).where(ClientAddress.client_id == client_id)
    return int((await session.execute(stmt)).scalar_one())
