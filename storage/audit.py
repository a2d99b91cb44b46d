"""The audit trail: who changed what on a client or a debt, and when.

Written by the same functions that make the change, in the caller's transaction, so a
change and its record are committed (or rolled back) together. Values are stored
JSON-safe (Decimal and dates as strings) because the trail is read back by people and
exports, never computed on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Final

from sqlalchemy import ColumnElement, ScalarSelect, Select, case, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry, Client, ClientPhone
from storage.types import utcnow

Changes = dict[str, list[Any]]


def json_safe(value: Any) -> Any:
    """A value as it is kept in the trail: exact money as text, times in ISO 8601."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> Changes:
    """field -> [old, new] for every key of `new` whose value differs from `old`."""
    changes: Changes = {}
    for field, value in new.items():
        before = old.get(field)
        if before != value:
            changes[field] = [json_safe(before), json_safe(value)]
    return changes


def record(
    session: AsyncSession,
    *,
    actor: str,
    entity: str,
    entity_id: int,
    client_id: int | None,
    action: str,
    changes: Mapping[str, Any],
    at: datetime | None = None,
) -> AuditEntry:
    """Add one entry to the session; it is flushed and committed with the change itself."""
    entry = AuditEntry(
        at=at or utcnow(),
        actor=actor,
        entity=entity,
        entity_id=entity_id,
        client_id=client_id,
        action=action,
        changes={k: json_safe(v) for k, v in changes.items()},
    )
    session.add(entry)
    return entry


# What a supervisor does to an operator from the board (queue control, listen-in, pickup):
# the entry's entity; it concerns no client, and the operator is named in the changes.
OPERATOR_ENTITY: Final = "operator"


async def record_once(
    session: AsyncSession,
    *,
    actor: str,
    entity: str,
    action: str,
    changes: Mapping[str, Any],
    at: datetime,
    entity_id: int = 0,
) -> bool:
    """Add an entry unless the same one (who, what, when to the microsecond) is there:
    an entry written from a journal may be applied again after a crash. True if added."""
    same = select(AuditEntry.id).where(
        AuditEntry.at == at,
        AuditEntry.actor == actor,
        AuditEntry.entity == entity,
        AuditEntry.action == action,
    )
    if (await session.scalars(same.limit(1))).first() is not None:
        return False
    record(
        session,
        actor=actor,
        entity=entity,
        entity_id=entity_id,
        client_id=None,
        action=action,
        changes=changes,
        at=at,
    )
    return True


async def client_history(
    session: AsyncSession, client_id: int, *, limit: int = 100
) -> list[AuditEntry]:
    """A client's trail (its own fields, phones and debts), newest first."""
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.client_id == client_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return list((await session.scalars(stmt)).all())


async def last_client_update(session: AsyncSession, client_id: int) -> AuditEntry | None:
    """The latest edit of the client's own fields: what an edit conflict shows."""
    stmt = (
        select(AuditEntry)
        .where(
            AuditEntry.client_id == client_id,
            AuditEntry.entity == "client",
            AuditEntry.action.in_(("update", "blacklist", "tariff")),
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    return (await session.scalars(stmt)).first()


# ------------------------------------------------------------------ reading the trail

# Kinds of change a person filters the trail by, and the actions each covers (an action
# ending in "_" covers every action starting with it). Actions of no kind are "other".
CHANGE_KINDS: Final[dict[str, tuple[str, ...]]] = {
    "card": ("create", "update", "tariff", "counters"),
    "phones": ("phone_",),
    "blacklist": ("blacklist",),
    "money": ("money_",),
    "debts": ("debt_",),
    "addresses": ("address_",),
    "companies": ("company_",),
    "merge": ("merge", "merged_into"),
    "tariffs": ("tariff_",),
    "queues": ("queue_",),  # a supervisor paused or logged an operator in or out
    "supervision": ("spy_", "call_pickup"),  # listened in, whispered, barged, picked up
    "call_backs": ("missed_",),  # a missed number closed without a call-back, or reopened
}
OTHER_KIND: Final = "other"


def kind_of(action: str) -> str:
    """The kind of change an action is, as the trail's filter names it."""
    for kind, actions in CHANGE_KINDS.items():
        for covered in actions:
            if action == covered or (covered.endswith("_") and action.startswith(covered)):
                return kind
    return OTHER_KIND


def _kind_condition(kind: str) -> ColumnElement[bool]:
    if kind == OTHER_KIND:
        return not_(or_(*(_kind_condition(k) for k in CHANGE_KINDS)))
    conditions: list[ColumnElement[bool]] = []
    for covered in CHANGE_KINDS[kind]:
        if covered.endswith("_"):
            conditions.append(AuditEntry.action.startswith(covered, autoescape=True))
        else:
            conditions.append(AuditEntry.action == covered)
    return or_(*conditions)


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Which entries of the trail to show: one client's or the desk's, by whom, a
    [since, until) range and kinds of change (`CHANGE_KINDS` keys, or "other")."""

    client_id: int | None = None
    actor: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    kinds: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        unknown = self.kinds - {*CHANGE_KINDS, OTHER_KIND}
        if unknown:
            raise ValueError(f"unknown kinds of change: {', '.join(sorted(unknown))}")


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One entry of the trail with the name of the client it concerns (None when the
    client is gone or it concerns none, e.g. a tariff)."""

    id: int
    at: datetime
    actor: str
    entity: str
    entity_id: int
    client_id: int | None
    client_name: str | None
    action: str
    changes: dict[str, Any]
    client_phone: str | None = None  # a nameless client's first number (E.164)

    @property
    def kind(self) -> str:
        return kind_of(self.action)


def _audit_conditions(flt: AuditFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if flt.client_id is not None:
        conditions.append(AuditEntry.client_id == flt.client_id)
    if flt.actor:
        conditions.append(AuditEntry.actor == flt.actor)
    if flt.since is not None:
        conditions.append(AuditEntry.at >= flt.since)
    if flt.until is not None:
        conditions.append(AuditEntry.at < flt.until)
    if flt.kinds:
        conditions.append(or_(*(_kind_condition(k) for k in sorted(flt.kinds))))
    return conditions


def first_phone() -> ScalarSelect[str]:
    """A client's first number (E.164), correlated on `Client.id` of the enclosing select:
    one index range on client_phones.client_id per row."""
    return (
        select(ClientPhone.e164)
        .where(ClientPhone.client_id == Client.id)
        .order_by(ClientPhone.id)
        .limit(1)
        .scalar_subquery()
    )


def _audit_rows() -> Select[AuditEntry, str, str]:
    # A client without a name is named by a number (looked up only for those).
    phone = case((Client.name == "", first_phone()), else_=None)
    return select(AuditEntry, Client.name, phone).outerjoin(
        Client, Client.id == AuditEntry.client_id
    )


def _row(entry: AuditEntry, name: str | None, phone: str | None = None) -> AuditRow:
    return AuditRow(
        id=entry.id,
        at=entry.at,
        actor=entry.actor,
        entity=entry.entity,
        entity_id=entry.entity_id,
        client_id=entry.client_id,
        client_name=name,
        action=entry.action,
        changes=dict(entry.changes or {}),
        client_phone=phone,
    )


async def list_audit(
    session: AsyncSession, flt: AuditFilter, *, limit: int = 100, offset: int = 0
) -> list[AuditRow]:
    """Entries of the trail, newest first (in the order they were written: the primary
    key, so the desk-wide list walks an index whatever the filter), a page at a time.
    One client's entries use the (client_id, at) index."""
    stmt = (
        _audit_rows()
        .where(*_audit_conditions(flt))
        .order_by(AuditEntry.id.desc())
        .limit(limit)
        .offset(offset)
    )
    rows = (await session.execute(stmt)).all()
    return [_row(entry, name, phone) for entry, name, phone in rows]


async def count_audit(session: AsyncSession, flt: AuditFilter) -> int:
    stmt = select(func.count()).select_from(AuditEntry).where(*_audit_conditions(flt))
    return int((await session.execute(stmt)).scalar_one())


async def iter_audit(
    session: AsyncSession, flt: AuditFilter, batch_size: int = 2000
) -> AsyncIterator[list[AuditRow]]:
    """Every entry `flt` selects, oldest first, in keyset batches (for an export)."""
    after = 0
    while True:
        stmt = (
            _audit_rows()
            .where(*_audit_conditions(flt), AuditEntry.id > after)
            .order_by(AuditEntry.id)
            .limit(batch_size)
        )
        rows = (await session.execute(stmt)).all()
        if not rows:
            return
        batch = [_row(entry, name, phone) for entry, name, phone in rows]
        after = batch[-1].id
        yield batch


async def audit_actors(session: AsyncSession) -> list[str]:
    """Everyone the trail names, by name: what the desk-wide filter offers."""
    stmt = select(AuditEntry.actor).distinct().order_by(AuditEntry.actor)
    return [str(a) for a in (await session.scalars(stmt)).all()]
