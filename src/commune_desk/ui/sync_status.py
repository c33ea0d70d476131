"""A thin adapter between the sync engine's status and what the UI shows.

The sync engine (``commune_desk.sync``) reports a status object; until it is
configured (or when no server is set up) the same view is built honestly from
the local store: how many changes wait in the outbox, when the last success
was. Widgets only ever see :class:`SyncView`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

#: States the UI knows how to show.
STATES = ("not_configured", "idle", "syncing", "offline", "error")

#: Beyond this clock difference with the server the clerk is warned.
CLOCK_SKEW_WARN_SECONDS = 300


@dataclass(frozen=True)
class SyncView:
    """What the status bar and the sync page show."""

    state: str = "not_configured"
    pending: int | None = None
    quarantined: int = 0
    conflicts: int = 0
    last_success_at: datetime | None = None
    last_error: str | None = None
    clock_skew_seconds: float | None = None
    server_url: str | None = None
    #: The engine's own verdict on the clock (its threshold wins when it gives one).
    clock_flag: bool = False
    #: A calm sentence after a recovery (a ``messages`` kind: server restored, store rewound...).
    notice: str | None = None

    @property
    def clock_warning(self) -> bool:
        """True when the PC clock differs from the server's by more than the limit."""
        return self.clock_flag or (
            self.clock_skew_seconds is not None and abs(self.clock_skew_seconds) > CLOCK_SKEW_WARN_SECONDS
        )


def _get(obj: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            value = getattr(obj, name)
            return value() if callable(value) and not isinstance(value, type) else value
    return default


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


def view_from_status(status: Any) -> SyncView:
    """Convert the sync engine's status value (whatever its exact class) into a SyncView."""
    state = _get(status, "state", default="idle")
    state = str(getattr(state, "value", state)).lower()
    if state not in STATES:
        state = "error" if "err" in state else "idle"
    return SyncView(
        state=state,
        pending=_int_or_none(_get(status, "pending", "pending_count", default=None)),
        quarantined=int(_get(status, "quarantined", "quarantined_count", default=0) or 0),
        conflicts=int(_get(status, "conflicts", "conflict_count", default=0) or 0),
        last_success_at=_get(status, "last_success_at", "last_success", default=None),
        last_error=_get(status, "last_error", default=None),
        clock_skew_seconds=_get(status, "clock_skew_seconds", "clock_skew", default=None),
        server_url=_get(status, "server_url", default=None),
    )


def view_from_sync_status(status: Any, *, configured: bool) -> SyncView:
    """Convert ``commune_desk.sync.status.SyncStatus``; not logged in → "not_configured"."""
    phase = str(getattr(status.phase, "value", status.phase))
    state = phase if configured else "not_configured"
    # Not logged in is the normal state of a single-PC office, not an error to show.
    hidden = not configured and status.error_kind == "not_logged_in"
    last_error = None if hidden else status.error_kind
    return SyncView(
        state=state,
        pending=status.pending,
        quarantined=status.quarantined,
        conflicts=status.open_conflicts,
        last_success_at=status.last_success_at,
        last_error=last_error,
        clock_skew_seconds=status.clock_offset_seconds,
        clock_flag=bool(status.clock_warning),
        notice=getattr(status, "notice", None),
    )


def read_sync_view(services: Any, bridge: Any = None) -> SyncView:
    """Build the view on the store thread: the engine's counts and status if any."""
    if bridge is not None:
        bridge.refresh_counts()
        return view_from_sync_status(bridge.status, configured=bridge.configured)
    overview = None
    for name in ("sync_overview", "outbox_summary", "sync_summary", "outbox_counts"):
        method = getattr(services, name, None)
        if callable(method):
            overview = method()
            break
    if overview is None:
        return SyncView()
    view = view_from_status(overview)
    if not view.server_url and view.state in ("idle",):
        view = SyncView(**{**view.__dict__, "state": "not_configured"})
    return view
