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

from sqlalchemy import Table, TextClause, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from city_server.models import NumberUse, OpResultRow, Record

_DIALECT = postgresql.dialect()  # type: ignore[no-untyped-call]


def _array_type(table: Table, column: str) -> str:
    return f"{table.c[column].type.compile(dialect=_DIALECT)}[]"


def _insert(table: Table, columns: Sequence[str]) -> TextClause:
    arrays = ", ".join(f"CAST(:{c} AS {_array_type(table, c)})" for c in columns)
    return text(f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT * FROM unnest({arrays})")


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

INSERT_RECORDS = _insert(_RECORD, RECORD_COLUMNS)
INSERT_RESULTS = _insert(_RESULT, RESULT_COLUMNS)
INSERT_USES = _insert(_USE, USE_COLUMNS)
_UPDATED = ("version", "deleted", "fields", "field_versions", "change_seq", "status", "updated_at")
UPDATE_RECORDS = text(
    f"UPDATE record AS r SET {', '.join(f'{c} = u.{c}' for c in _UPDATED)} "
    f"FROM unnest(CAST(:id AS BIGINT[]), "
    f"{', '.join(f'CAST(:{c} AS {_array_type(_RECORD, c)})' for c in _UPDATED)}) "
    f"AS u(id, {', '.join(_UPDATED)}) WHERE r.id = u.id"
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


def columns(rows: Sequence[dict[str, Any]], names: Sequence[str]) -> dict[str, list[Any]]:
    """Rows as one list per column (JSON columns as JSON text), the parameters of the arrays."""
    return {
        n: [json.dumps(r[n]) for r in rows] if n in _JSON_COLUMNS else [r[n] for r in rows] for n in names
    }


def insert_rows(
    session: Session, statement: TextClause, names: Sequence[str], rows: list[dict[str, Any]]
) -> None:
    """Insert ``rows`` with one of the ``INSERT_*`` statements."""
    session.execute(statement, columns(rows, names))


def update_records(session: Session, rows: list[dict[str, Any]]) -> None:
    """Write back changed records (``rows`` keyed like the table's columns, ``rid`` the id)."""
    params = columns(rows, _UPDATED)
    params["id"] = [r["rid"] for r in rows]
    session.execute(UPDATE_RECORDS, params)
