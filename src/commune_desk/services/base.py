"""Shared plumbing of the service mixins: sessions, clock, settings, outbox helpers."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from commune_desk.domain.calendar import DayKind, OfficeHours, TimeLimit, WorkCalendar
from commune_desk.protocol.records import fields_to_wire
from commune_desk.services.values import OfficeSettings
from commune_desk.store import Store
from commune_desk.store import settings as stored
from commune_desk.store.audit import audit
from commune_desk.store.blobs import BlobStore
from commune_desk.store.engine import BEGIN_MODE
from commune_desk.store.outbox import Executor, add_op, driver_connection, insert_ops

_SETTINGS_SQL = "SELECT key, value FROM settings WHERE key IN (?, ?, ?) ORDER BY key"
#: The rows the office settings and the working calendar are built from.
_OFFICE_ROWS = (stored.CALENDAR_OVERRIDES.key, stored.OFFICE_HOURS.key, stored.OFFICE.key)


def utc_now() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class ProcedureFacts:
    """What intake needs of one procedure row, parsed once per stored version of the row."""

    #: The stored row ``(code, name, day_kind, time_limit, fee, required_papers, active)``.
    row: tuple[Any, ...]
    code: str
    name: str
    limit: TimeLimit
    fee: str
    required_papers: tuple[str, ...]
    active: bool

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> ProcedureFacts:
        """Parse a stored procedure row (JSON text for the papers, 0/1 for ``active``)."""
        code, name, day_kind, time_limit, fee, papers, active = row
        return cls(
            row=tuple(row),
            code=code,
            name=name,
            limit=TimeLimit(DayKind(day_kind), time_limit),
            fee=fee,
            required_papers=tuple(json.loads(papers) or ()) if papers is not None else (),
            active=bool(active),
        )


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
        #: Core connections from it take the write lock at BEGIN, like ``store.write`` sessions
        #: (for hot paths that need no ORM session).
        self._write_engine: Engine = store.engine.execution_options(**{BEGIN_MODE: "IMMEDIATE"})
        # (stored settings rows, their parsed settings, the calendar built from them):
        # replaced as a whole, never mutated, so a reader on another thread sees
        # either the old or the new triple.
        self._office_cache: tuple[tuple[Any, ...], OfficeSettings, WorkCalendar] | None = None
        # procedure code -> facts parsed from its stored row (checked against the row on use)
        self._procedure_cache: dict[str, ProcedureFacts] = {}

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
            fields=fields_to_wire(fields),
            created_at=at or self._now(),
            base_version=base_version,
        )

    def _ops(
        self,
        session: Executor,
        ops: list[tuple[str, str, str, int | None, dict[str, Any]]],
        *,
        at: datetime | None = None,
    ) -> None:
        """Queue several operations ``(entity, id, action, base_version, fields)`` in one statement."""
        insert_ops(
            session,
            device_id=self.device_id,
            ops=[(e, i, a, b, fields_to_wire(f)) for e, i, a, b, f in ops],
            created_at=at or self._now(),
        )

    def _audit(self, session: Session, action: str, **entry: Any) -> None:
        """Audit ``action`` at the service clock's time (``store.audit.audit``'s keywords)."""
        audit(session, action, at=self._now(), **entry)

    # -- settings ----------------------------------------------------------------

    def _load_settings(self, session: Session) -> OfficeSettings:
        if session.new or session.dirty or session.deleted:
            session.flush()  # read our own pending writes, as an ORM query would
        return self._office(driver_connection(session))[0]

    def _office(self, db: sqlite3.Connection) -> tuple[OfficeSettings, WorkCalendar]:
        """The office settings and working calendar as stored in ``db``'s transaction.

        The three settings rows are read on every call (one prepared SELECT);
        they are parsed, and the calendar built, only when their stored text
        differs from the last call's. Keying the cache on the stored text keeps
        it right whoever changes them (these services, the sync engine, another
        process, a restore) with nothing to invalidate.
        """
        rows = tuple(
            db.execute(
                _SETTINGS_SQL, (stored.CALENDAR_OVERRIDES.key, stored.OFFICE_HOURS.key, stored.OFFICE.key)
            )
        )
        cached = self._office_cache
        if cached is not None and cached[0] == rows:
            return cached[1], cached[2]
        settings = settings_from_rows({key: json.loads(value) for key, value in rows if value is not None})
        calendar = self._calendar(settings)
        self._office_cache = (rows, settings, calendar)
        return settings, calendar

    def _calendar(self, settings: OfficeSettings) -> WorkCalendar:
        return WorkCalendar(
            hours=settings.hours,
            extra_days_off=settings.extra_days_off,
            extra_working_days=settings.extra_working_days,
        )


def settings_from_rows(rows: dict[str, Any]) -> OfficeSettings:
    """Office settings from the decoded values of the settings rows (defaults where missing)."""
    defaults = OfficeSettings()
    office = rows.get(stored.OFFICE.key) or {}
    hours_raw = rows.get(stored.OFFICE_HOURS.key)
    overrides = rows.get(stored.CALENDAR_OVERRIDES.key) or {}
    return OfficeSettings(
        unit_code=office.get(stored.UNIT_CODE.name, defaults.unit_code),
        unit_name=office.get(stored.UNIT_NAME.name, defaults.unit_name),
        counter_slot=int(office.get(stored.COUNTER_SLOT.name, defaults.counter_slot)),
        server_url=office.get(stored.SERVER_URL.name),
        hours=hours_from_json(hours_raw) if hours_raw else defaults.hours,
        extra_days_off=frozenset(date.fromisoformat(d) for d in overrides.get("off", [])),
        extra_working_days=frozenset(date.fromisoformat(d) for d in overrides.get("working", [])),
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
