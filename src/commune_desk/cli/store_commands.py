"""Store sub-commands for IT support and automation: ``demo``, ``intake``, ``procedures``, ``search``.

``db check``, ``backup`` and ``restore`` are in ``folder_commands``. Errors a
clerk or IT person can fix print a Vietnamese sentence on stderr and exit with
status 2 (bad input) or 1 (a check or operation failed); the commands that
write hold the store lock while they run.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from commune_desk.cli.common import EXIT_FAILED, EXIT_INVALID, fail, with_context
from commune_desk.cli.intake_args import add_intake_arguments, new_dossier_from
from commune_desk.domain.calendar import VN_TZ, DayKind
from commune_desk.domain.catalogue import ProcedureInfo
from commune_desk.domain.errors import ValidationError
from commune_desk.messages import message_for
from commune_desk.services.values import DossierSummary

__all__ = ["EXIT_FAILED", "EXIT_INVALID", "register"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this module's sub-commands to the parser."""
    demo = subparsers.add_parser("demo", help="fill the store with realistic demo dossiers")
    demo.add_argument("--dossiers", type=int, required=True, metavar="N", help="how many dossiers")
    demo.add_argument("--seed", type=int, default=0, help="random seed (same seed, same data)")
    demo.set_defaults(handler=_demo)

    intake = subparsers.add_parser("intake", help="register one dossier as the counter would")
    intake.add_argument("--procedure", required=True, metavar="CODE", help="procedure code")
    intake.add_argument("--name", required=True, help="applicant's full name")
    intake.add_argument("--id-number", required=True, help="CCCD (12 digits) or CMND (9 digits)")
    intake.add_argument("--phone", help="applicant's phone number")
    intake.add_argument("--address", default="", help="applicant's address")
    intake.add_argument("--clerk", default="", help="name of the receiving clerk")
    intake.add_argument(
        "--received-at",
        metavar="ISO8601",
        help="time of receipt (default now; without an offset it is office time, UTC+7); "
        "between the office's start date and a few minutes from now",
    )
    add_intake_arguments(intake)
    intake.add_argument("--json", action="store_true", help="print one JSON object")
    intake.set_defaults(handler=_intake)

    procedures = subparsers.add_parser("procedures", help="list the procedure catalogue")
    procedures.add_argument("--json", action="store_true", help="one JSON object per line")
    procedures.set_defaults(handler=_procedures)

    search = subparsers.add_parser("search", help="find dossiers by name, ID number, phone or code")
    search.add_argument("text", help='e.g. "dang thi dao" (accents optional)')
    search.add_argument("--limit", type=int, default=20)
    search.add_argument("--json", action="store_true", help="one JSON object per line")
    search.set_defaults(handler=_search)


# --- helpers -------------------------------------------------------------------


def _summary_json(s: DossierSummary) -> dict[str, Any]:
    return {
        "id": s.id,
        "code": s.code,
        "procedure_code": s.procedure_code,
        "applicant_name": s.applicant_name,
        "applicant_id_number": s.applicant_id_number,
        "status": int(s.status),
        "status_name": s.status.name.lower(),
        "received_at": s.received_at.astimezone(VN_TZ).isoformat(),
        "appointment_at": s.appointment_at.astimezone(VN_TZ).isoformat(),
        "overdue": s.overdue,
    }


# --- handlers ------------------------------------------------------------------


def _demo(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from commune_desk.services.demo import generate_demo

    if args.dossiers < 0:
        return fail("Số hồ sơ mẫu phải lớn hơn hoặc bằng 0.")

    def body(context: Any) -> int:
        with tqdm(total=args.dossiers, unit="hồ sơ", file=sys.stderr, disable=None) as bar:

            def progress(done: int, _total: int) -> None:
                bar.update(done - bar.n)

            summary = generate_demo(context, args.dossiers, args.seed, progress)
        print(
            f"Đã tạo {summary.dossiers} hồ sơ mẫu ({summary.events} sự kiện), "
            f"{summary.incoming} văn bản đến, {summary.outgoing} văn bản đi. "
            "Đây là kho dữ liệu mẫu: không bao giờ đồng bộ với máy chủ."
        )
        return 0

    return with_context(args, body, lock="demo")


def _intake(args: argparse.Namespace) -> int:
    try:  # arguments that are not even text, dates or papers: before the store is opened
        new = new_dossier_from(args)
    except ValidationError as exc:
        return fail(message_for(exc))

    def body(context: Any) -> int:
        detail = context.services.register_dossier(new).value
        s = detail.summary
        if args.json:
            record = _summary_json(s) | {
                "papers": [p.to_json() for p in detail.papers],
                "extension": detail.extension.code if detail.extension is not None else "",
            }
            print(json.dumps(record, ensure_ascii=False))
        else:
            print(f"Mã hồ sơ: {s.code}")
            print(f"Thủ tục: {s.procedure_name}")
            print(f"Người nộp: {s.applicant_name}")
            print(f"Hẹn trả kết quả: {s.appointment_at.astimezone(VN_TZ):%H:%M ngày %d/%m/%Y}")
            if detail.extension is not None:
                print(f"Thời hạn kéo dài: {detail.extension.name} ({detail.extension.legal_basis})")
        return 0

    return with_context(args, body, lock="intake")


def time_limit_text(kind: DayKind, amount: int) -> str:
    """A time limit in the words of the one-stop counter."""
    if kind == DayKind.ON_RECEIPT:
        return "trong ngày (nhận sau 15 giờ: ngày làm việc tiếp theo)"
    if kind == DayKind.WORKING_DAYS:
        return f"{amount} ngày làm việc"
    return f"{amount} ngày (tính cả ngày nghỉ)"


def _procedure_json(p: ProcedureInfo) -> dict[str, Any]:
    from commune_desk.services.catalogue import extension_to_json

    return {
        "code": p.code,
        "name": p.name,
        "time_limit": p.time_limit,
        "day_kind": p.day_kind.value,
        "time_limit_text": time_limit_text(p.day_kind, p.time_limit),
        "field": p.field,
        "fee": p.fee,
        "fee_verified": p.fee_verified,
        "required_papers": list(p.required_papers),
        "extensions": [extension_to_json(e) for e in p.extensions],
    }


def _procedures(args: argparse.Namespace) -> int:
    def body(context: Any) -> int:
        for p in context.services.list_procedures():
            if args.json:
                print(json.dumps(_procedure_json(p), ensure_ascii=False))
                continue
            print(f"{p.code:<10} {p.name}  [{time_limit_text(p.day_kind, p.time_limit)}]")
            for e in p.extensions:
                how = "thay bằng" if e.mode.value == "replace" else "thêm"
                limit = time_limit_text(e.limit.kind, e.limit.amount)
                print(f"{'':<10}   kéo dài {e.code}: {e.name}, {how} {limit} ({e.legal_basis})")
        return 0

    return with_context(args, body)


def _search(args: argparse.Namespace) -> int:
    if args.limit < 1:
        return fail("Giới hạn kết quả phải lớn hơn 0.")

    def body(context: Any) -> int:
        rows = context.services.search_dossiers(args.text, limit=args.limit)
        for s in rows:
            if args.json:
                print(json.dumps(_summary_json(s), ensure_ascii=False))
            else:
                print(f"{s.code}  {s.applicant_name}  {s.applicant_id_number}  {s.status.name.lower()}")
        if not rows and not args.json:
            print("Không tìm thấy hồ sơ nào.", file=sys.stderr)
        return 0

    return with_context(args, body)
