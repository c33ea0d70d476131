"""Basic rounds against the real server: push, pull, leases, attachments, numbers."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.city_server import RunningServer
from tests.integration.sync.sync_support import assert_converged, make_clerk

from commune_desk.domain.dossier import EventKind
from commune_desk.store.models import Dossier
from commune_desk.sync.status import SyncPhase


def test_two_clerks_converge(tmp_path: Path, city: RunningServer) -> None:
    user = city.user("C01")
    a = make_clerk(tmp_path, "a", city.base_url, user)
    b = make_clerk(tmp_path, "b", city.base_url, user)
    try:
        dossier = a.register(1)
        a.services.record_event(dossier, EventKind.ASSIGNED, actor="a")
        a.services.add_attachment("dossier", dossier, source=b"scan " * 1000, filename="cccd.pdf")
        doc = a.incoming(1)
        assert doc.number is not None
        b.register(2)
        progress = []
        a.engine.add_listener(lambda st: progress.append(st.progress))
        for clerk in (a, b, a):
            result = clerk.engine.sync_once()
            assert result.ok, result
        uploads = [pr for pr in progress if pr.step == "upload"]
        assert uploads and uploads[-1].done == uploads[-1].total == 5000
        assert {"handshake", "push", "pull", "done"} <= {pr.step for pr in progress}
        assert a.engine.status.phase is SyncPhase.IDLE
        assert a.engine.status.pending == 0
        with b.ctx.store.read() as s:
            pulled = s.get(Dossier, dossier)
            assert pulled is not None and pulled.status == 4  # processing, derived from events
        assert b.services.search_dossiers  # noqa: B018 - facade exists
        assert_converged(city, "C01", [a, b])
        # Download on demand, hash-verified.
        sha = a.services.list_attachments("dossier", dossier)[0].sha256
        assert not b.ctx.blobs.exists(sha)
        path = b.engine.fetch_attachment(sha)
        assert path.read_bytes() == b"scan " * 1000
    finally:
        a.close()
        b.close()
