"""addresses and companies: any number of addresses per client, organisations with
their own account, and which clients work for them

`client_addresses` holds a client's addresses (label, city, street, house, building,
entrance, floor, apartment or office, comment, how often and when last used, who
created and changed it). Today's single address on the client (city, street, house,
entrance) becomes one row labelled `home` for every client that has any part of it; the
old columns stay on `clients`, readable but no longer written by the console (dropping
them on SQLite would rebuild `clients` and its search triggers).

`city_key`/`street_key` are the casefolded city and street (ё as е) the client search
finds by an index range. SQLite's lower() folds ASCII only, so the keys of the moved
addresses are folded in Python, once per distinct city and street (a small mapping
table joined into one INSERT … SELECT, then dropped).

`companies` (name, tax id, contact, comment, balance), `company_operations` (the
company's account as credits, debits and corrections, a sibling of the clients'
`account_operations`) and `company_employees` (a client works for at most one company,
with «may order on account»).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 05:30:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

MOVED_BY = "opconsole"
_FOLD_TABLE = "_address_keys_0005"


def upgrade() -> None:
    op.create_table(
        "client_addresses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=50), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("street", sa.String(length=200), nullable=False),
        sa.Column("house", sa.String(length=20), nullable=False),
        sa.Column("building", sa.String(length=20), nullable=False),
        sa.Column("entrance", sa.String(length=20), nullable=False),
        sa.Column("floor", sa.String(length=10), nullable=False),
        sa.Column("apartment", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("city_key", sa.String(length=100), nullable=False),
        sa.Column("street_key", sa.String(length=200), nullable=False),
        sa.Column("use_count", sa.Integer(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_client_addresses_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_addresses")),
    )
    op.create_table(
        "companies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("tax_id", sa.String(length=12), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_phone", sa.String(length=32), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_companies")),
        sa.UniqueConstraint("name", name=op.f("uq_companies_name")),
    )
    op.create_table(
        "company_employees",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("may_order_on_account", sa.Boolean(), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("linked_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_company_employees_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_company_employees_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_company_employees")),
    )
    op.create_table(
        "company_operations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("operator", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('credit', 'debit', 'correction')",
            name=op.f("ck_company_operations_kind"),
        ),
        sa.CheckConstraint(
            "(kind = 'credit' AND amount > 0) OR (kind = 'debit' AND amount < 0)"
            " OR (kind = 'correction' AND amount <> 0)",
            name=op.f("ck_company_operations_amount_sign"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_company_operations_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company_operations")),
    )
    _move_addresses()
    # Indexes after the bulk copy: built once instead of row by row.
    with op.batch_alter_table("client_addresses", schema=None) as batch_op:
        batch_op.create_index("ix_client_addresses_client_id", ["client_id"], unique=False)
        batch_op.create_index("ix_client_addresses_city_key", ["city_key"], unique=False)
        batch_op.create_index("ix_client_addresses_street_key", ["street_key"], unique=False)
    with op.batch_alter_table("company_employees", schema=None) as batch_op:
        batch_op.create_index("ix_company_employees_company_id", ["company_id"], unique=False)
    with op.batch_alter_table("company_operations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_company_operations_company_at", ["company_id", "at"], unique=False
        )


def _fold(text: str) -> str:
    """As `storage.addresses.search_key` folds (a migration keeps its own copy)."""
    return " ".join(text.split()).casefold().replace("ё", "е")


_STREET_TYPES = frozenset(
    {
        "ул", "ул.", "улица", "пр-т", "пр.", "просп.", "проспект", "пер.", "пер", "переулок",
        "пл.", "пл", "площадь", "ш.", "шоссе", "б-р", "бульвар", "наб.", "проезд", "пр-д",
        "туп.", "тупик", "мкр", "мкр.", "микрорайон", "ал.", "аллея", "st", "st.", "street",
        "ave", "ave.", "avenue", "rd", "rd.", "road",
    }
)  # fmt: skip


def _fold_street(text: str) -> str:
    """As `storage.addresses.street_key`: without the kind of street («ул.», «пр-т»…)."""
    words = _fold(text).split()
    return " ".join([w for w in words if w not in _STREET_TYPES] or words)


def _move_addresses() -> None:
    """One `home` address per client with any part of the old address."""
    bind = op.get_bind()
    keys = sa.table(
        _FOLD_TABLE,
        sa.column("part", sa.String()),
        sa.column("value", sa.String()),
        sa.column("folded", sa.String()),
    )
    op.create_table(
        _FOLD_TABLE,
        sa.Column("part", sa.String(length=1), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("folded", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("part", "value", name="pk_address_keys_0005"),
    )
    rows: list[dict[str, str]] = []
    for part, column, fold in (("c", "city", _fold), ("s", "street", _fold_street)):
        values = bind.execute(sa.text(f"SELECT DISTINCT {column} FROM clients")).scalars()
        rows.extend({"part": part, "value": v, "folded": fold(v)} for v in values if v)
    if rows:
        op.bulk_insert(keys, rows)
    now = datetime.now(UTC)
    # As storage.types.UtcDateTime writes it: naive UTC on SQLite, aware on PostgreSQL.
    at = now.replace(tzinfo=None) if bind.dialect.name == "sqlite" else now
    bind.execute(
        sa.text(
            "INSERT INTO client_addresses (client_id, label, city, street, house, building,"
            " entrance, floor, apartment, comment, city_key, street_key, use_count,"
            " last_used_at, created_at, created_by, updated_at, updated_by)"
            " SELECT c.id, 'home', c.city, c.street, c.house, '', c.entrance, '', '', '',"
            " coalesce(kc.folded, ''), coalesce(ks.folded, ''), 0, NULL,"
            " :at, :by, :at, :by"
            " FROM clients c"
            f" LEFT JOIN {_FOLD_TABLE} kc ON kc.part = 'c' AND kc.value = c.city"
            f" LEFT JOIN {_FOLD_TABLE} ks ON ks.part = 's' AND ks.value = c.street"
            " WHERE c.city <> '' OR c.street <> '' OR c.house <> '' OR c.entrance <> ''"
            " ORDER BY c.id"
        ).bindparams(sa.bindparam("at", type_=sa.DateTime(timezone=True))),
        {"at": at, "by": MOVED_BY},
    )
    op.drop_table(_FOLD_TABLE)


def downgrade() -> None:
    # The old address columns were never dropped: the first address is still there.
    with op.batch_alter_table("company_operations", schema=None) as batch_op:
        batch_op.drop_index("ix_company_operations_company_at")
    op.drop_table("company_operations")
    with op.batch_alter_table("company_employees", schema=None) as batch_op:
        batch_op.drop_index("ix_company_employees_company_id")
    op.drop_table("company_employees")
    op.drop_table("companies")
    with op.batch_alter_table("client_addresses", schema=None) as batch_op:
        batch_op.drop_index("ix_client_addresses_street_key")
        batch_op.drop_index("ix_client_addresses_city_key")
        batch_op.drop_index("ix_client_addresses_client_id")
    op.drop_table("client_addresses")
