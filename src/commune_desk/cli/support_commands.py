"""Support and staff sub-commands: ``support`` and ``clerks list|add|password``.

``support`` writes the support archive (see ``commune_desk.support.bundle``) and
prints each check in plain Vietnamese; exit status 0 when nothing is wrong,
1 when a check failed. ``clerks`` lets IT staff at the PC list the accounts,
create one (an office that has never been online) or set a forgotten password
of a local account; passwords are read from standard input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from commune_desk.paths import AppPaths

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INVALID = 2


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this module's sub-commands to the parser."""
    support = subparsers.add_parser(
        "support", help="write the support archive (Thông tin hỗ trợ) and print the checks"
    )
    support.add_argument(
        "--to", type=Path, metavar="DIR", help="folder for the zip (default: <data-dir>/support)"
    )
    support.add_argument(
        "--no-blobs", action="store_true", help="skip re-hashing every attachment in the store check"
    )
    support.add_argument("--json", action="store_true", help="print the report as JSON")
    support.set_defaults(handler=_support)

    clerks = subparsers.add_parser("clerks", help="accounts of the people who use this PC")
    sub = clerks.add_subparsers(dest="clerks_command", metavar="SUBCOMMAND", required=True)
    listing = sub.add_parser("list", help="list the accounts")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.set_defaults(handler=_list)
    add = sub.add_parser("add", help="create a local account (offices never online)")
    add.add_argument("--username", required=True)
    add.add_argument("--full-name", required=True, help="printed on slips, e.g. 'Nguyễn Thị Lan'")
    add.add_argument("--role", choices=("clerk", "leader", "admin"), default="clerk")
    add.add_argument("--password-stdin", action="store_true", required=True)
    add.set_defaults(handler=_add)
    password = sub.add_parser("password", help="set a local account's password")
    password.add_argument("--username", required=True)
    password.add_argument("--password-stdin", action="store_true", required=True)
    password.set_defaults(handler=_password)


def _open(args: argparse.Namespace) -> Any:
    from commune_desk.app import AppContext

    return AppContext.open(AppPaths.resolve(args.data_dir))


def _support(args: argparse.Namespace) -> int:
    from commune_desk.support.bundle import report_json, summary_text, write_support_zip
    from commune_desk.support.report import collect

    with _open(args) as app:
        report = collect(app, verify_blobs=not args.no_blobs)
        path = write_support_zip(app, args.to or app.paths.data_dir / "support", report=report)
    if args.json:
        print(json.dumps({**report_json(report), "archive": str(path)}, ensure_ascii=False))
    else:
        sys.stdout.write(summary_text(report))
        print(f"Đã ghi tệp hỗ trợ: {path}")
    return EXIT_FAILED if report.worst == "fail" else EXIT_OK


def _list(args: argparse.Namespace) -> int:
    with _open(args) as app:
        clerks = app.services.list_clerks(include_inactive=True)
    for c in clerks:
        if args.json:
            print(
                json.dumps(
                    {
                        "username": c.username,
                        "full_name": c.full_name,
                        "role": c.role.value,
                        "active": c.active,
                        "source": c.source,
                        "has_password": c.has_password,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            state = "" if c.active else " (đã khoá)"
            print(f"{c.username:<20} {c.full_name} — {c.role.value}, {c.source}{state}")
    return EXIT_OK


def _with_password(args: argparse.Namespace, change: Callable[[Any, str], str]) -> int:
    """Read the password from standard input, run ``change(services, password)`` on the store,
    print the sentence it returns; a Vietnamese sentence and exit 2 for bad input."""
    from commune_desk.domain.errors import DomainError
    from commune_desk.messages import message_for

    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        print("Chưa nhập mật khẩu.", file=sys.stderr)
        return EXIT_INVALID
    with _open(args) as app:
        try:
            done = change(app.services, password)
        except DomainError as exc:
            print(message_for(exc), file=sys.stderr)
            return EXIT_INVALID
    print(done)
    return EXIT_OK


def _add(args: argparse.Namespace) -> int:
    from commune_desk.domain.accounts import NewClerk
    from commune_desk.domain.roles import Role

    def add(services: Any, password: str) -> str:
        new = NewClerk(args.username, args.full_name, Role(args.role), password)
        info = services.create_clerk(new, actor="commune-desk clerks add").value
        return f"Đã tạo tài khoản {info.username} ({info.full_name})."

    return _with_password(args, add)


def _password(args: argparse.Namespace) -> int:
    def change(services: Any, password: str) -> str:
        services.set_clerk_password(args.username, password, actor="commune-desk clerks password")
        return f"Đã đặt mật khẩu mới cho {args.username}."

    return _with_password(args, change)
