"""Slips as the law and the citizen need them: office time, verified fees, tracking link,
form 04 with who is at fault, and forms 02–05 printed again from the stored step."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from commune_desk.domain.calendar import VN_TZ as DOMAIN_TZ
from commune_desk.domain.dossier import EventKind
from commune_desk.services import NewDossier, OfficeSettings
from commune_desk.ui import api, slip_builders
from commune_desk.ui.event_forms import ApologyDialog
from commune_desk.ui.format import VN_TZ


@pytest.fixture
def pc_in_new_york() -> Iterator[None]:
    """A PC whose time zone is not the office's."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    yield
    if before is None:
        os.environ.pop("TZ")
    else:
        os.environ["TZ"] = before
    time.tzset()


def _dossier(desktop: Any, procedure: str = "HT-GH", received_at: datetime | None = None) -> Any:
    new = NewDossier(
        procedure_code=procedure,
        applicant_name="Lò Văn Páo",
        applicant_id_number="001090012345",
        received_by="Nguyễn Thu Hà",
        received_at=received_at,
    )
    return desktop.call_on_store(lambda: desktop.ctx.services.register_dossier(new)).value


def _slip_data(desktop: Any, dossier_id: str) -> Any:
    return desktop.call_on_store(lambda: api.receipt_slip_data(desktop.ctx.services, dossier_id))


def test_the_office_time_zone_is_one_value() -> None:
    assert VN_TZ.utcoffset(None) == DOMAIN_TZ.utcoffset(None)


def test_place_and_date_are_in_office_time_on_a_pc_set_elsewhere(desktop: Any, pc_in_new_york: None) -> None:
    # 06:30 on 11 March at the office is still 10 March in UTC and in New York
    detail = _dossier(desktop, received_at=datetime(2026, 3, 11, 6, 30, tzinfo=VN_TZ))
    slip = slip_builders.receipt_slip(_slip_data(desktop, detail.summary.id))
    assert slip.place_date.endswith("ngày 11 tháng 03 năm 2026")
    assert dict(slip.lines)["Thời điểm tiếp nhận"] == "11/03/2026 06:30"


def test_only_verified_fees_reach_the_citizen(desktop: Any) -> None:
    unverified = slip_builders.receipt_slip(_slip_data(desktop, _dossier(desktop, "HT-XNHN").summary.id))
    fee = dict(unverified.lines)["Lệ phí"]
    assert "xác minh" not in fee and fee == "Theo quy định hiện hành"
    verified = slip_builders.receipt_slip(_slip_data(desktop, _dossier(desktop, "CT-CK").summary.id))
    assert dict(verified.lines)["Lệ phí"] == "10.000 đ/trường hợp"


def test_the_qr_code_holds_the_tracking_link_when_the_office_has_one(desktop: Any) -> None:
    detail = _dossier(desktop)
    assert slip_builders.receipt_slip(_slip_data(desktop, detail.summary.id)).qr_text == detail.summary.code
    services = desktop.ctx.services
    settings = desktop.call_on_store(services.get_settings)
    desktop.call_on_store(
        lambda: services.update_settings(
            OfficeSettings(
                unit_code=settings.unit_code,
                unit_name=settings.unit_name,
                counter_slot=settings.counter_slot,
                tracking_url="https://dichvucong.hanoi.gov.vn/tra-cuu?ma={code}",
            )
        )
    )
    slip = slip_builders.receipt_slip(_slip_data(desktop, detail.summary.id))
    assert slip.qr_text == f"https://dichvucong.hanoi.gov.vn/tra-cuu?ma={detail.summary.code}"
    assert slip.code == detail.summary.code  # the code is still printed for the counter


def test_form_04_asks_who_is_at_fault_and_proposes_a_calendar_date(
    desktop: Any, qtbot: Any, keys: Any
) -> None:
    detail = _dossier(desktop)
    proposal = desktop.call_on_store(lambda: desktop.ctx.services.propose_apology_date(detail.summary.id))
    calendar = desktop.call_on_store(lambda: desktop.ctx.services._calendar())  # noqa: SLF001
    assert calendar.is_working_day(proposal.astimezone(VN_TZ).date())
    assert proposal > detail.summary.appointment_at
    dialog = ApologyDialog(detail, proposal, None)
    dialog.show()
    keys(dialog.note, "Chờ ý kiến của Phòng Tư pháp")
    dialog._accept()  # noqa: SLF001 - without a fault the dialog refuses
    assert dialog.result() == 0 and "chậm trễ" in dialog.error.text()
    dialog.fault.setCurrentIndex(dialog.fault.findData("processing_agency"))
    dialog._accept()  # noqa: SLF001
    note, data = dialog.values()
    assert note == "Chờ ý kiến của Phòng Tư pháp"
    assert data["fault"] == "processing_agency"
    assert datetime.fromisoformat(data["appointment_at"]) == proposal.astimezone(VN_TZ).replace(
        second=0, microsecond=0
    )


def test_a_sunday_promised_by_hand_is_refused_with_a_sentence(desktop: Any) -> None:
    detail = _dossier(desktop, received_at=datetime(2026, 3, 10, 9, tzinfo=VN_TZ))
    from commune_desk.domain.errors import ValidationError

    with pytest.raises(ValidationError) as err:
        desktop.call_on_store(
            lambda: desktop.ctx.services.record_event(
                detail.summary.id,
                EventKind.EXTENDED,
                note="x",
                data={"appointment_at": "2026-03-15T10:00:00+07:00", "fault": "one_stop"},
            )
        )
    from commune_desk.ui.errors import message_for

    assert message_for(err.value) == "Ngày hẹn mới (2026-03-15) là ngày nghỉ; hãy chọn một ngày làm việc."


def test_slips_02_to_05_are_printed_again_from_the_selected_step(desktop: Any, qtbot: Any, idle: Any) -> None:
    detail = _dossier(desktop)
    services = desktop.ctx.services
    desktop.call_on_store(
        lambda: services.record_event(
            detail.summary.id, EventKind.SUPPLEMENT_REQUESTED, note="Thiếu bản sao giấy khai sinh"
        )
    )
    page = desktop.window.show_page("dossiers")
    panel = page.detail
    panel.slip_action = "none"
    panel.show_dossier(detail.summary.id)
    qtbot.waitUntil(lambda: panel.detail is not None and len(panel.detail.events) == 2, timeout=10_000)
    panel.history.setCurrentCell(0, 0)  # "received": no slip 02–05 for it
    panel.reprint_selected_event()
    assert desktop.errors.shown and "02–05" in desktop.errors.shown[-1]
    panel.history.setCurrentCell(1, 0)
    panel.reprint_button.click()
    qtbot.waitUntil(lambda: panel.last_slip is not None, timeout=10_000)
    assert panel.last_slip.form == "02"
    assert panel.last_slip.paragraphs[0].endswith("Thiếu bản sao giấy khai sinh")


def test_the_apology_dialog_is_reached_with_keys(desktop: Any, qtbot: Any, keys: Any) -> None:
    detail = _dossier(desktop)
    page = desktop.window.show_page("dossiers")
    panel = page.detail
    panel.slip_action = "none"
    panel.show_dossier(detail.summary.id)
    qtbot.waitUntil(lambda: panel.detail is not None, timeout=10_000)

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ApologyDialog)
        keys(dialog.note, "Hồ sơ cần lấy ý kiến cơ quan khác")
        dialog.fault.setCurrentIndex(dialog.fault.findData("coordinating_agency"))
        dialog._accept()  # noqa: SLF001

    QTimer.singleShot(300, answer)
    panel.ask_and_record(EventKind.EXTENDED)
    qtbot.waitUntil(lambda: panel.last_slip is not None, timeout=10_000)
    lines = dict(panel.last_slip.lines)
    assert panel.last_slip.form == "04"
    assert lines["Nguyên nhân chậm trễ thuộc về"] == "Cơ quan, đơn vị phối hợp giải quyết"
    assert lines["Ngày hẹn trước đây"] != lines["Ngày hẹn mới"]
