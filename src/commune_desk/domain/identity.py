"""Citizen identity numbers (CCCD / old CMND) and Vietnamese phone numbers.

CCCD (personal identification number): 12 digits = 3-digit code of the
province where the birth was registered + 1 gender/century digit + 2-digit
birth year + 6 random digits, no checksum. The century digit and the birth
year must agree with a date of birth when one is given. Old CMND: 9 digits.

The province codes are those of the annex "Danh sách mã tỉnh, thành phố
trực thuộc trung ương" of Circular 07/2016/TT-BCA, carried over unchanged by
Circular 59/2021/TT-BCA (Art. 7 and annex): the 63 provinces of 2016–2025.
A personal identification number is given once for life (Law on
Identification 2023, Art. 12), so cards keep these codes after the 2025
merger into 34 provinces. See docs/domain-sources.md.
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


#: Province codes of the personal identification number (Circular 07/2016/TT-BCA annex,
#: Circular 59/2021/TT-BCA Art. 7): code → province at the time the birth was registered.
PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}


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

    ``today`` is the day the number is judged on: the dossier's receipt date
    (a birth year after it is impossible), today when not given.

    Kinds: ``id_number_required``, ``invalid_id_number`` (shape),
    ``id_number_unknown_province`` (not a province code of the official list),
    ``id_number_future_birth_year`` (century digit gives a year after ``today``),
    ``id_number_birth_mismatch`` (year disagrees with ``date_of_birth``),
    ``date_of_birth_in_future``.
    """
    number = _digits(value, "id_number", "invalid_id_number")
    judged_on = today or date.today()
    if date_of_birth is not None and date_of_birth > judged_on:
        raise ValidationError(
            "date_of_birth_in_future",
            "the date of birth is after the receipt date",
            field="date_of_birth",
        )
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
    if info.province_code not in PROVINCE_CODES:
        raise ValidationError(
            "id_number_unknown_province",
            f"{info.province_code} is not a province code of the official list",
            field="id_number",
            province_code=info.province_code,
        )
    current_year = judged_on.year
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


#: Beginnings of a valid number after the leading 0: mobile networks, then landlines (02x).
_PREFIXES = re.compile(r"^0(3[2-9]|5[25689]|7[06-9]|8[1-689]|9[0-46-9]|2\d)")


def phone_problem(value: str) -> tuple[str, str] | None:
    """Which rule a typed phone number breaks, as ``(reason, detail)``; None if it is valid.

    Reasons: ``not_digits``, ``no_leading_zero``, ``prefix`` (detail: the first three
    digits), ``mobile_length`` (10 digits), ``landline_length`` (02x: 11 digits).
    The same rules as :func:`validate_phone`, named so the clerk is told the right one.
    """
    try:
        validate_phone(value)
        return None
    except ValidationError:
        pass
    raw = _SEPARATORS.sub("", value or "")
    if raw.startswith("+84"):
        raw = "0" + raw[3:]
    elif raw.startswith("84") and len(raw) in (11, 12):
        raw = "0" + raw[2:]
    if not raw.isascii() or not raw.isdigit():
        return ("not_digits", "")
    if not raw.startswith("0"):
        return ("no_leading_zero", "")
    if len(raw) >= 3 and not _PREFIXES.match(raw):
        return ("prefix", raw[:3])
    if raw.startswith("02"):
        return ("landline_length", str(len(raw)))
    return ("mobile_length", str(len(raw)))
