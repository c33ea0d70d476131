"""Smoke: two counters behind one in-process relay see each other, then reach the city."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from tests.helpers.city_server import RunningServer
from tests.helpers.relay import run_relay
from tests.integration.sync.sync_support import make_clerk

from commune_desk import protocol as p
from commune_desk.store.models import Dossier, OutboxOp


def test_two_counters_share_through_the_relay(tmp_path: Path, city: RunningServer) -> None:
    leader = city.user("C01", p.Role.LEADER)
    with run_relay(tmp_path / "relay", city.base_url, leader.username, leader.password) as relay:
        relay.cycle()
        a = make_clerk(tmp_path, "a", city.base_url, city.user("C01"))
        b = make_clerk(tmp_path, "b", city.base_url, city.user("C01"))
        for c in (a, b):
            c.engine.relay_url_override = relay.base_url
        dossier = a.register(1)
        r = a.engine.sync_once()
        assert r.ok, r
        r = b.engine.sync_once()
        assert r.ok, r
        with b.ctx.store.read() as s:
            assert s.get(Dossier, dossier) is not None
        relay.cycle()
        r = a.engine.sync_once()
        assert r.ok and r.pending == 0, r
        with a.ctx.store.read() as s:
            states = set(s.scalars(select(OutboxOp.state)))
        assert states <= {"done"}
