"""account operations: balances become sums of credits, debits, corrections and bonuses

`account_operations` keeps every movement of a client's personal account and bonuses
(signed amount, comment, operator, time). `clients.balance` and `clients.bonus_balance`
stay as the totals of those operations, maintained in the same transaction by
`storage.accounts`, so the card still pops from the client row alone.

Today's numbers become one opening operation per client and account with a non-zero
value: a `correction` for the balance (it may be negative), a `bonus_credit` for bonuses
(a `bonus_spend` for a negative one, which only hand-edited data can hold). The totals
then equal the sums from the first moment.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 02:00:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OPENING_OPERATOR = "opconsole"
OPENING_COMMENT = "opening balance (migration 0004)"

_CLIENTS = sa.table(
    "clients",
    sa.column("id", sa.Integer()),
    sa.column("balance", sa.BigInteger()),
    sa.column("bonus_balance", sa.BigInteger()),
)
_OPERATIONS = sa.table(
    "account_operations",
    sa.column("client_id", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("amount", sa.BigInteger()),
    sa.column("comment", sa.Text()),
    sa.column("operator", sa.String()),
    sa.column("at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    op.create_table(
        "account_operations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("operator", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('credit', 'debit', 'correction', 'bonus_credit', 'bonus_spend')",
            name=op.f("ck_account_operations_kind"),
        ),
        sa.CheckConstraint(
            "(kind IN ('credit', 'bonus_credit') AND amount > 0)"
            " OR (kind IN ('debit', 'bonus_spend') AND amount < 0)"
            " OR (kind = 'correction' AND amount <> 0)",
            name=op.f("ck_account_operations_amount_sign"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_account_operations_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_operations")),
    )
    with op.batch_alter_table("account_operations", schema=None) as batch_op:
        batch_op.create_index("ix_account_operations_client_at", ["client_id", "at"], unique=False)
    _open_balances()


def _open_balances() -> None:
    """One opening operation per client and account whose total is not zero."""
    at = sa.literal(datetime.now(UTC), sa.DateTime(timezone=True))
    comment = sa.literal(OPENING_COMMENT, sa.Text())
    operator = sa.literal(OPENING_OPERATOR, sa.String())
    columns = ["client_id", "kind", "amount", "comment", "operator", "at"]
    c = _CLIENTS.c
    balances = sa.select(
        c.id, sa.literal("correction", sa.String()), c.balance, comment, operator, at
    ).where(c.balance != 0)
    bonus_kind = sa.case((c.bonus_balance > 0, "bonus_credit"), else_="bonus_spend")
    bonuses = sa.select(c.id, bonus_kind, c.bonus_balance, comment, operator, at).where(
        c.bonus_balance != 0
    )
    op.execute(_OPERATIONS.insert().from_select(columns, balances))
    op.execute(_OPERATIONS.insert().from_select(columns, bonuses))


def downgrade() -> None:
    # The totals stay in `clients`, so dropping the history loses no balance.
    with op.batch_alter_table("account_operations", schema=None) as batch_op:
        batch_op.drop_index("ix_account_operations_client_at")
    op.drop_table("account_operations")
