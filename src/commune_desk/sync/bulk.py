"""Fast insertion of records this PC has never seen (the initial pull is mostly these).

An initial pull brings hundreds of thousands of records. Building ORM
objects for each would make it many times slower than the download, so new
records are turned straight into driver-ready tuples (the store's own text
forms: UTC datetimes as ``...Z`` text, dates as ISO text, JSON as text) and
inserted with one ``executemany`` per table, search keys included. Anything
else (updates, tombstones, orphans) takes the one-by-one path in ``pull``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date
from sqlalchemy.orm import DeclarativeBase, Session

from commune_desk import protocol as p
from commune_desk.domain.dossier import EventKind, next_status
from commune_desk.protocol.snapshot import utc_text
from commune_desk.store.models import Attachment, Dossier, DossierEvent, SearchKey
from commune_desk.store.types import UTCDateTime, to_utc_text
from commune_desk.sync.index import keys_for
from commune_desk.sync.records import ENTITY_MODELS, LOCAL_COLUMNS

Convert = Callable[[Any], Any]


#: Wire datetime (ISO 8601 with offset) → the store's fixed-width UTC text (the snapshot's too).
_utc_text = utc_text


def _date_text(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:10]


def _json_text(value: Any) -> Any:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _bool(value: Any) -> Any:
    return None if value is None else int(bool(value))


def _identity(value: Any) -> Any:
    return value


def _converter(column_type: Any) -> Convert:
    if isinstance(column_type, UTCDateTime):
        return _utc_text
    if isinstance(column_type, Date):
        return _date_text
    if isinstance(column_type, JSON):
        return _json_text
    if isinstance(column_type, Boolean):
        return _bool
    return _identity


class RowPlan:
    """How to turn a pulled snapshot into a driver-ready row of one table."""

    def __init__(self, model: type[DeclarativeBase]) -> None:
        self.model = model
        table: Any = model.__table__
        self.columns = [c.key for c in table.columns]
        self.sql = (
            f"INSERT INTO {table.name} ({', '.join(self.columns)}) "
            f"VALUES ({', '.join('?' for _ in self.columns)})"
        )
        self.convert: dict[str, Convert] = {}
        self.defaults: dict[str, Any] = {}
        for column in table.columns:
            conv = _converter(column.type)
            if column.key not in LOCAL_COLUMNS:
                self.convert[column.key] = conv
            default = column.default
            value = None
            if default is not None and hasattr(default, "arg"):
                value = default.arg(None) if default.is_callable else default.arg
            self.defaults[column.key] = conv(value)

    def values(self, entity_id: str, change: p.Change, now_text: str) -> dict[str, Any]:
        """Column values (store text forms) of a record first seen in ``change``."""
        row = dict(self.defaults)
        convert = self.convert
        for name, value in change.fields.items():
            conv = convert.get(name)
            if conv is not None:
                row[name] = conv(value)
        row["id"] = entity_id
        row["server_version"] = change.version
        row["dirty"] = 0
        for name in ("created_at", "updated_at"):
            if name in row and row[name] is None:
                row[name] = now_text
        model = self.model
        if model is Dossier:
            row["status"] = int(next_status(None, EventKind.RECEIVED))
        elif model is DossierEvent:
            row["local_order"] = change.seq
            if row.get("data") is None:
                row["data"] = "{}"
        elif model is Attachment:
            row["uploaded"] = 1
        return row


_PLANS: dict[type[DeclarativeBase], RowPlan] = {}


def plan_for(model: type[DeclarativeBase]) -> RowPlan:
    """The (cached) row plan of a table."""
    plan = _PLANS.get(model)
    if plan is None:
        plan = _PLANS[model] = RowPlan(model)
    return plan


#: A record ready for insertion: its row tuple and its search-key tuple (or None).
Prepared = tuple[tuple[Any, ...], tuple[str, str, str] | None]


def prepare(change: p.Change, now: datetime) -> Prepared | None:
    """Driver-ready row and search keys of a change, as if its record were new.

    Pure and thread-safe: the pull prepares page N+1 on its fetch thread while
    page N is being written (SQLite releases the GIL while it works).
    """
    model = ENTITY_MODELS.get(change.entity)
    if model is None or change.deleted:
        return None
    entity_id = str(change.entity_id)
    plan = plan_for(model)
    row = plan.values(entity_id, change, to_utc_text(now))
    text = keys_for(change.entity, row)
    keys = (str(change.entity), entity_id, text) if text is not None else None
    return tuple(row[c] for c in plan.columns), keys


class BulkInserter:
    """Collects new rows and their search keys; writes them with ``executemany``."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.rows: dict[type[DeclarativeBase], list[tuple[Any, ...]]] = {}
        self.keys: list[tuple[str, str, str]] = []

    def add(self, model: type[DeclarativeBase], change: p.Change, prepared: Prepared | None = None) -> None:
        """Queue one new record (``prepared`` by :func:`prepare`, or prepared now)."""
        ready = prepared or prepare(change, self.now)
        assert ready is not None
        row, keys = ready
        self.rows.setdefault(model, []).append(row)
        if keys is not None:
            self.keys.append(keys)

    def flush(self, session: Session) -> None:
        """Insert everything queued (parents first) in the session's transaction."""
        connection = session.connection()
        for model in sorted(self.rows, key=lambda m: 0 if m is Dossier else 1):
            connection.exec_driver_sql(plan_for(model).sql, self.rows[model])
        if self.keys:
            connection.exec_driver_sql(
                f"INSERT INTO {SearchKey.__tablename__} (entity, entity_id, keys) VALUES (?, ?, ?)",
                self.keys,
            )
        self.rows.clear()
        self.keys.clear()
