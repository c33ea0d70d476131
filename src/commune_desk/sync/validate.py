"""Is a pulled change something this PC can apply? Checked before it touches the store.

A pulled snapshot that this PC cannot store (a required field missing, a value
of the wrong type, a text the database cannot hold, an event of an unknown
kind, a dossier of a procedure this PC's catalogue lacks) must never stop the
pull: it is kept in ``pulled_rejections`` with its reason and the page goes
on. The rules are the protocol's (each record type's fields, their types and
limits in :mod:`commune_desk.protocol.records`); the required fields are the
columns this PC's tables cannot leave empty.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from functools import cache
from typing import Any

import pydantic
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from commune_desk import protocol as p
from commune_desk.domain.dossier import EventKind
from commune_desk.protocol.records import LOCAL_COLUMNS, FieldRule, FieldType
from commune_desk.store.models import PulledRejection
from commune_desk.sync.records import ENTITY_MODELS

#: Columns this PC fills itself when a record arrives (derived or bookkeeping).
_FILLED_HERE = frozenset({"status", "created_at", "updated_at", "finished_at", "returned_at"})
_MAX_INT = 2**63 - 1


@cache
def required_fields(entity: p.Entity) -> frozenset[str]:
    """Fields a pulled snapshot of ``entity`` must carry (non-null columns without a default)."""
    table: Any = ENTITY_MODELS[entity].__table__
    return frozenset(
        c.key
        for c in table.columns
        if not c.nullable
        and c.default is None
        and not c.primary_key
        and c.key not in LOCAL_COLUMNS
        and c.key not in _FILLED_HERE
    )


def rejection_reason(change: p.Change) -> str | None:
    """Why this PC cannot apply ``change`` (None: it can). Pure: no store access."""
    if change.deleted:
        return None
    if change.entity is p.Entity.CONFLICT:
        try:
            p.ConflictFields.model_validate(change.fields)
        except pydantic.ValidationError as exc:
            return f"conflict record: {exc.errors()[0]['msg']}"
        return None
    if change.entity not in ENTITY_MODELS:
        return None
    rules = p.RECORDS[change.entity].fields
    missing = sorted(f for f in required_fields(change.entity) if change.fields.get(f) is None)
    if missing:
        return f"missing {', '.join(missing)}"
    for name, value in change.fields.items():
        rule = rules.get(name)
        if rule is None or not rule.column:
            continue  # fields this PC does not store are ignored
        problem = _field_problem(rule, value)
        if problem:
            return f"{name}: {problem}"
    if change.entity is p.Entity.DOSSIER_EVENT:
        try:
            EventKind(change.fields[p.FIELD_EVENT_KIND])
        except ValueError:
            return "unknown event kind"
    return None


def _field_problem(rule: FieldRule, value: Any) -> str | None:
    if value is None:
        return None if rule.nullable else "empty"
    kind = rule.type
    if kind in (FieldType.TEXT, FieldType.MULTILINE, FieldType.UUID, FieldType.DATE, FieldType.DATETIME):
        if not isinstance(value, str):
            return "not a text"
        if not _storable(value):
            return "text the store cannot hold"
    if kind in (FieldType.TEXT, FieldType.MULTILINE):
        if rule.max_length is not None and len(value) > rule.max_length:
            return f"longer than {rule.max_length}"
    elif kind is FieldType.UUID:
        try:
            uuid.UUID(value)
        except ValueError:
            return "not a UUID"
    elif kind is FieldType.DATE:
        try:
            date.fromisoformat(value[:10])
        except ValueError:
            return "not a date"
    elif kind is FieldType.DATETIME:
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return "not a date and time"
    elif kind is FieldType.INT:
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) > _MAX_INT:
            return "not an integer"
    elif kind is FieldType.BOOL:
        if not isinstance(value, bool):
            return "not true or false"
    elif kind is FieldType.LIST:
        if not isinstance(value, list) or not all(isinstance(v, str) and _storable(v) for v in value):
            return "not a list of texts"
    elif kind is FieldType.OBJECT and (not isinstance(value, dict) or not _storable_json(value)):
        return "not an object the store can hold"
    return None


def _storable(text: str) -> bool:
    """SQLite stores UTF-8: a lone surrogate cannot be encoded."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _storable_json(value: Any, depth: int = 0) -> bool:
    if depth > 32:
        return False
    if isinstance(value, str):
        return _storable(value)
    if isinstance(value, dict):
        return all(_storable(str(k)) and _storable_json(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return all(_storable_json(v, depth + 1) for v in value)
    if isinstance(value, float):
        return value == value and value not in (float("inf"), float("-inf"))
    return True


def unresolved_rejections(session: Session, ids: Iterable[str]) -> set[str]:
    """Which of ``ids`` are records this PC could not apply (still unresolved)."""
    wanted = list(set(ids))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        found.update(
            session.scalars(
                select(PulledRejection.entity_id).where(
                    PulledRejection.entity_id.in_(wanted[start : start + 500]),
                    PulledRejection.resolved_at.is_(None),
                )
            )
        )
    return found


def json_safe(value: Any) -> Any:
    """A copy of pulled fields that the store can hold (unencodable text replaced)."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {json_safe(str(k)): json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    return value


def resolve_rejections(session: Session, ids: Iterable[str], now: datetime) -> None:
    """A record set aside earlier has now been applied: its rejection is resolved."""
    wanted = list(set(ids))
    for start in range(0, len(wanted), 500):
        session.execute(
            update(PulledRejection)
            .where(
                PulledRejection.entity_id.in_(wanted[start : start + 500]),
                PulledRejection.resolved_at.is_(None),
            )
            .values(resolved_at=now)
        )
