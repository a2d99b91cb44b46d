"""missed closings: a missed number closed without a call-back, seen by every console

`missed_closings` keeps who closed which number, when and why (spam, a wrong number, a
caller helped another way, or typed). A closing returns the calls of that number missed
before it, as an answered call does, and a later miss opens the number again; both are
read in `storage.call_backs.missed_numbers`, nothing is flagged on `calls`. An undone
closing keeps its row with who reopened it and when.

Self-contained: the columns are copied here.

Revision ID: 0009_missed_closings
Revises: 0008_client_list_late_orders
Create Date: 2026-12-07 12:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_missed_closings"
down_revision = "0008_client_list_late_orders"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "missed_closings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reopened_by", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_missed_closings")),
    )
    op.create_index(
        "ix_missed_closings_number_closed",
        "missed_closings",
        ["number", "closed_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_missed_closings_number_closed", table_name="missed_closings")
    op.drop_table("missed_closings")
