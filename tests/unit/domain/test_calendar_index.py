"""The working-day index gives the same days and appointments as walking day by day.

``WorkCalendar`` skips whole working days with one bisect in a sorted list of
working days. The reference here is the walk the calendar used before, kept
verbatim (step one day at a time, office interval by office interval), run on
generated calendars: holidays, worked weekend days (make-up days), other
office hours, statutory extensions and pauses.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commune_desk.domain.calendar import (
    VN_TZ,
    DayKind,
    OfficeHours,
    TimeLimit,
    WorkCalendar,
    office_time,
)
from commune_desk.domain.errors import ValidationError

EPOCH = date(2024, 1, 1)
SPAN = 4 * 366


class WalkingCalendar:
    """The step-by-step walk that the index replaced (the reference)."""

    def __init__(self, cal: WorkCalendar) -> None:
        self.cal = cal

    def next_working_day(self, day: date) -> date:
        for _ in range(366 * 2):
            day += timedelta(days=1)
            if self.cal.is_working_day(day):
                return day
        raise ValidationError("no_working_day", "no working day within two years", field="calendar")

    def working_intervals(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        start = office_time(start)
        day = start.date() if self.cal.is_working_day(start.date()) else self.next_working_day(start.date())
        while True:
            for open_at, close_at in self.cal.hours.sessions:
                begin = datetime.combine(day, open_at, tzinfo=VN_TZ)
                end = datetime.combine(day, close_at, tzinfo=VN_TZ)
                if end <= start:
                    continue
                yield max(begin, start), end
            day = self.next_working_day(day)

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        remaining = amount
        for begin, end in self.working_intervals(start):
            if remaining <= end - begin:
                return begin + remaining
            remaining -= end - begin
        raise AssertionError("unreachable")


days = st.integers(min_value=0, max_value=SPAN).map(lambda n: EPOCH + timedelta(days=n))
minute_of_day = st.integers(min_value=0, max_value=24 * 60 - 1)


@st.composite
def office_hours(draw: st.DrawFn) -> OfficeHours:
    """One to three ordered sessions (the default ones half of the time)."""
    if draw(st.booleans()):
        return OfficeHours()
    marks = sorted(draw(st.sets(st.integers(min_value=1, max_value=23 * 60), min_size=2, max_size=6)))
    if len(marks) % 2:
        marks = marks[:-1]
    sessions = tuple(
        (time(a // 60, a % 60), time(b // 60, b % 60)) for a, b in zip(marks[::2], marks[1::2], strict=True)
    )
    return OfficeHours(sessions=sessions, same_day_cutoff=sessions[-1][0])


@st.composite
def calendars(draw: st.DrawFn) -> WorkCalendar:
    """Holidays (single days and runs like Tết), worked weekend days, any office hours."""
    off: set[date] = set(draw(st.lists(days, max_size=40)))
    for start, length in draw(st.lists(st.tuples(days, st.integers(1, 40)), max_size=4)):
        off.update(start + timedelta(days=i) for i in range(length))
    worked = {d for d in draw(st.lists(days, max_size=15)) if d.weekday() >= 5}
    return WorkCalendar(hours=draw(office_hours()), days_off=off, working_days=worked - off)


def moment(day: date, minute: int) -> datetime:
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=VN_TZ)


@settings(max_examples=150, deadline=None)
@given(calendars(), days, st.integers(min_value=1, max_value=400))
def test_nth_working_day_is_n_steps(cal: WorkCalendar, day: date, n: int) -> None:
    walk = WalkingCalendar(cal)
    expected = day
    for _ in range(n):
        expected = walk.next_working_day(expected)
    assert cal.nth_working_day_after(day, n) == expected
    assert cal.next_working_day(day) == walk.next_working_day(day)


@settings(max_examples=200, deadline=None)
@given(
    calendars(),
    days,
    minute_of_day,
    st.integers(min_value=0, max_value=200 * 24 * 60).map(lambda m: timedelta(minutes=m)),
)
def test_working_time_equals_the_walk(cal: WorkCalendar, day: date, minute: int, amount: timedelta) -> None:
    start = moment(day, minute)
    assert cal.add_working_time(start, amount) == WalkingCalendar(cal).add_working_time(start, amount)


@settings(max_examples=200, deadline=None)
@given(
    calendars(),
    days,
    minute_of_day,
    st.sampled_from(list(DayKind)),
    st.integers(min_value=1, max_value=90),
    st.none() | st.tuples(st.sampled_from([DayKind.WORKING_DAYS, DayKind.CALENDAR_DAYS]), st.integers(1, 30)),
)
def test_appointments_equal_the_walk(
    cal: WorkCalendar,
    day: date,
    minute: int,
    kind: DayKind,
    amount: int,
    extension: tuple[DayKind, int] | None,
) -> None:
    """Every kind of limit, with and without a statutory extension on top."""
    received = moment(day, minute)
    limit = TimeLimit(kind, 0 if kind == DayKind.ON_RECEIPT else amount)
    extra = TimeLimit(*extension) if extension else None
    walk = WalkingCalendar(cal)
    length = cal.hours.day_length
    if kind == DayKind.WORKING_DAYS and (extra is None or extra.kind == DayKind.WORKING_DAYS):
        expected = walk.add_working_time(received, length * (amount + (extra.amount if extra else 0)))
    else:
        due = cal.appointment(received, limit)  # on receipt / calendar days: no working-time walk
        if extra is None:
            expected = due
        elif kind == DayKind.WORKING_DAYS:
            base = walk.add_working_time(received, length * amount)
            assert due == base
            expected = cal.end_of_day(cal.working_day_on_or_after(base.date() + timedelta(days=extra.amount)))
        elif extra.kind == DayKind.WORKING_DAYS:
            expected = walk.add_working_time(due, length * extra.amount)
        else:
            expected = cal.end_of_day(cal.working_day_on_or_after(due.date() + timedelta(days=extra.amount)))
    assert cal.appointment(received, limit, extra=extra) == expected


@settings(max_examples=100, deadline=None)
@given(
    calendars(),
    days,
    minute_of_day,
    st.integers(min_value=1, max_value=30),
    st.integers(min_value=0, max_value=20 * 24 * 60),
    st.integers(min_value=1, max_value=10 * 24 * 60),
)
def test_paused_appointments_match_unpaused_pieces(
    cal: WorkCalendar, day: date, minute: int, amount: int, pause_after: int, pause_length: int
) -> None:
    """A pause (waiting for a supplement) still walks; it agrees with the reference around it."""
    received = moment(day, minute)
    limit = TimeLimit(DayKind.WORKING_DAYS, amount)
    pause = (
        received + timedelta(minutes=pause_after),
        received + timedelta(minutes=pause_after + pause_length),
    )
    due = cal.appointment(received, limit, paused=[pause])
    unpaused = WalkingCalendar(cal).add_working_time(received, cal.hours.day_length * amount)
    assert due >= unpaused
    if pause[0] >= unpaused:  # a pause after the due moment changes nothing
        assert due == unpaused


def test_index_reaches_far_dates_both_ways() -> None:
    """A dossier from ten years back and one due years ahead both use (and grow) the index."""
    cal = WorkCalendar(days_off={date(2016, 4, 18), date(2036, 9, 2)})
    walk = WalkingCalendar(cal)
    for start in (
        moment(date(2036, 8, 29), 600),
        moment(date(2016, 4, 15), 600),
        moment(date(2026, 1, 2), 0),
    ):
        for n in (1, 5, 300):
            amount = cal.hours.day_length * n
            assert cal.add_working_time(start, amount) == walk.add_working_time(start, amount)


def test_two_years_without_a_working_day_is_refused_as_before() -> None:
    closed = {date(2030, 1, 1) + timedelta(days=i) for i in range(800)}
    cal = WorkCalendar(days_off=closed)
    assert cal.next_working_day(date(2029, 12, 28)) == date(2029, 12, 31)
    with pytest.raises(ValidationError) as caught:
        cal.next_working_day(date(2029, 12, 31))
    assert caught.value.kind == "no_working_day"
    after = date(2030, 1, 1) + timedelta(days=800)
    assert cal.next_working_day(after - timedelta(days=3)) == WalkingCalendar(cal).next_working_day(
        after - timedelta(days=3)
    )


def test_the_index_is_not_part_of_equality() -> None:
    a = WorkCalendar(days_off={date(2026, 9, 2)})
    b = WorkCalendar(days_off={date(2026, 9, 2)})
    a.nth_working_day_after(date(2026, 9, 1), 10)
    assert a == b and hash(a) == hash(b)
