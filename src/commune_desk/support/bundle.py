"""The support archive ("Thông tin hỗ trợ"): one zip for the hotline or a visiting technician.

``write_support_zip(app, folder)`` runs the checks and writes
``commune-desk-support-YYYYMMDD-HHMMSS.zip`` holding:

- ``README.txt`` — what the archive is and what was removed (Vietnamese);
- ``summary.txt`` — each check in plain Vietnamese with what to do;
- ``report.json`` — the same checks and the facts behind them (versions,
  ``db check`` lines, sync status and recent rounds, clock skew, free disk,
  last backup);
- ``log-tail.txt`` — the recent log lines.

Every member passes through a :class:`~commune_desk.support.scrub.Scrubber`
built from the store: no citizen's name, address, ID number or phone, and no
token, password or key, leaves the PC. The store itself is never included.
"""

from __future__ import annotations

import json
import os
import zipfile
from datetime import UTC
from pathlib import Path
from typing import Any

from commune_desk.support.messages import status_word, title
from commune_desk.support.report import SupportReport, collect
from commune_desk.support.scrub import Scrubber

ARCHIVE_PREFIX = "commune-desk-support-"

_README = """Thông tin hỗ trợ CommuneDesk — tạo lúc {created}

Tệp này dành cho đường dây nóng hoặc cán bộ kỹ thuật hỗ trợ đơn vị.
- summary.txt: kết quả từng mục kiểm tra và cách xử lý.
- report.json: cùng nội dung, dạng máy đọc (phiên bản, kiểm tra dữ liệu, đồng bộ,
  đồng hồ, dung lượng ổ đĩa, sao lưu).
- log-tail.txt: các dòng nhật ký gần nhất.

Không có dữ liệu hồ sơ trong tệp này: họ tên, địa chỉ, số định danh, số điện thoại
của người dân và mọi mật khẩu, mã đăng nhập đã được xoá và thay bằng [họ tên],
[số định danh], [số điện thoại], [bí mật]...
"""


def write_support_zip(
    app: Any, folder: Path, *, report: SupportReport | None = None, verify_blobs: bool = True
) -> Path:
    """Write the scrubbed archive of ``report`` (default: the checks run now on ``app``, an
    ``AppContext``) in ``folder``; return its path."""
    report = report or collect(app, verify_blobs=verify_blobs)
    scrub = Scrubber.for_store(app.store)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = report.created_at.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    target = folder / f"{ARCHIVE_PREFIX}{stamp}.zip"
    partial = target.with_suffix(".part")
    members = {
        "README.txt": _README.format(created=report.created_at.isoformat(timespec="seconds")),
        "summary.txt": scrub.text(summary_text(report)),
        "report.json": json.dumps(scrub.value(report_json(report)), ensure_ascii=False, indent=2),
        "log-tail.txt": scrub.text("\n".join(report.log_lines) + "\n"),
    }
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    os.replace(partial, target)
    return target


def summary_text(report: SupportReport) -> str:
    """The checks as plain Vietnamese lines (also what ``commune-desk support`` prints)."""
    lines = []
    for check in report.checks:
        lines.append(f"[{status_word(check.status)}] {title(check.key)}: {check.found()}")
        if check.advice():
            lines.append(f"    → {check.advice()}")
    return "\n".join(lines) + "\n"


def report_json(report: SupportReport) -> dict[str, Any]:
    """``report.json``: the checks and the facts behind them."""
    return {
        "created_at": report.created_at.isoformat(),
        "worst": report.worst,
        "checks": [c.to_json() for c in report.checks],
        "facts": report.facts,
    }
