"""A table of appointment cases across the 2025–2027 holidays and the government's swaps.

Each row is a receipt the counter may see and the date a clerk would compute
by hand with the official calendar. The calendar is the bundled base (from
the pinned ``holidays`` release) exactly as a freshly installed office has it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.helpers.calendar import at, bundled_calendar, day

from commune_desk.domain.calendar import (
    DayKind,
    ExtensionMode,
    StatutoryExtension,
    TimeLimit,
    WorkCalendar,
)
from commune_desk.domain.errors import ValidationError

CAL = bundled_calendar()
RECEIPT = TimeLimit(DayKind.ON_RECEIPT)


def wd(n: int) -> TimeLimit:
    return TimeLimit(DayKind.WORKING_DAYS, n)


def cd(n: int) -> TimeLimit:
    return TimeLimit(DayKind.CALENDAR_DAYS, n)


#: (why, received, limit, due)
CASES = [
    # the worked Saturdays of the swaps (weekend_workdays)
    (
        "Fri 25/4/2025 after 15:00: the worked Saturday 26/4",
        at(2025, 4, 25, 16),
        RECEIPT,
        at(2025, 4, 26, 17),
    ),
    (
        "Fri 21/8/2026 after 15:00: the worked Saturday 22/8",
        at(2026, 8, 21, 16),
        RECEIPT,
        at(2026, 8, 22, 17),
    ),
    (
        "1 working day from Fri 25/4/2025 16:00 runs into the worked Saturday",
        at(2025, 4, 25, 16),
        wd(1),
        at(2025, 4, 26, 16),
    ),
    (
        "1 calendar day from Fri 25/4/2025 lands on the worked Saturday",
        at(2025, 4, 25, 9),
        cd(1),
        at(2025, 4, 26, 17),
    ),
    (
        "on the worked Saturday itself, before 15:00: same day",
        at(2025, 4, 26, 10),
        RECEIPT,
        at(2025, 4, 26, 17),
    ),
    # the swapped days off
    (
        "30/4, 1/5 and the swapped 2/5/2025 off, then the weekend",
        at(2025, 4, 29, 16),
        RECEIPT,
        at(2025, 5, 5, 17),
    ),
    ("the swapped 31/8/2026 off with 1–2/9", at(2026, 8, 28, 16), RECEIPT, at(2026, 9, 3, 17)),
    ("3 working days over 30/4–4/5/2025", at(2025, 4, 29, 9), wd(3), at(2025, 5, 7, 9)),
    # Tết
    ("Tết 2025: 27/1–1/2 off", at(2025, 1, 24, 10), wd(3), at(2025, 2, 5, 10)),
    ("Tết 2026: 16–20/2 off", at(2026, 2, 13, 10), wd(3), at(2026, 2, 25, 10)),
    ("Tết 2027: 4–10/2 off", at(2027, 2, 3, 16), RECEIPT, at(2027, 2, 11, 17)),
    ("received during Tết 2026: next working day", at(2026, 2, 17, 9), RECEIPT, at(2026, 2, 23, 17)),
    # Hùng Kings, 30/4, 1/5 and observed days
    ("Hùng Kings 7/4/2025 (Mon)", at(2025, 4, 4, 15, 30), RECEIPT, at(2025, 4, 8, 17)),
    ("Hùng Kings 2026 on a Sunday, observed Mon 27/4", at(2026, 4, 24, 16), RECEIPT, at(2026, 4, 28, 17)),
    ("30/4/2027 (Fri) and 1/5 observed Mon 3/5/2027", at(2027, 4, 29, 15, 30), RECEIPT, at(2027, 5, 4, 17)),
    # National Day, New Year, Vietnam Cultural Day
    ("National Day 2025: 1–2/9", at(2025, 8, 29, 15, 5), RECEIPT, at(2025, 9, 3, 17)),
    ("National Day 2027: 2–3/9", at(2027, 9, 1, 16), RECEIPT, at(2027, 9, 6, 17)),
    ("New Year 2027 on a Friday", at(2026, 12, 31, 15), RECEIPT, at(2027, 1, 4, 17)),
    ("Vietnam Cultural Day 24/11/2026", at(2026, 11, 23, 13), wd(1), at(2026, 11, 25, 11, 30)),
    ("Vietnam Cultural Day 24/11/2027", at(2027, 11, 23, 16), RECEIPT, at(2027, 11, 25, 17)),
    # calendar days moved off a holiday
    ("5 calendar days landing on 2/9/2025", at(2025, 8, 28, 9), cd(5), at(2025, 9, 3, 17)),
    ("10 calendar days landing in Tết 2027", at(2027, 1, 27, 9), cd(10), at(2027, 2, 11, 17)),
]


@pytest.mark.parametrize(("why", "received", "limit", "due"), CASES, ids=[c[0] for c in CASES])
def test_appointment_cases(why: str, received: datetime, limit: TimeLimit, due: datetime) -> None:
    assert CAL.appointment(received, limit) == due, why


#: (why, received, pause, limit, due) — the supplement wait for each day kind
PAUSE_CASES = [
    (
        "same-day: supplement back Thursday morning → Thursday",
        at(2026, 3, 10, 9),
        (at(2026, 3, 10, 9, 30), at(2026, 3, 12, 10)),
        RECEIPT,
        at(2026, 3, 12, 17),
    ),
    (
        "same-day: supplement back Thursday 16:00 → Friday",
        at(2026, 3, 10, 9),
        (at(2026, 3, 10, 9, 30), at(2026, 3, 12, 16)),
        RECEIPT,
        at(2026, 3, 13, 17),
    ),
    (
        "same-day: supplement back the same morning → unchanged",
        at(2026, 3, 10, 9),
        (at(2026, 3, 10, 9, 30), at(2026, 3, 10, 11)),
        RECEIPT,
        at(2026, 3, 10, 17),
    ),
    (
        "same-day: supplement back on the worked Saturday 22/8/2026",
        at(2026, 8, 21, 9),
        (at(2026, 8, 21, 9, 30), at(2026, 8, 22, 8)),
        RECEIPT,
        at(2026, 8, 22, 17),
    ),
    (
        "working days: 2 days 30 minutes of waiting added",
        at(2026, 3, 10, 9),
        (at(2026, 3, 10, 9, 30), at(2026, 3, 12, 10)),
        wd(3),
        at(2026, 3, 17, 9, 30),
    ),
    (
        "working days: a wait over Tết 2026 counts nothing",
        at(2026, 2, 12, 9),
        (at(2026, 2, 12, 9), at(2026, 2, 23, 7, 30)),
        wd(1),
        at(2026, 2, 23, 17),
    ),
    (
        "calendar days: two days of waiting added",
        at(2026, 3, 10, 9),
        (at(2026, 3, 10, 9, 30), at(2026, 3, 12, 10)),
        cd(5),
        at(2026, 3, 17, 17),
    ),
]


@pytest.mark.parametrize(
    ("why", "received", "pause", "limit", "due"), PAUSE_CASES, ids=[c[0] for c in PAUSE_CASES]
)
def test_supplement_pause_cases(
    why: str, received: datetime, pause: tuple[datetime, datetime], limit: TimeLimit, due: datetime
) -> None:
    assert CAL.appointment(received, limit, paused=[pause]) == due, why


def ext(mode: ExtensionMode, limit: TimeLimit) -> StatutoryExtension:
    return StatutoryExtension("X", "x", "basis", mode, limit)


#: (why, received, limit, extension, due)
EXTENSION_CASES = [
    (
        "marriage with verification: no more than 5 working days",
        at(2026, 3, 10, 9),
        RECEIPT,
        ext(ExtensionMode.REPLACE, wd(5)),
        at(2026, 3, 17, 9),
    ),
    (
        "parent/child recognition: 3 + 5 working days",
        at(2026, 3, 10, 9),
        wd(3),
        ext(ExtensionMode.ADD, wd(5)),
        at(2026, 3, 20, 9),
    ),
    (
        "certified copies, large job: same day + 2 working days",
        at(2026, 3, 10, 9),
        RECEIPT,
        ext(ExtensionMode.ADD, wd(2)),
        at(2026, 3, 12, 17),
    ),
    (
        "large job received after 15:00 on Fri 25/4/2025: Saturday + 2 working days",
        at(2025, 4, 25, 16),
        RECEIPT,
        ext(ExtensionMode.ADD, wd(2)),
        at(2025, 4, 29, 17),
    ),
    (
        "large job received Tue 29/4/2025 after 15:00: 30/4–4/5 off, then 2 working days",
        at(2025, 4, 29, 16),
        RECEIPT,
        ext(ExtensionMode.ADD, wd(2)),
        at(2025, 5, 7, 17),
    ),
    (
        "recognition with verification over Tết 2027",
        at(2027, 1, 29, 9),
        wd(3),
        ext(ExtensionMode.ADD, wd(5)),
        at(2027, 2, 17, 9),
    ),
]


@pytest.mark.parametrize(
    ("why", "received", "limit", "extension", "due"),
    EXTENSION_CASES,
    ids=[c[0] for c in EXTENSION_CASES],
)
def test_statutory_extension_cases(
    why: str, received: datetime, limit: TimeLimit, extension: StatutoryExtension, due: datetime
) -> None:
    base, extra = extension.applied_to(limit)
    assert CAL.appointment(received, base, extra=extra) == due, why


def test_the_base_marks_the_swaps_both_ways() -> None:
    assert CAL.is_working_day(day(2025, 4, 26)) and CAL.is_working_day(day(2026, 8, 22))
    assert not CAL.is_working_day(day(2025, 5, 2)) and not CAL.is_working_day(day(2026, 8, 31))


# --- form 04: a date promised by hand -------------------------------------------------------


@pytest.mark.parametrize(
    ("new", "kind"),
    [
        (at(2026, 3, 15, 9), "appointment_not_working_day"),  # Sunday
        (at(2026, 4, 30, 9), "appointment_not_working_day"),  # Reunification Day
        (at(2026, 3, 9, 9), "appointment_before_receipt"),
        (at(2026, 3, 16, 20), "appointment_outside_hours"),
        (at(2026, 3, 16, 12), "appointment_outside_hours"),  # lunch
    ],
)
def test_a_promised_date_is_checked_by_the_calendar(new: datetime, kind: str) -> None:
    with pytest.raises(ValidationError) as err:
        CAL.check_new_appointment(new, received_at=at(2026, 3, 10, 9))
    assert err.value.kind == kind


def test_a_worked_saturday_can_be_promised() -> None:
    assert CAL.check_new_appointment(at(2026, 8, 22, 10), received_at=at(2026, 8, 20, 9)) == at(
        2026, 8, 22, 10
    )


# --- properties over 2025–2027 ---------------------------------------------------------------

moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31)).map(
    lambda d: d.replace(tzinfo=at(2025, 1, 1).tzinfo)
)
limits = st.one_of(
    st.just(RECEIPT),
    st.builds(TimeLimit, st.just(DayKind.WORKING_DAYS), st.integers(1, 10)),
    st.builds(TimeLimit, st.just(DayKind.CALENDAR_DAYS), st.integers(1, 20)),
)


@settings(max_examples=150, deadline=None)
@given(moments, limits, st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=6)))
def test_a_pause_never_brings_the_date_forward(received: datetime, limit: TimeLimit, wait: timedelta) -> None:
    plain = CAL.appointment(received, limit)
    paused = CAL.appointment(received, limit, paused=[(received, received + wait)])
    assert paused >= plain
    assert CAL.is_working_day(paused.date())


@settings(max_examples=150, deadline=None)
@given(moments, limits, st.integers(1, 5))
def test_an_extension_never_brings_the_date_forward(received: datetime, limit: TimeLimit, n: int) -> None:
    plain = CAL.appointment(received, limit)
    longer = CAL.appointment(received, limit, extra=wd(n))
    assert longer > plain and CAL.is_working_day(longer.date())


def test_a_calendar_without_entries_works_weekdays_only() -> None:
    bare = WorkCalendar()
    assert bare.is_working_day(date(2026, 2, 17)) and not bare.is_working_day(date(2026, 2, 21))
