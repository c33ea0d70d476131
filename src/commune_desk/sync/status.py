"""What the UI shows about sync: a plain, immutable snapshot."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class SyncPhase(StrEnum):
    """The engine's state as the clerk sees it."""

    IDLE = "idle"
    """Not syncing; the last round succeeded (or none ran yet)."""
    SYNCING = "syncing"
    """A round is running."""
    OFFLINE = "offline"
    """The last round could not reach the server; the worker retries with backoff."""
    ERROR = "error"
    """The last round stopped for a reason a person must fix (``error_kind``)."""


@dataclass(frozen=True)
class Progress:
    """Progress of the current round (bytes for transfers, counts for records)."""

    step: str = ""
    """``handshake``, ``leases``, ``push``, ``upload``, ``pull``."""
    done: int = 0
    total: int | None = None
    bytes_sent: int = 0


@dataclass(frozen=True)
class SyncStatus:
    """One snapshot of the sync engine, safe to hand to another thread."""

    phase: SyncPhase = SyncPhase.IDLE
    pending: int = 0
    quarantined: int = 0
    open_conflicts: int = 0
    last_success_at: datetime | None = None
    last_attempt_at: datetime | None = None
    error_kind: str | None = None
    error_message: str | None = None
    clock_offset_seconds: float | None = None
    clock_warning: bool = False
    next_retry_in: float | None = None
    progress: Progress = field(default_factory=Progress)
    notice: str | None = None
    """A calm sentence about a recovery (``messages`` kind: server restored, store rewound...)."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict (``sync status --json``)."""
        out = asdict(self)
        out["phase"] = self.phase.value
        for key in ("last_success_at", "last_attempt_at"):
            value = getattr(self, key)
            out[key] = value.isoformat() if value else None
        return out
