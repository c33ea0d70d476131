"""Search index with prefix indexes of 1 to 6 characters (search-as-you-type at a million dossiers).

A prefix query whose length has no prefix index (``"h"*``, ``"0011"*``,
``"nguyen"*``) merges every matching term's doclist before FTS5 can return the
newest 50 rows; at a million dossiers that took up to 110 ms. The FTS5 table
is recreated with ``prefix='1 2 3 4 5 6'`` (``store.search.FTS_PREFIXES``)
without the per-record column sizes only ranking reads (``columnsize=0``: one
page less per save), and rebuilt from ``search_keys``, its content table, in the migration's
transaction: about 15 s and 66 MB more at a million dossiers (docs/benchmarks.md).

Revision ID: 0006_fts_prefixes
Revises: 0005_list_indexes
"""

from __future__ import annotations

from alembic import op

from commune_desk.store.search import DROP_FTS_SCHEMA, REBUILD_FTS, fts_schema

revision = "0006_fts_prefixes"
down_revision = "0005_list_indexes"
branch_labels = None
depends_on = None


def _recreate(prefixes: str, *, column_sizes: bool) -> None:
    for statement in (*DROP_FTS_SCHEMA, *fts_schema(prefixes, column_sizes=column_sizes), REBUILD_FTS):
        op.execute(statement)


def upgrade() -> None:
    # store.search.FTS_PREFIXES at this revision; no per-record column sizes (never ranked)
    _recreate("1 2 3 4 5 6", column_sizes=False)


def downgrade() -> None:
    _recreate("2 3", column_sizes=True)
