"""A dossier's status, dates and appointment, derived from its events in server order.

Events the server has seen come first, in change-sequence order (never
device time); unpushed ones follow in local order. An unpushed event that is
no longer legal after the server's events is skipped here: its push becomes
a conflict, and the event is removed when that answer arrives.

Nothing derived is merged as a field: every PC replays the same merged
history, so two PCs that recorded different pauses of the office's clock
show the same appointment (``domain.deadlines``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from commune_desk.domain.calendar import DayKind, TimeLimit, WorkCalendar, calendar_from_values
from commune_desk.domain.deadlines import (
    APPOINTMENT_EVENTS,
    applied_extension,
    derived_appointment,
    extension_of,
)
from commune_desk.domain.dossier import DossierStatus, replay
from commune_desk.store.models import Dossier, DossierEvent, Procedure, WorkCalendarRow


class _Rules:
    """Procedure limits and extensions and the office calendar, read once and only when needed."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._procedures: dict[str, tuple[TimeLimit, list[Any]] | None] = {}
        self._calendar: WorkCalendar | None = None
        self._calendar_read = False

    def procedure(self, code: str) -> tuple[TimeLimit, list[Any]] | None:
        if code not in self._procedures:
            row = self.session.execute(
                select(Procedure.day_kind, Procedure.time_limit, Procedure.extensions).where(
                    Procedure.code == code
                )
            ).first()
            self._procedures[code] = (
                (TimeLimit(DayKind(row[0]), row[1]), list(row[2] or ())) if row is not None else None
            )
        return self._procedures[code]

    @property
    def calendar(self) -> WorkCalendar | None:
        if not self._calendar_read:
            row = self.session.scalar(select(WorkCalendarRow).limit(1))
            if row is not None:
                self._calendar = calendar_from_values(
                    row.base_version,
                    row.base_source,
                    row.base_days,
                    row.overrides_version,
                    row.overrides,
                    row.hours,
                ).work_calendar()
            self._calendar_read = True
        return self._calendar

    def appointment(self, dossier: Any, events: list[Any]) -> tuple[datetime, str]:
        """(appointment, extension) the events (in order) say; the stored ones when they say nothing."""
        if not any(e.kind in APPOINTMENT_EVENTS for e in events):
            return dossier.appointment_at, dossier.extension
        extension = applied_extension(events, dossier.extension)
        procedure = self.procedure(dossier.procedure_code)
        calendar = self.calendar
        if procedure is None or calendar is None:
            return dossier.appointment_at, extension
        limit, extensions = procedure
        appointment = derived_appointment(
            calendar,
            received_at=dossier.received_at,
            limit=limit,
            extension=extension_of(extensions, extension),
            events=events,
        )
        return appointment, extension


def derive_dossiers(session: Session, dossier_ids: Iterable[str]) -> None:
    """Derive the status, dates and appointment of many dossiers (two queries per 500)."""
    ids = sorted(set(dossier_ids))
    ev = DossierEvent.__table__.c
    dc = Dossier.__table__.c
    limits = _Rules(session)
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        events: dict[str, list[Any]] = {i: [] for i in part}
        for row in session.execute(
            select(ev.id, ev.dossier_id, ev.kind, ev.at, ev.local_order, ev.dirty, ev.data).where(
                ev.dossier_id.in_(part)
            )
        ):
            events[row.dossier_id].append(row)
        current = {
            r.id: r
            for r in session.execute(
                select(
                    dc.id,
                    dc.status,
                    dc.finished_at,
                    dc.returned_at,
                    dc.appointment_at,
                    dc.received_at,
                    dc.procedure_code,
                    dc.extension,
                ).where(dc.id.in_(part))
            )
        }
        needs_orm = [i for i in part if i in current and any(e.dirty for e in events[i])]
        updates = []
        for dossier_id, now_row in current.items():
            if dossier_id in needs_orm:
                continue
            ordered = sorted(events[dossier_id], key=lambda e: e.local_order)
            derived, finished, returned = _fold(ordered)
            status = int(derived) if derived is not None else now_row.status
            appointment, extension = limits.appointment(now_row, ordered)
            values = (status, finished, returned, appointment, extension)
            stored = (
                now_row.status,
                now_row.finished_at,
                now_row.returned_at,
                now_row.appointment_at,
                now_row.extension,
            )
            if values != stored:
                updates.append(
                    {
                        "b_id": dossier_id,
                        "status": status,
                        "finished_at": finished,
                        "returned_at": returned,
                        "appointment_at": appointment,
                        "extension": extension,
                    }
                )
        if updates:
            session.connection().execute(update(Dossier).where(dc.id == bindparam("b_id")), updates)
        for dossier_id in needs_orm:
            derive_dossier(session, dossier_id, limits)


def _fold(events: list[Any]) -> tuple[DossierStatus | None, datetime | None, datetime | None]:
    """Status, finished and returned times from events in order (illegal ones skipped)."""
    state = replay((e.kind, e.at) for e in events)
    return state.status, state.finished_at, state.returned_at


def derive_dossier(session: Session, dossier_id: str, limits: _Rules | None = None) -> None:
    """Recompute a dossier's status, dates and appointment from its events in server order.

    Events the server has seen come first in change order; unpushed ones
    follow in local order (renumbered after the server's). An unpushed event
    that is no longer legal is skipped here: its push will become a conflict.
    """
    dossier = session.get(Dossier, dossier_id)
    if dossier is None:
        return
    events = list(session.scalars(select(DossierEvent).where(DossierEvent.dossier_id == dossier_id)))
    _derive(dossier, events, limits or _Rules(session))


def _derive(dossier: Dossier, events: list[DossierEvent], limits: _Rules) -> None:
    synced = sorted((e for e in events if not e.dirty), key=lambda e: e.local_order)
    local = sorted((e for e in events if e.dirty), key=lambda e: e.local_order)
    top = max((e.local_order for e in synced), default=0)
    for i, e in enumerate(local, start=1):
        if e.local_order <= top:
            e.local_order = top + i
    status, finished, returned = _fold(synced + local)
    if status is not None and dossier.status != int(status):
        dossier.status = int(status)
    if (dossier.finished_at, dossier.returned_at) != (finished, returned):
        dossier.finished_at, dossier.returned_at = finished, returned
    appointment, extension = limits.appointment(dossier, synced + local)
    if (dossier.appointment_at, dossier.extension) != (appointment, extension):
        dossier.appointment_at, dossier.extension = appointment, extension
