"""The dossier state machine.

Statuses are the ten used by provincial systems that feed the national
portal. History is an append-only list of events; the current status is
derived by replaying them through :func:`next_status`. Events that do not
change the status (hand-over, extension, note) commute with each other, so
concurrent work on one dossier usually merges without a conflict.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum, StrEnum

from commune_desk.domain.errors import IllegalTransition


class DossierStatus(IntEnum):
    """Dossier status codes as exchanged with provincial systems."""

    REGISTERED_ONLINE = 1
    ACCEPTED = 2
    REFUSED = 3
    PROCESSING = 4
    SUPPLEMENT_REQUESTED = 5
    PAYMENT_REQUIRED = 6
    WITHDRAWN = 7
    STOPPED = 8
    RESULT_READY = 9
    RETURNED = 10

    @property
    def is_final(self) -> bool:
        """True when no further status change is possible."""
        return self in FINAL_STATUSES


FINAL_STATUSES = frozenset(
    {DossierStatus.REFUSED, DossierStatus.WITHDRAWN, DossierStatus.STOPPED, DossierStatus.RETURNED}
)


class EventKind(StrEnum):
    """What can happen to a dossier. Values are stable wire names."""

    REGISTERED_ONLINE = "registered_online"
    RECEIVED = "received"
    ASSIGNED = "assigned"
    HANDED_OVER = "handed_over"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    SUPPLEMENT_RECEIVED = "supplement_received"
    PAYMENT_REQUESTED = "payment_requested"
    PAID = "paid"
    EXTENDED = "extended"
    #: A longer period the law allows (verification, large jobs): not a delay, no apology.
    EXTENSION_APPLIED = "extension_applied"
    RESULT_READY = "result_ready"
    RETURNED = "returned"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    STOPPED = "stopped"
    NOTE = "note"


S = DossierStatus
E = EventKind

#: (status before or None for a new dossier, event) -> status after.
TRANSITIONS: dict[tuple[DossierStatus | None, EventKind], DossierStatus] = {
    (None, E.REGISTERED_ONLINE): S.REGISTERED_ONLINE,
    (None, E.RECEIVED): S.ACCEPTED,
    (S.REGISTERED_ONLINE, E.RECEIVED): S.ACCEPTED,
    (S.REGISTERED_ONLINE, E.REFUSED): S.REFUSED,
    (S.REGISTERED_ONLINE, E.WITHDRAWN): S.WITHDRAWN,
    (S.ACCEPTED, E.ASSIGNED): S.PROCESSING,
    (S.ACCEPTED, E.SUPPLEMENT_REQUESTED): S.SUPPLEMENT_REQUESTED,
    (S.ACCEPTED, E.PAYMENT_REQUESTED): S.PAYMENT_REQUIRED,
    (S.ACCEPTED, E.RESULT_READY): S.RESULT_READY,
    (S.ACCEPTED, E.REFUSED): S.REFUSED,
    (S.ACCEPTED, E.WITHDRAWN): S.WITHDRAWN,
    (S.ACCEPTED, E.STOPPED): S.STOPPED,
    (S.PROCESSING, E.SUPPLEMENT_REQUESTED): S.SUPPLEMENT_REQUESTED,
    (S.PROCESSING, E.PAYMENT_REQUESTED): S.PAYMENT_REQUIRED,
    (S.PROCESSING, E.RESULT_READY): S.RESULT_READY,
    (S.PROCESSING, E.REFUSED): S.REFUSED,
    (S.PROCESSING, E.WITHDRAWN): S.WITHDRAWN,
    (S.PROCESSING, E.STOPPED): S.STOPPED,
    (S.SUPPLEMENT_REQUESTED, E.SUPPLEMENT_RECEIVED): S.PROCESSING,
    (S.SUPPLEMENT_REQUESTED, E.WITHDRAWN): S.WITHDRAWN,
    (S.SUPPLEMENT_REQUESTED, E.STOPPED): S.STOPPED,
    (S.PAYMENT_REQUIRED, E.PAID): S.PROCESSING,
    (S.PAYMENT_REQUIRED, E.WITHDRAWN): S.WITHDRAWN,
    (S.PAYMENT_REQUIRED, E.STOPPED): S.STOPPED,
    (S.RESULT_READY, E.RETURNED): S.RETURNED,
}

#: Events that record something without changing the status, and where they are allowed.
STATUS_PRESERVING: dict[EventKind, frozenset[DossierStatus]] = {
    E.HANDED_OVER: frozenset(
        {S.ACCEPTED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUIRED, S.RESULT_READY}
    ),
    E.EXTENDED: frozenset({S.ACCEPTED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUIRED}),
    E.EXTENSION_APPLIED: frozenset({S.ACCEPTED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUIRED}),
    E.NOTE: frozenset(S),
}


class ApologyFault(StrEnum):
    """Who caused the delay an apology (form 04) is written for: a fixed list."""

    ONE_STOP = "one_stop"
    PROCESSING_AGENCY = "processing_agency"
    COORDINATING_AGENCY = "coordinating_agency"


#: Events whose slip the law requires (form number of Circular 01/2018, 03/2025).
SLIP_FORMS: dict[EventKind, str] = {
    E.RECEIVED: "01",
    E.SUPPLEMENT_REQUESTED: "02",
    E.REFUSED: "03",
    E.EXTENDED: "04",
    E.STOPPED: "05",
}

#: Statuses during which the office's clock is not running (waiting for the citizen).
PAUSED_STATUSES = frozenset({S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUIRED})


def next_status(current: DossierStatus | None, event: EventKind) -> DossierStatus:
    """Return the status after ``event``; raise :class:`IllegalTransition` if not allowed."""
    event = EventKind(event)
    if current is not None:
        current = DossierStatus(current)
    if (current, event) in TRANSITIONS:
        return TRANSITIONS[(current, event)]
    if current is not None and current in STATUS_PRESERVING.get(event, frozenset()):
        return current
    raise IllegalTransition(
        "illegal_transition",
        f"event {event.value!r} is not allowed in status {current.name if current else 'new'}",
        status=int(current) if current is not None else None,
        event=event.value,
    )


def allowed_events(current: DossierStatus | None) -> tuple[EventKind, ...]:
    """The events a clerk may record now, in a stable order (for action buttons)."""
    allowed = []
    for event in EventKind:
        try:
            next_status(current, event)
        except IllegalTransition:
            continue
        allowed.append(event)
    return tuple(allowed)


@dataclass(frozen=True)
class Replay:
    """What a dossier's history says: its status and the times its result was ready and returned."""

    status: DossierStatus | None
    finished_at: datetime | None
    returned_at: datetime | None


def replay(events: Iterable[tuple[EventKind | str, datetime | None]], *, strict: bool = False) -> Replay:
    """Replay ``(kind, at)`` events in order: the status, finished and returned times.

    With ``strict`` an illegal event raises :class:`IllegalTransition` (or
    ValueError for an unknown kind); otherwise it is skipped, as the sync
    engine does for a local event the server's history made illegal.
    """
    status: DossierStatus | None = None
    finished = returned = None
    for kind, at in events:
        try:
            status = next_status(status, EventKind(kind))
        except (IllegalTransition, ValueError):
            if strict:
                raise
            continue
        if kind == EventKind.RESULT_READY:
            finished = at
        elif kind == EventKind.RETURNED:
            returned = at
    return Replay(status, finished, returned)


def derive_status(events: Iterable[EventKind | str]) -> DossierStatus | None:
    """Replay events in order; ``None`` for an empty history. Raises on an illegal sequence."""
    return replay(((event, None) for event in events), strict=True).status
