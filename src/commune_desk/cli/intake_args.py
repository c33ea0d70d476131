"""Command-line arguments of ``intake`` turned into what the counter would have typed.

Every bad argument becomes a :class:`ValidationError` (the command exits 2
with a Vietnamese sentence, nothing written): undecodable bytes, a date that
is not a date, a paper whose form is unknown. The field rules themselves are
the services' (``validate_new_dossier`` and the time-of-receipt window).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from datetime import date, datetime

from commune_desk.domain.calendar import VN_TZ
from commune_desk.domain.dates import parse_typed_date
from commune_desk.domain.errors import ValidationError
from commune_desk.domain.intake import PaperForm, ReceivedPaper, clean_paper
from commune_desk.domain.text import fold
from commune_desk.services.values import NewDossier

#: Paper forms as they may be typed: the stored key or its Vietnamese name without accents.
PAPER_FORM_NAMES = {
    "original": PaperForm.ORIGINAL,
    "ban chinh": PaperForm.ORIGINAL,
    "certified_copy": PaperForm.CERTIFIED_COPY,
    "ban sao chung thuc": PaperForm.CERTIFIED_COPY,
    "photocopy": PaperForm.PHOTOCOPY,
    "ban chup": PaperForm.PHOTOCOPY,
    "ban sao": PaperForm.PHOTOCOPY,
}


def add_intake_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``commune-desk intake`` beyond the applicant's name and number."""
    parser.add_argument(
        "--date-of-birth",
        metavar="DD/MM/YYYY",
        help="day first, or YYYY-MM-DD; checked against the CCCD number",
    )
    parser.add_argument(
        "--paper",
        action="append",
        default=[],
        metavar="NAME[:FORM[:COUNT]]",
        help="a paper received (repeat for each); FORM: original, certified_copy or photocopy "
        '(or "ban chinh", "ban sao chung thuc", "ban chup"), COUNT 1..99; printed on form 01',
    )
    parser.add_argument(
        "--extension",
        default="",
        metavar="CODE",
        help="a statutory extension of the procedure that applies from receipt (see `procedures`)",
    )


def check_arguments(values: Iterable[object]) -> None:
    """Refuse arguments holding bytes that were not UTF-8 (Python keeps them as lone surrogates)."""
    for value in values:
        texts = value if isinstance(value, list) else [value]
        for text in texts:
            if isinstance(text, str) and any("\ud800" <= ch <= "\udfff" for ch in text):
                raise ValidationError("invalid_arguments", "undecodable bytes in the command line")


def parse_received_at(value: str | None) -> datetime | None:
    """An ISO 8601 time of receipt; without an offset it is office time (UTC+7)."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValidationError("invalid_datetime", f"bad time {value!r}", field="received_at") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=VN_TZ)


def parse_date(value: str | None, field: str) -> date | None:
    """A calendar date written ``YYYY-MM-DD`` or day first (``DD/MM/YYYY``, ``DD-MM-YYYY``,
    ``DD.MM.YYYY``: ``domain.dates.parse_typed_date``)."""
    if value is None or not value.strip():
        return None
    try:
        return parse_typed_date(value)
    except ValueError as exc:
        raise ValidationError("invalid_date", f"bad date {value!r}", field=field) from exc


def parse_paper(value: str) -> ReceivedPaper:
    """``NAME[:FORM[:COUNT]]`` as one received paper."""
    name, form, count = value, "original", "1"
    parts = value.rsplit(":", 2)
    if len(parts) == 3 and fold(parts[1]) in PAPER_FORM_NAMES:
        name, form, count = parts
    elif len(parts) >= 2 and fold(parts[-1]) in PAPER_FORM_NAMES:
        name, form = value.rsplit(":", 1)
    elif len(parts) == 3 and parts[2].strip().isdigit():
        raise ValidationError("invalid_paper", f"unknown paper form in {value!r}", field="papers")
    key = PAPER_FORM_NAMES.get(fold(form))
    if key is None or not count.strip().isdigit():
        raise ValidationError("invalid_paper", f"bad paper {value!r}", field="papers")
    return clean_paper(name, key, int(count))


def new_dossier_from(args: argparse.Namespace) -> NewDossier:
    """The intake the arguments describe (not yet validated by the services)."""
    check_arguments(vars(args).values())
    return NewDossier(
        procedure_code=args.procedure,
        applicant_name=args.name,
        applicant_id_number=args.id_number,
        applicant_phone=args.phone,
        applicant_address=args.address,
        date_of_birth=parse_date(args.date_of_birth, "date_of_birth"),
        received_at=parse_received_at(args.received_at),
        received_by=args.clerk,
        papers=tuple(parse_paper(p) for p in args.paper),
        extension=args.extension,
    )
