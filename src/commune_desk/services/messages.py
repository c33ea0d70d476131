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
    "invalid_credentials": "Tên đăng nhập hoặc mật khẩu không đúng.",
    "permission_denied": "Việc này chỉ dành cho lãnh đạo hoặc người được đơn vị giao quyền.",
    "needs_online_sign_in": (
        "Lần đầu đăng nhập trên máy này cần kết nối máy chủ thành phố để kiểm tra mật khẩu. "
        "Hãy thử lại khi có mạng."
    ),
    "too_many_attempts": "Nhập sai mật khẩu nhiều lần. Hãy chờ một phút rồi thử lại.",
    "password_too_short": "Mật khẩu cần ít nhất 6 ký tự.",
    "invalid_username": "Tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm, gạch ngang (2–50 ký tự).",
    "full_name_required": "Chưa nhập họ và tên.",
    "username_taken": "Tên đăng nhập này đã có.",
    "first_account_leader": "Tài khoản đầu tiên của máy phải là của lãnh đạo.",
    "accounts_from_server": "Đơn vị dùng máy chủ thành phố: tài khoản do lãnh đạo quản lý trên máy chủ.",
    "cannot_lock_self": "Không thể tự khoá tài khoản của mình.",
    "last_leader": "Phải còn ít nhất một lãnh đạo có tài khoản đang dùng.",
    "invalid_lock_minutes": "Thời gian tự khoá máy từ 0 đến 240 phút.",
    "invalid_role": "Vai trò không hợp lệ.",
}


def message_for(error: DomainError) -> str:
    """The Vietnamese sentence for an error (a generic one for unknown kinds)."""
    return MESSAGES.get(error.kind, f"Lỗi: {error.kind}.")
