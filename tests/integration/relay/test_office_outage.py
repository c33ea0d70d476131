"""An office that works for days without the city link (docs/relay.md, invariants R1–R8, R11).

Separate processes on 127.0.0.1: the city server, an office relay and three
counters; the WAN (relay → city) and the LAN (counters → relay) go through
fault proxies of the test. Every assertion that the office converged compares
each counter's store with the city's records, numbers and results.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from tests.helpers.city_server import RunningServer, ServerUser
from tests.integration.relay.office import LINK_DOWN, PASSWORD, Counter, Office
from tests.integration.relay.relay_support import assert_equal_to_city

from city_server.db import make_engine, session_factory
from city_server.models import Device, OpResultRow
from city_server.relay_models import SubLease
from commune_desk import protocol as p
from commune_desk.app import AppContext
from commune_desk.paths import AppPaths
from commune_desk.store.models import OutboxOp, QuarantinedOp

pytestmark = pytest.mark.timeout(600)


def _wait(what: str, check: Callable[[], bool], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.3)


def _city_results(office: Office) -> int:
    """Operation results the city stored for the counters (not the relay's own)."""
    engine = make_engine(office.city_db)
    try:
        with session_factory(engine)() as s:
            relays = select(Device.id).where(Device.is_relay.is_(True))
            return int(
                s.scalar(
                    select(func.count()).select_from(OpResultRow).where(OpResultRow.device_id.not_in(relays))
                )
                or 0
            )
    finally:
        engine.dispose()


def _subleases(office: Office) -> int:
    engine = make_engine(office.relay_db)
    try:
        with session_factory(engine)() as s:
            return int(s.scalar(select(func.count()).select_from(SubLease)) or 0)
    finally:
        engine.dispose()


def _settle(office: Office, rounds: int = 40) -> None:
    """Sync every counter until none has an open operation (the relay forwards meanwhile)."""
    for _ in range(rounds):
        results = [c.sync() for c in office.counters]
        if all(r["ok"] and r["pending"] == 0 for r in results):
            return
        time.sleep(0.5)
    raise AssertionError(f"office did not settle: {results}")


def _same_dossiers(counters: list[Counter]) -> set[str]:
    seen = [set(c.ids()["dossiers"]) for c in counters]
    assert all(s == seen[0] for s in seen), "counters do not see the same dossiers"
    return seen[0]


def _check_against_city(office: Office, made: int) -> None:
    """R1, R4, R5: each counter equals the city; every op applied once; no number twice."""
    for c in office.counters:
        c.close()
    server = RunningServer(
        office.city_url, office.city_db, [ServerUser("leader", PASSWORD, "C01", p.Role.LEADER)], 0
    )
    clerks = []
    total_ops = 0
    try:
        for c in office.counters:
            ctx = AppContext.open(AppPaths.resolve(c.data_dir))
            clerks.append(SimpleNamespace(name=c.name, ctx=ctx))
            with ctx.store.read() as s:
                total_ops += int(s.scalar(select(func.count()).select_from(OutboxOp)) or 0)
                assert s.scalar(select(func.count()).select_from(QuarantinedOp)) == 0
        assert_equal_to_city(server, "C01", clerks)  # type: ignore[arg-type]
        assert _city_results(office) == total_ops >= made
    finally:
        for clerk in clerks:
            clerk.ctx.close()


def test_multi_day_outage_then_wan_back(tmp_path: Path) -> None:
    office = Office(tmp_path)
    try:
        office.start_city()
        office.register_relay()
        office.start_relay()
        assert office.lan is not None and office.wan is not None
        counters = [office.add_counter(f"pc{i}", f"clerk{i}") for i in range(3)]
        for c in counters:
            c.call(cmd="relay", url=office.lan.url)
        made = 0
        # Day 0, link up: through the relay to the city.
        for c in counters:
            c.call(cmd="work", tag=f"{c.name}-d0", n=1)
            made += 1
            assert c.sync()["ok"]
        _settle(office)

        # Days 1-3: the WAN is down; the LAN works; on day 2 the LAN is cut for a while too.
        office.wan.set(**LINK_DOWN)
        at_outage = _city_results(office)
        for day in (1, 2, 3):
            for i, c in enumerate(counters):
                # pc0 registers many documents on day 2: its own block runs out, the relay sub-leases.
                c.call(cmd="work", tag=f"{c.name}-d{day}", n=2, incoming=22 if (day, i) == (2, 0) else 0)
                r = c.sync()
                assert r["ok"], r
                assert r["pending"] > 0  # held by the relay for the city
            if day == 2:
                office.lan.set(**LINK_DOWN)
                for c in counters:
                    c.call(cmd="work", tag=f"{c.name}-lan", n=1)
                    r = c.sync()
                    assert not r["ok"] and r["error_kind"] == "offline", r  # WAN down too: no way out
                office.lan.clear()
            for c in counters + counters:  # push what is left, then everyone pulls
                assert c.sync()["ok"]
            _same_dossiers(counters)  # R3: each sees the others' work over the LAN
        assert _city_results(office) == at_outage  # nothing crossed the cut WAN

        # The WAN comes back, but the city's answer to the relay's first forward is held
        # back: the city has committed, the relay has not heard. Then the relay is killed.
        office.wan.set(stall_down_after=0, match=b"POST /v1/relay/push")
        counters[0].sync()  # wakes the relay's forwarder
        _wait("the city to commit a forwarded batch", lambda: _city_results(office) > at_outage)
        office.kill_relay()
        office.wan.clear()
        office.wan.drop_connections()
        office.start_relay()  # same database: it forwards again; the city replays
        _settle(office)
        dossiers = _same_dossiers(counters)
        assert len(dossiers) == 3 * (1 + 2 * 3 + 1)
        assert _subleases(office) > 0  # pc0's extra documents were numbered from the relay's block
        _check_against_city(office, made)
    finally:
        office.close()


def test_relay_replaced_by_another_pc(tmp_path: Path) -> None:
    """R7, R8, R11: the relay's PC dies with the office's work on it; nothing is lost."""
    office = Office(tmp_path)
    try:
        office.start_city()
        office.register_relay("relay1")
        office.start_relay()
        assert office.lan is not None and office.wan is not None
        counters = [office.add_counter(f"pc{i}", f"clerk{i}") for i in range(3)]
        for c in counters:
            c.call(cmd="relay", url=office.lan.url)
            c.call(cmd="work", tag=f"{c.name}-d0", n=1)
        _settle(office)
        first_source = counters[0].ids()["source"]["source_id"]

        office.wan.set(**LINK_DOWN)
        for c in counters:
            c.call(cmd="work", tag=f"{c.name}-out", n=2)
            assert c.sync()["ok"]
        at_outage = _city_results(office)
        office.kill_relay()
        Path(office.relay_db.removeprefix("sqlite:///")).unlink()  # its disk is gone

        # Relay gone, WAN down: the counter keeps working, offline.
        counters[0].call(cmd="work", tag="pc0-alone", n=1)
        r = counters[0].sync()
        assert not r["ok"] and r["error_kind"] == "offline"
        # WAN back, still no relay: pc0 syncs with the city directly.
        office.wan.clear()
        r = counters[0].sync()
        assert r["ok"] and r["pending"] == 0, r
        assert _city_results(office) > at_outage
        assert counters[0].ids()["source"]["relay"] is False

        # Another PC becomes the relay at the same address.
        office.register_relay("relay2")
        office.relay_port = 0
        office.start_relay()
        _settle(office)
        sources = {c.ids()["source"]["source_id"] for c in counters}
        assert len(sources) == 1 and first_source not in sources  # R11: a new source, pulled from 0
        assert len(_same_dossiers(counters)) == 3 * (1 + 2) + 1
        _check_against_city(office, 0)
    finally:
        office.close()
