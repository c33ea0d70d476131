"""Chẩn đoán: the support checks on screen, in plain Vietnamese, with what to do for each.

The checks are those of the support archive (``commune_desk.support.report``),
run on the store thread. The sentences are the same Vietnamese as
``commune_desk.support.messages`` (a test keeps them in step), marked here so
they are translated like every other interface text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from commune_desk.ui.context import UiContext
from commune_desk.ui.i18n import QT_TRANSLATE_NOOP
from commune_desk.ui.ops import StoreOp
from commune_desk.ui.qt_compat import emit
from commune_desk.ui.widgets import hint_label

_CTX = "Support"

TITLES: dict[str, str] = {
    "versions": QT_TRANSLATE_NOOP("Support", "Phiên bản"),
    "database": QT_TRANSLATE_NOOP("Support", "Kiểm tra dữ liệu"),
    "sync": QT_TRANSLATE_NOOP("Support", "Đồng bộ với máy chủ"),
    "clock": QT_TRANSLATE_NOOP("Support", "Đồng hồ máy tính"),
    "disk": QT_TRANSLATE_NOOP("Support", "Dung lượng ổ đĩa"),
    "backup": QT_TRANSLATE_NOOP("Support", "Sao lưu"),
    "log": QT_TRANSLATE_NOOP("Support", "Nhật ký lỗi"),
}

MESSAGES: dict[str, tuple[str, str]] = {
    "versions.info": (
        QT_TRANSLATE_NOOP("Support", "CommuneDesk {app}, lược đồ dữ liệu {schema}, Python {python}, "
                                     "SQLite {sqlite}, {system}."),
        "",
    ),
    "database.ok": (QT_TRANSLATE_NOOP("Support", "Dữ liệu không có lỗi ({checked} mục đã kiểm tra)."), ""),
    "database.fail": (
        QT_TRANSLATE_NOOP("Support", "Phát hiện {problems} lỗi trong dữ liệu."),
        QT_TRANSLATE_NOOP("Support", "Đóng phần mềm rồi kiểm tra lại. Nếu vẫn lỗi, gửi tệp hỗ trợ "
                                     "cho đường dây nóng; có thể phải khôi phục bản sao lưu gần nhất."),
    ),
    "database.error": (
        QT_TRANSLATE_NOOP("Support", "Không kiểm tra được dữ liệu."),
        QT_TRANSLATE_NOOP("Support", "Đóng phần mềm, mở lại rồi thử lần nữa; nếu vẫn không được, "
                                     "gọi đường dây nóng."),
    ),
    "sync.local": (
        QT_TRANSLATE_NOOP("Support", "Máy này chưa đăng nhập máy chủ thành phố: dữ liệu chỉ lưu "
                                     "trên máy."),
        QT_TRANSLATE_NOOP("Support", "Nếu đơn vị dùng máy chủ thành phố, nhờ cán bộ CNTT đăng nhập "
                                     "máy một lần khi có mạng."),
    ),
    "sync.ok": (QT_TRANSLATE_NOOP("Support", "Đồng bộ tốt: lần cuối {last}; chờ gửi {pending} thay "
                                             "đổi."), ""),
    "sync.never": (
        QT_TRANSLATE_NOOP("Support", "Máy đã đăng nhập nhưng chưa đồng bộ được lần nào; chờ gửi "
                                     "{pending} thay đổi."),
        QT_TRANSLATE_NOOP("Support", "Kiểm tra mạng và địa chỉ máy chủ. Dữ liệu vẫn được lưu an "
                                     "toàn trên máy."),
    ),
    "sync.late": (
        QT_TRANSLATE_NOOP("Support", "Chưa đồng bộ được từ {last}; chờ gửi {pending} thay đổi (lỗi "
                                     "gần nhất: {error})."),
        QT_TRANSLATE_NOOP("Support", "Kiểm tra mạng và địa chỉ máy chủ. Dữ liệu vẫn được lưu an "
                                     "toàn trên máy; phần mềm tự gửi lại khi có mạng."),
    ),
    "sync.stopped": (
        QT_TRANSLATE_NOOP("Support", "Đồng bộ đã dừng ({error})."),
        QT_TRANSLATE_NOOP("Support", "Máy cần được đăng nhập lại với máy chủ (commune-desk login) "
                                     "hoặc đã bị thu hồi: liên hệ cán bộ CNTT."),
    ),
    "sync.attention": (
        QT_TRANSLATE_NOOP("Support", "Có {quarantined} thay đổi bị máy chủ từ chối và {conflicts} "
                                     "xung đột đang chờ."),
        QT_TRANSLATE_NOOP("Support", "Lãnh đạo mở trang Đồng bộ để xử lý từng mục."),
    ),
    "clock.ok": (QT_TRANSLATE_NOOP("Support", "Đồng hồ máy chỉ lệch {seconds} giây so với máy "
                                              "chủ."), ""),
    "clock.unknown": (QT_TRANSLATE_NOOP("Support", "Chưa so được giờ với máy chủ."), ""),
    "clock.warn": (
        QT_TRANSLATE_NOOP("Support", "Đồng hồ máy tính lệch {minutes} phút so với máy chủ."),
        QT_TRANSLATE_NOOP("Support", "Chỉnh lại ngày giờ của Windows (bật tự động đặt giờ): giờ "
                                     "sai làm sai ngày hẹn trả."),
    ),
    "disk.ok": (QT_TRANSLATE_NOOP("Support", "Ổ chứa dữ liệu còn trống {free}."), ""),
    "disk.warn": (
        QT_TRANSLATE_NOOP("Support", "Ổ chứa dữ liệu chỉ còn trống {free}."),
        QT_TRANSLATE_NOOP("Support", "Xoá bớt tệp không cần thiết, hoặc chuyển thư mục sao lưu "
                                     "sang ổ khác."),
    ),
    "disk.fail": (
        QT_TRANSLATE_NOOP("Support", "Ổ chứa dữ liệu gần đầy: chỉ còn {free}."),
        QT_TRANSLATE_NOOP("Support", "Giải phóng dung lượng ngay: khi ổ đầy, phần mềm không lưu "
                                     "được hồ sơ mới."),
    ),
    "backup.ok": (QT_TRANSLATE_NOOP("Support", "Bản sao lưu gần nhất: {when} ({count} bản trong "
                                               "thư mục sao lưu)."), ""),
    "backup.old": (
        QT_TRANSLATE_NOOP("Support", "Bản sao lưu gần nhất đã cũ: {when}."),
        QT_TRANSLATE_NOOP("Support", "Sao lưu ngay (commune-desk backup) và chép một bản ra USB mỗi "
                                     "tuần."),
    ),
    "backup.none": (
        QT_TRANSLATE_NOOP("Support", "Chưa có bản sao lưu nào trong {folder}."),
        QT_TRANSLATE_NOOP("Support", "Sao lưu ngay (commune-desk backup) và chép một bản ra USB mỗi "
                                     "tuần."),
    ),
    "log.ok": (QT_TRANSLATE_NOOP("Support", "Nhật ký gần đây ({lines} dòng) không có lỗi."), ""),
    "log.none": (QT_TRANSLATE_NOOP("Support", "Chưa có tệp nhật ký."), ""),
    "log.warn": (
        QT_TRANSLATE_NOOP("Support", "Nhật ký gần đây có {errors} lỗi."),
        QT_TRANSLATE_NOOP("Support", "Gửi tệp hỗ trợ cho đường dây nóng để được xem chi tiết."),
    ),
}

#: Colour and word of each status.
STATUSES: dict[str, tuple[str, str]] = {
    "ok": ("#2e7d32", QT_TRANSLATE_NOOP("Support", "Tốt")),
    "info": ("#1565c0", QT_TRANSLATE_NOOP("Support", "Thông tin")),
    "warn": ("#ef6c00", QT_TRANSLATE_NOOP("Support", "Cần chú ý")),
    "fail": ("#b00020", QT_TRANSLATE_NOOP("Support", "Có lỗi")),
}


def check_texts(check: Any) -> tuple[str, str, str]:
    """(title, what was found, what to do) of a check, in the interface language."""

    class _Params(dict[str, Any]):
        def __missing__(self, key: str) -> str:
            return "?"

    translate = QCoreApplication.translate
    found, advice = MESSAGES.get(check.outcome, (check.outcome, ""))
    params = _Params(check.params)
    return (
        translate(_CTX, TITLES.get(check.key, check.key)),
        translate(_CTX, found).format_map(params) if found else "",
        translate(_CTX, advice).format_map(params) if advice else "",
    )


def run_checks(services: Any, app_context: Any) -> Any:
    """Store thread: every support check (without re-hashing attachments: it is for the screen)."""
    from commune_desk.support.report import collect

    del services
    return collect(app_context, verify_blobs=False)


def write_archive(services: Any, app_context: Any, folder: str) -> Path:
    """Store thread: run the checks and write the scrubbed support archive into ``folder``."""
    from commune_desk.support.bundle import write_support_zip

    del services
    return write_support_zip(app_context, Path(folder))


class DiagnosticsDialog(QDialog):
    """The checks, one row each: a coloured status, what was found, what to do.

    Signals:
        checked(object): the SupportReport shown.
    """

    checked = Signal(object)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.report: Any = None
        self.setWindowTitle(self.tr("Chẩn đoán"))
        self.resize(760, 560)
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label(
            self.tr("Phần mềm tự kiểm tra dữ liệu, đồng bộ, đồng hồ, ổ đĩa và sao lưu. Mục màu "
                    "cam hoặc đỏ có hướng dẫn cách xử lý ngay bên dưới."), self))
        self.rows_widget = QWidget(self)
        self.rows = QVBoxLayout(self.rows_widget)
        self.rows.setAlignment(Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.rows_widget)
        layout.addWidget(scroll, 1)
        self.status = hint_label("", self)
        layout.addWidget(self.status)
        buttons = QHBoxLayout()
        self.again_button = QPushButton(self.tr("Kiểm tra lại"), self)
        self.again_button.clicked.connect(self.run)
        self.save_button = QPushButton(self.tr("Lưu thông tin hỗ trợ…"), self)
        self.save_button.clicked.connect(self.save_dialog)
        close = QPushButton(self.tr("Đóng"), self)
        close.clicked.connect(self.accept)
        buttons.addWidget(self.again_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)

    def run(self) -> None:
        """Run the checks on the store thread."""
        self.status.setText(self.tr("Đang kiểm tra…"))
        self.again_button.setEnabled(False)
        app_context = self.ctx.app_context
        StoreOp(self.ctx, lambda s: run_checks(s, app_context), parent=self).success(
            self.show_report).finally_(lambda: self.again_button.setEnabled(True)
        ).run_in_background()

    def show_report(self, report: Any) -> None:
        """One row per check."""
        self.report = report
        while self.rows.count():
            item = self.rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for check in report.checks:
            self.rows.addWidget(self._row(check))
        self.status.setText(self.tr("Kiểm tra xong."))
        emit(self.checked, report)

    def _row(self, check: Any) -> QWidget:
        colour, word = STATUSES.get(check.status, STATUSES["info"])
        title, found, advice = check_texts(check)
        row = QLabel(self.rows_widget)
        row.setObjectName(f"check_{check.key}")
        row.setWordWrap(True)
        row.setTextFormat(Qt.TextFormat.RichText)
        html = (f'<span style="color:{colour}">●</span> <b>{title}</b> — '
                f'<span style="color:{colour}">{QCoreApplication.translate(_CTX, word)}</span>'
                f"<br>{found}")
        if advice:
            html += f'<br><i>{self.tr("Cách xử lý:")}</i> {advice}'
        row.setText(html)
        row.setStyleSheet("padding: 6px; border-bottom: 1px solid #dddddd;")
        return row

    def save_dialog(self) -> None:
        """Ask for a folder (a USB stick, the desktop) and write the support archive there."""
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Chọn nơi lưu thông tin hỗ trợ"), str(Path.home()))
        if folder:
            self.save(folder)

    def save(self, folder: str) -> None:
        """Write the archive into ``folder`` (store thread) and say where it is."""
        self.status.setText(self.tr("Đang tạo tệp hỗ trợ…"))
        app_context = self.ctx.app_context
        StoreOp(self.ctx, lambda s: write_archive(s, app_context, folder), parent=self).success(
            self._saved).run_in_background()

    def _saved(self, path: Path) -> None:
        self.ctx.extras["last_support_zip"] = path
        self.status.setText(self.tr("Đã lưu {path}. Tệp không chứa thông tin cá nhân của người "
                                    "dân; có thể gửi cho đường dây nóng.").format(path=str(path)))
