"""Search keys and FTS5 queries over folded text.

Records store their folded keys in ``search_keys`` (same transaction as the
record); triggers mirror them into the FTS5 table ``search_fts``. Queries are
folded the same way and tokenised like the index (unicode61: letters and
digits), every token quoted (so user input can never be FTS syntax) and the
last token prefix-matched for search-as-you-type.

The counter's intake (the hot path) writes its dossier's keys to
``search_staged`` instead (``stage_keys``: one page of the save's ~24, where
the index took ~8). Staged keys are as durable as the dossier; they reach
``search_keys`` and the index in one transaction for all of them
(``index_staged``), which every search runs first when anything is staged
(``Services._searchable``), and so does ``db check``. A record's keys written
later through ``set_keys`` win over its staged ones; ``drop_keys`` drops both.

The FTS5 table and its triggers are defined once, here (``fts_schema``), and
created by the migrations with the prefix lengths of their time. Stores in the
field were made by exactly those statements: ``tests/unit/store/test_fts_prefixes.py``
pins them, so a change here comes with a new migration and frozen copies in
0001 and 0006.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from commune_desk.domain.text import fold as fold_text
from commune_desk.protocol.records import search_parts
from commune_desk.store.models import SearchKey, StagedSearchKey

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)

#: Prefix lengths (in characters) the FTS5 index keeps a ready doclist for.
#: A prefix query of another length merges the doclists of every term in its
#: range before it can return its newest 50 rows: at a million dossiers "h"*
#: (one letter: every name syllable in h), "0011"* and "00108"* (the start of
#: an ID number: 250,000 / 25,000 distinct numbers) and "nguyen"* (a common
#: name's whole doclist plus "nguyet") took 13-110 ms each; with these lengths
#: every query of the search bench takes under 3 ms (docs/benchmarks.md).
#: Lengths of 7 and more match few terms (an ID number's first 7 digits:
#: ~1,000 numbers of one row each) and stay cheap without an index.
FTS_PREFIXES = "1 2 3 4 5 6"


def fts_schema(prefixes: str, *, column_sizes: bool = True) -> tuple[str, ...]:
    """DDL of the FTS5 table ``search_fts`` over ``search_keys`` and the triggers that keep it in step.

    ``search_keys`` is the content table (written by the services in the same
    transaction as the record); the triggers mirror every change into the
    index, so the two can never drift. ``prefixes``: the ``prefix=`` option.
    ``column_sizes=False`` is FTS5's ``columnsize=0``: no ``search_fts_docsize``
    row per record. Only the ranking functions (``bm25``, ``rank``) read those
    sizes, and the search orders by recency, never by rank; without them each
    save writes one page less to the WAL (8 → 7 for the index, measured on
    300 single-row commits).
    """
    sizes = "" if column_sizes else ", columnsize=0"
    return (
        "CREATE VIRTUAL TABLE search_fts USING fts5("
        "keys, content='search_keys', content_rowid='id', "
        f"tokenize='unicode61 remove_diacritics 0', prefix='{prefixes}'{sizes})",
        "CREATE TRIGGER search_keys_ai AFTER INSERT ON search_keys BEGIN "
        "INSERT INTO search_fts(rowid, keys) VALUES (new.id, new.keys); END",
        "CREATE TRIGGER search_keys_ad AFTER DELETE ON search_keys BEGIN "
        "INSERT INTO search_fts(search_fts, rowid, keys) VALUES ('delete', old.id, old.keys); END",
        "CREATE TRIGGER search_keys_au AFTER UPDATE ON search_keys BEGIN "
        "INSERT INTO search_fts(search_fts, rowid, keys) VALUES ('delete', old.id, old.keys); "
        "INSERT INTO search_fts(rowid, keys) VALUES (new.id, new.keys); END",
    )


#: Undoes ``fts_schema`` (the FTS5 shadow tables go with the virtual table).
DROP_FTS_SCHEMA = (
    "DROP TRIGGER IF EXISTS search_keys_ai",
    "DROP TRIGGER IF EXISTS search_keys_ad",
    "DROP TRIGGER IF EXISTS search_keys_au",
    "DROP TABLE IF EXISTS search_fts",
)

#: Fills a newly created ``search_fts`` from every row of ``search_keys``.
REBUILD_FTS = "INSERT INTO search_fts(search_fts) VALUES ('rebuild')"


def build_keys(fold: Callable[[str], str], parts: Iterable[str | None]) -> str:
    """Join the folded, non-empty parts into one key text."""
    return " ".join(fold(p) for p in parts if p)


def record_keys(
    entity: str, record: Mapping[str, Any] | object, *, fold: Callable[[str], str] = fold_text
) -> str | None:
    """The search-key text of a record (a mapping of fields or a row object).

    The parts are the protocol's (``protocol.records``), the same for what the
    clerk types and for what a pull brings; None for entities that are not indexed.
    """
    parts = search_parts(entity, record)
    return None if parts is None else build_keys(fold, parts)


def match_expression(folded_query: str, *, prefix_last: bool = True) -> str | None:
    """FTS5 MATCH text for an already folded query; ``None`` when it has no tokens."""
    tokens = _TOKEN.findall(folded_query)
    if not tokens:
        return None
    quoted = [f'"{t}"' for t in tokens]
    if prefix_last:
        quoted[-1] += "*"
    return " ".join(quoted)


def set_keys(session: Session, *, entity: str, entity_id: str, keys: str) -> None:
    """Insert or replace the search keys of one record (caller's transaction)."""
    existing = session.scalar(select(SearchKey).where(SearchKey.entity_id == entity_id))
    if existing is None:
        session.add(SearchKey(entity=entity, entity_id=entity_id, keys=keys))
    elif existing.keys != keys:
        existing.keys = keys


def add_keys(session: Session, *, entity: str, entity_id: str, keys: str) -> None:
    """Index a record created in this transaction (no lookup needed)."""
    session.add(SearchKey(entity=entity, entity_id=entity_id, keys=keys))


_STAGE_SQL = "INSERT INTO search_staged (entity, entity_id, keys) VALUES (?, ?, ?)"
_HAS_STAGED_SQL = "SELECT EXISTS (SELECT 1 FROM search_staged)"
#: Staged keys into ``search_keys`` (its trigger indexes them), oldest first; a record whose
#: keys reached ``search_keys`` since (``set_keys``) keeps those, the newer ones.
INDEX_STAGED_SQL = (
    "INSERT INTO search_keys (entity, entity_id, keys) "
    "SELECT s.entity, s.entity_id, s.keys FROM search_staged s "
    "WHERE NOT EXISTS (SELECT 1 FROM search_keys k WHERE k.entity_id = s.entity_id) ORDER BY s.id"
)


def stage_keys(db: sqlite3.Connection, *, entity: str, entity_id: str, keys: str) -> None:
    """Stage the keys of a record created in this transaction (intake hot path: one page).

    Searches find it once ``index_staged`` has run, which every search does first.
    """
    db.execute(_STAGE_SQL, (entity, entity_id, keys))


def has_staged(db: sqlite3.Connection) -> bool:
    """Whether any keys wait in ``search_staged`` (one read of its first page)."""
    return bool(db.execute(_HAS_STAGED_SQL).fetchone()[0])


def index_staged(db: sqlite3.Connection) -> int:
    """Move every staged key into ``search_keys`` and the index (caller's write transaction).

    Returns how many rows were staged.
    """
    db.execute(INDEX_STAGED_SQL)
    return db.execute("DELETE FROM search_staged").rowcount


def drop_keys(session: Session, entity_id: str) -> None:
    """Remove a record from the index, and its staged keys if it has any."""
    session.execute(delete(SearchKey).where(SearchKey.entity_id == entity_id))
    session.execute(delete(StagedSearchKey).where(StagedSearchKey.entity_id == entity_id))
