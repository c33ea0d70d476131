"""Randomised rounds: four PCs (three of one commune, one of another) work and sync at once.

Each PC has its own fault proxy in front of the one real server. In every
round each PC, on its own thread, does a few random things a clerk does
(register dossiers, record legal events, attach files — sometimes the same
bytes on two PCs —, register incoming documents, assign them, issue
outgoing documents) and syncs through a randomly chosen fault. A final clean
round must leave every PC holding exactly its commune's records, as the
server has them (content hashes), with no duplicate code or number.

CI runs ``COMMUNE_SYNC_ROUNDS`` rounds (default 3, seed ``COMMUNE_SYNC_SEED``);
longer runs are recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import os
import random
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.helpers.city_server import RunningServer
from tests.helpers.fault_proxy import FaultProxy
from tests.integration.sync.sync_support import Clerk, assert_converged, make_clerk

from city_server.models import OpResultRow
from commune_desk.domain.dossier import DossierStatus, EventKind, allowed_events
from commune_desk.domain.errors import DomainError
from commune_desk.services import NewOutgoingDocument
from commune_desk.store.models import Dossier, IncomingDocument


def city_sessions(city: RunningServer) -> Any:
    """A session on the server's own database (to look, never to write)."""
    return city._sessions()  # type: ignore[operator]


ROUNDS = int(os.environ.get("COMMUNE_SYNC_ROUNDS", "3"))
SEED = int(os.environ.get("COMMUNE_SYNC_SEED", "20261126"))
EVENTS = {
    EventKind.ASSIGNED,
    EventKind.HANDED_OVER,
    EventKind.SUPPLEMENT_REQUESTED,
    EventKind.SUPPLEMENT_RECEIVED,
    EventKind.RESULT_READY,
    EventKind.RETURNED,
    EventKind.NOTE,
    EventKind.REFUSED,
    EventKind.WITHDRAWN,
    EventKind.PAYMENT_REQUESTED,
    EventKind.PAID,
}
FAULTS: list[dict[str, Any]] = [
    {},
    dict(drop_reply=True, match=b"POST /v1/push", times=1),
    dict(cut_up_after=900, match=b"POST /v1/push", times=1),
    dict(cut_down_after=700, match=b"GET /v1/pull", times=1),
    dict(truncate_down_after=300, match=b"GET /v1/pull", times=1),
    dict(cut_up_after=20_000, match=b"PUT /v1/blobs", times=2),
    dict(drop_reply=True, match=b"PUT /v1/blobs", times=1),
    dict(cut_every=40_000),
    dict(latency=0.01, bandwidth=2_000_000),
]
SHARED_BLOBS = [bytes([i]) * 30_000 + os.urandom(10) for i in range(3)]


def clerk_turn(clerk: Clerk, rng: random.Random, actions: int) -> None:
    """A few random things a clerk does at the counter."""
    s = clerk.services
    for _ in range(actions):
        roll = rng.random()
        try:
            if roll < 0.25:
                clerk.register(rng.randrange(10**6))
            elif roll < 0.55:
                rows = rows_with_status(clerk)
                if not rows:
                    continue
                dossier_id, status = rng.choice(rows)
                options = [e for e in allowed_events(DossierStatus(status)) if e in EVENTS]
                if options:
                    s.record_event(dossier_id, rng.choice(options), actor=clerk.name)
            elif roll < 0.65:
                ids = [i for i, _ in rows_with_status(clerk)]
                if ids:
                    blob = (
                        rng.choice(SHARED_BLOBS)
                        if rng.random() < 0.5
                        else os.urandom(rng.randrange(1, 90_000))
                    )
                    s.add_attachment("dossier", rng.choice(ids), source=blob, filename="scan.pdf")
            elif roll < 0.8:
                clerk.incoming(rng.randrange(10**6))
            elif roll < 0.9:
                with clerk.ctx.store.read() as session:
                    docs = list(session.scalars(select(IncomingDocument.id)))
                if docs:
                    s.assign_incoming(rng.choice(docs), handler=rng.choice(["Ông An", "Bà Bình"]))
            else:
                s.register_outgoing(
                    NewOutgoingDocument(symbol="QĐ-UBND", summary=f"Quyết định {rng.random()}")
                )
        except DomainError as exc:
            if exc.kind not in ("series_exhausted", "illegal_transition"):
                raise


def rows_with_status(clerk: Clerk) -> list[tuple[str, int]]:
    with clerk.ctx.store.read() as session:
        return [(i, st) for i, st in session.execute(select(Dossier.id, Dossier.status))]


@pytest.fixture()
def pcs(tmp_path: Path, city: RunningServer) -> Iterator[list[tuple[Clerk, FaultProxy]]]:
    with ExitStack() as stack:
        out = []
        for name, commune in (("a", "C01"), ("b", "C01"), ("c", "C01"), ("z", "C02")):
            proxy = stack.enter_context(FaultProxy("127.0.0.1", city.port))
            # Logged in as the leader: the outgoing documents issued here are signed ones.
            clerk = make_clerk(tmp_path, name, proxy.url, city.user(commune, "leader"), timeout=(2.0, 3.0))
            stack.callback(clerk.close)
            out.append((clerk, proxy))
        yield out


def test_random_concurrent_rounds_converge(city: RunningServer, pcs: list[tuple[Clerk, FaultProxy]]) -> None:
    rng = random.Random(SEED)
    errors: list[BaseException] = []

    def pc_round(clerk: Clerk, proxy: FaultProxy, seed: int, faults: dict[str, Any]) -> None:
        try:
            local = random.Random(seed)
            clerk_turn(clerk, local, local.randrange(2, 7))
            proxy.set(**faults)
            clerk.engine.sync_once()
            clerk_turn(clerk, local, local.randrange(0, 3))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    for _ in range(ROUNDS):
        threads = [
            threading.Thread(target=pc_round, args=(clerk, proxy, rng.randrange(2**32), rng.choice(FAULTS)))
            for clerk, proxy in pcs
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not errors, errors
    for _, proxy in pcs:
        proxy.clear()
    for _ in range(3):  # clean rounds: push what is left, then everyone pulls everything
        for clerk, _ in pcs:
            result = clerk.engine.sync_once()
            assert result.ok, result
    clerks = [c for c, _ in pcs]
    assert_converged(city, "C01", clerks[:3])
    assert_converged(city, "C02", clerks[3:])
    for clerk in clerks:
        assert clerk.engine.status.pending == 0
    # The run proved something: faults fired and every PC's work reached the server.
    assert sum(proxy.fired for _, proxy in pcs) >= 1 or ROUNDS < 3
    with city_sessions(city) as session:
        per_device = Counter(session.scalars(select(OpResultRow.device_id)))
    assert len(per_device) == 4 and min(per_device.values()) >= 1
