"""The intake papers table driven with real key events: what is ticked is what form 01 prints,
and nothing of one citizen is left in the table for the next one."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QSpinBox, QWidget
from tests.ui.conftest import on_next_dialog

from commune_desk.ui.papers_table import COUNT, FORM, NAME


def _editors(page: Any) -> list[QWidget]:
    """Drop-downs and spin boxes showing inside the papers table."""
    table = page.papers_table
    found = table.viewport().findChildren(QComboBox) + table.viewport().findChildren(QSpinBox)
    return [w for w in found if w.isVisible()]


def _go(table: Any, row: int, column: int) -> None:
    table.setFocus()
    table.setCurrentCell(row, column)


def test_papers_typed_with_keys_are_printed_exactly_and_gone_for_the_next_citizen(
    desktop: Any, qtbot: Any, keys: Any, idle: Any
) -> None:
    page = desktop.window.show_page("intake")
    page.slip_action = "none"
    idle(desktop)
    keys(page.procedure_search, "khai sinh")
    QTest.keyClick(page.procedure_search, Qt.Key.Key_Return)  # choose the highlighted row
    table = page.papers_table
    assert table.rowCount() == 3 and _editors(page) == []  # no widget parked in any cell

    # row 2 ("Giấy chứng sinh") was not handed in: Space unticks it
    _go(table, 1, NAME)
    QTest.keyClick(table, Qt.Key.Key_Space)
    assert table.item(1, NAME).checkState() == Qt.CheckState.Unchecked
    # row 3 came as a certified copy: F2 opens the form editor, Down picks the next form
    _go(table, 2, FORM)
    QTest.keyClick(table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QComboBox)
    QTest.keyClick(editor, Qt.Key.Key_Down)
    QTest.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on the next turn of the loop
    qtbot.waitUntil(lambda: table.item(2, FORM).text() == "Bản sao chứng thực", timeout=2000)
    # row 1: two copies of the form
    _go(table, 0, COUNT)
    QTest.keyClick(table, Qt.Key.Key_F2)
    spin = QApplication.focusWidget()
    assert isinstance(spin, QSpinBox)
    QTest.keyClick(spin, Qt.Key.Key_Up)
    QTest.keyClick(spin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _editors(page) == [] and table.item(0, COUNT).text() == "2", timeout=2000)
    assert page.papers_box.received() == [
        ("Tờ khai đăng ký khai sinh", "original", 2),
        ("Giấy tờ tùy thân của người đi đăng ký", "certified_copy", 1),
    ]
    # Tab leaves the table (it does not trap the keyboard)
    _go(table, 0, NAME)
    QTest.keyClick(table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not table

    keys(page.name_edit, "Đặng Thị Đào")
    keys(page.id_edit, "001190012345")
    QTest.keyClick(page.name_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.last_slip is not None, timeout=10_000)
    slip = page.last_slip
    assert slip.table_header[1:] == ("Tên giấy tờ", "Hình thức", "Số bản")
    assert slip.table_rows == (
        ("1", "Tờ khai đăng ký khai sinh", "Bản chính", "2"),
        ("2", "Giấy tờ tùy thân của người đi đăng ký", "Bản sao chứng thực", "1"),
    )
    stored = desktop.call_on_store(lambda: desktop.ctx.services.get_dossier(page.last_dossier.id))
    assert [(p.name, p.form.value, p.count) for p in stored.papers] == [
        ("Tờ khai đăng ký khai sinh", "original", 2),
        ("Giấy tờ tùy thân của người đi đăng ký", "certified_copy", 1),
    ]

    # The form is cleared for the next citizen: an empty table, nothing left showing in it.
    qtbot.waitUntil(lambda: table.rowCount() == 0, timeout=5000)
    QApplication.processEvents()
    assert _editors(page) == [] and table.viewport().findChildren(QComboBox) == []
    keys(page.procedure_search, "khai sinh")
    QTest.keyClick(page.procedure_search, Qt.Key.Key_Return)  # choose the highlighted row
    assert page.papers_box.rows() == [
        ("Tờ khai đăng ký khai sinh", "original", 1, True),
        ("Giấy chứng sinh (hoặc văn bản làm chứng)", "original", 1, True),
        ("Giấy tờ tùy thân của người đi đăng ký", "original", 1, True),
    ]


def test_escape_while_editing_a_form_leaves_nothing_behind(
    desktop: Any, qtbot: Any, keys: Any, idle: Any
) -> None:
    page = desktop.window.show_page("intake")
    idle(desktop)
    keys(page.procedure_search, "chung thuc chu ky")
    QTest.keyClick(page.procedure_search, Qt.Key.Key_Return)  # choose the highlighted row
    table = page.papers_table
    _go(table, 0, FORM)
    QTest.keyClick(table, Qt.Key.Key_F2)
    assert len(_editors(page)) == 1  # the drop-down exists only while editing
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)  # closes the editor
    # Esc clears the form, once the clerk confirms (a procedure was chosen: there is work to lose).
    on_next_dialog(
        lambda box: QTest.keyClick(
            next(b for b in box.buttons() if b.text().startswith("Xoá")), Qt.Key.Key_Space
        )
    )
    QTest.keyClick(page.procedure_search, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: table.rowCount() == 0, timeout=5000)
    QApplication.processEvents()
    assert _editors(page) == []
    assert page.papers_box.received() == []


def test_an_unticked_list_prints_no_paper_at_all(desktop: Any, qtbot: Any, keys: Any, idle: Any) -> None:
    page = desktop.window.show_page("intake")
    page.slip_action = "none"
    idle(desktop)
    keys(page.procedure_search, "chung thuc chu ky")
    QTest.keyClick(page.procedure_search, Qt.Key.Key_Return)  # choose the highlighted row
    table = page.papers_table
    for row in range(table.rowCount()):
        _go(table, row, NAME)
        QTest.keyClick(table, Qt.Key.Key_Space)
    keys(page.name_edit, "Lò Văn Páo")
    keys(page.id_edit, "001090012345")
    QTest.keyClick(page.name_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.last_slip is not None, timeout=10_000)
    assert page.last_slip.table_rows == ((" ", "(Không nhận giấy tờ nào)", "", ""),)


def test_a_statutory_extension_is_offered_with_its_legal_basis(
    desktop: Any, qtbot: Any, keys: Any, idle: Any
) -> None:
    page = desktop.window.show_page("intake")
    page.slip_action = "none"
    idle(desktop)
    keys(page.procedure_search, "nhan cha me con")
    QTest.keyClick(page.procedure_search, Qt.Key.Key_Return)  # choose the highlighted row
    combo = page.papers_box.extension_combo
    assert combo.isVisible() and combo.count() == 2
    assert "Khoản 2 Điều 25 Luật Hộ tịch năm 2014" in combo.itemText(1)
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_Down)
    assert page.papers_box.extension() == "XAC-MINH"
    keys(page.name_edit, "Lê Văn Minh")
    keys(page.id_edit, "038088001234")
    QTest.keyClick(page.name_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.last_slip is not None, timeout=10_000)
    lines = dict(page.last_slip.lines)
    assert "Khoản 2 Điều 25" in lines["Thời hạn kéo dài"]
    keys(page.procedure_search, "khai sinh")
    QTest.keyClick(page.procedure_search, Qt.Key.Key_Return)  # choose the highlighted row
    assert not page.papers_box.extension_combo.isVisible()  # no extension for this one
