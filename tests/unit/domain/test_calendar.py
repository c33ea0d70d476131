"""Working-time calendar and appointment dates (on the bundled base calendar)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.helpers.calendar import at, bundled_calendar

from commune_desk.domain.calendar import VN_TZ, DayKind, OfficeHours, TimeLimit, WorkCalendar
from commune_desk.domain.errors import ValidationError

CAL = bundled_calendar()


def test_public_holidays_and_weekends() -> None:
    assert not CAL.is_working_day(date(2026, 2, 17))  # Tết 2026
    assert not CAL.is_working_day(date(2026, 9, 2))  # National Day
    assert not CAL.is_working_day(date(2026, 11, 28))  # Saturday
    assert CAL.is_working_day(date(2026, 11, 26))


def test_overrides_swap_days() -> None:
    cal = WorkCalendar(days_off={date(2026, 11, 27)}, working_days={date(2026, 11, 28)})
    assert not cal.is_working_day(date(2026, 11, 27))
    assert cal.is_working_day(date(2026, 11, 28))


def test_working_days_skip_tet() -> None:
    # Friday 13 Feb 2026 10:00, 3 working days; Tết runs 16–20 Feb.
    assert CAL.appointment(at(2026, 2, 13, 10), TimeLimit(DayKind.WORKING_DAYS, 3)) == at(2026, 2, 25, 10)


def test_after_hours_starts_next_working_morning() -> None:
    due = CAL.appointment(at(2026, 11, 27, 18, 5), TimeLimit(DayKind.WORKING_DAYS, 1))
    assert due == at(2026, 11, 30, 17)  # Monday closing time


def test_lunch_break_does_not_count() -> None:
    hours = OfficeHours()
    assert hours.day_length == timedelta(hours=8)
    assert CAL.add_working_time(at(2026, 11, 26, 11), timedelta(hours=1)) == at(2026, 11, 26, 13, 30)


def test_same_day_rule_at_fifteen_hundred() -> None:
    limit = TimeLimit(DayKind.ON_RECEIPT)
    assert CAL.appointment(at(2026, 11, 26, 14, 59), limit) == at(2026, 11, 26, 17)
    assert CAL.appointment(at(2026, 11, 26, 15, 0), limit) == at(2026, 11, 27, 17)
    assert CAL.appointment(at(2026, 11, 28, 9), limit) == at(2026, 11, 30, 17)  # Saturday


def test_calendar_days_move_off_non_working_days() -> None:
    # Thursday + 2 calendar days = Saturday → Monday closing time.
    assert CAL.appointment(at(2026, 11, 26, 9), TimeLimit(DayKind.CALENDAR_DAYS, 2)) == at(2026, 11, 30, 17)


def test_supplement_wait_does_not_count() -> None:
    limit = TimeLimit(DayKind.WORKING_DAYS, 1)
    received = at(2026, 11, 30, 7, 30)  # Monday opening
    plain = CAL.appointment(received, limit)
    assert plain == at(2026, 11, 30, 17)
    paused = CAL.appointment(received, limit, paused=[(at(2026, 11, 30, 9, 30), at(2026, 12, 1, 9, 30))])
    assert paused == at(2026, 12, 1, 17)  # one working day of waiting added


def test_new_public_holiday_from_the_base_is_honoured() -> None:
    # 24 Nov (Vietnam Cultural Day) is a day off from 2026 on: Monday 4h, Wednesday 4h.
    due = CAL.appointment(at(2026, 11, 23, 13), TimeLimit(DayKind.WORKING_DAYS, 1))
    assert due == at(2026, 11, 25, 11, 30)


def test_naive_datetime_rejected() -> None:
    with pytest.raises(ValidationError) as err:
        CAL.appointment(datetime(2026, 1, 5, 9), TimeLimit(DayKind.ON_RECEIPT))
    assert err.value.kind == "naive_datetime"


def test_invalid_limits_and_hours() -> None:
    with pytest.raises(ValidationError):
        TimeLimit(DayKind.WORKING_DAYS, 0)
    with pytest.raises(ValidationError):
        OfficeHours(sessions=((time(13, 0), time(12, 0)),))


moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31)).map(
    lambda d: d.replace(tzinfo=VN_TZ)
)
limits = st.one_of(
    st.just(TimeLimit(DayKind.ON_RECEIPT)),
    st.builds(TimeLimit, st.just(DayKind.WORKING_DAYS), st.integers(1, 20)),
    st.builds(TimeLimit, st.just(DayKind.CALENDAR_DAYS), st.integers(1, 30)),
)
off_days = st.frozensets(st.dates(date(2025, 1, 1), date(2028, 3, 1)), max_size=20)


@settings(max_examples=300, deadline=None)
@given(moments, limits, off_days)
def test_appointment_is_a_working_moment_after_receipt(
    received: datetime, limit: TimeLimit, off: frozenset[date]
) -> None:
    cal = WorkCalendar(days_off=CAL.days_off | off, working_days=CAL.working_days)
    due = cal.appointment(received, limit)
    assert due > received
    assert cal.is_working_day(due.date())
    assert any(start <= due.timetz().replace(tzinfo=None) <= end for start, end in cal.hours.sessions)


@settings(max_examples=300, deadline=None)
@given(moments, st.timedeltas(timedelta(0), timedelta(days=10)), limits)
def test_appointment_is_monotone_in_received_at(
    received: datetime, later: timedelta, limit: TimeLimit
) -> None:
    assert CAL.appointment(received, limit) <= CAL.appointment(received + later, limit)
