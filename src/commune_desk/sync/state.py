"""The persisted sync state of this device (one ``sync_state`` row)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from commune_desk.store.models import SyncState


def load_state(session: Session, device_id: str) -> SyncState:
    """The device's sync-state row, created (cursor 0) on first use."""
    row = session.get(SyncState, device_id)
    if row is None:
        row = SyncState(device_id=device_id, cursor=0, leases={})
        session.add(row)
        session.flush()
    return row
