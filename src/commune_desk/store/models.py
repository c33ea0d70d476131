"""SQLAlchemy 2.0 models of the local store.

Every record the clerk creates has a client-generated UUID (lower-case text).
Records that sync carry ``server_version`` (the server's version the local
copy is based on, ``None`` until the server has seen it) and ``dirty`` (there
are local changes not yet acknowledged by the server). The schema itself is
owned by Alembic (``store/migrations``); these classes must match it, and
``tests/unit/store`` checks that they do.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from commune_desk.store.types import UTCDateTime


class Base(DeclarativeBase):
    """Declarative base of every store table."""

    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class SyncedMixin:
    """Columns every synced record carries."""

    server_version: Mapped[int | None] = mapped_column(Integer, default=None)
    dirty: Mapped[bool] = mapped_column(Boolean, default=True)


# --- reference data -----------------------------------------------------------


class Procedure(Base):
    """One administrative procedure of the catalogue (replaced as a whole)."""

    __tablename__ = "procedures"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    field: Mapped[str] = mapped_column(Text, default="")
    day_kind: Mapped[str] = mapped_column(String(20))
    time_limit: Mapped[int] = mapped_column(Integer)
    fee: Mapped[str] = mapped_column(Text, default="")
    required_papers: Mapped[list[Any]] = mapped_column(default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    #: Statutory extensions the law allows (``[{"code", "name", "legal_basis", "kind", "amount"}]``).
    extensions: Mapped[list[Any]] = mapped_column(default=list)
    #: False when the fee text has not been checked against current law (never printed for citizens).
    fee_verified: Mapped[bool] = mapped_column(Boolean, default=True)
    #: False for procedures dropped by a newer catalogue but still referenced by dossiers.
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ReferenceVersion(Base):
    """Version of each replaceable reference data set (``procedures``, ``holidays``)."""

    __tablename__ = "reference_versions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    replaced_at: Mapped[datetime]


class WorkCalendarRow(SyncedMixin, Base):
    """The office's working calendar (one row, synced like a record; see services/calendar.py).

    ``base_days``/``overrides`` are lists of ``{"date", "kind", "name"}``;
    ``hours`` is ``{"sessions": [[start, end], ...], "same_day_cutoff": ...}``.
    """

    __tablename__ = "work_calendar"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    base_version: Mapped[int] = mapped_column(Integer)
    base_source: Mapped[str] = mapped_column(Text, default="")
    base_days: Mapped[list[Any]] = mapped_column(default=list)
    overrides_version: Mapped[int] = mapped_column(Integer, default=0)
    overrides: Mapped[list[Any]] = mapped_column(default=list)
    hours: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime]


class Setting(Base):
    """One installation setting (JSON value), e.g. ``office``, ``office_hours``."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class LocalCounter(Base):
    """Named monotonically increasing counters (outbox sequence, daily dossier numbers)."""

    __tablename__ = "local_counters"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


# --- one-stop dossiers --------------------------------------------------------


class Dossier(SyncedMixin, Base):
    """A dossier received at the counter; ``status`` is derived from its events."""

    __tablename__ = "dossiers"
    __table_args__ = (
        Index("ix_dossiers_received", "received_at", "id"),
        Index("ix_dossiers_status_received", "status", "received_at", "id"),
        Index("ix_dossiers_status_appointment", "status", "appointment_at"),
        Index("ix_dossiers_clerk_received", "received_by", "received_at", "id"),
        Index("ix_dossiers_procedure", "procedure_code", "received_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    procedure_code: Mapped[str] = mapped_column(ForeignKey("procedures.code"))
    applicant_name: Mapped[str] = mapped_column(Text)
    applicant_id_number: Mapped[str] = mapped_column(String(12))
    applicant_phone: Mapped[str | None] = mapped_column(String(15))
    applicant_address: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime]
    appointment_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    returned_at: Mapped[datetime | None]
    received_by: Mapped[str] = mapped_column(Text, default="")
    counter_slot: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    #: Papers received at the counter: ``[{"name", "form", "count"}]`` (printed on form 01).
    received_papers: Mapped[list[Any]] = mapped_column(default=list)
    applicant_date_of_birth: Mapped[date | None] = mapped_column(Date)
    #: Code of the statutory extension applied (``""`` for none), from the procedure catalogue.
    extension: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class DossierEvent(SyncedMixin, Base):
    """An append-only event in a dossier's history."""

    __tablename__ = "dossier_events"
    __table_args__ = (Index("ix_dossier_events_dossier", "dossier_id", "local_order"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"))
    local_order: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Attachment(SyncedMixin, Base):
    """Metadata of an attached file; the bytes live in the blob folder by SHA-256."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_owner", "owner_entity", "owner_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner_entity: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[str] = mapped_column(String(36))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(Text)
    media_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size: Mapped[int] = mapped_column(Integer)
    paper_kind: Mapped[str] = mapped_column(String(30), default="")
    uploaded: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]


# --- official documents (văn thư) --------------------------------------------


class IncomingDocument(SyncedMixin, Base):
    """An entry of the incoming register (số đến)."""

    __tablename__ = "incoming_documents"
    __table_args__ = (
        UniqueConstraint("series", "number", name="uq_incoming_series_number"),
        Index("ix_incoming_received", "received_on"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    series: Mapped[str] = mapped_column(String(40))
    number: Mapped[int | None] = mapped_column(Integer)
    received_on: Mapped[date] = mapped_column(Date)
    author: Mapped[str] = mapped_column(Text)
    number_symbol: Mapped[str] = mapped_column(Text, default="")
    document_date: Mapped[date | None] = mapped_column(Date)
    doc_type: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text)
    urgency: Mapped[str] = mapped_column(String(20), default="")
    secrecy: Mapped[str] = mapped_column(String(20), default="")
    handler: Mapped[str] = mapped_column(Text, default="")
    co_handlers: Mapped[list[Any]] = mapped_column(default=list)
    deadline: Mapped[date | None] = mapped_column(Date)
    assigned_at: Mapped[datetime | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class OutgoingDocument(SyncedMixin, Base):
    """An entry of the outgoing register; ``number`` is given at issue time."""

    __tablename__ = "outgoing_documents"
    __table_args__ = (UniqueConstraint("series", "number", name="uq_outgoing_series_number"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    series: Mapped[str] = mapped_column(String(40))
    number: Mapped[int | None] = mapped_column(Integer)
    symbol: Mapped[str] = mapped_column(Text)
    number_symbol: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default="draft")
    doc_type: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text)
    signer: Mapped[str] = mapped_column(Text, default="")
    recipients: Mapped[list[Any]] = mapped_column(default=list)
    copies: Mapped[int] = mapped_column(Integer, default=1)
    issued_on: Mapped[date | None] = mapped_column(Date)
    #: Unit or person keeping the file copy ("đơn vị, người nhận bản lưu").
    copy_holder: Mapped[str] = mapped_column(Text, default="")
    #: Date the document was sent out ("ngày chuyển").
    sent_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    #: Why the number was voided (state ``voided``).
    void_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class NumberLease(Base):
    """A block of register-book numbers this device may issue (local or server-granted)."""

    __tablename__ = "number_leases"

    lease_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    series: Mapped[str] = mapped_column(String(40), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(10), default="local")
    granted_at: Mapped[datetime]


class IssuedNumber(Base):
    """Every register-book number this device issued or voided; never reused."""

    __tablename__ = "issued_numbers"
    __table_args__ = (UniqueConstraint("series", "number", name="uq_issued_series_number"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    series: Mapped[str] = mapped_column(String(40))
    number: Mapped[int] = mapped_column(Integer)
    entity: Mapped[str] = mapped_column(String(40), default="")
    entity_id: Mapped[str | None] = mapped_column(String(36))
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    void_reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]


# --- search -------------------------------------------------------------------


class SearchKey(Base):
    """Folded search text of one record; the FTS5 table ``search_fts`` mirrors it by trigger."""

    __tablename__ = "search_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(36), unique=True)
    keys: Mapped[str] = mapped_column(Text)


class StagedSearchKey(Base):
    """Search text a counter intake saved, not yet moved into ``search_keys`` and the index.

    The intake writes its dossier's keys here (one page) instead of through the
    FTS5 index (~8 pages); ``store.search.index_staged`` moves them in before
    anything reads the index (see ``store/search.py``).
    """

    __tablename__ = "search_staged"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(36))
    keys: Mapped[str] = mapped_column(Text)


# --- sync plumbing ------------------------------------------------------------


class OutboxOp(Base):
    """One sync operation waiting to be pushed (see docs/architecture.md).

    ``state``: ``pending`` → ``in_flight`` → ``done``, or ``quarantined`` when
    the server rejects it. ``seq`` is gapless per device and never reused.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("device_id", "seq", name="uq_outbox_device_seq"),
        Index("ix_outbox_entity_id", "entity_id", "entity"),
    )

    op_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36))
    seq: Mapped[int] = mapped_column(Integer)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(10))
    base_version: Mapped[int | None] = mapped_column(Integer)
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None]
    #: User name of the signed-in person who made the change (None: the installation itself).
    actor: Mapped[str | None] = mapped_column(Text, default=None)


class SyncState(Base):
    """One row per device: where the pull cursor is and how the last sync went."""

    __tablename__ = "sync_state"

    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    server_url: Mapped[str | None] = mapped_column(Text)
    cursor: Mapped[int] = mapped_column(Integer, default=0)
    leases: Mapped[dict[str, Any]] = mapped_column(default=dict)
    last_success_at: Mapped[datetime | None]
    last_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    #: The server epoch of the commune this PC last synced in (None: never).
    epoch: Mapped[str | None] = mapped_column(Text)
    #: Highest op seq of this device the server has confirmed.
    confirmed_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: Every seq of this device up to here is on the server or declared lost: local
    #: operations may be missing below it (a restore, a renumbering), never above.
    seq_floor: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: A pull from zero is under way (the server was restored); ends with a sweep.
    resync: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: Revoked with a drain: operations up to this seq may still be delivered.
    drain_boundary: Mapped[int | None] = mapped_column(Integer)
    #: The calm sentence to show the clerk after a recovery (a ``messages`` kind).
    notice: Mapped[str | None] = mapped_column(String(40))


class PulledRejection(Base):
    """A pulled record this PC could not apply (kept with its reason; the pull goes on)."""

    __tablename__ = "pulled_rejections"

    entity_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    entity: Mapped[str] = mapped_column(String(40))
    seq: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]


class QuarantinedOp(Base):
    """An operation the server rejected, kept for the clerk to resolve."""

    __tablename__ = "quarantine"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    op_id: Mapped[str] = mapped_column(ForeignKey("outbox.op_id"), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolution: Mapped[str | None] = mapped_column(Text)


class Conflict(Base):
    """A field changed on both sides with different values, for a person to resolve."""

    __tablename__ = "conflicts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(36), index=True)
    field: Mapped[str] = mapped_column(String(60))
    base_version: Mapped[int | None] = mapped_column(Integer)
    local_value: Mapped[Any] = mapped_column(JSON)
    server_value: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(Text)
    chosen_value: Mapped[Any] = mapped_column(JSON, nullable=True)


class ClerkAccount(Base):
    """A person who signs in on this PC (local, or one of the commune's server users).

    ``verifier`` is the salted scrypt verifier of the password (never the password,
    never a server hash); ``None`` until the person's first sign-in here, which
    then needs the server. Never synced as a record.
    """

    __tablename__ = "clerk_accounts"

    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    full_name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: ``local`` (created on this PC) or ``server`` (one of the commune's server users).
    source: Mapped[str] = mapped_column(String(10), default="local")
    verifier: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True, default=None)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    last_sign_in_at: Mapped[datetime | None]


class AuditEntry(Base):
    """Who did what, when (append-only)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(Text, default="")
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40), default="")
    entity_id: Mapped[str | None] = mapped_column(String(36))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
