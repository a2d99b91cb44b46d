"""The audit trail: who changed what on a client or a debt, and when.

Written by the same functions that make the change, in the caller's transaction, so a
change and its record are committed (or rolled back) together. Values are stored
JSON-safe (Decimal and dates as strings) because the trail is read back by people and
exports, never computed on.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry
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
