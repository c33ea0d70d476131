"""The audit log: who did what, when (append-only), written in the caller's transaction.

Every part of the client that audits (the services, the sync engine's push,
pull and resolutions) writes through :func:`audit`, so entries have one shape.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from commune_desk.protocol.records import fields_to_wire
from commune_desk.store.models import AuditEntry


def audit(
    session: Session,
    action: str,
    *,
    actor: str = "",
    entity: str = "",
    entity_id: str | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    """Add one audit entry (``details`` values in their JSON form) to the caller's transaction."""
    session.add(
        AuditEntry(
            at=at or datetime.now(UTC),
            actor=actor,
            action=action,
            entity=str(entity),
            entity_id=entity_id,
            details=fields_to_wire(details or {}),
        )
    )
