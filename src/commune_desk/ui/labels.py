"""Clerk-facing names of statuses, events, paper forms and document states."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from commune_desk.domain.dossier import DossierStatus, EventKind
from commune_desk.ui.i18n import QT_TRANSLATE_NOOP

_CTX = "Labels"

STATUS_NAMES: dict[int, str] = {
    DossierStatus.REGISTERED_ONLINE: QT_TRANSLATE_NOOP("Labels", "Mới đăng ký (trực tuyến)"),
    DossierStatus.ACCEPTED: QT_TRANSLATE_NOOP("Labels", "Đã tiếp nhận"),
    DossierStatus.REFUSED: QT_TRANSLATE_NOOP("Labels", "Từ chối"),
    DossierStatus.PROCESSING: QT_TRANSLATE_NOOP("Labels", "Đang xử lý"),
    DossierStatus.SUPPLEMENT_REQUESTED: QT_TRANSLATE_NOOP("Labels", "Chờ bổ sung"),
    DossierStatus.PAYMENT_REQUIRED: QT_TRANSLATE_NOOP("Labels", "Chờ nộp phí"),
    DossierStatus.WITHDRAWN: QT_TRANSLATE_NOOP("Labels", "Công dân rút hồ sơ"),
    DossierStatus.STOPPED: QT_TRANSLATE_NOOP("Labels", "Dừng xử lý"),
    DossierStatus.RESULT_READY: QT_TRANSLATE_NOOP("Labels", "Có kết quả"),
    DossierStatus.RETURNED: QT_TRANSLATE_NOOP("Labels", "Đã trả kết quả"),
}

#: Event names as shown in history lists.
EVENT_NAMES: dict[str, str] = {
    EventKind.REGISTERED_ONLINE: QT_TRANSLATE_NOOP("Labels", "Đăng ký trực tuyến"),
    EventKind.RECEIVED: QT_TRANSLATE_NOOP("Labels", "Tiếp nhận"),
    EventKind.ASSIGNED: QT_TRANSLATE_NOOP("Labels", "Chuyển xử lý"),
    EventKind.HANDED_OVER: QT_TRANSLATE_NOOP("Labels", "Bàn giao"),
    EventKind.SUPPLEMENT_REQUESTED: QT_TRANSLATE_NOOP("Labels", "Yêu cầu bổ sung"),
    EventKind.SUPPLEMENT_RECEIVED: QT_TRANSLATE_NOOP("Labels", "Nhận bổ sung"),
    EventKind.PAYMENT_REQUESTED: QT_TRANSLATE_NOOP("Labels", "Yêu cầu nộp phí"),
    EventKind.PAID: QT_TRANSLATE_NOOP("Labels", "Đã nộp phí"),
    EventKind.EXTENDED: QT_TRANSLATE_NOOP("Labels", "Xin lỗi, hẹn lại"),
    EventKind.EXTENSION_APPLIED: QT_TRANSLATE_NOOP("Labels", "Kéo dài thời hạn theo quy định"),
    EventKind.RESULT_READY: QT_TRANSLATE_NOOP("Labels", "Có kết quả"),
    EventKind.RETURNED: QT_TRANSLATE_NOOP("Labels", "Trả kết quả"),
    EventKind.REFUSED: QT_TRANSLATE_NOOP("Labels", "Từ chối"),
    EventKind.WITHDRAWN: QT_TRANSLATE_NOOP("Labels", "Rút hồ sơ"),
    EventKind.STOPPED: QT_TRANSLATE_NOOP("Labels", "Dừng xử lý"),
    EventKind.NOTE: QT_TRANSLATE_NOOP("Labels", "Ghi chú"),
    EventKind.UNDO_RETURNED: QT_TRANSLATE_NOOP("Labels", "Đính chính: chưa trả kết quả"),
    EventKind.UNDO_RESULT_READY: QT_TRANSLATE_NOOP("Labels", "Đính chính: chưa có kết quả"),
    EventKind.UNDO_SUPPLEMENT_RECEIVED: QT_TRANSLATE_NOOP("Labels", "Đính chính: chưa nhận bổ sung"),
    EventKind.UNDO_PAYMENT_REQUESTED: QT_TRANSLATE_NOOP("Labels", "Đính chính: không yêu cầu nộp phí"),
    EventKind.UNDO_PAID: QT_TRANSLATE_NOOP("Labels", "Đính chính: chưa nộp phí"),
}

#: Action button captions (imperative) for events the clerk can record.
ACTION_NAMES: dict[str, str] = {
    EventKind.RECEIVED: QT_TRANSLATE_NOOP("Labels", "Tiếp nhận"),
    EventKind.ASSIGNED: QT_TRANSLATE_NOOP("Labels", "Chuyển xử lý"),
    EventKind.HANDED_OVER: QT_TRANSLATE_NOOP("Labels", "Bàn giao"),
    EventKind.SUPPLEMENT_REQUESTED: QT_TRANSLATE_NOOP("Labels", "Yêu cầu bổ sung (mẫu 02)"),
    EventKind.SUPPLEMENT_RECEIVED: QT_TRANSLATE_NOOP("Labels", "Nhận hồ sơ bổ sung"),
    EventKind.PAYMENT_REQUESTED: QT_TRANSLATE_NOOP("Labels", "Yêu cầu nộp phí"),
    EventKind.PAID: QT_TRANSLATE_NOOP("Labels", "Xác nhận đã nộp phí"),
    EventKind.EXTENDED: QT_TRANSLATE_NOOP("Labels", "Xin lỗi, hẹn lại (mẫu 04)"),
    EventKind.EXTENSION_APPLIED: QT_TRANSLATE_NOOP("Labels", "Kéo dài thời hạn theo quy định…"),
    EventKind.RESULT_READY: QT_TRANSLATE_NOOP("Labels", "Có kết quả"),
    EventKind.RETURNED: QT_TRANSLATE_NOOP("Labels", "Trả kết quả"),
    EventKind.REFUSED: QT_TRANSLATE_NOOP("Labels", "Từ chối (mẫu 03)"),
    EventKind.WITHDRAWN: QT_TRANSLATE_NOOP("Labels", "Rút hồ sơ"),
    EventKind.STOPPED: QT_TRANSLATE_NOOP("Labels", "Dừng xử lý (mẫu 05)"),
    EventKind.NOTE: QT_TRANSLATE_NOOP("Labels", "Ghi chú"),
    EventKind.UNDO_RETURNED: QT_TRANSLATE_NOOP("Labels", "Đính chính: chưa trả kết quả…"),
    EventKind.UNDO_RESULT_READY: QT_TRANSLATE_NOOP("Labels", "Đính chính: chưa có kết quả…"),
    EventKind.UNDO_SUPPLEMENT_RECEIVED: QT_TRANSLATE_NOOP("Labels", "Đính chính: chưa nhận bổ sung…"),
    EventKind.UNDO_PAYMENT_REQUESTED: QT_TRANSLATE_NOOP("Labels", "Đính chính: không yêu cầu nộp phí…"),
    EventKind.UNDO_PAID: QT_TRANSLATE_NOOP("Labels", "Đính chính: chưa nộp phí…"),
}

#: Shown for a status or step this version does not know (recorded by a newer version).
UNKNOWN_STATUS = QT_TRANSLATE_NOOP("Labels", "Trạng thái chưa rõ (cần cập nhật phần mềm)")
UNKNOWN_EVENT = QT_TRANSLATE_NOOP("Labels", "Bước chưa rõ (cần cập nhật phần mềm)")

PAPER_FORMS: dict[str, str] = {
    "original": QT_TRANSLATE_NOOP("Labels", "Bản chính"),
    "certified_copy": QT_TRANSLATE_NOOP("Labels", "Bản sao chứng thực"),
    "photocopy": QT_TRANSLATE_NOOP("Labels", "Bản chụp"),
}

OUTGOING_STATES: dict[str, str] = {
    "draft": QT_TRANSLATE_NOOP("Labels", "Dự thảo"),
    "submitted": QT_TRANSLATE_NOOP("Labels", "Trình ký"),
    "signed": QT_TRANSLATE_NOOP("Labels", "Đã ký"),
    "issued": QT_TRANSLATE_NOOP("Labels", "Đã phát hành"),
    "voided": QT_TRANSLATE_NOOP("Labels", "Đã huỷ số"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CTX, text)


def status_name(status: int | None) -> str:
    """Name of a dossier status code."""
    if status is None:
        return ""
    source = STATUS_NAMES.get(int(status))
    return _tr(source or UNKNOWN_STATUS)


def event_name(kind: str) -> str:
    """Name of an event kind for history lists."""
    source = EVENT_NAMES.get(str(kind))
    return _tr(source or UNKNOWN_EVENT)


def action_name(kind: str) -> str:
    """Caption of the button that records ``kind``."""
    source = ACTION_NAMES.get(str(kind))
    return _tr(source or UNKNOWN_EVENT)


def paper_form_name(form: str) -> str:
    """Name of a paper form (original, certified copy, photocopy)."""
    source = PAPER_FORMS.get(form)
    return _tr(source) if source else form


def outgoing_state_name(state: str) -> str:
    """Name of an outgoing document's signature/issue state."""
    source = OUTGOING_STATES.get(state)
    return _tr(source) if source else state
