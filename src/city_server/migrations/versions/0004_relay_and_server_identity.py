"""office relay flag on devices; server identity and carry-signing key

Revision ID: 0004
Revises: 0003
Adds ``device.is_relay`` (a leader registered the device as its commune's
office relay), the one-row ``server_meta`` table (the instance id a client's
cursor belongs to, and the Ed25519 key that signs carry replies), and the
tables an office relay fills (``relay_*``, empty on a city server).

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_relay", sa.Boolean(), server_default="0", nullable=False))
    op.create_table(
        "server_meta",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=False),
        sa.Column("signing_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_server_meta")),
    )
    op.create_table(
        "relay_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city_url", sa.Text(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("private_key", sa.String(length=64), nullable=False),
        sa.Column("refresh_token", sa.String(length=200), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("commune_code", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relay_identity")),
    )
    op.create_table(
        "relay_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city_cursor", sa.BigInteger(), nullable=False),
        sa.Column("city_source_id", sa.String(length=36), nullable=True),
        sa.Column("city_key", sa.String(length=64), nullable=True),
        sa.Column("last_ok_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relay_state")),
    )
    op.create_table(
        "relay_op",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("op_id", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("op", _JSON, nullable=False),
        sa.Column("signature", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("result", _JSON, nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relay_op")),
        sa.UniqueConstraint("device_id", "seq", name=op.f("uq_relay_op_device_id_seq")),
        sa.UniqueConstraint("op_id", name=op.f("uq_relay_op_op_id")),
    )
    with op.batch_alter_table("relay_op", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_relay_op_state_id"), ["state", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_relay_op_entity_id"), ["entity_id"], unique=False)
    op.create_table(
        "relay_mirror",
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("fields", _JSON, nullable=False),
        sa.Column("city_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("entity", "entity_id", name=op.f("pk_relay_mirror")),
    )
    op.create_table(
        "relay_sublease",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series", sa.String(length=80), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("first", sa.BigInteger(), nullable=False),
        sa.Column("last", sa.BigInteger(), nullable=False),
        sa.Column("reported", sa.Boolean(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relay_sublease")),
    )
    with op.batch_alter_table("relay_sublease", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_relay_sublease_device_id"), ["device_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    for table in ("relay_sublease", "relay_mirror", "relay_op", "relay_state", "relay_identity"):
        op.drop_table(table)
    op.drop_table("server_meta")
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_column("is_relay")
