"""Build the :class:`Slip` of each legal form from service values."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QCoreApplication

from commune_desk.domain.dossier import EventKind
from commune_desk.ui.format import format_date, format_datetime
from commune_desk.ui.i18n import QT_TRANSLATE_NOOP
from commune_desk.ui.labels import event_name, paper_form_name, status_name
from commune_desk.ui.slips import Slip

translate = QCoreApplication.translate


def _tr(text: str) -> str:
    """Translate a string marked with QT_TRANSLATE_NOOP("Slips", ...)."""
    return translate("Slips", text)


def _place_date(office: Any, when: datetime | date | None = None) -> str:
    when = when or datetime.now()
    day = when.astimezone() if isinstance(when, datetime) and when.tzinfo else when
    return translate("Slips", "{place}, ngày {d} tháng {m} năm {y}").format(
        place=getattr(office, "unit_name", ""), d=f"{day.day:02d}", m=f"{day.month:02d}", y=day.year
    )


def _applicant_lines(summary: Any, detail: Any) -> list[tuple[str, str]]:
    return [
        (translate("Slips", "Người nộp"), summary.applicant_name),
        (translate("Slips", "Số CCCD/CMND"), summary.applicant_id_number),
        (translate("Slips", "Điện thoại"), summary.applicant_phone or ""),
        (translate("Slips", "Địa chỉ"), getattr(detail, "applicant_address", "")),
        (translate("Slips", "Thủ tục"), summary.procedure_name),
    ]


def _papers_rows(detail: Any) -> tuple[tuple[str, ...], ...]:
    rows: list[tuple[str, ...]] = []
    papers = received_papers(detail)
    for index, (name, form) in enumerate(papers, start=1):
        rows.append((str(index), name, paper_form_name(form)))
    return tuple(rows)


def received_papers(detail: Any) -> list[tuple[str, str]]:
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
        (translate("Slips", "Thời điểm tiếp nhận"), format_datetime(summary.received_at)),
        (translate("Slips", "Ngày hẹn trả kết quả"), format_datetime(summary.appointment_at)),
        (translate("Slips", "Lệ phí"), getattr(detail, "fee", "") or translate("Slips", "Không")),
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
        ),
        table_rows=_papers_rows(detail),
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


def event_slip(data: Any, kind: str, note: str, new_date: datetime | None = None, clerk: str = "") -> Slip:
    """Forms 02–05: the slip the law requires for ``kind``, with the reason and the name of
    ``clerk``, the person signed in who recorded it."""
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
        lines.append((translate("Slips", "Ngày hẹn trước đây"), format_datetime(summary.appointment_at)))
        if new_date is not None:
            lines.append((translate("Slips", "Ngày hẹn mới"), format_datetime(new_date)))
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
