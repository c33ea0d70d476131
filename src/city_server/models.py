"""Database tables of the reference city server (SQLAlchemy 2.0 declarative).

Synchronised records are stored generically: one row per (commune, entity,
entity_id) with its version, its fields as JSON, and the version at which
each field last changed (for per-field merge). ``change_seq`` is the
per-commune change sequence of the record's latest change; pull reads rows
ordered by it. The schema is created by the Alembic migrations in
``city_server/migrations``; a test checks both agree.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Json = JSON().with_variant(JSONB(), "postgresql")
# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    """Current time, timezone-aware UTC."""
    return datetime.now(UTC)


def new_epoch() -> str:
    """A fresh, random commune epoch."""
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    """Declarative base with deterministic constraint names (for migrations)."""

    metadata = MetaData(naming_convention=NAMING)


class Commune(Base):
    """A commune or ward: the unit of data scope. Holds its change sequence."""

    __tablename__ = "commune"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    change_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: Changes whenever this commune's history on the server was rewound (database restored
    #: or replaced, or declared by the operator); PCs then pull again from zero.
    epoch: Mapped[str] = mapped_column(String(36), default=new_epoch)
    epoch_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    epoch_reason: Mapped[str] = mapped_column(String(200), default="")
    #: After a restore, no new counter slot or number block is granted before this time
    #: (the PCs' reports give back what the database lost first).
    recovery_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The office's adjustments of the default role rules ``{permission: [roles]}`` (None: defaults).
    role_rules: Mapped[dict[str, Any] | None] = mapped_column(Json, nullable=True)


class User(Base):
    """A clerk, leader or administrator of one commune."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"), index=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: The person's full name, printed on the PCs' slips and registers.
    full_name: Mapped[str] = mapped_column(String(200), default="")


class Device(Base):
    """An installation of the desktop app, bound to one commune at first login."""

    __tablename__ = "device"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    name: Mapped[str] = mapped_column(String(200), default="")
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Revoked with a drain: it may still push what it made before, until then.
    drain_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    drained_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    public_key: Mapped[str | None] = mapped_column(String(64))
    """The device's Ed25519 public key (base64); every login and refresh proves it."""
    pending_public_key: Mapped[str | None] = mapped_column(String(64))
    """A key offered at a refused login by a user of the commune, for a leader to re-bind."""
    is_relay: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    """A leader registered this device as its commune's office relay (docs/relay.md)."""


class ServerMeta(Base):
    """This server instance: its identity (``source_id``) and the key that signs carry replies.

    One row. A relay's database has its own row, so a counter can tell which
    server its cursor belongs to.
    """

    __tablename__ = "server_meta"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[str] = mapped_column(String(36))
    signing_key: Mapped[str] = mapped_column(String(64))
    """Ed25519 private key (base64 of 32 raw bytes): a secret of the server."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuthToken(Base):
    """An access or refresh token, stored as its SHA-256 only.

    A refresh token that was rotated keeps its row for a short grace period:
    ``successor`` holds the pair it was exchanged for, encrypted under a key
    derived from the old refresh token itself, so a client whose reply was lost
    gets the same pair again and a database reader learns nothing.
    """

    __tablename__ = "auth_token"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    device_id: Mapped[str] = mapped_column(ForeignKey("device.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    rotated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    successor: Mapped[bytes | None] = mapped_column(LargeBinary)


class DeviceNonce(Base):
    """A single-use challenge a device signs to prove it holds its key."""

    __tablename__ = "device_nonce"
    nonce_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class RateCounter(Base):
    """A rate-limit counter (``limits`` storage): hits of one key in its current window."""

    __tablename__ = "rate_counter"
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Float, index=True)
    """Unix time at which the window ends and the counter starts again from zero."""


class SecurityEvent(Base):
    """Audit trail: failed and successful logins, locks, device keys, revocations."""

    __tablename__ = "security_event"
    __table_args__ = (Index(None, "username", "at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(40))
    username: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(64))
    device_id: Mapped[str | None] = mapped_column(String(36))
    commune_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str | None] = mapped_column(String(100))
    detail: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)


class Record(Base):
    """Current state of one synchronised record (or its tombstone)."""

    __tablename__ = "record"
    __table_args__ = (
        UniqueConstraint("commune_id", "entity", "entity_id"),
        Index(None, "commune_id", "change_seq"),
        Index(None, "commune_id", "parent_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(36))
    version: Mapped[int] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    fields: Mapped[dict[str, Any]] = mapped_column(Json)
    field_versions: Mapped[dict[str, int]] = mapped_column(Json)
    change_seq: Mapped[int] = mapped_column(BigInteger)
    parent_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OpResultRow(Base):
    """The stored outcome of one pushed operation (the idempotency record)."""

    __tablename__ = "op_result"
    # op_id is unique per commune only: a device never learns another commune's op_ids.
    __table_args__ = (UniqueConstraint("commune_id", "op_id"),)
    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    op_id: Mapped[str] = mapped_column(String(36))
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"))
    status: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str | None] = mapped_column(String(40))
    message: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[int | None] = mapped_column(Integer)
    assigned_number: Mapped[int | None] = mapped_column(BigInteger)
    conflict_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LeaseRow(Base):
    """Numbers first..last of a series reserved for one device."""

    __tablename__ = "lease"
    __table_args__ = (Index(None, "commune_id", "series"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"))
    series: Mapped[str] = mapped_column(String(80))
    device_id: Mapped[str] = mapped_column(ForeignKey("device.id"), index=True)
    first: Mapped[int] = mapped_column(BigInteger)
    last: Mapped[int] = mapped_column(BigInteger)
    slot: Mapped[int | None] = mapped_column(Integer)
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SeriesState(Base):
    """Next number of a register series not yet leased nor assigned."""

    __tablename__ = "series_state"
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"), primary_key=True)
    series: Mapped[str] = mapped_column(String(80), primary_key=True)
    next_number: Mapped[int] = mapped_column(BigInteger)


class NumberUse(Base):
    """A number of a series that is taken, by a record or by a void."""

    __tablename__ = "number_use"
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"), primary_key=True)
    series: Mapped[str] = mapped_column(String(100), primary_key=True)
    number: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(36))
    device_id: Mapped[str] = mapped_column(String(36))
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    used_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SeqSkip(Base):
    """Seqs a device declared it will never deliver (lost by a restore of its store)."""

    __tablename__ = "seq_skip"
    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    first: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    last: Mapped[int] = mapped_column(BigInteger)
    declared_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CodeMark(Base):
    """Highest daily number a PC reported for a counter slot and day (rebuilt after a restore).

    ``series`` is the code-day series ``dossier-code/{unit}/{yyMMdd}`` (as in number_use).
    """

    __tablename__ = "code_mark"
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"), primary_key=True)
    series: Mapped[str] = mapped_column(String(100), primary_key=True)
    slot: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(BigInteger)
    device_id: Mapped[str] = mapped_column(String(36))
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Blob(Base):
    """An attachment blob of one commune, addressed by SHA-256."""

    __tablename__ = "blob"
    __table_args__ = (UniqueConstraint("commune_id", "sha256"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    received: Mapped[int] = mapped_column(BigInteger, default=0)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BlobChunk(Base):
    """Bytes ``offset .. offset+len(data)`` of a blob, in upload order."""

    __tablename__ = "blob_chunk"
    blob_id: Mapped[int] = mapped_column(ForeignKey("blob.id"), primary_key=True)
    offset: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


# The office relay's tables are part of the same schema (and of its migrations).
from city_server import relay_models as _relay_models  # noqa: E402, F401
