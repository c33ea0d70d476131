"""A step taken back by a correcting event travels through the real city server."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.helpers.city_server import RunningServer
from tests.integration.sync.sync_support import assert_converged, make_clerk, server_snapshot

from commune_desk.domain.dossier import DossierStatus, EventKind
from commune_desk.store.models import Dossier


def test_a_correction_is_accepted_by_the_server_and_reaches_the_other_pc(
    tmp_path: Path, city: RunningServer
) -> None:
    user = city.user("C01")
    a = make_clerk(tmp_path, "a", city.base_url, user)
    b = make_clerk(tmp_path, "b", city.base_url, user)
    try:
        dossier = a.register(1)
        a.services.record_event(dossier, EventKind.RESULT_READY, actor="a")
        a.services.record_event(dossier, EventKind.RETURNED, actor="a")
        for clerk in (a, b):
            assert clerk.engine.sync_once().ok
        with b.ctx.store.read() as s:
            assert s.get(Dossier, dossier).status == DossierStatus.RETURNED
        b.services.record_event(
            dossier, EventKind.UNDO_RETURNED, actor="b", note="Bấm nhầm, công dân chưa nhận"
        )
        for clerk in (b, a):
            result = clerk.engine.sync_once()
            assert result.ok and result.conflicts == 0, result
        for clerk in (a, b):
            detail = clerk.services.get_dossier(dossier)
            assert detail.summary.status == DossierStatus.RESULT_READY
            assert detail.returned_at is None and detail.finished_at is not None
            assert [e.kind for e in detail.events][-1] == EventKind.UNDO_RETURNED
        # The server's own status moved back too: returning again is legal there now
        # (it would be an illegal_transition conflict from "returned").
        a.services.record_event(dossier, EventKind.RETURNED, actor="a")
        result = a.engine.sync_once()
        assert result.ok and result.conflicts == 0, result
        kinds = [
            c["fields"]["kind"]
            for c in server_snapshot(city, "C01")
            if c["entity"] == "dossier_event" and c["fields"].get("dossier_id") == dossier
        ]
        assert sorted(kinds) == sorted(["received", "result_ready", "returned", "undo_returned", "returned"])
        b.engine.sync_once()
        assert_converged(city, "C01", [a, b])
    finally:
        a.close()
        b.close()


def test_a_taken_back_supplement_reopens_the_wait_on_the_pc_that_pulls_it(
    tmp_path: Path, city: RunningServer
) -> None:
    """The appointment derived from a correction pulled from another PC is the sender's."""
    user = city.user("C01")
    a = make_clerk(tmp_path, "a", city.base_url, user)
    b = make_clerk(tmp_path, "b", city.base_url, user)
    try:
        dossier = a.register(1)
        received = a.services.get_dossier(dossier).events[0].at
        a.services.record_event(
            dossier, EventKind.SUPPLEMENT_REQUESTED, actor="a", at=received + timedelta(minutes=5)
        )
        resumed = a.services.record_event(
            dossier, EventKind.SUPPLEMENT_RECEIVED, actor="a", at=received + timedelta(days=6)
        ).value
        for clerk in (a, b):
            assert clerk.engine.sync_once().ok
        assert b.services.get_dossier(dossier).summary.appointment_at == resumed.summary.appointment_at
        corrected = b.services.record_event(
            dossier,
            EventKind.UNDO_SUPPLEMENT_RECEIVED,
            actor="b",
            note="Bấm nhầm, công dân chưa nộp bổ sung",
        ).value
        assert corrected.summary.status == DossierStatus.SUPPLEMENT_REQUESTED
        assert corrected.summary.appointment_at != resumed.summary.appointment_at
        for clerk in (b, a):
            result = clerk.engine.sync_once()
            assert result.ok and result.conflicts == 0, result
        pulled = a.services.get_dossier(dossier)
        assert pulled.summary.status == DossierStatus.SUPPLEMENT_REQUESTED
        assert pulled.summary.appointment_at == b.services.get_dossier(dossier).summary.appointment_at
        assert pulled.summary.appointment_at != resumed.summary.appointment_at
        assert_converged(city, "C01", [a, b])
    finally:
        a.close()
        b.close()
