"""The "Cán bộ, hỗ trợ" group of the settings page: accounts and rules, diagnostics, support zip."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QGroupBox, QPushButton, QWidget

from commune_desk.ui.context import UiContext
from commune_desk.ui.diagnostics import DiagnosticsDialog
from commune_desk.ui.staff_dialog import StaffDialog
from commune_desk.ui.widgets import hint_label


class StaffSupportBox(QGroupBox):
    """Buttons to the staff dialog, the diagnostics panel and the support archive.

    Signals: none of its own.
    """

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Cán bộ, hỗ trợ kỹ thuật"), parent)
        self.ctx = ctx
        self.dialog: QWidget | None = None
        grid = QGridLayout(self)
        self.staff_button = QPushButton(self.tr("Cán bộ và phân quyền…"), self)
        self.staff_button.setObjectName("staffButton")
        self.staff_button.clicked.connect(self.open_staff)
        self.diagnostics_button = QPushButton(self.tr("Chẩn đoán…"), self)
        self.diagnostics_button.setObjectName("diagnosticsButton")
        self.diagnostics_button.clicked.connect(self.open_diagnostics)
        self.support_button = QPushButton(self.tr("Thông tin hỗ trợ…"), self)
        self.support_button.setObjectName("supportButton")
        self.support_button.setToolTip(
            self.tr(
                "Tạo một tệp .zip gửi đường dây nóng: phiên bản, kiểm tra dữ liệu, đồng bộ, "
                "đồng hồ, ổ đĩa, sao lưu, nhật ký — không có thông tin cá nhân của người dân."
            )
        )
        self.support_button.clicked.connect(self.save_support)
        grid.addWidget(self.staff_button, 0, 0)
        grid.addWidget(self.diagnostics_button, 0, 1)
        grid.addWidget(self.support_button, 0, 2)
        grid.addWidget(
            hint_label(
                self.tr("Khi gọi đường dây nóng, bấm “Thông tin hỗ trợ…” và gửi tệp .zip tạo ra."), self
            ),
            1,
            0,
            1,
            3,
        )

    def open_staff(self) -> StaffDialog:
        """Show the accounts and role rules."""
        dialog = StaffDialog(self.ctx, self)
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_diagnostics(self) -> DiagnosticsDialog:
        """Show the checks, run now."""
        dialog = DiagnosticsDialog(self.ctx, self)
        self.dialog = dialog
        dialog.open()
        dialog.run()
        return dialog

    def save_support(self) -> None:
        """Run the checks and save the support archive where the person chooses."""
        dialog = DiagnosticsDialog(self.ctx, self)
        self.dialog = dialog
        dialog.open()
        dialog.run()
        dialog.save_dialog()
