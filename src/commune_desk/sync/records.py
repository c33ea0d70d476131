"""Map synced entities to local store rows and back, and hash their content.

Operation and change ``fields`` are JSON: datetimes as ISO 8601 with an
offset, dates as ISO dates, everything else as is (see ``services.base.to_wire``).
A pulled change carries the full snapshot of a record; columns that exist
only on this PC (``server_version``, ``dirty``, ``local_order``, ``uploaded``)
are never taken from the wire.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Date
from sqlalchemy.orm import DeclarativeBase

from commune_desk.store.models import (
    Attachment,
    Dossier,
    DossierEvent,
    IncomingDocument,
    OutgoingDocument,
    WorkCalendarRow,
)
from commune_desk.store.types import UTCDateTime
from commune_desk.sync import protocol as p

#: Local table of each entity that is a plain record on this PC.
ENTITY_MODELS: dict[str, type[DeclarativeBase]] = {
    p.Entity.DOSSIER: Dossier,
    p.Entity.DOSSIER_EVENT: DossierEvent,
    p.Entity.ATTACHMENT: Attachment,
    p.Entity.INCOMING_DOCUMENT: IncomingDocument,
    p.Entity.OUTGOING_DOCUMENT: OutgoingDocument,
    p.Entity.CALENDAR: WorkCalendarRow,
}

#: Columns that are this PC's bookkeeping, never part of the synced content.
LOCAL_COLUMNS = frozenset({"id", "server_version", "dirty", "local_order", "uploaded"})


def synced_columns(model: type[DeclarativeBase]) -> list[str]:
    """Names of the columns of ``model`` that travel in operations and changes."""
    return [c.key for c in model.__table__.columns if c.key not in LOCAL_COLUMNS]


def from_wire(model: type[DeclarativeBase], name: str, value: Any) -> Any:
    """Convert one JSON field value to the Python value of column ``name``."""
    if value is None:
        return None
    column = model.__table__.columns.get(name)
    if column is None:
        return value
    if isinstance(column.type, UTCDateTime) and isinstance(value, str):
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if isinstance(column.type, Date) and isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value


def to_wire(value: Any) -> Any:
    """One column value in its JSON form (aware datetimes in UTC)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def apply_fields(record: DeclarativeBase, fields: dict[str, Any], *, skip: set[str]) -> None:
    """Set the known columns of ``record`` from wire ``fields``, except those in ``skip``."""
    model = type(record)
    known = set(synced_columns(model))
    for name, value in fields.items():
        if name in known and name not in skip:
            setattr(record, name, from_wire(model, name, value))


def canonical_value(entity: str, name: str, value: Any) -> Any:
    """One field value normalised (types, time zones) for comparison."""
    return to_wire(from_wire(ENTITY_MODELS[entity], name, value))


def comparable_fields(entity: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields of a server snapshot that are columns here, normalised."""
    known = set(synced_columns(ENTITY_MODELS[entity]))
    return {k: canonical_value(entity, k, v) for k, v in fields.items() if k in known}


def local_view(entity: str, record: DeclarativeBase, names: Any) -> dict[str, Any]:
    """The local values of the given field names of ``record``, normalised."""
    return {k: canonical_value(entity, k, getattr(record, k)) for k in names}


def content_hash(entity: str, entity_id: str, fields: dict[str, Any]) -> str:
    """SHA-256 of a record's normalised content (used to prove convergence)."""
    blob = json.dumps(
        [entity, entity_id, fields],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
