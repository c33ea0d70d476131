"""The security audit trail: logins (failed and successful), locks, device keys, revocations.

Events are written in their own short transaction (a refused login rolls its
own work back but its audit row must stay), and listed by
``city-server security-log``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from city_server.db import as_utc
from city_server.models import SecurityEvent, utcnow


class EventKind(StrEnum):
    """What happened (the ``kind`` column)."""

    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGIN_LOCKED = "login_locked"
    """A failure filled a window: logins for the username or address wait (429)."""
    LOGIN_THROTTLED = "login_throttled"
    """A login refused 429 because of an earlier lock (first refusal per lock only)."""
    DEVICE_REGISTERED = "device_registered"
    DEVICE_KEY_BOUND = "device_key_bound"
    DEVICE_PROOF_FAILED = "device_proof_failed"
    DEVICE_REVOKED = "device_revoked"
    DEVICE_REBOUND = "device_rebound"
    RELAY_REGISTERED = "relay_registered"
    """A leader registered a device as the commune's office relay."""
    REFRESH_REPLAYED = "refresh_replayed"
    """A rotated refresh token was used again within the grace period (lost reply)."""
    FIRST_SIGN_IN = "first_sign_in"
    """A person's first sign-in on a shared PC, confirmed by the server (``POST /office/verify``)."""
    FIRST_SIGN_IN_FAILED = "first_sign_in_failed"
    ROLE_RULES_CHANGED = "role_rules_changed"
    """A commune's role rules changed (``detail.changes``: each permission's roles before, after)."""


@dataclass(frozen=True)
class Who:
    """The parties of an event; every field optional."""

    username: str | None = None
    address: str | None = None
    device_id: str | None = None
    commune_id: int | None = None
    actor: str | None = None


def record(session: Session, kind: EventKind, who: Who, **detail: Any) -> None:
    """Add an event to ``session`` (the caller commits)."""
    session.add(
        SecurityEvent(
            at=utcnow(),
            kind=kind.value,
            username=(who.username or None) and who.username[:100],
            address=who.address,
            device_id=who.device_id,
            commune_id=who.commune_id,
            actor=who.actor,
            detail=detail,
        )
    )


def record_now(engine: Engine, kind: EventKind, who: Who, **detail: Any) -> None:
    """Write one event in its own transaction."""
    with Session(engine) as session:
        record(session, kind, who, **detail)
        session.commit()


def list_events(
    session: Session,
    *,
    since: datetime | None = None,
    kinds: list[str] | None = None,
    username: str | None = None,
    limit: int = 500,
) -> list[dict[str, Any]]:
    """Newest first, as plain dicts (for the CLI's table or JSON)."""
    query = select(SecurityEvent).order_by(SecurityEvent.at.desc(), SecurityEvent.id.desc())
    if since is not None:
        query = query.where(SecurityEvent.at >= since)
    if kinds:
        query = query.where(SecurityEvent.kind.in_(kinds))
    if username:
        query = query.where(SecurityEvent.username == username)
    return [
        {
            "at": as_utc(e.at).isoformat(),
            "kind": e.kind,
            "username": e.username,
            "address": e.address,
            "device_id": e.device_id,
            "commune_id": e.commune_id,
            "actor": e.actor,
            "detail": e.detail,
        }
        for e in session.scalars(query.limit(limit))
    ]
