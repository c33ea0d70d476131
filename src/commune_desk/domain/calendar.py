"""Working-time calendar and appointment dates.

The calendar is *data*, never the output of a library installed on the PC:
which days are off (public holidays, the government's swapped days off, an
office's own closures), which weekend days are worked (the Saturday given in
exchange for a bridge day), and the office hours. :class:`CalendarData` is
that data set, versioned and kept in the store so every PC of a commune
computes the same dates (see ``services/calendar.py``); this module only
computes with it. The national part is seeded from a pinned release of the
``holidays`` package by ``resources/calendar/update.py``.

Office hours have a lunch break; one working day is one full set of office
hours (8 hours by default). All datetimes are timezone-aware and are read in
office time (UTC+7; Vietnam has no daylight saving). Naive datetimes are
rejected.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from enum import StrEnum
from functools import cached_property
from typing import Any

from commune_desk.domain.errors import ValidationError

#: Office time zone: Indochina Time, UTC+7, no daylight saving.
VN_TZ = timezone(timedelta(hours=7), "ICT")


class DayKind(StrEnum):
    """How a procedure's time limit is counted."""

    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    ON_RECEIPT = "on_receipt"


class DayMark(StrEnum):
    """What a calendar entry says about its day."""

    DAY_OFF = "day_off"
    WORKING_DAY = "working_day"


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


class ExtensionMode(StrEnum):
    """How a statutory extension changes a procedure's time limit."""

    #: The law gives a longer limit instead ("không quá 05 ngày làm việc").
    REPLACE = "replace"
    #: The law adds time on top ("kéo dài thêm không quá 05 ngày làm việc").
    ADD = "add"


@dataclass(frozen=True)
class StatutoryExtension:
    """A longer period the law allows for a procedure in some cases, with its legal basis."""

    code: str
    name: str
    legal_basis: str
    mode: ExtensionMode
    limit: TimeLimit

    def applied_to(self, limit: TimeLimit) -> tuple[TimeLimit, TimeLimit | None]:
        """``(limit, extra)`` to compute the appointment with (see ``WorkCalendar.appointment``)."""
        if self.mode == ExtensionMode.REPLACE:
            return self.limit, None
        return limit, self.limit


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

    @cached_property
    def day_length(self) -> timedelta:
        """Working time in one full working day."""
        return sum((end - start for start, end in self.offsets), timedelta())

    @cached_property
    def offsets(self) -> tuple[tuple[timedelta, timedelta], ...]:
        """The sessions as (start, end) times since midnight."""
        return tuple((_since_midnight(start), _since_midnight(end)) for start, end in self.sessions)

    def is_open(self, moment: time) -> bool:
        """True when ``moment`` (office time of day) falls inside a session (ends included)."""
        return any(start <= moment <= end for start, end in self.sessions)


def hours_to_json(hours: OfficeHours) -> dict[str, Any]:
    """Office hours as stored (``{"sessions": [["07:30", "11:30"], ...], "same_day_cutoff": ...}``)."""
    return {
        "sessions": [[a.isoformat("minutes"), b.isoformat("minutes")] for a, b in hours.sessions],
        "same_day_cutoff": hours.same_day_cutoff.isoformat("minutes"),
    }


def hours_from_json(raw: dict[str, Any]) -> OfficeHours:
    """Office hours from their stored form (raises ValidationError on a bad document)."""
    try:
        return OfficeHours(
            sessions=tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in raw["sessions"]),
            same_day_cutoff=time.fromisoformat(raw["same_day_cutoff"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(
            "invalid_office_hours", f"bad office hours: {exc}", field="office_hours"
        ) from exc


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=VN_TZ)


def _since_midnight(moment: time) -> timedelta:
    return timedelta(hours=moment.hour, minutes=moment.minute, seconds=moment.second) + timedelta(
        microseconds=moment.microsecond
    )


_MIDNIGHT = time(0, 0)


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are worked and when; computes appointment dates.

    ``days_off`` are weekdays the office is closed (public holidays, swapped
    days off, local closures); ``working_days`` are weekend days it is open
    (worked Saturdays). Everything else: Monday–Friday open, weekends closed.
    """

    hours: OfficeHours = field(default_factory=OfficeHours)
    days_off: frozenset[date] = frozenset()
    working_days: frozenset[date] = frozenset()

    def __init__(
        self,
        *,
        hours: OfficeHours | None = None,
        days_off: Iterable[date] = (),
        working_days: Iterable[date] = (),
    ) -> None:
        object.__setattr__(self, "hours", hours or OfficeHours())
        object.__setattr__(self, "days_off", frozenset(days_off))
        object.__setattr__(self, "working_days", frozenset(working_days))
        # Not a field: derived from the fields, built on first use, never compared.
        object.__setattr__(self, "_index", None)

    def is_working_day(self, day: date) -> bool:
        """True if the office is open on ``day`` (a worked Saturday wins over the weekend)."""
        if day in self.working_days:
            return True
        return day.weekday() < 5 and day not in self.days_off

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day`` (within two years, else ValidationError)."""
        return self.nth_working_day_after(day, 1)

    def nth_working_day_after(self, day: date, n: int) -> date:
        """The ``n``-th working day strictly after ``day`` (``n`` >= 1).

        Read from the working-day index (a sorted list of working days, one
        bisect) instead of stepping day by day. Like the step-by-step walk,
        a gap of more than two years without a working day is refused.
        """
        if n < 1:
            raise ValueError("n must be at least 1")
        ordinal = day.toordinal()
        index = self._index_covering(ordinal, ordinal + n * 2 + 30)
        while index is not None:
            position = bisect_right(index.ordinals, ordinal) + n - 1
            if position < len(index.ordinals):
                return date.fromordinal(index.ordinals[position])
            index = self._index_covering(ordinal, index.last + n * 2 + 30)
        for _ in range(n):  # a calendar with a gap of two years, or at the end of time
            day = self._step_to_next_working_day(day)
        return day

    def _step_to_next_working_day(self, day: date) -> date:
        for _ in range(_MAX_GAP_DAYS):
            day += timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise ValidationError("no_working_day", "no working day within two years", field="calendar")

    def working_day_on_or_after(self, day: date) -> date:
        """``day`` itself when it is a working day, else the next one."""
        return day if self.is_working_day(day) else self.next_working_day(day)

    def _index_covering(self, first: int, last: int) -> _WorkingDayIndex | None:
        """The working-day index, grown to cover ordinals ``first``..``last`` (built on first use).

        None when the calendar has a gap of more than two years without a
        working day in that span, or the span reaches the end of the calendar
        of dates: the caller then steps day by day (and refuses such a gap).
        """
        index: _WorkingDayIndex | None = self._index  # type: ignore[attr-defined]
        if index is not None and index.first <= first and last <= index.last:
            return index
        if index is not None:
            first, last = min(first, index.first), max(last, index.last)
        first = max(1, first - _INDEX_MARGIN_DAYS)
        last += 2 * _INDEX_MARGIN_DAYS
        if last + _MAX_GAP_DAYS > date.max.toordinal():
            return None
        built = _WorkingDayIndex.build(self, first, last)
        object.__setattr__(self, "_index", built)
        return built

    def working_intervals(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Yield the office's open intervals from ``start`` onwards, in order, forever."""
        start = office_time(start)
        day = self.working_day_on_or_after(start.date())
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
        pauses = sorted((office_time(a), office_time(b)) for a, b in paused if b > a)
        if not pauses and amount > timedelta(0):
            return self._add_unpaused(office_time(start), amount)
        remaining = amount
        for begin, end in self.working_intervals(start):
            for piece_begin, piece_end in _subtract(begin, end, pauses):
                piece = piece_end - piece_begin
                if remaining <= piece:
                    return piece_begin + remaining
                remaining -= piece
        raise AssertionError("unreachable: working_intervals is infinite")  # pragma: no cover

    def _add_unpaused(self, start: datetime, amount: timedelta) -> datetime:
        """``add_working_time`` without pauses: the first and last days walked, the full
        days between them skipped in one step of the working-day index."""
        day = self.working_day_on_or_after(start.date())
        offsets = self.hours.offsets
        remaining = amount
        midnight = datetime.combine(day, _MIDNIGHT, tzinfo=VN_TZ)
        for open_at, close_at in offsets:
            begin, end = midnight + open_at, midnight + close_at
            if end <= start:
                continue
            begin = max(begin, start)
            if remaining <= end - begin:
                return begin + remaining
            remaining -= end - begin
        day_length = self.hours.day_length
        full_days = (remaining - _TICK) // day_length  # days used up whole before the last one
        remaining -= day_length * full_days
        day = self.nth_working_day_after(day, full_days + 1)
        midnight = datetime.combine(day, _MIDNIGHT, tzinfo=VN_TZ)
        for open_at, close_at in offsets:
            if remaining <= close_at - open_at:
                return midnight + open_at + remaining
            remaining -= close_at - open_at
        raise AssertionError("unreachable: a day holds day_length of working time")  # pragma: no cover

    def same_day_due(self, moment: datetime) -> datetime:
        """The 15:00 rule: closing time of ``moment``'s day if it is a working day and
        ``moment`` is before the cut-off, else closing time of the next working day."""
        moment = office_time(moment)
        day = moment.date()
        same_day = self.is_working_day(day) and moment.time() < self.hours.same_day_cutoff
        return self.end_of_day(day if same_day else self.next_working_day(day))

    def appointment(
        self,
        received_at: datetime,
        limit: TimeLimit,
        *,
        paused: Iterable[tuple[datetime, datetime]] = (),
        extra: TimeLimit | None = None,
    ) -> datetime:
        """The date and time the result is due for a dossier received at ``received_at``.

        - on receipt: the 15:00 rule at receipt; after a pause (waiting for a
          supplement or a payment) the rule is applied again at the moment the
          wait ended, and the later of the two is due;
        - working days: ``amount`` full office days of working time from the
          next opening at or after receipt, not counting ``paused`` time;
        - calendar days: ``amount`` days after the receipt date, moved forward
          off non-working days (plus any paused days), due at closing time.

        ``extra`` is a statutory extension added on top (e.g. +5 working days
        when verification is needed), counted from the due moment.
        """
        pauses = [(office_time(a), office_time(b)) for a, b in paused if b > a]
        received = office_time(received_at)
        if limit.kind == DayKind.WORKING_DAYS and (extra is None or extra.kind == DayKind.WORKING_DAYS):
            amount = limit.amount + (extra.amount if extra is not None else 0)
            return self.add_working_time(received, self.hours.day_length * amount, paused=pauses)
        if limit.kind == DayKind.ON_RECEIPT:
            due = self.same_day_due(received)
            if pauses:
                due = max(due, self.same_day_due(max(end for _, end in pauses)))
        elif limit.kind == DayKind.WORKING_DAYS:
            due = self.add_working_time(received, self.hours.day_length * limit.amount, paused=pauses)
        else:
            paused_days = sum(((b.date() - a.date()).days for a, b in pauses), 0)
            due_day = received.date() + timedelta(days=limit.amount + paused_days)
            due = self.end_of_day(self.working_day_on_or_after(due_day))
        return due if extra is None else self.extend(due, extra)

    def extend(self, due: datetime, extra: TimeLimit) -> datetime:
        """``due`` moved on by ``extra`` (working days of office time, or calendar days)."""
        due = office_time(due)
        if extra.kind == DayKind.WORKING_DAYS:
            return self.add_working_time(due, self.hours.day_length * extra.amount)
        if extra.kind == DayKind.CALENDAR_DAYS:
            return self.end_of_day(self.working_day_on_or_after(due.date() + timedelta(days=extra.amount)))
        return due

    def check_new_appointment(self, new: datetime, *, received_at: datetime) -> datetime:
        """Validate a date promised by hand (form 04): a working day, office hours, after receipt.

        Returns the moment in office time. Kinds: ``appointment_before_receipt``,
        ``appointment_not_working_day``, ``appointment_outside_hours``.
        """
        new = office_time(new)
        if new <= office_time(received_at):
            raise ValidationError(
                "appointment_before_receipt",
                "the new date is not after the receipt",
                field="appointment_at",
            )
        if not self.is_working_day(new.date()):
            raise ValidationError(
                "appointment_not_working_day",
                f"{new.date()} is not a working day",
                field="appointment_at",
                day=new.date().isoformat(),
            )
        if not self.hours.is_open(new.time()):
            raise ValidationError(
                "appointment_outside_hours",
                "the new time is outside office hours",
                field="appointment_at",
            )
        return new


#: The longest run of days without a working day a calendar may have (two years).
_MAX_GAP_DAYS = 366 * 2
#: How far the working-day index reaches past the days asked for when it (re)builds.
_INDEX_MARGIN_DAYS = 366
_TICK = timedelta(microseconds=1)


@dataclass(frozen=True)
class _WorkingDayIndex:
    """The working days from ordinal ``first`` to ``last``, sorted (for bisect).

    Any day from ``first`` on finds its n-th next working day by one bisect, as
    long as that lies within the index (else the index grows). Not built for a
    span holding a gap of more than two years without a working day: the
    step-by-step walk refuses such a gap with its message.
    """

    first: int
    last: int
    ordinals: list[int]

    @classmethod
    def build(cls, calendar: WorkCalendar, first: int, last: int) -> _WorkingDayIndex | None:
        """The index over ``first``..``last``, or None if it has a gap of over two years."""
        ordinals = [o for o in range(first, last + 1) if calendar.is_working_day(date.fromordinal(o))]
        edges = [first - 1, *ordinals, last + 1]
        if any(b - a > _MAX_GAP_DAYS for a, b in zip(edges, edges[1:], strict=False)):
            return None
        return cls(first, last, ordinals)


def office_time(moment: datetime) -> datetime:
    """``moment`` in office time (UTC+7); raises ValidationError for a naive datetime."""
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


# --- the calendar as reference data ------------------------------------------------


@dataclass(frozen=True)
class CalendarDay:
    """One entry of the calendar: ``day`` is off or worked, and why (shown to the clerk)."""

    day: date
    mark: DayMark
    name: str = ""

    def to_json(self) -> dict[str, str]:
        """The entry as stored and exchanged (``{"date", "kind", "name"}``)."""
        return {"date": self.day.isoformat(), "kind": self.mark.value, "name": self.name}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> CalendarDay:
        """Parse an entry; ``note`` is accepted for ``name`` (older overrides files)."""
        try:
            return cls(
                day=date.fromisoformat(str(raw["date"])),
                mark=DayMark(raw["kind"]),
                name=str(raw.get("name", raw.get("note", "")) or ""),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValidationError("invalid_calendar", f"bad calendar entry {raw!r}: {exc}") from exc


def parse_days(raw: Any) -> tuple[CalendarDay, ...]:
    """A list of calendar entries, sorted by date; a day listed twice is refused."""
    if not isinstance(raw, list):
        raise ValidationError("invalid_calendar", "calendar entries must be a list")
    days = sorted((CalendarDay.from_json(item) for item in raw), key=lambda d: d.day)
    for first, second in zip(days, days[1:], strict=False):
        if first.day == second.day:
            raise ValidationError(
                "invalid_calendar", f"{first.day} is listed twice", day=first.day.isoformat()
            )
    return tuple(days)


@dataclass(frozen=True)
class CalendarData:
    """The working calendar of an office, as versioned reference data.

    ``base``: public holidays, swapped days off and worked Saturdays for the
    whole country, generated from a pinned ``holidays`` release
    (``base_version``, ``base_source``). ``overrides``: entries on top of the
    base, which win on the same day: a government decision announced after
    the release, or the office's own closures (``overrides_version`` is the
    version of the reference-data package they last came from, 0 when only
    an administrator set them). ``hours``: office hours.
    """

    base_version: int
    base_source: str
    base: tuple[CalendarDay, ...]
    overrides_version: int = 0
    overrides: tuple[CalendarDay, ...] = ()
    hours: OfficeHours = field(default_factory=OfficeHours)

    def work_calendar(self) -> WorkCalendar:
        """The calendar to compute with: the base, then the overrides on top."""
        marks: dict[date, DayMark] = {d.day: d.mark for d in self.base}
        marks.update({d.day: d.mark for d in self.overrides})
        return WorkCalendar(
            hours=self.hours,
            days_off=(day for day, mark in marks.items() if mark == DayMark.DAY_OFF),
            working_days=(day for day, mark in marks.items() if mark == DayMark.WORKING_DAY),
        )

    def entry(self, day: date) -> CalendarDay | None:
        """The entry that decides ``day`` (an override first), if any."""
        for days in (self.overrides, self.base):
            for item in days:
                if item.day == day:
                    return item
        return None


def calendar_from_values(
    base_version: int,
    source: str | None,
    base: list[Any],
    overrides_version: int | None,
    overrides: list[Any],
    hours: dict[str, Any],
) -> CalendarData:
    """The calendar from the decoded values of a ``work_calendar`` row or record (a PC's
    store, a pulled record, the services and the sync engine alike)."""
    return CalendarData(
        base_version=int(base_version),
        base_source=str(source or ""),
        base=parse_days(base or []),
        overrides_version=int(overrides_version or 0),
        overrides=parse_days(overrides or []),
        hours=hours_from_json(hours) if hours else OfficeHours(),
    )


def parse_calendar_document(raw: Any, *, list_key: str = "days") -> tuple[int, str, tuple[CalendarDay, ...]]:
    """``(version, source, entries)`` of a calendar document.

    The bundled base is ``{"version": N, "source": "...", "days": [...]}``; a
    reference-data package's holiday part is ``{"version": N, "overrides": [...]}``.
    """
    if not isinstance(raw, dict):
        raise ValidationError("invalid_calendar", "a calendar document must be an object")
    version = raw.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValidationError("invalid_calendar", "the calendar version must be a positive integer")
    return version, str(raw.get("source", "") or ""), parse_days(raw.get(list_key))
