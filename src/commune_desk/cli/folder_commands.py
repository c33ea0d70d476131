"""Data-folder sub-commands for IT support: ``db check``, ``db start-new``, ``backup``, ``restore``.

``backup`` and ``db check`` run while the desktop app is open (SQLite's online
backup copies a consistent snapshot); ``restore`` and ``db start-new`` take the
store lock and refuse while the app or another command holds it.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from commune_desk.cli.common import EXIT_FAILED, EXIT_INVALID, explain, fail, paths_of, with_context
from commune_desk.domain.calendar import VN_TZ
from commune_desk.domain.errors import ValidationError
from commune_desk.messages import message_for
from commune_desk.store.errors import StoreError


def _keep(text: str) -> int | None:
    """``--keep`` as typed: a whole number of at least 1, else None."""
    try:
        value = int(text.strip())
    except ValueError:
        return None
    return value if value >= 1 else None


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this module's sub-commands to the parser."""
    db = subparsers.add_parser("db", help="store maintenance")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    check = db_sub.add_parser("check", help="integrity check plus the store's own invariants")
    check.add_argument("--no-blobs", action="store_true", help="skip re-hashing attachment files")
    check.set_defaults(handler=_db_check)
    new = db_sub.add_parser(
        "start-new", help="after a lost store with no backup: move its remains aside, start empty"
    )
    new.add_argument("--confirm", action="store_true", help="yes, start with an empty store")
    new.set_defaults(handler=_start_new)

    backup = subparsers.add_parser("backup", help="back up the store and attachments (verified, rotated)")
    backup.add_argument("--to", type=Path, metavar="DIR", help="folder (default: the backup folder)")
    backup.add_argument(
        "--keep",
        default="10",
        metavar="N",
        help="archives of this PC and store to keep in that folder (at least 1)",
    )
    backup.set_defaults(handler=_backup)

    restore = subparsers.add_parser("restore", help="restore a backup archive (close the app first)")
    restore.add_argument("file", type=Path, metavar="FILE")
    restore.set_defaults(handler=_restore)


def _db_check(args: argparse.Namespace) -> int:
    from commune_desk.services.data_folder import diagnose, find_leftovers
    from commune_desk.store.lock import is_locked

    paths = paths_of(args)
    problem = diagnose(paths)
    if problem is not None:
        print(f"PROBLEM: {problem.kind}: {problem}")
        return fail(message_for(problem), EXIT_FAILED)
    if not paths.db_path.is_file():
        return fail(f"Không có cơ sở dữ liệu tại {paths.db_path}.", EXIT_FAILED)

    def body(context: Any) -> int:
        report = context.services.check_store(verify_blobs=not args.no_blobs)
        leftovers = find_leftovers(paths, store_locked_by_us=not is_locked(paths.data_dir))
        for name in (*report.checked, "leftovers of interrupted backups, restores, attachments"):
            print(f"checked: {name}")
        for problem_line in report.problems:
            print(f"PROBLEM: {problem_line}")
        for warning in report.warnings:
            print(f"WARNING: {warning}")
        for item in leftovers:
            print(f"WARNING: leftover {item.path} ({item.size} bytes)")
        if leftovers:
            size = sum(item.size for item in leftovers) / 1e6
            print(
                f"Có {len(leftovers)} tệp tạm còn sót lại ({size:.1f} MB) do một lần sao lưu, khôi "
                "phục hay thêm tệp bị ngắt giữa chừng; phần mềm tự dọn khi mở lần sau.",
                file=sys.stderr,
            )
        if report.ok:
            print("Cơ sở dữ liệu không có lỗi.")
            return 0
        if any(line.startswith("integrity_check") for line in report.problems):
            from commune_desk.services.data_folder import find_backup

            damaged = StoreError(
                "store_damaged", "integrity_check failed", path=str(paths.db_path), backup=find_backup(paths)
            )
            print(message_for(damaged), file=sys.stderr)
        print(f"Phát hiện {len(report.problems)} lỗi trong cơ sở dữ liệu.", file=sys.stderr)
        return EXIT_FAILED

    return with_context(args, body)


def _backup(args: argparse.Namespace) -> int:
    from commune_desk.app import AppContext
    from commune_desk.services.backup import create_backup
    from commune_desk.services.data_folder import offering_backup

    keep = _keep(args.keep)
    if keep is None:  # before anything is read or written
        return fail(message_for(ValidationError("invalid_keep", "bad --keep", field="keep")))
    paths = paths_of(args)
    try:
        AppContext.open(paths).close()  # the folder's checks; a store gets its identity
        with offering_backup(paths):
            info = create_backup(paths, to_dir=args.to, keep=keep)
    except Exception as exc:  # noqa: BLE001 - typed or classified, else re-raised
        return explain(exc, paths)
    print(f"Đã sao lưu và kiểm tra: {info.path} ({info.size} byte, {info.blobs} tệp đính kèm).")
    if info.missing_blobs:
        listed = ", ".join(sha[:12] for sha in info.missing_blobs[:5])
        return fail(
            f"Có {len(info.missing_blobs)} tệp đính kèm bị thiếu hoặc hỏng trên máy nên không có trong "
            f"bản sao lưu này ({listed}…). Các bản sao lưu cũ được giữ nguyên, không xoá bớt. "
            "Hãy chạy `commune-desk db check` và khôi phục các tệp đó từ một bản sao lưu cũ.",
            EXIT_FAILED,
        )
    return 0


def _restore(args: argparse.Namespace) -> int:
    from commune_desk.app import AppContext
    from commune_desk.services.data_folder import LOCK_WAIT
    from commune_desk.services.restore import restore_backup
    from commune_desk.store.lock import StoreLock

    paths = paths_of(args)
    try:
        paths.data_dir.mkdir(parents=True, exist_ok=True)  # restoring into a new folder is fine
        lock = StoreLock.acquire(paths.data_dir, purpose="restore", wait=LOCK_WAIT)
    except Exception as exc:  # noqa: BLE001
        return explain(exc, paths)
    try:
        info = restore_backup(paths, args.file, lock=lock)
        AppContext.open(paths, lock=lock).close()  # migrate a backup made by an older version now
    except Exception as exc:  # noqa: BLE001
        return explain(exc, paths)
    finally:
        lock.release()
    made = info.created_at.astimezone(VN_TZ)
    print(f"Đã khôi phục dữ liệu từ {info.archive} (bản sao lưu lúc {made:%H:%M ngày %d/%m/%Y}).")
    if info.previous is not None and info.previous_moved:
        print(f"Dữ liệu cũ (không đọc được) được chuyển nguyên vẹn sang thư mục {info.previous}.")
    elif info.previous is not None:
        print(f"Dữ liệu trước khi khôi phục được giữ trong bản sao lưu {info.previous}.")
    if info.blobs_added or info.blobs_repaired:
        print(f"Tệp đính kèm: thêm {info.blobs_added}, sửa {info.blobs_repaired} tệp bị hỏng.")
    print("Những gì đã nhập sau thời điểm sao lưu và đã đồng bộ sẽ về lại ở lần đồng bộ tới.")
    if info.missing_blobs:
        return fail(
            f"Còn thiếu {len(info.missing_blobs)} tệp đính kèm (không có trong bản sao lưu lẫn trên "
            "máy); nếu máy đã đồng bộ, chúng sẽ được tải lại từ máy chủ.",
            EXIT_FAILED,
        )
    return 0


def _start_new(args: argparse.Namespace) -> int:
    from commune_desk.services.data_folder import LOCK_WAIT, start_new
    from commune_desk.store.lock import StoreLock

    if not args.confirm:
        return fail(
            "Lệnh này bắt đầu lại với dữ liệu trống và chỉ dùng khi dữ liệu cũ đã mất hẳn, không "
            "có bản sao lưu. Mã hồ sơ đã in có thể bị cấp lại. Thêm --confirm để thực hiện.",
            EXIT_INVALID,
        )
    paths = paths_of(args)
    try:
        paths.data_dir.mkdir(parents=True, exist_ok=True)
        with StoreLock.acquire(paths.data_dir, purpose="start-new", wait=LOCK_WAIT) as lock:
            aside = start_new(paths, lock=lock, stamp=datetime.now(UTC))
    except Exception as exc:  # noqa: BLE001
        return explain(exc, paths)
    if aside is not None:
        print(f"Phần còn lại của dữ liệu cũ được chuyển nguyên vẹn sang {aside}.")
    print("Lần mở sau phần mềm sẽ tạo dữ liệu trống mới tại thư mục này.")
    return 0
