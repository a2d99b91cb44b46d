"""Companies (organisations) and the clients who work for them.

A company has a name, a tax id (INN), a contact person and phone, a comment and an
account of its own: `companies.balance` is the sum of its `company_operations` (credit,
debit, correction), maintained in the same statement as a client's balance is. A client
works for at most one company (`company_employees`, keyed by the client) and may or may
not order on the company's account.

Who may do what: any operator creates and edits a company and links or unlinks an
employee (taking an order from a new corporate caller); allowing an employee to order on
the company's account and moving the company's money need a supervisor or an admin
(`storage.roles`), refused before anything is written. Every change is audited with who
and when (an employee's link in that client's trail). Nothing here commits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Final, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit
from storage.amounts import exact_amount
from storage.clients import claim_client
from storage.errors import InvalidChange, NotFound
from storage.models import (
    Client,
    ClientPhone,
    Company,
    CompanyEmployee,
    CompanyOperation,
    CompanyOperationKind,
)
from storage.roles import Actor, require_role
from storage.types import utcnow

COMPANIES = cast(Table, Company.__table__)
EMPLOYEES = cast(Table, CompanyEmployee.__table__)

COMPANY_FIELDS: Final[Mapping[str, int | None]] = {
    "name": 200,
    "tax_id": 12,
    "contact_name": 200,
    "contact_phone": 32,
    "comment": None,
}
_TAX_ID = re.compile(r"^(\d{10}|\d{12})$")
MONEY_ACTION: Final = "change a company's money"
ACCOUNT_ACTION: Final = "let an employee order on the company's account"


@dataclass(frozen=True, slots=True)
class CompanyRow:
    """A company as lists show it, with how many employees it has."""

    id: int
    name: str
    tax_id: str
    contact_name: str
    contact_phone: str
    comment: str
    balance: Decimal
    employees: int


@dataclass(frozen=True, slots=True)
class Employee:
    client_id: int
    name: str
    phone: str | None  # the first phone, E.164
    may_order_on_account: bool
    # Every phone with its label («жена», «офис»: whose number it is), first added first.
    phones: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class CompanyCard:
    """A company with its employees (by name)."""

    company: CompanyRow
    employees: tuple[Employee, ...]


def validate_company(values: Mapping[str, Any]) -> dict[str, str]:
    """Checked, trimmed company fields; InvalidChange names the bad one."""
    checked: dict[str, str] = {}
    for field, value in values.items():
        if field not in COMPANY_FIELDS:
            raise InvalidChange(field, "not_editable")
        text = "" if value is None else value
        if not isinstance(text, str):
            raise InvalidChange(field, "expected_text")
        text = text.strip() if field == "comment" else " ".join(text.split())
        limit = COMPANY_FIELDS[field]
        if field == "name" and not text:
            raise InvalidChange(field, "company_name_required")
        if field == "tax_id" and text and not _TAX_ID.match(text):
            raise InvalidChange(field, "not_tax_id")
        if limit is not None and len(text) > limit:
            raise InvalidChange(field, "too_long", limit=limit)
        checked[field] = text
    return checked


async def _by_name(session: AsyncSession, name: str) -> Company | None:
    # As people read names: «ооо ромашка» is «ООО Ромашка». In Python: SQLite's lower()
    # folds ASCII only. Narrowed by length first so a long list is not read whole.
    wanted = name.casefold()
    rows = await session.scalars(select(Company).where(func.length(Company.name) == len(name)))
    return next((c for c in rows.all() if c.name.casefold() == wanted), None)


async def find_company(session: AsyncSession, name_or_id: str | int) -> Company:
    """A company by its name (any case) or its id; NotFound otherwise."""
    company: Company | None = None
    if isinstance(name_or_id, int):
        company = await session.get(Company, name_or_id)
    else:
        text = " ".join(name_or_id.split())
        company = await _by_name(session, text) if text else None
        if company is None and text.isdigit():
            company = await session.get(Company, int(text))
    if company is None:
        raise NotFound("company", name_or_id)
    return company


async def _unique(session: AsyncSession, name: str, keep: Company | None = None) -> None:
    same = await _by_name(session, name)
    if same is not None and same is not keep:
        raise InvalidChange("name", "company_exists", name=same.name)


async def create_company(
    session: AsyncSession,
    values: Mapping[str, Any],
    *,
    actor: Actor,
    at: datetime | None = None,
) -> Company:
    """A new company (a name is required and unique, in any case); its balance is zero."""
    fields = {field: "" for field in COMPANY_FIELDS} | validate_company(values)
    if not fields["name"]:
        raise InvalidChange("name", "company_name_required")
    await _unique(session, fields["name"])
    at = at or utcnow()
    company = Company(
        **fields,
        balance=Decimal("0.00"),
        created_at=at,
        created_by=actor.name,
        updated_at=at,
        updated_by=actor.name,
    )
    session.add(company)
    await session.flush()
    audit.record(
        session,
        actor=actor.name,
        entity="company",
        entity_id=company.id,
        client_id=None,
        action="company_create",
        changes=audit.diff({}, {k: v for k, v in fields.items() if v}),
        at=at,
    )
    return company


async def update_company(
    session: AsyncSession,
    company_id: int,
    values: Mapping[str, Any],
    *,
    actor: Actor,
    at: datetime | None = None,
) -> Company:
    """Change a company's fields; only what differs is written and audited."""
    fields = validate_company(values)
    company = await session.get(Company, company_id, populate_existing=True, with_for_update=True)
    if company is None:
        raise NotFound("company", company_id)
    if "name" in fields:
        await _unique(session, fields["name"], keep=company)
    changes = audit.diff({f: getattr(company, f) for f in fields}, fields)
    if not changes:
        return company
    at = at or utcnow()
    for field in changes:
        setattr(company, field, fields[field])
    company.updated_at = at
    company.updated_by = actor.name
    audit.record(
        session,
        actor=actor.name,
        entity="company",
        entity_id=company.id,
        client_id=None,
        action="company_update",
        changes=changes,
        at=at,
    )
    await session.flush()
    return company


def _row(company: Company, employees: int) -> CompanyRow:
    return CompanyRow(
        id=company.id,
        name=company.name,
        tax_id=company.tax_id,
        contact_name=company.contact_name,
        contact_phone=company.contact_phone,
        comment=company.comment,
        balance=company.balance,
        employees=employees,
    )


async def list_companies(session: AsyncSession) -> list[CompanyRow]:
    """Every company by name, with its number of employees."""
    counts = (
        select(CompanyEmployee.company_id, func.count().label("n"))
        .group_by(CompanyEmployee.company_id)
        .subquery()
    )
    stmt = (
        select(Company, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.company_id == Company.id)
        .order_by(Company.name, Company.id)
    )
    return [_row(c, int(n)) for c, n in (await session.execute(stmt)).all()]


async def company_card(session: AsyncSession, company_id: int) -> CompanyCard:
    """A company and its employees by name, with their phones and labels (three
    statements; a company screen's, never the pop path's)."""
    company = await session.get(Company, company_id, populate_existing=True)
    if company is None:
        raise NotFound("company", company_id)
    stmt = (
        select(Client.id, Client.name, audit.first_phone(), CompanyEmployee.may_order_on_account)
        .join(CompanyEmployee, CompanyEmployee.client_id == Client.id)
        .where(CompanyEmployee.company_id == company_id)
        .order_by(Client.name_key, Client.id)
    )
    rows = (await session.execute(stmt)).all()
    phones: dict[int, list[tuple[str, str]]] = {r[0]: [] for r in rows}
    if phones:
        stmt_phones = (
            select(ClientPhone.client_id, ClientPhone.e164, ClientPhone.label)
            .join(CompanyEmployee, CompanyEmployee.client_id == ClientPhone.client_id)
            .where(CompanyEmployee.company_id == company_id)
            .order_by(ClientPhone.id)
        )
        for client_id, e164, label in (await session.execute(stmt_phones)).all():
            phones[client_id].append((e164, label or ""))
    employees = tuple(Employee(r[0], r[1], r[2], bool(r[3]), tuple(phones[r[0]])) for r in rows)
    return CompanyCard(_row(company, len(employees)), employees)


async def link_employee(
    session: AsyncSession,
    client_id: int,
    company_id: int,
    *,
    actor: Actor,
    may_order_on_account: bool = False,
    at: datetime | None = None,
) -> bool:
    """Make the client an employee of the company (moving them from another one); returns
    whether they may now order on its account.

    Allowing orders on the company's account needs a supervisor or an admin; linking
    without it does not, and keeps an allowance already given by this company."""
    if may_order_on_account:
        require_role(actor, ACCOUNT_ACTION)
    company = await session.get(Company, company_id)
    if company is None:
        raise NotFound("company", company_id)
    if not await claim_client(session, client_id):
        raise NotFound("client", client_id)
    at = at or utcnow()
    link = await session.get(CompanyEmployee, client_id, populate_existing=True)
    if link is None:
        session.add(
            CompanyEmployee(
                client_id=client_id,
                company_id=company_id,
                may_order_on_account=may_order_on_account,
                linked_at=at,
                linked_by=actor.name,
            )
        )
        before: dict[str, Any] = {"company": None, "may_order_on_account": None}
    else:
        old = await session.get(Company, link.company_id)
        before = {
            "company": old.name if old is not None else None,
            "may_order_on_account": link.may_order_on_account,
        }
        allowed = may_order_on_account or (
            link.company_id == company_id and link.may_order_on_account
        )
        link.company_id = company_id
        link.may_order_on_account = allowed
        link.linked_at = at
        link.linked_by = actor.name
        may_order_on_account = allowed
    after = {"company": company.name, "may_order_on_account": may_order_on_account}
    changes = audit.diff(before, after)
    if changes:
        audit.record(
            session,
            actor=actor.name,
            entity="company",
            entity_id=company_id,
            client_id=client_id,
            action="employee_link",
            changes=changes,
            at=at,
        )
    await session.flush()
    return may_order_on_account


async def unlink_employee(
    session: AsyncSession, client_id: int, *, actor: Actor, at: datetime | None = None
) -> bool:
    """The client no longer works for a company; False if they did not."""
    if not await claim_client(session, client_id):
        raise NotFound("client", client_id)
    link = await session.get(CompanyEmployee, client_id, populate_existing=True)
    if link is None:
        return False
    company = await session.get(Company, link.company_id)
    audit.record(
        session,
        actor=actor.name,
        entity="company",
        entity_id=link.company_id,
        client_id=client_id,
        action="employee_unlink",
        changes={"company": [company.name if company is not None else None, None]},
        at=at,
    )
    await session.delete(link)
    await session.flush()
    return True


async def set_may_order_on_account(
    session: AsyncSession,
    client_id: int,
    allowed: bool,
    *,
    actor: Actor,
    at: datetime | None = None,
) -> None:
    """Allow or forbid an employee to order on the company's account (a supervisor's or
    an admin's decision either way); NotFound if the client works for no company."""
    require_role(actor, ACCOUNT_ACTION)
    if not await claim_client(session, client_id):
        raise NotFound("client", client_id)
    link = await session.get(CompanyEmployee, client_id, populate_existing=True)
    if link is None:
        raise NotFound("employee", client_id)
    if link.may_order_on_account == allowed:
        return
    audit.record(
        session,
        actor=actor.name,
        entity="company",
        entity_id=link.company_id,
        client_id=client_id,
        action="employee_account",
        changes={"may_order_on_account": [link.may_order_on_account, allowed]},
        at=at,
    )
    link.may_order_on_account = allowed
    await session.flush()


def _signed(kind: CompanyOperationKind, amount: Decimal | int | str) -> Decimal:
    value = exact_amount("amount", amount)
    if kind is CompanyOperationKind.CORRECTION:
        if value == 0:
            raise InvalidChange("amount", "zero_correction")
        return value
    if value <= 0:
        raise InvalidChange("amount", "not_positive")
    return -value if kind is CompanyOperationKind.DEBIT else value


async def add_company_operation(
    session: AsyncSession,
    company_id: int,
    kind: str,
    amount: Decimal | int | str,
    *,
    actor: Actor,
    comment: str = "",
    at: datetime | None = None,
) -> Decimal:
    """Move the company's account (credit, debit or a signed correction); returns the new
    balance. A supervisor's or an admin's; the balance may go below zero."""
    try:
        what = CompanyOperationKind(kind)
    except ValueError:
        allowed = ", ".join(k.value for k in CompanyOperationKind)
        raise InvalidChange("kind", "one_of", allowed=allowed) from None
    require_role(actor, MONEY_ACTION)
    delta = _signed(what, amount)
    at = at or utcnow()
    cols = COMPANIES.c
    stmt = (
        update(COMPANIES)
        .where(cols.id == company_id)
        .values(balance=cols.balance + delta, updated_at=at, updated_by=actor.name)
        .returning(cols.balance)
    )
    balance = (await session.execute(stmt)).scalar()
    if balance is None:
        raise NotFound("company", company_id)
    operation = CompanyOperation(
        company_id=company_id,
        kind=what.value,
        amount=delta,
        comment=comment.strip(),
        operator=actor.name,
        at=at,
    )
    session.add(operation)
    await session.flush()
    audit.record(
        session,
        actor=actor.name,
        entity="company",
        entity_id=company_id,
        client_id=None,
        action=f"company_money_{what.value}",
        changes={"balance": [balance - delta, balance], "comment": [None, operation.comment]},
        at=at,
    )
    cached = await session.get(Company, company_id)
    if cached is not None:
        await session.refresh(cached)
    return Decimal(balance)


async def company_operations(
    session: AsyncSession, company_id: int, *, limit: int = 200
) -> list[CompanyOperation]:
    """The company's account operations, newest first."""
    stmt = (
        select(CompanyOperation)
        .where(CompanyOperation.company_id == company_id)
        .order_by(CompanyOperation.at.desc(), CompanyOperation.id.desc())
        .limit(limit)
    )
    return list((await session.scalars(stmt)).all())


async def correct_company_balance(
    session: AsyncSession,
    company_id: int,
    balance: Decimal | int | str,
    *,
    actor: Actor,
    comment: str = "",
    at: datetime | None = None,
) -> Decimal:
    """Bring the company's balance to a total (an import's column, a typed total) with one
    correction; nothing when it is already there."""
    require_role(actor, MONEY_ACTION)
    target = exact_amount("balance", balance)
    current = await session.scalar(select(Company.balance).where(Company.id == company_id))
    if current is None:
        raise NotFound("company", company_id)
    if target == current:
        return target
    return await add_company_operation(
        session,
        company_id,
        CompanyOperationKind.CORRECTION,
        target - current,
        actor=actor,
        comment=comment,
        at=at,
    )
