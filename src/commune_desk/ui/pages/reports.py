"""Báo cáo: monthly counts per procedure, on screen and exported to .xlsx and PDF."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from commune_desk.ui import api, slip_builders, slips
from commune_desk.ui.context import UiContext
from commune_desk.ui.ops import StoreOp
from commune_desk.ui.pages.incoming import today_vn
from commune_desk.ui.qt_compat import emit
from commune_desk.ui.widgets import hint_label, page_layout

translate = QCoreApplication.translate


def report_header() -> list[str]:
    """Column titles of the monthly report."""
    return [
        translate("ReportsPage", "Mã thủ tục"),
        translate("ReportsPage", "Thủ tục"),
        translate("ReportsPage", "Tiếp nhận"),
        translate("ReportsPage", "Giải quyết đúng hạn"),
        translate("ReportsPage", "Giải quyết quá hạn"),
        translate("ReportsPage", "Đã trả kết quả"),
        translate("ReportsPage", "Từ chối"),
    ]


def report_table(rows: list[Any]) -> list[list[Any]]:
    """Report rows as cells, with a totals line at the end."""
    table = [
        [
            r.procedure_code,
            r.procedure_name,
            r.received,
            r.finished_on_time,
            r.finished_late,
            r.returned,
            r.refused,
        ]
        for r in rows
    ]
    totals = [sum(int(row[i]) for row in table) for i in range(2, 7)]
    table.append(["", translate("ReportsPage", "Tổng cộng"), *totals])
    return table


def write_xlsx(path: Path, title: str, rows: list[Any], prepared_by: str = "") -> Path:
    """Save the report as an Excel workbook (openpyxl), naming who prepared it."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Bao cao"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    sheet.append(report_header())
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in report_table(rows):
        sheet.append(row)
    for column, width in zip("ABCDEFG", (16, 48, 12, 14, 14, 14, 10), strict=True):
        sheet.column_dimensions[column].width = width
    if prepared_by:
        sheet.append([])
        sheet.append([translate("ReportsPage", "Người lập báo cáo: {name}").format(name=prepared_by)])
    workbook.save(path)
    return path


class ReportsPage(QWidget):
    """The monthly report.

    Signals:
        report_loaded(object): the list of ReportRow shown.
    """

    report_loaded = Signal(object)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[Any] = []
        self.office: Any = None
        layout = page_layout(self, self.tr("Báo cáo tình hình giải quyết hồ sơ"))
        bar = QHBoxLayout()
        today = today_vn()
        self.month_spin = QSpinBox(self)
        self.month_spin.setRange(1, 12)
        self.month_spin.setValue(today.month)
        self.year_spin = QSpinBox(self)
        self.year_spin.setRange(2020, 2100)
        self.year_spin.setValue(today.year)
        self.show_button = QPushButton(self.tr("Xem báo cáo"), self)
        self.show_button.clicked.connect(self.load)
        self.xlsx_button = QPushButton(self.tr("Xuất Excel (.xlsx)…"), self)
        self.xlsx_button.clicked.connect(self.export_xlsx_dialog)
        self.pdf_button = QPushButton(self.tr("Xuất PDF…"), self)
        self.pdf_button.clicked.connect(self.export_pdf_dialog)
        bar.addWidget(QLabel(self.tr("Tháng"), self))
        bar.addWidget(self.month_spin)
        bar.addWidget(QLabel(self.tr("Năm"), self))
        bar.addWidget(self.year_spin)
        bar.addWidget(self.show_button)
        bar.addStretch(1)
        bar.addWidget(self.xlsx_button)
        bar.addWidget(self.pdf_button)
        layout.addLayout(bar)
        self.table = QTableWidget(0, 7, self)
        self.table.setObjectName("reportTable")
        self.table.setHorizontalHeaderLabels(report_header())
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table, 1)
        layout.addWidget(
            hint_label(
                self.tr("Số liệu tính theo tháng tiếp nhận, tháng có kết quả và tháng trả kết quả."),
                self,
            )
        )
        self.load()

    def title(self) -> str:
        """The report's heading for the chosen month."""
        return self.tr("Báo cáo tình hình giải quyết hồ sơ tháng {m}/{y}").format(
            m=self.month_spin.value(), y=self.year_spin.value()
        )

    def load(self) -> None:
        """Compute the report on the store thread."""
        year, month = self.year_spin.value(), self.month_spin.value()
        StoreOp(
            self.ctx,
            lambda s: (api.monthly_report(s, year, month), api.get_settings(s)),
            parent=self,
        ).success(self._show).run_in_background()

    def _show(self, result: tuple[list[Any], Any]) -> None:
        self.rows, self.office = result
        table = report_table(self.rows)
        self.table.setRowCount(len(table))
        for n, cells in enumerate(table):
            for column, value in enumerate(cells):
                item = QTableWidgetItem(str(value))
                if column >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if n == len(table) - 1:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(n, column, item)
        emit(self.report_loaded, self.rows)

    def export_xlsx(self, path: Path) -> None:
        """Write the shown report to ``path`` (in the background)."""
        title, rows, by = self.title(), list(self.rows), self.ctx.clerk
        StoreOp(self.ctx, lambda _s: write_xlsx(path, title, rows, by), parent=self).success(
            lambda _p: self._saved(path)
        ).run_in_background()

    def pdf_slip(self) -> slips.Slip:
        """The report as a printable A4 landscape table."""
        table = [[str(c) for c in row] for row in report_table(self.rows)]
        slip = slip_builders.register_slip(self.office, self.title(), report_header(), table)
        if not self.ctx.clerk:
            return slip
        return replace(slip, lines=((self.tr("Người lập báo cáo"), self.ctx.clerk),))

    def export_pdf(self, path: Path) -> None:
        """Write the shown report to ``path`` as PDF."""
        slips.write_pdf(self.pdf_slip(), path)
        self._saved(path)

    def _saved(self, path: Path) -> None:
        self.ctx.extras["last_export"] = path

    def export_xlsx_dialog(self) -> None:
        """Ask where to save the workbook."""
        name = f"bao-cao-{self.year_spin.value()}-{self.month_spin.value():02d}.xlsx"
        path, _f = QFileDialog.getSaveFileName(
            self, self.tr("Lưu báo cáo Excel"), str(Path.home() / name), "Excel (*.xlsx)"
        )
        if path:
            self.export_xlsx(Path(path))

    def export_pdf_dialog(self) -> None:
        """Ask where to save the PDF."""
        name = f"bao-cao-{self.year_spin.value()}-{self.month_spin.value():02d}.pdf"
        path, _f = QFileDialog.getSaveFileName(
            self, self.tr("Lưu báo cáo PDF"), str(Path.home() / name), "PDF (*.pdf)"
        )
        if path:
            self.export_pdf(Path(path))

    def on_shown(self) -> None:
        """Refresh when the page opens (numbers change during the day)."""
        self.load()
