"""Register books from the pages: voiding with a reason typed by the clerk, whole books printed
in number order whatever the screen filter, the secret book on its own."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from commune_desk.services import NewIncomingDocument, NewOutgoingDocument
from commune_desk.ui.register_books import VoidNumberDialog
from commune_desk.ui.slips import pdf_page_count, write_pdf


def _answer_void_dialog(keys: Any, reason: str) -> None:
    """When the void dialog opens, type the reason and press Enter (as the clerk does)."""

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, VoidNumberDialog)
        keys(dialog.reason_edit, reason)
        QTest.keyClick(dialog.reason_edit, Qt.Key.Key_Return)

    QTimer.singleShot(50, answer)


def test_outgoing_void_and_books_per_series(
    desktop: Any, qtbot: Any, keys: Any, idle: Any, tmp_path: Any
) -> None:
    services = desktop.ctx.services
    for summary, secret in (("Quyết định một", False), ("Quyết định mật", True), ("Quyết định hai", False)):
        desktop.call_on_store(
            lambda s=summary, x=secret: services.register_outgoing(
                NewOutgoingDocument(symbol="/QĐ-UBND", summary=s, secret=x, copy_holder="Văn phòng")
            )
        )
    page = desktop.window.show_page("outgoing")
    page.reload()
    idle(desktop)
    qtbot.waitUntil(lambda: page.table.rowCount() == 3, timeout=10_000)
    row = next(r for r in range(3) if page.table.item(r, 3).text() == "Quyết định một")
    page.table.selectRow(row)
    assert page.table.item(row, 0).text() == "01/QĐ-UBND"  # never 01//QĐ-UBND
    _answer_void_dialog(keys, "In sai trích yếu")
    page.void_selected()
    qtbot.waitUntil(lambda: "Đã huỷ số 1" in page.entry_error.text(), timeout=10_000)
    assert desktop.errors.shown == []

    page.print_register(preview=False)
    qtbot.waitUntil(lambda: page.last_book is not None, timeout=10_000)
    book = page.last_book
    assert "Sổ đăng ký văn bản đi năm" in book.title
    assert "Đơn vị, người nhận bản lưu" in book.table_header and "Ngày chuyển" in book.table_header
    assert [r[0] for r in book.table_rows] == ["01/QĐ-UBND", "02/QĐ-UBND"]
    assert "Số đã huỷ: In sai trích yếu" in book.table_rows[0][-1]
    assert book.table_rows[1][5] == "Văn phòng"
    page.last_book = None
    page.book_combo.setCurrentIndex(page.book_combo.findData("outgoing-secret"))
    page.print_register(preview=False)
    qtbot.waitUntil(lambda: page.last_book is not None, timeout=10_000)
    assert "mật" in page.last_book.title
    assert [r[2] for r in page.last_book.table_rows] == ["Quyết định mật"]
    assert pdf_page_count(write_pdf(page.last_book, tmp_path / "so-di-mat.pdf")) == 1


def test_incoming_book_ignores_the_screen_filter(desktop: Any, qtbot: Any, keys: Any, idle: Any) -> None:
    services = desktop.ctx.services
    for i in range(3):
        desktop.call_on_store(
            lambda i=i: services.register_incoming(
                NewIncomingDocument(author="Sở Tư pháp", summary=f"Công văn {i + 1}", urgency="Hoả tốc")
            )
        )
    page = desktop.window.show_page("incoming")
    page.reload()
    idle(desktop)
    qtbot.waitUntil(lambda: page.table.rowCount() == 3, timeout=10_000)
    page.table.selectRow([page.table.item(r, 0).text() for r in range(3)].index("2"))
    _answer_void_dialog(keys, "Vào sổ nhầm")
    page.void_selected()
    qtbot.waitUntil(lambda: "Đã huỷ số đến 2" in page.entry_error.text(), timeout=10_000)
    page.overdue_only.setChecked(True)  # the screen shows nothing now
    assert page.table.rowCount() == 0
    page.print_register(preview=False)
    qtbot.waitUntil(lambda: page.last_book is not None, timeout=10_000)
    rows = page.last_book.table_rows
    assert [r[1] for r in rows] == ["1", "2", "3"]
    assert "Số đã huỷ: Vào sổ nhầm" in rows[1][-1]
    assert "Ngày chuyển" in page.last_book.table_header and "Ghi chú" in page.last_book.table_header
    assert desktop.errors.shown == []
