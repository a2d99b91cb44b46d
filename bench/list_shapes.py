"""The client list's shapes for the storage bench: every filter the client base screen
offers, alone and in the pairs a desk uses, each under every sort in both directions, on
the first page and a deep one (page 10, what a dispatcher reaches paging on).

A shape's values come from the seeded base: the largest and the smallest city, the most
and the least common tariff, so a filter is timed both where it is broad and where it is
narrow. `matrix` folds the timings into one line per filter: its worst p99 per sort.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from bench._stats import ms, percentile, table
from storage.filters import Activity, ClientFilter, ClientSort

PAGE_SIZE = 25
PAGES = (0, 10)


@dataclass(frozen=True, slots=True)
class ListQuery:
    shape: str  # the filter's kind, e.g. "city+vip"
    filter: ClientFilter
    sort: ClientSort
    descending: bool
    page: int
    page_size: int = PAGE_SIZE


# (largest and smallest city, most and least common tariff) of the seeded base: the
# first and last rows of these (any database).
CITIES_BY_SIZE = "SELECT city FROM clients GROUP BY city ORDER BY count(*) DESC, city"
TARIFFS_BY_USE = (
    "SELECT tariff_id FROM clients WHERE tariff_id IS NOT NULL"
    " GROUP BY tariff_id ORDER BY count(*) DESC, tariff_id"
)


def _choices(conn: sqlite3.Connection) -> tuple[list[str], list[int]]:
    cities = [str(r[0]) for r in conn.execute(CITIES_BY_SIZE)]
    tariffs = [int(r[0]) for r in conn.execute(TARIFFS_BY_USE)]
    return [cities[0], cities[-1]], [tariffs[0], tariffs[-1]]


def filters(conn: sqlite3.Connection) -> dict[str, list[ClientFilter]]:
    """Each kind of filter the screen can set, with the values it is timed with."""
    return filters_for(*_choices(conn))


def filters_for(cities: Sequence[str], tariffs: Sequence[int]) -> dict[str, list[ClientFilter]]:
    """`filters` for the given (largest, smallest) cities and (most, least used) tariffs."""
    by_city = {
        "city": [ClientFilter(city=c) for c in cities],
        "city+vip": [ClientFilter(city=c, status="vip") for c in cities],
        "city+debts": [ClientFilter(city=c, has_unpaid_debts=True) for c in cities],
        "city+blacklist": [ClientFilter(city=c, blacklisted=True) for c in cities],
        "city+tariff": [
            ClientFilter(city=c, tariff_id=t) for c, t in zip(cities, tariffs, strict=True)
        ],
        "city+active": [ClientFilter(city=c, activity=Activity.ACTIVE) for c in cities],
        "city+search": [ClientFilter(city=c, search="иван") for c in cities],
    }
    return {
        "none": [ClientFilter()],
        **by_city,
        "vip": [ClientFilter(status="vip")],
        "status": [ClientFilter(status=s) for s in ("new", "inactive")],
        "blacklist": [ClientFilter(blacklisted=True), ClientFilter(blacklisted=False)],
        "debts": [ClientFilter(has_unpaid_debts=True)],
        "no debts": [ClientFilter(has_unpaid_debts=False)],
        "tariff": [ClientFilter(tariff_id=t) for t in tariffs],
        "activity": [ClientFilter(activity=a) for a in Activity],
        "vip+debts": [ClientFilter(status="vip", has_unpaid_debts=True)],
        "tariff+debts": [ClientFilter(tariff_id=t, has_unpaid_debts=True) for t in tariffs],
        "blacklist+debts": [ClientFilter(blacklisted=True, has_unpaid_debts=True)],
        "vip+active+tariff": [
            ClientFilter(status="vip", activity=Activity.ACTIVE, tariff_id=t) for t in tariffs
        ],
        "search": [ClientFilter(search="петров")],
    }


def queries(conn: sqlite3.Connection) -> dict[str, list[ListQuery]]:
    """Every filter kind × sort × direction × (first, deep) page."""
    return queries_for(filters(conn))


def queries_for(shaped: dict[str, list[ClientFilter]]) -> dict[str, list[ListQuery]]:
    grid: dict[str, list[ListQuery]] = {}
    for shape, flts in shaped.items():
        grid[shape] = [
            ListQuery(shape, flt, sort, descending, page)
            for flt in flts
            for sort in ClientSort
            for descending in (False, True)
            for page in PAGES
        ]
    return grid


def matrix(timed: Sequence[tuple[ListQuery, float]], goal_ms: float) -> str:
    """One line per filter kind: p99 per sort (both directions and pages), the worst
    shape, and the p50/p99 of every call together."""
    sorts = list(ClientSort)
    shapes = list(dict.fromkeys(q.shape for q, _ in timed))
    rows = []
    for shape in shapes:
        cells = [shape]
        for sort in sorts:
            samples = [t for q, t in timed if q.shape == shape and q.sort is sort]
            cells.append(ms(percentile(samples, 99)) if samples else "-")
        worst_q, worst_t = max(((q, t) for q, t in timed if q.shape == shape), key=lambda x: x[1])
        cells.append(
            f"{ms(worst_t)} ({worst_q.sort.value}{' desc' if worst_q.descending else ''}"
            f", page {worst_q.page})"
        )
        rows.append(cells)
    every = [t for _, t in timed]
    over = sum(1 for t in every if t * 1000 >= goal_ms)
    header = ["filter", *(s.value for s in sorts), "worst call"]
    return "\n".join(
        [
            table(header, rows),
            f"client list, every shape: n {len(every)}, p50 {ms(percentile(every, 50))}, "
            f"p99 {ms(percentile(every, 99))}, max {ms(max(every))}; "
            f"{over} call(s) at or over {goal_ms:g} ms (each shape's fastest pass)",
        ]
    )
