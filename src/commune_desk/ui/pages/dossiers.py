"""Hồ sơ: the dossier list (lazy, searchable, filtered) beside the selected dossier's detail."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QWidget,
)

from commune_desk.domain.dossier import DossierStatus
from commune_desk.ui import api, slip_builders, slips
from commune_desk.ui.context import UiContext
from commune_desk.ui.dossier_detail import DossierDetailPanel
from commune_desk.ui.dossier_model import DossierTableModel
from commune_desk.ui.labels import status_name
from commune_desk.ui.ops import StoreOp
from commune_desk.ui.qt_compat import emit
from commune_desk.ui.widgets import Debouncer, hint_label, page_layout

if TYPE_CHECKING:
    from commune_desk.services.values import DossierQuery

SEARCH_DELAY_MS = 300


class DossiersPage(QWidget):
    """The dossier list and detail.

    Signals:
        dossier_selected(object): the DossierSummary now selected (or None).
    """

    dossier_selected = Signal(object)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = page_layout(self, self.tr("Hồ sơ"))
        filters = QHBoxLayout()
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("dossierSearch")
        self.search_edit.setPlaceholderText(
            self.tr("Tìm theo tên, số CCCD, điện thoại hoặc mã hồ sơ (gõ không dấu cũng được)")
        )
        self.search_edit.setClearButtonEnabled(True)
        self.status_combo = QComboBox(self)
        self.status_combo.addItem(self.tr("Mọi trạng thái"), None)
        for status in DossierStatus:
            self.status_combo.addItem(status_name(status), int(status))
        self.overdue_check = QCheckBox(self.tr("Quá hạn"), self)
        self.due_today_check = QCheckBox(self.tr("Đến hạn hôm nay"), self)
        self.mine_check = QCheckBox(self.tr("Tôi tiếp nhận"), self)
        self.log_book_button = QPushButton(self.tr("Sổ theo dõi (mẫu 07)…"), self)
        self.log_book_button.clicked.connect(self.print_log_book)
        filters.addWidget(self.search_edit, 1)
        for widget in (
            self.status_combo,
            self.overdue_check,
            self.due_today_check,
            self.mine_check,
            self.log_book_button,
        ):
            filters.addWidget(widget)
        layout.addLayout(filters)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(splitter)
        from PySide6.QtWidgets import QVBoxLayout

        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.model = DossierTableModel(ctx, self)
        self.table = QTableView(left)
        self.table.setObjectName("dossierTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((172, 140, 140, 112, 120, 112, 100, 120)):
            self.table.setColumnWidth(column, width)
        self.count_label = hint_label("", left)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.count_label)
        self.detail = DossierDetailPanel(ctx, splitter)
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([720, 470])
        layout.addWidget(splitter, 1)

        self._debounce = Debouncer(SEARCH_DELAY_MS, self.apply_filter, self)
        self.search_edit.textChanged.connect(lambda _t: self._debounce.poke())
        self.search_edit.returnPressed.connect(self._debounce.flush)
        # Keyboard first: Down from the search box goes to the list, F5 reloads it.
        down = QShortcut(QKeySequence(Qt.Key.Key_Down), self.search_edit)
        down.setContext(Qt.ShortcutContext.WidgetShortcut)
        down.activated.connect(self._focus_list)
        reload_key = QShortcut(QKeySequence(Qt.Key.Key_F5), self)
        reload_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        reload_key.activated.connect(self.apply_filter)
        self.status_combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        for check in (self.overdue_check, self.due_today_check, self.mine_check):
            check.toggled.connect(lambda _on: self.apply_filter())
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.model.count_known.connect(self._show_count)
        self.model.page_loaded.connect(self._on_page_loaded)
        ctx.events.store_changed.connect(self._on_store_changed)
        self._total: int | None = None
        self.model.reload()

    # -- filtering --------------------------------------------------------------------

    def _focus_list(self) -> None:
        self.table.setFocus()
        if self.table.currentIndex().row() < 0 and self.model.rowCount():
            self.table.selectRow(0)

    def current_query(self) -> DossierQuery:
        """The filters as chosen on screen."""
        from commune_desk.services.values import DossierQuery

        status = self.status_combo.currentData()
        return DossierQuery(
            statuses=(DossierStatus(status),) if status is not None else (),
            overdue=self.overdue_check.isChecked(),
            due_today=self.due_today_check.isChecked(),
            received_by=self.ctx.clerk if self.mine_check.isChecked() and self.ctx.clerk else None,
        )

    def apply_filter(self) -> None:
        """Reload the list with the current search text and filters (in the background)."""
        self._total = None
        self.model.set_filter(self.current_query(), self.search_edit.text())

    def _show_count(self, total: object) -> None:
        self._total = total if isinstance(total, int) else None
        self._on_page_loaded(self.model.rowCount())

    def _on_page_loaded(self, loaded: int) -> None:
        if self._total is not None:
            self.count_label.setText(
                self.tr("{total} hồ sơ (đã tải {loaded}) · dòng đỏ: quá hạn").format(
                    total=f"{self._total:,}".replace(",", "."), loaded=loaded
                )
            )
        else:
            self.count_label.setText(self.tr("{loaded} hồ sơ tìm thấy").format(loaded=loaded))
        if loaded and self.table.currentIndex().row() < 0 and self.search_edit.text().strip():
            self.table.selectRow(0)

    def _on_store_changed(self, changes: Any) -> None:
        entities: frozenset[str] = getattr(changes, "entities", frozenset())
        if "dossier" in entities:
            self.model.apply_changes(changes)

    def _on_current_changed(self, current: Any, _previous: Any) -> None:
        row = self.model.data(current, Qt.ItemDataRole.UserRole) if current.isValid() else None
        self.detail.show_dossier(row.id if row is not None else None)
        emit(self.dossier_selected, row)

    def on_shown(self) -> None:
        """Focus the search box when the page opens."""
        self.search_edit.setFocus()

    # -- log book ---------------------------------------------------------------------

    def print_log_book(self) -> None:
        """Ask for a date range and preview form 07 for it."""
        dialog = DateRangeDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        start, end = dialog.range()
        self.produce_log_book(start, end, preview=True)

    def produce_log_book(self, start: date, end: date, *, preview: bool) -> None:
        """Build form 07 on the store thread, then preview it (or keep it in ``last_slip``)."""
        StoreOp(self.ctx, lambda s: api.log_book(s, start, end), parent=self).success(
            lambda result: self._show_log_book(result, start, end, preview)
        ).run_in_background()

    def _show_log_book(self, result: Any, start: date, end: date, preview: bool) -> None:
        office, rows = result
        self.last_slip = slip_builders.log_book_slip(office, rows, start, end)
        if preview:
            slips.preview(self.last_slip, self)


class DateRangeDialog(QDialog):
    """Two dates, today by default.

    Signals: the standard QDialog ones.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Chọn khoảng ngày"))
        form = QFormLayout(self)
        today = QDate.currentDate()
        self.start_edit = QDateEdit(today.addDays(-today.day() + 1), self)
        self.end_edit = QDateEdit(today, self)
        for edit in (self.start_edit, self.end_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
        form.addRow(QLabel(self.tr("Từ ngày"), self), self.start_edit)
        form.addRow(QLabel(self.tr("Đến ngày"), self), self.end_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Đồng ý"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Huỷ"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def range(self) -> tuple[date, date]:
        """The chosen (start, end), inclusive."""
        start: date = self.start_edit.date().toPython()  # type: ignore[assignment]
        end: date = self.end_edit.date().toPython()  # type: ignore[assignment]
        return start, end
