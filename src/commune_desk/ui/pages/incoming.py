"""Văn bản đến: the incoming register (số đến given on save), assignment and follow-up."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from commune_desk.domain.calendar import VN_TZ
from commune_desk.domain.registers import SECRECIES as SECRECY_MARKS
from commune_desk.domain.registers import URGENCIES as URGENCY_MARKS
from commune_desk.domain.roles import Permission
from commune_desk.ui import api, register_books, slips
from commune_desk.ui.context import UiContext
from commune_desk.ui.format import format_date, now_utc
from commune_desk.ui.i18n import QT_TRANSLATE_NOOP
from commune_desk.ui.ops import StoreOp
from commune_desk.ui.qt_compat import emit
from commune_desk.ui.widgets import hint_label, message_label, page_layout, show_message

#: Urgency and secrecy marks (Decree 30/2020, the fixed lists of ``domain.registers``):
#: stored value → name shown.
URGENCIES = {
    "": QT_TRANSLATE_NOOP("IncomingPage", "Thường"),
    "KHẨN": QT_TRANSLATE_NOOP("IncomingPage", "Khẩn"),
    "THƯỢNG KHẨN": QT_TRANSLATE_NOOP("IncomingPage", "Thượng khẩn"),
    "HỎA TỐC": QT_TRANSLATE_NOOP("IncomingPage", "Hỏa tốc"),
}
SECRECIES = {
    "": QT_TRANSLATE_NOOP("IncomingPage", "Không mật"),
    "MẬT": QT_TRANSLATE_NOOP("IncomingPage", "Mật"),
    "TỐI MẬT": QT_TRANSLATE_NOOP("IncomingPage", "Tối mật"),
    "TUYỆT MẬT": QT_TRANSLATE_NOOP("IncomingPage", "Tuyệt mật"),
}
assert set(URGENCIES) == set(URGENCY_MARKS) and set(SECRECIES) == set(SECRECY_MARKS)


def _mark(names: dict[str, str], value: str) -> str:
    """The translated name of an urgency or secrecy mark (empty for none)."""
    if not value:
        return ""
    return QCoreApplication.translate("IncomingPage", names[value]) if value in names else value


def today_vn() -> date:
    """Today's date at the office (UTC+7)."""
    return now_utc().astimezone(VN_TZ).date()


def _date_edit(parent: QWidget, value: date | None = None) -> QDateEdit:
    edit = QDateEdit(parent)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    edit.setDate(QDate(value or today_vn()))
    return edit


class IncomingPage(QWidget):
    """Register incoming documents and pass them to a handler.

    Signals:
        registered(object): the IncomingDocumentInfo just entered (with its số đến).
        assigned(object): the IncomingDocumentInfo after assignment.
    """

    registered = Signal(object)
    assigned = Signal(object)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.documents: list[Any] = []
        self.last_book: slips.Slip | None = None
        layout = page_layout(self, self.tr("Sổ văn bản đến"))
        layout.addWidget(self._build_entry())
        filters = QHBoxLayout()
        self.overdue_only = QCheckBox(self.tr("Chỉ văn bản quá hạn xử lý"), self)
        self.overdue_only.toggled.connect(lambda _on: self._fill_table())
        self.unassigned_only = QCheckBox(self.tr("Chưa giao xử lý"), self)
        self.unassigned_only.toggled.connect(lambda _on: self._fill_table())
        self.print_button = QPushButton(self.tr("In sổ văn bản đến…"), self)
        self.print_button.setToolTip(self.tr("In cả sổ của năm, theo số đến, không theo bộ lọc"))
        self.print_button.clicked.connect(self.print_register)
        self.void_button = QPushButton(self.tr("Huỷ số…"), self)
        self.void_button.setObjectName("voidIncomingNumber")
        self.void_button.clicked.connect(self.void_selected)
        self.summary_label = hint_label("", self)
        filters.addWidget(self.overdue_only)
        filters.addWidget(self.unassigned_only)
        filters.addWidget(self.summary_label, 1)
        filters.addWidget(self.void_button)
        filters.addWidget(self.print_button)
        layout.addLayout(filters)
        self.table = QTableWidget(0, 8, self)
        self.table.setObjectName("incomingTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Số đến"),
                self.tr("Ngày đến"),
                self.tr("Nơi gửi"),
                self.tr("Số, ký hiệu"),
                self.tr("Trích yếu"),
                self.tr("Độ khẩn"),
                self.tr("Người xử lý"),
                self.tr("Hạn xử lý"),
            ]
        )
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.currentCellChanged.connect(lambda *_a: self._on_selected())
        layout.addWidget(self.table, 1)
        layout.addWidget(self._build_assign())
        ctx.events.store_changed.connect(self._on_store_changed)
        if ctx.session is not None:  # voiding a number is offered to those allowed only
            ctx.session.guard(self.void_button, Permission.VOID_NUMBER)
        self.reload()

    # -- building ---------------------------------------------------------------------

    def _build_entry(self) -> QGroupBox:
        box = QGroupBox(self.tr("Vào sổ văn bản đến (số đến được cấp khi lưu)"), self)
        grid = QGridLayout(box)
        self.author_edit = QLineEdit(box)
        self.author_edit.setObjectName("incomingAuthor")
        self.author_edit.setPlaceholderText(self.tr("Cơ quan ban hành, ví dụ: UBND thành phố"))
        self.symbol_edit = QLineEdit(box)
        self.symbol_edit.setPlaceholderText(self.tr("ví dụ: 125/UBND-VP"))
        self.doc_date_edit = _date_edit(box)
        self.type_edit = QLineEdit(box)
        self.type_edit.setPlaceholderText(self.tr("Công văn, Quyết định…"))
        self.summary_edit = QLineEdit(box)
        self.summary_edit.setObjectName("incomingSummary")
        self.summary_edit.setPlaceholderText(self.tr("Trích yếu nội dung"))
        self.urgency_combo = QComboBox(box)
        self.secrecy_combo = QComboBox(box)
        for value, name in URGENCIES.items():
            self.urgency_combo.addItem(QCoreApplication.translate("IncomingPage", name), value)
        for value, name in SECRECIES.items():
            self.secrecy_combo.addItem(QCoreApplication.translate("IncomingPage", name), value)
        self.register_button = QPushButton(self.tr("Vào sổ (Enter)"), box)
        self.register_button.clicked.connect(self.register)
        self.entry_error = message_label(box)
        for edit in (self.author_edit, self.symbol_edit, self.type_edit, self.summary_edit):
            edit.returnPressed.connect(self.register)
        grid.addWidget(QLabel(self.tr("Nơi gửi *"), box), 0, 0)
        grid.addWidget(self.author_edit, 0, 1)
        grid.addWidget(QLabel(self.tr("Số, ký hiệu"), box), 0, 2)
        grid.addWidget(self.symbol_edit, 0, 3)
        grid.addWidget(QLabel(self.tr("Ngày văn bản"), box), 0, 4)
        grid.addWidget(self.doc_date_edit, 0, 5)
        grid.addWidget(QLabel(self.tr("Trích yếu *"), box), 1, 0)
        grid.addWidget(self.summary_edit, 1, 1, 1, 3)
        grid.addWidget(QLabel(self.tr("Loại"), box), 1, 4)
        grid.addWidget(self.type_edit, 1, 5)
        grid.addWidget(QLabel(self.tr("Độ khẩn"), box), 2, 0)
        grid.addWidget(self.urgency_combo, 2, 1)
        grid.addWidget(QLabel(self.tr("Độ mật"), box), 2, 2)
        grid.addWidget(self.secrecy_combo, 2, 3)
        grid.addWidget(self.register_button, 2, 5)
        grid.addWidget(self.entry_error, 3, 0, 1, 6)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(3, 1)
        return box

    def _build_assign(self) -> QGroupBox:
        box = QGroupBox(self.tr("Giao xử lý văn bản đang chọn"), self)
        row = QHBoxLayout(box)
        self.handler_edit = QLineEdit(box)
        self.handler_edit.setObjectName("incomingHandler")
        self.handler_edit.setPlaceholderText(self.tr("Người chủ trì xử lý"))
        self.co_handlers_edit = QLineEdit(box)
        self.co_handlers_edit.setPlaceholderText(self.tr("Người phối hợp (cách nhau bởi dấu phẩy)"))
        self.deadline_edit = _date_edit(box)
        self.assign_button = QPushButton(self.tr("Giao xử lý"), box)
        self.assign_button.clicked.connect(self.assign_selected)
        self.assign_error = message_label(box)
        row.addWidget(self.handler_edit, 2)
        row.addWidget(self.co_handlers_edit, 2)
        row.addWidget(QLabel(self.tr("Hạn"), box))
        row.addWidget(self.deadline_edit)
        row.addWidget(self.assign_button)
        row.addWidget(self.assign_error, 1)
        return box

    # -- data -------------------------------------------------------------------------

    def reload(self) -> None:
        """Fetch this year's register in the background."""
        year = today_vn().year
        StoreOp(self.ctx, lambda s: api.list_incoming(s, year), parent=self).success(
            self._set_documents
        ).run_in_background()

    def _on_store_changed(self, changes: Any) -> None:
        if "incoming_document" in getattr(changes, "entities", ()):
            self.reload()

    def _set_documents(self, documents: list[Any]) -> None:
        self.documents = documents
        self._fill_table()

    def visible_documents(self) -> list[Any]:
        """Documents shown with the current filters."""
        today = today_vn()
        docs = self.documents
        if self.overdue_only.isChecked():
            docs = [d for d in docs if d.deadline is not None and d.deadline < today]
        if self.unassigned_only.isChecked():
            docs = [d for d in docs if not d.handler]
        return docs

    def _fill_table(self) -> None:
        today = today_vn()
        docs = self.visible_documents()
        selected = self.selected_document()
        self.table.setRowCount(len(docs))
        late = QBrush(QColor("#fde0e0"))
        for n, doc in enumerate(docs):
            number = str(doc.number) if doc.number is not None else self.tr("(tạm)")
            cells = (
                number,
                format_date(doc.received_on),
                doc.author,
                doc.number_symbol,
                doc.summary,
                _mark(URGENCIES, doc.urgency),
                doc.handler,
                format_date(doc.deadline),
            )
            overdue = doc.deadline is not None and doc.deadline < today
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, doc)
                if overdue:
                    item.setBackground(late)
                self.table.setItem(n, column, item)
            if selected is not None and doc.id == selected.id:
                self.table.selectRow(n)
        self.table.resizeColumnToContents(0)
        overdue_count = sum(1 for d in self.documents if d.deadline and d.deadline < today)
        self.summary_label.setText(
            self.tr("{n} văn bản trong năm · {late} quá hạn xử lý").format(
                n=len(self.documents), late=overdue_count
            )
        )

    def selected_document(self) -> Any:
        """The document of the selected row, or None."""
        item = self.table.item(self.table.currentRow(), 0) if self.table.currentRow() >= 0 else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _on_selected(self) -> None:
        doc = self.selected_document()
        if doc is not None:
            self.handler_edit.setText(doc.handler)
            self.co_handlers_edit.setText(", ".join(doc.co_handlers))
            if doc.deadline:
                self.deadline_edit.setDate(QDate(doc.deadline))

    # -- actions ----------------------------------------------------------------------

    def register(self) -> None:
        """Enter the typed document in the register (background); it gets its số đến."""
        from commune_desk.services.values import NewIncomingDocument

        new = NewIncomingDocument(
            author=self.author_edit.text().strip(),
            summary=self.summary_edit.text().strip(),
            number_symbol=self.symbol_edit.text().strip(),
            document_date=self.doc_date_edit.date().toPython(),  # type: ignore[arg-type]
            doc_type=self.type_edit.text().strip(),
            urgency=str(self.urgency_combo.currentData()),
            secrecy=str(self.secrecy_combo.currentData()),
        )
        if not new.author or not new.summary:
            show_message(self.entry_error, "error", self.tr("Nhập nơi gửi và trích yếu."))
            (self.author_edit if not new.author else self.summary_edit).setFocus()
            return
        actor = self.ctx.actor
        self.register_button.setEnabled(False)
        StoreOp(self.ctx, lambda s: api.register_incoming(s, new, actor), parent=self).success(
            self._on_registered
        ).finally_(lambda: self.register_button.setEnabled(True)).run_in_background()

    def _on_registered(self, outcome: Any) -> None:
        doc = outcome.value
        number = str(doc.number) if doc.number is not None else self.tr("tạm")
        show_message(self.entry_error, "ok", self.tr("Đã vào sổ: số đến {n}.").format(n=number))
        for edit in (self.author_edit, self.symbol_edit, self.type_edit, self.summary_edit):
            edit.clear()
        self.author_edit.setFocus()
        emit(self.registered, doc)

    def assign_selected(self) -> None:
        """Give the selected document to its handler with a deadline."""
        doc = self.selected_document()
        handler = self.handler_edit.text().strip()
        if doc is None:
            show_message(self.assign_error, "error", self.tr("Chọn một văn bản trong sổ."))
            return
        if not handler:
            show_message(self.assign_error, "error", self.tr("Nhập người xử lý."))
            self.handler_edit.setFocus()
            return
        co = tuple(c.strip() for c in self.co_handlers_edit.text().split(",") if c.strip())
        deadline: date = self.deadline_edit.date().toPython()  # type: ignore[assignment]
        actor = self.ctx.actor
        StoreOp(
            self.ctx,
            lambda s: api.assign_incoming(s, doc.id, handler, co, deadline, actor),
            parent=self,
        ).success(self._on_assigned).run_in_background()

    def _on_assigned(self, outcome: Any) -> None:
        show_message(self.assign_error, "ok", self.tr("Đã giao cho {who}.").format(who=outcome.value.handler))
        emit(self.assigned, outcome.value)

    def void_selected(self) -> None:
        """Void the selected entry's số đến (registered by mistake), with a reason."""
        doc = self.selected_document()
        series = doc.series if doc is not None else f"incoming/{today_vn().year}"
        register_books.ask_and_void(
            self,
            self.ctx,
            series,
            doc.number if doc is not None else None,
            lambda n: self.entry_error.setText(self.tr("Đã huỷ số đến {n}.").format(n=n)),
        )

    def print_register(self, *, preview: bool = True) -> None:
        """The whole book of this year in số đến order, whatever the filters show."""
        register_books.print_book(
            self, self.ctx, f"incoming/{today_vn().year}", self._set_book, preview=preview
        )

    def _set_book(self, slip: slips.Slip) -> None:
        self.last_book = slip

    def on_shown(self) -> None:
        """Focus the first field."""
        self.author_edit.setFocus()
