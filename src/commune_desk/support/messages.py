"""The support checks in plain Vietnamese: what was found and what to do about it.

Used by ``commune-desk support`` and the ``summary.txt`` of the support
archive. The diagnostics panel shows the same sentences through Qt's
translation layer (``ui/diagnostics.py`` marks a copy of each; a test keeps the
two in step).
"""

from __future__ import annotations

from typing import Any

#: Heading of each check.
TITLES: dict[str, str] = {
    "versions": "Phiên bản",
    "database": "Kiểm tra dữ liệu",
    "sync": "Đồng bộ với máy chủ",
    "clock": "Đồng hồ máy tính",
    "disk": "Dung lượng ổ đĩa",
    "backup": "Sao lưu",
    "log": "Nhật ký lỗi",
}

#: ``{outcome: (what was found, what to do)}``; ``{name}`` fields come from the check's params.
MESSAGES: dict[str, tuple[str, str]] = {
    "versions.info": (
        "CommuneDesk {app}, lược đồ dữ liệu {schema}, Python {python}, SQLite {sqlite}, {system}.",
        "",
    ),
    "database.ok": ("Dữ liệu không có lỗi ({checked} mục đã kiểm tra).", ""),
    "database.fail": (
        "Phát hiện {problems} lỗi trong dữ liệu.",
        "Đóng phần mềm rồi kiểm tra lại. Nếu vẫn lỗi, gửi tệp hỗ trợ cho đường dây nóng; "
        "có thể phải khôi phục bản sao lưu gần nhất.",
    ),
    "database.error": (
        "Không kiểm tra được dữ liệu.",
        "Đóng phần mềm, mở lại rồi thử lần nữa; nếu vẫn không được, gọi đường dây nóng.",
    ),
    "sync.local": (
        "Máy này chưa đăng nhập máy chủ thành phố: dữ liệu chỉ lưu trên máy.",
        "Nếu đơn vị dùng máy chủ thành phố, nhờ cán bộ CNTT đăng nhập máy một lần khi có mạng.",
    ),
    "sync.ok": ("Đồng bộ tốt: lần cuối {last}; chờ gửi {pending} thay đổi.", ""),
    "sync.never": (
        "Máy đã đăng nhập nhưng chưa đồng bộ được lần nào; chờ gửi {pending} thay đổi.",
        "Kiểm tra mạng và địa chỉ máy chủ. Dữ liệu vẫn được lưu an toàn trên máy.",
    ),
    "sync.late": (
        "Chưa đồng bộ được từ {last}; chờ gửi {pending} thay đổi (lỗi gần nhất: {error}).",
        "Kiểm tra mạng và địa chỉ máy chủ. Dữ liệu vẫn được lưu an toàn trên máy; "
        "phần mềm tự gửi lại khi có mạng.",
    ),
    "sync.stopped": (
        "Đồng bộ đã dừng ({error}).",
        "Máy cần được đăng nhập lại với máy chủ (commune-desk login) hoặc đã bị thu hồi: "
        "liên hệ cán bộ CNTT.",
    ),
    "sync.attention": (
        "Có {quarantined} thay đổi bị máy chủ từ chối và {conflicts} xung đột đang chờ.",
        "Lãnh đạo mở trang Đồng bộ để xử lý từng mục.",
    ),
    "clock.ok": ("Đồng hồ máy chỉ lệch {seconds} giây so với máy chủ.", ""),
    "clock.unknown": ("Chưa so được giờ với máy chủ.", ""),
    "clock.warn": (
        "Đồng hồ máy tính lệch {minutes} phút so với máy chủ.",
        "Chỉnh lại ngày giờ của Windows (bật tự động đặt giờ): giờ sai làm sai ngày hẹn trả.",
    ),
    "disk.ok": ("Ổ chứa dữ liệu còn trống {free}.", ""),
    "disk.warn": (
        "Ổ chứa dữ liệu chỉ còn trống {free}.",
        "Xoá bớt tệp không cần thiết, hoặc chuyển thư mục sao lưu sang ổ khác.",
    ),
    "disk.fail": (
        "Ổ chứa dữ liệu gần đầy: chỉ còn {free}.",
        "Giải phóng dung lượng ngay: khi ổ đầy, phần mềm không lưu được hồ sơ mới.",
    ),
    "backup.ok": ("Bản sao lưu gần nhất: {when} ({count} bản trong thư mục sao lưu).", ""),
    "backup.old": (
        "Bản sao lưu gần nhất đã cũ: {when}.",
        "Sao lưu ngay (commune-desk backup) và chép một bản ra USB mỗi tuần.",
    ),
    "backup.none": (
        "Chưa có bản sao lưu nào trong {folder}.",
        "Sao lưu ngay (commune-desk backup) và chép một bản ra USB mỗi tuần.",
    ),
    "log.ok": ("Nhật ký gần đây ({lines} dòng) không có lỗi.", ""),
    "log.none": ("Chưa có tệp nhật ký.", ""),
    "log.warn": (
        "Nhật ký gần đây có {errors} lỗi.",
        "Gửi tệp hỗ trợ cho đường dây nóng để được xem chi tiết.",
    ),
}

#: The clerk's words for the statuses.
STATUS_WORDS = {"ok": "Tốt", "info": "Thông tin", "warn": "Cần chú ý", "fail": "Có lỗi"}


def describe(outcome: str, params: dict[str, Any]) -> tuple[str, str]:
    """(what was found, what to do) for a check's outcome, in Vietnamese."""
    found, advice = MESSAGES.get(outcome, (outcome, ""))
    return found.format_map(_Missing(params)), advice.format_map(_Missing(params))


class _Missing(dict[str, Any]):
    """Formats a missing field as ``?`` rather than failing."""

    def __missing__(self, key: str) -> str:
        return "?"
