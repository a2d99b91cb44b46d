"""The client card: everything the popup shows when a call rings, in two round trips.

The card pops within 100 ms of the ring, so it is read with exactly two statements: the
client with its tariff name, its company (name, balance, whether it may order on the
company's account) and every phone (one joined row per phone; a client has at most one
company, so the company multiplies nothing), then its unpaid debts, last calls and
addresses together (UNION ALL, a `kind` column telling them apart).
The last few paid debts and their count come in the same statement; the money (balance,
bonuses, credit limit) is on the client row, and the history of account operations is not
part of the card (it loads when someone opens it). Columns are read
through Core, not the ORM, because the pop path is hot and nothing here is edited in place.

Hot reads go through `fetch_rows`: statements built once and run through the session.

`card_to_json` is the `opconsole clients find --json` document; its keys are a contract.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Float,
    Integer,
    Select,
    String,
    Table,
    bindparam,
    func,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.expression import CompoundSelect

from storage.addresses import Address, most_used_first
from storage.errors import NotFound
from storage.filters import Activity
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
from storage.phones import classify_number
from storage.types import CENT

CLIENTS = cast(Table, Client.__table__)
PHONES = cast(Table, ClientPhone.__table__)
TARIFFS = cast(Table, Tariff.__table__)
DEBTS = cast(Table, Debt.__table__)
CALLS = cast(Table, Call.__table__)
ADDRESSES = cast(Table, ClientAddress.__table__)
COMPANIES = cast(Table, Company.__table__)
EMPLOYEES = cast(Table, CompanyEmployee.__table__)


@dataclass(frozen=True, slots=True)
class CardPhone:
    e164: str
    label: str


@dataclass(frozen=True, slots=True)
class CardDebt:
    id: int
    amount: Decimal
    currency: str
    reason: str
    order_ref: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CardPaidDebt:
    """A debt that was closed: when, by whom, with what comment."""

    id: int
    amount: Decimal
    order_ref: str
    paid_at: datetime
    paid_by: str
    payment_comment: str


# How many paid debts the card lists (newest first); the count says how many there are.
PAID_DEBTS_SHOWN = 3


@dataclass(frozen=True, slots=True)
class CardCall:
    started_at: datetime
    direction: str
    disposition: str
    answered_by: str | None
    talk_s: float


@dataclass(frozen=True, slots=True)
class CardCompany:
    """The company the client works for, as the dispatcher needs it on the line."""

    id: int
    name: str
    balance: Decimal
    may_order_on_account: bool


@dataclass(frozen=True, slots=True)
class ClientCard:
    """A client as the popup shows it. Immutable: safe to hand to the UI thread as is."""

    id: int
    name: str
    kind: str
    last_name: str
    first_name: str
    middle_name: str
    organisation: str
    phones: tuple[CardPhone, ...]
    city: str
    street: str
    house: str
    entrance: str
    email: str
    birthday: date | None
    language: str
    comment: str
    tariff: str | None
    tariff_id: int | None
    blacklisted: bool
    blacklist_reason: str
    blacklisted_at: datetime | None
    blacklisted_by: str
    unpaid_debt_total: Decimal
    unpaid_debts: tuple[CardDebt, ...]
    orders_blocked: bool
    completed_orders: int
    false_orders: int
    bonus_orders: int
    complaints: int
    rating: Decimal
    balance: Decimal
    bonus_balance: Decimal
    credit_limit: Decimal
    discount_percent: Decimal
    status: str
    activity: Activity
    registered_at: datetime
    registered_by: str
    last_call_at: datetime | None
    last_order_at: datetime | None
    recent_calls: tuple[CardCall, ...]
    version: int
    updated_at: datetime
    updated_by: str
    # Most used first; `street`/`house`/`entrance` above are the first one's (or, for a
    # client with none, the client row's own, as before migration 0005).
    addresses: tuple[Address, ...] = ()
    company: CardCompany | None = None
    # The last few paid debts, newest first, and how many the client has paid in all.
    paid_debts: tuple[CardPaidDebt, ...] = ()
    paid_debt_count: int = 0

    @property
    def e164s(self) -> list[str]:
        return [p.e164 for p in self.phones]

    @property
    def over_credit_limit(self) -> bool:
        """The balance is below the negative credit limit: the client owes more than the
        desk lets them (a limit of 0 allows no debt on the account at all)."""
        return self.balance < -self.credit_limit


def derive_activity(
    registered_at: datetime,
    last_call_at: datetime | None,
    last_order_at: datetime | None,
    today: date,
) -> Activity:
    """New if registered under 30 days ago; else by the last call or order: Active within
    30 days, Recent within 90, Inactive beyond (or never)."""
    if (today - registered_at.date()).days < 30:
        return Activity.NEW
    moments = [m for m in (last_call_at, last_order_at) if m is not None]
    if not moments:
        return Activity.INACTIVE
    days = (today - max(moments).date()).days
    if days <= 30:
        return Activity.ACTIVE
    if days <= 90:
        return Activity.RECENT
    return Activity.INACTIVE


def _client_rows() -> Select[Any]:
    return select(
        *CLIENTS.c,
        TARIFFS.c.name.label("tariff_name"),
        PHONES.c.e164.label("phone_e164"),
        PHONES.c.label.label("phone_label"),
        COMPANIES.c.id.label("company_id"),
        COMPANIES.c.name.label("company_name"),
        COMPANIES.c.balance.label("company_balance"),
        EMPLOYEES.c.may_order_on_account.label("company_account"),
    ).order_by(PHONES.c.id)


def _with_company(joined: Any) -> Any:
    return joined.outerjoin(EMPLOYEES, EMPLOYEES.c.client_id == CLIENTS.c.id).outerjoin(
        COMPANIES, COMPANIES.c.id == EMPLOYEES.c.company_id
    )


# ------------------------------------------------------------------ reads


async def fetch_rows(
    session: AsyncSession,
    stmt: Select[Any] | CompoundSelect[Any],
    params: Mapping[str, Any] | None = None,
) -> tuple[Sequence[str], Sequence[Any]]:
    """(column keys, rows) of a long-lived statement (built once, module level or cached)
    run in the session: SQLAlchemy finds its compiled form in its cache by the statement's
    memoized cache key, so the hot reads pay neither building nor compiling."""
    result = await session.execute(stmt, dict(params or {}))
    return list(result.keys()), result.all()


# The statements are built once: building a select and its cache key costs more than
# running it, and a prebuilt statement's cache key is memoized.
_CARD_BY_ID = (
    _client_rows()
    .select_from(
        _with_company(
            CLIENTS.outerjoin(TARIFFS, TARIFFS.c.id == CLIENTS.c.tariff_id).outerjoin(
                PHONES, PHONES.c.client_id == CLIENTS.c.id
            )
        )
    )
    .where(CLIENTS.c.id == bindparam("client_id"))
)
_CALLED = PHONES.alias("called")
_CARD_BY_PHONE = (
    _client_rows()
    .select_from(
        _with_company(
            _CALLED.join(CLIENTS, CLIENTS.c.id == _CALLED.c.client_id)
            .outerjoin(TARIFFS, TARIFFS.c.id == CLIENTS.c.tariff_id)
            .outerjoin(PHONES, PHONES.c.client_id == CLIENTS.c.id)
        )
    )
    .where(_CALLED.c.e164 == bindparam("e164"))
)


async def load_client_card(
    session: AsyncSession,
    client_id: int,
    *,
    today: date,
    max_unpaid_debts: int,
    recent_calls: int = 10,
) -> ClientCard:
    """The card of a client by id (two statements); NotFound if there is no such client."""
    keys, found = await fetch_rows(session, _CARD_BY_ID, {"client_id": client_id})
    rows = [dict(zip(keys, r, strict=True)) for r in found]
    if not rows:
        raise NotFound("client", client_id)
    return await _finish(session, rows, today, max_unpaid_debts, recent_calls)


async def load_card_by_phone(
    session: AsyncSession,
    raw: str,
    region: str = "RU",
    *,
    today: date,
    max_unpaid_debts: int,
    recent_calls: int = 10,
) -> ClientCard | None:
    """The card of whoever owns a number in any form (two statements); None if nobody."""
    e164 = classify_number(raw, region).e164
    if e164 is None:
        return None
    keys, found = await fetch_rows(session, _CARD_BY_PHONE, {"e164": e164})
    rows = [dict(zip(keys, r, strict=True)) for r in found]
    if not rows:
        return None
    return await _finish(session, rows, today, max_unpaid_debts, recent_calls)


_NO_TEXT = tuple(sql_cast(null(), String).label(f"t{i}") for i in range(4, 10))


def _debts_and_calls() -> Any:
    """Unpaid debts, the last calls and the addresses in one statement; a `kind` column
    tells them apart. Parameters: `client_id` and `recent_calls` (how many calls).

    An address row carries its label and city in t1, t2, street … comment in t3 … t9,
    its use count in `talk_s` and when it was last used in `at` (the columns of the first
    branch type them all: a count in the money column would come back divided by 100).
    The last paid debts (`paid_debts` of them, kind 'p') and their count (kind 'n') too."""
    client_id = bindparam("client_id", type_=Integer)
    debts = select(
        literal_column("'d'", String).label("kind"),
        DEBTS.c.id,
        DEBTS.c.amount,
        DEBTS.c.currency.label("t1"),
        DEBTS.c.reason.label("t2"),
        DEBTS.c.order_ref.label("t3"),
        DEBTS.c.created_at.label("at"),
        sql_cast(null(), Float).label("talk_s"),
        *_NO_TEXT,
    ).where(DEBTS.c.client_id == client_id, DEBTS.c.paid_at.is_(None))
    last = (
        select(
            CALLS.c.id,
            CALLS.c.direction,
            CALLS.c.disposition,
            CALLS.c.answered_by,
            CALLS.c.started_at,
            CALLS.c.talk_s,
        )
        .where(CALLS.c.client_id == client_id)
        .order_by(CALLS.c.started_at.desc(), CALLS.c.id.desc())
        .limit(bindparam("recent_calls", type_=Integer))
        .subquery("last_calls")
    )
    calls = select(
        literal_column("'c'", String),
        last.c.id,
        sql_cast(null(), BigInteger),
        last.c.direction,
        last.c.disposition,
        last.c.answered_by,
        last.c.started_at,
        last.c.talk_s,
        *(sql_cast(null(), String) for _ in _NO_TEXT),
    )
    # (ix_debts_unpaid is on client_id, paid_at: both of these read it backwards)
    paid_last = (
        select(
            DEBTS.c.id,
            DEBTS.c.amount,
            DEBTS.c.paid_by,
            DEBTS.c.payment_comment,
            DEBTS.c.order_ref,
            DEBTS.c.paid_at,
        )
        .where(DEBTS.c.client_id == client_id, DEBTS.c.paid_at.is_not(None))
        .order_by(DEBTS.c.paid_at.desc(), DEBTS.c.id.desc())
        .limit(bindparam("paid_debts", type_=Integer))
        .subquery("paid_debts")
    )
    paid = select(
        literal_column("'p'", String),
        paid_last.c.id,
        paid_last.c.amount,
        paid_last.c.paid_by,
        sql_cast(paid_last.c.payment_comment, String),
        paid_last.c.order_ref,
        paid_last.c.paid_at,
        sql_cast(null(), Float),
        *(sql_cast(null(), String) for _ in _NO_TEXT),
    )
    paid_count = select(
        literal_column("'n'", String),
        func.count(),
        sql_cast(null(), BigInteger),
        sql_cast(null(), String),
        sql_cast(null(), String),
        sql_cast(null(), String),
        sql_cast(null(), DEBTS.c.paid_at.type),
        sql_cast(null(), Float),
        *(sql_cast(null(), String) for _ in _NO_TEXT),
    ).where(DEBTS.c.client_id == client_id, DEBTS.c.paid_at.is_not(None))
    a = ADDRESSES.c
    addresses = select(
        literal_column("'a'", String),
        a.id,
        sql_cast(null(), BigInteger),
        a.label,
        a.city,
        a.street,
        a.last_used_at,
        sql_cast(a.use_count, Float),
        a.house,
        a.building,
        a.entrance,
        a.floor,
        a.apartment,
        a.comment,
    ).where(a.client_id == client_id)
    return union_all(debts, calls, addresses, paid, paid_count)


_DEBTS_AND_CALLS = _debts_and_calls()


async def _finish(
    session: AsyncSession,
    rows: Any,
    today: date,
    max_unpaid_debts: int,
    recent_calls: int,
) -> ClientCard:
    client: Mapping[str, Any] = rows[0]
    phones = tuple(
        CardPhone(r["phone_e164"], r["phone_label"]) for r in rows if r["phone_e164"] is not None
    )
    debts: list[CardDebt] = []
    calls: list[CardCall] = []
    places: list[Address] = []
    paid: list[CardPaidDebt] = []
    paid_count = 0
    _, result = await fetch_rows(
        session,
        _DEBTS_AND_CALLS,
        {
            "client_id": client["id"],
            "recent_calls": max(recent_calls, 0),
            "paid_debts": PAID_DEBTS_SHOWN,
        },
    )
    for kind, id_, amount, t1, t2, t3, at, talk_s, *more in result:
        if kind == "d":
            debts.append(CardDebt(id_, amount, t1, t2, t3, at))
        elif kind == "c":
            calls.append(CardCall(at, t1, t2, t3, float(talk_s or 0.0)))
        elif kind == "p":
            paid.append(CardPaidDebt(id_, amount, t3, at, t1, t2 or ""))
        elif kind == "n":
            paid_count = int(id_)
        else:
            house, building, entrance, floor, apartment, comment = more
            places.append(
                Address(
                    id=id_,
                    label=t1,
                    city=t2,
                    street=t3,
                    house=house,
                    building=building,
                    entrance=entrance,
                    floor=floor,
                    apartment=apartment,
                    comment=comment,
                    use_count=int(talk_s or 0),
                    last_used_at=at,
                )
            )
    addresses = tuple(most_used_first(places))
    main = addresses[0] if addresses else None
    company = None
    if client["company_id"] is not None:
        company = CardCompany(
            id=client["company_id"],
            name=client["company_name"],
            balance=client["company_balance"],
            may_order_on_account=bool(client["company_account"]),
        )
    debts.sort(key=lambda d: (d.created_at, d.id))
    calls.sort(key=lambda c: c.started_at, reverse=True)
    paid.sort(key=lambda d: (d.paid_at, d.id), reverse=True)
    total = sum((d.amount for d in debts), Decimal("0")).quantize(CENT)
    return ClientCard(
        id=client["id"],
        name=client["name"],
        kind=client["kind"],
        last_name=client["last_name"],
        first_name=client["first_name"],
        middle_name=client["middle_name"],
        organisation=client["organisation"],
        phones=phones,
        city=client["city"],
        street=main.street if main is not None else client["street"],
        house=main.house if main is not None else client["house"],
        entrance=main.entrance if main is not None else client["entrance"],
        email=client["email"],
        birthday=client["birthday"],
        language=client["language"],
        comment=client["comment"],
        tariff=client["tariff_name"],
        tariff_id=client["tariff_id"],
        blacklisted=bool(client["blacklisted"]),
        blacklist_reason=client["blacklist_reason"],
        blacklisted_at=client["blacklisted_at"],
        blacklisted_by=client["blacklisted_by"],
        unpaid_debt_total=total,
        unpaid_debts=tuple(debts),
        orders_blocked=len(debts) > max_unpaid_debts,
        completed_orders=client["completed_orders"],
        false_orders=client["false_orders"],
        bonus_orders=client["bonus_orders"],
        complaints=client["complaints"],
        rating=client["rating"],
        balance=client["balance"],
        bonus_balance=client["bonus_balance"],
        credit_limit=client["credit_limit"],
        discount_percent=client["discount_percent"],
        status=client["status"],
        activity=derive_activity(
            client["registered_at"], client["last_call_at"], client["last_order_at"], today
        ),
        registered_at=client["registered_at"],
        registered_by=client["registered_by"],
        last_call_at=client["last_call_at"],
        last_order_at=client["last_order_at"],
        recent_calls=tuple(calls),
        version=client["version"],
        updated_at=client["updated_at"],
        updated_by=client["updated_by"],
        addresses=addresses,
        company=company,
        paid_debts=tuple(paid),
        paid_debt_count=paid_count,
    )


def _iso(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT))


def card_to_json(card: ClientCard, address: str) -> dict[str, Any]:
    """The `opconsole clients find --json` document. Required keys are never renamed;
    money is a string with two decimals, times ISO 8601 with offset. `address` is the
    street, house and entrance in words, as the caller shows them (storage spells no word
    a person reads)."""
    return {
        "id": card.id,
        "name": card.name,
        "kind": card.kind,
        "last_name": card.last_name,
        "first_name": card.first_name,
        "middle_name": card.middle_name,
        "organisation": card.organisation,
        "phones": [p.e164 for p in card.phones],
        "phone_labels": {p.e164: p.label for p in card.phones},
        "city": card.city,
        "address": address,
        "street": card.street,
        "house": card.house,
        "entrance": card.entrance,
        "email": card.email,
        "birthday": _iso(card.birthday),
        "language": card.language,
        "comment": card.comment,
        "tariff": card.tariff,
        "blacklisted": card.blacklisted,
        "blacklist_reason": card.blacklist_reason,
        "blacklisted_at": _iso(card.blacklisted_at),
        "blacklisted_by": card.blacklisted_by,
        "unpaid_debt_total": _money(card.unpaid_debt_total),
        "unpaid_debts": [
            {
                "id": d.id,
                "amount": _money(d.amount),
                "currency": d.currency,
                "reason": d.reason,
                "order_ref": d.order_ref,
                "created_at": _iso(d.created_at),
            }
            for d in card.unpaid_debts
        ],
        "orders_blocked": card.orders_blocked,
        "paid_debt_count": card.paid_debt_count,
        "paid_debts": [
            {
                "id": d.id,
                "amount": _money(d.amount),
                "order_ref": d.order_ref,
                "paid_at": _iso(d.paid_at),
                "paid_by": d.paid_by,
                "payment_comment": d.payment_comment,
            }
            for d in card.paid_debts
        ],
        "completed_orders": card.completed_orders,
        "false_orders": card.false_orders,
        "bonus_orders": card.bonus_orders,
        "complaints": card.complaints,
        "rating": _money(card.rating),
        "balance": _money(card.balance),
        "bonus_balance": _money(card.bonus_balance),
        "credit_limit": _money(card.credit_limit),
        "over_credit_limit": card.over_credit_limit,
        "discount_percent": _money(card.discount_percent),
        "status": card.status,
        "activity": card.activity.value,
        "registered_at": _iso(card.registered_at),
        "registered_by": card.registered_by,
        "last_call_at": _iso(card.last_call_at),
        "recent_calls": [
            {
                "started_at": _iso(c.started_at),
                "direction": c.direction,
                "disposition": c.disposition,
                "answered_by": c.answered_by,
                "talk_s": round(c.talk_s, 1),
            }
            for c in card.recent_calls
        ],
        "version": card.version,
        "addresses": [
            {
                "id": a.id,
                "label": a.label,
                "city": a.city,
                "street": a.street,
                "house": a.house,
                "building": a.building,
                "entrance": a.entrance,
                "floor": a.floor,
                "apartment": a.apartment,
                "comment": a.comment,
                "use_count": a.use_count,
                "last_used_at": _iso(a.last_used_at),
            }
            for a in card.addresses
        ],
        "company": None
        if card.company is None
        else {
            "id": card.company.id,
            "name": card.company.name,
            "balance": _money(card.company.balance),
            "may_order_on_account": card.company.may_order_on_account,
        },
    }
