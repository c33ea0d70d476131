"""The clerk's words for roles and leader-only permissions (Vietnamese; English via Qt)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from commune_desk.domain.roles import Permission, Role
from commune_desk.ui.i18n import QT_TRANSLATE_NOOP

ROLE_NAMES: dict[str, str] = {
    Role.CLERK: QT_TRANSLATE_NOOP("Roles", "Cán bộ, công chức"),
    Role.LEADER: QT_TRANSLATE_NOOP("Roles", "Lãnh đạo"),
    Role.ADMIN: QT_TRANSLATE_NOOP("Roles", "Quản trị (CNTT)"),
}

PERMISSION_NAMES: dict[str, str] = {
    Permission.SIGN_OUTGOING: QT_TRANSLATE_NOOP("Roles", "Ký, duyệt văn bản đi (cấp số văn bản đã ký)"),
    Permission.VOID_NUMBER: QT_TRANSLATE_NOOP("Roles", "Huỷ số trong sổ"),
    Permission.APPROVE_EXTENSION: QT_TRANSLATE_NOOP("Roles", "Duyệt gia hạn, phiếu xin lỗi (mẫu 04)"),
    Permission.RESOLVE_CONFLICT: QT_TRANSLATE_NOOP("Roles", "Xử lý xung đột và thay đổi bị từ chối"),
    Permission.SETTINGS: QT_TRANSLATE_NOOP("Roles", "Cài đặt, tài khoản, phân quyền"),
}


def role_name(role: object) -> str:
    """What the office calls a role."""
    text = ROLE_NAMES.get(str(role))
    return QCoreApplication.translate("Roles", text) if text else str(role)


def permission_name(permission: object) -> str:
    """What the office calls a leader-only action."""
    text = PERMISSION_NAMES.get(str(permission))
    return QCoreApplication.translate("Roles", text) if text else str(permission)
