"""staff of the shared PCs: full names and the role rules of each commune

Revision ID: 0003
Revises: 0002
Adds ``app_user.full_name`` and ``commune.role_rules`` (changes are audited in
``security_event``).

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
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


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("commune", schema=None) as batch_op:
        batch_op.drop_column("role_rules")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("full_name")
