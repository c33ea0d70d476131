"""Build the :class:`Slip` of each legal form from service values."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QCoreApplication

from commune_desk.domain.dossier import EventKind
from commune_desk.ui.format import format_date, format_datetime
from commune_desk.ui.labels import event_name, paper_form_name, status_name
from commune_desk.ui.slips import Slip

_CTX = "Slips"


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CTX, text)


def _place_date(office: Any, when: datetime | date | None = None) -> str:
    when = when or datetime.now()
    day = when.astimezone() if isinstance(when, datetime) and when.tzinfo else when
    return _tr("{place}, ngày {d} tháng {m} năm {y}").format(
        place=getattr(office, "unit_name", ""), d=f"{day.day:02d}", m=f"{day.month:02d}", y=day.year
    )


def _applicant_lines(summary: Any, detail: Any) -> list[tuple[str, str]]:
    return [
        (_tr("Người nộp"), summary.applicant_name),
        (_tr("Số CCCD/CMND"), summary.applicant_id_number),
        (_tr("Điện thoại"), summary.applicant_phone or ""),
        (_tr("Địa chỉ"), getattr(detail, "applicant_address", "")),
        (_tr("Thủ tục"), summary.procedure_name),
    ]


def _papers_rows(detail: Any) -> tuple[tuple[str, ...], ...]:
    rows: list[tuple[str, ...]] = []
    papers = _received_papers(detail)
    for index, (name, form) in enumerate(papers, start=1):
        rows.append((str(index), name, paper_form_name(form)))
    return tuple(rows)


def _received_papers(detail: Any) -> list[tuple[str, str]]:
    """Papers as recorded at intake (``name [form]`` lines), else the procedure's list."""
    papers: list[tuple[str, str]] = []
    for line in (getattr(detail, "notes", "") or "").splitlines():
        if line.endswith("]") and " [" in line:
            name, form = line[:-1].rsplit(" [", 1)
            papers.append((name, form))
    if not papers:
        papers = [(str(p), "original") for p in getattr(detail, "required_papers", ())]
    return papers


def receipt_slip(data: Any) -> Slip:
    """Form 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả."""
    detail, office = data.detail, data.office
    summary = detail.summary
    lines = [
        *_applicant_lines(summary, detail),
        (_tr("Thời điểm tiếp nhận"), format_datetime(summary.received_at)),
        (_tr("Ngày hẹn trả kết quả"), format_datetime(summary.appointment_at)),
        (_tr("Lệ phí"), getattr(detail, "fee", "") or _tr("Không")),
        (_tr("Cán bộ tiếp nhận"), summary.received_by),
    ]
    return Slip(
        form="01",
        title=_tr("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
        office_name=office.unit_name,
        code=summary.code,
        lines=tuple(lines),
        table_header=(_tr("STT"), _tr("Tên giấy tờ"), _tr("Hình thức")),
        table_rows=_papers_rows(detail),
        paragraphs=(_tr("Quét mã QR hoặc dùng mã hồ sơ để tra cứu tình trạng giải quyết."),),
        signatures=(_tr("Người nộp hồ sơ"), _tr("Người tiếp nhận")),
        place_date=_place_date(office, summary.received_at),
    )


#: Form number and title of each event that needs a slip.
EVENT_FORMS: dict[str, tuple[str, str]] = {
    EventKind.SUPPLEMENT_REQUESTED: ("02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    EventKind.REFUSED: ("03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
    EventKind.EXTENDED: ("04", "Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
    EventKind.STOPPED: ("05", "Thông báo dừng xử lý hồ sơ"),
}


def event_slip(data: Any, kind: str, note: str, new_date: datetime | None = None) -> Slip:
    """Forms 02–05: the slip the law requires for ``kind``, with the clerk's reason."""
    detail, office = data.detail, data.office
    summary = detail.summary
    form, title = EVENT_FORMS[EventKind(kind)]
    lines = _applicant_lines(summary, detail)
    lines.append((_tr("Ngày tiếp nhận"), format_datetime(summary.received_at)))
    reason_label = {
        "02": _tr("Nội dung cần bổ sung, hoàn thiện"),
        "03": _tr("Lý do từ chối"),
        "04": _tr("Lý do chậm trả kết quả"),
        "05": _tr("Lý do dừng xử lý"),
    }[form]
    if form == "04":
        lines.append((_tr("Ngày hẹn trước đây"), format_datetime(summary.appointment_at)))
        if new_date is not None:
            lines.append((_tr("Ngày hẹn mới"), format_datetime(new_date)))
    paragraphs = (f"{reason_label}: {note}",)
    if form == "04":
        paragraphs += (
            _tr("Bộ phận một cửa xin lỗi ông/bà vì sự chậm trễ này và hẹn trả kết quả vào ngày mới."),
        )
    return Slip(
        form=form,
        title=_tr(title),
        office_name=office.unit_name,
        code=summary.code,
        lines=tuple(lines),
        paragraphs=paragraphs,
        signatures=(_tr("Người nộp hồ sơ"), _tr("Cán bộ một cửa")),
        place_date=_place_date(office),
    )


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
        title=_tr("Phiếu kiểm soát quá trình giải quyết hồ sơ"),
        office_name=office.unit_name,
        code=summary.code,
        lines=(
            (_tr("Người nộp"), summary.applicant_name),
            (_tr("Thủ tục"), summary.procedure_name),
            (_tr("Ngày hẹn trả kết quả"), format_datetime(summary.appointment_at)),
            (_tr("Trạng thái"), status_name(summary.status)),
        ),
        table_header=(_tr("STT"), _tr("Thời gian"), _tr("Bước"), _tr("Người thực hiện"), _tr("Ghi chú")),
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
        title=_tr("Sổ theo dõi hồ sơ"),
        office_name=office.unit_name,
        lines=((_tr("Từ ngày"), format_date(start)), (_tr("Đến ngày"), format_date(end)),
               (_tr("Số hồ sơ"), str(len(table)))),
        table_header=(
            _tr("STT"), _tr("Mã hồ sơ"), _tr("Người nộp"), _tr("Thủ tục"), _tr("Tiếp nhận"),
            _tr("Hẹn trả"), _tr("Trạng thái"), _tr("Cán bộ"),
        ),
        table_rows=table,
        landscape=True,
        qr=False,
        place_date=_place_date(office),
    )


def register_slip(
    office: Any, title: str, header: Sequence[str], rows: Sequence[Sequence[str]]
) -> Slip:
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
