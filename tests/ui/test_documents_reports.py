"""Registers and reports: incoming assigned, outgoing numbered, monthly report exported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from commune_desk.ui.slips import pdf_page_count


def test_incoming_registered_then_assigned(desktop: Any, qtbot: Any, keys: Any, idle: Any) -> None:
    page = desktop.window.show_page("incoming")
    idle(desktop)
    keys(page.author_edit, "Sở Tư pháp thành phố Hà Nội")
    keys(page.symbol_edit, "125/STP-HCTP")
    keys(page.summary_edit, "Về việc hướng dẫn đăng ký hộ tịch")
    with qtbot.waitSignal(page.registered, timeout=10_000) as registered:
        page.register()
    doc = registered.args[0]
    assert doc.number == 1 and doc.author == "Sở Tư pháp thành phố Hà Nội"
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=10_000)
    assert page.table.item(0, 0).text() == "1"
    page.table.selectRow(0)
    page.handler_edit.clear()
    keys(page.handler_edit, "Trần Văn Hùng")
    with qtbot.waitSignal(page.assigned, timeout=10_000) as assigned:
        page.assign_selected()
    assert assigned.args[0].handler == "Trần Văn Hùng"
    assert assigned.args[0].deadline is not None
    qtbot.waitUntil(lambda: page.table.item(0, 6).text() == "Trần Văn Hùng", timeout=10_000)
    assert desktop.errors.shown == []


def test_incoming_requires_author_and_summary(desktop: Any, idle: Any) -> None:
    page = desktop.window.show_page("incoming")
    idle(desktop)
    page.register()
    assert "nơi gửi" in page.entry_error.text()


def test_outgoing_numbered_after_signing(desktop: Any, qtbot: Any, keys: Any, idle: Any) -> None:
    page = desktop.window.show_page("outgoing")
    idle(desktop)
    keys(page.symbol_edit, "QĐ-UBND")
    keys(page.summary_edit, "Quyết định thành lập tổ công tác chuyển đổi số")
    page.signed_check.setChecked(False)
    page.save()
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=10_000)
    assert page.table.item(0, 7).text() == "Chờ ký"
    page.table.selectRow(0)
    with qtbot.waitSignal(page.numbered, timeout=10_000) as numbered:
        page.issue_selected()
    assert numbered.args[0].number_symbol == "01/QĐ-UBND"
    qtbot.waitUntil(lambda: page.table.item(0, 0).text() == "01/QĐ-UBND", timeout=10_000)
    # Immediately numbered when already signed.
    keys(page.symbol_edit, "")
    page.summary_edit.clear()
    keys(page.summary_edit, "Quyết định khen thưởng")
    page.signed_check.setChecked(True)
    with qtbot.waitSignal(page.numbered, timeout=10_000) as second:
        page.save()
    assert second.args[0].number_symbol == "02/QĐ-UBND"


def test_report_on_demo_data_exports_xlsx_and_pdf(
    make_desktop: Any, qtbot: Any, idle: Any, tmp_path: Path
) -> None:
    desktop = make_desktop(demo=300)
    page = desktop.window.show_page("reports")
    idle(desktop)
    assert page.table.rowCount() >= 2
    total = page.table.item(page.table.rowCount() - 1, 1).text()
    assert total == "Tổng cộng"
    xlsx = tmp_path / "bao-cao.xlsx"
    page.export_xlsx(xlsx)
    idle(desktop)
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx).active
    assert sheet["A3"].value == "Mã thủ tục"
    pdf = tmp_path / "bao-cao.pdf"
    page.export_pdf(pdf)
    assert pdf_page_count(pdf) >= 1
