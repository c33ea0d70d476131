"""Register-book sub-commands (Decree 30/2020): ``number void`` and ``register``.

``number void`` voids a number of a register book exactly as the document
pages do (audited, queued for the city server in the same transaction);
``register`` prints a whole book in number order, voided numbers included.
Bad input exits 2 with a Vietnamese sentence and writes nothing.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from commune_desk.cli.common import with_context
from commune_desk.services.values import IncomingDocumentInfo, RegisterRow


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this module's sub-commands to the parser."""
    number = subparsers.add_parser("number", help="register-book numbers")
    number_sub = number.add_subparsers(dest="number_command", metavar="ACTION", required=True)
    void = number_sub.add_parser("void", help="void a number (recorded, never reused, synced)")
    void.add_argument(
        "--series", required=True, help="e.g. outgoing/2026, outgoing-secret/2026, incoming/2026"
    )
    void.add_argument("--number", required=True, type=int)
    void.add_argument("--reason", required=True, help="why (printed in the register)")
    void.add_argument("--clerk", default="", help="who voids it (audit)")
    void.set_defaults(handler=_void)

    book = subparsers.add_parser("register", help="print a register book in number order")
    book.add_argument("--series", required=True, help="e.g. outgoing/2026")
    book.add_argument("--json", action="store_true", help="one JSON object per line")
    book.set_defaults(handler=_book)


def _void(args: argparse.Namespace) -> int:
    def body(context: Any) -> int:
        context.services.void_number(args.series, args.number, reason=args.reason, actor=args.clerk)
        print(f"Đã huỷ số {args.number} của sổ {args.series}.")
        return 0

    return with_context(args, body, lock="void")


def row_json(row: RegisterRow) -> dict[str, Any]:
    """One book line as JSON (the document's fields, the void reason)."""
    doc = row.document
    fields: dict[str, Any] = {"number": row.number, "voided": row.voided, "void_reason": row.void_reason}
    if doc is not None:
        fields["summary"] = doc.summary
        fields["doc_type"] = doc.doc_type
        fields["number_symbol"] = doc.number_symbol
        if isinstance(doc, IncomingDocumentInfo):
            fields.update(author=doc.author, received_on=str(doc.received_on), handler=doc.handler)
        else:
            fields.update(
                issued_on=str(doc.issued_on),
                signer=doc.signer,
                recipients=list(doc.recipients),
                copy_holder=doc.copy_holder,
                copies=doc.copies,
                sent_on=str(doc.sent_on) if doc.sent_on else None,
            )
    return fields


def _book(args: argparse.Namespace) -> int:
    def body(context: Any) -> int:
        book = context.services.register_book(args.series)
        for row in book.rows:
            if args.json:
                print(json.dumps(row_json(row), ensure_ascii=False))
                continue
            number = f"{row.number:02d}" if row.number is not None else "(tạm)"
            text = row.document.summary if row.document is not None else ""
            void = f"  [ĐÃ HUỶ: {row.void_reason}]" if row.voided else ""
            print(f"{number:>6}  {text}{void}")
        return 0

    return with_context(args, body)
