"""PostgreSQL statements of a push batch: one short, fixed statement per table, rows as arrays.

A multi-row ``INSERT ... VALUES (...), (...)`` has a different text for every
row count and ~11 placeholders per row; psycopg re-parses such long texts on
every call (it caches only short ones), which cost a third of the push CPU.
Here every statement has one array parameter per column (``unnest``), so its
text never changes: parsed once, prepared by the server, and the rows travel
as arrays. Lookups by many keys use ``= ANY(array)`` the same way.

SQLite runs the same reads and writes as plain Core statements
(:mod:`city_server.push_store`); a test replays the same batches on both.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from city_server.models import NumberUse, OpResultRow, Record

_DIALECT = postgresql.dialect()  # type: ignore[no-untyped-call]


def _array_type(table: Table, column: str) -> str:
    return f"{table.c[column].type.compile(dialect=_DIALECT)}[]"


RECORD_COLUMNS = (
    "commune_id",
    "entity",
    "entity_id",
    "version",
    "deleted",
    "fields",
    "field_versions",
    "change_seq",
    "parent_id",
    "status",
    "updated_at",
)
RESULT_COLUMNS = (
    "device_id",
    "seq",
    "op_id",
    "commune_id",
    "status",
    "kind",
    "message",
    "version",
    "assigned_number",
    "conflict_id",
    "created_at",
)
USE_COLUMNS = ("commune_id", "series", "number", "entity", "entity_id", "device_id", "voided", "used_at")
_RECORD: Table = Record.__table__  # type: ignore[assignment]
_RESULT: Table = OpResultRow.__table__  # type: ignore[assignment]
_USE: Table = NumberUse.__table__  # type: ignore[assignment]
_JSON_COLUMNS = frozenset({"fields", "field_versions"})

_UPDATED = ("version", "deleted", "fields", "field_versions", "change_seq", "status", "updated_at")


def _arrays(table: Table, names: Sequence[str], prefix: str) -> str:
    return ", ".join(f"CAST(:{prefix}{c} AS {_array_type(table, c)})" for c in names)


def _insert_cte(table: Table, names: Sequence[str], prefix: str) -> str:
    return (
        f"INSERT INTO {table.name} ({', '.join(names)}) SELECT * FROM unnest({_arrays(table, names, prefix)})"
    )


#: Everything a batch writes, in one statement (one round trip, one plan, prepared once):
#: new records, changed records, results, numbers taken, the commune's change sequence, the
#: device's last seq. Parts without rows get empty arrays. The CTEs touch disjoint rows.
WRITE_ALL = text(
    f"WITH new_records AS ({_insert_cte(_RECORD, RECORD_COLUMNS, 'r_')}), "
    f"changed_records AS (UPDATE record AS r SET {', '.join(f'{c} = u.{c}' for c in _UPDATED)} "
    f"FROM unnest(CAST(:c_id AS BIGINT[]), {_arrays(_RECORD, _UPDATED, 'c_')}) "
    f"AS u(id, {', '.join(_UPDATED)}) WHERE r.id = u.id), "
    f"results AS ({_insert_cte(_RESULT, RESULT_COLUMNS, 'o_')}), "
    f"uses AS ({_insert_cte(_USE, USE_COLUMNS, 'n_')}), "
    "counter AS (UPDATE commune SET change_seq = CAST(:change_seq AS BIGINT) WHERE id = :commune) "
    "UPDATE device SET last_seq = CAST(:last_seq AS BIGINT), last_seen_at = :now WHERE id = :device"
)
SELECT_RESULTS = text(
    "SELECT device_id, seq, op_id, status, kind, message, version, assigned_number, conflict_id "
    "FROM op_result WHERE (device_id = :device AND seq = ANY(CAST(:seqs AS BIGINT[]))) "
    "OR (commune_id = :commune AND op_id = ANY(CAST(:op_ids AS VARCHAR(36)[])))"
)
SELECT_RECORDS = text(
    "SELECT entity, entity_id, version, deleted, fields, field_versions, change_seq, parent_id, status, "
    "id, updated_at FROM record WHERE commune_id = :commune "
    "AND entity = ANY(CAST(:entities AS VARCHAR(32)[])) AND entity_id = ANY(CAST(:ids AS VARCHAR(36)[]))"
)
SELECT_USES = text(
    "SELECT u.series, u.number, u.entity, u.entity_id, u.voided FROM number_use AS u "
    "JOIN unnest(CAST(:series AS VARCHAR(100)[]), CAST(:numbers AS BIGINT[])) AS k(series, number) "
    "ON u.series = k.series AND u.number = k.number WHERE u.commune_id = :commune"
)


def _columns(rows: Sequence[dict[str, Any]], names: Sequence[str], prefix: str) -> dict[str, list[Any]]:
    """Rows as one list per column (JSON columns as JSON text): the arrays' parameters."""
    return {
        prefix + n: [json.dumps(r[n]) for r in rows] if n in _JSON_COLUMNS else [r[n] for r in rows]
        for n in names
    }


def write_all(
    session: Session,
    *,
    records: list[dict[str, Any]],
    changed: list[dict[str, Any]],
    results: list[dict[str, Any]],
    uses: list[dict[str, Any]],
    counters: dict[str, Any],
) -> None:
    """Run :data:`WRITE_ALL` (rows keyed by column names; ``changed`` rows carry ``rid``)."""
    params = {
        **_columns(records, RECORD_COLUMNS, "r_"),
        **_columns(changed, _UPDATED, "c_"),
        "c_id": [r["rid"] for r in changed],
        **_columns(results, RESULT_COLUMNS, "o_"),
        **_columns(uses, USE_COLUMNS, "n_"),
        **counters,
    }
    session.execute(WRITE_ALL, params)
