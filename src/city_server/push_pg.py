"""PostgreSQL statements of a push batch: fixed texts, rows as JSON, keys as arrays.

A multi-row ``INSERT ... VALUES (...), (...)`` has a different text for every
row count and ~11 placeholders per row; psycopg re-parses such long texts on
every call (it caches only short ones), which cost a third of the push CPU.
Here every statement's text never changes (parsed once, prepared by the
server): the whole batch is written by one statement whose rows travel as one
JSON array per table (``json_to_recordset``: ``json.dumps`` runs in C, where
psycopg would quote array elements in Python), and lookups by many keys use
``= ANY(array)``.

SQLite runs the same reads and writes as plain Core statements
(:mod:`city_server.push_store`); a test replays the same batches on both.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from city_server.models import NumberUse, OpResultRow, Record

_DIALECT = postgresql.dialect()  # type: ignore[no-untyped-call]


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

_UPDATED = ("version", "deleted", "fields", "field_versions", "change_seq", "status", "updated_at")


def _recordset(table: Table, names: Sequence[str], param: str, key: str = "") -> str:
    """``json_to_recordset`` of a JSON array of row objects, typed like ``table``'s columns."""
    typed = ", ".join(f"{c} {table.c[c].type.compile(dialect=_DIALECT)}" for c in names)
    return f"json_to_recordset(CAST(:{param} AS json)) AS x({key}{typed})"


def _insert_cte(table: Table, names: Sequence[str], param: str) -> str:
    columns = ", ".join(names)
    return f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM {_recordset(table, names, param)}"


#: Everything a batch writes, in one statement (one round trip, one plan, prepared once):
#: new records, changed records, results, numbers taken, the commune's change sequence, the
#: device's last seq. Rows travel as one JSON array per table (``json.dumps`` is C; psycopg
#: quotes array elements in Python). Parts without rows get ``[]``. The CTEs touch disjoint rows.
WRITE_ALL = text(
    f"WITH new_records AS ({_insert_cte(_RECORD, RECORD_COLUMNS, 'records')}), "
    f"changed_records AS (UPDATE record AS r SET {', '.join(f'{c} = x.{c}' for c in _UPDATED)} "
    f"FROM {_recordset(_RECORD, _UPDATED, 'changed', 'rid BIGINT, ')} WHERE r.id = x.rid), "
    f"results AS ({_insert_cte(_RESULT, RESULT_COLUMNS, 'results')}), "
    f"uses AS ({_insert_cte(_USE, USE_COLUMNS, 'uses')}), "
    "counter AS (UPDATE commune SET change_seq = CAST(:change_seq AS BIGINT) WHERE id = :commune) "
    "UPDATE device SET last_seq = CAST(:last_seq AS BIGINT), last_seen_at = :now WHERE id = :device"
)


def _any_of(param: str) -> str:
    """``= ANY`` of the strings of a JSON array parameter (an array, then index scans)."""
    return f"= ANY(ARRAY(SELECT json_array_elements_text(CAST(:{param} AS json))))"


SELECT_RESULTS = text(
    "SELECT device_id, seq, op_id, status, kind, message, version, assigned_number, conflict_id "
    "FROM op_result WHERE (device_id = :device AND seq = ANY(CAST(:seqs AS BIGINT[]))) "
    f"OR (commune_id = :commune AND op_id {_any_of('op_ids')})"
)
SELECT_RECORDS = text(
    "SELECT entity, entity_id, version, deleted, fields, field_versions, change_seq, parent_id, status, "
    f"id, updated_at FROM record WHERE commune_id = :commune AND entity {_any_of('entities')} "
    f"AND entity_id {_any_of('ids')}"
)
SELECT_USES = text(
    "SELECT u.series, u.number, u.entity, u.entity_id, u.voided FROM number_use AS u "
    "JOIN json_to_recordset(CAST(:keys AS json)) AS k(series VARCHAR(100), number BIGINT) "
    "ON u.series = k.series AND u.number = k.number WHERE u.commune_id = :commune"
)


def _iso(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def as_json(rows: Sequence[object]) -> str:
    """Rows (or keys) as the JSON text the statements read."""
    return json.dumps(rows, default=_iso, separators=(",", ":"))


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
        "records": as_json(records),
        "changed": as_json(changed),
        "results": as_json(results),
        "uses": as_json(uses),
        **counters,
    }
    session.execute(WRITE_ALL, params)
