"""The counter's main path, typed like a clerk: intake → slip → search → transition → slip."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from commune_desk.domain.dossier import DossierStatus, EventKind
from commune_desk.ui.slips import pdf_page_count

NAME = "Đặng Thị Đào"
ID_NUMBER = "001190012345"


def _intake(desktop: Any, qtbot: Any, keys: Any, idle: Any) -> Any:
    page = desktop.window.show_page("intake")
    page.slip_action = "none"
    idle(desktop)
    keys(page.procedure_search, "dang ky khai sinh")
    assert page.procedure_list.count() >= 1
    assert page.procedure_list.item(0).text() == "Đăng ký khai sinh"
    assert page.procedure is None  # highlighted, not chosen
    QTest.keyClick(page.procedure_search, Qt.Key.Key_Return)
    assert page.procedure is not None and page.procedure.name == "Đăng ký khai sinh"
    keys(page.name_edit, NAME)
    keys(page.id_edit, ID_NUMBER)
    keys(page.address_edit, "Thôn Đoài, xã Đông Anh")
    assert page.name_edit.text() == NAME
    qtbot.waitUntil(
        lambda: (
            "Ngày hẹn trả:" in page.appointment_label.text()
            and any(c.isdigit() for c in page.appointment_label.text())
        ),
        timeout=5000,
    )
    QTest.keyClick(page.name_edit, Qt.Key.Key_Return)
    try:
        qtbot.waitUntil(lambda: page.last_slip is not None, timeout=10_000)
    except Exception:
        raise AssertionError(
            f"no slip: form={page.form_error.text()!r} id={page.id_error.text()!r} "
            f"name={page.name_error.text()!r} shown={desktop.errors.shown} "
            f"saving={page._saving} procedure={page.procedure}"  # noqa: SLF001
        ) from None
    return page


def test_intake_typed_in_vietnamese_produces_receipt_slip(
    desktop: Any, qtbot: Any, keys: Any, idle: Any, tmp_path: Path
) -> None:
    page = _intake(desktop, qtbot, keys, idle)
    dossier = page.last_dossier
    assert dossier.applicant_name == NAME
    slip = page.last_slip
    assert slip.form == "01" and slip.code == dossier.code
    assert ("Người nộp", NAME) in slip.lines
    pdf = page.save_last_slip_pdf(tmp_path / "giay-tiep-nhan.pdf")
    assert pdf.stat().st_size > 5_000
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf_page_count(pdf) == 1
    # The form is cleared for the next citizen.
    assert page.name_edit.text() == ""
    assert desktop.errors.shown == []


def test_inline_validation_blocks_bad_id(desktop: Any, qtbot: Any, keys: Any, idle: Any) -> None:
    page = desktop.window.show_page("intake")
    page.slip_action = "none"
    idle(desktop)
    keys(page.procedure_search, "chung thuc chu ky")
    QTest.keyClick(page.procedure_search, Qt.Key.Key_Return)
    keys(page.name_edit, "Lê Văn Tám")
    keys(page.id_edit, "12345")
    page.save()
    assert "12 chữ số" in page.id_error.text()
    assert page.id_edit.hasFocus()
    assert page.last_slip is None


def test_search_without_diacritics_then_transition_with_slip(
    desktop: Any, qtbot: Any, keys: Any, idle: Any, tmp_path: Path
) -> None:
    intake = _intake(desktop, qtbot, keys, idle)
    code = intake.last_dossier.code
    page = desktop.window.show_page("dossiers")
    idle(desktop)
    keys(page.search_edit, "dang thi dao")
    qtbot.waitUntil(lambda: page.model.text == "dang thi dao" and page.model.rowCount() == 1, timeout=10_000)
    row = page.model.rows[0]
    assert row.applicant_name == NAME and row.code == code
    detail = page.detail
    detail.slip_action = "none"
    qtbot.waitUntil(lambda: detail.detail is not None, timeout=10_000)
    assert "supplement_requested" in detail.action_buttons
    assert "returned" not in detail.action_buttons  # only what the state machine allows
    detail.record(EventKind.SUPPLEMENT_REQUESTED, "Thiếu bản sao giấy chứng sinh")
    qtbot.waitUntil(lambda: detail.last_slip is not None, timeout=10_000)
    slip = detail.last_slip
    assert slip.form == "02" and slip.code == code
    assert any("Thiếu bản sao giấy chứng sinh" in p for p in slip.paragraphs)
    pdf = tmp_path / "phieu-bo-sung.pdf"
    from commune_desk.ui.slips import write_pdf

    write_pdf(slip, pdf)
    assert pdf_page_count(pdf) == 1
    qtbot.waitUntil(
        lambda: detail.detail.summary.status == DossierStatus.SUPPLEMENT_REQUESTED, timeout=10_000
    )
    # The list row refreshed itself from the store-changed broadcast.
    qtbot.waitUntil(lambda: page.model.rows[0].status == DossierStatus.SUPPLEMENT_REQUESTED, timeout=10_000)
    # Control slip (06) lists both steps.
    detail.produce_slip("06")
    qtbot.waitUntil(lambda: detail.last_slip.form == "06", timeout=10_000)
    assert len(detail.last_slip.table_rows) == 2
    assert desktop.errors.shown == []


def test_illegal_transition_is_explained_not_crashed(desktop: Any, qtbot: Any, keys: Any, idle: Any) -> None:
    intake = _intake(desktop, qtbot, keys, idle)
    page = desktop.window.show_page("dossiers")
    detail = page.detail
    detail.slip_action = "none"
    detail.show_dossier(intake.last_dossier.id)
    qtbot.waitUntil(lambda: detail.detail is not None, timeout=10_000)
    detail.record(EventKind.RETURNED)  # not allowed before the result is ready
    qtbot.waitUntil(lambda: bool(desktop.errors.shown), timeout=10_000)
    assert "trạng thái hiện tại" in desktop.errors.shown[-1]
