"""Blobs through the relay: a chunk request cut on the office network keeps what arrived."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, select
from tests.helpers.city_server import RunningServer
from tests.helpers.fault_proxy import FaultProxy
from tests.helpers.relay import run_relay
from tests.integration.sync.sync_support import make_clerk

from city_server.models import Blob
from commune_desk import protocol as p


def test_a_cut_upload_to_the_relay_keeps_its_part_and_reaches_the_city(
    tmp_path: Path, city: RunningServer
) -> None:
    leader = city.user("C01", p.Role.LEADER)
    with run_relay(tmp_path / "relay", city.base_url, leader.username, leader.password) as relay:
        relay.cycle()
        with FaultProxy("127.0.0.1", int(relay.base_url.rsplit(":", 1)[1])) as proxy:
            clerk = make_clerk(tmp_path, "a", city.base_url, city.user("C01"))
            try:
                relay.cycle()  # the relay learns the new PC's device key
                clerk.engine.relay_url_override = proxy.url
                dossier = clerk.register(1)
                data = os.urandom(900 * 1024)
                clerk.services.add_attachment(p.Entity.DOSSIER.value, dossier, source=data, filename="a.pdf")
                proxy.set(cut_up_after=400 * 1024, match=b"PUT /v1/blobs/", times=1)
                for _ in range(4):
                    if clerk.engine.sync_once().ok:
                        break
                assert proxy.fired == 1
                # The relay kept the part of the cut request, so the engine keeps sending large ones.
                assert clerk.engine.sizer.keeps_partial is True
                relay.cycle()
                with relay.sessions() as s:
                    blob = s.scalars(select(Blob)).one()
                    assert blob.complete and blob.size == len(data)
                city_engine = create_engine(city.db_url)
                try:
                    with city_engine.connect() as conn:
                        assert conn.execute(select(Blob.complete, Blob.size)).one() == (True, len(data))
                finally:
                    city_engine.dispose()
            finally:
                clerk.close()
