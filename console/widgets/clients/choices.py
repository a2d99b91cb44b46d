"""The values the city and tariff filters offer.

Two small read-only lookups. They belong with the other client-base queries in
`storage/client_list.py` (asked for: `list_cities`, `list_tariffs`); until they exist there
they live here, so the screen itself stays free of SQL.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Client, Tariff

MAX_CITIES = 500


async def filter_choices(session: AsyncSession) -> tuple[list[str], list[tuple[int, str]]]:
    """Cities in use (from the city index, alphabetical) and active tariffs by name."""
    cities = await session.scalars(
        select(Client.city)
        .where(Client.city != "")
        .distinct()
        .order_by(Client.city)
        .limit(MAX_CITIES)
    )
    tariffs = await session.execute(
        select(Tariff.id, Tariff.name).where(Tariff.active).order_by(Tariff.name)
    )
    return list(cities), [(int(tid), str(name)) for tid, name in tariffs]
