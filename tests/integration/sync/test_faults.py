"""Fault injection: the link between a PC and the real server cuts, stalls, crawls and lies.

Every case makes one PC do a realistic burst of work (dossiers with events,
an attachment, register entries), breaks the link in one way, then lets the
engine retry until it converges: the server must end up with exactly the
PC's records, once each.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from tests.helpers.city_server import RunningServer
from tests.helpers.fault_proxy import FaultProxy
from tests.integration.sync.sync_support import Clerk, assert_converged, make_clerk

from commune_desk.domain.dossier import EventKind
from commune_desk.store.models import OutboxOp
from commune_desk.sync.status import SyncPhase


@pytest.fixture()
def proxy(city: RunningServer) -> Iterator[FaultProxy]:
    with FaultProxy("127.0.0.1", city.port) as p:
        yield p


def workload(clerk: Clerk, *, attachment: int = 300_000) -> None:
    for i in range(6):
        dossier = clerk.register(i)
        clerk.services.record_event(dossier, EventKind.ASSIGNED, actor=clerk.name)
        if i == 0:
            clerk.services.add_attachment(
                "dossier", dossier, source=os.urandom(attachment), filename="scan.pdf"
            )
    for i in range(3):
        clerk.incoming(i)


def converge(clerk: Clerk, rounds: int = 12) -> list[Any]:
    results = []
    for _ in range(rounds):
        result = clerk.engine.sync_once()
        results.append(result)
        if result.ok and result.converged:
            return results
    raise AssertionError(f"no convergence: {results[-3:]}")


CASES: dict[str, dict[str, Any]] = {
    "cut-request-mid-push": dict(cut_up_after=700, match=b"POST /v1/push", times=2),
    "reply-lost-after-commit": dict(drop_reply=True, match=b"POST /v1/push", times=2),
    "cut-reply-mid-pull": dict(cut_down_after=900, match=b"GET /v1/pull", times=2),
    "truncated-pull-reply": dict(truncate_down_after=400, match=b"GET /v1/pull", times=2),
    "cut-chunk-upload": dict(cut_up_after=100_000, match=b"PUT /v1/blobs", times=3),
    "chunk-reply-lost": dict(drop_reply=True, match=b"PUT /v1/blobs", times=2),
    "handshake-reply-lost": dict(drop_reply=True, match=b"POST /v1/handshake", times=1),
    "cut-every-64k": dict(cut_every=64 * 1024),
}


@pytest.mark.parametrize("faults", list(CASES.values()), ids=list(CASES))
def test_converges_through_fault(
    tmp_path: Path, city: RunningServer, proxy: FaultProxy, faults: dict[str, Any]
) -> None:
    clerk = make_clerk(tmp_path, "pc", proxy.url, city.user("C01"))
    try:
        workload(clerk)
        proxy.set(**faults)
        results = converge(clerk, rounds=40 if "cut_every" in faults else 12)
        assert proxy.fired >= 1, "the fault never fired: the test would prove nothing"
        assert all(r.error_kind in (None, "offline") for r in results)
        proxy.clear()
        assert_converged(city, "C01", [clerk])
    finally:
        clerk.close()


def test_stall_times_out_then_recovers(tmp_path: Path, city: RunningServer, proxy: FaultProxy) -> None:
    clerk = make_clerk(tmp_path, "pc", proxy.url, city.user("C01"), timeout=(1.0, 1.0))
    try:
        workload(clerk, attachment=10_000)
        proxy.set(stall=True)
        started = time.monotonic()
        result = clerk.engine.sync_once()
        assert not result.ok and result.error_kind == "offline"
        assert time.monotonic() - started < 5, "a stalled link must hit the request timeout"
        assert clerk.engine.status.phase is SyncPhase.OFFLINE
        proxy.clear()
        converge(clerk)
        assert_converged(city, "C01", [clerk])
    finally:
        clerk.close()


def test_slow_link_with_latency_is_correct_and_lean(
    tmp_path: Path, city: RunningServer, proxy: FaultProxy
) -> None:
    clerk = make_clerk(tmp_path, "pc", proxy.url, city.user("C01"))
    try:
        workload(clerk, attachment=400_000)
        proxy.reset_counters()
        proxy.set(bandwidth=1_000_000, latency=0.03, cut_every=150_000)
        converge(clerk, rounds=20)
        proxy.clear()
        # 400 kB of random bytes plus a few kB of JSON: resumes must not resend much.
        assert proxy.bytes_up < 400_000 * 1.5, proxy.bytes_up
        assert_converged(city, "C01", [clerk])
        with clerk.ctx.store.read() as s:
            assert s.scalar(select(func.count()).select_from(OutboxOp).where(OutboxOp.state != "done")) == 0
    finally:
        clerk.close()


def test_attachment_on_a_link_cut_every_256k_goes_in_large_requests(
    tmp_path: Path, city: RunningServer, proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server keeps the part of a cut chunk request that reached it; the engine notices
    at the first cut and sends requests as large as the server accepts, so a round trip is
    paid per cut, not per small chunk (the old sizing fell to 32 KiB chunks on this link)."""
    from commune_desk.sync.client import SyncClient

    chunk_requests: list[int] = []
    original = SyncClient.blob_chunk

    def counted(self: SyncClient, sha256: str, offset: int, data: bytes) -> Any:
        chunk_requests.append(len(data))
        return original(self, sha256, offset, data)

    monkeypatch.setattr(SyncClient, "blob_chunk", counted)
    clerk = make_clerk(tmp_path, "pc", proxy.url, city.user("C01"))
    try:
        size = 3 * 1024 * 1024
        dossier = clerk.register(0)
        clerk.services.add_attachment("dossier", dossier, source=os.urandom(size), filename="scan.pdf")
        proxy.reset_counters()
        proxy.set(cut_every=256 * 1024)
        converge(clerk, rounds=40)
        assert proxy.fired >= 8
        assert clerk.engine.sizer.keeps_partial
        # ~12 cuts while uploading: one request per cut plus a few, never one per 32 KiB.
        assert len(chunk_requests) <= proxy.fired + 6, (str(chunk_requests), proxy.fired)
        # Wire bytes: the 1.25 target is measured on a paced link (bench/sync_broken_link.py:
        # 0.99). Here the loopback is unpaced, so at each reset the bytes the proxy forwarded
        # that still sat unread in the server's socket buffer are dropped by the kernel and
        # sent again: 1.1-1.26 over runs. Resending each cut 1 MiB request whole would be ~3.
        assert (proxy.bytes_up + proxy.bytes_down) / size <= 1.4
        proxy.clear()
        assert_converged(city, "C01", [clerk])
    finally:
        clerk.close()
