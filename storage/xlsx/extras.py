"""What an import writes besides the client rows: money, the company, whose each phone
is, and the addresses (the columns an export writes for item 11 of issue 14).

Runs after the clients are created and updated, in the same transaction, a chunk of rows
at a time and a few statements a chunk:

- money: the file's balance and bonuses become operations of `storage.accounts` (the
  difference from what the client has: a new client's opening balance), never a bare
  write of the totals;
- the company by name (any case), created when the desk has none of that name; the
  client becomes its employee, «may order on the company's account» as the file says
  (granting it needs the actor's role, as in the console);
- phone labels, by the phones' order in the row;
- addresses the client does not have yet are added (none is removed or changed); a row
  with only the old street/house/entrance columns gives a client without addresses a
  `home` one.

Each client whose extras changed gets one audit entry (`import`), with who and when.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Final, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.accounts import add_operations_in_bulk
from storage.addresses import search_key, street_key
from storage.companies import ACCOUNT_ACTION
from storage.models import (
    AddressLabel,
    AuditEntry,
    Client,
    ClientAddress,
    ClientPhone,
    Company,
    CompanyEmployee,
)
from storage.roles import Actor, require_role
from storage.xlsx.headers import ADDRESS_PARTS
from storage.xlsx.spill import IntMap, Spill
from storage.xlsx.validation import ParsedClient

ADDRESSES: Final = cast(Table, ClientAddress.__table__)
PHONES: Final = cast(Table, ClientPhone.__table__)
COMPANIES: Final = cast(Table, Company.__table__)
EMPLOYEES: Final = cast(Table, CompanyEmployee.__table__)
AUDIT: Final = cast(Table, AuditEntry.__table__)
CLIENTS: Final = cast(Table, Client.__table__)
SOURCE: Final = "xlsx import"


def _wanted(row: ParsedClient) -> bool:
    return bool(row.extras()) or any((row.street, row.house, row.entrance))


async def apply_extras(
    session: AsyncSession, valid: Spill, row_ids: IntMap, actor: Actor, now: datetime
) -> None:
    """Write every row's extras; `row_ids` maps a row number to its client's id."""
    companies = {
        name.casefold(): cid
        for cid, name in (await session.execute(select(Company.id, Company.name))).all()
    }
    for chunk in valid.chunks():
        rows = [(row_ids.get(r.row), r) for r in map(ParsedClient._make, chunk) if _wanted(r)]
        found = [(cid, r) for cid, r in rows if cid is not None]
        if not found:
            continue
        changes: dict[int, dict[str, list[Any]]] = defaultdict(dict)
        await _money(session, found, changes, actor, now)
        await _labels(session, found, changes)
        await _addresses(session, found, changes, actor, now)
        await _companies(session, found, companies, changes, actor, now)
        if changes:
            await session.execute(
                insert(AUDIT),
                [
                    {
                        "at": now,
                        "actor": actor.name,
                        "entity": "client",
                        "entity_id": cid,
                        "client_id": cid,
                        "action": "import",
                        "changes": {**change, "source": [None, SOURCE]},
                    }
                    for cid, change in changes.items()
                ],
            )


async def _money(
    session: AsyncSession,
    found: Sequence[tuple[int, ParsedClient]],
    changes: dict[int, dict[str, list[Any]]],
    actor: Actor,
    now: datetime,
) -> None:
    given = [(cid, r) for cid, r in found if r.balance is not None or r.bonus_balance is not None]
    if not given:
        return
    stmt = select(Client.id, Client.balance, Client.bonus_balance).where(
        Client.id.in_([cid for cid, _ in given])
    )
    current = {cid: (b, bb) for cid, b, bb in (await session.execute(stmt)).all()}
    moves: list[tuple[int, Decimal, Decimal]] = []
    for cid, r in given:
        balance, bonus = current[cid]
        to_balance = balance if r.balance is None else r.balance
        to_bonus = bonus if r.bonus_balance is None else r.bonus_balance
        if (to_balance, to_bonus) == (balance, bonus):
            continue
        moves.append((cid, to_balance - balance, to_bonus - bonus))
        if to_balance != balance:
            changes[cid]["balance"] = [str(balance), str(to_balance)]
        if to_bonus != bonus:
            changes[cid]["bonus_balance"] = [str(bonus), str(to_bonus)]
    await add_operations_in_bulk(session, moves, actor=actor, at=now, comment=SOURCE)


async def _labels(
    session: AsyncSession,
    found: Sequence[tuple[int, ParsedClient]],
    changes: dict[int, dict[str, list[Any]]],
) -> None:
    wanted: dict[str, tuple[int, str]] = {}
    for cid, r in found:
        if r.phone_labels is None:
            continue
        for e164, label in zip(r.phones, r.phone_labels, strict=False):
            wanted[e164] = (cid, label)
    if not wanted:
        return
    stmt = select(ClientPhone.e164, ClientPhone.label).where(ClientPhone.e164.in_(list(wanted)))
    params = []
    for e164, label in (await session.execute(stmt)).all():
        cid, new = wanted[e164]
        if label != new:
            params.append({"b_e164": e164, "b_label": new})
            changes[cid].setdefault("phone_labels", [{}, {}])
            changes[cid]["phone_labels"][0][e164] = label
            changes[cid]["phone_labels"][1][e164] = new
    if params:
        await session.execute(
            update(PHONES)
            .where(PHONES.c.e164 == bindparam("b_e164"))
            .values(label=bindparam("b_label")),
            params,
        )


def _legacy(row: ParsedClient, city: str) -> tuple[str, ...] | None:
    if row.addresses is not None or not any((row.street, row.house, row.entrance)):
        return None
    parts = dict.fromkeys(ADDRESS_PARTS, "")
    parts.update(
        label=AddressLabel.HOME.value,
        city=row.city or city,
        street=row.street or "",
        house=row.house or "",
        entrance=row.entrance or "",
    )
    return tuple(parts[p] for p in ADDRESS_PARTS)


async def _addresses(
    session: AsyncSession,
    found: Sequence[tuple[int, ParsedClient]],
    changes: dict[int, dict[str, list[Any]]],
    actor: Actor,
    now: datetime,
) -> None:
    ids = [cid for cid, _ in found]
    have: dict[int, set[tuple[str, ...]]] = defaultdict(set)
    cols = [ADDRESSES.c[p] for p in ADDRESS_PARTS]
    stmt = select(ADDRESSES.c.client_id, *cols).where(ADDRESSES.c.client_id.in_(ids))
    for cid, *stored in (await session.execute(stmt)).all():
        have[cid].add(tuple(stored))
    cities = dict(
        (await session.execute(select(Client.id, Client.city).where(Client.id.in_(ids)))).all()
    )
    rows: list[dict[str, Any]] = []
    for cid, r in found:
        wanted = list(r.addresses or ())
        legacy = _legacy(r, cities.get(cid, ""))
        if legacy is not None and not have[cid]:
            wanted.append(legacy)
        added = []
        for parts in wanted:
            if parts in have[cid]:
                continue
            have[cid].add(parts)
            values = dict(zip(ADDRESS_PARTS, parts, strict=True))
            rows.append(
                {
                    "client_id": cid,
                    **values,
                    "city_key": search_key(values["city"]),
                    "street_key": street_key(values["street"]),
                    "use_count": 0,
                    "last_used_at": None,
                    "created_at": now,
                    "created_by": actor.name,
                    "updated_at": now,
                    "updated_by": actor.name,
                }
            )
            if parts != legacy:  # (the old columns' address is in the row's own entry)
                added.append(" | ".join(p for p in parts if p))
        if added:
            changes[cid]["addresses"] = [None, added]
    if rows:
        await session.execute(insert(ADDRESSES), rows)


async def _companies(
    session: AsyncSession,
    found: Sequence[tuple[int, ParsedClient]],
    companies: dict[str, int],
    changes: dict[int, dict[str, list[Any]]],
    actor: Actor,
    now: datetime,
) -> None:
    given = [(cid, r) for cid, r in found if r.company]
    if not given:
        return
    for _, r in given:
        assert r.company is not None
        key = r.company.casefold()
        if key not in companies:
            company_id = (
                await session.execute(
                    insert(COMPANIES)
                    .values(
                        name=r.company,
                        tax_id="",
                        contact_name="",
                        contact_phone="",
                        comment="",
                        balance=Decimal("0.00"),
                        created_at=now,
                        created_by=actor.name,
                        updated_at=now,
                        updated_by=actor.name,
                    )
                    .returning(COMPANIES.c.id)
                )
            ).scalar_one()
            companies[key] = int(company_id)
            await session.execute(
                insert(AUDIT).values(
                    at=now,
                    actor=actor.name,
                    entity="company",
                    entity_id=company_id,
                    client_id=None,
                    action="company_create",
                    changes={"name": [None, r.company], "source": [None, SOURCE]},
                )
            )
    ids = [cid for cid, _ in given]
    stmt = select(
        CompanyEmployee.client_id, CompanyEmployee.company_id, CompanyEmployee.may_order_on_account
    ).where(CompanyEmployee.client_id.in_(ids))
    links: Mapping[int, tuple[int, bool]] = {
        cid: (company, bool(allowed)) for cid, company, allowed in (await session.execute(stmt))
    }
    names = {v: k for k, v in companies.items()}
    inserts: list[dict[str, Any]] = []
    moves: list[dict[str, Any]] = []
    for cid, r in given:
        assert r.company is not None
        company_id = companies[r.company.casefold()]
        old = links.get(cid)
        allowed = bool(r.company_account) if r.company_account is not None else False
        if old is not None and r.company_account is None and old[0] == company_id:
            allowed = old[1]
        if old == (company_id, allowed):
            continue
        if allowed and (old is None or not old[1] or old[0] != company_id):
            require_role(actor, ACCOUNT_ACTION)
        record = {"b_client": cid, "b_company": company_id, "b_allowed": allowed}
        (moves if old is not None else inserts).append(record)
        changes[cid]["company"] = [names.get(old[0]) if old else None, r.company]
        changes[cid]["may_order_on_account"] = [old[1] if old else None, allowed]
    if inserts:
        await session.execute(
            insert(EMPLOYEES),
            [
                {
                    "client_id": p["b_client"],
                    "company_id": p["b_company"],
                    "may_order_on_account": p["b_allowed"],
                    "linked_at": now,
                    "linked_by": actor.name,
                }
                for p in inserts
            ],
        )
    if moves:
        await session.execute(
            update(EMPLOYEES)
            .where(EMPLOYEES.c.client_id == bindparam("b_client"))
            .values(
                company_id=bindparam("b_company"),
                may_order_on_account=bindparam("b_allowed"),
                linked_at=now,
                linked_by=actor.name,
            ),
            moves,
        )
