"""``carry export --to DIR`` and ``carry import FILE``: pending work on a USB stick.

Exit status: 0 done; 1 refused (the Vietnamese reason on stderr; nothing was
changed); 2 bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from commune_desk.messages import message
from commune_desk.paths import AppPaths

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_INVALID = 2


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``carry export`` and ``carry import``."""
    carry = subparsers.add_parser("carry", help="carry pending work to the city office on a USB stick")
    sub = carry.add_subparsers(dest="carry_command", metavar="SUBCOMMAND", required=True)
    export = sub.add_parser("export", help="write this PC's pending work as one signed bundle")
    export.add_argument("--to", required=True, metavar="DIR", help="folder on the stick, e.g. E:\\")
    export.set_defaults(handler=_export)
    imp = sub.add_parser("import", help="apply the city's reply bundle")
    imp.add_argument("file", metavar="FILE")
    imp.set_defaults(handler=_import)


def _open(args: argparse.Namespace) -> Any:
    from commune_desk.app import AppContext  # lazy: keep `--help` fast

    return AppContext.open(AppPaths.resolve(args.data_dir))


def _export(args: argparse.Namespace) -> int:
    from commune_desk.protocol.carry_files import BundleError
    from commune_desk.sync.carry import export_bundle
    from commune_desk.sync.errors import SyncError

    with _open(args) as ctx:
        try:
            report = export_bundle(ctx.store, ctx.blobs, Path(args.to))
        except (BundleError, SyncError) as exc:
            print(message(exc.kind if isinstance(exc, BundleError) else exc.kind.value), file=sys.stderr)
            return EXIT_REFUSED
        except OSError as exc:
            print(f"Không ghi được vào {args.to}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_REFUSED
    print(f"Đã ghi {report.operations} thao tác và {report.attachments} tệp đính kèm vào {report.path}")
    print("Mang gói này đến máy chủ thành phố; khi có gói trả lời, nhập lại vào máy này.")
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    from commune_desk.protocol.carry_files import BundleError
    from commune_desk.sync.carry import import_reply

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"Không đọc được tệp {path}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_INVALID
    with _open(args) as ctx:
        try:
            report = import_reply(ctx.store, ctx.blobs, data)
        except BundleError as exc:
            print(message(exc.kind), file=sys.stderr)
            return EXIT_REFUSED
    if report.already:
        print("Gói trả lời này đã được nhập trước đây; không có gì thay đổi.")
        return EXIT_OK
    print(
        f"Đã nhận kết quả của {report.settled} thao tác, {report.changes} thay đổi từ thành phố; "
        f"còn {report.still_open} thao tác chờ gửi; {report.quarantined} bị từ chối."
    )
    return EXIT_OK
