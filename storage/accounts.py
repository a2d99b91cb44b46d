"""A client's personal account and bonuses as operations: credit, debit, correction,
bonus credit and bonus spend, each with amount, comment, operator and time.

`Client.balance` and `Client.bonus_balance` are the sums of the client's operations,
maintained by `add_operation` in the caller's transaction with one conditional UPDATE (so
the card keeps reading one row, and two consoles moving money at once both count). The
update bumps the client's version like an edit: a card edit opened before the money
moved then reports a conflict instead of writing an old balance back.

Changing money needs a supervisor or an admin (`storage.roles`). Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Final, cast

from sqlalchemy import (
    ColumnElement,
    String,
    Table,
    Text,
    bindparam,
    case,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm.util import identity_key

from storage import audit
from storage.amounts import exact_amount
from storage.clients import claim_client
from storage.errors import InvalidChange, NotFound
from storage.models import AccountOperation, Client, OperationKind
from storage.roles import Actor, require_role
from storage.types import Money, UtcDateTime, utcnow

CLIENTS = cast(Table, Client.__table__)
OPERATIONS = cast(Table, AccountOperation.__table__)

BALANCE_KINDS: Final = frozenset(
    {OperationKind.CREDIT, OperationKind.DEBIT, OperationKind.CORRECTION}
)
BONUS_KINDS: Final = frozenset({OperationKind.BONUS_CREDIT, OperationKind.BONUS_SPEND})
OPENING_COMMENT: Final = "opening balance"
# Kinds whose amount is given as a positive number and taken off the account.
_OUTGOING: Final = frozenset({OperationKind.DEBIT, OperationKind.BONUS_SPEND})


@dataclass(frozen=True, slots=True)
class Totals:
    """A client's personal account and bonuses after an operation."""

    balance: Decimal
    bonus_balance: Decimal


def _kind(value: str) -> OperationKind:
    try:
        return OperationKind(value)
    except ValueError:
        allowed = ", ".join(k.value for k in OperationKind)
        raise InvalidChange("kind", "one_of", allowed=allowed) from None


def signed_amount(kind: OperationKind, amount: Decimal | int | str) -> Decimal:
    """The change an operation makes: credits and spends are given as positive amounts
    (a debit of 100 is -100.00); a correction carries its own sign and is never zero."""
    value = exact_amount("amount", amount)
    if kind is OperationKind.CORRECTION:
        if value == 0:
            raise InvalidChange("amount", "zero_correction")
        return value
    if value <= 0:
        raise InvalidChange("amount", "not_positive")
    return -value if kind in _OUTGOING else value


async def add_operation(
    session: AsyncSession,
    client_id: int,
    kind: str,
    amount: Decimal | int | str,
    *,
    actor: Actor,
    comment: str = "",
    at: datetime | None = None,
) -> tuple[AccountOperation, Totals]:
    """Record one operation and move the client's total with it; returns both.

    Refused to a dispatcher (NotAllowed), for a bad amount (InvalidChange), for spending
    more bonuses than the client has, and for a missing client (NotFound). The balance may
    go below zero: the credit limit is a warning on the card, not a refusal here.
    """
    what = _kind(kind)
    require_role(actor, "change a client's money")
    delta = signed_amount(what, amount)
    comment = comment.strip()
    at = at or utcnow()
    column = "balance" if what in BALANCE_KINDS else "bonus_balance"
    cols = CLIENTS.c
    # Money is kopecks in the column (storage.types.Money); the delta is bound through it.
    stmt = update(CLIENTS).where(cols.id == client_id)
    if what is OperationKind.BONUS_SPEND:
        stmt = stmt.where(cols.bonus_balance + delta >= 0)
    stmt = stmt.values(
        {
            column: cols[column] + delta,
            "version": cols.version + 1,
            "updated_at": at,
            "updated_by": actor.name,
        }
    ).returning(cols.balance, cols.bonus_balance)
    row = (await session.execute(stmt)).first()
    if row is None:
        current = await session.get(Client, client_id, populate_existing=True)
        if current is None:
            raise NotFound("client", client_id)
        raise InvalidChange("amount", "few_bonuses", have=current.bonus_balance, spend=-delta)
    totals = Totals(balance=row[0], bonus_balance=row[1])
    operation = AccountOperation(
        client_id=client_id,
        kind=what.value,
        amount=delta,
        comment=comment,
        operator=actor.name,
        at=at,
    )
    session.add(operation)
    await session.flush()
    after = getattr(totals, column)
    audit.record(
        session,
        actor=actor.name,
        entity="account_operation",
        entity_id=operation.id,
        client_id=client_id,
        action=f"money_{what.value}",
        changes={
            column: [after - delta, after],
            "amount": [None, delta],
            "comment": [None, comment],
        },
        at=at,
    )
    # The client row changed under the ORM's feet: a loaded copy must not show the old one.
    cached = session.identity_map.get(identity_key(Client, client_id))
    if cached is not None:
        await session.refresh(cached)
    return operation, totals


async def correct_to(
    session: AsyncSession,
    client_id: int,
    *,
    actor: Actor,
    balance: Decimal | int | str | None = None,
    bonus_balance: Decimal | int | str | None = None,
    comment: str = "",
    at: datetime | None = None,
) -> Totals:
    """Bring the totals to the given values with one operation each where they differ:
    a `correction` for the balance, a bonus credit or spend for bonuses. For a person who
    types the new number (a form) or a file that carries it (an import): the history then
    says who changed it, by how much and when. Same roles and refusals as `add_operation`.
    """
    require_role(actor, "change a client's money")
    # Locked before the read: two people typing totals at once must not both compute
    # their difference from the same old value.
    if not await claim_client(session, client_id):
        raise NotFound("client", client_id)
    client = await session.get(Client, client_id, populate_existing=True)
    assert client is not None
    totals = Totals(client.balance, client.bonus_balance)
    wanted = (("balance", balance), ("bonus_balance", bonus_balance))
    for column, value in wanted:
        if value is None:
            continue
        target = exact_amount(column, value)
        delta = target - getattr(totals, column)
        if delta == 0:
            continue
        if column == "balance":
            kind, amount = OperationKind.CORRECTION, delta
        elif target < 0:
            raise InvalidChange(column, "negative")
        else:
            kind = OperationKind.BONUS_CREDIT if delta > 0 else OperationKind.BONUS_SPEND
            amount = abs(delta)
        _op, totals = await add_operation(
            session, client_id, kind, amount, actor=actor, comment=comment, at=at
        )
    return totals


async def record_opening_balances(
    conn: AsyncConnection, *, first_id: int, last_id: int, operator: str, at: datetime
) -> None:
    """For clients written in bulk with their totals (demo data): one opening operation
    per account with a non-zero total, so the totals are the sums there as well.

    Migration 0004 did the same for the databases it upgraded; it keeps its own copy
    because a migration must not change when this module does.
    """
    c = CLIENTS.c
    columns = ["client_id", "kind", "amount", "comment", "operator", "at"]
    fixed = (
        literal(OPENING_COMMENT, Text()),
        literal(operator, String()),
        literal(at, UtcDateTime()),
    )
    in_range = c.id.between(first_id, last_id)
    balances = select(c.id, literal(OperationKind.CORRECTION.value), c.balance, *fixed).where(
        in_range, c.balance != 0
    )
    bonus_kind = case(
        (c.bonus_balance > 0, OperationKind.BONUS_CREDIT.value),
        else_=OperationKind.BONUS_SPEND.value,
    )
    bonuses = select(c.id, bonus_kind, c.bonus_balance, *fixed).where(
        in_range, c.bonus_balance != 0
    )
    for rows in (balances, bonuses):
        await conn.execute(insert(OPERATIONS).from_select(columns, rows))


@dataclass(frozen=True, slots=True)
class OperationFilter:
    """Which of a client's operations a history shows: kinds and a [since, until) range."""

    kinds: frozenset[OperationKind] = frozenset()
    since: datetime | None = None
    until: datetime | None = None


def _conditions(client_id: int, flt: OperationFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [AccountOperation.client_id == client_id]
    if flt.kinds:
        conditions.append(AccountOperation.kind.in_(sorted(k.value for k in flt.kinds)))
    if flt.since is not None:
        conditions.append(AccountOperation.at >= flt.since)
    if flt.until is not None:
        conditions.append(AccountOperation.at < flt.until)
    return conditions


async def operation_history(
    session: AsyncSession,
    client_id: int,
    flt: OperationFilter | None = None,
    *,
    limit: int = 200,
) -> list[AccountOperation]:
    """A client's operations, newest first, filtered by kind and time."""
    stmt = (
        select(AccountOperation)
        .where(*_conditions(client_id, flt or OperationFilter()))
        .order_by(AccountOperation.at.desc(), AccountOperation.id.desc())
        .limit(limit)
    )
    return list((await session.scalars(stmt)).all())


async def summed_totals(session: AsyncSession, client_id: int) -> Totals:
    """The totals as the operations add up, summed in the database (what the maintained
    `Client.balance`/`bonus_balance` must equal)."""

    def total(kinds: frozenset[OperationKind]) -> Any:
        kind_values = sorted(k.value for k in kinds)
        summed = func.sum(OPERATIONS.c.amount).filter(OPERATIONS.c.kind.in_(kind_values))
        return func.coalesce(summed, 0, type_=Money())

    stmt = select(total(BALANCE_KINDS), total(BONUS_KINDS)).where(
        OPERATIONS.c.client_id == client_id
    )
    balance, bonus = (await session.execute(stmt)).one()
    return Totals(balance=balance, bonus_balance=bonus)


async def add_operations_in_bulk(
    conn: AsyncConnection | AsyncSession,
    moves: Sequence[tuple[int, Decimal, Decimal]],
    *,
    actor: Actor,
    at: datetime,
    comment: str = OPENING_COMMENT,
) -> None:
    """Many clients' (client id, balance change, bonus change) at once, as operations — a
    `correction` for the balance, a bonus credit or spend for bonuses — with the totals
    moved by the same amounts and the versions bumped: two statements whatever the count
    (an import of another desk's base). Same role as `add_operation`; zero changes make no
    operation. The caller checks that no bonus total goes below zero."""
    require_role(actor, "change a client's money")
    rows: list[tuple[int, str, Decimal]] = []
    params: list[dict[str, Any]] = []
    for client_id, balance, bonus in moves:
        if balance:
            rows.append((client_id, OperationKind.CORRECTION.value, balance))
        if bonus:
            kind = OperationKind.BONUS_CREDIT if bonus > 0 else OperationKind.BONUS_SPEND
            rows.append((client_id, kind.value, bonus))
        if balance or bonus:
            params.append({"b_id": client_id, "b_balance": balance, "b_bonus": bonus})
    if not rows:
        return
    await conn.execute(
        insert(OPERATIONS),
        [
            {
                "client_id": cid,
                "kind": kind,
                "amount": amount,
                "comment": comment,
                "operator": actor.name,
                "at": at,
            }
            for cid, kind, amount in rows
        ],
    )
    c = CLIENTS.c
    stmt = (
        update(CLIENTS)
        .where(c.id == bindparam("b_id"))
        .values(
            balance=c.balance + bindparam("b_balance", type_=Money()),
            bonus_balance=c.bonus_balance + bindparam("b_bonus", type_=Money()),
            version=c.version + 1,
        )
    )
    await conn.execute(stmt, params)
