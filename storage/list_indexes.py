"""The client list's indexes (migration 0007): which columns each holds, named once for
the models, the migration and the queries that pick them (`storage.client_list`).

Every index carries every column a filter tests, so a page is found in the index alone,
never by reading client rows one by one (a row costs ~2 µs at 1,000,000 clients, an index
entry a tenth of that: docs/performance.md, "Client list at 1,000,000"):

- one per sort, led by the sort's columns: a page walks it in order and stops as soon as
  it has its rows (a broad filter);
- `FILTER`, led by blacklist, status and city: a narrow filter is read as a few ranges
  of it (the values not chosen are listed: `blacklisted IN (false, true)`, every status)
  and then sorted;
- `TARIFF`, led by the tariff, for a narrow filter on a tariff alone.
"""

from __future__ import annotations

from typing import Final

# What a filter tests, beside the sort's columns.
_TESTED: Final = (
    "status", "blacklisted", "tariff_id", "city", "registered_at", "last_call_at",
    "last_order_at",
)  # fmt: skip


def _with_tested(*lead: str) -> tuple[str, ...]:
    return (*lead, *(c for c in _TESTED if c not in lead))


def _sort(*columns: str) -> tuple[str, ...]:
    # The id right after the sort's columns: a sort's ties are broken by id, and the walk
    # must meet them in that order (with the id anywhere else, SQLite sorted every client
    # with no orders, or never called, before the first page).
    return (*columns, "id", *(c for c in _TESTED if c not in columns))


BY_NAME: Final = "ix_clients_list_name"
BY_CITY: Final = "ix_clients_list_city"
BY_REGISTERED: Final = "ix_clients_list_registered"
BY_LAST_CALL: Final = "ix_clients_list_last_call"
BY_ORDERS: Final = "ix_clients_list_orders"
FILTER: Final = "ix_clients_list_filter"
TARIFF: Final = "ix_clients_list_tariff"

LIST_INDEXES: Final[dict[str, tuple[str, ...]]] = {
    BY_NAME: _sort("name_key"),
    BY_CITY: _sort("city", "name_key"),
    BY_REGISTERED: _sort("registered_at"),
    BY_LAST_CALL: _sort("last_call_at"),
    BY_ORDERS: _sort("completed_orders"),
    FILTER: (*_with_tested("blacklisted", "status", "city"), "completed_orders", "name_key"),
    TARIFF: (
        *_with_tested("tariff_id", "blacklisted", "status", "city"),
        "completed_orders",
        "name_key",
    ),
}
# The indexes of migrations 0001 and 0003 these replace.
REPLACED: Final[dict[str, tuple[str, ...]]] = {
    "ix_clients_name_key": ("name_key",),
    "ix_clients_city_name_key": ("city", "name_key"),
    "ix_clients_registered_at": ("registered_at",),
    "ix_clients_last_call_at": ("last_call_at",),
    "ix_clients_completed_orders": ("completed_orders",),
    "ix_clients_blacklisted": ("blacklisted",),
    "ix_clients_tariff_id": ("tariff_id",),
    "ix_clients_status_city": ("status", "city"),
}

# Migration 0008: the clients last seen through an order placed long after their last
# call (booked days ahead, or entered without a call), flagged by the generated column
# `clients.late_order` and listed by a partial index in last-call order. Every other
# client was last seen at most `LATE_ORDER_DAYS` after its last call, so an activity
# filter ("seen since") becomes a range of the last-call index plus these few
# (`storage.list_plans`): without it, "active, oldest call first" walked the whole index.
LATE_ORDER_DAYS: Final = 1
LATE_ORDERS: Final = "ix_clients_list_late_orders"
# The partial index's condition, as each dialect's compiler writes `late_order == true()`,
# which a query must repeat word for word for SQLite to use the index.
LATE_ORDERS_WHERE: Final = {"sqlite": "late_order = 1", "postgresql": "late_order = true"}


def late_order_sql(dialect: str) -> str:
    """`clients.late_order`'s expression: the last order came over `LATE_ORDER_DAYS`
    after the last call, or there is an order and no call. Immutable, as a generated
    column needs (PostgreSQL: a timestamptz difference; SQLite: julianday of the stored
    text)."""
    if dialect == "postgresql":
        gap = f"last_order_at - last_call_at > interval '{LATE_ORDER_DAYS} day'"
    else:
        gap = f"julianday(last_order_at) - julianday(last_call_at) > {LATE_ORDER_DAYS}"
    return f"last_order_at IS NOT NULL AND (last_call_at IS NULL OR {gap})"


# Written per dialect by migrations 0007 and 0008 (on PostgreSQL last-call NULLs come
# first, as the list sorts them; partial index conditions), so left out of the
# models-vs-migrations comparison (`storage.search.include_object`): the models hold the
# SQLite form.
PER_DIALECT: Final = frozenset({BY_LAST_CALL, LATE_ORDERS})
