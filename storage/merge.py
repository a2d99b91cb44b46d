"""Merging two cards of one person: a preview of what moves and which values win, then
everything moved in one transaction.

A first call from a new number makes a second card for a known client; a merge brings
the two together. The *survivor* keeps its id; the *other* card's phones, calls, debts,
account operations, audit entries and every other row that belongs to a client (any
table with a foreign key to `clients.id`, so addresses and company links move too when
the schema has them) are moved onto the survivor, and the other card is deleted, leaving
an audit entry (`merged_into`, naming the survivor) in the survivor's trail.

Where the two cards' values differ, the survivor's win unless the survivor has none (an
empty street is filled from the other card) or the person merging picks the other one
per field. Counters are added up, the registration is the earlier one, the last call and
order the later ones, a blacklist on either card stays on, and the balances are summed
again from the moved operations. Merging needs a supervisor or an admin. Nothing here
commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Literal, cast

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit
from storage.accounts import summed_totals
from storage.clients import claim_client
from storage.errors import InvalidChange, NotFound
from storage.models import AuditEntry, Base, Client, ClientPhone, Tariff
from storage.roles import Actor, require_role
from storage.types import utcnow

CLIENTS = cast(Table, Client.__table__)
AUDIT = cast(Table, AuditEntry.__table__)

# The fields a person picks between, in the order a preview lists them.
MERGE_FIELDS: Final = (
    "kind",
    "last_name",
    "first_name",
    "middle_name",
    "organisation",
    "city",
    "street",
    "house",
    "entrance",
    "email",
    "birthday",
    "language",
    "comment",
    "tariff_id",
    "status",
    "credit_limit",
    "discount_percent",
    "rating",
)
_COUNTERS: Final = ("completed_orders", "false_orders", "bonus_orders", "complaints")
_NAME_FIELDS: Final = frozenset({"kind", "last_name", "first_name", "middle_name", "organisation"})
_BLACKLIST: Final = ("blacklisted", "blacklist_reason", "blacklisted_at", "blacklisted_by")

Side = Literal["survivor", "other"]


@dataclass(frozen=True, slots=True)
class FieldDifference:
    """One field the two cards disagree on, and whose value a merge keeps by default."""

    field: str
    survivor: Any
    other: Any
    default: Side


@dataclass(frozen=True, slots=True)
class MergePreview:
    """What merging `other_id` into `survivor_id` would do. `moves` counts the rows that
    change owner by kind (phones, calls, debts, operations, audit entries, and whatever
    other client rows the schema has, e.g. addresses); `phones` names the numbers."""

    survivor_id: int
    other_id: int
    survivor_name: str
    other_name: str
    survivor_version: int
    other_version: int
    phones: tuple[str, ...]
    moves: dict[str, int]
    differences: tuple[FieldDifference, ...]
    counters: dict[str, int] = field(default_factory=dict)
    # The names of the tariffs a `tariff_id` difference names, for showing it.
    tariffs: dict[int, str] = field(default_factory=dict)


def _empty(value: Any) -> bool:
    return value is None or value == ""


def _moving_tables() -> list[tuple[str, Table, str]]:
    """(kind, table, column) of every row that belongs to a client: each table with a
    foreign key to clients.id, and the audit trail (which keeps ids, not keys)."""
    found: list[tuple[str, Table, str]] = []
    for table in Base.metadata.sorted_tables:
        if table.name == "clients":
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == "clients" and fk.column.name == "id":
                found.append((table.name, table, fk.parent.name))
    found.append(("audit_log", AUDIT, "client_id"))
    return found


async def _client(session: AsyncSession, client_id: int) -> Client:
    client = await session.get(Client, client_id, populate_existing=True)
    if client is None:
        raise NotFound("client", client_id)
    return client


async def preview_merge(session: AsyncSession, survivor_id: int, other_id: int) -> MergePreview:
    """What a merge would move and where the cards differ; writes nothing."""
    if survivor_id == other_id:
        raise InvalidChange("other", "merge_self")
    survivor = await _client(session, survivor_id)
    other = await _client(session, other_id)
    moves: dict[str, int] = {}
    for kind, table, column in _moving_tables():
        count = await session.scalar(
            select(func.count()).select_from(table).where(table.c[column] == other_id)
        )
        moves[kind] = int(count or 0)
    phones = (
        await session.scalars(
            select(ClientPhone.e164)
            .where(ClientPhone.client_id == other_id)
            .order_by(ClientPhone.id)
        )
    ).all()
    differences = []
    for name in MERGE_FIELDS:
        mine, theirs = getattr(survivor, name), getattr(other, name)
        if mine != theirs and not _empty(theirs):
            default: Side = "other" if _empty(mine) else "survivor"
            differences.append(FieldDifference(name, mine, theirs, default))
    counters = {name: getattr(survivor, name) + getattr(other, name) for name in _COUNTERS}
    ids = [t for t in (survivor.tariff_id, other.tariff_id) if t is not None]
    tariffs: dict[int, str] = {}
    if ids:
        rows = await session.execute(select(Tariff.id, Tariff.name).where(Tariff.id.in_(ids)))
        tariffs = {int(tid): str(name) for tid, name in rows.all()}
    return MergePreview(
        survivor_id=survivor.id,
        other_id=other.id,
        survivor_name=survivor.name,
        other_name=other.name,
        survivor_version=survivor.version,
        other_version=other.version,
        phones=tuple(phones),
        moves=moves,
        differences=tuple(differences),
        counters=counters,
        tariffs=tariffs,
    )


def merged_values(preview: MergePreview, picks: dict[str, Side] | None = None) -> dict[str, Any]:
    """The survivor's fields after the merge: each difference's default unless picked."""
    picks = picks or {}
    unknown = set(picks) - {d.field for d in preview.differences}
    if unknown:
        raise InvalidChange(sorted(unknown)[0], "merge_no_difference")
    values: dict[str, Any] = {}
    for diff in preview.differences:
        side = picks.get(diff.field, diff.default)
        if side not in ("survivor", "other"):
            raise InvalidChange(diff.field, "one_of", allowed="survivor, other")
        values[diff.field] = diff.other if side == "other" else diff.survivor
    return values


async def merge_clients(
    session: AsyncSession,
    survivor_id: int,
    other_id: int,
    *,
    actor: Actor,
    picks: dict[str, Side] | None = None,
    expected_versions: tuple[int, int] | None = None,
    at: datetime | None = None,
) -> MergePreview:
    """Merge `other_id` into `survivor_id` in the caller's transaction; returns the
    preview it acted on. Refused to a dispatcher (NotAllowed) before anything is read.

    `expected_versions` (survivor's, other's) are the versions a preview showed: when
    either card changed since, nothing is written and `InvalidChange("version",
    "merge_stale")` asks for a new preview.
    """
    require_role(actor, "merge clients")
    if survivor_id == other_id:
        raise InvalidChange("other", "merge_self")
    at = at or utcnow()
    # Both rows locked, in id order (two merges of the same pair cannot deadlock).
    for client_id in sorted((survivor_id, other_id)):
        if not await claim_client(session, client_id):
            raise NotFound("client", client_id)
    preview = await preview_merge(session, survivor_id, other_id)
    if expected_versions is not None and expected_versions != (
        preview.survivor_version,
        preview.other_version,
    ):
        raise InvalidChange("version", "merge_stale")
    values = merged_values(preview, picks)
    survivor = await _client(session, survivor_id)
    other = await _client(session, other_id)
    other_state = {name: audit.json_safe(getattr(other, name)) for name in ("name", *MERGE_FIELDS)}

    for _kind, table, column in _moving_tables():
        await session.execute(
            update(table).where(table.c[column] == other_id).values({column: survivor_id})
        )

    new: dict[str, Any] = dict(values)
    new.update(preview.counters)
    if other.blacklisted and not survivor.blacklisted:
        new.update({name: getattr(other, name) for name in _BLACKLIST})
    if other.registered_at < survivor.registered_at:
        new["registered_at"] = other.registered_at
    for name in ("last_call_at", "last_order_at"):
        theirs = getattr(other, name)
        mine = getattr(survivor, name)
        if theirs is not None and (mine is None or theirs > mine):
            new[name] = theirs
    totals = await summed_totals(session, survivor_id)
    new.update(balance=totals.balance, bonus_balance=totals.bonus_balance)

    # The other card goes first: its phones and rows are the survivor's already.
    await session.execute(delete(CLIENTS).where(CLIENTS.c.id == other_id))
    session.expunge(other)
    before = {name: getattr(survivor, name) for name in new}
    for name, value in new.items():
        setattr(survivor, name, value)
    if _NAME_FIELDS & new.keys():
        survivor.refresh_name()
    survivor.updated_at = at
    survivor.updated_by = actor.name
    changes = audit.diff(before, new)
    changes["merged_from"] = [None, other_id]
    changes["phones"] = [None, list(preview.phones)]
    changes["moved"] = [None, {k: v for k, v in preview.moves.items() if v}]
    audit.record(
        session,
        actor=actor.name,
        entity="client",
        entity_id=survivor_id,
        client_id=survivor_id,
        action="merge",
        changes=changes,
        at=at,
    )
    audit.record(
        session,
        actor=actor.name,
        entity="client",
        entity_id=other_id,
        client_id=survivor_id,
        action="merged_into",
        changes={"merged_into": [None, survivor_id], "card": [other_state, None]},
        at=at,
    )
    await session.flush()
    return preview
