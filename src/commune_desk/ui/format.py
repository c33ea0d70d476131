"""Formatting of dates, times and money the Vietnamese way (dd/MM/yyyy, 1.000 đ)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

#: Office time, UTC+7 with no daylight saving (the same value as
#: ``commune_desk.domain.calendar.VN_TZ``; ``tests/unit`` checks they agree).
VN_TZ = timezone(timedelta(hours=7), "ICT")


def local(dt: datetime) -> datetime:
    """Convert an aware datetime to office time (UTC+7), whatever the PC's time zone."""
    if dt.tzinfo is None:
        return dt
    return dt.astimezone(VN_TZ)


def format_datetime(value: datetime | None) -> str:
    """``dd/MM/yyyy HH:mm`` in local time, or an empty string."""
    if value is None:
        return ""
    return local(value).strftime("%d/%m/%Y %H:%M")


def format_date(value: date | datetime | None) -> str:
    """``dd/MM/yyyy``, or an empty string."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value)
    return value.strftime("%d/%m/%Y")


def format_money(amount: int | float | None) -> str:
    """``12.000 đ`` (dot as thousands separator)."""
    if amount is None:
        return ""
    return f"{int(amount):,} đ".replace(",", ".")


def now_utc() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)
