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
from datetime import datetime
from typing import Any

from commune_desk.cli.common import EXIT_FAILED, EXIT_INVALID, fail, with_context
from commune_desk.domain.calendar import VN_TZ
from commune_desk.domain.errors import ValidationError
from commune_desk.messages import message_for
from commune_desk.services.values import DossierSummary, NewDossier

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
        help="time of receipt (default now; without an offset it is office time, UTC+7)",
    )
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


def _parse_received_at(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError("invalid_datetime", f"bad time {value!r}", field="received_at") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=VN_TZ)


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
    from commune_desk.services.dossiers import validate_new_dossier

    try:
        new = validate_new_dossier(
            NewDossier(
                procedure_code=args.procedure,
                applicant_name=args.name,
                applicant_id_number=args.id_number,
                applicant_phone=args.phone,
                applicant_address=args.address,
                received_at=_parse_received_at(args.received_at),
                received_by=args.clerk,
            )
        )
    except ValidationError as exc:  # checked before the store is even opened
        return fail(message_for(exc))

    def body(context: Any) -> int:
        detail = context.services.register_dossier(new).value
        s = detail.summary
        if args.json:
            print(json.dumps(_summary_json(s), ensure_ascii=False))
        else:
            print(f"Mã hồ sơ: {s.code}")
            print(f"Thủ tục: {s.procedure_name}")
            print(f"Người nộp: {s.applicant_name}")
            print(f"Hẹn trả kết quả: {s.appointment_at.astimezone(VN_TZ):%H:%M ngày %d/%m/%Y}")
        return 0

    return with_context(args, body, lock="intake")


def _procedures(args: argparse.Namespace) -> int:
    def body(context: Any) -> int:
        for p in context.services.list_procedures():
            if args.json:
                print(
                    json.dumps(
                        {
                            "code": p.code,
                            "name": p.name,
                            "time_limit": p.time_limit,
                            "day_kind": p.day_kind.value,
                            "field": p.field,
                            "fee": p.fee,
                            "required_papers": list(p.required_papers),
                        },
                        ensure_ascii=False,
                    )
                )
            else:
                limit = "trong ngày" if p.time_limit == 0 else f"{p.time_limit} ngày ({p.day_kind.value})"
                print(f"{p.code:<10} {p.name}  [{limit}]")
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
