"""Inbound calls per hour of the desk's day, for the board's chart.

The hours are given by their boundaries (the caller knows the desk's time zone; storage
does not), so an hour is whatever the desk calls an hour — half-hour zones and the day a
clock moves included — and one statement with a conditional count per hour reads them
all from the `started_at` index, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import Any, Final

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.calls import CALLS, count_if
from storage.models import CallDirection, Disposition

MAX_HOURS: Final = 25  # a day on which the clock goes back has 25 hours


@dataclass(frozen=True, slots=True)
class HourCount:
    """The inbound calls that started in [start, end), and how many were not answered."""

    start: datetime
    end: datetime
    inbound: int
    unanswered: int


async def calls_per_hour(session: AsyncSession, bounds: Sequence[datetime]) -> list[HourCount]:
    """One `HourCount` per pair of consecutive `bounds` (ascending hour starts, then the
    end of the last hour): at most `MAX_HOURS` hours."""
    if len(bounds) < 2:
        return []
    if len(bounds) - 1 > MAX_HOURS:
        raise ValueError(f"at most {MAX_HOURS} hours, not {len(bounds) - 1}")
    if any(later <= earlier for earlier, later in pairwise(bounds)):
        raise ValueError("hour bounds must ascend")

    started = CALLS.c.started_at
    unanswered = CALLS.c.disposition != Disposition.ANSWERED
    columns: list[Any] = []
    for start, end in pairwise(bounds):
        hour = and_(started >= start, started < end)
        columns += [count_if(hour), count_if(and_(hour, unanswered))]
    row = (
        await session.execute(
            select(*columns).where(
                started >= bounds[0],
                started < bounds[-1],
                CALLS.c.direction == CallDirection.INBOUND,
            )
        )
    ).one()
    return [
        HourCount(start, end, int(row[2 * i]), int(row[2 * i + 1]))
        for i, (start, end) in enumerate(pairwise(bounds))
    ]
