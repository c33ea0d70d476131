"""Transactional outbox and local counters.

``add_op`` must be called inside the same session/transaction as the record
write it describes; the session's commit then makes both durable together.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from commune_desk.store.models import OutboxOp

#: Counter that numbers outbox operations per device (gapless: bumped only on insert).
OUTBOX_SEQ = "outbox_seq"


def bump_counter(session: Session, name: str, *, step: int = 1) -> int:
    """Increase the named counter by ``step`` and return its new value (a new counter starts at 0).

    One upsert statement; counters are only touched through these helpers
    (never as ORM objects), so the session's identity map cannot go stale.
    """
    return int(
        session.execute(
            text(
                "INSERT INTO local_counters(name, value) VALUES (:name, :step) "
                "ON CONFLICT(name) DO UPDATE SET value = value + :step RETURNING value"
            ),
            {"name": name, "step": step},
        ).scalar_one()
    )


def counter_value(session: Session, name: str) -> int:
    """Current value of a counter (0 when it was never bumped)."""
    value = session.execute(
        text("SELECT value FROM local_counters WHERE name = :name"), {"name": name}
    ).scalar()
    return int(value or 0)


def add_op(
    session: Session,
    *,
    device_id: str,
    entity: str,
    entity_id: str,
    action: str,
    fields: dict[str, Any],
    created_at: datetime,
    base_version: int | None = None,
) -> OutboxOp:
    """Queue one sync operation in the caller's transaction."""
    op = OutboxOp(
        op_id=str(uuid.uuid4()),
        device_id=device_id,
        seq=bump_counter(session, OUTBOX_SEQ),
        entity=entity,
        entity_id=entity_id,
        action=action,
        base_version=base_version,
        fields=fields,
        created_at=created_at,
        state="pending",
        attempts=0,
    )
    session.add(op)
    return op


def set_counter(session: Session, name: str, value: int) -> None:
    """Set the named counter to ``value`` (used for daily dossier numbers)."""
    session.execute(
        text(
            "INSERT INTO local_counters(name, value) VALUES (:name, :value) "
            "ON CONFLICT(name) DO UPDATE SET value = :value"
        ),
        {"name": name, "value": value},
    )


def insert_ops(
    session: Session,
    *,
    device_id: str,
    ops: Sequence[tuple[str, str, str, int | None, dict[str, Any]]],
    created_at: datetime,
) -> list[str]:
    """Queue several operations ``(entity, entity_id, action, base_version, fields)`` at once.

    Same rows as :func:`add_op`, but one counter bump and one multi-row INSERT
    (the intake hot path). Returns the new op ids in order.
    """
    top = bump_counter(session, OUTBOX_SEQ, step=len(ops))
    rows: list[dict[str, Any]] = [
        {
            "op_id": str(uuid.uuid4()),
            "device_id": device_id,
            "seq": top - len(ops) + 1 + i,
            "entity": entity,
            "entity_id": entity_id,
            "action": action,
            "base_version": base_version,
            "fields": fields,
            "created_at": created_at,
            "state": "pending",
            "attempts": 0,
            "last_error": None,
            "next_attempt_at": None,
        }
        for i, (entity, entity_id, action, base_version, fields) in enumerate(ops)
    ]
    session.execute(insert(OutboxOp), rows)
    return [str(row["op_id"]) for row in rows]
