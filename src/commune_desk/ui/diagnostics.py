"""Chẩn đoán: the support checks on screen, in plain Vietnamese, with what to do for each.

The checks are those of the support archive (``commune_desk.support.report``),
run on the store thread; their sentences come from the message catalogue
(``commune_desk.messages``, keys ``support.…``) through Qt's translation.
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

from commune_desk.messages import CONTEXT, source_text
from commune_desk.ui.context import UiContext
from commune_desk.ui.ops import StoreOp
from commune_desk.ui.qt_compat import emit
from commune_desk.ui.widgets import hint_label

#: Colour of each status.
COLOURS = {"ok": "#2e7d32", "info": "#1565c0", "warn": "#ef6c00", "fail": "#b00020"}


def _tr(key: str, params: dict[str, Any] | None = None) -> str:
    """The catalogue's sentence for ``key`` in the interface language ("" when absent)."""
    from commune_desk.support.messages import fill

    source = source_text(key)
    if source is None:
        return ""
    return fill(QCoreApplication.translate(CONTEXT, source), params or {})


def check_texts(check: Any) -> tuple[str, str, str]:
    """(title, what was found, what to do) of a check, in the interface language."""
    from commune_desk.support.messages import advice_key, found_key

    return (
        _tr(f"support.title.{check.key}") or check.key,
        _tr(found_key(check.outcome), check.params) or check.outcome,
        _tr(advice_key(check.outcome), check.params),
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
        layout.addWidget(
            hint_label(
                self.tr(
                    "Phần mềm tự kiểm tra dữ liệu, đồng bộ, đồng hồ, ổ đĩa và sao lưu. Mục màu "
                    "cam hoặc đỏ có hướng dẫn cách xử lý ngay bên dưới."
                ),
                self,
            )
        )
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
            self.show_report
        ).finally_(lambda: self.again_button.setEnabled(True)).run_in_background()

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
        colour = COLOURS.get(check.status, COLOURS["info"])
        word = _tr(f"support.status.{check.status}") or check.status
        title, found, advice = check_texts(check)
        row = QLabel(self.rows_widget)
        row.setObjectName(f"check_{check.key}")
        row.setWordWrap(True)
        row.setTextFormat(Qt.TextFormat.RichText)
        html = (
            f'<span style="color:{colour}">●</span> <b>{title}</b> — '
            f'<span style="color:{colour}">{word}</span>'
            f"<br>{found}"
        )
        if advice:
            html += f"<br><i>{self.tr('Cách xử lý:')}</i> {advice}"
        row.setText(html)
        row.setStyleSheet("padding: 6px; border-bottom: 1px solid #dddddd;")
        return row

    def save_dialog(self) -> None:
        """Ask for a folder (a USB stick, the desktop) and write the support archive there."""
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Chọn nơi lưu thông tin hỗ trợ"), str(Path.home())
        )
        if folder:
            self.save(folder)

    def save(self, folder: str) -> None:
        """Write the archive into ``folder`` (store thread) and say where it is."""
        self.status.setText(self.tr("Đang tạo tệp hỗ trợ…"))
        app_context = self.ctx.app_context
        StoreOp(self.ctx, lambda s: write_archive(s, app_context, folder), parent=self).success(
            self._saved
        ).run_in_background()

    def _saved(self, path: Path) -> None:
        self.ctx.extras["last_support_zip"] = path
        self.status.setText(
            self.tr(
                "Đã lưu {path}. Tệp không chứa thông tin cá nhân của người "
                "dân; có thể gửi cho đường dây nóng."
            ).format(path=str(path))
        )
