"""The dossier state machine.

Statuses are the ten used by provincial systems that feed the national
portal. History is an append-only list of events; the current status is
derived by replaying them through :func:`next_status`. Events that do not
change the status (hand-over, extension, note) commute with each other, so
concurrent work on one dossier usually merges without a conflict.

A step recorded by mistake is never erased: a *correcting* event
(``undo_returned``, ...) is appended, with its reason, and moves the status
back. Each correcting event is a plain transition from one status to another,
so the city server, which checks events with :func:`next_status` alone,
understands it; :func:`correctable_step` (which reads the history) decides
when the counter offers it.
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
    UNDO_RETURNED = "undo_returned"
    UNDO_RESULT_READY = "undo_result_ready"
    UNDO_SUPPLEMENT_RECEIVED = "undo_supplement_received"
    UNDO_PAYMENT_REQUESTED = "undo_payment_requested"
    UNDO_PAID = "undo_paid"


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
    # Corrections of a step recorded by mistake (see UNDOES).
    (S.RETURNED, E.UNDO_RETURNED): S.RESULT_READY,
    (S.RESULT_READY, E.UNDO_RESULT_READY): S.PROCESSING,
    (S.PROCESSING, E.UNDO_SUPPLEMENT_RECEIVED): S.SUPPLEMENT_REQUESTED,
    (S.PAYMENT_REQUIRED, E.UNDO_PAYMENT_REQUESTED): S.PROCESSING,
    (S.PROCESSING, E.UNDO_PAID): S.PAYMENT_REQUIRED,
}

#: Correcting event -> the step it takes back. Only steps that give the citizen no
#: legal paper can be taken back: a supplement request (form 02), refusal (03),
#: apology with a new date (04), stop (05) or withdrawal has been handed to the
#: citizen and stands. A corrected step going back to "being processed" does not
#: remember whether the dossier had been assigned: "processing" is the neutral
#: in-office status.
UNDOES: dict[EventKind, EventKind] = {
    E.UNDO_RETURNED: E.RETURNED,
    E.UNDO_RESULT_READY: E.RESULT_READY,
    E.UNDO_SUPPLEMENT_RECEIVED: E.SUPPLEMENT_RECEIVED,
    E.UNDO_PAYMENT_REQUESTED: E.PAYMENT_REQUESTED,
    E.UNDO_PAID: E.PAID,
}
#: The correcting event of each step that can be taken back.
UNDO_OF: dict[EventKind, EventKind] = {step: undo for undo, step in UNDOES.items()}

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


def correctable_step(events: Iterable[EventKind | str]) -> EventKind | None:
    """The step a correcting event may take back now, given the history in order.

    That is the latest status-changing step not already taken back, when it is
    one of ``UNDOES``' steps; ``None`` otherwise. Taking back a step makes the
    step before it the latest again (a second correction goes one step further).
    """
    steps: list[EventKind] = []
    for raw in events:
        event = EventKind(raw)
        if event in UNDOES and steps and steps[-1] == UNDOES[event]:
            steps.pop()
        elif event not in STATUS_PRESERVING:  # (an unmatched correction is a step of its own)
            steps.append(event)
    if steps and steps[-1] in UNDO_OF:
        return steps[-1]
    return None


def allowed_after(events: Iterable[EventKind | str]) -> tuple[EventKind, ...]:
    """The events a clerk may record after this history (in order).

    Like :func:`allowed_events` of the derived status, but a correcting event is
    offered only for the step it takes back, and only when that step is the latest.
    """
    history = [EventKind(e) for e in events]
    step = correctable_step(history)
    undo = UNDO_OF.get(step) if step is not None else None
    return tuple(e for e in allowed_events(derive_status(history)) if e not in UNDOES or e == undo)


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
        elif kind == EventKind.UNDO_RESULT_READY:  # a step taken back by a correction
            finished = None
        elif kind == EventKind.UNDO_RETURNED:
            returned = None
    return Replay(status, finished, returned)


def derive_status(events: Iterable[EventKind | str]) -> DossierStatus | None:
    """Replay events in order; ``None`` for an empty history. Raises on an illegal sequence."""
    return replay(((event, None) for event in events), strict=True).status
