"""staff of the shared PCs: full names, role rules, administration audit

Revision ID: 0002
Revises: 0001
Adds ``app_user.full_name``, ``commune.role_rules`` and the ``audit_event`` table.

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("full_name", sa.String(length=200), nullable=False, server_default=""))
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.alter_column("full_name", server_default=None)
    with op.batch_alter_table("commune", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role_rules", _JSON, nullable=True))
    op.create_table(
        "audit_event",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("details", _JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["commune_id"], ["commune.id"], name=op.f("fk_audit_event_commune_id_commune")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_commune_id"), ["commune_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_commune_id"))
    op.drop_table("audit_event")
    with op.batch_alter_table("commune", schema=None) as batch_op:
        batch_op.drop_column("role_rules")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("full_name")
