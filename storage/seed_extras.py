"""Demo data beyond the client row: a share of clients with more addresses (work, other;
now and then in another city) and a share working for companies, so a seeded base has
the cards and the city filter a real desk has (benchmarks read them at 1,000,000 clients).

Drawn from its own `random.Random(seed)`: the same seed gives the same rows, and the
clients' own draws (`storage.seed`) are not shifted by it. Nothing here commits.
"""

from __future__ import annotations

import random
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage import seed_data as data
from storage.addresses import search_key, street_key
from storage.models import AddressLabel, Client, ClientAddress, ClientKind, Company, CompanyEmployee

MORE_ADDRESSES_SHARE: Final = 0.3  # clients with one or two addresses beside their home
OTHER_CITY_SHARE: Final = 0.15  # of those extra addresses: in another city than the home
EMPLOYEE_SHARE: Final = 0.02  # people working for a company
EMPLOYEES_PER_COMPANY: Final = 25
_CHUNK = 5_000


async def seed_addresses_and_companies(
    conn: AsyncConnection, *, first_id: int, seed: int, by: str, at: datetime
) -> tuple[int, int]:
    """Add extra addresses and companies with employees for the clients with id >=
    `first_id`; returns (addresses, employees) added."""
    rng = random.Random(seed * 7919 + 14)
    cities = [c for c, _, _ in data.CITIES]
    weights = [w for _, _, w in data.CITIES]
    stamp = {"created_at": at, "created_by": by, "updated_at": at, "updated_by": by}
    clients = (
        await conn.execute(select(Client.id, Client.city, Client.kind).where(Client.id >= first_id))
    ).all()
    employed = set((await conn.execute(select(CompanyEmployee.client_id))).scalars())
    addresses: list[dict[str, Any]] = []
    people: list[int] = []
    for cid, city, kind in clients:
        if cid <= 2:
            continue  # the demo's own clients keep the addresses the demo shows
        if rng.random() < MORE_ADDRESSES_SHARE:
            for label in rng.sample((AddressLabel.WORK, AddressLabel.OTHER), rng.randint(1, 2)):
                place = city
                if rng.random() < OTHER_CITY_SHARE:
                    place = rng.choices(cities, weights)[0]
                street = rng.choice(data.STREETS)
                addresses.append(
                    {
                        "client_id": cid, "label": label.value, "city": place,
                        "street": street, "house": str(rng.randrange(1, 150)), "building": "",
                        "entrance": str(rng.randrange(1, 9)), "floor": str(rng.randrange(1, 17)),
                        "apartment": str(rng.randrange(1, 300)), "comment": "",
                        "city_key": search_key(place), "street_key": street_key(street),
                        "use_count": rng.randrange(0, 20), "last_used_at": None, **stamp,
                    }
                )  # fmt: skip
        if (
            kind == ClientKind.PERSONAL.value
            and rng.random() < EMPLOYEE_SHARE
            and cid not in employed
        ):
            people.append(cid)
    for start in range(0, len(addresses), _CHUNK):
        await conn.execute(insert(ClientAddress), addresses[start : start + _CHUNK])
    await _companies(conn, people, rng, first_id, at, by)
    return len(addresses), len(people)


async def _companies(
    conn: AsyncConnection,
    people: list[int],
    rng: random.Random,
    first_id: int,
    at: datetime,
    by: str,
) -> None:
    count = -(-len(people) // EMPLOYEES_PER_COMPANY)
    ids: list[int] = []
    for n in range(count):
        word = rng.choice(data.ORG_WORDS)
        row = {
            "name": f"{rng.choice(data.ORG_FORMS)} {word} {first_id}-{n + 1}",
            "tax_id": f"77{rng.randrange(10**7, 10**8)}", "contact_name": "",
            "contact_phone": "", "comment": "", "balance": Decimal("0.00"),
            "created_at": at, "created_by": by, "updated_at": at, "updated_by": by,
        }  # fmt: skip
        ids.append(
            (await conn.execute(insert(Company).values(row).returning(Company.id))).scalar_one()
        )
    employees = [
        {
            "client_id": cid,
            "company_id": ids[i % count],
            "may_order_on_account": rng.random() < 0.7,
            "linked_at": at,
            "linked_by": by,
        }
        for i, cid in enumerate(people)
    ]
    for start in range(0, len(employees), _CHUNK):
        await conn.execute(insert(CompanyEmployee), employees[start : start + _CHUNK])
