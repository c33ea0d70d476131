"""Vietnamese sentences for error kinds, for the CLI (the UI has its own translation layer)."""

from __future__ import annotations

from commune_desk.domain.errors import DomainError

MESSAGES: dict[str, str] = {
    "id_number_required": "Chưa nhập số định danh (CCCD/CMND).",
    "invalid_id_number": "Số định danh không hợp lệ: CCCD có 12 chữ số, CMND có 9 chữ số.",
    "id_number_future_birth_year": "Số CCCD không hợp lệ: năm sinh suy ra nằm trong tương lai.",
    "id_number_birth_mismatch": "Số CCCD không khớp với năm sinh đã nhập.",
    "phone_required": "Chưa nhập số điện thoại.",
    "invalid_phone": "Số điện thoại không hợp lệ.",
    "name_required": "Chưa nhập họ tên người nộp hồ sơ.",
    "unknown_procedure": "Không có thủ tục với mã này trong danh mục.",
    "inactive_procedure": "Thủ tục này đã bị bỏ khỏi danh mục hiện hành.",
    "illegal_transition": "Không thể thực hiện thao tác này ở trạng thái hiện tại của hồ sơ.",
    "counter_slot_exhausted": "Quầy đã cấp hết mã hồ sơ trong ngày hôm nay.",
    "invalid_counter_slot": "Số quầy phải từ 1 đến 9.",
    "invalid_unit_code": "Mã đơn vị không hợp lệ.",
    "naive_datetime": "Thời điểm phải có múi giờ (ví dụ 2026-01-05T08:30:00+07:00).",
    "invalid_datetime": "Thời điểm không đúng định dạng ISO 8601.",
    "not_found": "Không tìm thấy bản ghi.",
    "outdated_reference": "Dữ liệu danh mục cũ hơn dữ liệu đang dùng; không cập nhật.",
    "number_not_voidable": "Không thể hủy số này.",
    "already_issued": "Văn bản đã được cấp số.",
    "series_exhausted": "Đã hết số được cấp cho sổ này; cần đồng bộ với máy chủ.",
    "summary_required": "Chưa nhập trích yếu.",
    "author_required": "Chưa nhập cơ quan ban hành.",
    "symbol_required": "Chưa nhập ký hiệu văn bản.",
    "handler_required": "Chưa chọn người xử lý.",
    "invalid_backup": "Tệp sao lưu không hợp lệ hoặc bị hỏng.",
    "backup_failed": "Không sao lưu được dữ liệu.",
    "invalid_catalogue": "Tệp danh mục thủ tục không hợp lệ.",
    # input windows, papers, calendar, registers
    "invalid_characters": "Có ký tự không được phép (điều khiển, vô hình, đảo chiều văn bản); hãy gõ lại.",
    "text_too_long": "Nội dung quá dài: tối đa {max_length} ký tự.",
    "invalid_name": "Họ tên phải có chữ cái và không chứa ký hiệu lạ.",
    "received_in_future": "Thời điểm tiếp nhận không thể ở tương lai; kiểm tra ngày giờ và đồng hồ máy.",
    "received_before_office_start": (
        "Thời điểm tiếp nhận trước ngày đơn vị bắt đầu nhận hồ sơ ({office_start})."
    ),
    "id_number_unknown_province": (
        "Số CCCD không hợp lệ: {province_code} không phải mã tỉnh nơi đăng ký khai sinh."
    ),
    "date_of_birth_in_future": "Ngày sinh sau ngày tiếp nhận; kiểm tra lại ngày sinh.",
    "paper_name_required": "Giấy tờ đã nhận phải có tên.",
    "invalid_paper": "Giấy tờ đã nhận không hợp lệ (bản chính, bản sao chứng thực, bản chụp; 1–99 bản).",
    "unknown_extension": "Thủ tục này không có trường hợp kéo dài thời hạn như vậy.",
    "extension_already_applied": "Hồ sơ đã được áp dụng thời hạn kéo dài theo quy định.",
    "appointment_required": "Chọn ngày hẹn trả kết quả mới.",
    "appointment_before_receipt": "Ngày hẹn mới phải sau thời điểm tiếp nhận hồ sơ.",
    "appointment_not_working_day": "Ngày hẹn mới ({day}) là ngày nghỉ; hãy chọn một ngày làm việc.",
    "appointment_outside_hours": "Giờ hẹn mới nằm ngoài giờ làm việc.",
    "invalid_fault": "Chọn cơ quan, bộ phận để xảy ra chậm trễ.",
    "invalid_symbol": "Ký hiệu chỉ gồm chữ viết tắt và gạch nối, ví dụ QĐ-UBND (không gõ số và dấu /).",
    "invalid_urgency": "Độ khẩn phải là Hỏa tốc, Thượng khẩn hoặc Khẩn.",
    "invalid_secrecy": "Độ mật phải là Tuyệt mật, Tối mật hoặc Mật.",
    "invalid_copies": "Số bản phải từ 1 đến 9999.",
    "reason_required": "Cần ghi lý do.",
    "invalid_calendar": "Dữ liệu lịch làm việc không hợp lệ.",
    "calendar_day_twice": "Một ngày không thể vừa là ngày nghỉ vừa là ngày làm bù ({day}).",
    "invalid_tracking_url": "Địa chỉ tra cứu phải bắt đầu bằng http(s):// và có đúng một chỗ {code}.",
    "invalid_office_start": "Ngày bắt đầu nhận hồ sơ không hợp lệ.",
    "invalid_series": "Không có sổ này (ví dụ: incoming/2026, outgoing/2026, outgoing-secret/2026).",
    "invalid_date": "Ngày không đúng định dạng năm-tháng-ngày (ví dụ 1990-05-31).",
    "invalid_arguments": "Tham số dòng lệnh chứa byte không phải UTF-8; hãy gõ lại.",
}


class _Keep(dict):  # type: ignore[type-arg]
    """Format parameters; a placeholder without a value stays as written."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def message_for(error: DomainError) -> str:
    """The Vietnamese sentence for an error (a generic one for unknown kinds)."""
    template = MESSAGES.get(error.kind)
    if template is None:
        return f"Lỗi: {error.kind}."
    return template.format_map(_Keep({k: str(v) for k, v in error.params.items()}))
