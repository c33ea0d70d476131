"""The dossier list and its detail, driven with real keys and a Vietnamese input method:
the detail never outlives its row, every step asks first and names its consequence, a
mistaken step is corrected by an audited new step, the keyboard reaches every action,
the code and due time are never cut, and counts are the true number of matches."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QPushButton

from commune_desk.domain.dossier import DossierStatus, EventKind
from commune_desk.services.values import DossierQuery, NewDossier

SIZE = (1366, 768)


def _register(desktop: Any, *steps: tuple[str, str], **values: Any) -> Any:
    """A dossier received at this counter, walked through ``steps`` ((kind, note) pairs)."""
    services = desktop.ctx.services
    fields = {
        "procedure_code": "HT-GH",
        "applicant_name": "Lò Văn Páo",
        "applicant_id_number": "001090012345",
        "received_by": "Nguyễn Thu Hà",
        **values,
    }

    def work() -> Any:
        summary = services.register_dossier(NewDossier(**fields)).value.summary
        for kind, note in steps:
            services.record_event(summary.id, kind, note=note, actor="Nguyễn Thu Hà")
        return services.get_dossier(summary.id).summary

    return desktop.call_on_store(work)


def _column(page: Any, title: str) -> int:
    """The list's column headed ``title``."""
    model = page.table.model()
    return next(
        c for c in range(model.columnCount()) if model.headerData(c, Qt.Orientation.Horizontal) == title
    )


def _row(page: Any, dossier_id: str) -> int:
    """The list's row showing ``dossier_id`` (-1 when not loaded)."""
    return next((n for n, r in enumerate(page.model.rows) if r.id == dossier_id), -1)


def _status(desktop: Any, dossier_id: str) -> DossierStatus:
    return desktop.call_on_store(lambda: desktop.ctx.services.get_dossier(dossier_id).summary.status)


def _open(desktop: Any, qtbot: Any, idle: Any, ime: Any, code: str) -> Any:
    """The dossiers page at 1366×768, the dossier found by typing its code."""
    desktop.window.resize(*SIZE)
    page = desktop.window.show_page("dossiers")
    page.detail.slip_action = "none"
    idle(desktop)
    page.search_edit.clear()
    ime(page.search_edit, code)
    QTest.keyClick(page.search_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: page.detail.detail is not None and page.detail.detail.summary.code == code, timeout=10_000
    )
    idle(desktop)
    return page


def _tab_to(qtbot: Any, start: Any, target: Any, limit: int = 40) -> None:
    """Press Tab from ``start`` until ``target`` has the keyboard."""
    start.setFocus()
    for _ in range(limit):
        if QApplication.focusWidget() is target:
            return
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is target, f"Tab never reached {target.text()!r}"


def test_the_detail_empties_when_its_row_leaves_the_list(
    desktop: Any, qtbot: Any, idle: Any, ime: Any
) -> None:
    summary = _register(desktop)
    page = _open(desktop, qtbot, idle, ime, summary.code)
    detail = page.detail
    assert detail.actions_box.isEnabled() and detail.action_buttons
    # Another search that still lists it keeps it shown.
    page.search_edit.clear()
    ime(page.search_edit, "Lò Văn")
    QTest.keyClick(page.search_edit, Qt.Key.Key_Return)
    idle(desktop)
    qtbot.waitUntil(lambda: detail.detail is not None, timeout=10_000)
    assert page.table.currentIndex().row() == _row(page, summary.id)
    # A search with no result: the panel is empty and nothing can be recorded.
    page.search_edit.clear()
    ime(page.search_edit, "zzzz")
    QTest.keyClick(page.search_edit, Qt.Key.Key_Return)
    idle(desktop)
    assert page.model.rowCount() == 0
    assert detail.detail is None and not detail.actions_box.isEnabled()
    assert not detail.action_buttons and not detail.receipt_button.isEnabled()
    assert "không có trong các dòng đang hiển thị" in detail.heading.text()
    # Same with a filter ticked from the keyboard: this dossier is not overdue.
    page.search_edit.clear()
    QTest.keyClick(page.search_edit, Qt.Key.Key_Return)
    idle(desktop)
    page.table.selectRow(_row(page, summary.id))
    qtbot.waitUntil(lambda: detail.detail is not None, timeout=10_000)
    page.overdue_check.setFocus()
    QTest.keyClick(page.overdue_check, Qt.Key.Key_Space)
    idle(desktop)
    assert page.overdue_check.isChecked()
    assert detail.detail is None and not detail.action_buttons


STEPS = [
    # (step, how the dossier got where the step is allowed, words of its consequence)
    (EventKind.RESULT_READY, [], "«Có kết quả»"),
    (EventKind.RETURNED, [("result_ready", "")], "Hồ sơ kết thúc"),
    (EventKind.SUPPLEMENT_RECEIVED, [("supplement_requested", "Thiếu tờ khai")], "tính lại"),
    (EventKind.PAYMENT_REQUESTED, [], "«Chờ nộp phí»"),
    (EventKind.PAID, [("payment_requested", "")], "đã nộp phí"),
]


@pytest.mark.parametrize(("kind", "path", "words"), STEPS, ids=[k.value for k, _p, _w in STEPS])
def test_each_step_asks_first_and_names_its_consequence(
    desktop: Any,
    qtbot: Any,
    idle: Any,
    ime: Any,
    answer: Any,
    kind: EventKind,
    path: list[tuple[str, str]],
    words: str,
) -> None:
    summary = _register(desktop, *path)
    page = _open(desktop, qtbot, idle, ime, summary.code)
    button = page.detail.action_buttons[kind.value]
    # Esc on the question: nothing is recorded.
    asked = answer(lambda dialog: QTest.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Escape))
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)  # a click: the keyboard has its own test
    assert len(asked) == 1 and isinstance(asked[0], QDialog)
    assert words in asked[0].consequence.text()
    assert any(summary.code in label.text() for label in asked[0].findChildren(QLabel))
    idle(desktop)
    assert _status(desktop, summary.id) == summary.status
    # Confirmed with its own button: recorded.
    asked = answer(lambda dialog: QTest.keyClick(dialog.accept_button, Qt.Key.Key_Space))
    QTest.mouseClick(page.detail.action_buttons[kind.value], Qt.MouseButton.LeftButton)
    idle(desktop)
    assert len(asked) == 1
    qtbot.waitUntil(lambda: _status(desktop, summary.id) != summary.status, timeout=10_000)


def test_enter_does_not_end_a_dossier_by_accident_and_a_return_can_be_corrected(
    desktop: Any, qtbot: Any, idle: Any, ime: Any, answer: Any
) -> None:
    summary = _register(desktop, ("result_ready", ""))
    page = _open(desktop, qtbot, idle, ime, summary.code)
    detail = page.detail
    button = detail.action_buttons["returned"]
    _tab_to(qtbot, page.table, button)
    asked = answer(lambda dialog: QTest.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return))
    QTest.keyClick(button, Qt.Key.Key_Return)
    assert len(asked) == 1 and asked[0].result() == QDialog.DialogCode.Rejected
    idle(desktop)
    assert _status(desktop, summary.id) == DossierStatus.RESULT_READY
    answer(lambda dialog: QTest.keyClick(dialog.accept_button, Qt.Key.Key_Return))
    QTest.keyClick(detail.action_buttons["returned"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "undo_returned" in detail.action_buttons, timeout=10_000)
    idle(desktop)  # the panel shows the recorded step, then refreshes once more from the broadcast
    assert _status(desktop, summary.id) == DossierStatus.RETURNED
    correction = detail.action_buttons["undo_returned"]
    assert correction.text().startswith("Đính chính")

    def give_reason(dialog: Any) -> None:
        QTest.keyClick(dialog.accept_button, Qt.Key.Key_Return)  # no reason yet: refused
        assert "lý do đính chính" in dialog.error.text() and dialog.isVisible()
        ime(dialog.note, "Bấm nhầm, công dân chưa đến nhận")
        QTest.keyClick(dialog.accept_button, Qt.Key.Key_Return)

    asked = answer(give_reason)
    _tab_to(qtbot, page.table, correction)
    QTest.keyClick(correction, Qt.Key.Key_Space)
    assert "trở lại trạng thái «Có kết quả»" in asked[0].consequence.text()
    qtbot.waitUntil(lambda: _status(desktop, summary.id) == DossierStatus.RESULT_READY, timeout=10_000)
    history = detail.history
    qtbot.waitUntil(lambda: history.rowCount() == 4, timeout=10_000)
    assert history.item(3, 1).text() == "Đính chính: chưa trả kết quả\nBấm nhầm, công dân chưa đến nhận"
    assert history.item(2, 1).text() == "Trả kết quả"  # the mistake stays on record


def test_escape_over_a_typed_reason_asks_before_dropping_it(
    desktop: Any, qtbot: Any, idle: Any, ime: Any, answer: Any
) -> None:
    summary = _register(desktop)
    page = _open(desktop, qtbot, idle, ime, summary.code)
    kept: list[str] = []

    def inside(dialog: Any) -> None:
        ime(dialog.note, "Thiếu bản sao giấy chứng sinh")
        # First Esc: the question's default answer is "keep typing".
        answer(lambda box: QTest.keyClick(box.focusWidget() or box, Qt.Key.Key_Return))
        QTest.keyClick(dialog.note, Qt.Key.Key_Escape)
        kept.append(dialog.note.toPlainText() if dialog.isVisible() else "")

        def drop(box: Any) -> None:
            button = next(b for b in box.findChildren(QPushButton) if b.text().startswith("Bỏ"))
            QTest.keyClick(button, Qt.Key.Key_Space)

        answer(drop)
        QTest.keyClick(dialog.note, Qt.Key.Key_Escape)

    asked = answer(inside)
    button = page.detail.action_buttons["supplement_requested"]
    QTest.keyClick(button, Qt.Key.Key_Space)
    assert len(asked) == 1 and kept == ["Thiếu bản sao giấy chứng sinh"]
    assert asked[0].result() == QDialog.DialogCode.Rejected
    idle(desktop)
    assert _status(desktop, summary.id) == DossierStatus.ACCEPTED


def test_tab_leaves_the_list_for_the_detail_actions(desktop: Any, qtbot: Any, idle: Any, ime: Any) -> None:
    summary = _register(desktop)
    page = _open(desktop, qtbot, idle, ime, summary.code)
    page.table.setFocus()
    QTest.keyClick(page.table, Qt.Key.Key_Tab)
    first = next(iter(page.detail.action_buttons.values()))
    assert QApplication.focusWidget() is first
    # Enter on a row of the list also goes straight to its actions.
    page.table.setFocus()
    QTest.keyClick(page.table, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is first


def test_the_full_code_the_due_time_and_the_legal_reason_are_never_cut(
    desktop: Any, qtbot: Any, idle: Any, ime: Any
) -> None:
    reason = (
        "Thiếu bản sao có chứng thực giấy khai sinh của người được giám hộ và văn bản thoả thuận "
        "cử người giám hộ có chữ ký của các bên liên quan"
    )
    summary = _register(desktop, ("supplement_requested", reason))
    page = _open(desktop, qtbot, idle, ime, summary.code)
    table = page.table
    metrics = table.fontMetrics()
    row = _row(page, summary.id)
    for key, title in (("code", "Mã hồ sơ"), ("appointment", "Hẹn trả")):
        column = _column(page, title)
        text = page.model.index(row, column).data()
        # The appointment shows its time to the minute (whatever the time of day the test runs).
        assert text and (key != "appointment" or re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", text)), text
        assert not table.isColumnHidden(column)
        assert metrics.horizontalAdvance(text) + 8 <= table.columnWidth(column), (key, text)
        right = table.columnViewportPosition(column) + table.columnWidth(column)
        assert right <= table.viewport().width(), f"{key} column off screen at 1366 px"
    history = page.detail.history
    note = history.item(1, 1)
    assert note.text() == "Yêu cầu bổ sung\n" + reason
    rect = history.visualItemRect(note)
    needed = (
        history.fontMetrics()
        .boundingRect(0, 0, rect.width() - 8, 10_000, int(Qt.TextFlag.TextWordWrap), note.text())
        .height()
    )
    assert rect.height() >= needed, "the legal reason is cut"
    assert rect.right() <= history.viewport().width()


def test_the_clerk_chooses_the_columns_and_they_are_kept(
    make_desktop: Any, qtbot: Any, idle: Any, answer: Any
) -> None:
    desktop = make_desktop()
    page = desktop.window.show_page("dossiers")
    idle(desktop)
    id_column = _column(page, "Số CCCD")
    assert page.table.isColumnHidden(id_column)

    def tick_id_number(menu: Any) -> None:
        for _ in range(page.table.model().columnCount()):  # the code's line is greyed: Down skips it
            QTest.keyClick(menu, Qt.Key.Key_Down)
            if menu.activeAction() is not None and menu.activeAction().text() == "Số CCCD":
                break
        QTest.keyClick(menu, Qt.Key.Key_Return)

    opened = answer(tick_id_number, popup=True)
    page.columns_button.setFocus()
    QTest.keyClick(page.columns_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    qtbot.waitUntil(lambda: not page.table.isColumnHidden(id_column), timeout=5000)
    stored = json.loads(desktop.paths.settings_path.read_text(encoding="utf-8"))
    assert "id_number" in stored["ui"]["dossier_columns"]
    desktop.close()
    again = make_desktop()
    page = again.window.show_page("dossiers")
    assert not page.table.isColumnHidden(id_column)
    assert page.visible_columns()[0] == "code"


def test_search_counts_every_match_and_combines_with_due_today(
    desktop: Any, qtbot: Any, idle: Any, ime: Any
) -> None:
    services = desktop.ctx.services

    def fill() -> None:
        for i in range(520):
            services.register_dossier(
                NewDossier(
                    procedure_code="HT-KS" if i % 2 else "HT-GH",
                    applicant_name=f"Nguyễn Văn Số {i}",
                    applicant_id_number="001090012345",
                    received_by="Nguyễn Thu Hà",
                )
            )
        services.register_dossier(
            NewDossier(
                procedure_code="HT-GH",
                applicant_name="Trần Thị Lan",
                applicant_id_number="001090012345",
            )
        )

    desktop.call_on_store(fill)
    page = desktop.window.show_page("dossiers")
    idle(desktop)
    ime(page.search_edit, "nguyen")
    QTest.keyClick(page.search_edit, Qt.Key.Key_Return)
    idle(desktop)
    assert page.count_label.text().startswith("520 hồ sơ"), page.count_label.text()
    page.due_today_check.setFocus()
    QTest.keyClick(page.due_today_check, Qt.Key.Key_Space)
    idle(desktop)
    due = desktop.call_on_store(
        lambda: services.count_dossiers(DossierQuery(due_today=True), text_query="nguyen")
    )
    assert due < 520  # the HT-GH half is due in three working days
    assert page.count_label.text().startswith(f"{due} hồ sơ"), page.count_label.text()
    assert all("Nguyễn" in r.applicant_name for r in page.model.rows)
    assert len(page.model.rows) == min(due, 200)


def test_what_citizens_typed_is_shown_as_typed(desktop: Any, qtbot: Any, idle: Any, ime: Any) -> None:
    summary = _register(desktop, applicant_address="<ngõ 3> & số 5 ‹phố Huế›")
    page = _open(desktop, qtbot, idle, ime, summary.code)
    document = QTextDocument()
    document.setHtml(page.detail.info.text())
    assert "<ngõ 3> & số 5 ‹phố Huế›" in document.toPlainText()


def test_a_step_confirmed_while_a_sync_refreshes_the_list_is_still_recorded(
    desktop: Any, qtbot: Any, idle: Any, ime: Any, answer: Any
) -> None:
    from commune_desk.ui.qt_compat import emit
    from commune_desk.ui.sync_bridge import pulled_changes

    summary = _register(desktop, ("result_ready", ""))
    page = _open(desktop, qtbot, idle, ime, summary.code)

    def confirm_after_a_pull(dialog: Any) -> None:
        emit(desktop.events.store_changed, pulled_changes())  # what a round that pulled does
        assert page.detail.detail is None  # the list reloads: the panel waits for its row
        QTest.keyClick(dialog.accept_button, Qt.Key.Key_Space)

    answer(confirm_after_a_pull)
    QTest.mouseClick(page.detail.action_buttons["returned"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _status(desktop, summary.id) == DossierStatus.RETURNED, timeout=10_000)


def test_the_conflict_resolver_shows_what_citizens_typed_as_typed(desktop: Any) -> None:
    from types import SimpleNamespace

    from commune_desk.ui.pages.sync_page import ConflictDialog

    field = SimpleNamespace(name="applicant_address", local_value="<ngõ 3> phố Huế", server_value="<ngõ 5>")
    conflict = SimpleNamespace(
        id="c1", entity="dossier", entity_id="0" * 36, label="<b>Lò Văn Páo</b>", fields=[field]
    )
    dialog = ConflictDialog(conflict, desktop.window)
    shown = [
        label.text() for label in dialog.findChildren(QLabel) if label.textFormat() == Qt.TextFormat.PlainText
    ]
    assert "<ngõ 3> phố Huế" in shown and "<ngõ 5>" in shown
    assert any("<b>Lò Văn Páo</b>" in text for text in shown)
    dialog.close()
