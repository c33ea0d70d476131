"""A dossier's appointment date, derived from its receipt, its events and the calendar.

One rule for every path (intake, each event, the form 04 proposal):

- an apology (form 04, ``extended``) promises a date by hand: the latest one
  stands;
- otherwise the procedure's time limit, replaced or extended by the
  statutory extension the dossier carries, counted by the office's calendar
  from receipt, with the waits for a supplement or a payment not counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from commune_desk.domain.calendar import (
    DayKind,
    StatutoryExtension,
    TimeLimit,
    WorkCalendar,
    office_time,
)
from commune_desk.domain.dossier import ApologyFault, EventKind
from commune_desk.domain.errors import ValidationError

#: Pairs of events that open and close a pause of the office's clock.
PAUSES = {
    EventKind.SUPPLEMENT_REQUESTED: EventKind.SUPPLEMENT_RECEIVED,
    EventKind.PAYMENT_REQUESTED: EventKind.PAID,
}
#: Corrections that reopen the pause their step had closed, with the pause's opening event.
REOPENS = {
    EventKind.UNDO_SUPPLEMENT_RECEIVED: EventKind.SUPPLEMENT_REQUESTED,
    EventKind.UNDO_PAID: EventKind.PAYMENT_REQUESTED,
}
#: Events after which the appointment is counted again (a wait closed, or reopened).
RECOUNTS = frozenset(PAUSES.values()) | frozenset(REOPENS)
#: Working days a form 04 proposes after the current appointment (the clerk may change it).
APOLOGY_PROPOSAL = TimeLimit(DayKind.WORKING_DAYS, 2)


class EventLike(Protocol):
    """What the rules read of an event (a stored row or a value)."""

    kind: Any
    at: datetime
    data: Any


def paused_intervals(events: Iterable[EventLike]) -> list[tuple[datetime, datetime]]:
    """The closed pauses of the office clock (supplement or payment waits) in ``events``.

    A correction reopens the pause its step had closed (``undo_paid``) or drops the
    pause that was opened by mistake (``undo_payment_requested``).
    """
    pauses: list[tuple[datetime, datetime]] = []
    opened: tuple[EventKind, datetime] | None = None
    for e in events:
        kind = EventKind(e.kind)
        if kind in PAUSES:
            opened = (kind, e.at)
        elif opened is not None and kind == PAUSES[opened[0]]:
            pauses.append((opened[1], e.at))
            opened = None
        elif kind in REOPENS and pauses and opened is None:
            opened = (REOPENS[kind], pauses.pop()[0])
        elif kind == EventKind.UNDO_PAYMENT_REQUESTED:
            opened = None
    return pauses


def promised_date(events: Sequence[EventLike]) -> datetime | None:
    """The date of the latest apology (form 04), if any."""
    for e in reversed(events):
        if EventKind(e.kind) == EventKind.EXTENDED and (e.data or {}).get("appointment_at"):
            return parse_moment(e.data["appointment_at"])
    return None


def derived_appointment(
    calendar: WorkCalendar,
    *,
    received_at: datetime,
    limit: TimeLimit,
    extension: StatutoryExtension | None,
    events: Sequence[EventLike] = (),
) -> datetime:
    """The appointment a dossier should carry now (see the module docstring)."""
    promised = promised_date(events)
    if promised is not None:
        return promised
    base, extra = extension.applied_to(limit) if extension is not None else (limit, None)
    return calendar.appointment(received_at, base, paused=paused_intervals(events), extra=extra)


def parse_moment(value: object) -> datetime:
    """An aware datetime from its ISO text (ValidationError otherwise)."""
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError as exc:
            raise ValidationError("invalid_datetime", "bad appointment date", field="appointment_at") from exc
    return office_time(moment)


def apology_data(
    calendar: WorkCalendar, *, data: dict[str, Any], received_at: datetime, previous: datetime
) -> dict[str, Any]:
    """Check what form 04 records and return it as stored on the event.

    ``data`` holds ``appointment_at`` (the new date) and ``fault`` (who caused
    the delay, an :class:`ApologyFault`). The new date must be a working
    moment of the calendar after receipt. Kinds: ``appointment_required``,
    ``invalid_fault``, and those of ``WorkCalendar.check_new_appointment``.
    """
    if not data.get("appointment_at"):
        raise ValidationError("appointment_required", "form 04 needs the new date", field="appointment_at")
    new = calendar.check_new_appointment(parse_moment(data["appointment_at"]), received_at=received_at)
    try:
        fault = ApologyFault(data.get("fault", ""))
    except ValueError as exc:
        raise ValidationError("invalid_fault", "say who caused the delay", field="fault") from exc
    return {
        **data,
        "appointment_at": new.isoformat(),
        "fault": fault.value,
        "previous_appointment_at": office_time(previous).isoformat(),
    }


def apology_proposal(calendar: WorkCalendar, *, appointment: datetime, now: datetime) -> datetime:
    """The new date form 04 proposes: two working days after the later of the old date and now."""
    start = max(office_time(appointment), office_time(now))
    return calendar.extend(calendar.next_working_moment(start), APOLOGY_PROPOSAL)
