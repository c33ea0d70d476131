"""Map synced entities to local store rows and back, and hash their content.

Which fields sync, their types and their JSON form are the protocol's
(:mod:`commune_desk.protocol.records`); this module only knows which local
table holds each entity. A pulled change carries the full snapshot of a
record; columns that exist only on this PC (``server_version``, ``dirty``,
``local_order``, ``uploaded``) are never taken from the wire.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy.orm import DeclarativeBase

from commune_desk import protocol as p
from commune_desk.protocol.records import LOCAL_COLUMNS, from_wire, synced_columns, to_wire
from commune_desk.store.models import (
    Attachment,
    Dossier,
    DossierEvent,
    IncomingDocument,
    OutgoingDocument,
    WorkCalendarRow,
)

__all__ = [
    "ENTITY_MODELS",
    "LOCAL_COLUMNS",
    "apply_fields",
    "canonical_value",
    "comparable_fields",
    "content_hash",
    "local_view",
]

#: Local table of each entity that is a plain record on this PC.
ENTITY_MODELS: dict[str, type[DeclarativeBase]] = {
    p.Entity.DOSSIER: Dossier,
    p.Entity.DOSSIER_EVENT: DossierEvent,
    p.Entity.ATTACHMENT: Attachment,
    p.Entity.INCOMING_DOCUMENT: IncomingDocument,
    p.Entity.OUTGOING_DOCUMENT: OutgoingDocument,
    p.Entity.CALENDAR: WorkCalendarRow,
}
_ENTITY_OF_MODEL = {model: entity for entity, model in ENTITY_MODELS.items()}


def apply_fields(record: DeclarativeBase, fields: dict[str, Any], *, skip: set[str]) -> None:
    """Set the known columns of ``record`` from wire ``fields``, except those in ``skip``."""
    entity = _ENTITY_OF_MODEL[type(record)]
    known = set(synced_columns(entity))
    for name, value in fields.items():
        if name in known and name not in skip:
            setattr(record, name, from_wire(entity, name, value))


def canonical_value(entity: str, name: str, value: Any) -> Any:
    """One field value normalised (types, time zones) for comparison."""
    return to_wire(from_wire(entity, name, value))


def comparable_fields(entity: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields of a server snapshot that are columns here, normalised.

    Derived fields are left out: each PC computes them from the merged history.
    """
    known = set(synced_columns(entity)) - p.RECORDS[p.Entity(entity)].derived
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
