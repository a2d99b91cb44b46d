"""client list indexes: a page of the client base with any filter and sort from the
indexes alone

Replaces the client table's one-column sort indexes, the blacklist and tariff indexes
and 0003's (status, city) by covering ones (`storage.list_indexes`): one per sort, led by
its columns, and two for narrow filters, each holding every column a filter tests. The
client list then reads no client row to find a page (at 1,000,000 clients a filtered,
sorted page took up to seconds: docs/performance.md).

Self-contained: it only touches indexes of `clients`.

Revision ID: 0007_client_list_indexes
Revises: 0006_call_backs
Create Date: 2026-12-07 09:30:00
"""

from __future__ import annotations

from alembic import op

# A copy of `storage.list_indexes` as of this revision: later changes there need a migration.
LIST_INDEXES = {
    "ix_clients_list_name": (
        "name_key",
        "id",
        "status",
        "blacklisted",
        "tariff_id",
        "city",
        "registered_at",
        "last_call_at",
        "last_order_at",
    ),
    "ix_clients_list_city": (
        "city",
        "name_key",
        "id",
        "status",
        "blacklisted",
        "tariff_id",
        "registered_at",
        "last_call_at",
        "last_order_at",
    ),
    "ix_clients_list_registered": (
        "registered_at",
        "id",
        "status",
        "blacklisted",
        "tariff_id",
        "city",
        "last_call_at",
        "last_order_at",
    ),
    "ix_clients_list_last_call": (
        "last_call_at",
        "id",
        "status",
        "blacklisted",
        "tariff_id",
        "city",
        "registered_at",
        "last_order_at",
    ),
    "ix_clients_list_orders": (
        "completed_orders",
        "id",
        "status",
        "blacklisted",
        "tariff_id",
        "city",
        "registered_at",
        "last_call_at",
        "last_order_at",
    ),
    "ix_clients_list_filter": (
        "blacklisted",
        "status",
        "city",
        "tariff_id",
        "registered_at",
        "last_call_at",
        "last_order_at",
        "completed_orders",
        "name_key",
    ),
    "ix_clients_list_tariff": (
        "tariff_id",
        "blacklisted",
        "status",
        "city",
        "registered_at",
        "last_call_at",
        "last_order_at",
        "completed_orders",
        "name_key",
    ),
}
REPLACED = {
    "ix_clients_name_key": ("name_key",),
    "ix_clients_city_name_key": ("city", "name_key"),
    "ix_clients_registered_at": ("registered_at",),
    "ix_clients_last_call_at": ("last_call_at",),
    "ix_clients_completed_orders": ("completed_orders",),
    "ix_clients_blacklisted": ("blacklisted",),
    "ix_clients_tariff_id": ("tariff_id",),
    "ix_clients_status_city": ("status", "city"),
}

revision = "0007_client_list_indexes"
down_revision = "0006_call_backs"
branch_labels = None
depends_on = None


# PostgreSQL puts NULLs last ascending: the last-call index keeps them first, as the list
# sorts (never called = the oldest), so it serves both directions (DESC NULLS LAST is
# this index read backwards). SQLite's own NULL order is that already.
_NULLS_FIRST = {"ix_clients_list_last_call": "last_call_at"}


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, columns in LIST_INDEXES.items():
        first = _NULLS_FIRST.get(name)
        if postgres and first is not None:
            cols = ", ".join(f"{c} NULLS FIRST" if c == first else c for c in columns)
            op.execute(f"CREATE INDEX {name} ON clients ({cols})")
        else:
            op.create_index(name, "clients", list(columns))
    for name in REPLACED:
        op.drop_index(name, table_name="clients")
    op.execute("ANALYZE clients")


def downgrade() -> None:
    for name, columns in REPLACED.items():
        op.create_index(name, "clients", list(columns))
    for name in LIST_INDEXES:
        op.drop_index(name, table_name="clients")
