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


#: The clerk's message for each kind (Vietnamese first; IT staff read ``detail`` in the log).
#: ``{name}`` fields are filled from :attr:`UpdateResult.params`.
MESSAGES: dict[UpdateKind, str] = {
    UpdateKind.APPLIED: "Đã cập nhật thành công từ USB.",
    UpdateKind.UP_TO_DATE: "Phần mềm và dữ liệu danh mục đã là bản mới nhất; không có gì để cập nhật.",
    UpdateKind.VERIFIED: "Bản cập nhật trên USB hợp lệ (chưa cài đặt).",
    UpdateKind.STAGED_NOT_INSTALLED: (
        "Bản cập nhật hợp lệ. Bộ cài đặt phiên bản {version} đã được chép vào máy nhưng CHƯA "
        "được cài: phần mềm sẽ được cài khi khởi động lại máy tính, hoặc khi cán bộ CNTT "
        "bấm cài đặt. Máy vẫn đang chạy phiên bản {installed}."
    ),
    UpdateKind.INSTALL_FAILED: (
        "Bộ cài đặt phiên bản {version} đã được chép vào máy nhưng cài đặt KHÔNG thành công "
        "(mã lỗi {exit_code}). Máy vẫn chạy phiên bản {installed}; dữ liệu không bị ảnh hưởng. "
        "Hãy báo cán bộ CNTT (nhật ký cài đặt: {log})."
    ),
    UpdateKind.NO_UPDATE_FOUND: (
        "Không tìm thấy bản cập nhật CommuneDesk trên USB này "
        "(cần thư mục “CommuneDesk-update”)."
    ),
    UpdateKind.UNREADABLE: "Không đọc được USB. Hãy rút ra, cắm lại rồi thử lại.",
    UpdateKind.INCOMPLETE: (
        "Bản cập nhật trên USB chưa được chép đầy đủ (thiếu tệp hoặc tệp bị chép dở). "
        "Không có gì thay đổi trên máy. Hãy nhờ cán bộ CNTT chép lại USB cập nhật."
    ),
    UpdateKind.MIXED: (
        "USB chứa lẫn các tệp của nhiều lần phát hành khác nhau (có thể lần chép trước chưa "
        "xong). Không có gì thay đổi trên máy. Hãy nhờ cán bộ CNTT chép lại USB cập nhật."
    ),
    UpdateKind.TAMPERED: (
        "Bản cập nhật trên USB đã bị sửa đổi hoặc hỏng nên KHÔNG được cài. "
        "Không có gì thay đổi trên máy. Hãy báo cán bộ CNTT."
    ),
    UpdateKind.REPLAYED: (
        "USB này chứa bản cập nhật CŨ hơn bản đã cài nên KHÔNG được cài. "
        "Không có gì thay đổi trên máy. Hãy xin USB cập nhật mới nhất."
    ),
    UpdateKind.EXPIRED: (
        "Bản cập nhật trên USB đã hết hạn ngày {expired_on} (theo đồng hồ máy tính, hôm nay là "
        "{today}) nên KHÔNG được cài. Nếu ngày trên máy tính sai, hãy chỉnh lại rồi thử lại; "
        "nếu đúng, hãy xin cán bộ CNTT chép bản cập nhật mới."
    ),
    UpdateKind.CLOCK_AHEAD: (
        "Đồng hồ máy tính đang để quá muộn (hôm nay là {today} theo máy, trong khi USB được "
        "chép ngày {written_on}), nên bản cập nhật bị coi là hết hạn. USB không có lỗi. "
        "Hãy chỉnh lại ngày giờ máy tính rồi thử lại."
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
        "Bản cập nhật hợp lệ nhưng áp dụng không thành công; dữ liệu cũ được giữ nguyên. "
        "Hãy báo cán bộ CNTT."
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
    #: Values of the ``{name}`` fields of the message (dates, versions, exit codes).
    params: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the stick verified (whether or not anything was new)."""
        return self.kind in (UpdateKind.APPLIED, UpdateKind.UP_TO_DATE, UpdateKind.VERIFIED,
                             UpdateKind.STAGED_NOT_INSTALLED)

    @classmethod
    def of(cls, kind: UpdateKind, detail: str = "", *, params: dict[str, str] | None = None,
           **extra: Any) -> UpdateResult:
        """A result of ``kind`` carrying the standard message for it, filled with ``params``."""
        values = dict(params or {})
        return cls(kind=kind, message=fill(MESSAGES[kind], values), detail=detail,
                   params=values, **extra)

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


def fill(template: str, params: dict[str, str]) -> str:
    """``template`` with its ``{name}`` fields replaced; a missing value shows as ``?``."""
    class _Missing(dict[str, str]):
        def __missing__(self, key: str) -> str:
            return "?"

    return template.format_map(_Missing(params))
