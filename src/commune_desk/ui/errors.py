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

from commune_desk.store.errors import store_error_kind
from commune_desk.ui.i18n import QT_TRANSLATE_NOOP

log = logging.getLogger("commune_desk.ui")

LOG_FILE_NAME = "commune-desk.log"


#: Messages for error kinds raised by domain/, services/ and sync/.
#: Unknown kinds get a generic sentence naming the kind (see ``message_for``).
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
        "Errors",
        "Tệp này không phải bản sao lưu hợp lệ của CommuneDesk. Dữ liệu hiện tại không bị thay đổi.",
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
        "Errors",
        "Ổ đĩa chứa {path} đã đầy. Dữ liệu đã lưu không bị mất: hãy giải phóng dung lượng (xoá "
        "tệp không cần, chuyển bản sao lưu cũ sang ổ khác) rồi thử lại.",
    ),
    # -- the data folder and its store (services/data_folder.py) --------------------------
    "store_in_use": QT_TRANSLATE_NOOP(
        "Errors",
        "Dữ liệu tại {path} đang được một cửa sổ hay lệnh CommuneDesk khác sử dụng ({holder}). "
        "Hãy dùng cửa sổ CommuneDesk đang mở, hoặc đóng nó (đợi lệnh kia chạy xong) rồi mở lại.",
    ),
    "store_missing": QT_TRANSLATE_NOOP(
        "Errors",
        "Không tìm thấy dữ liệu tại {path}, dù nơi này đã từng có dữ liệu (USB bị rút, ổ đĩa "
        "chưa cắm, hoặc tệp bị xoá). Phần mềm dừng lại, không tạo dữ liệu trống mới, để không "
        "cấp lại những mã hồ sơ đã in. Nếu dữ liệu ở trên USB hay ổ đĩa khác, hãy cắm lại rồi mở "
        "lại phần mềm.",
    ),
    "store_empty": QT_TRANSLATE_NOOP(
        "Errors",
        "Tệp dữ liệu {path} bị rỗng (có thể do mất điện hoặc ổ đĩa lỗi). Phần mềm dừng lại, "
        "không tạo dữ liệu trống mới, để không cấp lại những mã hồ sơ đã in.",
    ),
    "store_unreadable": QT_TRANSLATE_NOOP(
        "Errors",
        "Tệp dữ liệu {path} bị hỏng, không đọc được. Phần mềm dừng lại để không ghi đè lên nó.",
    ),
    "store_damaged": QT_TRANSLATE_NOOP(
        "Errors",
        "Dữ liệu tại {path} bị hỏng một phần (kiểm tra toàn vẹn phát hiện lỗi). Hãy ngừng nhập "
        "hồ sơ mới và gọi cán bộ CNTT.",
    ),
    "store_newer_version": QT_TRANSLATE_NOOP(
        "Errors",
        "Dữ liệu tại {path} do phiên bản CommuneDesk mới hơn tạo ra (phiên bản dữ liệu "
        "{revision}). Dữ liệu KHÔNG bị hỏng: hãy cài phiên bản phần mềm mới nhất, đừng khôi "
        "phục bản sao lưu.",
    ),
    "folder_not_writable": QT_TRANSLATE_NOOP(
        "Errors",
        "Không ghi được vào {path} (thư mục chỉ đọc, USB đang gạt khoá chống ghi, hoặc không có "
        "quyền). Dữ liệu KHÔNG bị hỏng: hãy kiểm tra quyền ghi hoặc khoá USB rồi thử lại.",
    ),
    "store_busy": QT_TRANSLATE_NOOP(
        "Errors",
        "Dữ liệu đang bị một chương trình khác giữ quá lâu (hơn 10 giây). Không có gì bị mất: "
        "hãy đợi một lát rồi thử lại; nếu vẫn lỗi, hãy đóng các cửa sổ CommuneDesk khác hoặc "
        "khởi động lại máy.",
    ),
    "store_io_error": QT_TRANSLATE_NOOP(
        "Errors",
        "Không đọc, ghi được ổ đĩa chứa {path} (USB bị rút hoặc ổ đĩa lỗi). Hãy cắm lại USB hoặc "
        "kiểm tra ổ đĩa, rồi mở lại phần mềm.",
    ),
    "recover_with_backup": QT_TRANSLATE_NOOP(
        "Errors",
        "Cán bộ CNTT có thể khôi phục bản sao lưu tốt gần nhất: {backup}",
    ),
    "recover_without_backup": QT_TRANSLATE_NOOP(
        "Errors",
        "Không tìm thấy bản sao lưu nào trên máy này: hãy gọi cán bộ CNTT tìm bản sao lưu (ví dụ "
        "trên USB sao lưu).",
    ),
    "backup_corrupt": QT_TRANSLATE_NOOP(
        "Errors",
        "Tệp sao lưu bị hỏng (nội dung không khớp mã kiểm tra). Dữ liệu hiện tại không bị thay "
        "đổi; hãy dùng một bản sao lưu khác.",
    ),
    "backup_unsafe_path": QT_TRANSLATE_NOOP(
        "Errors",
        "Tệp sao lưu chứa đường dẫn ghi ra ngoài thư mục dữ liệu nên bị từ chối. Dữ liệu hiện "
        "tại không bị thay đổi.",
    ),
    "backup_newer_version": QT_TRANSLATE_NOOP(
        "Errors",
        "Bản sao lưu do phiên bản CommuneDesk mới hơn tạo ra; hãy cài phiên bản mới nhất rồi "
        "khôi phục. Dữ liệu hiện tại không bị thay đổi.",
    ),
    "backup_not_found": QT_TRANSLATE_NOOP(
        "Errors", "Không tìm thấy tệp sao lưu {detail}."
    ),
    "invalid_keep": QT_TRANSLATE_NOOP(
        "Errors", "Số bản sao lưu giữ lại phải từ 1 trở lên."
    ),
    "demo_store": QT_TRANSLATE_NOOP(
        "Errors",
        "Đây là kho dữ liệu mẫu: không bao giờ đăng nhập hay đồng bộ với máy chủ. Hãy dùng thư "
        "mục dữ liệu thật.",
    ),
    "demo_refused": QT_TRANSLATE_NOOP(
        "Errors",
        "Thư mục dữ liệu này đang có dữ liệu thật hoặc đã đăng nhập máy chủ: không tạo dữ liệu "
        "mẫu ở đây.",
    ),
}

#: Kinds whose message is followed by how to recover (plug the stick back, or the backup).
RECOVERABLE_KINDS = frozenset({"store_missing", "store_empty", "store_unreadable", "store_damaged"})


class _Params(dict):  # type: ignore[type-arg]
    """Message parameters; a missing one reads naturally rather than failing."""

    def __missing__(self, key: str) -> str:
        if key == "path":
            return QCoreApplication.translate("Errors", "thư mục dữ liệu")
        return "?"


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
    """The machine-readable kind of a typed error, or of a raw SQLite/OS error that says
    something the clerk can act on (full disk, read-only folder...); None otherwise."""
    kind = getattr(exc, "kind", None)
    if kind is None:
        return store_error_kind(exc)
    value = getattr(kind, "value", kind)  # enums or plain strings
    return str(value)


def message_for(exc: BaseException) -> str | None:
    """A clerk-facing sentence for a typed error; None when the error is unexpected."""
    kind = error_kind(exc)
    if kind is None:
        return None
    base = KIND_MESSAGES.get(kind)
    if base is None:
        # ``str(exc)`` is an English sentence meant for logs; name the kind instead.
        return QCoreApplication.translate("Errors", "Không thực hiện được thao tác ({kind}).").format(
            kind=kind
        )
    raw = getattr(exc, "params", None)
    params = _Params({k: v for k, v in raw.items() if v is not None} if isinstance(raw, dict) else {})
    text = QCoreApplication.translate("Errors", base).format_map(params)
    if kind in RECOVERABLE_KINDS and isinstance(raw, dict) and "backup" in raw:
        recovery = "recover_with_backup" if params.get("backup") else "recover_without_backup"
        text += " " + QCoreApplication.translate("Errors", KIND_MESSAGES[recovery]).format_map(params)
    return text


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
