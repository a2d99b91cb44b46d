"""Clients' debts: late-cancel penalties, unpaid orders, manual charges; and their payment.

Amounts are exact (Decimal with two places, kept in kopecks). A debt is paid once: the
payment is a conditional UPDATE (`WHERE paid_at IS NULL`), so two consoles paying the
same debt cannot both succeed; the second is told who paid and when. Every change is
audited in the caller's transaction; nothing here commits.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Final, cast

from sqlalchemy import ColumnElement, Select, Table, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit
from storage.amounts import exact_amount
from storage.clients import rowcount
from storage.errors import DebtAlreadyPaid, InvalidChange, NotFound
from storage.filters import Page
from storage.models import Client, Debt, DebtReason
from storage.roles import CLOSE_DEBT, Actor, as_actor, require_role
from storage.types import CENT, utcnow

DEBTS = cast(Table, Debt.__table__)
_REASONS: Final = frozenset(r.value for r in DebtReason)


@dataclass(frozen=True, slots=True)
class DebtRow:
    """A debt with its client's name, as lists and exports show it."""

    id: int
    client_id: int
    client_name: str
    amount: Decimal
    currency: str
    reason: str
    order_ref: str
    comment: str
    created_at: datetime
    created_by: str
    paid_at: datetime | None
    paid_by: str
    payment_comment: str

    @property
    def paid(self) -> bool:
        return self.paid_at is not None


def _amount(value: Decimal | int | str) -> Decimal:
    amount = exact_amount("amount", value)
    if amount <= 0:
        raise InvalidChange("amount", "not_positive")
    return amount


async def add_debt(
    session: AsyncSession,
    client_id: int,
    amount: Decimal | int | str,
    *,
    reason: str,
    actor: str,
    order_ref: str = "",
    comment: str = "",
    currency: str = "RUB",
    at: datetime | None = None,
) -> Debt:
    """Charge a client: amount > 0 with at most two places; reason from DebtReason."""
    value = _amount(amount)
    if reason not in _REASONS:
        raise InvalidChange("reason", "one_of", allowed=", ".join(sorted(_REASONS)))
    currency = currency.strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise InvalidChange("currency", "currency")
    if await session.get(Client, client_id) is None:
        raise NotFound("client", client_id)
    at = at or utcnow()
    debt = Debt(
        client_id=client_id,
        amount=value,
        currency=currency,
        reason=reason,
        order_ref=order_ref.strip()[:64],
        comment=comment.strip(),
        created_at=at,
        created_by=actor,
    )
    session.add(debt)
    await session.flush()
    audit.record(
        session,
        actor=actor,
        entity="debt",
        entity_id=debt.id,
        client_id=client_id,
        action="debt_add",
        changes={
            "amount": [None, value],
            "currency": [None, currency],
            "reason": [None, reason],
            "order_ref": [None, debt.order_ref],
        },
        at=at,
    )
    return debt


async def mark_debt_paid(
    session: AsyncSession,
    debt_id: int,
    *,
    actor: Actor | str,
    at: datetime,
    comment: str = "",
) -> Debt:
    """Record the payment of a debt; DebtAlreadyPaid (who, when) if it was paid before.

    Closing a debt needs a supervisor or an admin (NotAllowed, before anything is written;
    a bare name acts as a dispatcher)."""
    require_role(as_actor(actor), CLOSE_DEBT)
    actor = as_actor(actor).name
    stmt = (
        update(DEBTS)
        .where(DEBTS.c.id == debt_id, DEBTS.c.paid_at.is_(None))
        .values(paid_at=at, paid_by=actor, payment_comment=comment.strip())
    )
    claimed = rowcount(await session.execute(stmt)) == 1
    debt = await session.get(Debt, debt_id, populate_existing=True)
    if debt is None:
        raise NotFound("debt", debt_id)
    if not claimed:
        raise DebtAlreadyPaid(debt_id, debt.paid_at, debt.paid_by)
    audit.record(
        session,
        actor=actor,
        entity="debt",
        entity_id=debt_id,
        client_id=debt.client_id,
        action="debt_paid",
        changes={
            "paid_at": [None, at],
            "paid_by": [None, actor],
            "payment_comment": [None, comment],
        },
        at=at,
    )
    await session.flush()
    return debt


async def unpaid_total(session: AsyncSession, client_id: int) -> tuple[Decimal, int]:
    """(sum, count) of a client's unpaid debts, summed exactly in the database."""
    stmt = select(func.coalesce(func.sum(DEBTS.c.amount), 0), func.count()).where(
        DEBTS.c.client_id == client_id, DEBTS.c.paid_at.is_(None)
    )
    total, count = (await session.execute(stmt)).one()  # Money: the sum comes back Decimal
    return Decimal(total).quantize(CENT), int(count)


def _conditions(client_id: int | None, paid: bool | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if client_id is not None:
        conditions.append(Debt.client_id == client_id)
    if paid is not None:
        conditions.append(Debt.paid_at.is_not(None) if paid else Debt.paid_at.is_(None))
    return conditions


def _rows() -> Select[*tuple[Any, ...]]:
    return select(
        Debt.id,
        Debt.client_id,
        Client.name,
        Debt.amount,
        Debt.currency,
        Debt.reason,
        Debt.order_ref,
        Debt.comment,
        Debt.created_at,
        Debt.created_by,
        Debt.paid_at,
        Debt.paid_by,
        Debt.payment_comment,
    ).join(Client, Client.id == Debt.client_id)


async def list_debts(
    session: AsyncSession,
    client_id: int | None = None,
    paid: bool | None = None,
    *,
    page: int = 0,
    page_size: int = 20,
) -> Page[DebtRow]:
    """One page of debts, newest first; the total is counted for one client's debts only
    (counting every debt of a large base on each page turn is not worth it)."""
    conditions = _conditions(client_id, paid)
    stmt = (
        _rows()
        .where(*conditions)
        .order_by(Debt.created_at.desc(), Debt.id.desc())
        .offset(page * page_size)
        .limit(page_size + 1)
    )
    rows = [DebtRow(*r) for r in (await session.execute(stmt))]
    total: int | None = None
    if client_id is not None:
        count = select(func.count()).select_from(Debt).where(*conditions)
        total = int((await session.execute(count)).scalar_one())
    return Page(
        rows=rows[:page_size],
        page=page,
        page_size=page_size,
        total=total,
        has_next=len(rows) > page_size,
    )


async def iter_debts(
    session: AsyncSession,
    client_id: int | None = None,
    paid: bool | None = None,
    *,
    batch_size: int = 1000,
) -> AsyncIterator[list[DebtRow]]:
    """Every matching debt in id order, in batches (keyset paging): for exports."""
    conditions = _conditions(client_id, paid)
    after = 0
    while True:
        stmt = _rows().where(*conditions, Debt.id > after).order_by(Debt.id).limit(batch_size)
        batch = [DebtRow(*r) for r in (await session.execute(stmt))]
        if not batch:
            return
        yield batch
        if len(batch) < batch_size:
            return
        after = batch[-1].id
