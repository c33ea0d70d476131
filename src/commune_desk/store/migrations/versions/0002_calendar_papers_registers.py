"""Working calendar as synced reference data; received papers, date of birth and statutory
extension on dossiers; extensions and verified fees in the catalogue; register columns of
Decree 30/2020 (notes, copy holder, date sent, void reason).

The calendar row itself is written at open time from the bundled base
(``services/calendar.py``), which also takes over the office hours and
day-off overrides older versions kept in the settings table.

Revision ID: 0002_calendar_papers
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_calendar_papers"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "work_calendar",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("base_source", sa.Text(), nullable=False),
        sa.Column("base_days", sa.JSON(), nullable=False),
        sa.Column("overrides_version", sa.Integer(), nullable=False),
        sa.Column("overrides", sa.JSON(), nullable=False),
        sa.Column("hours", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.Column("server_version", sa.Integer(), nullable=True),
        sa.Column("dirty", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("procedures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("extensions", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("fee_verified", sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("received_papers", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("applicant_date_of_birth", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("extension", sa.String(length=40), nullable=False, server_default=""))
    with op.batch_alter_table("incoming_documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notes", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("outgoing_documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("copy_holder", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("sent_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("notes", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("void_reason", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("outgoing_documents", schema=None) as batch_op:
        for name in ("void_reason", "notes", "sent_on", "copy_holder"):
            batch_op.drop_column(name)
    with op.batch_alter_table("incoming_documents", schema=None) as batch_op:
        batch_op.drop_column("notes")
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        for name in ("extension", "applicant_date_of_birth", "received_papers"):
            batch_op.drop_column(name)
    with op.batch_alter_table("procedures", schema=None) as batch_op:
        batch_op.drop_column("fee_verified")
        batch_op.drop_column("extensions")
    op.drop_table("work_calendar")
