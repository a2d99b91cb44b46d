"""Two ways to find a filtered, sorted page of the client list, and the index each reads
(`storage.list_indexes`): both read index entries only, never client rows.

- **Walk**: the sort's index in order, at most `WALK_LIMIT` entries, testing the filter
  on each; right whenever the page's rows lie among those entries, which a broad filter
  (the most common case) always gives. It costs what it walks, whatever the filter.
- **Filter first**: the ranges of the filter's own index that the filter selects, then
  sorted; for a narrow filter, where the walk came back short. It costs what the filter
  selects (a few thousand entries), whatever the sort.

Sorted by last call, an activity filter's walk reads only the parts of the last-call index
that can hold its clients, and the late orders' index (`_activity_arms`): "active, oldest
call first" no longer walks the 70% of clients last seen earlier.

`storage.client_list` tries the walk first and reads filter first when the walk did not
fill the page, and goes to filter first at once for a page deeper than a walk of the same
filter found before (`ShortWalks`).

Filter first orders by `NULLIF(x, NULL)` (x itself, which no index serves): left to
themselves both planners walked the sort's index to its end for a narrow
filter, visiting every client (SQLite: city and blacklist sorted by registration took a
second at 1,000,000 clients, docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Final

from sqlalchemy import ColumnElement, Select, bindparam, func, null, or_, select, true, union_all
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.selectable import Subquery
from sqlalchemy.sql.util import ClauseAdapter

from storage.filters import Activity, ClientFilter, ClientSort
from storage.list_indexes import LATE_ORDER_DAYS
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


# A client not flagged `late_order` was last seen at most this long after its last call:
# the flag's day, and one more so that no rounding of SQLite's julianday can matter.
SEEN_AFTER_CALL: Final = timedelta(days=LATE_ORDER_DAYS + 1)


def sort_keys(
    sort: ClientSort,
    descending: bool,
    *,
    indexed: bool = True,
    of: Mapping[str, Any] | None = None,
) -> list[Any]:
    """ORDER BY of a sort, ties broken by id. Not `indexed`: each column as `NULLIF(x,
    NULL)`, which is x but served by no index, so the database reads the filter's own
    index and sorts what it selects, rather than walk the sort's index to its end. `of`:
    the columns to order (by name) when not the client table's, e.g. a compound select's."""
    keys = []
    for col in [*sort_columns(sort), Client.id]:
        expr = col if of is None else of[col.key]
        if not indexed and col is not Client.id:
            expr = func.nullif(expr, null(), type_=col.type)
        # Never-called clients count as the oldest: first ascending, last descending. That is
        # SQLite's own NULL order, so its index still serves the sort.
        key = expr.desc() if descending else expr.asc()
        if col is Client.last_call_at:
            key = key.nulls_last() if descending else key.nulls_first()
        keys.append(key)
    return keys


def walk_kind(flt: ClientFilter, sort: ClientSort, descending: bool) -> tuple[Any, ...]:
    """What a walk for this filter and sort reads, as far as how densely it finds the
    filter's clients goes: one city's part of the city index; or, with an activity
    filter, the sort and its direction (activity follows the dates that the registration
    and last-call sorts order by: "new" is dense at one end of them, absent at the other);
    else any sort's index (status, tariff, blacklist, city and debts are about as dense
    along every sort)."""
    if sort is ClientSort.CITY and flt.city is not None:
        return ("city",)
    if flt.activity is not None:
        return (ClientSort(sort), descending)
    return ("index",)


class ShortWalks:
    """How many clients a walk found for a filter when it came back short (the page not
    filled within `WALK_LIMIT` entries): a page of that filter needing more goes to the
    filter's own index at once, instead of walking again for nothing (a dispatcher paging
    through "VIP with debts" paid a ~22 ms walk on every page past the seventh at
    1,000,000 clients, docs/performance.md).

    Only the plan depends on it, never the rows: both plans give the same page. A note is
    forgotten after `uses` reads, so a filter that grows broad is walked again."""

    def __init__(self, size: int = 256, uses: int = 100) -> None:
        self._found: dict[Any, tuple[int, int]] = {}
        self._size = size
        self._uses = uses

    def found(self, key: Any) -> int | None:
        """Clients the last short walk found for `key`, or None (no note, or expired)."""
        noted = self._found.get(key)
        if noted is None:
            return None
        found, left = noted
        if left <= 1:
            del self._found[key]
        else:
            self._found[key] = (found, left - 1)
        return found

    def note(self, key: Any, found: int) -> None:
        if len(self._found) >= self._size:
            self._found.clear()
        self._found[key] = (found, self._uses)


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
    limit: BindParameter[int] = bindparam("walk_limit", WALK_LIMIT)
    arms = _activity_arms(flt) if sort is ClientSort.LAST_CALL else None
    if arms:
        walked = _merged_walk(walk, arms, sort, descending, limit, dialect)
    else:
        walked = walk.order_by(*keys).limit(limit).subquery("walked")
    adapter = ClauseAdapter(walked)
    stmt = select(walked.c.id).where(*(adapter.traverse(c) for c in conditions))
    if dialect == "sqlite":
        # SQLite reads the walk as a co-routine, in its order, and stops it once the page
        # is full; an ORDER BY here would make it walk every entry and sort them first
        # (PostgreSQL knows the walk's order and stops it either way).
        return stmt
    return stmt.order_by(*(adapter.traverse(k) for k in keys))


def _merged_walk(
    walk: Select[Any],
    arms: list[tuple[ColumnElement[bool], ...]],
    sort: ClientSort,
    descending: bool,
    limit: BindParameter[int],
    dialect: str,
) -> Subquery:
    """The walk over only the ranges that can hold an activity's clients (`arms`), merged
    in the sort's order: the first `limit` entries of them all."""
    if dialect == "sqlite":  # a compound's ORDER BY: SQLite merges the arms' index orders
        merged = union_all(*(walk.where(*arm) for arm in arms))
        ordered = sort_keys(sort, descending, of=dict(merged.selected_columns.items()))
        return merged.order_by(*ordered).limit(limit).subquery("walked")
    # PostgreSQL merges (Merge Append) only arms that are ordered themselves: each its
    # first `limit` entries, which hold the merged walk's first as well.
    keys = sort_keys(sort, descending)
    each = (walk.where(*arm).order_by(*keys).limit(limit) for arm in arms)
    merged_arms = union_all(*each).subquery("arms")
    ordered = sort_keys(sort, descending, of=dict(merged_arms.c.items()))
    return select(merged_arms).order_by(*ordered).limit(limit).subquery("walked")


def _activity_arms(flt: ClientFilter) -> list[tuple[ColumnElement[bool], ...]] | None:
    """For the sort by last call: parts of the last-call index (and of the late orders'
    index) that hold every client the activity filter may select, each a range read in
    the sort's order; None when the activity bounds no range. The filter itself is still
    tested on every entry.

    Seen since a moment M (active: M = 30 days ago; recent: 90 days, and not since 30):
    a client not flagged `late_order` was last called at most `SEEN_AFTER_CALL` before
    M; a flagged one may have been called any time before, or never. Not seen since M
    (inactive): last called before M, or never. Parameters come with the filter's values
    (`storage.client_list`: `f_active_calls_since` = 30 days ago less `SEEN_AFTER_CALL`)."""
    if flt.activity is None:
        return None

    def moment(name: str) -> Any:
        return bindparam(name, type_=Client.last_call_at.type)

    call = Client.last_call_at
    activity = Activity(flt.activity)
    if activity is Activity.INACTIVE:
        return [(call.is_(None),), (call < moment("f_recent_since"),)]
    if activity is Activity.NEW:
        return None
    since = "f_active_calls_since" if activity is Activity.ACTIVE else "f_recent_calls_since"
    late = (Client.late_order == true(), or_(call.is_(None), call < moment(since)))
    called = [call >= moment(since)]
    if activity is Activity.RECENT:
        called.append(call < moment("f_active_since"))
    return [late, tuple(called)]


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
        if flt.activity is not None and Activity(flt.activity) is Activity.NEW:
            # New clients: a range of the registration index (the last month's), sorted.
            keys = sort_keys(sort, descending, indexed=False)
            return select(Client.id).where(*conditions).order_by(*keys)
        # Other activity, or debts alone: no index selects them; the sort's own, to its end.
        return select(Client.id).where(*conditions).order_by(*sort_keys(sort, descending))
    keys = sort_keys(sort, descending, indexed=False)  # `FILTER`, or `TARIFF` for a tariff
    return select(Client.id).where(*conditions, *listed).order_by(*keys)
