"""device keys, refresh grace, login throttling, security audit, op_id per commune

Revision ID: 0002
Revises: 0001
Adds the device public key (and a pending key for re-binding), the rotated
refresh token's successor box, single-use device nonces, rate-limit counters,
the security audit trail, and makes ``op_id`` unique per commune only.

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
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("pending_public_key", sa.String(length=64), nullable=True))
    with op.batch_alter_table("auth_token", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rotated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("successor", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("op_result", schema=None) as batch_op:
        batch_op.drop_constraint("uq_op_result_op_id", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_op_result_commune_id_op_id"), ["commune_id", "op_id"]
        )

    op.create_table(
        "device_nonce",
        sa.Column("nonce_hash", sa.String(length=64), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("nonce_hash", name=op.f("pk_device_nonce")),
    )
    with op.batch_alter_table("device_nonce", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_device_nonce_expires_at"), ["expires_at"], unique=False)

    op.create_table(
        "rate_counter",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_counter")),
    )
    with op.batch_alter_table("rate_counter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rate_counter_expires_at"), ["expires_at"], unique=False)

    op.create_table(
        "security_event",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.Column("device_id", sa.String(length=36), nullable=True),
        sa.Column("commune_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=True),
        sa.Column("detail", _JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_event")),
    )
    with op.batch_alter_table("security_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_security_event_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_security_event_username_at"), ["username", "at"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("security_event")
    op.drop_table("rate_counter")
    op.drop_table("device_nonce")
    with op.batch_alter_table("op_result", schema=None) as batch_op:
        batch_op.drop_constraint("uq_op_result_commune_id_op_id", type_="unique")
        batch_op.create_unique_constraint("uq_op_result_op_id", ["op_id"])
    with op.batch_alter_table("auth_token", schema=None) as batch_op:
        batch_op.drop_column("successor")
        batch_op.drop_column("rotated_at")
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_column("pending_public_key")
        batch_op.drop_column("public_key")
