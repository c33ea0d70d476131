"""Clerk-facing names for what the sync page lists: record kinds, fields, refusal reasons."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QCoreApplication

from commune_desk.messages import CONTEXT, fill, source_text
from commune_desk.protocol import Entity
from commune_desk.ui.format import format_date, local
from commune_desk.ui.i18n import QT_TRANSLATE_NOOP

_CTX = "SyncLabels"

ENTITY_NAMES: dict[str, str] = {
    Entity.DOSSIER: QT_TRANSLATE_NOOP("SyncLabels", "Hồ sơ"),
    Entity.DOSSIER_EVENT: QT_TRANSLATE_NOOP("SyncLabels", "Bước xử lý hồ sơ"),
    Entity.ATTACHMENT: QT_TRANSLATE_NOOP("SyncLabels", "Tệp đính kèm"),
    Entity.INCOMING_DOCUMENT: QT_TRANSLATE_NOOP("SyncLabels", "Văn bản đến"),
    Entity.OUTGOING_DOCUMENT: QT_TRANSLATE_NOOP("SyncLabels", "Văn bản đi"),
    Entity.NUMBER_VOID: QT_TRANSLATE_NOOP("SyncLabels", "Huỷ số"),
    Entity.CONFLICT_RESOLUTION: QT_TRANSLATE_NOOP("SyncLabels", "Xử lý xung đột"),
}

FIELD_NAMES: dict[str, str] = {
    "applicant_name": QT_TRANSLATE_NOOP("SyncLabels", "Họ tên người nộp"),
    "applicant_id_number": QT_TRANSLATE_NOOP("SyncLabels", "Số định danh"),
    "applicant_phone": QT_TRANSLATE_NOOP("SyncLabels", "Số điện thoại"),
    "applicant_address": QT_TRANSLATE_NOOP("SyncLabels", "Địa chỉ"),
    "procedure_code": QT_TRANSLATE_NOOP("SyncLabels", "Thủ tục"),
    "appointment_at": QT_TRANSLATE_NOOP("SyncLabels", "Ngày hẹn trả"),
    "notes": QT_TRANSLATE_NOOP("SyncLabels", "Ghi chú"),
    "status": QT_TRANSLATE_NOOP("SyncLabels", "Trạng thái"),
    "author": QT_TRANSLATE_NOOP("SyncLabels", "Nơi gửi"),
    "number_symbol": QT_TRANSLATE_NOOP("SyncLabels", "Số, ký hiệu"),
    "document_date": QT_TRANSLATE_NOOP("SyncLabels", "Ngày văn bản"),
    "doc_type": QT_TRANSLATE_NOOP("SyncLabels", "Loại văn bản"),
    "summary": QT_TRANSLATE_NOOP("SyncLabels", "Trích yếu"),
    "urgency": QT_TRANSLATE_NOOP("SyncLabels", "Độ khẩn"),
    "secrecy": QT_TRANSLATE_NOOP("SyncLabels", "Độ mật"),
    "handler": QT_TRANSLATE_NOOP("SyncLabels", "Người xử lý"),
    "co_handlers": QT_TRANSLATE_NOOP("SyncLabels", "Người phối hợp"),
    "deadline": QT_TRANSLATE_NOOP("SyncLabels", "Hạn xử lý"),
    "assigned_at": QT_TRANSLATE_NOOP("SyncLabels", "Thời điểm giao"),
    "signer": QT_TRANSLATE_NOOP("SyncLabels", "Người ký"),
    "recipients": QT_TRANSLATE_NOOP("SyncLabels", "Nơi nhận"),
    "copies": QT_TRANSLATE_NOOP("SyncLabels", "Số bản"),
    "state": QT_TRANSLATE_NOOP("SyncLabels", "Tình trạng ký"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CTX, text)


def entity_name(entity: str) -> str:
    """What the clerk calls a kind of record."""
    source = ENTITY_NAMES.get(entity)
    return _tr(source) if source else entity


def field_name(field: str) -> str:
    """What the clerk calls a field (the identifier when it has no name yet)."""
    source = FIELD_NAMES.get(field)
    return _tr(source) if source else field


def refusal_reason(kind: str, fallback: str = "") -> str:
    """Why the server refused an operation; ``fallback`` (or a general sentence) when unknown.

    The kind itself is a code, never shown to the clerk.
    """
    source = source_text(kind)
    if source:
        return fill(QCoreApplication.translate(CONTEXT, source), None, drop_unknown=True)
    if fallback:
        return fallback
    return QCoreApplication.translate(
        "SyncLabels", "Máy chủ từ chối thay đổi này. Hãy báo cán bộ CNTT nếu không rõ vì sao."
    )


def record_title(entity: str, entity_id: str, label: str) -> str:
    """``Hồ sơ 000.00.06.H26-261120-1001 – Nguyễn Văn A`` (the id's start when unnamed)."""
    return f"{entity_name(entity)} {label or entity_id[:8]}"


def format_value(value: Any) -> str:
    """A synced field value as the clerk reads it (dd/mm/yyyy [HH:MM:SS] office time, lists
    joined)."""
    if value is None or value == "":
        return QCoreApplication.translate("SyncLabels", "(trống)")
    if isinstance(value, list | tuple):
        return ", ".join(format_value(v) for v in value)
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            if len(value) == 10:
                return format_date(date.fromisoformat(value))
            # With seconds: two values of a conflict may differ by less than a minute.
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return local(moment).strftime("%d/%m/%Y %H:%M:%S")
        except ValueError:
            return value
    return str(value)
