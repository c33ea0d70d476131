"""Official-document registers (Decree 30/2020): incoming "số đến", outgoing numbers, voids.

Numbers come from leases of a series held by this device. With no server
configured the PC is its own authority: the first number of a series creates
a local lease covering the whole year. With a server configured and no lease
left, an incoming document is registered with a *provisional* (empty) number
that the sync engine finalises; an outgoing document cannot be issued offline
without a lease (``series_exhausted``), since its number is printed on paper.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from commune_desk.domain.accounts import ActorLike, actor_username, audit_name
from commune_desk.domain.calendar import VN_TZ
from commune_desk.domain.errors import NumberingError, ValidationError
from commune_desk.domain.intake import clean_text
from commune_desk.domain.numbers import (
    Lease,
    SeriesKind,
    format_outgoing_number,
    next_number,
    parse_series_key,
    series_key,
)
from commune_desk.domain.registers import validate_secrecy, validate_symbol, validate_urgency
from commune_desk.domain.roles import Permission
from commune_desk.domain.text import fold
from commune_desk.protocol import Action, Entity
from commune_desk.protocol.records import (
    INCOMING_DOCUMENT,
    NUMBER_VOID,
    OUTGOING_DOCUMENT,
    FieldType,
    RecordRules,
)
from commune_desk.services.base import ServiceBase
from commune_desk.services.clerks import require
from commune_desk.services.errors import NotFound
from commune_desk.services.values import (
    Changes,
    IncomingDocumentInfo,
    NewIncomingDocument,
    NewOutgoingDocument,
    Outcome,
    OutgoingDocumentInfo,
    RegisterBook,
    RegisterRow,
)
from commune_desk.store.models import (
    IncomingDocument,
    IssuedNumber,
    NumberLease,
    OutgoingDocument,
)
from commune_desk.store.search import match_expression, record_keys, set_keys

#: Size of the lease a PC without a server grants itself (the whole year's series).
LOCAL_LEASE_END = 999_999


def incoming_info(d: IncomingDocument, void_reason: str = "") -> IncomingDocumentInfo:
    """Plain value of an incoming register entry."""
    return IncomingDocumentInfo(
        id=d.id,
        series=d.series,
        number=d.number,
        provisional=d.number is None,
        received_on=d.received_on,
        author=d.author,
        number_symbol=d.number_symbol,
        document_date=d.document_date,
        doc_type=d.doc_type,
        summary=d.summary,
        urgency=d.urgency,
        secrecy=d.secrecy,
        handler=d.handler,
        co_handlers=tuple(d.co_handlers or ()),
        deadline=d.deadline,
        assigned_at=d.assigned_at,
        notes=d.notes,
        void_reason=void_reason,
    )


def outgoing_info(d: OutgoingDocument) -> OutgoingDocumentInfo:
    """Plain value of an outgoing register entry."""
    return OutgoingDocumentInfo(
        id=d.id,
        series=d.series,
        number=d.number,
        number_symbol=d.number_symbol,
        symbol=d.symbol,
        state=d.state,
        doc_type=d.doc_type,
        summary=d.summary,
        signer=d.signer,
        recipients=tuple(d.recipients or ()),
        copies=d.copies,
        issued_on=d.issued_on,
        copy_holder=d.copy_holder,
        sent_on=d.sent_on,
        notes=d.notes,
        void_reason=d.void_reason,
    )


def _text(value: str | None, rules: RecordRules, field: str) -> str:
    """Typed text of a register field, within the protocol's length for it."""
    rule = rules.fields[field]
    length = rule.max_length or 4000
    if rule.type == FieldType.LIST:  # a list's limit counts items; each item is one line
        length = 500
    return clean_text(value, field=field, max_length=length, multiline=rule.type == FieldType.MULTILINE)


def _required(value: str, kind: str, rules: RecordRules, field: str) -> str:
    clean = _text(value, rules, field)
    if not clean:
        raise ValidationError(kind, f"{field} is required", field=field)
    return clean


class DocumentServices(ServiceBase):
    """Incoming and outgoing registers and their number series."""

    # -- incoming ------------------------------------------------------------------

    def register_incoming(
        self, new: NewIncomingDocument, *, actor: ActorLike = ""
    ) -> Outcome[IncomingDocumentInfo]:
        """Enter an incoming document with the next "số đến" of its year (one transaction)."""
        author = _required(new.author, "author_required", INCOMING_DOCUMENT, "author")
        summary = _required(new.summary, "summary_required", INCOMING_DOCUMENT, "summary")
        urgency, secrecy = validate_urgency(new.urgency), validate_secrecy(new.secrecy)
        now = self._now()
        received_on = new.received_on or now.astimezone(VN_TZ).date()
        series = series_key(SeriesKind.INCOMING, received_on.year)
        with self.store.write.begin() as session:
            number = self._take_number(session, series, provisional_ok=True)
            doc = IncomingDocument(
                id=str(uuid.uuid4()),
                series=series,
                number=number,
                received_on=received_on,
                author=author,
                number_symbol=_text(new.number_symbol, INCOMING_DOCUMENT, "number_symbol"),
                document_date=new.document_date,
                doc_type=_text(new.doc_type, INCOMING_DOCUMENT, "doc_type"),
                summary=summary,
                urgency=urgency,
                secrecy=secrecy,
                handler="",
                co_handlers=[],
                deadline=None,
                assigned_at=None,
                notes=_text(new.notes, INCOMING_DOCUMENT, "notes"),
                created_at=now,
                updated_at=now,
                dirty=True,
            )
            session.add(doc)
            if number is not None:
                self._record_issue(session, series, number, Entity.INCOMING_DOCUMENT, doc.id)
            self._op(
                session,
                Entity.INCOMING_DOCUMENT,
                doc.id,
                Action.CREATE,
                _incoming_fields(doc),
                actor=actor_username(actor),
            )
            self._index_incoming(session, doc)
            self._audit(
                session,
                "incoming_registered",
                actor=audit_name(actor),
                entity=Entity.INCOMING_DOCUMENT,
                entity_id=doc.id,
                details={"series": series, "number": number},
            )
            info = incoming_info(doc)
        return Outcome(info, Changes.of(Entity.INCOMING_DOCUMENT, doc.id))

    def assign_incoming(
        self,
        document_id: str,
        *,
        handler: str,
        co_handlers: Iterable[str] = (),
        deadline: date | None = None,
        actor: ActorLike = "",
    ) -> Outcome[IncomingDocumentInfo]:
        """Record the leader's instruction: lead handler, co-handlers, deadline."""
        handler = _required(handler, "handler_required", INCOMING_DOCUMENT, "handler")
        helpers = [_text(c, INCOMING_DOCUMENT, "co_handlers") for c in co_handlers]
        with self.store.write.begin() as session:
            doc = session.get(IncomingDocument, document_id)
            if doc is None:
                raise NotFound(Entity.INCOMING_DOCUMENT, document_id)
            doc.handler = handler
            doc.co_handlers = [c for c in helpers if c]
            doc.deadline = deadline
            doc.assigned_at = self._now()
            doc.updated_at = doc.assigned_at
            doc.dirty = True
            self._op(
                session,
                Entity.INCOMING_DOCUMENT,
                doc.id,
                Action.UPDATE,
                {
                    "handler": doc.handler,
                    "co_handlers": doc.co_handlers,
                    "deadline": deadline,
                    "assigned_at": doc.assigned_at,
                },
                base_version=doc.server_version,
                actor=actor_username(actor),
            )
            self._audit(
                session,
                "incoming_assigned",
                actor=audit_name(actor),
                entity=Entity.INCOMING_DOCUMENT,
                entity_id=doc.id,
                details={"handler": handler},
            )
            info = incoming_info(doc)
        return Outcome(info, Changes.of(Entity.INCOMING_DOCUMENT, doc.id))

    def list_incoming(
        self, *, year: int | None = None, limit: int = 100, offset: int = 0
    ) -> list[IncomingDocumentInfo]:
        """Incoming register entries, newest number first."""
        stmt = select(IncomingDocument)
        if year is not None:
            stmt = stmt.where(IncomingDocument.series == series_key(SeriesKind.INCOMING, year))
        stmt = stmt.order_by(IncomingDocument.received_on.desc(), IncomingDocument.number.desc())
        with self.store.read() as session:
            return [incoming_info(d) for d in session.scalars(stmt.limit(limit).offset(offset))]

    # -- outgoing ------------------------------------------------------------------

    def register_outgoing(
        self,
        new: NewOutgoingDocument,
        *,
        issue: bool = True,
        issued_on: date | None = None,
        actor: ActorLike = "",
    ) -> Outcome[OutgoingDocumentInfo]:
        """Enter an outgoing document; with ``issue`` it gets its number now (``05/QĐ-UBND``),
        which records that it is signed (the permission to sign outgoing documents)."""
        symbol = validate_symbol(new.symbol)
        summary = _required(new.summary, "summary_required", OUTGOING_DOCUMENT, "summary")
        if not 1 <= new.copies <= 9999:
            raise ValidationError("invalid_copies", "copies must be 1..9999", field="copies")
        recipients = [_text(r, OUTGOING_DOCUMENT, "recipients") for r in new.recipients]
        now = self._now()
        kind = SeriesKind.OUTGOING_SECRET if new.secret else SeriesKind.OUTGOING
        year = (issued_on or now.astimezone(VN_TZ).date()).year
        with self.store.write.begin() as session:
            if issue:
                require(session, actor, Permission.SIGN_OUTGOING)
            doc = OutgoingDocument(
                id=str(uuid.uuid4()),
                series=series_key(kind, year),
                number=None,
                symbol=symbol,
                number_symbol="",
                state="draft",
                doc_type=_text(new.doc_type, OUTGOING_DOCUMENT, "doc_type"),
                summary=summary,
                signer=_text(new.signer, OUTGOING_DOCUMENT, "signer"),
                recipients=[r for r in recipients if r],
                copies=new.copies,
                issued_on=None,
                copy_holder=_text(new.copy_holder, OUTGOING_DOCUMENT, "copy_holder"),
                sent_on=None,
                notes=_text(new.notes, OUTGOING_DOCUMENT, "notes"),
                void_reason="",
                created_at=now,
                updated_at=now,
                dirty=True,
            )
            session.add(doc)
            if issue:
                self._issue(session, doc, issued_on or now.astimezone(VN_TZ).date())
            self._op(
                session,
                Entity.OUTGOING_DOCUMENT,
                doc.id,
                Action.CREATE,
                _outgoing_fields(doc),
                actor=actor_username(actor),
            )
            self._index_outgoing(session, doc)
            self._audit(
                session,
                "outgoing_registered",
                actor=audit_name(actor),
                entity=Entity.OUTGOING_DOCUMENT,
                entity_id=doc.id,
                details={"number": doc.number_symbol},
            )
            info = outgoing_info(doc)
        return Outcome(info, Changes.of(Entity.OUTGOING_DOCUMENT, doc.id))

    def issue_outgoing(
        self, document_id: str, *, issued_on: date | None = None, actor: ActorLike = ""
    ) -> Outcome[OutgoingDocumentInfo]:
        """Give a draft outgoing document its number (after signing; a signing permission)."""
        with self.store.write.begin() as session:
            require(session, actor, Permission.SIGN_OUTGOING)
            doc = session.get(OutgoingDocument, document_id)
            if doc is None:
                raise NotFound(Entity.OUTGOING_DOCUMENT, document_id)
            if doc.number is not None:
                raise ValidationError("already_issued", "document already has a number", field="number")
            self._issue(session, doc, issued_on or self._now().astimezone(VN_TZ).date())
            self._op(
                session,
                Entity.OUTGOING_DOCUMENT,
                doc.id,
                Action.UPDATE,
                {
                    "number": doc.number,
                    "number_symbol": doc.number_symbol,
                    "state": doc.state,
                    "issued_on": doc.issued_on,
                    "sent_on": doc.sent_on,
                    "series": doc.series,
                },
                base_version=doc.server_version,
                actor=actor_username(actor),
            )
            self._index_outgoing(session, doc)
            self._audit(
                session,
                "outgoing_issued",
                actor=audit_name(actor),
                entity=Entity.OUTGOING_DOCUMENT,
                entity_id=doc.id,
                details={"number": doc.number_symbol},
            )
            info = outgoing_info(doc)
        return Outcome(info, Changes.of(Entity.OUTGOING_DOCUMENT, doc.id))

    def list_outgoing(
        self, *, year: int | None = None, limit: int = 100, offset: int = 0
    ) -> list[OutgoingDocumentInfo]:
        """Outgoing register entries, newest first."""
        stmt = select(OutgoingDocument)
        if year is not None:
            stmt = stmt.where(
                OutgoingDocument.series.in_(
                    [series_key(SeriesKind.OUTGOING, year), series_key(SeriesKind.OUTGOING_SECRET, year)]
                )
            )
        stmt = stmt.order_by(OutgoingDocument.created_at.desc())
        with self.store.read() as session:
            return [outgoing_info(d) for d in session.scalars(stmt.limit(limit).offset(offset))]

    def search_documents(
        self, text_query: str, *, limit: int = 50
    ) -> list[IncomingDocumentInfo | OutgoingDocumentInfo]:
        """Register entries whose summary, author, number or signer match (folded), newest first."""
        match = match_expression(fold(text_query))
        if match is None:
            return []
        with self.store.read() as session:
            hits = session.execute(
                text(
                    "SELECT k.entity, k.entity_id FROM search_fts "
                    "JOIN search_keys k ON k.id = search_fts.rowid "
                    "WHERE search_fts MATCH :match "
                    "AND k.entity IN ('incoming_document', 'outgoing_document') "
                    "ORDER BY search_fts.rowid DESC LIMIT :limit"
                ),
                {"match": match, "limit": limit},
            ).all()
            found: list[IncomingDocumentInfo | OutgoingDocumentInfo] = []
            for entity, entity_id in hits:
                if entity == Entity.INCOMING_DOCUMENT:
                    doc_in = session.get(IncomingDocument, entity_id)
                    if doc_in is not None:
                        found.append(incoming_info(doc_in))
                else:
                    doc_out = session.get(OutgoingDocument, entity_id)
                    if doc_out is not None:
                        found.append(outgoing_info(doc_out))
            return found

    # -- numbers ---------------------------------------------------------------------

    def void_number(self, series: str, number: int, *, reason: str, actor: ActorLike = "") -> Outcome[int]:
        """Void a register-book number: recorded, never reused, sent to the city server.

        An issued number voids its document too (an outgoing document's state
        becomes ``voided``, with the reason); an unissued number of this
        device's leases is consumed as voided. The void, the document's change
        and their outbox operations are one transaction, so the next pull
        finds the server agreeing and undoes nothing. Audited with ``actor``.
        """
        reason = _required(reason, "reason_required", NUMBER_VOID, "reason")
        parse_series_key(series)  # NumberingError for a series that does not exist
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 999_999:
            raise NumberingError("number_not_voidable", "no such number", series=series, number=number)
        changes = Changes.of("number", f"{series}#{number}")
        with self.store.write.begin() as session:
            require(session, actor, Permission.VOID_NUMBER)
            issued = session.scalar(
                select(IssuedNumber).where(IssuedNumber.series == series, IssuedNumber.number == number)
            )
            if issued is not None and issued.voided:
                raise NumberingError(
                    "number_not_voidable", "number already voided", series=series, number=number
                )
            if issued is None:
                leases = self._leases(session, series)
                if not any(number in lease for lease in leases):
                    raise NumberingError(
                        "number_not_voidable",
                        "number outside this device's leases",
                        series=series,
                        number=number,
                    )
                issued = self._record_issue(session, series, number, "", None)
            issued.voided, issued.void_reason = True, reason
            changes |= self._void_document(session, issued, reason, actor_username(actor))
            self._op(
                session,
                Entity.NUMBER_VOID,
                issued.id,
                Action.CREATE,
                {
                    "series": series,
                    "number": number,
                    "reason": reason,
                    "entity": issued.entity,
                    "entity_id": issued.entity_id,
                },
                actor=actor_username(actor),
            )
            self._audit(
                session,
                "number_voided",
                actor=audit_name(actor),
                entity=Entity.NUMBER_VOID,
                entity_id=issued.id,
                details={"series": series, "number": number, "reason": reason},
            )
        return Outcome(number, changes)

    def _void_document(
        self, session: Session, issued: IssuedNumber, reason: str, username: str | None = None
    ) -> Changes:
        """Mark the outgoing document holding a voided number, with its outbox operation."""
        if issued.entity != Entity.OUTGOING_DOCUMENT or not issued.entity_id:
            return Changes.of(issued.entity, issued.entity_id) if issued.entity_id else Changes()
        doc = session.get(OutgoingDocument, issued.entity_id)
        if doc is None:
            return Changes()
        doc.state, doc.void_reason = "voided", reason
        doc.dirty, doc.updated_at = True, self._now()
        self._op(
            session,
            Entity.OUTGOING_DOCUMENT,
            doc.id,
            Action.UPDATE,
            {"state": doc.state, "void_reason": reason},
            base_version=doc.server_version,
            actor=username,
        )
        return Changes.of(Entity.OUTGOING_DOCUMENT, doc.id)

    def register_book(self, series: str) -> RegisterBook:
        """The whole register book of ``series`` as printed, whatever the screen shows.

        Every number issued or voided in order, voided ones with their reason
        (an unused number voided ahead has no document), then the entries
        still waiting for their number.
        """
        kind, _year = parse_series_key(series)
        with self.store.read() as session:
            voids = {
                row.number: row.void_reason
                for row in session.scalars(
                    select(IssuedNumber).where(IssuedNumber.series == series, IssuedNumber.voided)
                )
            }
            docs: list[IncomingDocumentInfo | OutgoingDocumentInfo]
            if kind == SeriesKind.INCOMING:
                docs = [
                    incoming_info(d, voids.get(d.number or 0, ""))
                    for d in session.scalars(
                        select(IncomingDocument).where(IncomingDocument.series == series)
                    )
                ]
            else:
                docs = [
                    outgoing_info(d)
                    for d in session.scalars(
                        select(OutgoingDocument).where(
                            OutgoingDocument.series == series, OutgoingDocument.number.is_not(None)
                        )
                    )
                ]
        by_number = {d.number: d for d in docs if d.number is not None}
        numbers = sorted(set(by_number) | set(voids))
        rows = [RegisterRow(n, by_number.get(n), voids.get(n, "")) for n in numbers]
        waiting = sorted(
            (d for d in docs if d.number is None),
            key=lambda d: (getattr(d, "received_on", None) or date.min, d.id),
        )
        rows += [RegisterRow(None, d) for d in waiting]
        return RegisterBook(series=series, rows=tuple(rows))

    def add_lease(self, lease: Lease, *, source: str = "server") -> Outcome[str]:
        """Store a block of numbers granted to this device (called by the sync engine)."""
        with self.store.write.begin() as session:
            lease_id = lease.lease_id or str(uuid.uuid4())
            session.merge(
                NumberLease(
                    lease_id=lease_id,
                    series=lease.series,
                    start=lease.start,
                    end=lease.end,
                    source=source,
                    granted_at=self._now(),
                )
            )
        return Outcome(lease_id, Changes.of("number_lease", lease_id))

    # -- internals ---------------------------------------------------------------------

    def _leases(self, session: Session, series: str) -> list[Lease]:
        return [
            Lease(series=row.series, start=row.start, end=row.end, lease_id=row.lease_id)
            for row in session.scalars(select(NumberLease).where(NumberLease.series == series))
        ]

    def _take_number(self, session: Session, series: str, *, provisional_ok: bool) -> int | None:
        leases = self._leases(session, series)
        if not leases and self._load_settings(session).server_url is None:
            lease_id = str(uuid.uuid4())
            session.add(
                NumberLease(
                    lease_id=lease_id,
                    series=series,
                    start=1,
                    end=LOCAL_LEASE_END,
                    source="local",
                    granted_at=self._now(),
                )
            )
            leases = [Lease(series=series, start=1, end=LOCAL_LEASE_END, lease_id=lease_id)]
        issued = set(session.scalars(select(IssuedNumber.number).where(IssuedNumber.series == series)))
        number = next_number(leases, issued)
        if number is None and not provisional_ok:
            raise NumberingError("series_exhausted", f"no number left in {series}", series=series)
        return number

    def _record_issue(
        self, session: Session, series: str, number: int, entity: str, entity_id: str | None
    ) -> IssuedNumber:
        row = IssuedNumber(
            id=str(uuid.uuid4()),
            series=series,
            number=number,
            entity=entity,
            entity_id=entity_id,
            voided=False,
            void_reason="",
            at=self._now(),
        )
        session.add(row)
        return row

    def _issue(self, session: Session, doc: OutgoingDocument, issued_on: date) -> None:
        kind = SeriesKind.OUTGOING_SECRET if doc.series.startswith("outgoing-secret") else SeriesKind.OUTGOING
        doc.series = series_key(kind, issued_on.year)
        number = self._take_number(session, doc.series, provisional_ok=False)
        assert number is not None
        doc.number = number
        doc.number_symbol = format_outgoing_number(number, doc.symbol)
        doc.state, doc.issued_on, doc.updated_at = "issued", issued_on, self._now()
        # Decree 30/2020: sent out the day it is signed, at the latest the next working day.
        doc.sent_on = doc.sent_on or issued_on
        self._record_issue(session, doc.series, number, Entity.OUTGOING_DOCUMENT, doc.id)

    def _index_incoming(self, session: Session, doc: IncomingDocument) -> None:
        _index(session, Entity.INCOMING_DOCUMENT, doc)

    def _index_outgoing(self, session: Session, doc: OutgoingDocument) -> None:
        _index(session, Entity.OUTGOING_DOCUMENT, doc)


def _index(session: Session, entity: Entity, doc: IncomingDocument | OutgoingDocument) -> None:
    keys = record_keys(entity, doc)
    assert keys is not None  # both registers are indexed
    set_keys(session, entity=entity, entity_id=doc.id, keys=keys)


def _incoming_fields(d: IncomingDocument) -> dict[str, Any]:
    return {
        "series": d.series,
        "number": d.number,
        "received_on": d.received_on,
        "author": d.author,
        "number_symbol": d.number_symbol,
        "document_date": d.document_date,
        "doc_type": d.doc_type,
        "summary": d.summary,
        "urgency": d.urgency,
        "secrecy": d.secrecy,
        "notes": d.notes,
    }


def _outgoing_fields(d: OutgoingDocument) -> dict[str, Any]:
    return {
        "series": d.series,
        "number": d.number,
        "symbol": d.symbol,
        "number_symbol": d.number_symbol,
        "state": d.state,
        "doc_type": d.doc_type,
        "summary": d.summary,
        "signer": d.signer,
        "recipients": d.recipients,
        "copies": d.copies,
        "issued_on": d.issued_on,
        "copy_holder": d.copy_holder,
        "sent_on": d.sent_on,
        "notes": d.notes,
        "void_reason": d.void_reason,
    }
