"""Rows for the exports, fetched in keyset batches so no query ever returns a whole table.

Each batch is a list of small named tuples; a batch of clients costs three round trips
(clients, their phones, their unpaid totals) whatever its size, one more with a search
(its next window of matches). Filters mean what they mean in the console's tables
(`storage.filters`), and select the same rows: clients through
`storage.client_list.iter_matching` (the client table's own conditions and search, every
match of a search taken), calls and debts through the shared iterators in
`storage.calls` and `storage.debts`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.addresses import Address, address_of, most_used_first
from storage.calls import iter_calls
from storage.client_list import activity_of, count_matching, iter_matching, reference_time
from storage.debts import iter_debts
from storage.filters import CallFilter, ClientFilter
from storage.models import (
    Call,
    Client,
    ClientAddress,
    ClientPhone,
    Company,
    CompanyEmployee,
    Debt,
    Tariff,
)
from storage.types import to_money
from storage.xlsx.headers import ADDRESS_PARTS


class ClientRow(NamedTuple):
    id: int
    kind: str
    name: str
    last_name: str
    first_name: str
    middle_name: str
    organisation: str
    phones: tuple[str, ...]  # E.164, in the order they were added
    birthday: date | None
    email: str
    city: str
    street: str
    house: str
    entrance: str
    status: str
    activity: str
    completed_orders: int
    false_orders: int
    unpaid_debt: Decimal
    blacklisted: bool
    blacklist_reason: str
    tariff: str
    registered_at: datetime
    comment: str
    balance: Decimal
    bonus_balance: Decimal
    credit_limit: Decimal
    discount_percent: Decimal
    rating: Decimal
    company: str
    company_account: bool | None  # None: works for no company
    phone_labels: tuple[str, ...]  # one per phone, same order ("" for none)
    addresses: tuple[tuple[str, ...], ...]  # most used first, `headers.ADDRESS_PARTS` each


class CallRow(NamedTuple):
    started_at: datetime
    direction: str
    number: str | None
    number_raw: str
    caller_name: str | None
    client: str | None
    queue: str | None
    operators_rung: list[str]
    answered_by: str | None
    disposition: str
    wait_s: float
    talk_s: float
    answered_at: datetime | None
    ended_at: datetime
    server: str


class DebtRow(NamedTuple):
    created_at: datetime
    client: str
    phone: str | None
    amount: Decimal
    currency: str
    reason: str
    order_ref: str
    comment: str
    created_by: str
    paid_at: datetime | None
    paid_by: str
    payment_comment: str


async def count_clients(session: AsyncSession, flt: ClientFilter) -> int:
    """How many rows `iter_client_rows` yields for `flt` (for the progress bar)."""
    return await count_matching(session, flt, reference_time(None))


async def iter_client_rows(
    session: AsyncSession, flt: ClientFilter, batch_size: int = 1000
) -> AsyncIterator[list[ClientRow]]:
    """The clients the client table selects for `flt` (every match of a search), in id
    order, at most `batch_size` at a time, with phones, tariff and unpaid total."""
    now = reference_time(None)
    tariffs = dict((await session.execute(select(Tariff.id, Tariff.name))).all())
    cols = (
        Client.kind,
        Client.name,
        Client.last_name,
        Client.first_name,
        Client.middle_name,
        Client.organisation,
        Client.birthday,
        Client.email,
        Client.city,
        Client.street,
        Client.house,
        Client.entrance,
        Client.status,
        Client.completed_orders,
        Client.false_orders,
        Client.blacklisted,
        Client.blacklist_reason,
        Client.tariff_id,
        Client.registered_at,
        Client.comment,
        Client.last_call_at,
        Client.last_order_at,
        Client.balance,
        Client.bonus_balance,
        Client.credit_limit,
        Client.discount_percent,
        Client.rating,
    )
    async for records in iter_matching(session, flt, cols, now, batch_size):
        ids = [r.id for r in records]
        labelled = await _labelled_phones_for(session, ids)
        phones = {cid: [e164 for e164, _ in rows] for cid, rows in labelled.items()}
        debts = await _unpaid_for(session, ids)
        places = await _addresses_for(session, ids)
        companies = await _companies_for(session, ids)
        yield [
            ClientRow(
                id=r.id,
                kind=r.kind,
                name=r.name,
                last_name=r.last_name,
                first_name=r.first_name,
                middle_name=r.middle_name,
                organisation=r.organisation,
                phones=tuple(phones.get(r.id, ())),
                birthday=r.birthday,
                email=r.email,
                city=r.city,
                street=r.street,
                house=r.house,
                entrance=r.entrance,
                status=r.status,
                activity=activity_of(r.registered_at, r.last_call_at, r.last_order_at, now),
                completed_orders=r.completed_orders,
                false_orders=r.false_orders,
                unpaid_debt=debts.get(r.id, Decimal("0.00")),
                blacklisted=r.blacklisted,
                blacklist_reason=r.blacklist_reason,
                tariff=tariffs.get(r.tariff_id, "") if r.tariff_id is not None else "",
                registered_at=r.registered_at,
                comment=r.comment,
                balance=r.balance,
                bonus_balance=r.bonus_balance,
                credit_limit=r.credit_limit,
                discount_percent=r.discount_percent,
                rating=r.rating,
                company=companies[r.id][0] if r.id in companies else "",
                company_account=companies[r.id][1] if r.id in companies else None,
                phone_labels=tuple(label for _, label in labelled.get(r.id, ())),
                addresses=tuple(places.get(r.id, ())),
            )
            for r in records
        ]


async def _labelled_phones_for(
    session: AsyncSession, ids: Sequence[int]
) -> dict[int, list[tuple[str, str]]]:
    stmt = (
        select(ClientPhone.client_id, ClientPhone.e164, ClientPhone.label)
        .where(ClientPhone.client_id.between(ids[0], ids[-1]), ClientPhone.client_id.in_(ids))
        .order_by(ClientPhone.client_id, ClientPhone.id)
    )
    out: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for client_id, e164, label in await session.execute(stmt):
        out[client_id].append((e164, label))
    return out


async def _addresses_for(
    session: AsyncSession, ids: Sequence[int]
) -> dict[int, list[tuple[str, ...]]]:
    """Each client's addresses, most used first, as `headers.ADDRESS_PARTS` tuples."""
    stmt = select(ClientAddress).where(ClientAddress.client_id.in_(ids))
    found: dict[int, list[Address]] = defaultdict(list)
    for row in (await session.scalars(stmt)).all():
        found[row.client_id].append(address_of(row))
    session.expunge_all()
    return {
        cid: [tuple(getattr(a, part) for part in ADDRESS_PARTS) for a in most_used_first(rows)]
        for cid, rows in found.items()
    }


async def _companies_for(session: AsyncSession, ids: Sequence[int]) -> dict[int, tuple[str, bool]]:
    stmt = (
        select(CompanyEmployee.client_id, Company.name, CompanyEmployee.may_order_on_account)
        .join(Company, Company.id == CompanyEmployee.company_id)
        .where(CompanyEmployee.client_id.in_(ids))
    )
    return {cid: (name, bool(allowed)) for cid, name, allowed in await session.execute(stmt)}


async def _phones_for(session: AsyncSession, ids: Sequence[int]) -> dict[int, list[str]]:
    stmt = (
        select(ClientPhone.client_id, ClientPhone.e164)
        .where(ClientPhone.client_id.between(ids[0], ids[-1]), ClientPhone.client_id.in_(ids))
        .order_by(ClientPhone.client_id, ClientPhone.id)
    )
    out: dict[int, list[str]] = defaultdict(list)
    for client_id, e164 in await session.execute(stmt):
        out[client_id].append(e164)
    return out


async def _unpaid_for(session: AsyncSession, ids: Sequence[int]) -> dict[int, Decimal]:
    stmt = (
        select(Debt.client_id, func.sum(Debt.amount))
        .where(Debt.client_id.in_(ids), Debt.paid_at.is_(None))
        .group_by(Debt.client_id)
    )
    # sum() keeps the Money type: the database adds kopecks, Python gets a Decimal.
    return {cid: to_money(total) for cid, total in await session.execute(stmt) if total is not None}


async def count_calls(session: AsyncSession, flt: CallFilter) -> int | None:
    """How many calls the export will write (for the progress bar), None when the filter
    needs the JSON operator match that only `storage.calls` spells per dialect."""
    if flt.operator is not None:
        return None
    conds: list[ColumnElement[bool]] = []
    if flt.since is not None:
        conds.append(Call.started_at >= flt.since)
    if flt.until is not None:
        conds.append(Call.started_at < flt.until)
    if flt.disposition is not None:
        conds.append(Call.disposition == flt.disposition)
    if flt.client_id is not None:
        conds.append(Call.client_id == flt.client_id)
    if flt.direction is not None:
        conds.append(Call.direction == flt.direction)
    stmt = select(func.count()).select_from(Call).where(*conds)
    return int((await session.execute(stmt)).scalar_one())


async def iter_call_rows(
    session: AsyncSession, flt: CallFilter, batch_size: int = 1000
) -> AsyncIterator[list[CallRow]]:
    """`storage.calls.iter_calls` (the same rows the console lists) plus client names."""
    async for batch in iter_calls(session, flt, batch_size=batch_size):
        ids = sorted({c.client_id for c in batch if c.client_id is not None})
        names: dict[int, str] = {}
        if ids:
            stmt = select(Client.id, Client.name).where(Client.id.in_(ids))
            names = dict((await session.execute(stmt)).all())
        yield [
            CallRow(
                started_at=c.started_at,
                direction=c.direction,
                number=c.number,
                number_raw=c.number_raw,
                caller_name=c.name,
                client=names.get(c.client_id) if c.client_id is not None else None,
                queue=c.queue,
                operators_rung=list(c.operators_rung or ()),
                answered_by=c.answered_by,
                disposition=c.disposition,
                wait_s=c.wait_s,
                talk_s=c.talk_s,
                answered_at=c.answered_at,
                ended_at=c.ended_at,
                server=c.server,
            )
            for c in batch
        ]
        session.expunge_all()  # ORM rows of written batches are not kept


async def count_debts(session: AsyncSession, paid: bool | None) -> int:
    stmt = select(func.count()).select_from(Debt)
    if paid is not None:
        stmt = stmt.where(Debt.paid_at.is_not(None) if paid else Debt.paid_at.is_(None))
    return int((await session.execute(stmt)).scalar_one())


async def iter_debt_rows(
    session: AsyncSession, paid: bool | None, batch_size: int = 1000
) -> AsyncIterator[list[DebtRow]]:
    """`storage.debts.iter_debts` plus each client's first phone (one query a batch)."""
    async for batch in iter_debts(session, paid=paid, batch_size=batch_size):
        phones = await _phones_for(session, sorted({d.client_id for d in batch}))
        yield [
            DebtRow(
                created_at=d.created_at,
                client=d.client_name,
                phone=next(iter(phones.get(d.client_id, ())), None),
                amount=d.amount,
                currency=d.currency,
                reason=d.reason,
                order_ref=d.order_ref,
                comment=d.comment,
                created_by=d.created_by,
                paid_at=d.paid_at,
                paid_by=d.paid_by,
                payment_comment=d.payment_comment,
            )
            for d in batch
        ]
