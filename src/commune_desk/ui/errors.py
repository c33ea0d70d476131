"""What the clerk sees when something goes wrong: never a stack trace.

Typed errors (anything with a machine-readable ``.kind``) become a clear
sentence in the clerk's language. Anything else is written with its traceback
to a rotating log file in the data folder, and the clerk gets a short apology
naming that file.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from commune_desk.ui.i18n import QT_TRANSLATE_NOOP

log = logging.getLogger("commune_desk.ui")

LOG_FILE_NAME = "commune-desk.log"


#: Messages for error kinds raised by domain/, services/ and sync/.
#: Unknown kinds get a generic sentence; the kind goes to the log, never to the clerk.
KIND_MESSAGES: dict[str, str] = {
    "id_number_required": QT_TRANSLATE_NOOP(
        "Errors", "Chưa nhập số định danh (CCCD/CMND)."
    ),
    "invalid_id_number": QT_TRANSLATE_NOOP(
        "Errors", "Số định danh không hợp lệ: CCCD có 12 chữ số, CMND có 9 chữ số."
    ),
    "id_number_future_birth_year": QT_TRANSLATE_NOOP(
        "Errors", "Số CCCD không hợp lệ: năm sinh suy ra nằm trong tương lai."
    ),
    "id_number_birth_mismatch": QT_TRANSLATE_NOOP(
        "Errors", "Số CCCD không khớp với năm sinh đã nhập."
    ),
    "phone_required": QT_TRANSLATE_NOOP(
        "Errors", "Chưa nhập số điện thoại."
    ),
    "invalid_phone": QT_TRANSLATE_NOOP(
        "Errors", "Số điện thoại không hợp lệ."
    ),
    "name_required": QT_TRANSLATE_NOOP(
        "Errors", "Chưa nhập họ tên người nộp hồ sơ."
    ),
    "unknown_procedure": QT_TRANSLATE_NOOP(
        "Errors", "Không có thủ tục với mã này trong danh mục."
    ),
    "inactive_procedure": QT_TRANSLATE_NOOP(
        "Errors", "Thủ tục này đã bị bỏ khỏi danh mục hiện hành."
    ),
    "illegal_transition": QT_TRANSLATE_NOOP(
        "Errors", "Không thể thực hiện thao tác này ở trạng thái hiện tại của hồ sơ."
    ),
    "nothing_to_correct": QT_TRANSLATE_NOOP(
        "Errors", "Chỉ đính chính được bước vừa ghi gần nhất của hồ sơ."
    ),
    "correction_reason_required": QT_TRANSLATE_NOOP(
        "Errors", "Cần ghi lý do đính chính."
    ),
    "counter_slot_exhausted": QT_TRANSLATE_NOOP(
        "Errors", "Quầy đã cấp hết mã hồ sơ trong ngày hôm nay."
    ),
    "invalid_counter_slot": QT_TRANSLATE_NOOP(
        "Errors", "Số quầy phải từ 1 đến 9."
    ),
    "invalid_unit_code": QT_TRANSLATE_NOOP(
        "Errors", "Mã đơn vị không hợp lệ."
    ),
    "server_unavailable": QT_TRANSLATE_NOOP(
        "Errors", "Máy chủ tạm thời không phục vụ. Sẽ tự thử lại sau."
    ),
    "not_logged_in": QT_TRANSLATE_NOOP(
        "Errors", "Máy này chưa đăng nhập máy chủ thành phố. Hãy nhờ cán bộ CNTT đăng nhập một lần."
    ),
    "invalid_credentials": QT_TRANSLATE_NOOP(
        "Errors", "Tên đăng nhập hoặc mật khẩu không đúng."
    ),
    "session_expired": QT_TRANSLATE_NOOP(
        "Errors", "Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại."
    ),
    "device_revoked": QT_TRANSLATE_NOOP(
        "Errors", "Máy này đã bị thu hồi quyền đồng bộ. Hãy liên hệ cán bộ CNTT."
    ),
    "protocol_mismatch": QT_TRANSLATE_NOOP(
        "Errors", "Phiên bản phần mềm không khớp với máy chủ. Hãy cập nhật phần mềm."
    ),
    "keyring_unavailable": QT_TRANSLATE_NOOP(
        "Errors", "Không đọc được kho mật khẩu của Windows. Hãy liên hệ cán bộ CNTT."
    ),
    "bad_response": QT_TRANSLATE_NOOP(
        "Errors", "Máy chủ trả lời không hợp lệ. Sẽ thử lại sau."
    ),
    "request_refused": QT_TRANSLATE_NOOP(
        "Errors", "Máy chủ từ chối yêu cầu."
    ),
    "blob_missing": QT_TRANSLATE_NOOP(
        "Errors", "Thiếu tệp đính kèm trên máy. Hãy liên hệ cán bộ CNTT."
    ),
    "hash_mismatch": QT_TRANSLATE_NOOP(
        "Errors", "Tệp đính kèm bị hỏng khi truyền. Sẽ gửi lại."
    ),
    "wrong_password": QT_TRANSLATE_NOOP(
        "Errors", "Mật khẩu không đúng."
    ),
    "unknown_conflict": QT_TRANSLATE_NOOP(
        "Errors", "Không tìm thấy xung đột này."
    ),
    "conflict_already_resolved": QT_TRANSLATE_NOOP(
        "Errors", "Xung đột này đã được xử lý."
    ),
    "invalid_fields": QT_TRANSLATE_NOOP(
        "Errors", "Giá trị chọn không thuộc xung đột này."
    ),
    "unknown_operation": QT_TRANSLATE_NOOP(
        "Errors", "Không tìm thấy thay đổi này."
    ),
    "already_resolved": QT_TRANSLATE_NOOP(
        "Errors", "Thay đổi này đã được xử lý."
    ),
    "attachments_unavailable": QT_TRANSLATE_NOOP(
        "Errors", "Chức năng đính kèm tệp chưa sẵn sàng."
    ),
    "unit_name_required": QT_TRANSLATE_NOOP(
        "Errors", "Chưa nhập tên đơn vị."
    ),
    "invalid_office_hours": QT_TRANSLATE_NOOP(
        "Errors", "Giờ làm việc không hợp lệ: các buổi phải theo thứ tự và không rỗng."
    ),
    "not_found": QT_TRANSLATE_NOOP(
        "Errors", "Không tìm thấy bản ghi (có thể đã bị xoá)."
    ),
    "outdated_reference": QT_TRANSLATE_NOOP(
        "Errors", "Dữ liệu danh mục cũ hơn dữ liệu đang dùng; không cập nhật."
    ),
    "number_not_voidable": QT_TRANSLATE_NOOP(
        "Errors", "Không thể huỷ số này."
    ),
    "already_issued": QT_TRANSLATE_NOOP(
        "Errors", "Văn bản đã được cấp số."
    ),
    "series_exhausted": QT_TRANSLATE_NOOP(
        "Errors", "Đã hết số được cấp cho sổ này; cần đồng bộ với máy chủ."
    ),
    "summary_required": QT_TRANSLATE_NOOP(
        "Errors", "Chưa nhập trích yếu."
    ),
    "author_required": QT_TRANSLATE_NOOP(
        "Errors", "Chưa nhập cơ quan ban hành."
    ),
    "symbol_required": QT_TRANSLATE_NOOP(
        "Errors", "Chưa nhập ký hiệu văn bản."
    ),
    "handler_required": QT_TRANSLATE_NOOP(
        "Errors", "Chưa chọn người xử lý."
    ),
    "invalid_backup": QT_TRANSLATE_NOOP(
        "Errors", "Tệp sao lưu không hợp lệ hoặc bị hỏng."
    ),
    "backup_failed": QT_TRANSLATE_NOOP(
        "Errors", "Không sao lưu được dữ liệu."
    ),
    "invalid_catalogue": QT_TRANSLATE_NOOP(
        "Errors", "Tệp danh mục thủ tục không hợp lệ."
    ),
    "conflict": QT_TRANSLATE_NOOP(
        "Errors", "Bản ghi vừa được thay đổi ở máy khác. Hãy mở lại và thử lần nữa."
    ),
    "not_configured": QT_TRANSLATE_NOOP(
        "Errors", "Máy chủ chưa được cấu hình."
    ),
    "offline": QT_TRANSLATE_NOOP(
        "Errors", "Không kết nối được máy chủ. Dữ liệu vẫn được lưu trên máy."
    ),
    "network": QT_TRANSLATE_NOOP(
        "Errors", "Không kết nối được máy chủ. Dữ liệu vẫn được lưu trên máy."
    ),
    "timeout": QT_TRANSLATE_NOOP(
        "Errors", "Máy chủ không trả lời kịp. Sẽ thử lại sau."
    ),
    "auth": QT_TRANSLATE_NOOP(
        "Errors", "Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại."
    ),
    "forbidden": QT_TRANSLATE_NOOP(
        "Errors", "Tài khoản không có quyền với dữ liệu này."
    ),
    "server": QT_TRANSLATE_NOOP(
        "Errors", "Máy chủ đang gặp sự cố. Sẽ thử lại sau."
    ),
    "integrity": QT_TRANSLATE_NOOP(
        "Errors", "Kiểm tra dữ liệu phát hiện lỗi. Hãy liên hệ cán bộ CNTT và khôi phục bản sao lưu."
    ),
    "disk_full": QT_TRANSLATE_NOOP(
        "Errors", "Ổ đĩa đã đầy. Hãy giải phóng dung lượng rồi thử lại."
    ),
}


def setup_logging(logs_dir: Path, *, level: int = logging.INFO) -> Path:
    """Send log records to a rotating file in ``logs_dir``; return the file's path."""
    logs_dir.mkdir(parents=True, exist_ok=True)
    path = logs_dir / LOG_FILE_NAME
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_commune_desk", False):
            root.removeHandler(handler)
            handler.close()
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    handler._commune_desk = True  # type: ignore[attr-defined]
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s")
    )
    root.addHandler(handler)
    root.setLevel(level)
    return path


def error_kind(exc: BaseException) -> str | None:
    """The machine-readable kind of a typed error, or None for an unexpected one."""
    kind = getattr(exc, "kind", None)
    if kind is None:
        return None
    value = getattr(kind, "value", kind)  # enums or plain strings
    return str(value)


def message_for(exc: BaseException) -> str | None:
    """A clerk-facing sentence for a typed error; None when the error is unexpected."""
    kind = error_kind(exc)
    if kind is None:
        return None
    base = KIND_MESSAGES.get(kind)
    if base is None:
        # Neither ``str(exc)`` (English, for logs) nor the kind (a code) means anything to a
        # clerk: say what happened and what to do; the kind is in the log.
        log.warning("no message for error kind %r: %s", kind, exc)
        return QCoreApplication.translate(
            "Errors",
            "Không thực hiện được thao tác. Dữ liệu đã lưu không bị ảnh hưởng. Hãy thử lại; nếu vẫn "
            "không được, báo cán bộ CNTT (chi tiết đã ghi trong tệp nhật ký).",
        )
    return QCoreApplication.translate("Errors", base)


class ErrorReporter:
    """Turns exceptions into dialogs: typed ones explained, unexpected ones logged and apologised for."""

    def __init__(self, log_path: Path, *, show_dialogs: bool = True) -> None:
        self.log_path = log_path
        self.show_dialogs = show_dialogs
        #: Every message shown (tests read it instead of clicking dialogs).
        self.shown: list[str] = []
        self.dialog_hook: Callable[[str, str], None] | None = None
        #: Set once a fatal error was shown: later failures (work queued behind a store
        #: that never opened) are only logged, so the clerk sees one apology, not ten.
        self.silenced = False

    def report(self, exc: BaseException, *, parent: QWidget | None = None) -> str:
        """Show ``exc`` to the clerk; return the text shown."""
        if self.silenced:
            log.info("after a fatal error: %r", exc)
            return ""
        text = message_for(exc)
        if text is None:
            log.error(
                "unexpected error\n%s",
                "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
            )
            text = self.apology()
            title = QCoreApplication.translate("Errors", "Xin lỗi, đã có lỗi")
            icon = QMessageBox.Icon.Critical
        else:
            log.info("typed error %s: %s", error_kind(exc), exc)
            title = QCoreApplication.translate("Errors", "Không thực hiện được")
            icon = QMessageBox.Icon.Warning
        self._show(title, text, icon, parent)
        return text

    def apology(self) -> str:
        """The short apology naming the log file."""
        return QCoreApplication.translate(
            "Errors",
            "Xin lỗi, phần mềm gặp lỗi ngoài dự kiến. Dữ liệu đã lưu không bị ảnh hưởng.\n"
            "Chi tiết đã được ghi vào tệp nhật ký:\n{path}\n"
            "Hãy gửi tệp này cho cán bộ CNTT.",
        ).format(path=str(self.log_path))

    def _show(self, title: str, text: str, icon: QMessageBox.Icon, parent: QWidget | None) -> None:
        self.shown.append(text)
        if self.dialog_hook is not None:
            self.dialog_hook(title, text)
            return
        if not self.show_dialogs or QApplication.instance() is None:
            return
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
        box.exec()

    def install_excepthook(self) -> None:
        """Route uncaught exceptions (e.g. in a slot) to the log and an apology, never a crash."""

        def hook(
            etype: type[BaseException], value: BaseException, tb: TracebackType | None
        ) -> None:
            if issubclass(etype, KeyboardInterrupt):
                sys.__excepthook__(etype, value, tb)
                return
            try:
                self.report(value)
            except Exception:  # noqa: BLE001 - last resort, never raise from the hook
                log.exception("error while reporting an error")

        sys.excepthook = hook
