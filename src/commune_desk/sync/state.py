"""The persisted sync state of this device (one ``sync_state`` row)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from commune_desk.store.models import Setting, SyncState

#: Settings row with the clock offset measured at the last handshake.
CLOCK_KEY = "sync.clock"


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
    value = {"offset_seconds": offset_seconds, "warning": warning}
    row = session.get(Setting, CLOCK_KEY)
    if row is None:
        session.add(Setting(key=CLOCK_KEY, value=value))
    else:
        row.value = value


def get_clock(session: Session) -> tuple[float | None, bool]:
    """(offset in seconds, warn the clerk) from the last handshake; (None, False) before one."""
    row = session.get(Setting, CLOCK_KEY)
    if row is None or not isinstance(row.value, dict):
        return None, False
    return row.value.get("offset_seconds"), bool(row.value.get("warning"))
