"""Tariffs a desk offers: list, add, rename, retire (and bring back).

A retired tariff is never deleted: clients that have it keep it and the card still names
it, but it is offered no more (the card form and the client base's filter list only
`Tariff.active` ones, and `storage.clients` refuses to give it to a client anew).
Managing tariffs needs a supervisor or an admin; each change is audited with who and when
in the caller's transaction. Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit
from storage.errors import InvalidChange, NotFound
from storage.models import Client, Tariff
from storage.roles import Actor, require_role
from storage.types import utcnow

NAME_LIMIT: Final = 100


@dataclass(frozen=True, slots=True)
class TariffRow:
    """A tariff as `opconsole tariffs list` shows it: with how many clients have it."""

    id: int
    name: str
    description: str
    active: bool
    clients: int


async def list_tariffs(session: AsyncSession, *, retired: bool = True) -> list[TariffRow]:
    """Tariffs by name, with their client counts; `retired=False` gives the offered ones."""
    counts = (
        select(Client.tariff_id, func.count().label("n"))
        .where(Client.tariff_id.is_not(None))
        .group_by(Client.tariff_id)
        .subquery()
    )
    stmt = (
        select(Tariff, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.tariff_id == Tariff.id)
        .order_by(Tariff.name)
    )
    if not retired:
        stmt = stmt.where(Tariff.active)
    rows = (await session.execute(stmt)).all()
    return [TariffRow(t.id, t.name, t.description, t.active, int(n)) for t, n in rows]


async def clients_with_tariff(session: AsyncSession, tariff_id: int) -> int:
    """How many clients have the tariff (they keep it when it is renamed or retired)."""
    stmt = select(func.count()).select_from(Client).where(Client.tariff_id == tariff_id)
    return int((await session.execute(stmt)).scalar_one())


def _name(value: str) -> str:
    name = " ".join(value.split())
    if not name:
        raise InvalidChange("name", "name_required")
    if len(name) > NAME_LIMIT:
        raise InvalidChange("name", "too_long", limit=NAME_LIMIT)
    return name


async def _by_name(session: AsyncSession, name: str) -> Tariff | None:
    # Names are compared as people read them: "комфорт" is the tariff "Комфорт". In Python,
    # because SQLite's lower() folds ASCII only; a desk has a handful of tariffs.
    wanted = name.casefold()
    tariffs = (await session.scalars(select(Tariff))).all()
    return next((t for t in tariffs if t.name.casefold() == wanted), None)


async def find_tariff(session: AsyncSession, name_or_id: str) -> Tariff:
    """A tariff by its name (any case) or its id; NotFound otherwise."""
    tariff = await _by_name(session, _name(name_or_id))
    if tariff is None and name_or_id.strip().isdigit():
        tariff = await session.get(Tariff, int(name_or_id))
    if tariff is None:
        raise NotFound("tariff", name_or_id.strip())
    return tariff


async def _unique(session: AsyncSession, name: str, keep: Tariff | None = None) -> None:
    same = await _by_name(session, name)
    if same is not None and same is not keep:
        code = "tariff_exists" if same.active else "tariff_retired_exists"
        raise InvalidChange("name", code, name=same.name)


def _record(
    session: AsyncSession,
    actor: Actor,
    tariff: Tariff,
    action: str,
    changes: dict[str, Any],
    at: datetime | None,
) -> None:
    audit.record(
        session,
        actor=actor.name,
        entity="tariff",
        entity_id=tariff.id,
        client_id=None,
        action=action,
        changes=changes,
        at=at or utcnow(),
    )


async def add_tariff(
    session: AsyncSession,
    name: str,
    *,
    actor: Actor,
    description: str = "",
    at: datetime | None = None,
) -> Tariff:
    """A new tariff, offered from now on; a name already taken (in any case) is refused."""
    require_role(actor, "manage tariffs")
    name = _name(name)
    await _unique(session, name)
    tariff = Tariff(name=name, description=description.strip(), active=True)
    session.add(tariff)
    await session.flush()
    _record(session, actor, tariff, "tariff_add", {"name": [None, name]}, at)
    return tariff


async def rename_tariff(
    session: AsyncSession,
    name_or_id: str,
    new_name: str,
    *,
    actor: Actor,
    at: datetime | None = None,
) -> Tariff:
    """Rename a tariff; its clients keep it under the new name."""
    require_role(actor, "manage tariffs")
    tariff = await find_tariff(session, name_or_id)
    new_name = _name(new_name)
    if new_name == tariff.name:
        return tariff
    await _unique(session, new_name, keep=tariff)
    old = tariff.name
    tariff.name = new_name
    await session.flush()
    _record(session, actor, tariff, "tariff_rename", {"name": [old, new_name]}, at)
    return tariff


async def set_tariff_active(
    session: AsyncSession,
    name_or_id: str,
    active: bool,
    *,
    actor: Actor,
    at: datetime | None = None,
) -> Tariff:
    """Retire a tariff (active=False: kept by its clients, offered no more) or bring it
    back. Already in that state: nothing is written."""
    require_role(actor, "manage tariffs")
    tariff = await find_tariff(session, name_or_id)
    if tariff.active == active:
        return tariff
    tariff.active = active
    await session.flush()
    action = "tariff_restore" if active else "tariff_retire"
    _record(session, actor, tariff, action, {"active": [not active, active]}, at)
    return tariff
