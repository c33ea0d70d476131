"""Sync sub-commands: ``login``, ``sync --once [--json]``, ``sync status [--json]``, ``sync seed FILE``.

Exit status: 0 converged (nothing left to push, nothing waiting for a
person); 1 the round failed or left operations unsent (the reason kind is
``reason`` in the JSON, its Vietnamese sentence on stderr); 2 bad input
(password missing); 3 the round worked but operations are quarantined or
conflicts wait for a person.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from commune_desk.messages import MESSAGES, message, wait_text
from commune_desk.paths import AppPaths
from commune_desk.sync.credentials import INSECURE_FILE_NAME

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INVALID = 2
EXIT_ATTENTION = 3


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this module's sub-commands to the parser."""
    login = subparsers.add_parser("login", help="log this PC in to the city server (online, once)")
    login.add_argument("--server", required=True, metavar="URL", help="e.g. http://10.0.0.5:8000")
    login.add_argument("--username", required=True)
    login.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    login.add_argument(
        "--insecure-storage",
        action="store_true",
        help="where the OS has no keyring: keep the secrets in a file of the "
        "data folder that only this user may read (not encrypted)",
    )
    login.set_defaults(handler=_login)

    sync = subparsers.add_parser("sync", help="synchronise with the city server")
    sync.add_argument("--once", action="store_true", help="run one full round and exit")
    sync.add_argument("--json", action="store_true", help="print one JSON object")
    sync.set_defaults(handler=_sync, sync_parser=sync)
    sub = sync.add_subparsers(dest="sync_command", metavar="SUBCOMMAND")
    status = sub.add_parser("status", help="show the sync state without contacting the server")
    status.add_argument("--json", action="store_true", help="print one JSON object")
    status.set_defaults(handler=_status)
    seed = sub.add_parser("seed", help="fill a new PC's store from a snapshot file (USB stick), once")
    seed.add_argument("file", help="the file written by `city-server snapshot`")
    seed.set_defaults(handler=_seed)


def _open(args: argparse.Namespace, lock: str | None = None) -> Any:
    """The open context (holding the store lock for ``lock``), or the exit status after
    saying in Vietnamese why the store cannot be used (in use, missing, damaged...)."""
    from commune_desk.app import AppContext  # lazy: keep `--help` fast
    from commune_desk.cli.common import explain
    from commune_desk.sync.installation import IdentityEvent

    paths = AppPaths.resolve(args.data_dir)
    try:
        ctx = AppContext.open(paths, lock=lock)
    except Exception as exc:  # noqa: BLE001 - typed or classified, else re-raised
        return explain(exc, paths)
    if ctx.identity is not None and ctx.identity.event in (IdentityEvent.MOVED, IdentityEvent.REWOUND):
        print(message(ctx.identity.event.value), file=sys.stderr)  # for the IT officer, first
    return ctx


def _login(args: argparse.Namespace) -> int:
    from commune_desk.sync.account import login
    from commune_desk.sync.errors import SyncError

    if not args.password_stdin:
        print("Hãy truyền mật khẩu qua đầu vào chuẩn (--password-stdin).", file=sys.stderr)
        return EXIT_INVALID
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        print("Chưa nhập mật khẩu.", file=sys.stderr)
        return EXIT_INVALID
    ctx = _open(args, lock="login")
    if isinstance(ctx, int):
        return ctx
    with ctx:
        try:
            account = login(
                ctx.store,
                server_url=args.server,
                username=args.username,
                password=password,
                insecure_storage=args.insecure_storage,
            )
        except SyncError as exc:
            print(_login_failure(ctx, exc), file=sys.stderr)
            return EXIT_FAILED
        secrets_file = ctx.paths.data_dir / INSECURE_FILE_NAME
    print(f"Đã đăng nhập {account.username} ({account.commune_name}); máy: {account.device_id}")
    if account.secret_storage == "file":
        print(
            f"Lưu ý: thông tin đăng nhập được lưu trong tệp {secrets_file} (không mã hóa, chỉ "
            "tài khoản này đọc được), không phải kho mật khẩu của hệ điều hành."
        )
    return EXIT_OK


def _login_failure(ctx: Any, exc: Any) -> str:
    """The Vietnamese sentence for a failed login, with the wait or the key fingerprint."""
    kind = exc.kind.value
    if kind == "login_locked" and exc.retry_after is not None:
        return message("login_locked_wait").format(wait=wait_text(exc.retry_after))
    if kind == "device_key_mismatch":
        return _key_mismatch(_fingerprint(ctx))
    detail = exc.detail if exc.detail in MESSAGES else None
    return message(detail or kind)


def _key_mismatch(fingerprint: str) -> str:
    return f"{message('device_key_mismatch')} " + message("device_key_fingerprint").format(
        fingerprint=fingerprint
    )


def _fingerprint(ctx: Any) -> str:
    """This PC's device-key fingerprint (what a leader compares before a re-bind)."""
    from commune_desk.sync.account import vault_for
    from commune_desk.sync.device_key import DeviceKey
    from commune_desk.sync.errors import SyncError

    try:
        text = vault_for(ctx.store).load_device_key(ctx.device_id)
    except SyncError:
        return "?"
    return DeviceKey.from_text(text).fingerprint if text else "?"


def _sync(args: argparse.Namespace) -> int:
    from commune_desk.sync.engine import SyncEngine

    if not args.once:
        args.sync_parser.print_help()
        return EXIT_INVALID
    ctx = _open(args, lock="sync")
    if isinstance(ctx, int):
        return ctx
    with ctx:
        result = SyncEngine(ctx.store, ctx.blobs).sync_once()
        fingerprint = _fingerprint(ctx) if result.error_kind == "device_key_mismatch" else "?"
    attention = result.quarantined > 0 or result.conflicts > 0
    kind = result.error_kind or (
        "not_converged" if not result.converged else "attention" if attention else None
    )
    if args.json:
        print(json.dumps({**result.to_json(), "reason": kind}, ensure_ascii=False))
    elif kind:
        text = _key_mismatch(fingerprint) if kind == "device_key_mismatch" else message(kind)
        print(text, file=sys.stderr)
    else:
        print(f"Đồng bộ xong: gửi {result.pushed}, nhận {result.pulled} thay đổi.")
    if result.notice and not args.json:
        print(message(result.notice))
    if not result.ok:
        return EXIT_FAILED
    if not result.converged:
        return EXIT_FAILED
    return EXIT_ATTENTION if attention else EXIT_OK


def _seed(args: argparse.Namespace) -> int:
    """Seed the logged-in PC's empty store from a snapshot file; the next sync pages on."""
    from pathlib import Path

    from commune_desk.sync.account import load_account
    from commune_desk.sync.first_pull import seed_from_stick
    from commune_desk.sync.seed import SnapshotUnusable

    packed = Path(args.file)
    if not packed.is_file():
        print(f"Không tìm thấy tệp {packed}.", file=sys.stderr)
        return EXIT_INVALID
    ctx = _open(args, lock="sync")
    if isinstance(ctx, int):
        return ctx
    with ctx:
        account = load_account(ctx.store)
        if account is None:
            print(message("not_logged_in"), file=sys.stderr)
            return EXIT_FAILED
        try:
            result = seed_from_stick(
                ctx.store, packed, device_id=account.device_id, commune_code=account.commune_code
            )
        except SnapshotUnusable as exc:
            print(
                "Không dùng được tệp dữ liệu ban đầu này; máy vẫn nguyên như trước và lần đồng bộ "
                f"tới sẽ tải toàn bộ dữ liệu qua mạng. Lý do: {exc}",
                file=sys.stderr,
            )
            return EXIT_FAILED
    print(f"Đã nạp {result.records} bản ghi của {result.meta.commune_code} (đến thay đổi {result.cursor}).")
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    from commune_desk.sync.account import load_account
    from commune_desk.sync.engine import SyncEngine
    from commune_desk.sync.state import load_state

    ctx = _open(args)
    if isinstance(ctx, int):
        return ctx
    with ctx:
        engine = SyncEngine(ctx.store, ctx.blobs)
        status = engine.status.to_json()
        account = load_account(ctx.store)
        if account is not None:
            with ctx.store.read() as session:
                state = load_state(session, account.device_id)
                status.update(cursor=state.cursor, last_error=state.last_error)
        status.update(
            secret_storage=account.secret_storage if account else None,
            device_key_fingerprint=_fingerprint(ctx) if account else None,
            logged_in=account is not None,
            server_url=account.server_url if account else None,
            username=account.username if account else None,
            commune_code=account.commune_code if account else None,
            device_id=account.device_id if account else ctx.device_id,
        )
    if args.json:
        print(json.dumps(status, ensure_ascii=False))
        return EXIT_OK
    if not status["logged_in"]:
        print(message("not_logged_in"))
        return EXIT_OK
    print(f"Máy chủ: {status['server_url']} — người dùng {status['username']}")
    storage = status["secret_storage"]
    print(f"Thông tin đăng nhập lưu ở: {message(f'secrets.{storage}')}")
    print(f"Mã khóa thiết bị: {status['device_key_fingerprint']}")
    print(
        f"Chờ gửi: {status['pending']}; bị từ chối: {status['quarantined']}; "
        f"xung đột: {status['open_conflicts']}"
    )
    print(f"Lần đồng bộ thành công gần nhất: {status['last_success_at'] or 'chưa có'}")
    if status.get("last_error"):
        print(f"Lỗi gần nhất: {message(status['last_error'])}")
    return EXIT_OK
