"""Shared plumbing of the service mixins: sessions, clock, settings, outbox helpers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commune_desk.domain.calendar import OfficeHours, WorkCalendar
from commune_desk.services.values import OfficeSettings
from commune_desk.store import Store
from commune_desk.store.blobs import BlobStore
from commune_desk.store.models import AuditEntry, Setting
from commune_desk.store.outbox import add_op, insert_ops

#: Settings table keys.
OFFICE_KEY = "office"
HOURS_KEY = "office_hours"
CALENDAR_KEY = "calendar_overrides"
DEVICE_KEY = "device_id"


def utc_now() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(UTC)


def to_wire(value: Any) -> Any:
    """Turn a field value into its JSON form for outbox operations."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (tuple, frozenset, set)):
        return [to_wire(v) for v in value]
    return value


class ServiceBase:
    """State shared by every service mixin (one instance per open store)."""

    def __init__(
        self,
        store: Store,
        blobs: BlobStore,
        *,
        device_id: str,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.store = store
        self.blobs = blobs
        self.device_id = device_id
        self.clock = clock

    # -- helpers for subclasses ------------------------------------------------

    def _now(self) -> datetime:
        now = self.clock()
        if now.tzinfo is None:
            raise ValueError("the service clock must return aware datetimes")
        return now

    def _op(
        self,
        session: Session,
        entity: str,
        entity_id: str,
        action: str,
        fields: dict[str, Any],
        *,
        base_version: int | None = None,
        at: datetime | None = None,
    ) -> None:
        """Queue the sync operation for a write in the caller's transaction."""
        add_op(
            session,
            device_id=self.device_id,
            entity=entity,
            entity_id=entity_id,
            action=action,
            fields={k: to_wire(v) for k, v in fields.items()},
            created_at=at or self._now(),
            base_version=base_version,
        )

    def _ops(
        self,
        session: Session,
        ops: list[tuple[str, str, str, int | None, dict[str, Any]]],
        *,
        at: datetime | None = None,
    ) -> None:
        """Queue several operations ``(entity, id, action, base_version, fields)`` in one statement."""
        insert_ops(
            session,
            device_id=self.device_id,
            ops=[(e, i, a, b, {k: to_wire(v) for k, v in f.items()}) for e, i, a, b, f in ops],
            created_at=at or self._now(),
        )

    def _audit(
        self,
        session: Session,
        action: str,
        *,
        actor: str = "",
        entity: str = "",
        entity_id: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        session.add(
            AuditEntry(
                at=self._now(),
                actor=actor,
                action=action,
                entity=entity,
                entity_id=entity_id,
                details={k: to_wire(v) for k, v in (details or {}).items()},
            )
        )

    # -- settings ----------------------------------------------------------------

    def _load_settings(self, session: Session) -> OfficeSettings:
        rows = {
            s.key: s.value
            for s in session.scalars(
                select(Setting).where(Setting.key.in_((OFFICE_KEY, HOURS_KEY, CALENDAR_KEY)))
            )
        }
        defaults = OfficeSettings()
        office = rows.get(OFFICE_KEY) or {}
        hours_raw = rows.get(HOURS_KEY)
        overrides = rows.get(CALENDAR_KEY) or {}
        return OfficeSettings(
            unit_code=office.get("unit_code", defaults.unit_code),
            unit_name=office.get("unit_name", defaults.unit_name),
            counter_slot=int(office.get("counter_slot", defaults.counter_slot)),
            server_url=office.get("server_url"),
            hours=hours_from_json(hours_raw) if hours_raw else defaults.hours,
            extra_days_off=frozenset(date.fromisoformat(d) for d in overrides.get("off", [])),
            extra_working_days=frozenset(date.fromisoformat(d) for d in overrides.get("working", [])),
        )

    def _calendar(self, settings: OfficeSettings) -> WorkCalendar:
        return WorkCalendar(
            hours=settings.hours,
            extra_days_off=settings.extra_days_off,
            extra_working_days=settings.extra_working_days,
        )


def hours_to_json(hours: OfficeHours) -> dict[str, Any]:
    """Office hours as stored in the settings table."""
    return {
        "sessions": [[a.isoformat("minutes"), b.isoformat("minutes")] for a, b in hours.sessions],
        "same_day_cutoff": hours.same_day_cutoff.isoformat("minutes"),
    }


def hours_from_json(raw: dict[str, Any]) -> OfficeHours:
    """Office hours from the settings table."""
    return OfficeHours(
        sessions=tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in raw["sessions"]),
        same_day_cutoff=time.fromisoformat(raw["same_day_cutoff"]),
    )


def put_setting(session: Session, key: str, value: Any) -> None:
    """Insert or replace one settings row."""
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
