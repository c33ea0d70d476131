"""What an update attempt produced: a machine-readable kind plus the clerk's message.

The settings page and the ``commune-desk update`` command both show
:attr:`UpdateResult.message` (Vietnamese) and branch on :attr:`UpdateResult.kind`;
:attr:`UpdateResult.detail` is English for the log file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any


class UpdateKind(StrEnum):
    """Every way an update from a stick can end."""

    APPLIED = "applied"
    UP_TO_DATE = "up_to_date"
    VERIFIED = "verified"
    NO_UPDATE_FOUND = "no_update_found"
    UNREADABLE = "unreadable"
    INCOMPLETE = "incomplete"
    TAMPERED = "tampered"
    REPLAYED = "replayed"
    EXPIRED = "expired"
    UNSAFE_PATH = "unsafe_path"
    CLOCK_BEHIND_BUILD = "clock_behind_build"
    NOT_CONFIGURED = "not_configured"
    APPLY_FAILED = "apply_failed"


#: The clerk's message for each kind (Vietnamese first; IT staff read ``detail`` in the log).
MESSAGES: dict[UpdateKind, str] = {
    UpdateKind.APPLIED: "Đã cập nhật thành công từ USB.",
    UpdateKind.UP_TO_DATE: "Phần mềm và dữ liệu danh mục đã là bản mới nhất; không có gì để cập nhật.",
    UpdateKind.VERIFIED: "Bản cập nhật trên USB hợp lệ (chưa cài đặt).",
    UpdateKind.NO_UPDATE_FOUND: (
        "Không tìm thấy bản cập nhật CommuneDesk trên USB này (cần thư mục “CommuneDesk-update”)."
    ),
    UpdateKind.UNREADABLE: "Không đọc được USB. Hãy rút ra, cắm lại rồi thử lại.",
    UpdateKind.INCOMPLETE: ("Bản cập nhật trên USB bị thiếu tệp. Hãy nhờ cán bộ CNTT chép lại USB cập nhật."),
    UpdateKind.TAMPERED: (
        "Bản cập nhật trên USB đã bị sửa đổi hoặc hỏng nên KHÔNG được cài. "
        "Không có gì thay đổi trên máy. Hãy báo cán bộ CNTT."
    ),
    UpdateKind.REPLAYED: (
        "USB này chứa bản cập nhật CŨ hơn bản đã cài nên KHÔNG được cài. "
        "Không có gì thay đổi trên máy. Hãy xin USB cập nhật mới nhất."
    ),
    UpdateKind.EXPIRED: (
        "Bản cập nhật trên USB đã hết hạn nên KHÔNG được cài. Hãy xin cán bộ CNTT chép bản cập nhật mới."
    ),
    UpdateKind.UNSAFE_PATH: (
        "Bản cập nhật có tệp ghi ra ngoài thư mục cho phép nên KHÔNG được cài. "
        "Không có gì thay đổi trên máy. Hãy báo cán bộ CNTT."
    ),
    UpdateKind.CLOCK_BEHIND_BUILD: (
        "Ngày giờ của máy tính đang sớm hơn ngày phát hành phần mềm, nên không thể kiểm tra "
        "hạn dùng của bản cập nhật. Hãy chỉnh lại ngày giờ máy tính rồi thử lại."
    ),
    UpdateKind.NOT_CONFIGURED: (
        "Bản cài đặt này thiếu khóa tin cậy để kiểm tra bản cập nhật. Hãy báo cán bộ CNTT."
    ),
    UpdateKind.APPLY_FAILED: (
        "Bản cập nhật hợp lệ nhưng áp dụng không thành công; dữ liệu cũ được giữ nguyên. Hãy báo cán bộ CNTT."
    ),
}


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

    @property
    def ok(self) -> bool:
        """True when the stick verified (whether or not anything was new)."""
        return self.kind in (UpdateKind.APPLIED, UpdateKind.UP_TO_DATE, UpdateKind.VERIFIED)

    @classmethod
    def of(cls, kind: UpdateKind, detail: str = "", **extra: Any) -> UpdateResult:
        """A result of ``kind`` carrying the standard message for it."""
        return cls(kind=kind, message=MESSAGES[kind], detail=detail, **extra)

    def to_json(self) -> dict[str, Any]:
        """Plain-JSON form for ``commune-desk update --json`` and the log."""
        return {
            "kind": self.kind.value,
            "ok": self.ok,
            "message": self.message,
            "detail": self.detail,
            "items": [item.__dict__ for item in self.items],
            "staged_installer": str(self.staged_installer) if self.staged_installer else None,
        }
