"""A dossier's appointment date, derived from its event history.

The appointment is a value computed from the log, like the status: it is
recomputed from the merged history on every PC, never merged as a field
(two PCs recording different pauses converge on the same date because both
replay the same events):

- the latest ``extended`` event (in history order) sets it to the date it
  carries (``data["appointment_at"]``, ISO 8601 with an offset);
- otherwise, for a procedure counted in working or calendar days, the
  closed pauses of the office's clock (a supplement asked and received, a
  fee asked and paid) push it back: it is the appointment from the receipt
  time not counting them;
- otherwise it is the appointment given at intake.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from commune_desk.domain.calendar import DayKind, TimeLimit, WorkCalendar
from commune_desk.domain.dossier import EventKind

#: Pairs of events that open and close a pause of the office's clock.
PAUSES = {
    EventKind.SUPPLEMENT_REQUESTED: EventKind.SUPPLEMENT_RECEIVED,
    EventKind.PAYMENT_REQUESTED: EventKind.PAID,
}
#: Events the appointment depends on.
APPOINTMENT_EVENTS = frozenset({*PAUSES, *PAUSES.values(), EventKind.EXTENDED})

#: One event as the derivation needs it: kind, time, data.
HistoryEvent = tuple[str, datetime, Mapping[str, Any] | None]


def paused_intervals(events: Iterable[tuple[str, datetime]]) -> list[tuple[datetime, datetime]]:
    """The closed pauses of the office clock in ``(kind, at)`` events, in history order."""
    pauses: list[tuple[datetime, datetime]] = []
    opened: tuple[EventKind, datetime] | None = None
    for kind_text, at in events:
        try:
            kind = EventKind(kind_text)
        except ValueError:
            continue
        if kind in PAUSES:
            opened = (kind, at)
        elif opened is not None and kind == PAUSES[opened[0]]:
            pauses.append((opened[1], at))
            opened = None
    return pauses


def extended_to(data: Mapping[str, Any] | None) -> datetime | None:
    """The date an ``extended`` event sets (None when its data carries none or a bad one)."""
    raw = (data or {}).get("appointment_at")
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(str(raw))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def appointment_from_history(
    events: Iterable[HistoryEvent],
    *,
    received_at: datetime,
    limit: TimeLimit,
    calendar: WorkCalendar,
    intake: datetime | None = None,
) -> datetime:
    """The appointment the merged history says (``events`` in history order).

    ``intake``: the appointment given at intake, when known (else computed
    from the receipt time without pauses, as intake did).
    """
    ordered = list(events)
    extended = [d for kind, _at, data in ordered if kind == EventKind.EXTENDED and (d := extended_to(data))]
    if extended:
        return extended[-1]
    pauses = [] if limit.kind == DayKind.ON_RECEIPT else paused_intervals((k, at) for k, at, _ in ordered)
    if not pauses and intake is not None:
        return intake
    return calendar.appointment(received_at, limit, paused=pauses)
