"""What a person does about quarantined operations and conflicts; every choice is audited.

- A conflict is resolved by choosing a value for each conflicting field; the
  choice is applied locally and queued as a ``conflict_resolution`` operation
  (the server applies it to the record as a new version and marks the
  conflict resolved for every PC of the commune).
- A quarantined operation is either sent again as a new operation (after the
  clerk fixed what the server refused) or set aside; the local record keeps
  its value until the next change from the server.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commune_desk import protocol as p
from commune_desk.store.audit import audit
from commune_desk.store.models import Conflict, OutboxOp, QuarantinedOp
from commune_desk.store.opening import Store
from commune_desk.store.outbox import add_op
from commune_desk.sync.records import ENTITY_MODELS, apply_fields


class ResolutionError(Exception):
    """The conflict or quarantined operation cannot be resolved (``kind`` says why)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def resolve_conflict(
    store: Store,
    *,
    device_id: str,
    conflict_id: str,
    chosen: dict[str, Any],
    actor: str,
    note: str = "",
    username: str | None = None,
) -> str:
    """Record the clerk's choice for a conflict; return the resolution's id.

    ``actor`` is recorded in the audit log; ``username`` (the signed-in person's
    account) travels with the operation so the server can check their role.
    """
    now = datetime.now(UTC)
    with store.write.begin() as session:
        conflict = session.get(Conflict, conflict_id)
        if conflict is None:
            raise ResolutionError("unknown_conflict", f"no conflict {conflict_id}")
        if conflict.resolved_at is not None:
            raise ResolutionError("conflict_already_resolved", "already resolved")
        unknown = set(chosen) - set(conflict.local_value or {})
        if unknown:
            raise ResolutionError("invalid_choice", f"not in conflict: {sorted(unknown)}")
        model = ENTITY_MODELS.get(conflict.entity)
        target = session.get(model, conflict.entity_id) if model is not None else None
        if target is not None and chosen:
            apply_fields(target, chosen, skip=set())
        resolution_id = str(uuid.uuid4())
        fields = p.ConflictResolutionFields(
            conflict_id=uuid.UUID(conflict_id), chosen=chosen, note=note
        ).model_dump(mode="json")
        add_op(
            session,
            device_id=device_id,
            entity=p.Entity.CONFLICT_RESOLUTION.value,
            entity_id=resolution_id,
            action=p.Action.CREATE.value,
            fields=fields,
            created_at=now,
            actor=username,
        )
        conflict.resolved_at, conflict.resolved_by, conflict.chosen_value = now, actor, chosen
        audit(
            session,
            "conflict_resolved",
            actor=actor,
            entity=p.Entity.CONFLICT,
            entity_id=conflict_id,
            details={"chosen": chosen, "note": note, "resolution_id": resolution_id},
            at=now,
        )
    return resolution_id


def requeue_quarantined(
    store: Store, *, device_id: str, op_id: str, actor: str, username: str | None = None
) -> str:
    """Send a quarantined operation again as a new operation; return the new op id.

    The new operation carries ``username`` when given (the person sending it
    again answers for it now), else the original operation's author.
    """
    now = datetime.now(UTC)
    with store.write.begin() as session:
        quarantined, op = _quarantined(session, op_id)
        base = op.base_version
        model = ENTITY_MODELS.get(op.entity)
        if op.action != p.Action.CREATE and model is not None:
            rec: Any = session.get(model, op.entity_id)
            base = rec.server_version if rec is not None else base
        new = add_op(
            session,
            device_id=device_id,
            entity=op.entity,
            entity_id=op.entity_id,
            action=op.action,
            fields=dict(op.fields or {}),
            created_at=now,
            base_version=base,
            actor=username or op.actor,
        )
        quarantined.resolved_at, quarantined.resolution = now, f"requeued as {new.op_id}"
        audit(
            session,
            "quarantine_requeued",
            actor=actor,
            entity=op.entity,
            entity_id=op.entity_id,
            details={"op_id": op_id, "new_op_id": new.op_id, "kind": quarantined.kind},
            at=now,
        )
        return new.op_id


def discard_quarantined(store: Store, *, op_id: str, actor: str, reason: str = "") -> None:
    """Set a quarantined operation aside for good (audited)."""
    now = datetime.now(UTC)
    with store.write.begin() as session:
        quarantined, op = _quarantined(session, op_id)
        quarantined.resolved_at, quarantined.resolution = now, f"discarded: {reason}"
        audit(
            session,
            "quarantine_discarded",
            actor=actor,
            entity=op.entity,
            entity_id=op.entity_id,
            details={"op_id": op_id, "kind": quarantined.kind, "reason": reason},
            at=now,
        )


def _quarantined(session: Session, op_id: str) -> tuple[QuarantinedOp, OutboxOp]:
    quarantined = session.scalar(select(QuarantinedOp).where(QuarantinedOp.op_id == op_id))
    op = session.get(OutboxOp, op_id)
    if quarantined is None or op is None:
        raise ResolutionError("unknown_operation", f"no quarantined operation {op_id}")
    if quarantined.resolved_at is not None:
        raise ResolutionError("already_resolved", "already resolved")
    return quarantined, op
