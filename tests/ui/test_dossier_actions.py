"""More of the dossier detail: apology slip with a new date, log book, attachments, settings."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from commune_desk.domain.calendar import VN_TZ
from commune_desk.domain.dossier import EventKind
from commune_desk.ui.slips import pdf_page_count, write_pdf


def _one_dossier(desktop: Any) -> Any:
    from commune_desk.services.values import NewDossier

    outcome = desktop.call_on_store(
        lambda: desktop.ctx.services.register_dossier(
            NewDossier(
                procedure_code="HT-GH",
                applicant_name="Lò Văn Páo",
                applicant_id_number="001090012345",
                received_by="Nguyễn Thu Hà",
            )
        )
    )
    return outcome.value.summary


def _open_detail(desktop: Any, qtbot: Any, dossier_id: str) -> Any:
    page = desktop.window.show_page("dossiers")
    detail = page.detail
    detail.slip_action = "none"
    detail.show_dossier(dossier_id)
    qtbot.waitUntil(lambda: detail.detail is not None, timeout=10_000)
    return detail


def test_extension_prints_apology_slip_with_both_dates(desktop: Any, qtbot: Any, tmp_path: Path) -> None:
    summary = _one_dossier(desktop)
    detail = _open_detail(desktop, qtbot, summary.id)
    proposal = desktop.call_on_store(lambda: desktop.ctx.services.propose_apology_date(summary.id))
    new_date = proposal.astimezone(VN_TZ)  # a working moment computed with the calendar
    detail.record(
        EventKind.EXTENDED,
        "Chờ xác minh của cơ quan khác",
        data={"appointment_at": new_date.isoformat(), "fault": "coordinating_agency"},
    )
    qtbot.waitUntil(lambda: detail.last_slip is not None, timeout=10_000)
    slip = detail.last_slip
    assert slip.form == "04"
    lines = dict(slip.lines)
    assert lines["Ngày hẹn mới"] == new_date.strftime("%d/%m/%Y %H:%M")
    assert "Ngày hẹn trước đây" in lines
    assert lines["Nguyên nhân chậm trễ thuộc về"] == "Cơ quan, đơn vị phối hợp giải quyết"
    qtbot.waitUntil(
        lambda: detail.detail.summary.appointment_at.astimezone(VN_TZ) == new_date, timeout=10_000
    )
    pdf = write_pdf(slip, tmp_path / "xin-loi.pdf")
    assert pdf_page_count(pdf) == 1


def test_log_book_for_a_date_range(make_desktop: Any, qtbot: Any, tmp_path: Path) -> None:
    desktop = make_desktop(demo=120)
    page = desktop.window.show_page("dossiers")
    page.last_slip = None
    end = date.today()
    start = end - timedelta(days=800)  # demo dossiers span the last two years
    page.produce_log_book(start, end, preview=False)
    qtbot.waitUntil(lambda: page.last_slip is not None, timeout=10_000)
    slip = page.last_slip
    assert slip.form == "07" and slip.landscape
    assert len(slip.table_rows) == 120
    pdf = write_pdf(slip, tmp_path / "so-theo-doi.pdf")
    assert pdf_page_count(pdf) >= 3  # 120 rows do not fit one A4 page


def test_attach_a_scanned_file(desktop: Any, qtbot: Any, tmp_path: Path) -> None:
    summary = _one_dossier(desktop)
    detail = _open_detail(desktop, qtbot, summary.id)
    scan = tmp_path / "giay-chung-sinh.pdf"
    scan.write_bytes(b"%PDF-1.4 scanned paper\n")
    detail.attach(str(scan))
    qtbot.waitUntil(lambda: detail.attachments.count() == 1, timeout=10_000)
    assert "giay-chung-sinh.pdf" in detail.attachments.item(0).text()
    assert desktop.errors.shown == []


def test_settings_saved_and_first_run_wizard(make_desktop: Any, qtbot: Any, keys: Any) -> None:
    desktop = make_desktop()
    from commune_desk.ui.first_run import FirstRunWizard, needs_first_run

    assert needs_first_run(desktop.ctx)
    wizard = FirstRunWizard(desktop.ctx, desktop.window)
    wizard.show()
    wizard.next()
    form = wizard.office_page.form
    keys(form.unit_name_edit, "UBND phường Hoàn Kiếm")
    keys(form.unit_code_edit, "000.00.01.H26")
    assert wizard.office_page.validatePage(), wizard.office_page.error.text()
    assert not needs_first_run(desktop.ctx)
    assert desktop.ctx.clerk == "Nguyễn Thu Hà"  # whoever signed in, not a typed name
    wizard.close()

    page = desktop.window.show_page("settings")
    qtbot.waitUntil(lambda: page.settings is not None, timeout=10_000)
    assert page.office_form.unit_name_edit.text() == "UBND phường Hoàn Kiếm"
    page.days_off_edit.setPlainText("02/01/2026\n")
    page.language_combo.setCurrentIndex(page.language_combo.findData("en"))
    with qtbot.waitSignal(page.saved, timeout=10_000) as saved:
        page.save()
    assert date(2026, 1, 2) in saved.args[0].extra_days_off
    stored = json.loads(desktop.paths.settings_path.read_text(encoding="utf-8"))
    assert stored["ui"] == {"language": "en"}


def test_bad_unit_code_is_explained_in_the_wizard(make_desktop: Any, keys: Any) -> None:
    desktop = make_desktop()
    from commune_desk.ui.first_run import FirstRunWizard

    wizard = FirstRunWizard(desktop.ctx, desktop.window)
    wizard.show()
    wizard.next()
    form = wizard.office_page.form
    keys(form.unit_name_edit, "UBND xã Thử")
    keys(form.unit_code_edit, "000..H26")
    assert not wizard.office_page.validatePage()
    assert wizard.office_page.error.text() == "Mã đơn vị không hợp lệ."
    wizard.close()
