"""Indexes that earn their place: each serves a list filter or a sync query that uses it.

- ``ix_dossiers_procedure`` gains ``id``: the list filtered by procedure is
  ordered by ``(received_at, id)``; without ``id`` its first page sorted every
  row of the procedure and its keyset paging compared on ``received_at`` alone.
- ``ix_outbox_state_seq`` goes: the push reads ``device_id = ? ... ORDER BY
  seq`` on the ``(device_id, seq)`` unique index; nearly every row of the
  outbox is open (done ones are pruned after the pull), so a state index
  narrowed nothing while costing a page on every save and every push.
- ``ix_outbox_entity (entity, entity_id)`` becomes ``ix_outbox_entity_id
  (entity_id, entity)``: the pull asks for the open operations of a page's
  record ids (``entity_id IN ...``), which the old order could not seek.

Revision ID: 0005_list_indexes
Revises: 0004_sync_recovery
"""

from __future__ import annotations

from alembic import op

revision = "0005_list_indexes"
down_revision = "0004_sync_recovery"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_dossiers_procedure", table_name="dossiers")
    op.create_index("ix_dossiers_procedure", "dossiers", ["procedure_code", "received_at", "id"])
    op.drop_index("ix_outbox_state_seq", table_name="outbox")
    op.drop_index("ix_outbox_entity", table_name="outbox")
    op.create_index("ix_outbox_entity_id", "outbox", ["entity_id", "entity"])


def downgrade() -> None:
    op.drop_index("ix_outbox_entity_id", table_name="outbox")
    op.create_index("ix_outbox_entity", "outbox", ["entity", "entity_id"])
    op.create_index("ix_outbox_state_seq", "outbox", ["state", "seq"])
    op.drop_index("ix_dossiers_procedure", table_name="dossiers")
    op.create_index("ix_dossiers_procedure", "dossiers", ["procedure_code", "received_at"])
