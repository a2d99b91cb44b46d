"""Two ways to find a filtered, sorted page of the client list, and the index each reads
(`storage.list_indexes`): both read index entries only, never client rows.

- **Walk**: the sort's index in order, at most `WALK_LIMIT` entries, testing the filter
  on each; right whenever the page's rows lie among those entries, which a broad filter
  (the most common case) always gives. It costs what it walks, whatever the filter.
- **Filter first**: the ranges of the filter's own index that the filter selects, then
  sorted; for a narrow filter, where the walk came back short. It costs what the filter
  selects (a few thousand entries), whatever the sort.

`storage.client_list` tries the walk first and reads filter first when the walk did not
fill the page. Filter first orders by `NULLIF(x, NULL)` (x itself, which no index
serves): left to themselves both planners walked the sort's index to its end for a narrow
filter, visiting every client (SQLite: city and blacklist sorted by registration took a
second at 1,000,000 clients, docs/performance.md).
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import ColumnElement, Select, bindparam, func, null, select
from sqlalchemy.sql.util import ClauseAdapter

from storage.filters import ClientFilter, ClientSort
from storage.models import Client, ClientStatus

# Index entries a walk reads at most before the filter's own index is read instead (the
# walk stops as soon as its page is full: only a narrow filter walks them all, ~20 ms at
# 1,000,000 clients). A page 10 deep is found by the walk when one client in ~200 passes.
WALK_LIMIT: Final = 60_000

_SORT_COLUMNS: Final = {
    ClientSort.NAME: (Client.name_key,),
    ClientSort.ORDERS: (Client.completed_orders,),
    ClientSort.REGISTERED: (Client.registered_at,),
    ClientSort.LAST_CALL: (Client.last_call_at,),
    ClientSort.CITY: (Client.city, Client.name_key),
}
# What a filter tests: every one of these is in every list index.
_TESTED: Final = (
    Client.status, Client.blacklisted, Client.tariff_id, Client.city, Client.registered_at,
    Client.last_call_at, Client.last_order_at,
)  # fmt: skip


def sort_columns(sort: ClientSort) -> tuple[Any, ...]:
    return _SORT_COLUMNS[ClientSort(sort)]


def sort_keys(sort: ClientSort, descending: bool, *, indexed: bool = True) -> list[Any]:
    """ORDER BY of a sort, ties broken by id. Not `indexed`: each column as `NULLIF(x,
    NULL)`, which is x but served by no index, so the database reads the filter's own
    index and sorts what it selects, rather than walk the sort's index to its end."""
    keys = []
    for col in [*sort_columns(sort), Client.id]:
        expr = col if indexed or col is Client.id else func.nullif(col, null(), type_=col.type)
        # Never-called clients count as the oldest: first ascending, last descending. That is
        # SQLite's own NULL order, so its index still serves the sort.
        key = expr.desc() if descending else expr.asc()
        if col is Client.last_call_at:
            key = key.nulls_last() if descending else key.nulls_first()
        keys.append(key)
    return keys


def walked_ids(
    flt: ClientFilter,
    conditions: list[ColumnElement[bool]],
    sort: ClientSort,
    descending: bool,
    dialect: str,
) -> Select[Any]:
    """Ids of the clients passing `conditions` among the first `:walk_limit` of the sort
    (`keys`), in its order; the caller adds the page's limit and offset."""
    keys = sort_keys(sort, descending)
    columns = dict.fromkeys((Client.id, *_TESTED, *sort_columns(sort)))
    walk = select(*columns)
    if sort is ClientSort.CITY and flt.city is not None:
        # Sorted by city within one city: walk that city's part of the index only.
        walk = walk.where(Client.city == bindparam("f_city", flt.city, type_=Client.city.type))
    walked = walk.order_by(*keys).limit(bindparam("walk_limit", WALK_LIMIT)).subquery("walked")
    adapter = ClauseAdapter(walked)
    stmt = select(walked.c.id).where(*(adapter.traverse(c) for c in conditions))
    if dialect == "sqlite":
        # SQLite reads the walk as a co-routine, in its order, and stops it once the page
        # is full; an ORDER BY here would make it walk every entry and sort them first
        # (PostgreSQL knows the walk's order and stops it either way).
        return stmt
    return stmt.order_by(*(adapter.traverse(k) for k in keys))


def filtered_ids(
    flt: ClientFilter, conditions: list[ColumnElement[bool]], sort: ClientSort, descending: bool
) -> Select[Any]:
    """Ids of every client passing `conditions`, read from the filter's own index and then
    sorted; the caller adds the page's limit and offset."""
    listed = []
    if flt.city is not None or flt.status is not None or flt.blacklisted is not None:
        # `FILTER` is led by blacklist, status and city: the values not chosen are listed,
        # so the filter is a few ranges of it (at most 2 × 4 with a city), not all of it.
        if flt.blacklisted is None:
            listed.append(Client.blacklisted.in_([False, True]))
        if flt.status is None:
            listed.append(Client.status.in_([s.value for s in ClientStatus]))
    elif flt.tariff_id is None:
        # Activity or debts alone: no index selects them; the sort's own, to its end.
        return select(Client.id).where(*conditions).order_by(*sort_keys(sort, descending))
    keys = sort_keys(sort, descending, indexed=False)  # `FILTER`, or `TARIFF` for a tariff
    return select(Client.id).where(*conditions, *listed).order_by(*keys)
