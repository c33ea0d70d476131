"""Numbers behind a relay while the city is away (R4): sub-leases, then the provisional rule.

An in-process relay whose blocks are small (``HELD_BLOCK``) so that a short
offline day runs the office out of numbers: a counter first issues from its
own block, then from a block the relay carves from its own lease, then
provisionally; when the relay reaches the city, the sub-lease moves to the
counter at the city, the provisional entries get the city's next numbers and
the results flow back to that counter. No number is used twice.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.helpers.city_server import RunningServer
from tests.helpers.relay import run_relay
from tests.integration.relay.relay_support import assert_equal_to_city
from tests.integration.sync.sync_support import make_clerk

from city_server.relay import office as office_mod
from commune_desk import protocol as p
from commune_desk.store.models import IncomingDocument


def test_sub_leases_then_provisional_numbers_offline(
    tmp_path: Path, city: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(office_mod, "HELD_BLOCK", 6)
    leader = city.user("C01", p.Role.LEADER)
    with run_relay(tmp_path / "relay", city.base_url, leader.username, leader.password) as relay:
        a = make_clerk(tmp_path, "a", city.base_url, city.user("C01"))
        b = make_clerk(tmp_path, "b", city.base_url, city.user("C01"))
        try:
            relay.cycle()  # the relay knows the counters and holds a small block
            for c in (a, b):
                c.engine.relay_url_override = relay.base_url
                assert c.engine.sync_once().ok
            # From here the relay does not reach the city (no cycle): a long offline day.
            for i in range(32):
                a.incoming(i)
                if i % 5 == 0:
                    assert a.engine.sync_once().ok  # tops up from the relay while it can
            b.incoming(99)
            assert b.engine.sync_once().ok and a.engine.sync_once().ok
            with a.ctx.store.read() as s:
                numbers = [d.number for d in s.scalars(select(IncomingDocument))]
            provisional = numbers.count(None)
            assert provisional > 0, "the office should have run out of numbers"
            issued = [n for n in numbers if n is not None]
            assert len(issued) == len(set(issued))
            # The link is back: the relay forwards, the city numbers the provisional entries.
            for _ in range(4):
                relay.cycle()
                for c in (a, b):
                    c.engine.sync_once()
            with a.ctx.store.read() as s:
                numbers = [d.number for d in s.scalars(select(IncomingDocument))]
            assert None not in numbers
            counts = Counter(numbers)
            assert all(n == 1 for n in counts.values())
            assert_equal_to_city(city, "C01", [a, b])
        finally:
            a.close()
            b.close()
