"""Pull edge cases: events that arrive before their dossier, tombstones, resume from a cursor."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from tests.helpers.city_server import RunningServer, SyncDevice
from tests.helpers.fault_proxy import FaultProxy
from tests.integration.sync.sync_support import assert_converged, make_clerk

from commune_desk.domain.dossier import DossierStatus, EventKind
from commune_desk.store.models import Dossier, DossierEvent, SyncState
from commune_desk.sync.engine import SyncEngine


def test_events_pulled_before_their_dossier_wait_for_it(tmp_path: Path, city: RunningServer) -> None:
    user = city.user("C01", "leader")  # the extension below is a leader's
    a = make_clerk(tmp_path, "a", city.base_url, user)
    b = make_clerk(tmp_path, "b", city.base_url, user)
    try:
        dossier = a.register(1)
        a.services.record_event(dossier, EventKind.ASSIGNED, actor="a")
        assert a.engine.sync_once().ok
        later = a.services.propose_apology_date(dossier).isoformat()  # a working moment
        a.services.record_event(
            dossier, EventKind.EXTENDED, actor="a", data={"appointment_at": later, "fault": "one_stop"}
        )
        assert a.engine.sync_once().ok
        # Another PC edits the dossier: its latest change is now after its events (the
        # appointment is derived from them on every PC: no change of the dossier itself).
        other = SyncDevice(city, user)
        try:
            edit = other.op("dossier", dossier, "update", {"notes": "bổ sung ghi chú"}, base_version=1)
            assert other.push_one(edit)["status"] == "applied"
        finally:
            other.close()
        assert a.engine.sync_once().ok
        # One change per page: every event arrives before the dossier it belongs to. The
        # link is slow enough that each page commits on its own (no page is waiting).
        with FaultProxy("127.0.0.1", city.port) as proxy:
            proxy.set(latency=0.05)
            b.engine = SyncEngine(b.ctx.store, b.ctx.blobs, page_size=1, server_url=proxy.url)
            seen: list[int] = []

            def cursor() -> int:
                with b.ctx.store.read() as s:
                    return s.scalars(select(SyncState.cursor)).one()

            b.engine.add_listener(lambda st: seen.append(cursor()) if st.progress.step == "pull" else None)
            assert b.engine.sync_once().ok
        # Changes: events (2, 3, 4), the dossier updated (5). While its events wait, the
        # committed cursor stays just before the first of them (1), then jumps to 5.
        assert len(seen) >= 2 and all(c <= 1 for c in seen), seen
        assert cursor() == 5
        with b.ctx.store.read() as s:
            d = s.get(Dossier, dossier)
            assert d.status == DossierStatus.PROCESSING
            kinds = [
                e.kind
                for e in s.scalars(
                    select(DossierEvent)
                    .where(DossierEvent.dossier_id == dossier)
                    .order_by(DossierEvent.local_order)
                )
            ]
            assert kinds == ["received", "assigned", "extended"]
        assert_converged(city, "C01", [a, b])
    finally:
        a.close()
        b.close()
