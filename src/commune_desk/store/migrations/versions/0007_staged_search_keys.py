"""Search keys of counter intakes are staged, and indexed before the next search.

The FTS5 index took ~8 of the ~31 pages a counter save appends to the WAL
(``search_keys``, its unique index and the index's own segment, structure and
prefix pages). The intake now writes its dossier's keys to ``search_staged``
(a plain rowid table: one page) in the save's transaction; before any search
reads the index, ``store.search.index_staged`` moves the staged rows into
``search_keys``, whose trigger indexes them, in one transaction for all of
them. The keys are durable with the dossier either way; see ``store/search.py``.

The downgrade moves any staged keys into ``search_keys`` (indexed by the
trigger) before the table goes.

Revision ID: 0007_staged_search_keys
Revises: 0006_fts_prefixes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_staged_search_keys"
down_revision = "0006_fts_prefixes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_staged",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("keys", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    # store.search.INDEX_STAGED_SQL at this revision (keys written later in search_keys win)
    op.execute(
        "INSERT INTO search_keys (entity, entity_id, keys) "
        "SELECT s.entity, s.entity_id, s.keys FROM search_staged s "
        "WHERE NOT EXISTS (SELECT 1 FROM search_keys k WHERE k.entity_id = s.entity_id) ORDER BY s.id"
    )
    op.drop_table("search_staged")
