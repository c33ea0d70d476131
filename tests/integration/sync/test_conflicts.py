"""Conflicts, illegal transitions, quarantine and provisional numbers, end to end."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from tests.helpers.city_server import RunningServer
from tests.helpers.fault_proxy import FaultProxy
from tests.integration.sync.sync_support import assert_converged, make_clerk, new_id

from commune_desk.domain.dossier import DossierStatus, EventKind
from commune_desk.store.models import (
    AuditEntry,
    Conflict,
    Dossier,
    DossierEvent,
    IncomingDocument,
    OutboxOp,
    QuarantinedOp,
)
from commune_desk.store.outbox import add_op
from commune_desk.sync.resolution import (
    ResolutionError,
    discard_quarantined,
    requeue_quarantined,
    resolve_conflict,
)


def test_same_field_changed_on_two_pcs_becomes_a_conflict_then_resolved(
    tmp_path: Path, city: RunningServer
) -> None:
    user = city.user("C01", "leader")  # settling the conflict below is a leader's
    a = make_clerk(tmp_path, "a", city.base_url, user)
    b = make_clerk(tmp_path, "b", city.base_url, user)
    try:
        doc = a.incoming(1)
        assert a.engine.sync_once().ok and b.engine.sync_once().ok
        a.services.assign_incoming(doc.id, handler="Ông Xuân")
        b.services.assign_incoming(doc.id, handler="Bà Yến")
        assert a.engine.sync_once().ok
        result = b.engine.sync_once()
        assert result.ok and result.conflicts == 1
        assert a.engine.sync_once().ok
        for clerk in (a, b):
            with clerk.ctx.store.read() as s:
                conflict = s.scalars(select(Conflict)).one()
                assert conflict.local_value["handler"] == "Bà Yến"
                assert conflict.server_value["handler"] == "Ông Xuân"
                assert conflict.field == "assigned_at,handler"
                assert s.get(IncomingDocument, doc.id).handler == "Ông Xuân"
        resolve_conflict(
            b.ctx.store,
            device_id=b.ctx.device_id,
            conflict_id=conflict.id,
            chosen={"handler": "Bà Yến"},
            actor="trưởng bộ phận",
            note="đã thống nhất",
        )
        try:
            resolve_conflict(
                b.ctx.store,
                device_id=b.ctx.device_id,
                conflict_id=conflict.id,
                chosen={"handler": "x"},
                actor="x",
            )
            raise AssertionError("resolved twice")
        except ResolutionError as exc:
            assert exc.kind == "conflict_already_resolved"
        for clerk in (b, a, b):
            assert clerk.engine.sync_once().ok
        for clerk in (a, b):
            with clerk.ctx.store.read() as s:
                assert s.get(IncomingDocument, doc.id).handler == "Bà Yến"
                assert s.scalars(select(Conflict)).one().resolved_at is not None
        with b.ctx.store.read() as s:
            audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "conflict_resolved"))
            assert audit.one().actor == "trưởng bộ phận"
        assert a.engine.status.open_conflicts == 0
        assert_converged(city, "C01", [a, b])
    finally:
        a.close()
        b.close()


def test_illegal_transition_is_rolled_back_locally(tmp_path: Path, city: RunningServer) -> None:
    user = city.user("C01")
    a = make_clerk(tmp_path, "a", city.base_url, user)
    b = make_clerk(tmp_path, "b", city.base_url, user)
    try:
        dossier = a.register(1)
        assert a.engine.sync_once().ok and b.engine.sync_once().ok
        a.services.record_event(dossier, EventKind.REFUSED, actor="a", note="thiếu giấy tờ")
        b.services.record_event(dossier, EventKind.ASSIGNED, actor="b")
        assert a.engine.sync_once().ok
        result = b.engine.sync_once()
        assert result.ok and result.conflicts == 1
        assert a.engine.sync_once().ok
        for clerk in (a, b):
            with clerk.ctx.store.read() as s:
                assert s.get(Dossier, dossier).status == DossierStatus.REFUSED
                kinds = [
                    e.kind
                    for e in s.scalars(
                        select(DossierEvent)
                        .where(DossierEvent.dossier_id == dossier)
                        .order_by(DossierEvent.local_order)
                    )
                ]
                assert kinds == ["received", "refused"]
                assert s.scalars(select(Conflict)).one().field == "event,status"
        assert_converged(city, "C01", [a, b])
    finally:
        a.close()
        b.close()


def test_rejected_op_is_quarantined_without_blocking_the_queue(tmp_path: Path, city: RunningServer) -> None:
    a = make_clerk(tmp_path, "a", city.base_url, city.user("C01"))
    try:
        first = a.register(1)
        with a.ctx.store.write.begin() as s:
            bad = add_op(
                s,
                device_id=a.ctx.device_id,
                entity="dossier_event",
                entity_id=new_id(),
                action="create",
                fields={"dossier_id": new_id(), "kind": "note"},
                created_at=datetime.now(UTC),
            ).op_id
        second = a.register(2)
        result = a.engine.sync_once()
        assert result.ok and result.quarantined == 1 and result.pending == 0
        assert a.engine.status.quarantined == 1
        with a.ctx.store.read() as s:
            q = s.scalars(select(QuarantinedOp)).one()
            assert (q.op_id, q.kind) == (bad, "unknown_dossier")
            assert s.get(Dossier, first).server_version == 1
            assert s.get(Dossier, second).server_version == 1
        new_op = requeue_quarantined(a.ctx.store, device_id=a.ctx.device_id, op_id=bad, actor="a")
        result = a.engine.sync_once()
        assert result.quarantined == 1  # the old one is resolved, the retry failed again
        with a.ctx.store.read() as s:
            assert s.get(OutboxOp, new_op).state == "quarantined"
        discard_quarantined(a.ctx.store, op_id=new_op, actor="a", reason="nhập nhầm")
        a.engine.refresh_counts()
        assert a.engine.status.quarantined == 0
    finally:
        a.close()


def test_provisional_numbers_when_the_lease_runs_out_offline(tmp_path: Path, city: RunningServer) -> None:
    user = city.user("C01")
    with FaultProxy("127.0.0.1", city.port) as proxy:
        a = make_clerk(tmp_path, "a", proxy.url, user)
        b = make_clerk(tmp_path, "b", city.base_url, user)
        try:
            proxy.set(stall=True)  # the link is down
            docs = [a.incoming(i) for i in range(24)]
            numbered = [d for d in docs if d.number is not None]
            provisional = [d for d in docs if d.number is None]
            assert len(numbered) == 20 and len(provisional) == 4
            assert all(d.provisional for d in provisional)
            b_docs = [b.incoming(i) for i in range(3)]
            assert all(d.number is not None for d in b_docs)
            proxy.clear()
            for clerk in (a, b, a):
                assert clerk.engine.sync_once().ok
            with a.ctx.store.read() as s:
                numbers = [s.get(IncomingDocument, d.id).number for d in docs]
            assert None not in numbers and len(set(numbers)) == 24
            # Provisional entries come after every number leased so far.
            assert min(numbers[20:]) > max(numbers[:20])
            assert_converged(city, "C01", [a, b])
        finally:
            a.close()
            b.close()
