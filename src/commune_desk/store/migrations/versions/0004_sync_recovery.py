"""Sync recovery: epochs, confirmed seq, resync and drain state; rejected pulled records.

Revision ID: 0004_sync_recovery
Revises: 0003_clerk_accounts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_sync_recovery"
down_revision = "0003_clerk_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("epoch", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("confirmed_seq", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("seq_floor", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("resync", sa.Boolean(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("drain_boundary", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("notice", sa.String(length=40), nullable=True))
    op.create_table(
        "pulled_rejections",
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("resolved_at", sa.String(length=27), nullable=True),
        sa.PrimaryKeyConstraint("entity_id"),
    )


def downgrade() -> None:
    op.drop_table("pulled_rejections")
    with op.batch_alter_table("sync_state", schema=None) as batch_op:
        for name in ("notice", "drain_boundary", "resync", "seq_floor", "confirmed_seq", "epoch"):
            batch_op.drop_column(name)
