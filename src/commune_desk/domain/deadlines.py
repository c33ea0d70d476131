"""A dossier's appointment date, derived from its receipt, its events and the calendar.

One rule for every path (intake, each event, the form 04 proposal, and every
pull: the appointment is recomputed from the merged history on every PC,
never merged as a field, so two PCs that recorded different pauses converge
on the same date):

- an apology (form 04, ``extended``) promises a date by hand: the latest one
  stands;
- otherwise the procedure's time limit, replaced or extended by the
  statutory extension the dossier carries (the latest ``extension_applied``,
  else the one chosen at intake), counted by the office's calendar from
  receipt, with the waits for a supplement or a payment not counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from commune_desk.domain.calendar import (
    DayKind,
    ExtensionMode,
    StatutoryExtension,
    TimeLimit,
    WorkCalendar,
    office_time,
)
from commune_desk.domain.dossier import EventKind
from commune_desk.domain.errors import ValidationError
from commune_desk.domain.text import normalize_text

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
#: Events the appointment (or the extension it counts with) depends on, correcting
#: events included: a correction feeds the derivation like the step it takes back.
APPOINTMENT_EVENTS = frozenset(
    {
        *PAUSES,
        *RECOUNTS,
        EventKind.UNDO_PAYMENT_REQUESTED,
        EventKind.EXTENDED,
        EventKind.EXTENSION_APPLIED,
    }
)


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


def applied_extension(events: Sequence[EventLike], intake: str = "") -> str:
    """The code of the statutory extension the history says the dossier carries."""
    for e in reversed(events):
        if EventKind(e.kind) == EventKind.EXTENSION_APPLIED and (e.data or {}).get("extension"):
            return str(e.data["extension"])
    return intake


def parse_extension(raw: Mapping[str, Any]) -> StatutoryExtension:
    """One statutory extension of a procedure (``{"code", "name", "legal_basis", "mode",
    "day_kind", "amount"}``); its legal basis is required."""
    code = str(raw["code"]).strip().upper()
    legal_basis = normalize_text(str(raw.get("legal_basis", "")))
    if not code or not legal_basis:
        raise ValueError(f"extension {code!r} needs a code and its legal basis")
    return StatutoryExtension(
        code=code,
        name=normalize_text(str(raw["name"])),
        legal_basis=legal_basis,
        mode=ExtensionMode(raw.get("mode", ExtensionMode.ADD)),
        limit=TimeLimit(DayKind(raw.get("day_kind", DayKind.WORKING_DAYS)), int(raw["amount"])),
    )


def extension_of(extensions: Iterable[Mapping[str, Any]], code: str) -> StatutoryExtension | None:
    """The procedure's extension ``code`` (None for ``""`` or one the catalogue no longer has)."""
    for raw in extensions:
        ext = parse_extension(raw)
        if code and ext.code == code:
            return ext
    return None
