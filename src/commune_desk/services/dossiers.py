"""Dossier use cases: intake at the counter, recording events, detail."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commune_desk.domain.calendar import VN_TZ, DayKind, TimeLimit
from commune_desk.domain.codes import format_dossier_code, next_dossier_number
from commune_desk.domain.dossier import (
    DossierStatus,
    EventKind,
    allowed_events,
    next_status,
)
from commune_desk.domain.errors import ValidationError
from commune_desk.domain.identity import validate_id_number, validate_phone
from commune_desk.domain.text import normalize_text
from commune_desk.protocol import Action, Entity
from commune_desk.services.base import ProcedureFacts, ServiceBase
from commune_desk.services.errors import NotFound
from commune_desk.services.values import (
    AttachmentInfo,
    Changes,
    DossierDetail,
    DossierEventInfo,
    DossierSummary,
    NewDossier,
    Outcome,
)
from commune_desk.store.models import Attachment, Dossier, DossierEvent, Procedure
from commune_desk.store.outbox import counter_value, driver_connection, set_counter
from commune_desk.store.search import insert_keys, record_keys
from commune_desk.store.types import to_utc_text

#: Statuses in which the office's clock is running (a passed appointment means late).
RUNNING_STATUSES = (DossierStatus.ACCEPTED, DossierStatus.PROCESSING)
#: Statuses of dossiers still in the office's hands.
OPEN_STATUSES = (
    DossierStatus.REGISTERED_ONLINE,
    DossierStatus.ACCEPTED,
    DossierStatus.PROCESSING,
    DossierStatus.SUPPLEMENT_REQUESTED,
    DossierStatus.PAYMENT_REQUIRED,
)
#: Pairs of events that open and close a pause of the office's clock.
PAUSES = {
    EventKind.SUPPLEMENT_REQUESTED: EventKind.SUPPLEMENT_RECEIVED,
    EventKind.PAYMENT_REQUESTED: EventKind.PAID,
}

#: Status of a dossier just received at the counter.
RECEIVED_STATUS = next_status(None, EventKind.RECEIVED)

_PROCEDURE_SQL = (
    "SELECT code, name, day_kind, time_limit, fee, required_papers, active FROM procedures WHERE code = ?"
)
# Columns and stored forms as the ORM models write them: UTC text datetimes,
# 0/1 booleans, JSON text (tests/unit/services/test_intake_rows.py compares).
_INSERT_DOSSIER_SQL = (
    "INSERT INTO dossiers (id, code, procedure_code, applicant_name, applicant_id_number, "
    "applicant_phone, applicant_address, status, received_at, appointment_at, finished_at, "
    "returned_at, received_by, counter_slot, notes, created_at, updated_at, server_version, dirty) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, ?, ?, NULL, 1)"
)
_INSERT_EVENT_SQL = (
    "INSERT INTO dossier_events (id, dossier_id, local_order, kind, at, actor, note, data, "
    "server_version, dirty) VALUES (?, ?, 1, ?, ?, ?, '', '{}', NULL, 1)"
)
_ALLOWED_EVENTS: dict[DossierStatus | None, tuple[EventKind, ...]] = {}


def allowed_events_cached(status: DossierStatus | None) -> tuple[EventKind, ...]:
    """``allowed_events`` of the state machine, computed once per status (it is pure)."""
    allowed = _ALLOWED_EVENTS.get(status)
    if allowed is None:
        allowed = _ALLOWED_EVENTS[status] = allowed_events(status)
    return allowed


def dossier_counter_name(local_day: Any, slot: int) -> str:
    """Local counter holding the last daily number issued by ``slot`` on ``local_day``."""
    # the same text as f"{local_day:%Y%m%d}", without strftime's cost on the intake path
    return f"dossier/{local_day.year}{local_day.month:02d}{local_day.day:02d}/{slot}"


def validate_new_dossier(new: NewDossier) -> NewDossier:
    """Check and normalise what the clerk typed; raise ValidationError on the first problem."""
    name = normalize_text(new.applicant_name or "")
    if not name:
        raise ValidationError("name_required", "applicant name is required", field="applicant_name")
    id_number = validate_id_number(new.applicant_id_number, date_of_birth=new.date_of_birth)
    phone = (
        validate_phone(new.applicant_phone) if new.applicant_phone and new.applicant_phone.strip() else None
    )
    if new.received_at is not None and new.received_at.tzinfo is None:
        raise ValidationError("naive_datetime", "received_at needs a time zone", field="received_at")
    return NewDossier(
        procedure_code=(new.procedure_code or "").strip().upper(),
        applicant_name=name,
        applicant_id_number=id_number,
        applicant_phone=phone,
        applicant_address=normalize_text(new.applicant_address or ""),
        date_of_birth=new.date_of_birth,
        received_at=new.received_at,
        received_by=normalize_text(new.received_by or ""),
        notes=(new.notes or "").strip(),
    )


def event_fields(e: DossierEvent) -> dict[str, Any]:
    """The synced fields of a dossier event, for its create operation."""
    return {
        "dossier_id": e.dossier_id,
        "kind": e.kind,
        "at": e.at,
        "actor": e.actor,
        "note": e.note,
        "data": e.data,
    }


def summary_of(d: Dossier, procedure_name: str, now: datetime) -> DossierSummary:
    """Plain row value of a dossier."""
    status = DossierStatus(d.status)
    return DossierSummary(
        id=d.id,
        code=d.code,
        procedure_code=d.procedure_code,
        procedure_name=procedure_name,
        applicant_name=d.applicant_name,
        applicant_id_number=d.applicant_id_number,
        applicant_phone=d.applicant_phone,
        status=status,
        received_at=d.received_at,
        appointment_at=d.appointment_at,
        received_by=d.received_by,
        overdue=status in RUNNING_STATUSES and d.appointment_at < now,
    )


def attachment_info(a: Attachment) -> AttachmentInfo:
    """Plain value of an attachment row."""
    return AttachmentInfo(
        id=a.id,
        owner_entity=a.owner_entity,
        owner_id=a.owner_id,
        sha256=a.sha256,
        filename=a.filename,
        media_type=a.media_type,
        size=a.size,
        paper_kind=a.paper_kind,
        created_at=a.created_at,
    )


class DossierServices(ServiceBase):
    """Intake and processing of one-stop dossiers."""

    def register_dossier(self, new: NewDossier) -> Outcome[DossierDetail]:
        """Register a dossier received at the counter, in ONE transaction.

        Validate → next code of this counter slot → appointment → dossier row,
        its ``received`` event, their outbox operations and the search keys.
        Raises ValidationError / NumberingError; nothing is written on error.

        This is the counter's hot path (``bench/intake_bench.py``): one Core
        connection's transaction (BEGIN IMMEDIATE), the rows written as
        prepared statements on its sqlite3 connection, and the settings,
        calendar and procedure parsed once per stored version of their rows
        (see ``_office`` and ``_procedure``).
        """
        clean = validate_new_dossier(new)
        received_at = clean.received_at or self._now()
        # A Core connection, not an ORM session: nothing here needs the unit of work.
        with self._write_engine.begin() as connection:
            db = driver_connection(connection)
            procedure = self._procedure(db, clean.procedure_code)
            settings, calendar = self._office(db)
            appointment = calendar.appointment(received_at, procedure.limit)
            local_day = received_at.astimezone(VN_TZ).date()
            counter = dossier_counter_name(local_day, settings.counter_slot)
            number = next_dossier_number(settings.counter_slot, counter_value(connection, counter) or None)
            set_counter(connection, counter, number)
            now = self._now()
            dossier_id, event_id = str(uuid.uuid4()), str(uuid.uuid4())
            code = format_dossier_code(settings.unit_code, local_day, number)
            status = RECEIVED_STATUS
            received_text, now_text = to_utc_text(received_at), to_utc_text(now)
            db.execute(
                _INSERT_DOSSIER_SQL,
                (
                    dossier_id,
                    code,
                    procedure.code,
                    clean.applicant_name,
                    clean.applicant_id_number,
                    clean.applicant_phone,
                    clean.applicant_address,
                    int(status),
                    received_text,
                    to_utc_text(appointment),
                    clean.received_by,
                    settings.counter_slot,
                    clean.notes,
                    now_text,
                    now_text,
                ),
            )
            db.execute(
                _INSERT_EVENT_SQL,
                (event_id, dossier_id, EventKind.RECEIVED.value, received_text, clean.received_by),
            )
            dossier_synced = {
                "code": code,
                "procedure_code": procedure.code,
                "applicant_name": clean.applicant_name,
                "applicant_id_number": clean.applicant_id_number,
                "applicant_phone": clean.applicant_phone,
                "applicant_address": clean.applicant_address,
                "received_at": received_at,
                "appointment_at": appointment,
                "received_by": clean.received_by,
                "counter_slot": settings.counter_slot,
                "notes": clean.notes,
            }
            event_synced = {
                "dossier_id": dossier_id,
                "kind": EventKind.RECEIVED.value,
                "at": received_at,
                "actor": clean.received_by,
                "note": "",
                "data": {},
            }
            self._ops(
                connection,
                [
                    (Entity.DOSSIER, dossier_id, Action.CREATE, None, dossier_synced),
                    (Entity.DOSSIER_EVENT, event_id, Action.CREATE, None, event_synced),
                ],
                at=now,
            )
            keys = record_keys(Entity.DOSSIER, dossier_synced)
            assert keys is not None
            insert_keys(connection, entity=Entity.DOSSIER, entity_id=dossier_id, keys=keys)
        summary = DossierSummary(
            id=dossier_id,
            code=code,
            procedure_code=procedure.code,
            procedure_name=procedure.name,
            applicant_name=clean.applicant_name,
            applicant_id_number=clean.applicant_id_number,
            applicant_phone=clean.applicant_phone,
            status=status,
            received_at=received_at,
            appointment_at=appointment,
            received_by=clean.received_by,
            overdue=status in RUNNING_STATUSES and appointment < self._now(),
        )
        detail = DossierDetail(
            summary=summary,
            applicant_address=clean.applicant_address,
            notes=clean.notes,
            finished_at=None,
            returned_at=None,
            events=(
                DossierEventInfo(
                    id=event_id,
                    kind=EventKind.RECEIVED,
                    at=received_at,
                    actor=clean.received_by,
                    note="",
                    data={},
                ),
            ),
            attachments=(),
            allowed_events=allowed_events_cached(status),
            required_papers=procedure.required_papers,
            fee=procedure.fee,
        )
        return Outcome(
            detail, Changes(frozenset({(Entity.DOSSIER, dossier_id), (Entity.DOSSIER_EVENT, event_id)}))
        )

    def _procedure(self, db: sqlite3.Connection, code: str) -> ProcedureFacts:
        """What intake needs of a current procedure, parsed once per stored version of its row.

        Raises ValidationError for an unknown or inactive procedure.
        """
        row = db.execute(_PROCEDURE_SQL, (code,)).fetchone()
        if row is None:
            raise ValidationError(
                "unknown_procedure", f"no procedure {code!r}", field="procedure_code", code=code
            )
        cached = self._procedure_cache.get(code)
        if cached is not None and cached.row == row:
            facts = cached
        else:
            facts = ProcedureFacts.from_row(row)
            self._procedure_cache[code] = facts
        if not facts.active:
            raise ValidationError(
                "inactive_procedure",
                "procedure no longer in the catalogue",
                field="procedure_code",
                code=facts.code,
            )
        return facts

    def record_event(
        self,
        dossier_id: str,
        kind: EventKind | str,
        *,
        actor: str = "",
        note: str = "",
        at: datetime | None = None,
        data: dict[str, Any] | None = None,
    ) -> Outcome[DossierDetail]:
        """Append an event to a dossier (assign, request supplement, result ready, return...).

        Raises IllegalTransition when the status does not allow it. Resuming
        after a supplement or payment moves the appointment by the paused time;
        ``extended`` takes the new date in ``data["appointment_at"]`` (ISO 8601).
        """
        kind = EventKind(kind)
        at = at or self._now()
        if at.tzinfo is None:
            raise ValidationError("naive_datetime", "event time needs a time zone", field="at")
        with self.store.write.begin() as session:
            dossier = session.get(Dossier, dossier_id)
            if dossier is None:
                raise NotFound(Entity.DOSSIER, dossier_id)
            procedure = session.get(Procedure, dossier.procedure_code)
            assert procedure is not None  # foreign key
            events = list(
                session.scalars(
                    select(DossierEvent)
                    .where(DossierEvent.dossier_id == dossier_id)
                    .order_by(DossierEvent.local_order)
                )
            )
            new_status = next_status(DossierStatus(dossier.status), kind)
            event = DossierEvent(
                id=str(uuid.uuid4()),
                dossier_id=dossier_id,
                local_order=(events[-1].local_order if events else 0) + 1,
                kind=kind.value,
                at=at,
                actor=normalize_text(actor),
                note=(note or "").strip(),
                data=dict(data or {}),
                dirty=True,
            )
            session.add(event)
            events.append(event)
            self._op(session, Entity.DOSSIER_EVENT, event.id, Action.CREATE, event_fields(event))
            dossier.status = int(new_status)
            changed_fields = self._apply_side_effects(session, dossier, procedure, events, event)
            dossier.updated_at = self._now()
            if changed_fields:
                dossier.dirty = True
                self._op(
                    session,
                    Entity.DOSSIER,
                    dossier.id,
                    Action.UPDATE,
                    changed_fields,
                    base_version=dossier.server_version,
                )
            self._audit(
                session,
                f"dossier_{kind.value}",
                actor=event.actor,
                entity=Entity.DOSSIER,
                entity_id=dossier.id,
            )
            attachments = self._attachments(session, dossier.id)
            detail = self._detail(session, dossier, procedure, events, attachments)
        return Outcome(
            detail, Changes.of(Entity.DOSSIER, dossier.id) | Changes.of(Entity.DOSSIER_EVENT, event.id)
        )

    def get_dossier(self, dossier_id: str) -> DossierDetail:
        """Everything about one dossier (raises NotFound)."""
        with self.store.read() as session:
            dossier = session.get(Dossier, dossier_id)
            if dossier is None:
                raise NotFound(Entity.DOSSIER, dossier_id)
            return self._load_detail(session, dossier)

    def get_dossier_by_code(self, code: str) -> DossierDetail:
        """Everything about the dossier with this code (raises NotFound)."""
        with self.store.read() as session:
            dossier = session.scalar(select(Dossier).where(Dossier.code == code.strip().upper()))
            if dossier is None:
                raise NotFound(Entity.DOSSIER, code)
            return self._load_detail(session, dossier)

    # -- internals ---------------------------------------------------------------

    def _apply_side_effects(
        self,
        session: Session,
        dossier: Dossier,
        procedure: Procedure,
        events: list[DossierEvent],
        event: DossierEvent,
    ) -> dict[str, Any]:
        """Update derived dossier fields for ``event``; return the synced fields that changed."""
        kind = EventKind(event.kind)
        changed: dict[str, Any] = {}
        if kind == EventKind.RESULT_READY:
            dossier.finished_at = event.at
        elif kind == EventKind.RETURNED:
            dossier.returned_at = event.at
        elif kind == EventKind.EXTENDED and "appointment_at" in event.data:
            try:
                new_date = datetime.fromisoformat(str(event.data["appointment_at"]))
            except ValueError as exc:
                raise ValidationError(
                    "invalid_datetime", "bad extended appointment", field="appointment_at"
                ) from exc
            if new_date.tzinfo is None:
                raise ValidationError("naive_datetime", "needs a time zone", field="appointment_at")
            dossier.appointment_at = new_date
            changed["appointment_at"] = new_date
        elif kind in PAUSES.values() and procedure.day_kind != DayKind.ON_RECEIPT.value:
            settings = self._load_settings(session)
            limit = TimeLimit(DayKind(procedure.day_kind), procedure.time_limit)
            appointment = self._calendar(settings).appointment(
                dossier.received_at, limit, paused=paused_intervals(events)
            )
            extended = [e for e in events if e.kind == EventKind.EXTENDED.value]
            if not extended and appointment != dossier.appointment_at:
                dossier.appointment_at = appointment
                changed["appointment_at"] = appointment
        return changed

    def _attachments(self, session: Session, dossier_id: str) -> list[Attachment]:
        return list(
            session.scalars(
                select(Attachment)
                .where(Attachment.owner_entity == Entity.DOSSIER, Attachment.owner_id == dossier_id)
                .order_by(Attachment.created_at)
            )
        )

    def _load_detail(self, session: Session, dossier: Dossier) -> DossierDetail:
        procedure = session.get(Procedure, dossier.procedure_code)
        assert procedure is not None
        events = list(
            session.scalars(
                select(DossierEvent)
                .where(DossierEvent.dossier_id == dossier.id)
                .order_by(DossierEvent.local_order)
            )
        )
        return self._detail(session, dossier, procedure, events, self._attachments(session, dossier.id))

    def _detail(
        self,
        session: Session,
        dossier: Dossier,
        procedure: Procedure,
        events: list[DossierEvent],
        attachments: list[Attachment],
    ) -> DossierDetail:
        return DossierDetail(
            summary=summary_of(dossier, procedure.name, self._now()),
            applicant_address=dossier.applicant_address,
            notes=dossier.notes,
            finished_at=dossier.finished_at,
            returned_at=dossier.returned_at,
            events=tuple(
                DossierEventInfo(
                    id=e.id,
                    kind=EventKind(e.kind),
                    at=e.at,
                    actor=e.actor,
                    note=e.note,
                    data=dict(e.data or {}),
                )
                for e in events
            ),
            attachments=tuple(attachment_info(a) for a in attachments),
            allowed_events=allowed_events_cached(DossierStatus(dossier.status)),
            required_papers=tuple(procedure.required_papers or ()),
            fee=procedure.fee,
        )


def paused_intervals(events: list[DossierEvent]) -> list[tuple[datetime, datetime]]:
    """The closed pauses of the office clock (supplement or payment waits) in ``events``."""
    pauses: list[tuple[datetime, datetime]] = []
    opened: tuple[EventKind, datetime] | None = None
    for e in events:
        kind = EventKind(e.kind)
        if kind in PAUSES:
            opened = (kind, e.at)
        elif opened is not None and kind == PAUSES[opened[0]]:
            pauses.append((opened[1], e.at))
            opened = None
    return pauses
