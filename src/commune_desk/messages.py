"""The clerk's sentence for every error kind: one Vietnamese catalogue for the whole app.

Every typed error of the domain, the services, the sync engine, the city
server's refusals (``protocol.ErrorKind``) and the USB update carries a
machine-readable ``kind``; this module says it in Vietnamese. The command line
prints these sentences as they are; the desktop passes them through Qt's
translation (context :data:`CONTEXT`), so ``resources/i18n/commune_desk_en.ts``
holds their English. Update results are keyed ``update.<kind>`` (their kinds
are a vocabulary of their own).

Standard library only: the UI imports it before its first paint.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# Translation context of these sentences in the ``.ts`` files.
CONTEXT = "Messages"


def QT_TRANSLATE_NOOP(context: str, source: str) -> str:  # noqa: N802 - lupdate's marker name
    """Mark ``source`` for translation in ``context`` (found by lupdate); return it unchanged.

    Same as PySide6's marker, without Qt, and typed ``str`` so tables of marked
    strings type-check.
    """
    del context
    return source


# Error kind → Vietnamese sentence.
MESSAGES: dict[str, str] = {
    # -- USB carry bundles (docs/relay.md) ------------------------------------------
    "carry_broken": QT_TRANSLATE_NOOP("Messages", "Gói dữ liệu đã bị sửa hoặc hỏng; không nhận gì."),
    "carry_tampered": QT_TRANSLATE_NOOP(
        "Messages", "Gói dữ liệu đã bị sửa hoặc hỏng (chữ ký không khớp); không nhận gì."
    ),
    "carry_blob_tampered": QT_TRANSLATE_NOOP(
        "Messages", "Một tệp đính kèm trong gói đã bị sửa hoặc hỏng; không nhận gì."
    ),
    "carry_foreign_ops": QT_TRANSLATE_NOOP("Messages", "Gói có thao tác của máy khác; không nhận gì."),
    "carry_unknown_device": QT_TRANSLATE_NOOP(
        "Messages", "Máy chủ không biết máy đã tạo gói này (hoặc máy thuộc xã khác)."
    ),
    "carry_no_device_key": QT_TRANSLATE_NOOP(
        "Messages", "Máy đã tạo gói này chưa có khóa thiết bị; cần đăng nhập trực tuyến một lần."
    ),
    "carry_device_revoked": QT_TRANSLATE_NOOP(
        "Messages", "Máy đã tạo gói này đã bị thu hồi; không nhận dữ liệu của nó."
    ),
    "carry_not_an_export": QT_TRANSLATE_NOOP(
        "Messages", "Đây không phải gói dữ liệu do máy ở xã tạo ra (hoặc gói đã hỏng)."
    ),
    "carry_not_a_reply": QT_TRANSLATE_NOOP(
        "Messages", "Đây không phải gói trả lời của máy chủ thành phố (có thể là gói xuất của một máy ở xã)."
    ),
    "carry_other_device": QT_TRANSLATE_NOOP("Messages", "Gói trả lời này dành cho máy khác; không nhận gì."),
    "carry_no_city_key": QT_TRANSLATE_NOOP(
        "Messages", "Máy này chưa biết khóa của máy chủ thành phố: cần đồng bộ trực tuyến một lần."
    ),
    "carry_not_logged_in": QT_TRANSLATE_NOOP(
        "Messages", "Máy này chưa đăng nhập máy chủ thành phố lần nào: chưa thể dùng gói dữ liệu."
    ),
    "carry_relay_no_city_key": QT_TRANSLATE_NOOP(
        "Messages", "Máy chủ nội bộ chưa biết khóa của máy chủ thành phố: cần kết nối một lần."
    ),
    "carry_relay_not_registered": QT_TRANSLATE_NOOP(
        "Messages", "Máy chủ nội bộ chưa được đăng ký với thành phố."
    ),
    # -- what the clerk typed (domain and services) --------------------------------
    "id_number_required": QT_TRANSLATE_NOOP("Messages", "Chưa nhập số định danh (CCCD/CMND)."),
    "invalid_id_number": QT_TRANSLATE_NOOP(
        "Messages", "Số định danh không hợp lệ: CCCD có 12 chữ số, CMND có 9 chữ số."
    ),
    "id_number_future_birth_year": QT_TRANSLATE_NOOP(
        "Messages", "Số CCCD không hợp lệ: năm sinh suy ra nằm trong tương lai."
    ),
    "id_number_birth_mismatch": QT_TRANSLATE_NOOP("Messages", "Số CCCD không khớp với năm sinh đã nhập."),
    "phone_required": QT_TRANSLATE_NOOP("Messages", "Chưa nhập số điện thoại."),
    "invalid_phone": QT_TRANSLATE_NOOP("Messages", "Số điện thoại không hợp lệ."),
    "name_required": QT_TRANSLATE_NOOP("Messages", "Chưa nhập họ tên người nộp hồ sơ."),
    "unknown_procedure": QT_TRANSLATE_NOOP("Messages", "Không có thủ tục với mã này trong danh mục."),
    "inactive_procedure": QT_TRANSLATE_NOOP("Messages", "Thủ tục này đã bị bỏ khỏi danh mục hiện hành."),
    "illegal_transition": QT_TRANSLATE_NOOP(
        "Messages", "Không thể thực hiện thao tác này ở trạng thái hiện tại của hồ sơ."
    ),
    "nothing_to_correct": QT_TRANSLATE_NOOP(
        "Messages", "Chỉ đính chính được bước vừa ghi gần nhất của hồ sơ."
    ),
    "correction_reason_required": QT_TRANSLATE_NOOP("Messages", "Cần ghi lý do đính chính."),
    "counter_slot_exhausted": QT_TRANSLATE_NOOP("Messages", "Quầy đã cấp hết mã hồ sơ trong ngày hôm nay."),
    "invalid_counter_slot": QT_TRANSLATE_NOOP("Messages", "Số quầy phải từ 1 đến 9."),
    "invalid_unit_code": QT_TRANSLATE_NOOP("Messages", "Mã đơn vị không hợp lệ."),
    "invalid_dossier_code": QT_TRANSLATE_NOOP("Messages", "Mã hồ sơ không hợp lệ."),
    "naive_datetime": QT_TRANSLATE_NOOP(
        "Messages", "Thời điểm phải có múi giờ (ví dụ 2026-01-05T08:30:00+07:00)."
    ),
    "invalid_datetime": QT_TRANSLATE_NOOP("Messages", "Thời điểm không đúng định dạng ISO 8601."),
    "not_found": QT_TRANSLATE_NOOP("Messages", "Không tìm thấy bản ghi (có thể đã bị xoá)."),
    "outdated_reference": QT_TRANSLATE_NOOP(
        "Messages", "Dữ liệu danh mục cũ hơn dữ liệu đang dùng; không cập nhật."
    ),
    "number_not_voidable": QT_TRANSLATE_NOOP("Messages", "Không thể huỷ số này."),
    "already_issued": QT_TRANSLATE_NOOP("Messages", "Văn bản đã được cấp số."),
    "series_exhausted": QT_TRANSLATE_NOOP(
        "Messages", "Đã hết số được cấp cho sổ này; cần đồng bộ với máy chủ."
    ),
    "invalid_series": QT_TRANSLATE_NOOP("Messages", "Tên sổ đăng ký không hợp lệ."),
    "summary_required": QT_TRANSLATE_NOOP("Messages", "Chưa nhập trích yếu."),
    "author_required": QT_TRANSLATE_NOOP("Messages", "Chưa nhập cơ quan ban hành."),
    "symbol_required": QT_TRANSLATE_NOOP("Messages", "Chưa nhập ký hiệu văn bản."),
    "handler_required": QT_TRANSLATE_NOOP("Messages", "Chưa chọn người xử lý."),
    "unit_name_required": QT_TRANSLATE_NOOP("Messages", "Chưa nhập tên đơn vị."),
    "invalid_office_hours": QT_TRANSLATE_NOOP(
        "Messages", "Giờ làm việc không hợp lệ: các buổi phải theo thứ tự và không rỗng."
    ),
    "invalid_backup": QT_TRANSLATE_NOOP(
        "Messages",
        "Tệp này không phải bản sao lưu hợp lệ của CommuneDesk. Dữ liệu hiện tại không bị thay đổi.",
    ),
    "backup_failed": QT_TRANSLATE_NOOP("Messages", "Không sao lưu được dữ liệu."),
    "invalid_catalogue": QT_TRANSLATE_NOOP("Messages", "Tệp danh mục thủ tục không hợp lệ."),
    "attachments_unavailable": QT_TRANSLATE_NOOP("Messages", "Chức năng đính kèm tệp chưa sẵn sàng."),
    "conflict": QT_TRANSLATE_NOOP(
        "Messages", "Bản ghi vừa được thay đổi ở máy khác. Hãy mở lại và thử lần nữa."
    ),
    "integrity": QT_TRANSLATE_NOOP(
        "Messages", "Kiểm tra dữ liệu phát hiện lỗi. Hãy liên hệ cán bộ CNTT và khôi phục bản sao lưu."
    ),
    # -- the data folder and its store (services/data_folder.py, store/errors.py) -----
    "disk_full": QT_TRANSLATE_NOOP(
        "Messages",
        "Ổ đĩa chứa {path} đã đầy. Dữ liệu đã lưu không bị mất: hãy giải phóng dung lượng (xoá "
        "tệp không cần, chuyển bản sao lưu cũ sang ổ khác) rồi thử lại.",
    ),
    "store_in_use": QT_TRANSLATE_NOOP(
        "Messages",
        "Dữ liệu tại {path} đang được một cửa sổ hay lệnh CommuneDesk khác sử dụng ({holder}). "
        "Hãy dùng cửa sổ CommuneDesk đang mở, hoặc đóng nó (đợi lệnh kia chạy xong) rồi làm lại.",
    ),
    "store_missing": QT_TRANSLATE_NOOP(
        "Messages",
        "Không tìm thấy dữ liệu tại {path}, dù nơi này đã từng có dữ liệu (USB bị rút, ổ đĩa "
        "chưa cắm, hoặc tệp bị xoá). Phần mềm dừng lại, không tạo dữ liệu trống mới, để không "
        "cấp lại những mã hồ sơ đã in. Nếu dữ liệu ở trên USB hay ổ đĩa khác, hãy cắm lại rồi mở "
        "lại phần mềm.",
    ),
    "store_empty": QT_TRANSLATE_NOOP(
        "Messages",
        "Tệp dữ liệu {path} bị rỗng (có thể do mất điện hoặc ổ đĩa lỗi). Phần mềm dừng lại, "
        "không tạo dữ liệu trống mới, để không cấp lại những mã hồ sơ đã in.",
    ),
    "store_unreadable": QT_TRANSLATE_NOOP(
        "Messages", "Tệp dữ liệu {path} bị hỏng, không đọc được. Phần mềm dừng lại để không ghi đè lên nó."
    ),
    "store_damaged": QT_TRANSLATE_NOOP(
        "Messages",
        "Dữ liệu tại {path} bị hỏng một phần (kiểm tra toàn vẹn phát hiện lỗi). Hãy ngừng nhập "
        "hồ sơ mới và gọi cán bộ CNTT.",
    ),
    "store_newer_version": QT_TRANSLATE_NOOP(
        "Messages",
        "Dữ liệu tại {path} do phiên bản CommuneDesk mới hơn tạo ra (phiên bản dữ liệu "
        "{revision}). Dữ liệu KHÔNG bị hỏng: hãy cài phiên bản phần mềm mới nhất, đừng khôi "
        "phục bản sao lưu.",
    ),
    "folder_not_writable": QT_TRANSLATE_NOOP(
        "Messages",
        "Không ghi được vào {path} (thư mục chỉ đọc, USB đang gạt khoá chống ghi, hoặc không có "
        "quyền). Dữ liệu KHÔNG bị hỏng: hãy kiểm tra quyền ghi hoặc khoá USB rồi thử lại.",
    ),
    "store_busy": QT_TRANSLATE_NOOP(
        "Messages",
        "Dữ liệu đang bị một chương trình khác giữ quá lâu (hơn 10 giây). Không có gì bị mất: "
        "hãy đợi một lát rồi thử lại; nếu vẫn lỗi, hãy đóng các cửa sổ CommuneDesk khác hoặc "
        "khởi động lại máy.",
    ),
    "store_io_error": QT_TRANSLATE_NOOP(
        "Messages",
        "Không đọc, ghi được ổ đĩa chứa {path} (USB bị rút hoặc ổ đĩa lỗi). Hãy cắm lại USB hoặc "
        "kiểm tra ổ đĩa, rồi mở lại phần mềm.",
    ),
    "recover_with_backup": QT_TRANSLATE_NOOP(
        "Messages",
        'Cán bộ CNTT khôi phục bản sao lưu tốt gần nhất: {backup} (lệnh: commune-desk restore "{backup}").',
    ),
    "recover_without_backup": QT_TRANSLATE_NOOP(
        "Messages",
        "Không tìm thấy bản sao lưu nào trên máy này: hãy gọi cán bộ CNTT tìm bản sao lưu (ví dụ "
        "trên USB sao lưu).",
    ),
    "backup_corrupt": QT_TRANSLATE_NOOP(
        "Messages",
        "Tệp sao lưu bị hỏng (nội dung không khớp mã kiểm tra). Dữ liệu hiện tại không bị thay "
        "đổi; hãy dùng một bản sao lưu khác.",
    ),
    "backup_unsafe_path": QT_TRANSLATE_NOOP(
        "Messages",
        "Tệp sao lưu chứa đường dẫn ghi ra ngoài thư mục dữ liệu nên bị từ chối. Dữ liệu hiện "
        "tại không bị thay đổi.",
    ),
    "backup_newer_version": QT_TRANSLATE_NOOP(
        "Messages",
        "Bản sao lưu do phiên bản CommuneDesk mới hơn tạo ra; hãy cài phiên bản mới nhất rồi "
        "khôi phục. Dữ liệu hiện tại không bị thay đổi.",
    ),
    "backup_not_found": QT_TRANSLATE_NOOP("Messages", "Không tìm thấy tệp sao lưu {detail}."),
    "invalid_keep": QT_TRANSLATE_NOOP("Messages", "Số bản sao lưu giữ lại phải từ 1 trở lên."),
    "demo_store": QT_TRANSLATE_NOOP(
        "Messages",
        "Đây là kho dữ liệu mẫu: không bao giờ đăng nhập hay đồng bộ với máy chủ. Hãy dùng thư "
        "mục dữ liệu thật.",
    ),
    "demo_refused": QT_TRANSLATE_NOOP(
        "Messages",
        "Thư mục dữ liệu này đang có dữ liệu thật hoặc đã đăng nhập máy chủ: không tạo dữ liệu "
        "mẫu ở đây. Hãy chọn một thư mục riêng (--data-dir).",
    ),
    # -- input windows, received papers, calendar, registers ------------------------
    "invalid_characters": QT_TRANSLATE_NOOP(
        "Messages", "Có ký tự không được phép (điều khiển, vô hình, đảo chiều văn bản); hãy gõ lại."
    ),
    "text_too_long": QT_TRANSLATE_NOOP("Messages", "Nội dung quá dài (tối đa {max_length} ký tự)."),
    "invalid_name": QT_TRANSLATE_NOOP("Messages", "Họ tên phải có chữ cái và không chứa ký hiệu lạ."),
    "received_in_future": QT_TRANSLATE_NOOP(
        "Messages", "Thời điểm tiếp nhận không thể ở tương lai; kiểm tra ngày giờ và đồng hồ máy."
    ),
    "received_before_office_start": QT_TRANSLATE_NOOP(
        "Messages", "Thời điểm tiếp nhận trước ngày đơn vị bắt đầu nhận hồ sơ ({office_start})."
    ),
    "id_number_unknown_province": QT_TRANSLATE_NOOP(
        "Messages", "Số CCCD không hợp lệ: {province_code} không phải mã tỉnh nơi đăng ký khai sinh."
    ),
    "date_of_birth_in_future": QT_TRANSLATE_NOOP(
        "Messages", "Ngày sinh sau ngày tiếp nhận; kiểm tra lại ngày sinh."
    ),
    "paper_name_required": QT_TRANSLATE_NOOP("Messages", "Giấy tờ đã nhận phải có tên."),
    "invalid_paper": QT_TRANSLATE_NOOP(
        "Messages", "Giấy tờ đã nhận không hợp lệ (bản chính, bản sao chứng thực, bản chụp; 1–99 bản)."
    ),
    "unknown_extension": QT_TRANSLATE_NOOP(
        "Messages", "Thủ tục này không có trường hợp kéo dài thời hạn như vậy."
    ),
    "extension_already_applied": QT_TRANSLATE_NOOP(
        "Messages", "Hồ sơ đã được áp dụng thời hạn kéo dài theo quy định."
    ),
    "appointment_required": QT_TRANSLATE_NOOP("Messages", "Chọn ngày hẹn trả kết quả mới."),
    "appointment_before_receipt": QT_TRANSLATE_NOOP(
        "Messages", "Ngày hẹn mới phải sau thời điểm tiếp nhận hồ sơ."
    ),
    "appointment_not_working_day": QT_TRANSLATE_NOOP(
        "Messages", "Ngày hẹn mới ({day}) là ngày nghỉ; hãy chọn một ngày làm việc."
    ),
    "appointment_outside_hours": QT_TRANSLATE_NOOP("Messages", "Giờ hẹn mới nằm ngoài giờ làm việc."),
    "invalid_fault": QT_TRANSLATE_NOOP("Messages", "Chọn cơ quan, bộ phận để xảy ra chậm trễ."),
    "invalid_symbol": QT_TRANSLATE_NOOP(
        "Messages", "Ký hiệu chỉ gồm chữ viết tắt và gạch nối, ví dụ QĐ-UBND (không gõ số và dấu /)."
    ),
    "invalid_urgency": QT_TRANSLATE_NOOP("Messages", "Độ khẩn phải là Hỏa tốc, Thượng khẩn hoặc Khẩn."),
    "invalid_secrecy": QT_TRANSLATE_NOOP("Messages", "Độ mật phải là Tuyệt mật, Tối mật hoặc Mật."),
    "invalid_copies": QT_TRANSLATE_NOOP("Messages", "Số bản phải từ 1 đến 9999."),
    "reason_required": QT_TRANSLATE_NOOP("Messages", "Cần ghi lý do."),
    "invalid_calendar": QT_TRANSLATE_NOOP("Messages", "Dữ liệu lịch làm việc không hợp lệ."),
    "calendar_day_twice": QT_TRANSLATE_NOOP(
        "Messages", "Một ngày không thể vừa là ngày nghỉ vừa là ngày làm bù ({day})."
    ),
    "invalid_tracking_url": QT_TRANSLATE_NOOP(
        "Messages", "Địa chỉ tra cứu phải bắt đầu bằng http(s):// và có đúng một chỗ {code}."
    ),
    "invalid_office_start": QT_TRANSLATE_NOOP("Messages", "Ngày bắt đầu nhận hồ sơ không hợp lệ."),
    "invalid_date": QT_TRANSLATE_NOOP(
        "Messages", "Ngày không đúng định dạng năm-tháng-ngày (ví dụ 1990-05-31)."
    ),
    "invalid_arguments": QT_TRANSLATE_NOOP(
        "Messages", "Tham số dòng lệnh chứa byte không phải UTF-8; hãy gõ lại."
    ),
    "no_slip_for_step": QT_TRANSLATE_NOOP(
        "Messages", "Chọn trong quá trình giải quyết một bước có phiếu (mẫu 02–05)."
    ),
    # -- the sync engine on this PC ------------------------------------------------
    "not_configured": QT_TRANSLATE_NOOP("Messages", "Máy chủ chưa được cấu hình."),
    "offline": QT_TRANSLATE_NOOP(
        "Messages", "Không kết nối được máy chủ. Dữ liệu vẫn được lưu trên máy và sẽ đồng bộ sau."
    ),
    "network": QT_TRANSLATE_NOOP("Messages", "Không kết nối được máy chủ. Dữ liệu vẫn được lưu trên máy."),
    "timeout": QT_TRANSLATE_NOOP("Messages", "Máy chủ không trả lời kịp. Sẽ thử lại sau."),
    "server": QT_TRANSLATE_NOOP("Messages", "Máy chủ đang gặp sự cố. Sẽ thử lại sau."),
    "server_unavailable": QT_TRANSLATE_NOOP("Messages", "Máy chủ tạm thời không phục vụ. Sẽ tự thử lại sau."),
    "not_logged_in": QT_TRANSLATE_NOOP(
        "Messages",
        "Máy này chưa đăng nhập máy chủ thành phố. "
        "Hãy nhờ cán bộ CNTT đăng nhập một lần (lệnh commune-desk login).",
    ),
    "invalid_credentials": QT_TRANSLATE_NOOP("Messages", "Tên đăng nhập hoặc mật khẩu không đúng."),
    "session_expired": QT_TRANSLATE_NOOP("Messages", "Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại."),
    "auth": QT_TRANSLATE_NOOP("Messages", "Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại."),
    "device_revoked": QT_TRANSLATE_NOOP(
        "Messages", "Máy này đã bị thu hồi quyền đồng bộ. Hãy liên hệ cán bộ CNTT."
    ),
    "protocol_mismatch": QT_TRANSLATE_NOOP(
        "Messages", "Phiên bản phần mềm không khớp với máy chủ. Hãy cập nhật phần mềm."
    ),
    "keyring_unavailable": QT_TRANSLATE_NOOP(
        "Messages",
        "Máy này không có kho mật khẩu của hệ điều hành (hoặc kho không hoạt động) nên không lưu "
        "được thông tin đăng nhập an toàn. Cán bộ CNTT: bật kho mật khẩu (Windows Credential "
        "Manager; trên Linux: GNOME Keyring hoặc KWallet) rồi đăng nhập lại, hoặc — nếu chấp nhận "
        "lưu vào một tệp chỉ tài khoản này đọc được — chạy lại lệnh login với --insecure-storage.",
    ),
    "login_locked": QT_TRANSLATE_NOOP(
        "Messages", "Đăng nhập sai quá nhiều lần nên tạm thời bị khóa; hãy thử lại sau ít phút."
    ),
    "login_locked_wait": QT_TRANSLATE_NOOP(
        "Messages", "Đăng nhập sai quá nhiều lần nên tạm thời bị khóa; hãy thử lại sau {wait}."
    ),
    "wait.seconds": QT_TRANSLATE_NOOP("Messages", "{n} giây"),
    "wait.minutes": QT_TRANSLATE_NOOP("Messages", "{n} phút"),
    "wait.hours": QT_TRANSLATE_NOOP("Messages", "{h} giờ"),
    "wait.hours_minutes": QT_TRANSLATE_NOOP("Messages", "{h} giờ {m} phút"),
    "device_key_mismatch": QT_TRANSLATE_NOOP(
        "Messages",
        "Khóa thiết bị của máy này không khớp với khóa máy chủ đã ghi nhận (máy được cài lại hoặc "
        "mất kho mật khẩu). Hãy nhờ lãnh đạo đơn vị gắn lại máy này trên máy chủ.",
    ),
    "device_key_fingerprint": QT_TRANSLATE_NOOP(
        "Messages", "Mã khóa của máy này để lãnh đạo đối chiếu khi gắn lại: {fingerprint}."
    ),
    "secrets.keyring": QT_TRANSLATE_NOOP("Messages", "kho mật khẩu của hệ điều hành"),
    "secrets.file": QT_TRANSLATE_NOOP(
        "Messages",
        "TỆP KHÔNG MÃ HÓA trong thư mục dữ liệu (--insecure-storage); ai đọc được tệp này có thể "
        "đồng bộ thay máy này",
    ),
    "bad_response": QT_TRANSLATE_NOOP(
        "Messages", "Máy chủ trả lời không đúng giao thức; kiểm tra lại địa chỉ máy chủ. Sẽ thử lại sau."
    ),
    "request_refused": QT_TRANSLATE_NOOP("Messages", "Máy chủ từ chối yêu cầu."),
    "blob_missing": QT_TRANSLATE_NOOP(
        "Messages", "Thiếu tệp đính kèm trên máy; không gửi được. Hãy liên hệ cán bộ CNTT."
    ),
    "hash_mismatch": QT_TRANSLATE_NOOP("Messages", "Tệp đính kèm bị hỏng khi truyền; sẽ truyền lại."),
    "wrong_password": QT_TRANSLATE_NOOP("Messages", "Mật khẩu không đúng."),
    "busy": QT_TRANSLATE_NOOP("Messages", "Đang có một lượt đồng bộ khác chạy."),
    "no_free_slot": QT_TRANSLATE_NOOP(
        "Messages", "Cả 9 số quầy của đơn vị đã được cấp cho máy khác; cần thu hồi một máy cũ."
    ),
    "internal_error": QT_TRANSLATE_NOOP(
        "Messages", "Đồng bộ gặp lỗi không mong muốn; đã ghi nhật ký, sẽ thử lại sau."
    ),
    "not_converged": QT_TRANSLATE_NOOP(
        "Messages", "Còn thao tác chưa gửi được lên máy chủ; sẽ gửi ở lượt đồng bộ sau."
    ),
    "attention": QT_TRANSLATE_NOOP(
        "Messages", "Đồng bộ xong nhưng có thao tác bị máy chủ từ chối hoặc xung đột cần xử lý."
    ),
    "forbidden": QT_TRANSLATE_NOOP("Messages", "Tài khoản không có quyền với dữ liệu này."),
    "device_draining": QT_TRANSLATE_NOOP(
        "Messages", "Máy này đã bị thu hồi; đang gửi nốt lên máy chủ những thao tác đã làm trước đó."
    ),
    "device_cloned": QT_TRANSLATE_NOOP(
        "Messages",
        "Máy chủ thấy một máy khác đang dùng cùng danh tính với máy này (thư mục dữ liệu hoặc ổ đĩa "
        "đã bị sao chép). Đồng bộ tạm dừng để không cấp trùng số. Cán bộ CNTT: đóng phần mềm, đăng "
        "nhập lại trên máy này (lệnh commune-desk login) để máy nhận danh tính mới; không dùng chung "
        "một thư mục dữ liệu cho hai máy.",
    ),
    "no_counter_slot": QT_TRANSLATE_NOOP(
        "Messages",
        "Máy này chưa được cấp số quầy nên chưa cấp được mã hồ sơ. Hãy kết nối mạng và đồng bộ "
        "(hoặc nhờ cán bộ CNTT đăng nhập lại).",
    ),
    "recovering": QT_TRANSLATE_NOOP(
        "Messages",
        "Máy chủ vừa được khôi phục; số quầy và khối số mới sẽ được cấp sau khi các máy đồng bộ lại.",
    ),
    # -- calm sentences after a recovery (SyncStatus.notice) ------------------------
    "server_restored": QT_TRANSLATE_NOOP(
        "Messages",
        "Máy chủ thành phố vừa được khôi phục từ bản sao lưu. Máy này đã tự gửi lại những gì máy chủ "
        "còn thiếu và tải lại dữ liệu; không cần làm gì thêm.",
    ),
    "store_rewound": QT_TRANSLATE_NOOP(
        "Messages",
        "Dữ liệu trên máy này vừa được khôi phục từ bản sao lưu. Mã hồ sơ và số văn bản tiếp tục sau "
        "những số đã cấp; những gì đã gửi lên máy chủ sẽ được tải về lại.",
    ),
    "identity_changed": QT_TRANSLATE_NOOP(
        "Messages",
        "Thư mục dữ liệu này được chép từ một máy khác (hoặc đã được chuyển chỗ) nên máy này được coi "
        "là một máy mới. Cán bộ CNTT: hãy đăng nhập máy chủ lại trên máy này (lệnh commune-desk login) "
        "để máy nhận số quầy riêng; các thao tác chưa gửi của máy cũ được để riêng trong mục "
        "“Bị từ chối”.",
    ),
    # -- signing in on a shared PC, accounts and roles -------------------------------
    "permission_denied": QT_TRANSLATE_NOOP(
        "Messages", "Việc này chỉ dành cho lãnh đạo hoặc người được đơn vị giao quyền."
    ),
    "sync_user_forbidden": QT_TRANSLATE_NOOP(
        "Messages",
        "Máy này đồng bộ bằng tài khoản {sync_user}, không có quyền làm việc này: máy chủ "
        "thành phố sẽ từ chối. Hãy để lãnh đạo đăng nhập trong ứng dụng và làm ở đó.",
    ),
    "needs_online_sign_in": QT_TRANSLATE_NOOP(
        "Messages",
        "Lần đầu đăng nhập trên máy này cần kết nối máy chủ thành phố để kiểm tra mật "
        "khẩu. Hãy thử lại khi có mạng.",
    ),
    "too_many_attempts": QT_TRANSLATE_NOOP(
        "Messages", "Nhập sai mật khẩu nhiều lần. Hãy chờ một phút rồi thử lại."
    ),
    "password_too_short": QT_TRANSLATE_NOOP("Messages", "Mật khẩu cần ít nhất 6 ký tự."),
    "invalid_username": QT_TRANSLATE_NOOP(
        "Messages",
        "Tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm, gạch ngang (2–50 ký tự).",
    ),
    "full_name_required": QT_TRANSLATE_NOOP("Messages", "Chưa nhập họ và tên."),
    "username_taken": QT_TRANSLATE_NOOP("Messages", "Tên đăng nhập này đã có."),
    "first_account_leader": QT_TRANSLATE_NOOP("Messages", "Tài khoản đầu tiên của máy phải là của lãnh đạo."),
    "accounts_from_server": QT_TRANSLATE_NOOP(
        "Messages",
        "Đơn vị dùng máy chủ thành phố: tài khoản do lãnh đạo quản lý trên máy chủ.",
    ),
    "cannot_lock_self": QT_TRANSLATE_NOOP("Messages", "Không thể tự khoá tài khoản của mình."),
    "last_leader": QT_TRANSLATE_NOOP("Messages", "Phải còn ít nhất một lãnh đạo có tài khoản đang dùng."),
    "invalid_lock_minutes": QT_TRANSLATE_NOOP("Messages", "Thời gian tự khoá máy từ 0 đến 240 phút."),
    "invalid_role": QT_TRANSLATE_NOOP("Messages", "Vai trò không hợp lệ."),
    # -- a person resolving conflicts and refused operations ------------------------
    "unknown_conflict": QT_TRANSLATE_NOOP("Messages", "Không tìm thấy xung đột này."),
    "conflict_already_resolved": QT_TRANSLATE_NOOP("Messages", "Xung đột này đã được xử lý."),
    "invalid_choice": QT_TRANSLATE_NOOP("Messages", "Giá trị chọn không thuộc xung đột này."),
    "unknown_operation": QT_TRANSLATE_NOOP("Messages", "Không tìm thấy thay đổi này."),
    "already_resolved": QT_TRANSLATE_NOOP("Messages", "Thay đổi này đã được xử lý."),
    # -- why the server refused one operation (protocol.ErrorKind) ------------------
    "unknown_dossier": QT_TRANSLATE_NOOP("Messages", "Máy chủ không có hồ sơ mà thay đổi này thuộc về."),
    "unknown_record": QT_TRANSLATE_NOOP(
        "Messages", "Máy chủ không có bản ghi này (có thể đã bị xoá ở máy khác)."
    ),
    "record_deleted": QT_TRANSLATE_NOOP("Messages", "Bản ghi đã bị xoá trên máy chủ."),
    "unknown_event_kind": QT_TRANSLATE_NOOP(
        "Messages", "Máy chủ không nhận loại bước xử lý này (phần mềm cần cập nhật?)."
    ),
    "append_only": QT_TRANSLATE_NOOP("Messages", "Nhật ký xử lý chỉ được ghi thêm, không được sửa hay xoá."),
    "invalid_fields": QT_TRANSLATE_NOOP("Messages", "Có thông tin không hợp lệ."),
    "unknown_field": QT_TRANSLATE_NOOP(
        "Messages", "Máy chủ không nhận một thông tin của bản ghi này (phần mềm cần cập nhật?)."
    ),
    "invalid_operation": QT_TRANSLATE_NOOP(
        "Messages", "Thay đổi không đúng định dạng giao thức (lỗi phần mềm; hãy báo cán bộ CNTT)."
    ),
    "unknown_entity": QT_TRANSLATE_NOOP(
        "Messages", "Máy chủ không nhận loại dữ liệu này (phần mềm cần cập nhật?)."
    ),
    "entity_not_allowed": QT_TRANSLATE_NOOP("Messages", "Tài khoản này không được sửa loại dữ liệu này."),
    "number_outside_lease": QT_TRANSLATE_NOOP("Messages", "Số văn bản nằm ngoài khối số máy này được cấp."),
    "number_taken": QT_TRANSLATE_NOOP("Messages", "Số văn bản đã được máy khác dùng."),
    "number_immutable": QT_TRANSLATE_NOOP("Messages", "Số văn bản đã cấp không được đổi."),
    "no_number_available": QT_TRANSLATE_NOOP("Messages", "Sổ đã hết số để cấp."),
    "blob_incomplete": QT_TRANSLATE_NOOP("Messages", "Tệp đính kèm chưa gửi đủ lên máy chủ."),
    "delete_conflict": QT_TRANSLATE_NOOP("Messages", "Bản ghi đã bị sửa ở máy khác nên không xoá được."),
    "field_conflict": QT_TRANSLATE_NOOP("Messages", "Cùng một thông tin đã được sửa khác nhau ở hai máy."),
    "seq_reused": QT_TRANSLATE_NOOP(
        "Messages", "Số thứ tự thao tác đã được dùng (lỗi phần mềm; hãy báo cán bộ CNTT)."
    ),
    "op_id_reused": QT_TRANSLATE_NOOP(
        "Messages", "Mã thao tác đã được dùng (lỗi phần mềm; hãy báo cán bộ CNTT)."
    ),
    "device_mismatch": QT_TRANSLATE_NOOP("Messages", "Thao tác này thuộc về một máy khác."),
    "seq_gap": QT_TRANSLATE_NOOP(
        "Messages", "Thứ tự thao tác gửi lên bị hụt (lỗi phần mềm; hãy báo cán bộ CNTT)."
    ),
    "server_error": QT_TRANSLATE_NOOP(
        "Messages",
        "Máy chủ gặp lỗi mỗi lần nhận thay đổi này nên thay đổi được để riêng; các thay đổi khác "
        "vẫn được gửi. Hãy báo cán bộ CNTT.",
    ),
    "bad_signature": QT_TRANSLATE_NOOP(
        "Messages",
        "Chữ ký của thay đổi không khớp với khoá của máy nên không được nhận. Dữ liệu trên máy "
        "vẫn còn; hãy báo cán bộ CNTT.",
    ),
    "not_a_relay": QT_TRANSLATE_NOOP(
        "Messages",
        "Máy này chưa được đăng ký làm máy chủ nội bộ của đơn vị với máy chủ thành phố. Hãy báo "
        "cán bộ CNTT (lệnh city-server relay login).",
    ),
    "role_forbidden": QT_TRANSLATE_NOOP(
        "Messages",
        "Người thực hiện không có quyền làm việc này theo phân quyền của đơn vị (việc của lãnh "
        "đạo); lãnh đạo có thể xem lại và gửi lại.",
    ),
    # -- support checks (commune-desk support, the diagnostics panel) -------------------
    "support.title.versions": QT_TRANSLATE_NOOP("Messages", "Phiên bản"),
    "support.title.database": QT_TRANSLATE_NOOP("Messages", "Kiểm tra dữ liệu"),
    "support.title.sync": QT_TRANSLATE_NOOP("Messages", "Đồng bộ với máy chủ"),
    "support.title.clock": QT_TRANSLATE_NOOP("Messages", "Đồng hồ máy tính"),
    "support.title.disk": QT_TRANSLATE_NOOP("Messages", "Dung lượng ổ đĩa"),
    "support.title.backup": QT_TRANSLATE_NOOP("Messages", "Sao lưu"),
    "support.title.log": QT_TRANSLATE_NOOP("Messages", "Nhật ký lỗi"),
    "support.status.ok": QT_TRANSLATE_NOOP("Messages", "Tốt"),
    "support.status.info": QT_TRANSLATE_NOOP("Messages", "Thông tin"),
    "support.status.warn": QT_TRANSLATE_NOOP("Messages", "Cần chú ý"),
    "support.status.fail": QT_TRANSLATE_NOOP("Messages", "Có lỗi"),
    "support.versions.info": QT_TRANSLATE_NOOP(
        "Messages",
        "CommuneDesk {app}, lược đồ dữ liệu {schema}, Python {python}, SQLite {sqlite}, {system}.",
    ),
    "support.database.ok": QT_TRANSLATE_NOOP("Messages", "Dữ liệu không có lỗi ({checked} mục đã kiểm tra)."),
    "support.database.fail": QT_TRANSLATE_NOOP("Messages", "Phát hiện {problems} lỗi trong dữ liệu."),
    "support.database.fail.advice": QT_TRANSLATE_NOOP(
        "Messages",
        "Đóng phần mềm rồi kiểm tra lại. Nếu vẫn lỗi, gửi tệp hỗ trợ cho đường dây nóng; "
        "có thể phải khôi phục bản sao lưu gần nhất.",
    ),
    "support.database.error": QT_TRANSLATE_NOOP("Messages", "Không kiểm tra được dữ liệu."),
    "support.database.error.advice": QT_TRANSLATE_NOOP(
        "Messages",
        "Đóng phần mềm, mở lại rồi thử lần nữa; nếu vẫn không được, gọi đường dây nóng.",
    ),
    "support.sync.local": QT_TRANSLATE_NOOP(
        "Messages", "Máy này chưa đăng nhập máy chủ thành phố: dữ liệu chỉ lưu trên máy."
    ),
    "support.sync.local.advice": QT_TRANSLATE_NOOP(
        "Messages",
        "Nếu đơn vị dùng máy chủ thành phố, nhờ cán bộ CNTT đăng nhập máy một lần khi có mạng.",
    ),
    "support.sync.ok": QT_TRANSLATE_NOOP(
        "Messages", "Đồng bộ tốt: lần cuối {last}; chờ gửi {pending} thay đổi."
    ),
    "support.sync.never": QT_TRANSLATE_NOOP(
        "Messages",
        "Máy đã đăng nhập nhưng chưa đồng bộ được lần nào; chờ gửi {pending} thay đổi.",
    ),
    "support.sync.never.advice": QT_TRANSLATE_NOOP(
        "Messages",
        "Kiểm tra mạng và địa chỉ máy chủ. Dữ liệu vẫn được lưu an toàn trên máy.",
    ),
    "support.sync.late": QT_TRANSLATE_NOOP(
        "Messages",
        "Chưa đồng bộ được từ {last}; chờ gửi {pending} thay đổi (lỗi gần nhất: {error}).",
    ),
    "support.sync.late.advice": QT_TRANSLATE_NOOP(
        "Messages",
        "Kiểm tra mạng và địa chỉ máy chủ. Dữ liệu vẫn được lưu an toàn trên máy; phần "
        "mềm tự gửi lại khi có mạng.",
    ),
    "support.sync.stopped": QT_TRANSLATE_NOOP("Messages", "Đồng bộ đã dừng ({error})."),
    "support.sync.stopped.advice": QT_TRANSLATE_NOOP(
        "Messages",
        "Máy cần được đăng nhập lại với máy chủ (commune-desk login) hoặc đã bị thu hồi: "
        "liên hệ cán bộ CNTT.",
    ),
    "support.sync.attention": QT_TRANSLATE_NOOP(
        "Messages",
        "Có {quarantined} thay đổi bị máy chủ từ chối và {conflicts} xung đột đang chờ.",
    ),
    "support.sync.attention.advice": QT_TRANSLATE_NOOP(
        "Messages", "Lãnh đạo mở trang Đồng bộ để xử lý từng mục."
    ),
    "support.clock.ok": QT_TRANSLATE_NOOP("Messages", "Đồng hồ máy chỉ lệch {seconds} giây so với máy chủ."),
    "support.clock.unknown": QT_TRANSLATE_NOOP("Messages", "Chưa so được giờ với máy chủ."),
    "support.clock.warn": QT_TRANSLATE_NOOP(
        "Messages", "Đồng hồ máy tính lệch {minutes} phút so với máy chủ."
    ),
    "support.clock.warn.advice": QT_TRANSLATE_NOOP(
        "Messages",
        "Chỉnh lại ngày giờ của Windows (bật tự động đặt giờ): giờ sai làm sai ngày hẹn trả.",
    ),
    "support.disk.ok": QT_TRANSLATE_NOOP("Messages", "Ổ chứa dữ liệu còn trống {free}."),
    "support.disk.warn": QT_TRANSLATE_NOOP("Messages", "Ổ chứa dữ liệu chỉ còn trống {free}."),
    "support.disk.warn.advice": QT_TRANSLATE_NOOP(
        "Messages", "Xoá bớt tệp không cần thiết, hoặc chuyển thư mục sao lưu sang ổ khác."
    ),
    "support.disk.fail": QT_TRANSLATE_NOOP("Messages", "Ổ chứa dữ liệu gần đầy: chỉ còn {free}."),
    "support.disk.fail.advice": QT_TRANSLATE_NOOP(
        "Messages",
        "Giải phóng dung lượng ngay: khi ổ đầy, phần mềm không lưu được hồ sơ mới.",
    ),
    "support.backup.ok": QT_TRANSLATE_NOOP(
        "Messages", "Bản sao lưu gần nhất: {when} ({count} bản trong thư mục sao lưu)."
    ),
    "support.backup.old": QT_TRANSLATE_NOOP("Messages", "Bản sao lưu gần nhất đã cũ: {when}."),
    "support.backup.old.advice": QT_TRANSLATE_NOOP(
        "Messages", "Sao lưu ngay (commune-desk backup) và chép một bản ra USB mỗi tuần."
    ),
    "support.backup.none": QT_TRANSLATE_NOOP("Messages", "Chưa có bản sao lưu nào trong {folder}."),
    "support.backup.none.advice": QT_TRANSLATE_NOOP(
        "Messages", "Sao lưu ngay (commune-desk backup) và chép một bản ra USB mỗi tuần."
    ),
    "support.log.ok": QT_TRANSLATE_NOOP("Messages", "Nhật ký gần đây ({lines} dòng) không có lỗi."),
    "support.log.none": QT_TRANSLATE_NOOP("Messages", "Chưa có tệp nhật ký."),
    "support.log.warn": QT_TRANSLATE_NOOP("Messages", "Nhật ký gần đây có {errors} lỗi."),
    "support.log.warn.advice": QT_TRANSLATE_NOOP(
        "Messages", "Gửi tệp hỗ trợ cho đường dây nóng để được xem chi tiết."
    ),
    # -- the PC check before start-up (platform_check; no Qt yet, so English follows) --
    "platform.cpu_without_sse42": QT_TRANSLATE_NOOP(
        "Messages",
        "Máy tính này dùng bộ vi xử lý quá cũ (không hỗ trợ SSE4.2) nên không chạy "
        "được CommuneDesk. Vui lòng báo cán bộ CNTT để dùng máy khác.\n\n"
        "This PC's processor lacks SSE4.2, which CommuneDesk requires.",
    ),
    "platform.windows_too_old": QT_TRANSLATE_NOOP(
        "Messages",
        "CommuneDesk cần Windows 10 phiên bản 1809 trở lên. Máy này đang chạy "
        "Windows {major} (bản dựng {build}). Vui lòng báo cán bộ CNTT cập nhật "
        "Windows.\n\nCommuneDesk needs Windows 10 version 1809 (build {min_build}) or later.",
    ),
    # -- updates from a USB stick (update.UpdateKind, keyed ``update.<kind>``) --------
    "update.applied": QT_TRANSLATE_NOOP("Messages", "Đã cập nhật thành công từ USB."),
    "update.up_to_date": QT_TRANSLATE_NOOP(
        "Messages", "Phần mềm và dữ liệu danh mục đã là bản mới nhất; không có gì để cập nhật."
    ),
    "update.verified": QT_TRANSLATE_NOOP("Messages", "Bản cập nhật trên USB hợp lệ (chưa cài đặt)."),
    "update.staged_not_installed": QT_TRANSLATE_NOOP(
        "Messages",
        "Bản cập nhật hợp lệ. Bộ cài đặt phiên bản {version} đã được chép vào máy nhưng CHƯA "
        "được cài: phần mềm sẽ được cài khi khởi động lại máy tính, hoặc khi cán bộ CNTT "
        "bấm cài đặt. Máy vẫn đang chạy phiên bản {installed}.",
    ),
    "update.install_failed": QT_TRANSLATE_NOOP(
        "Messages",
        "Bộ cài đặt phiên bản {version} đã được chép vào máy nhưng cài đặt KHÔNG thành công "
        "(mã lỗi {exit_code}). Máy vẫn chạy phiên bản {installed}; dữ liệu không bị ảnh hưởng. "
        "Hãy báo cán bộ CNTT (nhật ký cài đặt: {log}).",
    ),
    "update.no_update_found": QT_TRANSLATE_NOOP(
        "Messages", "Không tìm thấy bản cập nhật CommuneDesk trên USB này (cần thư mục “CommuneDesk-update”)."
    ),
    "update.unreadable": QT_TRANSLATE_NOOP(
        "Messages", "Không đọc được USB. Hãy rút ra, cắm lại rồi thử lại."
    ),
    "update.incomplete": QT_TRANSLATE_NOOP(
        "Messages",
        "Bản cập nhật trên USB chưa được chép đầy đủ (thiếu tệp hoặc tệp bị chép dở). "
        "Không có gì thay đổi trên máy. Hãy nhờ cán bộ CNTT chép lại USB cập nhật.",
    ),
    "update.mixed": QT_TRANSLATE_NOOP(
        "Messages",
        "USB chứa lẫn các tệp của nhiều lần phát hành khác nhau (có thể lần chép trước chưa "
        "xong). Không có gì thay đổi trên máy. Hãy nhờ cán bộ CNTT chép lại USB cập nhật.",
    ),
    "update.tampered": QT_TRANSLATE_NOOP(
        "Messages",
        "Bản cập nhật trên USB đã bị sửa đổi hoặc hỏng nên KHÔNG được cài. "
        "Không có gì thay đổi trên máy. Hãy báo cán bộ CNTT.",
    ),
    "update.replayed": QT_TRANSLATE_NOOP(
        "Messages",
        "USB này chứa bản cập nhật CŨ hơn bản đã cài nên KHÔNG được cài. "
        "Không có gì thay đổi trên máy. Hãy xin USB cập nhật mới nhất.",
    ),
    "update.expired": QT_TRANSLATE_NOOP(
        "Messages",
        "Bản cập nhật trên USB đã hết hạn ngày {expired_on} (theo đồng hồ máy tính, hôm nay là "
        "{today}) nên KHÔNG được cài. Nếu ngày trên máy tính sai, hãy chỉnh lại rồi thử lại; "
        "nếu đúng, hãy xin cán bộ CNTT chép bản cập nhật mới.",
    ),
    "update.clock_ahead": QT_TRANSLATE_NOOP(
        "Messages",
        "Đồng hồ máy tính đang để quá muộn (hôm nay là {today} theo máy, trong khi USB được "
        "chép ngày {written_on}), nên bản cập nhật bị coi là hết hạn. USB không có lỗi. "
        "Hãy chỉnh lại ngày giờ máy tính rồi thử lại.",
    ),
    "update.unsafe_path": QT_TRANSLATE_NOOP(
        "Messages",
        "Bản cập nhật có tệp ghi ra ngoài thư mục cho phép nên KHÔNG được cài. "
        "Không có gì thay đổi trên máy. Hãy báo cán bộ CNTT.",
    ),
    "update.clock_behind_build": QT_TRANSLATE_NOOP(
        "Messages",
        "Ngày giờ của máy tính đang sớm hơn ngày phát hành phần mềm, nên không thể kiểm tra "
        "hạn dùng của bản cập nhật. Hãy chỉnh lại ngày giờ máy tính rồi thử lại.",
    ),
    "update.not_configured": QT_TRANSLATE_NOOP(
        "Messages", "Bản cài đặt này thiếu khóa tin cậy để kiểm tra bản cập nhật. Hãy báo cán bộ CNTT."
    ),
    "update.apply_failed": QT_TRANSLATE_NOOP(
        "Messages",
        "Bản cập nhật hợp lệ nhưng áp dụng không thành công; dữ liệu cũ được giữ nguyên. "
        "Hãy báo cán bộ CNTT.",
    ),
}

# The sentence for a kind this catalogue does not know (``{kind}`` is filled in): the
# command line's, for IT support.
UNKNOWN_KIND = QT_TRANSLATE_NOOP("Messages", "Không thực hiện được thao tác ({kind}).")
# The same for the clerk at the desktop, who is never shown a code.
UNKNOWN_KIND_FOR_CLERK = QT_TRANSLATE_NOOP(
    "Messages",
    "Không thực hiện được thao tác. Dữ liệu đã lưu không bị ảnh hưởng. Hãy thử lại; nếu vẫn không "
    "được, báo cán bộ CNTT (chi tiết đã ghi trong tệp nhật ký).",
)


#: Kinds after an accident to the store whose sentence ends with how to recover (when the
#: newest verified backup was looked for: ``params["backup"]``, None when there is none).
RECOVERABLE_KINDS = frozenset({"store_missing", "store_empty", "store_unreadable", "store_damaged"})
#: What ``{path}`` reads as when an error does not name its folder.
PATH_FALLBACK = QT_TRANSLATE_NOOP("Messages", "thư mục dữ liệu")


def kind_of(error: Any) -> str | None:
    """The machine-readable kind of a typed error (enum or text), None when it has none."""
    kind = getattr(error, "kind", None)
    if kind is None:
        return None
    return str(getattr(kind, "value", kind))


def source_text(kind: str | None) -> str | None:
    """The catalogue's Vietnamese sentence for ``kind`` as written (None when unknown)."""
    return MESSAGES.get(kind or "")


def message(kind: str | None) -> str:
    """The Vietnamese sentence for ``kind``; a generic one naming an unknown kind."""
    text = source_text(kind)
    return text if text is not None else UNKNOWN_KIND.format(kind=kind)


class _Keep(dict[str, str]):
    """Format parameters; a placeholder without a value stays as written, except ``{path}``,
    which reads "the data folder" when given a fallback."""

    def __init__(self, values: dict[str, str], path_fallback: str | None = None) -> None:
        super().__init__(values)
        self._path = path_fallback

    def __missing__(self, key: str) -> str:
        if key == "path" and self._path is not None:
            return self._path
        return "{" + key + "}"


# A parenthesised part of a sentence that names a value (`` (tối đa {max_length} ký tự)``).
_VALUED_PART = re.compile(r"\s*\([^()]*\{(\w+)\}[^()]*\)")


def fill(text: str, error: Any, *, drop_unknown: bool = False) -> str:
    """``text`` with the error's parameters in it (``{max_length}``, ``{day}``...).

    A placeholder without a value stays as written; with ``drop_unknown`` a
    parenthesised part whose value is not known is left out instead, so a
    sentence reads well when its kind arrives without values (a server's refusal).
    """
    params = {str(k): str(v) for k, v in (getattr(error, "params", None) or {}).items()}
    if drop_unknown:
        text = _VALUED_PART.sub(lambda m: m.group(0) if m.group(1) in params else "", text)
    return text.format_map(_Keep(params))


def _same(text: str) -> str:
    return text


def render(
    kind: str | None, params: dict[str, Any] | None = None, translate: Callable[[str], str] = _same
) -> str:
    """The sentence for ``kind`` with ``params`` filled in (``{max_length}``, ``{path}``,
    ``{backup}``...) and, after an accident to the store, how to recover; ``translate`` maps
    a catalogue sentence to the interface language (the desktop passes Qt's). Without
    ``params`` the sentence is returned as written, for the caller to fill."""
    source = source_text(kind)
    if source is None:
        return translate(UNKNOWN_KIND).format(kind=kind)
    if params is None:
        return translate(source)
    values = _Keep({str(k): str(v) for k, v in params.items() if v is not None}, translate(PATH_FALLBACK))
    text = translate(source).format_map(values)
    if kind in RECOVERABLE_KINDS and "backup" in params:
        recovery = "recover_with_backup" if params.get("backup") else "recover_without_backup"
        text += " " + translate(MESSAGES[recovery]).format_map(values)
    return text


def wait_text(seconds: int | None) -> str:
    """A wait in words (``45 giây``, ``3 phút``, ``1 giờ 5 phút``), never shorter than asked."""
    if seconds is None:
        return "?"
    if seconds < 60:
        return message("wait.seconds").format(n=max(1, seconds))
    hours, minutes = divmod(-(-seconds // 60), 60)  # minutes rounded up
    if not hours:
        return message("wait.minutes").format(n=minutes)
    if not minutes:
        return message("wait.hours").format(h=hours)
    return message("wait.hours_minutes").format(h=hours, m=minutes)


def message_for(error: Any) -> str:
    """The Vietnamese sentence for a typed error (anything with a ``kind``), its values filled in
    (``{max_length}``, ``{path}``...) and, after an accident to the store, how to recover."""
    params = getattr(error, "params", None)
    return render(kind_of(error), params if isinstance(params, dict) else {})


def update_message(kind: str) -> str:
    """The Vietnamese sentence for the outcome of a USB update (an ``UpdateKind`` value)."""
    return message(f"update.{kind}")
