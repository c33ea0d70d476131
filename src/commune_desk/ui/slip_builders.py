"""Build the :class:`Slip` of each legal form from service values.

Everything printed for a citizen is in office time (UTC+7, whatever the PC's
time zone), lists the papers exactly as received, shows a fee only when it
was checked against current law, and carries in its QR code the office's
tracking link when one is configured (the bare dossier code otherwise).
Forms 02–05 are built from the stored event, so they can be printed again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from PySide6.QtCore import QCoreApplication

from commune_desk.domain.dossier import ApologyFault, EventKind
from commune_desk.ui.format import format_date, format_datetime, local, now_utc
from commune_desk.ui.i18n import QT_TRANSLATE_NOOP
from commune_desk.ui.labels import event_name, paper_form_name, status_name
from commune_desk.ui.slips import Slip

#: Who caused a delay, as form 04 says it.
FAULTS: dict[str, str] = {
    ApologyFault.ONE_STOP: QT_TRANSLATE_NOOP("Slips", "Bộ phận Một cửa"),
    ApologyFault.PROCESSING_AGENCY: QT_TRANSLATE_NOOP("Slips", "Cơ quan, đơn vị giải quyết hồ sơ"),
    ApologyFault.COORDINATING_AGENCY: QT_TRANSLATE_NOOP("Slips", "Cơ quan, đơn vị phối hợp giải quyết"),
}

translate = QCoreApplication.translate


def _tr(text: str) -> str:
    """Translate a string marked with QT_TRANSLATE_NOOP("Slips", ...)."""
    return translate("Slips", text)


def _place_date(office: Any, when: datetime | date | None = None) -> str:
    """ "Place, ngày dd tháng mm năm yyyy" in office time (never the PC's time zone)."""
    when = when or now_utc()
    day = local(when) if isinstance(when, datetime) else when
    return translate("Slips", "{place}, ngày {d} tháng {m} năm {y}").format(
        place=getattr(office, "unit_name", ""), d=f"{day.day:02d}", m=f"{day.month:02d}", y=day.year
    )


def fault_name(fault: str) -> str:
    """Who caused the delay, in the clerk's language."""
    source = FAULTS.get(fault)
    return translate("Slips", source) if source else fault


def tracking_text(office: Any, code: str) -> str:
    """What the QR code holds: the office's tracking link for ``code``, or the bare code."""
    template = getattr(office, "tracking_url", None)
    if not template or "{code}" not in template:
        return code
    return template.replace("{code}", quote(code, safe=""))


def fee_text(detail: Any) -> str:
    """The fee as printed for a citizen: only a fee checked against current law."""
    if not getattr(detail, "fee_verified", True):
        return translate("Slips", "Theo quy định hiện hành")
    return getattr(detail, "fee", "") or translate("Slips", "Không")


def _applicant_lines(summary: Any, detail: Any) -> list[tuple[str, str]]:
    return [
        (translate("Slips", "Người nộp"), summary.applicant_name),
        (translate("Slips", "Số CCCD/CMND"), summary.applicant_id_number),
        (translate("Slips", "Điện thoại"), summary.applicant_phone or ""),
        (translate("Slips", "Địa chỉ"), getattr(detail, "applicant_address", "")),
        (translate("Slips", "Thủ tục"), summary.procedure_name),
    ]


def _papers_rows(detail: Any) -> tuple[tuple[str, ...], ...]:
    papers = received_papers(detail)
    if not papers:
        return ((" ", translate("Slips", "(Không nhận giấy tờ nào)"), "", ""),)
    return tuple(
        (str(index), paper.name, paper_form_name(paper.form), str(paper.count))
        for index, paper in enumerate(papers, start=1)
    )


def received_papers(detail: Any) -> list[Any]:
    """The papers received at the counter, exactly as recorded (``ReceivedPaper`` values)."""
    return list(getattr(detail, "papers", ()) or ())


def receipt_slip(data: Any) -> Slip:
    """Form 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả."""
    detail, office = data.detail, data.office
    summary = detail.summary
    lines = [
        *_applicant_lines(summary, detail),
        (translate("Slips", "Thời điểm tiếp nhận"), format_datetime(summary.received_at)),
        (translate("Slips", "Ngày hẹn trả kết quả"), format_datetime(summary.appointment_at)),
    ]
    extension = getattr(detail, "extension", None)
    if extension is not None:
        lines.append(
            (
                translate("Slips", "Thời hạn kéo dài"),
                translate("Slips", "{name} ({basis})").format(
                    name=extension.name, basis=extension.legal_basis
                ),
            )
        )
    lines += [
        (translate("Slips", "Lệ phí"), fee_text(detail)),
        (translate("Slips", "Cán bộ tiếp nhận"), summary.received_by),
    ]
    return Slip(
        form="01",
        title=translate("Slips", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
        office_name=office.unit_name,
        code=summary.code,
        lines=tuple(lines),
        table_header=(
            translate("Slips", "STT"),
            translate("Slips", "Tên giấy tờ"),
            translate("Slips", "Hình thức"),
            translate("Slips", "Số bản"),
        ),
        table_rows=_papers_rows(detail),
        qr_text=tracking_text(office, summary.code),
        paragraphs=(translate("Slips", "Quét mã QR hoặc dùng mã hồ sơ để tra cứu tình trạng giải quyết."),),
        signatures=(translate("Slips", "Người nộp hồ sơ"), translate("Slips", "Người tiếp nhận")),
        place_date=_place_date(office, summary.received_at),
    )


#: Form number and title of each event that needs a slip.
EVENT_FORMS: dict[str, tuple[str, str]] = {
    EventKind.SUPPLEMENT_REQUESTED: (
        "02",
        QT_TRANSLATE_NOOP("Slips", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    ),
    EventKind.REFUSED: ("03", QT_TRANSLATE_NOOP("Slips", "Phiếu từ chối tiếp nhận giải quyết hồ sơ")),
    EventKind.EXTENDED: ("04", QT_TRANSLATE_NOOP("Slips", "Phiếu xin lỗi và hẹn lại ngày trả kết quả")),
    EventKind.STOPPED: ("05", QT_TRANSLATE_NOOP("Slips", "Thông báo dừng xử lý hồ sơ")),
}


def event_slip(
    data: Any,
    kind: str,
    note: str,
    new_date: datetime | None = None,
    *,
    fault: str = "",
    previous: datetime | None = None,
    at: datetime | None = None,
    clerk: str = "",
) -> Slip:
    """Forms 02–05: the slip the law requires for ``kind``, with the clerk's reason and the
    name of ``clerk``, the person signed in who recorded the step.

    Form 04 says who caused the delay (``fault``), the date promised before
    (``previous``, the dossier's appointment when not given) and the new one.
    ``at`` is when the step was recorded (the slip's date).
    """
    detail, office = data.detail, data.office
    summary = detail.summary
    form, title = EVENT_FORMS[EventKind(kind)]
    lines = _applicant_lines(summary, detail)
    lines.append((translate("Slips", "Ngày tiếp nhận"), format_datetime(summary.received_at)))
    reason_label = {
        "02": translate("Slips", "Nội dung cần bổ sung, hoàn thiện"),
        "03": translate("Slips", "Lý do từ chối"),
        "04": translate("Slips", "Lý do chậm trả kết quả"),
        "05": translate("Slips", "Lý do dừng xử lý"),
    }[form]
    if form == "04":
        before = previous or summary.appointment_at
        lines.append((translate("Slips", "Ngày hẹn trước đây"), format_datetime(before)))
        if new_date is not None:
            lines.append((translate("Slips", "Ngày hẹn mới"), format_datetime(new_date)))
        if fault:
            lines.append((translate("Slips", "Nguyên nhân chậm trễ thuộc về"), fault_name(fault)))
    if clerk:
        lines.append((translate("Slips", "Cán bộ thực hiện"), clerk))
    paragraphs: tuple[str, ...] = (f"{reason_label}: {note}",)
    if form == "04":
        paragraphs += (
            translate(
                "Slips", "Bộ phận một cửa xin lỗi ông/bà vì sự chậm trễ này và hẹn trả kết quả vào ngày mới."
            ),
        )
    return Slip(
        form=form,
        title=_tr(title),
        office_name=office.unit_name,
        code=summary.code,
        lines=tuple(lines),
        paragraphs=paragraphs,
        signatures=(translate("Slips", "Người nộp hồ sơ"), translate("Slips", "Cán bộ một cửa")),
        place_date=_place_date(office, at),
        qr_text=tracking_text(office, summary.code),
    )


def stored_event_slip(data: Any, event: Any) -> Slip:
    """Form 02–05 printed again from the stored event (its reason, dates and fault)."""
    values = dict(getattr(event, "data", None) or {})
    new_date = _moment(values.get("appointment_at"))
    previous = _moment(values.get("previous_appointment_at"))
    return event_slip(
        data,
        event.kind,
        event.note,
        new_date,
        fault=str(values.get("fault", "")),
        previous=previous,
        at=event.at,
        clerk=event.actor,
    )


def _moment(value: object) -> datetime | None:
    """A stored ISO 8601 moment (None when absent or unreadable: the line is then left out)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def reprintable_events(detail: Any) -> list[Any]:
    """The events of a dossier whose slip (forms 02–05) can be printed again, oldest first."""
    return [e for e in getattr(detail, "events", ()) if EventKind(e.kind) in EVENT_FORMS]


def control_slip(data: Any) -> Slip:
    """Form 06: Phiếu kiểm soát quá trình giải quyết hồ sơ (every step with time and person)."""
    detail, office = data.detail, data.office
    summary = detail.summary
    rows = tuple(
        (
            str(index),
            format_datetime(event.at),
            event_name(event.kind),
            event.actor,
            event.note,
        )
        for index, event in enumerate(detail.events, start=1)
    )
    return Slip(
        form="06",
        title=translate("Slips", "Phiếu kiểm soát quá trình giải quyết hồ sơ"),
        office_name=office.unit_name,
        code=summary.code,
        lines=(
            (translate("Slips", "Người nộp"), summary.applicant_name),
            (translate("Slips", "Thủ tục"), summary.procedure_name),
            (translate("Slips", "Ngày hẹn trả kết quả"), format_datetime(summary.appointment_at)),
            (translate("Slips", "Trạng thái"), status_name(summary.status)),
        ),
        table_header=(
            translate("Slips", "STT"),
            translate("Slips", "Thời gian"),
            translate("Slips", "Bước"),
            translate("Slips", "Người thực hiện"),
            translate("Slips", "Ghi chú"),
        ),
        table_rows=rows,
        place_date=_place_date(office),
    )


def log_book_slip(office: Any, rows: Sequence[Any], start: date, end: date) -> Slip:
    """Form 07: Sổ theo dõi hồ sơ, A4 landscape, for a date range."""
    table = tuple(
        (
            str(index),
            row.code,
            row.applicant_name,
            row.procedure_name,
            format_datetime(row.received_at),
            format_datetime(row.appointment_at),
            status_name(row.status),
            row.received_by,
        )
        for index, row in enumerate(rows, start=1)
    )
    return Slip(
        form="07",
        title=translate("Slips", "Sổ theo dõi hồ sơ"),
        office_name=office.unit_name,
        lines=(
            (translate("Slips", "Từ ngày"), format_date(start)),
            (translate("Slips", "Đến ngày"), format_date(end)),
            (translate("Slips", "Số hồ sơ"), str(len(table))),
        ),
        table_header=(
            translate("Slips", "STT"),
            translate("Slips", "Mã hồ sơ"),
            translate("Slips", "Người nộp"),
            translate("Slips", "Thủ tục"),
            translate("Slips", "Tiếp nhận"),
            translate("Slips", "Hẹn trả"),
            translate("Slips", "Trạng thái"),
            translate("Slips", "Cán bộ"),
        ),
        table_rows=table,
        landscape=True,
        qr=False,
        place_date=_place_date(office),
    )


def register_slip(office: Any, title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Slip:
    """A printed register book (incoming or outgoing documents), A4 landscape."""
    return Slip(
        form="",
        title=title,
        office_name=office.unit_name,
        table_header=tuple(header),
        table_rows=tuple(tuple(r) for r in rows),
        landscape=True,
        qr=False,
        place_date=_place_date(office),
    )
