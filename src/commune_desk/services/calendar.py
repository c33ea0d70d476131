"""The working calendar as reference data in the store, identical on every PC of a commune.

One row (``work_calendar``) holds the whole calendar: the base generated from
a pinned ``holidays`` release (``resources/calendar/calendar.json``), the
overrides on top of it, and the office hours. It is synced like a record
(entity ``calendar``, one fixed id in every commune): what one PC of the
office changes reaches the others by the next round, so every counter
computes the same appointment dates whatever is installed on it.

Where it changes, always in one transaction with its outbox operation:

- ``install_base_calendar`` (at every open): the first open writes the row
  from the bundled base (taking over older versions' settings rows); an app
  update carrying a newer base replaces the base part only;
- ``update_calendar``: an administrator edits overrides or office hours
  (audited with the actor);
- ``replace_holiday_overrides``: a reference-data package from a USB stick
  (versioned; an older package is refused);
- a pull from the city server (``sync/pull.py``), like any record.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commune_desk.domain.calendar import (
    CalendarData,
    CalendarDay,
    DayMark,
    OfficeHours,
    hours_from_json,
    hours_to_json,
    parse_calendar_document,
    parse_days,
)
from commune_desk.domain.errors import ValidationError
from commune_desk.paths import resources_dir
from commune_desk.protocol import Action, Entity
from commune_desk.protocol.records import CALENDAR
from commune_desk.services.base import CALENDAR_ID, ServiceBase, calendar_from_values
from commune_desk.services.catalogue import read_reference_file
from commune_desk.services.errors import OutdatedReferenceData
from commune_desk.services.values import Changes, Outcome
from commune_desk.store import settings as stored
from commune_desk.store.models import OutboxOp, Setting, WorkCalendarRow

#: Entity of the calendar record in the sync protocol.
CALENDAR_ENTITY = Entity.CALENDAR
#: Fields a change of the calendar sends (the protocol's, but the row's bookkeeping time).
CALENDAR_FIELDS = tuple(name for name in CALENDAR.columns if name != "updated_at")


def load_base_calendar(path: Path | None = None) -> tuple[int, str, tuple[CalendarDay, ...]]:
    """``(version, source, days)`` of the bundled base calendar (ValidationError when unreadable)."""
    raw = read_reference_file(path or resources_dir() / "calendar" / "calendar.json", "invalid_calendar")
    return parse_calendar_document(raw)


def calendar_from_row(row: WorkCalendarRow) -> CalendarData:
    """The calendar data of the stored row."""
    return calendar_from_values(
        row.base_version, row.base_source, row.base_days, row.overrides_version, row.overrides, row.hours
    )


def days_json(days: Iterable[CalendarDay]) -> list[dict[str, str]]:
    """Entries in their stored form, sorted by date."""
    return [d.to_json() for d in sorted(days, key=lambda d: d.day)]


def overrides_from_dates(
    days_off: Iterable[date], working_days: Iterable[date], *, names: dict[date, str] | None = None
) -> tuple[CalendarDay, ...]:
    """Override entries from two sets of dates (a day in both is refused)."""
    off, working = set(days_off), set(working_days)
    if off & working:
        raise ValidationError(
            "calendar_day_twice",
            "a day cannot be both off and worked",
            field="calendar",
            day=min(off & working).isoformat(),
        )
    names = names or {}
    entries = [CalendarDay(d, DayMark.DAY_OFF, names.get(d, "")) for d in off]
    entries += [CalendarDay(d, DayMark.WORKING_DAY, names.get(d, "")) for d in working]
    return tuple(sorted(entries, key=lambda d: d.day))


class CalendarServices(ServiceBase):
    """Read and change the office's working calendar."""

    def get_calendar(self) -> CalendarData:
        """The calendar as stored on this PC."""
        with self.store.read() as session:
            row = session.get(WorkCalendarRow, CALENDAR_ID)
            if row is None:
                raise ValidationError("invalid_calendar", "the store has no working calendar yet")
            return calendar_from_row(row)

    def install_base_calendar(self, path: Path | None = None) -> Outcome[int]:
        """Write the bundled base when the store has none or an older one; return the base version.

        A base already in the store that is as new or newer (from the server,
        another PC, a newer app) is kept. On the first install, office hours
        and overrides that older versions kept in the settings table move
        into the calendar row.
        """
        version, source, days = load_base_calendar(path)
        with self.store.write.begin() as session:
            row = session.get(WorkCalendarRow, CALENDAR_ID)
            if row is None:
                self._create_calendar(session, version, source, days)
                return Outcome(version, Changes.of("settings", "calendar"))
            if row.base_version >= version:
                return Outcome(row.base_version, Changes())
            self._change_calendar(
                session,
                row,
                {"base_version": version, "base_source": source, "base_days": days_json(days)},
                action="calendar_base_upgraded",
                actor="system",
                details={"from": row.base_version, "to": version, "source": source},
            )
        return Outcome(version, Changes.of("settings", "calendar"))

    def update_calendar(
        self,
        *,
        overrides: Iterable[CalendarDay] | None = None,
        hours: OfficeHours | None = None,
        actor: str = "",
    ) -> Outcome[CalendarData]:
        """An administrator's change of the overrides and/or office hours (audited, synced)."""
        with self.store.write.begin() as session:
            row = self._calendar_row(session)
            changed = self._set_calendar(session, row, overrides=overrides, hours=hours, actor=actor)
            data = calendar_from_row(row)
        return Outcome(data, Changes.of("settings", "calendar") if changed else Changes())

    def replace_holiday_overrides(
        self,
        *,
        version: int,
        extra_days_off: Iterable[date] = (),
        extra_working_days: Iterable[date] = (),
        entries: Iterable[CalendarDay] | None = None,
        actor: str = "usb-update",
    ) -> Outcome[int]:
        """Replace the overrides from a reference-data package of version ``version``.

        Refuses a version older than the one the calendar last took
        (``outdated_reference``); the same version again is a no-op with
        empty changes.
        """
        with self.store.write.begin() as session:
            done = self._replace_overrides(
                session,
                version=version,
                entries=tuple(entries)
                if entries is not None
                else overrides_from_dates(extra_days_off, extra_working_days),
                actor=actor,
            )
        return Outcome(version, Changes.of("settings", "calendar") if done else Changes())

    # -- internals (also used by the reference-data service) ---------------------

    def _replace_overrides(
        self, session: Session, *, version: int, entries: tuple[CalendarDay, ...], actor: str
    ) -> bool:
        """Replace the overrides in the caller's transaction; False when ``version`` is current."""
        row = self._calendar_row(session)
        if version < row.overrides_version:
            raise OutdatedReferenceData(
                "outdated_reference",
                f"holiday overrides version {version} older than {row.overrides_version}",
                installed=row.overrides_version,
                offered=version,
            )
        if version == row.overrides_version:
            return False
        self._change_calendar(
            session,
            row,
            {"overrides_version": version, "overrides": days_json(entries)},
            action="holidays_replaced",
            actor=actor,
            details={"version": version},
        )
        return True

    def _set_calendar(
        self,
        session: Session,
        row: WorkCalendarRow,
        *,
        overrides: Iterable[CalendarDay] | None,
        hours: OfficeHours | None,
        actor: str,
    ) -> bool:
        """Change overrides and/or hours in the caller's transaction; False when nothing changed."""
        changed: dict[str, Any] = {}
        if overrides is not None:
            entries = days_json(overrides)
            parse_days(entries)  # a day listed twice is refused
            if entries != row.overrides:
                changed["overrides"] = entries
        if hours is not None and hours_to_json(hours) != row.hours:
            changed["hours"] = hours_to_json(hours)
        if changed:
            self._change_calendar(
                session,
                row,
                changed,
                action="calendar_changed",
                actor=actor,
                details={"fields": sorted(changed)},
            )
        return bool(changed)

    def _calendar_row(self, session: Session) -> WorkCalendarRow:
        row = session.get(WorkCalendarRow, CALENDAR_ID)
        if row is None:  # a store opened without the bundled base (tests, tools)
            version, source, days = load_base_calendar()
            row = self._create_calendar(session, version, source, days)
        return row

    def _create_calendar(
        self, session: Session, version: int, source: str, days: tuple[CalendarDay, ...]
    ) -> WorkCalendarRow:
        """The first calendar row: the bundled base as installed (nothing to send), unless an
        older version's settings carried the office's own hours or overrides (those are sent)."""
        legacy = _legacy_settings(session)
        hours, overrides = legacy or (OfficeHours(), ())
        row = WorkCalendarRow(
            id=CALENDAR_ID,
            base_version=version,
            base_source=source,
            base_days=days_json(days),
            overrides_version=0,
            overrides=days_json(overrides),
            hours=hours_to_json(hours),
            updated_at=self._now(),
            server_version=None,
            dirty=legacy is not None,
        )
        session.add(row)
        if legacy is not None:
            self._op(session, CALENDAR_ENTITY, CALENDAR_ID, Action.CREATE, calendar_fields(row))
        self._audit(
            session,
            "calendar_installed",
            actor="system",
            entity=CALENDAR_ENTITY,
            entity_id=CALENDAR_ID,
            details={"base_version": version, "source": source},
        )
        return row

    def _change_calendar(
        self,
        session: Session,
        row: WorkCalendarRow,
        changed: dict[str, Any],
        *,
        action: str,
        actor: str,
        details: dict[str, Any],
    ) -> None:
        """Apply ``changed`` to the row with its outbox operation and audit entry.

        The first change the server hears of is a create carrying the whole
        calendar (the bundled base was installed without an operation); later
        ones are updates of the changed fields.
        """
        for name, value in changed.items():
            setattr(row, name, value)
        row.updated_at, row.dirty = self._now(), True
        if row.server_version is None and not _has_operations(session):
            self._op(session, CALENDAR_ENTITY, CALENDAR_ID, Action.CREATE, calendar_fields(row))
        else:
            self._op(
                session, CALENDAR_ENTITY, CALENDAR_ID, Action.UPDATE, changed, base_version=row.server_version
            )
        self._audit(
            session, action, actor=actor, entity=CALENDAR_ENTITY, entity_id=CALENDAR_ID, details=details
        )


def calendar_fields(row: WorkCalendarRow) -> dict[str, Any]:
    """Every synced field of the calendar row (the fields of its create)."""
    return {name: getattr(row, name) for name in CALENDAR_FIELDS}


def _has_operations(session: Session) -> bool:
    """Whether the calendar ever had an outbox operation on this PC (its create is on its way)."""
    session.flush()
    found = session.scalar(
        select(OutboxOp.op_id)
        .where(OutboxOp.entity == CALENDAR_ENTITY, OutboxOp.entity_id == CALENDAR_ID)
        .limit(1)
    )
    return found is not None


def _legacy_settings(session: Session) -> tuple[OfficeHours, tuple[CalendarDay, ...]] | None:
    """Office hours and overrides an older version kept in settings rows (removed here)."""
    hours_row = session.get(Setting, stored.OFFICE_HOURS.key)
    overrides_row = session.get(Setting, stored.CALENDAR_OVERRIDES.key)
    if hours_row is None and overrides_row is None:
        return None
    hours: OfficeHours = OfficeHours()
    overrides: tuple[CalendarDay, ...] = ()
    if hours_row is not None:
        hours = hours_from_json(hours_row.value)
        session.delete(hours_row)
    if overrides_row is not None:
        value = overrides_row.value or {}
        overrides = overrides_from_dates(
            (date.fromisoformat(d) for d in value.get("off", [])),
            (date.fromisoformat(d) for d in value.get("working", [])),
        )
        session.delete(overrides_row)
    return hours, overrides
