"""Shared pieces of the relay and carry tests: office work, the city's view, tampering."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from tests.helpers.city_server import RunningServer
from tests.integration.sync.sync_support import Clerk, assert_converged

from commune_desk import protocol as p
from commune_desk.domain.dossier import EventKind
from commune_desk.store.models import OutboxOp


def office_work(clerk: Clerk, tag: str, n: int = 2) -> list[str]:
    """Intakes, events, a numbered incoming document and an attachment; the dossier ids."""
    ids = []
    for i in range(n):
        dossier = clerk.register(i)
        clerk.services.record_event(dossier, EventKind.ASSIGNED, actor=clerk.name, note=f"{tag}-{i}")
        ids.append(dossier)
    clerk.incoming(0)
    clerk.services.add_attachment(
        p.Entity.DOSSIER.value, ids[0], source=f"scan {tag}".encode(), filename="a.pdf"
    )
    return ids


def open_ops(clerk: Clerk) -> int:
    """Operations the city has not settled (pending, in flight or held by a relay)."""
    with clerk.ctx.store.read() as s:
        return len(list(s.scalars(select(OutboxOp.op_id).where(OutboxOp.state.in_(p.OPEN_OUTBOX_STATES)))))


@dataclass
class Pc:
    """A PC's store seen from the test (a live clerk, or a counter process's data folder)."""

    name: str
    ctx: Any

    def open_ops(self) -> int:
        return open_ops(self)  # type: ignore[arg-type]


def assert_equal_to_city(server: RunningServer, commune: str, clerks: list[Any]) -> None:
    """Every PC holds exactly the city's records; nothing open (relayed included); no number twice."""
    assert_converged(server, commune, [Pc(c.name, c.ctx) for c in clerks])  # type: ignore[list-item]
