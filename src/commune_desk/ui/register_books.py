"""Printed register books (Decree 30/2020/NĐ-CP) and the dialog that voids a number.

A book is printed from the service's ``register_book`` — one series (the
secret outgoing documents have their own book), every number in order,
voided numbers as rows with their reason — never from what the page happens
to show. The columns are those the decree requires of each book.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from commune_desk.ui import api, slip_builders, slips
from commune_desk.ui.format import format_date
from commune_desk.ui.ops import StoreOp
from commune_desk.ui.slips import Slip

translate = QCoreApplication.translate


def outgoing_header() -> tuple[str, ...]:
    """The columns of the outgoing register."""
    return (
        translate("RegisterBooks", "Số, ký hiệu văn bản"),
        translate("RegisterBooks", "Ngày tháng văn bản"),
        translate("RegisterBooks", "Tên loại và trích yếu nội dung"),
        translate("RegisterBooks", "Người ký"),
        translate("RegisterBooks", "Nơi nhận văn bản"),
        translate("RegisterBooks", "Đơn vị, người nhận bản lưu"),
        translate("RegisterBooks", "Số lượng bản"),
        translate("RegisterBooks", "Ngày chuyển"),
        translate("RegisterBooks", "Ghi chú"),
    )


def incoming_header() -> tuple[str, ...]:
    """The columns of the incoming register."""
    return (
        translate("RegisterBooks", "Ngày đến"),
        translate("RegisterBooks", "Số đến"),
        translate("RegisterBooks", "Tác giả"),
        translate("RegisterBooks", "Số, ký hiệu"),
        translate("RegisterBooks", "Ngày tháng"),
        translate("RegisterBooks", "Tên loại và trích yếu nội dung"),
        translate("RegisterBooks", "Đơn vị hoặc người nhận"),
        translate("RegisterBooks", "Ngày chuyển"),
        translate("RegisterBooks", "Ký nhận"),
        translate("RegisterBooks", "Ghi chú"),
    )


def _voided_note(reason: str) -> str:
    return translate("RegisterBooks", "Số đã huỷ: {reason}").format(reason=reason)


def _kind_and_summary(doc: Any) -> str:
    return f"{doc.doc_type}: {doc.summary}" if doc.doc_type else doc.summary


def outgoing_row(row: Any) -> tuple[str, ...]:
    """One line of the outgoing book."""
    doc = row.document
    if doc is None:
        return (f"{row.number:02d}", "", _voided_note(row.void_reason), "", "", "", "", "", "")
    notes = "; ".join(
        part for part in (doc.notes, _voided_note(row.void_reason) if row.voided else "") if part
    )
    return (
        doc.number_symbol,
        format_date(doc.issued_on),
        _kind_and_summary(doc),
        doc.signer,
        ", ".join(doc.recipients),
        doc.copy_holder,
        str(doc.copies),
        format_date(doc.sent_on),
        notes,
    )


def incoming_row(row: Any) -> tuple[str, ...]:
    """One line of the incoming book."""
    doc = row.document
    number = str(row.number) if row.number is not None else translate("RegisterBooks", "(số tạm)")
    if doc is None:
        return ("", number, "", "", "", _voided_note(row.void_reason), "", "", "", "")
    notes = "; ".join(
        part for part in (doc.notes, _voided_note(row.void_reason) if row.voided else "") if part
    )
    return (
        format_date(doc.received_on),
        number,
        doc.author,
        doc.number_symbol,
        format_date(doc.document_date),
        _kind_and_summary(doc),
        ", ".join((doc.handler, *doc.co_handlers)) if doc.handler else "",
        format_date(doc.assigned_at),
        "",
        notes,
    )


def book_title(series: str) -> str:
    """The printed title of a series' book, e.g. "Sổ đăng ký văn bản đi (mật) năm 2026"."""
    kind, _, year = series.partition("/")
    titles = {
        "incoming": translate("RegisterBooks", "Sổ đăng ký văn bản đến năm {year}"),
        "outgoing": translate("RegisterBooks", "Sổ đăng ký văn bản đi năm {year}"),
        "outgoing-secret": translate("RegisterBooks", "Sổ đăng ký văn bản đi mật năm {year}"),
    }
    return titles.get(kind, series).format(year=year)


def book_slip(office: Any, book: Any) -> Slip:
    """The printable book of one series (A4 landscape)."""
    incoming = book.series.startswith("incoming/")
    header: Sequence[str] = incoming_header() if incoming else outgoing_header()
    make = incoming_row if incoming else outgoing_row
    return slip_builders.register_slip(office, book_title(book.series), header, [make(r) for r in book.rows])


class VoidNumberDialog(QDialog):
    """Which number of a book to void and why (the reason is printed in the book).

    Signals: the standard QDialog ones.
    """

    def __init__(self, series: str, number: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.series = series
        self.setWindowTitle(self.tr("Huỷ số trong {book}").format(book=book_title(series)))
        form = QFormLayout(self)
        self.number_spin = QSpinBox(self)
        self.number_spin.setObjectName("voidNumber")
        self.number_spin.setRange(1, 999_999)
        if number is not None:
            self.number_spin.setValue(number)
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setObjectName("voidReason")
        self.reason_edit.setPlaceholderText(self.tr("Ví dụ: in sai trích yếu, hỏng phôi"))
        form.addRow(QLabel(self.tr("Số"), self), self.number_spin)
        form.addRow(QLabel(self.tr("Lý do huỷ *"), self), self.reason_edit)
        form.addRow(QLabel(self.tr("Số đã huỷ không bao giờ được cấp lại; lý do được in trong sổ."), self))
        self.error = QLabel("", self)
        self.error.setProperty("role", "error")
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Huỷ số này"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Không huỷ"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _accept(self) -> None:
        if not self.reason_edit.text().strip():
            self.error.setText(self.tr("Cần ghi lý do huỷ số."))
            self.reason_edit.setFocus()
            return
        self.accept()

    def values(self) -> tuple[int, str]:
        """(number, reason)."""
        return self.number_spin.value(), self.reason_edit.text().strip()


def ask_and_void(
    page: QWidget, ctx: Any, series: str, number: int | None, done: Callable[[int], None]
) -> None:
    """Ask which number of ``series`` to void and why, void it on the store thread, call ``done``."""
    dialog = VoidNumberDialog(series, number, page)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    chosen, reason = dialog.values()
    actor = ctx.actor  # whoever confirmed the void (the services check the permission again)
    if actor is None:
        return
    StoreOp(ctx, lambda s: api.void_number(s, series, chosen, reason, actor), parent=page).success(
        lambda _outcome: done(chosen)
    ).run_in_background()


def print_book(
    page: QWidget, ctx: Any, series: str, done: Callable[[Slip], None], *, preview: bool = True
) -> None:
    """Build the whole book of ``series`` on the store thread; ``done(slip)``, then preview it."""

    def show(found: tuple[Any, Any]) -> None:
        slip = book_slip(*found)
        done(slip)
        if preview:
            slips.preview(slip, page)

    StoreOp(ctx, lambda s: api.register_book(s, series), parent=page).success(show).run_in_background()
