"""Dossier use cases: intake at the counter, recording events, detail."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commune_desk.domain.accounts import ActorLike, actor_name, actor_username, audit_name
from commune_desk.domain.calendar import VN_TZ, DayKind, StatutoryExtension, TimeLimit, WorkCalendar
from commune_desk.domain.codes import counter_slot_range, format_dossier_code, next_dossier_number
from commune_desk.domain.deadlines import APPOINTMENT_EVENTS, extension_of
from commune_desk.domain.dossier import (
    UNDOES,
    DossierStatus,
    EventKind,
    allowed_after,
    allowed_events,
    correctable_step,
    next_status,
)
from commune_desk.domain.errors import IllegalTransition, ValidationError
from commune_desk.domain.identity import validate_id_number, validate_phone
from commune_desk.domain.intake import (
    ReceivedPaper,
    check_received_at,
    clean_papers,
    clean_person_name,
    clean_text,
)
from commune_desk.domain.roles import permission_for_event
from commune_desk.domain.text import fast_fold
from commune_desk.protocol import Action, Entity
from commune_desk.protocol.records import DOSSIER, DOSSIER_EVENT
from commune_desk.services.appointments import (
    apology_data,
    apology_proposal,
    derived_appointment,
)
from commune_desk.services.base import ProcedureFacts, ServiceBase
from commune_desk.services.catalogue import parse_extension
from commune_desk.services.clerks import require
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
from commune_desk.store.outbox import claim_counter, driver_connection, new_ids
from commune_desk.store.search import record_keys, stage_keys
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
#: Status of a dossier just received at the counter.
RECEIVED_STATUS = next_status(None, EventKind.RECEIVED)

_PROCEDURE_SQL = (
    "SELECT code, name, day_kind, time_limit, fee, required_papers, active, extensions, fee_verified "
    "FROM procedures WHERE code = ?"
)
# Columns and stored forms as the ORM models write them: UTC text datetimes,
# 0/1 booleans, JSON text (tests/unit/services/test_intake_rows.py compares).
_INSERT_DOSSIER_SQL = (
    "INSERT INTO dossiers (id, code, procedure_code, applicant_name, applicant_id_number, "
    "applicant_phone, applicant_address, status, received_at, appointment_at, finished_at, "
    "returned_at, received_by, counter_slot, notes, received_papers, applicant_date_of_birth, "
    "extension, created_at, updated_at, server_version, dirty) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 1)"
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


def _limit(rules: Any, name: str) -> int:
    """The longest text the protocol accepts in field ``name`` of a record type."""
    length = rules.fields[name].max_length
    assert length is not None
    return int(length)


def validate_new_dossier(new: NewDossier, *, today: date | None = None) -> NewDossier:
    """Check and normalise what the clerk typed; raise ValidationError on the first problem.

    The birth year in a CCCD is judged against the day of receipt (``today``
    when no time of receipt is given). The window of the time of receipt
    needs the office's settings and is checked by ``register_dossier``.
    """
    if new.received_at is not None and new.received_at.tzinfo is None:
        raise ValidationError("naive_datetime", "received_at needs a time zone", field="received_at")
    judged_on = new.received_at.astimezone(VN_TZ).date() if new.received_at is not None else today
    name = clean_person_name(new.applicant_name, max_length=_limit(DOSSIER, "applicant_name"))
    id_number = validate_id_number(
        clean_text(new.applicant_id_number, field="id_number", max_length=40),
        date_of_birth=new.date_of_birth,
        today=judged_on,
    )
    phone_text = clean_text(new.applicant_phone, field="phone", max_length=40)
    phone = validate_phone(phone_text) if phone_text else None
    return NewDossier(
        procedure_code=clean_text(new.procedure_code, field="procedure_code", max_length=40).upper(),
        applicant_name=name,
        applicant_id_number=id_number,
        applicant_phone=phone,
        applicant_address=clean_text(
            new.applicant_address,
            field="applicant_address",
            max_length=_limit(DOSSIER, "applicant_address"),
        ),
        date_of_birth=new.date_of_birth,
        received_at=new.received_at,
        received_by=clean_text(
            new.received_by, field="received_by", max_length=_limit(DOSSIER, "received_by")
        ),
        notes=clean_text(new.notes, field="notes", max_length=_limit(DOSSIER, "notes"), multiline=True),
        papers=clean_papers(new.papers),
        extension=clean_text(new.extension, field="extension", max_length=40).upper(),
    )


def papers_json(papers: tuple[ReceivedPaper, ...]) -> list[dict[str, object]]:
    """The stored and synced form of received papers."""
    return [p.to_json() for p in papers]


def papers_of(raw: Any) -> tuple[ReceivedPaper, ...]:
    """Received papers from their stored form (entries that do not parse are left out)."""
    papers = []
    for item in raw or ():
        try:
            papers.append(ReceivedPaper.from_json(item))
        except ValidationError:
            continue  # a record from an older or foreign writer: show what can be shown
    return tuple(papers)


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

    def register_dossier(self, new: NewDossier, *, actor: ActorLike | None = None) -> Outcome[DossierDetail]:
        """Register a dossier received at the counter, in ONE transaction.

        Validate → next code of this counter slot → appointment → dossier row,
        its ``received`` event, their outbox operations and the search keys.
        Raises ValidationError / NumberingError; nothing is written on error.
        The time of receipt must lie between the office's start date and a
        few minutes from now (a mistyped year never reaches the codes).
        ``actor`` is the signed-in clerk: their name is the dossier's
        ``received_by`` (else ``new.received_by``, for scripts).

        This is the counter's hot path (``bench/intake_bench.py``): one
        transaction (BEGIN IMMEDIATE) straight on the store's sqlite3
        connection (``Store.direct_write``: no ORM session, no Core
        connection), the rows written as prepared statements, and the
        settings, calendar and procedure parsed once per stored version of
        their rows (see ``_office`` and ``_procedure``).
        """
        if actor is not None:
            new = replace(new, received_by=actor_name(actor))
        now = self._now()
        if new.received_at is not None and new.received_at.tzinfo is None:
            raise ValidationError("naive_datetime", "received_at needs a time zone", field="received_at")
        received_at = new.received_at or now
        # Nothing here needs the unit of work nor SQLAlchemy's statement machinery.
        with self.store.direct_write() as db:
            settings, calendar = self._office_in_writer(db)
            # the window first: a mistyped year explains every other oddity (a "future" birth year)
            check_received_at(received_at, now=now, office_start=settings.office_start_date)
            clean = validate_new_dossier(new, today=now.astimezone(VN_TZ).date())
            procedure = self._procedure_in_writer(db, clean.procedure_code)
            extension = procedure.extension(clean.extension)
            appointment = derived_appointment(
                calendar, received_at=received_at, limit=procedure.limit, extension=extension
            )
            local_day = received_at.astimezone(VN_TZ).date()
            counter = dossier_counter_name(local_day, settings.counter_slot)
            # the slot's first number when the day's counter is new; refused past its last
            # (the claim then rolls back with the transaction): as reading and setting it would
            start = counter_slot_range(settings.counter_slot).start
            number = next_dossier_number(
                settings.counter_slot, claim_counter(db, counter, at_least=start) - 1
            )
            dossier_id, event_id = new_ids(2)
            code = format_dossier_code(settings.unit_code, local_day, number)
            status = RECEIVED_STATUS
            received_text, now_text = to_utc_text(received_at), to_utc_text(now)
            papers = papers_json(clean.papers)
            dossier_synced = {
                "code": code,
                "procedure_code": procedure.code,
                "applicant_name": clean.applicant_name,
                "applicant_id_number": clean.applicant_id_number,
                "applicant_phone": clean.applicant_phone,
                "applicant_address": clean.applicant_address,
                "applicant_date_of_birth": clean.date_of_birth,
                "received_at": received_at,
                "appointment_at": appointment,
                "received_by": clean.received_by,
                "counter_slot": settings.counter_slot,
                "notes": clean.notes,
                "received_papers": papers,
                "extension": clean.extension,
            }
            event_synced = {
                "dossier_id": dossier_id,
                "kind": EventKind.RECEIVED.value,
                "at": received_at,
                "actor": clean.received_by,
                "note": "",
                "data": {},
            }
            # Checked before anything is written: a value the protocol refuses writes nothing.
            ops = self._checked(
                [
                    (Entity.DOSSIER, dossier_id, Action.CREATE, None, dossier_synced),
                    (Entity.DOSSIER_EVENT, event_id, Action.CREATE, None, event_synced),
                ]
            )
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
                    json.dumps(papers),
                    clean.date_of_birth.isoformat() if clean.date_of_birth else None,
                    clean.extension,
                    now_text,
                    now_text,
                ),
            )
            db.execute(
                _INSERT_EVENT_SQL,
                (event_id, dossier_id, EventKind.RECEIVED.value, received_text, clean.received_by),
            )
            self._queue(db, ops, at=now, actor=actor_username(actor))
            keys = record_keys(Entity.DOSSIER, dossier_synced, fold=fast_fold)  # fold, one translate
            assert keys is not None
            stage_keys(db, entity=Entity.DOSSIER, entity_id=dossier_id, keys=keys)  # indexed before a search
            # The reply is built before COMMIT, while the save's values are hot: after the
            # commit's fsync the same work took ~20 us longer (docs/benchmarks.md, round four).
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
                allowed_events=_offered(status, procedure.extensions, extension, []),
                required_papers=procedure.required_papers,
                fee=procedure.fee,
                papers=clean.papers,
                date_of_birth=clean.date_of_birth,
                fee_verified=procedure.fee_verified,
                extension=extension,
                available_extensions=() if extension else procedure.extensions,
            )
            return Outcome(
                detail, Changes(frozenset({(Entity.DOSSIER, dossier_id), (Entity.DOSSIER_EVENT, event_id)}))
            )

    def preview_appointment(self, procedure_code: str, extension: str = "") -> datetime:
        """When a dossier of ``procedure_code`` received now would be due (the intake rule)."""
        with self.store.read() as session:
            db = driver_connection(session)
            procedure = self._procedure(db, procedure_code.strip().upper())
            _settings, calendar = self._office(db)
        return derived_appointment(
            calendar,
            received_at=self._now(),
            limit=procedure.limit,
            extension=procedure.extension(extension.strip().upper()),
        )

    def propose_apology_date(self, dossier_id: str) -> datetime:
        """The new date form 04 proposes for a late dossier (computed with the calendar)."""
        with self.store.read() as session:
            dossier = session.get(Dossier, dossier_id)
            if dossier is None:
                raise NotFound(Entity.DOSSIER, dossier_id)
            _settings, calendar = self._load_office(session)
            return apology_proposal(calendar, appointment=dossier.appointment_at, now=self._now())

    def _procedure_in_writer(self, db: sqlite3.Connection, code: str) -> ProcedureFacts:
        """``_procedure`` inside a ``store.direct_write`` transaction: the row is not read
        again while the writer's generation is unchanged (see ``_office_in_writer``)."""
        writer = self.store.writer
        assert writer is not None
        generation, known = self._writer_procedures
        if generation != writer.generation:
            known = {}
            self._writer_procedures = (writer.generation, known)
        facts = known.get(code)
        if facts is None:  # read, parsed and checked (unknown or inactive: raised, not kept)
            facts = known[code] = self._procedure(db, code)
        return facts

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
        actor: ActorLike = "",
        note: str = "",
        at: datetime | None = None,
        data: dict[str, Any] | None = None,
    ) -> Outcome[DossierDetail]:
        """Append an event to a dossier (assign, request supplement, result ready, return...).

        Raises IllegalTransition when the status does not allow it. The
        appointment follows (``services/appointments.py``): waits for a
        supplement or payment do not count; ``extension_applied`` takes the
        code of a statutory extension of the procedure in ``data["extension"]``;
        ``extended`` (form 04) takes the new date in ``data["appointment_at"]``
        (ISO 8601, a working moment after receipt) and who caused the delay in
        ``data["fault"]``. An extension needs the
        permission to approve extensions (PermissionDenied). A correcting event
        (``undo_*``) needs its reason in ``note`` and takes back only the latest
        step (``correctable_step``); the wrong step stays in the history.
        """
        kind = EventKind(kind)
        at = at or self._now()
        if at.tzinfo is None:
            raise ValidationError("naive_datetime", "event time needs a time zone", field="at")
        actor_text = clean_text(actor_name(actor), field="actor", max_length=_limit(DOSSIER_EVENT, "actor"))
        note = clean_text(note, field="note", max_length=_limit(DOSSIER_EVENT, "note"), multiline=True)
        if kind in UNDOES and not note.strip():
            raise ValidationError("correction_reason_required", "a correction needs its reason", field="note")
        with self.store.write.begin() as session:
            dossier = session.get(Dossier, dossier_id)
            if dossier is None:
                raise NotFound(Entity.DOSSIER, dossier_id)
            permission = permission_for_event(kind)
            if permission is not None:
                require(session, actor, permission)
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
            if kind in UNDOES and correctable_step(e.kind for e in events) != UNDOES[kind]:
                raise IllegalTransition(
                    "nothing_to_correct",
                    f"{kind.value}: the latest step is not {UNDOES[kind].value}",
                    status=dossier.status,
                    event=kind.value,
                )
            _settings, calendar = self._load_office(session)
            event_data = self._event_data(dossier, procedure, calendar, kind, dict(data or {}))
            event = DossierEvent(
                id=str(uuid.uuid4()),
                dossier_id=dossier_id,
                local_order=(events[-1].local_order if events else 0) + 1,
                kind=kind.value,
                at=at,
                actor=actor_text,
                note=note,
                data=event_data,
                dirty=True,
            )
            session.add(event)
            events.append(event)
            username = actor_username(actor)
            self._op(
                session, Entity.DOSSIER_EVENT, event.id, Action.CREATE, event_fields(event), actor=username
            )
            dossier.status = int(new_status)
            self._apply_side_effects(dossier, procedure, calendar, events, event)
            dossier.updated_at = self._now()
            self._audit(
                session,
                f"dossier_{kind.value}",
                actor=audit_name(actor),
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

    def _event_data(
        self,
        dossier: Dossier,
        procedure: Procedure,
        calendar: WorkCalendar,
        kind: EventKind,
        data: dict[str, Any],
    ) -> dict[str, Any]:
        """Check and complete what an event records (form 04, statutory extension)."""
        if kind == EventKind.EXTENDED:
            return apology_data(
                calendar, data=data, received_at=dossier.received_at, previous=dossier.appointment_at
            )
        if kind == EventKind.EXTENSION_APPLIED:
            if dossier.extension:
                raise ValidationError(
                    "extension_already_applied",
                    "the dossier already has its extension",
                    field="extension",
                )
            code = str(data.get("extension", "")).strip().upper()
            ext = _extension_of(procedure, code)
            if ext is None:
                raise ValidationError("unknown_extension", "choose an extension", field="extension")
            return {**data, "extension": ext.code, "legal_basis": ext.legal_basis}
        return data

    def _apply_side_effects(
        self,
        dossier: Dossier,
        procedure: Procedure,
        calendar: WorkCalendar,
        events: list[DossierEvent],
        event: DossierEvent,
    ) -> None:
        """Update the dossier's derived values for ``event`` (nothing to sync: they are derived).

        The status, result and return times, the extension applied and the
        appointment are computed from the event history on every PC (the same
        rule runs on each pull, ``sync.derive``): they never travel as fields of
        their own, so two PCs' histories merge into one date.
        """
        kind = EventKind(event.kind)
        if kind == EventKind.RESULT_READY:
            dossier.finished_at = event.at
        elif kind == EventKind.RETURNED:
            dossier.returned_at = event.at
        elif kind == EventKind.UNDO_RESULT_READY:
            dossier.finished_at = None
        elif kind == EventKind.UNDO_RETURNED:
            dossier.returned_at = None
        elif kind == EventKind.EXTENSION_APPLIED:
            dossier.extension = event.data["extension"]
        if kind in APPOINTMENT_EVENTS:
            dossier.appointment_at = derived_appointment(
                calendar,
                received_at=dossier.received_at,
                limit=TimeLimit(DayKind(procedure.day_kind), procedure.time_limit),
                extension=_extension_of(procedure, dossier.extension),
                events=events,
            )

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
        extensions = tuple(parse_extension(e) for e in procedure.extensions or ())
        extension = _extension_of(procedure, dossier.extension)
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
            allowed_events=_offered(DossierStatus(dossier.status), extensions, extension, events),
            required_papers=tuple(procedure.required_papers or ()),
            fee=procedure.fee,
            papers=papers_of(dossier.received_papers),
            date_of_birth=dossier.applicant_date_of_birth,
            fee_verified=procedure.fee_verified,
            extension=extension,
            available_extensions=() if extension else extensions,
        )


def _extension_of(procedure: Procedure, code: str) -> StatutoryExtension | None:
    """The procedure's extension ``code`` (None for ``""`` or one the catalogue no longer has)."""
    return extension_of(procedure.extensions or (), code)


def _offered(
    status: DossierStatus | None,
    extensions: tuple[StatutoryExtension, ...],
    applied: StatutoryExtension | None,
    events: Sequence[DossierEvent],
) -> tuple[EventKind, ...]:
    """The events offered to the clerk: a statutory extension only when one is left to apply,
    a correction only for the latest step (the history is read only when one could be)."""
    allowed = allowed_events_cached(status)
    if any(k in UNDOES for k in allowed):
        allowed = allowed_after(e.kind for e in events)
    if extensions and applied is None:
        return allowed
    return tuple(k for k in allowed if k != EventKind.EXTENSION_APPLIED)
