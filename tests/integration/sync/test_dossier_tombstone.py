"""A dossier deleted at the city while PCs hold it with its history never stops a pull."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from tests.helpers.city_server import RunningServer, SyncDevice
from tests.integration.sync.sync_support import make_clerk, server_snapshot

from commune_desk.domain.dossier import EventKind
from commune_desk.store.models import Dossier, DossierEvent


def _server_version(city: RunningServer, entity_id: str) -> int:
    return next(c["version"] for c in server_snapshot(city, "C01") if c["entity_id"] == entity_id)


def _held(clerk, dossier_id: str) -> tuple[bool, int]:  # type: ignore[no-untyped-def]
    with clerk.ctx.store.read() as s:
        events = s.scalar(select(func.count()).where(DossierEvent.dossier_id == dossier_id))
        return s.get(Dossier, dossier_id) is not None, int(events or 0)


def test_a_dossier_deleted_by_another_device_leaves_every_pc_syncing(
    tmp_path: Path, city: RunningServer
) -> None:
    user = city.user("C01")
    a = make_clerk(tmp_path, "a", city.base_url, user)
    b = make_clerk(tmp_path, "b", city.base_url, user)
    other = SyncDevice(city, user)
    try:
        gone = a.register(1)
        kept = a.register(2)
        a.services.record_event(gone, EventKind.RESULT_READY, actor="a")
        for clerk in (a, b):
            assert clerk.engine.sync_once().ok
        assert _held(b, gone) == (True, 2)
        # Another device of the commune (a tool, a buggy or hostile client) deletes the
        # dossier; its events stay on the server as records of their own.
        result = other.push_one(other.op("dossier", gone, "delete", base_version=_server_version(city, gone)))
        assert result["status"] == "applied", result
        for clerk in (a, b):
            round_ = clerk.engine.sync_once()
            assert round_.ok, round_
            assert _held(clerk, gone) == (False, 0)
            assert _held(clerk, kept)[0]
        # The PCs keep working and syncing afterwards.
        a.register(3)
        for clerk in (a, b):
            assert clerk.engine.sync_once().ok
        assert a.open_ops() == 0 and b.services.count_dossiers() == 2
        # A PC set up afterwards pulls the tombstone and the history left without it.
        c = make_clerk(tmp_path, "c", city.base_url, user)
        try:
            for _ in range(2):
                round_ = c.engine.sync_once()
                assert round_.ok, round_
            assert _held(c, gone) == (False, 0) and c.services.count_dossiers() == 2
        finally:
            c.close()
    finally:
        other.http.close()
        a.close()
        b.close()


def test_a_deleted_dossier_with_an_unsent_event_is_kept_for_the_clerk(
    tmp_path: Path, city: RunningServer
) -> None:
    """The PC's own unsent step keeps the dossier; the push meets the tombstone, sync goes on."""
    user = city.user("C01")
    a = make_clerk(tmp_path, "a", city.base_url, user)
    other = SyncDevice(city, user)
    try:
        gone = a.register(1)
        assert a.engine.sync_once().ok
        result = other.push_one(other.op("dossier", gone, "delete", base_version=_server_version(city, gone)))
        assert result["status"] == "applied", result
        a.services.record_event(gone, EventKind.RESULT_READY, actor="a")  # typed meanwhile
        for _ in range(2):
            round_ = a.engine.sync_once()
            assert round_.ok, round_
        assert a.open_ops() == 0  # the refused step went to the quarantine, not stuck
        a.register(2)
        assert a.engine.sync_once().ok and a.open_ops() == 0
    finally:
        other.http.close()
        a.close()
