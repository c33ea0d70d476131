"""CCCD/CMND numbers and phone numbers."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commune_desk.domain.errors import ValidationError
from commune_desk.domain.identity import (
    PROVINCE_CODES,
    id_number_info,
    phone_problem,
    validate_id_number,
    validate_phone,
)

TODAY = date(2026, 11, 26)


def test_valid_cccd_with_matching_birth_date() -> None:
    # 001 = Hà Nội, 3 = female born in the 2000s, 05 = 2005.
    assert validate_id_number("001 305 012345", date_of_birth=date(2005, 3, 1), today=TODAY) == "001305012345"
    info = id_number_info("001305012345")
    assert (info.province_code, info.female, info.birth_year) == ("001", True, 2005)
    assert id_number_info("038088001234").birth_year == 1988


def test_cmnd_nine_digits_accepted() -> None:
    assert validate_id_number("012345678") == "012345678"


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("", "id_number_required"),
        ("00130501234", "invalid_id_number"),
        ("0013050123456", "invalid_id_number"),
        ("00130501234a", "invalid_id_number"),
        ("001405012345", "id_number_future_birth_year"),  # 2105
        ("001299012345", "id_number_future_birth_year"),  # 2099
    ],
)
def test_invalid_id_numbers(value: str, kind: str) -> None:
    with pytest.raises(ValidationError) as err:
        validate_id_number(value, today=TODAY)
    assert err.value.kind == kind
    assert err.value.field == "id_number"


def test_century_digit_must_agree_with_birth_date() -> None:
    with pytest.raises(ValidationError) as err:
        validate_id_number("001088012345", date_of_birth=date(1989, 1, 1), today=TODAY)
    assert err.value.kind == "id_number_birth_mismatch"
    # 8 = male born in the 1800s: 1888 is not 1988.
    with pytest.raises(ValidationError):
        validate_id_number("001888012345", date_of_birth=date(1988, 1, 1), today=TODAY)


@given(
    st.sampled_from(sorted(PROVINCE_CODES)), st.integers(0, 9), st.integers(0, 99), st.integers(0, 999_999)
)
def test_cccd_round_trip(province: str, code: int, yy: int, rest: int) -> None:
    number = f"{province}{code}{yy:02d}{rest:06d}"
    info = id_number_info(number)
    assert info.birth_year % 100 == yy
    assert info.female == (code % 2 == 1)
    if info.birth_year <= TODAY.year:
        assert validate_id_number(number, date_of_birth=date(info.birth_year, 6, 1), today=TODAY) == number


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0912 345 678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0386.123.456", "0386123456"),
        ("024 3825 1234", "02438251234"),
    ],
)
def test_valid_phones(value: str, expected: str) -> None:
    assert validate_phone(value) == expected


@pytest.mark.parametrize("value", ["0112345678", "091234567", "09123456789", "0312345678", "abc", "0942-34x"])
def test_invalid_phones(value: str) -> None:
    with pytest.raises(ValidationError) as err:
        validate_phone(value)
    assert err.value.kind == "invalid_phone"


# --- CCCD cases: province codes of the official list, receipt date, date of birth -----------

#: (number, date of birth or None, judged on, expected kind or None when valid)
CCCD_CASES = [
    ("001305012345", None, TODAY, None),  # Hà Nội
    ("096088001234", date(1988, 5, 2), TODAY, None),  # Cà Mau, highest code
    ("079199123456", date(1999, 12, 31), TODAY, None),  # Hồ Chí Minh
    ("002305012345", None, TODAY, None),  # Hà Giang: merged into Tuyên Quang in 2025, card keeps 002
    ("000305012345", None, TODAY, "id_number_unknown_province"),
    ("003305012345", None, TODAY, "id_number_unknown_province"),  # a gap of the list
    ("097305012345", None, TODAY, "id_number_unknown_province"),  # beyond Cà Mau
    ("999305012345", None, TODAY, "id_number_unknown_province"),
    ("050305012345", None, TODAY, "id_number_unknown_province"),
    # the birth year is judged against the receipt date, not the PC's today
    ("001225000001", None, date(2025, 7, 1), None),  # born 2025, received 2025
    ("001225000001", None, date(2024, 12, 31), "id_number_future_birth_year"),
    ("001226000001", None, date(2025, 12, 31), "id_number_future_birth_year"),
    # the date of birth is cross-checked with the century digit and the year
    ("001301012345", date(2001, 2, 3), TODAY, None),
    ("001301012345", date(1901, 2, 3), TODAY, "id_number_birth_mismatch"),
    ("001001012345", date(2001, 2, 3), TODAY, "id_number_birth_mismatch"),
    ("001301012345", date(2002, 1, 1), TODAY, "id_number_birth_mismatch"),
    ("001301012345", date(2027, 1, 1), TODAY, "date_of_birth_in_future"),
    ("012345678", date(2027, 1, 1), TODAY, "date_of_birth_in_future"),  # CMND: only the date
    ("012345678", date(1970, 1, 1), TODAY, None),
]


@pytest.mark.parametrize(("number", "born", "judged_on", "kind"), CCCD_CASES)
def test_cccd_cases(number: str, born: date | None, judged_on: date, kind: str | None) -> None:
    if kind is None:
        assert validate_id_number(number, date_of_birth=born, today=judged_on) == number
        return
    with pytest.raises(ValidationError) as err:
        validate_id_number(number, date_of_birth=born, today=judged_on)
    assert err.value.kind == kind


def test_the_province_list_is_the_63_provinces_of_the_circulars() -> None:
    assert len(PROVINCE_CODES) == 63
    assert min(PROVINCE_CODES) == "001" and max(PROVINCE_CODES) == "096"
    assert PROVINCE_CODES["048"] == "Đà Nẵng" and PROVINCE_CODES["046"] == "Thừa Thiên Huế"


@given(st.integers(0, 999).filter(lambda n: f"{n:03d}" not in PROVINCE_CODES), st.integers(0, 99_999_999))
def test_no_number_outside_the_list_is_accepted(province: int, rest: int) -> None:
    with pytest.raises(ValidationError) as err:
        validate_id_number(f"{province:03d}0{rest:08d}"[:12], today=TODAY)
    assert err.value.kind == "id_number_unknown_province"


@given(st.text(alphabet="0123456789+ .-()ab", max_size=14))
def test_phone_problem_names_a_rule_exactly_when_the_number_is_refused(value: str) -> None:
    problem = phone_problem(value)
    try:
        validate_phone(value)
    except ValidationError:
        assert problem is not None
        assert problem[0] in {"not_digits", "no_leading_zero", "prefix", "mobile_length", "landline_length"}
    else:
        assert problem is None


def test_phone_problem_names_the_rule_a_clerk_must_fix() -> None:
    assert phone_problem("0123456789") == ("prefix", "012")  # 10 digits, but no such network
    assert phone_problem("091234567") == ("mobile_length", "9")
    assert phone_problem("0243765432") == ("landline_length", "10")
    assert phone_problem("912345678") == ("no_leading_zero", "")
    assert phone_problem("09l2345678") == ("not_digits", "")
