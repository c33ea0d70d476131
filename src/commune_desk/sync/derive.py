"""A dossier's status and dates, derived from its events in server order.

Events the server has seen come first, in change-sequence order (never
device time); unpushed ones follow in local order. An unpushed event that is
no longer legal after the server's events is skipped here: its push becomes
a conflict, and the event is removed when that answer arrives.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from commune_desk.domain.dossier import DossierStatus, replay
from commune_desk.store.models import Dossier, DossierEvent


def derive_dossiers(session: Session, dossier_ids: Iterable[str]) -> None:
    """Derive the status and dates of many dossiers (two queries per 500, no ORM objects)."""
    ids = sorted(set(dossier_ids))
    ev = DossierEvent.__table__.c
    dc = Dossier.__table__.c
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        events: dict[str, list[Any]] = {i: [] for i in part}
        for row in session.execute(
            select(ev.id, ev.dossier_id, ev.kind, ev.at, ev.local_order, ev.dirty).where(
                ev.dossier_id.in_(part)
            )
        ):
            events[row.dossier_id].append(row)
        current = {
            r.id: r
            for r in session.execute(
                select(dc.id, dc.status, dc.finished_at, dc.returned_at).where(dc.id.in_(part))
            )
        }
        needs_orm = [i for i in part if i in current and any(e.dirty for e in events[i])]
        updates = []
        for dossier_id, now_row in current.items():
            if dossier_id in needs_orm:
                continue
            ordered = sorted(events[dossier_id], key=lambda e: e.local_order)
            derived, finished, returned = _fold(ordered)
            status = int(derived) if derived is not None else now_row.status
            if (status, finished, returned) != (now_row.status, now_row.finished_at, now_row.returned_at):
                updates.append(
                    {"b_id": dossier_id, "status": status, "finished_at": finished, "returned_at": returned}
                )
        if updates:
            session.connection().execute(update(Dossier).where(dc.id == bindparam("b_id")), updates)
        for dossier_id in needs_orm:
            derive_dossier(session, dossier_id)


def _fold(events: list[Any]) -> tuple[DossierStatus | None, datetime | None, datetime | None]:
    """Status, finished and returned times from events in order (illegal ones skipped)."""
    state = replay((e.kind, e.at) for e in events)
    return state.status, state.finished_at, state.returned_at


def derive_dossier(session: Session, dossier_id: str) -> None:
    """Recompute a dossier's status and dates from its events in server order.

    Events the server has seen come first in change order; unpushed ones
    follow in local order (renumbered after the server's). An unpushed event
    that is no longer legal is skipped here: its push will become a conflict.
    """
    dossier = session.get(Dossier, dossier_id)
    if dossier is None:
        return
    _derive(dossier, list(session.scalars(select(DossierEvent).where(DossierEvent.dossier_id == dossier_id))))


def _derive(dossier: Dossier, events: list[DossierEvent]) -> None:
    synced = sorted((e for e in events if not e.dirty), key=lambda e: e.local_order)
    local = sorted((e for e in events if e.dirty), key=lambda e: e.local_order)
    top = max((e.local_order for e in synced), default=0)
    for i, e in enumerate(local, start=1):
        if e.local_order <= top:
            e.local_order = top + i
    status, finished, returned = _fold(synced + local)
    if status is not None and dossier.status != int(status):
        dossier.status = int(status)
    if (dossier.finished_at, dossier.returned_at) != (finished, returned):
        dossier.finished_at, dossier.returned_at = finished, returned
