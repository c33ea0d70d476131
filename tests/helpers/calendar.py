"""The calendar the app ships: the bundled base (generated from the pinned ``holidays`` release)."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache

from commune_desk.domain.calendar import VN_TZ, CalendarData, WorkCalendar
from commune_desk.services.calendar import load_base_calendar


@cache
def bundled_data() -> CalendarData:
    """The bundled base calendar as calendar data, no overrides, default office hours."""
    version, source, days = load_base_calendar()
    return CalendarData(base_version=version, base_source=source, base=days)


def bundled_calendar() -> WorkCalendar:
    """The calendar a freshly installed office computes with."""
    return bundled_data().work_calendar()


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    """An office-time moment."""
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


def day(y: int, m: int, d: int) -> date:
    """A date (reads better in tables)."""
    return date(y, m, d)
