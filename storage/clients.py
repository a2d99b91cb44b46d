"""Clients and their phones: find by any form of a number, create on a first call, edit.

Repositories take a session and never commit: the caller owns the unit of work. The one
exception is `get_or_create_client_for_call`, which must decide who won a race between
consoles and therefore runs (and retries) its own short transactions.

Edits are safe between consoles in two ways. A person's edit names the version it was
based on; a stale one raises `EditConflict` with the saved values and writes nothing.
And every write first *claims* the client row (a no-op UPDATE that takes the row lock on
PostgreSQL and the write lock on SQLite), so the read that follows cannot be overtaken
before the save. Bookkeeping that nobody edits (last call time, order counters) is
written with plain UPDATEs that do not bump the version, so a call ending while a
dispatcher edits the card does not turn the save into a conflict.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final, cast

from sqlalchemy import CursorResult, Select, Table, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import audit
from storage.errors import (
    DuplicatePhone,
    EditConflict,
    InvalidChange,
    InvalidPhone,
    LastPhone,
    NotFound,
)
from storage.models import (
    AddressLabel,
    Client,
    ClientAddress,
    ClientKind,
    ClientPhone,
    ClientStatus,
    Tariff,
)
from storage.phones import ClassifiedNumber, classify_number, format_national, phone_digits
from storage.roles import CHANGE_CREDIT_LIMIT, LIFT_BLACKLIST, Actor, as_actor, require_role
from storage.types import to_money, utcnow

CLIENTS = cast(Table, Client.__table__)
PHONES = cast(Table, ClientPhone.__table__)

# ---------------------------------------------------------------------------- phones


def phone_search_digits(e164: str) -> str:
    """What `ClientPhone.digits` holds: international and national digits, space-separated.

    Search as you type matches digits people actually type ("8916…" or "7916…"), so both
    forms are stored, e.g. "79161234567 89161234567". Every writer of phones uses this.
    """
    international = phone_digits(e164)
    national = phone_digits(format_national(e164))
    if not national or national == international:
        return international
    return f"{international} {national}"


def dialect_insert(session: AsyncSession, table: Table) -> postgresql.Insert | sqlite.Insert:
    """INSERT that knows ON CONFLICT on both databases (they spell it the same way)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def rowcount(result: Any) -> int:
    return cast(CursorResult[Any], result).rowcount


@dataclass(frozen=True, slots=True)
class PhoneOwner:
    client_id: int
    name: str
    phone_id: int


# Built once: the statements run on every ring, and SQLAlchemy caches a statement's
# compiled form by its cache key, which a prebuilt statement computes only once.
_PHONE_OWNER = cast(
    "Select[Any]",
    select(ClientPhone.client_id, Client.name, ClientPhone.id)
    .join(Client, Client.id == ClientPhone.client_id)
    .where(ClientPhone.e164 == bindparam("e164")),
)
_CLIENT_BY_PHONE = (
    select(Client)
    .join(ClientPhone, ClientPhone.client_id == Client.id)
    .where(ClientPhone.e164 == bindparam("e164"))
)


async def client_name(session: AsyncSession, client_id: int) -> str | None:
    """A client's display name by id (one primary-key lookup); None if there is no such
    client. For a line that names the caller, where the whole card is not needed."""
    name = await session.scalar(select(Client.name).where(Client.id == client_id))
    return str(name) if name is not None else None


async def phone_owner(session: AsyncSession, e164: str) -> PhoneOwner | None:
    """Who owns an E.164 number: one indexed lookup on the unique column."""
    row = (await session.execute(_PHONE_OWNER, {"e164": e164})).first()
    return PhoneOwner(row[0], row[1], row[2]) if row is not None else None


async def find_client_by_phone(
    session: AsyncSession, raw_or_e164: str, region: str = "RU"
) -> Client | None:
    """The client owning a number written in any form; None for non-client numbers."""
    e164 = classify_number(raw_or_e164, region).e164
    if e164 is None:
        return None
    return (await session.scalars(_CLIENT_BY_PHONE, {"e164": e164})).first()


def _client_phone(number: ClassifiedNumber, label: str, at: datetime) -> ClientPhone:
    assert number.e164 is not None
    return ClientPhone(
        e164=number.e164,
        raw=number.raw[:64],
        digits=phone_search_digits(number.e164),
        label=label[:100],
        created_at=at,
    )


# ------------------------------------------------------------------- caller ID names

# Legal forms that mark a caller ID name as an organisation (Russian and common foreign).
_LEGAL_FORMS = (
    "ооо оао зао пао ао ип нко ано гуп муп фгуп тоо чп кфх снт тсж llc ltd inc gmbh corp plc"
)
_ORG_FORMS: Final = frozenset(_LEGAL_FORMS.split())
_PATRONYMIC = re.compile(r"(ович|евич|ич|овна|евна|ична|инична)$", re.IGNORECASE)
_SURNAME = re.compile(
    r"(ов|ова|ев|ева|ёв|ёва|ин|ина|ын|ына|ский|ская|цкий|цкая|ых|их|енко|ук|юк|ян|швили)$",
    re.IGNORECASE,
)
# First names that end like surnames (-ина, -ин): «Ирина» alone is a first name.
_FIRST_NAMES_LIKE_SURNAMES: Final = frozenset(
    {
        "марина", "ирина", "алина", "полина", "кристина", "карина", "галина", "валентина",
        "ангелина", "регина", "нина", "екатерина", "арина", "дина", "эвелина", "алевтина",
        "зарина", "марьям", "ян",
    }
)  # fmt: skip
_NO_NAME: Final = frozenset({"", "unknown", "<unknown>", "anonymous", "unavailable", "restricted"})


@dataclass(frozen=True, slots=True)
class ParsedName:
    kind: ClientKind
    last_name: str = ""
    first_name: str = ""
    middle_name: str = ""
    organisation: str = ""


def parse_caller_name(caller_name: str | None) -> ParsedName | None:
    """Split a caller ID name into name parts, or recognise an organisation.

    «Иванова Мария Петровна» is last/first/middle (the Russian phone-book order);
    a patronymic in second place means «Мария Петровна [Иванова]»; «ООО Ромашка» or
    anything quoted is an organisation. Placeholders and bare numbers are no name.
    """
    text = " ".join((caller_name or "").split())
    if text.casefold() in _NO_NAME or not re.search(r"[^\W\d_]", text):
        return None
    words = text.split(" ")
    bare = [w.strip("«»\"'.,()").casefold() for w in words]
    if any(w in _ORG_FORMS for w in bare) or re.search(r"[«»\"]", text) or len(words) > 3:
        return ParsedName(ClientKind.CORPORATE, organisation=text[:200])
    parts = [w[:100] for w in words]
    if len(parts) == 1:
        # «Кузнецов» alone is how phone books list people: a surname when it looks like one.
        if _SURNAME.search(parts[0]) and parts[0].casefold() not in _FIRST_NAMES_LIKE_SURNAMES:
            return ParsedName(ClientKind.PERSONAL, last_name=parts[0])
        return ParsedName(ClientKind.PERSONAL, first_name=parts[0])
    if _PATRONYMIC.search(parts[1]) and (len(parts) == 2 or not _PATRONYMIC.search(parts[2])):
        # «Мария Петровна» / «Мария Петровна Иванова»: first, middle, then the surname.
        last = parts[2] if len(parts) == 3 else ""
        return ParsedName(ClientKind.PERSONAL, last, parts[0], parts[1])
    middle = parts[2] if len(parts) == 3 else ""
    return ParsedName(ClientKind.PERSONAL, parts[0], parts[1], middle)


# ---------------------------------------------------------------- get-or-create


def first_call_fields(caller_name: str | None) -> dict[str, Any]:
    """What a client registered by a call starts with: the caller ID name, split.

    The console opens a first-time caller's form with these while the client is being
    created, so the form and the new row agree from the start."""
    parsed = parse_caller_name(caller_name) or ParsedName(ClientKind.PERSONAL)
    return {
        "kind": parsed.kind,
        "last_name": parsed.last_name,
        "first_name": parsed.first_name,
        "middle_name": parsed.middle_name,
        "organisation": parsed.organisation,
        "status": ClientStatus.NEW,
    }


_CREATE_ATTEMPTS: Final = 8


async def get_or_create_client_for_call(
    session_factory: async_sessionmaker[AsyncSession],
    number_raw: str | None,
    *,
    caller_name: str | None,
    region: str,
    registered_by: str,
    at: datetime,
) -> tuple[int, bool] | None:
    """The client for an incoming call's number, created on the first call: (id, created).

    Returns None for numbers that are not client phones (extensions, withheld, invalid).
    Owns its transactions because several consoles pop the same call at once and exactly
    one may create the client: the unique constraint on `client_phones.e164` decides,
    the losers roll back and read the winner. On SQLite the writers queue on the busy
    timeout; a 'database is locked' that still escapes is retried after a short pause.
    """
    number = classify_number(number_raw, region)
    if number.e164 is None:
        return None
    locked: OperationalError | None = None
    async with session_factory() as session:
        for attempt in range(_CREATE_ATTEMPTS):
            owner = await phone_owner(session, number.e164)
            if owner is not None:
                await session.rollback()
                return owner.client_id, False
            try:
                client_id = await _create_for_call(session, number, caller_name, registered_by, at)
                await session.commit()
            except IntegrityError:
                await session.rollback()  # another console created it first: read theirs
            except OperationalError as exc:
                await session.rollback()
                if "locked" not in str(exc.orig).lower():
                    raise
                locked = exc
                await asyncio.sleep(0.02 * (attempt + 1))
            else:
                return client_id, True
    if locked is not None:
        raise locked  # still locked: a "try later" for the caller (the desk's outbox)
    raise RuntimeError(f"could not get or create the client for {number.e164}")


async def _create_for_call(
    session: AsyncSession,
    number: ClassifiedNumber,
    caller_name: str | None,
    registered_by: str,
    at: datetime,
) -> int:
    client = Client(
        **first_call_fields(caller_name),
        registered_at=at,
        registered_by=registered_by,
        last_call_at=at,
        updated_at=at,
        updated_by=registered_by,
        phones=[_client_phone(number, "", at)],
    )
    client.refresh_name()
    session.add(client)
    await session.flush()
    audit.record(
        session,
        actor=registered_by,
        entity="client",
        entity_id=client.id,
        client_id=client.id,
        action="create",
        changes={"phone": [None, number.e164], "name": [None, client.name]},
        at=at,
    )
    await session.flush()
    return client.id


async def create_client(
    session: AsyncSession,
    values: Mapping[str, Any],
    phones: Sequence[str],
    *,
    actor: str,
    region: str = "RU",
    at: datetime | None = None,
) -> Client:
    """A client typed in by a person or read from a spreadsheet, with its phones.

    Every phone is validated and must be free (DuplicatePhone names the owner). The
    check and the insert are not atomic against a concurrent creator of the same number:
    then the unique constraint fails the flush and the caller's transaction rolls back.
    """
    at = at or utcnow()
    fields = validate_changes(values)
    await _require_tariff(session, fields.get("tariff_id"))
    numbers = [_client_number(raw, region) for raw in phones]
    seen: set[str] = set()
    for number in numbers:
        assert number.e164 is not None
        owner = await phone_owner(session, number.e164) if number.e164 not in seen else None
        if owner is not None:
            raise DuplicatePhone(number.e164, owner.client_id, owner.name)
        seen.add(number.e164)
    unique = [n for i, n in enumerate(numbers) if n.e164 not in {m.e164 for m in numbers[:i]}]
    client = Client(
        **fields,
        registered_at=at,
        registered_by=actor,
        updated_at=at,
        updated_by=actor,
        phones=[_client_phone(n, "", at) for n in unique],
    )
    client.refresh_name()
    session.add(client)
    await session.flush()
    audit.record(
        session,
        actor=actor,
        entity="client",
        entity_id=client.id,
        client_id=client.id,
        action="create",
        changes={**audit.diff({}, fields), "phones": [None, [n.e164 for n in unique]]},
        at=at,
    )
    await _sync_main_address(session, client, fields, actor=actor, at=at)
    return client


def _client_number(raw: str, region: str) -> ClassifiedNumber:
    number = classify_number(raw, region)
    if number.e164 is None:
        raise InvalidPhone(raw, number.kind)
    return number


# ------------------------------------------------------------------------ editing

_TEXT_FIELDS: Final[Mapping[str, int | None]] = {
    "last_name": 100,
    "first_name": 100,
    "middle_name": 100,
    "organisation": 200,
    "city": 100,
    "street": 200,
    "house": 20,
    "entrance": 20,
    "email": 254,
    "language": 8,
    "comment": None,
}
_NAME_FIELDS: Final = frozenset({"kind", "last_name", "first_name", "middle_name", "organisation"})
_MONEY_FIELDS: Final = frozenset({"rating", "credit_limit", "discount_percent"})
# The personal account and bonuses are sums of operations (`storage.accounts`): an edit
# that set them would leave no trace of who moved the money, so it is refused.
ACCOUNT_FIELDS: Final = frozenset({"balance", "bonus_balance"})
_COUNTERS: Final = ("completed_orders", "false_orders", "bonus_orders", "complaints")
EDITABLE_FIELDS: Final = frozenset(
    {*_TEXT_FIELDS, *_MONEY_FIELDS, *_COUNTERS, "kind", "status", "birthday", "tariff_id"}
)
# What an edit conflict shows: the editable fields plus the ones set by their own actions.
SNAPSHOT_FIELDS: Final = (
    *sorted(EDITABLE_FIELDS | ACCOUNT_FIELDS),
    "name",
    "blacklisted",
    "blacklist_reason",
    "blacklisted_at",
    "blacklisted_by",
    "version",
    "updated_at",
    "updated_by",
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def validate_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Checked, normalised values for client fields; InvalidChange names the bad one."""
    return {field: _validate(field, value) for field, value in changes.items()}


def _validate(field: str, value: Any) -> Any:
    if field in _TEXT_FIELDS:
        text = "" if value is None else value
        if not isinstance(text, str):
            raise InvalidChange(field, "expected_text")
        text = text.strip()
        limit = _TEXT_FIELDS[field]
        if limit is not None and len(text) > limit:
            raise InvalidChange(field, "too_long", limit=limit)
        if field == "email" and text and not _EMAIL.match(text):
            raise InvalidChange(field, "not_email")
        return text
    if field == "kind":
        return _choice(field, value, ClientKind)
    if field == "status":
        return _choice(field, value, ClientStatus)
    if field == "birthday":
        return _birthday(value)
    if field == "tariff_id":
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise InvalidChange(field, "expected_tariff")
        return value
    if field in _MONEY_FIELDS:
        amount = _decimal(field, value)
        if amount < 0:
            raise InvalidChange(field, "negative")
        if field == "discount_percent" and amount > 100:
            raise InvalidChange(field, "above_limit", limit=100)
        return amount
    if field in _COUNTERS:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidChange(field, "expected_count")
        return value
    if field in ACCOUNT_FIELDS:
        raise InvalidChange(field, "by_operations")
    raise InvalidChange(field, "not_editable")


def _choice(field: str, value: Any, enum: type[ClientKind] | type[ClientStatus]) -> str:
    allowed = [m.value for m in enum]
    if value not in allowed:
        raise InvalidChange(field, "one_of", allowed=", ".join(allowed))
    return str(value)


def _birthday(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise InvalidChange("birthday", "expected_date") from None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidChange("birthday", "expected_date")
    return value


def _decimal(field: str, value: Any) -> Decimal:
    """Money and percentages: Decimal, int or text; a float would bring binary noise."""
    if isinstance(value, float | bool) or not isinstance(value, Decimal | int | str):
        raise InvalidChange(field, "expected_amount")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise InvalidChange(field, "not_number", value=value) from None
    if not amount.is_finite() or amount != to_money(amount):
        raise InvalidChange(field, "two_places")
    return to_money(amount)


def snapshot(client: Client) -> dict[str, Any]:
    """The client's saved values as an edit conflict reports them (JSON-safe)."""
    return {field: audit.json_safe(getattr(client, field)) for field in SNAPSHOT_FIELDS}


async def update_client(
    session: AsyncSession,
    client_id: int,
    expected_version: int,
    changes: Mapping[str, Any],
    actor: Actor | str,
    *,
    at: datetime | None = None,
) -> Client:
    """Save a person's edit made on version `expected_version` of the client.

    A stale version raises EditConflict carrying the saved values and who saved them;
    nothing is written. Only fields whose value differs are written and audited; saving
    no difference writes nothing and keeps the version. The balance and bonuses are not
    edited here (InvalidChange `by_operations`: see `storage.accounts`); a new credit
    limit needs a supervisor or an admin (NotAllowed), a bare name acts as a dispatcher.
    """
    who = as_actor(actor)
    values = validate_changes(changes)
    await _require_tariff(session, values.get("tariff_id"))
    if not await claim_client(session, client_id, expected_version):
        raise await _conflict_or_missing(session, client_id, expected_version)
    client = await _load(session, client_id)
    if "credit_limit" in values and values["credit_limit"] != client.credit_limit:
        require_role(who, CHANGE_CREDIT_LIMIT)
    changed = await _apply(session, client, values, actor=who.name, at=at, action="update")
    await _sync_main_address(session, client, changed, actor=who.name, at=at)
    return client


_ADDRESS_PARTS: Final = ("street", "house", "entrance")


async def _sync_main_address(
    session: AsyncSession,
    client: Client,
    changed: Collection[str],
    *,
    actor: str,
    at: datetime | None,
) -> None:
    """The form's street, house and entrance are the client's main address: the most used
    of `client_addresses` (migration 0005), which they change, or a new `home` one for a
    client who has none. The client row keeps its own copy (the columns before 0005)."""
    from storage.addresses import address_of, most_used_first, search_key, street_key

    parts = [f for f in _ADDRESS_PARTS if f in changed]
    if not parts:
        return
    at = at or utcnow()
    rows = (
        await session.scalars(select(ClientAddress).where(ClientAddress.client_id == client.id))
    ).all()
    if rows:
        by_id = {r.id: r for r in rows}
        main = by_id[most_used_first([address_of(r) for r in rows])[0].id]
        for field in parts:
            setattr(main, field, getattr(client, field))
        main.street_key = street_key(main.street)
        main.updated_at = at
        main.updated_by = actor
    elif any(getattr(client, f) for f in _ADDRESS_PARTS):
        session.add(
            ClientAddress(
                client_id=client.id,
                label=AddressLabel.HOME.value,
                city=client.city,
                street=client.street,
                house=client.house,
                entrance=client.entrance,
                city_key=search_key(client.city),
                street_key=street_key(client.street),
                use_count=0,
                created_at=at,
                created_by=actor,
                updated_at=at,
                updated_by=actor,
            )
        )
    await session.flush()


async def set_blacklist(
    session: AsyncSession,
    client_id: int,
    on: bool,
    reason: str,
    actor: Actor | str,
    *,
    at: datetime | None = None,
) -> Client:
    """Blacklist a client (a reason is required) or lift it; who and when are kept.

    Anyone may blacklist; lifting needs a supervisor or an admin (NotAllowed, refused
    before anything is read or written; a bare name acts as a dispatcher)."""
    who = as_actor(actor)
    if not on:
        require_role(who, LIFT_BLACKLIST)
    actor = who.name
    reason = reason.strip()
    if on and not reason:
        raise InvalidChange("blacklist_reason", "reason_required")
    at = at or utcnow()
    await _claim_or_missing(session, client_id)
    client = await _load(session, client_id)
    values: dict[str, Any] = {
        "blacklisted": on,
        "blacklist_reason": reason if on else "",
        "blacklisted_at": at if on else None,
        "blacklisted_by": actor if on else "",
    }
    if on == client.blacklisted and (not on or reason == client.blacklist_reason):
        return client
    await _apply(session, client, values, actor=actor, at=at, action="blacklist")
    return client


async def set_tariff(
    session: AsyncSession,
    client_id: int,
    tariff_id: int | None,
    actor: str,
    *,
    at: datetime | None = None,
) -> Client:
    """The client's default tariff (the one the dispatcher reads out), or none."""
    await _require_tariff(session, tariff_id)
    await _claim_or_missing(session, client_id)
    client = await _load(session, client_id)
    await _apply(session, client, {"tariff_id": tariff_id}, actor=actor, at=at, action="tariff")
    return client


async def add_to_counters(
    session: AsyncSession,
    client_id: int,
    *,
    actor: str,
    at: datetime | None = None,
    completed_orders: int = 0,
    false_orders: int = 0,
    bonus_orders: int = 0,
    complaints: int = 0,
) -> dict[str, int]:
    """Add to (or, with negatives, correct) the order counters atomically; returns them.

    Counted, not edited: no version bump, so an open edit of the card stays valid. A
    completed order also stamps `last_order_at` (activity). Never goes below zero.
    """
    at = at or utcnow()
    deltas = {
        "completed_orders": completed_orders,
        "false_orders": false_orders,
        "bonus_orders": bonus_orders,
        "complaints": complaints,
    }
    deltas = {k: v for k, v in deltas.items() if v}
    if not deltas:
        raise InvalidChange("counters", "nothing_to_add")
    cols = CLIENTS.c
    stmt = update(CLIENTS).where(cols.id == client_id)
    for field, delta in deltas.items():
        stmt = stmt.where(cols[field] + delta >= 0)
    values: dict[str, Any] = {f: cols[f] + d for f, d in deltas.items()}
    if completed_orders > 0:
        values["last_order_at"] = at
    stmt = stmt.values(values).returning(*(cols[f] for f in deltas))
    row = (await session.execute(stmt)).first()
    if row is None:
        if await _load(session, client_id, required=False) is None:
            raise NotFound("client", client_id)
        raise InvalidChange("counters", "below_zero")
    now = dict(zip(deltas, row, strict=True))
    audit.record(
        session,
        actor=actor,
        entity="client",
        entity_id=client_id,
        client_id=client_id,
        action="counters",
        changes={f: [now[f] - d, now[f]] for f, d in deltas.items()},
        at=at,
    )
    return now


async def add_phone(
    session: AsyncSession,
    client_id: int,
    raw: str,
    *,
    actor: str,
    label: str = "",
    region: str = "RU",
    at: datetime | None = None,
) -> ClientPhone:
    """Add a number in any form to a client; refused if it is not a phone or is taken.

    A number already on this client is returned as it is. Phones do not bump the client's
    version: they are added and removed one by one, never overwritten by a stale form.
    """
    at = at or utcnow()
    number = _client_number(raw, region)
    assert number.e164 is not None
    await _claim_or_missing(session, client_id)
    phone = _client_phone(number, label.strip(), at)
    stmt = (
        dialect_insert(session, PHONES)
        .values(
            client_id=client_id,
            e164=phone.e164,
            raw=phone.raw,
            digits=phone.digits,
            label=phone.label,
            created_at=at,
        )
        .on_conflict_do_nothing(index_elements=["e164"])
        .returning(PHONES.c.id)
    )
    phone_id = (await session.execute(stmt)).scalar()
    if phone_id is None:
        owner = await phone_owner(session, number.e164)
        assert owner is not None
        if owner.client_id != client_id:
            raise DuplicatePhone(number.e164, owner.client_id, owner.name)
        phone_id = owner.phone_id
    else:
        audit.record(
            session,
            actor=actor,
            entity="client",
            entity_id=client_id,
            client_id=client_id,
            action="phone_add",
            changes={"phone": [None, number.e164], "label": [None, phone.label]},
            at=at,
        )
    loaded = await session.get(ClientPhone, phone_id)
    assert loaded is not None
    return loaded


async def remove_phone(
    session: AsyncSession,
    client_id: int,
    raw_or_e164: str,
    *,
    actor: str,
    region: str = "RU",
    at: datetime | None = None,
) -> None:
    """Remove one of a client's numbers. The last one is refused (LastPhone): a client
    without a phone can never pop on a call or be called back, so a number is replaced
    by adding the new one first."""
    number = _client_number(raw_or_e164, region)
    await _claim_or_missing(session, client_id)
    phones = (
        await session.scalars(select(ClientPhone).where(ClientPhone.client_id == client_id))
    ).all()
    target = next((p for p in phones if p.e164 == number.e164), None)
    if target is None:
        raise NotFound("phone", f"{number.e164} of client {client_id}")
    if len(phones) == 1:
        raise LastPhone(client_id, target.e164)
    await session.delete(target)
    audit.record(
        session,
        actor=actor,
        entity="client",
        entity_id=client_id,
        client_id=client_id,
        action="phone_remove",
        changes={"phone": [target.e164, None]},
        at=at,
    )
    await session.flush()


async def set_phone_label(
    session: AsyncSession,
    client_id: int,
    raw_or_e164: str,
    label: str,
    *,
    actor: str,
    region: str = "RU",
    at: datetime | None = None,
) -> None:
    """Say whose number it is («жена», «офис»): the label the card shows beside it.
    Like the phones themselves, it does not bump the client's version."""
    number = _client_number(raw_or_e164, region)
    label = " ".join(label.split())
    if len(label) > 100:
        raise InvalidChange("label", "too_long", limit=100)
    await _claim_or_missing(session, client_id)
    phone = (
        await session.scalars(
            select(ClientPhone).where(
                ClientPhone.client_id == client_id, ClientPhone.e164 == number.e164
            )
        )
    ).first()
    if phone is None:
        raise NotFound("phone", f"{number.e164} of client {client_id}")
    if phone.label == label:
        return
    audit.record(
        session,
        actor=actor,
        entity="client",
        entity_id=client_id,
        client_id=client_id,
        action="phone_label",
        changes={"phone": [phone.e164, phone.e164], "label": [phone.label, label]},
        at=at,
    )
    phone.label = label
    await session.flush()


async def claim_client(
    session: AsyncSession, client_id: int, expected_version: int | None = None
) -> bool:
    """Lock the client row for this transaction, if it exists (at that version).

    A no-op UPDATE: PostgreSQL takes the row lock, SQLite the database write lock. Reads
    after it cannot be overtaken, so the ORM's own version check on flush cannot fail.
    """
    stmt = update(CLIENTS).where(CLIENTS.c.id == client_id).values(version=CLIENTS.c.version)
    if expected_version is not None:
        stmt = stmt.where(CLIENTS.c.version == expected_version)
    return rowcount(await session.execute(stmt)) == 1


async def _claim_or_missing(session: AsyncSession, client_id: int) -> None:
    if not await claim_client(session, client_id):
        raise NotFound("client", client_id)


async def _load(session: AsyncSession, client_id: int, *, required: bool = True) -> Client:
    client = await session.get(Client, client_id, populate_existing=True)
    if client is None and required:
        raise NotFound("client", client_id)
    return cast(Client, client)


async def _conflict_or_missing(
    session: AsyncSession, client_id: int, expected_version: int
) -> EditConflict | NotFound:
    client = await session.get(Client, client_id, populate_existing=True)
    if client is None:
        return NotFound("client", client_id)
    last = await audit.last_client_update(session, client_id)
    return EditConflict(
        client_id,
        expected_version=expected_version,
        current_version=client.version,
        current=snapshot(client),
        changed_by=client.updated_by,
        changed_at=client.updated_at,
        their_changes=last.changes if last is not None else None,
    )


async def _require_tariff(session: AsyncSession, tariff_id: int | None) -> None:
    if tariff_id is None:
        return
    active = (await session.execute(select(Tariff.active).where(Tariff.id == tariff_id))).first()
    if active is None:
        raise InvalidChange("tariff_id", "no_tariff", tariff=tariff_id)
    if not active[0]:
        raise InvalidChange("tariff_id", "tariff_inactive", tariff=tariff_id)


async def _apply(
    session: AsyncSession,
    client: Client,
    values: Mapping[str, Any],
    *,
    actor: str,
    at: datetime | None,
    action: str,
) -> audit.Changes:
    """Set the changed fields, keep the display name in step, audit, flush (bumps version).
    Returns what changed (field -> [old, new])."""
    changes = audit.diff({f: getattr(client, f) for f in values}, values)
    if not changes:
        return changes
    at = at or utcnow()
    for field in changes:
        setattr(client, field, values[field])
    if _NAME_FIELDS & changes.keys():
        client.refresh_name()
    client.updated_at = at
    client.updated_by = actor
    audit.record(
        session,
        actor=actor,
        entity="client",
        entity_id=client.id,
        client_id=client.id,
        action=action,
        changes=changes,
        at=at,
    )
    await session.flush()
    return changes
