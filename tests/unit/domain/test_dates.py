"""One reading of a typed date (counter, settings, command line): day first or ISO."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commune_desk.domain.dates import parse_typed_date

DATES = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))


@given(DATES, st.sampled_from("/-."), st.booleans(), st.sampled_from(["", " ", "\t"]))
def test_a_date_is_read_day_first_whatever_the_separator(
    day: date, separator: str, padded: bool, space: str
) -> None:
    d, m = (f"{day.day:02d}", f"{day.month:02d}") if padded else (str(day.day), str(day.month))
    assert parse_typed_date(f"{space}{d}{separator}{m}{separator}{day.year:04d}{space}") == day


@given(DATES)
def test_the_iso_form_is_read_year_first(day: date) -> None:
    assert parse_typed_date(day.isoformat()) == day


@given(st.text(max_size=20))
def test_anything_else_is_refused_with_a_value_error(text: str) -> None:
    """Any text: a ValueError, or a date whose parts are the typed numbers in one order."""
    try:
        parsed = parse_typed_date(text)
    except ValueError:
        return
    parts = [int(part) for part in re.split(r"[/.-]", text.strip())]
    assert parts in (
        [parsed.day, parsed.month, parsed.year],
        [parsed.year, parsed.month, parsed.day],
    )


@pytest.mark.parametrize(
    "text",
    [
        "5/9/87",
        "31/02/2020",
        "2020/09/05",
        "1987.09.05",
        "1987-9-5",
        "٠٥/٠٩/١٩٨٧",
        "05/09/1987/1",
        "",
        "5 9 1987",
    ],
)
def test_forms_that_are_not_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_typed_date(text)
