"""Citizen identity numbers (CCCD / old CMND) and Vietnamese phone numbers.

CCCD: 12 digits = 3-digit province code + 1 gender/century digit + 2-digit
birth year + 6 digits, no checksum. The century digit and the birth year must
agree with a date of birth when one is given. Old CMND: 9 digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from commune_desk.domain.errors import ValidationError

#: Century of birth for each gender/century digit (even: male, odd: female).
_CENTURY = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200, 8: 1800, 9: 1800}
_SEPARATORS = re.compile(r"[\s.\-()]")
_MOBILE = re.compile(r"^0(3[2-9]|5[25689]|7[06-9]|8[1-689]|9[0-46-9])\d{7}$")
_LANDLINE = re.compile(r"^02\d{9}$")


@dataclass(frozen=True)
class IdNumberInfo:
    """What a 12-digit CCCD number says about its holder."""

    province_code: str
    female: bool
    birth_year: int


def _digits(value: str, field: str, kind: str) -> str:
    cleaned = _SEPARATORS.sub("", value or "")
    if not cleaned:
        raise ValidationError(f"{field}_required", f"{field} is required", field=field)
    if not cleaned.isascii() or not cleaned.isdigit():
        raise ValidationError(kind, f"{field} must contain digits only", field=field, value=value)
    return cleaned


def id_number_info(number: str) -> IdNumberInfo:
    """Decode a cleaned 12-digit CCCD number (no validation beyond its shape)."""
    if len(number) != 12 or not number.isdigit():
        raise ValidationError("invalid_id_number", "a CCCD number has 12 digits", field="id_number")
    code = int(number[3])
    return IdNumberInfo(
        province_code=number[:3],
        female=code % 2 == 1,
        birth_year=_CENTURY[code] + int(number[4:6]),
    )


def validate_id_number(value: str, *, date_of_birth: date | None = None, today: date | None = None) -> str:
    """Return the cleaned CCCD (12 digits) or CMND (9 digits) number, or raise ValidationError.

    Kinds: ``id_number_required``, ``invalid_id_number`` (shape),
    ``id_number_future_birth_year`` (century digit gives a year after today),
    ``id_number_birth_mismatch`` (year disagrees with ``date_of_birth``).
    """
    number = _digits(value, "id_number", "invalid_id_number")
    if len(number) == 9:
        return number
    if len(number) != 12:
        raise ValidationError(
            "invalid_id_number",
            f"an identity number has 12 digits (CCCD) or 9 (CMND), got {len(number)}",
            field="id_number",
            length=len(number),
        )
    info = id_number_info(number)
    current_year = (today or date.today()).year
    if info.birth_year > current_year:
        raise ValidationError(
            "id_number_future_birth_year",
            f"the century digit and year give birth year {info.birth_year}, after {current_year}",
            field="id_number",
            birth_year=info.birth_year,
        )
    if date_of_birth is not None and date_of_birth.year != info.birth_year:
        raise ValidationError(
            "id_number_birth_mismatch",
            f"the number says born in {info.birth_year}, the date of birth says {date_of_birth.year}",
            field="id_number",
            birth_year=info.birth_year,
            date_of_birth_year=date_of_birth.year,
        )
    return number


def validate_phone(value: str) -> str:
    """Return a Vietnamese phone number as 10 (mobile) or 11 (landline) digits starting with 0.

    ``+84`` and ``84`` prefixes become ``0``. Kinds: ``phone_required``, ``invalid_phone``.
    """
    raw = _SEPARATORS.sub("", value or "")
    if raw.startswith("+84"):
        raw = "0" + raw[3:]
    elif raw.startswith("84") and len(raw) in (11, 12):
        raw = "0" + raw[2:]
    number = _digits(raw, "phone", "invalid_phone")
    if _MOBILE.match(number) or _LANDLINE.match(number):
        return number
    raise ValidationError(
        "invalid_phone",
        "not a Vietnamese mobile (10 digits, valid prefix) or landline (02x) number",
        field="phone",
        value=value,
    )
