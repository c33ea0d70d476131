"""What the server's answer to one operation does to the local store.

- The record takes the version the server returned; it stays *dirty* while
  it has other open operations.
- **Honest rebase.** A later open operation of the same record, made on the
  same base as this one, is moved onto the version this operation produced
  only when that version holds nothing it did not know: the operation was
  applied directly on its base (no one else wrote in between), or the later
  operation touches only fields this one wrote (which nobody else changed,
  or this one would have conflicted). Otherwise — a conflict, a version
  carrying other PCs' changes to fields it touches — it keeps its base and
  meets them by the protocol's per-field rule: a real conflict is never hidden.
- An illegal dossier transition comes back as a conflict: the event is not in
  the server's history, so it is removed locally (the conflict record keeps it
  for the clerk) and the status is derived again.
- A provisional register number gets the number the server assigned.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commune_desk import protocol as p
from commune_desk.store.audit import audit
from commune_desk.store.models import (
    Attachment,
    DossierEvent,
    IncomingDocument,
    IssuedNumber,
    OutboxOp,
    OutgoingDocument,
)
from commune_desk.sync.derive import derive_dossier
from commune_desk.sync.index import index_record
from commune_desk.sync.records import ENTITY_MODELS


def local_record(session: Session, entity: str, entity_id: str) -> Any:
    """The local row of a synced record, or None."""
    model = ENTITY_MODELS.get(entity)
    return session.get(model, entity_id) if model is not None else None


def acknowledge(session: Session, op: OutboxOp, wire: p.Operation, result: p.OpResult, now: datetime) -> None:
    """Record an applied, duplicate or conflicting result of ``op`` in the local store."""
    rec = local_record(session, op.entity, op.entity_id)
    if result.kind == p.ErrorKind.ILLEGAL_TRANSITION and isinstance(rec, DossierEvent):
        _drop_refused_event(session, rec, result, now)
        return
    if rec is None:
        return
    if result.version is not None:
        rec.server_version = max(rec.server_version or 0, result.version)
    if isinstance(rec, Attachment):
        rec.uploaded = True
    if result.assigned_number is not None and isinstance(rec, IncomingDocument | OutgoingDocument):
        _finalise_number(session, rec, op.entity, result.assigned_number, now)
        index_record(session, op.entity, rec)
    later = list(
        session.scalars(
            select(OutboxOp).where(
                OutboxOp.entity_id == op.entity_id,
                OutboxOp.state.in_(p.OPEN_OUTBOX_STATES),
                OutboxOp.seq > op.seq,
            )
        )
    )
    for other in later:
        rebase(other, wire, result)
    rec.dirty = bool(later)


def rebase(later: OutboxOp, earlier: p.Operation, result: p.OpResult) -> None:
    """Move ``later`` onto the version ``earlier`` produced, only when that is honest."""
    base = earlier.base_version or 0
    if later.base_version is not None and later.base_version != base:
        return  # made on another version: it keeps its own base
    produced = result.status in (p.OpStatus.APPLIED, p.OpStatus.DUPLICATE) and result.version is not None
    if produced:
        step = 1 if result.status is p.OpStatus.APPLIED else 0
        direct = result.version == base + step
        own_fields = set(later.fields or {}) <= set(earlier.fields)
        if direct or own_fields:
            later.base_version = result.version
            return
    if later.base_version is None:
        later.base_version = base  # it was made on top of ``earlier``: that is its base


def _drop_refused_event(session: Session, rec: DossierEvent, result: p.OpResult, now: datetime) -> None:
    dossier_id = rec.dossier_id
    audit(
        session,
        "dossier_event_refused",
        actor="sync",
        entity=p.Entity.DOSSIER_EVENT,
        entity_id=rec.id,
        details={"dossier_id": dossier_id, "kind": rec.kind, "conflict_id": str(result.conflict_id)},
        at=now,
    )
    session.delete(rec)
    session.flush()
    derive_dossier(session, dossier_id)


def _finalise_number(session: Session, rec: Any, entity: str, number: int, now: datetime) -> None:
    """Give a provisional register entry the number the server assigned."""
    rec.number = number
    exists = session.scalar(
        select(IssuedNumber).where(IssuedNumber.series == rec.series, IssuedNumber.number == number)
    )
    if exists is None:
        session.add(
            IssuedNumber(
                id=str(uuid.uuid4()),
                series=rec.series,
                number=number,
                entity=entity,
                entity_id=rec.id,
                voided=False,
                void_reason="",
                at=now,
            )
        )
    audit(
        session,
        "provisional_number_finalised",
        actor="sync",
        entity=entity,
        entity_id=rec.id,
        details={"series": rec.series, "number": number},
        at=now,
    )
