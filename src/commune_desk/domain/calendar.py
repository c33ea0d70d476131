"""Working-time calendar and appointment dates.

Base: Vietnamese public holidays from the ``holidays`` package (Labour Code
2019, lunar calendar). On top: overrides an administrator or a reference-data
update can change: extra days off and extra working days (the government
swaps a Saturday for a bridge day). Office hours have a lunch break; one
working day is one full set of office hours (8 hours by default).

All datetimes are timezone-aware and are read in office time (UTC+7;
Vietnam has no daylight saving). Naive datetimes are rejected.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from enum import StrEnum
from functools import lru_cache

import holidays

from commune_desk.domain.errors import ValidationError

#: Office time zone: Indochina Time, UTC+7, no daylight saving.
VN_TZ = timezone(timedelta(hours=7), "ICT")


class DayKind(StrEnum):
    """How a procedure's time limit is counted."""

    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    ON_RECEIPT = "on_receipt"


@dataclass(frozen=True)
class TimeLimit:
    """A procedure's statutory time limit: ``amount`` units of ``kind`` (0 for on receipt)."""

    kind: DayKind
    amount: int = 0

    def __post_init__(self) -> None:
        if self.amount < 0 or (self.kind != DayKind.ON_RECEIPT and self.amount == 0):
            raise ValidationError(
                "invalid_time_limit", f"bad time limit {self.amount} {self.kind}", field="time_limit"
            )


@dataclass(frozen=True)
class OfficeHours:
    """Opening sessions of a working day and the cut-off for same-day matters."""

    sessions: tuple[tuple[time, time], ...] = ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0)))
    same_day_cutoff: time = time(15, 0)

    def __post_init__(self) -> None:
        previous_end = time(0, 0)
        for start, end in self.sessions:
            if not previous_end <= start < end:
                raise ValidationError(
                    "invalid_office_hours",
                    "office sessions must be ordered and non-empty",
                    field="office_hours",
                )
            previous_end = end
        if not self.sessions:
            raise ValidationError("invalid_office_hours", "no office sessions", field="office_hours")

    @property
    def day_length(self) -> timedelta:
        """Working time in one full working day."""
        return sum((_at(date.min, end) - _at(date.min, start) for start, end in self.sessions), timedelta())


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=VN_TZ)


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=year))


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are worked and when; computes appointment dates."""

    hours: OfficeHours = field(default_factory=OfficeHours)
    extra_days_off: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()

    def __init__(
        self,
        *,
        hours: OfficeHours | None = None,
        extra_days_off: Iterable[date] = (),
        extra_working_days: Iterable[date] = (),
    ) -> None:
        object.__setattr__(self, "hours", hours or OfficeHours())
        object.__setattr__(self, "extra_days_off", frozenset(extra_days_off))
        object.__setattr__(self, "extra_working_days", frozenset(extra_working_days))

    def is_working_day(self, day: date) -> bool:
        """True if the office is open on ``day`` (overrides win over the base rules)."""
        if day in self.extra_working_days:
            return True
        if day in self.extra_days_off or day.weekday() >= 5:
            return False
        return day not in _public_holidays(day.year)

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        day += timedelta(days=1)
        for _ in range(366 * 2):
            if self.is_working_day(day):
                return day
            day += timedelta(days=1)
        raise ValidationError("no_working_day", "no working day within two years", field="calendar")

    def working_intervals(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Yield the office's open intervals from ``start`` onwards, in order, forever."""
        start = _office_time(start)
        day = start.date()
        if not self.is_working_day(day):
            day = self.next_working_day(day)
        while True:
            for open_at, close_at in self.hours.sessions:
                begin, end = _at(day, open_at), _at(day, close_at)
                if end <= start:
                    continue
                yield max(begin, start), end
            day = self.next_working_day(day)

    def next_working_moment(self, moment: datetime) -> datetime:
        """``moment`` itself when the office is open then, else the next opening."""
        return next(self.working_intervals(moment))[0]

    def end_of_day(self, day: date) -> datetime:
        """Closing time of ``day`` (assumed to be a working day)."""
        return _at(day, self.hours.sessions[-1][1])

    def add_working_time(
        self,
        start: datetime,
        amount: timedelta,
        *,
        paused: Iterable[tuple[datetime, datetime]] = (),
    ) -> datetime:
        """The moment when ``amount`` of working time has passed after ``start``.

        Working time inside ``paused`` intervals (waiting for a supplement) does
        not count.
        """
        pauses = sorted((_office_time(a), _office_time(b)) for a, b in paused if b > a)
        remaining = amount
        for begin, end in self.working_intervals(start):
            for piece_begin, piece_end in _subtract(begin, end, pauses):
                piece = piece_end - piece_begin
                if remaining <= piece:
                    return piece_begin + remaining
                remaining -= piece
        raise AssertionError("unreachable: working_intervals is infinite")  # pragma: no cover

    def appointment(
        self,
        received_at: datetime,
        limit: TimeLimit,
        *,
        paused: Iterable[tuple[datetime, datetime]] = (),
    ) -> datetime:
        """The date and time the result is due for a dossier received at ``received_at``.

        - on receipt: the same working day if received on a working day before
          the cut-off (15:00), otherwise the next working day; due at closing time;
        - working days: ``amount`` full office days of working time from the
          next opening at or after receipt, not counting ``paused`` time;
        - calendar days: ``amount`` days after the receipt date, moved forward
          off non-working days (plus any paused days), due at closing time.
        """
        received = _office_time(received_at)
        if limit.kind == DayKind.ON_RECEIPT:
            day = received.date()
            same_day = (
                self.is_working_day(day)
                and received.timetz().replace(tzinfo=None) < self.hours.same_day_cutoff
            )
            return self.end_of_day(day if same_day else self.next_working_day(day))
        if limit.kind == DayKind.WORKING_DAYS:
            return self.add_working_time(received, self.hours.day_length * limit.amount, paused=paused)
        paused_days = sum(
            ((_office_time(b).date() - _office_time(a).date()).days for a, b in paused if b > a), 0
        )
        due = received.date() + timedelta(days=limit.amount + paused_days)
        if not self.is_working_day(due):
            due = self.next_working_day(due)
        return self.end_of_day(due)


def _office_time(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationError("naive_datetime", "datetimes must carry a time zone", field="received_at")
    return moment.astimezone(VN_TZ)


def _subtract(
    begin: datetime, end: datetime, pauses: list[tuple[datetime, datetime]]
) -> Iterator[tuple[datetime, datetime]]:
    """Yield the parts of [begin, end) not covered by the sorted ``pauses``."""
    cursor = begin
    for pause_begin, pause_end in pauses:
        if pause_end <= cursor or pause_begin >= end:
            continue
        if pause_begin > cursor:
            yield cursor, pause_begin
        cursor = max(cursor, pause_end)
        if cursor >= end:
            return
    if cursor < end:
        yield cursor, end
