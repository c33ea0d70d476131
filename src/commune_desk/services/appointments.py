"""Form 04 (an apology with a new date) on top of the appointment rule.

The rule itself (what the appointment is, from the history) is the domain's,
``domain.deadlines``, since every PC derives it from the merged events.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from commune_desk.domain.calendar import DayKind, TimeLimit, WorkCalendar, office_time
from commune_desk.domain.deadlines import (
    PAUSES,
    RECOUNTS,
    REOPENS,
    EventLike,
    derived_appointment,
    parse_moment,
    paused_intervals,
    promised_date,
)
from commune_desk.domain.dossier import ApologyFault
from commune_desk.domain.errors import ValidationError

__all__ = [
    "APOLOGY_PROPOSAL",
    "PAUSES",
    "RECOUNTS",
    "REOPENS",
    "EventLike",
    "apology_data",
    "apology_proposal",
    "derived_appointment",
    "parse_moment",
    "paused_intervals",
    "promised_date",
]

#: Working days a form 04 proposes after the current appointment (the clerk may change it).
APOLOGY_PROPOSAL = TimeLimit(DayKind.WORKING_DAYS, 2)


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
