"""sync recovery: commune epochs, revocation drains, declared seq skips, code marks

Revision ID: 0005
Revises: 0004
Adds what lets PCs recover from a restored server (epochs, code marks rebuilt
from their reports), revoked PCs drain their unsent work, and devices declare
the seqs a restore of their store lost.

"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("commune", schema=None) as batch_op:
        batch_op.add_column(sa.Column("epoch", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("epoch_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("epoch_reason", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("recovery_until", sa.DateTime(timezone=True), nullable=True))
    commune = sa.table(
        "commune",
        sa.column("id", sa.Integer()),
        sa.column("epoch", sa.String()),
        sa.column("epoch_reason", sa.String()),
    )
    conn = op.get_bind()
    for (commune_id,) in conn.execute(sa.select(commune.c.id)).all():
        conn.execute(
            commune.update()
            .where(commune.c.id == commune_id)
            .values(epoch=str(uuid.uuid4()), epoch_reason="")
        )
    with op.batch_alter_table("commune", schema=None) as batch_op:
        batch_op.alter_column("epoch", existing_type=sa.String(length=36), nullable=False)
        batch_op.alter_column("epoch_reason", existing_type=sa.String(length=200), nullable=False)
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.add_column(sa.Column("drain_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("drained_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "seq_skip",
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("first", sa.BigInteger(), nullable=False),
        sa.Column("last", sa.BigInteger(), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("device_id", "first", name=op.f("pk_seq_skip")),
    )
    op.create_table(
        "code_mark",
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column("series", sa.String(length=100), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["commune_id"], ["commune.id"], name=op.f("fk_code_mark_commune_id_commune")),
        sa.PrimaryKeyConstraint("commune_id", "series", "slot", name=op.f("pk_code_mark")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("code_mark")
    op.drop_table("seq_skip")
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_column("drained_at")
        batch_op.drop_column("drain_until")
    with op.batch_alter_table("commune", schema=None) as batch_op:
        batch_op.drop_column("recovery_until")
        batch_op.drop_column("epoch_reason")
        batch_op.drop_column("epoch_at")
        batch_op.drop_column("epoch")
