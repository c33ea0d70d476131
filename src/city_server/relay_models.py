"""Tables only an office relay fills (they exist, empty, in a city server's database too).

- ``relay_identity``: the relay's own device at the city (key, refresh token);
- ``relay_state``: the city's cursor, instance id and key, as last seen;
- ``relay_op``: every operation a counter pushed, in arrival order, with its
  signature and, once known, the city's result;
- ``relay_mirror``: the commune's records as the city last sent them;
- ``relay_sublease``: numbers carved from the relay's leases for a counter.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from city_server.models import Base, BigId, Json, utcnow

OP_PENDING = "pending"
OP_DONE = "done"


class RelayIdentity(Base):
    """The relay's device at the city server (one row)."""

    __tablename__ = "relay_identity"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_url: Mapped[str] = mapped_column(Text)
    device_id: Mapped[str] = mapped_column(String(36))
    private_key: Mapped[str] = mapped_column(String(64))
    """The relay's Ed25519 private key (base64); the database file is private (0600)."""
    refresh_token: Mapped[str] = mapped_column(String(200))
    username: Mapped[str] = mapped_column(String(100))
    commune_code: Mapped[str] = mapped_column(String(40))


class RelayState(Base):
    """What the relay last learnt from the city (one row)."""

    __tablename__ = "relay_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_cursor: Mapped[int] = mapped_column(BigInteger, default=0)
    city_source_id: Mapped[str | None] = mapped_column(String(36))
    city_key: Mapped[str | None] = mapped_column(String(64))
    last_ok_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)


class RelayOp(Base):
    """A counter's operation as received (``id`` is the arrival order)."""

    __tablename__ = "relay_op"
    __table_args__ = (
        UniqueConstraint("device_id", "seq"),
        UniqueConstraint("op_id"),
        Index(None, "state", "id"),
        Index(None, "entity_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    device_id: Mapped[str] = mapped_column(String(36))
    seq: Mapped[int] = mapped_column(BigInteger)
    op_id: Mapped[str] = mapped_column(String(36))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(36))
    op: Mapped[dict[str, Any]] = mapped_column(Json)
    signature: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(10), default=OP_PENDING)
    result: Mapped[dict[str, Any] | None] = mapped_column(Json)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MirrorRecord(Base):
    """One record of the commune as the city last sent it."""

    __tablename__ = "relay_mirror"
    entity: Mapped[str] = mapped_column(String(32), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    fields: Mapped[dict[str, Any]] = mapped_column(Json)
    city_seq: Mapped[int] = mapped_column(BigInteger)


class SubLease(Base):
    """Numbers ``first..last`` of a series carved from the relay's leases for a counter."""

    __tablename__ = "relay_sublease"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series: Mapped[str] = mapped_column(String(80))
    device_id: Mapped[str] = mapped_column(String(36), index=True)
    first: Mapped[int] = mapped_column(BigInteger)
    last: Mapped[int] = mapped_column(BigInteger)
    reported: Mapped[bool] = mapped_column(Boolean, default=False)
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
