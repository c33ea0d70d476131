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
    "invalid_backup": (
        "Tệp này không phải bản sao lưu hợp lệ của CommuneDesk. Dữ liệu hiện tại không bị thay đổi."
    ),
    "backup_failed": "Không sao lưu được dữ liệu.",
    "invalid_catalogue": "Tệp danh mục thủ tục không hợp lệ.",
    # -- the data folder and its store (see services/data_folder.py) --------------------
    "store_in_use": (
        "Dữ liệu tại {path} đang được một cửa sổ hay lệnh CommuneDesk khác sử dụng ({holder}). "
        "Hãy đóng cửa sổ CommuneDesk đang mở (hoặc đợi lệnh kia chạy xong) rồi làm lại."
    ),
    "store_missing": (
        "Không tìm thấy dữ liệu tại {path}, dù nơi này đã từng có dữ liệu (USB bị rút, ổ đĩa "
        "chưa cắm, hoặc tệp bị xoá). Phần mềm dừng lại, không tạo dữ liệu trống mới, để không "
        "cấp lại những mã hồ sơ đã in. Nếu dữ liệu ở trên USB hay ổ đĩa khác, hãy cắm lại rồi mở "
        "lại phần mềm."
    ),
    "store_empty": (
        "Tệp dữ liệu {path} bị rỗng (có thể do mất điện hoặc ổ đĩa lỗi). Phần mềm dừng lại, "
        "không tạo dữ liệu trống mới, để không cấp lại những mã hồ sơ đã in."
    ),
    "store_unreadable": (
        "Tệp dữ liệu {path} bị hỏng, không đọc được. Phần mềm dừng lại để không ghi đè lên nó."
    ),
    "store_damaged": (
        "Dữ liệu tại {path} bị hỏng một phần (kiểm tra toàn vẹn phát hiện lỗi). Hãy ngừng nhập "
        "hồ sơ mới và gọi cán bộ CNTT."
    ),
    "store_newer_version": (
        "Dữ liệu tại {path} do phiên bản CommuneDesk mới hơn tạo ra (phiên bản dữ liệu "
        "{revision}). Dữ liệu KHÔNG bị hỏng: hãy cài phiên bản phần mềm mới nhất, đừng khôi "
        "phục bản sao lưu."
    ),
    "folder_not_writable": (
        "Không ghi được vào {path} (thư mục chỉ đọc, USB đang gạt khoá chống ghi, hoặc không có "
        "quyền). Dữ liệu KHÔNG bị hỏng: hãy kiểm tra quyền ghi hoặc khoá USB rồi thử lại."
    ),
    "disk_full": (
        "Ổ đĩa chứa {path} đã đầy. Dữ liệu đã lưu không bị mất: hãy giải phóng dung lượng (xoá "
        "tệp không cần, chuyển bản sao lưu cũ sang ổ khác) rồi thử lại."
    ),
    "store_busy": (
        "Dữ liệu đang bị một chương trình khác giữ quá lâu (hơn 10 giây). Không có gì bị mất: "
        "hãy đợi một lát rồi thử lại; nếu vẫn lỗi, hãy đóng các cửa sổ CommuneDesk khác hoặc "
        "khởi động lại máy."
    ),
    "store_io_error": (
        "Không đọc, ghi được ổ đĩa chứa {path} (USB bị rút hoặc ổ đĩa lỗi). Hãy cắm lại USB hoặc "
        "kiểm tra ổ đĩa, rồi mở lại phần mềm."
    ),
    "recover_with_backup": (
        "Cán bộ CNTT khôi phục bản sao lưu tốt gần nhất: {backup} (lệnh: commune-desk restore "
        "\"{backup}\")."
    ),
    "recover_without_backup": (
        "Không tìm thấy bản sao lưu nào trên máy này: hãy gọi cán bộ CNTT tìm bản sao lưu (ví dụ "
        "trên USB sao lưu)."
    ),
    "backup_corrupt": (
        "Tệp sao lưu bị hỏng (nội dung không khớp mã kiểm tra). Dữ liệu hiện tại không bị thay "
        "đổi; hãy dùng một bản sao lưu khác."
    ),
    "backup_unsafe_path": (
        "Tệp sao lưu chứa đường dẫn ghi ra ngoài thư mục dữ liệu nên bị từ chối. Dữ liệu hiện "
        "tại không bị thay đổi."
    ),
    "backup_newer_version": (
        "Bản sao lưu do phiên bản CommuneDesk mới hơn tạo ra; hãy cài phiên bản mới nhất rồi "
        "khôi phục. Dữ liệu hiện tại không bị thay đổi."
    ),
    "backup_not_found": "Không tìm thấy tệp sao lưu {detail}.",
    "invalid_keep": "Số bản sao lưu giữ lại phải từ 1 trở lên.",
    "demo_store": (
        "Đây là kho dữ liệu mẫu: không bao giờ đăng nhập hay đồng bộ với máy chủ. Hãy dùng thư "
        "mục dữ liệu thật."
    ),
    "demo_refused": (
        "Thư mục dữ liệu này đang có dữ liệu thật hoặc đã đăng nhập máy chủ: không tạo dữ liệu "
        "mẫu ở đây. Hãy chọn một thư mục riêng (--data-dir)."
    ),
}

#: Kinds whose message is followed by how to recover (plug the stick back, or the backup).
RECOVERABLE_KINDS = frozenset({"store_missing", "store_empty", "store_unreadable", "store_damaged"})


class _Params(dict):  # type: ignore[type-arg]
    """Message parameters; a missing one reads naturally rather than failing."""

    def __missing__(self, key: str) -> str:
        return "thư mục dữ liệu" if key == "path" else "?"


def message_for(error: DomainError) -> str:
    """The Vietnamese sentence for an error (a generic one for unknown kinds), with its
    parameters filled in and, after an accident to the store, how to recover (when the
    newest verified backup was looked for: ``params["backup"]``, None if there is none)."""
    params = _Params({k: v for k, v in error.params.items() if v is not None})
    text = MESSAGES.get(error.kind, f"Lỗi: {error.kind}.").format_map(params)
    if error.kind in RECOVERABLE_KINDS and "backup" in error.params:  # None: looked, found none
        recovery = "recover_with_backup" if params.get("backup") else "recover_without_backup"
        text += " " + MESSAGES[recovery].format_map(params)
    return text
