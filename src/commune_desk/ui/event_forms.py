"""What the clerk fills in for the steps the law writes down: form 04 and statutory extensions.

- :class:`ApologyDialog` (form 04, "Phiếu xin lỗi và hẹn lại ngày trả kết
  quả"): the reason, who caused the delay (a fixed list) and the new date,
  proposed by the office's calendar; the service refuses a date that is not a
  working moment after receipt.
- :class:`ExtensionDialog`: one of the longer periods the law allows for the
  procedure, each shown with its legal basis; the new date is computed, not
  typed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QDateTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QWidget,
)

from commune_desk.domain.dossier import ApologyFault
from commune_desk.ui.format import VN_TZ, format_datetime, local
from commune_desk.ui.slip_builders import fault_name


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
        QCoreApplication.translate("EventForms", "Huỷ")
    )
    buttons.rejected.connect(dialog.reject)
    return buttons


class ApologyDialog(QDialog):
    """Form 04: reason, who caused the delay, the new date (proposed by the calendar).

    Signals: the standard QDialog ones.
    """

    def __init__(self, detail: Any, proposal: datetime, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Xin lỗi, hẹn lại ngày trả kết quả (mẫu 04)"))
        form = QFormLayout(self)
        form.addRow(
            QLabel(self.tr("Ngày hẹn trước đây"), self),
            QLabel(format_datetime(detail.summary.appointment_at), self),
        )
        self.note = QPlainTextEdit(self)
        self.note.setObjectName("apologyReason")
        self.note.setMaximumHeight(90)
        form.addRow(QLabel(self.tr("Lý do chậm trả kết quả"), self), self.note)
        self.fault = QComboBox(self)
        self.fault.setObjectName("apologyFault")
        self.fault.addItem(self.tr("— chọn —"), "")
        for fault in ApologyFault:
            self.fault.addItem(fault_name(fault.value), fault.value)
        form.addRow(QLabel(self.tr("Nguyên nhân chậm trễ thuộc về"), self), self.fault)
        self.date_edit = QDateTimeEdit(QDateTime(local(proposal).replace(tzinfo=None)), self)
        self.date_edit.setObjectName("apologyDate")
        self.date_edit.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.date_edit.setCalendarPopup(True)
        form.addRow(QLabel(self.tr("Ngày hẹn mới (theo lịch làm việc)"), self), self.date_edit)
        self.error = QLabel("", self)
        self.error.setProperty("role", "error")
        form.addRow(self.error)
        buttons = _buttons(self, self.tr("Ghi nhận và in phiếu"))
        buttons.accepted.connect(self._accept)
        form.addRow(buttons)

    def _accept(self) -> None:
        if not self.note.toPlainText().strip():
            self.error.setText(self.tr("Cần ghi lý do: nội dung này được in trên phiếu."))
            return
        if not self.fault.currentData():
            self.error.setText(self.tr("Chọn cơ quan, bộ phận để xảy ra chậm trễ."))
            return
        self.accept()

    def new_date(self) -> datetime:
        """The new appointment, in office time, to the minute the clerk sees and the slip prints
        (the proposal carries the receipt's seconds, which no one can read or change here)."""
        chosen: datetime = self.date_edit.dateTime().toPython()  # type: ignore[assignment]
        return chosen.replace(second=0, microsecond=0, tzinfo=VN_TZ)

    def values(self) -> tuple[str, dict[str, Any]]:
        """(reason, event data) as ``record_event`` takes them."""
        return self.note.toPlainText().strip(), {
            "appointment_at": self.new_date().isoformat(),
            "fault": str(self.fault.currentData()),
        }


class ExtensionDialog(QDialog):
    """A statutory extension of the procedure, with its legal basis.

    Signals: the standard QDialog ones.
    """

    def __init__(self, extensions: tuple[Any, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Kéo dài thời hạn theo quy định"))
        form = QFormLayout(self)
        self.choice = QComboBox(self)
        self.choice.setObjectName("extensionChoice")
        for ext in extensions:
            self.choice.addItem(ext.name, ext.code)
        self.basis = QLabel(self)
        self.basis.setWordWrap(True)
        self.choice.currentIndexChanged.connect(lambda _i: self._show_basis(extensions))
        form.addRow(QLabel(self.tr("Trường hợp"), self), self.choice)
        form.addRow(QLabel(self.tr("Căn cứ"), self), self.basis)
        self.note = QPlainTextEdit(self)
        self.note.setMaximumHeight(70)
        form.addRow(QLabel(self.tr("Ghi chú"), self), self.note)
        buttons = _buttons(self, self.tr("Áp dụng"))
        buttons.accepted.connect(self.accept)
        form.addRow(buttons)
        self._show_basis(extensions)

    def _show_basis(self, extensions: tuple[Any, ...]) -> None:
        index = self.choice.currentIndex()
        if 0 <= index < len(extensions):
            self.basis.setText(extensions[index].legal_basis)

    def values(self) -> tuple[str, dict[str, Any]]:
        """(note, event data) as ``record_event`` takes them."""
        return self.note.toPlainText().strip(), {"extension": str(self.choice.currentData())}
