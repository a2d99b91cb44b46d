"""call-backs: each attempt to call back a missed number, seen by every console

`call_backs` keeps who dialled which number when (from which click-to-call: server and
ActionID, unique, so a journal entry applied twice writes one row), the missed call it
answered, and how it ended (answered, no answer, busy, failed). A missed number counts as
returned only once a later call with it was answered; that is read from `calls` and from
the answered attempts here, not stored as a flag.

Revision ID: 0006_call_backs
Revises: 0005
Create Date: 2026-12-07 09:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_call_backs"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "call_backs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("server", sa.String(length=100), nullable=False),
        sa.Column("action_id", sa.String(length=100), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("missed_call_id", sa.Integer(), nullable=True),
        sa.Column("extension", sa.String(length=100), nullable=False),
        sa.Column("operator", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("linkedid", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "outcome IN ('answered', 'no_answer', 'busy', 'failed')",
            name=op.f("ck_call_backs_outcome"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_call_backs_client_id_clients"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["missed_call_id"],
            ["calls.id"],
            name=op.f("fk_call_backs_missed_call_id_calls"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_backs")),
        sa.UniqueConstraint("server", "action_id", name="uq_call_backs_server_action_id"),
    )
    op.create_index(
        "ix_call_backs_number_started", "call_backs", ["number", "started_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_call_backs_number_started", table_name="call_backs")
    op.drop_table("call_backs")
