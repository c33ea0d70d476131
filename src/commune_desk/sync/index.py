"""Search keys of records that arrive by pull.

The services index what the clerk types; records written by the sync engine
need the same keys so the counter's search finds them. Both build them from
the protocol's search-key parts (``store.search.record_keys``); only the
folding here is faster.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from commune_desk.domain.text import fast_fold
from commune_desk.store.search import record_keys, set_keys

__all__ = ["fast_fold", "index_record", "keys_for"]


def keys_for(entity: str, rec: Any) -> str | None:
    """The folded search text of a record (a row object or a mapping of its fields)."""
    return record_keys(entity, rec, fold=fast_fold)


def index_record(session: Session, entity: str, rec: Any) -> None:
    """Insert or refresh the search keys of a pulled record (caller's transaction)."""
    keys = keys_for(entity, rec)
    if keys is not None:
        set_keys(session, entity=str(entity), entity_id=rec.id, keys=keys)
