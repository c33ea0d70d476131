"""What waits for a person: unresolved quarantined operations and open conflicts (read only).

The sync page lists these; :mod:`commune_desk.sync.resolution` acts on them.
Each function opens one short read session and returns plain frozen values,
so the caller (the UI's store thread, the CLI) never holds ORM objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commune_desk import protocol as p
from commune_desk.store.models import (
    Conflict,
    Dossier,
    DossierEvent,
    IncomingDocument,
    OutboxOp,
    OutgoingDocument,
    QuarantinedOp,
)
from commune_desk.store.opening import Store

#: Most items of each list returned at once (a PC with more has a problem IT must look at).
DEFAULT_LIMIT = 500


@dataclass(frozen=True)
class QuarantinedItem:
    """An operation the server refused, still waiting for the clerk."""

    op_id: str
    entity: str
    entity_id: str
    action: str
    #: The server's refusal kind (``unknown_dossier``, ``illegal_transition`` ...).
    kind: str
    #: The server's explanation (English, for IT staff and the log).
    message: str
    created_at: datetime
    #: The changed fields the operation carried.
    fields: dict[str, Any]
    #: What the clerk knows the record by (dossier code, register number), or "".
    label: str


@dataclass(frozen=True)
class ConflictField:
    """One field changed on both sides with different values."""

    name: str
    local_value: Any
    server_value: Any


@dataclass(frozen=True)
class ConflictItem:
    """An open conflict: one record, one or more fields to decide."""

    id: str
    entity: str
    entity_id: str
    base_version: int | None
    created_at: datetime
    fields: tuple[ConflictField, ...]
    #: What the clerk knows the record by (dossier code, register number), or "".
    label: str

    @property
    def field_names(self) -> tuple[str, ...]:
        """The conflicting field names, in order."""
        return tuple(f.name for f in self.fields)


def list_quarantined(store: Store, *, limit: int = DEFAULT_LIMIT) -> list[QuarantinedItem]:
    """Unresolved quarantined operations, oldest first."""
    with store.read() as session:
        rows = session.execute(
            select(QuarantinedOp, OutboxOp)
            .join(OutboxOp, OutboxOp.op_id == QuarantinedOp.op_id)
            .where(QuarantinedOp.resolved_at.is_(None))
            .order_by(QuarantinedOp.created_at, OutboxOp.seq)
            .limit(limit)
        ).all()
        return [
            QuarantinedItem(
                op_id=op.op_id,
                entity=op.entity,
                entity_id=op.entity_id,
                action=op.action,
                kind=q.kind,
                message=q.message or "",
                created_at=q.created_at,
                fields=dict(op.fields or {}),
                label=record_label(session, op.entity, op.entity_id, op.fields or {}),
            )
            for q, op in rows
        ]


def list_conflicts(store: Store, *, limit: int = DEFAULT_LIMIT) -> list[ConflictItem]:
    """Open conflicts, oldest first, each with its fields side by side."""
    with store.read() as session:
        rows = session.scalars(
            select(Conflict)
            .where(Conflict.resolved_at.is_(None))
            .order_by(Conflict.created_at, Conflict.id)
            .limit(limit)
        ).all()
        return [_conflict_item(session, row) for row in rows]


def _conflict_item(session: Session, row: Conflict) -> ConflictItem:
    local = row.local_value if isinstance(row.local_value, dict) else {row.field: row.local_value}
    server = row.server_value if isinstance(row.server_value, dict) else {row.field: row.server_value}
    names = sorted(set(local) | set(server))
    return ConflictItem(
        id=row.id,
        entity=row.entity,
        entity_id=row.entity_id,
        base_version=row.base_version,
        created_at=row.created_at,
        fields=tuple(ConflictField(n, local.get(n), server.get(n)) for n in names),
        label=record_label(session, row.entity, row.entity_id, {}),
    )


def record_label(session: Session, entity: str, entity_id: str, fields: dict[str, Any]) -> str:
    """What the clerk calls a record: a dossier's code, a document's number and summary."""
    if entity == p.Entity.DOSSIER_EVENT:
        event = session.get(DossierEvent, entity_id)
        dossier_id = event.dossier_id if event is not None else fields.get(p.FIELD_DOSSIER_ID)
        return record_label(session, p.Entity.DOSSIER, str(dossier_id), {}) if dossier_id else ""
    if entity == p.Entity.DOSSIER:
        dossier = session.get(Dossier, entity_id)
        if dossier is not None:
            return f"{dossier.code} – {dossier.applicant_name}"
        return str(fields.get("code") or "")
    registers: dict[str, type[IncomingDocument | OutgoingDocument]] = {
        p.Entity.INCOMING_DOCUMENT: IncomingDocument,
        p.Entity.OUTGOING_DOCUMENT: OutgoingDocument,
    }
    model = registers.get(entity)
    doc: Any = session.get(model, entity_id) if model is not None else None
    if doc is None:
        return str(fields.get("summary") or "")
    number = f"{doc.number} – " if doc.number is not None else ""
    return f"{number}{doc.summary}"[:80]
