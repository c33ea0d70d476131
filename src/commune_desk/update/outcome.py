"""What an update attempt produced: a machine-readable kind plus the clerk's message.

The settings page and the ``commune-desk update`` command both show
:attr:`UpdateResult.message` (Vietnamese, from ``commune_desk.messages``, its
``{name}`` fields filled from :attr:`UpdateResult.params`) and branch on
:attr:`UpdateResult.kind`; :attr:`UpdateResult.detail` is English for the log file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from commune_desk.messages import fill, update_message


class UpdateKind(StrEnum):
    """Every way an update from a stick can end."""

    APPLIED = "applied"
    UP_TO_DATE = "up_to_date"
    VERIFIED = "verified"
    #: The stick verified and its MSI is (or already was) staged, but not installed yet.
    STAGED_NOT_INSTALLED = "staged_not_installed"
    #: The MSI staged earlier was handed to Windows Installer, which failed.
    INSTALL_FAILED = "install_failed"
    NO_UPDATE_FOUND = "no_update_found"
    UNREADABLE = "unreadable"
    #: Files missing or cut short: a copy that did not finish.
    INCOMPLETE = "incomplete"
    #: Metadata files from different releases on one stick (an interrupted re-copy).
    MIXED = "mixed"
    TAMPERED = "tampered"
    REPLAYED = "replayed"
    EXPIRED = "expired"
    #: Expired by this PC's clock, which is far later than when the stick was written.
    CLOCK_AHEAD = "clock_ahead"
    UNSAFE_PATH = "unsafe_path"
    CLOCK_BEHIND_BUILD = "clock_behind_build"
    NOT_CONFIGURED = "not_configured"
    APPLY_FAILED = "apply_failed"


@dataclass(frozen=True)
class AppliedItem:
    """One verified file from the stick and what was done with it."""

    kind: str  # "reference-data" or "msi"
    version: str
    target: str  # TUF target path, e.g. "reference-data/reference-data-7.json"
    #: "verified", "applied", "staged", "already-staged", "installer-started", "skipped-not-newer"
    action: str


@dataclass(frozen=True)
class UpdateResult:
    """The outcome of one update attempt; ``ok`` is true only for a verified stick."""

    kind: UpdateKind
    message: str
    detail: str = ""
    items: tuple[AppliedItem, ...] = field(default_factory=tuple)
    staged_installer: Path | None = None
    #: Values of the ``{name}`` fields of the message (dates, versions, exit codes).
    params: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the stick verified (whether or not anything was new)."""
        return self.kind in (
            UpdateKind.APPLIED,
            UpdateKind.UP_TO_DATE,
            UpdateKind.VERIFIED,
            UpdateKind.STAGED_NOT_INSTALLED,
        )

    @classmethod
    def of(
        cls, kind: UpdateKind, detail: str = "", *, params: dict[str, str] | None = None, **extra: Any
    ) -> UpdateResult:
        """A result of ``kind`` carrying the standard message for it, filled with ``params``."""
        values = dict(params or {})
        return cls(
            kind=kind,
            message=fill(update_message(kind), SimpleNamespace(params=values)),
            detail=detail,
            params=values,
            **extra,
        )

    def to_json(self) -> dict[str, Any]:
        """Plain-JSON form for ``commune-desk update --json`` and the log."""
        return {
            "kind": self.kind.value,
            "ok": self.ok,
            "message": self.message,
            "detail": self.detail,
            "items": [item.__dict__ for item in self.items],
            "staged_installer": str(self.staged_installer) if self.staged_installer else None,
            "params": dict(self.params),
        }
