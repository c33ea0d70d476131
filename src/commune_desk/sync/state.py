"""The persisted sync state of this device (one ``sync_state`` row)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from commune_desk import protocol as p
from commune_desk.store.models import OutboxOp, QuarantinedOp, SyncState
from commune_desk.store.settings import SYNC_CLOCK, get_setting, put_setting


def load_state(session: Session, device_id: str) -> SyncState:
    """The device's sync-state row, created (cursor 0) on first use."""
    row = session.get(SyncState, device_id)
    if row is None:
        row = SyncState(device_id=device_id, cursor=0, leases={})
        session.add(row)
        session.flush()
    return row


def put_clock(session: Session, offset_seconds: float, warning: bool) -> None:
    """Remember the clock offset of the last handshake (shown while offline too)."""
    put_setting(session, SYNC_CLOCK, {"offset_seconds": offset_seconds, "warning": warning})


def get_clock(session: Session) -> tuple[float | None, bool]:
    """(offset in seconds, warn the clerk) from the last handshake; (None, False) before one."""
    value = get_setting(session, SYNC_CLOCK)
    if value is None:
        return None, False
    return value.get("offset_seconds"), bool(value.get("warning"))


def quarantine(session: Session, op_id: str, kind: str, message: str) -> None:
    """Move an operation to the quarantine (visible to the clerk, never blocks the queue)."""
    op = session.get(OutboxOp, op_id)
    if op is None:
        return
    op.state, op.last_error = p.OutboxState.QUARANTINED, kind[:40]
    if session.scalar(select(QuarantinedOp).where(QuarantinedOp.op_id == op_id)) is None:
        session.add(
            QuarantinedOp(
                id=str(uuid.uuid4()),
                op_id=op_id,
                kind=kind[:40],
                message=message,
                created_at=datetime.now(UTC),
            )
        )
