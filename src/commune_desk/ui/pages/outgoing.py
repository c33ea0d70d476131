"""Văn bản đi: the outgoing register; the number/symbol (e.g. ``05/QĐ-UBND``) is given after signing."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from commune_desk.domain.roles import Permission
from commune_desk.ui import api, register_books, slips
from commune_desk.ui.context import UiContext
from commune_desk.ui.format import format_date
from commune_desk.ui.labels import outgoing_state_name
from commune_desk.ui.ops import StoreOp
from commune_desk.ui.pages.incoming import today_vn
from commune_desk.ui.qt_compat import emit
from commune_desk.ui.widgets import hint_label, message_label, page_layout, show_message


class OutgoingPage(QWidget):
    """Record outgoing documents; number them once signed.

    Signals:
        numbered(object): the OutgoingDocumentInfo that just got its number/symbol.
    """

    numbered = Signal(object)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.documents: list[Any] = []
        self.last_book: slips.Slip | None = None
        layout = page_layout(self, self.tr("Sổ văn bản đi"))
        layout.addWidget(self._build_entry())
        bar = QHBoxLayout()
        self.summary_label = hint_label("", self)
        self.issue_button = QPushButton(self.tr("Đã ký – cấp số cho văn bản đang chọn"), self)
        self.issue_button.clicked.connect(self.issue_selected)
        self.void_button = QPushButton(self.tr("Huỷ số…"), self)
        self.void_button.setObjectName("voidOutgoingNumber")
        self.void_button.clicked.connect(self.void_selected)
        self.book_combo = QComboBox(self)
        self.book_combo.setObjectName("outgoingBook")
        self.book_combo.addItem(self.tr("Sổ văn bản đi"), "outgoing")
        self.book_combo.addItem(self.tr("Sổ văn bản đi mật"), "outgoing-secret")
        self.print_button = QPushButton(self.tr("In sổ…"), self)
        self.print_button.clicked.connect(self.print_register)
        bar.addWidget(self.summary_label, 1)
        bar.addWidget(self.issue_button)
        bar.addWidget(self.void_button)
        bar.addWidget(self.book_combo)
        bar.addWidget(self.print_button)
        layout.addLayout(bar)
        self.table = QTableWidget(0, 8, self)
        self.table.setObjectName("outgoingTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Số, ký hiệu"),
                self.tr("Ngày ban hành"),
                self.tr("Loại"),
                self.tr("Trích yếu"),
                self.tr("Người ký"),
                self.tr("Nơi nhận"),
                self.tr("Số bản"),
                self.tr("Trạng thái"),
            ]
        )
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table, 1)
        ctx.events.store_changed.connect(self._on_store_changed)
        if ctx.session is not None:  # signing (numbering) is offered to those allowed only
            ctx.session.guard(self.issue_button, Permission.SIGN_OUTGOING)
            ctx.session.guard(self.signed_check, Permission.SIGN_OUTGOING)
            ctx.session.guard(self.void_button, Permission.VOID_NUMBER)
        self.reload()

    def _build_entry(self) -> QGroupBox:
        box = QGroupBox(self.tr("Văn bản đi mới"), self)
        grid = QGridLayout(box)
        self.symbol_edit = QLineEdit(box)
        self.symbol_edit.setObjectName("outgoingSymbol")
        self.symbol_edit.setPlaceholderText(self.tr("Ký hiệu, ví dụ: QĐ-UBND"))
        self.type_edit = QLineEdit(box)
        self.type_edit.setPlaceholderText(self.tr("Quyết định, Công văn…"))
        self.summary_edit = QLineEdit(box)
        self.summary_edit.setObjectName("outgoingSummary")
        self.summary_edit.setPlaceholderText(self.tr("Trích yếu nội dung"))
        self.signer_edit = QLineEdit(box)
        self.signer_edit.setPlaceholderText(self.tr("Người ký"))
        self.recipients_edit = QLineEdit(box)
        self.recipients_edit.setPlaceholderText(self.tr("Nơi nhận (cách nhau bởi dấu phẩy)"))
        self.copy_holder_edit = QLineEdit(box)
        self.copy_holder_edit.setObjectName("outgoingCopyHolder")
        self.copy_holder_edit.setPlaceholderText(self.tr("Đơn vị, người giữ bản lưu"))
        self.copies_spin = QSpinBox(box)
        self.copies_spin.setRange(1, 999)
        self.copies_spin.setValue(2)
        self.secret_check = QCheckBox(self.tr("Văn bản mật (sổ riêng)"), box)
        self.signed_check = QCheckBox(self.tr("Đã ký – cấp số ngay"), box)
        self.signed_check.setChecked(True)
        self.save_button = QPushButton(self.tr("Ghi vào sổ (Enter)"), box)
        self.save_button.clicked.connect(self.save)
        self.entry_error = message_label(box)
        for edit in (
            self.symbol_edit,
            self.type_edit,
            self.summary_edit,
            self.signer_edit,
            self.recipients_edit,
        ):
            edit.returnPressed.connect(self.save)
        grid.addWidget(QLabel(self.tr("Ký hiệu *"), box), 0, 0)
        grid.addWidget(self.symbol_edit, 0, 1)
        grid.addWidget(QLabel(self.tr("Loại"), box), 0, 2)
        grid.addWidget(self.type_edit, 0, 3)
        grid.addWidget(QLabel(self.tr("Người ký"), box), 0, 4)
        grid.addWidget(self.signer_edit, 0, 5)
        grid.addWidget(QLabel(self.tr("Trích yếu *"), box), 1, 0)
        grid.addWidget(self.summary_edit, 1, 1, 1, 3)
        grid.addWidget(QLabel(self.tr("Số bản"), box), 1, 4)
        grid.addWidget(self.copies_spin, 1, 5)
        grid.addWidget(QLabel(self.tr("Nơi nhận"), box), 2, 0)
        grid.addWidget(self.recipients_edit, 2, 1, 1, 3)
        grid.addWidget(self.secret_check, 2, 4)
        grid.addWidget(self.signed_check, 2, 5)
        grid.addWidget(QLabel(self.tr("Bản lưu"), box), 3, 0)
        grid.addWidget(self.copy_holder_edit, 3, 1, 1, 3)
        grid.addWidget(self.entry_error, 4, 0, 1, 5)
        grid.addWidget(self.save_button, 4, 5)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(3, 1)
        return box

    def reload(self) -> None:
        """Fetch this year's outgoing register in the background."""
        year = today_vn().year
        StoreOp(self.ctx, lambda s: api.list_outgoing(s, year), parent=self).success(
            self._set_documents
        ).run_in_background()

    def _on_store_changed(self, changes: Any) -> None:
        if "outgoing_document" in getattr(changes, "entities", ()):
            self.reload()

    def _set_documents(self, documents: list[Any]) -> None:
        self.documents = documents
        self.table.setRowCount(len(documents))
        for n, doc in enumerate(documents):
            state = outgoing_state_name(doc.state)
            if doc.number is None and doc.state == "draft":
                state = self.tr("Chờ ký")
            cells = (
                doc.number_symbol or self.tr("(chưa cấp số) …/{symbol}").format(symbol=doc.symbol),
                format_date(doc.issued_on),
                doc.doc_type,
                doc.summary,
                doc.signer,
                ", ".join(doc.recipients),
                str(doc.copies),
                state,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, doc)
                self.table.setItem(n, column, item)
        self.table.resizeColumnToContents(0)
        drafts = sum(1 for d in documents if d.number is None)
        self.summary_label.setText(
            self.tr("{n} văn bản trong năm · {d} chờ ký").format(n=len(documents), d=drafts)
        )

    def selected_document(self) -> Any:
        """The document of the selected row, or None."""
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def save(self) -> None:
        """Record the typed document; numbered now when 'signed' is ticked."""
        from commune_desk.services.values import NewOutgoingDocument

        new = NewOutgoingDocument(
            symbol=self.symbol_edit.text().strip(),
            summary=self.summary_edit.text().strip(),
            doc_type=self.type_edit.text().strip(),
            signer=self.signer_edit.text().strip(),
            recipients=tuple(r.strip() for r in self.recipients_edit.text().split(",") if r.strip()),
            copies=self.copies_spin.value(),
            secret=self.secret_check.isChecked(),
            copy_holder=self.copy_holder_edit.text().strip(),
        )
        if not new.symbol or not new.summary:
            show_message(self.entry_error, "error", self.tr("Nhập ký hiệu và trích yếu."))
            (self.symbol_edit if not new.symbol else self.summary_edit).setFocus()
            return
        issue = self.signed_check.isChecked() and self.signed_check.isVisibleTo(self)
        actor = self.ctx.actor
        self.save_button.setEnabled(False)
        StoreOp(self.ctx, lambda s: api.create_outgoing(s, new, issue, actor), parent=self).success(
            self._on_saved
        ).finally_(lambda: self.save_button.setEnabled(True)).run_in_background()

    def _on_saved(self, outcome: Any) -> None:
        doc = outcome.value
        if doc.number_symbol:
            show_message(self.entry_error, "ok", self.tr("Đã cấp số: {n}").format(n=doc.number_symbol))
            emit(self.numbered, doc)
        else:
            show_message(self.entry_error, "ok", self.tr("Đã ghi dự thảo; cấp số sau khi ký."))
        for edit in (self.summary_edit, self.recipients_edit):
            edit.clear()
        self.summary_edit.setFocus()

    def issue_selected(self) -> None:
        """The leader has signed the selected draft: give it its number."""
        doc = self.selected_document()
        if doc is None or doc.number is not None:
            show_message(self.entry_error, "error", self.tr("Chọn một văn bản chưa cấp số."))
            return
        actor = self.ctx.actor
        StoreOp(self.ctx, lambda s: api.issue_outgoing(s, doc.id, actor), parent=self).success(
            self._on_issued
        ).run_in_background()

    def _on_issued(self, outcome: Any) -> None:
        show_message(self.entry_error, "ok", self.tr("Đã cấp số: {n}").format(n=outcome.value.number_symbol))
        emit(self.numbered, outcome.value)

    def void_selected(self) -> None:
        """Void the selected document's number (or any number of its book), with a reason."""
        doc = self.selected_document()
        series = doc.series if doc is not None else f"{self.book_combo.currentData()}/{today_vn().year}"
        register_books.ask_and_void(
            self,
            self.ctx,
            series,
            doc.number if doc is not None else None,
            lambda n: self.entry_error.setText(self.tr("Đã huỷ số {n}.").format(n=n)),
        )

    def print_register(self, *, preview: bool = True) -> None:
        """The whole book chosen (ordinary or secret) of this year, whatever the table shows."""
        series = f"{self.book_combo.currentData()}/{today_vn().year}"
        register_books.print_book(self, self.ctx, series, self._set_book, preview=preview)

    def _set_book(self, slip: slips.Slip) -> None:
        self.last_book = slip

    def on_shown(self) -> None:
        """Focus the first field."""
        self.symbol_edit.setFocus()
