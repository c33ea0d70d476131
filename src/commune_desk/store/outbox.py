"""Transactional outbox and local counters.

``add_op`` must be called inside the same session/transaction as the record
write it describes; the session's commit then makes both durable together.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commune_desk.store.models import LocalCounter, OutboxOp

#: Counter that numbers outbox operations per device (gapless: bumped only on insert).
OUTBOX_SEQ = "outbox_seq"


def bump_counter(session: Session, name: str, *, step: int = 1) -> int:
    """Increase the named counter by ``step`` and return its new value (0 if new, then +step)."""
    counter = session.get(LocalCounter, name)
    if counter is None:
        counter = LocalCounter(name=name, value=0)
        session.add(counter)
    counter.value += step
    return counter.value


def counter_value(session: Session, name: str) -> int:
    """Current value of a counter (0 when it was never bumped)."""
    value = session.scalar(select(LocalCounter.value).where(LocalCounter.name == name))
    return value or 0


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
    counter = session.get(LocalCounter, name)
    if counter is None:
        session.add(LocalCounter(name=name, value=value))
    else:
        counter.value = value
