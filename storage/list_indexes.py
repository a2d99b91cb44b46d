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
# Written per dialect by migration 0007 (on PostgreSQL its NULLs come first, as the list
# sorts them), so left out of the models-vs-migrations comparison (`storage.search.
# include_object`): the models hold the SQLite form.
PER_DIALECT: Final = frozenset({BY_LAST_CALL})
