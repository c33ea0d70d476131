"""Search keys of records that arrive by pull.

The services index what the clerk types; records written by the sync engine
need the same keys so the counter's search finds them. Both build them from
the protocol's search-key parts (``store.search.record_keys``); only the
folding here is faster.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from commune_desk.domain.text import fold
from commune_desk.store.search import record_keys, set_keys

_SPACES = re.compile(r"\s+")


def _latin_table() -> dict[int, str]:
    """Each precomposed Latin letter (Vietnamese included) → its folded ASCII form."""
    table: dict[int, str] = {}
    for start, end in ((0x00C0, 0x024F), (0x1E00, 0x1EFF)):
        for code in range(start, end + 1):
            folded = fold(chr(code))
            if folded.isascii() and len(folded) <= 1:
                table[code] = folded
    return table


_LATIN = _latin_table()


def fast_fold(text: str) -> str:
    """``domain.text.fold`` computed with one ``str.translate`` for NFC Latin text.

    An initial pull indexes hundreds of thousands of names; the general fold
    (NFD and a per-character category test) dominated its time. Text that
    still has non-ASCII characters after the table (other scripts, combining
    marks of NFD input) takes the general path, so the result is the same.
    """
    mapped = text.translate(_LATIN)
    if mapped.isascii():
        return _SPACES.sub(" ", mapped.lower()).strip()
    return fold(text)


def keys_for(entity: str, rec: Any) -> str | None:
    """The folded search text of a record (a row object or a mapping of its fields)."""
    return record_keys(entity, rec, fold=fast_fold)


def index_record(session: Session, entity: str, rec: Any) -> None:
    """Insert or refresh the search keys of a pulled record (caller's transaction)."""
    keys = keys_for(entity, rec)
    if keys is not None:
        set_keys(session, entity=str(entity), entity_id=rec.id, keys=keys)
