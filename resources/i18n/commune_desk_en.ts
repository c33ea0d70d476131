<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="vi_VN">
<context>
    <name>Api</name>
    <message>
        <source>Trả ngay trong ngày (nhận trước 15 giờ)</source>
        <translation>Same day (if received before 15:00)</translation>
    </message>
    <message>
        <source>{n} ngày làm việc</source>
        <translation>{n} working days</translation>
    </message>
    <message>
        <source>{n} ngày</source>
        <translation>{n} days</translation>
    </message>
    <message>
        <source>không</source>
        <translation>none</translation>
    </message>
    <message>
        <source>Thời hạn: {limit} · Lệ phí: {fee}</source>
        <translation>Time limit: {limit} · Fee: {fee}</translation>
    </message>
</context>
<context>
    <name>ApologyDialog</name>
    <message>
        <source>Xin lỗi, hẹn lại ngày trả kết quả (mẫu 04)</source>
        <translation>Apology and new return date (form 04)</translation>
    </message>
    <message>
        <source>Ngày hẹn trước đây</source>
        <translation>Previous appointment</translation>
    </message>
    <message>
        <source>Lý do chậm trả kết quả</source>
        <translation>Reason for the delay</translation>
    </message>
    <message>
        <source>— chọn —</source>
        <translation>— choose —</translation>
    </message>
    <message>
        <source>Nguyên nhân chậm trễ thuộc về</source>
        <translation>Delay caused by</translation>
    </message>
    <message>
        <source>Ngày hẹn mới (theo lịch làm việc)</source>
        <translation>New appointment (working calendar)</translation>
    </message>
    <message>
        <source>Ghi nhận và in phiếu</source>
        <translation>Record and print the slip</translation>
    </message>
    <message>
        <source>Cần ghi lý do: nội dung này được in trên phiếu.</source>
        <translation>A reason is required: it is printed on the slip.</translation>
    </message>
    <message>
        <source>Chọn cơ quan, bộ phận để xảy ra chậm trễ.</source>
        <translation>Choose the office or agency that caused the delay.</translation>
    </message>
</context>
<context>
    <name>BackupBox</name>
    <message>
        <source>Sao lưu</source>
        <extracomment>Thread-name prefix of the backup worker (tests check every ``cd-`` thread stops). How often the app looks whether the daily backup is due (milliseconds). the Vietnamese sentence of the last failure (&quot;&quot; when the last attempt worked) the sentence saying the store is damaged (&quot;&quot; when it is sound)</extracomment>
        <translation>Backups</translation>
    </message>
    <message>
        <source>{folder}
Đổi thư mục bằng biến môi trường COMMUNE_DESK_BACKUP_DIR (cán bộ CNTT).</source>
        <translation>{folder}
IT staff move it with the COMMUNE_DESK_BACKUP_DIR environment variable.</translation>
    </message>
    <message>
        <source>Sao lưu ngay</source>
        <translation>Back up now</translation>
    </message>
    <message>
        <source>Phần mềm tự sao lưu mỗi ngày, kiểm tra từng bản sao lưu và giữ 10 bản gần nhất.</source>
        <translation>The software backs up every day, checks each backup and keeps the newest 10.</translation>
    </message>
    <message>
        <source>Thư mục sao lưu</source>
        <translation>Backup folder</translation>
    </message>
    <message>
        <source>Lần gần nhất</source>
        <translation>Last</translation>
    </message>
    <message>
        <source>Lần tới</source>
        <translation>Next</translation>
    </message>
    <message>
        <source>Đang sao lưu và kiểm tra…</source>
        <translation>Backing up and checking…</translation>
    </message>
    <message>
        <source>{time} (đã kiểm tra)</source>
        <translation>{time} (checked)</translation>
    </message>
    <message>
        <source>Chưa có bản sao lưu nào</source>
        <translation>No backup yet</translation>
    </message>
    <message>
        <source>Ngay khi mở phần mềm</source>
        <translation>When the software opens</translation>
    </message>
    <message>
        <source>Dữ liệu bị hỏng một phần: ngừng nhập hồ sơ mới và gọi cán bộ CNTT (đưa chuột vào đây để xem chi tiết).</source>
        <translation>The data is partly damaged: stop registering new dossiers and call IT staff (point here for details).</translation>
    </message>
</context>
<context>
    <name>Backups</name>
    <message>
        <source>Không mở được dữ liệu</source>
        <translation>The data cannot be opened</translation>
    </message>
    <message>
        <source>Khôi phục bản sao lưu này</source>
        <translation>Restore this backup</translation>
    </message>
    <message>
        <source>Thoát</source>
        <translation>Quit</translation>
    </message>
</context>
<context>
    <name>ConflictDialog</name>
    <message>
        <source>Xử lý xung đột dữ liệu</source>
        <translation>Resolve a data conflict</translation>
    </message>
    <message>
        <source>{record} đã bị sửa ở hai nơi với giá trị khác nhau.</source>
        <translation>{record} was changed in two places with different values.</translation>
    </message>
    <message>
        <source>Giữ giá trị trên máy này</source>
        <translation>Keep the value on this PC</translation>
    </message>
    <message>
        <source>Dùng giá trị trên máy chủ</source>
        <translation>Use the server&apos;s value</translation>
    </message>
    <message>
        <source>Sửa thành</source>
        <translation>Change to</translation>
    </message>
    <message>
        <source>Ghi chú (được lưu vào nhật ký)</source>
        <translation>Note (kept in the audit log)</translation>
    </message>
    <message>
        <source>Ghi nhận</source>
        <translation>Record</translation>
    </message>
    <message>
        <source>Huỷ</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>DateRangeDialog</name>
    <message>
        <source>Chọn khoảng ngày</source>
        <translation>Choose a date range</translation>
    </message>
    <message>
        <source>Từ ngày</source>
        <translation>From</translation>
    </message>
    <message>
        <source>Đến ngày</source>
        <translation>To</translation>
    </message>
    <message>
        <source>Đồng ý</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Huỷ</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>DiagnosticsDialog</name>
    <message>
        <source>Chẩn đoán</source>
        <extracomment>Colour of each status.</extracomment>
        <translation>Diagnostics</translation>
    </message>
    <message>
        <source>Phần mềm tự kiểm tra dữ liệu, đồng bộ, đồng hồ, ổ đĩa và sao lưu. Mục màu cam hoặc đỏ có hướng dẫn cách xử lý ngay bên dưới.</source>
        <translation>The program checks its data, sync, clock, disk and backups. Orange or red items say what to do right below them.</translation>
    </message>
    <message>
        <source>Kiểm tra lại</source>
        <translation>Check again</translation>
    </message>
    <message>
        <source>Lưu thông tin hỗ trợ…</source>
        <translation>Save support information…</translation>
    </message>
    <message>
        <source>Đóng</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Đang kiểm tra…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <source>Kiểm tra xong.</source>
        <translation>Check finished.</translation>
    </message>
    <message>
        <source>Chọn nơi lưu thông tin hỗ trợ</source>
        <translation>Choose where to save the support information</translation>
    </message>
    <message>
        <source>Đang tạo tệp hỗ trợ…</source>
        <translation>Writing the support file…</translation>
    </message>
    <message>
        <source>Đã lưu {path}. Tệp không chứa thông tin cá nhân của người dân; có thể gửi cho đường dây nóng.</source>
        <translation>Saved {path}. The file holds no citizen&apos;s personal data; it can be sent to the hotline.</translation>
    </message>
</context>
<context>
    <name>DossierDetailPanel</name>
    <message>
        <source>Chọn một hồ sơ trong danh sách để xem chi tiết.</source>
        <translation>Select a dossier in the list to see its details.</translation>
    </message>
    <message>
        <source>Thao tác được phép</source>
        <extracomment>Steps recorded at intake or online, never from the detail panel. Most history rows shown at full height before the history scrolls on its own.</extracomment>
        <translation>Allowed actions</translation>
    </message>
    <message>
        <source>In lại giấy tiếp nhận (01)</source>
        <translation>Reprint receipt (01)</translation>
    </message>
    <message>
        <source>Phiếu kiểm soát (06)</source>
        <translation>Control slip (06)</translation>
    </message>
    <message>
        <source>In lại phiếu 02–05</source>
        <translation>Reprint slip 02–05</translation>
    </message>
    <message>
        <source>Quá trình giải quyết</source>
        <translation>Processing history</translation>
    </message>
    <message>
        <source>Thời gian, người</source>
        <translation>Time, person</translation>
    </message>
    <message>
        <source>Bước, lý do</source>
        <translation>Step, reason</translation>
    </message>
    <message>
        <source>Giấy tờ và tệp đính kèm</source>
        <translation>Papers and attachments</translation>
    </message>
    <message>
        <source>Thêm tệp quét…</source>
        <translation>Add scanned file…</translation>
    </message>
    <message>
        <source>Mở tệp</source>
        <translation>Open file</translation>
    </message>
    <message>
        <source>Hồ sơ vừa xem không có trong các dòng đang hiển thị (đã lọc hoặc tìm khác). Chọn một hồ sơ trong danh sách.</source>
        <translation>The dossier you were viewing is not among the rows shown (another filter or search). Choose a dossier in the list.</translation>
    </message>
    <message>
        <source>QUÁ HẠN</source>
        <translation>OVERDUE</translation>
    </message>
    <message>
        <source>Người nộp</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <source>Số CCCD/CMND</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>Ngày sinh</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <source>Điện thoại</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>Địa chỉ</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>Thủ tục</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <source>Tiếp nhận</source>
        <translation>Intake</translation>
    </message>
    <message>
        <source>Hẹn trả</source>
        <translation>Due</translation>
    </message>
    <message>
        <source>Hồ sơ đã kết thúc; không còn thao tác nào.</source>
        <translation>The dossier is closed; no actions remain.</translation>
    </message>
    <message>
        <source>Chọn tệp quét</source>
        <translation>Choose a scanned file</translation>
    </message>
    <message>
        <source>Tệp quét (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;Mọi tệp (*)</source>
        <translation>Scans (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;All files (*)</translation>
    </message>
</context>
<context>
    <name>DossierModel</name>
    <message>
        <source>Mã hồ sơ</source>
        <extracomment>(key, title) of each column, in the order a clerk reads them: which dossier, who, what, when due, where it stands; then what fits on wider screens.</extracomment>
        <translation>Dossier code</translation>
    </message>
    <message>
        <source>Người nộp</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <source>Số CCCD</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>Thủ tục</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <source>Tiếp nhận</source>
        <translation>Intake</translation>
    </message>
    <message>
        <source>Hẹn trả</source>
        <translation>Due</translation>
    </message>
    <message>
        <source>Trạng thái</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Cán bộ</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <source>Quá hạn trả kết quả</source>
        <extracomment>Columns shown until the clerk chooses: the full code and due time fit at 1366 px.</extracomment>
        <translation>Result overdue</translation>
    </message>
</context>
<context>
    <name>DossiersPage</name>
    <message>
        <source>Hồ sơ</source>
        <extracomment>Samples measured with the table&apos;s font to size the columns that must never be cut. Widths (px) of the other columns when shown; &quot;procedure&quot; takes the space left.</extracomment>
        <translation>Dossiers</translation>
    </message>
    <message>
        <source>Tìm theo tên, số CCCD, điện thoại hoặc mã hồ sơ (gõ không dấu cũng được)</source>
        <translation>Search by name, ID number, phone or dossier code (diacritics optional)</translation>
    </message>
    <message>
        <source>Mọi trạng thái</source>
        <translation>All statuses</translation>
    </message>
    <message>
        <source>Quá hạn</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>Đến hạn hôm nay</source>
        <translation>Due today</translation>
    </message>
    <message>
        <source>Tôi tiếp nhận</source>
        <translation>Received by me</translation>
    </message>
    <message>
        <source>Cột…</source>
        <translation>Columns…</translation>
    </message>
    <message>
        <source>Chọn các cột hiển thị trong danh sách</source>
        <translation>Choose the columns shown in the list</translation>
    </message>
    <message>
        <source>Sổ theo dõi (mẫu 07)…</source>
        <translation>Log book (form 07)…</translation>
    </message>
    <message>
        <source>Đang tìm…</source>
        <translation>Searching…</translation>
    </message>
    <message>
        <source>Đang đếm…</source>
        <translation>Counting…</translation>
    </message>
    <message>
        <source>Hơn {cap} hồ sơ</source>
        <translation>More than {cap} dossiers</translation>
    </message>
    <message>
        <source>{total} hồ sơ</source>
        <translation>{total} dossiers</translation>
    </message>
    <message>
        <source>(đã tải {loaded}, cuộn xuống để xem thêm)</source>
        <translation>({loaded} loaded, scroll down for more)</translation>
    </message>
    <message>
        <source>dòng đỏ: quá hạn</source>
        <translation>red rows: overdue</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>Xin lỗi, đã có lỗi</source>
        <extracomment>Every message shown (tests read it instead of clicking dialogs). Set once a fatal error was shown: later failures (work queued behind a store that never opened) are only logged, so the clerk sees one apology, not ten.</extracomment>
        <translation>Sorry, something went wrong</translation>
    </message>
    <message>
        <source>Không thực hiện được</source>
        <translation>Could not be done</translation>
    </message>
    <message>
        <source>Xin lỗi, phần mềm gặp lỗi ngoài dự kiến. Dữ liệu đã lưu không bị ảnh hưởng.
Chi tiết đã được ghi vào tệp nhật ký:
{path}
Hãy gửi tệp này cho cán bộ CNTT.</source>
        <translation>Sorry, the program hit an unexpected error. Saved data is not affected.
Details were written to the log file:
{path}
Please send this file to IT support.</translation>
    </message>
</context>
<context>
    <name>EventDialog</name>
    <message>
        <source>Giấy tờ cần bổ sung và lý do</source>
        <extracomment>What the clerk types, per step (the slip or the audit states it).</extracomment>
        <translation>Papers to add and why</translation>
    </message>
    <message>
        <source>Lý do từ chối</source>
        <translation>Reason for refusal</translation>
    </message>
    <message>
        <source>Hồ sơ đăng ký trực tuyến được tiếp nhận; thời hạn giải quyết bắt đầu tính.</source>
        <extracomment>What recording each step does, as the clerk is told before confirming.</extracomment>
        <translation>The online application is received; the time limit starts running.</translation>
    </message>
    <message>
        <source>Hồ sơ chuyển sang «Đang xử lý», giao cho người hoặc bộ phận ghi dưới đây.</source>
        <translation>The dossier becomes “Being processed”, handed to the person or unit written below.</translation>
    </message>
    <message>
        <source>Ghi nhận việc bàn giao hồ sơ; trạng thái không đổi. Việc bàn giao có trong phiếu kiểm soát (mẫu 06).</source>
        <translation>Records the hand-over of the dossier; the status does not change. The hand-over appears on the control slip (form 06).</translation>
    </message>
    <message>
        <source>In phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02) để giao công dân. Thời hạn giải quyết tạm dừng đến khi công dân nộp bổ sung. Phiếu đã giao cho công dân thì không đính chính được.</source>
        <translation>Prints the request for additional documents (form 02) for the citizen. The time limit pauses until the citizen supplies them. Once the slip is handed to the citizen it cannot be corrected.</translation>
    </message>
    <message>
        <source>Ghi nhận công dân đã nộp đủ giấy tờ bổ sung. Thời hạn giải quyết tính tiếp và ngày hẹn trả được tính lại.</source>
        <translation>Records that the citizen supplied the missing documents. The time limit runs again and the appointment is recalculated.</translation>
    </message>
    <message>
        <source>Hồ sơ chuyển sang «Chờ nộp phí». Thời hạn giải quyết tạm dừng đến khi công dân nộp phí, lệ phí.</source>
        <translation>The dossier becomes “Awaiting payment”. The time limit pauses until the citizen pays the fees.</translation>
    </message>
    <message>
        <source>Ghi nhận công dân đã nộp phí, lệ phí. Thời hạn giải quyết tính tiếp và ngày hẹn trả được tính lại.</source>
        <translation>Records that the citizen paid the fees. The time limit runs again and the appointment is recalculated.</translation>
    </message>
    <message>
        <source>Hồ sơ chuyển sang «Có kết quả»: kết quả đã sẵn sàng để trả cho công dân.</source>
        <translation>The dossier becomes “Result ready”: the result is ready to be handed to the citizen.</translation>
    </message>
    <message>
        <source>Ghi nhận đã trao kết quả cho công dân. Hồ sơ kết thúc («Đã trả kết quả»).</source>
        <translation>Records that the result was handed to the citizen. The dossier ends (“Result returned”).</translation>
    </message>
    <message>
        <source>Hồ sơ kết thúc với trạng thái «Từ chối»; in phiếu từ chối (mẫu 03) ghi rõ lý do. Việc từ chối không đính chính được.</source>
        <translation>The dossier ends as “Refused”; prints the refusal slip (form 03) with the reason. A refusal cannot be corrected.</translation>
    </message>
    <message>
        <source>Hồ sơ kết thúc vì công dân rút hồ sơ. Việc này không đính chính được.</source>
        <translation>The dossier ends because the citizen withdrew it. This cannot be corrected.</translation>
    </message>
    <message>
        <source>Hồ sơ kết thúc với trạng thái «Dừng xử lý»; in thông báo dừng xử lý (mẫu 05). Việc này không đính chính được.</source>
        <translation>The dossier ends as “Processing stopped”; prints the stop notice (form 05). This cannot be corrected.</translation>
    </message>
    <message>
        <source>Thêm một ghi chú vào quá trình giải quyết; trạng thái không đổi.</source>
        <translation>Adds a note to the history; the status does not change.</translation>
    </message>
    <message>
        <source>Lý do dừng xử lý</source>
        <translation>Reason for stopping</translation>
    </message>
    <message>
        <source>Lý do rút hồ sơ</source>
        <translation>Reason for withdrawal</translation>
    </message>
    <message>
        <source>Chuyển cho (người/bộ phận xử lý)</source>
        <translation>Pass to (handler or department)</translation>
    </message>
    <message>
        <source>Bàn giao cho</source>
        <translation>Hand over to</translation>
    </message>
    <message>
        <source>Ghi chú</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>Lý do đính chính (ghi nhầm thế nào)</source>
        <translation>Reason for the correction (what was recorded by mistake)</translation>
    </message>
    <message>
        <source>Ghi nhận bước này vào hồ sơ.</source>
        <extracomment>Steps that need their text typed: printed on a slip, or the reason of a correction. Steps after which nothing but a note (or a correction) can follow.</extracomment>
        <translation>Records this step on the dossier.</translation>
    </message>
    <message>
        <source>Hồ sơ {code} · {name}</source>
        <translation>Dossier {code} · {name}</translation>
    </message>
    <message>
        <source>Ghi đính chính</source>
        <translation>Record the correction</translation>
    </message>
    <message>
        <source>Quay lại</source>
        <translation>Go back</translation>
    </message>
    <message>
        <source>Cần ghi lý do đính chính: lý do được lưu cùng hồ sơ.</source>
        <translation>Write the reason for the correction: it is kept with the dossier.</translation>
    </message>
    <message>
        <source>Bỏ nội dung đã gõ?</source>
        <translation>Discard what you typed?</translation>
    </message>
    <message>
        <source>Lý do đã gõ sẽ bị bỏ và bước này không được ghi nhận.</source>
        <translation>The reason you typed will be discarded and this step will not be recorded.</translation>
    </message>
    <message>
        <source>Bỏ, không ghi nhận</source>
        <translation>Discard, do not record</translation>
    </message>
    <message>
        <source>Tiếp tục gõ</source>
        <translation>Keep typing</translation>
    </message>
    <message>
        <source>Cần ghi lý do: nội dung này được in trên phiếu.</source>
        <translation>A reason is required: it is printed on the slip.</translation>
    </message>
</context>
<context>
    <name>EventForms</name>
    <message>
        <source>Huỷ</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>ExtensionDialog</name>
    <message>
        <source>Kéo dài thời hạn theo quy định</source>
        <translation>Statutory extension of the time limit</translation>
    </message>
    <message>
        <source>Trường hợp</source>
        <translation>Case</translation>
    </message>
    <message>
        <source>Căn cứ</source>
        <translation>Legal basis</translation>
    </message>
    <message>
        <source>Ghi chú</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>Áp dụng</source>
        <translation>Apply</translation>
    </message>
</context>
<context>
    <name>FirstRunWizard</name>
    <message>
        <source>Thiết lập lần đầu</source>
        <translation>First-time setup</translation>
    </message>
    <message>
        <source>Tiếp &gt;</source>
        <translation>Next &gt;</translation>
    </message>
    <message>
        <source>&lt; Quay lại</source>
        <translation>&lt; Back</translation>
    </message>
    <message>
        <source>Hoàn tất</source>
        <translation>Finish</translation>
    </message>
    <message>
        <source>Để sau</source>
        <translation>Later</translation>
    </message>
    <message>
        <source>Chào mừng đến với CommuneDesk</source>
        <translation>Welcome to CommuneDesk</translation>
    </message>
    <message>
        <source>Phần mềm tiếp nhận hồ sơ một cửa và quản lý văn bản, làm việc được cả khi mất mạng. Trước khi bắt đầu, hãy nhập tên và mã định danh của đơn vị: chúng được in trên giấy tiếp nhận và mã hồ sơ.</source>
        <translation>Software for the one-stop counter and the document registers; it keeps working when the network is down. Before you start, enter the office&apos;s name and unit code: they are printed on receipts and in dossier codes.</translation>
    </message>
</context>
<context>
    <name>IncomingPage</name>
    <message>
        <source>Sổ văn bản đến</source>
        <translation>Incoming register</translation>
    </message>
    <message>
        <source>Chỉ văn bản quá hạn xử lý</source>
        <translation>Only documents past their deadline</translation>
    </message>
    <message>
        <source>Chưa giao xử lý</source>
        <translation>Not yet assigned</translation>
    </message>
    <message>
        <source>In sổ văn bản đến…</source>
        <translation>Print incoming register…</translation>
    </message>
    <message>
        <source>Số đến</source>
        <translation>Incoming no.</translation>
    </message>
    <message>
        <source>Ngày đến</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>Nơi gửi</source>
        <translation>From</translation>
    </message>
    <message>
        <source>Số, ký hiệu</source>
        <translation>Number/symbol</translation>
    </message>
    <message>
        <source>Trích yếu</source>
        <translation>Summary</translation>
    </message>
    <message>
        <source>Độ khẩn</source>
        <translation>Urgency</translation>
    </message>
    <message>
        <source>Người xử lý</source>
        <translation>Handler</translation>
    </message>
    <message>
        <source>Hạn xử lý</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <source>Vào sổ văn bản đến (số đến được cấp khi lưu)</source>
        <translation>Register an incoming document (its number is given on save)</translation>
    </message>
    <message>
        <source>Cơ quan ban hành, ví dụ: UBND thành phố</source>
        <translation>Issuing body, e.g. City People&apos;s Committee</translation>
    </message>
    <message>
        <source>ví dụ: 125/UBND-VP</source>
        <translation>e.g. 125/UBND-VP</translation>
    </message>
    <message>
        <source>Công văn, Quyết định…</source>
        <translation>Letter, Decision…</translation>
    </message>
    <message>
        <source>Trích yếu nội dung</source>
        <translation>Summary of contents</translation>
    </message>
    <message>
        <source>Thường</source>
        <extracomment>Urgency and secrecy marks (Decree 30/2020, the fixed lists of ``domain.registers``): stored value → name shown.</extracomment>
        <translation>Normal</translation>
    </message>
    <message>
        <source>Khẩn</source>
        <translation>Urgent</translation>
    </message>
    <message>
        <source>Thượng khẩn</source>
        <translation>Very urgent</translation>
    </message>
    <message>
        <source>Hỏa tốc</source>
        <translation>Immediate</translation>
    </message>
    <message>
        <source>Không mật</source>
        <translation>Not secret</translation>
    </message>
    <message>
        <source>Mật</source>
        <translation>Confidential</translation>
    </message>
    <message>
        <source>Tối mật</source>
        <translation>Secret</translation>
    </message>
    <message>
        <source>Tuyệt mật</source>
        <translation>Top secret</translation>
    </message>
    <message>
        <source>In cả sổ của năm, theo số đến, không theo bộ lọc</source>
        <translation>Print the whole year&apos;s book by incoming number, whatever the filters</translation>
    </message>
    <message>
        <source>Huỷ số…</source>
        <translation>Void a number…</translation>
    </message>
    <message>
        <source>Vào sổ (Enter)</source>
        <translation>Register (Enter)</translation>
    </message>
    <message>
        <source>Nơi gửi *</source>
        <translation>From *</translation>
    </message>
    <message>
        <source>Ngày văn bản</source>
        <translation>Document date</translation>
    </message>
    <message>
        <source>Trích yếu *</source>
        <translation>Summary *</translation>
    </message>
    <message>
        <source>Loại</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Độ mật</source>
        <translation>Secrecy</translation>
    </message>
    <message>
        <source>Giao xử lý văn bản đang chọn</source>
        <translation>Assign the selected document</translation>
    </message>
    <message>
        <source>Người chủ trì xử lý</source>
        <translation>Lead handler</translation>
    </message>
    <message>
        <source>Người phối hợp (cách nhau bởi dấu phẩy)</source>
        <translation>Co-handlers (comma separated)</translation>
    </message>
    <message>
        <source>Giao xử lý</source>
        <translation>Assign</translation>
    </message>
    <message>
        <source>Hạn</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <source>(tạm)</source>
        <translation>(provisional)</translation>
    </message>
    <message>
        <source>{n} văn bản trong năm · {late} quá hạn xử lý</source>
        <translation>{n} documents this year · {late} past deadline</translation>
    </message>
    <message>
        <source>Nhập nơi gửi và trích yếu.</source>
        <translation>Enter the sender and the summary.</translation>
    </message>
    <message>
        <source>tạm</source>
        <translation>provisional</translation>
    </message>
    <message>
        <source>Đã vào sổ: số đến {n}.</source>
        <translation>Registered: incoming number {n}.</translation>
    </message>
    <message>
        <source>Chọn một văn bản trong sổ.</source>
        <translation>Select a document in the register.</translation>
    </message>
    <message>
        <source>Nhập người xử lý.</source>
        <translation>Enter the handler.</translation>
    </message>
    <message>
        <source>Đã giao cho {who}.</source>
        <translation>Assigned to {who}.</translation>
    </message>
    <message>
        <source>Đã huỷ số đến {n}.</source>
        <translation>Incoming number {n} voided.</translation>
    </message>
</context>
<context>
    <name>IntakePage</name>
    <message>
        <source>Tiếp nhận hồ sơ</source>
        <extracomment>What happens to the receipt slip after saving: &quot;preview&quot;, &quot;print&quot;, &quot;none&quot;.</extracomment>
        <translation>Dossier intake</translation>
    </message>
    <message>
        <source>Gõ tên thủ tục (có thể không dấu), dùng phím mũi tên rồi nhấn Enter để chọn; nhập thông tin người nộp rồi nhấn Enter để lưu và in giấy tiếp nhận.</source>
        <translation>Type the procedure name (accents optional), use the arrow keys and press Enter to choose it; type the applicant’s details and press Enter to save and print the receipt.</translation>
    </message>
    <message>
        <source>Lưu và in giấy tiếp nhận (Enter)</source>
        <translation>Save and print receipt (Enter)</translation>
    </message>
    <message>
        <source>Nhập mới (Esc)</source>
        <translation>New (Esc)</translation>
    </message>
    <message>
        <source>1. Thủ tục</source>
        <translation>1. Procedure</translation>
    </message>
    <message>
        <source>Tìm thủ tục, ví dụ: khai sinh</source>
        <translation>Find a procedure, e.g. birth</translation>
    </message>
    <message>
        <source>2. Người nộp hồ sơ</source>
        <translation>2. Applicant</translation>
    </message>
    <message>
        <source>Họ và tên, ví dụ: Đặng Thị Đào</source>
        <translation>Full name</translation>
    </message>
    <message>
        <source>12 số CCCD hoặc 9 số CMND</source>
        <translation>12-digit CCCD or 9-digit CMND</translation>
    </message>
    <message>
        <source>Không bắt buộc, ví dụ: 05/09/1987</source>
        <translation>Optional, e.g. 05/09/1987</translation>
    </message>
    <message>
        <source>Không bắt buộc</source>
        <translation>Optional</translation>
    </message>
    <message>
        <source>Họ và tên *</source>
        <translation>Full name *</translation>
    </message>
    <message>
        <source>Số CCCD/CMND *</source>
        <translation>ID number *</translation>
    </message>
    <message>
        <source>Ngày sinh</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <source>Điện thoại</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>Địa chỉ</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>Đã chọn: {name}</source>
        <translation>Chosen: {name}</translation>
    </message>
    <message>
        <source>Chưa chọn thủ tục: nhấn Enter để chọn dòng đang tô sáng, hoặc bấm vào một dòng.</source>
        <translation>No procedure chosen: press Enter to choose the highlighted row, or click a row.</translation>
    </message>
    <message>
        <source>Ngày hẹn trả: chọn thủ tục</source>
        <translation>Due: choose a procedure</translation>
    </message>
    <message>
        <source>Ngày hẹn trả: {when}</source>
        <translation>Due: {when}</translation>
    </message>
    <message>
        <source>Nhập họ và tên người nộp.</source>
        <translation>Enter the applicant&apos;s full name.</translation>
    </message>
    <message>
        <source>Nhập số CCCD/CMND.</source>
        <translation>Enter the ID number.</translation>
    </message>
    <message>
        <source>Chưa chọn thủ tục: tìm thủ tục rồi nhấn Enter trên dòng đúng, trước khi lưu.</source>
        <translation>No procedure chosen: find the procedure and press Enter on the right row before saving.</translation>
    </message>
    <message>
        <source>Không có thủ tục nào khớp với từ đã gõ.</source>
        <translation>No procedure matches what you typed.</translation>
    </message>
    <message>
        <source>Đã lưu hồ sơ {code}.</source>
        <translation>Dossier {code} saved.</translation>
    </message>
    <message>
        <source>Xoá thông tin đang nhập?</source>
        <translation>Clear what you have typed?</translation>
    </message>
    <message>
        <source>Thông tin đang nhập cho công dân này (thủ tục, họ tên, số CCCD, điện thoại, địa chỉ, giấy tờ) chưa được lưu và sẽ bị xoá.</source>
        <translation>What you typed for this citizen (procedure, name, ID number, phone, address, papers) is not saved and will be cleared.</translation>
    </message>
    <message>
        <source>Xoá, nhập công dân mới</source>
        <translation>Clear, next citizen</translation>
    </message>
    <message>
        <source>Tiếp tục nhập</source>
        <translation>Keep typing</translation>
    </message>
    <message>
        <source>Đầu số {prefix} không có: số di động bắt đầu bằng 03, 05, 07, 08, 09; máy bàn bằng 02.</source>
        <translation>There is no prefix {prefix}: mobile numbers start with 03, 05, 07, 08, 09; landlines with 02.</translation>
    </message>
    <message>
        <source>Số điện thoại chỉ gồm chữ số (có thể viết +84 ở đầu).</source>
        <translation>A phone number has digits only (it may start with +84).</translation>
    </message>
    <message>
        <source>Số điện thoại bắt đầu bằng 0 (hoặc +84).</source>
        <translation>A phone number starts with 0 (or +84).</translation>
    </message>
    <message>
        <source>Số máy bàn (02…) gồm 11 chữ số.</source>
        <translation>A landline number (02…) has 11 digits.</translation>
    </message>
    <message>
        <source>Số di động gồm 10 chữ số.</source>
        <translation>A mobile number has 10 digits.</translation>
    </message>
    <message>
        <source>Số điện thoại không hợp lệ.</source>
        <translation>Invalid phone number.</translation>
    </message>
    <message>
        <source>CCCD gồm 12 chữ số (CMND cũ: 9 chữ số).</source>
        <translation>A CCCD has 12 digits (old CMND: 9).</translation>
    </message>
    <message>
        <source>Số CCCD không hợp lệ (năm sinh ở tương lai).</source>
        <translation>Invalid CCCD (birth year in the future).</translation>
    </message>
    <message>
        <source>Năm sinh không khớp với số CCCD.</source>
        <translation>The birth year does not match the CCCD.</translation>
    </message>
    <message>
        <source>Ngày sinh ở sau ngày hôm nay.</source>
        <translation>The date of birth is after today.</translation>
    </message>
    <message>
        <source>Số CCCD/CMND không hợp lệ.</source>
        <translation>Invalid ID number.</translation>
    </message>
    <message>
        <source>Ngày sinh ghi ngày/tháng/năm, ví dụ 05/09/1987.</source>
        <translation>Write the date of birth day/month/year, e.g. 05/09/1987.</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>Mới đăng ký (trực tuyến)</source>
        <translation>Registered online</translation>
    </message>
    <message>
        <source>Đã tiếp nhận</source>
        <translation>Accepted</translation>
    </message>
    <message>
        <source>Từ chối</source>
        <translation>Refused</translation>
    </message>
    <message>
        <source>Đang xử lý</source>
        <translation>Processing</translation>
    </message>
    <message>
        <source>Chờ bổ sung</source>
        <translation>Awaiting supplement</translation>
    </message>
    <message>
        <source>Chờ nộp phí</source>
        <translation>Awaiting payment</translation>
    </message>
    <message>
        <source>Công dân rút hồ sơ</source>
        <translation>Withdrawn by citizen</translation>
    </message>
    <message>
        <source>Dừng xử lý</source>
        <translation>Stopped</translation>
    </message>
    <message>
        <source>Có kết quả</source>
        <translation>Result ready</translation>
    </message>
    <message>
        <source>Đã trả kết quả</source>
        <translation>Result returned</translation>
    </message>
    <message>
        <source>Đăng ký trực tuyến</source>
        <extracomment>Event names as shown in history lists.</extracomment>
        <translation>Online registration</translation>
    </message>
    <message>
        <source>Tiếp nhận</source>
        <extracomment>Action button captions (imperative) for events the clerk can record.</extracomment>
        <translation>Intake</translation>
    </message>
    <message>
        <source>Chuyển xử lý</source>
        <translation>Pass for processing</translation>
    </message>
    <message>
        <source>Bàn giao</source>
        <translation>Hand-over</translation>
    </message>
    <message>
        <source>Yêu cầu bổ sung</source>
        <translation>Supplement requested</translation>
    </message>
    <message>
        <source>Nhận bổ sung</source>
        <translation>Supplement received</translation>
    </message>
    <message>
        <source>Yêu cầu nộp phí</source>
        <translation>Payment requested</translation>
    </message>
    <message>
        <source>Đã nộp phí</source>
        <translation>Paid</translation>
    </message>
    <message>
        <source>Xin lỗi, hẹn lại</source>
        <translation>Apology, new date</translation>
    </message>
    <message>
        <source>Kéo dài thời hạn theo quy định</source>
        <translation>Statutory extension</translation>
    </message>
    <message>
        <source>Trả kết quả</source>
        <translation>Return result</translation>
    </message>
    <message>
        <source>Rút hồ sơ</source>
        <translation>Withdraw</translation>
    </message>
    <message>
        <source>Ghi chú</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>Đính chính: chưa trả kết quả</source>
        <translation>Correction: result not returned</translation>
    </message>
    <message>
        <source>Đính chính: chưa có kết quả</source>
        <translation>Correction: result not ready</translation>
    </message>
    <message>
        <source>Đính chính: chưa nhận bổ sung</source>
        <translation>Correction: documents not supplied</translation>
    </message>
    <message>
        <source>Đính chính: không yêu cầu nộp phí</source>
        <translation>Correction: no payment requested</translation>
    </message>
    <message>
        <source>Đính chính: chưa nộp phí</source>
        <translation>Correction: not paid</translation>
    </message>
    <message>
        <source>Yêu cầu bổ sung (mẫu 02)</source>
        <translation>Request supplement (form 02)</translation>
    </message>
    <message>
        <source>Nhận hồ sơ bổ sung</source>
        <translation>Receive supplement</translation>
    </message>
    <message>
        <source>Xác nhận đã nộp phí</source>
        <translation>Confirm payment</translation>
    </message>
    <message>
        <source>Xin lỗi, hẹn lại (mẫu 04)</source>
        <translation>Apologise, new date (form 04)</translation>
    </message>
    <message>
        <source>Kéo dài thời hạn theo quy định…</source>
        <translation>Statutory extension…</translation>
    </message>
    <message>
        <source>Từ chối (mẫu 03)</source>
        <translation>Refuse (form 03)</translation>
    </message>
    <message>
        <source>Dừng xử lý (mẫu 05)</source>
        <translation>Stop processing (form 05)</translation>
    </message>
    <message>
        <source>Đính chính: chưa trả kết quả…</source>
        <translation>Correction: result not returned…</translation>
    </message>
    <message>
        <source>Đính chính: chưa có kết quả…</source>
        <translation>Correction: result not ready…</translation>
    </message>
    <message>
        <source>Đính chính: chưa nhận bổ sung…</source>
        <translation>Correction: documents not supplied…</translation>
    </message>
    <message>
        <source>Đính chính: không yêu cầu nộp phí…</source>
        <translation>Correction: no payment requested…</translation>
    </message>
    <message>
        <source>Đính chính: chưa nộp phí…</source>
        <translation>Correction: not paid…</translation>
    </message>
    <message>
        <source>Trạng thái chưa rõ (cần cập nhật phần mềm)</source>
        <extracomment>Shown for a status or step this version does not know (recorded by a newer version).</extracomment>
        <translation>Unknown status (update the software)</translation>
    </message>
    <message>
        <source>Bước chưa rõ (cần cập nhật phần mềm)</source>
        <translation>Unknown step (update the software)</translation>
    </message>
    <message>
        <source>Bản chính</source>
        <translation>Original</translation>
    </message>
    <message>
        <source>Bản sao chứng thực</source>
        <translation>Certified copy</translation>
    </message>
    <message>
        <source>Bản chụp</source>
        <translation>Photocopy</translation>
    </message>
    <message>
        <source>Dự thảo</source>
        <translation>Draft</translation>
    </message>
    <message>
        <source>Trình ký</source>
        <translation>Submitted for signature</translation>
    </message>
    <message>
        <source>Đã ký</source>
        <translation>Signed</translation>
    </message>
    <message>
        <source>Đã phát hành</source>
        <translation>Issued</translation>
    </message>
    <message>
        <source>Đã huỷ số</source>
        <translation>Number voided</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <source>Đăng nhập – CommuneDesk</source>
        <translation>Sign in – CommuneDesk</translation>
    </message>
    <message>
        <source>Đăng nhập để làm việc</source>
        <translation>Sign in to work</translation>
    </message>
    <message>
        <source>Cán bộ</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <source>Tên đăng nhập trên máy chủ</source>
        <translation>User name on the server</translation>
    </message>
    <message>
        <source>Mật khẩu</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>Đăng nhập (Enter)</source>
        <translation>Sign in (Enter)</translation>
    </message>
    <message>
        <source>Chọn tên của mình bằng phím mũi tên, nhập mật khẩu rồi nhấn Enter. Khi rời bàn, nhấn Ctrl+L để khoá máy: công việc đang làm vẫn được giữ.</source>
        <translation>Pick your name with the arrow keys, type your password and press Enter. When you leave the desk, press Ctrl+L to lock the PC: your work stays as it is.</translation>
    </message>
    <message>
        <source>Máy này chưa có tài khoản nào. Hãy tạo tài khoản của lãnh đạo đơn vị (người sẽ tạo tài khoản cho các cán bộ khác trong phần Cài đặt). Nếu đơn vị dùng máy chủ thành phố, hãy nhờ cán bộ CNTT đăng nhập máy với máy chủ trước: tài khoản sẽ lấy từ máy chủ.</source>
        <translation>This PC has no account yet. Create the office leader&apos;s account (the leader then creates the other clerks&apos; accounts in Settings). If the office uses the city server, ask IT staff to log the PC in to the server first: the accounts will come from the server.</translation>
    </message>
    <message>
        <source>ví dụ: minh.tv</source>
        <translation>e.g. minh.tv</translation>
    </message>
    <message>
        <source>Họ và tên, in trên giấy tờ</source>
        <translation>Full name, as printed on the forms</translation>
    </message>
    <message>
        <source>Tên đăng nhập</source>
        <translation>User name</translation>
    </message>
    <message>
        <source>Họ và tên</source>
        <translation>Full name</translation>
    </message>
    <message>
        <source>Mật khẩu (ít nhất 6 ký tự)</source>
        <translation>Password (at least 6 characters)</translation>
    </message>
    <message>
        <source>Nhập lại mật khẩu</source>
        <translation>Repeat the password</translation>
    </message>
    <message>
        <source>Tạo tài khoản và đăng nhập</source>
        <translation>Create the account and sign in</translation>
    </message>
    <message>
        <source>Thiết lập tài khoản đầu tiên</source>
        <translation>Set up the first account</translation>
    </message>
    <message>
        <source>Máy đang khoá. {name} hoặc cán bộ khác đăng nhập để làm việc.</source>
        <translation>The PC is locked. {name} or another clerk signs in to work.</translation>
    </message>
    <message>
        <source>(lần đầu trên máy này)</source>
        <translation>(first time on this PC)</translation>
    </message>
    <message>
        <source>Tên đăng nhập trên máy chủ (nếu không có tên trong danh sách)</source>
        <translation>User name on the server (if your name is not in the list)</translation>
    </message>
    <message>
        <source>Chọn tên của mình trong danh sách.</source>
        <translation>Pick your name in the list.</translation>
    </message>
    <message>
        <source>Nhập mật khẩu.</source>
        <translation>Type your password.</translation>
    </message>
    <message>
        <source>Đang hỏi máy chủ…</source>
        <translation>Asking the server…</translation>
    </message>
    <message>
        <source>Hai lần nhập mật khẩu không giống nhau.</source>
        <translation>The two passwords differ.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Tiếp nhận</source>
        <extracomment>(key, untranslated title, &quot;module:Class&quot;) of every page, in rail order. Page modules are imported when the page is first shown, so the shell paints before the heavy imports (services, SQLAlchemy) are done.</extracomment>
        <translation>Intake</translation>
    </message>
    <message>
        <source>Hồ sơ</source>
        <translation>Dossiers</translation>
    </message>
    <message>
        <source>Văn bản đến</source>
        <translation>Incoming</translation>
    </message>
    <message>
        <source>Văn bản đi</source>
        <translation>Outgoing</translation>
    </message>
    <message>
        <source>Đồng bộ</source>
        <translation>Sync</translation>
    </message>
    <message>
        <source>Báo cáo</source>
        <translation>Reports</translation>
    </message>
    <message>
        <source>Cài đặt</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>CommuneDesk – Một cửa xã/phường</source>
        <extracomment>The first page is built this long after the window&apos;s first paint.</extracomment>
        <translation>CommuneDesk – commune one-stop counter</translation>
    </message>
    <message>
        <source>Phím tắt: Ctrl+{n}</source>
        <translation>Shortcut: Ctrl+{n}</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <source>Chưa nhập số định danh (CCCD/CMND).</source>
        <translation>The ID number is missing.</translation>
    </message>
    <message>
        <source>Số định danh không hợp lệ: CCCD có 12 chữ số, CMND có 9 chữ số.</source>
        <translation>Invalid ID number: a CCCD has 12 digits, a CMND 9.</translation>
    </message>
    <message>
        <source>Số CCCD không hợp lệ: năm sinh suy ra nằm trong tương lai.</source>
        <translation>Invalid CCCD: the birth year it encodes is in the future.</translation>
    </message>
    <message>
        <source>Số CCCD không khớp với năm sinh đã nhập.</source>
        <translation>The CCCD does not match the birth year entered.</translation>
    </message>
    <message>
        <source>Chưa nhập số điện thoại.</source>
        <translation>The phone number is missing.</translation>
    </message>
    <message>
        <source>Số điện thoại không hợp lệ.</source>
        <translation>Invalid phone number.</translation>
    </message>
    <message>
        <source>Chưa nhập họ tên người nộp hồ sơ.</source>
        <translation>The applicant&apos;s name is missing.</translation>
    </message>
    <message>
        <source>Không có thủ tục với mã này trong danh mục.</source>
        <translation>No procedure with this code in the catalogue.</translation>
    </message>
    <message>
        <source>Thủ tục này đã bị bỏ khỏi danh mục hiện hành.</source>
        <translation>This procedure was removed from the current catalogue.</translation>
    </message>
    <message>
        <source>Không thể thực hiện thao tác này ở trạng thái hiện tại của hồ sơ.</source>
        <translation>This action is not allowed in the dossier&apos;s current status.</translation>
    </message>
    <message>
        <source>Chỉ đính chính được bước vừa ghi gần nhất của hồ sơ.</source>
        <translation>Only the latest step of a dossier can be corrected.</translation>
    </message>
    <message>
        <source>Cần ghi lý do đính chính.</source>
        <translation>Write the reason for the correction.</translation>
    </message>
    <message>
        <source>Quầy đã cấp hết mã hồ sơ trong ngày hôm nay.</source>
        <translation>This counter has used up today&apos;s dossier codes.</translation>
    </message>
    <message>
        <source>Số quầy phải từ 1 đến 9.</source>
        <translation>The counter number must be 1 to 9.</translation>
    </message>
    <message>
        <source>Mã đơn vị không hợp lệ.</source>
        <translation>Invalid unit code.</translation>
    </message>
    <message>
        <source>Mã hồ sơ không hợp lệ.</source>
        <translation>Invalid dossier code.</translation>
    </message>
    <message>
        <source>Thời điểm phải có múi giờ (ví dụ 2026-01-05T08:30:00+07:00).</source>
        <translation>A time needs a time zone (for example 2026-01-05T08:30:00+07:00).</translation>
    </message>
    <message>
        <source>Thời điểm không đúng định dạng ISO 8601.</source>
        <translation>The time is not in ISO 8601 format.</translation>
    </message>
    <message>
        <source>Không tìm thấy bản ghi (có thể đã bị xoá).</source>
        <translation>Record not found (it may have been deleted).</translation>
    </message>
    <message>
        <source>Dữ liệu danh mục cũ hơn dữ liệu đang dùng; không cập nhật.</source>
        <translation>The catalogue data is older than the one in use; not updated.</translation>
    </message>
    <message>
        <source>Không thể huỷ số này.</source>
        <translation>This number cannot be voided.</translation>
    </message>
    <message>
        <source>Văn bản đã được cấp số.</source>
        <translation>The document already has a number.</translation>
    </message>
    <message>
        <source>Đã hết số được cấp cho sổ này; cần đồng bộ với máy chủ.</source>
        <translation>No numbers left for this register; sync with the server.</translation>
    </message>
    <message>
        <source>Tên sổ đăng ký không hợp lệ.</source>
        <translation>Invalid register book name.</translation>
    </message>
    <message>
        <source>Chưa nhập trích yếu.</source>
        <translation>The summary is missing.</translation>
    </message>
    <message>
        <source>Chưa nhập cơ quan ban hành.</source>
        <translation>The issuing body is missing.</translation>
    </message>
    <message>
        <source>Chưa nhập ký hiệu văn bản.</source>
        <translation>The document symbol is missing.</translation>
    </message>
    <message>
        <source>Chưa chọn người xử lý.</source>
        <translation>No handler chosen.</translation>
    </message>
    <message>
        <source>Chưa nhập tên đơn vị.</source>
        <translation>The office name is missing.</translation>
    </message>
    <message>
        <source>Giờ làm việc không hợp lệ: các buổi phải theo thứ tự và không rỗng.</source>
        <translation>Invalid office hours: sessions must be in order and not empty.</translation>
    </message>
    <message>
        <source>Không sao lưu được dữ liệu.</source>
        <translation>The backup could not be made.</translation>
    </message>
    <message>
        <source>Tệp danh mục thủ tục không hợp lệ.</source>
        <translation>The procedure catalogue file is invalid.</translation>
    </message>
    <message>
        <source>Chức năng đính kèm tệp chưa sẵn sàng.</source>
        <translation>Attachments are not available yet.</translation>
    </message>
    <message>
        <source>Bản ghi vừa được thay đổi ở máy khác. Hãy mở lại và thử lần nữa.</source>
        <translation>The record was just changed on another PC. Reopen it and try again.</translation>
    </message>
    <message>
        <source>Kiểm tra dữ liệu phát hiện lỗi. Hãy liên hệ cán bộ CNTT và khôi phục bản sao lưu.</source>
        <translation>The data check found errors. Contact IT support and restore a backup.</translation>
    </message>
    <message>
        <source>Tệp này không phải bản sao lưu hợp lệ của CommuneDesk. Dữ liệu hiện tại không bị thay đổi.</source>
        <translation>This file is not a valid CommuneDesk backup. The current data was not changed.</translation>
    </message>
    <message>
        <source>Ổ đĩa chứa {path} đã đầy. Dữ liệu đã lưu không bị mất: hãy giải phóng dung lượng (xoá tệp không cần, chuyển bản sao lưu cũ sang ổ khác) rồi thử lại.</source>
        <translation>The disk holding {path} is full. Nothing saved is lost: free some space (delete files you do not need, move old backups to another disk), then try again.</translation>
    </message>
    <message>
        <source>Dữ liệu tại {path} đang được một cửa sổ hay lệnh CommuneDesk khác sử dụng ({holder}). Hãy dùng cửa sổ CommuneDesk đang mở, hoặc đóng nó (đợi lệnh kia chạy xong) rồi làm lại.</source>
        <translation>The data in {path} is in use by another CommuneDesk window or command ({holder}). Use the CommuneDesk window that is open, or close it (wait for the other command to finish), then try again.</translation>
    </message>
    <message>
        <source>Không tìm thấy dữ liệu tại {path}, dù nơi này đã từng có dữ liệu (USB bị rút, ổ đĩa chưa cắm, hoặc tệp bị xoá). Phần mềm dừng lại, không tạo dữ liệu trống mới, để không cấp lại những mã hồ sơ đã in. Nếu dữ liệu ở trên USB hay ổ đĩa khác, hãy cắm lại rồi mở lại phần mềm.</source>
        <translation>No data found in {path}, although there was data here (a USB stick pulled out, a disk not plugged in, or the file deleted). The software stops and does not create new empty data, so that dossier codes already printed are not issued again. If the data is on a USB stick or another disk, plug it back in and open the software again.</translation>
    </message>
    <message>
        <source>Tệp dữ liệu {path} bị rỗng (có thể do mất điện hoặc ổ đĩa lỗi). Phần mềm dừng lại, không tạo dữ liệu trống mới, để không cấp lại những mã hồ sơ đã in.</source>
        <translation>The data file {path} is empty (perhaps after a power cut or a disk fault). The software stops and does not create new empty data, so that dossier codes already printed are not issued again.</translation>
    </message>
    <message>
        <source>Tệp dữ liệu {path} bị hỏng, không đọc được. Phần mềm dừng lại để không ghi đè lên nó.</source>
        <translation>The data file {path} is damaged and cannot be read. The software stops so as not to write over it.</translation>
    </message>
    <message>
        <source>Dữ liệu tại {path} bị hỏng một phần (kiểm tra toàn vẹn phát hiện lỗi). Hãy ngừng nhập hồ sơ mới và gọi cán bộ CNTT.</source>
        <translation>The data in {path} is partly damaged (the integrity check found errors). Stop registering new dossiers and call IT staff.</translation>
    </message>
    <message>
        <source>Dữ liệu tại {path} do phiên bản CommuneDesk mới hơn tạo ra (phiên bản dữ liệu {revision}). Dữ liệu KHÔNG bị hỏng: hãy cài phiên bản phần mềm mới nhất, đừng khôi phục bản sao lưu.</source>
        <translation>The data in {path} was made by a newer version of CommuneDesk (data version {revision}). The data is NOT damaged: install the newest version of the software; do not restore a backup.</translation>
    </message>
    <message>
        <source>Không ghi được vào {path} (thư mục chỉ đọc, USB đang gạt khoá chống ghi, hoặc không có quyền). Dữ liệu KHÔNG bị hỏng: hãy kiểm tra quyền ghi hoặc khoá USB rồi thử lại.</source>
        <translation>Cannot write to {path} (a read-only folder, a USB stick with its write-protect switch on, or no permission). The data is NOT damaged: check the permissions or the stick&apos;s switch, then try again.</translation>
    </message>
    <message>
        <source>Dữ liệu đang bị một chương trình khác giữ quá lâu (hơn 10 giây). Không có gì bị mất: hãy đợi một lát rồi thử lại; nếu vẫn lỗi, hãy đóng các cửa sổ CommuneDesk khác hoặc khởi động lại máy.</source>
        <translation>Another program has held the data for too long (more than 10 seconds). Nothing is lost: wait a moment and try again; if it happens again, close other CommuneDesk windows or restart the PC.</translation>
    </message>
    <message>
        <source>Không đọc, ghi được ổ đĩa chứa {path} (USB bị rút hoặc ổ đĩa lỗi). Hãy cắm lại USB hoặc kiểm tra ổ đĩa, rồi mở lại phần mềm.</source>
        <translation>Cannot read or write the disk holding {path} (a USB stick pulled out or a failing disk). Plug the stick back in or check the disk, then open the software again.</translation>
    </message>
    <message>
        <source>Cán bộ CNTT khôi phục bản sao lưu tốt gần nhất: {backup} (lệnh: commune-desk restore &quot;{backup}&quot;).</source>
        <translation>IT staff restore the newest good backup: {backup} (command: commune-desk restore &quot;{backup}&quot;).</translation>
    </message>
    <message>
        <source>Không tìm thấy bản sao lưu nào trên máy này: hãy gọi cán bộ CNTT tìm bản sao lưu (ví dụ trên USB sao lưu).</source>
        <translation>No backup was found on this PC: call IT staff to find one (for example on the backup USB stick).</translation>
    </message>
    <message>
        <source>Tệp sao lưu bị hỏng (nội dung không khớp mã kiểm tra). Dữ liệu hiện tại không bị thay đổi; hãy dùng một bản sao lưu khác.</source>
        <translation>The backup file is damaged (its content does not match its checksums). The current data was not changed; use another backup.</translation>
    </message>
    <message>
        <source>Tệp sao lưu chứa đường dẫn ghi ra ngoài thư mục dữ liệu nên bị từ chối. Dữ liệu hiện tại không bị thay đổi.</source>
        <translation>The backup file holds a path that writes outside the data folder, so it was refused. The current data was not changed.</translation>
    </message>
    <message>
        <source>Bản sao lưu do phiên bản CommuneDesk mới hơn tạo ra; hãy cài phiên bản mới nhất rồi khôi phục. Dữ liệu hiện tại không bị thay đổi.</source>
        <translation>The backup was made by a newer version of CommuneDesk; install the newest version, then restore. The current data was not changed.</translation>
    </message>
    <message>
        <source>Không tìm thấy tệp sao lưu {detail}.</source>
        <translation>Backup file {detail} not found.</translation>
    </message>
    <message>
        <source>Số bản sao lưu giữ lại phải từ 1 trở lên.</source>
        <translation>The number of backups to keep must be 1 or more.</translation>
    </message>
    <message>
        <source>Đây là kho dữ liệu mẫu: không bao giờ đăng nhập hay đồng bộ với máy chủ. Hãy dùng thư mục dữ liệu thật.</source>
        <translation>This is a demo store: it never logs in or syncs with the server. Use the real data folder.</translation>
    </message>
    <message>
        <source>Thư mục dữ liệu này đang có dữ liệu thật hoặc đã đăng nhập máy chủ: không tạo dữ liệu mẫu ở đây. Hãy chọn một thư mục riêng (--data-dir).</source>
        <translation>This data folder holds real data or is logged in to a server: no demo data is created here. Choose a separate folder (--data-dir).</translation>
    </message>
    <message>
        <source>Có ký tự không được phép (điều khiển, vô hình, đảo chiều văn bản); hãy gõ lại.</source>
        <translation>There is a character that is not allowed (control, invisible or text-direction); please type it again.</translation>
    </message>
    <message>
        <source>Nội dung quá dài (tối đa {max_length} ký tự).</source>
        <translation>Too long (at most {max_length} characters).</translation>
    </message>
    <message>
        <source>Họ tên phải có chữ cái và không chứa ký hiệu lạ.</source>
        <translation>A name must have letters and no unusual symbols.</translation>
    </message>
    <message>
        <source>Thời điểm tiếp nhận không thể ở tương lai; kiểm tra ngày giờ và đồng hồ máy.</source>
        <translation>The time of receipt cannot be in the future; check the date and the PC clock.</translation>
    </message>
    <message>
        <source>Thời điểm tiếp nhận trước ngày đơn vị bắt đầu nhận hồ sơ ({office_start}).</source>
        <translation>The time of receipt is before the office started taking dossiers ({office_start}).</translation>
    </message>
    <message>
        <source>Số CCCD không hợp lệ: {province_code} không phải mã tỉnh nơi đăng ký khai sinh.</source>
        <translation>Invalid CCCD number: {province_code} is not a province code of birth registration.</translation>
    </message>
    <message>
        <source>Ngày sinh sau ngày tiếp nhận; kiểm tra lại ngày sinh.</source>
        <translation>The date of birth is after the receipt date; check it.</translation>
    </message>
    <message>
        <source>Giấy tờ đã nhận phải có tên.</source>
        <translation>A received paper needs its name.</translation>
    </message>
    <message>
        <source>Giấy tờ đã nhận không hợp lệ (bản chính, bản sao chứng thực, bản chụp; 1–99 bản).</source>
        <translation>Invalid received paper (original, certified copy or photocopy; 1–99 copies).</translation>
    </message>
    <message>
        <source>Thủ tục này không có trường hợp kéo dài thời hạn như vậy.</source>
        <translation>This procedure has no such extension of its time limit.</translation>
    </message>
    <message>
        <source>Hồ sơ đã được áp dụng thời hạn kéo dài theo quy định.</source>
        <translation>The statutory extension has already been applied to this dossier.</translation>
    </message>
    <message>
        <source>Chọn ngày hẹn trả kết quả mới.</source>
        <translation>Choose the new return date.</translation>
    </message>
    <message>
        <source>Ngày hẹn mới phải sau thời điểm tiếp nhận hồ sơ.</source>
        <translation>The new date must be after the dossier was received.</translation>
    </message>
    <message>
        <source>Ngày hẹn mới ({day}) là ngày nghỉ; hãy chọn một ngày làm việc.</source>
        <translation>The new date ({day}) is a day off; choose a working day.</translation>
    </message>
    <message>
        <source>Giờ hẹn mới nằm ngoài giờ làm việc.</source>
        <translation>The new time is outside office hours.</translation>
    </message>
    <message>
        <source>Chọn cơ quan, bộ phận để xảy ra chậm trễ.</source>
        <translation>Choose the office or agency that caused the delay.</translation>
    </message>
    <message>
        <source>Ký hiệu chỉ gồm chữ viết tắt và gạch nối, ví dụ QĐ-UBND (không gõ số và dấu /).</source>
        <translation>A symbol is abbreviations and hyphens only, e.g. QĐ-UBND (do not type the number or a /).</translation>
    </message>
    <message>
        <source>Độ khẩn phải là Hỏa tốc, Thượng khẩn hoặc Khẩn.</source>
        <translation>Urgency must be Flash, Most urgent or Urgent.</translation>
    </message>
    <message>
        <source>Độ mật phải là Tuyệt mật, Tối mật hoặc Mật.</source>
        <translation>Secrecy must be Top secret, Secret or Confidential.</translation>
    </message>
    <message>
        <source>Số bản phải từ 1 đến 9999.</source>
        <translation>The number of copies must be 1 to 9999.</translation>
    </message>
    <message>
        <source>Cần ghi lý do.</source>
        <translation>A reason is required.</translation>
    </message>
    <message>
        <source>Dữ liệu lịch làm việc không hợp lệ.</source>
        <translation>Invalid working calendar data.</translation>
    </message>
    <message>
        <source>Một ngày không thể vừa là ngày nghỉ vừa là ngày làm bù ({day}).</source>
        <translation>A day cannot be both a day off and a working day ({day}).</translation>
    </message>
    <message>
        <source>Địa chỉ tra cứu phải bắt đầu bằng http(s):// và có đúng một chỗ {code}.</source>
        <translation>The tracking address must start with http(s):// and contain {code} exactly once.</translation>
    </message>
    <message>
        <source>Ngày bắt đầu nhận hồ sơ không hợp lệ.</source>
        <translation>Invalid office start date.</translation>
    </message>
    <message>
        <source>Ngày không đúng định dạng năm-tháng-ngày (ví dụ 1990-05-31).</source>
        <translation>The date is not year-month-day (e.g. 1990-05-31).</translation>
    </message>
    <message>
        <source>Tham số dòng lệnh chứa byte không phải UTF-8; hãy gõ lại.</source>
        <translation>A command-line argument holds bytes that are not UTF-8; type it again.</translation>
    </message>
    <message>
        <source>Chọn trong quá trình giải quyết một bước có phiếu (mẫu 02–05).</source>
        <translation>Select a step in the history that has a slip (forms 02–05).</translation>
    </message>
    <message>
        <source>Máy chủ chưa được cấu hình.</source>
        <translation>No server is configured.</translation>
    </message>
    <message>
        <source>Không kết nối được máy chủ. Dữ liệu vẫn được lưu trên máy và sẽ đồng bộ sau.</source>
        <translation>Cannot reach the server. Your data is still saved on this PC and will sync later.</translation>
    </message>
    <message>
        <source>Không kết nối được máy chủ. Dữ liệu vẫn được lưu trên máy.</source>
        <translation>Cannot reach the server. Your data is still saved on this PC.</translation>
    </message>
    <message>
        <source>Máy chủ không trả lời kịp. Sẽ thử lại sau.</source>
        <translation>The server did not answer in time. Will retry later.</translation>
    </message>
    <message>
        <source>Máy chủ đang gặp sự cố. Sẽ thử lại sau.</source>
        <translation>The server has a problem. Will retry later.</translation>
    </message>
    <message>
        <source>Máy chủ tạm thời không phục vụ. Sẽ tự thử lại sau.</source>
        <translation>The server is temporarily unavailable. Will retry automatically.</translation>
    </message>
    <message>
        <source>Máy này chưa đăng nhập máy chủ thành phố. Hãy nhờ cán bộ CNTT đăng nhập một lần (lệnh commune-desk login).</source>
        <translation>This PC has not logged in to the city server. Ask IT staff to log in once (command commune-desk login).</translation>
    </message>
    <message>
        <source>Tên đăng nhập hoặc mật khẩu không đúng.</source>
        <translation>Wrong user name or password.</translation>
    </message>
    <message>
        <source>Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại.</source>
        <translation>Your login has expired. Please log in again.</translation>
    </message>
    <message>
        <source>Máy này đã bị thu hồi quyền đồng bộ. Hãy liên hệ cán bộ CNTT.</source>
        <translation>This PC&apos;s sync access was revoked. Contact IT support.</translation>
    </message>
    <message>
        <source>Phiên bản phần mềm không khớp với máy chủ. Hãy cập nhật phần mềm.</source>
        <translation>This version does not match the server. Please update the software.</translation>
    </message>
    <message>
        <source>Máy này không có kho mật khẩu của hệ điều hành (hoặc kho không hoạt động) nên không lưu được thông tin đăng nhập an toàn. Cán bộ CNTT: bật kho mật khẩu (Windows Credential Manager; trên Linux: GNOME Keyring hoặc KWallet) rồi đăng nhập lại, hoặc — nếu chấp nhận lưu vào một tệp chỉ tài khoản này đọc được — chạy lại lệnh login với --insecure-storage.</source>
        <translation>This PC has no operating-system keyring (or it does not work), so the login secrets cannot be stored safely. IT staff: enable the keyring (Windows Credential Manager; on Linux: GNOME Keyring or KWallet) and log in again, or — if storing them in a file only this account can read is acceptable — run login again with --insecure-storage.</translation>
    </message>
    <message>
        <source>Đăng nhập sai quá nhiều lần nên tạm thời bị khóa; hãy thử lại sau ít phút.</source>
        <translation>Too many failed logins: logging in is locked for a while; try again in a few minutes.</translation>
    </message>
    <message>
        <source>Đăng nhập sai quá nhiều lần nên tạm thời bị khóa; hãy thử lại sau {wait}.</source>
        <translation>Too many failed logins: logging in is locked for a while; try again in {wait}.</translation>
    </message>
    <message>
        <source>{n} giây</source>
        <translation>{n} s</translation>
    </message>
    <message>
        <source>{n} phút</source>
        <translation>{n} min</translation>
    </message>
    <message>
        <source>{h} giờ</source>
        <translation>{h} h</translation>
    </message>
    <message>
        <source>{h} giờ {m} phút</source>
        <translation>{h} h {m} min</translation>
    </message>
    <message>
        <source>Khóa thiết bị của máy này không khớp với khóa máy chủ đã ghi nhận (máy được cài lại hoặc mất kho mật khẩu). Hãy nhờ lãnh đạo đơn vị gắn lại máy này trên máy chủ.</source>
        <translation>This PC&apos;s device key does not match the key the server has on record (the PC was reinstalled or lost its keyring). Ask a leader of the office to re-bind this PC on the server.</translation>
    </message>
    <message>
        <source>Mã khóa của máy này để lãnh đạo đối chiếu khi gắn lại: {fingerprint}.</source>
        <translation>This PC&apos;s key fingerprint, for the leader to compare when re-binding: {fingerprint}.</translation>
    </message>
    <message>
        <source>kho mật khẩu của hệ điều hành</source>
        <translation>the operating-system keyring</translation>
    </message>
    <message>
        <source>TỆP KHÔNG MÃ HÓA trong thư mục dữ liệu (--insecure-storage); ai đọc được tệp này có thể đồng bộ thay máy này</source>
        <translation>an UNENCRYPTED FILE in the data folder (--insecure-storage); whoever can read it can sync as this PC</translation>
    </message>
    <message>
        <source>Máy chủ trả lời không đúng giao thức; kiểm tra lại địa chỉ máy chủ. Sẽ thử lại sau.</source>
        <translation>The server&apos;s reply does not follow the protocol; check the server address. Will retry later.</translation>
    </message>
    <message>
        <source>Máy chủ từ chối yêu cầu.</source>
        <translation>The server refused the request.</translation>
    </message>
    <message>
        <source>Thiếu tệp đính kèm trên máy; không gửi được. Hãy liên hệ cán bộ CNTT.</source>
        <translation>An attachment file is missing on this PC and cannot be sent. Please contact IT staff.</translation>
    </message>
    <message>
        <source>Tệp đính kèm bị hỏng khi truyền; sẽ truyền lại.</source>
        <translation>An attachment was damaged in transfer; it will be transferred again.</translation>
    </message>
    <message>
        <source>Mật khẩu không đúng.</source>
        <translation>Wrong password.</translation>
    </message>
    <message>
        <source>Đang có một lượt đồng bộ khác chạy.</source>
        <translation>Another sync round is already running.</translation>
    </message>
    <message>
        <source>Cả 9 số quầy của đơn vị đã được cấp cho máy khác; cần thu hồi một máy cũ.</source>
        <translation>All 9 counter slots of this unit are held by other PCs; an old PC must be revoked.</translation>
    </message>
    <message>
        <source>Đồng bộ gặp lỗi không mong muốn; đã ghi nhật ký, sẽ thử lại sau.</source>
        <translation>Sync hit an unexpected error; it was logged and will be retried later.</translation>
    </message>
    <message>
        <source>Còn thao tác chưa gửi được lên máy chủ; sẽ gửi ở lượt đồng bộ sau.</source>
        <translation>Some changes could not be sent to the server yet; they will be sent in the next round.</translation>
    </message>
    <message>
        <source>Đồng bộ xong nhưng có thao tác bị máy chủ từ chối hoặc xung đột cần xử lý.</source>
        <translation>Sync finished, but some changes were refused by the server or conflict and need attention.</translation>
    </message>
    <message>
        <source>Tài khoản không có quyền với dữ liệu này.</source>
        <translation>This account has no access to these data.</translation>
    </message>
    <message>
        <source>Máy này đã bị thu hồi; đang gửi nốt lên máy chủ những thao tác đã làm trước đó.</source>
        <translation>This PC has been revoked; it is sending the server the last changes it made before.</translation>
    </message>
    <message>
        <source>Máy chủ thấy một máy khác đang dùng cùng danh tính với máy này (thư mục dữ liệu hoặc ổ đĩa đã bị sao chép). Đồng bộ tạm dừng để không cấp trùng số. Cán bộ CNTT: đóng phần mềm, đăng nhập lại trên máy này (lệnh commune-desk login) để máy nhận danh tính mới; không dùng chung một thư mục dữ liệu cho hai máy.</source>
        <translation>The server saw another PC using this PC&apos;s identity (the data folder or the disk was copied). Sync is paused so that no number is issued twice. IT officer: close the application and log in again on this PC (commune-desk login) to give it a new identity; never share one data folder between two PCs.</translation>
    </message>
    <message>
        <source>Máy này chưa được cấp số quầy nên chưa cấp được mã hồ sơ. Hãy kết nối mạng và đồng bộ (hoặc nhờ cán bộ CNTT đăng nhập lại).</source>
        <translation>This PC has no counter slot yet, so it cannot issue dossier codes. Connect to the network and sync (or ask the IT officer to log in again).</translation>
    </message>
    <message>
        <source>Máy chủ vừa được khôi phục; số quầy và khối số mới sẽ được cấp sau khi các máy đồng bộ lại.</source>
        <translation>The server has just been restored; new counter slots and number blocks are granted once the PCs have synced again.</translation>
    </message>
    <message>
        <source>Máy chủ thành phố vừa được khôi phục từ bản sao lưu. Máy này đã tự gửi lại những gì máy chủ còn thiếu và tải lại dữ liệu; không cần làm gì thêm.</source>
        <translation>The city server has just been restored from a backup. This PC has sent back what the server was missing and reloaded the data; nothing more needs doing.</translation>
    </message>
    <message>
        <source>Dữ liệu trên máy này vừa được khôi phục từ bản sao lưu. Mã hồ sơ và số văn bản tiếp tục sau những số đã cấp; những gì đã gửi lên máy chủ sẽ được tải về lại.</source>
        <translation>The data on this PC has just been restored from a backup. Dossier codes and document numbers continue after those already issued; what had been sent to the server comes back.</translation>
    </message>
    <message>
        <source>Thư mục dữ liệu này được chép từ một máy khác (hoặc đã được chuyển chỗ) nên máy này được coi là một máy mới. Cán bộ CNTT: hãy đăng nhập máy chủ lại trên máy này (lệnh commune-desk login) để máy nhận số quầy riêng; các thao tác chưa gửi của máy cũ được để riêng trong mục “Bị từ chối”.</source>
        <translation>This data folder was copied from another PC (or moved), so this PC counts as a new one. IT officer: log in to the server again on this PC (commune-desk login) so that it gets its own counter slot; the old PC&apos;s unsent changes are set aside under “Refused”.</translation>
    </message>
    <message>
        <source>Việc này chỉ dành cho lãnh đạo hoặc người được đơn vị giao quyền.</source>
        <translation>Only a leader, or someone the office has given this task, may do this.</translation>
    </message>
    <message>
        <source>Máy này đồng bộ bằng tài khoản {sync_user}, không có quyền làm việc này: máy chủ thành phố sẽ từ chối. Hãy để lãnh đạo đăng nhập trong ứng dụng và làm ở đó.</source>
        <translation>This PC syncs as {sync_user}, who may not do this: the city server will refuse it. Have a leader sign in to the application and do it there.</translation>
    </message>
    <message>
        <source>Lần đầu đăng nhập trên máy này cần kết nối máy chủ thành phố để kiểm tra mật khẩu. Hãy thử lại khi có mạng.</source>
        <translation>The first sign-in on this PC needs the city server to check the password. Try again when the network is back.</translation>
    </message>
    <message>
        <source>Nhập sai mật khẩu nhiều lần. Hãy chờ một phút rồi thử lại.</source>
        <translation>Too many wrong passwords. Wait a minute, then try again.</translation>
    </message>
    <message>
        <source>Mật khẩu cần ít nhất 6 ký tự.</source>
        <translation>The password needs at least 6 characters.</translation>
    </message>
    <message>
        <source>Tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm, gạch ngang (2–50 ký tự).</source>
        <translation>A user name has only lower-case letters without accents, digits, dots and hyphens (2–50 characters).</translation>
    </message>
    <message>
        <source>Chưa nhập họ và tên.</source>
        <translation>The full name is missing.</translation>
    </message>
    <message>
        <source>Tên đăng nhập này đã có.</source>
        <translation>This user name is taken.</translation>
    </message>
    <message>
        <source>Tài khoản đầu tiên của máy phải là của lãnh đạo.</source>
        <translation>The first account of a PC must be a leader&apos;s.</translation>
    </message>
    <message>
        <source>Đơn vị dùng máy chủ thành phố: tài khoản do lãnh đạo quản lý trên máy chủ.</source>
        <translation>The office uses the city server: the leader manages the accounts on the server.</translation>
    </message>
    <message>
        <source>Không thể tự khoá tài khoản của mình.</source>
        <translation>You cannot lock your own account.</translation>
    </message>
    <message>
        <source>Phải còn ít nhất một lãnh đạo có tài khoản đang dùng.</source>
        <translation>At least one leader must keep an active account.</translation>
    </message>
    <message>
        <source>Thời gian tự khoá máy từ 0 đến 240 phút.</source>
        <translation>The automatic lock time is 0 to 240 minutes.</translation>
    </message>
    <message>
        <source>Vai trò không hợp lệ.</source>
        <translation>Unknown role.</translation>
    </message>
    <message>
        <source>Không tìm thấy xung đột này.</source>
        <translation>This conflict was not found.</translation>
    </message>
    <message>
        <source>Xung đột này đã được xử lý.</source>
        <translation>This conflict was already resolved.</translation>
    </message>
    <message>
        <source>Giá trị chọn không thuộc xung đột này.</source>
        <translation>The chosen value is not part of this conflict.</translation>
    </message>
    <message>
        <source>Không tìm thấy thay đổi này.</source>
        <translation>This change was not found.</translation>
    </message>
    <message>
        <source>Thay đổi này đã được xử lý.</source>
        <translation>This change was already handled.</translation>
    </message>
    <message>
        <source>Máy chủ không có hồ sơ mà thay đổi này thuộc về.</source>
        <translation>The server does not have the dossier this change belongs to.</translation>
    </message>
    <message>
        <source>Máy chủ không có bản ghi này (có thể đã bị xoá ở máy khác).</source>
        <translation>The server does not have this record (it may have been deleted on another PC).</translation>
    </message>
    <message>
        <source>Bản ghi đã bị xoá trên máy chủ.</source>
        <translation>The record was deleted on the server.</translation>
    </message>
    <message>
        <source>Máy chủ không nhận loại bước xử lý này (phần mềm cần cập nhật?).</source>
        <translation>The server does not accept this kind of step (does the software need an update?).</translation>
    </message>
    <message>
        <source>Nhật ký xử lý chỉ được ghi thêm, không được sửa hay xoá.</source>
        <translation>The processing history can only be added to, never edited or deleted.</translation>
    </message>
    <message>
        <source>Có thông tin không hợp lệ.</source>
        <translation>Some information is not valid.</translation>
    </message>
    <message>
        <source>Máy chủ không nhận một thông tin của bản ghi này (phần mềm cần cập nhật?).</source>
        <translation>The server does not accept one of this record&apos;s fields (does the software need an update?).</translation>
    </message>
    <message>
        <source>Thay đổi không đúng định dạng giao thức (lỗi phần mềm; hãy báo cán bộ CNTT).</source>
        <translation>The change does not follow the protocol&apos;s format (a software fault; please tell IT staff).</translation>
    </message>
    <message>
        <source>Máy chủ không nhận loại dữ liệu này (phần mềm cần cập nhật?).</source>
        <translation>The server does not accept this kind of record (does the software need an update?).</translation>
    </message>
    <message>
        <source>Tài khoản này không được sửa loại dữ liệu này.</source>
        <translation>This account may not change this kind of data.</translation>
    </message>
    <message>
        <source>Số văn bản nằm ngoài khối số máy này được cấp.</source>
        <translation>The document number is outside the block leased to this PC.</translation>
    </message>
    <message>
        <source>Số văn bản đã được máy khác dùng.</source>
        <translation>The document number was already used by another PC.</translation>
    </message>
    <message>
        <source>Số văn bản đã cấp không được đổi.</source>
        <translation>An issued document number cannot be changed.</translation>
    </message>
    <message>
        <source>Sổ đã hết số để cấp.</source>
        <translation>The register book has no numbers left to issue.</translation>
    </message>
    <message>
        <source>Tệp đính kèm chưa gửi đủ lên máy chủ.</source>
        <translation>The attachment has not been fully uploaded to the server.</translation>
    </message>
    <message>
        <source>Bản ghi đã bị sửa ở máy khác nên không xoá được.</source>
        <translation>The record was changed on another PC, so it cannot be deleted.</translation>
    </message>
    <message>
        <source>Cùng một thông tin đã được sửa khác nhau ở hai máy.</source>
        <translation>The same information was changed differently on two PCs.</translation>
    </message>
    <message>
        <source>Số thứ tự thao tác đã được dùng (lỗi phần mềm; hãy báo cán bộ CNTT).</source>
        <translation>The change&apos;s sequence number was already used (a software fault; please tell IT staff).</translation>
    </message>
    <message>
        <source>Mã thao tác đã được dùng (lỗi phần mềm; hãy báo cán bộ CNTT).</source>
        <translation>The change&apos;s id was already used (a software fault; please tell IT staff).</translation>
    </message>
    <message>
        <source>Thao tác này thuộc về một máy khác.</source>
        <translation>This change belongs to another PC.</translation>
    </message>
    <message>
        <source>Thứ tự thao tác gửi lên bị hụt (lỗi phần mềm; hãy báo cán bộ CNTT).</source>
        <translation>The order of the changes sent has a gap (a software fault; tell the IT officer).</translation>
    </message>
    <message>
        <source>Máy chủ gặp lỗi mỗi lần nhận thay đổi này nên thay đổi được để riêng; các thay đổi khác vẫn được gửi. Hãy báo cán bộ CNTT.</source>
        <translation>The server fails every time it receives this change, so it was set aside; the other changes are still sent. Tell the IT officer.</translation>
    </message>
    <message>
        <source>Chữ ký của thay đổi không khớp với khoá của máy nên không được nhận. Dữ liệu trên máy vẫn còn; hãy báo cán bộ CNTT.</source>
        <translation>The change&apos;s signature does not match this PC&apos;s key, so it was not accepted. The data on this PC is kept; tell the IT officer.</translation>
    </message>
    <message>
        <source>Máy này chưa được đăng ký làm máy chủ nội bộ của đơn vị với máy chủ thành phố. Hãy báo cán bộ CNTT (lệnh city-server relay login).</source>
        <translation>This PC is not registered with the city server as the office relay. Tell the IT officer (command city-server relay login).</translation>
    </message>
    <message>
        <source>Người thực hiện không có quyền làm việc này theo phân quyền của đơn vị (việc của lãnh đạo); lãnh đạo có thể xem lại và gửi lại.</source>
        <translation>The person who did this may not do it under the office&apos;s rules (it is a leader&apos;s task); a leader can review it and send it again.</translation>
    </message>
    <message>
        <source>Phiên bản</source>
        <translation>Versions</translation>
    </message>
    <message>
        <source>Kiểm tra dữ liệu</source>
        <translation>Data check</translation>
    </message>
    <message>
        <source>Đồng bộ với máy chủ</source>
        <translation>Sync with the server</translation>
    </message>
    <message>
        <source>Đồng hồ máy tính</source>
        <translation>PC clock</translation>
    </message>
    <message>
        <source>Dung lượng ổ đĩa</source>
        <translation>Disk space</translation>
    </message>
    <message>
        <source>Sao lưu</source>
        <translation>Backup</translation>
    </message>
    <message>
        <source>Nhật ký lỗi</source>
        <translation>Error log</translation>
    </message>
    <message>
        <source>Tốt</source>
        <translation>Good</translation>
    </message>
    <message>
        <source>Thông tin</source>
        <translation>Information</translation>
    </message>
    <message>
        <source>Cần chú ý</source>
        <translation>Needs attention</translation>
    </message>
    <message>
        <source>Có lỗi</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>CommuneDesk {app}, lược đồ dữ liệu {schema}, Python {python}, SQLite {sqlite}, {system}.</source>
        <translation>CommuneDesk {app}, data schema {schema}, Python {python}, SQLite {sqlite}, {system}.</translation>
    </message>
    <message>
        <source>Dữ liệu không có lỗi ({checked} mục đã kiểm tra).</source>
        <translation>The data has no errors ({checked} checks run).</translation>
    </message>
    <message>
        <source>Phát hiện {problems} lỗi trong dữ liệu.</source>
        <translation>{problems} problems found in the data.</translation>
    </message>
    <message>
        <source>Đóng phần mềm rồi kiểm tra lại. Nếu vẫn lỗi, gửi tệp hỗ trợ cho đường dây nóng; có thể phải khôi phục bản sao lưu gần nhất.</source>
        <translation>Close the program and check again. If the problems remain, send the support file to the hotline; the latest backup may have to be restored.</translation>
    </message>
    <message>
        <source>Không kiểm tra được dữ liệu.</source>
        <translation>The data could not be checked.</translation>
    </message>
    <message>
        <source>Đóng phần mềm, mở lại rồi thử lần nữa; nếu vẫn không được, gọi đường dây nóng.</source>
        <translation>Close the program, open it again and retry; if it still fails, call the hotline.</translation>
    </message>
    <message>
        <source>Máy này chưa đăng nhập máy chủ thành phố: dữ liệu chỉ lưu trên máy.</source>
        <translation>This PC is not logged in to the city server: the data is kept on this PC only.</translation>
    </message>
    <message>
        <source>Nếu đơn vị dùng máy chủ thành phố, nhờ cán bộ CNTT đăng nhập máy một lần khi có mạng.</source>
        <translation>If the office uses the city server, ask IT staff to log the PC in once while the network is up.</translation>
    </message>
    <message>
        <source>Đồng bộ tốt: lần cuối {last}; chờ gửi {pending} thay đổi.</source>
        <translation>Sync is fine: last at {last}; {pending} changes waiting to be sent.</translation>
    </message>
    <message>
        <source>Máy đã đăng nhập nhưng chưa đồng bộ được lần nào; chờ gửi {pending} thay đổi.</source>
        <translation>The PC is logged in but has never synced; {pending} changes waiting to be sent.</translation>
    </message>
    <message>
        <source>Kiểm tra mạng và địa chỉ máy chủ. Dữ liệu vẫn được lưu an toàn trên máy.</source>
        <translation>Check the network and the server address. The data is safely kept on this PC.</translation>
    </message>
    <message>
        <source>Chưa đồng bộ được từ {last}; chờ gửi {pending} thay đổi (lỗi gần nhất: {error}).</source>
        <translation>No sync since {last}; {pending} changes waiting to be sent (last error: {error}).</translation>
    </message>
    <message>
        <source>Kiểm tra mạng và địa chỉ máy chủ. Dữ liệu vẫn được lưu an toàn trên máy; phần mềm tự gửi lại khi có mạng.</source>
        <translation>Check the network and the server address. The data is safely kept on this PC; the program sends it again when the network is back.</translation>
    </message>
    <message>
        <source>Đồng bộ đã dừng ({error}).</source>
        <translation>Sync has stopped ({error}).</translation>
    </message>
    <message>
        <source>Máy cần được đăng nhập lại với máy chủ (commune-desk login) hoặc đã bị thu hồi: liên hệ cán bộ CNTT.</source>
        <translation>The PC must be logged in to the server again (commune-desk login) or it was revoked: contact IT staff.</translation>
    </message>
    <message>
        <source>Có {quarantined} thay đổi bị máy chủ từ chối và {conflicts} xung đột đang chờ.</source>
        <translation>{quarantined} changes refused by the server and {conflicts} conflicts are waiting.</translation>
    </message>
    <message>
        <source>Lãnh đạo mở trang Đồng bộ để xử lý từng mục.</source>
        <translation>A leader opens the Sync page to settle each one.</translation>
    </message>
    <message>
        <source>Đồng hồ máy chỉ lệch {seconds} giây so với máy chủ.</source>
        <translation>The PC clock is only {seconds} seconds off the server&apos;s.</translation>
    </message>
    <message>
        <source>Chưa so được giờ với máy chủ.</source>
        <translation>The clock has not been compared with the server yet.</translation>
    </message>
    <message>
        <source>Đồng hồ máy tính lệch {minutes} phút so với máy chủ.</source>
        <translation>The PC clock is {minutes} minutes off the server&apos;s.</translation>
    </message>
    <message>
        <source>Chỉnh lại ngày giờ của Windows (bật tự động đặt giờ): giờ sai làm sai ngày hẹn trả.</source>
        <translation>Correct the Windows date and time (turn on automatic time): a wrong clock gives wrong appointment dates.</translation>
    </message>
    <message>
        <source>Ổ chứa dữ liệu còn trống {free}.</source>
        <translation>The data disk has {free} free.</translation>
    </message>
    <message>
        <source>Ổ chứa dữ liệu chỉ còn trống {free}.</source>
        <translation>The data disk has only {free} free.</translation>
    </message>
    <message>
        <source>Xoá bớt tệp không cần thiết, hoặc chuyển thư mục sao lưu sang ổ khác.</source>
        <translation>Delete files that are not needed, or move the backup folder to another disk.</translation>
    </message>
    <message>
        <source>Ổ chứa dữ liệu gần đầy: chỉ còn {free}.</source>
        <translation>The data disk is nearly full: only {free} left.</translation>
    </message>
    <message>
        <source>Giải phóng dung lượng ngay: khi ổ đầy, phần mềm không lưu được hồ sơ mới.</source>
        <translation>Free some space now: with a full disk the program cannot save new dossiers.</translation>
    </message>
    <message>
        <source>Bản sao lưu gần nhất: {when} ({count} bản trong thư mục sao lưu).</source>
        <translation>Latest backup: {when} ({count} in the backup folder).</translation>
    </message>
    <message>
        <source>Bản sao lưu gần nhất đã cũ: {when}.</source>
        <translation>The latest backup is old: {when}.</translation>
    </message>
    <message>
        <source>Sao lưu ngay (commune-desk backup) và chép một bản ra USB mỗi tuần.</source>
        <translation>Back up now (commune-desk backup) and copy one to a USB stick every week.</translation>
    </message>
    <message>
        <source>Chưa có bản sao lưu nào trong {folder}.</source>
        <translation>No backup yet in {folder}.</translation>
    </message>
    <message>
        <source>Nhật ký gần đây ({lines} dòng) không có lỗi.</source>
        <translation>The recent log ({lines} lines) has no errors.</translation>
    </message>
    <message>
        <source>Chưa có tệp nhật ký.</source>
        <translation>No log file yet.</translation>
    </message>
    <message>
        <source>Nhật ký gần đây có {errors} lỗi.</source>
        <translation>The recent log has {errors} errors.</translation>
    </message>
    <message>
        <source>Gửi tệp hỗ trợ cho đường dây nóng để được xem chi tiết.</source>
        <translation>Send the support file to the hotline for a closer look.</translation>
    </message>
    <message>
        <source>Máy tính này dùng bộ vi xử lý quá cũ (không hỗ trợ SSE4.2) nên không chạy được CommuneDesk. Vui lòng báo cán bộ CNTT để dùng máy khác.

This PC&apos;s processor lacks SSE4.2, which CommuneDesk requires.</source>
        <translation>This PC&apos;s processor is too old (no SSE4.2), so CommuneDesk cannot run on it. Please ask IT staff for another PC.

This PC&apos;s processor lacks SSE4.2, which CommuneDesk requires.</translation>
    </message>
    <message>
        <source>CommuneDesk cần Windows 10 phiên bản 1809 trở lên. Máy này đang chạy Windows {major} (bản dựng {build}). Vui lòng báo cán bộ CNTT cập nhật Windows.

CommuneDesk needs Windows 10 version 1809 (build {min_build}) or later.</source>
        <translation>CommuneDesk needs Windows 10 version 1809 or later. This PC runs Windows {major} (build {build}). Please ask IT staff to update Windows.

CommuneDesk needs Windows 10 version 1809 (build {min_build}) or later.</translation>
    </message>
    <message>
        <source>Đã cập nhật thành công từ USB.</source>
        <translation>The update from the USB stick was installed.</translation>
    </message>
    <message>
        <source>Phần mềm và dữ liệu danh mục đã là bản mới nhất; không có gì để cập nhật.</source>
        <translation>The software and the reference data are already up to date; nothing to update.</translation>
    </message>
    <message>
        <source>Bản cập nhật trên USB hợp lệ (chưa cài đặt).</source>
        <translation>The update on the USB stick is valid (not installed yet).</translation>
    </message>
    <message>
        <source>Bản cập nhật hợp lệ. Bộ cài đặt phiên bản {version} đã được chép vào máy nhưng CHƯA được cài: phần mềm sẽ được cài khi khởi động lại máy tính, hoặc khi cán bộ CNTT bấm cài đặt. Máy vẫn đang chạy phiên bản {installed}.</source>
        <translation>The update is valid. The installer of version {version} has been copied to this PC but is NOT installed yet: it will be installed when the PC restarts, or when IT staff start the installation. This PC still runs version {installed}.</translation>
    </message>
    <message>
        <source>Bộ cài đặt phiên bản {version} đã được chép vào máy nhưng cài đặt KHÔNG thành công (mã lỗi {exit_code}). Máy vẫn chạy phiên bản {installed}; dữ liệu không bị ảnh hưởng. Hãy báo cán bộ CNTT (nhật ký cài đặt: {log}).</source>
        <translation>The installer of version {version} was copied to this PC but the installation FAILED (error code {exit_code}). This PC still runs version {installed}; no data is affected. Please tell IT staff (installation log: {log}).</translation>
    </message>
    <message>
        <source>Không tìm thấy bản cập nhật CommuneDesk trên USB này (cần thư mục “CommuneDesk-update”).</source>
        <translation>No CommuneDesk update was found on this USB stick (a “CommuneDesk-update” folder is needed).</translation>
    </message>
    <message>
        <source>Không đọc được USB. Hãy rút ra, cắm lại rồi thử lại.</source>
        <translation>The USB stick cannot be read. Unplug it, plug it in again and retry.</translation>
    </message>
    <message>
        <source>Bản cập nhật trên USB chưa được chép đầy đủ (thiếu tệp hoặc tệp bị chép dở). Không có gì thay đổi trên máy. Hãy nhờ cán bộ CNTT chép lại USB cập nhật.</source>
        <translation>The update on the USB stick was not copied completely (files missing or cut short). Nothing was changed on this PC. Ask IT staff to copy the update stick again.</translation>
    </message>
    <message>
        <source>USB chứa lẫn các tệp của nhiều lần phát hành khác nhau (có thể lần chép trước chưa xong). Không có gì thay đổi trên máy. Hãy nhờ cán bộ CNTT chép lại USB cập nhật.</source>
        <translation>The USB stick holds files from different releases mixed together (an earlier copy may not have finished). Nothing was changed on this PC. Ask IT staff to copy the update stick again.</translation>
    </message>
    <message>
        <source>Bản cập nhật trên USB đã hết hạn ngày {expired_on} (theo đồng hồ máy tính, hôm nay là {today}) nên KHÔNG được cài. Nếu ngày trên máy tính sai, hãy chỉnh lại rồi thử lại; nếu đúng, hãy xin cán bộ CNTT chép bản cập nhật mới.</source>
        <translation>The update on the USB stick expired on {expired_on} (by this PC&apos;s clock, today is {today}), so it was NOT installed. If the PC&apos;s date is wrong, correct it and try again; if it is right, ask IT staff for a new update stick.</translation>
    </message>
    <message>
        <source>Đồng hồ máy tính đang để quá muộn (hôm nay là {today} theo máy, trong khi USB được chép ngày {written_on}), nên bản cập nhật bị coi là hết hạn. USB không có lỗi. Hãy chỉnh lại ngày giờ máy tính rồi thử lại.</source>
        <translation>This PC&apos;s clock is set too far ahead (today is {today} by the PC, while the stick was written on {written_on}), so the update looks expired. The stick is fine. Correct the PC&apos;s date and time, then try again.</translation>
    </message>
    <message>
        <source>Không thực hiện được thao tác. Dữ liệu đã lưu không bị ảnh hưởng. Hãy thử lại; nếu vẫn không được, báo cán bộ CNTT (chi tiết đã ghi trong tệp nhật ký).</source>
        <translation>The action could not be done. Saved data is not affected. Try again; if it still fails, tell IT support (details are in the log file).</translation>
    </message>
    <message>
        <source>Bản cập nhật trên USB đã bị sửa đổi hoặc hỏng nên KHÔNG được cài. Không có gì thay đổi trên máy. Hãy báo cán bộ CNTT.</source>
        <translation>The update on the USB stick was altered or is damaged, so it was NOT installed. Nothing changed on this PC. Tell IT support.</translation>
    </message>
    <message>
        <source>Gói dữ liệu đã bị sửa hoặc hỏng; không nhận gì.</source>
        <translation>The bundle was altered or is damaged; nothing was taken in.</translation>
    </message>
    <message>
        <source>Gói dữ liệu đã bị sửa hoặc hỏng (chữ ký không khớp); không nhận gì.</source>
        <translation>The bundle was altered or is damaged (the signature does not match); nothing was taken in.</translation>
    </message>
    <message>
        <source>Một tệp đính kèm trong gói đã bị sửa hoặc hỏng; không nhận gì.</source>
        <translation>An attachment in the bundle was altered or is damaged; nothing was taken in.</translation>
    </message>
    <message>
        <source>Gói có thao tác của máy khác; không nhận gì.</source>
        <translation>The bundle holds another PC&apos;s changes; nothing was taken in.</translation>
    </message>
    <message>
        <source>Máy chủ không biết máy đã tạo gói này (hoặc máy thuộc xã khác).</source>
        <translation>The server does not know the PC that made this bundle (or it belongs to another commune).</translation>
    </message>
    <message>
        <source>Máy đã tạo gói này chưa có khóa thiết bị; cần đăng nhập trực tuyến một lần.</source>
        <translation>The PC that made this bundle has no device key yet; it must log in online once.</translation>
    </message>
    <message>
        <source>Máy đã tạo gói này đã bị thu hồi; không nhận dữ liệu của nó.</source>
        <translation>The PC that made this bundle has been revoked; its data is not taken in.</translation>
    </message>
    <message>
        <source>Đây không phải gói dữ liệu do máy ở xã tạo ra (hoặc gói đã hỏng).</source>
        <translation>This is not a bundle made by a commune PC (or the bundle is damaged).</translation>
    </message>
    <message>
        <source>Đây không phải gói trả lời của máy chủ thành phố (có thể là gói xuất của một máy ở xã).</source>
        <translation>This is not a reply from the city server (it may be a bundle exported by a commune PC).</translation>
    </message>
    <message>
        <source>Gói trả lời này dành cho máy khác; không nhận gì.</source>
        <translation>This reply is meant for another PC; nothing was taken in.</translation>
    </message>
    <message>
        <source>Máy này chưa biết khóa của máy chủ thành phố: cần đồng bộ trực tuyến một lần.</source>
        <translation>This PC does not know the city server&apos;s key yet: it must sync online once.</translation>
    </message>
    <message>
        <source>Máy này chưa đăng nhập máy chủ thành phố lần nào: chưa thể dùng gói dữ liệu.</source>
        <translation>This PC has never logged in to the city server: bundles cannot be used yet.</translation>
    </message>
    <message>
        <source>Máy chủ nội bộ chưa biết khóa của máy chủ thành phố: cần kết nối một lần.</source>
        <translation>The office relay does not know the city server&apos;s key yet: it must connect once.</translation>
    </message>
    <message>
        <source>Máy chủ nội bộ chưa được đăng ký với thành phố.</source>
        <translation>The office relay is not registered with the city yet.</translation>
    </message>
    <message>
        <source>USB này chứa bản cập nhật CŨ hơn bản đã cài nên KHÔNG được cài. Không có gì thay đổi trên máy. Hãy xin USB cập nhật mới nhất.</source>
        <translation>This USB stick holds an update OLDER than the one installed, so it was NOT installed. Nothing changed on this PC. Ask for the latest update stick.</translation>
    </message>
    <message>
        <source>Bản cập nhật có tệp ghi ra ngoài thư mục cho phép nên KHÔNG được cài. Không có gì thay đổi trên máy. Hãy báo cán bộ CNTT.</source>
        <translation>The update has a file that would be written outside the allowed folder, so it was NOT installed. Nothing changed on this PC. Tell IT support.</translation>
    </message>
    <message>
        <source>Ngày giờ của máy tính đang sớm hơn ngày phát hành phần mềm, nên không thể kiểm tra hạn dùng của bản cập nhật. Hãy chỉnh lại ngày giờ máy tính rồi thử lại.</source>
        <translation>The PC&apos;s date is earlier than the software&apos;s release date, so the update&apos;s expiry cannot be checked. Correct the PC&apos;s date and time, then retry.</translation>
    </message>
    <message>
        <source>Bản cài đặt này thiếu khóa tin cậy để kiểm tra bản cập nhật. Hãy báo cán bộ CNTT.</source>
        <translation>This installation lacks the trusted key needed to check updates. Tell IT support.</translation>
    </message>
    <message>
        <source>Bản cập nhật hợp lệ nhưng áp dụng không thành công; dữ liệu cũ được giữ nguyên. Hãy báo cán bộ CNTT.</source>
        <translation>The update is valid but could not be applied; the old data was kept. Tell IT support.</translation>
    </message>
    <message>
        <source>Không thực hiện được thao tác ({kind}).</source>
        <translation>The action could not be done ({kind}).</translation>
    </message>
    <message>
        <source>thư mục dữ liệu</source>
        <extracomment>Kinds after an accident to the store whose sentence ends with how to recover (when the newest verified backup was looked for: ``params[&quot;backup&quot;]``, None when there is none). What ``{path}`` reads as when an error does not name its folder.</extracomment>
        <translation>the data folder</translation>
    </message>
</context>
<context>
    <name>NewClerkDialog</name>
    <message>
        <source>Thêm cán bộ</source>
        <translation>Add a clerk</translation>
    </message>
    <message>
        <source>Tên đăng nhập</source>
        <translation>User name</translation>
    </message>
    <message>
        <source>Họ và tên</source>
        <translation>Full name</translation>
    </message>
    <message>
        <source>Vai trò</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>Mật khẩu (ít nhất 6 ký tự)</source>
        <translation>Password (at least 6 characters)</translation>
    </message>
    <message>
        <source>Nhập lại mật khẩu</source>
        <translation>Repeat the password</translation>
    </message>
    <message>
        <source>Tạo tài khoản</source>
        <translation>Create the account</translation>
    </message>
    <message>
        <source>Huỷ</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Hai lần nhập mật khẩu không giống nhau.</source>
        <translation>The two passwords differ.</translation>
    </message>
</context>
<context>
    <name>OfficeForm</name>
    <message>
        <source>ví dụ: UBND xã Đông Anh</source>
        <translation>e.g. People&apos;s Committee of the commune</translation>
    </message>
    <message>
        <source>Mã định danh đơn vị, ví dụ: 000.00.06.H26</source>
        <translation>Unit identifier, e.g. 000.00.06.H26</translation>
    </message>
    <message>
        <source>Tên đơn vị *</source>
        <translation>Office name *</translation>
    </message>
    <message>
        <source>Mã đơn vị *</source>
        <translation>Unit code *</translation>
    </message>
    <message>
        <source>Số quầy (1–9)</source>
        <translation>Counter number (1–9)</translation>
    </message>
</context>
<context>
    <name>OfficeRelayBox</name>
    <message>
        <source>Khi mất mạng nhiều ngày</source>
        <translation>When the internet is down for days</translation>
    </message>
    <message>
        <source>Máy này làm máy chủ nội bộ</source>
        <translation>This PC is the office relay</translation>
    </message>
    <message>
        <source>http://192.168.1.10:8765 (máy chủ nội bộ của xã)</source>
        <translation>http://192.168.1.10:8765 (the commune&apos;s office relay)</translation>
    </message>
    <message>
        <source>Tự tìm máy chủ nội bộ trong mạng LAN</source>
        <translation>Find the office relay on the LAN</translation>
    </message>
    <message>
        <source>Lưu</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>Máy chủ nội bộ</source>
        <translation>Office relay</translation>
    </message>
    <message>
        <source>Mất mạng nhiều ngày: chép dữ liệu ra USB, nhập ở máy chủ thành phố, rồi nhập gói trả lời vào máy này.</source>
        <translation>Down for days: copy the data to a USB stick, import it at the city server, then import the reply on this PC.</translation>
    </message>
    <message>
        <source>Chép dữ liệu chờ gửi ra USB…</source>
        <translation>Copy pending data to USB…</translation>
    </message>
    <message>
        <source>Nhập gói trả lời từ USB…</source>
        <translation>Import the reply from USB…</translation>
    </message>
    <message>
        <source>Địa chỉ máy chủ nội bộ phải bắt đầu bằng http:// hoặc https://</source>
        <translation>The office relay&apos;s address must start with http:// or https://</translation>
    </message>
    <message>
        <source>Đã lưu.</source>
        <translation>Saved.</translation>
    </message>
    <message>
        <source>Đã lưu. Máy chủ nội bộ đang chạy trên máy này.</source>
        <translation>Saved. The office relay is running on this PC.</translation>
    </message>
    <message>
        <source>Đã lưu. Đã khởi động máy chủ nội bộ trên máy này.</source>
        <translation>Saved. The office relay was started on this PC.</translation>
    </message>
    <message>
        <source>Đã lưu, nhưng máy chủ nội bộ chưa được đăng ký: trưởng bộ phận cần đăng ký một lần khi có mạng (xem hướng dẫn sử dụng).</source>
        <translation>Saved, but the office relay is not registered: a leader must register it once while online (see the user guide).</translation>
    </message>
    <message>
        <source>Đã lưu, nhưng máy này chưa có địa chỉ máy chủ thành phố.</source>
        <translation>Saved, but this PC has no city server address yet.</translation>
    </message>
    <message>
        <source>Chọn USB để chép dữ liệu</source>
        <translation>Choose the USB stick to copy to</translation>
    </message>
    <message>
        <source>Chọn gói trả lời</source>
        <translation>Choose the reply bundle</translation>
    </message>
    <message>
        <source>Gói dữ liệu (*.cdcarry)</source>
        <translation>Bundles (*.cdcarry)</translation>
    </message>
    <message>
        <source>Đã chép {ops} thao tác và {files} tệp vào {path}. Mang USB lên máy chủ thành phố.</source>
        <translation>Copied {ops} changes and {files} files to {path}. Take the stick to the city server.</translation>
    </message>
    <message>
        <source>Gói trả lời này đã được nhập trước đây; không có gì thay đổi.</source>
        <translation>This reply was imported before; nothing changed.</translation>
    </message>
    <message>
        <source>Đã nhận kết quả của {settled} thao tác và {changes} thay đổi; còn {left} thao tác chờ gửi.</source>
        <translation>Received the results of {settled} changes and {changes} updates; {left} changes still wait to be sent.</translation>
    </message>
    <message>
        <source>Không đọc hoặc ghi được USB: {e}</source>
        <translation>Cannot read or write the USB stick: {e}</translation>
    </message>
</context>
<context>
    <name>OutgoingPage</name>
    <message>
        <source>Sổ văn bản đi</source>
        <translation>Outgoing register</translation>
    </message>
    <message>
        <source>Đã ký – cấp số cho văn bản đang chọn</source>
        <translation>Signed – number the selected document</translation>
    </message>
    <message>
        <source>Huỷ số…</source>
        <translation>Void a number…</translation>
    </message>
    <message>
        <source>Sổ văn bản đi mật</source>
        <translation>Secret outgoing register</translation>
    </message>
    <message>
        <source>In sổ…</source>
        <translation>Print the register…</translation>
    </message>
    <message>
        <source>Số, ký hiệu</source>
        <translation>Number/symbol</translation>
    </message>
    <message>
        <source>Ngày ban hành</source>
        <translation>Issued on</translation>
    </message>
    <message>
        <source>Loại</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Trích yếu</source>
        <translation>Summary</translation>
    </message>
    <message>
        <source>Người ký</source>
        <translation>Signer</translation>
    </message>
    <message>
        <source>Nơi nhận</source>
        <translation>Recipients</translation>
    </message>
    <message>
        <source>Số bản</source>
        <translation>Copies</translation>
    </message>
    <message>
        <source>Trạng thái</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Văn bản đi mới</source>
        <translation>New outgoing document</translation>
    </message>
    <message>
        <source>Ký hiệu, ví dụ: QĐ-UBND</source>
        <translation>Symbol, e.g. UBND-VP</translation>
    </message>
    <message>
        <source>Quyết định, Công văn…</source>
        <translation>Decision, Letter…</translation>
    </message>
    <message>
        <source>Trích yếu nội dung</source>
        <translation>Summary of contents</translation>
    </message>
    <message>
        <source>Nơi nhận (cách nhau bởi dấu phẩy)</source>
        <translation>Recipients (comma separated)</translation>
    </message>
    <message>
        <source>Đơn vị, người giữ bản lưu</source>
        <translation>Unit or person keeping the file copy</translation>
    </message>
    <message>
        <source>Văn bản mật (sổ riêng)</source>
        <translation>Secret document (own register)</translation>
    </message>
    <message>
        <source>Đã ký – cấp số ngay</source>
        <translation>Signed – number now</translation>
    </message>
    <message>
        <source>Ghi vào sổ (Enter)</source>
        <translation>Record (Enter)</translation>
    </message>
    <message>
        <source>Ký hiệu *</source>
        <translation>Symbol *</translation>
    </message>
    <message>
        <source>Trích yếu *</source>
        <translation>Summary *</translation>
    </message>
    <message>
        <source>Bản lưu</source>
        <translation>File copy</translation>
    </message>
    <message>
        <source>Chờ ký</source>
        <translation>Awaiting signature</translation>
    </message>
    <message>
        <source>(chưa cấp số) …/{symbol}</source>
        <translation>(no number yet) …/{symbol}</translation>
    </message>
    <message>
        <source>{n} văn bản trong năm · {d} chờ ký</source>
        <translation>{n} documents this year · {d} awaiting signature</translation>
    </message>
    <message>
        <source>Nhập ký hiệu và trích yếu.</source>
        <translation>Enter the symbol and the summary.</translation>
    </message>
    <message>
        <source>Đã cấp số: {n}</source>
        <translation>Numbered: {n}</translation>
    </message>
    <message>
        <source>Đã ghi dự thảo; cấp số sau khi ký.</source>
        <translation>Draft recorded; it is numbered after signing.</translation>
    </message>
    <message>
        <source>Chọn một văn bản chưa cấp số.</source>
        <translation>Select a document without a number.</translation>
    </message>
    <message>
        <source>Đã huỷ số {n}.</source>
        <translation>Number {n} voided.</translation>
    </message>
</context>
<context>
    <name>ReceivedPapersBox</name>
    <message>
        <source>3. Giấy tờ đã nhận</source>
        <extracomment>Where a row keeps its paper form key.</extracomment>
        <translation>3. Papers received</translation>
    </message>
    <message>
        <source>Giấy tờ</source>
        <translation>Paper</translation>
    </message>
    <message>
        <source>Hình thức</source>
        <translation>Form</translation>
    </message>
    <message>
        <source>Số bản</source>
        <translation>Copies</translation>
    </message>
    <message>
        <source>Dấu tích = đã nhận (phím cách). F2 để đổi hình thức hoặc số bản.</source>
        <translation>Ticked = received (Space). F2 changes the form or the number of copies.</translation>
    </message>
    <message>
        <source>Thời hạn giải quyết:</source>
        <translation>Time limit:</translation>
    </message>
    <message>
        <source>Theo thời hạn của thủ tục</source>
        <translation>The procedure&apos;s own time limit</translation>
    </message>
    <message>
        <source>{name} — {basis}</source>
        <translation>{name} — {basis}</translation>
    </message>
</context>
<context>
    <name>RegisterBooks</name>
    <message>
        <source>Số, ký hiệu văn bản</source>
        <translation>Number and symbol</translation>
    </message>
    <message>
        <source>Ngày tháng văn bản</source>
        <translation>Document date</translation>
    </message>
    <message>
        <source>Tên loại và trích yếu nội dung</source>
        <translation>Type and summary</translation>
    </message>
    <message>
        <source>Người ký</source>
        <translation>Signer</translation>
    </message>
    <message>
        <source>Nơi nhận văn bản</source>
        <translation>Recipients</translation>
    </message>
    <message>
        <source>Đơn vị, người nhận bản lưu</source>
        <translation>File copy kept by</translation>
    </message>
    <message>
        <source>Số lượng bản</source>
        <translation>Copies</translation>
    </message>
    <message>
        <source>Ngày chuyển</source>
        <translation>Date sent</translation>
    </message>
    <message>
        <source>Ghi chú</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>Ngày đến</source>
        <translation>Date received</translation>
    </message>
    <message>
        <source>Số đến</source>
        <translation>Incoming no.</translation>
    </message>
    <message>
        <source>Tác giả</source>
        <translation>Author</translation>
    </message>
    <message>
        <source>Số, ký hiệu</source>
        <translation>Number and symbol</translation>
    </message>
    <message>
        <source>Ngày tháng</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Đơn vị hoặc người nhận</source>
        <translation>Receiving unit or person</translation>
    </message>
    <message>
        <source>Ký nhận</source>
        <translation>Signature</translation>
    </message>
    <message>
        <source>Số đã huỷ: {reason}</source>
        <translation>Number voided: {reason}</translation>
    </message>
    <message>
        <source>(số tạm)</source>
        <translation>(provisional)</translation>
    </message>
    <message>
        <source>Sổ đăng ký văn bản đến năm {year}</source>
        <translation>Incoming document register {year}</translation>
    </message>
    <message>
        <source>Sổ đăng ký văn bản đi năm {year}</source>
        <translation>Outgoing document register {year}</translation>
    </message>
    <message>
        <source>Sổ đăng ký văn bản đi mật năm {year}</source>
        <translation>Secret outgoing document register {year}</translation>
    </message>
</context>
<context>
    <name>ReportsPage</name>
    <message>
        <source>Mã thủ tục</source>
        <translation>Procedure code</translation>
    </message>
    <message>
        <source>Thủ tục</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <source>Tiếp nhận</source>
        <translation>Intake</translation>
    </message>
    <message>
        <source>Giải quyết đúng hạn</source>
        <translation>Finished on time</translation>
    </message>
    <message>
        <source>Giải quyết quá hạn</source>
        <translation>Finished late</translation>
    </message>
    <message>
        <source>Đã trả kết quả</source>
        <translation>Result returned</translation>
    </message>
    <message>
        <source>Từ chối</source>
        <translation>Refused</translation>
    </message>
    <message>
        <source>Tổng cộng</source>
        <translation>Total</translation>
    </message>
    <message>
        <source>Người lập báo cáo: {name}</source>
        <translation>Prepared by: {name}</translation>
    </message>
    <message>
        <source>Báo cáo tình hình giải quyết hồ sơ</source>
        <translation>Dossier processing report</translation>
    </message>
    <message>
        <source>Xem báo cáo</source>
        <translation>Show report</translation>
    </message>
    <message>
        <source>Xuất Excel (.xlsx)…</source>
        <translation>Export Excel (.xlsx)…</translation>
    </message>
    <message>
        <source>Xuất PDF…</source>
        <translation>Export PDF…</translation>
    </message>
    <message>
        <source>Tháng</source>
        <translation>Month</translation>
    </message>
    <message>
        <source>Năm</source>
        <translation>Year</translation>
    </message>
    <message>
        <source>Số liệu tính theo tháng tiếp nhận, tháng có kết quả và tháng trả kết quả.</source>
        <translation>Counted by month of intake, month the result was ready and month it was returned.</translation>
    </message>
    <message>
        <source>Báo cáo tình hình giải quyết hồ sơ tháng {m}/{y}</source>
        <translation>Dossier processing report, {m}/{y}</translation>
    </message>
    <message>
        <source>Người lập báo cáo</source>
        <translation>Prepared by</translation>
    </message>
    <message>
        <source>Lưu báo cáo Excel</source>
        <translation>Save Excel report</translation>
    </message>
    <message>
        <source>Lưu báo cáo PDF</source>
        <translation>Save PDF report</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <source>Cán bộ, công chức</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <source>Lãnh đạo</source>
        <translation>Leader</translation>
    </message>
    <message>
        <source>Quản trị (CNTT)</source>
        <translation>Administrator (IT)</translation>
    </message>
    <message>
        <source>Ký, duyệt văn bản đi (cấp số văn bản đã ký)</source>
        <translation>Sign outgoing documents (number a signed document)</translation>
    </message>
    <message>
        <source>Huỷ số trong sổ</source>
        <translation>Void a register number</translation>
    </message>
    <message>
        <source>Duyệt gia hạn, phiếu xin lỗi (mẫu 04)</source>
        <translation>Approve an extension with its apology slip (form 04)</translation>
    </message>
    <message>
        <source>Xử lý xung đột và thay đổi bị từ chối</source>
        <translation>Settle conflicts and refused changes</translation>
    </message>
    <message>
        <source>Cài đặt, tài khoản, phân quyền</source>
        <translation>Settings, accounts, role rules</translation>
    </message>
</context>
<context>
    <name>SessionUi</name>
    <message>
        <source>Dữ liệu mẫu: mật khẩu của mọi cán bộ là «demo123».</source>
        <extracomment>Entities whose change may alter the accounts or the rules.</extracomment>
        <translation>Demo data: every clerk&apos;s password is «demo123».</translation>
    </message>
    <message>
        <source>Khoá máy (Ctrl+L)</source>
        <translation>Lock (Ctrl+L)</translation>
    </message>
    <message>
        <source>Khoá máy khi rời bàn hoặc để cán bộ khác đăng nhập; công việc vẫn được giữ.</source>
        <translation>Lock the PC when you leave the desk or to let another clerk sign in; the work stays as it is.</translation>
    </message>
    <message>
        <source>Chưa đăng nhập</source>
        <translation>Nobody signed in</translation>
    </message>
    <message>
        <source>Đang làm việc: {name} ({role})</source>
        <translation>Signed in: {name} ({role})</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>Cài đặt</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>Đơn vị</source>
        <translation>Office</translation>
    </message>
    <message>
        <source>Giờ làm việc</source>
        <translation>Office hours</translation>
    </message>
    <message>
        <source>Buổi sáng</source>
        <translation>Morning</translation>
    </message>
    <message>
        <source>Buổi chiều</source>
        <translation>Afternoon</translation>
    </message>
    <message>
        <source>Trả trong ngày nếu nhận trước</source>
        <translation>Same-day cut-off</translation>
    </message>
    <message>
        <source>https://… (để trống nếu chỉ dùng trên máy này)</source>
        <translation>https://… (leave empty for this PC only)</translation>
    </message>
    <message>
        <source>https://…?ma={code} (mã QR trên giấy tiếp nhận)</source>
        <translation>https://…?ma={code} (QR code on the receipt)</translation>
    </message>
    <message>
        <source>Địa chỉ máy chủ</source>
        <translation>Server address</translation>
    </message>
    <message>
        <source>Địa chỉ tra cứu hồ sơ</source>
        <translation>Dossier tracking address</translation>
    </message>
    <message>
        <source>Ngôn ngữ</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>Máy chủ, ngôn ngữ</source>
        <translation>Server, language</translation>
    </message>
    <message>
        <source>Đổi ngôn ngữ có hiệu lực khi mở lại phần mềm.</source>
        <translation>A new language applies after restarting.</translation>
    </message>
    <message>
        <source>Ngày nghỉ, ngày làm bù</source>
        <translation>Extra days off and make-up working days</translation>
    </message>
    <message>
        <source>Ngày lễ, Tết và ngày nghỉ bù, làm bù của Chính phủ đã có sẵn trong lịch làm việc. Ghi thêm mỗi dòng một ngày (dd/mm/yyyy); thay đổi được ghi nhật ký và gửi tới các máy khác của đơn vị khi đồng bộ.</source>
        <translation>Public holidays, the Lunar New Year and the government&apos;s swapped days off and worked days are already in the working calendar. Add one day per line (dd/mm/yyyy); changes are audited and sent to the office&apos;s other PCs when they sync.</translation>
    </message>
    <message>
        <source>Ngày nghỉ thêm</source>
        <translation>Extra days off</translation>
    </message>
    <message>
        <source>Ngày làm việc bù (thứ Bảy, Chủ nhật đi làm)</source>
        <translation>Make-up working days (weekend days worked)</translation>
    </message>
    <message>
        <source>Lưu cài đặt</source>
        <translation>Save settings</translation>
    </message>
    <message>
        <source>Chỉ lãnh đạo (hoặc người được giao quyền cài đặt) được thay đổi cài đặt.</source>
        <translation>Only a leader (or someone given the settings task) may change the settings.</translation>
    </message>
    <message>
        <source>Lịch làm việc: bản {base}, {source}; điều chỉnh từ USB: bản {overrides}.</source>
        <translation>Working calendar: version {base}, {source}; USB overrides: version {overrides}.</translation>
    </message>
    <message>
        <source>Cảnh báo: thông tin đăng nhập máy chủ đang lưu trong tệp không mã hóa (insecure-secrets.json trong thư mục dữ liệu) vì máy không có kho mật khẩu của hệ điều hành. Ai đọc được tệp này có thể đồng bộ thay máy này.</source>
        <translation>Warning: the server login secrets are stored in an unencrypted file (insecure-secrets.json in the data folder) because this PC has no operating-system keyring. Whoever can read that file can sync as this PC.</translation>
    </message>
    <message>
        <source>Ngày không đúng dạng dd/mm/yyyy.</source>
        <translation>A date is not in dd/mm/yyyy form.</translation>
    </message>
    <message>
        <source>Đã lưu cài đặt.</source>
        <translation>Settings saved.</translation>
    </message>
    <message>
        <source>Ngôn ngữ mới sẽ dùng khi mở lại phần mềm.</source>
        <translation>The new language applies after restarting.</translation>
    </message>
</context>
<context>
    <name>Slips</name>
    <message>
        <source>{place}, ngày {d} tháng {m} năm {y}</source>
        <translation>{place}, {d}/{m}/{y}</translation>
    </message>
    <message>
        <source>Người nộp</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <source>Số CCCD/CMND</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>Điện thoại</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>Địa chỉ</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>Thủ tục</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <source>Thời điểm tiếp nhận</source>
        <translation>Received at</translation>
    </message>
    <message>
        <source>Ngày hẹn trả kết quả</source>
        <translation>Result due</translation>
    </message>
    <message>
        <source>Lệ phí</source>
        <translation>Fee</translation>
    </message>
    <message>
        <source>Không</source>
        <translation>None</translation>
    </message>
    <message>
        <source>Bộ phận Một cửa</source>
        <extracomment>Who caused a delay, as form 04 says it.</extracomment>
        <translation>One-stop unit</translation>
    </message>
    <message>
        <source>Cơ quan, đơn vị giải quyết hồ sơ</source>
        <translation>Agency handling the dossier</translation>
    </message>
    <message>
        <source>Cơ quan, đơn vị phối hợp giải quyết</source>
        <translation>Coordinating agency</translation>
    </message>
    <message>
        <source>Theo quy định hiện hành</source>
        <translation>As currently regulated</translation>
    </message>
    <message>
        <source>(Không nhận giấy tờ nào)</source>
        <translation>(No paper received)</translation>
    </message>
    <message>
        <source>Thời hạn kéo dài</source>
        <translation>Extended time limit</translation>
    </message>
    <message>
        <source>{name} ({basis})</source>
        <translation>{name} ({basis})</translation>
    </message>
    <message>
        <source>Cán bộ tiếp nhận</source>
        <translation>Receiving clerk</translation>
    </message>
    <message>
        <source>Giấy tiếp nhận hồ sơ và hẹn trả kết quả</source>
        <translation>Dossier receipt and appointment</translation>
    </message>
    <message>
        <source>STT</source>
        <translation>No.</translation>
    </message>
    <message>
        <source>Tên giấy tờ</source>
        <translation>Paper</translation>
    </message>
    <message>
        <source>Hình thức</source>
        <translation>Form</translation>
    </message>
    <message>
        <source>Số bản</source>
        <translation>Copies</translation>
    </message>
    <message>
        <source>Quét mã QR hoặc dùng mã hồ sơ để tra cứu tình trạng giải quyết.</source>
        <translation>Scan the QR code or use the dossier code to track progress.</translation>
    </message>
    <message>
        <source>Người nộp hồ sơ</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <source>Người tiếp nhận</source>
        <translation>Receiving clerk</translation>
    </message>
    <message>
        <source>Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ</source>
        <extracomment>Form number and title of each event that needs a slip.</extracomment>
        <translation>Request to supplement the dossier</translation>
    </message>
    <message>
        <source>Phiếu từ chối tiếp nhận giải quyết hồ sơ</source>
        <translation>Refusal of the dossier</translation>
    </message>
    <message>
        <source>Phiếu xin lỗi và hẹn lại ngày trả kết quả</source>
        <translation>Apology and new appointment</translation>
    </message>
    <message>
        <source>Thông báo dừng xử lý hồ sơ</source>
        <translation>Notice of stopped processing</translation>
    </message>
    <message>
        <source>Ngày tiếp nhận</source>
        <translation>Received on</translation>
    </message>
    <message>
        <source>Nội dung cần bổ sung, hoàn thiện</source>
        <translation>To be supplemented</translation>
    </message>
    <message>
        <source>Lý do từ chối</source>
        <translation>Reason for refusal</translation>
    </message>
    <message>
        <source>Lý do chậm trả kết quả</source>
        <translation>Reason for the delay</translation>
    </message>
    <message>
        <source>Lý do dừng xử lý</source>
        <translation>Reason for stopping</translation>
    </message>
    <message>
        <source>Ngày hẹn trước đây</source>
        <translation>Previous due date</translation>
    </message>
    <message>
        <source>Ngày hẹn mới</source>
        <translation>New due date</translation>
    </message>
    <message>
        <source>Nguyên nhân chậm trễ thuộc về</source>
        <translation>Delay caused by</translation>
    </message>
    <message>
        <source>Cán bộ thực hiện</source>
        <translation>Recorded by</translation>
    </message>
    <message>
        <source>Bộ phận một cửa xin lỗi ông/bà vì sự chậm trễ này và hẹn trả kết quả vào ngày mới.</source>
        <translation>The one-stop counter apologises for the delay and will return the result on the new date.</translation>
    </message>
    <message>
        <source>Cán bộ một cửa</source>
        <translation>One-stop clerk</translation>
    </message>
    <message>
        <source>Phiếu kiểm soát quá trình giải quyết hồ sơ</source>
        <translation>Dossier processing control slip</translation>
    </message>
    <message>
        <source>Trạng thái</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Thời gian</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Bước</source>
        <translation>Step</translation>
    </message>
    <message>
        <source>Người thực hiện</source>
        <translation>By</translation>
    </message>
    <message>
        <source>Ghi chú</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>Sổ theo dõi hồ sơ</source>
        <translation>Dossier log book</translation>
    </message>
    <message>
        <source>Từ ngày</source>
        <translation>From</translation>
    </message>
    <message>
        <source>Đến ngày</source>
        <translation>To</translation>
    </message>
    <message>
        <source>Số hồ sơ</source>
        <translation>Dossiers</translation>
    </message>
    <message>
        <source>Mã hồ sơ</source>
        <extracomment>What the QR code holds: the office&apos;s tracking link, or the code itself when empty.</extracomment>
        <translation>Dossier code</translation>
    </message>
    <message>
        <source>Tiếp nhận</source>
        <translation>Intake</translation>
    </message>
    <message>
        <source>Hẹn trả</source>
        <translation>Due</translation>
    </message>
    <message>
        <source>Cán bộ</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <source>BỘ PHẬN MỘT CỬA</source>
        <translation>ONE-STOP COUNTER</translation>
    </message>
    <message>
        <source>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</source>
        <translation>SOCIALIST REPUBLIC OF VIETNAM</translation>
    </message>
    <message>
        <source>Độc lập - Tự do - Hạnh phúc</source>
        <translation>Independence - Freedom - Happiness</translation>
    </message>
    <message>
        <source>Mẫu số {form}</source>
        <translation>Form {form}</translation>
    </message>
    <message>
        <source>(Ký, ghi rõ họ tên)</source>
        <translation>(Signature and full name)</translation>
    </message>
</context>
<context>
    <name>StaffDialog</name>
    <message>
        <source>Cán bộ và phân quyền</source>
        <extracomment>Roles whose grants the office may change (leaders always hold every permission).</extracomment>
        <translation>Staff and roles</translation>
    </message>
    <message>
        <source>Tài khoản cán bộ dùng máy này</source>
        <translation>Accounts of the people using this PC</translation>
    </message>
    <message>
        <source>Họ và tên</source>
        <translation>Full name</translation>
    </message>
    <message>
        <source>Tên đăng nhập</source>
        <translation>User name</translation>
    </message>
    <message>
        <source>Vai trò</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>Nguồn</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>Trạng thái</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Thêm cán bộ…</source>
        <translation>Add a clerk…</translation>
    </message>
    <message>
        <source>Đặt lại mật khẩu…</source>
        <translation>Reset password…</translation>
    </message>
    <message>
        <source>Khoá / mở khoá tài khoản</source>
        <translation>Lock / unlock account</translation>
    </message>
    <message>
        <source>Lưu phân quyền</source>
        <translation>Save the role rules</translation>
    </message>
    <message>
        <source>Đóng</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Việc dành cho lãnh đạo (đơn vị có thể giao thêm)</source>
        <translation>Leader&apos;s tasks (the office may delegate them)</translation>
    </message>
    <message>
        <source>Lãnh đạo luôn có quyền này.</source>
        <translation>Leaders always hold this.</translation>
    </message>
    <message>
        <source> phút</source>
        <translation> min</translation>
    </message>
    <message>
        <source>không tự khoá</source>
        <translation>never</translation>
    </message>
    <message>
        <source>Tự khoá máy khi không dùng sau</source>
        <translation>Lock the PC when idle for</translation>
    </message>
    <message>
        <source>Đang dùng</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>Đã khoá</source>
        <translation>Locked</translation>
    </message>
    <message>
        <source>Chưa đăng nhập trên máy này</source>
        <translation>Not signed in on this PC yet</translation>
    </message>
    <message>
        <source>Máy chủ</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>Máy này</source>
        <translation>This PC</translation>
    </message>
    <message>
        <source>Tài khoản lấy từ máy chủ thành phố (cập nhật mỗi lần đồng bộ). Lãnh đạo thêm hoặc khoá tài khoản trên máy chủ; mỗi người đăng nhập lần đầu trên máy này khi có mạng.</source>
        <translation>The accounts come from the city server (refreshed at every sync). Leaders add or lock accounts on the server; each person&apos;s first sign-in on this PC needs the network.</translation>
    </message>
    <message>
        <source>Đơn vị chưa dùng máy chủ: tài khoản được tạo ngay trên máy này.</source>
        <translation>The office does not use a server yet: accounts are created on this PC.</translation>
    </message>
    <message>
        <source>Chỉ người có quyền cài đặt (lãnh đạo) được thay đổi.</source>
        <translation>Only someone with the settings task (a leader) may change this.</translation>
    </message>
    <message>
        <source>Chưa lưu được: phân quyền của đơn vị dùng máy chủ phải được máy chủ ghi nhận trước. {reason}</source>
        <translation>Not saved: an office that uses the server must have its role rules recorded by the server first. {reason}</translation>
    </message>
    <message>
        <source>Đã lưu phân quyền.</source>
        <translation>Role rules saved.</translation>
    </message>
    <message>
        <source>Chọn một cán bộ trong danh sách.</source>
        <translation>Pick a person in the list.</translation>
    </message>
    <message>
        <source>Đặt lại mật khẩu</source>
        <translation>Reset password</translation>
    </message>
    <message>
        <source>Mật khẩu mới cho {name}:</source>
        <translation>New password for {name}:</translation>
    </message>
    <message>
        <source>Đã đặt mật khẩu mới.</source>
        <translation>New password set.</translation>
    </message>
</context>
<context>
    <name>StaffSupportBox</name>
    <message>
        <source>Cán bộ, hỗ trợ kỹ thuật</source>
        <translation>Staff, technical support</translation>
    </message>
    <message>
        <source>Cán bộ và phân quyền…</source>
        <translation>Staff and roles…</translation>
    </message>
    <message>
        <source>Chẩn đoán…</source>
        <translation>Diagnostics…</translation>
    </message>
    <message>
        <source>Thông tin hỗ trợ…</source>
        <translation>Support information…</translation>
    </message>
    <message>
        <source>Tạo một tệp .zip gửi đường dây nóng: phiên bản, kiểm tra dữ liệu, đồng bộ, đồng hồ, ổ đĩa, sao lưu, nhật ký — không có thông tin cá nhân của người dân.</source>
        <translation>Write a .zip for the hotline: versions, data check, sync, clock, disk, backups, log — with no citizen&apos;s personal data.</translation>
    </message>
    <message>
        <source>Khi gọi đường dây nóng, bấm “Thông tin hỗ trợ…” và gửi tệp .zip tạo ra.</source>
        <translation>When you call the hotline, press “Support information…” and send the .zip it writes.</translation>
    </message>
</context>
<context>
    <name>SyncLabels</name>
    <message>
        <source>Hồ sơ</source>
        <translation>Dossier</translation>
    </message>
    <message>
        <source>Bước xử lý hồ sơ</source>
        <translation>Dossier step</translation>
    </message>
    <message>
        <source>Tệp đính kèm</source>
        <translation>Attachment</translation>
    </message>
    <message>
        <source>Văn bản đến</source>
        <translation>Incoming document</translation>
    </message>
    <message>
        <source>Văn bản đi</source>
        <translation>Outgoing document</translation>
    </message>
    <message>
        <source>Huỷ số</source>
        <translation>Voided number</translation>
    </message>
    <message>
        <source>Xử lý xung đột</source>
        <translation>Conflict resolution</translation>
    </message>
    <message>
        <source>Họ tên người nộp</source>
        <translation>Applicant name</translation>
    </message>
    <message>
        <source>Số định danh</source>
        <translation>Identity number</translation>
    </message>
    <message>
        <source>Số điện thoại</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>Địa chỉ</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>Thủ tục</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <source>Ngày hẹn trả</source>
        <translation>Appointment date</translation>
    </message>
    <message>
        <source>Ghi chú</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>Trạng thái</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Nơi gửi</source>
        <translation>Sender</translation>
    </message>
    <message>
        <source>Số, ký hiệu</source>
        <translation>Number and symbol</translation>
    </message>
    <message>
        <source>Ngày văn bản</source>
        <translation>Document date</translation>
    </message>
    <message>
        <source>Loại văn bản</source>
        <translation>Document type</translation>
    </message>
    <message>
        <source>Trích yếu</source>
        <translation>Summary</translation>
    </message>
    <message>
        <source>Độ khẩn</source>
        <translation>Urgency</translation>
    </message>
    <message>
        <source>Độ mật</source>
        <translation>Confidentiality</translation>
    </message>
    <message>
        <source>Người xử lý</source>
        <translation>Handler</translation>
    </message>
    <message>
        <source>Người phối hợp</source>
        <translation>Co-handlers</translation>
    </message>
    <message>
        <source>Hạn xử lý</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <source>Thời điểm giao</source>
        <translation>Assigned at</translation>
    </message>
    <message>
        <source>Người ký</source>
        <translation>Signer</translation>
    </message>
    <message>
        <source>Nơi nhận</source>
        <translation>Recipients</translation>
    </message>
    <message>
        <source>Số bản</source>
        <translation>Copies</translation>
    </message>
    <message>
        <source>Tình trạng ký</source>
        <translation>Signature state</translation>
    </message>
    <message>
        <source>Máy chủ từ chối thay đổi này. Hãy báo cán bộ CNTT nếu không rõ vì sao.</source>
        <translation>The server refused this change. Tell IT support if the reason is unclear.</translation>
    </message>
    <message>
        <source>(trống)</source>
        <translation>(empty)</translation>
    </message>
</context>
<context>
    <name>SyncPage</name>
    <message>
        <source>Đồng bộ với máy chủ</source>
        <translation>Sync with the server</translation>
    </message>
    <message>
        <source>Tình trạng</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Đồng bộ ngay</source>
        <translation>Sync now</translation>
    </message>
    <message>
        <source>Các lần đồng bộ gần đây</source>
        <translation>Recent sync rounds</translation>
    </message>
    <message>
        <source>Thời gian</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Kết quả</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>Đã gửi</source>
        <translation>Sent</translation>
    </message>
    <message>
        <source>Đã nhận</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>Thay đổi bị máy chủ từ chối (cần xử lý)</source>
        <translation>Changes rejected by the server (to resolve)</translation>
    </message>
    <message>
        <source>Loại</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Bản ghi</source>
        <translation>Record</translation>
    </message>
    <message>
        <source>Lý do</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>Gửi lại</source>
        <translation>Send again</translation>
    </message>
    <message>
        <source>Bỏ qua thay đổi</source>
        <translation>Set change aside</translation>
    </message>
    <message>
        <source>Xung đột dữ liệu (hai máy cùng sửa)</source>
        <translation>Conflicts (changed on two PCs)</translation>
    </message>
    <message>
        <source>Trường</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>Giá trị trên máy</source>
        <translation>Value on this PC</translation>
    </message>
    <message>
        <source>Giá trị trên máy chủ</source>
        <translation>Value on the server</translation>
    </message>
    <message>
        <source>Xử lý xung đột…</source>
        <translation>Resolve conflict…</translation>
    </message>
    <message>
        <source>Mọi dữ liệu nhập khi mất mạng được lưu trên máy và tự gửi lên máy chủ khi có mạng trở lại. Không cần nhập lại.</source>
        <translation>Everything typed while offline is saved on this PC and sent automatically when the network returns. Nothing needs to be typed again.</translation>
    </message>
    <message>
        <source>Chưa cấu hình máy chủ – phần mềm đang làm việc độc lập trên máy này.</source>
        <translation>No server configured – working on this PC only.</translation>
    </message>
    <message>
        <source>Đã kết nối máy chủ.</source>
        <translation>Connected to the server.</translation>
    </message>
    <message>
        <source>Đang đồng bộ…</source>
        <translation>Syncing…</translation>
    </message>
    <message>
        <source>Mất kết nối máy chủ. Dữ liệu vẫn được lưu trên máy và sẽ tự gửi khi có mạng.</source>
        <translation>Server unreachable. Data is saved on this PC and will be sent when the network returns.</translation>
    </message>
    <message>
        <source>Đồng bộ gặp lỗi.</source>
        <translation>Sync failed.</translation>
    </message>
    <message>
        <source>chưa rõ</source>
        <translation>unknown</translation>
    </message>
    <message>
        <source>Chờ gửi: {p} · Bị từ chối: {q} · Xung đột: {c}</source>
        <translation>Waiting: {p} · Rejected: {q} · Conflicts: {c}</translation>
    </message>
    <message>
        <source>Đồng bộ thành công lần cuối: {when}</source>
        <translation>Last successful sync: {when}</translation>
    </message>
    <message>
        <source>chưa có</source>
        <translation>never</translation>
    </message>
    <message>
        <source>Lỗi gần nhất: {e}</source>
        <translation>Last error: {e}</translation>
    </message>
    <message>
        <source>Đồng hồ máy tính lệch nhiều so với máy chủ: hãy chỉnh lại giờ.</source>
        <translation>The PC clock is far from the server&apos;s: please correct it.</translation>
    </message>
    <message>
        <source>Cán bộ CNTT đăng nhập máy chủ một lần (lệnh commune-desk login) để bật đồng bộ.</source>
        <translation>IT support logs in to the server once (command commune-desk login) to turn sync on.</translation>
    </message>
    <message>
        <source>Có thay đổi cần xử lý; danh sách chi tiết chưa đọc được trên máy này – hãy báo cán bộ CNTT.</source>
        <translation>Some changes need attention; their details cannot be listed on this PC yet – tell IT support.</translation>
    </message>
    <message>
        <source>Thành công</source>
        <translation>Succeeded</translation>
    </message>
    <message>
        <source>Bỏ qua thay đổi?</source>
        <translation>Set this change aside?</translation>
    </message>
    <message>
        <source>Thay đổi này sẽ không bao giờ được gửi lên máy chủ nữa. Việc bỏ qua được ghi vào nhật ký cùng tên cán bộ.</source>
        <translation>This change will never be sent to the server. Setting it aside is logged with the clerk’s name.</translation>
    </message>
</context>
<context>
    <name>SyncStatusBar</name>
    <message>
        <source>Đang xử lý…</source>
        <translation>Working…</translation>
    </message>
    <message>
        <source>● Chưa cấu hình máy chủ (làm việc trên máy)</source>
        <translation>● No server configured (working locally)</translation>
    </message>
    <message>
        <source>● Trực tuyến</source>
        <translation>● Online</translation>
    </message>
    <message>
        <source>● Đang đồng bộ…</source>
        <translation>● Syncing…</translation>
    </message>
    <message>
        <source>● Mất kết nối – dữ liệu vẫn lưu trên máy</source>
        <translation>● Offline – data kept on this PC</translation>
    </message>
    <message>
        <source>● Lỗi đồng bộ</source>
        <translation>● Sync error</translation>
    </message>
    <message>
        <source>Chờ gửi: chưa rõ</source>
        <translation>Waiting to send: unknown</translation>
    </message>
    <message>
        <source>Chờ gửi: {n} thay đổi</source>
        <translation>Waiting to send: {n} changes</translation>
    </message>
    <message>
        <source> · cần xử lý: {n}</source>
        <translation> · to resolve: {n}</translation>
    </message>
    <message>
        <source>Đồng bộ lần cuối: {when}</source>
        <translation>Last sync: {when}</translation>
    </message>
    <message>
        <source>Chưa đồng bộ lần nào</source>
        <translation>Never synced</translation>
    </message>
    <message>
        <source>⚠ Đồng hồ máy tính lệch {n} phút so với máy chủ</source>
        <translation>⚠ PC clock is {n} min off the server</translation>
    </message>
</context>
<context>
    <name>UsbUpdateBox</name>
    <message>
        <source>Cập nhật từ USB</source>
        <translation>Update from USB</translation>
    </message>
    <message>
        <source>Cắm USB cập nhật do cán bộ CNTT chuẩn bị, bấm “Tìm USB” rồi “Kiểm tra và cập nhật”. Bản cập nhật bị sửa đổi, cũ hoặc hết hạn sẽ bị từ chối.</source>
        <translation>Plug in the update stick prepared by IT support, click “Find USB”, then “Check and update”. An altered, older or expired update is refused.</translation>
    </message>
    <message>
        <source>Tìm USB</source>
        <translation>Find USB</translation>
    </message>
    <message>
        <source>Chọn thư mục…</source>
        <translation>Choose folder…</translation>
    </message>
    <message>
        <source>Kiểm tra và cập nhật</source>
        <translation>Check and update</translation>
    </message>
    <message>
        <source>Đã thấy USB cập nhật. Bấm “Kiểm tra và cập nhật”.</source>
        <translation>An update stick was found. Click “Check and update”.</translation>
    </message>
    <message>
        <source>Không thấy USB cập nhật nào. Hãy cắm USB rồi bấm “Tìm USB”, hoặc bấm “Chọn thư mục…”.</source>
        <translation>No update stick found. Plug in the USB stick and click “Find USB”, or click “Choose folder…”.</translation>
    </message>
    <message>
        <source>Chọn USB hoặc thư mục cập nhật</source>
        <translation>Choose the USB stick or the update folder</translation>
    </message>
    <message>
        <source>Đang kiểm tra bản cập nhật trên USB…</source>
        <translation>Checking the update on the USB stick…</translation>
    </message>
    <message>
        <source>Đã thay: {parts}.</source>
        <translation>Replaced: {parts}.</translation>
    </message>
    <message>
        <source>Đang cài đặt phiên bản {version}. Phần mềm sẽ tự đóng lại để cài đặt; hãy mở lại sau khi cài xong.</source>
        <translation>Installing version {version}. The software will close itself for the installation; open it again when it is done.</translation>
    </message>
    <message>
        <source>danh mục thủ tục</source>
        <translation>procedure catalogue</translation>
    </message>
    <message>
        <source>ngày nghỉ, ngày làm bù</source>
        <translation>days off and make-up working days</translation>
    </message>
    <message>
        <source>{name} (bản {version})</source>
        <translation>{name} (version {version})</translation>
    </message>
    <message>
        <source>Cập nhật phần mềm</source>
        <translation>Software update</translation>
    </message>
    <message>
        <source>Phần mềm sẽ đóng lại để cài đặt phiên bản mới. Hãy mở lại sau khi cài đặt xong.</source>
        <translation>The software will close to install the new version. Open it again when the installation is done.</translation>
    </message>
</context>
<context>
    <name>VoidNumberDialog</name>
    <message>
        <source>Huỷ số trong {book}</source>
        <translation>Void a number in {book}</translation>
    </message>
    <message>
        <source>Ví dụ: in sai trích yếu, hỏng phôi</source>
        <translation>e.g. wrong summary printed, spoiled form</translation>
    </message>
    <message>
        <source>Số</source>
        <translation>Number</translation>
    </message>
    <message>
        <source>Lý do huỷ *</source>
        <translation>Reason *</translation>
    </message>
    <message>
        <source>Số đã huỷ không bao giờ được cấp lại; lý do được in trong sổ.</source>
        <translation>A voided number is never issued again; the reason is printed in the register.</translation>
    </message>
    <message>
        <source>Huỷ số này</source>
        <translation>Void this number</translation>
    </message>
    <message>
        <source>Không huỷ</source>
        <translation>Keep it</translation>
    </message>
    <message>
        <source>Cần ghi lý do huỷ số.</source>
        <translation>A reason for voiding is required.</translation>
    </message>
</context>
<context>
    <name>Widgets</name>
    <message>
        <source>Quay lại</source>
        <extracomment>The application&apos;s style sheet (set on the main window, so its dialogs have it too). Messages have three looks that never depend on colour alone: a sign leads the text. Message kinds of :func:`show_message`: the label&apos;s style role and the sign before the text.</extracomment>
        <translation>Go back</translation>
    </message>
</context>
<context>
    <name>_OfficePage</name>
    <message>
        <source>Thông tin đơn vị</source>
        <translation>Office details</translation>
    </message>
    <message>
        <source>tên đơn vị</source>
        <translation>office name</translation>
    </message>
    <message>
        <source>mã đơn vị</source>
        <translation>office code</translation>
    </message>
    <message>
        <source>Chưa nhập: {fields}.</source>
        <translation>Missing: {fields}.</translation>
    </message>
</context>
</TS>
