"""Shared pieces of the relay and carry tests: office work, the city's view, tampering."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select
from tests.helpers.city_server import RunningServer
from tests.integration.sync.sync_support import Clerk, server_snapshot

from commune_desk import protocol as p
from commune_desk.domain.dossier import EventKind
from commune_desk.store.models import OutboxOp
from commune_desk.sync.records import ENTITY_MODELS, comparable_fields, content_hash, local_view


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


def city_numbers(server: RunningServer, commune: str) -> tuple[list[dict[str, Any]], Counter[Any]]:
    """The city's live records and how many times each code / register number is used."""
    changes = [c for c in server_snapshot(server, commune) if not c["deleted"]]
    used: Counter[Any] = Counter()
    for c in changes:
        f = c["fields"]
        if c["entity"] == "dossier":
            used[("code", f.get("code"))] += 1
        elif c["entity"] in ("incoming_document", "outgoing_document") and f.get("number") is not None:
            used[(f.get("series"), f.get("number"))] += 1
    return changes, used


def assert_equal_to_city(server: RunningServer, commune: str, clerks: list[Clerk]) -> None:
    """Every clerk holds exactly the city's records; nothing open; no number twice."""
    changes, used = city_numbers(server, commune)
    assert all(n == 1 for n in used.values()), f"number used twice: {[k for k, n in used.items() if n > 1]}"
    live = [c for c in changes if c["entity"] in ENTITY_MODELS]
    expected = {
        (c["entity"], c["entity_id"]): content_hash(
            c["entity"], c["entity_id"], comparable_fields(c["entity"], c["fields"])
        )
        for c in live
    }
    names = {c["entity_id"]: comparable_fields(c["entity"], c["fields"]).keys() for c in live}
    for clerk in clerks:
        assert open_ops(clerk) == 0, f"{clerk.name} still has open operations"
        got = {}
        with clerk.ctx.store.read() as s:
            for entity, model in ENTITY_MODELS.items():
                for rec in s.scalars(select(model)):
                    keys = names.get(rec.id)
                    got[(str(entity), rec.id)] = (
                        content_hash(entity, rec.id, local_view(entity, rec, keys))
                        if keys is not None
                        else "absent"
                    )
        assert got == expected, f"{clerk.name} differs from the city"
