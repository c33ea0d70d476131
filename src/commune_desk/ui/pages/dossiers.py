"""Hồ sơ: the dossier list (lazy, searchable, filtered) beside the selected dossier's detail.

The detail always belongs to a row the clerk can see: when a new filter or
search is applied the panel empties and is disabled, and it comes back only
if the dossier is among the new rows. A search that finds exactly one dossier
(a code, a CCCD) shows it at once. The clerk chooses the columns (kept in
``settings.json``); the code and the due time are never cut at 1366 px.
"""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
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
    QMenu,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from commune_desk.domain.dossier import DossierStatus
from commune_desk.ui import api, slip_builders, slips
from commune_desk.ui.context import UiContext
from commune_desk.ui.dossier_detail import DossierDetailPanel
from commune_desk.ui.dossier_model import COLUMN_DEFS, COLUMN_KEYS, DEFAULT_COLUMNS, DossierTableModel
from commune_desk.ui.labels import status_name
from commune_desk.ui.ops import StoreOp
from commune_desk.ui.qt_compat import emit
from commune_desk.ui.widgets import Debouncer, action_button, hint_label, page_layout

if TYPE_CHECKING:
    from commune_desk.services.values import DossierQuery

SEARCH_DELAY_MS = 300
#: Samples measured with the table's font to size the columns that must never be cut.
_CODE_SAMPLE = "000.00.00.H56-888888-8888"
_DATETIME_SAMPLE = "88/88/8888 88:88"
#: Widths (px) of the other columns when shown; "procedure" takes the space left.
_WIDTHS = {"applicant": 150, "procedure": 150, "status": 120, "received": 128, "id_number": 110, "clerk": 120}


class DossiersPage(QWidget):
    """The dossier list and detail.

    Signals:
        dossier_selected(object): the DossierSummary now selected (or None).
    """

    dossier_selected = Signal(object)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.last_slip: slips.Slip | None = None
        self._total: int | None = None
        self._follow: str | None = None
        layout = page_layout(self, self.tr("Hồ sơ"))
        layout.addLayout(self._build_filters())

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(splitter)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.model = DossierTableModel(ctx, self)
        self.table = self._build_table(left)
        self.count_label = hint_label("", left)
        self.count_label.setObjectName("dossierCount")
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.count_label)
        self.detail = DossierDetailPanel(ctx, splitter)
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([self._list_width(), 420])
        layout.addWidget(splitter, 1)
        self._connect()
        self.apply_columns(self._stored_columns())
        self.model.reload()

    # -- building -----------------------------------------------------------------------

    def _build_filters(self) -> QHBoxLayout:
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
        self.columns_button = QToolButton(self)
        self.columns_button.setObjectName("columnsButton")
        self.columns_button.setText(self.tr("Cột…"))
        self.columns_button.setToolTip(self.tr("Chọn các cột hiển thị trong danh sách"))
        self.columns_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.columns_menu = QMenu(self.columns_button)
        self.columns_button.setMenu(self.columns_menu)
        self.columns_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.log_book_button = action_button(self.tr("Sổ theo dõi (mẫu 07)…"), self)
        self.log_book_button.clicked.connect(self.print_log_book)
        filters.addWidget(self.search_edit, 1)
        for widget in (
            self.status_combo,
            self.overdue_check,
            self.due_today_check,
            self.mine_check,
            self.columns_button,
            self.log_book_button,
        ):
            filters.addWidget(widget)
        return filters

    def _build_table(self, parent: QWidget) -> QTableView:
        table = QTableView(parent)
        table.setObjectName("dossierTable")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setTabKeyNavigation(False)  # Tab goes on to the detail's actions
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(24)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        metrics = table.fontMetrics()
        widths = dict(_WIDTHS)
        widths["code"] = metrics.horizontalAdvance(_CODE_SAMPLE) + 20
        widths["appointment"] = metrics.horizontalAdvance(_DATETIME_SAMPLE) + 20
        for column, key in enumerate(COLUMN_KEYS):
            table.setColumnWidth(column, widths[key])
        header.setSectionResizeMode(COLUMN_KEYS.index("code"), QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(COLUMN_KEYS.index("procedure"), QHeaderView.ResizeMode.Stretch)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        return table

    def _list_width(self) -> int:
        """Width the default columns need (the detail takes the rest)."""
        shown = sum(self.table.columnWidth(COLUMN_KEYS.index(k)) for k in DEFAULT_COLUMNS)
        return shown + self.table.verticalScrollBar().sizeHint().width() + 8

    def _connect(self) -> None:
        self._debounce = Debouncer(SEARCH_DELAY_MS, self.apply_filter, self)
        self.search_edit.textChanged.connect(lambda _t: self._debounce.poke())
        self.search_edit.returnPressed.connect(self._debounce.flush)
        # Keyboard first: Down from the search box goes to the list, F5 reloads it,
        # Enter on a row goes to the first action of its detail.
        down = QShortcut(QKeySequence(Qt.Key.Key_Down), self.search_edit)
        down.setContext(Qt.ShortcutContext.WidgetShortcut)
        down.activated.connect(self._focus_list)
        reload_key = QShortcut(QKeySequence(Qt.Key.Key_F5), self)
        reload_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        reload_key.activated.connect(self.apply_filter)
        self.table.activated.connect(lambda _index: self.detail.focus_actions())
        self.status_combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        for check in (self.overdue_check, self.due_today_check, self.mine_check):
            check.toggled.connect(lambda _on: self.apply_filter())
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.model.modelReset.connect(self._on_model_reset)
        self.model.count_known.connect(self._show_count)
        self.model.page_loaded.connect(self._on_page_loaded)
        self.detail.actions_changed.connect(self._chain_focus)
        self.ctx.events.store_changed.connect(self._on_store_changed)

    # -- columns ------------------------------------------------------------------------

    def _stored_columns(self) -> tuple[str, ...]:
        ui = self.ctx.extras.get("ui_settings")
        stored = [k for k in (ui.dossier_columns if ui is not None else []) if k in COLUMN_KEYS]
        return tuple(stored) if stored else DEFAULT_COLUMNS

    def visible_columns(self) -> tuple[str, ...]:
        """Keys of the columns shown now, in column order."""
        return tuple(k for n, k in enumerate(COLUMN_KEYS) if not self.table.isColumnHidden(n))

    def apply_columns(self, keys: tuple[str, ...] | list[str]) -> None:
        """Show exactly the columns ``keys`` (the code always) and rebuild the chooser."""
        wanted = set(keys) | {"code"}
        for n, key in enumerate(COLUMN_KEYS):
            self.table.setColumnHidden(n, key not in wanted)
        self.columns_menu.clear()
        for n, (key, _title) in enumerate(COLUMN_DEFS):
            action = QAction(str(self.model.headerData(n, Qt.Orientation.Horizontal)), self.columns_menu)
            action.setCheckable(True)
            action.setChecked(key in wanted)
            action.setEnabled(key != "code")  # the code is what the clerk reads aloud
            action.setData(key)
            action.toggled.connect(lambda on, k=key: self.set_column_visible(k, on))
            self.columns_menu.addAction(action)

    def set_column_visible(self, key: str, visible: bool) -> None:
        """Show or hide one column and remember the choice for next time."""
        keys = set(self.visible_columns())
        keys = keys | {key} if visible else keys - {key}
        self.table.setColumnHidden(COLUMN_KEYS.index(key), key not in keys and key != "code")
        for action in self.columns_menu.actions():
            if action.data() == key and action.isChecked() != visible:
                action.setChecked(visible)
        ui = self.ctx.extras.get("ui_settings")
        if ui is not None:
            ui.dossier_columns = list(self.visible_columns())
            ui.save()

    def _header_menu(self, pos: QPoint) -> None:
        self.columns_menu.popup(self.table.horizontalHeader().mapToGlobal(pos))

    # -- filtering ----------------------------------------------------------------------

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
        self.model.set_filter(self.current_query(), self.search_edit.text())

    def _on_model_reset(self) -> None:
        """New rows are coming: the detail may no longer belong to the list; empty it."""
        self._total = None
        shown = self.detail.dossier_id
        if shown is not None:
            self._follow = shown
        self.detail.show_dossier(None)
        self.count_label.setText(self.tr("Đang tìm…"))

    def _show_count(self, total: object) -> None:
        self._total = total if isinstance(total, int) else None
        self._on_page_loaded(self.model.rowCount())

    def _count_text(self) -> str:
        if self._total is None:
            return self.tr("Đang đếm…")
        if self._total > api.COUNT_CAP:
            return self.tr("Hơn {cap} hồ sơ").format(cap=_thousands(api.COUNT_CAP))
        return self.tr("{total} hồ sơ").format(total=_thousands(self._total))

    def _on_page_loaded(self, loaded: int) -> None:
        text = self._count_text()
        if self._total is None or loaded < self._total:
            text += " " + self.tr("(đã tải {loaded}, cuộn xuống để xem thêm)").format(
                loaded=_thousands(loaded)
            )
        self.count_label.setText(text + " · " + self.tr("dòng đỏ: quá hạn"))
        if self.table.currentIndex().row() >= 0:
            return
        if self._follow is not None:
            row = self.model.row_of(self._follow)
            if row >= 0:
                self._follow = None
                self.table.selectRow(row)
            elif not self.model.loading:
                self.detail.show_dossier(None, gone=True)
                self._follow = None
        elif loaded == 1 and self._total == 1 and self.search_edit.text().strip():
            self.table.selectRow(0)  # one match (a code, a CCCD): show it

    def _on_store_changed(self, changes: Any) -> None:
        entities: frozenset[str] = getattr(changes, "entities", frozenset())
        if "dossier" in entities:
            self.model.apply_changes(changes)

    def _on_current_changed(self, current: Any, _previous: Any) -> None:
        row = self.model.data(current, Qt.ItemDataRole.UserRole) if current.isValid() else None
        if row is not None:
            self._follow = None
        self.detail.show_dossier(row.id if row is not None else None)
        emit(self.dossier_selected, row)

    def _chain_focus(self) -> None:
        """Tab from the list goes through the detail: its actions first, then the rest."""
        for first, second in pairwise([self.table, *self.detail.focus_chain()]):
            QWidget.setTabOrder(first, second)

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


def _thousands(n: int) -> str:
    """``12.345``: the Vietnamese thousands separator."""
    return f"{n:,}".replace(",", ".")
