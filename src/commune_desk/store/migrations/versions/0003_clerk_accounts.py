"""Clerk accounts of a shared PC, and who made each outbox operation.

Revision ID: 0003_clerk_accounts
Revises: 0002_calendar_papers
Create Date: 2026-12-02 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_clerk_accounts"
down_revision = "0002_calendar_papers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clerk_accounts",
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("full_name", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("verifier", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.Column("last_sign_in_at", sa.String(length=27), nullable=True),
        sa.PrimaryKeyConstraint("username"),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("actor")
    op.drop_table("clerk_accounts")
