"""Column types shared by the store's models.

Datetimes are stored as fixed-width UTC ISO-8601 text so that they sort
correctly as text in SQLite and come back timezone-aware. Office time
(UTC+7) is a presentation concern of the domain and services.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def to_utc_text(value: datetime) -> str:
    """Render an aware datetime as the store's UTC text form."""
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the store; always pass timezone-aware values")
    return value.astimezone(UTC).strftime(_FORMAT)


def from_utc_text(value: str) -> datetime:
    """Parse the store's UTC text form back into an aware datetime."""
    # fromisoformat (3.11+ reads the trailing Z) is ~30x faster than strptime.
    return datetime.fromisoformat(value)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as sortable UTC text (``2026-01-05T01:30:00.000000Z``)."""

    impl = String(27)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        """Convert to UTC text on the way in."""
        if value is None:
            return None
        return to_utc_text(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Convert to an aware UTC datetime on the way out."""
        if value is None:
            return None
        return from_utc_text(value)
