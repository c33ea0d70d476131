"""The intake form as a clerk new to software drives it, with real keys and a Vietnamese
input method: nothing is saved with a procedure nobody chose, Esc asks before wiping,
Tab reaches the Save button, and every message says the right thing in the right look."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

NAME = "Đặng Thị Đào"
#: The style-sheet role that gives each kind of message its look.
LOOKS = {"ok": "ok", "warning": "warning", "error": "failure"}


def message_kind(label: Any) -> str:
    """Which look ``label`` has now: "ok", "warning", "error" (or "" for none of them)."""
    role = label.property("role")
    return next((kind for kind, r in LOOKS.items() if r == role), "")


ID_NUMBER = "001190012345"


def _page(desktop: Any, idle: Any) -> Any:
    page = desktop.window.show_page("intake")
    page.slip_action = "none"
    idle(desktop)
    assert page.procedure_list.count() > 10
    return page


def _dossiers(desktop: Any) -> int:
    return desktop.call_on_store(lambda: desktop.ctx.services.count_dossiers())


def test_no_dossier_is_saved_with_a_procedure_nobody_chose(
    desktop: Any, qtbot: Any, idle: Any, ime: Any
) -> None:
    page = _page(desktop, idle)
    page.procedure_search.setFocus()
    QTest.keyClick(page.procedure_search, Qt.Key.Key_Tab)  # into the list: a row lights up
    assert page.procedure_list.hasFocus() and page.procedure_list.currentRow() == 0
    QTest.keyClick(page.procedure_list, Qt.Key.Key_Tab)
    assert page.name_edit.hasFocus()
    ime(page.name_edit, NAME)
    QTest.keyClick(page.name_edit, Qt.Key.Key_Tab)
    ime(page.id_edit, ID_NUMBER)
    QTest.keyClick(page.id_edit, Qt.Key.Key_Return)
    idle(desktop)
    assert page.procedure is None
    assert _dossiers(desktop) == 0 and page.last_dossier is None
    assert "Chưa chọn thủ tục" in page.form_error.text()
    assert message_kind(page.form_error) == "error"
    assert page.procedure_search.hasFocus()
    assert page.name_edit.text() == NAME  # nothing typed is lost


def test_a_procedure_is_chosen_by_enter_on_the_highlighted_row(
    desktop: Any, qtbot: Any, idle: Any, ime: Any
) -> None:
    page = _page(desktop, idle)
    ime(page.procedure_search, "khai sinh")
    assert page.procedure_list.currentItem().text() == "Đăng ký khai sinh"
    assert page.procedure is None and "Chưa chọn thủ tục" in page.choice_label.text()
    QTest.keyClick(page.procedure_search, Qt.Key.Key_Down)
    QTest.keyClick(page.procedure_search, Qt.Key.Key_Return)
    assert page.procedure is not None and page.procedure.name.startswith("Đăng ký lại khai sinh")
    assert page.choice_label.text() == f"Đã chọn: {page.procedure.name}"
    assert page.procedure_list.currentItem().text().startswith("✓ ")
    assert page.name_edit.hasFocus()
    # Filtering again does not change the choice until another row is chosen.
    ime(page.procedure_search, " kết hôn")
    assert page.procedure.name.startswith("Đăng ký lại khai sinh")


def test_escape_asks_before_wiping_a_filled_form(
    desktop: Any, qtbot: Any, idle: Any, ime: Any, answer: Any
) -> None:
    page = _page(desktop, idle)
    # An empty form is simply cleared: nothing to lose, nothing asked.
    asked = answer(lambda box: QTest.keyClick(box, Qt.Key.Key_Escape), within_ms=300)
    QTest.keyClick(page.procedure_search, Qt.Key.Key_Escape)
    qtbot.wait(400)
    assert asked == []
    ime(page.name_edit, NAME)
    ime(page.address_edit, "Thôn Đoài, xã Đông Anh")
    # Esc, then Enter on the question: the safe answer (keep typing) is the default.
    asked = answer(lambda box: QTest.keyClick(box.focusWidget() or box, Qt.Key.Key_Return))
    QTest.keyClick(page.address_edit, Qt.Key.Key_Escape)
    assert len(asked) == 1 and isinstance(asked[0], QMessageBox)
    assert "chưa được lưu và sẽ bị xoá" in asked[0].text()
    assert page.name_edit.text() == NAME and page.address_edit.text() == "Thôn Đoài, xã Đông Anh"

    def wipe(box: Any) -> None:
        wipe_button = next(b for b in box.findChildren(QPushButton) if b.text().startswith("Xoá"))
        QTest.keyClick(wipe_button, Qt.Key.Key_Space)

    asked = answer(wipe)
    QTest.keyClick(page.name_edit, Qt.Key.Key_Escape)
    assert len(asked) == 1
    assert page.name_edit.text() == "" and page.address_edit.text() == ""
    assert page.procedure_search.hasFocus()


def test_tab_walks_out_of_the_papers_to_save_and_enter_saves(
    desktop: Any, qtbot: Any, idle: Any, ime: Any
) -> None:
    page = _page(desktop, idle)
    ime(page.procedure_search, "dang ky khai sinh")
    QTest.keyClick(page.procedure_search, Qt.Key.Key_Return)
    ime(page.name_edit, NAME)
    ime(page.id_edit, ID_NUMBER)
    ime(page.address_edit, "Thôn Đoài")
    visited = []
    for _ in range(30):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget())
        if QApplication.focusWidget() is page.save_button:
            break
    assert page.save_button.hasFocus(), [type(w).__name__ for w in visited]
    assert page.papers_table in visited and page.clear_button in visited
    QTest.keyClick(page.save_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.last_slip is not None, timeout=10_000)
    assert _dossiers(desktop) == 1


def test_success_warning_and_error_each_have_their_own_look(
    desktop: Any, qtbot: Any, idle: Any, ime: Any
) -> None:
    page = _page(desktop, idle)
    QTest.keyClick(page.procedure_search, Qt.Key.Key_Return)  # nothing typed: nothing chosen
    QTest.keyClick(page.procedure_search, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert message_kind(page.form_error) == "error" and page.form_error.text().startswith("✗")
    ime(page.procedure_search, "zzzz")
    QTest.keyClick(page.procedure_search, Qt.Key.Key_Return)
    assert message_kind(page.form_error) == "warning" and page.form_error.text().startswith("⚠")
    page.procedure_search.clear()
    ime(page.procedure_search, "chung thuc chu ky")
    QTest.keyClick(page.procedure_search, Qt.Key.Key_Return)
    ime(page.name_edit, "Lê Văn Tám")
    ime(page.id_edit, ID_NUMBER)
    QTest.keyClick(page.id_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.last_slip is not None, timeout=10_000)
    assert message_kind(page.form_error) == "ok"
    assert page.form_error.text() == f"✓ Đã lưu hồ sơ {page.last_dossier.code}."
    sheet = desktop.window.styleSheet()
    for role in ("ok", "warning", "failure"):
        assert f'QLabel[role="{role}"]' in sheet

    settings = desktop.window.show_page("settings")
    qtbot.waitUntil(lambda: settings.settings is not None, timeout=10_000)
    with qtbot.waitSignal(settings.saved, timeout=10_000):
        QTest.keyClick(settings.save_button, Qt.Key.Key_Space)
    assert message_kind(settings.message) == "ok" and "Đã lưu cài đặt." in settings.message.text()
    ime(settings.days_off_edit, "31/02/2027")  # no such day
    QTest.keyClick(settings.save_button, Qt.Key.Key_Space)
    assert message_kind(settings.message) == "error" and "dd/mm/yyyy" in settings.message.text()


def test_the_phone_message_names_the_rule_that_is_broken(desktop: Any, idle: Any, ime: Any) -> None:
    page = _page(desktop, idle)
    ime(page.phone_edit, "0123456789")
    assert "Đầu số 012" in page.phone_error.text()
    assert "10" not in page.phone_error.text()  # the length is right; the network is not
    page.phone_edit.clear()
    ime(page.phone_edit, "091234567")
    QTest.keyClick(page.phone_edit, Qt.Key.Key_Return)  # saving checks every field
    assert page.phone_error.text() == "Số di động gồm 10 chữ số."
    page.phone_edit.clear()
    ime(page.phone_edit, "+84 912 345 678")
    assert page.phone_error.text() == ""


def test_the_date_of_birth_is_typed_checked_against_the_cccd_and_saved(
    desktop: Any, qtbot: Any, idle: Any, ime: Any
) -> None:
    """ID_NUMBER says born in 1990: a 1987 date is refused next to the field, 1990 is kept."""
    page = _page(desktop, idle)
    ime(page.procedure_search, "dang ky khai sinh")
    QTest.keyClick(page.procedure_search, Qt.Key.Key_Return)
    ime(page.name_edit, NAME)
    QTest.keyClick(page.name_edit, Qt.Key.Key_Tab)
    ime(page.id_edit, ID_NUMBER)
    QTest.keyClick(page.id_edit, Qt.Key.Key_Tab)
    assert page.birth_edit.hasFocus()  # the date of birth comes right after the number
    ime(page.birth_edit, "05/09/1987")
    assert page.birth_error.text() == "Năm sinh không khớp với số CCCD."
    QTest.keyClick(page.birth_edit, Qt.Key.Key_Return)
    idle(desktop)
    assert _dossiers(desktop) == 0 and page.birth_edit.hasFocus()
    assert page.name_edit.text() == NAME  # nothing typed is lost
    page.birth_edit.clear()
    ime(page.birth_edit, "5.9.19")  # half-typed: no complaint yet
    assert page.birth_error.text() == ""
    QTest.keyClick(page.birth_edit, Qt.Key.Key_Return)  # saving checks it: still not a date
    assert page.birth_error.text() == "Ngày sinh ghi ngày/tháng/năm, ví dụ 05/09/1987."
    assert _dossiers(desktop) == 0
    page.birth_edit.clear()
    ime(page.birth_edit, "5-9-1990")
    assert page.birth_error.text() == ""
    QTest.keyClick(page.birth_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.last_slip is not None, timeout=10_000)
    saved = desktop.call_on_store(lambda: desktop.ctx.services.get_dossier(page.last_dossier.id))
    assert saved.date_of_birth == date(1990, 9, 5)
    assert page.birth_edit.text() == ""  # cleared for the next citizen
